//! Differential testing: a generated module runs on Iris and on wasmi;
//! instantiation, every export's results or trap, and the exported globals
//! and memories after each call must agree.
//!
//! The metered comparison is in [`crate::metered`].
//!
//! Both engines get the same limits: fuel (exhausting it ends the
//! comparison of a module, since the two count fuel differently), call
//! depth, memory pages and table elements. NaN bit patterns are compared
//! as "a NaN", which is all the spec fixes.

use arbitrary::Unstructured;
use wasmi::{StoreLimits, StoreLimitsBuilder};

/// Memory pages both engines allow.
pub(crate) const PAGES: u32 = 1_024;
/// Table elements both engines allow.
pub(crate) const ELEMENTS: u32 = 100_000;
/// Call depth both engines allow.
pub(crate) const DEPTH: u32 = 500;
/// Fuel per call.
const FUEL: u64 = 200_000;

/// What a comparison covered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Modules compared (0 or 1 for one module).
    pub modules: usize,
    /// Export calls compared.
    pub calls: usize,
    /// Whether a limit (fuel, depth) ended the comparison early.
    pub cut_short: bool,
    /// Whether instantiation itself hit a limit (nothing was called).
    pub cut_short_at_start: bool,
    /// Export calls compared with metering on in both engines (Iris
    /// natively, wasmi on the injected module), gas left included.
    pub metered_calls: usize,
    /// Whether wasmi could not translate the module (or its injected
    /// form), so nothing was compared: a bug of the peer's
    /// ([`crate::peer`]).
    pub peer_failed: bool,
}

/// A value, as both engines are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Bits(u64),
    Nan,
    Ref(bool),
}

/// What a call did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Returned(Vec<Value>),
    Trapped,
    /// Fuel or stack ran out: the engines may legitimately differ here.
    Limit,
}

fn f32_value(bits: u32) -> Value {
    if f32::from_bits(bits).is_nan() {
        Value::Nan
    } else {
        Value::Bits(u64::from(bits))
    }
}

fn f64_value(bits: u64) -> Value {
    if f64::from_bits(bits).is_nan() {
        Value::Nan
    } else {
        Value::Bits(bits)
    }
}

pub(crate) fn engine_value(v: &engine::Val) -> Value {
    match v {
        engine::Val::I32(x) => Value::Bits(u64::from(*x as u32)),
        engine::Val::I64(x) => Value::Bits(*x as u64),
        engine::Val::F32(x) => f32_value(*x),
        engine::Val::F64(x) => f64_value(*x),
        engine::Val::FuncRef(r) => Value::Ref(r.is_some()),
        engine::Val::ExternRef(r) => Value::Ref(r.is_some()),
    }
}

pub(crate) fn wasmi_value_of(v: &wasmi::Val) -> Value {
    match v {
        wasmi::Val::I32(x) => Value::Bits(u64::from(*x as u32)),
        wasmi::Val::I64(x) => Value::Bits(*x as u64),
        wasmi::Val::F32(x) => f32_value(x.to_bits()),
        wasmi::Val::F64(x) => f64_value(x.to_bits()),
        wasmi::Val::FuncRef(r) => Value::Ref(!r.is_null()),
        wasmi::Val::ExternRef(r) => Value::Ref(!r.is_null()),
        _ => Value::Ref(false),
    }
}

/// The module wasm-smith makes of `u`: Wasm 2.0 without SIMD, no imports.
///
/// # Errors
///
/// When `u` runs out before a module is complete.
pub fn generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut config = wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        extended_const_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        max_imports: 0,
        max_memories: 1,
        max_tables: 2,
        export_everything: true,
        min_funcs: 1,
        max_funcs: 12,
        max_instructions: 300,
        max_memory32_bytes: 16 << 16,
        max_table_elements: 1_000,
        ..wasm_smith::Config::default()
    };
    config.reference_types_enabled = true;
    config.bulk_memory_enabled = true;
    // A NaN's payload is the one thing the spec leaves to the engine; made
    // canonical after every float operation, it cannot leak into results
    // through a reinterpretation.
    config.canonicalize_nans = true;
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

struct IrisSide {
    store: engine::Store<()>,
    instance: Option<engine::Instance>,
}

struct WasmiSide {
    store: wasmi::Store<StoreLimits>,
    instance: Option<wasmi::Instance>,
}

/// Iris's configuration in every comparison: fuel on, and the limits
/// wasmi gets too (its recursion depth, and the memory and table limits of its store).
pub fn iris_config() -> engine::Config {
    let mut config = engine::Config::default();
    config
        .consume_fuel(true)
        .max_call_depth(DEPTH)
        .max_memory_pages(PAGES)
        .max_table_elements(ELEMENTS);
    config
}

/// wasmi's store limits in every comparison, the same as Iris's.
pub(crate) fn wasmi_limits() -> StoreLimits {
    StoreLimitsBuilder::new()
        .memory_size(PAGES as usize * 65_536)
        .table_elements(ELEMENTS as usize)
        .build()
}

fn iris_side(bytes: &[u8]) -> Result<(IrisSide, Outcome), String> {
    let engine = engine::Engine::new(&iris_config());
    let module = engine::Module::new(&engine, bytes).map_err(|e| format!("iris rejects: {e}"))?;
    let mut store = engine::Store::new(&engine, ());
    store.set_fuel(FUEL).map_err(|e| e.to_string())?;
    let result = engine::Linker::new(&engine).instantiate(&mut store, &module);
    let (instance, outcome) = match result {
        Ok(instance) => (Some(instance), Outcome::Returned(Vec::new())),
        Err(e) => (None, iris_failure(&e)),
    };
    Ok((IrisSide { store, instance }, outcome))
}

fn iris_failure(e: &engine::Error) -> Outcome {
    match e.trap_code() {
        Some(engine::TrapCode::OutOfFuel | engine::TrapCode::StackOverflow) => Outcome::Limit,
        _ if e.as_trap().is_some() => Outcome::Trapped,
        // A limit error at instantiation (a table or memory too large).
        _ => Outcome::Limit,
    }
}

fn wasmi_side(bytes: &[u8]) -> Result<(WasmiSide, Outcome), String> {
    let mut config = wasmi::Config::default();
    config
        .consume_fuel(true)
        .set_max_recursion_depth(DEPTH as usize);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, bytes).map_err(|e| format!("wasmi rejects: {e}"))?;
    let mut store = wasmi::Store::new(&engine, wasmi_limits());
    store.limiter(|limits| limits);
    store.set_fuel(FUEL).map_err(|e| e.to_string())?;
    let result =
        wasmi::Linker::<StoreLimits>::new(&engine).instantiate_and_start(&mut store, &module);
    let (instance, outcome) = match result {
        Ok(instance) => (Some(instance), Outcome::Returned(Vec::new())),
        Err(e) => (None, wasmi_failure(&e)),
    };
    Ok((WasmiSide { store, instance }, outcome))
}

fn wasmi_failure(e: &wasmi::Error) -> Outcome {
    match e.as_trap_code() {
        Some(wasmi::TrapCode::OutOfFuel | wasmi::TrapCode::StackOverflow) => Outcome::Limit,
        Some(_) => Outcome::Trapped,
        // Resource limits and other instantiation errors.
        None => Outcome::Limit,
    }
}

/// The exported globals' values and a digest of each exported memory.
/// Exported state: each export's name with its values.
pub(crate) type State = Vec<(String, Vec<Value>)>;

/// The exported globals' values and a digest of each exported memory of
/// an Iris instance, sorted by name.
pub(crate) fn engine_state<T>(instance: engine::Instance, store: &engine::Store<T>) -> State {
    let mut state = Vec::new();
    for (name, ext) in instance.exports(store) {
        match ext {
            engine::Extern::Global(g) => {
                state.push((name.to_string(), vec![engine_value(&g.get(store))]))
            }
            engine::Extern::Memory(m) => {
                state.push((name.to_string(), memory_values(m.data(store))))
            }
            _ => {}
        }
    }
    state.sort_by(|a, b| a.0.cmp(&b.0));
    state
}

/// The same of a wasmi instance.
pub(crate) fn wasmi_state_of<T>(instance: wasmi::Instance, store: &wasmi::Store<T>) -> State {
    let mut state = Vec::new();
    for export in instance.exports(store) {
        let name = export.name().to_string();
        match export.into_extern() {
            wasmi::Extern::Global(g) => state.push((name, vec![wasmi_value_of(&g.get(store))])),
            wasmi::Extern::Memory(m) => state.push((name, memory_values(m.data(store)))),
            _ => {}
        }
    }
    state.sort_by(|a, b| a.0.cmp(&b.0));
    state
}

/// A memory as compared: its size and its digest.
fn memory_values(data: &[u8]) -> Vec<Value> {
    vec![Value::Bits(data.len() as u64), Value::Bits(digest_of(data))]
}

fn iris_state(side: &IrisSide) -> State {
    side.instance
        .map_or_else(Vec::new, |instance| engine_state(instance, &side.store))
}

fn wasmi_state(side: &WasmiSide) -> State {
    side.instance
        .map_or_else(Vec::new, |instance| wasmi_state_of(instance, &side.store))
}

/// A default (zero or null) value of each type: the arguments calls get,
/// and room for their results.
pub(crate) fn engine_defaults(types: &[engine::ValType]) -> Vec<engine::Val> {
    types.iter().map(|t| engine::Val::default_for(*t)).collect()
}

/// The same for wasmi.
pub(crate) fn wasmi_defaults(types: &[wasmi::ValType]) -> Vec<wasmi::Val> {
    types
        .iter()
        .map(|t| wasmi::Val::default_for_ty(*t))
        .collect()
}

/// FNV-1a of a memory.
pub(crate) fn digest_of(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Calls export `name` on both sides; `None` when a limit cut it short.
fn call_both(iris: &mut IrisSide, wasmi: &mut WasmiSide, name: &str) -> Result<Option<()>, String> {
    let (Some(iris_instance), Some(wasmi_instance)) = (iris.instance, wasmi.instance) else {
        return Ok(None);
    };
    let Some(func) = iris_instance.get_func(&iris.store, name) else {
        return Ok(None);
    };
    let Some(other) = wasmi_instance.get_func(&wasmi.store, name) else {
        return Err(format!("wasmi lacks export {name}"));
    };
    let ty = func.ty(&iris.store);
    let args = engine_defaults(ty.params());
    let mut results = engine_defaults(ty.results());
    iris.store.set_fuel(FUEL).map_err(|e| e.to_string())?;
    let a = match func.call(&mut iris.store, &args, &mut results) {
        Ok(()) => Outcome::Returned(results.iter().map(engine_value).collect()),
        Err(e) => iris_failure(&e),
    };
    let wasmi_ty = other.ty(&wasmi.store);
    let wasmi_args = wasmi_defaults(wasmi_ty.params());
    let mut wasmi_results = wasmi_defaults(wasmi_ty.results());
    wasmi.store.set_fuel(FUEL).map_err(|e| e.to_string())?;
    let b = match other.call(&mut wasmi.store, &wasmi_args, &mut wasmi_results) {
        Ok(()) => Outcome::Returned(wasmi_results.iter().map(wasmi_value_of).collect()),
        Err(e) => wasmi_failure(&e),
    };
    if a == Outcome::Limit || b == Outcome::Limit {
        return Ok(None);
    }
    if a != b {
        return Err(format!("export {name}: iris {a:?}, wasmi {b:?}"));
    }
    let (sa, sb) = (iris_state(iris), wasmi_state(wasmi));
    if sa != sb {
        return Err(format!(
            "after export {name}: iris state {sa:?}, wasmi state {sb:?}"
        ));
    }
    Ok(Some(()))
}

/// Runs `bytes` on both engines and compares: instantiation, then each
/// exported function called once on fresh instances, with the exported
/// state after it; then the same calls metered
/// ([`crate::metered::compare`]).
///
/// # Errors
///
/// A description of the first disagreement.
pub fn compare(bytes: &[u8]) -> Result<Report, String> {
    let mut report = compare_unmetered(bytes)?;
    if report.modules == 1 && !report.cut_short_at_start {
        match crate::metered::compare(bytes, &exported_functions(bytes))? {
            Some(calls) => report.metered_calls = calls,
            None => report.peer_failed = true,
        }
    }
    Ok(report)
}

/// [`compare`] without metering: each engine with its own fuel, which
/// only bounds the run.
///
/// # Errors
///
/// A description of the first disagreement.
pub fn compare_unmetered(bytes: &[u8]) -> Result<Report, String> {
    if !crate::peer::translates(bytes) {
        return Ok(Report {
            peer_failed: true,
            ..Report::default()
        });
    }
    let mut report = Report {
        modules: 1,
        ..Report::default()
    };
    let (iris, iris_start) = iris_side(bytes)?;
    let (_, wasmi_start) = wasmi_side(bytes)?;
    if iris_start == Outcome::Limit || wasmi_start == Outcome::Limit {
        report.cut_short = true;
        report.cut_short_at_start = true;
        return Ok(report);
    }
    if iris_start != wasmi_start {
        return Err(format!(
            "instantiation: iris {iris_start:?}, wasmi {wasmi_start:?}"
        ));
    }
    let Some(instance) = iris.instance else {
        return Ok(report);
    };
    let exports: Vec<String> = instance
        .exports(&iris.store)
        .filter(|(_, e)| matches!(e, engine::Extern::Func(_)))
        .map(|(name, _)| name.to_string())
        .collect();
    for name in &exports {
        let (mut a, _) = iris_side(bytes)?;
        let (mut b, _) = wasmi_side(bytes)?;
        match call_both(&mut a, &mut b, name)? {
            Some(()) => report.calls += 1,
            None => report.cut_short = true,
        }
    }
    Ok(report)
}

/// The exported functions of `bytes`, by name (none if Iris rejects it).
pub fn exported_functions(bytes: &[u8]) -> Vec<String> {
    let engine = engine::Engine::default();
    let Ok(module) = engine::Module::new(&engine, bytes) else {
        return Vec::new();
    };
    module
        .exports()
        .filter(|e| matches!(e.ty, engine::ExternType::Func(_)))
        .map(|e| e.name.to_string())
        .collect()
}

/// Generates a module from `u` and compares the engines on it.
///
/// # Errors
///
/// A description of the first disagreement (with the module's size).
pub fn run(u: &mut Unstructured<'_>) -> Result<Report, String> {
    let Ok(bytes) = generate(u) else {
        return Ok(Report::default());
    };
    compare(&bytes).map_err(|e| format!("{e} (module of {} bytes)", bytes.len()))
}

/// Deterministic pseudo-random bytes for seed `seed` (xorshift64*).
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// [`run`] on the bytes of `seed`.
///
/// # Errors
///
/// As [`run`].
pub fn run_seed(seed: u64) -> Result<Report, String> {
    let bytes = seed_bytes(seed, 16_384);
    run(&mut Unstructured::new(&bytes))
}
