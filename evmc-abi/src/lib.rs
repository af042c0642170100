//! The EVMC ABI as both of its sides see it: the C types of `evmc/evmc.h`
//! ([`types`], re-exported here), for ABI 12 (EVMC 12.1.0) or, with the
//! `abi9` feature, ABI 9 (EVMC 9.0.0); their layouts as the headers give
//! them ([`layout`]); and what the VM (`evmc-binding`, `libiris.so`) and
//! the client (`evmc-client`, which loads VM libraries) both need to speak
//! it in ewasm-host's terms: the conversions ([`convert`]), the one status
//! table ([`status`]) and results that own their output ([`to_result`],
//! [`take_output`]).
//!
//! The `abi9` feature of this crate is the one switch between the ABIs:
//! the VM and the client hold no `cfg` of their own, so they cannot be
//! built for different ABIs in one build.
//!
//! ```
//! use ewasm_host::{Outcome, Status};
//!
//! let result = evmc_abi::to_result(Outcome::failed(Status::Revert));
//! assert_eq!(result.status_code, evmc_abi::EVMC_REVERT);
//! assert_eq!(evmc_abi::status::from_evmc(result.status_code), Status::Revert);
//! // SAFETY: a fresh result, taken apart once.
//! assert!(unsafe { evmc_abi::take_output(&result) }.is_empty());
//! ```

pub mod convert;
pub mod layout;
mod result;
pub mod status;
pub mod types;

pub use result::{take_output, to_result};
pub use types::*;
