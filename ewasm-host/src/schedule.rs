//! The prices of the EEI functions that have an EVM counterpart, per
//! revision: each `storageLoad` costs what SLOAD costs at that revision,
//! each `call` what CALL costs, and so on (see `docs/decisions/0003-per-revision-gas-schedule.md`).
//!
//! The schedule is data: one `const` per fork, written as the changes it
//! made to the fork before it. [`Schedule::of`] picks one.

use crate::host::StorageStatus;
use crate::revision::Revision;

/// How `storageStore` (SSTORE) is priced at a revision: the gas and refund
/// of a write follow from the [`StorageStatus`] the host answers, as in
/// evmone's per-revision storage cost table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoragePrices {
    /// Net metering (EIP-1283 at Constantinople, EIP-2200 from Istanbul):
    /// a write is priced against the slot's value at the start of the
    /// transaction. Otherwise (Byzantium, Petersburg) only the current and
    /// new values count: 20,000 to set a zero slot, 5,000 for any other
    /// write, 15,000 back for clearing one.
    pub net: bool,
    /// EIP-2200: a write fails out of gas when no more than this is left
    /// (the call stipend, so a stipend alone cannot write); `None` before
    /// Istanbul.
    pub sentry: Option<u64>,
    /// A write that changes nothing, or changes a slot already written in
    /// the transaction (net metering): SLOAD's price (YP `G_warmaccess`).
    pub warm_access: u64,
    /// A zero slot made non-zero (YP `G_sset`).
    pub set: u64,
    /// A non-zero slot changed (YP `G_sreset`; from Berlin less the cold
    /// slot price, charged apart).
    pub reset: u64,
    /// Refunded for clearing a slot (YP `R_sclear`).
    pub clear_refund: i64,
}

impl StoragePrices {
    /// What every write costs at least: charged before the host is asked,
    /// the rest ([`StoragePrices::cost`] less this) after it answers.
    pub fn minimum(&self) -> u64 {
        if self.net {
            self.warm_access
        } else {
            self.reset
        }
    }

    /// The gas and the refund (negative: a refund taken back) of a write
    /// the host reports as `status`, cold access apart.
    pub fn cost(&self, status: StorageStatus) -> (u64, i64) {
        use StorageStatus as S;
        let (warm, set, reset, clear) = (self.warm_access, self.set, self.reset, self.clear_refund);
        if !self.net {
            // Only the current and the new value matter.
            return match status {
                S::Added | S::DeletedAdded | S::DeletedRestored => (set, 0),
                S::Deleted | S::ModifiedDeleted | S::AddedDeleted => (reset, clear),
                S::Assigned | S::Modified | S::ModifiedRestored => (reset, 0),
            };
        }
        let signed = |price: u64| i64::try_from(price).unwrap_or(i64::MAX);
        match status {
            S::Assigned => (warm, 0),
            S::Added => (set, 0),
            S::Deleted => (reset, clear),
            S::Modified => (reset, 0),
            S::DeletedAdded => (warm, -clear),
            S::ModifiedDeleted => (warm, clear),
            S::DeletedRestored => (warm, signed(reset) - signed(warm) - clear),
            S::AddedDeleted => (warm, signed(set) - signed(warm)),
            S::ModifiedRestored => (warm, signed(reset) - signed(warm)),
        }
    }
}

/// The prices of the EEI functions with an EVM counterpart, at one
/// revision. Fields named for an EEI function hold its counterpart
/// opcode's price; from Berlin those of account and slot accesses are the
/// warm price, a first access in a transaction costing
/// [`Schedule::cold_account`] or [`Schedule::cold_slot`] instead (EIP-2929).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The revision these are the prices of.
    pub revision: Revision,
    /// The simple getters (`getAddress`, `getCaller`, `getGasLeft`,
    /// `getCallDataSize` …): ADDRESS, CALLER, GAS … (YP `G_base`).
    pub base: u64,
    /// The base of `callDataCopy`, `codeCopy`, `returnDataCopy`
    /// (YP `G_verylow`).
    pub very_low: u64,
    /// Per 32-byte word copied by the copies (YP `G_copy`).
    pub copy_word: u64,
    /// `getExternalBalance`: BALANCE.
    pub balance: u64,
    /// `getExternalCodeSize`, and the base of `externalCodeCopy`:
    /// EXTCODESIZE, EXTCODECOPY.
    pub ext_code: u64,
    /// `storageLoad`: SLOAD.
    pub storage_load: u64,
    /// `getBlockHash`: BLOCKHASH, except at Byzantium, which keeps Hera's
    /// 800 (the price the Ewasm vectors were filled with).
    pub block_hash: u64,
    /// `storageStore`: SSTORE.
    pub storage: StoragePrices,
    /// The base of `log`.
    pub log: u64,
    /// Per topic of `log`.
    pub log_topic: u64,
    /// Per byte of `log` data.
    pub log_data: u64,
    /// The base of the call family: CALL, CALLCODE, DELEGATECALL,
    /// STATICCALL.
    pub call: u64,
    /// A `call` or `callCode` that transfers value.
    pub value_transfer: u64,
    /// A `call` with value to an account that does not exist or is empty
    /// (EIP-161), or a `selfDestruct` to one.
    pub new_account: u64,
    /// Gas given free to the callee of a call with value.
    pub call_stipend: u64,
    /// Whether the call family keeps Hera's order (Byzantium): the depth
    /// is checked before the value transfer is paid, the balance before
    /// the new account is, and a call failing either keeps nothing of the
    /// stipend and leaves the last call's return data as it was (as does a
    /// create failing them). Otherwise the EVM's: both are paid first, the
    /// return data is cleared before the checks (evmone, revm), and a call
    /// that fails the depth or balance check gets the stipend back.
    pub hera_call_order: bool,
    /// Whether a call to an account whose code is an EIP-7702 delegation
    /// designation runs the delegate's code and pays an access to the
    /// delegate, warm or cold (from Prague).
    pub delegation: bool,
    /// `selfDestruct`: SELFDESTRUCT.
    pub self_destruct: u64,
    /// Whether `selfDestruct` pays [`Schedule::new_account`] only when the
    /// destructed account has a balance to move (EIP-161, as the EVM).
    /// False at Byzantium, which keeps Hera's rule: whenever the
    /// beneficiary does not exist.
    pub self_destruct_new_account_needs_balance: bool,
    /// Refunded for a `selfDestruct` of an account not yet destructed in
    /// the transaction (none from London, EIP-3529).
    pub self_destruct_refund: i64,
    /// `create`: CREATE.
    pub create: u64,
    /// Per 32-byte word of init code (EIP-3860, from Shanghai).
    pub init_code_word: u64,
    /// The largest init code a `create` may pass (EIP-3860, from
    /// Shanghai: 49,152 bytes); larger fails the creating frame out of gas,
    /// as the EVM's CREATE does.
    pub max_init_code_size: Option<usize>,
    /// Whether accesses are warm or cold (EIP-2929, from Berlin): the host
    /// is asked (`access_account`, `access_storage`) and a first access
    /// costs the cold price.
    pub access_lists: bool,
    /// A first access to an account in the transaction, instead of the
    /// warm price (`getExternalBalance`, `getExternalCodeSize`,
    /// `externalCodeCopy`, the call family), or on top of the price
    /// (`selfDestruct`'s beneficiary).
    pub cold_account: u64,
    /// A first access to a storage slot in the transaction: instead of the
    /// warm price for `storageLoad`, on top of the price for
    /// `storageStore`.
    pub cold_slot: u64,
}

impl Schedule {
    /// Byzantium: today's Ewasm prices, Hera's (`GasSchedule` in its
    /// `eei.h`; `shared/ewasm-spec.md` section (b)).
    pub const BYZANTIUM: Schedule = Schedule {
        revision: Revision::Byzantium,
        base: 2,
        very_low: 3,
        copy_word: 3,
        balance: 400,
        ext_code: 700,
        storage_load: 200,
        block_hash: 800,
        storage: StoragePrices {
            net: false,
            sentry: None,
            warm_access: 200,
            set: 20_000,
            reset: 5_000,
            clear_refund: 15_000,
        },
        log: 375,
        log_topic: 375,
        log_data: 8,
        call: 700,
        value_transfer: 9_000,
        new_account: 25_000,
        call_stipend: 2_300,
        hera_call_order: true,
        delegation: false,
        self_destruct: 5_000,
        self_destruct_new_account_needs_balance: false,
        self_destruct_refund: 24_000,
        create: 32_000,
        init_code_word: 0,
        max_init_code_size: None,
        access_lists: false,
        cold_account: 0,
        cold_slot: 0,
    };

    /// Constantinople: BLOCKHASH at the EVM's 20, EIP-1283 net storage
    /// metering (no sentry), EIP-161's self-destruct rule, the EVM's order
    /// of a call's checks.
    pub const CONSTANTINOPLE: Schedule = Schedule {
        revision: Revision::Constantinople,
        block_hash: 20,
        storage: StoragePrices {
            net: true,
            ..Self::BYZANTIUM.storage
        },
        self_destruct_new_account_needs_balance: true,
        hera_call_order: false,
        ..Self::BYZANTIUM
    };

    /// Petersburg: Constantinople without EIP-1283.
    pub const PETERSBURG: Schedule = Schedule {
        revision: Revision::Petersburg,
        storage: Self::BYZANTIUM.storage,
        ..Self::CONSTANTINOPLE
    };

    /// Istanbul: EIP-1884 (BALANCE 700, SLOAD 800) and EIP-2200 (net
    /// metering at SLOAD's price, the 2,300 sentry).
    pub const ISTANBUL: Schedule = Schedule {
        revision: Revision::Istanbul,
        balance: 700,
        storage_load: 800,
        storage: StoragePrices {
            net: true,
            sentry: Some(2_300),
            warm_access: 800,
            ..Self::BYZANTIUM.storage
        },
        ..Self::PETERSBURG
    };

    /// Berlin: EIP-2929 warm (100) and cold (2,600 an account, 2,100 a
    /// slot) accesses; SSTORE's reset less the cold slot price.
    pub const BERLIN: Schedule = Schedule {
        revision: Revision::Berlin,
        balance: 100,
        ext_code: 100,
        storage_load: 100,
        call: 100,
        storage: StoragePrices {
            warm_access: 100,
            reset: 5_000 - 2_100,
            ..Self::ISTANBUL.storage
        },
        access_lists: true,
        cold_account: 2_600,
        cold_slot: 2_100,
        ..Self::ISTANBUL
    };

    /// London: EIP-3529 (clearing refunds 4,800; self-destruct refunds
    /// nothing).
    pub const LONDON: Schedule = Schedule {
        revision: Revision::London,
        storage: StoragePrices {
            clear_refund: 4_800,
            ..Self::BERLIN.storage
        },
        self_destruct_refund: 0,
        ..Self::BERLIN
    };

    /// Paris: London's prices.
    pub const PARIS: Schedule = Schedule {
        revision: Revision::Paris,
        ..Self::LONDON
    };

    /// Shanghai: EIP-3860 (2 gas per word of init code, at most 49,152
    /// bytes).
    pub const SHANGHAI: Schedule = Schedule {
        revision: Revision::Shanghai,
        init_code_word: 2,
        max_init_code_size: Some(49_152),
        ..Self::PARIS
    };

    /// Cancun: Shanghai's prices (EIP-6780 changes what a self-destruct
    /// deletes, which is the host's rule, not its price).
    pub const CANCUN: Schedule = Schedule {
        revision: Revision::Cancun,
        ..Self::SHANGHAI
    };

    /// Prague: EIP-7702 (a call to a delegated account pays an access to
    /// its delegate, whose code it runs).
    pub const PRAGUE: Schedule = Schedule {
        revision: Revision::Prague,
        delegation: true,
        ..Self::CANCUN
    };

    /// Osaka: Prague's prices for every EEI counterpart.
    pub const OSAKA: Schedule = Schedule {
        revision: Revision::Osaka,
        ..Self::PRAGUE
    };

    /// The schedule of `revision`; `None` before Byzantium, where Iris
    /// does not run.
    pub fn of(revision: Revision) -> Option<&'static Schedule> {
        Some(match revision {
            Revision::Frontier
            | Revision::Homestead
            | Revision::TangerineWhistle
            | Revision::SpuriousDragon => return None,
            Revision::Byzantium => &Self::BYZANTIUM,
            Revision::Constantinople => &Self::CONSTANTINOPLE,
            Revision::Petersburg => &Self::PETERSBURG,
            Revision::Istanbul => &Self::ISTANBUL,
            Revision::Berlin => &Self::BERLIN,
            Revision::London => &Self::LONDON,
            Revision::Paris => &Self::PARIS,
            Revision::Shanghai => &Self::SHANGHAI,
            Revision::Cancun => &Self::CANCUN,
            Revision::Prague => &Self::PRAGUE,
            Revision::Osaka => &Self::OSAKA,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StorageStatus as S;

    #[test]
    fn every_supported_revision_has_its_own_schedule_and_older_ones_none() {
        for revision in Revision::ALL {
            match Schedule::of(revision) {
                Some(schedule) => assert_eq!(schedule.revision, revision),
                None => assert!(!revision.is_supported(), "{revision}"),
            }
        }
    }

    #[test]
    fn legacy_storage_prices_follow_current_and_new_only() {
        let byzantium = Schedule::BYZANTIUM.storage;
        assert_eq!(byzantium.cost(S::Added), (20_000, 0));
        assert_eq!(byzantium.cost(S::DeletedAdded), (20_000, 0));
        assert_eq!(byzantium.cost(S::Deleted), (5_000, 15_000));
        assert_eq!(byzantium.cost(S::AddedDeleted), (5_000, 15_000));
        assert_eq!(byzantium.cost(S::Assigned), (5_000, 0));
        assert_eq!(byzantium.cost(S::ModifiedRestored), (5_000, 0));
        assert_eq!(Schedule::PETERSBURG.storage, byzantium);
    }

    #[test]
    fn eip_2200_rows_at_istanbul_and_eip_3529_at_london() {
        let istanbul = Schedule::ISTANBUL.storage;
        assert_eq!(istanbul.cost(S::Assigned), (800, 0));
        assert_eq!(istanbul.cost(S::DeletedAdded), (800, -15_000));
        assert_eq!(
            istanbul.cost(S::DeletedRestored),
            (800, 5_000 - 800 - 15_000)
        );
        assert_eq!(istanbul.cost(S::AddedDeleted), (800, 19_200));
        assert_eq!(istanbul.cost(S::ModifiedRestored), (800, 4_200));
        let london = Schedule::LONDON.storage;
        assert_eq!(london.cost(S::Deleted), (2_900, 4_800));
        assert_eq!(london.cost(S::AddedDeleted), (100, 19_900));
        assert_eq!(london.cost(S::ModifiedRestored), (100, 2_800));
        assert_eq!(london.minimum(), 100);
        assert_eq!(Schedule::BYZANTIUM.storage.minimum(), 5_000);
    }
}
