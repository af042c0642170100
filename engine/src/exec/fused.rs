//! Handlers of fused instructions: two or three Wasm operators in one
//! dispatch, where each computes a temporary that only the next reads.
//! Expanded from the instruction list (`ir.rs`, `for_each_handler!`): a
//! fused instruction's line there holds the value its handler computes.

#![allow(non_snake_case)]

use super::cx::Cx;
use super::dispatch::{next, Ip, Regs};
use super::handlers::{arg, decode, load, put};
use super::num::{self, *};
use crate::ir::{for_each_handler, Instr};
use crate::trap::TrapCode;

/// The handler of a fused instruction; nothing for the other kinds (in
/// `handlers.rs`, `control.rs` and `entities.rs`).
macro_rules! handler {
    // Loads at `offset` from `base + imm` or from `a + b`, the add wrapping
    // at 2^32 as the fused `i32.add` does.
    (load_at $name:ident ($bytes:literal $widen:ident)) => {
        handler!(load $name ($bytes $widen) { base, imm } |regs, acc| i32_add(arg::<R>(1, regs, base, acc), imm as u64));
    };
    (load_add $name:ident ($bytes:literal $widen:ident)) => {
        handler!(load $name ($bytes $widen) { a, b } |regs, acc| i32_add(arg::<R>(1, regs, a, acc), arg::<R>(2, regs, b, acc)));
    };
    // A load at `offset` from the address `$addr` computes from the
    // registers and the fields `$field`.
    (load $name:ident ($bytes:literal $widen:ident) { $($field:ident),* } $addr:expr) => {
        pub(super) fn $name<const D: bool, const R: u8>(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, mut acc: u64) -> Ip {
            decode!(ip, cx, Instr::$name { dst, offset, $($field,)* });
            let addr = ($addr)(regs, acc);
            match load::<$bytes>(mem, len, addr, offset) {
                Some(bytes) => put::<D>(regs, dst, num::$widen(bytes), &mut acc),
                None => return cx.trap(TrapCode::MemoryOutOfBounds, ip),
            }
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    // Computes `dst` from the slot operands (read as `u64` values under
    // their field names) and the immediates (as their bits).
    (fused $name:ident ({ $($slot:ident),* ; $($imm:ident),* } $value:expr)) => {
        pub(super) fn $name<const D: bool, const R: u8>(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, mut acc: u64) -> Ip {
            decode!(ip, cx, Instr::$name { dst, $($slot,)* $($imm,)* });
            // Operand `k` of the instruction's slot operands, in order.
            let mut k = 0;
            $( k += 1; let $slot = arg::<R>(k, regs, $slot, acc); )*
            $( let $imm = $imm as u64; )*
            put::<D>(regs, dst, $value, &mut acc);
            next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
        }
    };
    ($kind:ident $name:ident $args:tt) => {};
}

macro_rules! define_fused {
    ($( $kind:ident $name:ident $args:tt; )*) => {
        $( handler!($kind $name $args); )*
    };
}

for_each_handler!(define_fused);
