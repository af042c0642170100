//! Ethereum's revisions (forks), numbered as EVMC's `evmc_revision`.

use std::fmt;

/// A revision of Ethereum's rules: the fork whose gas prices an execution
/// charges ([`Schedule::of`](crate::Schedule::of)).
///
/// The names and numbers are EVMC's `evmc_revision` (ABI 12), so that a
/// revision crosses the C boundary as its number and compares with other
/// VMs' per-revision tables. Iris runs Byzantium and later; an execution at
/// an earlier revision (Frontier to Spurious Dragon) is refused with
/// [`Status::Rejected`](crate::Status::Rejected) before any code runs (no
/// Ewasm contract was ever deployed before Byzantium, and the EEI's call
/// rules assume EIP-150 and EIP-161), as is an unknown number at the EVMC
/// boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum Revision {
    /// Frontier (refused).
    Frontier = 0,
    /// Homestead (refused).
    Homestead = 1,
    /// Tangerine Whistle, EIP-150 (refused).
    TangerineWhistle = 2,
    /// Spurious Dragon, EIP-161 (refused).
    SpuriousDragon = 3,
    /// Byzantium: Ewasm's revision, and Hera's prices.
    Byzantium = 4,
    /// Constantinople: EIP-1283 net storage metering.
    Constantinople = 5,
    /// Petersburg: Constantinople without EIP-1283.
    Petersburg = 6,
    /// Istanbul: EIP-1884 repricing, EIP-2200 storage metering.
    Istanbul = 7,
    /// Berlin: EIP-2929 warm and cold accesses.
    Berlin = 8,
    /// London: EIP-3529 smaller refunds.
    London = 9,
    /// Paris (the Merge): no price changes.
    Paris = 10,
    /// Shanghai: EIP-3860 init code price and limit.
    Shanghai = 11,
    /// Cancun: EIP-6780 self-destruct (the host's rule; same prices).
    Cancun = 12,
    /// Prague.
    Prague = 13,
    /// Osaka.
    Osaka = 14,
}

impl Revision {
    /// Every revision, oldest first.
    pub const ALL: [Revision; 15] = [
        Revision::Frontier,
        Revision::Homestead,
        Revision::TangerineWhistle,
        Revision::SpuriousDragon,
        Revision::Byzantium,
        Revision::Constantinople,
        Revision::Petersburg,
        Revision::Istanbul,
        Revision::Berlin,
        Revision::London,
        Revision::Paris,
        Revision::Shanghai,
        Revision::Cancun,
        Revision::Prague,
        Revision::Osaka,
    ];

    /// The oldest revision Iris runs.
    pub const OLDEST: Revision = Revision::Byzantium;

    /// The revisions Iris runs, [`Revision::OLDEST`] on, oldest first.
    pub const SUPPORTED: &'static [Revision] = Revision::ALL.split_at(Revision::OLDEST as usize).1;

    /// The newest revision.
    pub const LATEST: Revision = Revision::Osaka;

    /// The revision of an EVMC `evmc_revision` number; `None` for a number
    /// EVMC 12 does not define.
    pub fn from_evmc(number: i32) -> Option<Revision> {
        usize::try_from(number)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// The EVMC `evmc_revision` number.
    pub fn to_evmc(self) -> i32 {
        self as i32
    }

    /// Whether Iris runs contracts at this revision (Byzantium and later).
    pub fn is_supported(self) -> bool {
        self >= Self::OLDEST
    }

    /// The revision named `name` (EVMC's names, case and separators
    /// ignored: `Berlin`, `tangerine_whistle`, `TangerineWhistle`).
    pub fn from_name(name: &str) -> Option<Revision> {
        let wanted: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Self::ALL.into_iter().find(|revision| {
            let own: String = format!("{revision:?}").to_ascii_lowercase();
            own == wanted
        })
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_evmcs_and_round_trip() {
        assert_eq!(Revision::Byzantium.to_evmc(), 4);
        assert_eq!(Revision::Paris.to_evmc(), 10);
        assert_eq!(Revision::Prague.to_evmc(), 13);
        assert_eq!(Revision::Osaka.to_evmc(), 14);
        for revision in Revision::ALL {
            assert_eq!(Revision::from_evmc(revision.to_evmc()), Some(revision));
        }
        assert_eq!(Revision::from_evmc(15), None);
        assert_eq!(Revision::from_evmc(-1), None);
    }

    #[test]
    fn revisions_before_byzantium_are_not_supported() {
        let supported: Vec<_> = Revision::ALL
            .into_iter()
            .filter(|r| r.is_supported())
            .collect();
        assert_eq!(supported.first(), Some(&Revision::Byzantium));
        assert_eq!(supported.len(), 11);
    }

    #[test]
    fn names_are_found_whatever_their_case_and_separators() {
        assert_eq!(Revision::from_name("Berlin"), Some(Revision::Berlin));
        assert_eq!(
            Revision::from_name("tangerine_whistle"),
            Some(Revision::TangerineWhistle)
        );
        assert_eq!(Revision::from_name("SHANGHAI"), Some(Revision::Shanghai));
        assert_eq!(Revision::from_name("Merge"), None);
    }
}
