//! The interpreter loop.

use std::sync::Arc;

use super::num;
use super::{Exit, Frame, ValueStack};
use crate::instance::InstanceEntity;
use crate::ir::{for_each_op, Instr};
use crate::store::{FuncKind, MemoryEntity, StoreInner};
use crate::trap::TrapCode;

/// Every frame sees a window of this many slots from its base: a slot
/// index (`u16`) always falls inside it, so slot accesses need no bounds
/// checks. The value stack keeps this much room above the top frame's base;
/// what a frame may really use is its `frame_size`, which is what the
/// `max_value_stack` limit counts.
pub(crate) const FRAME_WINDOW: usize = 1 << 16;

/// The window of the frame at `base`.
#[inline(always)]
fn window(slots: &mut [u64], base: usize) -> Result<&mut [u64; FRAME_WINDOW], TrapCode> {
    // Every call keeps `slots.len() >= base + FRAME_WINDOW`; the error is
    // never taken.
    match slots.get_mut(base..base.wrapping_add(FRAME_WINDOW)) {
        Some(window) => window.try_into().map_err(|_| TrapCode::StackOverflow),
        None => Err(TrapCode::StackOverflow),
    }
}

/// Reads `N` bytes at `addr + offset`.
#[inline(always)]
fn load_bytes<const N: usize>(mem: &[u8], addr: u64, offset: u32) -> Result<[u8; N], TrapCode> {
    let start = u64::from(addr as u32) + u64::from(offset);
    let start = usize::try_from(start).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    match mem.get(start..start.wrapping_add(N)) {
        Some(bytes) => bytes.try_into().map_err(|_| TrapCode::MemoryOutOfBounds),
        None => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// Writes the low `N` bytes of `value` at `addr + offset`.
#[inline(always)]
fn store_bytes<const N: usize>(
    mem: &mut [u8],
    addr: u64,
    offset: u32,
    value: u64,
) -> Result<(), TrapCode> {
    let start = u64::from(addr as u32) + u64::from(offset);
    let start = usize::try_from(start).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    match mem.get_mut(start..start.wrapping_add(N)) {
        Some(bytes) => {
            bytes.copy_from_slice(&value.to_le_bytes()[..N]);
            Ok(())
        }
        None => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// The range `start..start + len` if it lies within `size`.
#[inline(always)]
fn range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapCode> {
    let start = start as u32 as usize;
    let end = start + len as u32 as usize;
    if end > size {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(start..end)
}

/// Same as [`range`], for tables.
#[inline(always)]
fn table_range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapCode> {
    range(start, len, size).map_err(|_| TrapCode::TableOutOfBounds)
}

macro_rules! define_run {
    (
        binary { $($bin:ident $bf:ident [$($bsw:ident)?] [$($bimm:ident $bimmty:ty)?];)* }
        binary_trap { $($bt:ident $btf:ident;)* }
        unary { $($un:ident $uf:ident;)* }
        unary_trap { $($ut:ident $utf:ident;)* }
        load { $($ld:ident $ldn:literal $ldf:ident;)* }
        store { $($st:ident $stn:literal;)* }
        branch_cmp { $($bc:ident $bci:ident $bccmp:ident $bccmpi:ident $bcneg:ident $bcnegi:ident $bcf:ident $bcty:ty;)* }
    ) => {
        /// Runs the top frame of `stack` until the outermost frame returns,
        /// a host function must be called, or a trap.
        pub(super) fn run(
            store: &mut StoreInner,
            stack: &mut ValueStack,
            depth_base: u32,
            slots_base: usize,
        ) -> Result<Exit, TrapCode> {
            let StoreInner {
                engine,
                funcs,
                memories,
                tables,
                globals,
                instances,
                elems,
                datas,
                no_memory,
                fuel,
                profile,
                ..
            } = store;
            let config = engine.config();
            let metered = config.consume_fuel;
            let grow_cost = if metered { config.cost_model.memory_grow_page_cost() } else { 0 };
            let model = &*config.cost_model;
            // What a bulk operator of `n` units costs (nothing unmetered).
            let memory_bulk = |n: u64| if metered { model.memory_bulk_cost(n) } else { 0 };
            let table_bulk = |n: u64| if metered { model.table_bulk_cost(n) } else { 0 };
            let max_depth = engine.config().max_call_depth as usize;
            let max_slots = engine.config().max_value_stack as usize;
            let ValueStack { slots, frames } = stack;
            let Some(top) = frames.pop() else {
                return Ok(Exit::Done);
            };
            let mut instance = top.instance;
            let mut inst: &InstanceEntity = &instances[instance as usize];
            let mut func = top.func;
            let mut code: &[Instr] = &inst.module.code[func as usize].code;
            let mut pc = top.pc as usize;
            let mut base = top.base as usize;
            let mut mem: &mut MemoryEntity = match inst.memories.first() {
                Some(&m) => &mut memories[m as usize],
                None => &mut *no_memory,
            };
            let mut regs = window(slots, base)?;

            // Slot `s` (a `u16`) of the current frame.
            macro_rules! r {
                ($s:expr) => {
                    regs[$s as usize]
                };
            }
            // Charges dynamic fuel, before the operation has any effect.
            // A dynamic charge (growth, bulk work), recorded on the current
            // stack when profiling.
            macro_rules! charge {
                ($cost:expr) => {
                    if metered {
                        let cost = $cost;
                        match fuel.checked_sub(cost) {
                            Some(left) => *fuel = left,
                            None => return Err(TrapCode::OutOfFuel),
                        }
                        if let Some(profile) = profile.as_deref_mut() {
                            let here = (instance, func);
                            crate::profile::record_dynamic(profile, instances, frames, here, cost);
                        }
                    }
                };
            }
            // Switches the cached instance state to store instance `$i`.
            macro_rules! switch_instance {
                ($i:expr) => {
                    if $i != instance {
                        instance = $i;
                        inst = &instances[instance as usize];
                        mem = match inst.memories.first() {
                            Some(&m) => &mut memories[m as usize],
                            None => &mut *no_memory,
                        };
                    }
                };
            }
            // Enters defined function `$f` of instance `$i` at slot `$b`.
            macro_rules! call_wasm {
                ($i:expr, $f:expr, $b:expr) => {{
                    let new_base = base + $b as usize;
                    if depth_base as usize + frames.len() + 2 > max_depth {
                        return Err(TrapCode::StackOverflow);
                    }
                    let callee = &instances[$i as usize].module.code[$f as usize];
                    if slots_base + new_base + callee.frame_size as usize > max_slots {
                        return Err(TrapCode::StackOverflow);
                    }
                    let need = new_base + FRAME_WINDOW;
                    if need > slots.len() {
                        // A zeroed allocation: the OS supplies the pages lazily.
                        let mut grown = vec![0u64; need.max(slots.len() * 2)];
                        grown[..slots.len()].copy_from_slice(slots);
                        *slots = grown;
                    }
                    slots[new_base + callee.num_params as usize..new_base + callee.num_locals as usize]
                        .fill(0);
                    frames.push(Frame {
                        instance,
                        func,
                        pc: pc as u32,
                        base: base as u32,
                    });
                    switch_instance!($i);
                    func = $f;
                    code = &callee.code;
                    pc = 0;
                    base = new_base;
                    regs = window(slots, base)?;
                }};
            }
            // Calls store function `$fi` at slot `$b`.
            macro_rules! call_any {
                ($fi:expr, $b:expr) => {{
                    let fi = $fi;
                    match funcs[fi as usize].kind {
                        FuncKind::Wasm { instance: i, index } => call_wasm!(i, index, $b),
                        FuncKind::Host { .. } => {
                            frames.push(Frame {
                                instance,
                                func,
                                pc: pc as u32,
                                base: base as u32,
                            });
                            return Ok(Exit::Host {
                                func: fi,
                                base: base + $b as usize,
                            });
                        }
                    }
                }};
            }
            // Returns to the caller frame, or out of the loop.
            macro_rules! ret {
                () => {{
                    match frames.pop() {
                        None => return Ok(Exit::Done),
                        Some(frame) => {
                            switch_instance!(frame.instance);
                            func = frame.func;
                            code = &inst.module.code[func as usize].code;
                            pc = frame.pc as usize;
                            base = frame.base as usize;
                            regs = window(slots, base)?;
                        }
                    }
                }};
            }

            loop {
                debug_assert!(pc < code.len(), "pc {pc} past the code");
                // SAFETY: translation ends every path of a function with a
                // return, a branch or a trap, and patches every branch
                // target inside the function, so `pc < code.len()`.
                let instr = unsafe { *code.get_unchecked(pc) };
                pc += 1;
                match instr {
                    $( Instr::$bin { dst, lhs, rhs } => {
                        r!(dst) = num::$bf(r!(lhs), r!(rhs));
                    } )*
                    $( $( Instr::$bimm { dst, lhs, imm } => {
                        r!(dst) = num::$bf(r!(lhs), imm as u64);
                    } )? )*
                    $( Instr::$bt { dst, lhs, rhs } => {
                        r!(dst) = num::$btf(r!(lhs), r!(rhs))?;
                    } )*
                    $( Instr::$un { dst, src } => {
                        r!(dst) = num::$uf(r!(src));
                    } )*
                    $( Instr::$ut { dst, src } => {
                        r!(dst) = num::$utf(r!(src))?;
                    } )*
                    $( Instr::$ld { dst, addr, offset } => {
                        let bytes = load_bytes::<$ldn>(&mem.bytes, r!(addr), offset)?;
                        r!(dst) = num::$ldf(bytes);
                    } )*
                    $( Instr::$st { addr, value, offset } => {
                        store_bytes::<$stn>(&mut mem.bytes, r!(addr), offset, r!(value))?;
                    } )*
                    $( Instr::$bc { lhs, rhs, target } => {
                        if num::$bcf(r!(lhs), r!(rhs)) != 0 {
                            pc = target as usize;
                        }
                    } )*
                    $( Instr::$bci { lhs, imm, target } => {
                        if num::$bcf(r!(lhs), imm as u64) != 0 {
                            pc = target as usize;
                        }
                    } )*
                    Instr::Unreachable => return Err(TrapCode::Unreachable),
                    Instr::ConsumeFuel { amount } => match fuel.checked_sub(amount) {
                        Some(left) => *fuel = left,
                        None => return Err(TrapCode::OutOfFuel),
                    },
                    Instr::ProfileFuel { block } => {
                        let info = inst.module.code[func as usize].blocks.get(block as usize);
                        let Some(&info) = info else {
                            return Err(TrapCode::Unreachable);
                        };
                        match fuel.checked_sub(info.fuel) {
                            Some(left) => *fuel = left,
                            None => return Err(TrapCode::OutOfFuel),
                        }
                        if let Some(profile) = profile.as_deref_mut() {
                            let here = (instance, func);
                            crate::profile::record_block(profile, instances, frames, here, block, info);
                        }
                    }
                    Instr::Copy { dst, src } => r!(dst) = r!(src),
                    Instr::Copy2 { d0, s0, d1, s1 } => {
                        r!(d0) = r!(s0);
                        r!(d1) = r!(s1);
                    }
                    Instr::Copy3 { d0, s0, d1, s1, d2, s2 } => {
                        r!(d0) = r!(s0);
                        r!(d1) = r!(s1);
                        r!(d2) = r!(s2);
                    }
                    Instr::Const64 { dst, value } => r!(dst) = value,
                    Instr::Select { dst, cond, a, b } => {
                        r!(dst) = if r!(cond) as u32 != 0 { r!(a) } else { r!(b) };
                    }
                    Instr::Br { target } => pc = target as usize,
                    Instr::BrIfNez { cond, target } => {
                        if r!(cond) as u32 != 0 {
                            pc = target as usize;
                        }
                    }
                    Instr::BrIfEqz { cond, target } => {
                        if r!(cond) as u32 == 0 {
                            pc = target as usize;
                        }
                    }
                    Instr::BrIfNez64 { cond, target } => {
                        if r!(cond) != 0 {
                            pc = target as usize;
                        }
                    }
                    Instr::BrIfEqz64 { cond, target } => {
                        if r!(cond) == 0 {
                            pc = target as usize;
                        }
                    }
                    Instr::BrTable { index, len } => {
                        pc += (r!(index) as u32).min(len) as usize;
                    }
                    Instr::Return => ret!(),
                    Instr::ReturnSlot { src } => {
                        r!(0) = r!(src);
                        ret!()
                    }
                    Instr::CallInternal { func: f, base: b } => call_wasm!(instance, f, b),
                    Instr::CallImported { func: f, base: b } => call_any!(inst.funcs[f as usize], b),
                    Instr::CallIndirect { ty, table, index, base: b } => {
                        let table = &tables[inst.tables[table as usize] as usize];
                        let i = r!(index) as u32 as usize;
                        let raw = *table.elems.get(i).ok_or(TrapCode::TableOutOfBounds)?;
                        if raw == 0 {
                            return Err(TrapCode::IndirectCallToNull);
                        }
                        let fi = (raw - 1) as u32;
                        if funcs[fi as usize].ty != ty {
                            return Err(TrapCode::BadSignature);
                        }
                        call_any!(fi, b)
                    }
                    Instr::GlobalGet { dst, global } => {
                        r!(dst) = globals[inst.globals[global as usize] as usize].value;
                    }
                    Instr::GlobalSet { src, global } => {
                        globals[inst.globals[global as usize] as usize].value = r!(src);
                    }
                    Instr::MemorySize { dst } => r!(dst) = u64::from(mem.pages()),
                    Instr::MemoryGrow { dst, delta } => {
                        let delta = r!(delta) as u32;
                        charge!(grow_cost.saturating_mul(u64::from(delta)));
                        r!(dst) = u64::from(mem.grow(delta).unwrap_or(u32::MAX));
                    }
                    Instr::MemoryFill { dst, value, len } => {
                        charge!(memory_bulk(u64::from(r!(len) as u32)));
                        let range = range(r!(dst), r!(len), mem.bytes.len())?;
                        mem.bytes[range].fill(r!(value) as u8);
                    }
                    Instr::MemoryCopy { dst, src, len } => {
                        let n = r!(len);
                        charge!(memory_bulk(u64::from(n as u32)));
                        let from = range(r!(src), n, mem.bytes.len())?;
                        let to = range(r!(dst), n, mem.bytes.len())?;
                        mem.bytes.copy_within(from, to.start);
                    }
                    Instr::MemoryInit { data, dst, src, len } => {
                        let n = r!(len);
                        charge!(memory_bulk(u64::from(n as u32)));
                        let bytes = &datas[inst.datas[data as usize] as usize];
                        let from = range(r!(src), n, bytes.len())?;
                        let to = range(r!(dst), n, mem.bytes.len())?;
                        mem.bytes[to].copy_from_slice(&bytes[from]);
                    }
                    Instr::DataDrop { data } => {
                        datas[inst.datas[data as usize] as usize] = Arc::from([]);
                    }
                    Instr::TableGet { dst, table, index } => {
                        let table = &tables[inst.tables[table as usize] as usize];
                        let i = r!(index) as u32 as usize;
                        r!(dst) = *table.elems.get(i).ok_or(TrapCode::TableOutOfBounds)?;
                    }
                    Instr::TableSet { table, index, value } => {
                        let table = &mut tables[inst.tables[table as usize] as usize];
                        let i = r!(index) as u32 as usize;
                        *table.elems.get_mut(i).ok_or(TrapCode::TableOutOfBounds)? = r!(value);
                    }
                    Instr::TableSize { dst, table } => {
                        let table = &tables[inst.tables[table as usize] as usize];
                        r!(dst) = table.elems.len() as u64;
                    }
                    Instr::TableGrow { table, args } => {
                        let table = &mut tables[inst.tables[table as usize] as usize];
                        let init = r!(args);
                        let delta = r!(args + 1) as u32;
                        r!(args) = u64::from(table.grow(delta, init).unwrap_or(u32::MAX));
                    }
                    Instr::TableFill { table, args } => {
                        charge!(table_bulk(u64::from(r!(args + 2) as u32)));
                        let table = &mut tables[inst.tables[table as usize] as usize];
                        let range = table_range(r!(args), r!(args + 2), table.elems.len())?;
                        table.elems[range].fill(r!(args + 1));
                    }
                    Instr::TableCopy { dst_table, src_table, args } => {
                        let d = inst.tables[dst_table as usize] as usize;
                        let s = inst.tables[src_table as usize] as usize;
                        let n = r!(args + 2);
                        charge!(table_bulk(u64::from(n as u32)));
                        let to = table_range(r!(args), n, tables[d].elems.len())?;
                        let from = table_range(r!(args + 1), n, tables[s].elems.len())?;
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
                    }
                    Instr::TableInit { table, elem, args } => {
                        charge!(table_bulk(u64::from(r!(args + 2) as u32)));
                        let items = &elems[inst.elems[elem as usize] as usize];
                        let table = &mut tables[inst.tables[table as usize] as usize];
                        let n = r!(args + 2);
                        let to = table_range(r!(args), n, table.elems.len())?;
                        let from = table_range(r!(args + 1), n, items.len())?;
                        table.elems[to].copy_from_slice(&items[from]);
                    }
                    Instr::ElemDrop { elem } => {
                        elems[inst.elems[elem as usize] as usize] = Box::new([]);
                    }
                    Instr::RefFunc { dst, func: f } => {
                        r!(dst) = u64::from(inst.funcs[f as usize]) + 1;
                    }
                }
            }
        }
    };
}

for_each_op!(define_run);
