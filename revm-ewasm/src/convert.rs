//! Values between revm's types (alloy primitives) and the EEI's.

use ewasm_host::{self as ewasm, Revision};
use revm::interpreter::InstructionResult;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, U256};

/// The revision whose EEI prices a Wasm frame pays under revm's `spec`:
/// the same fork. revm 43 names no Constantinople (its `PETERSBURG` is
/// Constantinople without EIP-1283, Petersburg's rules) and no glacier
/// forks (which changed only the difficulty bomb). Forks before Byzantium
/// map to their revisions, which the executor refuses
/// ([`ewasm_host::Status::Rejected`]: the frame fails).
///
/// `None` for `AMSTERDAM`, a fork revm implements ahead of its
/// finalization and Iris has no schedule for: its Wasm frames fail rather
/// than pay another fork's prices.
pub fn revision(spec: SpecId) -> Option<Revision> {
    Some(match spec {
        SpecId::FRONTIER => Revision::Frontier,
        SpecId::HOMESTEAD => Revision::Homestead,
        SpecId::TANGERINE => Revision::TangerineWhistle,
        SpecId::SPURIOUS_DRAGON => Revision::SpuriousDragon,
        SpecId::BYZANTIUM => Revision::Byzantium,
        SpecId::PETERSBURG => Revision::Petersburg,
        SpecId::ISTANBUL => Revision::Istanbul,
        SpecId::BERLIN => Revision::Berlin,
        SpecId::LONDON => Revision::London,
        SpecId::MERGE => Revision::Paris,
        SpecId::SHANGHAI => Revision::Shanghai,
        SpecId::CANCUN => Revision::Cancun,
        SpecId::PRAGUE => Revision::Prague,
        SpecId::OSAKA => Revision::Osaka,
        SpecId::AMSTERDAM => return None,
    })
}

/// An EEI address as revm's.
pub fn address(address: &ewasm::Address) -> Address {
    Address::from(address.0)
}

/// A revm address as the EEI's.
pub fn to_address(address: Address) -> ewasm::Address {
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
pub fn u256(value: ewasm::U256) -> U256 {
    U256::from_be_bytes(value.to_big_endian())
}

/// A revm 256-bit integer as the EEI's.
pub fn to_u256(value: U256) -> ewasm::U256 {
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
    fn each_spec_pays_its_own_forks_prices() {
        let pairs = [
            (SpecId::FRONTIER, Revision::Frontier),
            (SpecId::HOMESTEAD, Revision::Homestead),
            (SpecId::TANGERINE, Revision::TangerineWhistle),
            (SpecId::SPURIOUS_DRAGON, Revision::SpuriousDragon),
            (SpecId::BYZANTIUM, Revision::Byzantium),
            (SpecId::PETERSBURG, Revision::Petersburg),
            (SpecId::ISTANBUL, Revision::Istanbul),
            (SpecId::BERLIN, Revision::Berlin),
            (SpecId::LONDON, Revision::London),
            (SpecId::MERGE, Revision::Paris),
            (SpecId::SHANGHAI, Revision::Shanghai),
            (SpecId::CANCUN, Revision::Cancun),
            (SpecId::PRAGUE, Revision::Prague),
            (SpecId::OSAKA, Revision::Osaka),
        ];
        for (spec, wanted) in pairs {
            assert_eq!(revision(spec), Some(wanted), "{spec}");
            // Same order as the EVMC numbers, and supported from Byzantium.
            assert_eq!(wanted.is_supported(), spec >= SpecId::BYZANTIUM);
        }
        assert_eq!(revision(SpecId::AMSTERDAM), None);
    }

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
