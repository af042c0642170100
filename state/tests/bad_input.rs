//! Bad input gets a clear error or a defined outcome, never a panic.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor, Status, U256};
use state::run::{Call, Session};
use state::statetest::parse;

fn executor() -> Arc<dyn state::Runner> {
    Arc::new(Executor::new(ExecConfig::trusted()).unwrap()) as Arc<dyn state::Runner>
}

fn call(code: Vec<u8>, gas: i64) -> state::run::CallReport {
    Session::new(code, executor()).call(&Call {
        input: Vec::new(),
        gas,
        value: U256::zero(),
    })
}

fn contract(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
            (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
            (import "ethereum" "getAddress" (func $getAddress (param i32)))
            (memory (export "memory") 1)
            (func (export "main") {body}))"#
    ))
    .unwrap()
}

#[test]
fn malformed_json_is_a_clear_error() {
    let err = parse("{ not json").unwrap_err();
    assert!(err.0.starts_with("JSON:"), "{err}");
    let err = parse("[1, 2]").unwrap_err();
    assert!(err.0.contains("not a JSON object"), "{err}");
    let err = parse(r#"{"t": {"pre": {}}}"#).unwrap_err();
    assert!(err.0.contains("missing `env`"), "{err}");
}

#[test]
fn a_malformed_field_names_the_field() {
    let text =
        r#"{"t": {"env": {"currentCoinbase": "0xzz"}, "pre": {}, "transaction": {}, "post": {}}}"#;
    let err = parse(text).unwrap_err();
    assert!(
        err.0.contains("secretKey") || err.0.contains("currentCoinbase"),
        "{err}"
    );
}

#[test]
fn storage_that_is_not_an_object_is_a_clear_error() {
    for storage in ["[]", "\"0x\"", "null", "1"] {
        let text = format!(
            r#"{{"t": {{"pre": {{"0x1000000000000000000000000000000000000000": {{
                "balance": "0x0", "code": "0x", "nonce": "0x0", "storage": {storage}}}}},
                "env": {{}}, "transaction": {{}}, "post": {{}}}}}}"#
        );
        let err = parse(&text).unwrap_err();
        assert!(
            err.0
                .contains("0x1000000000000000000000000000000000000000: storage is not an object"),
            "{storage}: {err}"
        );
    }
}

#[test]
fn code_that_is_not_wasm_runs_on_revms_evm() {
    // PUSH1 0, PUSH1 0, RETURN: 3 + 3 gas, no output.
    let report = call(vec![0x60, 0x00, 0x60, 0x00, 0xf3], 100_000);
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.gas_used, 6);
    assert!(report.output.is_empty());
    // INVALID: a failure that uses all the gas.
    let report = call(vec![0xfe], 100_000);
    assert_eq!(report.status, Status::Failure);
    assert_eq!(report.gas_used, 100_000);
}

#[test]
fn code_with_the_wasm_magic_but_no_module_fails_on_iris() {
    // Not EVM code (where `\0`, STOP, would succeed at once): Iris's, and
    // broken.
    for code in [&b"\0asm"[..], b"\0asm\x02\0\0\0", b"\0asm\x01\0\0\0\xff"] {
        let report = call(code.to_vec(), 100_000);
        assert_ne!(report.status, Status::Success, "{code:?}");
        assert_eq!(report.gas_used, 100_000, "{code:?}");
    }
}

#[test]
fn wasm_that_is_not_a_contract_fails_validation() {
    let report = call(wat::parse_str("(module)").unwrap(), 100_000);
    assert_eq!(report.status, Status::ContractValidationFailure);
    assert_eq!(report.gas_used, 100_000);
}

#[test]
fn a_trapping_contract_fails_and_loses_its_gas() {
    let report = call(contract("(unreachable)"), 50_000);
    assert_eq!(report.status, Status::Failure);
    assert_eq!(report.gas_used, 50_000);
    let report = call(
        contract("(drop (i32.div_u (i32.const 1) (i32.const 0)))"),
        50_000,
    );
    assert_eq!(report.status, Status::Failure);
}

#[test]
fn a_huge_log_length_is_out_of_gas_or_out_of_memory_never_a_crash() {
    let report = call(
        contract("(call $log (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))"),
        1_000_000_000_000,
    );
    assert_eq!(report.status, Status::InvalidMemoryAccess);
    let report = call(
        contract("(call $log (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))"),
        1_000_000,
    );
    assert_eq!(report.status, Status::OutOfGas);
}

#[test]
fn pointers_at_the_end_of_memory() {
    // The last byte is fine; one past it is not.
    let report = call(
        contract("(call $finish (i32.const 65535) (i32.const 1))"),
        100_000,
    );
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.output, vec![0]);
    let report = call(
        contract("(call $finish (i32.const 65535) (i32.const 2))"),
        100_000,
    );
    assert_eq!(report.status, Status::InvalidMemoryAccess);
    let report = call(contract("(call $getAddress (i32.const 65516))"), 100_000);
    assert_eq!(report.status, Status::Success);
    let report = call(contract("(call $getAddress (i32.const 65517))"), 100_000);
    assert_eq!(report.status, Status::InvalidMemoryAccess);
}

#[test]
fn recursion_through_calls_stops_at_the_depth_limit() {
    // The contract calls itself with all its gas until the depth limit.
    let code = contract(
        "(call $getAddress (i32.const 0))
         (drop (call $call (i64.const 1000000000000) (i32.const 0) (i32.const 64) (i32.const 0) (i32.const 0)))",
    );
    let report = call(code, 1_000_000_000_000);
    assert_eq!(report.status, Status::Success);
    // 1,024 frames each paid 700 for its call and 2 for getAddress; the
    // deepest one's call failed at the limit.
    assert!(report.gas_used > 1024 * 702, "gas used {}", report.gas_used);
}

#[test]
fn unbounded_wasm_recursion_fails_deterministically() {
    let code = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func $f (call $f))
            (func (export "main") (call $f)))"#,
    )
    .unwrap();
    let first = call(code.clone(), 100_000);
    assert_eq!(first.status, Status::Failure);
    assert_eq!(first, call(code, 100_000));
}
