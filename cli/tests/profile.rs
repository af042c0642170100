//! `iris profile` as a user runs it: the JSON, folded stacks and flame
//! graph all account for exactly the gas the call used.

mod common;

use std::path::Path;

const TRANSFER_INPUT: &str =
    "9993021a0000000000000000000000000000000000000000000000000000000000000001";

fn wrc20() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/wrc20.wat")
        .display()
        .to_string()
}

/// `iris profile ARGS`, which must succeed: what it printed.
fn iris(args: &[&str]) -> String {
    let out = common::iris(&[&["profile"], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn json_folded_and_svg_add_up_to_the_gas_used() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let folded = dir.path().join("gas.folded");
    let svg = dir.path().join("gas.svg");
    let contract = wrc20();
    let json = iris(&[
        "--metering",
        "--json",
        "--input",
        TRANSFER_INPUT,
        "--folded",
        folded.to_str().expect("utf-8"),
        "--svg",
        svg.to_str().expect("utf-8"),
        &contract,
    ]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let top = &value["executions"][0];
    let used = top["gas_used"].as_u64().expect("gas_used");
    assert!(used > 40_000, "two storage writes at least: {used}");
    assert_eq!(top["total"].as_u64(), Some(used));
    let functions: Vec<&str> = top["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(
        functions.contains(&"main") && functions.contains(&"setBalance"),
        "{functions:?}"
    );

    let lines = std::fs::read_to_string(&folded).expect("folded written");
    let sum = common::folded_gas(&lines);
    assert_eq!(sum, used, "folded stacks");
    assert!(lines
        .lines()
        .any(|l| l.starts_with("main;setBalance;ethereum.storageStore ")));

    let picture = std::fs::read_to_string(&svg).expect("svg written");
    assert!(picture.starts_with("<?xml") && picture.contains("<svg"));
    for name in ["main", "setBalance", "ethereum.storageStore"] {
        assert!(
            picture.contains(&format!("<title>{name} (")),
            "{name} is drawn"
        );
    }
}

#[test]
fn the_table_names_functions_host_calls_and_blocks() {
    let table = iris(&["--metering", "--input", TRANSFER_INPUT, &wrc20()]);
    assert!(table.starts_with("gas used "), "{table}");
    for heading in ["function", "host function", "costliest blocks"] {
        assert!(table.contains(heading), "{heading} in {table}");
    }
    assert!(table.contains("ethereum.storageStore"));
    // Metering is on by default.
    let default = iris(&["--input", TRANSFER_INPUT, &wrc20()]);
    assert!(default.contains("instruction metering on"));
    // Without instruction metering only the EEI costs gas: no blocks.
    let plain = iris(&["--metering=false", "--input", TRANSFER_INPUT, &wrc20()]);
    assert!(plain.contains("instruction metering off"));
    assert!(!plain.contains("costliest blocks"));
}

#[test]
fn a_contract_refused_before_any_code_runs_still_shows_its_status_and_reason() {
    let dir = tempfile::tempdir().expect("scratch");
    let broken = dir.path().join("broken.wat");
    std::fs::write(
        &broken,
        r#"(module (import "ethereum" "getTimestamp" (func $t (result i64)))
            (memory (export "memory") 1) (func (export "main")))"#,
    )
    .expect("broken");
    let broken = broken.display().to_string();
    let out = common::iris(&["profile", &broken]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("status ContractValidationFailure"),
        "{stdout}"
    );
    assert!(
        stdout.contains("reason: contract rule broken: `getTimestamp` is not an EEI function"),
        "{stdout}"
    );
    let out = common::iris(&["profile", "--json", &broken]);
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(json["status"], "ContractValidationFailure");
    assert_eq!(json["error"]["rule"], "unknown-import");
    assert_eq!(json["error"]["item"], "getTimestamp");
}

#[test]
fn profile_reads_the_state_file_and_never_writes_it() {
    let dir = tempfile::tempdir().expect("scratch");
    let state = dir.path().join("s.json");
    let counter = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/counter.wat")
        .display()
        .to_string();
    std::fs::write(&state, "{}\n").expect("state");
    let state = state.display().to_string();
    iris(&["--state", &state, &counter]);
    assert_eq!(std::fs::read_to_string(&state).expect("state"), "{}\n");
}
