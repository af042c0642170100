//! `iris run` passes arguments as `wasmtime run` does: iris's own flags
//! before the module, and everything after it to the program untouched.
//! The real binary runs a program that prints its arguments.

mod common;

use common::text;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A WASI program that prints each argument after its name on a line of
/// its own.
const ECHO: &str = r#"(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 0: argc, 4: size of the strings, 16: an iovec, 1024: argv, 8192: the strings
  (func (export "_start") (local $i i32) (local $p i32) (local $len i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 1024) (i32.const 8192)))
    (local.set $i (i32.const 1))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
      (local.set $p (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $len (i32.const 0))
      (block $end (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $len)))))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $scan)))
      (i32.store8 (i32.add (local.get $p) (local.get $len)) (i32.const 10))
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (i32.add (local.get $len) (i32.const 1)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
)"#;

/// A scratch directory holding `echo.wat`.
fn echo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("echo.wat");
    std::fs::write(&path, ECHO).expect("echo.wat");
    (dir, path)
}

fn counter() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat")
}

/// Runs `iris run ARGS`.
/// `iris run ARGS`.
fn iris<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let mut all = vec![OsStr::new("run")];
    all.extend(args.iter().map(AsRef::as_ref));
    common::iris(&all)
}

#[test]
fn everything_after_the_program_goes_to_it_untouched() {
    let (_dir, echo) = echo();
    let echo = echo.as_os_str();
    let out = iris(&[echo, "--help".as_ref(), "-x".as_ref()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "--help\n-x\n");
    // iris's own flags, `--`, and flags of the contract form too.
    let after = [
        "--dir",
        ".",
        "--env",
        "A=1",
        "--",
        "--metering",
        "--gas",
        "-1",
        "--version",
        "-h",
        "",
    ];
    let mut args = vec![echo];
    args.extend(after.iter().map(OsStr::new));
    let out = iris(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), after.map(|a| format!("{a}\n")).concat());
    // Bytes that are not UTF-8 arrive as they are.
    let out = iris(&[echo, OsStr::from_bytes(b"caf\xe9")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(out.stdout, b"caf\xe9\n");
}

#[test]
fn iris_flags_come_before_the_program() {
    let (dir, echo) = echo();
    let dir = dir.path().to_str().expect("a UTF-8 path");
    let echo = echo.to_str().expect("a UTF-8 path");
    let out = iris(&["--dir", dir, "--env", "A=1", echo, "a", "b c"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "a\nb c\n");
    // `--` before the program ends iris's flags.
    let out = iris(&["--", echo, "--dir"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "--dir\n");
}

#[test]
fn eager_translation_runs_programs_and_contracts_alike() {
    let (_dir, echo) = echo();
    let echo = echo.to_str().expect("a UTF-8 path");
    for flag in ["--lazy-translation=false", "--lazy-translation"] {
        let out = iris(&[flag, echo, "a"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "a\n");
    }
    let counter = counter();
    let counter = counter.to_str().expect("a UTF-8 path");
    let lazy = iris(&[counter]);
    let eager = iris(&["--lazy-translation=false", counter]);
    assert_eq!(eager.status.code(), Some(0), "{}", text(&eager.stderr));
    assert_eq!(
        text(&eager.stdout),
        text(&lazy.stdout),
        "same status, gas and output"
    );
}

#[test]
fn a_mistyped_flag_before_the_program_is_a_usage_error_with_a_hint() {
    let (_dir, echo) = echo();
    let echo = echo.to_str().expect("a UTF-8 path");
    let out = iris(&["--dirr", ".", echo]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("'--dirr'"), "{stderr}");
    assert!(
        stderr.contains("similar argument exists: '--dir'"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing runs");
    // And iris's help is where it was.
    let out = iris(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(help.contains("--dir") && help.contains("[ARGS]"), "{help}");
}

#[test]
fn the_contract_form_keeps_its_flags_before_the_contract() {
    let counter = counter();
    let counter = counter.to_str().expect("a UTF-8 path");
    let out = iris(&[
        "--input",
        "",
        "--gas",
        "1000000",
        "--metering=false",
        "--gas-model",
        "sentinel",
        "--json",
        counter,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"status\":\"Success\""));
    let out = iris(&["--metering", "--gas-model", "iris", counter]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // After the contract, a flag is an argument, which a contract does not
    // take: a usage error that says where flags go.
    let out = iris(&[counter, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`--json` after the file") && stderr.contains("go before the file"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing runs");
}
