//! The hot lane: runs of the operators a body is mostly made of (the
//! locals' `local.get`, `local.set` and `local.tee`, `i32.const` and
//! `i64.const`, the numeric operators without immediates, plain loads and
//! stores) read, checked, metered and translated in one loop.
//!
//! The general path ([`translate_body`](super::translate_body)'s loop)
//! reads an operator through wasmparser's visitor interface, builds it,
//! checks it, and hands it to the translator, each step a call that
//! passes its result on. Here each of these operators is one case of one
//! loop: the same checks ([`Checker::hot`](super::Checker::hot), the
//! cases of [`Checker::visit`](super::Checker::visit) for these
//! operators, in the same order), the same metering and the same
//! translation ([`Translator`] methods the visitor calls), so the code,
//! the charges and every error are the same.
//!
//! Whatever the lane does not take as it is (another operator, a longer
//! encoding, one that Iris's validator leaves to wasmparser's) it leaves
//! unread, for the general path.

use std::sync::OnceLock;

use wasmparser::{BinaryReader, MemArg, MemArgTarget, Operator, OperatorsReader};

use super::own_validator::{memory_access, numeric, Access, Inputs, Ty};
use super::read::BodyReader;
use super::{binary_offset, Checker, Error, Operand, Translator};
use crate::ir::Simple;
use crate::opcode::Opcode;

/// An operator of the hot lane, with its immediate.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hot {
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    I32Const(i32),
    I64Const(i64),
    /// A numeric operator without immediates.
    Numeric(&'static Plain),
    /// A plain load or store (of [`Check::Memory`]) with its alignment
    /// and offset (of at most four bytes: below 2^28), in memory 0.
    Memory(&'static Plain, u8, u32),
}

/// What the lane knows of a numeric operator without immediates, or of a
/// plain load or store.
#[derive(Debug)]
pub(super) struct Plain {
    pub(super) opcode: Opcode,
    /// What Iris's validator checks.
    pub(super) check: Check,
    /// A load's or store's largest alignment (log2 of its bytes).
    pub(super) max_align: u8,
    /// Its translation (a load's or store's with offset 0).
    simple: Simple,
}

/// What Iris's validator checks of a [`Plain`] operator.
#[derive(Debug, Clone, Copy)]
pub(super) enum Check {
    /// A numeric operator's operands and result.
    Numeric(Inputs, Ty),
    /// A load or a store.
    Memory(Access),
}

/// The lane's plain operators by their byte (`None` for the other
/// bytes), on the heap (built in place on the stack, it took more than a
/// small thread's).
pub(super) struct Table(Box<[Option<Plain>; 256]>);

impl Table {
    /// The plain operator of byte `byte`, if the lane takes it.
    #[inline(always)]
    pub(super) fn get(&'static self, byte: u8) -> Option<&'static Plain> {
        self.0[usize::from(byte)].as_ref()
    }
}

/// What the lane knows of the operator of byte `byte`, if it takes it:
/// decoded alone (a numeric operator) or with a memory argument of
/// alignment and offset 0 (a load or a store).
fn plain(byte: u8) -> Option<Plain> {
    /// The operator of all of `bytes`, if they are one.
    fn whole(bytes: &[u8]) -> Option<Operator<'_>> {
        let mut reader = BinaryReader::new(bytes, 0);
        reader.set_features(crate::module::FEATURES);
        let mut operators = OperatorsReader::new(reader);
        let operator = operators.read().ok()?;
        operators.eof().then_some(operator)
    }
    let (alone, with_memarg) = ([byte], [byte, 0, 0]);
    let operator = whole(&alone).or_else(|| whole(&with_memarg))?;
    let (check, max_align) = match (numeric(&operator), memory_access(&operator)) {
        (Some((inputs, output)), _) => (Check::Numeric(inputs, output), 0),
        (None, Some((memarg, access))) => (Check::Memory(access), memarg.max_align),
        (None, None) => return None,
    };
    let simple = Simple::of(&operator)?;
    Some(Plain {
        opcode: Opcode::of(&operator)?,
        check,
        max_align,
        simple,
    })
}

/// The table, made once per process from wasmparser's decoding of each
/// byte (the same for every module: it depends on no input).
pub(super) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let all: Box<[Option<Plain>]> = (0..=u8::MAX).map(plain).collect();
        // An entry for each of the 256 bytes: the conversion cannot fail.
        Table(all.try_into().unwrap_or_else(|_| unreachable!()))
    })
}

impl Plain {
    /// Its translation, for a load or a store at `offset`.
    #[inline(always)]
    fn simple_at(&self, offset: u32) -> Simple {
        match self.simple {
            Simple::Load(make, _) => Simple::Load(make, u64::from(offset)),
            Simple::Store(make, make_abs, _) => Simple::Store(make, make_abs, u64::from(offset)),
            numeric => numeric,
        }
    }

    /// The memory argument of this load or store with `align` and
    /// `offset`.
    #[inline(always)]
    pub(super) fn memarg(&self, align: u8, offset: u32) -> MemArg {
        MemArg {
            align,
            max_align: self.max_align,
            offset: u64::from(offset),
            target: MemArgTarget::Memory(0),
            ordering: None,
        }
    }
}

impl Hot {
    /// Its opcode.
    #[inline(always)]
    pub(super) fn opcode(&self) -> Opcode {
        match self {
            Hot::LocalGet(_) => Opcode::LocalGet,
            Hot::LocalSet(_) => Opcode::LocalSet,
            Hot::LocalTee(_) => Opcode::LocalTee,
            Hot::I32Const(_) => Opcode::I32Const,
            Hot::I64Const(_) => Opcode::I64Const,
            Hot::Numeric(plain) | Hot::Memory(plain, ..) => plain.opcode,
        }
    }
}

impl Hot {
    /// Whether it is `op`, with the same immediates (for tests).
    #[cfg(test)]
    pub(super) fn is(&self, op: &Operator<'_>) -> bool {
        let memarg = memory_access(op).map(|(memarg, _)| *memarg);
        match (*self, op) {
            (Hot::LocalGet(n), Operator::LocalGet { local_index })
            | (Hot::LocalSet(n), Operator::LocalSet { local_index })
            | (Hot::LocalTee(n), Operator::LocalTee { local_index }) => n == *local_index,
            (Hot::I32Const(v), Operator::I32Const { value }) => v == *value,
            (Hot::I64Const(v), Operator::I64Const { value }) => v == *value,
            (Hot::Numeric(plain), op) => memarg.is_none() && Opcode::of(op) == Some(plain.opcode),
            (Hot::Memory(plain, align, offset), op) => {
                memarg == Some(plain.memarg(align, offset)) && Opcode::of(op) == Some(plain.opcode)
            }
            _ => false,
        }
    }
}

/// The operator in `bytes` (one of the lane's, at binary offset
/// `offset`) as wasmparser decodes it.
pub(super) fn decode(bytes: &[u8], offset: u64) -> wasmparser::Result<Operator<'_>> {
    let mut reader = BinaryReader::new(bytes, offset);
    reader.set_features(crate::module::FEATURES);
    OperatorsReader::new(reader).read()
}

/// Reads, checks (with `check`, if the body is checked now), meters and
/// translates the operators of the hot lane from `reader`'s position on,
/// and stops before the first other one (or the first that Iris's
/// validator leaves to wasmparser's). `code_start`, `func` and `limit`
/// are [`translate_body`](super::translate_body)'s.
#[inline(never)]
pub(super) fn run(
    reader: &mut BodyReader<'_>,
    mut check: Option<&mut Checker<'_>>,
    t: &mut Translator<'_>,
    code_start: u64,
    func: u32,
    limit: u64,
) -> Result<(), Error> {
    let table = table();
    let at = Offsets {
        code_start,
        func,
        limit,
    };
    while let Some((hot, end)) = reader.peek_hot(table) {
        let check = check.as_deref_mut();
        // One case each, where `step` folds to the operator's work.
        let taken = match hot {
            Hot::LocalGet(n) => step(reader, check, t, &at, Hot::LocalGet(n), end),
            Hot::LocalSet(n) => step(reader, check, t, &at, Hot::LocalSet(n), end),
            Hot::LocalTee(n) => step(reader, check, t, &at, Hot::LocalTee(n), end),
            Hot::I32Const(v) => step(reader, check, t, &at, Hot::I32Const(v), end),
            Hot::I64Const(v) => step(reader, check, t, &at, Hot::I64Const(v), end),
            Hot::Numeric(n) => step(reader, check, t, &at, Hot::Numeric(n), end),
            Hot::Memory(m, align, offset) => {
                step(reader, check, t, &at, Hot::Memory(m, align, offset), end)
            }
        }?;
        if !taken {
            return Ok(());
        }
    }
    Ok(())
}

/// Where the body is: [`run`]'s arguments that every step reads.
struct Offsets {
    code_start: u64,
    func: u32,
    limit: u64,
}

/// Checks, meters and translates `hot`, the next operator, which ends at
/// `end`: `false` if it is left to the general path (not read).
#[inline(always)]
fn step(
    reader: &mut BodyReader<'_>,
    check: Option<&mut Checker<'_>>,
    t: &mut Translator<'_>,
    at: &Offsets,
    hot: Hot,
    end: usize,
) -> Result<bool, Error> {
    let offset = reader.original_position();
    if let Some(check) = check {
        if !check.hot(offset, &hot, reader.bytes_to(end))? {
            return Ok(false);
        }
    }
    reader.advance(end);
    t.at = binary_offset(offset);
    t.offset = offset.saturating_sub(at.code_start) as u32;
    t.meter(hot.opcode());
    if t.reachable {
        match hot {
            Hot::LocalGet(n) => t.push(Operand::Local(n)),
            Hot::LocalSet(n) => t.local_set(n, false),
            Hot::LocalTee(n) => t.local_set(n, true),
            Hot::I32Const(value) => t.push(Operand::Const(u64::from(value as u32))),
            Hot::I64Const(value) => t.push(Operand::Const(value as u64)),
            Hot::Numeric(plain) => t.simple(plain.simple),
            Hot::Memory(plain, _, offset) => t.simple(plain.simple_at(offset)),
        }
    }
    // As the general path: the code never outgrows its bound.
    if t.overflow.is_some() {
        t.check(at.func, at.limit)?;
    }
    Ok(true)
}

/// Checks the operators of the hot lane from `reader`'s position on with
/// `check`, as [`run`] does without translating them (a body checked at
/// load, translated at its first call), and stops before the first other
/// one.
#[inline(never)]
pub(super) fn check(reader: &mut BodyReader<'_>, check: &mut Checker<'_>) -> Result<(), Error> {
    let table = table();
    while let Some((hot, end)) = reader.peek_hot(table) {
        if !check.hot(reader.original_position(), &hot, reader.bytes_to(end))? {
            break;
        }
        reader.advance(end);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lane's plain operators by name.
    fn names() -> Vec<&'static str> {
        let table = table();
        (0..=u8::MAX)
            .filter_map(|byte| table.get(byte))
            .map(|plain| plain.opcode.name())
            .collect()
    }

    #[test]
    fn the_table_holds_the_numeric_operators_loads_and_stores_of_one_plain_instruction() {
        let names = names();
        for name in [
            "i32.eqz",
            "i32.add",
            "i64.rotl",
            "f64.sqrt",
            "i32.extend8_s",
            "i32.load",
            "i64.load32_u",
            "f64.store",
            "i64.store8",
        ] {
            assert!(names.contains(&name), "{name} is in the lane");
        }
        // Translated apart (a copy, or nothing), or not plain.
        for name in [
            "i32.wrap_i64",
            "i64.reinterpret_f64",
            "drop",
            "select",
            "nop",
            "memory.size",
        ] {
            assert!(!names.contains(&name), "{name} is left to the general path");
        }
        // 0x28..=0x3e, and 0x45..=0xc4 but five.
        assert_eq!(names.len(), 23 + 128 - 5);
    }
}
