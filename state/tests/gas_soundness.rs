//! No gas is minted through `callDelegate`, in the in-memory world.
//!
//! Hera gave a delegate call's callee the 2,300 stipend whenever the
//! inherited message value was non-zero, without charging the 9,000 of a
//! value transfer: in a call with value, each `callDelegate` to an empty
//! account gave back 1,600 gas more than it cost. Iris follows the EVM's
//! DELEGATECALL: no stipend.

use std::sync::Arc;

use ewasm_host::{Address, ExecConfig, Executor, Status, U256};
use state::run::{Call, CallReport, Session};
use state::Runner;

/// A contract whose `main` runs `body`, with an address at 0 that holds
/// nothing.
fn contract(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e")
  (func (export "main") (local $i i32)
    {body}))"#
    ))
    .expect("valid WAT")
}

/// Calls `code` once with `gas` and 5 wei.
fn call_with_value(code: Vec<u8>, gas: i64) -> CallReport {
    let runner = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut session = Session::new(code, runner as Arc<dyn Runner>);
    let report = session.call(&Call {
        input: Vec::new(),
        gas,
        value: U256::from(5),
    });
    assert!(
        (0..=gas).contains(&report.gas_used),
        "gas used {} outside 0..={gas}",
        report.gas_used
    );
    assert!(
        session.world().get(&Address([0x0e; 20])).is_none(),
        "the empty account stays absent"
    );
    report
}

#[test]
fn a_call_delegate_loop_in_a_call_with_value_runs_out_of_gas() {
    let code = contract(
        "(loop $again
           (drop (call $callDelegate (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
           (br $again))",
    );
    let report = call_with_value(code, 1_000_000);
    assert_eq!(report.status, Status::OutOfGas);
    assert_eq!(report.gas_used, 1_000_000);
}

#[test]
fn a_bounded_call_delegate_loop_in_a_call_with_value_pays_700_a_call() {
    // 100,000 delegate calls used to report gas used -159,799,992.
    let code = contract(
        "(loop $again
           (drop (call $callDelegate (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
           (local.set $i (i32.add (local.get $i) (i32.const 1)))
           (br_if $again (i32.lt_u (local.get $i) (i32.const 100000))))",
    );
    let report = call_with_value(code.clone(), 200_000_000);
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.gas_used, 100_000 * 700);
    // With less gas than the calls cost, the loop cannot finish.
    let report = call_with_value(code, 100_000 * 700 - 1);
    assert_eq!(report.status, Status::OutOfGas);
}
