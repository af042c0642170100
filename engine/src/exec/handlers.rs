//! The handlers of the generated operators (numeric, loads, stores and
//! fused compare-and-branch), the slot and memory accessors every handler
//! uses, and the table from instruction to handler.

#![allow(non_snake_case)]

use super::control::*;
use super::cx::Cx;
use super::dispatch::{jump, next, Handler, Ip, Regs};
use super::entities::*;
use super::fused::*;
use super::num;
use crate::ir::{for_each_op, Instr, Slot};
use crate::trap::TrapCode;

/// Slot `slot` of the running frame.
#[inline(always)]
pub(super) fn get(regs: Regs, slot: Slot) -> u64 {
    // SAFETY: `regs` points at the running frame's window of `FRAME_WINDOW`
    // (2^16) slots inside the value stack (`Cx::refresh_regs`), and a `u16`
    // slot index is always below 2^16.
    unsafe { *regs.add(slot as usize) }
}

/// Writes slot `slot` of the running frame.
#[inline(always)]
pub(super) fn set(regs: Regs, slot: Slot, value: u64) {
    // SAFETY: as in `get`.
    unsafe { *regs.add(slot as usize) = value }
}

/// The instruction at `ip`.
#[inline(always)]
pub(super) fn instr(ip: Ip) -> Instr {
    // SAFETY: `ip` points at an instruction of the running function (see
    // `next!`).
    unsafe { (*ip).instr() }
}

/// Binds the operands of the instruction at `$ip`, which is of the
/// handler's kind.
macro_rules! decode {
    ($ip:expr, $cx:expr, $pat:pat) => {
        let $pat = $crate::exec::handlers::instr($ip) else {
            // SAFETY: only `dispatch::thread` makes an `Op` (its fields are
            // private to that module, and code is never changed after), and
            // it pairs each instruction with `handler_of(&instr)`, whose
            // exhaustive match gives every kind of instruction the handler
            // that decodes that kind: this handler runs only instructions
            // that match `$pat`.
            unsafe { std::hint::unreachable_unchecked() }
        };
    };
}
pub(super) use decode;

/// Reads `N` bytes at `addr + offset` of the memory at `mem`.
#[inline(always)]
pub(super) fn load<const N: usize>(
    mem: *mut u8,
    len: usize,
    addr: u64,
    offset: u32,
) -> Option<[u8; N]> {
    let start = u64::from(addr as u32) + u64::from(offset);
    if start + N as u64 > len as u64 {
        return None;
    }
    // SAFETY: `mem` and `len` are the base and length of the running
    // instance's memory, taken afresh after anything that may move it
    // (`Cx::refresh_memory`), and `start..start + N` lies within `len`.
    Some(unsafe { std::ptr::read_unaligned(mem.add(start as usize) as *const [u8; N]) })
}

/// Writes the low `N` bytes of `value` at `addr + offset`.
#[inline(always)]
fn store<const N: usize>(mem: *mut u8, len: usize, addr: u64, offset: u32, value: u64) -> bool {
    let start = u64::from(addr as u32) + u64::from(offset);
    if start + N as u64 > len as u64 {
        return false;
    }
    let bytes = value.to_le_bytes();
    // SAFETY: as in `load`; `N <= 8` bytes are read from `bytes`.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem.add(start as usize), N) };
    true
}

macro_rules! define_handlers {
    (
        binary { $($bin:ident $bf:ident [$($bsw:ident)?] [$($bimm:ident $bimmty:ty)?];)* }
        binary_trap { $($bt:ident $btf:ident;)* }
        unary { $($un:ident $uf:ident;)* }
        unary_trap { $($ut:ident $utf:ident;)* }
        load { $($ld:ident $ldn:literal $ldf:ident;)* }
        store { $($st:ident $stn:literal;)* }
        branch_cmp { $($bc:ident $bci:ident $bccmp:ident $bccmpi:ident $bcneg:ident $bcnegi:ident $bcf:ident $bcty:ty;)* }
    ) => {
        $(
            fn $bin(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$bin { dst, lhs, rhs });
                set(regs, dst, num::$bf(get(regs, lhs), get(regs, rhs)));
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $( $(
            fn $bimm(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$bimm { dst, lhs, imm });
                set(regs, dst, num::$bf(get(regs, lhs), imm as u64));
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )? )*
        $(
            fn $bt(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$bt { dst, lhs, rhs });
                match num::$btf(get(regs, lhs), get(regs, rhs)) {
                    Ok(value) => set(regs, dst, value),
                    Err(code) => return cx.trap(code, ip),
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $(
            fn $un(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$un { dst, src });
                set(regs, dst, num::$uf(get(regs, src)));
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $(
            fn $ut(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$ut { dst, src });
                match num::$utf(get(regs, src)) {
                    Ok(value) => set(regs, dst, value),
                    Err(code) => return cx.trap(code, ip),
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $(
            fn $ld(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$ld { dst, addr, offset });
                match load::<$ldn>(mem, len, get(regs, addr), offset) {
                    Some(bytes) => set(regs, dst, num::$ldf(bytes)),
                    None => return cx.trap(TrapCode::MemoryOutOfBounds, ip),
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $(
            fn $st(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$st { addr, value, offset });
                if !store::<$stn>(mem, len, get(regs, addr), offset, get(regs, value)) {
                    return cx.trap(TrapCode::MemoryOutOfBounds, ip);
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
        $(
            fn $bc(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$bc { lhs, rhs, target });
                if num::$bcf(get(regs, lhs), get(regs, rhs)) != 0 {
                    next!(jump(ip, target), regs, mem, len, cx)
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
            fn $bci(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$bci { lhs, imm, target });
                if num::$bcf(get(regs, lhs), imm as u64) != 0 {
                    next!(jump(ip, target), regs, mem, len, cx)
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*

        /// The handler of `instr`.
        pub(super) fn handler_of(instr: &Instr) -> Handler {
            match instr {
                $( Instr::$bin { .. } => $bin, )*
                $( $( Instr::$bimm { .. } => $bimm, )? )*
                $( Instr::$bt { .. } => $bt, )*
                $( Instr::$un { .. } => $un, )*
                $( Instr::$ut { .. } => $ut, )*
                $( Instr::$ld { .. } => $ld, )*
                $( Instr::$st { .. } => $st, )*
                $( Instr::$bc { .. } => $bc, )*
                $( Instr::$bci { .. } => $bci, )*
                Instr::Unreachable => Unreachable,
                Instr::ConsumeFuel { .. } => ConsumeFuel,
                Instr::ProfileFuel { .. } => ProfileFuel,
                Instr::Copy { .. } => Copy,
                Instr::Copy2 { .. } => Copy2,
                Instr::Copy3 { .. } => Copy3,
                Instr::CopySpan { .. } => CopySpan,
                Instr::Const64 { .. } => Const64,
                Instr::I64MulAdd { .. } => I64MulAdd,
                Instr::I64MulImmAdd { .. } => I64MulImmAdd,
                Instr::I32Add3 { .. } => I32Add3,
                Instr::I64Add3 { .. } => I64Add3,
                Instr::I32RotlImmXor { .. } => I32RotlImmXor,
                Instr::I64MulAdd2 { .. } => I64MulAdd2,
                Instr::I64AndImmAdd { .. } => I64AndImmAdd,
                Instr::I64AddShrUImm { .. } => I64AddShrUImm,
                Instr::I32Add2Imm { .. } => I32Add2Imm,
                Instr::I32RotlXorRotl { .. } => I32RotlXorRotl,
                Instr::I64Xor3 { .. } => I64Xor3,
                Instr::I64RotlImmXor { .. } => I64RotlImmXor,
                Instr::I64XorRotlImm { .. } => I64XorRotlImm,
                Instr::I64XorImmAnd { .. } => I64XorImmAnd,
                Instr::I32XorImmAnd { .. } => I32XorImmAnd,
                Instr::I32ShrUImmXor { .. } => I32ShrUImmXor,
                Instr::I32LoadAt { .. } => I32LoadAt,
                Instr::I64LoadAt { .. } => I64LoadAt,
                Instr::Select { .. } => Select,
                Instr::Br { .. } => Br,
                Instr::BrIfNez { .. } => BrIfNez,
                Instr::BrIfEqz { .. } => BrIfEqz,
                Instr::BrIfNez64 { .. } => BrIfNez64,
                Instr::BrIfEqz64 { .. } => BrIfEqz64,
                Instr::BrTable { .. } => BrTable,
                Instr::Return => Return,
                Instr::ReturnSlot { .. } => ReturnSlot,
                Instr::CallInternal { .. } => CallInternal,
                Instr::CallImported { .. } => CallImported,
                Instr::CallIndirect { .. } => CallIndirect,
                Instr::GlobalGet { .. } => GlobalGet,
                Instr::GlobalSet { .. } => GlobalSet,
                Instr::MemorySize { .. } => MemorySize,
                Instr::MemoryGrow { .. } => MemoryGrow,
                Instr::MemoryFill { .. } => MemoryFill,
                Instr::MemoryCopy { .. } => MemoryCopy,
                Instr::MemoryInit { .. } => MemoryInit,
                Instr::DataDrop { .. } => DataDrop,
                Instr::TableGet { .. } => TableGet,
                Instr::TableSet { .. } => TableSet,
                Instr::TableSize { .. } => TableSize,
                Instr::TableGrow { .. } => TableGrow,
                Instr::TableFill { .. } => TableFill,
                Instr::TableCopy { .. } => TableCopy,
                Instr::TableInit { .. } => TableInit,
                Instr::ElemDrop { .. } => ElemDrop,
                Instr::RefFunc { .. } => RefFunc,
            }
        }
    };
}

for_each_op!(define_handlers);
