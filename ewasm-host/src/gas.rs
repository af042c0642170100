//! Gas prices of Ewasm, each with its source.

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

// Interface gas (`GasSchedule` in Hera's `eei.h`; EIP-150-era EVM prices,
// except `BLOCK_HASH`). See `shared/ewasm-spec.md` section (b).

/// `getAddress`, `getCaller`, `getGasLeft` and the other simple getters.
pub const BASE: u64 = 2;
/// The base of `callDataCopy`, `codeCopy`, `returnDataCopy`.
pub const VERY_LOW: u64 = 3;
/// Per 32-byte word copied.
pub const COPY_WORD: u64 = 3;
/// `getExternalBalance`.
pub const BALANCE: u64 = 400;
/// `getBlockHash` (Hera's price; the EVM charges 20).
pub const BLOCK_HASH: u64 = 800;
/// `getExternalCodeSize`, and the base of `externalCodeCopy`.
pub const EXT_CODE: u64 = 700;
/// `storageLoad`.
pub const STORAGE_LOAD: u64 = 200;
/// `storageStore` of a non-zero value where zero was.
pub const STORAGE_STORE_CREATE: u64 = 20_000;
/// `storageStore` otherwise, charged first.
pub const STORAGE_STORE_RESET: u64 = 5_000;
/// The base of `log`.
pub const LOG: u64 = 375;
/// Per topic of `log`.
pub const LOG_TOPIC: u64 = 375;
/// Per byte of `log` data.
pub const LOG_DATA: u64 = 8;
/// `create`.
pub const CREATE: u64 = 32_000;
/// The base of the call family.
pub const CALL: u64 = 700;
/// A call that transfers value.
pub const VALUE_TRANSFER: u64 = 9_000;
/// A call with value to an account that does not exist, or a
/// `selfDestruct` to one.
pub const CALL_NEW_ACCOUNT: u64 = 25_000;
/// Gas given free to the callee of a call with value.
pub const CALL_STIPEND: u64 = 2_300;
/// `selfDestruct`.
pub const SELF_DESTRUCT: u64 = 5_000;
/// The deepest call.
pub const MAX_DEPTH: i32 = 1_024;

// Gas is EVMC's `i64` and never negative; fuel is the engine's `u64`. These
// two are the only conversions between them.

/// Gas as fuel: `None` if negative (never wrapped).
pub fn to_fuel(gas: i64) -> Option<u64> {
    u64::try_from(gas).ok()
}

/// Fuel as gas: `None` above `i64::MAX` (never wrapped). Fuel never
/// exceeds the gas a frame was given, so this fails only on a bug.
pub fn to_gas(fuel: u64) -> Option<i64> {
    i64::try_from(fuel).ok()
}
