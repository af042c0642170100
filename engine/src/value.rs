//! Value types, function and entity types, and runtime values.

use std::fmt;

use crate::func::Func;
use crate::store::ExternRef;

/// The type of a WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// A nullable reference to a function.
    FuncRef,
    /// A nullable reference to a host object.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<Self> {
        Some(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FuncRef,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => {
                ValType::ExternRef
            }
            _ => return None,
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// The type of a function: parameters and results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameters followed by results, in one allocation.
    types: Box<[ValType]>,
    num_params: usize,
}

impl FuncType {
    /// A function type from its parameters and results.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let num_params = types.len();
        types.extend(results);
        Self {
            types: types.into(),
            num_params,
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.num_params]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.types[self.num_params..]
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |types: &[ValType]| {
            types
                .iter()
                .map(ValType::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(f, "[{}] -> [{}]", list(self.params()), list(self.results()))
    }
}

/// The type of a global: its content and whether it can be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    /// The value type.
    pub content: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// The type of a linear memory, in 64 KiB pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryType {
    /// Initial pages.
    pub min: u32,
    /// Maximum pages, if bounded.
    pub max: Option<u32>,
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    /// The element type: `FuncRef` or `ExternRef`.
    pub element: ValType,
    /// Initial elements.
    pub min: u32,
    /// Maximum elements, if bounded.
    pub max: Option<u32>,
}

/// Whether limits `actual` satisfy the import's limits `wanted`.
pub(crate) fn limits_match(actual: (u64, Option<u64>), wanted: (u64, Option<u64>)) -> bool {
    actual.0 >= wanted.0
        && match (actual.1, wanted.1) {
            (_, None) => true,
            (Some(a), Some(w)) => a <= w,
            (None, Some(_)) => false,
        }
}

/// A WebAssembly value.
///
/// Floats are held as their bit patterns, so that NaN payloads survive.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// The bits of a 32-bit float.
    F32(u32),
    /// The bits of a 64-bit float.
    F64(u64),
    /// A function reference, or null.
    FuncRef(Option<Func>),
    /// A host reference, or null.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Self {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    /// A 32-bit float value.
    pub fn from_f32(value: f32) -> Self {
        Val::F32(value.to_bits())
    }

    /// A 64-bit float value.
    pub fn from_f64(value: f64) -> Self {
        Val::F64(value.to_bits())
    }

    /// The integer, if this is an `i32`.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The integer, if this is an `i64`.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The float, if this is an `f32`.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The float, if this is an `f64`.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Val::from_f32(v)
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::from_f64(v)
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}"),
            Val::I64(v) => write!(f, "{v}"),
            Val::F32(v) => write!(f, "{}", f32::from_bits(*v)),
            Val::F64(v) => write!(f, "{}", f64::from_bits(*v)),
            Val::FuncRef(None) | Val::ExternRef(None) => f.write_str("null"),
            Val::FuncRef(Some(func)) => write!(f, "funcref({})", func.index()),
            Val::ExternRef(Some(r)) => write!(f, "externref({})", r.index()),
        }
    }
}
