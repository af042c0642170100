//! Decoding a binary into a [`ModuleInner`], validating and translating as
//! the sections arrive.

use std::sync::{Arc, OnceLock};

use wasmparser::{
    CompositeInnerType, DataKind, ElementItems, ElementKind, FuncValidatorAllocations, Operator,
    Parser, Payload, TableInit, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use super::{
    ref_val_type, ConstExpr, DataMode, DataSegment, ElemMode, ElemSegment, ExternIndex, ImportDesc,
    ImportKind, ModuleInner,
};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, LimitError};
use crate::translate::{
    check_body, code_bound, translate, Budget, Scratch, WORK_PER_BYTE, WORK_SLACK,
};
use crate::value::{FuncType, GlobalType, MemoryType, TableType, ValType};

/// Exactly WebAssembly 2.0 without SIMD.
pub(crate) const FEATURES: WasmFeatures = WasmFeatures::WASM2.difference(WasmFeatures::SIMD);

fn decode(e: wasmparser::BinaryReaderError) -> Error {
    Error::from_wasmparser(e, false)
}

fn validate(e: wasmparser::BinaryReaderError) -> Error {
    Error::from_wasmparser(e, true)
}

fn unsupported(offset: u64, what: &str) -> Error {
    Error::new(ErrorKind::Unsupported {
        offset,
        message: format!("{what} is not supported"),
    })
}

fn val_type(ty: wasmparser::ValType, offset: u64) -> Result<ValType, Error> {
    ValType::from_wasmparser(ty).ok_or_else(|| unsupported(offset, "this value type"))
}

fn table_type(ty: &wasmparser::TableType) -> TableType {
    TableType {
        element: ref_val_type(ty.element_type),
        // Validation bounds 32-bit table limits by u32::MAX.
        min: ty.initial as u32,
        max: ty.maximum.map(|m| m as u32),
    }
}

fn memory_type(ty: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        // Validation bounds 32-bit memory limits by 65,536 pages.
        min: ty.initial as u32,
        max: ty.maximum.map(|m| m as u32),
    }
}

fn global_type(ty: &wasmparser::GlobalType, offset: u64) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: val_type(ty.content_type, offset)?,
        mutable: ty.mutable,
    })
}

/// Reads a validated constant expression (one instruction in Wasm 2.0).
fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
    let mut reader = expr.get_operators_reader();
    let offset = reader.original_position();
    let op = reader.read().map_err(decode)?;
    Ok(match op {
        Operator::I32Const { value } => ConstExpr::Value(u64::from(value as u32)),
        Operator::I64Const { value } => ConstExpr::Value(value as u64),
        Operator::F32Const { value } => ConstExpr::Value(u64::from(value.bits())),
        Operator::F64Const { value } => ConstExpr::Value(value.bits()),
        Operator::RefNull { .. } => ConstExpr::Value(0),
        Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        _ => return Err(unsupported(offset, "this constant expression")),
    })
}

/// The features beyond Wasm 2.0 that get their own error, by name.
const BEYOND: [(WasmFeatures, &str); 12] = [
    (WasmFeatures::SIMD, "SIMD"),
    (WasmFeatures::RELAXED_SIMD, "relaxed SIMD"),
    (WasmFeatures::THREADS, "threads"),
    (
        WasmFeatures::SHARED_EVERYTHING_THREADS,
        "shared-everything threads",
    ),
    (WasmFeatures::TAIL_CALL, "tail calls"),
    (WasmFeatures::MEMORY64, "memory64"),
    (WasmFeatures::MULTI_MEMORY, "multi-memory"),
    (WasmFeatures::EXCEPTIONS, "exception handling"),
    (WasmFeatures::LEGACY_EXCEPTIONS, "legacy exception handling"),
    (
        WasmFeatures::EXTENDED_CONST,
        "extended constant expressions",
    ),
    (
        WasmFeatures::FUNCTION_REFERENCES,
        "typed function references",
    ),
    (WasmFeatures::GC, "garbage collection"),
];

/// Decodes, validates and translates `bytes`. A module that fails only
/// because it uses a feature beyond Wasm 2.0 gets an error naming it.
pub(super) fn parse(engine: &Engine, bytes: &[u8]) -> Result<ModuleInner, Error> {
    parse_module(engine, bytes).map_err(|error| match error.kind() {
        ErrorKind::Decode { offset, .. } | ErrorKind::Validate { offset, .. } => {
            match feature_needed(bytes) {
                Some(name) => Error::new(ErrorKind::Unsupported {
                    offset: *offset,
                    message: format!(
                        "{name} is not supported (WebAssembly 2.0 without SIMD only): {error}"
                    ),
                }),
                None => error,
            }
        }
        _ => error,
    })
}

/// The first feature beyond Wasm 2.0 that would make `bytes` valid (SIMD
/// operators decode: wasmparser's `simd` feature is on, so the validator
/// refuses them as a feature like any other).
fn feature_needed(bytes: &[u8]) -> Option<&'static str> {
    let all = BEYOND.iter().fold(FEATURES, |acc, (f, _)| acc | *f);
    if Validator::new_with_features(all)
        .validate_all(bytes)
        .is_err()
    {
        return None;
    }
    BEYOND.iter().find_map(|(feature, name)| {
        let mut features = FEATURES | *feature;
        // Features that build on others need them too.
        if feature.contains(WasmFeatures::GC) || feature.contains(WasmFeatures::FUNCTION_REFERENCES)
        {
            features |= WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::GC_TYPES;
        }
        if feature.contains(WasmFeatures::RELAXED_SIMD) {
            features |= WasmFeatures::SIMD;
        }
        Validator::new_with_features(features)
            .validate_all(bytes)
            .is_ok()
            .then_some(*name)
    })
}

fn parse_module(engine: &Engine, bytes: &[u8]) -> Result<ModuleInner, Error> {
    let max = engine.config().max_module_size;
    if bytes.len() > max {
        return Err(LimitError::ModuleSize {
            size: bytes.len(),
            max,
        }
        .into());
    }
    let mut m = ModuleInner {
        engine: engine.clone(),
        id: super::next_module_id(),
        types: Vec::new(),
        type_ids: Vec::new(),
        imports: Vec::new(),
        funcs: Vec::new(),
        tables: Vec::new(),
        table_inits: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        global_inits: Vec::new(),
        exports: Vec::new(),
        exports_by_name: Vec::new(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        num_imported_funcs: 0,
        num_imported_tables: 0,
        num_imported_memories: 0,
        num_imported_globals: 0,
        code: Vec::new(),
        code_section: Box::default(),
        bodies: Vec::new(),
        static_footprint: 0,
        translated_bytes: std::sync::atomic::AtomicUsize::new(0),
        code_start: 0,
        func_names: std::collections::HashMap::new(),
    };
    let mut validator = Validator::new_with_features(FEATURES);
    // One set of buffers serves every function of the module.
    let mut scratch = Scratch::default();
    let mut budget = Budget {
        code: engine.config().max_code_instructions,
        work: WORK_SLACK,
    };
    let mut allocs = FuncValidatorAllocations::default();
    // Whether the functions translate at their first calls, and those that
    // translate at load all the same (the start function, and the exports
    // the config names: the sections before the code have named them).
    let mut lazy = false;
    let mut at_load: Vec<u32> = Vec::new();
    let mut parser = Parser::new(0);
    // Decoding depends on the features too (e.g. 32-bit memory limits).
    parser.set_features(FEATURES);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(decode)?;
        match &payload {
            Payload::CodeSectionStart {
                count,
                unchecked_range,
                ..
            } => {
                m.code_start = unchecked_range.start;
                let size = unchecked_range.end - unchecked_range.start;
                budget.work = WORK_PER_BYTE
                    .saturating_mul(size)
                    .saturating_add(WORK_SLACK);
                // Lazily only if no translation can meet the module's code
                // allowance, which then cannot refuse a first call.
                lazy = engine.config().lazy_translation
                    && code_bound(size, u64::from(*count)) <= budget.code;
                if lazy {
                    at_load = translated_at_load(&m, &engine.config().eager_exports);
                    // With every function translated at load, as a
                    // contract of one function is, nothing is left for a
                    // first call: the module translates eagerly, and keeps
                    // no copy of its code section.
                    lazy = !all_at_load(&m, *count, &at_load);
                }
                if lazy {
                    m.code_section = copy(bytes, unchecked_range.clone())?;
                }
            }
            Payload::CustomSection(reader) if engine.config().profile => {
                read_names(&mut m, reader);
            }
            _ => {}
        }
        if let ValidPayload::Func(func, body) = validator.payload(&payload).map_err(validate)? {
            let mut func = func.into_validator(std::mem::take(&mut allocs));
            let index = func.index();
            if lazy && !at_load.contains(&index) {
                check_body(&m, index, &mut func, &body, &mut budget.work, &mut scratch)?;
                m.code.push(OnceLock::new());
                m.bodies.push(body.range());
            } else {
                // Translated now; a lazy module notes every body all the
                // same, indexed as its code.
                if lazy {
                    m.bodies.push(body.range());
                }
                let compiled = translate(&m, index, &mut func, &body, &mut budget, &mut scratch)?;
                m.code.push(OnceLock::from(compiled));
            }
            allocs = func.into_allocations();
            continue;
        }
        section(&mut m, payload)?;
    }
    let mut by_name: Vec<u32> = (0..m.exports.len() as u32).collect();
    by_name.sort_by(|&a, &b| m.exports[a as usize].0.cmp(&m.exports[b as usize].0));
    m.exports_by_name = by_name;
    m.static_footprint = m.measure();
    Ok(m)
}

/// The functions a lazily translated module translates at load: its start
/// function and the functions exported under `names`.
fn translated_at_load(m: &ModuleInner, names: &[String]) -> Vec<u32> {
    let exported = m.exports.iter().filter_map(|(name, index)| match index {
        ExternIndex::Func(f) if names.contains(name) => Some(*f),
        _ => None,
    });
    m.start.into_iter().chain(exported).collect()
}

/// Whether `at_load` names every one of the module's `count` defined
/// functions (`at_load` holds function indices, imports counted).
fn all_at_load(m: &ModuleInner, count: u32, at_load: &[u32]) -> bool {
    let first = m.num_imported_funcs;
    // Stops at the first function not named: at most `at_load.len() + 1`
    // functions are looked up.
    (first..first.saturating_add(count)).all(|f| at_load.contains(&f))
}

/// Function names from a `name` section; a malformed one is ignored (it is
/// a custom section: it never makes a module invalid).
fn read_names(m: &mut ModuleInner, reader: &wasmparser::CustomSectionReader<'_>) {
    let wasmparser::KnownCustom::Name(names) = reader.as_known() else {
        return;
    };
    for subsection in names.into_iter().flatten() {
        if let wasmparser::Name::Function(map) = subsection {
            for naming in map.into_iter().flatten() {
                m.func_names.insert(naming.index, naming.name.to_string());
            }
        }
    }
}

/// Records one (validated) section.
fn section(m: &mut ModuleInner, payload: Payload<'_>) -> Result<(), Error> {
    match payload {
        Payload::TypeSection(reader) => {
            for group in reader {
                let group = group.map_err(decode)?;
                for sub in group.into_types() {
                    let CompositeInnerType::Func(ty) = &sub.composite_type.inner else {
                        return Err(unsupported(0, "a non-function type"));
                    };
                    let params = ty
                        .params()
                        .iter()
                        .map(|t| val_type(*t, 0))
                        .collect::<Result<Vec<_>, _>>()?;
                    let results = ty
                        .results()
                        .iter()
                        .map(|t| val_type(*t, 0))
                        .collect::<Result<Vec<_>, _>>()?;
                    let ty = FuncType::new(params, results);
                    m.type_ids.push(m.engine.type_id(&ty));
                    m.types.push(ty);
                }
            }
        }
        Payload::ImportSection(reader) => {
            for group in reader {
                for import in group.map_err(decode)? {
                    let (_, import) = import.map_err(decode)?;
                    let kind = match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                            m.funcs.push(ty);
                            m.num_imported_funcs += 1;
                            ImportKind::Func(ty)
                        }
                        TypeRef::Table(ty) => {
                            let ty = table_type(&ty);
                            m.tables.push(ty);
                            m.num_imported_tables += 1;
                            ImportKind::Table(ty)
                        }
                        TypeRef::Memory(ty) => {
                            let ty = memory_type(&ty);
                            m.memories.push(ty);
                            m.num_imported_memories += 1;
                            ImportKind::Memory(ty)
                        }
                        TypeRef::Global(ty) => {
                            let ty = global_type(&ty, 0)?;
                            m.globals.push(ty);
                            m.num_imported_globals += 1;
                            ImportKind::Global(ty)
                        }
                        TypeRef::Tag(_) => return Err(unsupported(0, "a tag import")),
                    };
                    m.imports.push(ImportDesc {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                m.funcs.push(ty.map_err(decode)?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = table.map_err(decode)?;
                m.tables.push(table_type(&table.ty));
                m.table_inits.push(match table.init {
                    TableInit::RefNull => ConstExpr::Value(0),
                    TableInit::Expr(expr) => const_expr(&expr)?,
                });
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                m.memories.push(memory_type(&memory.map_err(decode)?));
            }
        }
        Payload::GlobalSection(reader) => {
            for global in reader {
                let global = global.map_err(decode)?;
                m.globals.push(global_type(&global.ty, 0)?);
                m.global_inits.push(const_expr(&global.init_expr)?);
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                let export = export.map_err(decode)?;
                let index = match export.kind {
                    wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                        ExternIndex::Func(export.index)
                    }
                    wasmparser::ExternalKind::Table => ExternIndex::Table(export.index),
                    wasmparser::ExternalKind::Memory => ExternIndex::Memory(export.index),
                    wasmparser::ExternalKind::Global => ExternIndex::Global(export.index),
                    wasmparser::ExternalKind::Tag => return Err(unsupported(0, "a tag export")),
                };
                m.exports.push((export.name.to_string(), index));
            }
        }
        Payload::StartSection { func, .. } => m.start = Some(func),
        Payload::ElementSection(reader) => {
            for elem in reader {
                let elem = elem.map_err(decode)?;
                let mode = match elem.kind {
                    ElementKind::Passive => ElemMode::Passive,
                    ElementKind::Declared => ElemMode::Declared,
                    ElementKind::Active {
                        table_index,
                        offset_expr,
                    } => ElemMode::Active {
                        table: table_index.unwrap_or(0),
                        offset: const_expr(&offset_expr)?,
                    },
                };
                let items = match elem.items {
                    ElementItems::Functions(funcs) => funcs
                        .into_iter()
                        .map(|f| f.map(ConstExpr::RefFunc).map_err(decode))
                        .collect::<Result<Vec<_>, _>>()?,
                    ElementItems::Expressions(_, exprs) => exprs
                        .into_iter()
                        .map(|e| const_expr(&e.map_err(decode)?))
                        .collect::<Result<Vec<_>, _>>()?,
                };
                m.elems.push(ElemSegment {
                    mode,
                    items: items.into(),
                });
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(decode)?;
                let mode = match data.kind {
                    DataKind::Passive => DataMode::Passive,
                    DataKind::Active { offset_expr, .. } => DataMode::Active {
                        offset: const_expr(&offset_expr)?,
                    },
                };
                m.datas.push(DataSegment {
                    mode,
                    bytes: Arc::from(data.data),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

/// The code section's contents, `range` of `bytes`, kept for lazy
/// translation (refused cleanly if the system has no memory for it).
fn copy(bytes: &[u8], range: std::ops::Range<u64>) -> Result<Box<[u8]>, Error> {
    let range = usize::try_from(range.start).unwrap_or(usize::MAX)
        ..usize::try_from(range.end).unwrap_or(usize::MAX);
    let section = bytes.get(range).unwrap_or_default();
    let mut copy = Vec::new();
    copy.try_reserve_exact(section.len())
        .map_err(|_| LimitError::Allocation {
            what: "code section",
            bytes: section.len() as u64,
        })?;
    copy.extend_from_slice(section);
    Ok(copy.into_boxed_slice())
}
