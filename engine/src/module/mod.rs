//! Modules: decoded, validated and translated once, instantiated many times.

mod locate;
mod parse;

pub(crate) use locate::code_offset;
pub(crate) use parse::FEATURES;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::engine::Engine;
use crate::error::Error;
use crate::translate::CompiledFunc;
use crate::value::{FuncType, GlobalType, MemoryType, TableType, ValType};

/// A compiled WebAssembly module.
///
/// Decoding and validation happen once, in [`Module::new`]; each function
/// is translated once, at its first call or in [`Module::new`]
/// ([`Config::lazy_translation`](crate::Config::lazy_translation)). The
/// module can then be instantiated any number of times, and shared between
/// threads. Cheap to clone.
///
/// ```
/// let engine = engine::Engine::default();
/// let module = engine::Module::from_wat(&engine, r#"(module (func (export "f")))"#)?;
/// assert_eq!(module.exports().next().map(|e| e.name), Some("f"));
/// # Ok::<(), engine::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

/// One import of a module.
#[derive(Debug, Clone)]
pub struct ImportType<'a> {
    /// The module name.
    pub module: &'a str,
    /// The field name.
    pub name: &'a str,
    /// What is imported.
    pub ty: ExternType,
}

/// One export of a module.
#[derive(Debug, Clone)]
pub struct ExportType<'a> {
    /// The export name.
    pub name: &'a str,
    /// What is exported.
    pub ty: ExternType,
}

/// An export of a module found by name once ([`Module::get_export_index`]),
/// to take from each instance of that module without looking the name up
/// again ([`Instance::get_module_export`](crate::Instance::get_module_export)),
/// as wasmtime's `ModuleExport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleExport {
    /// The module's id ([`ModuleInner::id`]).
    module: u64,
    /// What it exports.
    index: ExternIndex,
}

impl ModuleExport {
    /// What it exports, if it is `module`'s export.
    pub(crate) fn index_in(&self, module: &ModuleInner) -> Option<ExternIndex> {
        (self.module == module.id).then_some(self.index)
    }
}

/// Ids of modules, for [`ModuleExport`]s to tell them apart: never
/// reused in a process, and never seen by the code a module runs.
static NEXT_MODULE_ID: AtomicU64 = AtomicU64::new(0);

/// A new module id.
pub(crate) fn next_module_id() -> u64 {
    NEXT_MODULE_ID.fetch_add(1, Ordering::Relaxed)
}

/// A constant expression of Wasm 2.0: one instruction.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConstExpr {
    /// A number, or a null reference (0).
    Value(u64),
    /// `ref.func`, function index space.
    RefFunc(u32),
    /// `global.get`, global index space.
    GlobalGet(u32),
}

/// An entity index of one of the four kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExternIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

/// What an import asks for.
#[derive(Debug, Clone)]
pub(crate) enum ImportKind {
    /// A function of the module's type `ty`.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone)]
pub(crate) struct ImportDesc {
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) kind: ImportKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub(crate) mode: ElemMode,
    pub(crate) items: Box<[ConstExpr]>,
}

#[derive(Debug, Clone)]
pub(crate) enum DataMode {
    Passive,
    Active { offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub(crate) mode: DataMode,
    pub(crate) bytes: Arc<[u8]>,
}

/// Everything a module holds after compilation.
#[derive(Debug)]
pub(crate) struct ModuleInner {
    pub(crate) engine: Engine,
    /// This module's id among the process's modules ([`ModuleExport`]).
    pub(crate) id: u64,
    /// The type section.
    pub(crate) types: Vec<FuncType>,
    /// Engine-wide ids of the type section's entries (one reference each,
    /// released on drop).
    pub(crate) type_ids: Vec<u32>,
    pub(crate) imports: Vec<ImportDesc>,
    /// The type index of every function, imports first.
    pub(crate) funcs: Vec<u32>,
    /// Every table type, imports first.
    pub(crate) tables: Vec<TableType>,
    /// Initial values of the defined tables.
    pub(crate) table_inits: Vec<ConstExpr>,
    pub(crate) memories: Vec<MemoryType>,
    pub(crate) globals: Vec<GlobalType>,
    /// Initial values of the defined globals.
    pub(crate) global_inits: Vec<ConstExpr>,
    pub(crate) exports: Vec<(String, ExternIndex)>,
    /// Positions in `exports`, sorted by name (names are distinct): what
    /// an instance's exports are looked up by.
    pub(crate) exports_by_name: Vec<u32>,
    pub(crate) start: Option<u32>,
    pub(crate) elems: Vec<ElemSegment>,
    pub(crate) datas: Vec<DataSegment>,
    pub(crate) num_imported_funcs: u32,
    pub(crate) num_imported_tables: u32,
    pub(crate) num_imported_memories: u32,
    pub(crate) num_imported_globals: u32,
    /// The translated bodies of the defined functions: each set when the
    /// module is compiled, or at the function's first call
    /// ([`ModuleInner::compile`]) when it translates lazily.
    pub(crate) code: Vec<OnceLock<CompiledFunc>>,
    /// When translating lazily: the code section's contents, and each
    /// defined function's body in it (binary offsets); empty otherwise.
    pub(crate) code_section: Box<[u8]>,
    pub(crate) bodies: Vec<std::ops::Range<u64>>,
    /// [`ModuleInner::measure`] when the module was compiled.
    pub(crate) static_footprint: usize,
    /// The bytes of the functions translated since, at their first calls.
    pub(crate) translated_bytes: AtomicUsize,
    /// Where the code section's contents begin in the binary.
    pub(crate) code_start: u64,
    /// Function names from the `name` section (read only when profiling).
    pub(crate) func_names: std::collections::HashMap<u32, String>,
}

impl Module {
    /// Decodes and validates a binary module, and translates its functions
    /// unless they translate lazily (at their first calls).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) for a malformed binary,
    /// [`ErrorKind::Validate`](crate::ErrorKind::Validate) for an invalid one,
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) for features
    /// beyond Wasm 2.0 (or SIMD), and [`ErrorKind::Limit`](crate::ErrorKind::Limit)
    /// when the module exceeds the configured limits.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        let inner = parse::parse(engine, bytes)?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Compiles a module from WebAssembly text.
    ///
    /// # Errors
    ///
    /// As [`Module::new`], and [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// for text that does not parse.
    #[cfg(feature = "wat")]
    pub fn from_wat(engine: &Engine, text: &str) -> Result<Self, Error> {
        let bytes = wat::parse_str(text).map_err(|e| {
            Error::new(crate::error::ErrorKind::Decode {
                offset: 0,
                message: e.to_string(),
            })
        })?;
        Self::new(engine, &bytes)
    }

    /// The engine the module was compiled with.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> + '_ {
        self.inner.imports.iter().map(|import| ImportType {
            module: &import.module,
            name: &import.name,
            ty: self.inner.import_type(&import.kind),
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> + '_ {
        self.inner.exports.iter().map(|(name, index)| ExportType {
            name,
            ty: self.inner.extern_type(*index),
        })
    }

    /// The export called `name`, found once, to take from each instance
    /// of this module ([`Instance::get_module_export`](crate::Instance::get_module_export))
    /// without looking the name up again.
    pub fn get_export_index(&self, name: &str) -> Option<ModuleExport> {
        Some(ModuleExport {
            module: self.inner.id,
            index: self.inner.export(name)?,
        })
    }

    /// Whether the module has a start function.
    pub fn has_start(&self) -> bool {
        self.inner.start.is_some()
    }

    /// How many memories the module has, imported or defined.
    pub fn memory_count(&self) -> usize {
        self.inner.memories.len()
    }

    /// How many tables the module has, imported or defined.
    pub fn table_count(&self) -> usize {
        self.inner.tables.len()
    }

    /// The total size of the translated code, in instructions.
    ///
    /// Behind the `testing` feature: the instruction format is internal,
    /// and only tests of the translator (its fusions and its bounds) count
    /// instructions.
    #[cfg(feature = "testing")]
    pub fn instruction_count(&self) -> usize {
        (0..self.inner.code.len() as u32)
            .filter_map(|f| self.inner.compile(f))
            .map(|f| f.code.len())
            .sum()
    }

    /// How many of the translated instructions hand their result to the
    /// next one only in the interpreter's accumulator (a machine
    /// register), not through the frame, and how many read an operand
    /// from it.
    ///
    /// Behind the `testing` feature, as [`Module::instruction_count`].
    #[cfg(feature = "testing")]
    pub fn accumulator_use(&self) -> (usize, usize) {
        (0..self.inner.code.len() as u32)
            .filter_map(|f| self.inner.compile(f))
            .flat_map(|f| f.code.iter().map(|op| op.instr().acc_use()))
            .fold((0, 0), |(only, reads), (writes, read)| {
                (only + usize::from(writes), reads + usize::from(read != 0))
            })
    }

    /// How many of the module's functions are translated (all of them
    /// unless it translates lazily and some were never called).
    #[cfg(feature = "testing")]
    pub fn translated_functions(&self) -> usize {
        self.inner.code.iter().filter(|f| f.get().is_some()).count()
    }

    /// About how many bytes of memory the compiled module holds: its
    /// translated code, segments and declarations (for caches that bound
    /// what they keep by bytes).
    ///
    /// It grows as functions are translated at their first calls
    /// ([`Config::lazy_translation`](crate::Config::lazy_translation)):
    /// a cache that bounds its bytes asks again when it hands the module
    /// out.
    pub fn footprint(&self) -> usize {
        let m = &*self.inner;
        m.static_footprint
            .saturating_add(m.translated_bytes.load(Ordering::Relaxed))
    }
}

/// What a translated function holds, in bytes (about).
fn code_footprint(f: &CompiledFunc) -> usize {
    let op = std::mem::size_of::<crate::exec::dispatch::Op>();
    f.code.len() * op + f.blocks.len() * 16 + f.block_costs.len() * 16 + 64
}

impl ModuleInner {
    /// What the module holds in bytes (about), but for the functions it
    /// translates after this: its declarations, segments, code section (if
    /// it translates lazily) and the functions translated so far.
    pub(crate) fn measure(&self) -> usize {
        let m = self;
        let code: usize = m
            .code
            .iter()
            .filter_map(OnceLock::get)
            .map(code_footprint)
            .fold(0usize, usize::saturating_add)
            .saturating_add(m.code_section.len());
        let datas: usize = m.datas.iter().map(|d| d.bytes.len() + 32).sum();
        let elems: usize = m
            .elems
            .iter()
            .map(|e| e.items.len() * std::mem::size_of::<ConstExpr>() + 32)
            .sum();
        let types: usize = m
            .types
            .iter()
            .map(|t| (t.params().len() + t.results().len()) + 48)
            .sum();
        let entities =
            (m.funcs.len() + m.imports.len() + m.exports.len()) * 32 + m.globals.len() * 24;
        std::mem::size_of::<ModuleInner>() + code + datas + elems + types + entities
    }
}

impl Drop for ModuleInner {
    fn drop(&mut self) {
        for &id in &self.type_ids {
            self.engine.release_type(id);
        }
    }
}

impl ModuleInner {
    /// The memory pages and table elements the module's own memories and
    /// tables start with: what instantiating it takes from a store's
    /// allowance (`instantiate`, and `park::reset` for a kept instance).
    pub(crate) fn initial_growth(&self) -> (u64, u64) {
        let pages = self.memories[self.num_imported_memories as usize..]
            .iter()
            .map(|ty| u64::from(ty.min))
            .sum();
        let elements = self.tables[self.num_imported_tables as usize..]
            .iter()
            .map(|ty| u64::from(ty.min))
            .sum();
        (pages, elements)
    }

    /// Defined function `func`'s code, if it is translated.
    #[inline]
    pub(crate) fn compiled(&self, func: u32) -> Option<&CompiledFunc> {
        self.code.get(func as usize)?.get()
    }

    /// Defined function `func`'s code, translated now if it was not yet:
    /// `None` for a function out of range, or when the system has no
    /// memory for the code (the only failure left after the checks at
    /// load). Two threads may translate the same function at once; the
    /// translations are equal, and one is kept.
    pub(crate) fn compile(&self, func: u32) -> Option<&CompiledFunc> {
        let cell = self.code.get(func as usize)?;
        if let Some(compiled) = cell.get() {
            return Some(compiled);
        }
        let range = self.bodies.get(func as usize)?;
        let from = usize::try_from(range.start.checked_sub(self.code_start)?).ok()?;
        let to = usize::try_from(range.end.checked_sub(self.code_start)?).ok()?;
        let reader = wasmparser::BinaryReader::new(self.code_section.get(from..to)?, range.start);
        let body = wasmparser::FunctionBody::new(reader);
        let index = self.num_imported_funcs.checked_add(func)?;
        let compiled = crate::translate::translate_checked(self, index, &body).ok()?;
        let bytes = code_footprint(&compiled);
        // Another thread may have set it first: its code is the same.
        if cell.set(compiled).is_ok() {
            self.translated_bytes.fetch_add(bytes, Ordering::Relaxed);
        }
        cell.get()
    }

    /// The export called `name`.
    pub(crate) fn export(&self, name: &str) -> Option<ExternIndex> {
        let at = self
            .exports_by_name
            .binary_search_by(|&i| {
                let (export, _) = &self.exports[i as usize];
                export.as_str().cmp(name)
            })
            .ok()?;
        let position = *self.exports_by_name.get(at)?;
        Some(self.exports.get(position as usize)?.1)
    }

    pub(crate) fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize] as usize]
    }

    fn import_type(&self, kind: &ImportKind) -> ExternType {
        match kind {
            ImportKind::Func(ty) => ExternType::Func(self.types[*ty as usize].clone()),
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(m) => ExternType::Memory(*m),
            ImportKind::Global(g) => ExternType::Global(*g),
        }
    }

    fn extern_type(&self, index: ExternIndex) -> ExternType {
        match index {
            ExternIndex::Func(f) => ExternType::Func(self.func_type(f).clone()),
            ExternIndex::Table(t) => ExternType::Table(self.tables[t as usize]),
            ExternIndex::Memory(m) => ExternType::Memory(self.memories[m as usize]),
            ExternIndex::Global(g) => ExternType::Global(self.globals[g as usize]),
        }
    }
}

impl crate::translate::ModuleEnv for ModuleInner {
    /// (0, 0) for an index out of range: the translator asks before the
    /// validator has checked the operator (`translate/work.rs`).
    fn func_arity(&self, func: u32) -> (u32, u32) {
        self.funcs
            .get(func as usize)
            .map_or((0, 0), |&ty| self.type_arity(ty))
    }

    fn type_arity(&self, ty: u32) -> (u32, u32) {
        self.types.get(ty as usize).map_or((0, 0), |ty| {
            (ty.params().len() as u32, ty.results().len() as u32)
        })
    }

    fn type_id(&self, ty: u32) -> u32 {
        self.type_ids[ty as usize]
    }

    fn num_imported_funcs(&self) -> u32 {
        self.num_imported_funcs
    }

    fn profiling(&self) -> bool {
        self.engine.config().profile
    }

    fn code_start(&self) -> u64 {
        self.code_start
    }

    fn cost_model(&self) -> Option<&dyn crate::cost::CostModel> {
        let config = self.engine.config();
        let model = &*config.cost_model;
        // A profiled store counts block runs and calls even when operators
        // are free.
        (config.consume_fuel && (model.charges_operators() || config.profile)).then_some(model)
    }

    fn operator_costs(&self) -> Option<&[u64]> {
        Some(self.engine.operator_costs())
    }

    fn refused(&self) -> crate::OpcodeSet {
        self.engine.config().refused
    }
}

/// The element type of a wasmparser reference type (Wasm 2.0 has two).
pub(crate) fn ref_val_type(ty: wasmparser::RefType) -> ValType {
    if ty == wasmparser::RefType::EXTERNREF {
        ValType::ExternRef
    } else {
        ValType::FuncRef
    }
}
