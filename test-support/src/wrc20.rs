//! The WRC20 sample contract (`contracts/wrc20.wat`) and its call data,
//! for the benchmarks and tests that call it as a typical short contract
//! call.

use ewasm_host::Address;

/// The sample, assembled.
///
/// # Panics
///
/// If the source is missing or does not assemble (a broken checkout).
pub fn code() -> Vec<u8> {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../contracts/wrc20.wat"
    ))
    .expect("the WRC20 sample");
    wat::parse_str(source).expect("the WRC20 sample assembles")
}

/// Call data of a balance query for `owner` (selector `0x9993021a`).
pub fn balance_query(owner: &Address) -> Vec<u8> {
    let mut input = vec![0x99, 0x93, 0x02, 0x1a];
    input.extend_from_slice(&owner.0);
    input
}

/// Call data of a transfer of `amount` from the caller to `to` (selector
/// `0x5d359fbd`).
pub fn transfer(to: &Address, amount: u64) -> Vec<u8> {
    let mut input = vec![0x5d, 0x35, 0x9f, 0xbd];
    input.extend_from_slice(&to.0);
    input.extend_from_slice(&amount.to_be_bytes());
    input
}
