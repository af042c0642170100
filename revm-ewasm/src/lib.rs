//! Ewasm contracts inside revm: code that starts with `\0asm` runs on
//! Iris, everything else on revm's own EVM, in one transaction, with calls
//! crossing both ways.
//!
//! The plug is revm's precompile provider ([`EwasmPrecompiles`]): revm
//! asks it about every call once the frame's checkpoint is made and the
//! value moved, and it runs Wasm code on Iris against an
//! [`ewasm_host::EvmHost`] over revm's context (state, warm sets, logs and
//! checkpoints in revm's journal). A Wasm contract's nested calls and
//! creates run as revm frames, so EVM → Wasm → EVM works at any depth, the
//! gas forwarded by the EEI's 63/64 rule.
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
mod host;
mod precompiles;

pub use builder::{EwasmBuilder, EwasmEvm};
pub use precompiles::EwasmPrecompiles;
