//! The one table between `ewasm_host::Status` and `evmc_status_code`, for
//! the statuses a VM answers and a client reads alike.

use ewasm_host::Status;

use crate::types as ffi;

/// The EVMC status code of a status.
pub fn to_evmc(status: Status) -> i32 {
    match status {
        Status::Success => ffi::EVMC_SUCCESS,
        Status::Failure => ffi::EVMC_FAILURE,
        Status::Revert => ffi::EVMC_REVERT,
        Status::OutOfGas => ffi::EVMC_OUT_OF_GAS,
        Status::InvalidMemoryAccess => ffi::EVMC_INVALID_MEMORY_ACCESS,
        Status::StaticModeViolation => ffi::EVMC_STATIC_MODE_VIOLATION,
        Status::ContractValidationFailure => ffi::EVMC_CONTRACT_VALIDATION_FAILURE,
        Status::ArgumentOutOfRange => ffi::EVMC_ARGUMENT_OUT_OF_RANGE,
        Status::Rejected => ffi::EVMC_REJECTED,
        Status::InternalError => ffi::EVMC_INTERNAL_ERROR,
    }
}

/// The status of an EVMC status code from a host or VM. Codes Iris never
/// produces (EVM-specific ones) are failures.
pub fn from_evmc(code: i32) -> Status {
    match code {
        ffi::EVMC_SUCCESS => Status::Success,
        ffi::EVMC_REVERT => Status::Revert,
        ffi::EVMC_OUT_OF_GAS => Status::OutOfGas,
        ffi::EVMC_INVALID_MEMORY_ACCESS => Status::InvalidMemoryAccess,
        ffi::EVMC_STATIC_MODE_VIOLATION => Status::StaticModeViolation,
        ffi::EVMC_CONTRACT_VALIDATION_FAILURE => Status::ContractValidationFailure,
        ffi::EVMC_ARGUMENT_OUT_OF_RANGE => Status::ArgumentOutOfRange,
        ffi::EVMC_REJECTED => Status::Rejected,
        ffi::EVMC_INTERNAL_ERROR => Status::InternalError,
        _ => Status::Failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_evmc_code() {
        for status in [
            Status::Success,
            Status::Failure,
            Status::Revert,
            Status::OutOfGas,
            Status::InvalidMemoryAccess,
            Status::StaticModeViolation,
            Status::ContractValidationFailure,
            Status::ArgumentOutOfRange,
            Status::Rejected,
            Status::InternalError,
        ] {
            assert_eq!(from_evmc(to_evmc(status)), status);
        }
        assert_eq!(from_evmc(4), Status::Failure, "EVMC_INVALID_INSTRUCTION");
    }
}
