//! Everything that touches the C ABI, and the only `unsafe` code of the
//! crate: the EVMC types, the VM's exported entry points, the host
//! interface as an `EvmHost`, and the client side that loads VM libraries.
//!
//! Every `extern "C"` function checks its pointers first and runs inside
//! `catch_unwind`: no panic crosses the C boundary.

#![allow(unsafe_code)]

pub mod client;
pub(crate) mod host;
#[cfg(not(feature = "abi9"))]
pub mod types;
#[cfg(feature = "abi9")]
#[path = "types9.rs"]
pub mod types;
pub mod vm;

pub use types::*;
