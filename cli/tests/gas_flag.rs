//! `--gas` as a user types it: a negative amount is a usage error that
//! names the flag, never a run with negative gas.

mod common;

use common::{iris, text};

use std::path::Path;

fn counter() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/counter.wat")
        .display()
        .to_string()
}

#[test]
fn a_negative_gas_is_a_usage_error_naming_the_flag() {
    let contract = counter();
    for command in ["run", "profile"] {
        for gas in [
            &["--gas", "-1"][..],
            &["--gas=-1"],
            &["--gas", "-9999999999999999999999"],
        ] {
            let mut args = vec![command];
            args.extend_from_slice(gas);
            args.push(&contract);
            let out = iris(&args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("'--gas <GAS>'"), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}: nothing runs");
        }
    }
}

#[test]
fn gas_from_zero_up_runs() {
    let contract = counter();
    let out = iris(&["run", "--gas", "0", &contract]);
    assert!(text(&out.stdout).contains("call: gas used 0\n"));
    // Byzantium's prices: SLOAD 200, SSTORE of a new value 20000.
    let out = iris(&[
        "run",
        "--fork",
        "byzantium",
        "--metering=false",
        "--gas",
        "30000",
        &contract,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("call: gas used 20200\n"));
    // Metering is on by default: the memory page and the instructions cost
    // gas too.
    let out = iris(&["run", "--fork", "byzantium", "--gas", "400000", &contract]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let used: u64 = text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("call: gas used "))
        .and_then(|n| n.trim().parse().ok())
        .expect("gas used");
    assert!(used > 20_200 + 262_144, "{used}");
}
