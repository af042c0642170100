//! The Ewasm Contract Interface: what deployed code must look like.

use std::fmt;

use engine::{ExternType, FuncType, Linker, Module, Opcode, OpcodeSet};

use crate::eei::EeiCtx;
use crate::metering::is_float_operator;

/// A broken contract rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractError {
    /// The version field is not 1.
    Version,
    /// The module does not decode or validate: the decoder's or
    /// validator's (wasmparser's) message, at its byte offset when it has
    /// one.
    Invalid {
        /// What the decoder or validator found.
        message: String,
        /// Where, in bytes from the start of the module.
        offset: Option<u64>,
    },
    /// The code is larger than `ExecConfig::max_code_size`.
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
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
    /// An instruction whose work grows with an operand that Ewasm's gas
    /// does not price (`table.copy`, `table.init`, `table.fill`,
    /// `table.grow`): at its byte offset. Hera's engines, WebAssembly 1.0
    /// only, refused them too. (The bulk memory operators are priced per
    /// word, like the EEI's copies.)
    Unpriced {
        /// The instruction.
        instruction: &'static str,
        /// Its byte offset.
        offset: u64,
    },
    /// More than one table (WebAssembly 1.0 allows one).
    TableCount(usize),
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractError::Version => f.write_str("the Wasm version must be 1"),
            ContractError::Invalid {
                message,
                offset: Some(offset),
            } => write!(f, "invalid Wasm at byte {offset:#x}: {message}"),
            ContractError::Invalid {
                message,
                offset: None,
            } => write!(f, "invalid Wasm: {message}"),
            ContractError::TooLarge { size, max } => {
                write!(f, "the code has {size} bytes, more than the {max} allowed")
            }
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
            ContractError::Unpriced {
                instruction,
                offset,
            } => write!(
                f,
                "`{instruction}` at byte {offset:#x}: its work is not priced by gas"
            ),
            ContractError::TableCount(n) => write!(f, "a contract has at most one table, not {n}"),
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

impl ContractError {
    /// The rule broken by a module the engine refused: invalid Wasm (with
    /// the message and offset), or code over the size limit.
    pub fn of_engine_error(error: &engine::Error) -> Self {
        use engine::{ErrorKind, LimitError};
        match error.kind() {
            ErrorKind::Decode { offset, message }
            | ErrorKind::Validate { offset, message }
            | ErrorKind::Unsupported { offset, message } => ContractError::Invalid {
                message: message.clone(),
                offset: Some(*offset),
            },
            ErrorKind::UnsupportedOperator { offset, .. } => ContractError::Invalid {
                message: error.to_string(),
                offset: Some(*offset),
            },
            ErrorKind::RefusedOperator { offset, opcode } if is_float_operator(*opcode) => {
                ContractError::FloatingPoint(*offset)
            }
            ErrorKind::RefusedOperator { offset, opcode } => ContractError::Unpriced {
                instruction: opcode.name(),
                offset: *offset,
            },
            ErrorKind::Limit(LimitError::ModuleSize { size, max }) => ContractError::TooLarge {
                size: *size,
                max: *max,
            },
            _ => ContractError::Invalid {
                message: error.to_string(),
                offset: None,
            },
        }
    }

    /// A short, stable name of the rule, for tools: `version`, `invalid`,
    /// `too-large`, `start-function`, `main`, `memory`, `extra-export`,
    /// `foreign-import`, `unknown-import`, `import-type`, `memory-count`,
    /// `floating-point`, `unpriced` or `table-count`.
    pub fn rule(&self) -> &'static str {
        match self {
            ContractError::Version => "version",
            ContractError::Invalid { .. } => "invalid",
            ContractError::TooLarge { .. } => "too-large",
            ContractError::StartFunction => "start-function",
            ContractError::Main => "main",
            ContractError::Memory => "memory",
            ContractError::ExtraExport(_) => "extra-export",
            ContractError::ForeignImport { .. } => "foreign-import",
            ContractError::UnknownImport(_) => "unknown-import",
            ContractError::ImportType { .. } => "import-type",
            ContractError::MemoryCount(_) => "memory-count",
            ContractError::FloatingPoint(_) => "floating-point",
            ContractError::Unpriced { .. } => "unpriced",
            ContractError::TableCount(_) => "table-count",
        }
    }

    /// The byte offset in the code the rule points at, when it has one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            ContractError::Invalid { offset, .. } => *offset,
            ContractError::FloatingPoint(offset) => Some(*offset),
            ContractError::Unpriced { offset, .. } => Some(*offset),
            _ => None,
        }
    }

    /// The export or import (`module.name`) the rule points at, when it
    /// has one.
    pub fn item(&self) -> Option<String> {
        match self {
            ContractError::ExtraExport(name) => Some(name.clone()),
            ContractError::Main => Some("main".to_string()),
            ContractError::Memory => Some("memory".to_string()),
            ContractError::ForeignImport { module, name } => Some(format!("{module}.{name}")),
            ContractError::UnknownImport(name) | ContractError::ImportType { name, .. } => {
                Some(name.clone())
            }
            _ => None,
        }
    }
}

/// The instructions whose work scales with an operand that gas does not
/// see ([`ContractError::Unpriced`]): refused by the engine while it
/// translates a contract (`Config::refuse_operators`).
pub fn unpriced_operators() -> OpcodeSet {
    [
        Opcode::TableCopy,
        Opcode::TableInit,
        Opcode::TableFill,
        Opcode::TableGrow,
    ]
    .into_iter()
    .collect()
}

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
pub fn check_contract(module: &Module, linker: &Linker<EeiCtx<'_>>) -> Result<(), ContractError> {
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
    // Each table's elements are allocated at instantiation, for free.
    if module.table_count() > 1 {
        return Err(ContractError::TableCount(module.table_count()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExecConfig, Executor};

    /// Compiles `text` as a contract, metered or not.
    fn check(text: &str, metering: bool) -> Result<(), ContractError> {
        let executor = Executor::new(ExecConfig {
            metering,
            ..ExecConfig::default()
        })
        .expect("executor");
        executor
            .compile(&wat::parse_str(text).expect("valid text"))
            .map(|_| ())
    }

    /// A contract whose `main` runs `body`, with extra declarations.
    fn contract(decls: &str, body: &str) -> String {
        format!(
            r#"(module (memory (export "memory") 1) {decls}
                 (func (export "main") {body}))"#
        )
    }

    #[test]
    fn work_that_gas_does_not_price_is_refused_at_its_offset() {
        for (body, name, byte) in [
            (
                "(drop (table.grow (ref.null func) (i32.const 8)))",
                "table.grow",
                15,
            ),
            (
                "(table.fill (i32.const 0) (ref.null func) (i32.const 0))",
                "table.fill",
                17,
            ),
        ] {
            // Refused in dead code too, metered or not.
            let body = format!("(return) {body}");
            let text = contract("(table 1 funcref)", &body);
            let bytes = wat::parse_str(&text).expect("valid text");
            for metering in [true, false] {
                match check(&text, metering) {
                    Err(ContractError::Unpriced {
                        instruction,
                        offset,
                    }) => {
                        assert_eq!(instruction, name);
                        let at = offset as usize;
                        assert_eq!(bytes[at..at + 2], [0xfc, byte], "{name}'s opcode");
                    }
                    other => panic!("{name}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn floating_point_is_refused_only_when_metering() {
        let text = contract("", "(drop (f64.add (f64.const 1) (f64.const 2)))");
        let bytes = wat::parse_str(&text).expect("valid text");
        let Err(ContractError::FloatingPoint(offset)) = check(&text, true) else {
            panic!("f64.const is refused when metering");
        };
        assert_eq!(bytes[offset as usize], 0x44, "f64.const's opcode");
        assert_eq!(check(&text, false), Ok(()));
    }

    #[test]
    fn one_table_is_allowed_two_are_not() {
        assert_eq!(check(&contract("(table 10 funcref)", ""), true), Ok(()));
        assert_eq!(
            check(&contract("(table 1 funcref) (table 1 funcref)", ""), true),
            Err(ContractError::TableCount(2))
        );
    }

    #[test]
    fn priced_instructions_pass() {
        let loads = "(i32.store (i32.const 0) (i32.load (i32.const 4)))";
        assert_eq!(check(&contract("", loads), true), Ok(()));
        let bulk = "(memory.fill (i32.const 0) (i32.const 0) (i32.const 8))";
        assert_eq!(check(&contract("", bulk), true), Ok(()));
    }
}
