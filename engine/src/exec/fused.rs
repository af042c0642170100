//! Handlers of fused instructions: two Wasm operators in one dispatch,
//! where the first computes a temporary that only the second reads.

#![allow(non_snake_case)]

use super::cx::Cx;
use super::dispatch::{next, Ip, Regs};
use super::handlers::{decode, get, load, set};
use super::num;
use crate::ir::Instr;
use crate::trap::TrapCode;

pub(super) fn I64MulAdd(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64MulAdd { dst, a, b, c });
    let product = num::i64_mul(get(regs, a), get(regs, b));
    set(regs, dst, num::i64_add(product, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64MulImmAdd(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64MulImmAdd { dst, a, c, imm });
    let product = num::i64_mul(get(regs, a), imm as u64);
    set(regs, dst, num::i64_add(product, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32Add3(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I32Add3 { dst, a, b, c });
    let sum = num::i32_add(get(regs, a), get(regs, b));
    set(regs, dst, num::i32_add(sum, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64Add3(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64Add3 { dst, a, b, c });
    let sum = num::i64_add(get(regs, a), get(regs, b));
    set(regs, dst, num::i64_add(sum, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32RotlImmXor(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I32RotlImmXor { dst, a, c, imm });
    let rotated = num::i32_rotl(get(regs, a), imm as u64);
    set(regs, dst, num::i32_xor(rotated, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64MulAdd2(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64MulAdd2 { dst, a, b, c, d });
    let product = num::i64_mul(get(regs, a), get(regs, b));
    let sum = num::i64_add(product, get(regs, c));
    set(regs, dst, num::i64_add(sum, get(regs, d)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64AndImmAdd(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64AndImmAdd { dst, a, c, imm });
    let masked = num::i64_and(get(regs, a), imm as u64);
    set(regs, dst, num::i64_add(masked, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64AddShrUImm(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64AddShrUImm { dst, a, b, imm });
    let sum = num::i64_add(get(regs, a), get(regs, b));
    set(regs, dst, num::i64_shr_u(sum, imm as u64));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32Add2Imm(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I32Add2Imm { dst, a, b, imm });
    let sum = num::i32_add(get(regs, a), get(regs, b));
    set(regs, dst, num::i32_add(sum, imm as u64));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32RotlXorRotl(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(
        ip,
        cx,
        Instr::I32RotlXorRotl {
            dst,
            a,
            b,
            imm_a,
            imm_b
        }
    );
    let left = num::i32_rotl(get(regs, a), imm_a as u64);
    let right = num::i32_rotl(get(regs, b), imm_b as u64);
    set(regs, dst, num::i32_xor(left, right));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32LoadAt(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(
        ip,
        cx,
        Instr::I32LoadAt {
            dst,
            base,
            imm,
            offset
        }
    );
    let addr = num::i32_add(get(regs, base), imm as u64);
    match load::<4>(mem, len, addr, offset) {
        Some(bytes) => set(regs, dst, num::load_u32(bytes)),
        None => return cx.trap(TrapCode::MemoryOutOfBounds),
    }
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64LoadAt(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(
        ip,
        cx,
        Instr::I64LoadAt {
            dst,
            base,
            imm,
            offset
        }
    );
    let addr = num::i32_add(get(regs, base), imm as u64);
    match load::<8>(mem, len, addr, offset) {
        Some(bytes) => set(regs, dst, num::load_u64(bytes)),
        None => return cx.trap(TrapCode::MemoryOutOfBounds),
    }
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64Xor3(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64Xor3 { dst, a, b, c });
    let x = num::i64_xor(get(regs, a), get(regs, b));
    set(regs, dst, num::i64_xor(x, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64RotlImmXor(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64RotlImmXor { dst, a, c, imm });
    let rotated = num::i64_rotl(get(regs, a), imm as u64);
    set(regs, dst, num::i64_xor(rotated, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64XorRotlImm(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64XorRotlImm { dst, a, b, imm });
    let x = num::i64_xor(get(regs, a), get(regs, b));
    set(regs, dst, num::i64_rotl(x, imm as u64));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I64XorImmAnd(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I64XorImmAnd { dst, a, c, imm });
    let x = num::i64_xor(get(regs, a), imm as u64);
    set(regs, dst, num::i64_and(x, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32XorImmAnd(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I32XorImmAnd { dst, a, c, imm });
    let x = num::i32_xor(get(regs, a), imm as u64);
    set(regs, dst, num::i32_and(x, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}

pub(super) fn I32ShrUImmXor(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>) -> Ip {
    decode!(ip, cx, Instr::I32ShrUImmXor { dst, a, c, imm });
    let shifted = num::i32_shr_u(get(regs, a), imm as u64);
    set(regs, dst, num::i32_xor(shifted, get(regs, c)));
    next!(ip.wrapping_add(1), regs, mem, len, cx)
}
