//! Storage, balances, logs and the ends of execution.

use engine::Trap;

use super::{
    charge, check_static, fail, read, read_address, read_bytes32, write, write_u128, Cx, EeiError,
    Halt, R,
};
use crate::gas;

pub(super) fn get_external_balance(mut cx: Cx<'_, '_>, address: u32, result: u32) -> R<()> {
    charge(&mut cx, gas::BALANCE)?;
    let address = read_address(&cx, address)?;
    let balance = cx.data_mut().host.get_balance(&address);
    write_u128(&mut cx, result, balance)
}

pub(super) fn storage_load(mut cx: Cx<'_, '_>, key: u32, result: u32) -> R<()> {
    charge(&mut cx, gas::STORAGE_LOAD)?;
    let key = read_bytes32(&cx, key)?;
    let recipient = cx.data().message.recipient;
    let value = cx.data_mut().host.get_storage(&recipient, &key);
    write(&mut cx, result, &value.0)
}

pub(super) fn storage_store(mut cx: Cx<'_, '_>, key: u32, value: u32) -> R<()> {
    charge(&mut cx, gas::STORAGE_STORE_RESET)?;
    check_static(&cx)?;
    let key = read_bytes32(&cx, key)?;
    let value = read_bytes32(&cx, value)?;
    let recipient = cx.data().message.recipient;
    let current = cx.data_mut().host.get_storage(&recipient, &key);
    if current.is_zero() && !value.is_zero() {
        charge(
            &mut cx,
            gas::STORAGE_STORE_CREATE - gas::STORAGE_STORE_RESET,
        )?;
    }
    cx.data_mut().host.set_storage(&recipient, &key, &value);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn log(
    mut cx: Cx<'_, '_>,
    data: u32,
    len: u32,
    topics: u32,
    t1: u32,
    t2: u32,
    t3: u32,
    t4: u32,
) -> R<()> {
    // Hera computes the topic price in 32-bit arithmetic.
    let topic_cost = u64::from((gas::LOG_TOPIC as u32).wrapping_mul(topics));
    charge(
        &mut cx,
        gas::LOG + topic_cost + gas::LOG_DATA * u64::from(len),
    )?;
    check_static(&cx)?;
    if topics > 4 {
        return fail(EeiError::ContractValidation(
            "log with more than four topics",
        ));
    }
    let mut words = Vec::with_capacity(topics as usize);
    for pointer in [t1, t2, t3, t4].into_iter().take(topics as usize) {
        words.push(read_bytes32(&cx, pointer)?);
    }
    let data = read(&cx, data, len)?;
    let recipient = cx.data().message.recipient;
    cx.data_mut().host.emit_log(&recipient, &data, &words);
    Ok(())
}

pub(super) fn finish(mut cx: Cx<'_, '_>, data: u32, len: u32) -> R<()> {
    let output = read(&cx, data, len)?;
    cx.data_mut().output = output;
    Err(Trap::host(Halt::Finish))
}

pub(super) fn revert(mut cx: Cx<'_, '_>, data: u32, len: u32) -> R<()> {
    let output = read(&cx, data, len)?;
    cx.data_mut().output = output;
    Err(Trap::host(Halt::Revert))
}

pub(super) fn self_destruct(mut cx: Cx<'_, '_>, beneficiary: u32) -> R<()> {
    charge(&mut cx, gas::SELF_DESTRUCT)?;
    check_static(&cx)?;
    let beneficiary = read_address(&cx, beneficiary)?;
    if !cx.data_mut().host.account_exists(&beneficiary) {
        charge(&mut cx, gas::CALL_NEW_ACCOUNT)?;
    }
    let recipient = cx.data().message.recipient;
    cx.data_mut().host.selfdestruct(&recipient, &beneficiary);
    Err(Trap::host(Halt::SelfDestruct))
}
