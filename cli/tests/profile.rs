//! `iris profile` as a user runs it: the JSON, folded stacks and flame
//! graph all account for exactly the gas the call used.

use std::path::Path;
use std::process::Command;

const TRANSFER_INPUT: &str =
    "9993021a0000000000000000000000000000000000000000000000000000000000000001";

fn wrc20() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/wrc20.wat")
        .display()
        .to_string()
}

fn iris(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .arg("profile")
        .args(args)
        .output()
        .expect("iris runs");
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
    let sum: u64 = lines
        .lines()
        .map(|l| {
            l.rsplit_once(' ')
                .expect("frame gas")
                .1
                .parse::<u64>()
                .expect("gas")
        })
        .sum();
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
