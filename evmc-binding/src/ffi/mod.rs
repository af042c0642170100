//! Everything that touches the C ABI, and the only `unsafe` code of the
//! crate: the VM's exported entry points, and the host interface as an
//! `EvmHost`. The C types are `evmc-abi`'s.
//!
//! Every `extern "C"` function checks its pointers first and runs inside
//! `catch_unwind`: no panic crosses the C boundary.

#![allow(unsafe_code)]

pub(crate) mod host;
pub mod vm;
