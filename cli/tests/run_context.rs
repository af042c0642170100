//! `iris run`'s context flags reach the contract, with the defaults
//! `--help` documents, and `--state FILE` carries accounts from one run to
//! the next (read before the call, written after it).

mod common;

use std::path::Path;
use std::process::Output;

/// Returns its context, 168 bytes: caller, origin, address (20 each),
/// value and gas price (16, little-endian), coinbase (20), difficulty (32,
/// little-endian), block number, timestamp and gas limit (8 each,
/// little-endian).
const CONTEXT: &str = r#"(module
  (import "ethereum" "getCaller" (func $caller (param i32)))
  (import "ethereum" "getTxOrigin" (func $origin (param i32)))
  (import "ethereum" "getAddress" (func $address (param i32)))
  (import "ethereum" "getCallValue" (func $value (param i32)))
  (import "ethereum" "getTxGasPrice" (func $price (param i32)))
  (import "ethereum" "getBlockCoinbase" (func $coinbase (param i32)))
  (import "ethereum" "getBlockDifficulty" (func $difficulty (param i32)))
  (import "ethereum" "getBlockNumber" (func $number (result i64)))
  (import "ethereum" "getBlockTimestamp" (func $timestamp (result i64)))
  (import "ethereum" "getBlockGasLimit" (func $gasLimit (result i64)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $caller (i32.const 0))
    (call $origin (i32.const 20))
    (call $address (i32.const 40))
    (call $value (i32.const 60))
    (call $price (i32.const 76))
    (call $coinbase (i32.const 92))
    (call $difficulty (i32.const 112))
    (i64.store (i32.const 144) (call $number))
    (i64.store (i32.const 152) (call $timestamp))
    (i64.store (i32.const 160) (call $gasLimit))
    (call $finish (i32.const 0) (i32.const 168))))"#;

/// `iris run ARGS` in `dir`.
fn iris(dir: &Path, args: &[&str]) -> Output {
    common::iris_in(dir, &[&["run"], args].concat())
}

/// The `output` of a `--json` run.
fn output(out: &Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    ewasm_host::hex::decode(json["output"].as_str().expect("output")).expect("hex output")
}

fn le(bytes: &[u8]) -> u128 {
    bytes.iter().rev().fold(0, |n, b| n << 8 | u128::from(*b))
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(dir.path().join("context.wat"), CONTEXT).expect("context.wat");
    dir
}

#[test]
fn the_context_defaults_are_the_ones_help_documents() {
    let dir = scratch();
    let help = iris(dir.path(), &["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    for documented in [
        "[default: 0xca11e70000000000000000000000000000000001]",
        "[default: 0xc0de000000000000000000000000000000000001]",
        "[default: the caller]",
        "[default: 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0]",
        "[default: 1000]",
        "[default: 100000000]",
        "[default: 0x20000]",
        "--prevrandao",
        "--chain-id",
        "--state <FILE>",
    ] {
        assert!(help.contains(documented), "{documented} in:\n{help}");
    }
    let out = output(&iris(dir.path(), &["--json", "context.wat"]));
    assert_eq!(
        out[0..20],
        [0xca, 0x11, 0xe7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(out[20..40], out[0..20], "the origin is the caller");
    assert_eq!(out[40..42], [0xc0, 0xde]);
    assert_eq!(le(&out[60..76]), 0, "value");
    assert_eq!(le(&out[76..92]), 1, "gas price");
    assert_eq!(out[92..112], [0xc0; 20], "coinbase");
    assert_eq!(le(&out[112..144]), 0x20000, "difficulty");
    assert_eq!(le(&out[144..152]), 1, "number");
    assert_eq!(le(&out[152..160]), 1000, "timestamp");
    assert_eq!(le(&out[160..168]), 100_000_000, "gas limit");
}

#[test]
fn a_wasi_program_refuses_the_context_flags() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("prog.wat"),
        r#"(module (memory (export "memory") 1) (func (export "_start")))"#,
    )
    .expect("prog.wat");
    for flag in [
        &["--caller", "0x1111111111111111111111111111111111111111"][..],
        &["--state", "s.json"],
    ] {
        let mut args = flag.to_vec();
        args.push("prog.wat");
        let out = iris(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{} applies to contracts", flag[0])),
            "{stderr}"
        );
        assert!(!out.status.success());
    }
    assert!(!dir.path().join("s.json").exists(), "nothing written");
}

#[test]
fn every_context_flag_reaches_the_contract_in_decimal_or_hex() {
    let dir = scratch();
    let out = output(&iris(
        dir.path(),
        &[
            "--json",
            "--caller",
            "0x1111111111111111111111111111111111111111",
            "--origin",
            "2222222222222222222222222222222222222222",
            "--address",
            "0x3333333333333333333333333333333333333333",
            "--value",
            "0x10",
            "--gas-price",
            "7",
            "--coinbase",
            "0x4444444444444444444444444444444444444444",
            "--prevrandao",
            "0xabcdef",
            "--number",
            "0x100",
            "--timestamp",
            "1700000000",
            "--gas-limit",
            "30000000",
            "--chain-id",
            "5",
            "context.wat",
        ],
    ));
    assert_eq!(out[0..20], [0x11; 20]);
    assert_eq!(out[20..40], [0x22; 20]);
    assert_eq!(out[40..60], [0x33; 20]);
    assert_eq!(le(&out[60..76]), 16);
    assert_eq!(le(&out[76..92]), 7);
    assert_eq!(out[92..112], [0x44; 20]);
    assert_eq!(le(&out[112..144]), 0xabcdef);
    assert_eq!(le(&out[144..152]), 256);
    assert_eq!(le(&out[152..160]), 1_700_000_000);
    assert_eq!(le(&out[160..168]), 30_000_000);
}

#[test]
fn a_state_file_carries_storage_and_balances_from_call_to_call() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let counter = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/counter.wat")
        .display()
        .to_string();
    // No file yet: an empty state, written after the call.
    for expected in [1u8, 2, 3] {
        let out = iris(
            dir.path(),
            &["--json", "--state", "s.json", "--value", "5", &counter],
        );
        let bytes = output(&out);
        assert_eq!(bytes.last(), Some(&expected), "the counter counts on");
    }
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("s.json"))
            .expect("JSON");
    let contract = &state["0xc0de000000000000000000000000000000000001"];
    assert_eq!(contract["storage"]["0x0"], "0x3");
    assert_eq!(contract["balance"], "0xf", "three calls of 5 wei");
    assert!(contract["code"]
        .as_str()
        .is_some_and(|c| c.starts_with("0x0061736d")));
    // Without FILE, the state's code at --address runs.
    let out = iris(
        dir.path(),
        &[
            "--json",
            "--state",
            "s.json",
            "--address",
            "0xc0de000000000000000000000000000000000001",
        ],
    );
    assert_eq!(output(&out).last(), Some(&4));
    // A state file the user edits is read as written.
    std::fs::write(
        dir.path().join("s.json"),
        r#"{"0xc0de000000000000000000000000000000000001": {"balance": "0x0", "nonce": "0x0",
            "code": "0x", "storage": {"0x0": "0x41"}}}"#,
    )
    .expect("edited state");
    let out = iris(dir.path(), &["--json", "--state", "s.json", &counter]);
    assert_eq!(output(&out).last(), Some(&0x42));
}

#[test]
fn create_prints_the_new_address_and_code_size_and_later_runs_call_it() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let registry = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/registry.wat")
        .display()
        .to_string();
    let out = iris(
        dir.path(),
        &["--json", "--create", "--state", "s.json", &registry],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "one JSON object: {text}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["step"], "create");
    let address = json["address"]
        .as_str()
        .expect("the new address")
        .to_string();
    let size = json["code_size"].as_u64().expect("the code size");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("s.json"))
            .expect("JSON");
    let code = state[&address]["code"].as_str().expect("deployed code");
    assert_eq!((code.len() as u64 - 2) / 2, size);
    // A second create from the same caller lands elsewhere (its nonce went up).
    let again = iris(dir.path(), &["--create", "--state", "s.json", &registry]);
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.contains("create: address 0x"), "{again}");
    assert!(!again.contains(&address), "{again}");
    assert!(
        again.contains(&format!("create: code size {size} bytes")),
        "{again}"
    );
}
