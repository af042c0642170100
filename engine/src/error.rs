//! The engine's error type: everything but a trap is found before code runs.

use std::fmt;

use crate::trap::{Trap, TrapCode};

/// An error from decoding, validating, linking, instantiating or running.
///
/// Boxed, so that `Result<T, Error>` stays one word wide.
#[derive(Debug)]
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The binary is malformed.
    Decode {
        /// Byte offset in the module.
        offset: u64,
        /// What the decoder found.
        message: String,
    },
    /// The module is well-formed but not valid.
    Validate {
        /// Byte offset in the module.
        offset: u64,
        /// What the validator found.
        message: String,
    },
    /// The module uses a WebAssembly feature outside Wasm 2.0 (SIMD,
    /// threads, tail calls, memory64, exceptions, GC…).
    Unsupported {
        /// Byte offset in the module.
        offset: u64,
        /// The validator's message, which names the feature.
        message: String,
    },
    /// The module uses an operator that the validator admits but the
    /// engine does not translate (an operator of a feature enabled in the
    /// validator before the translator handles it). Never seen with the
    /// engine's own features, which it translates completely.
    UnsupportedOperator {
        /// Byte offset of the operator in the module.
        offset: u64,
        /// The operator's name in the text format, e.g. `return_call`.
        operator: String,
    },
    /// The module uses an operator that the engine's configuration refuses
    /// ([`Config::refuse_operators`](crate::Config::refuse_operators)):
    /// the first one in the binary.
    RefusedOperator {
        /// Byte offset of the operator in the module.
        offset: u64,
        /// The operator.
        opcode: crate::Opcode,
    },
    /// A configured limit was exceeded before anything ran.
    Limit(LimitError),
    /// An import could not be satisfied.
    Link(LinkError),
    /// A value or function of the wrong type was passed or asked for.
    Type(String),
    /// A handle was used with a store it does not belong to.
    WrongStore,
    /// Execution trapped.
    Trap(Trap),
}

/// A configured limit that a module or request exceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// The module binary is larger than `Config::max_module_size`.
    ModuleSize {
        /// The binary's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A memory needs more pages than `Config::max_memory_pages`.
    MemoryPages {
        /// Pages asked for.
        pages: u64,
        /// The limit.
        max: u32,
    },
    /// A table needs more elements than `Config::max_table_elements`.
    TableElements {
        /// Elements asked for.
        elements: u64,
        /// The limit.
        max: u32,
    },
    /// A function needs more value slots (locals plus operands) than one
    /// frame can address.
    FrameSize {
        /// The function's index.
        func: u32,
        /// Slots needed.
        slots: u64,
    },
    /// A function's translated code would exceed its bound: a fixed number
    /// of instructions per byte of its body, or what is left of the
    /// module's `Config::max_code_instructions`.
    Code {
        /// The function's index.
        func: u32,
        /// The most instructions it may have.
        max: u64,
    },
    /// The module's operators carry more values (at branches, block
    /// boundaries and calls) than its allowance of
    /// [`WORK_PER_BYTE`](crate::WORK_PER_BYTE) per byte of code: validating
    /// it would take time out of proportion to its size.
    Work {
        /// The function where the allowance ran out.
        func: u32,
    },
    /// A store's growth allowance ([`Store::limit_growth`](crate::Store::limit_growth))
    /// is smaller than what a new memory or table needs.
    Allowance {
        /// "memory pages" or "table elements".
        what: &'static str,
        /// What was asked for.
        asked: u64,
        /// What the allowance had left.
        left: u64,
    },
    /// The system refused memory that a limit allowed (the request is
    /// refused instead of aborting the process).
    Allocation {
        /// What the memory was for.
        what: &'static str,
        /// Bytes asked for.
        bytes: u64,
    },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::ModuleSize { size, max } => {
                write!(f, "module of {size} bytes exceeds the limit of {max} bytes")
            }
            LimitError::MemoryPages { pages, max } => {
                write!(
                    f,
                    "memory of {pages} pages exceeds the limit of {max} pages"
                )
            }
            LimitError::TableElements { elements, max } => write!(
                f,
                "table of {elements} elements exceeds the limit of {max} elements"
            ),
            LimitError::FrameSize { func, slots } => write!(
                f,
                "function {func} needs {slots} value slots, more than a frame can address"
            ),
            LimitError::Code { func, max } => write!(
                f,
                "function {func} translates to more than {max} instructions"
            ),
            LimitError::Work { func } => write!(
                f,
                "function {func} carries more values at branches, blocks and calls than the module's size allows"
            ),
            LimitError::Allowance { what, asked, left } => write!(
                f,
                "{asked} {what} asked for, {left} left in the store's allowance"
            ),
            LimitError::Allocation { what, bytes } => {
                write!(f, "the system refused {bytes} bytes for {what}")
            }
        }
    }
}

/// Why an import could not be satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// The import's module name.
    pub module: String,
    /// The import's field name.
    pub field: String,
    /// What was wrong.
    pub reason: LinkErrorReason,
}

/// The ways an import fails to link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkErrorReason {
    /// Nothing is defined under that name.
    Unknown,
    /// Something of another kind or type is defined under that name.
    Incompatible(String),
    /// The name is already defined in the linker.
    Duplicate,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (module, field) = (&self.module, &self.field);
        match &self.reason {
            LinkErrorReason::Unknown => write!(f, "unknown import: `{module}::{field}`"),
            LinkErrorReason::Incompatible(why) => {
                write!(f, "incompatible import type for `{module}::{field}`: {why}")
            }
            LinkErrorReason::Duplicate => write!(f, "`{module}::{field}` is already defined"),
        }
    }
}

impl Error {
    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap with a code.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().and_then(Trap::code)
    }

    /// Takes the trap out, if this error is one.
    ///
    /// # Errors
    ///
    /// Gives the error back when it is not a trap.
    pub fn into_trap(self) -> Result<Trap, Error> {
        match *self.kind {
            ErrorKind::Trap(trap) => Ok(trap),
            kind => Err(Error::new(kind)),
        }
    }

    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }

    pub(crate) fn type_mismatch(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Type(message.into()))
    }

    /// A decoder's (`validating == false`) or validator's error. Whether
    /// it comes of a feature beyond Wasm 2.0 is not read from its message:
    /// `module::parse` finds that out by validating again with more
    /// features, and makes it [`ErrorKind::Unsupported`].
    pub(crate) fn from_wasmparser(error: wasmparser::BinaryReaderError, validating: bool) -> Self {
        let offset = error.offset();
        let message = error.message().to_string();
        Self::new(if validating {
            ErrorKind::Validate { offset, message }
        } else {
            ErrorKind::Decode { offset, message }
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::Decode { offset, message } => {
                write!(f, "malformed module at byte {offset:#x}: {message}")
            }
            ErrorKind::Validate { offset, message } => {
                write!(f, "invalid module at byte {offset:#x}: {message}")
            }
            ErrorKind::Unsupported { offset, message } => {
                write!(f, "unsupported feature at byte {offset:#x}: {message}")
            }
            ErrorKind::UnsupportedOperator { offset, operator } => {
                write!(f, "unsupported operator `{operator}` at byte {offset:#x}")
            }
            ErrorKind::RefusedOperator { offset, opcode } => {
                write!(f, "operator `{opcode}` at byte {offset:#x} is refused")
            }
            ErrorKind::Limit(limit) => write!(f, "limit exceeded: {limit}"),
            ErrorKind::Link(link) => write!(f, "{link}"),
            ErrorKind::Type(message) => write!(f, "type mismatch: {message}"),
            ErrorKind::WrongStore => f.write_str("object used with the wrong store"),
            ErrorKind::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        Error::new(ErrorKind::Trap(trap))
    }
}

impl From<TrapCode> for Error {
    fn from(code: TrapCode) -> Self {
        Error::from(Trap::from(code))
    }
}

impl From<LimitError> for Error {
    fn from(limit: LimitError) -> Self {
        Error::new(ErrorKind::Limit(limit))
    }
}

impl From<LinkError> for Error {
    fn from(link: LinkError) -> Self {
        Error::new(ErrorKind::Link(link))
    }
}
