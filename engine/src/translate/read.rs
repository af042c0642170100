//! The reader of a body's operators: the most frequent ones decoded here,
//! every other one (and any encoding this reader does not take as it is)
//! by wasmparser's decoder, so that what is read and every decoding
//! error are wasmparser's.
//!
//! wasmparser's `OperatorsReader` tracks the kind of each open block,
//! which the binary format needs (`else` only in an `if`, nothing after
//! the body's last `end`). This reader keeps that stack itself, updated
//! as wasmparser's own adapter updates it, and hands it to wasmparser's
//! decoder for the operators it decodes (`BinaryReader::visit_operator`
//! with a `FrameStack`).

use wasmparser::{
    BinaryReader, BlockType, FrameKind, FrameStack, MemArg, MemArgTarget, ValType, VisitOperator,
    VisitSimdOperator,
};

use super::hot::{self, Hot};
use crate::module::FEATURES;

/// A body's operators, read one at a time.
pub(super) struct BodyReader<'a> {
    /// The operators' bytes.
    data: &'a [u8],
    /// Where the next operator begins in `data`.
    pos: usize,
    /// The binary offset of `data[0]`.
    base: u64,
    /// The kinds of the open blocks.
    frames: Frames,
}

impl<'a> BodyReader<'a> {
    /// A reader of the operators `reader` holds (a body's, after its
    /// locals).
    pub(super) fn new(mut reader: BinaryReader<'a>) -> wasmparser::Result<Self> {
        let base = reader.original_position();
        let data = reader.read_bytes(reader.bytes_remaining())?;
        Ok(Self {
            data,
            pos: 0,
            base,
            frames: Frames {
                top: Some(FrameKind::Block),
                below: Vec::new(),
            },
        })
    }

    /// Whether every operator has been read.
    pub(super) fn eof(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The binary offset of the next operator.
    pub(super) fn original_position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// After the last operator: fails if a block is still open or bytes
    /// are left (wasmparser's checks and messages).
    pub(super) fn finish(&self) -> wasmparser::Result<()> {
        self.rest().finish_expression(&self.frames)
    }

    /// wasmparser's reader of what is left.
    fn rest(&self) -> BinaryReader<'a> {
        let mut reader = BinaryReader::new(
            self.data.get(self.pos..).unwrap_or_default(),
            self.original_position(),
        );
        reader.set_features(FEATURES);
        reader
    }

    /// The next operator, if it is one of the hot lane's (an index of at
    /// most four bytes, a constant of at most four or nine, a numeric
    /// operator, load or store of `table`, the latter's memory argument as
    /// [`BodyReader::visit_operator`] takes it) and a block is open, with
    /// where it ends; not read yet ([`BodyReader::advance`] reads it).
    #[inline(always)]
    pub(super) fn peek_hot(&self, table: &'static hot::Table) -> Option<(Hot, usize)> {
        // After the body's last `end` the general path refuses it.
        self.frames.top?;
        let data = self.data;
        let next = self.pos + 1;
        match *data.get(self.pos)? {
            0x20 => uleb32(data, next).map(|(index, end)| (Hot::LocalGet(index), end)),
            0x21 => uleb32(data, next).map(|(index, end)| (Hot::LocalSet(index), end)),
            0x22 => uleb32(data, next).map(|(index, end)| (Hot::LocalTee(index), end)),
            // Four bytes hold 28 bits, sign-extended.
            0x41 => sleb(data, next, 4).map(|(value, end)| (Hot::I32Const(value as i32), end)),
            0x42 => sleb(data, next, 9).map(|(value, end)| (Hot::I64Const(value), end)),
            op @ 0x28..=0x3e => {
                let (memarg, end) = mem_arg(data, next, op)?;
                // Four bytes of offset hold 28 bits.
                let offset = memarg.offset as u32;
                table
                    .get(op)
                    .map(|plain| (Hot::Memory(plain, memarg.align, offset), end))
            }
            byte => table.get(byte).map(|plain| (Hot::Numeric(plain), next)),
        }
    }

    /// The bytes of the next operator, which ends at `end`.
    pub(super) fn bytes_to(&self, end: usize) -> &'a [u8] {
        self.data.get(self.pos..end).unwrap_or_default()
    }

    /// Reads the operator [`BodyReader::peek_hot`] gave, which ends at
    /// `end`.
    #[inline(always)]
    pub(super) fn advance(&mut self, end: usize) {
        self.pos = end;
    }

    /// Reads the next operator and visits `visitor` for it.
    ///
    /// Decoded here, while a block is open:
    /// - the operators without immediates that need no block kind
    ///   (`unreachable`, `nop`, `return`, `drop`, `select`, the numeric
    ///   operators `0x45..=0xc4`);
    /// - `block`, `loop` and `if` of an empty or number block type,
    ///   `else` in an `if`, `end`;
    /// - `br`, `br_if`, `call`, the locals' and globals' operators, with
    ///   an index of at most four bytes;
    /// - loads and stores whose flags are one byte and offset at most
    ///   four;
    /// - `i32.const` and `i64.const` of at most four and nine bytes.
    ///
    /// None of these lengths can overflow. Any other operator or encoding
    /// goes to wasmparser's decoder, with its checks and errors.
    #[inline(always)]
    pub(super) fn visit_operator<V: VisitOperator<'a>>(
        &mut self,
        visitor: &mut V,
    ) -> wasmparser::Result<V::Output> {
        let data = self.data;
        let at = self.pos;
        let fast = match data.get(at) {
            // After the body's last `end` the decoder below refuses it.
            Some(&op) if self.frames.top.is_some() => {
                let next = at + 1;
                match op {
                    0x20..=0x24 => uleb32(data, next).map(|(index, end)| {
                        self.pos = end;
                        match op {
                            0x20 => visitor.visit_local_get(index),
                            0x21 => visitor.visit_local_set(index),
                            0x22 => visitor.visit_local_tee(index),
                            0x23 => visitor.visit_global_get(index),
                            _ => visitor.visit_global_set(index),
                        }
                    }),
                    0x0c | 0x0d | 0x10 => uleb32(data, next).map(|(index, end)| {
                        self.pos = end;
                        match op {
                            0x0c => visitor.visit_br(index),
                            0x0d => visitor.visit_br_if(index),
                            _ => visitor.visit_call(index),
                        }
                    }),
                    0x02..=0x04 => block_type(data, next).map(|blockty| {
                        self.pos = next + 1;
                        match op {
                            0x02 => {
                                self.frames.push(FrameKind::Block);
                                visitor.visit_block(blockty)
                            }
                            0x03 => {
                                self.frames.push(FrameKind::Loop);
                                visitor.visit_loop(blockty)
                            }
                            _ => {
                                self.frames.push(FrameKind::If);
                                visitor.visit_if(blockty)
                            }
                        }
                    }),
                    // An `else` outside an `if` is wasmparser's to refuse.
                    0x05 if self.frames.top == Some(FrameKind::If) => {
                        self.pos = next;
                        self.frames.pop();
                        self.frames.push(FrameKind::Else);
                        Some(visitor.visit_else())
                    }
                    0x0b => {
                        self.pos = next;
                        self.frames.pop();
                        Some(visitor.visit_end())
                    }
                    0x28..=0x3e => mem_arg(data, next, op).map(|(memarg, end)| {
                        self.pos = end;
                        memory(visitor, op, memarg)
                    }),
                    0x41 => sleb(data, next, 4).map(|(value, end)| {
                        self.pos = end;
                        // Four bytes hold 28 bits, sign-extended.
                        visitor.visit_i32_const(value as i32)
                    }),
                    0x42 => sleb(data, next, 9).map(|(value, end)| {
                        self.pos = end;
                        visitor.visit_i64_const(value)
                    }),
                    _ => {
                        let output = plain(visitor, op);
                        if output.is_some() {
                            self.pos = next;
                        }
                        output
                    }
                }
            }
            _ => None,
        };
        match fast {
            Some(output) => Ok(output),
            None => self.decode(visitor),
        }
    }

    /// The next operator decoded by wasmparser.
    #[inline(never)]
    fn decode<V: VisitOperator<'a>>(&mut self, visitor: &mut V) -> wasmparser::Result<V::Output> {
        let mut reader = self.rest();
        let output = reader.visit_operator(&mut Adapter {
            frames: &mut self.frames,
            visitor,
        })?;
        self.pos += reader.current_position();
        Ok(output)
    }
}

/// An unsigned LEB128 integer of at most four bytes (28 bits) at
/// `data[at..]`, and where it ends; `None` for a longer one.
#[inline(always)]
fn uleb32(data: &[u8], at: usize) -> Option<(u32, usize)> {
    let mut result = 0u32;
    for (i, shift) in [0u32, 7, 14, 21].into_iter().enumerate() {
        let byte = *data.get(at + i)?;
        result |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((result, at + i + 1));
        }
    }
    None
}

/// A signed LEB128 integer of at most `max` bytes (`max` at most 9: 63
/// bits, which cannot overflow) at `data[at..]`, sign-extended, and where
/// it ends; `None` for a longer one.
#[inline(always)]
fn sleb(data: &[u8], at: usize, max: usize) -> Option<(i64, usize)> {
    let mut result = 0u64;
    for i in 0..max {
        let byte = *data.get(at + i)?;
        let shift = 7 * i as u32;
        result |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let unused = 64 - (shift + 7);
            return Some((((result << unused) as i64) >> unused, at + i + 1));
        }
    }
    None
}

/// The block type at `data[at]` if it is one byte: empty or a number
/// type; `None` for any other (wasmparser decodes those).
#[inline(always)]
fn block_type(data: &[u8], at: usize) -> Option<BlockType> {
    Some(match *data.get(at)? {
        0x40 => BlockType::Empty,
        0x7f => BlockType::Type(ValType::I32),
        0x7e => BlockType::Type(ValType::I64),
        0x7d => BlockType::Type(ValType::F32),
        0x7c => BlockType::Type(ValType::F64),
        _ => return None,
    })
}

/// The memory immediate of load or store `op` at `data[at..]`, and where
/// it ends, if its flags are one byte with no flag bit set (bits 6 and
/// up: another memory, which the features leave out) and its offset at
/// most four bytes; `None` for any other (wasmparser decodes those).
#[inline(always)]
fn mem_arg(data: &[u8], at: usize, op: u8) -> Option<(MemArg, usize)> {
    let align = *data.get(at)?;
    if align >= 0x40 {
        return None;
    }
    let (offset, end) = uleb32(data, at + 1)?;
    // The largest alignment of each access, as log2 of its bytes.
    let max_align = match op {
        0x2c | 0x2d | 0x30 | 0x31 | 0x3a | 0x3c => 0,
        0x2e | 0x2f | 0x32 | 0x33 | 0x3b | 0x3d => 1,
        0x28 | 0x2a | 0x34 | 0x35 | 0x36 | 0x38 | 0x3e => 2,
        _ => 3,
    };
    let memarg = MemArg {
        align,
        max_align,
        offset: u64::from(offset),
        target: MemArgTarget::Memory(0),
        ordering: None,
    };
    Some((memarg, end))
}

/// Visits `visitor` for load or store `op` (`0x28..=0x3e`) with `memarg`.
#[inline(always)]
fn memory<'a, V: VisitOperator<'a>>(visitor: &mut V, op: u8, memarg: MemArg) -> V::Output {
    match op {
        0x28 => visitor.visit_i32_load(memarg),
        0x29 => visitor.visit_i64_load(memarg),
        0x2a => visitor.visit_f32_load(memarg),
        0x2b => visitor.visit_f64_load(memarg),
        0x2c => visitor.visit_i32_load8_s(memarg),
        0x2d => visitor.visit_i32_load8_u(memarg),
        0x2e => visitor.visit_i32_load16_s(memarg),
        0x2f => visitor.visit_i32_load16_u(memarg),
        0x30 => visitor.visit_i64_load8_s(memarg),
        0x31 => visitor.visit_i64_load8_u(memarg),
        0x32 => visitor.visit_i64_load16_s(memarg),
        0x33 => visitor.visit_i64_load16_u(memarg),
        0x34 => visitor.visit_i64_load32_s(memarg),
        0x35 => visitor.visit_i64_load32_u(memarg),
        0x36 => visitor.visit_i32_store(memarg),
        0x37 => visitor.visit_i64_store(memarg),
        0x38 => visitor.visit_f32_store(memarg),
        0x39 => visitor.visit_f64_store(memarg),
        0x3a => visitor.visit_i32_store8(memarg),
        0x3b => visitor.visit_i32_store16(memarg),
        0x3c => visitor.visit_i64_store8(memarg),
        0x3d => visitor.visit_i64_store16(memarg),
        _ => visitor.visit_i64_store32(memarg),
    }
}

/// Visits `visitor` for `op` if it is an operator without immediates
/// whose decoding needs no block kind; `None` otherwise.
#[inline(always)]
fn plain<'a, V: VisitOperator<'a>>(visitor: &mut V, op: u8) -> Option<V::Output> {
    macro_rules! plain {
        ($($byte:literal $visit:ident)*) => {
            match op {
                $($byte => Some(visitor.$visit()),)*
                _ => None,
            }
        };
    }
    plain! {
        0x00 visit_unreachable 0x01 visit_nop 0x0f visit_return
        0x1a visit_drop 0x1b visit_select
        0x45 visit_i32_eqz 0x46 visit_i32_eq 0x47 visit_i32_ne
        0x48 visit_i32_lt_s 0x49 visit_i32_lt_u 0x4a visit_i32_gt_s 0x4b visit_i32_gt_u
        0x4c visit_i32_le_s 0x4d visit_i32_le_u 0x4e visit_i32_ge_s 0x4f visit_i32_ge_u
        0x50 visit_i64_eqz 0x51 visit_i64_eq 0x52 visit_i64_ne
        0x53 visit_i64_lt_s 0x54 visit_i64_lt_u 0x55 visit_i64_gt_s 0x56 visit_i64_gt_u
        0x57 visit_i64_le_s 0x58 visit_i64_le_u 0x59 visit_i64_ge_s 0x5a visit_i64_ge_u
        0x5b visit_f32_eq 0x5c visit_f32_ne 0x5d visit_f32_lt 0x5e visit_f32_gt
        0x5f visit_f32_le 0x60 visit_f32_ge
        0x61 visit_f64_eq 0x62 visit_f64_ne 0x63 visit_f64_lt 0x64 visit_f64_gt
        0x65 visit_f64_le 0x66 visit_f64_ge
        0x67 visit_i32_clz 0x68 visit_i32_ctz 0x69 visit_i32_popcnt
        0x6a visit_i32_add 0x6b visit_i32_sub 0x6c visit_i32_mul
        0x6d visit_i32_div_s 0x6e visit_i32_div_u 0x6f visit_i32_rem_s 0x70 visit_i32_rem_u
        0x71 visit_i32_and 0x72 visit_i32_or 0x73 visit_i32_xor
        0x74 visit_i32_shl 0x75 visit_i32_shr_s 0x76 visit_i32_shr_u
        0x77 visit_i32_rotl 0x78 visit_i32_rotr
        0x79 visit_i64_clz 0x7a visit_i64_ctz 0x7b visit_i64_popcnt
        0x7c visit_i64_add 0x7d visit_i64_sub 0x7e visit_i64_mul
        0x7f visit_i64_div_s 0x80 visit_i64_div_u 0x81 visit_i64_rem_s 0x82 visit_i64_rem_u
        0x83 visit_i64_and 0x84 visit_i64_or 0x85 visit_i64_xor
        0x86 visit_i64_shl 0x87 visit_i64_shr_s 0x88 visit_i64_shr_u
        0x89 visit_i64_rotl 0x8a visit_i64_rotr
        0x8b visit_f32_abs 0x8c visit_f32_neg 0x8d visit_f32_ceil 0x8e visit_f32_floor
        0x8f visit_f32_trunc 0x90 visit_f32_nearest 0x91 visit_f32_sqrt
        0x92 visit_f32_add 0x93 visit_f32_sub 0x94 visit_f32_mul 0x95 visit_f32_div
        0x96 visit_f32_min 0x97 visit_f32_max 0x98 visit_f32_copysign
        0x99 visit_f64_abs 0x9a visit_f64_neg 0x9b visit_f64_ceil 0x9c visit_f64_floor
        0x9d visit_f64_trunc 0x9e visit_f64_nearest 0x9f visit_f64_sqrt
        0xa0 visit_f64_add 0xa1 visit_f64_sub 0xa2 visit_f64_mul 0xa3 visit_f64_div
        0xa4 visit_f64_min 0xa5 visit_f64_max 0xa6 visit_f64_copysign
        0xa7 visit_i32_wrap_i64
        0xa8 visit_i32_trunc_f32_s 0xa9 visit_i32_trunc_f32_u
        0xaa visit_i32_trunc_f64_s 0xab visit_i32_trunc_f64_u
        0xac visit_i64_extend_i32_s 0xad visit_i64_extend_i32_u
        0xae visit_i64_trunc_f32_s 0xaf visit_i64_trunc_f32_u
        0xb0 visit_i64_trunc_f64_s 0xb1 visit_i64_trunc_f64_u
        0xb2 visit_f32_convert_i32_s 0xb3 visit_f32_convert_i32_u
        0xb4 visit_f32_convert_i64_s 0xb5 visit_f32_convert_i64_u
        0xb6 visit_f32_demote_f64
        0xb7 visit_f64_convert_i32_s 0xb8 visit_f64_convert_i32_u
        0xb9 visit_f64_convert_i64_s 0xba visit_f64_convert_i64_u
        0xbb visit_f64_promote_f32
        0xbc visit_i32_reinterpret_f32 0xbd visit_i64_reinterpret_f64
        0xbe visit_f32_reinterpret_i32 0xbf visit_f64_reinterpret_i64
        0xc0 visit_i32_extend8_s 0xc1 visit_i32_extend16_s
        0xc2 visit_i64_extend8_s 0xc3 visit_i64_extend16_s 0xc4 visit_i64_extend32_s
    }
}

/// The kinds of the open blocks (the body's own the outermost), kept as
/// wasmparser's `OperatorsReader` keeps them: the innermost apart, so a
/// body without nested blocks allocates nothing.
struct Frames {
    /// The innermost; `None` once the body's own block has ended.
    top: Option<FrameKind>,
    /// The others, outermost first: at most one per two bytes of the
    /// body (a block opens with two), so bounded by the module's size.
    below: Vec<FrameKind>,
}

impl Frames {
    fn push(&mut self, kind: FrameKind) {
        if let Some(top) = self.top.replace(kind) {
            self.below.push(top);
        }
    }

    fn pop(&mut self) {
        self.top = self.below.pop();
    }
}

impl FrameStack for Frames {
    fn current_frame(&self) -> Option<FrameKind> {
        self.top
    }
}

/// A visitor for wasmparser's decoder: it keeps the open blocks as
/// wasmparser's own adapter does, then visits `visitor`.
struct Adapter<'f, 'v, V> {
    frames: &'f mut Frames,
    visitor: &'v mut V,
}

impl<V> FrameStack for Adapter<'_, '_, V> {
    fn current_frame(&self) -> Option<FrameKind> {
        self.frames.top
    }
}

macro_rules! define_adapter_visit {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> V::Output {
                define_adapter_visit!(@frames self $visit);
                self.visitor.$visit($($($arg),*)?)
            }
        )*
    };
    (@frames $self:ident visit_block) => { $self.frames.push(FrameKind::Block) };
    (@frames $self:ident visit_loop) => { $self.frames.push(FrameKind::Loop) };
    (@frames $self:ident visit_if) => { $self.frames.push(FrameKind::If) };
    (@frames $self:ident visit_else) => {{
        $self.frames.pop();
        $self.frames.push(FrameKind::Else);
    }};
    (@frames $self:ident visit_try) => { $self.frames.push(FrameKind::LegacyTry) };
    (@frames $self:ident visit_catch) => {{
        $self.frames.pop();
        $self.frames.push(FrameKind::LegacyCatch);
    }};
    (@frames $self:ident visit_catch_all) => {{
        $self.frames.pop();
        $self.frames.push(FrameKind::LegacyCatchAll);
    }};
    (@frames $self:ident visit_try_table) => { $self.frames.push(FrameKind::TryTable) };
    (@frames $self:ident visit_delegate) => {{
        $self.frames.pop();
    }};
    (@frames $self:ident visit_end) => {{
        $self.frames.pop();
    }};
    (@frames $self:ident $other:ident) => {};
}

impl<'a, V: VisitOperator<'a>> VisitOperator<'a> for Adapter<'_, '_, V> {
    type Output = V::Output;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        self.visitor.simd_visitor()
    }

    wasmparser::for_each_visit_operator!(define_adapter_visit);
}

#[cfg(test)]
mod tests {
    use wasmparser::{BinaryReader, Operator, OperatorsReader, VisitOperator, VisitSimdOperator};

    use super::BodyReader;
    use crate::module::FEATURES;

    /// Builds each operator visited, as wasmparser's `read` gives it.
    struct Build;

    macro_rules! define_build {
        ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            $(
                fn $visit(&mut self $($(, $arg: $argty)*)?) -> Operator<'a> {
                    Operator::$op $({ $($arg),* })?
                }
            )*
        };
    }

    impl<'a> VisitOperator<'a> for Build {
        type Output = Operator<'a>;

        fn simd_visitor(
            &mut self,
        ) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
            Some(self)
        }

        wasmparser::for_each_visit_operator!(define_build);
    }

    impl<'a> VisitSimdOperator<'a> for Build {
        wasmparser::for_each_visit_simd_operator!(define_build);
    }

    /// What the tests ask of a reader of operators.
    trait Reads<'a> {
        fn eof(&self) -> bool;
        fn original_position(&self) -> u64;
        fn read(&mut self) -> wasmparser::Result<Operator<'a>>;
        fn finish(&self) -> wasmparser::Result<()>;
    }

    impl<'a> Reads<'a> for BodyReader<'a> {
        fn eof(&self) -> bool {
            BodyReader::eof(self)
        }
        fn original_position(&self) -> u64 {
            BodyReader::original_position(self)
        }
        fn read(&mut self) -> wasmparser::Result<Operator<'a>> {
            self.visit_operator(&mut Build)
        }
        fn finish(&self) -> wasmparser::Result<()> {
            BodyReader::finish(self)
        }
    }

    impl<'a> Reads<'a> for OperatorsReader<'a> {
        fn eof(&self) -> bool {
            OperatorsReader::eof(self)
        }
        fn original_position(&self) -> u64 {
            OperatorsReader::original_position(self)
        }
        fn read(&mut self) -> wasmparser::Result<Operator<'a>> {
            self.visit_operator(&mut Build)
        }
        fn finish(&self) -> wasmparser::Result<()> {
            OperatorsReader::finish(self)
        }
    }

    /// A body reader that reads the hot lane's operators as the lane does
    /// (`peek_hot`, then `advance`), each checked to be the operator
    /// wasmparser decodes from the bytes it takes, and the others as the
    /// general path does.
    struct Lane<'a>(BodyReader<'a>);

    impl<'a> Reads<'a> for Lane<'a> {
        fn eof(&self) -> bool {
            self.0.eof()
        }
        fn original_position(&self) -> u64 {
            self.0.original_position()
        }
        fn read(&mut self) -> wasmparser::Result<Operator<'a>> {
            let Some((hot, end)) = self.0.peek_hot(super::hot::table()) else {
                return self.0.visit_operator(&mut Build);
            };
            let bytes = self.0.bytes_to(end);
            let op = super::hot::decode(bytes, self.0.original_position())
                .unwrap_or_else(|e| panic!("the lane took {bytes:02x?}, which fails: {e}"));
            assert!(hot.is(&op), "the lane took {hot:?} for {op:?}");
            self.0.advance(end);
            Ok(op)
        }
        fn finish(&self) -> wasmparser::Result<()> {
            self.0.finish()
        }
    }

    /// `body` as the hot lane and the general path read it.
    fn lane(body: &[u8]) -> Vec<String> {
        match BodyReader::new(operators(body)) {
            Ok(reader) => read_all(Lane(reader)),
            Err(e) => vec![format!("{e:?}")],
        }
    }

    /// Every operator `reader` reads, with its offset, up to the first
    /// error, then the end check's outcome.
    fn read_all<'a>(mut reader: impl Reads<'a>) -> Vec<String> {
        let mut read = Vec::new();
        while !reader.eof() {
            let at = reader.original_position();
            match reader.read() {
                Ok(op) => read.push(format!("{at}: {op:?}")),
                Err(e) => {
                    read.push(format!("{e:?}"));
                    return read;
                }
            }
        }
        read.push(format!("{:?}", reader.finish()));
        read
    }

    /// `body`'s operators at binary offset 1000.
    fn operators(body: &[u8]) -> BinaryReader<'_> {
        let mut reader = BinaryReader::new(body, 1000);
        reader.set_features(FEATURES);
        reader
    }

    /// `body` as `BodyReader` reads it.
    fn ours(body: &[u8]) -> Vec<String> {
        match BodyReader::new(operators(body)) {
            Ok(reader) => read_all(reader),
            Err(e) => vec![format!("{e:?}")],
        }
    }

    /// `body` as wasmparser's `OperatorsReader` reads it.
    fn theirs(body: &[u8]) -> Vec<String> {
        read_all(OperatorsReader::new(operators(body)))
    }

    #[test]
    fn every_opcode_with_every_shape_of_immediate_reads_as_wasmparser_reads_it() {
        let immediates: &[&[u8]] = &[
            &[],
            &[0x00],
            &[0x3f],
            &[0x40],
            &[0x7f],
            &[0x80, 0x01],
            &[0xff, 0x7f],
            &[0x80, 0x80, 0x80, 0x00],
            &[0xff, 0xff, 0xff, 0x7f],
            &[0xff, 0xff, 0xff, 0xff, 0x0f],
            &[0x80, 0x80, 0x80, 0x80, 0x80],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            &[
                0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
            ],
            &[0x80],
        ];
        // A second immediate (a memory access's offset after its flags).
        let seconds: &[&[u8]] = &[
            &[],
            &[0x00],
            &[0x7f],
            &[0x80, 0x01],
            &[0xff, 0xff, 0xff, 0x7f],
            &[0x80, 0x80, 0x80, 0x80, 0x01],
        ];
        let tails: [&[u8]; 5] = [&[0x0b], &[0x0b, 0x0b], &[], &[0x01, 0x0b], &[0x05, 0x0b]];
        let mut bodies = 0;
        for op in 0..=255u8 {
            for immediate in immediates {
                for second in seconds {
                    for tail in tails {
                        let body: Vec<u8> = [&[op][..], immediate, second, tail].concat();
                        let theirs = theirs(&body);
                        assert_eq!(ours(&body), theirs, "body {body:02x?}");
                        assert_eq!(lane(&body), theirs, "body {body:02x?} in the lane");
                        bodies += 1;
                    }
                }
            }
        }
        assert_eq!(bodies, 256 * 16 * 6 * 5);
    }

    #[test]
    fn random_bodies_read_as_wasmparser_reads_them() {
        // The opcodes this reader decodes, control, and LEB bytes, more
        // often than the others.
        let favoured = [
            0x20, 0x21, 0x22, 0x23, 0x24, 0x41, 0x42, 0x6a, 0x7c, 0x1a, 0x1b, 0x02, 0x03, 0x04,
            0x05, 0x0b, 0x0c, 0x0d, 0x10, 0x28, 0x2d, 0x36, 0x3e, 0x80, 0xff, 0x7f, 0x7e, 0x70,
            0x00, 0x40, 0x3f, 0x01, 0x02,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..50_000 {
            let len = (next() % 48) as usize;
            let body: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 3 == 0 {
                        (r >> 8) as u8
                    } else {
                        favoured[(r >> 8) as usize % favoured.len()]
                    }
                })
                .collect();
            let theirs = theirs(&body);
            assert_eq!(ours(&body), theirs, "body {body:02x?}");
            assert_eq!(lane(&body), theirs, "body {body:02x?} in the lane");
        }
    }
}
