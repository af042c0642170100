//! The execution caps bound all the Wasm frames of a transaction together,
//! across the revm frames between them.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{CfgEnv, Context, TxEnv};
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{ExecuteCommitEvm, MainContext};
use revm_ewasm::EwasmBuilder;

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
const RECURSER: Address = address!("0xf000000000000000000000000000000000000001");

/// Called without call data, calls itself with one byte of call data and
/// returns the call's result (0 success, 1 failure) as one byte; called
/// with call data, finishes. Each frame has one page of memory.
fn recurser() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (if (call $getCallDataSize)
      (then (call $finish (i32.const 0) (i32.const 0))))
    (call $getAddress (i32.const 0))
    (i32.store8 (i32.const 100)
      (call $call (i64.const 100000) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 1)))
    (call $finish (i32.const 100) (i32.const 1))))"#,
    )
    .expect("valid WAT")
}

/// The nested call's result when all Wasm frames together may hold
/// `pages` pages.
fn nested_result(pages: u64) -> u8 {
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        RECURSER,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(recurser()))),
    );
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let config = ExecConfig {
        max_execution_pages: pages,
        ..ExecConfig::trusted()
    };
    let executor = Arc::new(Executor::new(config).expect("an executor"));
    let mut evm = Context::mainnet().with_db(db).build_ewasm(executor);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(RECURSER)
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    match evm.transact_commit(tx).expect("the transaction runs") {
        ExecutionResult::Success {
            output: Output::Call(output),
            ..
        } => output[0],
        other => panic!("the outer frame failed: {other:?}"),
    }
}

#[test]
fn a_nested_wasm_frame_gets_what_the_frames_below_it_left_of_the_page_cap() {
    // The nested frame needs its page of memory and a page for its call
    // data, beside the outer frame's page: three in all.
    assert_eq!(nested_result(3), 0, "three pages hold both frames");
    // With two, the nested frame alone would fit, but not beside the
    // outer one: its instantiation fails, and the outer frame sees it.
    assert_eq!(nested_result(2), 1, "two pages do not");
}

#[test]
fn wasm_recursing_to_the_depth_limit_through_revm_frames_keeps_to_the_stack() {
    // Logs one empty log, then calls itself with all its gas.
    let wasm = wat::parse_str(
        r#"(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $log (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $getAddress (i32.const 0))
    (drop (call $call (i64.const 0x7fffffffffffffff)
      (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 0)))))"#,
    )
    .expect("valid WAT");
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        RECURSER,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(wasm))),
    );
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    // Prague has no transaction gas cap: enough gas to reach depth 1,024
    // despite the 63/64 rule.
    let cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
    let mut evm = Context::mainnet()
        .with_cfg(cfg)
        .with_db(db)
        .build_ewasm(executor);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(RECURSER)
        .gas_limit(1_000_000_000_000)
        .build()
        .expect("a valid transaction");
    // On the test's thread, 2 MiB of stack: without fresh stack segments
    // the recursion overflows it (checked).
    let result = evm.transact_commit(tx).expect("the transaction runs");
    assert!(result.is_success(), "{result:?}");
    // Depths 0 to 1,024 each logged; the call from 1,024 failed.
    assert_eq!(result.logs().len(), 1_025);
}
