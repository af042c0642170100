//! Everything that touches the C ABI, and the only `unsafe` code of the
//! crate: the VM's exported entry points, the host interface as an
//! `EvmHost`, and the client side that loads VM libraries. The C types
//! are `evmc-abi`'s.
//!
//! Every `extern "C"` function checks its pointers first and runs inside
//! `catch_unwind`: no panic crosses the C boundary.

#![allow(unsafe_code)]

pub mod client;
pub(crate) mod host;
pub mod vm;
