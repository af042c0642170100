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

mod builder;
mod convert;
mod host;
mod precompiles;

pub use builder::{EwasmBuilder, EwasmEvm};
pub use precompiles::EwasmPrecompiles;
