//! One table of exit statuses for every subcommand (cli/src/exit.rs), as
//! the real binary gives them, and the help that documents it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iris(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(args)
        .output()
        .expect("iris runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn contract(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts")
        .join(name)
        .display()
        .to_string()
}

/// `text` written as `name` in `dir`.
fn file(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path.display().to_string()
}

/// Asserts the status, showing what iris printed otherwise.
fn assert_status(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

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
