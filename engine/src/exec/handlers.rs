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
use crate::ir::{for_each_handler, Instr, Slot};
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

/// The handler of one generated instruction, from its kind and arguments
/// (see `for_each_handler!`); nothing for a `custom` one, whose handler is
/// written by hand under its name.
macro_rules! handler {
    (binary $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, rhs });
            set(regs, dst, num::$f(get(regs, lhs), get(regs, rhs)));
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (binary_imm $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, imm });
            set(regs, dst, num::$f(get(regs, lhs), imm as u64));
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (binary_trap $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, lhs, rhs });
            match num::$f(get(regs, lhs), get(regs, rhs)) {
                Ok(value) => set(regs, dst, value),
                Err(code) => return cx.trap(code, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (unary $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, src });
            set(regs, dst, num::$f(get(regs, src)));
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (unary_trap $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, src });
            match num::$f(get(regs, src)) {
                Ok(value) => set(regs, dst, value),
                Err(code) => return cx.trap(code, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (load $name:ident ($bytes:literal $widen:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { dst, addr, offset });
            match load::<$bytes>(mem, len, get(regs, addr), offset) {
                Some(bytes) => set(regs, dst, num::$widen(bytes)),
                None => return cx.trap(TrapCode::MemoryOutOfBounds, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (store $name:ident ($bytes:literal)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(
                ip,
                cx,
                Instr::$name {
                    addr,
                    value,
                    offset
                }
            );
            if !store::<$bytes>(mem, len, get(regs, addr), offset, get(regs, value)) {
                return cx.trap(TrapCode::MemoryOutOfBounds, ip);
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (store_abs $name:ident ($bytes:literal)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { value, address });
            if !store::<$bytes>(mem, len, u64::from(address), 0, get(regs, value)) {
                return cx.trap(TrapCode::MemoryOutOfBounds, ip);
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (branch_cmp $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { lhs, rhs, target });
            if num::$f(get(regs, lhs), get(regs, rhs)) != 0 {
                next!(jump(ip, target), regs, mem, len, cx)
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    (branch_cmp_imm $name:ident ($f:ident)) => {
        fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
            decode!(ip, cx, Instr::$name { lhs, imm, target });
            if num::$f(get(regs, lhs), imm as u64) != 0 {
                next!(jump(ip, target), regs, mem, len, cx)
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx)
        }
    };
    // Expanded in `fused.rs`.
    (fused $name:ident $args:tt) => {};
    (load_at $name:ident $args:tt) => {};
    (load_add $name:ident $args:tt) => {};
    // Written by hand.
    (custom $name:ident ()) => {};
}

macro_rules! define_handlers {
    ($( $kind:ident $name:ident $args:tt; )*) => {
        $( handler!($kind $name $args); )*

        /// The handler of `instr`.
        pub(super) fn handler_of(instr: &Instr) -> Handler {
            match instr {
                $( Instr::$name { .. } => $name, )*
            }
        }
    };
}

for_each_handler!(define_handlers);
