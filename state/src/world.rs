//! Accounts, storage, logs and the per-transaction bookkeeping, with
//! snapshots.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ewasm_host::{Address, Bytes32, U256};

use crate::{keccak, rlp, trie};

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
        let items = self
            .storage
            .iter()
            .map(|(key, value)| (keccak(&key.0).to_vec(), rlp::uint(&value.0)))
            .collect();
        trie::root(items)
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

/// The world state plus what one transaction accumulates. Cloning it is
/// how a frame takes a snapshot.
#[derive(Debug, Clone, Default)]
pub struct World {
    accounts: BTreeMap<Address, Account>,
    /// Logs of the current transaction.
    pub(crate) logs: Vec<Log>,
    /// Refund counter of the current transaction.
    pub(crate) refund: u64,
    /// Accounts that self-destructed in the current transaction.
    pub(crate) destructed: BTreeSet<Address>,
    /// Accounts touched in the current transaction (EIP-161).
    pub(crate) touched: BTreeSet<Address>,
}

impl World {
    /// Puts an account in the world, replacing any there.
    pub fn insert(&mut self, address: Address, account: Account) {
        self.accounts.insert(address, account);
    }

    /// The account at `address`.
    pub fn get(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address)
    }

    /// The account at `address`, created empty if absent.
    pub fn entry(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
    }

    /// Removes an account.
    pub fn remove(&mut self, address: &Address) {
        self.accounts.remove(address);
    }

    /// Every account, by address.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// The balance at `address` (zero if absent).
    pub fn balance(&self, address: &Address) -> U256 {
        self.get(address).map_or_else(U256::zero, |a| a.balance)
    }

    /// A storage value (zero if absent).
    pub fn storage(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.get(address)
            .and_then(|a| a.storage.get(key).copied())
            .unwrap_or_default()
    }

    /// Sets a storage value; zero removes it.
    pub fn set_storage(&mut self, address: Address, key: Bytes32, value: Bytes32) {
        let account = self.entry(address);
        if value.is_zero() {
            account.storage.remove(&key);
        } else {
            account.storage.insert(key, value);
        }
    }

    /// Marks an account touched.
    pub fn touch(&mut self, address: Address) {
        self.touched.insert(address);
    }

    /// Moves `value` from `from` to `to`; false (and nothing moved) if
    /// `from` has less.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let Some(rest) = self.balance(&from).checked_sub(value) else {
            return false;
        };
        self.entry(from).balance = rest;
        let to_account = self.entry(to);
        to_account.balance = to_account.balance.saturating_add(value);
        true
    }

    /// The logs of the current transaction.
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    /// The state root: the secure trie of accounts.
    pub fn state_root(&self) -> [u8; 32] {
        let items = self
            .accounts
            .iter()
            .map(|(address, account)| {
                let encoded = rlp::list(&[
                    rlp::uint(&account.nonce.to_be_bytes()),
                    rlp::uint(&account.balance.to_big_endian()),
                    rlp::bytes(&account.storage_root()),
                    rlp::bytes(&keccak(&account.code)),
                ]);
                (keccak(&address.0).to_vec(), encoded)
            })
            .collect();
        trie::root(items)
    }

    /// Keccak-256 of the RLP list of the transaction's logs.
    pub fn logs_hash(&self) -> [u8; 32] {
        let logs: Vec<Vec<u8>> = self
            .logs
            .iter()
            .map(|log| {
                let topics: Vec<Vec<u8>> = log.topics.iter().map(|t| rlp::bytes(&t.0)).collect();
                rlp::list(&[
                    rlp::bytes(&log.address.0),
                    rlp::list(&topics),
                    rlp::bytes(&log.data),
                ])
            })
            .collect();
        keccak(&rlp::list(&logs))
    }
}
