//! The host side of EVMC: [`LoadedVm`] loads an EVMC VM library as an
//! EVMC client does (dlopen, `evmc_create_<name>` or `evmc_create`, the
//! ABI version checked) and runs messages on it against any
//! [`EvmHost`](ewasm_host::EvmHost), whose methods answer the VM's host
//! callbacks. `iris statetest --vm` and the end-to-end tests use it; it is
//! no part of `libiris.so`, which knows nothing of loading libraries.
//!
//! The C types are `evmc-abi`'s, the VM's too: the client speaks ABI 12,
//! or ABI 9 when `evmc-abi`'s `abi9` feature is on (`evmc-client/abi9`).
//! As an ABI 9 client it answers as EVMC 9 hosts do (see [`LoadedVm`]).
//!
//! ```
//! use std::path::Path;
//!
//! use evmc_client::{create_symbol, LoadError, LoadedVm};
//!
//! // What a loader looks for in `libiris.so` (then `evmc_create`).
//! assert_eq!(create_symbol(Path::new("/opt/lib/libiris.so")), "evmc_create_iris");
//! let error = LoadedVm::load(Path::new("/nonexistent/libvm.so")).unwrap_err();
//! assert!(matches!(error, LoadError::Open { .. }), "{error}");
//! assert!(error.to_string().starts_with("/nonexistent/libvm.so: "), "{error}");
//! ```

mod error;
mod host;
mod vm;

pub use error::{LoadError, SetOptionError};
pub use vm::{create_symbol, LoadedVm};
