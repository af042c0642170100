//! Gas: the one value type for amounts of gas ([`Gas`]), and the prices of
//! what has no EVM counterpart (Wasm instructions, memory growth, the Iris
//! model's code and data), the same at every revision. The prices of the
//! EEI functions that have an EVM counterpart depend on the revision: they
//! are in [`Schedule`](crate::Schedule).

use std::fmt;

/// Every WebAssembly instruction costs 1 gas: the Sentinel's "regular"
/// cost (`ewasm/sentinel-rs`, its pwasm-utils rule set; `fee_schedule.md`).
pub const INSTRUCTION: u64 = 1;

/// Each 64 KiB page requested by `memory.grow`, charged before growing:
/// 256 × 1024 (the Sentinel's grow cost). Initial memory is free.
pub const MEMORY_GROW_PAGE: u64 = 262_144;

/// Declared locals that entering a function pays 1 gas for, in the Iris
/// gas model (the call zeroes them: about an instruction's time per 8).
pub const LOCALS_PER_GAS: u64 = 8;

/// Gas per byte of the code a frame runs, charged before it is translated,
/// in the Iris gas model: translation takes 20 to 150 ns per byte (the
/// validation-work allowance bounds the upper end) and the translated code
/// holds 4 to 24 bytes per byte of Wasm, which at the price of linear
/// memory (4 gas per byte, `MEMORY_GROW_PAGE` per 64 KiB) is what this
/// charges. Charged on every call, cached or not, so that gas never depends
/// on a cache.
pub const CODE_BYTE: u64 = 16;

/// Gas per element of table work and `table.grow`, in the Iris gas model.
pub const TABLE_ELEMENT: u64 = 1;

/// What every metering block starts at: the price of its `end`.
pub const BLOCK_END: u64 = 1;

/// Per 32-byte word of call data and return data at a call site, in the
/// Iris gas model, and of bulk memory operations (the EVM's copy price,
/// which no revision changed).
pub const COPY_WORD: u64 = 3;

/// The deepest call.
pub const MAX_DEPTH: i32 = 1_024;

/// An amount of gas: never negative and at most `i64::MAX`, the largest
/// gas EVMC can carry (its gas is an `i64`), so that every `Gas` converts
/// to EVMC's gas and to the engine's fuel (`u64`) without loss.
///
/// Every conversion between gas and fuel or EVMC's `i64` is a method here;
/// the arithmetic is checked (`None` rather than a wrapped or negative
/// amount), so gas is never minted and never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gas(u64);

impl Gas {
    /// No gas.
    pub const ZERO: Gas = Gas(0);

    /// The most gas there can be: `i64::MAX`.
    pub const MAX: Gas = Gas(0x7fff_ffff_ffff_ffff);

    /// `amount` gas; `None` above [`Gas::MAX`].
    pub const fn new(amount: u64) -> Option<Gas> {
        if amount <= Self::MAX.0 {
            Some(Gas(amount))
        } else {
            None
        }
    }

    /// EVMC's gas (a message's or a result's `gas`); `None` if negative.
    pub fn from_evmc(gas: i64) -> Option<Gas> {
        u64::try_from(gas).ok().map(Gas)
    }

    /// The gas as EVMC's `i64`: never negative, never wrapped.
    pub fn to_evmc(self) -> i64 {
        // `self.0 <= i64::MAX` by construction, so the fallback is never taken.
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }

    /// The engine's fuel as gas; `None` above [`Gas::MAX`]. Fuel never
    /// exceeds the gas a frame was given, so this fails only on a bug.
    pub const fn from_fuel(fuel: u64) -> Option<Gas> {
        Self::new(fuel)
    }

    /// The gas as the engine's fuel.
    pub const fn fuel(self) -> u64 {
        self.0
    }

    /// `self + other`; `None` above [`Gas::MAX`].
    pub const fn checked_add(self, other: Gas) -> Option<Gas> {
        match self.0.checked_add(other.0) {
            Some(sum) => Self::new(sum),
            None => None,
        }
    }

    /// `self - other`; `None` below zero.
    pub const fn checked_sub(self, other: Gas) -> Option<Gas> {
        match self.0.checked_sub(other.0) {
            Some(difference) => Some(Gas(difference)),
            None => None,
        }
    }

    /// `self - other`, or zero below zero.
    pub const fn saturating_sub(self, other: Gas) -> Gas {
        Gas(self.0.saturating_sub(other.0))
    }

    /// All but one 64th of the gas (EIP-150): what a call or create may
    /// forward of the gas left.
    pub const fn all_but_one_64th(self) -> Gas {
        Gas(self.0 - self.0 / 64)
    }
}

impl fmt::Display for Gas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// `price` per 32-byte word of `bytes` bytes, rounded up, saturating.
pub fn per_word(price: u64, bytes: usize) -> u64 {
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    price.saturating_mul(bytes.div_ceil(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_is_never_negative_nor_above_i64_max() {
        assert_eq!(Gas::from_evmc(-1), None);
        assert_eq!(Gas::from_evmc(i64::MIN), None);
        assert_eq!(Gas::from_evmc(i64::MAX), Some(Gas::MAX));
        assert_eq!(Gas::from_fuel(u64::MAX), None);
        assert_eq!(Gas::new(1 << 63), None);
        assert_eq!(Gas::MAX.to_evmc(), i64::MAX);
        assert_eq!(Gas::MAX.checked_add(Gas(1)), None);
        assert_eq!(Gas(1).checked_sub(Gas(2)), None);
        assert_eq!(Gas(1).saturating_sub(Gas(2)), Gas::ZERO);
        assert_eq!(Gas(5).checked_add(Gas(7)), Some(Gas(12)));
    }

    #[test]
    fn a_call_forwards_all_but_one_64th() {
        assert_eq!(Gas(6_400).all_but_one_64th(), Gas(6_300));
        assert_eq!(Gas(63).all_but_one_64th(), Gas(63));
        assert_eq!(
            Gas::MAX.all_but_one_64th().fuel(),
            i64::MAX as u64 - (i64::MAX as u64) / 64
        );
    }

    #[test]
    fn words_round_up() {
        assert_eq!(per_word(3, 0), 0);
        assert_eq!(per_word(3, 1), 3);
        assert_eq!(per_word(3, 33), 6);
        assert_eq!(per_word(u64::MAX, 64), u64::MAX);
    }
}
