//! The C types of EVMC 9.0.0 (`evmc/evmc.h`, ABI version 9), as
//! `#[repr(C)]` Rust types, for the `abi9` build. The layout tests compare
//! them with the bindings of the `evmc-sys` 9.0.0 crate. Enums the host fills in are kept as raw
//! integers: an unknown value from a host must not be undefined behaviour.

#![allow(non_camel_case_types, missing_docs)]

use std::os::raw::{c_char, c_int};

pub use super::common::*;

/// The ABI version these types describe.
pub const EVMC_ABI_VERSION: c_int = 9;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_message {
    pub kind: i32,
    pub flags: u32,
    pub depth: i32,
    pub gas: i64,
    pub destination: evmc_address,
    pub sender: evmc_address,
    pub input_data: *const u8,
    pub input_size: usize,
    pub value: evmc_uint256be,
    pub create2_salt: evmc_bytes32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_tx_context {
    pub tx_gas_price: evmc_uint256be,
    pub tx_origin: evmc_address,
    pub block_coinbase: evmc_address,
    pub block_number: i64,
    pub block_timestamp: i64,
    pub block_gas_limit: i64,
    pub block_difficulty: evmc_uint256be,
    pub chain_id: evmc_uint256be,
    pub block_base_fee: evmc_uint256be,
}

pub type evmc_release_result_fn = Option<unsafe extern "C" fn(result: *const evmc_result)>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_result {
    pub status_code: i32,
    pub gas_left: i64,
    pub output_data: *const u8,
    pub output_size: usize,
    pub release: evmc_release_result_fn,
    pub create_address: evmc_address,
    pub padding: [u8; 4],
}

pub type evmc_selfdestruct_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address, *const evmc_address)>;
pub type evmc_call_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_message) -> evmc_result>;
pub type evmc_get_tx_context_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context) -> evmc_tx_context>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_host_interface {
    pub account_exists: evmc_account_exists_fn,
    pub get_storage: evmc_get_storage_fn,
    pub set_storage: evmc_set_storage_fn,
    pub get_balance: evmc_get_balance_fn,
    pub get_code_size: evmc_get_code_size_fn,
    pub get_code_hash: evmc_get_code_hash_fn,
    pub copy_code: evmc_copy_code_fn,
    pub selfdestruct: evmc_selfdestruct_fn,
    pub call: evmc_call_fn,
    pub get_tx_context: evmc_get_tx_context_fn,
    pub get_block_hash: evmc_get_block_hash_fn,
    pub emit_log: evmc_emit_log_fn,
    pub access_account: evmc_access_account_fn,
    pub access_storage: evmc_access_storage_fn,
}

pub type evmc_destroy_fn = Option<unsafe extern "C" fn(vm: *mut evmc_vm)>;
pub type evmc_execute_fn = Option<
    unsafe extern "C" fn(
        vm: *mut evmc_vm,
        host: *const evmc_host_interface,
        context: *mut evmc_host_context,
        rev: i32,
        msg: *const evmc_message,
        code: *const u8,
        code_size: usize,
    ) -> evmc_result,
>;
pub type evmc_get_capabilities_fn = Option<unsafe extern "C" fn(vm: *mut evmc_vm) -> u32>;
pub type evmc_set_option_fn = Option<
    unsafe extern "C" fn(vm: *mut evmc_vm, name: *const c_char, value: *const c_char) -> i32,
>;

#[repr(C)]
#[derive(Debug)]
pub struct evmc_vm {
    pub abi_version: c_int,
    pub name: *const c_char,
    pub version: *const c_char,
    pub destroy: evmc_destroy_fn,
    pub execute: evmc_execute_fn,
    pub get_capabilities: evmc_get_capabilities_fn,
    pub set_option: evmc_set_option_fn,
}

/// The fields that differ between ABI versions, behind one interface.
impl evmc_message {
    /// The account acted on and the account whose code runs: ABI 9 has
    /// one destination for both (the host keeps the storage context of
    /// call-code and delegate calls itself).
    pub fn accounts(&self) -> (evmc_address, evmc_address) {
        (self.destination, self.destination)
    }

    /// A message with the given fields (no code, no salt).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: i32,
        flags: u32,
        depth: i32,
        gas: i64,
        recipient: evmc_address,
        sender: evmc_address,
        input: &[u8],
        value: evmc_uint256be,
        code_address: evmc_address,
    ) -> Self {
        let _ = recipient;
        Self {
            kind,
            flags,
            depth,
            gas,
            destination: code_address,
            sender,
            input_data: input.as_ptr(),
            input_size: input.len(),
            value,
            create2_salt: evmc_bytes32::default(),
        }
    }
}

impl evmc_result {
    /// A result with the given fields.
    pub fn new(
        status_code: i32,
        gas_left: i64,
        gas_refund: i64,
        output: (*const u8, usize),
        release: evmc_release_result_fn,
        create_address: evmc_address,
    ) -> Self {
        let _ = gas_refund;
        Self {
            status_code,
            gas_left,
            output_data: output.0,
            output_size: output.1,
            release,
            create_address,
            padding: [0; 4],
        }
    }

    /// The gas refund (0 where the ABI has none).
    pub fn refund(&self) -> i64 {
        0
    }
}

/// The flags Iris knows in this ABI; a message with any other is refused
/// (`EVMC_REJECTED`).
pub const EVMC_KNOWN_FLAGS: u32 = EVMC_STATIC;

/// The revision of an `evmc_revision` number of ABI 9 (Frontier 0 …
/// London 9, Shanghai 10: Paris came later).
pub fn revision(number: i32) -> Option<ewasm_host::Revision> {
    match number {
        0..=9 => ewasm_host::Revision::from_evmc(number),
        10 => Some(ewasm_host::Revision::Shanghai),
        _ => None,
    }
}

/// The `evmc_revision` number of ABI 9 for a revision: Paris is sent as
/// London (the same prices); none after Shanghai.
pub fn evmc_revision(revision: ewasm_host::Revision) -> Option<i32> {
    use ewasm_host::Revision as R;
    match revision {
        R::Paris => Some(R::London.to_evmc()),
        R::Shanghai => Some(10),
        R::Cancun | R::Prague | R::Osaka => None,
        _ => Some(revision.to_evmc()),
    }
}

/// The storage status of an ABI 9 `evmc_storage_status` (UNCHANGED 0,
/// MODIFIED 1, MODIFIED_AGAIN 2, ADDED 3, DELETED 4), which knows no
/// original value: right for the prices of the net-metering revisions
/// (Constantinople, Istanbul on), where every write after the slot's first
/// in the transaction costs the warm price. At Byzantium and Petersburg the
/// VM does not rely on it: it reads the current value first and prices
/// from current and new (see `EvmcHost::set_storage`). A number ABI 9 does
/// not define is priced as the costliest write.
pub fn storage_status(number: i32) -> ewasm_host::StorageStatus {
    use ewasm_host::StorageStatus as S;
    match number {
        0 | 2 => S::Assigned,
        1 => S::Modified,
        4 => S::Deleted,
        _ => S::Added,
    }
}

/// The ABI 9 `evmc_storage_status` for a storage status at `revision`, as
/// EVMC 9 hosts answer: at the net-metering revisions (Constantinople,
/// Istanbul on) a slot's first write in the transaction is ADDED, DELETED
/// or MODIFIED and any later one MODIFIED_AGAIN; at Byzantium and
/// Petersburg only the current and new values count (ADDED for zero to
/// non-zero, DELETED for non-zero to zero, MODIFIED otherwise).
pub fn evmc_storage_status(
    status: ewasm_host::StorageStatus,
    revision: ewasm_host::Revision,
) -> i32 {
    use ewasm_host::StorageStatus as S;
    let net = ewasm_host::Schedule::of(revision).is_some_and(|s| s.storage.net);
    match status {
        S::Assigned => 0,
        S::Modified => 1,
        S::Added => 3,
        S::Deleted => 4,
        _ if net => 2,
        S::ModifiedRestored => 1,
        S::DeletedAdded | S::DeletedRestored => 3,
        S::ModifiedDeleted | S::AddedDeleted => 4,
    }
}

impl evmc_tx_context {
    /// The block's difficulty or PREVRANDAO.
    pub fn difficulty(&self) -> evmc_uint256be {
        self.block_difficulty
    }

    /// A context with the given fields, the rest empty.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gas_price: evmc_uint256be,
        origin: evmc_address,
        coinbase: evmc_address,
        number: i64,
        timestamp: i64,
        gas_limit: i64,
        difficulty: evmc_uint256be,
        chain_id: evmc_uint256be,
    ) -> Self {
        Self {
            tx_gas_price: gas_price,
            tx_origin: origin,
            block_coinbase: coinbase,
            block_number: number,
            block_timestamp: timestamp,
            block_gas_limit: gas_limit,
            block_difficulty: difficulty,
            chain_id,
            block_base_fee: evmc_bytes32::default(),
        }
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use ewasm_host::{Revision, StorageStatus as S};

    const ALL: [S; 9] = [
        S::Assigned,
        S::Added,
        S::Deleted,
        S::Modified,
        S::DeletedAdded,
        S::ModifiedDeleted,
        S::DeletedRestored,
        S::AddedDeleted,
        S::ModifiedRestored,
    ];

    /// What an EVMC 9 host answers for each status at `revision`.
    fn answers(revision: Revision) -> Vec<i32> {
        ALL.iter()
            .map(|&s| evmc_storage_status(s, revision))
            .collect()
    }

    #[test]
    fn to_abi9_legacy_revisions_answer_by_current_and_new() {
        // UNCHANGED/any, ADDED, DELETED, MODIFIED, then X -> 0 -> Z ADDED,
        // X -> Y -> 0 DELETED, X -> 0 -> X ADDED, 0 -> Y -> 0 DELETED,
        // X -> Y -> X MODIFIED.
        let legacy = vec![0, 3, 4, 1, 3, 4, 3, 4, 1];
        assert_eq!(answers(Revision::Byzantium), legacy);
        assert_eq!(answers(Revision::Petersburg), legacy);
    }

    #[test]
    fn to_abi9_net_revisions_answer_modified_again_after_a_first_write() {
        let net = vec![0, 3, 4, 1, 2, 2, 2, 2, 2];
        for revision in [
            Revision::Constantinople,
            Revision::Istanbul,
            Revision::Berlin,
            Revision::London,
            Revision::Shanghai,
        ] {
            assert_eq!(answers(revision), net, "{revision}");
        }
    }

    #[test]
    fn from_abi9_each_status_is_priced_as_its_kind_of_write_and_unknown_ones_dearest() {
        assert_eq!(storage_status(0), S::Assigned);
        assert_eq!(storage_status(1), S::Modified);
        assert_eq!(storage_status(2), S::Assigned);
        assert_eq!(storage_status(3), S::Added);
        assert_eq!(storage_status(4), S::Deleted);
        assert_eq!(storage_status(5), S::Added);
        assert_eq!(storage_status(-1), S::Added);
        // At a net revision the round trip keeps every price (the refunds
        // are the client's, counted from the full status).
        let istanbul = ewasm_host::Schedule::ISTANBUL.storage;
        for status in ALL {
            let back = storage_status(evmc_storage_status(status, Revision::Istanbul));
            assert_eq!(istanbul.cost(back).0, istanbul.cost(status).0, "{status:?}");
        }
        // At a legacy revision too.
        let byzantium = ewasm_host::Schedule::BYZANTIUM.storage;
        for status in ALL {
            let back = storage_status(evmc_storage_status(status, Revision::Byzantium));
            assert_eq!(byzantium.cost(back), byzantium.cost(status), "{status:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    //! Sizes and offsets pinned to EVMC 9.0.0: the x86-64 numbers, and the
    //! `evmc-sys` 9.0.0 bindings generated from its header.
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn sizes_match_evmc_9() {
        assert_eq!(size_of::<evmc_message>(), 144);
        assert_eq!(size_of::<evmc_tx_context>(), 192);
        assert_eq!(size_of::<evmc_result>(), 64);
        assert_eq!(size_of::<evmc_host_interface>(), 14 * 8);
        assert_eq!(size_of::<evmc_vm>(), 56);
    }

    #[test]
    fn layouts_match_the_evmc_sys_9_bindings() {
        use evmc_sys as sys;
        macro_rules! same {
            ($ours:ty, $theirs:ty, $($field:ident),*) => {
                assert_eq!(size_of::<$ours>(), size_of::<$theirs>(), stringify!($ours));
                $( assert_eq!(
                    offset_of!($ours, $field),
                    offset_of!($theirs, $field),
                    concat!(stringify!($ours), ".", stringify!($field))
                ); )*
            };
        }
        same!(
            evmc_message,
            sys::evmc_message,
            kind,
            flags,
            depth,
            gas,
            destination,
            sender,
            input_data,
            input_size,
            value,
            create2_salt
        );
        same!(
            evmc_tx_context,
            sys::evmc_tx_context,
            tx_gas_price,
            tx_origin,
            block_coinbase,
            block_number,
            block_timestamp,
            block_gas_limit,
            block_difficulty,
            chain_id,
            block_base_fee
        );
        same!(
            evmc_result,
            sys::evmc_result,
            status_code,
            gas_left,
            output_data,
            output_size,
            release,
            create_address
        );
        same!(
            evmc_host_interface,
            sys::evmc_host_interface,
            account_exists,
            get_storage,
            set_storage,
            get_balance,
            get_code_size,
            get_code_hash,
            copy_code,
            selfdestruct,
            call,
            get_tx_context,
            get_block_hash,
            emit_log,
            access_account,
            access_storage
        );
        same!(
            evmc_vm,
            sys::evmc_vm,
            abi_version,
            name,
            version,
            destroy,
            execute,
            get_capabilities,
            set_option
        );
        assert_eq!(EVMC_ABI_VERSION as u32, sys::EVMC_ABI_VERSION as u32);
    }
}
