//! The state layer of the command line and the tests, on revm.
//!
//! Transactions and messages run on revm ([`evm`]): its in-memory
//! database, its transaction and EVM rules for the chosen fork, Wasm code
//! on Iris through [`revm_ewasm`] (or any other [`Runner`], such as an
//! EVMC library). [`World`] is a snapshot of accounts and logs, with the
//! state root and logs hash (alloy-trie): what goes in (a state test's
//! `pre`, a state file) and what comes out. [`run::Session`] calls one
//! contract message by message (`iris run`); [`statetest`] runs
//! GeneralStateTests files for each fork in their `post`; [`diff`] lists
//! what differs between two worlds; [`profile`] keeps the gas profile of
//! every Wasm execution.
//!
//! ```
//! use state::{Account, World};
//! let mut world = World::default();
//! world.insert(ewasm_host::Address([1; 20]), Account::with_balance(100u64.into()));
//! assert_eq!(world.state_root(), world.clone().state_root());
//! ```

pub mod accounts;
pub mod diff;
pub mod evm;
pub mod profile;
pub mod run;
pub mod statetest;
mod tx_error;
mod world;

pub use evm::Env;
/// What runs Wasm code: Iris's [`ewasm_host::Executor`], a profiling
/// runner, or an EVMC library.
pub use revm_ewasm::WasmRunner as Runner;
pub use tx_error::TxError;
pub use world::{Account, Log, World};

/// Keccak-256.
pub fn keccak(data: &[u8]) -> [u8; 32] {
    use tiny_keccak::{Hasher, Keccak};
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = [0u8; 32];
    hasher.finalize(&mut out);
    out
}
