//! Ewasm contracts inside revm: code that starts with `\0asm` runs on
//! Iris, everything else on revm's own EVM, in one transaction, with calls
//! crossing both ways.
//!
//! Calls plug in at revm's precompile provider ([`EwasmPrecompiles`]):
//! revm asks it about every call once the frame's checkpoint is made and
//! the value moved, and it runs Wasm code on Iris against an
//! [`ewasm_host::EvmHost`] over revm's context (state, warm sets, logs and
//! checkpoints in revm's journal). Creates plug in at revm's frame loop
//! ([`EwasmHandler`]): a create whose init code is Wasm, from a
//! transaction, an EVM `CREATE`/`CREATE2` or a Wasm contract, runs on Iris
//! and deposits its code by revm's rules. A Wasm contract's nested calls
//! and creates run as revm frames, so EVM → Wasm → EVM works to the depth
//! limit, the gas forwarded by the EEI's 63/64 rule. [`EwasmEvm`] (from
//! [`EwasmBuilder::build_ewasm`]) is revm's mainnet `Evm` with both, run
//! through revm's `ExecuteEvm` and `ExecuteCommitEvm`.
//!
//! A Wasm contract in revm's in-memory database, called in a transaction:
//!
//! ```
//! use std::sync::Arc;
//! use revm::{bytecode::Bytecode, context::TxEnv, database::InMemoryDB, state::AccountInfo};
//! use revm::{primitives::{address, Bytes}, Context, ExecuteEvm, MainContext};
//! use revm_ewasm::EwasmBuilder;
//!
//! let wasm = wat::parse_str(r#"(module
//!     (import "ethereum" "finish" (func $finish (param i32 i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 0) "hello from Wasm")
//!     (func (export "main") (call $finish (i32.const 0) (i32.const 15))))"#)?;
//! let contract = address!("0x00000000000000000000000000000000000000aa");
//! let mut db = InMemoryDB::default();
//! db.insert_account_info(contract, AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(wasm))));
//!
//! let executor = Arc::new(ewasm_host::Executor::new(ewasm_host::ExecConfig::default())?);
//! let mut evm = Context::mainnet().with_db(db).build_ewasm(executor);
//! let result = evm.transact_one(TxEnv::builder().call(contract).gas_limit(1_000_000).build_fill())?;
//! assert_eq!(result.output().map(|out| &out[..]), Some(&b"hello from Wasm"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod convert;
mod frames;
mod handler;
mod host;
mod precompiles;

pub use builder::{EwasmBuilder, EwasmEvm, MainnetEwasmEvm};
pub use convert::{address, revision, to_address, to_u256, u256};
/// What runs a Wasm frame's code (Iris's `Executor`, an EVMC library).
pub use ewasm_host::WasmRunner;
pub use frames::WasmParts;
pub use handler::EwasmHandler;
pub use precompiles::{EwasmPrecompiles, TopFrame};

/// Whether `code` is for Iris: it starts with Wasm's magic `\0asm`. Code
/// that starts so but is no valid contract (no version, a broken module)
/// fails on Iris, as it did on Hera, instead of running as EVM code (where
/// its first byte, `STOP`, would end it at once with success).
pub fn is_wasm(code: &[u8]) -> bool {
    code.starts_with(b"\0asm")
}
