//! Conversions between the EVMC C types and ewasm-host's Rust types.

use ewasm_host::{Address, Bytes32, CallKind, Message, Revision, TxContext, U256};

use crate::ffi;

pub(crate) fn address(a: &ffi::evmc_address) -> Address {
    Address(a.bytes)
}

pub(crate) fn evmc_address(a: &Address) -> ffi::evmc_address {
    ffi::evmc_address { bytes: a.0 }
}

pub(crate) fn bytes32(b: &ffi::evmc_bytes32) -> Bytes32 {
    Bytes32(b.bytes)
}

pub(crate) fn evmc_bytes32(b: &Bytes32) -> ffi::evmc_bytes32 {
    ffi::evmc_bytes32 { bytes: b.0 }
}

pub(crate) fn u256(b: &ffi::evmc_uint256be) -> U256 {
    U256::from_big_endian(&b.bytes)
}

pub(crate) fn evmc_u256(value: &U256) -> ffi::evmc_uint256be {
    ffi::evmc_bytes32 {
        bytes: value.to_big_endian(),
    }
}

/// The call kind of a raw EVMC kind at `revision`; `None` for kinds Ewasm
/// has no use for (EOFCREATE), unknown values, and CREATE2 before
/// Constantinople (which introduced it). CREATE2 runs as a create.
pub(crate) fn call_kind(kind: i32, revision: Revision) -> Option<CallKind> {
    match kind {
        ffi::EVMC_CALL => Some(CallKind::Call),
        ffi::EVMC_DELEGATECALL => Some(CallKind::DelegateCall),
        ffi::EVMC_CALLCODE => Some(CallKind::CallCode),
        ffi::EVMC_CREATE => Some(CallKind::Create),
        ffi::EVMC_CREATE2 if revision >= Revision::Constantinople => Some(CallKind::Create),
        _ => None,
    }
}

pub(crate) fn evmc_kind(kind: CallKind) -> i32 {
    match kind {
        CallKind::Call => ffi::EVMC_CALL,
        CallKind::DelegateCall => ffi::EVMC_DELEGATECALL,
        CallKind::CallCode => ffi::EVMC_CALLCODE,
        CallKind::Create => ffi::EVMC_CREATE,
    }
}

/// A message with its input copied; the caller has checked the pointers.
pub(crate) fn message(msg: &ffi::evmc_message, kind: CallKind, input: Vec<u8>) -> Message {
    let (recipient, code_address) = msg.accounts();
    Message {
        kind,
        is_static: msg.flags & ffi::EVMC_STATIC != 0,
        depth: msg.depth,
        gas: msg.gas,
        recipient: address(&recipient),
        sender: address(&msg.sender),
        input: input.into(),
        value: u256(&msg.value),
        code_address: address(&code_address),
        delegated: delegated(msg.flags),
    }
}

/// Whether `flags` say the call is to an EIP-7702 delegated account
/// (`EVMC_DELEGATED`; ABI 9 has no such flag).
#[cfg(not(feature = "abi9"))]
fn delegated(flags: u32) -> bool {
    flags & ffi::EVMC_DELEGATED != 0
}

#[cfg(feature = "abi9")]
fn delegated(_flags: u32) -> bool {
    false
}

/// The `evmc_flags` of a message: STATIC, and (ABI 12) DELEGATED, which
/// ABI 9 cannot say: an ABI 9 host sees a delegated call as a call whose
/// code is the delegate's.
fn evmc_flags(message: &Message) -> u32 {
    let mut flags = 0;
    if message.is_static {
        flags |= ffi::EVMC_STATIC;
    }
    #[cfg(not(feature = "abi9"))]
    if message.delegated {
        flags |= ffi::EVMC_DELEGATED;
    }
    flags
}

/// An EVMC message borrowing `message`'s input (valid while it lives).
pub(crate) fn evmc_message(message: &Message) -> ffi::evmc_message {
    ffi::evmc_message::new(
        evmc_kind(message.kind),
        evmc_flags(message),
        message.depth,
        message.gas,
        evmc_address(&message.recipient),
        evmc_address(&message.sender),
        &message.input,
        evmc_u256(&message.value),
        evmc_address(&message.code_address),
    )
}

pub(crate) fn tx_context(c: &ffi::evmc_tx_context) -> TxContext {
    TxContext {
        gas_price: u256(&c.tx_gas_price),
        origin: address(&c.tx_origin),
        coinbase: address(&c.block_coinbase),
        number: c.block_number,
        timestamp: c.block_timestamp,
        gas_limit: c.block_gas_limit,
        difficulty: u256(&c.difficulty()),
        chain_id: u256(&c.chain_id),
    }
}

pub(crate) fn evmc_tx_context(c: &TxContext) -> ffi::evmc_tx_context {
    ffi::evmc_tx_context::new(
        evmc_u256(&c.gas_price),
        evmc_address(&c.origin),
        evmc_address(&c.coinbase),
        c.number,
        c.timestamp,
        c.gas_limit,
        evmc_u256(&c.difficulty),
        evmc_u256(&c.chain_id),
    )
}
