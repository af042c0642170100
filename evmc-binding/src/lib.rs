//! Iris as an EVMC VM: `libiris.so`, whose `evmc_create_iris` (and
//! `evmc_create`) returns a VM that runs Ewasm contracts for any EVMC
//! host of ABI version 12. The crate is also the host side of EVMC:
//! [`ffi::client::LoadedVm`] loads any EVMC VM library and runs messages
//! on it against an [`EvmHost`](ewasm_host::EvmHost).
//!
//! All FFI and all `unsafe` code live in [`ffi`]; the rest is safe Rust:
//! [`vm::VmState`] (options, executor, module cache) and the status table.
//!
//! ```
//! let vm = iris::vm::VmState::default();
//! assert_eq!(vm.set_option("metering", "true"), iris::vm::SetOption::Success);
//! ```

mod convert;
pub mod ffi;
pub mod status;
pub mod vm;
