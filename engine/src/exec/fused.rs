//! Handlers of fused instructions: two or three Wasm operators in one
//! dispatch, where each computes a temporary that only the next reads.

#![allow(non_snake_case)]

use super::cx::Cx;
use super::dispatch::{next, Ip, Regs};
use super::handlers::{decode, get, load, set};
use super::num::*;
use crate::ir::Instr;
use crate::trap::TrapCode;

/// Handlers that compute `dst` from their slot operands (read as `u64`
/// values under their field names) and immediates (`imm`, `imm_a`,
/// `imm_b`, as their bits).
macro_rules! fused {
    ($($name:ident { $($slot:ident),* $(; $($imm:ident),*)? } => $value:expr;)*) => {
        $(
            pub(super) fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$name { dst, $($slot,)* $($($imm,)*)? });
                $( let $slot = get(regs, $slot); )*
                $( $( let $imm = $imm as u64; )* )?
                set(regs, dst, $value);
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
    };
}

fused! {
    I64MulAdd { a, b, c } => i64_add(i64_mul(a, b), c);
    I64MulAdd2 { a, b, c, d } => i64_add(i64_add(i64_mul(a, b), c), d);
    I64MulImmAdd { a, c; imm } => i64_add(i64_mul(a, imm), c);
    I32Add3 { a, b, c } => i32_add(i32_add(a, b), c);
    I64Add3 { a, b, c } => i64_add(i64_add(a, b), c);
    I32Add2Imm { a, b; imm } => i32_add(i32_add(a, b), imm);
    I64AndImmAdd { a, c; imm } => i64_add(i64_and(a, imm), c);
    I64AddShrUImm { a, b; imm } => i64_shr_u(i64_add(a, b), imm);
    I32RotlImmXor { a, c; imm } => i32_xor(i32_rotl(a, imm), c);
    I32RotlXorRotl { a, b; imm_a, imm_b } => i32_xor(i32_rotl(a, imm_a), i32_rotl(b, imm_b));
    I64RotlImmXor { a, c; imm } => i64_xor(i64_rotl(a, imm), c);
    I64XorRotlImm { a, b; imm } => i64_rotl(i64_xor(a, b), imm);
    I64Xor3 { a, b, c } => i64_xor(i64_xor(a, b), c);
    I64XorImmAnd { a, c; imm } => i64_and(i64_xor(a, imm), c);
    I32XorImmAnd { a, c; imm } => i32_and(i32_xor(a, imm), c);
    I32ShrUImmXor { a, c; imm } => i32_xor(i32_shr_u(a, imm), c);
}

/// Loads at `offset` from `base + imm`, the add wrapping at 2^32 as the
/// fused `i32.add` does.
macro_rules! load_at {
    ($($name:ident $bytes:literal $widen:ident;)*) => {
        $(
            pub(super) fn $name(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
                decode!(ip, cx, Instr::$name { dst, base, imm, offset });
                let addr = i32_add(get(regs, base), imm as u64);
                match load::<$bytes>(mem, len, addr, offset) {
                    Some(bytes) => set(regs, dst, $widen(bytes)),
                    None => return cx.trap(TrapCode::MemoryOutOfBounds, ip),
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx)
            }
        )*
    };
}

load_at! {
    I32LoadAt 4 load_u32;
    I64LoadAt 8 load_u64;
}
