//! Test support: differential testing of Iris against wasmi, and the
//! helpers fuzz targets call. For tests and fuzzing only; nothing depends
//! on this crate.
//!
//! ```
//! let report = test_support::diff::run_seed(7).expect("Iris and wasmi agree");
//! assert!(report.calls <= 100);
//! ```

pub mod diff;
pub mod fuzz;
pub mod hostile;
pub mod kernels;
pub mod memory_host;
pub mod metered;
pub mod shrink;
