//! The C types of EVMC 12.1.0 (`evmc/evmc.h`, ABI version 12), as
//! `#[repr(C)]` Rust types. Enums the host fills in are kept as raw
//! integers: an unknown value from a host must not be undefined behaviour.

#![allow(non_camel_case_types, missing_docs)]

use std::os::raw::{c_char, c_int};

pub use super::common::*;

/// The ABI version these types describe.
pub const EVMC_ABI_VERSION: c_int = 12;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_message {
    pub kind: i32,
    pub flags: u32,
    pub depth: i32,
    pub gas: i64,
    pub recipient: evmc_address,
    pub sender: evmc_address,
    pub input_data: *const u8,
    pub input_size: usize,
    pub value: evmc_uint256be,
    pub create2_salt: evmc_bytes32,
    pub code_address: evmc_address,
    pub code: *const u8,
    pub code_size: usize,
}

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
    pub block_prev_randao: evmc_uint256be,
    pub chain_id: evmc_uint256be,
    pub block_base_fee: evmc_uint256be,
    pub blob_base_fee: evmc_uint256be,
    pub blob_hashes: *const evmc_bytes32,
    pub blob_hashes_count: usize,
    pub initcodes: *const evmc_tx_initcode,
    pub initcodes_count: usize,
}

pub type evmc_release_result_fn = Option<unsafe extern "C" fn(result: *const evmc_result)>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct evmc_result {
    pub status_code: i32,
    pub gas_left: i64,
    pub gas_refund: i64,
    pub output_data: *const u8,
    pub output_size: usize,
    pub release: evmc_release_result_fn,
    pub create_address: evmc_address,
    pub padding: [u8; 4],
}

pub type evmc_selfdestruct_fn = Option<
    unsafe extern "C" fn(*mut evmc_host_context, *const evmc_address, *const evmc_address) -> bool,
>;
pub type evmc_call_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context, *const evmc_message) -> evmc_result>;
pub type evmc_get_tx_context_fn =
    Option<unsafe extern "C" fn(*mut evmc_host_context) -> evmc_tx_context>;
pub type evmc_get_transient_storage_fn = evmc_get_storage_fn;
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
    pub get_transient_storage: evmc_get_transient_storage_fn,
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
    /// The account acted on and the account whose code runs.
    pub fn accounts(&self) -> (evmc_address, evmc_address) {
        (self.recipient, self.code_address)
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
        Self {
            kind,
            flags,
            depth,
            gas,
            recipient,
            sender,
            input_data: input.as_ptr(),
            input_size: input.len(),
            value,
            create2_salt: evmc_bytes32::default(),
            code_address,
            code: std::ptr::null(),
            code_size: 0,
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
        Self {
            status_code,
            gas_left,
            gas_refund,
            output_data: output.0,
            output_size: output.1,
            release,
            create_address,
            padding: [0; 4],
        }
    }

    /// The gas refund (0 where the ABI has none).
    pub fn refund(&self) -> i64 {
        self.gas_refund
    }
}

/// `evmc_flags` of ABI 12: the call is to an EIP-7702 delegated account
/// (its code is the delegate's). Iris runs such a message as any other.
pub const EVMC_DELEGATED: u32 = 2;

/// The flags Iris knows in this ABI; a message with any other is refused
/// (`EVMC_REJECTED`).
pub const EVMC_KNOWN_FLAGS: u32 = EVMC_STATIC | EVMC_DELEGATED;

/// The revision of an `evmc_revision` number of this ABI.
pub fn revision(number: i32) -> Option<ewasm_host::Revision> {
    ewasm_host::Revision::from_evmc(number)
}

/// The `evmc_revision` number of a revision in this ABI.
pub fn evmc_revision(revision: ewasm_host::Revision) -> Option<i32> {
    Some(revision.to_evmc())
}

/// The storage status of a host's `evmc_storage_status` of this ABI; a
/// number EVMC does not define is priced as the costliest write
/// ([`StorageStatus::Added`](ewasm_host::StorageStatus::Added), no
/// refund), never as a cheaper one.
pub fn storage_status(number: i32) -> ewasm_host::StorageStatus {
    ewasm_host::StorageStatus::from_evmc(number).unwrap_or(ewasm_host::StorageStatus::Added)
}

/// The `evmc_storage_status` of this ABI for a storage status (the same
/// nine at every revision: the VM prices them by its revision).
pub fn evmc_storage_status(
    status: ewasm_host::StorageStatus,
    _revision: ewasm_host::Revision,
) -> i32 {
    status.to_evmc()
}

impl evmc_tx_context {
    /// The block's difficulty or PREVRANDAO.
    pub fn difficulty(&self) -> evmc_uint256be {
        self.block_prev_randao
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
            block_prev_randao: difficulty,
            chain_id,
            block_base_fee: evmc_bytes32::default(),
            blob_base_fee: evmc_bytes32::default(),
            blob_hashes: std::ptr::null(),
            blob_hashes_count: 0,
            initcodes: std::ptr::null(),
            initcodes_count: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    //! Sizes and offsets pinned to the EVMC 12.1.0 header on x86-64.
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn message_layout_matches_evmc_12() {
        assert_eq!(offset_of!(evmc_message, kind), 0);
        assert_eq!(offset_of!(evmc_message, flags), 4);
        assert_eq!(offset_of!(evmc_message, depth), 8);
        assert_eq!(offset_of!(evmc_message, gas), 16);
        assert_eq!(offset_of!(evmc_message, recipient), 24);
        assert_eq!(offset_of!(evmc_message, sender), 44);
        assert_eq!(offset_of!(evmc_message, input_data), 64);
        assert_eq!(offset_of!(evmc_message, input_size), 72);
        assert_eq!(offset_of!(evmc_message, value), 80);
        assert_eq!(offset_of!(evmc_message, create2_salt), 112);
        assert_eq!(offset_of!(evmc_message, code_address), 144);
        assert_eq!(offset_of!(evmc_message, code), 168);
        assert_eq!(offset_of!(evmc_message, code_size), 176);
        assert_eq!(size_of::<evmc_message>(), 184);
    }

    #[test]
    fn tx_context_layout_matches_evmc_12() {
        assert_eq!(offset_of!(evmc_tx_context, tx_gas_price), 0);
        assert_eq!(offset_of!(evmc_tx_context, tx_origin), 32);
        assert_eq!(offset_of!(evmc_tx_context, block_coinbase), 52);
        assert_eq!(offset_of!(evmc_tx_context, block_number), 72);
        assert_eq!(offset_of!(evmc_tx_context, block_timestamp), 80);
        assert_eq!(offset_of!(evmc_tx_context, block_gas_limit), 88);
        assert_eq!(offset_of!(evmc_tx_context, block_prev_randao), 96);
        assert_eq!(offset_of!(evmc_tx_context, chain_id), 128);
        assert_eq!(offset_of!(evmc_tx_context, block_base_fee), 160);
        assert_eq!(offset_of!(evmc_tx_context, blob_base_fee), 192);
        assert_eq!(offset_of!(evmc_tx_context, blob_hashes), 224);
        assert_eq!(offset_of!(evmc_tx_context, blob_hashes_count), 232);
        assert_eq!(offset_of!(evmc_tx_context, initcodes), 240);
        assert_eq!(offset_of!(evmc_tx_context, initcodes_count), 248);
        assert_eq!(size_of::<evmc_tx_context>(), 256);
    }

    #[test]
    fn result_layout_matches_evmc_12() {
        assert_eq!(offset_of!(evmc_result, status_code), 0);
        assert_eq!(offset_of!(evmc_result, gas_left), 8);
        assert_eq!(offset_of!(evmc_result, gas_refund), 16);
        assert_eq!(offset_of!(evmc_result, output_data), 24);
        assert_eq!(offset_of!(evmc_result, output_size), 32);
        assert_eq!(offset_of!(evmc_result, release), 40);
        assert_eq!(offset_of!(evmc_result, create_address), 48);
        assert_eq!(size_of::<evmc_result>(), 72);
    }

    #[test]
    fn host_interface_and_vm_layouts_match_evmc_12() {
        assert_eq!(size_of::<evmc_host_interface>(), 16 * 8);
        assert_eq!(offset_of!(evmc_host_interface, call), 8 * 8);
        assert_eq!(
            offset_of!(evmc_host_interface, set_transient_storage),
            15 * 8
        );
        assert_eq!(size_of::<evmc_vm>(), 56);
        assert_eq!(offset_of!(evmc_vm, name), 8);
        assert_eq!(offset_of!(evmc_vm, execute), 32);
        assert_eq!(offset_of!(evmc_vm, set_option), 48);
        assert_eq!(size_of::<evmc_address>(), 20);
        assert_eq!(size_of::<evmc_bytes32>(), 32);
    }
}
