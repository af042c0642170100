//! Values between revm's types (alloy primitives) and the EEI's.

use ewasm_host as ewasm;
use revm::interpreter::InstructionResult;
use revm::primitives::{Address, B256, U256};

/// An EEI address as revm's.
pub(crate) fn address(address: &ewasm::Address) -> Address {
    Address::from(address.0)
}

/// A revm address as the EEI's.
pub(crate) fn to_address(address: Address) -> ewasm::Address {
    ewasm::Address(address.into_array())
}

/// An EEI word (a storage key or value, big-endian) as a revm integer.
pub(crate) fn word(word: &ewasm::Bytes32) -> U256 {
    U256::from_be_bytes(word.0)
}

/// A revm integer as an EEI word.
pub(crate) fn to_word(value: U256) -> ewasm::Bytes32 {
    ewasm::Bytes32(value.to_be_bytes())
}

/// A revm hash as an EEI word.
pub(crate) fn hash_to_word(hash: B256) -> ewasm::Bytes32 {
    ewasm::Bytes32(hash.0)
}

/// An EEI word as a revm hash (a log topic).
pub(crate) fn topic(word: &ewasm::Bytes32) -> B256 {
    B256::from(word.0)
}

/// An EEI 256-bit integer as revm's.
pub(crate) fn u256(value: ewasm::U256) -> U256 {
    U256::from_be_bytes(value.to_big_endian())
}

/// A revm 256-bit integer as the EEI's.
pub(crate) fn to_u256(value: U256) -> ewasm::U256 {
    ewasm::U256::from_big_endian(&value.to_be_bytes::<32>())
}

/// A revm integer as a positive `i64`, saturating (block numbers,
/// timestamps, gas limits).
pub(crate) fn to_i64(value: U256) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// How revm ends a frame that ended with `status` on Iris.
pub(crate) fn instruction_result(status: ewasm::Status) -> InstructionResult {
    match status {
        ewasm::Status::Success => InstructionResult::Return,
        ewasm::Status::Revert => InstructionResult::Revert,
        ewasm::Status::OutOfGas => InstructionResult::OutOfGas,
        ewasm::Status::StaticModeViolation => InstructionResult::StateChangeDuringStaticCall,
        ewasm::Status::InvalidMemoryAccess => InstructionResult::OutOfOffset,
        // No EVM counterpart: an exceptional halt that consumes the gas,
        // as every non-revert failure does in the EVM.
        ewasm::Status::Failure
        | ewasm::Status::ContractValidationFailure
        | ewasm::Status::ArgumentOutOfRange
        | ewasm::Status::Rejected
        | ewasm::Status::InternalError => InstructionResult::PrecompileError,
    }
}

/// How the EEI sees a frame that revm ended with `result`.
pub(crate) fn status(result: InstructionResult) -> ewasm::Status {
    if result.is_ok() {
        ewasm::Status::Success
    } else if result.is_revert() {
        ewasm::Status::Revert
    } else if matches!(
        result,
        InstructionResult::OutOfGas
            | InstructionResult::MemoryOOG
            | InstructionResult::MemoryLimitOOG
            | InstructionResult::PrecompileOOG
            | InstructionResult::InvalidOperandOOG
    ) {
        ewasm::Status::OutOfGas
    } else {
        ewasm::Status::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_cross_both_ways_unchanged() {
        let value = ewasm::U256::from(0x1234_5678_9abc_def0_u64) << 200;
        assert_eq!(to_u256(u256(value)), value);
        let word = ewasm::Bytes32([7; 32]);
        assert_eq!(to_word(self::word(&word)), word);
    }

    #[test]
    fn a_revert_stays_a_revert_and_keeps_its_meaning() {
        let result = instruction_result(ewasm::Status::Revert);
        assert_eq!(status(result), ewasm::Status::Revert);
        assert_eq!(
            status(instruction_result(ewasm::Status::Success)),
            ewasm::Status::Success
        );
        assert_eq!(
            status(instruction_result(ewasm::Status::OutOfGas)),
            ewasm::Status::OutOfGas
        );
        assert_eq!(
            status(instruction_result(ewasm::Status::Failure)),
            ewasm::Status::Failure
        );
    }
}
