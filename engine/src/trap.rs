//! Traps: the ways a WebAssembly execution stops abnormally.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::module::ModuleInner;

/// Why an execution trapped.
///
/// Discriminants start at 1 so that 0 can mean "no trap" across a C ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TrapCode {
    /// An `unreachable` instruction was executed.
    Unreachable = 1,
    /// A load, store or bulk memory operation was out of bounds.
    MemoryOutOfBounds,
    /// A table access or bulk table operation was out of bounds.
    TableOutOfBounds,
    /// `call_indirect` found a null reference in the table.
    IndirectCallToNull,
    /// `call_indirect` found a function of another type.
    BadSignature,
    /// Signed division overflowed, or a float-to-int conversion did not fit.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// A NaN was converted to an integer.
    BadConversionToInteger,
    /// The call depth or value stack limit was exceeded.
    StackOverflow,
    /// The fuel ran out.
    OutOfFuel,
    /// The engine broke one of its own invariants (an index validation
    /// guaranteed was out of range, an instruction of the wrong kind): a
    /// bug in the engine, never the module's doing. Embedders should
    /// report it as their internal error, not as the code's failure. Also
    /// the trap of a function's first call when the system has no memory
    /// to translate it ([`Config::lazy_translation`](crate::Config::lazy_translation)).
    Internal,
}

impl TrapCode {
    /// The wording of the WebAssembly specification's reference interpreter.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Internal => "internal engine error",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// An error a host function raises to stop the execution.
///
/// The embedder gets it back from the call that trapped and can downcast it
/// with [`Trap::downcast_ref`].
pub trait HostError: Any + fmt::Debug + fmt::Display + Send + Sync {}

/// An abnormal end of a WebAssembly execution.
#[derive(Debug)]
pub struct Trap {
    reason: TrapReason,
    /// Where it happened, when it came out of a Wasm function (never for
    /// a halt).
    origin: Option<Box<TrapOrigin>>,
}

/// Where a trap happened: the Wasm function that was running, the
/// instruction that trapped, and, for a trap a host function raised, the
/// import it was called through.
///
/// The engine keeps no map from its translated code back to byte offsets
/// (it would cost memory in every run), and no copy of the binary: the
/// trap remembers which translated instruction trapped, and
/// [`Trap::locate`] finds its code offset afterwards, from the binary, by
/// translating that one function again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapOrigin {
    /// The function's index in its module's function index space (imports
    /// first).
    pub func: u32,
    /// Its name in the module's `name` section, else its export name.
    pub name: Option<String>,
    /// For a trap raised by a host function: the import (`module`, `name`)
    /// the Wasm function called it through.
    pub host: Option<(String, String)>,
    /// The code offset of the operator that trapped: its byte offset in the
    /// module's binary (from the start of the binary, as wasmparser
    /// reports operator offsets, not from the code section). `None` until
    /// [`Trap::locate`] finds it.
    ///
    /// The operator is the one that trapped (`unreachable`, the load, the
    /// division, `call_indirect`, a `call` whose callee overflowed the
    /// stack); for a trap a host function raised, the `call` (or
    /// `call_indirect`) of the import; for running out of fuel, the operator
    /// that opens the metering block charged (the body's first operator,
    /// `block`, `loop`, `if` or `else`), or `memory.grow` or the bulk
    /// operator whose dynamic cost did not fit.
    pub offset: Option<u32>,
    /// The instruction that trapped, in the module's translated code.
    pub(crate) site: Option<CodeSite>,
}

/// An instruction of a module's translated code.
#[derive(Clone)]
pub(crate) struct CodeSite {
    /// The module (kept alive for [`Trap::locate`]).
    pub(crate) module: Arc<ModuleInner>,
    /// The function, among the module's defined functions.
    pub(crate) func: u32,
    /// The instruction's index in the function's code.
    pub(crate) instr: u32,
}

impl fmt::Debug for CodeSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeSite")
            .field("func", &self.func)
            .field("instr", &self.instr)
            .finish_non_exhaustive()
    }
}

impl PartialEq for CodeSite {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.module, &other.module)
            && self.func == other.func
            && self.instr == other.instr
    }
}

impl Eq for CodeSite {}

#[derive(Debug)]
enum TrapReason {
    Code(TrapCode),
    Host(Box<dyn HostError>),
    /// A host function's request to end the run ([`Trap::halt`]).
    Halt(&'static dyn HostError),
}

impl Trap {
    /// A trap raised by a host function.
    pub fn host(error: impl HostError) -> Self {
        Self {
            reason: TrapReason::Host(Box::new(error)),
            origin: None,
        }
    }

    /// A host function's request to end the run, which is not a failure
    /// (an Ewasm contract's `finish` or `revert`), for a reason that is a
    /// constant: as [`Trap::host`], but nothing is allocated and no origin
    /// is recorded ([`Trap::origin`] is `None`), saving the work on a path
    /// that ordinary runs take. What the run leaves behind (its output)
    /// is the host's to keep. The reason is borrowed:
    /// [`Trap::downcast_ref`] finds it, [`Trap::downcast`] gives the trap
    /// back.
    pub fn halt(reason: &'static dyn HostError) -> Self {
        Self {
            reason: TrapReason::Halt(reason),
            origin: None,
        }
    }

    /// Where the trap happened, when the engine knows: the innermost Wasm
    /// function running (and the host function it called, if that raised
    /// the trap).
    pub fn origin(&self) -> Option<&TrapOrigin> {
        self.origin.as_deref()
    }

    /// Finds the code offset of the operator that trapped
    /// ([`TrapOrigin::offset`]) and records it in the origin.
    ///
    /// `bytes` must be the binary the trapping function's module was
    /// compiled from: the engine keeps no copy of it. The function is
    /// decoded, validated and translated again, noting which operator each
    /// instruction comes from; translation is deterministic, so this gives
    /// the very code that ran. It costs what compiling that one function
    /// cost (plus reading the module's sections before the code), and is
    /// done at most once per trap.
    ///
    /// Gives `None` when the trap has no origin in Wasm code, or when
    /// `bytes` is not the module's binary (the function then does not
    /// translate to the code that ran).
    pub fn locate(&mut self, bytes: &[u8]) -> Option<u32> {
        let origin = self.origin.as_deref_mut()?;
        if origin.offset.is_none() {
            let site = origin.site.as_ref()?;
            origin.offset = crate::module::code_offset(&site.module, bytes, site.func, site.instr);
        }
        origin.offset
    }

    /// The trap with `origin`, unless it already has one (the innermost
    /// origin is kept).
    pub(crate) fn or_origin(mut self, origin: impl FnOnce() -> Option<TrapOrigin>) -> Self {
        if self.origin.is_none() && !matches!(self.reason, TrapReason::Halt(_)) {
            self.origin = origin().map(Box::new);
        }
        self
    }

    /// The trap code, or `None` for a host error.
    pub fn code(&self) -> Option<TrapCode> {
        match self.reason {
            TrapReason::Code(code) => Some(code),
            TrapReason::Host(_) | TrapReason::Halt(_) => None,
        }
    }

    /// The host error, if this trap carries one of type `E`.
    pub fn downcast_ref<E: HostError>(&self) -> Option<&E> {
        match &self.reason {
            TrapReason::Host(error) => {
                let any: &dyn Any = error.as_ref();
                any.downcast_ref::<E>()
            }
            TrapReason::Halt(reason) => {
                let any: &dyn Any = *reason;
                any.downcast_ref::<E>()
            }
            TrapReason::Code(_) => None,
        }
    }

    /// Takes the host error out, if this trap carries one of type `E`.
    ///
    /// # Errors
    ///
    /// Gives the trap back unchanged when it carries no `E`, or carries a
    /// halt's borrowed reason ([`Trap::halt`]).
    pub fn downcast<E: HostError>(self) -> Result<E, Trap> {
        let Trap { reason, origin } = self;
        match reason {
            TrapReason::Host(error) if (error.as_ref() as &dyn Any).is::<E>() => {
                let any: Box<dyn Any> = error;
                match any.downcast::<E>() {
                    Ok(e) => Ok(*e),
                    // Unreachable in practice: `is::<E>()` was just checked.
                    Err(_) => Err(Trap::from(TrapCode::Internal)),
                }
            }
            reason => Err(Trap { reason, origin }),
        }
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Self {
            reason: TrapReason::Code(code),
            origin: None,
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            TrapReason::Code(code) => write!(f, "trap: {code}"),
            TrapReason::Host(error) => write!(f, "host error: {error}"),
            TrapReason::Halt(reason) => write!(f, "host error: {reason}"),
        }
    }
}

impl std::error::Error for Trap {}
