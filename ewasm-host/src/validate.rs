//! The Ewasm Contract Interface: what deployed code must look like.

use std::fmt;

use engine::{ExternType, FuncType, Linker, Module};

use crate::eei::EeiCtx;

/// A broken contract rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractError {
    /// The version field is not 1.
    Version,
    /// The module does not decode or validate.
    Invalid(String),
    /// The module has a start function.
    StartFunction,
    /// No exported function `main`, or not `[] -> []`.
    Main,
    /// No exported memory `memory`.
    Memory,
    /// An export other than `main` and `memory`.
    ExtraExport(String),
    /// An import from a module other than `ethereum` (or `debug` when
    /// enabled).
    ForeignImport {
        /// The import's module.
        module: String,
        /// The import's field.
        name: String,
    },
    /// An import of a function the EEI does not have, or of another kind.
    UnknownImport(String),
    /// An EEI import with the wrong signature.
    ImportType {
        /// The import's field.
        name: String,
        /// The type it was imported with.
        found: String,
    },
    /// Not exactly one memory.
    MemoryCount(usize),
    /// A floating-point instruction (only refused when metering is on).
    FloatingPoint(u64),
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractError::Version => f.write_str("the Wasm version must be 1"),
            ContractError::Invalid(e) => write!(f, "invalid module: {e}"),
            ContractError::StartFunction => f.write_str("a contract may not have a start function"),
            ContractError::Main => f.write_str("a contract must export `main: [] -> []`"),
            ContractError::Memory => f.write_str("a contract must export its memory as `memory`"),
            ContractError::ExtraExport(name) => {
                write!(
                    f,
                    "a contract exports only `main` and `memory`, not `{name}`"
                )
            }
            ContractError::ForeignImport { module, name } => {
                write!(f, "import `{module}.{name}` is from a foreign module")
            }
            ContractError::UnknownImport(name) => write!(f, "`{name}` is not an EEI function"),
            ContractError::ImportType { name, found } => {
                write!(f, "`{name}` is imported with the wrong type {found}")
            }
            ContractError::MemoryCount(n) => write!(f, "a contract has one memory, not {n}"),
            ContractError::FloatingPoint(offset) => {
                write!(
                    f,
                    "floating point at byte {offset:#x} (metering forbids it)"
                )
            }
        }
    }
}

impl std::error::Error for ContractError {}

/// Whether `code` starts like a Wasm module for Hera: at least 8 bytes,
/// beginning with `\0asm`. Anything else is EVM code.
pub fn has_wasm_preamble(code: &[u8]) -> bool {
    code.len() >= 8 && code.starts_with(b"\0asm")
}

/// Checks a compiled module against the contract rules; `linker` holds the
/// host modules the contract may import (`ethereum`, and `debug` if
/// enabled) with their exact types.
///
/// # Errors
///
/// The first rule broken.
pub fn check_contract(module: &Module, linker: &Linker<EeiCtx>) -> Result<(), ContractError> {
    if module.has_start() {
        return Err(ContractError::StartFunction);
    }
    let mut main = false;
    let mut memory = false;
    for export in module.exports() {
        match (export.name, &export.ty) {
            ("main", ExternType::Func(ty)) if *ty == FuncType::new([], []) => main = true,
            ("main", _) => return Err(ContractError::Main),
            ("memory", ExternType::Memory(_)) => memory = true,
            ("memory", _) => return Err(ContractError::Memory),
            (name, _) => return Err(ContractError::ExtraExport(name.to_string())),
        }
    }
    if !main {
        return Err(ContractError::Main);
    }
    if !memory {
        return Err(ContractError::Memory);
    }
    for import in module.imports() {
        if !linker.defines_module(import.module) {
            return Err(ContractError::ForeignImport {
                module: import.module.to_string(),
                name: import.name.to_string(),
            });
        }
        let (ExternType::Func(found), Some(expected)) = (
            &import.ty,
            linker.host_func_type(import.module, import.name),
        ) else {
            return Err(ContractError::UnknownImport(import.name.to_string()));
        };
        if *found != expected {
            return Err(ContractError::ImportType {
                name: import.name.to_string(),
                found: found.to_string(),
            });
        }
    }
    if module.memory_count() != 1 {
        return Err(ContractError::MemoryCount(module.memory_count()));
    }
    Ok(())
}
