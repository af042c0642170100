//! `--input` as hex, `@FILE` or `-`; numbers in decimal or `0x` hex, never
//! negative; hex errors that name the flag and the bad character — from
//! the real binary.

mod common;

use common::text;

use std::path::Path;
use std::process::Output;

/// Returns its call data.
const ECHO: &str = r#"(module
  (import "ethereum" "getCallDataSize" (func $size (result i32)))
  (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 0) (i32.const 0) (call $size))
    (call $finish (i32.const 0) (call $size))))"#;

/// `iris ARGS` in `dir`, `stdin` (if any) on its standard input.
fn iris(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    common::iris_stdin(Some(dir), args, stdin.unwrap_or_default().as_bytes())
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("scratch");
    std::fs::write(dir.path().join("echo.wat"), ECHO).expect("echo.wat");
    dir
}

#[test]
fn input_is_hex_a_file_or_standard_input() {
    let dir = scratch();
    let d = dir.path();
    std::fs::write(d.join("data.hex"), "0xcafe\nbabe\n").expect("data.hex");
    for (args, stdin) in [
        (&["run", "--input", "0xcafebabe", "echo.wat"][..], None),
        (&["run", "--input", "cafebabe", "echo.wat"], None),
        (&["run", "--input", "@data.hex", "echo.wat"], None),
        (&["run", "--input", "-", "echo.wat"], Some("0xcafe babe\n")),
        (&["profile", "--input", "@data.hex", "echo.wat"], None),
    ] {
        let out = iris(d, args, stdin);
        let stdout = text(&out.stdout);
        if args[0] == "run" {
            assert!(
                stdout.contains("call: output 0xcafebabe"),
                "{args:?}: {stdout}"
            );
        } else {
            assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        }
    }
}

#[test]
fn hex_errors_name_the_flag_and_the_bad_character() {
    let dir = scratch();
    let d = dir.path();
    std::fs::write(d.join("bad.hex"), "0x00\n0g").expect("bad.hex");
    for (args, stdin, expected) in [
        (
            &["run", "--input", "0x12zz", "echo.wat"][..],
            None,
            "--input: `0x12zz`: character 5 (`z`) is not a hex digit",
        ),
        (
            &["run", "--input", "0x123", "echo.wat"],
            None,
            "--input: 3 hex digits: an odd number",
        ),
        (
            &["run", "--input", "@bad.hex", "echo.wat"],
            None,
            "--input: bad.hex:2:2: `g` is not a hex digit",
        ),
        (
            &["run", "--input", "-", "echo.wat"],
            Some("0xq"),
            "--input: standard input:1:3: `q` is not a hex digit",
        ),
        (
            &["run", "--caller", "0x12", "echo.wat"],
            None,
            "'--caller <ADDRESS>': `0x12` is 1 byte; an address is 20",
        ),
        (
            &["run", "--value", "0x1g", "echo.wat"],
            None,
            "'--value <WEI>': `0x1g`: character 4 (`g`) is not a hex digit",
        ),
        (
            &["run", "--timestamp", "12x", "echo.wat"],
            None,
            "'--timestamp <SECONDS>': `12x`: character 3 (`x`) is not a decimal digit",
        ),
    ] {
        let out = iris(d, args, stdin);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: a usage error");
    }
    // A file that cannot be read is an input error.
    let out = iris(d, &["run", "--input", "@missing.hex", "echo.wat"], None);
    assert!(text(&out.stderr).contains("--input @missing.hex:"));
    assert_eq!(out.status.code(), Some(5), "an input error");
}

#[test]
fn numbers_are_decimal_or_hex_and_never_negative() {
    let dir = scratch();
    let d = dir.path();
    let decimal = iris(d, &["run", "--gas", "1000000", "echo.wat"], None);
    let hex = iris(d, &["run", "--gas", "0xf4240", "echo.wat"], None);
    assert!(decimal.status.success());
    assert_eq!(text(&decimal.stdout), text(&hex.stdout), "the same gas");
    for (flag, value) in [
        ("--gas", "-1"),
        ("--value", "-5"),
        ("--number", "-1"),
        ("--gas-price", "-0x1"),
        ("--chain-id", "-7"),
    ] {
        let out = iris(d, &["run", flag, value, "echo.wat"], None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(&format!("'{flag} ")), "{flag}: {stderr}");
        assert!(stderr.contains("negative"), "{flag}: {stderr}");
    }
    let out = iris(d, &["run", "--value", "0x10", "--json", "echo.wat"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
