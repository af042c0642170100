//! Execution with bounded fuel: a generated module's exports called with
//! arbitrary arguments. Every call must end (fuel bounds it) without a
//! panic, and running it again on a fresh instance must give the same
//! result, the same trap and the same fuel left: determinism.

use arbitrary::Unstructured;
use engine::{Config, Engine, Linker, Module, Store, Val, ValType};

/// Fuel per call.
const FUEL: u64 = 100_000;

/// One call's observable end.
#[derive(Debug, PartialEq)]
struct Ending {
    results: Result<Vec<u64>, String>,
    fuel_left: Option<u64>,
    memory_digest: u64,
}

fn raw(value: &Val) -> u64 {
    match value {
        Val::I32(x) => u64::from(*x as u32),
        Val::I64(x) => *x as u64,
        Val::F32(x) => u64::from(*x),
        Val::F64(x) => *x,
        Val::FuncRef(r) => u64::from(r.is_some()),
        Val::ExternRef(r) => u64::from(r.is_some()),
    }
}

fn argument(u: &mut Unstructured<'_>, ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(u.arbitrary().unwrap_or_default()),
        ValType::I64 => Val::I64(u.arbitrary().unwrap_or_default()),
        ValType::F32 => Val::F32(u.arbitrary().unwrap_or_default()),
        ValType::F64 => Val::F64(u.arbitrary().unwrap_or_default()),
        other => Val::default_for(other),
    }
}

fn call(engine: &Engine, module: &Module, name: &str, args: &[Val]) -> Ending {
    let mut store = Store::new(engine, ());
    let fuel = store.set_fuel(FUEL);
    debug_assert!(fuel.is_ok());
    let instance = match Linker::new(engine).instantiate(&mut store, module) {
        Ok(instance) => instance,
        Err(e) => {
            return Ending {
                results: Err(format!("instantiate: {e}")),
                fuel_left: store.get_fuel().ok(),
                memory_digest: 0,
            }
        }
    };
    let Some(func) = instance.get_func(&store, name) else {
        return Ending {
            results: Err("no export".into()),
            fuel_left: None,
            memory_digest: 0,
        };
    };
    let mut results = crate::diff::engine_defaults(func.ty(&store).results());
    let outcome = func.call(&mut store, args, &mut results);
    let memory_digest = instance
        .exports(&store)
        .filter_map(|(_, e)| match e {
            engine::Extern::Memory(m) => Some(m),
            _ => None,
        })
        .map(|m| crate::diff::digest_of(m.data(&store)))
        .fold(0, |a, b| a ^ b);
    Ending {
        results: outcome
            .map(|()| results.iter().map(raw).collect())
            .map_err(|e| e.to_string()),
        fuel_left: store.get_fuel().ok(),
        memory_digest,
    }
}

/// The target.
///
/// # Errors
///
/// A call that ended differently the second time, or used more fuel than
/// it had.
pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
    let Ok(bytes) = crate::diff::generate(u) else {
        return Ok(());
    };
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .max_call_depth(1_000)
        .max_memory_pages(1_024)
        .max_table_elements(100_000);
    let engine = Engine::new(&config);
    let Ok(module) = Module::new(&engine, &bytes) else {
        return Err(format!(
            "Iris rejects a generated module ({} bytes)",
            bytes.len()
        ));
    };
    let exports: Vec<(String, Vec<ValType>)> = module
        .exports()
        .filter_map(|e| match e.ty {
            engine::ExternType::Func(ty) => Some((e.name.to_string(), ty.params().to_vec())),
            _ => None,
        })
        .collect();
    for (name, params) in exports {
        let args: Vec<Val> = params.iter().map(|t| argument(u, *t)).collect();
        let first = call(&engine, &module, &name, &args);
        let second = call(&engine, &module, &name, &args);
        if first != second {
            return Err(format!(
                "export {name} ended differently: {first:?} then {second:?}"
            ));
        }
        if first.fuel_left.is_some_and(|left| left > FUEL) {
            return Err(format!("export {name} ended with more fuel than it had"));
        }
    }
    Ok(())
}
