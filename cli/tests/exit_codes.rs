//! One table of exit statuses for every subcommand (cli/src/exit.rs), as
//! the real binary gives them, and the help that documents it.

mod common;

use common::{assert_status, contract, file, iris, text};

#[test]
fn every_subcommand_exits_by_the_one_table() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let module = file(
        d,
        "m.wat",
        r#"(module
            (func (export "add") (param i32 i32) (result i32)
              (i32.add (local.get 0) (local.get 1)))
            (func (export "boom") unreachable))"#,
    );
    let trapping_contract = file(
        d,
        "trap.wat",
        r#"(module (memory (export "memory") 1)
            (func (export "main") unreachable))"#,
    );
    let broken_rule = file(
        d,
        "rule.wat",
        r#"(module (memory (export "memory") 1)
            (func (export "main")) (func (export "extra")))"#,
    );
    let failing_script = file(d, "f.wast", r#"(assert_return (invoke "nothing"))"#);

    // 0: success.
    assert_status(&iris(&["invoke", &module, "add", "1", "2"]), 0);
    assert_status(&iris(&["run", &contract("counter.wat")]), 0);
    // 1: tests failed (or none found).
    assert_status(&iris(&["wast", &failing_script]), 1);
    // 2: usage errors, clap's and ours.
    assert_status(&iris(&["run", "--no-such-flag", &module]), 2);
    assert_status(&iris(&["invoke", &module, "add", "1"]), 2);
    assert_status(&iris(&["invoke", &module, "missing"]), 2);
    assert_status(&iris(&["run", "--dir", ".", &contract("counter.wat")]), 2);
    // 3: the contract did not succeed.
    let reverted = iris(&["run", &contract("reverter.wat")]);
    assert_status(&reverted, 3);
    assert!(text(&reverted.stdout).contains("status Revert"));
    assert_status(&iris(&["run", &broken_rule]), 3);
    assert_status(&iris(&["run", "--gas", "10", &contract("counter.wat")]), 3);
    // 4: a trap, in a plain module or in a contract.
    let trapped = iris(&["invoke", &module, "boom"]);
    assert_status(&trapped, 4);
    assert!(
        text(&trapped.stderr).contains("unreachable"),
        "{}",
        text(&trapped.stderr)
    );
    assert_status(&iris(&["run", &trapping_contract]), 4);
    // 5: input errors: missing files, invalid modules.
    let missing = d.join("missing.wasm").display().to_string();
    for args in [
        vec!["invoke", missing.as_str(), "f"],
        vec!["run", missing.as_str()],
        vec!["meter", missing.as_str(), "-o", "-"],
        vec!["profile", missing.as_str()],
    ] {
        let out = iris(&args);
        assert_status(&out, 5);
        assert!(text(&out.stderr).starts_with("iris: "), "{args:?}");
    }
    let invalid = file(d, "bad.wasm", "not wasm");
    assert_status(&iris(&["invoke", &invalid, "f"]), 5);
}

#[test]
fn each_subcommand_exits_by_the_table_for_missing_files_and_bad_flags() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let missing = |name: &str| d.join(name).display().to_string();
    let counter = contract("counter.wat");
    let state_test = file(d, "st.json", "{}");
    let floats = file(
        d,
        "f.wat",
        r#"(module (memory (export "memory") 1)
            (func (export "main") (drop (f32.add (f32.const 1) (f32.const 2)))))"#,
    );
    let at_missing = format!("@{}", missing("in.hex"));
    let (wast, json, wat) = (missing("a.wast"), missing("a.json"), missing("m.wat"));
    let cases: Vec<(Vec<&str>, i32)> = vec![
        // 5: a file that cannot be read, whatever the subcommand.
        (vec!["wast", &wast], 5),
        (vec!["statetest", &json], 5),
        (vec!["run", "--input", &at_missing, &counter], 5),
        (vec!["profile", "--input", &at_missing, &counter], 5),
        (vec!["invoke", &wat, "f"], 5),
        // `meter` is a tool: a module it refuses (floats) is an input.
        (vec!["meter", &floats, "-o", "-"], 5),
        // 2: usage errors, ours as well as clap's.
        (vec!["run", "--input", "0xz", &counter], 2),
        (vec!["profile", "--input", "0xz", &counter], 2),
        (
            vec![
                "profile",
                "--statetest",
                &state_test,
                "--caller",
                "0x1111111111111111111111111111111111111111",
            ],
            2,
        ),
        (vec!["run"], 2),
        (vec!["profile"], 2),
        (vec!["wast"], 2),
        (vec!["statetest"], 2),
        // 3: a contract failure that is not a trap: floats with
        // metering, a value the caller cannot pay.
        (vec!["run", &floats], 3),
    ];
    for (args, code) in &cases {
        let out = iris(args);
        assert_status(&out, *code);
        let stderr = text(&out.stderr);
        let said = stderr.starts_with("iris: ") || stderr.starts_with("error: ");
        assert!(said || *code == 3, "{args:?}: {stderr}");
    }
    let out = iris(&["statetest", &json]);
    assert!(
        !text(&out.stdout).contains("FAIL"),
        "a missing file is no failed test"
    );
}

#[test]
fn a_value_the_caller_cannot_pay_is_a_contract_failure_with_its_reason() {
    let dir = tempfile::tempdir().expect("scratch");
    let state = file(
        dir.path(),
        "s.json",
        r#"{"0x1111111111111111111111111111111111111111": {"balance": "0x3", "nonce": "0x0", "code": "0x", "storage": {}}}"#,
    );
    let before = std::fs::read(&state).expect("state");
    let caller = "0x1111111111111111111111111111111111111111";
    let counter = contract("counter.wat");
    for step in [vec![], vec!["--create"]] {
        let mut args = vec!["run", "--state", &state, "--caller", caller, "--value", "5"];
        args.extend(step);
        args.push(&counter);
        let out = iris(&args);
        assert_status(&out, 3);
        let stdout = text(&out.stdout);
        assert!(stdout.contains("status Failure"), "{stdout}");
        assert!(
            stdout.contains("reason insufficient balance: the sender has 3 wei and sends 5"),
            "{stdout}"
        );
    }
    assert_eq!(
        std::fs::read(&state).expect("state"),
        before,
        "a failed call changes no state"
    );
}

#[test]
fn the_help_shows_the_table_and_describes_every_subcommand() {
    let out = iris(&["--help"]);
    assert_status(&out, 0);
    let help = text(&out.stdout);
    for line in [
        "0   success",
        "1   tests failed",
        "2   usage error",
        "3   contract failure",
        "4   trap",
        "5   input error",
        "70  internal error",
    ] {
        assert!(help.contains(line), "{line} missing from\n{help}");
    }
    for command in ["wast", "meter", "run", "profile", "statetest", "invoke"] {
        let described = help
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{command} ")) && l.len() > 20);
        assert!(described, "`{command}` is not described in\n{help}");
        // The ABOUT text names each one too, in a sentence.
        assert!(help.contains(&format!("`{command}`")), "{command}");
        // And each subcommand's own help repeats the table.
        let own = text(&iris(&[command, "--help"]).stdout);
        assert!(own.contains("Exit status (every subcommand):"), "{command}");
    }
}
