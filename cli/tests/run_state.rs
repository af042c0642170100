//! `iris run --state FILE` keeps what a call that succeeds changed, and
//! nothing of one that fails or reverts; the file is checked before the
//! call and written whole.

mod common;

use common::{assert_status, contract, file, iris, text};

const ALICE: &str = "0xa11ce00000000000000000000000000000000001";
const BOB: &str = "0xb0b0000000000000000000000000000000000002";

#[test]
fn a_reverted_or_failed_call_changes_no_state() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let state = d.join("s.json").display().to_string();
    let registry = contract("registry.wat");
    let out = iris(&["run", "--create", "--state", &state, &registry]);
    assert_status(&out, 0);
    let address = text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("create: address ").map(str::to_string))
        .expect("an address");
    let before = std::fs::read_to_string(&state).expect("state");
    // Refused by the contract (revert): bob is not added.
    let out = iris(&[
        "run",
        "--state",
        &state,
        "--address",
        &address,
        "--caller",
        BOB,
        "--input",
        "0x07",
    ]);
    assert_status(&out, 3);
    assert_eq!(std::fs::read_to_string(&state).expect("state"), before);
    assert!(!before.contains(&BOB[2..]), "{before}");
    // A failing module run over the registry's address leaves its code.
    let div = file(
        d,
        "div.wat",
        r#"(module (memory (export "memory") 1)
            (func (export "main") (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#,
    );
    let out = iris(&["run", "--state", &state, "--address", &address, &div]);
    assert_status(&out, 4);
    assert_eq!(std::fs::read_to_string(&state).expect("state"), before);
    // A call that succeeds is kept, its caller with it.
    let word = format!("0x{:064x}", 42);
    let out = iris(&[
        "run",
        "--state",
        &state,
        "--address",
        &address,
        "--caller",
        ALICE,
        "--input",
        &word,
    ]);
    assert_status(&out, 0);
    let after = std::fs::read_to_string(&state).expect("state");
    assert!(after.contains(&ALICE[2..]), "{after}");
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(d)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_state_file_that_cannot_be_written_is_refused_before_the_call() {
    let out = iris(&[
        "run",
        "--json",
        "--state",
        "/nonexistent/iris/s.json",
        &contract("counter.wat"),
    ]);
    assert_status(&out, 5);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(json["status"].is_null(), "nothing ran: {json}");
    assert_eq!(json["error"]["kind"], "input");
}

#[test]
fn an_empty_state_file_is_an_empty_state() {
    let dir = tempfile::tempdir().expect("scratch");
    let state = file(dir.path(), "s.json", "");
    let out = iris(&["run", "--state", &state, &contract("counter.wat")]);
    assert_status(&out, 0);
    let saved = std::fs::read_to_string(&state).expect("state");
    assert!(
        saved.contains("c0de000000000000000000000000000000000001"),
        "{saved}"
    );
}
