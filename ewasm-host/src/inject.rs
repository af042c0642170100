//! Ewasm's metering injection, as the Sentinel does it: every metering block
//! of every function starts with `i64.const <cost>; call $useGas`, and
//! `memory.grow` goes through a helper that charges its pages first.
//!
//! The rules (`ewasm/sentinel-rs` with its pwasm-utils fork, see
//! `shared/ewasm-spec.md` section (d)): an implicit block opens at each
//! function's entry; `block`, `loop` and `if` add their own cost to the
//! enclosing block and open a new one; `else` closes the `then` block and
//! opens another; `end` closes. Every block starts at 1, for its `end`, and
//! is paid in full at its entry. The import `ethereum.useGas (i64)` is
//! appended as the last function import, so every defined function's index
//! moves up by one in calls, `ref.func`, exports, element segments and the
//! start function. The grow helper is appended as the last function and is
//! not itself metered.
//!
//! The bulk memory operators (`memory.fill`, `memory.copy`, `memory.init`),
//! which the Sentinel never met (Ewasm was WebAssembly 1.0), go through
//! helpers too: each charges `COPY_WORD` gas per 32-byte word of its length
//! (rounded up, as the EEI's copies are priced), then does the work. The
//! engine's [`EwasmCostModel`](crate::EwasmCostModel) charges the same.

use std::fmt;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{
    CodeSection, EntityType, FunctionSection, ImportSection, Instruction, SectionId, TypeSection,
    ValType,
};
use wasmparser::{FunctionBody, Operator, Parser, Payload, TypeRef};

use crate::gas;
use crate::metering::float_operators;

/// How to inject.
#[derive(Debug, Clone, Copy)]
pub struct InjectOptions {
    /// Price floating-point instructions at 1 instead of refusing them (the
    /// Sentinel refuses them; equivalence tests over the spec suite price
    /// them).
    pub allow_floats: bool,
    /// Gas per page of `memory.grow`.
    pub grow_page: u64,
}

impl Default for InjectOptions {
    fn default() -> Self {
        Self {
            allow_floats: false,
            grow_page: gas::MEMORY_GROW_PAGE,
        }
    }
}

/// Why a module could not be metered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectError {
    /// The module is not valid WebAssembly 2.0: the engine's message.
    Invalid(String),
    /// The module already imports `ethereum.useGas`.
    AlreadyMetered,
    /// A floating-point instruction, at this byte offset.
    FloatingPoint(u64),
    /// The encoder failed.
    Encode(String),
}

impl fmt::Display for InjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InjectError::Invalid(e) => f.write_str(e),
            InjectError::AlreadyMetered => {
                f.write_str("the module already imports ethereum.useGas")
            }
            InjectError::FloatingPoint(offset) => {
                write!(f, "floating-point instruction at byte {offset:#x}")
            }
            InjectError::Encode(e) => write!(f, "cannot encode: {e}"),
        }
    }
}

impl std::error::Error for InjectError {}

/// What the first pass learns of the module.
#[derive(Debug, Default)]
struct Survey {
    types: u32,
    imported_funcs: u32,
    defined_funcs: u32,
    /// The helpers the code needs, in the order they are appended.
    helpers: std::collections::BTreeSet<Helper>,
}

/// A function the injection appends: it charges, then does an operator's
/// work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    Grow,
    Fill,
    Copy,
    /// `memory.init` of this data segment.
    Init(u32),
}

impl Helper {
    /// The helper an operator goes through, if any.
    fn of(op: &Operator<'_>) -> Option<Helper> {
        match op {
            Operator::MemoryGrow { .. } => Some(Helper::Grow),
            Operator::MemoryFill { .. } => Some(Helper::Fill),
            Operator::MemoryCopy { .. } => Some(Helper::Copy),
            Operator::MemoryInit { data_index, .. } => Some(Helper::Init(*data_index)),
            _ => None,
        }
    }
}

/// Validates `wasm` as the engine does, refusing floating point unless
/// `options` allow it (one pass, with the engine's own operator rules).
fn check(wasm: &[u8], options: &InjectOptions) -> Result<(), InjectError> {
    let mut config = engine::Config::default();
    if !options.allow_floats {
        config.refuse_operators(float_operators());
    }
    let engine = engine::Engine::new(&config);
    match engine::Module::new(&engine, wasm) {
        Ok(_) => Ok(()),
        Err(e) => match e.kind() {
            engine::ErrorKind::RefusedOperator { offset, .. } => {
                Err(InjectError::FloatingPoint(*offset))
            }
            _ => Err(InjectError::Invalid(e.to_string())),
        },
    }
}

fn survey(wasm: &[u8], options: &InjectOptions) -> Result<Survey, InjectError> {
    let invalid = |e: wasmparser::BinaryReaderError| InjectError::Invalid(e.to_string());
    check(wasm, options)?;
    let mut survey = Survey::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(invalid)? {
            Payload::TypeSection(reader) => survey.types = reader.count(),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(invalid)?;
                    if let TypeRef::Func(_) | TypeRef::FuncExact(_) = import.ty {
                        if import.module == "ethereum" && import.name == "useGas" {
                            return Err(InjectError::AlreadyMetered);
                        }
                        survey.imported_funcs += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                survey.defined_funcs += 1;
                let mut reader = body.get_operators_reader().map_err(invalid)?;
                while !reader.eof() {
                    let op = reader.read().map_err(invalid)?;
                    if let Some(helper) = Helper::of(&op) {
                        survey.helpers.insert(helper);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(survey)
}

/// Rewrites `wasm` so that it charges its own gas through `ethereum.useGas`.
///
/// # Errors
///
/// [`InjectError`] for an invalid module, one that already imports
/// `useGas`, or (unless allowed) floating point.
pub fn inject_metering(wasm: &[u8], options: &InjectOptions) -> Result<Vec<u8>, InjectError> {
    let survey = survey(wasm, options)?;
    let mut injector = Injector {
        gas_type: survey.types,
        grow_type: survey.types + 1,
        bulk_type: survey.types + 2,
        gas_func: survey.imported_funcs,
        helpers: survey.helpers.iter().copied().collect(),
        first_helper: survey.imported_funcs + 1 + survey.defined_funcs,
        imported_funcs: survey.imported_funcs,
        grow_page: options.grow_page,
        pending: vec![SectionId::Type, SectionId::Import],
    };
    if !injector.helpers.is_empty() {
        injector.pending.push(SectionId::Function);
        injector.pending.push(SectionId::Code);
    }
    let mut module = wasm_encoder::Module::new();
    injector
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| InjectError::Encode(format!("{e:?}")))?;
    Ok(module.finish())
}

struct Injector {
    gas_type: u32,
    grow_type: u32,
    bulk_type: u32,
    gas_func: u32,
    /// The appended helpers, in order, from function `first_helper` on.
    helpers: Vec<Helper>,
    first_helper: u32,
    imported_funcs: u32,
    grow_page: u64,
    /// Sections still to write, because the module has none of its own.
    pending: Vec<SectionId>,
}

type Result2<T> = Result<T, reencode::Error<std::convert::Infallible>>;

/// Where a section goes in a module (custom sections aside).
fn order(id: SectionId) -> u8 {
    match id {
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
        _ => 0,
    }
}

impl Injector {
    fn done(&mut self, id: SectionId) {
        self.pending.retain(|s| *s != id);
    }

    /// The function index of `helper`.
    fn helper_func(&self, helper: Helper) -> Option<u32> {
        let at = self.helpers.iter().position(|h| *h == helper)?;
        Some(self.first_helper + at as u32)
    }

    /// `useGas`'s type, the grow helper's, the bulk helpers' (added whether
    /// or not they are used, so that the indices stay fixed).
    fn add_types(&self, types: &mut TypeSection) {
        types.ty().function([ValType::I64], []);
        types.ty().function([ValType::I32], [ValType::I32]);
        types
            .ty()
            .function([ValType::I32, ValType::I32, ValType::I32], []);
    }

    fn add_import(&self, imports: &mut ImportSection) {
        imports.import("ethereum", "useGas", EntityType::Function(self.gas_type));
    }

    fn add_helper_decls(&self, functions: &mut FunctionSection) {
        for helper in &self.helpers {
            functions.function(match helper {
                Helper::Grow => self.grow_type,
                _ => self.bulk_type,
            });
        }
    }

    /// The helpers' bodies. Grow: `(param pages) (result i32)`, charges
    /// `pages * grow_page`. Bulk: `(param i32 i32 len)`, charges
    /// `COPY_WORD * ceil(len / 32)`. Each then does the operator's work.
    fn add_helper_bodies(&self, code: &mut CodeSection) {
        for helper in &self.helpers {
            let mut f = wasm_encoder::Function::new([]);
            if *helper == Helper::Grow {
                f.instruction(&Instruction::LocalGet(0))
                    .instruction(&Instruction::I64ExtendI32U)
                    .instruction(&Instruction::I64Const(price(self.grow_page)))
                    .instruction(&Instruction::I64Mul)
                    .instruction(&Instruction::Call(self.gas_func))
                    .instruction(&Instruction::LocalGet(0))
                    .instruction(&Instruction::MemoryGrow(0))
                    .instruction(&Instruction::End);
                code.function(&f);
                continue;
            }
            f.instruction(&Instruction::LocalGet(2))
                .instruction(&Instruction::I64ExtendI32U)
                .instruction(&Instruction::I64Const(31))
                .instruction(&Instruction::I64Add)
                .instruction(&Instruction::I64Const(5))
                .instruction(&Instruction::I64ShrU)
                .instruction(&Instruction::I64Const(price(gas::COPY_WORD)))
                .instruction(&Instruction::I64Mul)
                .instruction(&Instruction::Call(self.gas_func))
                .instruction(&Instruction::LocalGet(0))
                .instruction(&Instruction::LocalGet(1))
                .instruction(&Instruction::LocalGet(2));
            f.instruction(&match helper {
                Helper::Fill => Instruction::MemoryFill(0),
                Helper::Copy => Instruction::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                },
                Helper::Init(data) => Instruction::MemoryInit {
                    mem: 0,
                    data_index: *data,
                },
                Helper::Grow => Instruction::Unreachable,
            });
            f.instruction(&Instruction::End);
            code.function(&f);
        }
    }

    /// The metering blocks of a body: (operator index to charge before,
    /// cost), as the Sentinel computes them.
    fn blocks(ops: &[Operator<'_>]) -> Vec<(usize, u64)> {
        let mut blocks: Vec<(usize, u64)> = vec![(0, gas::BLOCK_END)];
        let mut open: Vec<usize> = vec![0];
        for (i, op) in ops.iter().enumerate() {
            let top = open.last().copied();
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    if let Some(top) = top {
                        blocks[top].1 += gas::INSTRUCTION;
                    }
                    open.push(blocks.len());
                    blocks.push((i + 1, gas::BLOCK_END));
                }
                Operator::Else => {
                    open.pop();
                    open.push(blocks.len());
                    blocks.push((i + 1, gas::BLOCK_END));
                }
                Operator::End => {
                    open.pop();
                }
                _ => {
                    if let Some(top) = top {
                        blocks[top].1 += gas::INSTRUCTION;
                    }
                }
            }
        }
        blocks.sort_by_key(|b| b.0);
        blocks
    }
}

impl Reencode for Injector {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result2<u32> {
        Ok(if func >= self.imported_funcs {
            func + 1
        } else {
            func
        })
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result2<()> {
        reencode::utils::parse_type_section(self, types, section)?;
        self.add_types(types);
        self.done(SectionId::Type);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result2<()> {
        reencode::utils::parse_import_section(self, imports, section)?;
        self.add_import(imports);
        self.done(SectionId::Import);
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result2<()> {
        reencode::utils::parse_function_section(self, functions, section)?;
        self.add_helper_decls(functions);
        self.done(SectionId::Function);
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result2<()> {
        reencode::utils::parse_code_section(self, code, section)?;
        self.add_helper_bodies(code);
        self.done(SectionId::Code);
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: FunctionBody<'_>,
    ) -> Result2<()> {
        let mut f = self.new_function_with_parsed_locals(&body)?;
        let mut reader = body.get_operators_reader()?;
        let mut ops = Vec::new();
        while !reader.eof() {
            ops.push(reader.read()?);
        }
        let blocks = Self::blocks(&ops);
        let mut next = blocks.iter().peekable();
        for (i, op) in ops.into_iter().enumerate() {
            while let Some((_, cost)) = next.next_if(|b| b.0 == i) {
                f.instruction(&Instruction::I64Const(price(*cost)))
                    .instruction(&Instruction::Call(self.gas_func));
            }
            match Helper::of(&op).and_then(|h| self.helper_func(h)) {
                Some(helper) => {
                    f.instruction(&Instruction::Call(helper));
                }
                None => {
                    f.instruction(&self.instruction(op)?);
                }
            }
        }
        code.function(&f);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result2<()> {
        // Write the sections the module lacks, in their place.
        let limit = before.map_or(u8::MAX, order);
        let due: Vec<SectionId> = self
            .pending
            .iter()
            .copied()
            .filter(|id| order(*id) < limit)
            .collect();
        for id in due {
            match id {
                SectionId::Type => {
                    let mut types = TypeSection::new();
                    self.add_types(&mut types);
                    module.section(&types);
                }
                SectionId::Import => {
                    let mut imports = ImportSection::new();
                    self.add_import(&mut imports);
                    module.section(&imports);
                }
                SectionId::Function => {
                    let mut functions = FunctionSection::new();
                    self.add_helper_decls(&mut functions);
                    module.section(&functions);
                }
                SectionId::Code => {
                    let mut code = CodeSection::new();
                    self.add_helper_bodies(&mut code);
                    module.section(&code);
                }
                _ => {}
            }
            self.done(id);
        }
        Ok(())
    }
}

/// A price as the `i64` that `useGas` takes (`i64::MAX` above it: a charge
/// no execution can pay).
fn price(cost: u64) -> i64 {
    gas::Gas::new(cost).map_or(i64::MAX, gas::Gas::to_evmc)
}
