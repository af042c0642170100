//! The engine benchmark: Iris against wasmi, side by side in one run.
//!
//! Runs each kernel of `benches/kernels/` on both engines, checks that they
//! agree on the result, and prints the best time per call, the ratio
//! Iris/wasmi per kernel and the geometric mean of the ratios, with metering
//! off and on; then the translation speed (decode + validate + translate) in
//! MB/s on the kernels and on the largest modules of the spec suite.
//!
//! `cargo bench -p engine --bench engine` (add `-- --quick` for a short run).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A kernel: its file, and the argument of `run` for the benchmark.
struct Kernel {
    name: &'static str,
    file: &'static str,
    n: i32,
}

const KERNELS: &[Kernel] = &[
    Kernel {
        name: "sha256",
        file: "sha256.wasm",
        n: 500,
    },
    Kernel {
        name: "keccak256",
        file: "keccak256.wasm",
        n: 600,
    },
    Kernel {
        name: "modmul256",
        file: "modmul256.wasm",
        n: 40_000,
    },
    Kernel {
        name: "fib",
        file: "fib.wasm",
        n: 30,
    },
    Kernel {
        name: "bulk",
        file: "bulk.wasm",
        n: 10_000,
    },
];

fn kernels_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/kernels")
}

/// Runs `f` repeatedly for about `budget` (at least 3 times) and gives the
/// fastest call: the one least disturbed by the rest of the machine.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut best = Duration::MAX;
    let mut runs = 0;
    while runs < 3 || start.elapsed() < budget {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
        runs += 1;
    }
    best
}

/// Times `a` and `b` in alternation for about `budget` (at least 5 rounds)
/// and gives the fastest call of each: drifts in the machine's speed then
/// hit both alike.
fn time_pair(budget: Duration, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let start = Instant::now();
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    let mut rounds = 0;
    while rounds < 5 || start.elapsed() < budget {
        let t = Instant::now();
        a();
        best_a = best_a.min(t.elapsed());
        let t = Instant::now();
        b();
        best_b = best_b.min(t.elapsed());
        rounds += 1;
    }
    (best_a, best_b)
}

struct Iris {
    store: engine::Store<()>,
    run: engine::TypedFunc<i32, i64>,
    fuel: bool,
}

impl Iris {
    fn new(bytes: &[u8], fuel: bool) -> Self {
        let mut config = engine::Config::default();
        config.consume_fuel(fuel);
        let engine = engine::Engine::new(&config);
        let module = engine::Module::new(&engine, bytes).expect("iris compiles the kernel");
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("iris instantiates the kernel");
        let run = instance
            .get_func(&store, "run")
            .expect("kernel exports run")
            .typed::<i32, i64>(&store)
            .expect("run: [i32] -> [i64]");
        Self { store, run, fuel }
    }

    fn call(&mut self, n: i32) -> i64 {
        if self.fuel {
            self.store.set_fuel(u64::MAX).expect("fuel is on");
        }
        self.run
            .call(&mut self.store, n)
            .expect("iris runs the kernel")
    }
}

struct Wasmi {
    store: wasmi::Store<()>,
    run: wasmi::TypedFunc<i32, i64>,
    fuel: bool,
}

impl Wasmi {
    fn new(bytes: &[u8], fuel: bool) -> Self {
        let mut config = wasmi::Config::default();
        config.consume_fuel(fuel);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, bytes).expect("wasmi compiles the kernel");
        let mut store = wasmi::Store::new(&engine, ());
        let instance = wasmi::Linker::<()>::new(&engine)
            .instantiate_and_start(&mut store, &module)
            .expect("wasmi instantiates the kernel");
        let run = instance
            .get_typed_func::<i32, i64>(&store, "run")
            .expect("run: [i32] -> [i64]");
        Self { store, run, fuel }
    }

    fn call(&mut self, n: i32) -> i64 {
        if self.fuel {
            self.store.set_fuel(u64::MAX).expect("fuel is on");
        }
        self.run
            .call(&mut self.store, n)
            .expect("wasmi runs the kernel")
    }
}

fn geomean(ratios: &[f64]) -> f64 {
    let sum: f64 = ratios.iter().map(|r| r.ln()).sum();
    (sum / ratios.len() as f64).exp()
}

fn execution(budget: Duration, fuel: bool) {
    let mode = if fuel {
        "metering on (fuel)"
    } else {
        "metering off"
    };
    println!("\nexecution, {mode}: best time per call");
    println!(
        "{:<12} {:>8} {:>12} {:>12} {:>8}",
        "kernel", "n", "iris", "wasmi", "ratio"
    );
    let mut ratios = Vec::new();
    for kernel in KERNELS {
        let path = kernels_dir().join(kernel.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut iris = Iris::new(&bytes, fuel);
        let mut wasmi = Wasmi::new(&bytes, fuel);
        let expected = wasmi.call(kernel.n);
        assert_eq!(
            iris.call(kernel.n),
            expected,
            "{}: iris and wasmi disagree",
            kernel.name
        );
        let (t_iris, t_wasmi) = time_pair(
            budget * 2,
            || {
                std::hint::black_box(iris.call(kernel.n));
            },
            || {
                std::hint::black_box(wasmi.call(kernel.n));
            },
        );
        let ratio = t_iris.as_secs_f64() / t_wasmi.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{:<12} {:>8} {:>10.3}ms {:>10.3}ms {:>8.2}",
            kernel.name,
            kernel.n,
            t_iris.as_secs_f64() * 1e3,
            t_wasmi.as_secs_f64() * 1e3,
            ratio
        );
    }
    println!(
        "{:<12} {:>8} {:>12} {:>12} {:>8.2}",
        "geomean",
        "",
        "",
        "",
        geomean(&ratios)
    );
}

/// The `count` largest modules of the spec suite, encoded.
fn spec_modules(count: usize) -> Vec<(String, Vec<u8>)> {
    let mut modules = Vec::new();
    let dir = match test_data::spec_dir() {
        Ok(dir) => dir,
        Err(e) => {
            println!("({e}: left out of this table)");
            return modules;
        }
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "(no spec suite at {}: left out of this table)",
            dir.display()
        );
        return modules;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "wast") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut lexer = wast::lexer::Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let Ok(buf) = wast::parser::ParseBuffer::new_with_lexer(lexer) else {
            continue;
        };
        let Ok(script) = wast::parser::parse::<wast::Wast>(&buf) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for directive in script.directives {
            if let wast::WastDirective::Module(mut module) = directive {
                if let Ok(bytes) = module.encode() {
                    modules.push((name.clone(), bytes));
                }
            }
        }
    }
    modules.sort_by_key(|(_, bytes)| std::cmp::Reverse(bytes.len()));
    modules.truncate(count);
    modules
}

/// The modules of the translation table: the kernels and the largest
/// modules of the spec suite.
fn translation_modules() -> Vec<(String, Vec<u8>)> {
    let mut modules: Vec<(String, Vec<u8>)> = KERNELS
        .iter()
        .filter_map(|k| {
            let bytes = std::fs::read(kernels_dir().join(k.file)).ok()?;
            Some((k.file.to_string(), bytes))
        })
        .collect();
    modules.extend(spec_modules(5));
    modules
}

/// Module compilation, MB/s: Iris translating every function (eager) and
/// only validating, functions left for their first calls (lazy); wasmi
/// eager, lazily translating (validation eager, as Iris's lazy mode) and
/// lazy (validation lazy too). The ratios compare like with like.
fn translation(budget: Duration) {
    println!("\ntranslation: Module::new, MB/s (higher is better)");
    println!(
        "{:<24} {:>9} {:>10} {:>10} {:>12} {:>12} {:>11} {:>7} {:>7}",
        "module",
        "bytes",
        "iris eager",
        "iris lazy",
        "wasmi eager",
        "wasmi lazy-t",
        "wasmi lazy",
        "eager",
        "lazy"
    );
    let modules = translation_modules();
    let iris = |lazy| {
        let mut config = engine::Config::default();
        config.lazy_translation(lazy);
        engine::Engine::new(&config)
    };
    let (iris_eager, iris_lazy) = (iris(false), iris(true));
    let wasmi = |mode| {
        let mut config = wasmi::Config::default();
        config.compilation_mode(mode);
        wasmi::Engine::new(&config)
    };
    let eager = wasmi(wasmi::CompilationMode::Eager);
    let lazy_translation = wasmi(wasmi::CompilationMode::LazyTranslation);
    let lazy = wasmi(wasmi::CompilationMode::Lazy);
    for (name, bytes) in modules {
        if engine::Module::new(&iris_eager, &bytes).is_err()
            || wasmi::Module::new(&eager, &bytes[..]).is_err()
        {
            continue;
        }
        let mbps = |t: Duration| bytes.len() as f64 / t.as_secs_f64() / 1e6;
        let t_iris = time(budget, || {
            std::hint::black_box(engine::Module::new(&iris_eager, &bytes).ok());
        });
        let t_iris_lazy = time(budget, || {
            std::hint::black_box(engine::Module::new(&iris_lazy, &bytes).ok());
        });
        let t_eager = time(budget, || {
            std::hint::black_box(wasmi::Module::new(&eager, &bytes[..]).ok());
        });
        let t_lazy_t = time(budget, || {
            std::hint::black_box(wasmi::Module::new(&lazy_translation, &bytes[..]).ok());
        });
        let t_lazy = time(budget, || {
            std::hint::black_box(wasmi::Module::new(&lazy, &bytes[..]).ok());
        });
        println!(
            "{:<24} {:>9} {:>10.1} {:>10.1} {:>12.1} {:>12.1} {:>11.1} {:>7.2} {:>7.2}",
            name,
            bytes.len(),
            mbps(t_iris),
            mbps(t_iris_lazy),
            mbps(t_eager),
            mbps(t_lazy_t),
            mbps(t_lazy),
            t_iris.as_secs_f64() / t_eager.as_secs_f64(),
            t_iris_lazy.as_secs_f64() / t_lazy_t.as_secs_f64()
        );
    }
}

fn main() {
    // `--profile KERNEL N [--fuel] [--wasmi]`: one call on one engine (Iris
    // unless `--wasmi`), for callgrind or perf.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let name = args.get(at + 1).expect("--profile KERNEL N");
        let n: i32 = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .expect("--profile KERNEL N");
        let kernel = KERNELS
            .iter()
            .find(|k| k.name == name)
            .expect("known kernel");
        let bytes = std::fs::read(kernels_dir().join(kernel.file)).expect("kernel file");
        let fuel = args.iter().any(|a| a == "--fuel");
        let result = if args.iter().any(|a| a == "--wasmi") {
            Wasmi::new(&bytes, fuel).call(n)
        } else {
            Iris::new(&bytes, fuel).call(n)
        };
        println!("{} = {result}", kernel.name);
        return;
    }
    // `--profile-translate NAME N`: translates module NAME of the translation
    // table N times on Iris (or wasmi's eager translation with `--wasmi`).
    if let Some(at) = args.iter().position(|a| a == "--profile-translate") {
        let name = args.get(at + 1).expect("--profile-translate NAME N");
        let n: usize = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .expect("--profile-translate NAME N");
        let (_, bytes) = translation_modules()
            .into_iter()
            .find(|(m, _)| m == name)
            .expect("a module of the translation table");
        // Eagerly: every function translated, as wasmi's eager mode.
        let mut config = engine::Config::default();
        config.lazy_translation(false);
        let iris = engine::Engine::new(&config);
        let mut eager = wasmi::Config::default();
        eager.compilation_mode(wasmi::CompilationMode::Eager);
        let eager = wasmi::Engine::new(&eager);
        for _ in 0..n {
            if args.iter().any(|a| a == "--wasmi") {
                std::hint::black_box(wasmi::Module::new(&eager, &bytes[..]).ok());
            } else {
                std::hint::black_box(engine::Module::new(&iris, &bytes).ok());
            }
        }
        return;
    }
    // `cargo test --benches` runs this binary with `--test`: one short pass.
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let budget = if quick {
        Duration::from_millis(20)
    } else {
        Duration::from_secs(2)
    };
    execution(budget, false);
    execution(budget, true);
    translation(budget / 4);
}
