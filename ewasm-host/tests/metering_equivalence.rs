//! Native metering with `EwasmCostModel` charges exactly what the injected
//! metering (`inject_metering`, the Sentinel's rewriting) charges.
//!
//! Two worlds run side by side: modules compiled with fuel metering on and
//! the Ewasm cost model, and the same modules after injection, run with
//! metering off and `ethereum.useGas` as a host function. For every module
//! of the spec suite that instantiates, every call of its scripts runs in
//! both worlds; the gas used and the outcome must agree. Every call that
//! uses gas runs again with the limit set to total-1, total/2 and 1: both
//! worlds must run out, with the same gas left. Floating point is priced 1
//! (the spec suite is full of it; contracts may not use it). The benchmark
//! kernels run the same way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use engine::wast::define_spectest;
use engine::{
    Caller, Config, Engine, Error, Func, HostError, Instance, Linker, Module, Store, Trap,
    TrapCode, Val,
};
use ewasm_host::{inject_metering, EwasmCostModel, InjectOptions};
use wast::core::WastArgCore;
use wast::parser::{self, ParseBuffer};
use wast::{Wast, WastArg, WastDirective, WastExecute, WastInvoke};

/// Gas given to every call before it is measured.
const PLENTY: u64 = 1 << 40;

#[derive(Debug)]
struct OutOfGas;

impl std::fmt::Display for OutOfGas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("out of gas")
    }
}

impl HostError for OutOfGas {}

/// One side of the comparison.
struct World {
    injected: bool,
    engine: Engine,
    store: Store<u64>,
    linker: Linker<u64>,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
}

/// What a call did: results or a trap, and whether it ran out of gas.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<RawVal>),
    OutOfGas,
    Trapped,
}

/// A result, comparable across worlds (references by null-ness).
#[derive(Debug, PartialEq)]
enum RawVal {
    Bits(u64),
    Ref(bool),
}

impl World {
    fn new(injected: bool) -> Self {
        let mut config = Config::default();
        if !injected {
            config
                .consume_fuel(true)
                .cost_model(Arc::new(EwasmCostModel::default()));
        }
        let engine = Engine::new(&config);
        let mut store = Store::new(&engine, 0u64);
        let mut linker = Linker::new(&engine);
        define_spectest(&mut linker, &mut store).expect("spectest defines");
        if injected {
            linker
                .func_wrap(
                    "ethereum",
                    "useGas",
                    |mut caller: Caller<'_, u64>, amount: i64| -> Result<(), Trap> {
                        let left = *caller.data();
                        let amount = u64::try_from(amount).map_err(|_| Trap::host(OutOfGas))?;
                        match left.checked_sub(amount) {
                            Some(rest) => {
                                *caller.data_mut() = rest;
                                Ok(())
                            }
                            None => Err(Trap::host(OutOfGas)),
                        }
                    },
                )
                .expect("useGas defines");
        }
        Self {
            injected,
            engine,
            store,
            linker,
            current: None,
            named: HashMap::new(),
        }
    }

    fn set_gas(&mut self, gas: u64) {
        if self.injected {
            *self.store.data_mut() = gas;
        } else {
            self.store.set_fuel(gas).expect("metering is on");
        }
    }

    fn gas(&self) -> u64 {
        if self.injected {
            *self.store.data()
        } else {
            self.store.get_fuel().expect("metering is on")
        }
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, String> {
        let bytes = if self.injected {
            let options = InjectOptions {
                allow_floats: true,
                ..InjectOptions::default()
            };
            inject_metering(bytes, &options).map_err(|e| e.to_string())?
        } else {
            bytes.to_vec()
        };
        Module::new(&self.engine, &bytes).map_err(|e| e.to_string())
    }

    fn outcome(&self, result: Result<Vec<Val>, Error>) -> Outcome {
        match result {
            Ok(values) => Outcome::Returned(
                values
                    .iter()
                    .map(|v| match v {
                        Val::I32(x) => RawVal::Bits(*x as u32 as u64),
                        Val::I64(x) => RawVal::Bits(*x as u64),
                        Val::F32(x) => RawVal::Bits(u64::from(*x)),
                        Val::F64(x) => RawVal::Bits(*x),
                        Val::FuncRef(r) => RawVal::Ref(r.is_some()),
                        Val::ExternRef(r) => RawVal::Ref(r.is_some()),
                    })
                    .collect(),
            ),
            Err(e) => {
                let out_of_gas = e.trap_code() == Some(TrapCode::OutOfFuel)
                    || e.as_trap()
                        .and_then(|t| t.downcast_ref::<OutOfGas>())
                        .is_some();
                if out_of_gas {
                    Outcome::OutOfGas
                } else {
                    Outcome::Trapped
                }
            }
        }
    }

    /// Instantiates with `gas`; gives the outcome and the gas used.
    fn instantiate(&mut self, module: &Module, gas: u64) -> (Outcome, u64, Option<Instance>) {
        self.set_gas(gas);
        let result = self.linker.instantiate(&mut self.store, module);
        let used = gas - self.gas();
        match result {
            Ok(instance) => (Outcome::Returned(Vec::new()), used, Some(instance)),
            Err(e) => (self.outcome(Err(e)), used, None),
        }
    }

    fn instance(&self, name: Option<&str>) -> Option<Instance> {
        match name {
            Some(name) => self.named.get(name).copied(),
            None => self.current,
        }
    }

    /// Calls with `gas`; gives the outcome and the gas used.
    fn call(&mut self, func: Func, args: &[Val], gas: u64) -> (Outcome, u64) {
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        self.set_gas(gas);
        let result = func.call(&mut self.store, args, &mut results);
        let used = gas - self.gas();
        (self.outcome(result.map(|()| results)), used)
    }
}

#[derive(Default)]
struct Tally {
    modules: usize,
    calls: usize,
    limits: usize,
    mismatches: Vec<String>,
}

/// Both worlds of one script.
struct Pair {
    native: World,
    injected: World,
    externs: HashMap<u32, (engine::ExternRef, engine::ExternRef)>,
}

impl Pair {
    fn new() -> Self {
        Self {
            native: World::new(false),
            injected: World::new(true),
            externs: HashMap::new(),
        }
    }

    fn module(&mut self, bytes: &[u8], name: Option<String>, where_: &str, tally: &mut Tally) {
        let (Ok(native), injected) = (self.native.compile(bytes), self.injected.compile(bytes))
        else {
            self.native.current = None;
            self.injected.current = None;
            return;
        };
        let injected = match injected {
            Ok(m) => m,
            Err(e) => {
                tally
                    .mismatches
                    .push(format!("{where_}: native compiles, injection fails: {e}"));
                return;
            }
        };
        let (a, gas_a, inst_a) = self.native.instantiate(&native, PLENTY);
        let (b, gas_b, inst_b) = self.injected.instantiate(&injected, PLENTY);
        if a != b || gas_a != gas_b {
            tally.mismatches.push(format!(
                "{where_}: instantiation: native {a:?} using {gas_a}, injected {b:?} using {gas_b}"
            ));
        }
        tally.modules += usize::from(inst_a.is_some());
        self.native.current = inst_a;
        self.injected.current = inst_b;
        if let Some(name) = name {
            if let (Some(a), Some(b)) = (inst_a, inst_b) {
                self.native.named.insert(name.clone(), a);
                self.injected.named.insert(name, b);
            }
        }
    }

    fn args(&mut self, args: &[WastArg<'_>]) -> Option<(Vec<Val>, Vec<Val>)> {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for arg in args {
            let WastArg::Core(core) = arg else {
                return None;
            };
            let (x, y) = match core {
                WastArgCore::I32(v) => (Val::I32(*v), Val::I32(*v)),
                WastArgCore::I64(v) => (Val::I64(*v), Val::I64(*v)),
                WastArgCore::F32(v) => (Val::F32(v.bits), Val::F32(v.bits)),
                WastArgCore::F64(v) => (Val::F64(v.bits), Val::F64(v.bits)),
                WastArgCore::RefNull(wast::core::HeapType::Abstract {
                    ty: wast::core::AbstractHeapType::Func,
                    ..
                }) => (Val::FuncRef(None), Val::FuncRef(None)),
                WastArgCore::RefNull(_) => (Val::ExternRef(None), Val::ExternRef(None)),
                WastArgCore::RefExtern(n) => {
                    let (native, injected) = (&mut self.native, &mut self.injected);
                    let (x, y) = *self.externs.entry(*n).or_insert_with(|| {
                        (
                            engine::ExternRef::new(&mut native.store, *n),
                            engine::ExternRef::new(&mut injected.store, *n),
                        )
                    });
                    (Val::ExternRef(Some(x)), Val::ExternRef(Some(y)))
                }
                _ => return None,
            };
            a.push(x);
            b.push(y);
        }
        Some((a, b))
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>, where_: &str, tally: &mut Tally) {
        let name = invoke.module.map(|id| id.name());
        let (Some(ia), Some(ib)) = (self.native.instance(name), self.injected.instance(name))
        else {
            return;
        };
        let (Some(fa), Some(fb)) = (
            ia.get_func(&self.native.store, invoke.name),
            ib.get_func(&self.injected.store, invoke.name),
        ) else {
            return;
        };
        let Some((args_a, args_b)) = self.args(&invoke.args) else {
            return;
        };
        let (a, gas_a) = self.native.call(fa, &args_a, PLENTY);
        let (b, gas_b) = self.injected.call(fb, &args_b, PLENTY);
        tally.calls += 1;
        if a != b || gas_a != gas_b {
            tally.mismatches.push(format!(
                "{where_}: {}: native {a:?} using {gas_a}, injected {b:?} using {gas_b}",
                invoke.name
            ));
            return;
        }
        if gas_a == 0 || a == Outcome::Trapped {
            return;
        }
        for limit in [gas_a - 1, gas_a / 2, 1] {
            let (a, left_a) = self.native.call(fa, &args_a, limit);
            let (b, left_b) = self.injected.call(fb, &args_b, limit);
            tally.limits += 1;
            let runs_out = limit < gas_a;
            // Calls on one instance share its state: a repeated call may
            // trap (a dropped segment, say) before it runs out of gas.
            let ends_as_it_must = (a == Outcome::OutOfGas) == runs_out || a == Outcome::Trapped;
            if !ends_as_it_must || a != b || left_a != left_b {
                tally.mismatches.push(format!(
                    "{where_}: {} with gas {limit}: native {a:?} using {left_a}, injected {b:?} using {left_b}",
                    invoke.name
                ));
            }
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>, where_: &str, tally: &mut Tally) {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                if let Ok(bytes) = module.encode() {
                    self.module(&bytes, name, where_, tally);
                }
            }
            WastDirective::Register { name, module, .. } => {
                let id = module.map(|id| id.name());
                if let (Some(a), Some(b)) = (self.native.instance(id), self.injected.instance(id)) {
                    let _ = self.native.linker.instance(&mut self.native.store, name, a);
                    let _ = self
                        .injected
                        .linker
                        .instance(&mut self.injected.store, name, b);
                }
            }
            WastDirective::Invoke(invoke) => self.invoke(&invoke, where_, tally),
            WastDirective::AssertReturn { exec, .. } | WastDirective::AssertTrap { exec, .. } => {
                match exec {
                    WastExecute::Invoke(invoke) => self.invoke(&invoke, where_, tally),
                    WastExecute::Wat(mut module) => {
                        if let Ok(bytes) = module.encode() {
                            let (current_a, current_b) =
                                (self.native.current, self.injected.current);
                            self.module(&bytes, None, where_, tally);
                            self.native.current = current_a;
                            self.injected.current = current_b;
                        }
                    }
                    _ => {}
                }
            }
            WastDirective::AssertExhaustion { call, .. } => self.invoke(&call, where_, tally),
            _ => {}
        }
    }
}

fn suite_dir() -> PathBuf {
    test_data::spec_dir_or_panic()
}

fn run_script(path: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(path).expect("script reads");
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let buffer = ParseBuffer::new_with_lexer(lexer).expect("script lexes");
    let script = parser::parse::<Wast>(&buffer).expect("script parses");
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let mut pair = Pair::new();
    for directive in script.directives {
        let (line, _) = directive.span().linecol_in(&text);
        let where_ = format!("{file}:{}", line + 1);
        pair.directive(directive, &where_, tally);
    }
}

#[test]
fn native_and_injected_metering_agree_on_the_spec_suite() {
    let dir = suite_dir();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("spec suite {} cannot be read ({e})", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    scripts.sort();
    let mut tally = Tally::default();
    for script in &scripts {
        run_script(script, &mut tally);
    }
    println!(
        "compared {} modules, {} calls, {} out-of-gas limits over {} scripts",
        tally.modules,
        tally.calls,
        tally.limits,
        scripts.len()
    );
    assert!(
        tally.mismatches.is_empty(),
        "{} mismatches:\n{}",
        tally.mismatches.len(),
        tally
            .mismatches
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        tally.modules > 1_000 && tally.calls > 20_000,
        "too little compared"
    );
}

#[test]
fn native_and_injected_metering_agree_on_the_benchmark_kernels() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/benches/kernels");
    let mut tally = Tally::default();
    for (file, n) in [
        ("sha256.wasm", 3),
        ("keccak256.wasm", 3),
        ("modmul256.wasm", 50),
        ("fib.wasm", 12),
        ("bulk.wasm", 3),
    ] {
        let bytes = std::fs::read(dir.join(file)).expect("kernel reads");
        let mut pair = Pair::new();
        pair.module(&bytes, None, file, &mut tally);
        let script = format!(r#"(invoke "run" (i32.const {n}))"#);
        let buffer = ParseBuffer::new(&script).expect("lexes");
        let invoke: wast::Wast = parser::parse(&buffer).expect("parses");
        for directive in invoke.directives {
            pair.directive(directive, file, &mut tally);
        }
    }
    println!(
        "kernels: {} modules, {} calls, {} limits",
        tally.modules, tally.calls, tally.limits
    );
    assert!(
        tally.mismatches.is_empty(),
        "{}",
        tally.mismatches.join("\n")
    );
    assert_eq!((tally.modules, tally.calls, tally.limits), (5, 5, 15));
}
