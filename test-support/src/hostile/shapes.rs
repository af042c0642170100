//! Generators of hostile modules: valid WebAssembly shaped to make a VM
//! spend time or memory out of proportion to its size, gas or input.
//!
//! Each generator takes a size in bytes and returns a module of about that
//! size that is also a valid Ewasm contract (an exported `main: [] -> []`
//! and an exported memory, no imports), so the same shapes serve the
//! engine's translation bounds and the contract corpus.

use wasm_encoder::{
    BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction,
    MemorySection, MemoryType, Module, TypeSection, ValType,
};

/// The most values a branch or block of the generated shapes carries
/// (wasmparser's limit on a type's results).
pub const VALUES: u32 = 1_000;

/// A shape of translation attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `br_if`s that each carry the values to a label below an extra
    /// operand, so every branch must move them.
    BranchValues,
    /// The same branches to the function's label: returns that move the
    /// values.
    ReturnValues,
    /// One `br_table` per block with twice as many targets as values, each
    /// carrying the values.
    BrTableValues,
    /// Many operands that refer to a local, then many empty `block`s: each
    /// block entry looked at the whole operand stack.
    BlockEntries,
    /// Many operands that refer to local 0, then many `local.set 1`: each
    /// set looked for aliases of local 1 on the whole stack.
    LocalSets,
    /// Ordinary straight-line arithmetic on locals: the reference.
    Ordinary,
}

impl Shape {
    /// Every shape, the reference last.
    pub const ALL: [Shape; 6] = [
        Shape::BranchValues,
        Shape::ReturnValues,
        Shape::BrTableValues,
        Shape::BlockEntries,
        Shape::LocalSets,
        Shape::Ordinary,
    ];

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Shape::BranchValues => "br_if carrying values",
            Shape::ReturnValues => "return_if carrying values",
            Shape::BrTableValues => "br_table carrying values",
            Shape::BlockEntries => "blocks over 10k operands",
            Shape::LocalSets => "local.set over 10k aliases",
            Shape::Ordinary => "ordinary arithmetic",
        }
    }

    /// Whether the shape carries values at its branches (and takes a
    /// count of them).
    pub fn carries_values(self) -> bool {
        matches!(
            self,
            Shape::BranchValues | Shape::ReturnValues | Shape::BrTableValues
        )
    }

    /// A module of this shape of about `size` bytes whose branches carry
    /// [`VALUES`] values.
    pub fn module(self, size: usize) -> Vec<u8> {
        self.module_with(size, VALUES)
    }

    /// A module of this shape of about `size` bytes whose branches carry
    /// `values` values (1 to [`VALUES`]).
    pub fn module_with(self, size: usize, values: u32) -> Vec<u8> {
        let values = values.clamp(1, VALUES);
        let mut types = TypeSection::new();
        types.ty().function([], []);
        types.ty().function([], vec![ValType::I32; values as usize]);
        let mut f = Function::new([(2, ValType::I32)]);
        match self {
            Shape::BranchValues => branch_values(&mut f, size, values),
            Shape::ReturnValues => return_values(&mut f, size, values),
            Shape::BrTableValues => br_table_values(&mut f, size, values),
            Shape::BlockEntries => over_aliases(&mut f, size, &[0x02, 0x40, 0x0b]),
            Shape::LocalSets => over_aliases(&mut f, size, &[0x41, 0x00, 0x21, 0x01]),
            Shape::Ordinary => ordinary(&mut f, size),
        }
        f.instruction(&Instruction::End);
        let (func_type, main) = match self {
            Shape::ReturnValues => (1, 1),
            _ => (0, 0),
        };
        let mut funcs = FunctionSection::new();
        funcs.function(func_type);
        let mut code = CodeSection::new();
        code.function(&f);
        let mut exports = ExportSection::new();
        if main == 1 {
            // The function with results is not `main`; a second one is.
            funcs.function(0);
            let mut m = Function::new([]);
            m.instruction(&Instruction::End);
            code.function(&m);
            exports.export("run", ExportKind::Func, 0);
            exports.export("main", ExportKind::Func, 1);
        } else {
            exports.export("main", ExportKind::Func, 0);
        }
        exports.export("memory", ExportKind::Memory, 0);
        let mut memories = MemorySection::new();
        memories.memory(MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        let mut module = Module::new();
        module
            .section(&types)
            .section(&funcs)
            .section(&memories)
            .section(&exports)
            .section(&code);
        module.finish()
    }
}

/// `n` times the raw bytes `bytes`.
fn repeat(f: &mut Function, bytes: &[u8], n: usize) {
    for _ in 0..n {
        f.raw(bytes.iter().copied());
    }
}

/// Pushes `n` `i32.const 0`.
fn consts(f: &mut Function, n: u32) {
    repeat(f, &[0x41, 0x00], n as usize);
}

/// `block (result i32 x values)` around [`return_values`]'s code: the
/// branches then go to the block's label, and the block's values are
/// dropped after it.
fn branch_values(f: &mut Function, size: usize, values: u32) {
    f.instruction(&Instruction::Block(BlockType::FunctionType(1)));
    return_values(f, size, values);
    f.instruction(&Instruction::End);
    repeat(f, &[0x1a], values as usize);
}

/// An extra operand, then an inner block that pushes the values and
/// branches `size / 4` times with them to the label around it (the
/// function's, which returns the values); the inner block drops them, and
/// the values are pushed again below the extra one.
fn return_values(f: &mut Function, size: usize, values: u32) {
    let branches = size.saturating_sub(4 * values as usize) / 4;
    consts(f, 1);
    f.instruction(&Instruction::Block(BlockType::Empty));
    consts(f, values);
    for _ in 0..branches {
        f.instruction(&Instruction::LocalGet(0));
        f.instruction(&Instruction::BrIf(1));
    }
    repeat(f, &[0x1a], values as usize);
    f.instruction(&Instruction::End);
    consts(f, values - 1);
}

/// Blocks that each push the values and end in a `br_table` whose targets
/// all carry them to the outer label.
fn br_table_values(f: &mut Function, size: usize, values: u32) {
    let targets = 2 * values as usize;
    let per_table = 2 * values as usize + targets + 8;
    let tables = (size / per_table).max(1);
    f.instruction(&Instruction::Block(BlockType::FunctionType(1)));
    consts(f, 1);
    for _ in 0..tables {
        f.instruction(&Instruction::Block(BlockType::Empty));
        consts(f, values);
        f.instruction(&Instruction::LocalGet(0));
        let labels = vec![1u32; targets];
        f.instruction(&Instruction::BrTable(labels.into(), 1));
        f.instruction(&Instruction::End);
    }
    consts(f, values - 1);
    f.instruction(&Instruction::End);
    repeat(f, &[0x1a], values as usize);
}

/// Operands on the stack at once in the alias shapes.
const ALIASES: usize = 10_000;

/// `ALIASES` times `local.get 0`, then `unit` (raw bytes) repeated to fill
/// `size`, then the operands dropped.
fn over_aliases(f: &mut Function, size: usize, unit: &[u8]) {
    repeat(f, &[0x20, 0x00], ALIASES);
    let units = size.saturating_sub(3 * ALIASES) / unit.len();
    repeat(f, unit, units);
    repeat(f, &[0x1a], ALIASES);
}

/// `local1 = local1 * 3 + local0 ^ 5`, repeated.
fn ordinary(f: &mut Function, size: usize) {
    let unit = [
        0x20, 0x01, 0x41, 0x03, 0x6c, 0x20, 0x00, 0x6a, 0x41, 0x05, 0x73, 0x21, 0x01,
    ];
    repeat(f, &unit, size / unit.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_valid_and_near_its_size() {
        for shape in Shape::ALL {
            let bytes = shape.module(64 * 1024);
            wasmparser::Validator::new()
                .validate_all(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", shape.name()));
            assert!(
                (32 * 1024..=80 * 1024).contains(&bytes.len()),
                "{}: {} bytes",
                shape.name(),
                bytes.len()
            );
        }
    }
}
