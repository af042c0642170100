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
mod observed;
pub(crate) use observed::{import_types, observe_call, observe_charge};
mod state;

use std::fmt;

use engine::{Caller, HostError, Linker, Trap};

use crate::host::{AccessStatus, EvmHost};
use crate::schedule::Schedule;
use crate::types::{Address, Bytes32, Held, Message, TxContext, U256};

pub(crate) use imports::EeiTable;
pub use imports::{add_debug_to_linker, add_to_linker};

/// The state of one execution, as the host functions see it: the client,
/// lent for the execution (`'h`), and the frame's own data.
///
/// A few words: the context travels inside its store, which moves into
/// and out of a kept instance on every execution, so what is not needed
/// on every host call lives in `FrameData`, which the execution holds
/// in place and lends.
pub struct EeiCtx<'h> {
    /// The client.
    pub(crate) host: &'h mut dyn EvmHost,
    /// The message being executed (borrowed: cloning it would copy or
    /// share its call data on every call).
    pub(crate) message: &'h Message<'h>,
    /// The prices of the revision the execution runs at.
    pub(crate) schedule: &'static Schedule,
    /// The refund earned so far: this frame's and its successful nested
    /// calls'.
    pub(crate) refund: i64,
    /// Whether call data and return data cost gas per word at the call
    /// site (the Iris gas model, metering on).
    pub(crate) price_data: bool,
    /// The rest of the frame's state.
    pub(crate) frame: &'h mut FrameData,
}

/// The frame's data that the host functions reach through [`EeiCtx`]:
/// its code, buffers, block context and memory allowance.
#[derive(Debug)]
pub(crate) struct FrameData {
    /// The code as stored in state (what `codeCopy` sees).
    pub(crate) code: std::sync::Arc<[u8]>,
    /// The output of the last call or create.
    pub(crate) return_data: bytes::Bytes,
    /// What `finish` or `revert` left.
    pub(crate) output: Vec<u8>,
    /// The block context, fetched once.
    tx_context: Option<TxContext>,
    /// When the host has an observer: the types of the module's imports,
    /// by `module.name`, to read the EEI calls' raw values.
    pub(crate) import_types: Option<observed::ImportTypes>,
    /// What the frames below this one hold.
    pub(crate) held_below: Held,
    /// What this frame's store may add (its share of the execution caps).
    pub(crate) allowance: Held,
}

impl FrameData {
    /// A frame running `code`, with nothing returned, output or held yet.
    pub(crate) fn new(code: std::sync::Arc<[u8]>) -> Self {
        Self {
            code,
            return_data: bytes::Bytes::new(),
            output: Vec::new(),
            tx_context: None,
            import_types: None,
            held_below: Held::default(),
            allowance: Held::default(),
        }
    }
}

impl fmt::Debug for EeiCtx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EeiCtx")
            .field("message", &self.message)
            .field("code", &self.frame.code.len())
            .finish_non_exhaustive()
    }
}

impl<'h> EeiCtx<'h> {
    pub(crate) fn new(
        host: &'h mut dyn EvmHost,
        schedule: &'static Schedule,
        message: &'h Message,
        frame: &'h mut FrameData,
    ) -> Self {
        Self {
            host,
            message,
            schedule,
            refund: 0,
            price_data: false,
            frame,
        }
    }

    pub(crate) fn tx_context(&mut self) -> &TxContext {
        let host = &mut self.host;
        self.frame
            .tx_context
            .get_or_insert_with(|| host.get_tx_context())
    }
}

/// A normal end of execution, carried as a host trap: a constant reason,
/// borrowed ([`engine::Trap::halt`]), that `Trap::downcast_ref::<Halt>`
/// finds.
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

/// The caller type of every host function here: `'a` the store's borrow,
/// `'h` the host's.
pub(crate) type Cx<'a, 'h> = Caller<'a, EeiCtx<'h>>;

/// The result type of every host function here.
pub(crate) type R<T> = Result<T, Trap>;

pub(crate) fn fail<T>(error: EeiError) -> R<T> {
    Err(Trap::host(error))
}

/// Charges `price` gas; running out is `TrapCode::OutOfFuel`.
pub(crate) fn charge(cx: &mut Cx<'_, '_>, price: u64) -> R<()> {
    cx.consume_fuel(price)
}

/// Charges the price `price` picks from the revision's schedule.
pub(crate) fn charge_by(cx: &mut Cx<'_, '_>, price: impl FnOnce(&Schedule) -> u64) -> R<()> {
    let price = price(schedule(cx));
    charge(cx, price)
}

/// The prices of the execution's revision.
pub(crate) fn schedule(cx: &Cx<'_, '_>) -> &'static Schedule {
    cx.data().schedule
}

/// From Berlin: marks `address` warm, and charges the cold account price
/// less `warm_paid` (what was charged already) if it was cold.
pub(crate) fn access_account(cx: &mut Cx<'_, '_>, address: &Address, warm_paid: u64) -> R<()> {
    let schedule = schedule(cx);
    if !schedule.access_lists {
        return Ok(());
    }
    if cx.data_mut().host.access_account(address) == AccessStatus::Cold {
        charge(cx, schedule.cold_account.saturating_sub(warm_paid))?;
    }
    Ok(())
}

/// From Berlin: marks the slot `key` of the current account warm, and
/// charges the cold slot price less `warm_paid` if it was cold.
pub(crate) fn access_slot(cx: &mut Cx<'_, '_>, key: &Bytes32, warm_paid: u64) -> R<()> {
    let schedule = schedule(cx);
    if !schedule.access_lists {
        return Ok(());
    }
    let recipient = cx.data().message.recipient;
    if cx.data_mut().host.access_storage(&recipient, key) == AccessStatus::Cold {
        charge(cx, schedule.cold_slot.saturating_sub(warm_paid))?;
    }
    Ok(())
}

/// Adds to the frame's refund (saturating: a refund is bounded by the
/// gas spent long before `i64` is reached).
pub(crate) fn add_refund(cx: &mut Cx<'_, '_>, refund: i64) {
    let data = cx.data_mut();
    data.refund = data.refund.saturating_add(refund);
}

/// Fails in a static call.
pub(crate) fn check_static(cx: &Cx<'_, '_>) -> R<()> {
    if cx.data().message.is_static {
        return fail(EeiError::StaticModeViolation);
    }
    Ok(())
}

/// `base` and the copy price per 32-byte word: the price of a copy of
/// `len` bytes.
pub(crate) fn copy_cost(schedule: &Schedule, base: u64, len: u32) -> u64 {
    let words = crate::gas::per_word(schedule.copy_word, len as usize);
    base.saturating_add(words)
}

/// The error of an access to `len` bytes of memory at `offset` that left
/// it: `InvalidMemoryAccess`, with the range.
pub(crate) fn memory_error(cx: &Cx<'_, '_>, offset: u32, len: usize) -> Trap {
    Trap::host(OutOfBounds {
        in_memory: true,
        offset,
        len: u32::try_from(len).unwrap_or(u32::MAX),
        size: cx.memory_size() as u64,
    })
}

/// `len` bytes of memory at `offset`.
pub(crate) fn read(cx: &Cx<'_, '_>, offset: u32, len: u32) -> R<Vec<u8>> {
    cx.read(offset, len)
        .map(<[u8]>::to_vec)
        .map_err(|_| memory_error(cx, offset, len as usize))
}

pub(crate) fn read_address(cx: &Cx<'_, '_>, offset: u32) -> R<Address> {
    cx.read_array::<20>(offset)
        .map(Address)
        .map_err(|_| memory_error(cx, offset, 20))
}

/// 32 bytes of memory at `offset`. Inlined: out of line, the word came
/// back inside a `Result` through memory and its reader waited on store
/// forwarding (60% of a storage function's samples in a transfer).
#[inline(always)]
pub(crate) fn read_bytes32(cx: &Cx<'_, '_>, offset: u32) -> R<Bytes32> {
    cx.read_array::<32>(offset)
        .map(Bytes32)
        .map_err(|_| memory_error(cx, offset, 32))
}

/// A 128-bit little-endian value.
pub(crate) fn read_u128(cx: &Cx<'_, '_>, offset: u32) -> R<U256> {
    let bytes = cx
        .read_array::<16>(offset)
        .map_err(|_| memory_error(cx, offset, 16))?;
    Ok(U256::from(u128::from_le_bytes(bytes)))
}

pub(crate) fn write(cx: &mut Cx<'_, '_>, offset: u32, bytes: &[u8]) -> R<()> {
    match cx.write(offset, bytes) {
        Ok(()) => Ok(()),
        Err(_) => Err(memory_error(cx, offset, bytes.len())),
    }
}

/// Writes `value` as 16 little-endian bytes; it must fit 128 bits.
pub(crate) fn write_u128(cx: &mut Cx<'_, '_>, offset: u32, value: U256) -> R<()> {
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
pub(crate) fn slice(source: &[u8], offset: u32, len: u32) -> R<&[u8]> {
    let start = offset as usize;
    let end = start.checked_add(len as usize);
    match end.and_then(|end| source.get(start..end)) {
        Some(bytes) => Ok(bytes),
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
pub(crate) fn linker<'h>(
    engine: &engine::Engine,
    debug: bool,
) -> Result<Linker<EeiCtx<'h>>, engine::Error> {
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker)?;
    if debug {
        add_debug_to_linker(&mut linker)?;
    }
    Ok(linker)
}
