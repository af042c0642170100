//! `EwasmEvm::transact_message`: one message rather than a transaction (no
//! intrinsic gas, no nonce, no gas bought), its sender apart from the
//! origin; how the top Wasm frame ended (`take_top_frame`); and a runner
//! of one's own behind `WasmRunner`, used for every Wasm frame.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ewasm_host::{
    EvmHost, ExecConfig, Executor, FailureReason, Message, Outcome, Revision, Status,
};
use revm::bytecode::Bytecode;
use revm::context::result::ExecutionResult;
use revm::context::{CfgEnv, Context, TxEnv};
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{ExecuteEvm, MainContext};
use revm_ewasm::{EwasmBuilder, WasmRunner};

const ORIGIN: Address = address!("0x1000000000000000000000000000000000000001");
const SENDER: Address = address!("0x3000000000000000000000000000000000000003");
const CONTRACT: Address = address!("0x2000000000000000000000000000000000000002");

/// Stores the caller (`getCaller`) in slot 1 and the origin
/// (`getTxOrigin`) in slot 0, and returns the caller.
const WHO: &str = r#"(module
  (import "ethereum" "getCaller" (func $caller (param i32)))
  (import "ethereum" "getTxOrigin" (func $origin (param i32)))
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $caller (i32.const 44))
    (call $origin (i32.const 108))
    (i32.store8 (i32.const 31) (i32.const 1))
    (call $store (i32.const 0) (i32.const 32))
    (call $store (i32.const 64) (i32.const 96))
    (call $finish (i32.const 32) (i32.const 32))))"#;

/// Divides by zero.
const TRAPS: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "main") (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#;

fn executor() -> Arc<Executor> {
    Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"))
}

fn db_with(code: &str) -> InMemoryDB {
    let wasm = wat::parse_str(code).expect("valid WAT");
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        CONTRACT,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(wasm))),
    );
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1_000u64)));
    db
}

fn evm(
    db: InMemoryDB,
    runner: Arc<dyn WasmRunner>,
) -> revm_ewasm::EwasmEvm<revm::handler::MainnetContext<InMemoryDB>> {
    Context::mainnet()
        .with_cfg(CfgEnv::new_with_spec(SpecId::BYZANTIUM))
        .with_db(db)
        .build_ewasm(runner)
}

fn message(to: Address, gas: u64, value: u64) -> TxEnv {
    TxEnv::builder()
        .caller(ORIGIN)
        .call(to)
        .gas_limit(gas)
        .value(U256::from(value))
        .build_fill()
}

#[test]
fn a_message_pays_only_its_code_and_comes_from_its_sender() {
    let mut evm = evm(db_with(WHO), executor());
    let result = evm
        .transact_message(message(CONTRACT, 100_000, 0), Some(SENDER))
        .expect("no database error");
    // Byzantium: CALLER and ORIGIN at 2 each, two new slots at 20,000
    // each, nothing else (metering off, no 21,000 intrinsic gas).
    assert!(result.is_success(), "{result:?}");
    assert_eq!(result.gas().total_gas_spent(), 40_004);
    let word = |a: Address| U256::from_be_slice(a.as_slice());
    assert_eq!(
        result.output().map(|o| U256::from_be_slice(o)),
        Some(word(SENDER))
    );
    let state = evm.finalize();
    let slots = &state[&CONTRACT].storage;
    assert_eq!(slots[&U256::from(1)].present_value, word(SENDER));
    assert_eq!(slots[&U256::ZERO].present_value, word(ORIGIN));
    // No nonce is checked or bumped, no gas bought.
    assert_eq!(state.get(&ORIGIN).map_or(0, |a| a.info.nonce), 0);
    assert_eq!(state[&SENDER].info.balance, U256::from(1_000u64));
}

#[test]
fn a_message_without_a_sender_comes_from_the_origin() {
    let mut evm = evm(db_with(WHO), executor());
    let result = evm
        .transact_message(message(CONTRACT, 100_000, 0), None)
        .expect("no database error");
    let origin = U256::from_be_slice(ORIGIN.as_slice());
    assert_eq!(
        result.output().map(|o| U256::from_be_slice(o)),
        Some(origin)
    );
}

#[test]
fn the_top_frame_s_trap_is_kept_with_its_location() {
    let mut evm = evm(db_with(TRAPS), executor());
    let result = evm
        .transact_message(message(CONTRACT, 50_000, 0), None)
        .expect("no database error");
    assert!(matches!(result, ExecutionResult::Halt { .. }), "{result:?}");
    let top = evm
        .precompiles
        .take_top_frame()
        .expect("the Wasm frame ran");
    assert_eq!(top.status, Status::Failure);
    match top.reason {
        Some(FailureReason::Trap { code, at }) => {
            assert_eq!(at.map(|at| at.index), Some(0));
            assert_eq!(code.to_string(), "integer divide by zero");
        }
        other => panic!("a trap, not {other:?}"),
    }
    assert!(evm.precompiles.take_top_frame().is_none(), "taken once");
}

#[test]
fn a_value_the_sender_cannot_pay_fails_the_message_before_any_code() {
    let mut evm = evm(db_with(WHO), executor());
    let result = evm
        .transact_message(message(CONTRACT, 100_000, 5_000), Some(SENDER))
        .expect("no database error");
    assert!(matches!(result, ExecutionResult::Halt { .. }), "{result:?}");
    assert!(evm.precompiles.take_top_frame().is_none(), "no Wasm ran");
}

/// Counts the Wasm frames it runs, then runs them on Iris.
struct Counting(Arc<Executor>, AtomicUsize);

impl WasmRunner for Counting {
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        self.1.fetch_add(1, Ordering::Relaxed);
        self.0.run(host, revision, message, code)
    }
}

#[test]
fn every_wasm_frame_runs_on_the_runner_given() {
    let counting = Arc::new(Counting(executor(), AtomicUsize::new(0)));
    let mut evm = evm(db_with(WHO), Arc::clone(&counting) as Arc<dyn WasmRunner>);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(CONTRACT)
        .gas_limit(100_000)
        .build_fill();
    let result = evm.transact(tx).expect("a valid transaction");
    assert!(result.result.is_success(), "{:?}", result.result);
    assert_eq!(counting.1.load(Ordering::Relaxed), 1);
}
