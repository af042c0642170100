//! Ewasm on the Iris engine: the contract rules, the `ethereum` host module
//! (the Ewasm Environment Interface), the `debug` module, the gas schedule
//! and metering.
//!
//! `ewasm-host` sees no EVMC types: the client is an [`EvmHost`] over plain
//! Rust types, implemented by the EVMC binding over the C interface and by
//! the `state` crate over an in-memory world. One [`Executor::execute`] maps a
//! [`Message`] and code to an [`Outcome`] at a [`Revision`], whose
//! [`Schedule`] prices each EEI function with an EVM counterpart as that
//! opcode at that revision (Byzantium: Hera's prices).
//!
//! ```
//! use ewasm_host::{Revision, Schedule};
//! let berlin = Schedule::of(Revision::Berlin).expect("Iris runs Berlin");
//! assert_eq!((berlin.storage_load, berlin.cold_slot), (100, 2_100));
//! assert!(Schedule::of(Revision::Homestead).is_none());
//! ```
//!
//! Metering: [`EwasmCostModel`] makes the engine charge every instruction
//! exactly as the Sentinel's injected metering would ([`inject_metering`]
//! does that rewriting, to prove it).
//!
//! Hex text is read and written in one place, [`hex`] (addresses, call
//! data, state files: an error names the first character that is not a
//! hex digit).
//!
//! ```
//! use ewasm_host::{ExecConfig, Executor};
//! let executor = Executor::new(ExecConfig::default())?;
//! let contract = wat::parse_str(r#"(module
//!     (import "ethereum" "finish" (func $finish (param i32 i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 0) "hi")
//!     (func (export "main") (call $finish (i32.const 0) (i32.const 2))))"#).unwrap();
//! assert!(executor.compile(&contract).is_ok());
//! # Ok::<(), engine::Error>(())
//! ```

mod cache;
mod call_data;
mod eei;
mod execute;
pub mod gas;
pub mod hex;
mod host;
mod inject;
mod kept;
mod metering;
mod observe;
mod profile;
mod reason;
mod revision;
mod runner;
mod schedule;
mod trace;
mod types;
mod validate;

pub use bytes::Bytes;
pub use cache::DEFAULT_CACHE_BYTES;
pub use call_data::CallData;
pub use eei::{add_debug_to_linker, add_to_linker, EeiCtx, EeiError, Halt, OutOfBounds};
pub use execute::{Evm1Mode, ExecConfig, Executor};
pub use gas::Gas;
pub use host::{AccessStatus, EvmHost, StorageStatus};
pub use inject::{inject_metering, InjectError, InjectOptions};
pub use metering::{float_operators, is_float_operator, EwasmCostModel, GasModel};
pub use observe::{
    downcast_observer, EeiCall, EeiReturn, GasStep, GasStepKind, NoObserver, Observed, Observer,
};
pub use profile::{
    folded, BlockGas, FunctionGas, GasProfile, HostGas, LineGas, OperatorGas, CODE, FORFEITED,
    INITIAL_MEMORY,
};
pub use reason::{FailureReason, FuncRef, GasSite, MessageFailure};
pub use revision::Revision;
pub use runner::WasmRunner;
pub use schedule::{Schedule, StoragePrices};
pub use trace::JsonTrace;
pub use types::{
    Address, Bytes32, CallKind, CallOutcome, Held, Message, Outcome, Status, TxContext, U256,
};
pub use validate::{check_contract, has_wasm_preamble, unpriced_operators, ContractError};
