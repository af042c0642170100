//! Call data, code, return data and other accounts' code.

use super::{charge, copy_cost, fail, read_address, slice, write, Cx, EeiError, R};
use crate::gas;

pub(super) fn get_call_data_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge(&mut cx, gas::BASE)?;
    Ok(cx.data().message.input.len() as i32)
}

pub(super) fn call_data_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge(&mut cx, copy_cost(gas::VERY_LOW, len))?;
    let bytes = slice(&cx.data().message.input, offset, len)?;
    write(&mut cx, result, &bytes)
}

pub(super) fn get_code_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge(&mut cx, gas::BASE)?;
    Ok(cx.data().code.len() as i32)
}

pub(super) fn code_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge(&mut cx, copy_cost(gas::VERY_LOW, len))?;
    let bytes = slice(&cx.data().code, offset, len)?;
    write(&mut cx, result, &bytes)
}

pub(super) fn get_return_data_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge(&mut cx, gas::BASE)?;
    Ok(cx.data().return_data.len() as i32)
}

pub(super) fn return_data_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge(&mut cx, copy_cost(gas::VERY_LOW, len))?;
    let bytes = slice(&cx.data().return_data, offset, len)?;
    write(&mut cx, result, &bytes)
}

pub(super) fn get_external_code_size(mut cx: Cx<'_, '_>, address: u32) -> R<i32> {
    charge(&mut cx, gas::EXT_CODE)?;
    let address = read_address(&cx, address)?;
    Ok(cx.data_mut().host.get_code_size(&address) as i32)
}

pub(super) fn external_code_copy(
    mut cx: Cx<'_, '_>,
    address: u32,
    result: u32,
    offset: u32,
    len: u32,
) -> R<()> {
    charge(&mut cx, copy_cost(gas::EXT_CODE, len))?;
    let address = read_address(&cx, address)?;
    // The destination is checked before the host copies anything.
    if u64::from(result) + u64::from(len) > cx.memory_size() as u64 {
        return fail(EeiError::InvalidMemoryAccess);
    }
    let mut buffer = vec![0u8; len as usize];
    let copied = cx
        .data_mut()
        .host
        .copy_code(&address, offset as usize, &mut buffer);
    if copied != buffer.len() {
        return fail(EeiError::InvalidMemoryAccess);
    }
    write(&mut cx, result, &buffer)
}
