//! Iris as an EVMC VM: `libiris.so`, whose `evmc_create_iris` (and
//! `evmc_create`) returns a VM that runs Ewasm contracts for any EVMC
//! host of ABI version 12 (ABI 9 with the `abi9` feature). The C types,
//! their conversions and the status table are `evmc-abi`'s, shared with
//! the client side (`evmc-client`, which loads VM libraries and is no part
//! of `libiris.so`).
//!
//! All FFI and all `unsafe` code of the VM live in [`ffi`]; the rest is
//! safe Rust: [`vm::VmState`] (options, executor, module cache).
//!
//! ```
//! let vm = iris::vm::VmState::default();
//! assert_eq!(vm.set_option("metering", "true"), iris::vm::SetOption::Success);
//! ```

pub mod ffi;
mod observers;
pub mod vm;
