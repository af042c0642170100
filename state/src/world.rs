//! Accounts, storage, logs and the per-transaction bookkeeping, with an
//! undo journal for frames.

mod journal;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ewasm_host::{Address, Bytes32, U256};

use alloy_primitives::{LogData, B256};
use alloy_trie::{root, TrieAccount};

use crate::keccak;

pub use journal::Checkpoint;
use journal::{Change, Journal};

/// One account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// Transactions sent (or contracts created).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code.
    pub code: Arc<Vec<u8>>,
    /// Storage; zero values are absent.
    pub storage: BTreeMap<Bytes32, Bytes32>,
}

impl Account {
    /// An account holding only `balance`.
    pub fn with_balance(balance: U256) -> Self {
        Self {
            balance,
            ..Self::default()
        }
    }

    /// Empty in the sense of EIP-161: no nonce, no balance, no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code.is_empty()
    }

    /// The root of the account's storage trie.
    pub fn storage_root(&self) -> [u8; 32] {
        root::storage_root_unhashed(self.storage.iter().map(|(key, value)| {
            (
                B256::from(key.0),
                alloy_primitives::U256::from_be_bytes(value.0),
            )
        }))
        .0
    }
}

/// A log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// The account that logged.
    pub address: Address,
    /// Up to four topics.
    pub topics: Vec<Bytes32>,
    /// The data.
    pub data: Vec<u8>,
}

/// The world state plus what one transaction accumulates, with the undo
/// journal of the open frames ([`checkpoint`](Self::checkpoint),
/// [`commit`](Self::commit), [`revert`](Self::revert)).
///
/// Every change made through its methods is journaled while a checkpoint
/// is open, so a revert restores exactly the world of its checkpoint.
#[derive(Debug, Clone, Default)]
pub struct World {
    accounts: BTreeMap<Address, Account>,
    /// Logs of the current transaction.
    logs: Vec<Log>,
    /// Accounts accessed in the current transaction (EIP-2929's warm
    /// accounts).
    accessed_accounts: BTreeSet<Address>,
    /// Storage slots accessed in the current transaction (EIP-2929's warm
    /// slots).
    accessed_slots: BTreeSet<(Address, Bytes32)>,
    /// The value each slot written in the current transaction held at its
    /// start (EIP-2200's original value). Not journaled: a reverted write
    /// leaves the original what it was.
    original: BTreeMap<(Address, Bytes32), Bytes32>,
    /// Accounts that self-destructed in the current transaction.
    destructed: BTreeSet<Address>,
    /// Accounts touched in the current transaction (EIP-161).
    touched: BTreeSet<Address>,
    journal: Journal,
}

impl World {
    /// Puts an account in the world, replacing any there.
    pub fn insert(&mut self, address: Address, account: Account) {
        let change = match self.accounts.insert(address, account) {
            Some(old) => Change::Replaced(address, old),
            None => Change::Created(address),
        };
        self.journal.record(change);
    }

    /// The account at `address`.
    pub fn get(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address)
    }

    /// The account at `address`, created empty if absent, to build a world
    /// with.
    ///
    /// Inside a frame this journals a copy of the whole account (storage
    /// included), since what the caller changes through the reference
    /// cannot be seen; the setters journal only what they change.
    pub fn entry(&mut self, address: Address) -> &mut Account {
        if self.journal.recording() {
            let change = match self.accounts.get(&address) {
                Some(account) => Change::Replaced(address, account.clone()),
                None => Change::Created(address),
            };
            self.journal.record(change);
        }
        self.accounts.entry(address).or_default()
    }

    /// The account at `address` for a journaled change, created (and the
    /// creation journaled) if absent.
    fn account_mut(&mut self, address: Address) -> &mut Account {
        if !self.accounts.contains_key(&address) {
            self.journal.record(Change::Created(address));
        }
        self.accounts.entry(address).or_default()
    }

    /// Removes an account.
    pub fn remove(&mut self, address: &Address) {
        if let Some(old) = self.accounts.remove(address) {
            self.journal.record(Change::Replaced(*address, old));
        }
    }

    /// Every account, by address.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// The balance at `address` (zero if absent).
    pub fn balance(&self, address: &Address) -> U256 {
        self.get(address).map_or_else(U256::zero, |a| a.balance)
    }

    /// The nonce at `address` (zero if absent).
    pub fn nonce(&self, address: &Address) -> u64 {
        self.get(address).map_or(0, |a| a.nonce)
    }

    /// Sets a balance, creating the account if absent.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.balance, balance);
        self.journal.record(Change::Balance(address, old));
    }

    /// Sets a nonce, creating the account if absent.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.nonce, nonce);
        self.journal.record(Change::Nonce(address, old));
    }

    /// Sets the code, creating the account if absent.
    pub fn set_code(&mut self, address: Address, code: Arc<Vec<u8>>) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.code, code);
        self.journal.record(Change::Code(address, old));
    }

    /// A storage value (zero if absent).
    pub fn storage(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.get(address)
            .and_then(|a| a.storage.get(key).copied())
            .unwrap_or_default()
    }

    /// Sets a storage value (zero removes it), creating the account if
    /// absent.
    pub fn set_storage(&mut self, address: Address, key: Bytes32, value: Bytes32) {
        let account = self.account_mut(address);
        let old = if value.is_zero() {
            account.storage.remove(&key)
        } else {
            account.storage.insert(key, value)
        };
        self.journal
            .record(Change::Storage(address, key, old.unwrap_or_default()));
    }

    /// Empties an account's storage, creating the account if absent.
    pub fn clear_storage(&mut self, address: Address) {
        let old = std::mem::take(&mut self.account_mut(address).storage);
        if !old.is_empty() {
            self.journal.record(Change::StorageCleared(address, old));
        }
    }

    /// Marks an account touched.
    pub fn touch(&mut self, address: Address) {
        if self.touched.insert(address) {
            self.journal.record(Change::Touched(address));
        }
    }

    /// The accounts touched in the current transaction.
    pub fn touched(&self) -> impl Iterator<Item = &Address> {
        self.touched.iter()
    }

    /// Marks an account self-destructed; false if it already was.
    pub fn destruct(&mut self, address: Address) -> bool {
        let new = self.destructed.insert(address);
        if new {
            self.journal.record(Change::Destructed(address));
        }
        new
    }

    /// The accounts that self-destructed in the current transaction.
    pub fn destructed(&self) -> impl Iterator<Item = &Address> {
        self.destructed.iter()
    }

    /// Appends a log to the current transaction's.
    pub fn log(&mut self, log: Log) {
        self.logs.push(log);
        self.journal.record(Change::Logged);
    }

    /// Marks an account accessed in the current transaction; true if it
    /// was not yet (cold). Undone with the frame that made it, as the EVM
    /// undoes a reverted frame's accesses.
    pub fn access_account(&mut self, address: Address) -> bool {
        let cold = self.accessed_accounts.insert(address);
        if cold {
            self.journal.record(Change::AccountAccessed(address));
        }
        cold
    }

    /// Marks a storage slot accessed in the current transaction; true if
    /// it was not yet (cold). Journaled as [`World::access_account`].
    pub fn access_slot(&mut self, address: Address, key: Bytes32) -> bool {
        let cold = self.accessed_slots.insert((address, key));
        if cold {
            self.journal.record(Change::SlotAccessed(address, key));
        }
        cold
    }

    /// The accounts accessed in the current transaction.
    pub fn accessed_accounts(&self) -> impl Iterator<Item = &Address> {
        self.accessed_accounts.iter()
    }

    /// The storage slots accessed in the current transaction.
    pub fn accessed_slots(&self) -> impl Iterator<Item = &(Address, Bytes32)> {
        self.accessed_slots.iter()
    }

    /// The value a slot held at the start of the current transaction: the
    /// value it holds now if it was not written before in the transaction,
    /// which is remembered for the writes that follow.
    pub fn original_storage(&mut self, address: Address, key: Bytes32) -> Bytes32 {
        let current = self.storage(&address, &key);
        *self.original.entry((address, key)).or_insert(current)
    }

    /// Starts a transaction: no logs, self-destructs, touched or accessed
    /// accounts, accessed slots or original values yet, and no frame
    /// open.
    pub(crate) fn start_transaction(&mut self) {
        self.logs.clear();
        self.destructed.clear();
        self.touched.clear();
        self.accessed_accounts.clear();
        self.accessed_slots.clear();
        self.original.clear();
        self.journal.clear();
    }

    /// Takes the self-destruct set, leaving it empty (unjournaled: for the
    /// end of a transaction).
    pub(crate) fn take_destructed(&mut self) -> BTreeSet<Address> {
        std::mem::take(&mut self.destructed)
    }

    /// Takes the touched set, leaving it empty (unjournaled: for the end of
    /// a transaction).
    pub(crate) fn take_touched(&mut self) -> BTreeSet<Address> {
        std::mem::take(&mut self.touched)
    }

    /// Moves `value` from `from` to `to`; false (and nothing moved) if
    /// `from` has less. Both accounts are created if absent.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let Some(rest) = self.balance(&from).checked_sub(value) else {
            return false;
        };
        self.set_balance(from, rest);
        let received = self.balance(&to).saturating_add(value);
        self.set_balance(to, received);
        true
    }

    /// The logs of the current transaction.
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    /// The state root: the secure trie of accounts.
    pub fn state_root(&self) -> [u8; 32] {
        root::state_root_unhashed(self.accounts.iter().map(|(address, account)| {
            let trie_account = TrieAccount::new(
                account.nonce,
                alloy_primitives::U256::from_be_bytes(account.balance.to_big_endian()),
                B256::from(account.storage_root()),
                B256::from(keccak(&account.code)),
            );
            (alloy_primitives::Address::from(address.0), trie_account)
        }))
        .0
    }

    /// Keccak-256 of the RLP list of the transaction's logs.
    pub fn logs_hash(&self) -> [u8; 32] {
        // Each log is rlp([address, [topics...], data]), as alloy encodes it.
        let logs: Vec<alloy_primitives::Log> = self
            .logs
            .iter()
            .map(|log| alloy_primitives::Log {
                address: alloy_primitives::Address::from(log.address.0),
                data: LogData::new_unchecked(
                    log.topics.iter().map(|topic| B256::from(topic.0)).collect(),
                    log.data.clone().into(),
                ),
            })
            .collect();
        keccak(&alloy_rlp::encode(&logs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn an_empty_world_has_the_empty_trie_root() {
        assert_eq!(
            World::default().state_root(),
            hex32("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        );
        assert_eq!(
            Account::default().storage_root(),
            World::default().state_root()
        );
    }

    #[test]
    fn no_logs_hash_to_the_rlp_empty_list() {
        assert_eq!(
            World::default().logs_hash(),
            hex32("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
        );
    }
}
