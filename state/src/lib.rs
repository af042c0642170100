//! An in-memory Ethereum world for Iris, and the state-test runner.
//!
//! [`World`] holds accounts (nonce, balance, code, storage) and runs
//! messages through `ewasm-host`: it is the [`EvmHost`](ewasm_host::EvmHost)
//! behind `iris run`, `iris statetest` and the EEI tests, with nested calls
//! and creates, value transfers, logs, self-destructs and refunds, and an
//! undo journal so that a failed or reverted frame undoes exactly its own
//! changes. [`transaction`] applies a Byzantium transaction;
//! [`statetest`] runs GeneralStateTests JSON files and checks the post-state
//! root and the logs hash; [`diff`] lists what differs between two worlds.
//!
//! ```
//! use state::{Account, World};
//! let mut world = World::default();
//! world.insert(ewasm_host::Address([1; 20]), Account::with_balance(100u64.into()));
//! assert_eq!(world.state_root(), world.clone().state_root());
//! ```

pub mod accounts;
pub mod diff;
pub mod host;
pub mod profile;
pub mod run;
pub mod statetest;
pub mod transaction;
mod world;

pub use host::{Env, Runner, WorldHost};
pub use world::{Account, Checkpoint, Log, World};

/// Keccak-256.
pub fn keccak(data: &[u8]) -> [u8; 32] {
    use tiny_keccak::{Hasher, Keccak};
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = [0u8; 32];
    hasher.finalize(&mut out);
    out
}
