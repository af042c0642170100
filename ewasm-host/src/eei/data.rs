//! Call data, code, return data and other accounts' code.

use super::{
    access_account, charge, charge_by, copy_cost, fail, read_address, schedule, slice, write, Cx,
    EeiError, R,
};

pub(super) fn get_call_data_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data().message.input.len() as i32)
}

pub(super) fn call_data_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge_by(&mut cx, |s| copy_cost(s, s.very_low, len))?;
    // The message outlives the store: no copy of the call data.
    let message = cx.data().message;
    write(&mut cx, result, slice(&message.input, offset, len)?)
}

pub(super) fn get_code_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data().frame.code.len() as i32)
}

pub(super) fn code_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge_by(&mut cx, |s| copy_cost(s, s.very_low, len))?;
    let code = std::sync::Arc::clone(&cx.data().frame.code);
    write(&mut cx, result, slice(&code, offset, len)?)
}

pub(super) fn get_return_data_size(mut cx: Cx<'_, '_>) -> R<i32> {
    charge_by(&mut cx, |s| s.base)?;
    Ok(cx.data().frame.return_data.len() as i32)
}

pub(super) fn return_data_copy(mut cx: Cx<'_, '_>, result: u32, offset: u32, len: u32) -> R<()> {
    charge_by(&mut cx, |s| copy_cost(s, s.very_low, len))?;
    let data = cx.data().frame.return_data.clone();
    write(&mut cx, result, slice(&data, offset, len)?)
}

pub(super) fn get_external_code_size(mut cx: Cx<'_, '_>, address: u32) -> R<i32> {
    let warm = schedule(&cx).ext_code;
    charge(&mut cx, warm)?;
    let address = read_address(&cx, address)?;
    access_account(&mut cx, &address, warm)?;
    Ok(cx.data_mut().host.get_code_size(&address) as i32)
}

pub(super) fn external_code_copy(
    mut cx: Cx<'_, '_>,
    address: u32,
    result: u32,
    offset: u32,
    len: u32,
) -> R<()> {
    let warm = schedule(&cx).ext_code;
    charge_by(&mut cx, |s| copy_cost(s, warm, len))?;
    let address = read_address(&cx, address)?;
    access_account(&mut cx, &address, warm)?;
    // The destination is checked before the host copies anything.
    if u64::from(result) + u64::from(len) > cx.memory_size() as u64 {
        return Err(super::memory_error(&cx, result, len as usize));
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
