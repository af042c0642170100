//! The EEI's calls told to the host's observer: a store hook
//! ([`engine::Store::observe_host_calls`]) set only when the host has an
//! observer; and the charges of metering blocks and operators, through a
//! second hook ([`engine::Store::observe_charges`]) set only when the
//! observer wants them.

use std::collections::HashMap;

use engine::{Caller, Charge, ChargeKind, HostCall, Module, ProfileFrame, ValType};

use super::EeiCtx;
use crate::gas::Gas;
use crate::observe::{EeiCall, EeiReturn, GasStep, GasStepKind};

/// Parameter and result types, by import name (`module.name`).
pub(crate) type ImportTypes = HashMap<String, (Vec<ValType>, Vec<ValType>)>;

/// The parameter and result types of each function `module` imports, by
/// `module.name`: how the hook reads raw values.
pub(crate) fn import_types(module: &Module) -> ImportTypes {
    module
        .imports()
        .filter_map(|import| match import.ty {
            engine::ExternType::Func(ty) => Some((
                format!("{}.{}", import.module, import.name),
                (ty.params().to_vec(), ty.results().to_vec()),
            )),
            _ => None,
        })
        .collect()
}

/// Raw values read by their types: an `i32` unsigned, an `i64` as is.
fn values(raw: &[u64], types: Option<&Vec<ValType>>) -> Vec<i64> {
    raw.iter()
        .enumerate()
        .map(|(i, &value)| match types.and_then(|t| t.get(i)) {
            Some(ValType::I64) => value as i64,
            _ => i64::from(value as u32),
        })
        .collect()
}

/// The hook: tells the host's observer of each EEI call and return.
/// The store's charge hook ([`engine::Store::observe_charges`]): tells the
/// host's observer of a metering block or an operator's dynamic charge.
pub(crate) fn observe_charge(caller: &mut Caller<'_, EeiCtx<'_>>, charge: Charge) {
    let function = caller.store().frame_name(ProfileFrame::Wasm {
        instance: charge.instance,
        func: charge.func,
    });
    let gas = |fuel| Gas::from_fuel(fuel).map_or(i64::MAX, Gas::to_evmc);
    let kind = match charge.kind {
        ChargeKind::Block { offset, .. } => GasStepKind::Block { offset },
        ChargeKind::Operator(opcode) => GasStepKind::Operator(opcode),
    };
    let cx = caller.data_mut();
    let depth = cx.message.depth;
    if let Some(observer) = cx.host.observer() {
        observer.gas_step(&GasStep {
            depth,
            function: &function,
            kind,
            gas_left: gas(charge.fuel_before),
            cost: gas(charge.fuel),
        });
    }
}

/// The store's host-call hook: tells the host's observer of each EEI call
/// and return.
pub(crate) fn observe_call(caller: &mut Caller<'_, EeiCtx<'_>>, call: HostCall<'_>) {
    let gas_left = Gas::from_fuel(caller.fuel()).map_or(i64::MAX, Gas::to_evmc);
    let cx = caller.data_mut();
    let depth = cx.message.depth;
    match call {
        HostCall::Enter { name, args } => {
            let types = cx.frame.import_types.as_ref().and_then(|t| t.get(name));
            let args = values(args, types.map(|(params, _)| params));
            if let Some(observer) = cx.host.observer() {
                observer.eei_enter(&EeiCall {
                    depth,
                    function: name,
                    args: &args,
                    gas_left,
                });
            }
        }
        HostCall::Leave {
            name,
            results,
            trapped,
        } => {
            let types = cx.frame.import_types.as_ref().and_then(|t| t.get(name));
            let results = values(results, types.map(|(_, results)| results));
            if let Some(observer) = cx.host.observer() {
                observer.eei_leave(&EeiReturn {
                    depth,
                    function: name,
                    results: &results,
                    gas_left,
                    trapped,
                });
            }
        }
    }
}
