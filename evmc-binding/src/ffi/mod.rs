//! Everything that touches the C ABI, and the only `unsafe` code of the
//! crate: the EVMC types, the VM's exported entry points, the host
//! interface as an `EvmHost`, and the client side that loads VM libraries.
//!
//! Every `extern "C"` function checks its pointers first and runs inside
//! `catch_unwind`: no panic crosses the C boundary.

#![allow(unsafe_code)]

pub mod client;
pub mod common;
pub(crate) mod host;
#[cfg(not(feature = "abi9"))]
pub mod types;
#[cfg(feature = "abi9")]
#[path = "types9.rs"]
pub mod types;
pub mod vm;

pub use types::*;

/// Copies a result's output, then releases the result.
///
/// # Safety
///
/// `result` came from a VM or a host, owns `output_size` bytes at
/// `output_data` (or none), and has not been released: EVMC has whoever
/// receives a result release it, once.
pub(crate) unsafe fn take_output(result: &types::evmc_result) -> Vec<u8> {
    let output = if result.output_data.is_null() || result.output_size == 0 {
        Vec::new()
    } else {
        // SAFETY: by the contract above.
        unsafe { std::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
    };
    if let Some(release) = result.release {
        // SAFETY: by the contract above, this is the one release.
        unsafe { release(result) };
    }
    output
}
