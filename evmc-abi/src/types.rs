//! The C types of `evmc/evmc.h` as `#[repr(C)]` Rust types: EVMC 12.1.0
//! (ABI version 12), or EVMC 9.0.0 (ABI version 9) with the `abi9`
//! feature. One definition per type: the fields and signatures the two
//! ABIs do not share are behind `cfg(feature = "abi9")`, here and nowhere
//! else, and so are the functions that hide them from the VM and the
//! client ([`evmc_message::accounts`], [`evmc_result::refund`],
//! [`revision`], [`storage_status`], ...).
//!
//! Enums the other side fills in are kept as raw integers: an unknown
//! value from a host or a VM must not be undefined behaviour. The layouts
//! are checked against the headers' own numbers in [`crate::layout`].

#![allow(non_camel_case_types, missing_docs)]

use std::os::raw::{c_char, c_int};

use ewasm_host::{Revision, StorageStatus};

/// The ABI version these types describe.
#[cfg(not(feature = "abi9"))]
pub const EVMC_ABI_VERSION: c_int = 12;
/// The ABI version these types describe.
#[cfg(feature = "abi9")]
pub const EVMC_ABI_VERSION: c_int = 9;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct evmc_bytes32 {
    pub bytes: [u8; 32],
}

pub type evmc_uint256be = evmc_bytes32;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct evmc_address {
    pub bytes: [u8; 20],
}

pub const EVMC_CALL: i32 = 0;
pub const EVMC_DELEGATECALL: i32 = 1;
pub const EVMC_CALLCODE: i32 = 2;
pub const EVMC_CREATE: i32 = 3;
pub const EVMC_CREATE2: i32 = 4;
pub const EVMC_EOFCREATE: i32 = 5;

pub const EVMC_STATIC: u32 = 1;
/// `evmc_flags` of ABI 12: the call is to an EIP-7702 delegated account
/// (its code is the delegate's). ABI 9 has no such flag.
#[cfg(not(feature = "abi9"))]
pub const EVMC_DELEGATED: u32 = 2;

/// The flags Iris knows in this ABI; a message with any other is refused
/// (`EVMC_REJECTED`).
#[cfg(not(feature = "abi9"))]
pub const EVMC_KNOWN_FLAGS: u32 = EVMC_STATIC | EVMC_DELEGATED;
/// The flags Iris knows in this ABI; a message with any other is refused
/// (`EVMC_REJECTED`).
#[cfg(feature = "abi9")]
pub const EVMC_KNOWN_FLAGS: u32 = EVMC_STATIC;

/// `evmc_access_status`: the first access in the transaction.
pub const EVMC_ACCESS_COLD: i32 = 0;
/// `evmc_access_status`: accessed before.
pub const EVMC_ACCESS_WARM: i32 = 1;

pub const EVMC_SUCCESS: i32 = 0;
pub const EVMC_FAILURE: i32 = 1;
pub const EVMC_REVERT: i32 = 2;
pub const EVMC_OUT_OF_GAS: i32 = 3;
pub const EVMC_INVALID_MEMORY_ACCESS: i32 = 9;
pub const EVMC_STATIC_MODE_VIOLATION: i32 = 11;
pub const EVMC_CONTRACT_VALIDATION_FAILURE: i32 = 13;
pub const EVMC_ARGUMENT_OUT_OF_RANGE: i32 = 14;
pub const EVMC_INTERNAL_ERROR: i32 = -1;
pub const EVMC_REJECTED: i32 = -2;

pub const EVMC_SET_OPTION_SUCCESS: i32 = 0;
pub const EVMC_SET_OPTION_INVALID_NAME: i32 = 1;
pub const EVMC_SET_OPTION_INVALID_VALUE: i32 = 2;

pub const EVMC_CAPABILITY_EVM1: u32 = 1;
pub const EVMC_CAPABILITY_EWASM: u32 = 2;

/// Opaque: the host's own context.
#[repr(C)]
pub struct evmc_host_context {
    _private: [u8; 0],
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_message {
    pub kind: i32,
    pub flags: u32,
    pub depth: i32,
    pub gas: i64,
    /// ABI 12: the account the code acts on.
    #[cfg(not(feature = "abi9"))]
    pub recipient: evmc_address,
    /// ABI 9: the one destination (see [`evmc_message::accounts`]).
    #[cfg(feature = "abi9")]
    pub destination: evmc_address,
    pub sender: evmc_address,
    pub input_data: *const u8,
    pub input_size: usize,
    pub value: evmc_uint256be,
    pub create2_salt: evmc_bytes32,
    /// ABI 10 on: the account whose code runs.
    #[cfg(not(feature = "abi9"))]
    pub code_address: evmc_address,
    /// ABI 12: the code, for EOFCREATE.
    #[cfg(not(feature = "abi9"))]
    pub code: *const u8,
    #[cfg(not(feature = "abi9"))]
    pub code_size: usize,
}

/// ABI 12: an initcode of the transaction (TXCREATE).
#[cfg(not(feature = "abi9"))]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_tx_initcode {
    pub hash: evmc_bytes32,
    pub code: *const u8,
    pub code_size: usize,
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
    #[cfg(not(feature = "abi9"))]
    pub block_prev_randao: evmc_uint256be,
    #[cfg(feature = "abi9")]
    pub block_difficulty: evmc_uint256be,
    pub chain_id: evmc_uint256be,
    pub block_base_fee: evmc_uint256be,
    #[cfg(not(feature = "abi9"))]
    pub blob_base_fee: evmc_uint256be,
    #[cfg(not(feature = "abi9"))]
    pub blob_hashes: *const evmc_bytes32,
    #[cfg(not(feature = "abi9"))]
    pub blob_hashes_count: usize,
    #[cfg(not(feature = "abi9"))]
    pub initcodes: *const evmc_tx_initcode,
    #[cfg(not(feature = "abi9"))]
    pub initcodes_count: usize,
}

pub type evmc_release_result_fn = Option<unsafe extern "C" fn(result: *const evmc_result)>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_result {
    pub status_code: i32,
    pub gas_left: i64,
    /// ABI 10 on (see [`evmc_result::refund`]).
    #[cfg(not(feature = "abi9"))]
    pub gas_refund: i64,
    pub output_data: *const u8,
    pub output_size: usize,
    pub release: evmc_release_result_fn,
    pub create_address: evmc_address,
    pub padding: [u8; 4],
}

pub type evmc_account_exists_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address) -> bool>;
pub type evmc_get_storage_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        *const evmc_bytes32,
    ) -> evmc_bytes32,
>;
pub type evmc_set_storage_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        *const evmc_bytes32,
        *const evmc_bytes32,
    ) -> i32,
>;
pub type evmc_get_balance_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address) -> evmc_uint256be>;
pub type evmc_get_code_size_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address) -> usize>;
pub type evmc_get_code_hash_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address) -> evmc_bytes32>;
pub type evmc_copy_code_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        usize,
        *mut u8,
        usize,
    ) -> usize,
>;

/// What a host's `selfdestruct` answers: ABI 12 whether the account was
/// destructed for the first time (ABI 10 on), ABI 9 nothing. Made with
/// [`selfdestruct_answer`], read with [`first_selfdestruct`].
#[cfg(not(feature = "abi9"))]
pub type evmc_selfdestruct_answer = bool;
/// What a host's `selfdestruct` answers: ABI 12 whether the account was
/// destructed for the first time (ABI 10 on), ABI 9 nothing. Made with
/// [`selfdestruct_answer`], read with [`first_selfdestruct`].
#[cfg(feature = "abi9")]
pub type evmc_selfdestruct_answer = ();

pub type evmc_selfdestruct_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        *const evmc_address,
    ) -> evmc_selfdestruct_answer,
>;
pub type evmc_call_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_message) -> evmc_result>;
pub type evmc_get_tx_context_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context) -> evmc_tx_context>;
pub type evmc_get_block_hash_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, i64) -> evmc_bytes32>;
pub type evmc_emit_log_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        *const u8,
        usize,
        *const evmc_bytes32,
        usize,
    ),
>;
pub type evmc_access_account_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address) -> i32>;
pub type evmc_access_storage_fn = Option<
    unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address, *const evmc_bytes32) -> i32,
>;
/// ABI 11 on; defined in every build so that a host can offer it
/// ([`evmc_host_interface::set_transient_storage`]).
pub type evmc_get_transient_storage_fn = evmc_get_storage_fn;
/// As [`evmc_get_transient_storage_fn`].
pub type evmc_set_transient_storage_fn = Option<
    unsafe extern "C" fn(
        *mut evmc_host_context,
        *const evmc_address,
        *const evmc_bytes32,
        *const evmc_bytes32,
    ),
>;

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
    #[cfg(not(feature = "abi9"))]
    pub get_transient_storage: evmc_get_transient_storage_fn,
    #[cfg(not(feature = "abi9"))]
    pub set_transient_storage: evmc_set_transient_storage_fn,
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
    /// Names `account` as the account the code acts on: ABI 12's
    /// `recipient`; ABI 9's one `destination`, which [`evmc_message::new`]
    /// sets to the code's account, as a VM sends a call-code or delegate
    /// call.
    pub fn set_acted_on(&mut self, account: evmc_address) {
        #[cfg(not(feature = "abi9"))]
        {
            self.recipient = account;
        }
        #[cfg(feature = "abi9")]
        {
            self.destination = account;
        }
    }

    /// A message with the given fields (no code, no salt). ABI 9's one
    /// destination is `code_address`.
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
        #[cfg(feature = "abi9")]
        let _ = recipient;
        Self {
            kind,
            flags,
            depth,
            gas,
            #[cfg(not(feature = "abi9"))]
            recipient,
            #[cfg(feature = "abi9")]
            destination: code_address,
            sender,
            input_data: input.as_ptr(),
            input_size: input.len(),
            value,
            create2_salt: evmc_bytes32::default(),
            #[cfg(not(feature = "abi9"))]
            code_address,
            #[cfg(not(feature = "abi9"))]
            code: std::ptr::null(),
            #[cfg(not(feature = "abi9"))]
            code_size: 0,
        }
    }
}

/// The `evmc_flags` of a message: STATIC, and DELEGATED, which ABI 9
/// cannot say (an ABI 9 host sees a delegated call as a call whose code is
/// the delegate's).
pub fn evmc_flags(is_static: bool, delegated: bool) -> u32 {
    let mut flags = 0;
    if is_static {
        flags |= EVMC_STATIC;
    }
    #[cfg(not(feature = "abi9"))]
    if delegated {
        flags |= EVMC_DELEGATED;
    }
    #[cfg(feature = "abi9")]
    let _ = delegated;
    flags
}

impl evmc_result {
    /// A result with the given fields; ABI 9 drops the refund.
    pub fn new(
        status_code: i32,
        gas_left: i64,
        gas_refund: i64,
        output: (*const u8, usize),
        release: evmc_release_result_fn,
        create_address: evmc_address,
    ) -> Self {
        #[cfg(feature = "abi9")]
        let _ = gas_refund;
        Self {
            status_code,
            gas_left,
            #[cfg(not(feature = "abi9"))]
            gas_refund,
            output_data: output.0,
            output_size: output.1,
            release,
            create_address,
            padding: [0; 4],
        }
    }
}

/// Whether an `evmc_result` carries the frame's refund (ABI 10 on). An
/// ABI 9 host counts refunds itself, from the storage statuses and
/// self-destructs it answers.
pub const RESULT_HAS_REFUND: bool = cfg!(not(feature = "abi9"));

/// Whether a message names one account for the code run and the account
/// it acts on (ABI 9's `destination`): the host of a call-code or delegate
/// call keeps the account acted on (the calling frame's) itself.
pub const ONE_DESTINATION: bool = cfg!(feature = "abi9");

impl evmc_host_interface {
    /// No callbacks at all: the start of an interface built field by field.
    pub const NONE: Self = Self {
        account_exists: None,
        get_storage: None,
        set_storage: None,
        get_balance: None,
        get_code_size: None,
        get_code_hash: None,
        copy_code: None,
        selfdestruct: None,
        call: None,
        get_tx_context: None,
        get_block_hash: None,
        emit_log: None,
        access_account: None,
        access_storage: None,
        #[cfg(not(feature = "abi9"))]
        get_transient_storage: None,
        #[cfg(not(feature = "abi9"))]
        set_transient_storage: None,
    };

    /// Sets the transient-storage callbacks (ABI 11 on); ABI 9 has none and
    /// leaves the interface as it is.
    pub const fn set_transient_storage(
        &mut self,
        get: evmc_get_transient_storage_fn,
        set: evmc_set_transient_storage_fn,
    ) {
        #[cfg(not(feature = "abi9"))]
        {
            self.get_transient_storage = get;
            self.set_transient_storage = set;
        }
        #[cfg(feature = "abi9")]
        {
            let _ = (get, set);
        }
    }
}

/// Whether a VM prices a storage write at `revision` from the current
/// value, read with `get_storage` before `set_storage`, and the new one,
/// rather than from the status the host answers: ABI 9 at Byzantium and
/// Petersburg, whose statuses cannot say what the legacy EVM prices (an
/// EVMC 9 host answers MODIFIED_AGAIN for `X -> 0 -> Z`, which costs
/// 20,000).
pub fn prices_from_current_value(revision: Revision) -> bool {
    cfg!(feature = "abi9") && ewasm_host::Schedule::of(revision).is_some_and(|s| !s.storage.net)
}

impl evmc_tx_context {
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
            #[cfg(not(feature = "abi9"))]
            block_prev_randao: difficulty,
            #[cfg(feature = "abi9")]
            block_difficulty: difficulty,
            chain_id,
            block_base_fee: evmc_bytes32::default(),
            #[cfg(not(feature = "abi9"))]
            blob_base_fee: evmc_bytes32::default(),
            #[cfg(not(feature = "abi9"))]
            blob_hashes: std::ptr::null(),
            #[cfg(not(feature = "abi9"))]
            blob_hashes_count: 0,
            #[cfg(not(feature = "abi9"))]
            initcodes: std::ptr::null(),
            #[cfg(not(feature = "abi9"))]
            initcodes_count: 0,
        }
    }
}

/// What ABI 12 (EVMC 12.1.0) reads differently from ABI 9.
#[cfg(not(feature = "abi9"))]
mod abi12 {
    use super::*;

    impl evmc_message {
        /// The account acted on and the account whose code runs.
        pub fn accounts(&self) -> (evmc_address, evmc_address) {
            (self.recipient, self.code_address)
        }

        /// Whether the DELEGATED flag (EIP-7702) is set.
        pub fn delegated(&self) -> bool {
            self.flags & EVMC_DELEGATED != 0
        }
    }

    impl evmc_result {
        /// The gas refund.
        pub fn refund(&self) -> i64 {
            self.gas_refund
        }
    }

    impl evmc_tx_context {
        /// The block's PREVRANDAO (the difficulty before Paris).
        pub fn difficulty(&self) -> evmc_uint256be {
            self.block_prev_randao
        }
    }

    /// The revision of an `evmc_revision` number: EVMC's numbers
    /// (Frontier 0 … Paris 10, Shanghai 11 … Osaka 14).
    pub fn revision(number: i32) -> Option<Revision> {
        Revision::from_evmc(number)
    }

    /// The `evmc_revision` number of a revision.
    pub fn evmc_revision(revision: Revision) -> Option<i32> {
        Some(revision.to_evmc())
    }

    /// The storage status of a host's `evmc_storage_status` (nine, which
    /// say the original, current and new values); a number EVMC does not
    /// define is priced as the costliest write ([`StorageStatus::Added`],
    /// no refund), never as a cheaper one.
    pub fn storage_status(number: i32) -> StorageStatus {
        StorageStatus::from_evmc(number).unwrap_or(StorageStatus::Added)
    }

    /// The `evmc_storage_status` of a storage status: the same nine at
    /// every revision (the VM prices them by its revision).
    pub fn evmc_storage_status(status: StorageStatus, _revision: Revision) -> i32 {
        status.to_evmc()
    }

    /// A host's answer to `selfdestruct`: whether the account was
    /// destructed for the first time.
    pub fn selfdestruct_answer(first: bool) -> evmc_selfdestruct_answer {
        first
    }

    /// Runs `call`, a host's `selfdestruct`, and says whether the account
    /// was destructed for the first time, as the host answered.
    pub fn first_selfdestruct(call: impl FnOnce() -> evmc_selfdestruct_answer) -> bool {
        call()
    }
}
#[cfg(not(feature = "abi9"))]
pub use abi12::*;

/// What ABI 9 (EVMC 9.0.0) reads differently from ABI 12.
#[cfg(feature = "abi9")]
mod abi9 {
    use super::*;

    impl evmc_message {
        /// The account acted on and the account whose code runs: ABI 9 has
        /// one destination for both (the host keeps the storage context of
        /// call-code and delegate calls itself).
        pub fn accounts(&self) -> (evmc_address, evmc_address) {
            (self.destination, self.destination)
        }

        /// Whether the DELEGATED flag (EIP-7702) is set: ABI 9 has none.
        pub fn delegated(&self) -> bool {
            false
        }
    }

    impl evmc_result {
        /// The gas refund: ABI 9 results have none (see
        /// [`RESULT_HAS_REFUND`]).
        pub fn refund(&self) -> i64 {
            0
        }
    }

    impl evmc_tx_context {
        /// The block's difficulty.
        pub fn difficulty(&self) -> evmc_uint256be {
            self.block_difficulty
        }
    }

    /// The revision of an `evmc_revision` number of ABI 9 (Frontier 0 …
    /// London 9, Shanghai 10: Paris came later).
    pub fn revision(number: i32) -> Option<Revision> {
        match number {
            0..=9 => Revision::from_evmc(number),
            10 => Some(Revision::Shanghai),
            _ => None,
        }
    }

    /// The `evmc_revision` number of ABI 9 for a revision: Paris is sent
    /// as London (the same prices); none after Shanghai.
    pub fn evmc_revision(revision: Revision) -> Option<i32> {
        match revision {
            Revision::Paris => Some(Revision::London.to_evmc()),
            Revision::Shanghai => Some(10),
            Revision::Cancun | Revision::Prague | Revision::Osaka => None,
            _ => Some(revision.to_evmc()),
        }
    }

    /// The storage status of an ABI 9 `evmc_storage_status` (UNCHANGED 0,
    /// MODIFIED 1, MODIFIED_AGAIN 2, ADDED 3, DELETED 4), which knows no
    /// original value: right for the prices of the net-metering revisions
    /// (Constantinople, Istanbul on), where every write after the slot's
    /// first in the transaction costs the warm price. At Byzantium and
    /// Petersburg the VM does not rely on it (see
    /// [`prices_from_current_value`]). A number ABI 9 does not define is
    /// priced as the costliest write.
    pub fn storage_status(number: i32) -> StorageStatus {
        match number {
            0 | 2 => StorageStatus::Assigned,
            1 => StorageStatus::Modified,
            4 => StorageStatus::Deleted,
            _ => StorageStatus::Added,
        }
    }

    /// The ABI 9 `evmc_storage_status` for a storage status at `revision`,
    /// as EVMC 9 hosts answer: at the net-metering revisions
    /// (Constantinople, Istanbul on) a slot's first write in the
    /// transaction is ADDED, DELETED or MODIFIED and any later one
    /// MODIFIED_AGAIN; at Byzantium and Petersburg only the current and new
    /// values count (ADDED for zero to non-zero, DELETED for non-zero to
    /// zero, MODIFIED otherwise).
    pub fn evmc_storage_status(status: StorageStatus, revision: Revision) -> i32 {
        use StorageStatus as S;
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

    /// A host's answer to `selfdestruct`: nothing in ABI 9 (the host counts
    /// the refund of a first self-destruct itself).
    pub fn selfdestruct_answer(_first: bool) -> evmc_selfdestruct_answer {}

    /// Runs `call`, a host's `selfdestruct`, and says whether the account
    /// was destructed for the first time: ABI 9 hosts do not say, read as
    /// `false` (they count the refund themselves).
    pub fn first_selfdestruct(call: impl FnOnce() -> evmc_selfdestruct_answer) -> bool {
        call();
        false
    }
}
#[cfg(feature = "abi9")]
pub use abi9::*;

#[cfg(test)]
mod tests {
    use super::*;
    use StorageStatus as S;

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

    /// What a host of this ABI answers for each status at `revision`.
    fn answers(revision: Revision) -> Vec<i32> {
        ALL.iter()
            .map(|&s| evmc_storage_status(s, revision))
            .collect()
    }

    #[cfg(not(feature = "abi9"))]
    #[test]
    fn abi12_answers_the_nine_statuses_at_every_revision() {
        // EVMC 12's evmc_storage_status numbers, in ALL's order.
        let numbers = vec![0, 1, 2, 3, 4, 5, 6, 7, 8];
        for revision in [Revision::Byzantium, Revision::Istanbul, Revision::Osaka] {
            assert_eq!(answers(revision), numbers, "{revision}");
        }
        for status in ALL {
            assert_eq!(storage_status(status.to_evmc()), status, "{status:?}");
        }
        assert_eq!(storage_status(9), S::Added, "unknown: the dearest");
        assert_eq!(storage_status(-1), S::Added, "unknown: the dearest");
        assert!(!prices_from_current_value(Revision::Byzantium));
    }

    #[cfg(feature = "abi9")]
    #[test]
    fn to_abi9_legacy_revisions_answer_by_current_and_new() {
        // UNCHANGED/any, ADDED, DELETED, MODIFIED, then X -> 0 -> Z ADDED,
        // X -> Y -> 0 DELETED, X -> 0 -> X ADDED, 0 -> Y -> 0 DELETED,
        // X -> Y -> X MODIFIED.
        let legacy = vec![0, 3, 4, 1, 3, 4, 3, 4, 1];
        assert_eq!(answers(Revision::Byzantium), legacy);
        assert_eq!(answers(Revision::Petersburg), legacy);
        assert!(prices_from_current_value(Revision::Byzantium));
        assert!(prices_from_current_value(Revision::Petersburg));
        assert!(!prices_from_current_value(Revision::Istanbul));
    }

    #[cfg(feature = "abi9")]
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

    #[cfg(feature = "abi9")]
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

    #[test]
    fn revisions_round_trip_through_their_numbers() {
        for revision in [
            Revision::Byzantium,
            Revision::Constantinople,
            Revision::Petersburg,
            Revision::Istanbul,
            Revision::Berlin,
            Revision::London,
            Revision::Shanghai,
        ] {
            let number = evmc_revision(revision).expect("a number");
            assert_eq!(self::revision(number), Some(revision), "{revision}");
        }
        // Shanghai is 11 in ABI 12 (Paris 10 inserted), 10 in ABI 9.
        let shanghai = if cfg!(feature = "abi9") { 10 } else { 11 };
        assert_eq!(evmc_revision(Revision::Shanghai), Some(shanghai));
        assert_eq!(
            evmc_revision(Revision::Osaka),
            if cfg!(feature = "abi9") {
                None
            } else {
                Some(14)
            }
        );
    }

    #[test]
    fn a_message_names_the_accounts_as_the_abi_can() {
        let (recipient, code) = (
            evmc_address { bytes: [1; 20] },
            evmc_address { bytes: [2; 20] },
        );
        let mut message = evmc_message::new(
            EVMC_DELEGATECALL,
            evmc_flags(true, true),
            1,
            100,
            recipient,
            evmc_address::default(),
            &[],
            evmc_bytes32::default(),
            code,
        );
        assert_eq!(message.flags & EVMC_STATIC, EVMC_STATIC);
        if ONE_DESTINATION {
            // The code's account, as a VM sends a delegate call.
            assert_eq!(message.accounts(), (code, code));
            assert!(!message.delegated(), "ABI 9 cannot say it");
        } else {
            assert_eq!(message.accounts(), (recipient, code));
            assert!(message.delegated());
        }
        message.set_acted_on(recipient);
        assert_eq!(message.accounts().0, recipient);
    }

    #[test]
    fn a_result_carries_its_refund_where_the_abi_has_one() {
        let result = evmc_result::new(
            EVMC_SUCCESS,
            5,
            7,
            (std::ptr::null(), 0),
            None,
            evmc_address::default(),
        );
        assert_eq!(result.gas_left, 5);
        assert_eq!(result.refund(), if RESULT_HAS_REFUND { 7 } else { 0 });
    }

    #[test]
    fn selfdestruct_answers_say_first_only_where_the_abi_can() {
        let mut called = false;
        let first = first_selfdestruct(|| {
            called = true;
            selfdestruct_answer(true)
        });
        assert!(called);
        assert_eq!(first, cfg!(not(feature = "abi9")), "ABI 9 says nothing");
        assert!(!first_selfdestruct(|| selfdestruct_answer(false)));
    }
}
