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
    // 21,000, then what the factory fixture charges on Iris's own world
    // at Byzantium (create 32,000, the code deposit 200 x 93, call 700,
    // getReturnDataSize 2, returnDataCopy 6), at revm's default spec
    // (Osaka): the call to the child created in the transaction is warm
    // (100, EIP-2929) and the 182 bytes of init code cost 2 a word
    // (EIP-3860).
    assert_eq!(result.tx_gas_used(), 21_000 + 51_308 - 700 + 100 + 2 * 6);
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
    // 21,000; log 375 + 375 a topic + 8 a byte; selfDestruct 5,000,
    // 2,600 for the cold heir (EIP-2929) and 25,000 for a new one that
    // gets value; no self-destruct refund since London (EIP-3529; the
    // default spec is Osaka).
    let used: u64 = 21_000 + 375 + 375 + 8 * 6 + 5_000 + 2_600 + 25_000;
    assert_eq!(result.tx_gas_used(), used);
    assert_eq!(result.gas().inner_refunded(), 0);
}

/// The child the factory deploys: finishes with "child".
fn child() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "child")
  (func (export "main") (call $finish (i32.const 0) (i32.const 5))))"#,
    )
    .expect("valid WAT")
}

/// Wasm init code that returns `code` with `finish`.
fn deployer(code: &[u8]) -> Vec<u8> {
    let escaped: String = code.iter().map(|byte| format!("\\{byte:02x}")).collect();
    wat::parse_str(format!(
        r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{escaped}")
  (func (export "main") (call $finish (i32.const 0) (i32.const {}))))"#,
        code.len()
    ))
    .expect("valid WAT")
}

/// An EVM running transactions from the sender on `db`.
fn evm_on(db: InMemoryDB) -> revm_ewasm::EwasmEvm<revm::handler::MainnetContext<InMemoryDB>> {
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    Context::mainnet().with_db(db).build_ewasm(executor)
}

/// Calls `to` from the sender (nonce `nonce`) and gives its output.
fn call_output(
    evm: &mut revm_ewasm::EwasmEvm<revm::handler::MainnetContext<InMemoryDB>>,
    to: Address,
    nonce: u64,
) -> Bytes {
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(to)
        .nonce(nonce)
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    match evm.transact_commit(tx).expect("the transaction runs") {
        ExecutionResult::Success {
            output: Output::Call(output),
            ..
        } => output,
        other => panic!("the call failed: {other:?}"),
    }
}

#[test]
fn a_create_transaction_with_wasm_init_code_runs_it_on_iris() {
    let mut db = InMemoryDB::default();
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let mut evm = evm_on(db);
    let child = child();
    let tx = TxEnv::builder()
        .caller(SENDER)
        .create()
        .data(Bytes::from(deployer(&child)))
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    let result = evm.transact_commit(tx).expect("the transaction runs");
    let ExecutionResult::Success {
        output: Output::Create(code, Some(address)),
        ..
    } = &result
    else {
        panic!("the create failed: {result:?}");
    };
    assert_eq!(*address, SENDER.create(0));
    assert_eq!(&code[..], &child[..], "the init code's output is the code");
    // The transaction's 53,000 and the deposit of 200 a byte, at least.
    let deposit = 200 * child.len() as u64;
    assert!(result.tx_gas_used() >= 53_000 + deposit, "{result:?}");
    assert_eq!(&call_output(&mut evm, *address, 1)[..], b"child");
}

#[test]
fn a_create_transaction_whose_wasm_init_code_traps_creates_nothing() {
    let mut db = InMemoryDB::default();
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let mut evm = evm_on(db);
    let init = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "main") unreachable))"#,
    )
    .expect("valid WAT");
    let tx = TxEnv::builder()
        .caller(SENDER)
        .create()
        .data(Bytes::from(init))
        .gas_limit(200_000)
        .build()
        .expect("a valid transaction");
    let result = evm.transact_commit(tx).expect("the transaction runs");
    assert!(matches!(result, ExecutionResult::Halt { .. }), "{result:?}");
    assert_eq!(result.tx_gas_used(), 200_000, "a trap uses all the gas");
    let created = evm
        .ctx
        .db_mut()
        .basic(SENDER.create(0))
        .expect("the database answers");
    assert!(created.is_none_or(|account| account.is_empty_code_hash()));
}

#[test]
fn an_evm_create_of_wasm_init_code_deploys_a_wasm_contract() {
    let child = child();
    let init = deployer(&child);
    let len = u16::try_from(init.len()).expect("small init code");
    // CODECOPY the Wasm init code after this prefix, CREATE it with no
    // value, store the new address in slot 0.
    let mut code = vec![0x61];
    code.extend_from_slice(&len.to_be_bytes()); // PUSH2 len
    code.extend_from_slice(&[0x80, 0x60, 0x12, 0x60, 0x00, 0x39]); // DUP1, CODECOPY(0, 18, len)
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0xf0]); // CREATE(0, 0, len)
    code.extend_from_slice(&[0x60, 0x00, 0x55, 0x00]); // SSTORE(0, address), STOP
    assert_eq!(code.len(), 18);
    code.extend_from_slice(&init);
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        CONTRACT,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(code))),
    );
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let mut evm = evm_on(db);
    call_output(&mut evm, CONTRACT, 0);
    let stored = evm
        .ctx
        .db_mut()
        .storage(CONTRACT, U256::ZERO)
        .expect("the database answers");
    // `from_bytecode` deploys with nonce 1.
    let child_address = CONTRACT.create(1);
    assert_eq!(stored, U256::from_be_slice(child_address.as_slice()));
    assert_eq!(&call_output(&mut evm, child_address, 1)[..], b"child");
}
