//! Contract kernels: the ewasm-benchmarking contracts (hashes, big-number
//! arithmetic, WRC20) run through `ewasm-host` on Iris, against the same
//! contract on wasmi with a minimal EEI, side by side in one run.
//!
//! Each kernel is the contract a benchmarking state test calls. The test
//! is run once through Iris to record the call data its caller passes; the
//! benchmark then calls the contract with that data again and again: on
//! Iris through `ewasm-host`'s `Executor` (the full EEI with its gas
//! rules) over a minimal in-memory host (`test_support::memory_host`:
//! storage and balances in maps, no client state machinery), on wasmi
//! through host functions that only copy bytes (no gas, no world). Both must give the same output. Metering on means the
//! Ewasm cost model in Iris against wasmi's fuel.
//!
//! `cargo bench -p test-support --bench contracts` (`-- --quick` for a short
//! run). The vectors come from `$IRIS_EWASM_TESTS`, `../shared/ewasm-tests`
//! or `testdata/ewasm-tests` (`scripts/testdata.sh`).

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{Address, ExecConfig, Executor, Message, Revision};
use test_support::kernels::KERNELS;
use test_support::memory_host::{call_message, MemoryHost};

/// Where the contract is, and who calls it.
const CONTRACT: Address = Address([0xc0; 20]);
const CALLER: Address = Address([0xca; 20]);

/// One contract called again and again on Iris, at Byzantium (the
/// vectors' fork), its storage kept between calls.
struct OnIris {
    executor: Arc<Executor>,
    host: MemoryHost,
    message: Message<'static>,
    code: Vec<u8>,
}

impl OnIris {
    fn new(executor: Arc<Executor>, code: Vec<u8>, input: Vec<u8>) -> Self {
        let message = call_message(CALLER, CONTRACT, input, i64::MAX / 2);
        Self {
            executor,
            host: MemoryHost::with_code(CONTRACT, code.clone()),
            message,
            code,
        }
    }

    /// One call: its output.
    fn call(&mut self) -> Vec<u8> {
        self.host.next_message();
        self.executor
            .execute(
                &mut self.host,
                Revision::Byzantium,
                &self.message,
                &self.code,
            )
            .output
    }
}

/// The contract kernel `name` calls, and the call data it passes.
fn kernel(name: &str) -> (Vec<u8>, Vec<u8>) {
    test_support::kernels::kernel(name).unwrap_or_else(|e| panic!("{e}"))
}

/// What wasmi's host functions see.
#[derive(Default)]
struct Eei {
    input: Vec<u8>,
    output: Vec<u8>,
    storage: HashMap<[u8; 32], [u8; 32]>,
}

fn memory(caller: &wasmi::Caller<'_, Eei>) -> Result<wasmi::Memory, wasmi::Error> {
    caller
        .get_export("memory")
        .and_then(wasmi::Extern::into_memory)
        .ok_or_else(|| wasmi::Error::new("no memory"))
}

fn read(caller: &wasmi::Caller<'_, Eei>, at: u32, len: u32) -> Result<Vec<u8>, wasmi::Error> {
    let mut bytes = vec![0; len as usize];
    memory(caller)?
        .read(caller, at as usize, &mut bytes)
        .map_err(|_| wasmi::Error::new("out of bounds"))?;
    Ok(bytes)
}

fn write(caller: &mut wasmi::Caller<'_, Eei>, at: u32, bytes: &[u8]) -> Result<(), wasmi::Error> {
    memory(caller)?
        .write(caller, at as usize, bytes)
        .map_err(|_| wasmi::Error::new("out of bounds"))
}

/// The EEI functions the kernels import, reduced to moving bytes.
fn linker(engine: &wasmi::Engine) -> wasmi::Linker<Eei> {
    let mut linker = wasmi::Linker::new(engine);
    let wrap = "the EEI function links once";
    linker
        .func_wrap(
            "ethereum",
            "getCallDataSize",
            |c: wasmi::Caller<'_, Eei>| c.data().input.len() as i32,
        )
        .expect(wrap);
    linker
        .func_wrap(
            "ethereum",
            "callDataCopy",
            |mut c: wasmi::Caller<'_, Eei>, to: u32, from: u32, len: u32| {
                let input = &c.data().input;
                let bytes = input
                    .get(from as usize..(from as usize).saturating_add(len as usize))
                    .ok_or_else(|| wasmi::Error::new("call data out of bounds"))?
                    .to_vec();
                write(&mut c, to, &bytes)
            },
        )
        .expect(wrap);
    for name in ["finish", "revert"] {
        linker
            .func_wrap(
                "ethereum",
                name,
                |mut c: wasmi::Caller<'_, Eei>, at: u32, len: u32| -> Result<(), wasmi::Error> {
                    let output = read(&c, at, len)?;
                    c.data_mut().output = output;
                    Err(wasmi::Error::i32_exit(0))
                },
            )
            .expect(wrap);
    }
    linker
        .func_wrap("ethereum", "useGas", |_: wasmi::Caller<'_, Eei>, _: i64| {})
        .expect(wrap);
    linker
        .func_wrap(
            "ethereum",
            "getCaller",
            |mut c: wasmi::Caller<'_, Eei>, at: u32| write(&mut c, at, &CALLER.0),
        )
        .expect(wrap);
    linker
        .func_wrap(
            "ethereum",
            "storageLoad",
            |mut c: wasmi::Caller<'_, Eei>, key: u32, at: u32| {
                let key: [u8; 32] = read(&c, key, 32)?.try_into().unwrap_or([0; 32]);
                let value = c.data().storage.get(&key).copied().unwrap_or([0; 32]);
                write(&mut c, at, &value)
            },
        )
        .expect(wrap);
    linker
        .func_wrap(
            "ethereum",
            "storageStore",
            |mut c: wasmi::Caller<'_, Eei>, key: u32, value: u32| {
                let key: [u8; 32] = read(&c, key, 32)?.try_into().unwrap_or([0; 32]);
                let value: [u8; 32] = read(&c, value, 32)?.try_into().unwrap_or([0; 32]);
                c.data_mut().storage.insert(key, value);
                Ok(())
            },
        )
        .expect(wrap);
    linker
}

/// The kernel on wasmi: a fresh store and instance per call, as a client
/// would run a message.
struct OnWasmi {
    engine: wasmi::Engine,
    module: wasmi::Module,
    linker: wasmi::Linker<Eei>,
    input: Vec<u8>,
    fuel: bool,
}

impl OnWasmi {
    fn new(code: &[u8], input: &[u8], fuel: bool) -> Self {
        Self::with_mode(code, input, fuel, wasmi::CompilationMode::LazyTranslation)
    }

    /// The kernel compiled in `mode` (wasmi's default is lazy translation
    /// with eager validation).
    fn with_mode(code: &[u8], input: &[u8], fuel: bool, mode: wasmi::CompilationMode) -> Self {
        let mut config = wasmi::Config::default();
        config.consume_fuel(fuel).compilation_mode(mode);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, code).expect("wasmi compiles the contract");
        let linker = linker(&engine);
        Self {
            engine,
            module,
            linker,
            input: input.to_vec(),
            fuel,
        }
    }

    fn call(&self) -> Vec<u8> {
        let eei = Eei {
            input: self.input.clone(),
            ..Eei::default()
        };
        let mut store = wasmi::Store::new(&self.engine, eei);
        if self.fuel {
            store.set_fuel(u64::MAX).expect("fuel is on");
        }
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)
            .expect("wasmi instantiates the contract");
        let main = instance
            .get_typed_func::<(), ()>(&store, "main")
            .expect("exports main");
        if let Err(e) = main.call(&mut store, ()) {
            assert_eq!(e.i32_exit_status(), Some(0), "wasmi: {e}");
        }
        std::mem::take(&mut store.data_mut().output)
    }
}

/// Times `a` and `b` in alternation for about `budget` and gives the
/// fastest call of each.
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

fn execution(kernels: &[(&str, Vec<u8>, Vec<u8>)], budget: Duration, metering: bool) {
    let mode = match metering {
        true => "metering on (Iris: Ewasm costs; wasmi: fuel)",
        false => "metering off",
    };
    println!("\ncontracts, {mode}: best time per call");
    println!(
        "{:<16} {:>8} {:>12} {:>12} {:>8}",
        "contract", "bytes", "iris", "wasmi", "ratio"
    );
    let executor = Arc::new(
        Executor::new(ExecConfig {
            metering,
            cache_size: 16,
            ..ExecConfig::default()
        })
        .expect("executor"),
    );
    let mut ratios = Vec::new();
    for (name, code, input) in kernels {
        let mut iris = OnIris::new(Arc::clone(&executor), code.clone(), input.clone());
        let wasmi = OnWasmi::new(code, input, metering);
        assert_eq!(iris.call(), wasmi.call(), "{name}: outputs differ");
        let (t_iris, t_wasmi) = time_pair(
            budget,
            || {
                std::hint::black_box(iris.call());
            },
            || {
                std::hint::black_box(wasmi.call());
            },
        );
        let ratio = t_iris.as_secs_f64() / t_wasmi.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{:<16} {:>8} {:>12} {:>12} {:>8.2}",
            name,
            code.len(),
            duration(t_iris),
            duration(t_wasmi),
            ratio
        );
    }
    let geomean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    println!(
        "{:<16} {:>8} {:>12} {:>12} {:>8.2}",
        "geomean", "", "", "", geomean
    );
}

/// Cold calls, metering on: from the contract's bytes to its result, each
/// call compiling it afresh (no cache). Iris translating every function at
/// load and at first calls, wasmi eagerly and lazily (validation eager in
/// both lazy modes).
fn cold(kernels: &[(&str, Vec<u8>, Vec<u8>)], budget: Duration) {
    println!("\ncontracts cold (compile + instantiate + call), metering on: best time per call");
    println!(
        "{:<16} {:>8} {:>11} {:>11} {:>11} {:>11} {:>7} {:>7}",
        "contract",
        "bytes",
        "iris eager",
        "iris lazy",
        "wasmi eager",
        "wasmi lazy",
        "eager",
        "lazy"
    );
    let executor = |lazy_translation| {
        Arc::new(
            Executor::new(ExecConfig {
                cache_size: 0,
                lazy_translation,
                ..ExecConfig::default()
            })
            .expect("executor"),
        )
    };
    let (eager, lazy) = (executor(false), executor(true));
    let mut ratios = (Vec::new(), Vec::new());
    for (name, code, input) in kernels {
        let mut iris_eager = OnIris::new(Arc::clone(&eager), code.clone(), input.clone());
        let mut iris_lazy = OnIris::new(Arc::clone(&lazy), code.clone(), input.clone());
        let wasmi = |mode| {
            let on = OnWasmi::with_mode(code, input, true, mode);
            std::hint::black_box(on.call());
        };
        let (t_ie, t_we) = time_pair(
            budget,
            || {
                std::hint::black_box(iris_eager.call());
            },
            || wasmi(wasmi::CompilationMode::Eager),
        );
        let (t_il, t_wl) = time_pair(
            budget,
            || {
                std::hint::black_box(iris_lazy.call());
            },
            || wasmi(wasmi::CompilationMode::LazyTranslation),
        );
        let (re, rl) = (
            t_ie.as_secs_f64() / t_we.as_secs_f64(),
            t_il.as_secs_f64() / t_wl.as_secs_f64(),
        );
        ratios.0.push(re);
        ratios.1.push(rl);
        println!(
            "{:<16} {:>8} {:>11} {:>11} {:>11} {:>11} {:>7.2} {:>7.2}",
            name,
            code.len(),
            duration(t_ie),
            duration(t_il),
            duration(t_we),
            duration(t_wl),
            re,
            rl
        );
    }
    let geomean = |r: &[f64]| (r.iter().map(|r| r.ln()).sum::<f64>() / r.len() as f64).exp();
    println!(
        "{:<16} {:>8} {:>11} {:>11} {:>11} {:>11} {:>7.2} {:>7.2}",
        "geomean",
        "",
        "",
        "",
        "",
        "",
        geomean(&ratios.0),
        geomean(&ratios.1)
    );
}

/// A time per call in µs below a millisecond, else in ms.
fn duration(t: Duration) -> String {
    let us = t.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.2}us")
    } else {
        format!("{:.3}ms", us / 1e3)
    }
}

/// `--profile NAME N [--metering] [--cold] [--wasmi]`: N calls of one
/// contract on one engine (Iris unless `--wasmi`), for callgrind or perf;
/// `--cold`: Iris caches nothing, each call compiles the contract again.
fn profile(args: &[String], at: usize) {
    let name = args.get(at + 1).expect("--profile NAME N");
    let n: u32 = args
        .get(at + 2)
        .and_then(|n| n.parse().ok())
        .expect("--profile NAME N");
    let metering = args.iter().any(|a| a == "--metering");
    let cold = args.iter().any(|a| a == "--cold");
    let (code, input) = kernel(name);
    let mut output = Vec::new();
    if args.iter().any(|a| a == "--wasmi") {
        let wasmi = OnWasmi::new(&code, &input, metering);
        for _ in 0..n {
            output = wasmi.call();
        }
    } else {
        let executor = Executor::new(ExecConfig {
            metering,
            cache_size: if cold { 0 } else { 16 },
            ..ExecConfig::default()
        })
        .expect("executor");
        let mut iris = OnIris::new(Arc::new(executor), code, input);
        for _ in 0..n {
            output = iris.call();
        }
    }
    println!("{name}: {} bytes of output", output.len());
}

/// Resident memory of this process, in bytes (`VmRSS`).
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// How many copies of a contract the memory figures keep alive.
const COPIES: usize = 200;

/// `--memory ENGINE NAME`, in a child process of its own: compiles and
/// instantiates `COPIES` copies of the contract (each its own module and
/// store, every import a do-nothing host function, wasmi translating
/// eagerly as Iris does) and prints the growth of resident memory per copy.
fn memory_child(args: &[String], at: usize) {
    let engine_name = args.get(at + 1).expect("--memory ENGINE NAME");
    let name = args.get(at + 2).expect("--memory ENGINE NAME");
    let (code, _) = kernel(name);
    let before = resident();
    let mut iris = Vec::new();
    let mut wasmi = Vec::new();
    for _ in 0..COPIES {
        if engine_name == "iris" {
            let engine = engine::Engine::default();
            let module = engine::Module::new(&engine, &code).expect("iris compiles");
            let mut linker = engine::Linker::new(&engine);
            for import in module.imports() {
                if let engine::ExternType::Func(ty) = import.ty {
                    linker
                        .func_new_raw(import.module, import.name, ty, |_, _| Ok(()))
                        .expect("links once");
                }
            }
            let mut store = engine::Store::new(&engine, ());
            let instance = linker
                .instantiate(&mut store, &module)
                .expect("iris instantiates");
            iris.push((store, instance));
        } else {
            let mut config = wasmi::Config::default();
            config.compilation_mode(wasmi::CompilationMode::Eager);
            let engine = wasmi::Engine::new(&config);
            let module = wasmi::Module::new(&engine, &code[..]).expect("wasmi compiles");
            let mut linker = wasmi::Linker::<()>::new(&engine);
            for import in module.imports() {
                if let wasmi::ExternType::Func(ty) = import.ty() {
                    linker
                        .func_new(import.module(), import.name(), ty.clone(), |_, _, _| Ok(()))
                        .expect("links once");
                }
            }
            let mut store = wasmi::Store::new(&engine, ());
            let instance = linker
                .instantiate_and_start(&mut store, &module)
                .expect("wasmi instantiates");
            wasmi.push((store, instance));
        }
    }
    let grown = resident().saturating_sub(before);
    println!("{}", grown / COPIES as u64);
    std::hint::black_box((iris, wasmi));
}

/// Resident memory per instantiated contract on each engine, each measured
/// in a fresh child process.
fn memory_table(kernels: &[(&str, Vec<u8>, Vec<u8>)]) {
    println!(
        "
resident memory per instantiated contract (module + instance, {COPIES} copies kept)"
    );
    println!(
        "{:<16} {:>8} {:>12} {:>12} {:>8}",
        "contract", "bytes", "iris", "wasmi", "ratio"
    );
    let exe = std::env::current_exe().expect("own path");
    let measure = |engine: &str, name: &str| -> u64 {
        let out = std::process::Command::new(&exe)
            .args(["--memory", engine, name])
            .output()
            .expect("child runs");
        assert!(out.status.success(), "{engine} {name}: {out:?}");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a byte count")
    };
    for (name, code, _) in kernels {
        let iris = measure("iris", name);
        let wasmi = measure("wasmi", name);
        println!(
            "{:<16} {:>8} {:>10.1}KiB {:>10.1}KiB {:>8.2}",
            name,
            code.len(),
            iris as f64 / 1024.0,
            wasmi as f64 / 1024.0,
            iris as f64 / wasmi.max(1) as f64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        return profile(&args, at);
    }
    if let Some(at) = args.iter().position(|a| a == "--memory") {
        return memory_child(&args, at);
    }
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let budget = match quick {
        true => Duration::from_millis(20),
        false => Duration::from_secs(3),
    };
    let kernels: Vec<(&str, Vec<u8>, Vec<u8>)> = KERNELS
        .iter()
        .map(|&name| {
            let (code, input) = kernel(name);
            (name, code, input)
        })
        .collect();
    // Cold, also the 24 KiB contract that runs all its code
    // (`test_support::straight`): what `cargo bench -p tests --bench evmc`
    // times through libiris.so, here next to wasmi.
    let mut cold_kernels = kernels.clone();
    cold_kernels.push(("straight_24k", test_support::straight::code(), Vec::new()));
    if std::env::args().any(|a| a == "--cold") {
        return cold(&cold_kernels, budget / 3);
    }
    execution(&kernels, budget, false);
    execution(&kernels, budget, true);
    cold(&cold_kernels, budget / 3);
    memory_table(&kernels);
}
