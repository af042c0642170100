//! A Wasm contract deployed in revm's in-memory database and called in
//! transactions of a revm `Evm`: its storage and the gas revm charges.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{CfgEnv, Context, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{Database, ExecuteCommitEvm, MainContext};
use revm_ewasm::EwasmBuilder;

const CALLER: Address = address!("0x1000000000000000000000000000000000000001");
const COUNTER: Address = address!("0x2000000000000000000000000000000000000002");

/// The counter: adds one to slot 0 and returns the new value.
fn counter() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts/counter.wat");
    wat::parse_file(path).expect("contracts/counter.wat compiles")
}

/// A database holding the counter and a caller with some ether.
fn world() -> InMemoryDB {
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        COUNTER,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(counter()))),
    );
    db.insert_account_info(CALLER, AccountInfo::from_balance(U256::from(10u64.pow(18))));
    db
}

/// A call from the caller with `nonce` to the counter, with `gas`.
fn call(nonce: u64, gas: u64) -> TxEnv {
    TxEnv::builder()
        .caller(CALLER)
        .call(COUNTER)
        .nonce(nonce)
        .gas_limit(gas)
        .build()
        .expect("a valid transaction")
}

/// The returned word as an integer.
fn returned(result: &ExecutionResult) -> U256 {
    match result {
        ExecutionResult::Success {
            output: Output::Call(bytes),
            ..
        } => U256::from_be_slice(bytes),
        other => panic!("the call did not succeed: {other:?}"),
    }
}

#[test]
fn the_counter_counts_in_revm_storage_and_gas_is_the_eei_price_plus_the_transaction() {
    // Trusted code: only the EEI charges, so the gas is the schedule's
    // (revm's default spec, Osaka: EIP-2929's warm and cold accesses).
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet().with_db(world()).build_ewasm(executor);

    let first = evm
        .transact_commit(call(0, 100_000))
        .expect("the transaction runs");
    assert_eq!(returned(&first), U256::from(1));
    // 21,000 for the transaction, 2,100 for storageLoad of a cold slot,
    // 20,000 for storageStore of a new value in the slot now warm.
    assert_eq!(first.tx_gas_used(), 21_000 + 2_100 + 20_000);

    let second = evm
        .transact_commit(call(1, 100_000))
        .expect("the transaction runs");
    assert_eq!(returned(&second), U256::from(2));
    // The slot is cold again in a new transaction; storageStore of a
    // changed value: 5,000 less the cold price already paid.
    assert_eq!(second.tx_gas_used(), 21_000 + 2_100 + 2_900);

    let stored = evm
        .ctx
        .db_mut()
        .storage(COUNTER, U256::ZERO)
        .expect("the database answers");
    assert_eq!(stored, U256::from(2));
    let caller = evm
        .ctx
        .db_mut()
        .basic(CALLER)
        .expect("the database answers");
    assert_eq!(caller.map(|account| account.nonce), Some(2));
}

#[test]
fn a_metered_counter_costs_more_than_a_trusted_one_and_runs_out_of_gas_when_short() {
    let metered = Arc::new(Executor::new(ExecConfig::default()).expect("an executor"));
    let mut evm = Context::mainnet().with_db(world()).build_ewasm(metered);
    let result = evm
        .transact_commit(call(0, 1_000_000))
        .expect("the transaction runs");
    assert_eq!(returned(&result), U256::from(1));
    // Instructions, code bytes and the initial memory page (262,144 in
    // the Iris model) cost gas too.
    let used = result.tx_gas_used();
    assert!(
        (43_100 + 262_144..1_000_000).contains(&used),
        "gas used {used}"
    );

    // 21,000 for the transaction leaves too little for the first store.
    let short = call(1, 30_000);
    let result = evm.transact_commit(short).expect("the transaction runs");
    assert!(matches!(result, ExecutionResult::Halt { .. }), "{result:?}");
    assert_eq!(result.tx_gas_used(), 30_000, "a halt uses all the gas");
    let stored = evm
        .ctx
        .db_mut()
        .storage(COUNTER, U256::ZERO)
        .expect("the database answers");
    assert_eq!(stored, U256::from(1), "the failed call changed nothing");
}

#[test]
fn a_create_transaction_whose_evm_init_code_returns_wasm_deploys_a_wasm_contract() {
    let runtime = counter();
    let len = u16::try_from(runtime.len()).expect("a small contract");
    // EVM init code: CODECOPY the Wasm that follows it, RETURN it.
    let mut init = vec![0x61];
    init.extend_from_slice(&len.to_be_bytes()); // PUSH2 len
    init.extend_from_slice(&[0x80, 0x60, 0x0c, 0x60, 0x00, 0x39]); // DUP1, CODECOPY(0, 12, len)
    init.extend_from_slice(&[0x60, 0x00, 0xf3]); // RETURN(0, len)
    assert_eq!(init.len(), 12);
    init.extend_from_slice(&runtime);

    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet().with_db(world()).build_ewasm(executor);
    let create = TxEnv::builder()
        .caller(CALLER)
        .create()
        .data(Bytes::from(init))
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    let deployed = match evm.transact_commit(create).expect("the transaction runs") {
        ExecutionResult::Success {
            output: Output::Create(_, Some(address)),
            ..
        } => address,
        other => panic!("the create failed: {other:?}"),
    };
    assert_eq!(deployed, CALLER.create(0));

    let call = TxEnv::builder()
        .caller(CALLER)
        .call(deployed)
        .nonce(1)
        .gas_limit(100_000)
        .build()
        .expect("a valid transaction");
    let result = evm.transact_commit(call).expect("the transaction runs");
    assert_eq!(
        returned(&result),
        U256::from(1),
        "the deployed code ran on Iris"
    );
    assert_eq!(result.tx_gas_used(), 21_000 + 2_100 + 20_000);
}

#[test]
fn clearing_a_slot_in_wasm_earns_byzantium_s_refund_once_under_revm_s_cap() {
    // Clears slot 0, then burns 10,000 so that the refund stays under
    // Byzantium's cap (half the gas used) and is seen whole.
    let clear = wat::parse_str(
        r#"(module
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "useGas" (func $useGas (param i64)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $storageStore (i32.const 0) (i32.const 32))
    (call $useGas (i64.const 10000))))"#,
    )
    .expect("valid WAT");
    let mut db = world();
    db.insert_account_info(
        COUNTER,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(clear))),
    );
    db.insert_account_storage(COUNTER, U256::ZERO, U256::from(5))
        .expect("the slot is set");
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet()
        .with_cfg(CfgEnv::new_with_spec(SpecId::BYZANTIUM))
        .with_db(db)
        .build_ewasm(executor);
    let result = evm
        .transact_commit(call(0, 100_000))
        .expect("the transaction runs");
    assert!(result.is_success(), "{result:?}");
    // 21,000, 5,000 for the store and 10,000 used: 36,000, less the
    // 15,000 refund the EEI counted (once: counted twice, it would be
    // capped at 18,000).
    assert_eq!(result.gas().inner_refunded(), 15_000);
    assert_eq!(result.tx_gas_used(), 36_000 - 15_000);
    let stored = evm
        .ctx
        .db_mut()
        .storage(COUNTER, U256::ZERO)
        .expect("the database answers");
    assert_eq!(stored, U256::ZERO);
}
