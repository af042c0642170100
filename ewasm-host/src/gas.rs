//! Gas prices of Ewasm, each with its source.

/// Every WebAssembly instruction costs 1 gas: the Sentinel's "regular"
/// cost (`ewasm/sentinel-rs`, its pwasm-utils rule set; `fee_schedule.md`).
pub const INSTRUCTION: u64 = 1;

/// Each 64 KiB page requested by `memory.grow`, charged before growing:
/// 256 × 1024 (the Sentinel's grow cost). Initial memory is free.
pub const MEMORY_GROW_PAGE: u64 = 262_144;

/// What every metering block starts at: the price of its `end`.
pub const BLOCK_END: u64 = 1;
