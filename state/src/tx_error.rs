//! [`TxError`]: why a transaction could not run.

use std::fmt;

use ewasm_host::U256;
use revm::context::result::{EVMError, InvalidTransaction};

use crate::evm::NoSuchFork;

/// Why a transaction could not run: nothing ran, and the state is as it
/// was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TxError {
    /// revm's validation refused it for its fork (a nonce out of order,
    /// gas it cannot pay for, gas below the intrinsic cost…).
    Invalid(InvalidTransaction),
    /// A gas price of 2^128 or more, which revm cannot hold.
    GasPriceOverflow(U256),
    /// The transaction's fork has no rules in revm.
    Fork(NoSuchFork),
    /// Any other refusal of revm's (a header it finds invalid, a custom
    /// error of a handler), in its words.
    Other(String),
}

impl TxError {
    /// revm's error for a transaction it did not run.
    pub(crate) fn of_revm<E: fmt::Display>(error: EVMError<E>) -> Self {
        match error {
            EVMError::Transaction(invalid) => TxError::Invalid(invalid),
            other => TxError::Other(other.to_string()),
        }
    }
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::Invalid(invalid) => write!(f, "transaction validation error: {invalid}"),
            TxError::GasPriceOverflow(price) => {
                write!(f, "a gas price of {price} is over 128 bits")
            }
            TxError::Fork(fork) => write!(f, "{fork}"),
            TxError::Other(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for TxError {}

impl From<NoSuchFork> for TxError {
    fn from(fork: NoSuchFork) -> Self {
        TxError::Fork(fork)
    }
}
