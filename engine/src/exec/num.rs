//! The numeric semantics of WebAssembly over untyped 64-bit slots.
//!
//! A slot holds an `i32` or `f32` in its lower half (the upper half is
//! unspecified: `i32.wrap_i64` leaves it as it was), an `i64` or `f64` as its
//! bits, and a reference as an index plus one (0 is null). Every reader of a
//! 32-bit value ignores the upper half.

use crate::trap::TrapCode;

type R = Result<u64, TrapCode>;

#[inline(always)]
fn w32(v: u32) -> u64 {
    u64::from(v)
}
#[inline(always)]
fn lo(v: u64) -> u32 {
    v as u32
}
#[inline(always)]
fn flag(v: bool) -> u64 {
    u64::from(v)
}
#[inline(always)]
fn f32v(v: u64) -> f32 {
    f32::from_bits(v as u32)
}
#[inline(always)]
fn f64v(v: u64) -> f64 {
    f64::from_bits(v)
}
#[inline(always)]
fn wf32(v: f32) -> u64 {
    u64::from(v.to_bits())
}
#[inline(always)]
fn wf64(v: f64) -> u64 {
    v.to_bits()
}

macro_rules! i32_bin {
    ($($name:ident($a:ident, $b:ident) $body:expr;)*) => {
        $( #[inline(always)] pub(crate) fn $name(a: u64, b: u64) -> u64 {
            let ($a, $b) = (lo(a), lo(b));
            $body
        } )*
    };
}
macro_rules! i64_bin {
    ($($name:ident($a:ident, $b:ident) $body:expr;)*) => {
        $( #[inline(always)] pub(crate) fn $name(a: u64, b: u64) -> u64 {
            let ($a, $b) = (a, b);
            $body
        } )*
    };
}

i32_bin! {
    i32_add(a, b) w32(a.wrapping_add(b));
    i32_sub(a, b) w32(a.wrapping_sub(b));
    i32_mul(a, b) w32(a.wrapping_mul(b));
    i32_and(a, b) w32(a & b);
    i32_or(a, b) w32(a | b);
    i32_xor(a, b) w32(a ^ b);
    i32_shl(a, b) w32(a.wrapping_shl(b));
    i32_shr_s(a, b) w32((a as i32).wrapping_shr(b) as u32);
    i32_shr_u(a, b) w32(a.wrapping_shr(b));
    i32_rotl(a, b) w32(a.rotate_left(b & 31));
    i32_rotr(a, b) w32(a.rotate_right(b & 31));
    i32_eq(a, b) flag(a == b);
    i32_ne(a, b) flag(a != b);
    i32_lt_s(a, b) flag((a as i32) < (b as i32));
    i32_lt_u(a, b) flag(a < b);
    i32_gt_s(a, b) flag((a as i32) > (b as i32));
    i32_gt_u(a, b) flag(a > b);
    i32_le_s(a, b) flag((a as i32) <= (b as i32));
    i32_le_u(a, b) flag(a <= b);
    i32_ge_s(a, b) flag((a as i32) >= (b as i32));
    i32_ge_u(a, b) flag(a >= b);
}

i64_bin! {
    i64_add(a, b) a.wrapping_add(b);
    i64_sub(a, b) a.wrapping_sub(b);
    i64_mul(a, b) a.wrapping_mul(b);
    i64_and(a, b) a & b;
    i64_or(a, b) a | b;
    i64_xor(a, b) a ^ b;
    i64_shl(a, b) a.wrapping_shl(b as u32);
    i64_shr_s(a, b) (a as i64).wrapping_shr(b as u32) as u64;
    i64_shr_u(a, b) a.wrapping_shr(b as u32);
    i64_rotl(a, b) a.rotate_left((b & 63) as u32);
    i64_rotr(a, b) a.rotate_right((b & 63) as u32);
    i64_eq(a, b) flag(a == b);
    i64_ne(a, b) flag(a != b);
    i64_lt_s(a, b) flag((a as i64) < (b as i64));
    i64_lt_u(a, b) flag(a < b);
    i64_gt_s(a, b) flag((a as i64) > (b as i64));
    i64_gt_u(a, b) flag(a > b);
    i64_le_s(a, b) flag((a as i64) <= (b as i64));
    i64_le_u(a, b) flag(a <= b);
    i64_ge_s(a, b) flag((a as i64) >= (b as i64));
    i64_ge_u(a, b) flag(a >= b);
}

#[inline(always)]
pub(crate) fn i32_div_s(a: u64, b: u64) -> R {
    let (a, b) = (lo(a) as i32, lo(b) as i32);
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    a.checked_div(b)
        .map(|v| w32(v as u32))
        .ok_or(TrapCode::IntegerOverflow)
}
#[inline(always)]
pub(crate) fn i32_div_u(a: u64, b: u64) -> R {
    let (a, b) = (lo(a), lo(b));
    a.checked_div(b)
        .map(w32)
        .ok_or(TrapCode::IntegerDivisionByZero)
}
#[inline(always)]
pub(crate) fn i32_rem_s(a: u64, b: u64) -> R {
    let (a, b) = (lo(a) as i32, lo(b) as i32);
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    Ok(w32(a.wrapping_rem(b) as u32))
}
#[inline(always)]
pub(crate) fn i32_rem_u(a: u64, b: u64) -> R {
    let (a, b) = (lo(a), lo(b));
    a.checked_rem(b)
        .map(w32)
        .ok_or(TrapCode::IntegerDivisionByZero)
}
#[inline(always)]
pub(crate) fn i64_div_s(a: u64, b: u64) -> R {
    let (a, b) = (a as i64, b as i64);
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    a.checked_div(b)
        .map(|v| v as u64)
        .ok_or(TrapCode::IntegerOverflow)
}
#[inline(always)]
pub(crate) fn i64_div_u(a: u64, b: u64) -> R {
    a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
}
#[inline(always)]
pub(crate) fn i64_rem_s(a: u64, b: u64) -> R {
    let (a, b) = (a as i64, b as i64);
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    Ok(a.wrapping_rem(b) as u64)
}
#[inline(always)]
pub(crate) fn i64_rem_u(a: u64, b: u64) -> R {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
}

/// Rounding functions return a signaling NaN unchanged; WebAssembly wants
/// an arithmetic (quiet) NaN.
#[inline(always)]
fn quiet32(v: f32) -> f32 {
    if v.is_nan() {
        f32::from_bits(v.to_bits() | 0x0040_0000)
    } else {
        v
    }
}

#[inline(always)]
fn quiet64(v: f64) -> f64 {
    if v.is_nan() {
        f64::from_bits(v.to_bits() | 0x0008_0000_0000_0000)
    } else {
        v
    }
}

macro_rules! un {
    ($($name:ident($a:ident) $body:expr;)*) => {
        $( #[inline(always)] pub(crate) fn $name($a: u64) -> u64 { $body } )*
    };
}

un! {
    i32_clz(a) w32(lo(a).leading_zeros());
    i32_ctz(a) w32(lo(a).trailing_zeros());
    i32_popcnt(a) w32(lo(a).count_ones());
    i32_eqz(a) flag(lo(a) == 0);
    i32_extend8_s(a) w32(a as u8 as i8 as i32 as u32);
    i32_extend16_s(a) w32(a as u16 as i16 as i32 as u32);
    i64_clz(a) u64::from(a.leading_zeros());
    i64_ctz(a) u64::from(a.trailing_zeros());
    i64_popcnt(a) u64::from(a.count_ones());
    i64_eqz(a) flag(a == 0);
    i64_extend8_s(a) a as u8 as i8 as i64 as u64;
    i64_extend16_s(a) a as u16 as i16 as i64 as u64;
    i64_extend32_s(a) a as u32 as i32 as i64 as u64;
    i64_extend_i32_s(a) lo(a) as i32 as i64 as u64;
    i64_extend_i32_u(a) w32(lo(a));
    f32_abs(a) w32(lo(a) & 0x7fff_ffff);
    f32_neg(a) w32(lo(a) ^ 0x8000_0000);
    f32_ceil(a) wf32(quiet32(f32v(a).ceil()));
    f32_floor(a) wf32(quiet32(f32v(a).floor()));
    f32_trunc(a) wf32(quiet32(f32v(a).trunc()));
    f32_nearest(a) wf32(quiet32(f32v(a).round_ties_even()));
    f32_sqrt(a) wf32(f32v(a).sqrt());
    f64_abs(a) a & 0x7fff_ffff_ffff_ffff;
    f64_neg(a) a ^ 0x8000_0000_0000_0000;
    f64_ceil(a) wf64(quiet64(f64v(a).ceil()));
    f64_floor(a) wf64(quiet64(f64v(a).floor()));
    f64_trunc(a) wf64(quiet64(f64v(a).trunc()));
    f64_nearest(a) wf64(quiet64(f64v(a).round_ties_even()));
    f64_sqrt(a) wf64(f64v(a).sqrt());
    f32_convert_i32_s(a) wf32(lo(a) as i32 as f32);
    f32_convert_i32_u(a) wf32(lo(a) as f32);
    f32_convert_i64_s(a) wf32(a as i64 as f32);
    f32_convert_i64_u(a) wf32(a as f32);
    f64_convert_i32_s(a) wf64(f64::from(lo(a) as i32));
    f64_convert_i32_u(a) wf64(f64::from(lo(a)));
    f64_convert_i64_s(a) wf64(a as i64 as f64);
    f64_convert_i64_u(a) wf64(a as f64);
    f32_demote_f64(a) wf32(f64v(a) as f32);
    f64_promote_f32(a) wf64(f64::from(f32v(a)));
    i32_trunc_sat_f32_s(a) w32(f32v(a) as i32 as u32);
    i32_trunc_sat_f32_u(a) w32(f32v(a) as u32);
    i32_trunc_sat_f64_s(a) w32(f64v(a) as i32 as u32);
    i32_trunc_sat_f64_u(a) w32(f64v(a) as u32);
    i64_trunc_sat_f32_s(a) f32v(a) as i64 as u64;
    i64_trunc_sat_f32_u(a) f32v(a) as u64;
    i64_trunc_sat_f64_s(a) f64v(a) as i64 as u64;
    i64_trunc_sat_f64_u(a) f64v(a) as u64;
}

/// Float-to-int truncation that traps: NaN is a bad conversion, a value
/// outside `(lo, hi)` (exclusive, as floats) overflows.
macro_rules! trunc {
    ($($name:ident($get:ident) -> $int:ty, $lo:expr, $hi:expr, $wrap:expr;)*) => {
        $( #[inline(always)] pub(crate) fn $name(a: u64) -> R {
            let x = $get(a);
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            if !(x > $lo && x < $hi) {
                return Err(TrapCode::IntegerOverflow);
            }
            Ok($wrap(x as $int))
        } )*
    };
}

trunc! {
    i32_trunc_f32_s(f32v) -> i32, -2147483904.0f32, 2147483648.0f32, |v: i32| w32(v as u32);
    i32_trunc_f32_u(f32v) -> u32, -1.0f32, 4294967296.0f32, w32;
    i32_trunc_f64_s(f64v) -> i32, -2147483649.0f64, 2147483648.0f64, |v: i32| w32(v as u32);
    i32_trunc_f64_u(f64v) -> u32, -1.0f64, 4294967296.0f64, w32;
    i64_trunc_f32_s(f32v) -> i64, -9223373136366403584.0f32, 9223372036854775808.0f32, |v: i64| v as u64;
    i64_trunc_f32_u(f32v) -> u64, -1.0f32, 18446744073709551616.0f32, |v: u64| v;
    i64_trunc_f64_s(f64v) -> i64, -9223372036854777856.0f64, 9223372036854775808.0f64, |v: i64| v as u64;
    i64_trunc_f64_u(f64v) -> u64, -1.0f64, 18446744073709551616.0f64, |v: u64| v;
}

macro_rules! fbin {
    ($($name:ident($get:ident, $put:ident) |$a:ident, $b:ident| $body:expr;)*) => {
        $( #[inline(always)] pub(crate) fn $name(a: u64, b: u64) -> u64 {
            let ($a, $b) = ($get(a), $get(b));
            $put($body)
        } )*
    };
}

fbin! {
    f32_add(f32v, wf32) |a, b| a + b;
    f32_sub(f32v, wf32) |a, b| a - b;
    f32_mul(f32v, wf32) |a, b| a * b;
    f32_div(f32v, wf32) |a, b| a / b;
    f32_min(f32v, wf32) |a, b| wasm_min_f32(a, b);
    f32_max(f32v, wf32) |a, b| wasm_max_f32(a, b);
    f32_copysign(f32v, wf32) |a, b| a.copysign(b);
    f32_eq(f32v, flag) |a, b| a == b;
    f32_ne(f32v, flag) |a, b| a != b;
    f32_lt(f32v, flag) |a, b| a < b;
    f32_gt(f32v, flag) |a, b| a > b;
    f32_le(f32v, flag) |a, b| a <= b;
    f32_ge(f32v, flag) |a, b| a >= b;
    f64_add(f64v, wf64) |a, b| a + b;
    f64_sub(f64v, wf64) |a, b| a - b;
    f64_mul(f64v, wf64) |a, b| a * b;
    f64_div(f64v, wf64) |a, b| a / b;
    f64_min(f64v, wf64) |a, b| wasm_min_f64(a, b);
    f64_max(f64v, wf64) |a, b| wasm_max_f64(a, b);
    f64_copysign(f64v, wf64) |a, b| a.copysign(b);
    f64_eq(f64v, flag) |a, b| a == b;
    f64_ne(f64v, flag) |a, b| a != b;
    f64_lt(f64v, flag) |a, b| a < b;
    f64_gt(f64v, flag) |a, b| a > b;
    f64_le(f64v, flag) |a, b| a <= b;
    f64_ge(f64v, flag) |a, b| a >= b;
}

macro_rules! minmax {
    ($min:ident, $max:ident, $t:ty) => {
        /// WebAssembly `min`: NaN if either is NaN, and -0 below +0.
        #[inline(always)]
        fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                // Equal values differ only in sign when both are zeros.
                return <$t>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b {
                a
            } else {
                b
            }
        }
        /// WebAssembly `max`: NaN if either is NaN, and +0 above -0.
        #[inline(always)]
        fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return <$t>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b {
                a
            } else {
                b
            }
        }
    };
}
minmax!(wasm_min_f32, wasm_max_f32, f32);
minmax!(wasm_min_f64, wasm_max_f64, f64);

/// Widening of loaded bytes (little-endian) to a slot value.
#[inline(always)]
pub(crate) fn load_u32(bytes: [u8; 4]) -> u64 {
    w32(u32::from_le_bytes(bytes))
}
#[inline(always)]
pub(crate) fn load_u64(bytes: [u8; 8]) -> u64 {
    u64::from_le_bytes(bytes)
}
#[inline(always)]
pub(crate) fn load_8u(bytes: [u8; 1]) -> u64 {
    u64::from(bytes[0])
}
#[inline(always)]
pub(crate) fn load_16u(bytes: [u8; 2]) -> u64 {
    u64::from(u16::from_le_bytes(bytes))
}
#[inline(always)]
pub(crate) fn load_i32_8s(bytes: [u8; 1]) -> u64 {
    w32(bytes[0] as i8 as i32 as u32)
}
#[inline(always)]
pub(crate) fn load_i32_16s(bytes: [u8; 2]) -> u64 {
    w32(i16::from_le_bytes(bytes) as i32 as u32)
}
#[inline(always)]
pub(crate) fn load_i64_8s(bytes: [u8; 1]) -> u64 {
    bytes[0] as i8 as i64 as u64
}
#[inline(always)]
pub(crate) fn load_i64_16s(bytes: [u8; 2]) -> u64 {
    i16::from_le_bytes(bytes) as i64 as u64
}
#[inline(always)]
pub(crate) fn load_i64_32s(bytes: [u8; 4]) -> u64 {
    i32::from_le_bytes(bytes) as i64 as u64
}
