//! The EVMC C types that ABI versions 9 and 12 share, as `#[repr(C)]` Rust
//! types. Enums the host fills in are kept as raw integers: an unknown value
//! from a host must not be undefined behaviour.

#![allow(non_camel_case_types, missing_docs)]

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

/// `evmc_access_status`: the first access in the transaction.
pub const EVMC_ACCESS_COLD: i32 = 0;
/// `evmc_access_status`: accessed before.
pub const EVMC_ACCESS_WARM: i32 = 1;

/// Opaque: the host's own context.
#[repr(C)]
pub struct evmc_host_context {
    _private: [u8; 0],
}

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
pub const EVMC_SET_OPTION_SUCCESS: i32 = 0;
pub const EVMC_SET_OPTION_INVALID_NAME: i32 = 1;
pub const EVMC_SET_OPTION_INVALID_VALUE: i32 = 2;

pub const EVMC_CAPABILITY_EVM1: u32 = 1;
pub const EVMC_CAPABILITY_EWASM: u32 = 2;
