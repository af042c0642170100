//! The exit statuses of every `iris` subcommand: one table, shown by
//! `iris --help` and the README.

use std::fmt;
use std::process::ExitCode;

use ewasm_host::{FailureReason, Status};

/// What a run of `iris` ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Everything ran and passed; the contract call succeeded.
    Success = 0,
    /// Tests ran and some failed, or none was found (`wast`, `statetest`);
    /// two traces differ (`trace diff`).
    TestsFailed = 1,
    /// Bad flags or arguments (clap's own status for its errors).
    Usage = 2,
    /// The contract ran and did not succeed: reverted, out of gas, broke
    /// an Ewasm rule or misused the EEI.
    Contract = 3,
    /// Wasm code trapped: an `invoke`d export, a WASI program, a contract
    /// whose failure's reason is a Wasm trap.
    Trap = 4,
    /// A file could not be read or written, or is not valid (Wasm, text,
    /// JSON), or an EVMC VM could not be loaded.
    Input = 5,
    /// A bug in Iris (an internal error).
    Internal = 70,
}

/// The table for `--help` and the README.
pub(crate) const TABLE: &str = "\
Exit status (every subcommand):
  0   success: everything ran and passed, the contract call succeeded
  1   tests failed: a wast or statetest case failed, or no test was found;
      `trace diff`: the traces differ
  2   usage error: bad flags or arguments
  3   contract failure: reverted, out of gas, an Ewasm rule broken, an EEI
      error, any other failure of a call that is not a Wasm trap
  4   trap: Wasm code trapped (invoke, a WASI program, a contract's code)
  5   input error: a file cannot be read or written, or is not valid
  70  internal error: a bug in Iris
`iris run PROGRAM` on a WASI program exits with the program's own status
(proc_exit), or 4 if it traps. `iris profile` exits 0 once it has printed
the profile, whatever the call's status; when no code ran, by this table.";

impl Exit {
    /// How a contract call that ended with `status` exits, its reason
    /// unknown: a `Failure` is a contract failure unless its reason says
    /// it was a Wasm trap (see [`Exit::of_report`]).
    pub(crate) fn of_status(status: Status) -> Self {
        match status {
            Status::Success => Exit::Success,
            Status::InternalError => Exit::Internal,
            Status::Failure
            | Status::Revert
            | Status::OutOfGas
            | Status::InvalidMemoryAccess
            | Status::StaticModeViolation
            | Status::ContractValidationFailure
            | Status::ArgumentOutOfRange
            | Status::Rejected => Exit::Contract,
        }
    }

    /// How a contract call exits, by its status and, for `Failure`, its
    /// reason: a Wasm trap is [`Exit::Trap`], any other failure (code that
    /// is not Wasm, a cap exceeded, a value the sender cannot pay, no
    /// reason at all) a contract failure.
    pub(crate) fn of_report(report: &state::run::CallReport) -> Self {
        Exit::of_outcome(report.status, report.reason.as_ref())
    }

    /// How an execution that ended with `status` for `reason` exits (see
    /// [`Exit::of_report`]).
    pub(crate) fn of_outcome(status: Status, reason: Option<&FailureReason>) -> Self {
        match (status, reason) {
            (Status::Failure, Some(FailureReason::Trap { .. })) => Exit::Trap,
            (status, _) => Exit::of_status(status),
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A command's error: what to print, and the status to exit with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    /// The status.
    pub(crate) exit: Exit,
    /// The message (printed after `iris: `).
    pub(crate) message: String,
}

impl Error {
    /// A usage error: flags that do not go together, a bad value.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// A trap of Wasm code.
    pub(crate) fn trap(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Trap,
            message: message.into(),
        }
    }
}

impl Error {
    /// An input error: a file that cannot be read or written, or is not
    /// valid (Wasm, text, JSON), or an EVMC VM that cannot be loaded.
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Input,
            message: message.into(),
        }
    }

    /// A bug in Iris: what should not fail did.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Internal,
            message: message.into(),
        }
    }
}

/// A library that is no EVMC VM is an input error.
impl From<evmc_client::LoadError> for Error {
    fn from(error: evmc_client::LoadError) -> Self {
        Self::input(error.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The exit status of a command: its own, or its error's after printing
/// it.
pub(crate) fn finish<E: Into<Error>>(result: Result<ExitCode, E>) -> ExitCode {
    result.unwrap_or_else(|e| {
        let e = e.into();
        eprintln!("iris: {e}");
        e.exit.into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_status_once() {
        for exit in [
            Exit::Success,
            Exit::TestsFailed,
            Exit::Usage,
            Exit::Contract,
            Exit::Trap,
            Exit::Input,
            Exit::Internal,
        ] {
            let code = format!("  {:<4}", exit as u8);
            assert_eq!(TABLE.matches(&code).count(), 1, "{exit:?} in\n{TABLE}");
        }
    }

    #[test]
    fn a_reverted_call_is_a_contract_failure_and_a_trap_is_a_trap() {
        assert_eq!(Exit::of_status(Status::Revert), Exit::Contract);
        assert_eq!(Exit::of_status(Status::OutOfGas), Exit::Contract);
        assert_eq!(Exit::of_status(Status::Failure), Exit::Contract);
        assert_eq!(Exit::of_status(Status::Success), Exit::Success);
    }
}
