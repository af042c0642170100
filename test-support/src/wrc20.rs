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

/// The ewasm WRC20 written in C (the `wrc20_C` benchmarking vector's
/// contract), ready to call: see [`c_contract_with_holder`].
pub struct CContract {
    /// The contract.
    pub code: Vec<u8>,
    /// The vector's call data: a balance query of `holder`.
    pub query: Vec<u8>,
    /// The holder the vector funds.
    pub holder: Address,
    /// An in-memory host holding the code, and the holder's balance.
    pub host: crate::memory_host::MemoryHost,
}

/// The ewasm WRC20 written in C, at `contract` in an in-memory host, its
/// vector's holder holding `balance`.
///
/// # Errors
///
/// The vectors are not found (the message says where they were looked
/// for), or the vector's call data is not a balance query.
pub fn c_contract_with_holder(contract: Address, balance: u64) -> Result<CContract, String> {
    use ewasm_host::{Bytes32, EvmHost};
    let (code, query) = crate::kernels::kernel("wrc20_C")?;
    // The query asks for the balance of its caller: 4 selector bytes, then
    // the holder's address.
    let holder: [u8; 20] = query
        .get(4..24)
        .and_then(|a| a.try_into().ok())
        .ok_or("the wrc20_C vector's call data is not a balance query")?;
    let holder = Address(holder);
    let mut host = crate::memory_host::MemoryHost::with_code(contract, code.clone());
    // Big-endian in the word's first 8 bytes.
    let mut value = [0u8; 32];
    value[..8].copy_from_slice(&balance.to_be_bytes());
    host.set_storage(&contract, &c_holder_key(&holder), &Bytes32(value));
    Ok(CContract {
        code,
        query,
        holder,
        host,
    })
}

/// wrc20_C's storage key of `holder`'s balance: the address, left-aligned.
pub fn c_holder_key(holder: &Address) -> ewasm_host::Bytes32 {
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(&holder.0);
    ewasm_host::Bytes32(key)
}
