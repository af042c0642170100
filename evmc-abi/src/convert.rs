//! Conversions between the EVMC C types and ewasm-host's Rust types, the
//! same for the VM (`evmc-binding`) and the client (`evmc-client`).

use ewasm_host::{AccessStatus, Address, Bytes32, CallKind, Message, Revision, TxContext, U256};

use crate::types::*;

/// An address from its C form.
pub fn address(a: &evmc_address) -> Address {
    Address(a.bytes)
}

/// The C form of an address.
pub fn evmc_address(a: &Address) -> evmc_address {
    evmc_address { bytes: a.0 }
}

/// A 32-byte word from its C form.
pub fn bytes32(b: &evmc_bytes32) -> Bytes32 {
    Bytes32(b.bytes)
}

/// The C form of a 32-byte word.
pub fn evmc_bytes32(b: &Bytes32) -> evmc_bytes32 {
    evmc_bytes32 { bytes: b.0 }
}

/// A number from its big-endian C form.
pub fn u256(b: &evmc_uint256be) -> U256 {
    U256::from_big_endian(&b.bytes)
}

/// The big-endian C form of a number.
pub fn evmc_u256(value: &U256) -> evmc_uint256be {
    evmc_bytes32 {
        bytes: value.to_big_endian(),
    }
}

/// The call kind of a raw EVMC kind at `revision`; `None` for kinds Ewasm
/// has no use for (EOFCREATE), unknown values, and CREATE2 before
/// Constantinople (which introduced it). CREATE2 runs as a create.
pub fn call_kind(kind: i32, revision: Revision) -> Option<CallKind> {
    match kind {
        EVMC_CALL => Some(CallKind::Call),
        EVMC_DELEGATECALL => Some(CallKind::DelegateCall),
        EVMC_CALLCODE => Some(CallKind::CallCode),
        EVMC_CREATE => Some(CallKind::Create),
        EVMC_CREATE2 if revision >= Revision::Constantinople => Some(CallKind::Create),
        _ => None,
    }
}

/// The EVMC kind of a call kind.
pub fn evmc_kind(kind: CallKind) -> i32 {
    match kind {
        CallKind::Call => EVMC_CALL,
        CallKind::DelegateCall => EVMC_DELEGATECALL,
        CallKind::CallCode => EVMC_CALLCODE,
        CallKind::Create => EVMC_CREATE,
    }
}

/// A message on `input`, its call data (borrowed, not copied); the
/// caller has checked the pointers and read `kind` with [`call_kind`].
pub fn message<'a>(msg: &evmc_message, kind: CallKind, input: &'a [u8]) -> Message<'a> {
    let (recipient, code_address) = msg.accounts();
    Message {
        kind,
        is_static: msg.flags & EVMC_STATIC != 0,
        depth: msg.depth,
        gas: msg.gas,
        recipient: address(&recipient),
        sender: address(&msg.sender),
        input: input.into(),
        value: u256(&msg.value),
        code_address: address(&code_address),
        delegated: msg.delegated(),
    }
}

/// An EVMC message borrowing `message`'s input (valid while it lives), as
/// a VM sends it to its host (ABI 9: the destination is the code's
/// account; see [`evmc_message::set_acted_on`] for a message a client
/// executes).
pub fn evmc_message(message: &Message) -> evmc_message {
    evmc_message::new(
        evmc_kind(message.kind),
        evmc_flags(message.is_static, message.delegated),
        message.depth,
        message.gas,
        evmc_address(&message.recipient),
        evmc_address(&message.sender),
        &message.input,
        evmc_u256(&message.value),
        evmc_address(&message.code_address),
    )
}

/// A transaction context from its C form.
pub fn tx_context(c: &evmc_tx_context) -> TxContext {
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

/// The C form of a transaction context (what EVMC has and Ewasm does not,
/// such as blob hashes, empty).
pub fn evmc_tx_context(c: &TxContext) -> evmc_tx_context {
    evmc_tx_context::new(
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

/// An `evmc_access_status`: anything but warm is cold (the dearer price).
pub fn access_status(status: i32) -> AccessStatus {
    if status == EVMC_ACCESS_WARM {
        AccessStatus::Warm
    } else {
        AccessStatus::Cold
    }
}

/// The `evmc_access_status` of an access status.
pub fn evmc_access_status(status: AccessStatus) -> i32 {
    match status {
        AccessStatus::Cold => EVMC_ACCESS_COLD,
        AccessStatus::Warm => EVMC_ACCESS_WARM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_the_trip_through_its_c_form() {
        let sent = Message {
            kind: CallKind::Call,
            is_static: true,
            depth: 3,
            gas: 12_345,
            recipient: Address([0xc0; 20]),
            sender: Address([0x5e; 20]),
            input: vec![1, 2, 3].into(),
            value: U256::from(77u64),
            code_address: Address([0xc0; 20]),
            delegated: false,
        };
        let c = evmc_message(&sent);
        let kind = call_kind(c.kind, Revision::Byzantium).unwrap();
        let back = message(&c, kind, &sent.input);
        assert_eq!(back, sent);
    }

    #[test]
    fn create2_is_a_create_from_constantinople_and_unknown_kinds_are_none() {
        assert_eq!(call_kind(EVMC_CREATE2, Revision::Byzantium), None);
        assert_eq!(
            call_kind(EVMC_CREATE2, Revision::Constantinople),
            Some(CallKind::Create)
        );
        assert_eq!(call_kind(EVMC_EOFCREATE, Revision::Osaka), None);
        assert_eq!(call_kind(-1, Revision::Osaka), None);
    }

    #[test]
    fn a_transaction_context_survives_the_trip_through_its_c_form() {
        let context = TxContext {
            gas_price: U256::from(9u64),
            origin: Address([1; 20]),
            coinbase: Address([2; 20]),
            number: 4,
            timestamp: 5,
            gas_limit: 6,
            difficulty: U256::from(7u64),
            chain_id: U256::from(8u64),
        };
        assert_eq!(tx_context(&evmc_tx_context(&context)), context);
    }

    #[test]
    fn only_warm_is_warm() {
        assert_eq!(access_status(EVMC_ACCESS_WARM), AccessStatus::Warm);
        assert_eq!(access_status(EVMC_ACCESS_COLD), AccessStatus::Cold);
        assert_eq!(access_status(7), AccessStatus::Cold);
        for status in [AccessStatus::Cold, AccessStatus::Warm] {
            assert_eq!(access_status(evmc_access_status(status)), status);
        }
    }
}
