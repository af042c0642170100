//! Iris as an EVMC VM: `libiris.so`, whose `evmc_create_iris` (and
//! `evmc_create`) returns a VM that runs Ewasm contracts for any EVMC
//! host of ABI version 12 (ABI 9 with the `abi9` feature). The crate is
//! also the host side of EVMC: [`ffi::client::LoadedVm`] loads any EVMC VM
//! library and runs messages on it against an
//! [`EvmHost`](ewasm_host::EvmHost). The C types, their conversions and
//! the status table are `evmc-abi`'s, which both sides share.
//!
//! All FFI and all `unsafe` code live in [`ffi`]; the rest is safe Rust:
//! [`vm::VmState`] (options, executor, module cache).
//!
//! ```
//! let vm = iris::vm::VmState::default();
//! assert_eq!(vm.set_option("metering", "true"), iris::vm::SetOption::Success);
//! ```

pub mod ffi;
pub mod vm;
