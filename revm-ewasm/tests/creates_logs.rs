//! A Wasm contract's create, log and self-destruct, done through revm's
//! journal and revm's rules.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{Context, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::primitives::{address, Address, Bytes, B256, U256};
use revm::state::AccountInfo;
use revm::{Database, ExecuteCommitEvm, MainContext};
use revm_ewasm::EwasmBuilder;

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
const CONTRACT: Address = address!("0xf000000000000000000000000000000000000001");
const HEIR: Address = address!("0xe000000000000000000000000000000000000001");

/// Runs one call from the sender to `code` deployed at [`CONTRACT`] with
/// `balance` wei, trusted (EEI gas only).
fn run(code: Vec<u8>, balance: u64) -> (ExecutionResult, InMemoryDB) {
    let mut db = InMemoryDB::default();
    let mut account = AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(code)));
    account.balance = U256::from(balance);
    db.insert_account_info(CONTRACT, account);
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet().with_db(db).build_ewasm(executor);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(CONTRACT)
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    let result = evm.transact_commit(tx).expect("the transaction runs");
    (result, evm.ctx.db_mut().clone())
}

#[test]
fn the_factory_deploys_its_wasm_child_through_revm_and_calls_it() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts/factory.wat");
    let factory = wat::parse_file(path).expect("contracts/factory.wat compiles");
    let (result, mut db) = run(factory, 0);
    let ExecutionResult::Success {
        output: Output::Call(output),
        ..
    } = &result
    else {
        panic!("the factory failed: {result:?}");
    };
    // revm's CREATE address: the factory's address and nonce (1 before,
    // as revm's `AccountInfo::from_bytecode` deploys contracts).
    let child = CONTRACT.create(1);
    assert_eq!(&output[..5], b"child", "the child ran and answered");
    assert_eq!(
        &output[5..],
        child.as_slice(),
        "the child's address came back"
    );
    // The child's code is the Wasm module the init code returned.
    let account = db
        .basic(child)
        .expect("the database answers")
        .expect("the child exists");
    let code = db
        .code_by_hash(account.code_hash)
        .expect("the database answers");
    assert!(code.original_byte_slice().starts_with(b"\0asm"));
    assert_eq!(code.original_byte_slice().len(), 93);
    // The factory's nonce went up; the child's starts at 1 (EIP-161).
    let factory = db.basic(CONTRACT).expect("the database answers");
    assert_eq!(factory.map(|account| account.nonce), Some(2));
    assert_eq!(account.nonce, 1);
    // 21,000, then what the factory fixture charges on Iris's own world:
    // create 32,000, the code deposit 200 x 93, call 700,
    // getReturnDataSize 2, returnDataCopy 6.
    assert_eq!(result.tx_gas_used(), 21_000 + 51_308);
}

#[test]
fn a_log_and_a_self_destruct_go_through_revm_with_its_rules() {
    let wasm = wat::parse_str(
        r#"(module
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\e0\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01")
  (data (i32.const 63) "\07")
  (data (i32.const 64) "logged")
  (func (export "main")
    (call $log (i32.const 64) (i32.const 6) (i32.const 1)
      (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $selfDestruct (i32.const 0))))"#,
    )
    .expect("valid WAT");
    let (result, mut db) = run(wasm, 5_000);
    assert!(result.is_success(), "{result:?}");
    let logs = result.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, CONTRACT);
    assert_eq!(logs[0].topics(), &[B256::with_last_byte(7)]);
    assert_eq!(&logs[0].data.data[..], b"logged");
    // The balance went to the heir. Since Cancun (EIP-6780) an account
    // not created in the same transaction keeps its code.
    let heir = db.basic(HEIR).expect("the database answers");
    assert_eq!(heir.map(|account| account.balance), Some(U256::from(5_000)));
    let contract = db
        .basic(CONTRACT)
        .expect("the database answers")
        .expect("the contract is still there");
    assert_eq!(contract.balance, U256::ZERO);
    assert!(!contract.is_empty_code_hash(), "its code stays");
}
