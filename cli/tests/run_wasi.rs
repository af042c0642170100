//! `iris run` on WASI programs, as a user runs it: the real binary, the
//! real standard streams, the program's exit status.

mod common;

use common::text;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasi/tests/programs")
}

/// Runs `iris run ARGS` in the programs' directory with `stdin`.
/// `iris run ARGS` among the programs, `stdin` on its standard input.
fn iris(args: &[&str], stdin: &[u8]) -> Output {
    common::iris_stdin(Some(&programs()), &[&["run"], args].concat(), stdin)
}

#[test]
fn standard_input_and_output_are_inherited() {
    let out = iris(&["stdio.wasm"], b"line one\nline two\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("stdin: 18 bytes\n"), "{stdout}");
    assert!(stdout.trim_end().ends_with("checks"), "{stdout}");
    assert!(!out.stderr.is_empty(), "the program writes to stderr too");
}

#[test]
fn arguments_and_environment_are_exactly_those_given() {
    let out = iris(
        &[
            "--env",
            "IRIS_TEST=1",
            "--env",
            "EMPTY=",
            "args_env.wasm",
            "alpha",
            "beta gamma",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_exit_status_is_the_programs() {
    let out = iris(&["exit.wasm", "7"], b"");
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(text(&out.stdout), "exiting\n");
    let out = iris(&["exit.wasm", "0"], b"");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_trap_prints_a_message_and_exits_with_the_trap_status() {
    let out = iris(&["trap.wasm"], b"");
    // The exit table's trap status (cli/src/exit.rs).
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(text(&out.stdout), "before trap\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("trap.wasm") && stderr.contains("unreachable"),
        "{stderr}"
    );
}

#[test]
fn pre_opened_directories_are_reached_by_their_guest_names() {
    let root = tempfile::tempdir().expect("temporary directory");
    let sandbox = root.path().join("sandbox");
    let other = root.path().join("other");
    fs::create_dir_all(sandbox.join("sub")).expect("sandbox");
    fs::create_dir_all(&other).expect("other");
    fs::create_dir_all(root.path().join("outside")).expect("outside");
    fs::write(sandbox.join("hello.txt"), "hello, world\n").expect("hello");
    fs::write(sandbox.join("sub/a.txt"), "a").expect("a");
    fs::write(root.path().join("outside/secret.txt"), "secret\n").expect("secret");
    let dir = |host: &Path, guest: &str| format!("{}::{guest}", host.display());
    let out = iris(
        &[
            "--dir",
            &dir(&sandbox, "/sandbox"),
            "--dir",
            &dir(&other, "/other"),
            "escape.wasm",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(root.path().join("outside/secret.txt")).expect("secret"),
        "secret\n"
    );
    assert_eq!(
        fs::read_dir(root.path().join("outside"))
            .expect("outside")
            .count(),
        1
    );
}

#[test]
fn a_missing_directory_is_an_input_error_and_contract_flags_a_usage_error() {
    let out = iris(&["--dir", "/surely/not/here", "exit.wasm", "0"], b"");
    assert_eq!(out.status.code(), Some(5));
    assert!(text(&out.stderr).contains("/surely/not/here"));
    let out = iris(&["--input", "00", "exit.wasm", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--input"));
}

#[test]
fn a_contract_is_still_run_as_a_contract() {
    let counter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat");
    let counter = counter.to_str().expect("utf-8 path");
    let out = iris(&[counter], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("status Success"));
    let out = iris(&["--dir", ".", counter], b"");
    assert_eq!(out.status.code(), Some(2));
}
