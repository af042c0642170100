//! A snapshot of the world: accounts, storage and a transaction's logs,
//! with the state root and logs hash. Nothing runs here: revm does
//! ([`crate::evm`]); a snapshot is what goes in (a state test's `pre`, a
//! state file) and what comes out (the post-state).

use std::collections::BTreeMap;
use std::sync::Arc;

use ewasm_host::{Address, Bytes32, U256};

use alloy_primitives::{LogData, B256};
use alloy_trie::{root, TrieAccount};

use crate::keccak;

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

/// Accounts and the logs of the transaction that made them: a pre-state,
/// a post-state, or a state file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct World {
    accounts: BTreeMap<Address, Account>,
    logs: Vec<Log>,
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

    /// Removes the account at `address`.
    pub fn remove(&mut self, address: &Address) {
        self.accounts.remove(address);
    }

    /// Every account, by address.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// The balance at `address` (zero if there is no account).
    pub fn balance(&self, address: &Address) -> U256 {
        self.get(address).map_or_else(U256::zero, |a| a.balance)
    }

    /// The nonce at `address` (zero if there is no account).
    pub fn nonce(&self, address: &Address) -> u64 {
        self.get(address).map_or(0, |a| a.nonce)
    }

    /// The storage value at `key` of `address` (zero if unset).
    pub fn storage(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.get(address)
            .and_then(|a| a.storage.get(key).copied())
            .unwrap_or_default()
    }

    /// Sets the storage value at `key` of `address` (a zero value
    /// removes it), creating the account if absent.
    pub fn set_storage(&mut self, address: Address, key: Bytes32, value: Bytes32) {
        let storage = &mut self.entry(address).storage;
        if value.is_zero() {
            storage.remove(&key);
        } else {
            storage.insert(key, value);
        }
    }

    /// Appends a log.
    pub fn log(&mut self, log: Log) {
        self.logs.push(log);
    }

    /// The logs, oldest first.
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
        let bytes = ewasm_host::hex::decode(s).expect("hex");
        bytes.try_into().expect("32 bytes")
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
