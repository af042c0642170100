//! Fuzz targets, each a `run(&mut Unstructured) -> Result<(), String>`:
//! `Ok` when the input exercised nothing wrong (or was too short to build
//! anything), `Err` with a description of a finding. The cargo-fuzz
//! targets in `fuzz/` panic on `Err`; `tests/fuzz_seeds.rs` runs every
//! target on the committed seeds and on fixed pseudo-random inputs.
//!
//! Panics are findings too: a target never catches them.

pub mod ewasm;
pub mod execute;
pub mod statetest;
pub mod translate;
pub mod wasi_paths;

use arbitrary::Unstructured;

/// A fuzz target's entry point.
pub type Target = fn(&mut Unstructured<'_>) -> Result<(), String>;

/// Every target by name, as `fuzz/fuzz_targets/NAME.rs` names it.
pub const TARGETS: [(&str, Target); 6] = [
    ("translate", translate::run),
    ("execute", execute::run),
    ("differential", differential),
    ("ewasm", ewasm::run),
    ("wasi_paths", wasi_paths::run),
    ("statetest", statetest::run),
];

/// The differential comparison against wasmi ([`crate::diff::run`]).
///
/// # Errors
///
/// The first disagreement.
pub fn differential(u: &mut Unstructured<'_>) -> Result<(), String> {
    crate::diff::run(u).map(drop)
}
