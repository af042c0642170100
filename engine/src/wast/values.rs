//! Expected results of `assert_return`, including NaN patterns.

use wast::core::{HeapType, NanPattern, WastRetCore};
use wast::WastRet;

use crate::{Store, Val};

/// The null reference of a heap type.
pub(super) fn null_of(heap: &HeapType<'_>) -> Result<Val, String> {
    use wast::core::AbstractHeapType;
    match heap {
        HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        } => Ok(Val::FuncRef(None)),
        HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        } => Ok(Val::ExternRef(None)),
        other => Err(format!("unsupported heap type {other:?}")),
    }
}

/// Checks every result against its expectation.
pub(super) fn compare(
    store: &Store<()>,
    got: &[Val],
    expected: &[WastRet<'_>],
) -> Result<(), String> {
    if got.len() != expected.len() {
        return Err(format!(
            "expected {} results, got {}: {got:?}",
            expected.len(),
            got.len()
        ));
    }
    for (i, (value, expected)) in got.iter().zip(expected).enumerate() {
        let WastRet::Core(expected) = expected else {
            return Err("component results are not supported".to_string());
        };
        if !matches(store, value, expected) {
            return Err(format!("result {i}: expected {expected:?}, got {value:?}"));
        }
    }
    Ok(())
}

fn f32_matches(bits: u32, pattern: &NanPattern<wast::token::F32>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, pattern: &NanPattern<wast::token::F64>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn matches(store: &Store<()>, value: &Val, expected: &WastRetCore<'_>) -> bool {
    match (expected, value) {
        (WastRetCore::I32(e), Val::I32(v)) => e == v,
        (WastRetCore::I64(e), Val::I64(v)) => e == v,
        (WastRetCore::F32(p), Val::F32(bits)) => f32_matches(*bits, p),
        (WastRetCore::F64(p), Val::F64(bits)) => f64_matches(*bits, p),
        (WastRetCore::RefNull(_), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
            r.data(store).downcast_ref::<u32>() == Some(n)
        }
        (WastRetCore::Either(options), value) => options.iter().any(|o| matches(store, value, o)),
        _ => false,
    }
}
