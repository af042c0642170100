//! A minimal in-memory host for benchmarks: storage and balances in maps,
//! no nested calls, the block context fixed. What a client's state costs
//! is left out, so that a benchmark measures Iris (the engine and the EEI
//! with its gas rules) against another engine with a minimal EEI.

use rustc_hash::FxHashMap as HashMap;

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, CallOutcome, EvmHost, Message, StorageStatus,
    TxContext, U256,
};

/// A plain call of the code at `to` from `from` with `input` and `gas`: at
/// depth 0, with no value, not static.
pub fn call_message(from: Address, to: Address, input: Vec<u8>, gas: i64) -> Message<'static> {
    Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas,
        recipient: to,
        sender: from,
        input: input.into(),
        value: U256::zero(),
        code_address: to,
        delegated: false,
    }
}

/// A storage slot: its value, its value at the start of the last message
/// that wrote it, and that message (counted from 1; 0 for none).
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    current: Bytes32,
    original: Bytes32,
    message: u64,
}

/// Storage (with each slot's value at the start of the current message,
/// for EIP-2200's statuses), balances and code by address.
#[derive(Debug, Default, Clone)]
pub struct MemoryHost {
    /// One entry per slot, so that a write looks it up once.
    storage: HashMap<(Address, Bytes32), Slot>,
    /// How many messages came before the current one ([`Self::next_message`]):
    /// the current one is `message + 1`.
    message: u64,
    balances: HashMap<Address, U256>,
    code: HashMap<Address, Vec<u8>>,
    /// What `get_tx_context` answers.
    pub context: TxContext,
}

impl MemoryHost {
    /// A host holding `code` at `address`.
    pub fn with_code(address: Address, code: Vec<u8>) -> Self {
        let mut host = Self::default();
        host.code.insert(address, code);
        host
    }

    /// Starts a new message: the slots' current values become their
    /// originals.
    pub fn next_message(&mut self) {
        self.message += 1;
    }
}

impl EvmHost for MemoryHost {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.balances.contains_key(address) || self.code.contains_key(address)
    }

    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.storage
            .get(&(*address, *key))
            .map(|slot| slot.current)
            .unwrap_or_default()
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        let message = self.message + 1;
        let slot = self.storage.entry((*address, *key)).or_default();
        let current = slot.current;
        if slot.message != message {
            // The first write of this message: the slot's value now is
            // its original.
            slot.original = current;
            slot.message = message;
        }
        slot.current = *value;
        StorageStatus::of(&slot.original, &current, value)
    }

    fn get_balance(&mut self, address: &Address) -> U256 {
        self.balances.get(address).copied().unwrap_or_default()
    }

    fn get_code_size(&mut self, address: &Address) -> usize {
        self.code.get(address).map_or(0, Vec::len)
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let code = self.code.get(address).map_or(&[][..], Vec::as_slice);
        let from = code.get(offset..).unwrap_or_default();
        let n = from.len().min(buffer.len());
        buffer[..n].copy_from_slice(&from[..n]);
        n
    }

    fn selfdestruct(&mut self, _address: &Address, _beneficiary: &Address) -> bool {
        true
    }

    fn access_account(&mut self, _address: &Address) -> AccessStatus {
        AccessStatus::Warm
    }

    fn access_storage(&mut self, _address: &Address, _key: &Bytes32) -> AccessStatus {
        AccessStatus::Warm
    }

    fn call(&mut self, _message: &Message) -> CallOutcome {
        CallOutcome::failure()
    }

    fn get_tx_context(&mut self) -> TxContext {
        self.context.clone()
    }

    fn get_block_hash(&mut self, _number: i64) -> Bytes32 {
        Bytes32::default()
    }

    fn emit_log(&mut self, _address: &Address, _data: &[u8], _topics: &[Bytes32]) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keeps_values_and_answers_eip_2200_statuses() {
        let mut host = MemoryHost::default();
        let (a, k) = (Address([1; 20]), Bytes32([2; 32]));
        let one = Bytes32::from_u256(U256::one());
        assert_eq!(host.set_storage(&a, &k, &one), StorageStatus::Added);
        assert_eq!(host.get_storage(&a, &k), one);
        assert_eq!(
            host.set_storage(&a, &k, &Bytes32::default()),
            StorageStatus::AddedDeleted
        );
        host.set_storage(&a, &k, &one);
        host.next_message();
        assert_eq!(host.set_storage(&a, &k, &one), StorageStatus::Assigned);
    }
}
