//! Test support: differential testing of Iris against wasmi, the helpers
//! fuzz targets call, the hostile corpus's runner, and [`expect`], the one
//! reader and writer of fixtures' `;; EXPECT:` lines (the sample contracts'
//! in `state`'s tests, the hostile corpus's here; `BLESS=1` rewrites
//! them). For tests and fuzzing only: only tests, benches and fuzz targets
//! depend on this crate (`state`'s tests through a dev-dependency).
//!
//! ```
//! let report = test_support::diff::run_seed(7).expect("Iris and wasmi agree");
//! assert!(report.calls <= 100);
//! ```

pub mod diff;
pub mod expect;
pub mod fuzz;
pub mod hostile;
pub mod kernels;
pub mod memory_host;
pub mod metered;
pub mod nesting_host;
pub mod peer;
pub mod shrink;
pub mod straight;
pub mod wrc20;
