//! The `ethereum` host module (the Ewasm Environment Interface) and the
//! `debug` module.
//!
//! Every EEI function follows the same order: charge gas, check the static
//! flag, read arguments, call the host, write results. Guest memory is
//! reached only through the checked helpers below; a pointer outside memory
//! is `EeiError::InvalidMemoryAccess`, never a Wasm trap.

mod calls;
mod data;
mod debug;
mod env;
mod imports;
mod state;

use std::fmt;

use engine::{Caller, HostError, Linker, Trap};

use crate::host::EvmHost;
use crate::types::{Address, Bytes32, Held, Message, TxContext, U256};

pub use imports::{add_debug_to_linker, add_to_linker};

/// The state of one execution, as the host functions see it.
pub struct EeiCtx {
    /// The client.
    pub(crate) host: Box<dyn EvmHost>,
    /// The message being executed.
    pub(crate) message: Message,
    /// The code as stored in state (what `codeCopy` sees).
    pub(crate) code: std::sync::Arc<[u8]>,
    /// The output of the last call or create.
    pub(crate) return_data: Vec<u8>,
    /// What `finish` or `revert` left.
    pub(crate) output: Vec<u8>,
    /// The block context, fetched once.
    tx_context: Option<TxContext>,
    /// When profiling: where the calls in progress were made, outermost
    /// first, shared with the nested executions.
    pub(crate) call_sites: Option<CallSites>,
    /// What the frames below this one hold.
    pub(crate) held_below: Held,
    /// What this frame's store may add (its share of the execution caps).
    pub(crate) allowance: Held,
    /// Whether call data and return data cost gas per word at the call
    /// site (the Iris gas model, metering on).
    pub(crate) price_data: bool,
}

/// The call stacks (frame names) of the calls in progress, outermost
/// first: each nested execution finds where it was called from on top.
pub type CallSites = std::sync::Arc<std::sync::Mutex<Vec<Vec<String>>>>;

impl fmt::Debug for EeiCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EeiCtx")
            .field("message", &self.message)
            .field("code", &self.code.len())
            .finish_non_exhaustive()
    }
}

impl EeiCtx {
    pub(crate) fn new(
        host: Box<dyn EvmHost>,
        message: Message,
        code: std::sync::Arc<[u8]>,
    ) -> Self {
        Self {
            host,
            message,
            code,
            return_data: Vec::new(),
            output: Vec::new(),
            tx_context: None,
            call_sites: None,
            held_below: Held::default(),
            allowance: Held::default(),
            price_data: false,
        }
    }

    pub(crate) fn tx_context(&mut self) -> &TxContext {
        let host = &mut self.host;
        self.tx_context.get_or_insert_with(|| host.get_tx_context())
    }

    /// Takes the host back.
    pub(crate) fn into_host(self) -> Box<dyn EvmHost> {
        self.host
    }
}

/// A normal end of execution, carried as a host trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// `finish`: success with output.
    Finish,
    /// `revert`: state undone, gas left returned, output kept.
    Revert,
    /// `selfDestruct`: success.
    SelfDestruct,
}

impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl HostError for Halt {}

/// A failure inside an EEI function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EeiError {
    /// A state change in a static call.
    StaticModeViolation,
    /// A pointer outside the memory or a source buffer.
    InvalidMemoryAccess,
    /// A value over 128 bits, or a negative gas.
    ArgumentOutOfRange,
    /// A rule of the contract interface broken at run time (too many log
    /// topics).
    ContractValidation(&'static str),
    /// A debug function used wrongly (Hera's internal assertion).
    Internal(&'static str),
}

impl fmt::Display for EeiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl HostError for EeiError {}

/// An [`EeiError::InvalidMemoryAccess`] with the range that was out of
/// bounds: what [`FailureReason`](crate::FailureReason) reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfBounds {
    /// Whether the range was in the contract's memory (else in the source
    /// buffer the function copies from: call data, code or return data).
    pub in_memory: bool,
    /// Where the range starts.
    pub offset: u32,
    /// Its length.
    pub len: u32,
    /// The size of the memory or buffer, in bytes.
    pub size: u64,
}

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let within = if self.in_memory {
            "memory"
        } else {
            "the source buffer"
        };
        write!(
            f,
            "bytes {:#x}..{:#x} (offset {}, length {}) are outside {within} of {} bytes",
            self.offset,
            u64::from(self.offset) + u64::from(self.len),
            self.offset,
            self.len,
            self.size
        )
    }
}

impl HostError for OutOfBounds {}

/// The caller type of every host function here.
pub(crate) type Cx<'a> = Caller<'a, EeiCtx>;

/// The result type of every host function here.
pub(crate) type R<T> = Result<T, Trap>;

pub(crate) fn fail<T>(error: EeiError) -> R<T> {
    Err(Trap::host(error))
}

/// Charges gas; running out is `TrapCode::OutOfFuel`.
pub(crate) fn charge(cx: &mut Cx<'_>, gas: u64) -> R<()> {
    cx.consume_fuel(gas)
}

/// Fails in a static call.
pub(crate) fn check_static(cx: &Cx<'_>) -> R<()> {
    if cx.data().message.is_static {
        return fail(EeiError::StaticModeViolation);
    }
    Ok(())
}

/// 3 + 3 per 32-byte word: the price of a copy of `len` bytes.
pub(crate) fn copy_cost(base: u64, len: u32) -> u64 {
    base + crate::gas::COPY_WORD * u64::from(len).div_ceil(32)
}

/// The error of an access to `len` bytes of memory at `offset` that left
/// it: `InvalidMemoryAccess`, with the range.
pub(crate) fn memory_error(cx: &Cx<'_>, offset: u32, len: usize) -> Trap {
    Trap::host(OutOfBounds {
        in_memory: true,
        offset,
        len: u32::try_from(len).unwrap_or(u32::MAX),
        size: cx.memory_size() as u64,
    })
}

/// `len` bytes of memory at `offset`.
pub(crate) fn read(cx: &Cx<'_>, offset: u32, len: u32) -> R<Vec<u8>> {
    cx.read(offset, len)
        .map(<[u8]>::to_vec)
        .map_err(|_| memory_error(cx, offset, len as usize))
}

pub(crate) fn read_address(cx: &Cx<'_>, offset: u32) -> R<Address> {
    cx.read_array::<20>(offset)
        .map(Address)
        .map_err(|_| memory_error(cx, offset, 20))
}

pub(crate) fn read_bytes32(cx: &Cx<'_>, offset: u32) -> R<Bytes32> {
    cx.read_array::<32>(offset)
        .map(Bytes32)
        .map_err(|_| memory_error(cx, offset, 32))
}

/// A 128-bit little-endian value.
pub(crate) fn read_u128(cx: &Cx<'_>, offset: u32) -> R<U256> {
    let bytes = cx
        .read_array::<16>(offset)
        .map_err(|_| memory_error(cx, offset, 16))?;
    Ok(U256::from(u128::from_le_bytes(bytes)))
}

pub(crate) fn write(cx: &mut Cx<'_>, offset: u32, bytes: &[u8]) -> R<()> {
    match cx.write(offset, bytes) {
        Ok(()) => Ok(()),
        Err(_) => Err(memory_error(cx, offset, bytes.len())),
    }
}

/// Writes `value` as 16 little-endian bytes; it must fit 128 bits.
pub(crate) fn write_u128(cx: &mut Cx<'_>, offset: u32, value: U256) -> R<()> {
    let value = fit_u128(value)?;
    write(cx, offset, &value.to_le_bytes())
}

/// `value` as a `u128`, or `ArgumentOutOfRange`.
pub(crate) fn fit_u128(value: U256) -> R<u128> {
    if value.bits() > 128 {
        return fail(EeiError::ArgumentOutOfRange);
    }
    Ok(value.low_u128())
}

/// `len` bytes of `source` from `offset`, or `InvalidMemoryAccess` when the
/// range leaves it: the EEI never pads with zeros.
pub(crate) fn slice(source: &[u8], offset: u32, len: u32) -> R<Vec<u8>> {
    let start = offset as usize;
    let end = start.checked_add(len as usize);
    match end.and_then(|end| source.get(start..end)) {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(Trap::host(OutOfBounds {
            in_memory: false,
            offset,
            len,
            size: source.len() as u64,
        })),
    }
}

/// Builds a linker holding the `ethereum` module, and `debug` if asked.
///
/// # Errors
///
/// Never in practice: the names are fixed and distinct.
pub(crate) fn linker(
    engine: &engine::Engine,
    debug: bool,
) -> Result<Linker<EeiCtx>, engine::Error> {
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker)?;
    if debug {
        add_debug_to_linker(&mut linker)?;
    }
    Ok(linker)
}
