//! Handlers that reach the store's entities: globals, memory size and
//! growth, bulk memory, tables, segments and function references.

#![allow(non_snake_case)]

use std::sync::Arc;

use super::cx::Cx;
use super::dispatch::{next, Ip, Regs};
use super::handlers::{decode, get, instr, set};
use crate::ir::Instr;
use crate::opcode::Opcode;
use crate::trap::TrapCode;

pub(super) fn GlobalGet(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::GlobalGet { dst, global });
    let Some(&g) = cx.inst.globals.get(global as usize) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    set(regs, dst, cx.state_ref().globals[g as usize].value);
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn GlobalSet(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::GlobalSet { src, global });
    let Some(&g) = cx.inst.globals.get(global as usize) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    cx.state().globals[g as usize].value = get(regs, src);
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn MemorySize(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::MemorySize { dst });
    set(regs, dst, u64::from(cx.memory_mut().pages()));
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn RefFunc(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::RefFunc { dst, func });
    let Some(&f) = cx.inst.funcs.get(func as usize) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    set(regs, dst, u64::from(f) + 1);
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

/// Runs the body of a rarer operation out of line: inlined into its
/// handler, a body whose locals have their address taken (a `Result` with
/// an error, a slice of the store) gives the handler a stack frame the
/// compiler will not drop before the handler's last call, so that call
/// stays a call and every instruction run takes a native frame: a loop of
/// `memory.grow` overflowed the stack. Called here, the body's frame is
/// gone by the time the handler goes on.
#[inline(never)]
fn out_of_line(
    body: fn(Ip, Regs, &mut Cx<'_>) -> Result<(), TrapCode>,
    ip: Ip,
    regs: Regs,
    cx: &mut Cx<'_>,
) -> Result<(), TrapCode> {
    body(ip, regs, cx)
}

/// Handlers of rarer operations written as `fn(ip, regs, cx) -> Result`:
/// on success the memory is taken afresh (the operation may have moved or
/// written it) and the run goes on.
macro_rules! fallible {
    ($($name:ident => $body:ident;)*) => {
        $(
            pub(super) fn $name(ip: Ip, regs: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
                if let Err(code) = out_of_line($body, ip, regs, cx) {
                    return cx.trap(code, ip);
                }
                cx.refresh_memory();
                // Set only when the store profiles and traces charges.
                let traced = cx.state().profile.as_deref_mut().and_then(|p| p.operator_charge.take());
                if let Some((opcode, fuel)) = traced {
                    let kind = crate::store::ChargeKind::Operator(opcode);
                    return super::control::stop_for_charge(cx, ip, kind, fuel);
                }
                let (mem, len) = (cx.mem, cx.mem_len);
                next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
            }
        )*
    };
}

fallible! {
    MemoryGrow => memory_grow;
    MemoryFill => memory_fill;
    MemoryCopy => memory_copy;
    MemoryInit => memory_init;
    DataDrop => data_drop;
    TableGet => table_get;
    TableSet => table_set;
    TableSize => table_size;
    TableGrow => table_grow;
    TableFill => table_fill;
    TableCopy => table_copy;
    TableInit => table_init;
    ElemDrop => elem_drop;
}

/// Binds the operands of the instruction at `$ip` in a fallible body.
macro_rules! operands {
    ($ip:expr, $pat:pat) => {
        let $pat = instr($ip) else {
            return Err(TrapCode::Internal);
        };
    };
}

/// The range `start..start + len` if it lies within `size`.
fn range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapCode> {
    let start = start as u32 as usize;
    let end = start + len as u32 as usize;
    if end > size {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(start..end)
}

/// Same as [`range`], for tables.
fn table_range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapCode> {
    range(start, len, size).map_err(|_| TrapCode::TableOutOfBounds)
}

/// Store index of table `table` of the running instance.
fn table_index(cx: &Cx<'_>, table: u32) -> Result<usize, TrapCode> {
    match cx.inst.tables.get(table as usize) {
        Some(&t) => Ok(t as usize),
        None => Err(TrapCode::Internal),
    }
}

fn memory_grow(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::MemoryGrow { dst, delta });
    let delta = get(regs, delta) as u32;
    cx.charge(
        Opcode::MemoryGrow,
        cx.grow_cost.saturating_mul(u64::from(delta)),
    )?;
    let mut pages = cx.state().allowance.pages;
    let old = cx.memory_mut().grow(delta, &mut pages).unwrap_or(u32::MAX);
    cx.state().allowance.pages = pages;
    set(regs, dst, u64::from(old));
    Ok(())
}

fn memory_fill(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::MemoryFill { dst, value, len });
    let n = get(regs, len);
    cx.charge(Opcode::MemoryFill, cx.memory_bulk(u64::from(n as u32)))?;
    let bytes = &mut cx.memory_mut().bytes;
    let range = range(get(regs, dst), n, bytes.len())?;
    let to = bytes.get_mut(range).ok_or(TrapCode::MemoryOutOfBounds)?;
    to.fill(get(regs, value) as u8);
    Ok(())
}

fn memory_copy(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::MemoryCopy { dst, src, len });
    let n = get(regs, len);
    cx.charge(Opcode::MemoryCopy, cx.memory_bulk(u64::from(n as u32)))?;
    let bytes = &mut cx.memory_mut().bytes;
    let from = range(get(regs, src), n, bytes.len())?;
    let to = range(get(regs, dst), n, bytes.len())?;
    bytes
        .copy_within(from, to.start)
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    Ok(())
}

fn memory_init(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(
        ip,
        Instr::MemoryInit {
            data,
            dst,
            src,
            len
        }
    );
    let n = get(regs, len);
    cx.charge(Opcode::MemoryInit, cx.memory_bulk(u64::from(n as u32)))?;
    let data = *cx.inst.datas.get(data as usize).ok_or(TrapCode::Internal)?;
    let data = Arc::clone(&cx.state().datas[data as usize]);
    let bytes = &mut cx.memory_mut().bytes;
    let from = range(get(regs, src), n, data.len())?;
    let to = range(get(regs, dst), n, bytes.len())?;
    let to = bytes.get_mut(to).ok_or(TrapCode::MemoryOutOfBounds)?;
    to.copy_from_slice(&data[from]);
    Ok(())
}

fn data_drop(ip: Ip, _: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::DataDrop { data });
    let data = *cx.inst.datas.get(data as usize).ok_or(TrapCode::Internal)?;
    cx.state().datas[data as usize] = crate::store::no_data();
    Ok(())
}

fn table_get(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::TableGet { dst, table, index });
    let t = table_index(cx, table)?;
    let table = &cx.state().tables[t];
    let i = get(regs, index) as u32 as usize;
    let value = *table.elems.get(i).ok_or(TrapCode::TableOutOfBounds)?;
    set(regs, dst, value);
    Ok(())
}

fn table_set(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(
        ip,
        Instr::TableSet {
            table,
            index,
            value
        }
    );
    let t = table_index(cx, table)?;
    let i = get(regs, index) as u32 as usize;
    let slot = cx.state().tables[t]
        .elems
        .get_mut(i)
        .ok_or(TrapCode::TableOutOfBounds)?;
    *slot = get(regs, value);
    Ok(())
}

fn table_size(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::TableSize { dst, table });
    let t = table_index(cx, table)?;
    let size = cx.state().tables[t].elems.len();
    set(regs, dst, size as u64);
    Ok(())
}

fn table_grow(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::TableGrow { table, args });
    let t = table_index(cx, table)?;
    let init = get(regs, args);
    let delta = get(regs, args + 1) as u32;
    cx.charge(Opcode::TableGrow, cx.table_grow(u64::from(delta)))?;
    let state = cx.state();
    let old = state.tables[t]
        .grow(delta, init, &mut state.allowance.elements)
        .unwrap_or(u32::MAX);
    set(regs, args, u64::from(old));
    Ok(())
}

fn table_fill(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::TableFill { table, args });
    let n = get(regs, args + 2);
    cx.charge(Opcode::TableFill, cx.table_bulk(u64::from(n as u32)))?;
    let t = table_index(cx, table)?;
    let elems = &mut cx.state().tables[t].elems;
    let range = table_range(get(regs, args), n, elems.len())?;
    elems[range].fill(get(regs, args + 1));
    Ok(())
}

fn table_copy(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(
        ip,
        Instr::TableCopy {
            dst_table,
            src_table,
            args
        }
    );
    let d = table_index(cx, dst_table)?;
    let s = table_index(cx, src_table)?;
    let n = get(regs, args + 2);
    cx.charge(Opcode::TableCopy, cx.table_bulk(u64::from(n as u32)))?;
    let tables = &mut cx.state().tables;
    let to = table_range(get(regs, args), n, tables[d].elems.len())?;
    let from = table_range(get(regs, args + 1), n, tables[s].elems.len())?;
    if d == s {
        tables[d].elems.copy_within(from, to.start);
    } else {
        let (low, high) = tables.split_at_mut(d.max(s));
        let (dst, src) = if d < s {
            (&mut low[d], &high[0])
        } else {
            (&mut high[0], &low[s])
        };
        dst.elems[to].copy_from_slice(&src.elems[from]);
    }
    Ok(())
}

fn table_init(ip: Ip, regs: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::TableInit { table, elem, args });
    let n = get(regs, args + 2);
    cx.charge(Opcode::TableInit, cx.table_bulk(u64::from(n as u32)))?;
    let e = *cx.inst.elems.get(elem as usize).ok_or(TrapCode::Internal)?;
    let t = table_index(cx, table)?;
    let state = cx.state();
    let items = &state.elems[e as usize];
    let elems = &mut state.tables[t].elems;
    let to = table_range(get(regs, args), n, elems.len())?;
    let from = table_range(get(regs, args + 1), n, items.len())?;
    elems[to].copy_from_slice(&items[from]);
    Ok(())
}

fn elem_drop(ip: Ip, _: Regs, cx: &mut Cx<'_>) -> Result<(), TrapCode> {
    operands!(ip, Instr::ElemDrop { elem });
    let e = *cx.inst.elems.get(elem as usize).ok_or(TrapCode::Internal)?;
    // Emptied, its room kept: the store gives it back to the engine.
    if let Some(items) = cx.state().elems.get_mut(e as usize) {
        items.clear();
    }
    Ok(())
}
