//! `iris run --fork` and `iris profile --fork`: the contract pays the EEI
//! prices of the fork asked for, and the JSON says which.

mod common;

use common::{assert_status, file, iris, text};

/// One storageLoad of slot 0, then one storageStore of 1 into slot 0.
const LOAD_THEN_STORE: &str = r#"(module
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 95) "\01")
  (func (export "main")
    (call $storageLoad (i32.const 0) (i32.const 32))
    (call $storageStore (i32.const 0) (i32.const 64))))
"#;

/// `iris run --json --metering=false` of `contract` with `flags`: its JSON.
fn run_json(contract: &str, flags: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", "--json", "--metering=false"];
    args.extend_from_slice(flags);
    args.push(contract);
    let out = iris(&args);
    assert_status(&out, 0);
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn gas_used_at(contract: &str, fork: &str) -> i64 {
    let json = run_json(contract, &["--fork", fork]);
    assert_eq!(json["status"], "Success", "{json}");
    json["gas_used"].as_i64().expect("gas used")
}

#[test]
fn storage_prices_follow_the_fork() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let contract = file(dir.path(), "load_store.wat", LOAD_THEN_STORE);
    let byzantium = gas_used_at(&contract, "byzantium");
    let istanbul = gas_used_at(&contract, "istanbul");
    let berlin = gas_used_at(&contract, "berlin");
    let osaka = gas_used_at(&contract, "osaka");
    // Byzantium: SLOAD 200 + SSTORE 20000; Istanbul (EIP-1884): SLOAD
    // 800; Berlin (EIP-2929): the slot cold for SLOAD (2100), then warm
    // for the SSTORE (20000, no cold surcharge); Osaka prices it the same.
    assert_eq!(istanbul - byzantium, 600);
    assert_eq!(berlin - byzantium, 1900);
    assert_eq!(osaka - berlin, 0);
    // With metering off only the EEI counts: the figures are the prices.
    assert_eq!(byzantium, 20_200);
    assert_eq!(berlin, 22_100);
}

#[test]
fn the_default_fork_is_osaka_and_the_json_says_so() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let contract = file(dir.path(), "load_store.wat", LOAD_THEN_STORE);
    let default = run_json(&contract, &[]);
    assert_eq!(default["fork"], "Osaka");
    let osaka = gas_used_at(&contract, "Osaka");
    assert_eq!(default["gas_used"].as_i64(), Some(osaka));
    assert_eq!(run_json(&contract, &["--fork", "LONDON"])["fork"], "London");
    assert_eq!(run_json(&contract, &["--fork", "merge"])["fork"], "Paris");
}

#[test]
fn an_unknown_fork_is_a_usage_error_listing_the_names() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let contract = file(dir.path(), "load_store.wat", LOAD_THEN_STORE);
    let out = iris(&["run", "--fork", "atlantis", &contract]);
    assert_status(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("unknown fork"), "{err}");
    assert!(err.contains("Byzantium") && err.contains("Osaka"), "{err}");
}

#[test]
fn a_fork_before_byzantium_is_refused_naming_the_oldest() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let contract = file(dir.path(), "load_store.wat", LOAD_THEN_STORE);
    for command in ["run", "profile"] {
        let out = iris(&[command, "--fork", "frontier", &contract]);
        assert_status(&out, 2);
        let err = text(&out.stderr);
        assert!(
            err.contains("Frontier predates Byzantium, the oldest fork"),
            "{command}: {err}"
        );
    }
}

#[test]
fn profile_runs_at_the_fork_and_says_which() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let contract = file(dir.path(), "load_store.wat", LOAD_THEN_STORE);
    let out = iris(&[
        "profile",
        "--json",
        "--metering=false",
        "--fork",
        "berlin",
        &contract,
    ]);
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["fork"], "Berlin");
    assert_eq!(json["executions"][0]["gas_used"], 22_100);
    let out = iris(&["profile", "--metering=false", &contract]);
    assert_status(&out, 0);
    assert!(text(&out.stdout).contains("fork Osaka"));
}

#[test]
fn profile_of_a_state_test_refuses_another_fork() {
    let vector =
        test_data::ewasm_dir_or_panic().join("GeneralStateTests/stEWASMTests/callDataCopy.json");
    let vector = vector.display().to_string();
    let out = iris(&["profile", "--statetest", &vector, "--fork", "berlin"]);
    assert_status(&out, 2);
    assert!(
        text(&out.stderr).contains("runs at its own fork, Byzantium"),
        "{}",
        text(&out.stderr)
    );
    let out = iris(&["profile", "--statetest", &vector, "--fork", "byzantium"]);
    assert_status(&out, 0);
}

#[test]
fn a_wasi_program_refuses_the_fork() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let program = file(
        dir.path(),
        "hello.wat",
        r#"(module (memory (export "memory") 1) (func (export "_start")))"#,
    );
    let out = iris(&["run", "--fork", "berlin", &program]);
    assert_status(&out, 2);
    assert!(text(&out.stderr).contains("--fork applies to contracts"));
}
