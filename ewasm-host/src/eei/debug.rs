//! The `debug` module: printing to standard error, free of gas. Wrong
//! arguments are internal errors, as in Hera.

use super::{fail, read, read_bytes32, Cx, EeiError, R};
use crate::hex;

fn checked(cx: &Cx<'_, '_>, offset: u32, len: u32) -> R<Vec<u8>> {
    read(cx, offset, len).or_else(|_| fail(EeiError::Internal("debug: memory out of bounds")))
}

pub(super) fn print32(_cx: Cx<'_, '_>, value: i32) -> R<()> {
    eprintln!("DEBUG print32: {value} {value:#x}");
    Ok(())
}

pub(super) fn print64(_cx: Cx<'_, '_>, value: i64) -> R<()> {
    eprintln!("DEBUG print64: {value} {value:#x}");
    Ok(())
}

pub(super) fn print_mem(cx: Cx<'_, '_>, offset: u32, len: u32) -> R<()> {
    let bytes = checked(&cx, offset, len)?;
    eprintln!("DEBUG printMem: {}", String::from_utf8_lossy(&bytes));
    Ok(())
}

pub(super) fn print_mem_hex(cx: Cx<'_, '_>, offset: u32, len: u32) -> R<()> {
    let bytes = checked(&cx, offset, len)?;
    eprintln!("DEBUG printMemHex: {}", hex::encode(&bytes));
    Ok(())
}

fn storage(cx: &mut Cx<'_, '_>, key: u32) -> R<Vec<u8>> {
    let key = read_bytes32(cx, key)
        .or_else(|_| fail(EeiError::Internal("debug: memory out of bounds")))?;
    let recipient = cx.data().message.recipient;
    Ok(cx.data_mut().host.get_storage(&recipient, &key).0.to_vec())
}

pub(super) fn print_storage(mut cx: Cx<'_, '_>, key: u32) -> R<()> {
    let value = storage(&mut cx, key)?;
    eprintln!("DEBUG printStorage: {}", String::from_utf8_lossy(&value));
    Ok(())
}

pub(super) fn print_storage_hex(mut cx: Cx<'_, '_>, key: u32) -> R<()> {
    let value = storage(&mut cx, key)?;
    eprintln!("DEBUG printStorageHex: {}", hex::encode(&value));
    Ok(())
}

pub(super) fn evm_trace(cx: Cx<'_, '_>, pc: i32, opcode: i32, cost: i32, sp: i32) -> R<()> {
    let stack = match u32::try_from(sp) {
        // The EVM stack sits at memory offset 0, 32 bytes a word, up to `sp`.
        Ok(sp) => {
            let bytes = checked(&cx, 0, sp.saturating_add(1).saturating_mul(32))?;
            bytes
                .chunks(32)
                .map(|word| format!("\"0x{}\"", hex::encode(word)))
                .collect::<Vec<_>>()
                .join(",")
        }
        Err(_) => String::new(),
    };
    eprintln!("{{\"pc\":{pc},\"op\":{opcode},\"gasCost\":{cost},\"stack\":[{stack}]}}");
    Ok(())
}
