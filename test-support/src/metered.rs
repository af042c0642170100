//! The metered differential comparison: Iris charging natively with the
//! Ewasm cost model, against wasmi running the same module after Ewasm's
//! metering injection (`useGas` at every metering block, `memory.grow`
//! through a charging helper) with a `useGas` that counts down.
//!
//! Iris also runs the injected module itself, charging through the same
//! `useGas`: native metering and injection must agree within Iris too.
//!
//! The two must agree on every result and trap, on the exported state,
//! on the gas left after each call, and on running out of gas at the same
//! block with the same gas left. wasmi's own fuel is off: the injected
//! charges bound every run.

use std::fmt;
use std::sync::Arc;

use ewasm_host::{inject_metering, EwasmCostModel, InjectOptions};
use wasmi::StoreLimits;

use crate::diff::{
    engine_defaults, engine_state, engine_value, iris_config, wasmi_defaults, wasmi_limits,
    wasmi_state_of, wasmi_value_of, State, Value, DEPTH,
};

/// Gas per page of `memory.grow` (low, so that growth stays affordable).
const GROW_PAGE: u64 = 1_000;
/// Gas per call.
const GAS: u64 = 200_000;

/// What a metered call did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    Returned(Vec<Value>),
    Trapped,
    OutOfGas,
    /// The call stack ran out: the engines count frames differently.
    Limit,
}

/// wasmi's `useGas` refusing.
#[derive(Debug)]
struct OutOfGas;

impl fmt::Display for OutOfGas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("out of gas")
    }
}

impl wasmi::errors::HostError for OutOfGas {}

struct Gas {
    limits: StoreLimits,
    left: u64,
}

/// A cost model that charges nothing: for running an injected module,
/// which charges itself through `useGas`.
#[derive(Debug)]
struct SelfCharging;

impl engine::CostModel for SelfCharging {
    fn operator_cost(&self, _op: engine::Opcode) -> u64 {
        0
    }
    fn memory_grow_page_cost(&self) -> u64 {
        0
    }
    fn bulk_unit_cost(&self) -> u64 {
        0
    }
    fn charges_operators(&self) -> bool {
        false
    }
}

/// What a call ended with, how much gas was left, and the exported state.
type Observed = (Ending, u64, State);

/// Iris on `bytes`: metered natively, or (`injected`) an injected module
/// run with a `useGas` that draws on the store's fuel.
fn iris_call(bytes: &[u8], name: &str, injected: bool) -> Result<Observed, String> {
    let mut config = iris_config();
    let model: Arc<dyn engine::CostModel> = if injected {
        Arc::new(SelfCharging)
    } else {
        Arc::new(EwasmCostModel {
            grow_page: GROW_PAGE,
            ..EwasmCostModel::sentinel()
        })
    };
    config.cost_model(model);
    let engine = engine::Engine::new(&config);
    let module = engine::Module::new(&engine, bytes).map_err(|e| format!("iris rejects: {e}"))?;
    let mut store = engine::Store::new(&engine, ());
    store.set_fuel(GAS).map_err(|e| e.to_string())?;
    let ending = |e: &engine::Error| match e.trap_code() {
        Some(engine::TrapCode::OutOfFuel) => Ending::OutOfGas,
        Some(engine::TrapCode::StackOverflow) => Ending::Limit,
        _ if e.as_trap().is_some() => Ending::Trapped,
        _ => Ending::Limit,
    };
    let mut linker = engine::Linker::new(&engine);
    if injected {
        linker
            .func_wrap(
                "ethereum",
                "useGas",
                |mut caller: engine::Caller<'_, ()>, amount: i64| {
                    caller.consume_fuel(amount as u64)
                },
            )
            .map_err(|e| e.to_string())?;
    }
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return Ok((ending(&e), store.get_fuel().unwrap_or(0), Vec::new())),
    };
    let Some(func) = instance.get_func(&store, name) else {
        return Err(format!("iris lacks export {name}"));
    };
    let ty = func.ty(&store);
    let args = engine_defaults(ty.params());
    let mut results = engine_defaults(ty.results());
    let end = match func.call(&mut store, &args, &mut results) {
        Ok(()) => Ending::Returned(results.iter().map(engine_value).collect()),
        Err(e) => ending(&e),
    };
    let state = engine_state(instance, &store);
    Ok((end, store.get_fuel().unwrap_or(0), state))
}

fn wasmi_call(injected: &[u8], name: &str) -> Result<Observed, String> {
    let mut config = wasmi::Config::default();
    config.set_max_recursion_depth(DEPTH as usize);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, injected)
        .map_err(|e| format!("wasmi rejects the injected module: {e}"))?;
    let mut store = wasmi::Store::new(
        &engine,
        Gas {
            limits: wasmi_limits(),
            left: GAS,
        },
    );
    store.limiter(|gas| &mut gas.limits);
    let mut linker = wasmi::Linker::<Gas>::new(&engine);
    linker
        .func_wrap(
            "ethereum",
            "useGas",
            |mut caller: wasmi::Caller<'_, Gas>, amount: i64| -> Result<(), wasmi::Error> {
                let gas = caller.data_mut();
                match gas.left.checked_sub(amount as u64) {
                    Some(left) => {
                        gas.left = left;
                        Ok(())
                    }
                    None => Err(wasmi::Error::host(OutOfGas)),
                }
            },
        )
        .map_err(|e| e.to_string())?;
    let ending = |e: &wasmi::Error| {
        if e.downcast_ref::<OutOfGas>().is_some() {
            Ending::OutOfGas
        } else {
            match e.as_trap_code() {
                Some(wasmi::TrapCode::StackOverflow) => Ending::Limit,
                Some(_) => Ending::Trapped,
                None => Ending::Limit,
            }
        }
    };
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return Ok((ending(&e), store.data().left, Vec::new())),
    };
    let Some(func) = instance.get_func(&store, name) else {
        return Err(format!("the injected module lacks export {name}"));
    };
    let ty = func.ty(&store);
    let args = wasmi_defaults(ty.params());
    let mut results = wasmi_defaults(ty.results());
    let end = match func.call(&mut store, &args, &mut results) {
        Ok(()) => Ending::Returned(results.iter().map(wasmi_value_of).collect()),
        Err(e) => ending(&e),
    };
    let state = wasmi_state_of(instance, &store);
    Ok((end, store.data().left, state))
}

/// Calls every exported function of `bytes`, each on fresh instances,
/// metered on both engines, and compares; gives how many calls agreed
/// (calls cut by the stack limit are not counted), or `None` if wasmi
/// cannot translate the injected module ([`crate::peer`]).
///
/// # Errors
///
/// The first disagreement.
pub fn compare(bytes: &[u8], exports: &[String]) -> Result<Option<usize>, String> {
    let injected = inject(bytes)?;
    if !crate::peer::translates(&injected) {
        return Ok(None);
    }
    let mut calls = 0;
    for name in exports {
        let (a, gas_a, state_a) = iris_call(bytes, name, false)?;
        let (b, gas_b, state_b) = wasmi_call(&injected, name)?;
        let own = iris_call(&injected, name, true)?;
        if a == Ending::Limit || b == Ending::Limit || own.0 == Ending::Limit {
            continue;
        }
        if (&a, gas_a, &state_a) != (&own.0, own.1, &own.2) {
            return Err(format!(
                "metered export {name}: iris native {a:?} with {gas_a} gas left, iris on the injected module {:?} with {}",
                own.0, own.1
            ));
        }
        if (&a, gas_a) != (&b, gas_b) {
            return Err(format!(
                "metered export {name}: iris {a:?} with {gas_a} gas left, wasmi (injected) {b:?} with {gas_b}"
            ));
        }
        if state_a != state_b {
            return Err(format!(
                "metered export {name}: iris state {state_a:?}, wasmi state {state_b:?}"
            ));
        }
        calls += 1;
    }
    Ok(Some(calls))
}

fn inject(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let options = InjectOptions {
        allow_floats: true,
        grow_page: GROW_PAGE,
    };
    inject_metering(bytes, &options).map_err(|e| format!("injection: {e}"))
}

/// Iris's native metering against Iris running the injected module: the
/// same endings, gas left and exported state for every export. (What
/// [`compare`] checks against wasmi, without the peer.)
///
/// # Errors
///
/// The first disagreement.
pub fn compare_with_injection(bytes: &[u8], exports: &[String]) -> Result<usize, String> {
    let injected = inject(bytes)?;
    let mut calls = 0;
    for name in exports {
        let native = iris_call(bytes, name, false)?;
        let charged = iris_call(&injected, name, true)?;
        if native.0 == Ending::Limit || charged.0 == Ending::Limit {
            continue;
        }
        if native != charged {
            return Err(format!(
                "export {name}: native {:?} with {} gas left, injected {:?} with {}",
                native.0, native.1, charged.0, charged.1
            ));
        }
        calls += 1;
    }
    Ok(calls)
}
