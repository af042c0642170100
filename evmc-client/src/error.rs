//! The client's errors: why a library is no EVMC VM, why a VM refused an
//! option.

use std::fmt;
use std::path::PathBuf;

use evmc_abi::{EVMC_SET_OPTION_INVALID_NAME, EVMC_SET_OPTION_INVALID_VALUE};

/// Why a library could not be loaded as an EVMC VM
/// ([`LoadedVm::load`](crate::LoadedVm::load)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The system's loader refused the library.
    Open {
        /// The library.
        path: PathBuf,
        /// The loader's reason (dlerror's text).
        reason: String,
    },
    /// The library exports neither `evmc_create_<name>` nor `evmc_create`.
    NoCreateFunction {
        /// The library.
        path: PathBuf,
        /// The named create function looked for first.
        symbol: String,
    },
    /// The create function returned no VM.
    NullVm {
        /// The library.
        path: PathBuf,
    },
    /// The VM speaks another version of the ABI than this client.
    AbiVersion {
        /// The library.
        path: PathBuf,
        /// The VM's `abi_version`.
        found: i32,
        /// The client's.
        expected: i32,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Open { path, reason } => write!(f, "{}: {reason}", path.display()),
            LoadError::NoCreateFunction { path, symbol } => {
                write!(f, "{}: no {symbol} or evmc_create", path.display())
            }
            LoadError::NullVm { path } => {
                write!(f, "{}: the create function returned null", path.display())
            }
            LoadError::AbiVersion {
                path,
                found,
                expected,
            } => write!(
                f,
                "{}: ABI version {found}, expected {expected}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Why a VM refused an option ([`LoadedVm::set_option`](crate::LoadedVm::set_option)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetOptionError {
    /// The VM has no option of that name (or no `set_option` at all).
    InvalidName,
    /// The value is not one the option takes (or holds a NUL byte).
    InvalidValue,
    /// A result code EVMC does not define.
    Other(i32),
}

impl SetOptionError {
    /// The error a VM's result code `code` stands for; `None` for success.
    pub fn of_code(code: i32) -> Option<Self> {
        match code {
            0 => None,
            EVMC_SET_OPTION_INVALID_NAME => Some(SetOptionError::InvalidName),
            EVMC_SET_OPTION_INVALID_VALUE => Some(SetOptionError::InvalidValue),
            other => Some(SetOptionError::Other(other)),
        }
    }
}

impl fmt::Display for SetOptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetOptionError::InvalidName => f.write_str("no such option"),
            SetOptionError::InvalidValue => f.write_str("invalid value for the option"),
            SetOptionError::Other(code) => write!(f, "the VM answered {code}"),
        }
    }
}

impl std::error::Error for SetOptionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_codes_map_to_their_errors() {
        assert_eq!(SetOptionError::of_code(0), None);
        assert_eq!(
            SetOptionError::of_code(1),
            Some(SetOptionError::InvalidName)
        );
        assert_eq!(
            SetOptionError::of_code(2),
            Some(SetOptionError::InvalidValue)
        );
        assert_eq!(SetOptionError::of_code(-7), Some(SetOptionError::Other(-7)));
    }
}
