//! Gas, the message and the block context.

use super::{charge, charge_by, fail, write, write_u128, Cx, EeiError, R};
use crate::gas::Gas;

pub(super) fn use_gas(mut cx: Cx<'_, '_>, amount: i64) -> R<()> {
    let Some(amount) = Gas::from_evmc(amount) else {
        return fail(EeiError::ArgumentOutOfRange);
    };
    charge(&mut cx, amount.fuel())
}

pub(super) fn get_gas_left(mut cx: Cx<'_, '_>) -> R<i64> {
    charge_by(&mut cx, |s| s.base)?;
    match Gas::from_fuel(cx.fuel()) {
        Some(left) => Ok(left.to_evmc()),
        None => fail(EeiError::Internal("gas left above i64::MAX")),
    }
}

pub(super) fn get_address(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let address = cx.data().message.recipient;
    write(&mut cx, result, &address.0)
}

pub(super) fn get_caller(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let address = cx.data().message.sender;
    write(&mut cx, result, &address.0)
}

pub(super) fn get_call_value(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let value = cx.data().message.value;
    write_u128(&mut cx, result, value)
}

pub(super) fn get_block_hash(mut cx: Cx<'_, '_>, number: i64, result: u32) -> R<i32> {
    charge_by(&mut cx, |s| s.block_hash)?;
    let hash = cx.data_mut().host.get_block_hash(number);
    if hash.is_zero() {
        return Ok(1);
    }
    write(&mut cx, result, &hash.0)?;
    Ok(0)
}

pub(super) fn get_block_coinbase(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let address = cx.data_mut().tx_context().coinbase;
    write(&mut cx, result, &address.0)
}

pub(super) fn get_block_difficulty(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let difficulty = cx.data_mut().tx_context().difficulty;
    write(&mut cx, result, &difficulty.to_little_endian())
}

pub(super) fn get_block_gas_limit(mut cx: Cx<'_, '_>) -> R<i64> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data_mut().tx_context().gas_limit)
}

pub(super) fn get_tx_gas_price(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let price = cx.data_mut().tx_context().gas_price;
    write_u128(&mut cx, result, price)
}

pub(super) fn get_block_number(mut cx: Cx<'_, '_>) -> R<i64> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data_mut().tx_context().number)
}

pub(super) fn get_block_timestamp(mut cx: Cx<'_, '_>) -> R<i64> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data_mut().tx_context().timestamp)
}

pub(super) fn get_tx_origin(mut cx: Cx<'_, '_>, result: u32) -> R<()> {
    charge_by(&mut cx, |s| s.base)?;
    let origin = cx.data_mut().tx_context().origin;
    write(&mut cx, result, &origin.0)
}
