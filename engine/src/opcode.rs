//! [`Opcode`]: the WebAssembly operators the engine accepts, as its own
//! type (see `docs/decisions/0007-engine-opcode.md`).

use std::fmt;

use wasmparser::Operator;

macro_rules! define_opcodes {
    ($( $(#[$doc:meta])* $op:ident $name:literal; )*) => {
        /// A WebAssembly operator without its immediates: what a
        /// [`CostModel`](crate::CostModel) prices.
        ///
        /// Exactly the operators of WebAssembly 2.0 without SIMD, the
        /// language the engine accepts; `select` with a type annotation is
        /// [`Opcode::Select`] too. The engine names it in its own terms, so
        /// that a new version of its decoder never changes this type; it
        /// is non-exhaustive, so that a proposal the engine takes on later
        /// can add operators.
        ///
        /// ```
        /// use engine::Opcode;
        ///
        /// assert_eq!(Opcode::I32Add.name(), "i32.add");
        /// assert_eq!(Opcode::ALL.len(), 201);
        /// assert!(Opcode::ALL.contains(&Opcode::MemoryFill));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Opcode {
            $(
                #[doc = concat!("`", $name, "`")]
                $op,
            )*
        }

        impl Opcode {
            /// Every operator, in the order of the binary format's
            /// specification (by proposal).
            pub const ALL: &'static [Opcode] = &[$(Opcode::$op),*];

            /// The operator's name in the text format: `i32.add`,
            /// `br_if`, `memory.fill`.
            pub fn name(self) -> &'static str {
                match self {
                    $( Opcode::$op => $name, )*
                }
            }
        }
    };
}

define_opcodes! {
        // mvp
        Unreachable "unreachable";
        Nop "nop";
        Block "block";
        Loop "loop";
        If "if";
        Else "else";
        End "end";
        Br "br";
        BrIf "br_if";
        BrTable "br_table";
        Return "return";
        Call "call";
        CallIndirect "call_indirect";
        Drop "drop";
        Select "select";
        LocalGet "local.get";
        LocalSet "local.set";
        LocalTee "local.tee";
        GlobalGet "global.get";
        GlobalSet "global.set";
        I32Load "i32.load";
        I64Load "i64.load";
        F32Load "f32.load";
        F64Load "f64.load";
        I32Load8S "i32.load8_s";
        I32Load8U "i32.load8_u";
        I32Load16S "i32.load16_s";
        I32Load16U "i32.load16_u";
        I64Load8S "i64.load8_s";
        I64Load8U "i64.load8_u";
        I64Load16S "i64.load16_s";
        I64Load16U "i64.load16_u";
        I64Load32S "i64.load32_s";
        I64Load32U "i64.load32_u";
        I32Store "i32.store";
        I64Store "i64.store";
        F32Store "f32.store";
        F64Store "f64.store";
        I32Store8 "i32.store8";
        I32Store16 "i32.store16";
        I64Store8 "i64.store8";
        I64Store16 "i64.store16";
        I64Store32 "i64.store32";
        MemorySize "memory.size";
        MemoryGrow "memory.grow";
        I32Const "i32.const";
        I64Const "i64.const";
        F32Const "f32.const";
        F64Const "f64.const";
        I32Eqz "i32.eqz";
        I32Eq "i32.eq";
        I32Ne "i32.ne";
        I32LtS "i32.lt_s";
        I32LtU "i32.lt_u";
        I32GtS "i32.gt_s";
        I32GtU "i32.gt_u";
        I32LeS "i32.le_s";
        I32LeU "i32.le_u";
        I32GeS "i32.ge_s";
        I32GeU "i32.ge_u";
        I64Eqz "i64.eqz";
        I64Eq "i64.eq";
        I64Ne "i64.ne";
        I64LtS "i64.lt_s";
        I64LtU "i64.lt_u";
        I64GtS "i64.gt_s";
        I64GtU "i64.gt_u";
        I64LeS "i64.le_s";
        I64LeU "i64.le_u";
        I64GeS "i64.ge_s";
        I64GeU "i64.ge_u";
        F32Eq "f32.eq";
        F32Ne "f32.ne";
        F32Lt "f32.lt";
        F32Gt "f32.gt";
        F32Le "f32.le";
        F32Ge "f32.ge";
        F64Eq "f64.eq";
        F64Ne "f64.ne";
        F64Lt "f64.lt";
        F64Gt "f64.gt";
        F64Le "f64.le";
        F64Ge "f64.ge";
        I32Clz "i32.clz";
        I32Ctz "i32.ctz";
        I32Popcnt "i32.popcnt";
        I32Add "i32.add";
        I32Sub "i32.sub";
        I32Mul "i32.mul";
        I32DivS "i32.div_s";
        I32DivU "i32.div_u";
        I32RemS "i32.rem_s";
        I32RemU "i32.rem_u";
        I32And "i32.and";
        I32Or "i32.or";
        I32Xor "i32.xor";
        I32Shl "i32.shl";
        I32ShrS "i32.shr_s";
        I32ShrU "i32.shr_u";
        I32Rotl "i32.rotl";
        I32Rotr "i32.rotr";
        I64Clz "i64.clz";
        I64Ctz "i64.ctz";
        I64Popcnt "i64.popcnt";
        I64Add "i64.add";
        I64Sub "i64.sub";
        I64Mul "i64.mul";
        I64DivS "i64.div_s";
        I64DivU "i64.div_u";
        I64RemS "i64.rem_s";
        I64RemU "i64.rem_u";
        I64And "i64.and";
        I64Or "i64.or";
        I64Xor "i64.xor";
        I64Shl "i64.shl";
        I64ShrS "i64.shr_s";
        I64ShrU "i64.shr_u";
        I64Rotl "i64.rotl";
        I64Rotr "i64.rotr";
        F32Abs "f32.abs";
        F32Neg "f32.neg";
        F32Ceil "f32.ceil";
        F32Floor "f32.floor";
        F32Trunc "f32.trunc";
        F32Nearest "f32.nearest";
        F32Sqrt "f32.sqrt";
        F32Add "f32.add";
        F32Sub "f32.sub";
        F32Mul "f32.mul";
        F32Div "f32.div";
        F32Min "f32.min";
        F32Max "f32.max";
        F32Copysign "f32.copysign";
        F64Abs "f64.abs";
        F64Neg "f64.neg";
        F64Ceil "f64.ceil";
        F64Floor "f64.floor";
        F64Trunc "f64.trunc";
        F64Nearest "f64.nearest";
        F64Sqrt "f64.sqrt";
        F64Add "f64.add";
        F64Sub "f64.sub";
        F64Mul "f64.mul";
        F64Div "f64.div";
        F64Min "f64.min";
        F64Max "f64.max";
        F64Copysign "f64.copysign";
        I32WrapI64 "i32.wrap_i64";
        I32TruncF32S "i32.trunc_f32_s";
        I32TruncF32U "i32.trunc_f32_u";
        I32TruncF64S "i32.trunc_f64_s";
        I32TruncF64U "i32.trunc_f64_u";
        I64ExtendI32S "i64.extend_i32_s";
        I64ExtendI32U "i64.extend_i32_u";
        I64TruncF32S "i64.trunc_f32_s";
        I64TruncF32U "i64.trunc_f32_u";
        I64TruncF64S "i64.trunc_f64_s";
        I64TruncF64U "i64.trunc_f64_u";
        F32ConvertI32S "f32.convert_i32_s";
        F32ConvertI32U "f32.convert_i32_u";
        F32ConvertI64S "f32.convert_i64_s";
        F32ConvertI64U "f32.convert_i64_u";
        F32DemoteF64 "f32.demote_f64";
        F64ConvertI32S "f64.convert_i32_s";
        F64ConvertI32U "f64.convert_i32_u";
        F64ConvertI64S "f64.convert_i64_s";
        F64ConvertI64U "f64.convert_i64_u";
        F64PromoteF32 "f64.promote_f32";
        I32ReinterpretF32 "i32.reinterpret_f32";
        I64ReinterpretF64 "i64.reinterpret_f64";
        F32ReinterpretI32 "f32.reinterpret_i32";
        F64ReinterpretI64 "f64.reinterpret_i64";
        // sign_extension
        I32Extend8S "i32.extend8_s";
        I32Extend16S "i32.extend16_s";
        I64Extend8S "i64.extend8_s";
        I64Extend16S "i64.extend16_s";
        I64Extend32S "i64.extend32_s";
        // saturating_float_to_int
        I32TruncSatF32S "i32.trunc_sat_f32_s";
        I32TruncSatF32U "i32.trunc_sat_f32_u";
        I32TruncSatF64S "i32.trunc_sat_f64_s";
        I32TruncSatF64U "i32.trunc_sat_f64_u";
        I64TruncSatF32S "i64.trunc_sat_f32_s";
        I64TruncSatF32U "i64.trunc_sat_f32_u";
        I64TruncSatF64S "i64.trunc_sat_f64_s";
        I64TruncSatF64U "i64.trunc_sat_f64_u";
        // bulk_memory
        MemoryInit "memory.init";
        DataDrop "data.drop";
        MemoryCopy "memory.copy";
        MemoryFill "memory.fill";
        TableInit "table.init";
        ElemDrop "elem.drop";
        TableCopy "table.copy";
        // reference_types
        TypedSelectMulti "typed_select_multi";
        RefNull "ref.null";
        RefIsNull "ref.is_null";
        RefFunc "ref.func";
        TableFill "table.fill";
        TableGet "table.get";
        TableSet "table.set";
        TableGrow "table.grow";
        TableSize "table.size";
}

/// Maps wasmparser's operators to opcodes: those of the proposals in
/// WebAssembly 2.0 (the validator's features, `module::FEATURES`), and no
/// others. Generated from wasmparser's own list, so that an operator of
/// these proposals missing from `Opcode` fails to compile.
macro_rules! define_opcode_of {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        impl Opcode {
            /// The opcode of `op`, or `None` if it is no operator of
            /// WebAssembly 2.0 (without SIMD).
            pub(crate) fn of(op: &Operator<'_>) -> Option<Opcode> {
                match op {
                    $( Operator::$op { .. } => opcode!(@$proposal $op), )*
                    _ => None,
                }
            }
        }

        /// The name of `op` in the text format, for errors: exact for
        /// the operators of WebAssembly 2.0, and for the others made from
        /// wasmparser's name for it (`i32.atomic.rmw8.add_u`,
        /// `return_call`).
        pub(crate) fn operator_name(op: &Operator<'_>) -> String {
            if let Some(opcode) = Opcode::of(op) {
                return opcode.name().to_string();
            }
            let visit = match op {
                $( Operator::$op { .. } => stringify!($visit), )*
                _ => "visit_unknown",
            };
            text_name(visit.strip_prefix("visit_").unwrap_or(visit))
        }
    };
}

/// The opcode of wasmparser's operator `$op` of proposal `$proposal`.
macro_rules! opcode {
    (@reference_types TypedSelect) => {
        Some(Opcode::Select)
    };
    (@mvp $op:ident) => {
        Some(Opcode::$op)
    };
    (@sign_extension $op:ident) => {
        Some(Opcode::$op)
    };
    (@saturating_float_to_int $op:ident) => {
        Some(Opcode::$op)
    };
    (@bulk_memory $op:ident) => {
        Some(Opcode::$op)
    };
    (@reference_types $op:ident) => {
        Some(Opcode::$op)
    };
    (@$proposal:ident $op:ident) => {
        None
    };
}

wasmparser::for_each_operator!(define_opcode_of);

// The translator's visitor names each operator's opcode where the
// operator is known, without matching on it again.
pub(crate) use opcode;

/// A text-format name from wasmparser's snake-case name of an operator:
/// the namespace (`i32`, `memory`, `struct`, ...) ends with a dot, and so
/// do `atomic` and the `rmw` part of atomic operators.
fn text_name(snake: &str) -> String {
    const NAMESPACES: &[&str] = &[
        "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "local", "global", "memory", "table", "ref", "data", "elem", "struct", "array", "any",
        "extern", "i31", "cont",
    ];
    let mut parts = snake.split('_').peekable();
    let mut name = String::new();
    while let Some(part) = parts.next() {
        name.push_str(part);
        if parts.peek().is_none() {
            break;
        }
        let dotted = (name == part && NAMESPACES.contains(&part))
            || part == "atomic"
            || (part.starts_with("rmw") && name.contains("atomic"));
        name.push(if dotted { '.' } else { '_' });
    }
    name
}

/// A set of [`Opcode`]s: the operators an engine refuses
/// ([`Config::refuse_operators`](crate::Config::refuse_operators)).
///
/// ```
/// use engine::{Opcode, OpcodeSet};
///
/// let floats: OpcodeSet = Opcode::ALL
///     .iter()
///     .copied()
///     .filter(|op| op.name().starts_with("f32.") || op.name().starts_with("f64."))
///     .collect();
/// assert!(floats.contains(Opcode::F64Add));
/// assert!(!floats.contains(Opcode::I64Add));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OpcodeSet {
    /// Bit `op as usize` is set when `op` is in the set.
    bits: [u64; 4],
}

// Every opcode has a bit.
const _: () = assert!(Opcode::ALL.len() <= 256);

impl OpcodeSet {
    /// The empty set.
    pub const EMPTY: OpcodeSet = OpcodeSet { bits: [0; 4] };

    /// Adds `op`.
    pub fn insert(&mut self, op: Opcode) {
        let bit = op as usize;
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether `op` is in the set.
    pub fn contains(&self, op: Opcode) -> bool {
        let bit = op as usize;
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits == [0; 4]
    }

    /// The operators in either set.
    #[must_use]
    pub fn union(mut self, other: OpcodeSet) -> OpcodeSet {
        for (bits, more) in self.bits.iter_mut().zip(other.bits) {
            *bits |= more;
        }
        self
    }

    /// The operators in the set, in the order of [`Opcode::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = Opcode> + '_ {
        Opcode::ALL.iter().copied().filter(|&op| self.contains(op))
    }
}

impl FromIterator<Opcode> for OpcodeSet {
    fn from_iter<I: IntoIterator<Item = Opcode>>(ops: I) -> Self {
        let mut set = OpcodeSet::EMPTY;
        for op in ops {
            set.insert(op);
        }
        set
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The opcodes of the operators of `wat`'s function body, in order.
    fn opcodes(wat: &str) -> Vec<Opcode> {
        let bytes = wat::parse_str(wat).expect("valid text");
        let mut found = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.expect("decodes") {
                let mut reader = body.get_operators_reader().expect("operators");
                while !reader.eof() {
                    let op = reader.read().expect("an operator");
                    found.push(Opcode::of(&op).expect("a Wasm 2.0 operator"));
                }
            }
        }
        found
    }

    #[test]
    fn operators_map_to_opcodes_named_as_in_the_text_format() {
        let body = "i32.const 1 i32.const 2 i32.add drop \
                    f32.const 1 i64.trunc_sat_f32_u drop \
                    ref.null func ref.is_null drop \
                    i32.const 0 i32.const 0 i32.const 0 memory.fill \
                    i32.const 0 i32.const 0 i32.const 1 select (result i32) drop \
                    i32.const 0 br_if 0";
        let wat = format!("(module (memory 1) (func {body}))");
        let names: Vec<&str> = opcodes(&wat).into_iter().map(Opcode::name).collect();
        assert_eq!(
            names,
            [
                "i32.const",
                "i32.const",
                "i32.add",
                "drop",
                "f32.const",
                "i64.trunc_sat_f32_u",
                "drop",
                "ref.null",
                "ref.is_null",
                "drop",
                "i32.const",
                "i32.const",
                "i32.const",
                "memory.fill",
                "i32.const",
                "i32.const",
                "i32.const",
                "select",
                "drop",
                "i32.const",
                "br_if",
                "end",
            ]
        );
    }

    #[test]
    fn every_opcode_has_its_own_name() {
        let mut names: Vec<&str> = Opcode::ALL.iter().map(|op| op.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Opcode::ALL.len());
    }

    #[test]
    fn operators_beyond_wasm_2_have_no_opcode_but_a_text_name() {
        let wat = r#"(module
            (memory 1 1 shared)
            (type $s (struct))
            (tag $e)
            (func $f (param i32) (result i32)
              (drop (i32.atomic.rmw8.add_u (i32.const 0) (i32.const 1)))
              (drop (i64.atomic.rmw.cmpxchg (i32.const 0) (i64.const 1) (i64.const 2)))
              (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
              (atomic.fence)
              (drop (struct.new_default $s))
              (drop (i32.add (i32.const 1) (i32.const 2)))
              (throw $e)))"#;
        let bytes = wat::parse_str(wat).expect("valid text");
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.expect("decodes") {
                let mut reader = body.get_operators_reader().expect("operators");
                while !reader.eof() {
                    let op = reader.read().expect("an operator");
                    if Opcode::of(&op).is_none() || matches!(op, Operator::I32Add) {
                        names.push(operator_name(&op));
                    }
                }
            }
        }
        assert_eq!(
            names,
            [
                "i32.atomic.rmw8.add_u",
                "i64.atomic.rmw.cmpxchg",
                "memory.atomic.notify",
                "atomic.fence",
                "struct.new_default",
                "i32.add",
                "throw",
            ]
        );
        let tail_call = Operator::ReturnCall { function_index: 0 };
        assert_eq!(Opcode::of(&tail_call), None);
        assert_eq!(operator_name(&tail_call), "return_call");
    }
}
