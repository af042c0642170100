//! The handlers of the generated kinds of instruction (numeric, loads,
//! stores and compare-and-branch), the slot and memory accessors every
//! handler uses, and the table from instruction to handler, `handler_of`.
//! The handlers and the table are expanded from the instruction list
//! (`ir.rs`, through `for_each_handler!`); the fused instructions' handlers
//! are expanded from it in `fused.rs`, and the handlers of `custom`
//! instructions are written by hand in `control.rs` and `entities.rs`,
//! under the instruction's name.

#![allow(non_snake_case)]

use super::control::*;
use super::cx::Cx;
use super::dispatch::{jump, next, Handler, Ip, Regs};
use super::entities::*;
use super::fused::*;
use super::num;
use crate::ir::{for_each_handler, Instr, Slot, ACC};
use crate::linear::DIRTY_SHIFT;
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
    // SAFETY: as in `load`; `N <= 8` bytes are read from `bytes`. `mem` is
    // the base `LinearBytes::base_mut` gave, which has a byte for each
    // page of the mapping at `mem - 1 - page` (the map of written pages),
    // and `start` is below the length, so its page's byte is there.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem.add(start as usize), N);
        *mem.sub(1 + (start >> DIRTY_SHIFT) as usize) = 1;
    }
    true
}

/// Operand `k` (counted from 1, in the order of the instruction's slot
/// fields) of an instruction whose handler reads operand `R` from the
/// accumulator (`R == 0`: none): `acc`, or slot `slot` of the frame. (A
/// slot naming the accumulator read by a variant that takes it from the
/// frame would read the window's last slot: a wrong value, never an
/// access outside the window. `handler_of` picks the variant from the same
/// fields, so it does not happen.)
#[inline(always)]
pub(super) fn arg<const R: u8>(k: u8, regs: Regs, slot: Slot, acc: u64) -> u64 {
    if R == k {
        acc
    } else {
        get(regs, slot)
    }
}

/// Writes an instruction's result: to the accumulator, always (the next
/// instruction may read it from there, `R`), and to slot `dst` unless
/// the handler's variant writes only the accumulator (`D`: nothing else
/// reads the value).
#[inline(always)]
pub(super) fn put<const D: bool>(regs: Regs, dst: Slot, value: u64, acc: &mut u64) {
    *acc = value;
    if !D {
        set(regs, dst, value);
    }
}

/// The handler of one generated instruction, from its kind and arguments
/// (see `for_each_handler!`); nothing for a `custom` one, whose handler is
/// written by hand under its name. Each is generic over where its operands
/// are: `D`, it writes its result to the accumulator; `R`, the slot
/// operand it reads from it (see [`crate::ir::ACC`]).
macro_rules! handler {
    (binary $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, rhs });
            let value = num::$f(arg::<R>(1, regs, lhs, acc), arg::<R>(2, regs, rhs, acc));
            put::<D>(regs, dst, value, &mut acc);
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (binary_imm $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, imm });
            let value = num::$f(arg::<R>(1, regs, lhs, acc), imm as u64);
            put::<D>(regs, dst, value, &mut acc);
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (binary_trap $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, rhs });
            match num::$f(arg::<R>(1, regs, lhs, acc), arg::<R>(2, regs, rhs, acc)) {
                Ok(value) => put::<D>(regs, dst, value, &mut acc),
                Err(code) => return cx.trap(code, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (unary $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, src });
            let value = num::$f(arg::<R>(1, regs, src, acc));
            put::<D>(regs, dst, value, &mut acc);
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (unary_trap $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, src });
            match num::$f(arg::<R>(1, regs, src, acc)) {
                Ok(value) => put::<D>(regs, dst, value, &mut acc),
                Err(code) => return cx.trap(code, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (load $name:ident ($bytes:literal $widen:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            mut acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { dst, addr, offset });
            match load::<$bytes>(mem, len, arg::<R>(1, regs, addr, acc), offset) {
                Some(bytes) => put::<D>(regs, dst, num::$widen(bytes), &mut acc),
                None => return cx.trap(TrapCode::MemoryOutOfBounds, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (store $name:ident ($bytes:literal)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            acc: u64,
        ) -> Ip {
            decode!(
                ip,
                cx,
                Instr::$name {
                    addr,
                    value,
                    offset
                }
            );
            let (addr, value) = (arg::<R>(1, regs, addr, acc), arg::<R>(2, regs, value, acc));
            if !store::<$bytes>(mem, len, addr, offset, value) {
                return cx.trap(TrapCode::MemoryOutOfBounds, ip);
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (store_abs $name:ident ($bytes:literal)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { value, address });
            let value = arg::<R>(1, regs, value, acc);
            if !store::<$bytes>(mem, len, u64::from(address), 0, value) {
                return cx.trap(TrapCode::MemoryOutOfBounds, ip);
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (branch_cmp $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { lhs, rhs, target });
            if num::$f(arg::<R>(1, regs, lhs, acc), arg::<R>(2, regs, rhs, acc)) != 0 {
                next!(jump(ip, target), regs, mem, len, cx, acc)
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    (branch_cmp_imm $name:ident ($f:ident)) => {
        fn $name<const D: bool, const R: u8>(
            ip: Ip,
            regs: Regs,
            mem: *mut u8,
            len: usize,
            cx: &mut Cx<'_>,
            acc: u64,
        ) -> Ip {
            decode!(ip, cx, Instr::$name { lhs, imm, target });
            if num::$f(arg::<R>(1, regs, lhs, acc), imm as u64) != 0 {
                next!(jump(ip, target), regs, mem, len, cx, acc)
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    // Expanded in `fused.rs`.
    (fused $name:ident $args:tt) => {};
    (load_at $name:ident $args:tt) => {};
    (load_add $name:ident $args:tt) => {};
    // Written by hand.
    (custom $name:ident ()) => {};
}

/// The variant of handler `$name` for an instruction that uses the
/// accumulator as `$use` says ([`Instr::acc_use`]), among those for
/// instructions with `$n` slot operands.
macro_rules! variant {
    (1 $name:ident $use:expr) => {
        match $use {
            (false, 1) => $name::<false, 1> as Handler,
            (true, 0) => $name::<true, 0>,
            (true, 1) => $name::<true, 1>,
            _ => $name::<false, 0>,
        }
    };
    (2 $name:ident $use:expr) => {
        match $use {
            (false, 1) => $name::<false, 1> as Handler,
            (false, 2) => $name::<false, 2>,
            (true, 0) => $name::<true, 0>,
            (true, 1) => $name::<true, 1>,
            (true, 2) => $name::<true, 2>,
            _ => $name::<false, 0>,
        }
    };
    (4 $name:ident $use:expr) => {
        match $use {
            (false, 1) => $name::<false, 1> as Handler,
            (false, 2) => $name::<false, 2>,
            (false, 3) => $name::<false, 3>,
            (false, 4) => $name::<false, 4>,
            (true, 0) => $name::<true, 0>,
            (true, 1) => $name::<true, 1>,
            (true, 2) => $name::<true, 2>,
            (true, 3) => $name::<true, 3>,
            (true, 4) => $name::<true, 4>,
            _ => $name::<false, 0>,
        }
    };
}

/// The handler of an instruction `$name` with slot fields `$dst` (or `0`,
/// none) and `$ops`: the variant for their use of the accumulator
/// ([`Instr::acc_use`], computed here from the fields at hand, for every
/// instruction threaded).
macro_rules! pick {
    ($n:tt $name:ident, $dst:expr, [$($op:expr),*]) => {{
        let mut read = 0u8;
        let mut k = 0u8;
        $(
            k += 1;
            if read == 0 && $op == ACC {
                read = k;
            }
        )*
        let _ = k;
        variant!($n $name ($dst == ACC, read))
    }};
}

/// The handler of `$instr`, of kind `$kind` (see `for_each_handler!`).
macro_rules! handler_for {
    (binary $name:ident $args:tt $i:ident) => { handler_for!(@ 2 $name $i { dst, lhs, rhs } dst [lhs, rhs]) };
    (binary_imm $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { dst, lhs, .. } dst [lhs]) };
    (binary_trap $name:ident $args:tt $i:ident) => { handler_for!(@ 2 $name $i { dst, lhs, rhs } dst [lhs, rhs]) };
    (unary $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { dst, src } dst [src]) };
    (unary_trap $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { dst, src } dst [src]) };
    (load $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { dst, addr, .. } dst [addr]) };
    (store $name:ident $args:tt $i:ident) => { handler_for!(@ 2 $name $i { addr, value, .. } 0 [addr, value]) };
    (store_abs $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { value, .. } 0 [value]) };
    (branch_cmp $name:ident $args:tt $i:ident) => { handler_for!(@ 2 $name $i { lhs, rhs, .. } 0 [lhs, rhs]) };
    (branch_cmp_imm $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { lhs, .. } 0 [lhs]) };
    (fused $name:ident ({ $($slot:ident),* ; $($imm:ident),* } $value:expr) $i:ident) => {
        handler_for!(@ 4 $name $i { dst, $($slot,)* .. } dst [$($slot),*])
    };
    (load_at $name:ident $args:tt $i:ident) => { handler_for!(@ 1 $name $i { dst, base, .. } dst [base]) };
    (load_add $name:ident $args:tt $i:ident) => { handler_for!(@ 2 $name $i { dst, a, b, .. } dst [a, b]) };
    // The custom instructions that read the accumulator (`Instr::acc_use`).
    (custom BrIfNez $args:tt $i:ident) => { handler_for!(@ 1 BrIfNez $i { cond, .. } 0 [cond]) };
    (custom BrIfEqz $args:tt $i:ident) => { handler_for!(@ 1 BrIfEqz $i { cond, .. } 0 [cond]) };
    (custom BrIfNez64 $args:tt $i:ident) => { handler_for!(@ 1 BrIfNez64 $i { cond, .. } 0 [cond]) };
    (custom BrIfEqz64 $args:tt $i:ident) => { handler_for!(@ 1 BrIfEqz64 $i { cond, .. } 0 [cond]) };
    (custom BrI32AddImmNez $args:tt $i:ident) => { handler_for!(@ 1 BrI32AddImmNez $i { lhs, .. } 0 [lhs]) };
    (custom BrI32AddImmEqz $args:tt $i:ident) => { handler_for!(@ 1 BrI32AddImmEqz $i { lhs, .. } 0 [lhs]) };
    (custom ReturnSlot $args:tt $i:ident) => { handler_for!(@ 1 ReturnSlot $i { src } 0 [src]) };
    (custom $name:ident $args:tt $i:ident) => { $name };
    // An instruction `$name` whose fields `$fields` bind its result slot
    // `$dst` (`0`: none) and slot operands `$op`, among `$n` variants.
    (@ $n:tt $name:ident $i:ident { $($fields:tt)* } $dst:tt [$($op:ident),*]) => {
        match *$i {
            Instr::$name { $($fields)* } => pick!($n $name, $dst, [$($op),*]),
            _ => $name::<false, 0>,
        }
    };
}

macro_rules! define_handlers {
    ($( $kind:ident $name:ident $args:tt; )*) => {
        $( handler!($kind $name $args); )*

        /// The handler of `instr`.
        #[inline]
        pub(super) fn handler_of(instr: &Instr) -> Handler {
            match instr {
                $( Instr::$name { .. } => handler_for!($kind $name $args instr), )*
            }
        }
    };
}

for_each_handler!(define_handlers);
