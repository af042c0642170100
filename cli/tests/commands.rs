//! The smaller promises of the command line, with the real binary:
//! `iris meter -o -`, `iris wast DIR`, `iris invoke --fuel N` and
//! `iris invoke --wasi`.

mod common;

use common::{iris, text};

use std::path::Path;
use std::process::Output;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path.display().to_string()
}

#[test]
fn meter_writes_to_standard_output_with_a_dash() {
    let dir = tempfile::tempdir().expect("scratch");
    let counter = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/counter.wat")
        .display()
        .to_string();
    let to_stdout = iris(&["meter", &counter, "-o", "-"]);
    assert_eq!(
        to_stdout.status.code(),
        Some(0),
        "{}",
        text(&to_stdout.stderr)
    );
    let out_file = dir.path().join("metered.wasm");
    let to_file = iris(&["meter", &counter, "-o", &out_file.display().to_string()]);
    assert_eq!(to_file.status.code(), Some(0), "{}", text(&to_file.stderr));
    assert!(to_file.stdout.is_empty());
    let written = std::fs::read(&out_file).expect("metered file");
    assert_eq!(to_stdout.stdout, written, "the same binary both ways");
    assert!(written.starts_with(b"\0asm"));
    // The injected import is in the binary.
    assert!(written.windows(6).any(|w| w == b"useGas"));
    assert!(!dir.path().join("-").exists(), "no file named `-`");
}

#[test]
fn wast_runs_the_scripts_of_a_directory_in_name_order() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let pass = r#"(module (func (export "one") (result i32) (i32.const 1)))
                  (assert_return (invoke "one") (i32.const 1))"#;
    write(d, "b.wast", pass);
    write(d, "a.wast", pass);
    write(d, "notes.txt", "(not a script)");
    std::fs::create_dir(d.join("sub")).expect("sub");
    write(
        &d.join("sub"),
        "c.wast",
        "(assert_return (invoke \"nothing\"))",
    );
    let out = iris(&["wast", &d.display().to_string()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let files: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split(": ").next())
        .filter(|f| f.ends_with(".wast"))
        .collect();
    assert_eq!(files.len(), 2, "{stdout}");
    assert!(files[0].ends_with("a.wast") && files[1].ends_with("b.wast"));
    // Each script: its module and its assertion.
    assert!(stdout.ends_with("4 passed, 0 failed\n"), "{stdout}");

    // A directory and a file together; a directory without scripts fails.
    let mixed = iris(&[
        "wast",
        &d.display().to_string(),
        &d.join("sub/c.wast").display().to_string(),
    ]);
    assert_eq!(mixed.status.code(), Some(1));
    let empty = tempfile::tempdir().expect("scratch");
    let none = iris(&["wast", &empty.path().display().to_string()]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        text(&none.stderr).contains("no .wast file"),
        "{}",
        text(&none.stderr)
    );
}

#[test]
fn invoke_with_fuel_meters_and_prints_the_fuel_left() {
    let dir = tempfile::tempdir().expect("scratch");
    let module = write(
        dir.path(),
        "loop.wat",
        r#"(module
            (func (export "count") (param i32) (result i32) (local i32)
              (block (loop
                (br_if 1 (i32.eqz (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br 0)))
              (local.get 1)))"#,
    );
    let used = |out: &Output| -> (u64, u64) {
        let stderr = text(&out.stderr);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("fuel used "))
            .unwrap_or_else(|| panic!("no fuel line in {stderr}"));
        let numbers: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        (numbers[0], numbers[1])
    };
    let ten = iris(&["invoke", "--fuel", "1000000", &module, "count", "10"]);
    assert_eq!(ten.status.code(), Some(0), "{}", text(&ten.stderr));
    assert_eq!(
        text(&ten.stdout),
        "10\n",
        "results alone on standard output"
    );
    let (used_ten, left_ten) = used(&ten);
    assert_eq!(used_ten + left_ten, 1_000_000);
    let twenty = iris(&["invoke", "--fuel", "1000000", &module, "count", "20"]);
    let (used_twenty, _) = used(&twenty);
    assert!(used_twenty > used_ten, "{used_twenty} <= {used_ten}");

    // Not enough fuel: a trap, with what was left.
    let short = iris(&["invoke", "--fuel", "5", &module, "count", "1000"]);
    assert_eq!(short.status.code(), Some(4), "{}", text(&short.stderr));
    assert!(
        text(&short.stderr).contains("fuel"),
        "{}",
        text(&short.stderr)
    );
    // Without --fuel nothing is metered or printed.
    let free = iris(&["invoke", &module, "count", "3"]);
    assert_eq!(text(&free.stdout), "3\n");
    assert!(free.stderr.is_empty());
}

#[test]
fn invoke_with_wasi_links_the_standard_streams_and_proc_exit() {
    let dir = tempfile::tempdir().expect("scratch");
    let module = write(
        dir.path(),
        "hello.wat",
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write"
              (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "hello\n")
            (func (export "hello") (result i32)
              (i32.store (i32.const 0) (i32.const 16))
              (i32.store (i32.const 4) (i32.const 6))
              (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (func (export "quit") (param i32) (call $exit (local.get 0))))"#,
    );
    let out = iris(&["invoke", "--wasi", &module, "hello"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The program's line, then the result (errno 0).
    assert_eq!(text(&out.stdout), "hello\n0\n");
    let quit = iris(&["invoke", "--wasi", &module, "quit", "7"]);
    assert_eq!(quit.status.code(), Some(7), "{}", text(&quit.stderr));
    // Without --wasi: a usage error naming the module and the flag.
    let unlinked = iris(&["invoke", &module, "hello"]);
    assert_eq!(unlinked.status.code(), Some(2));
    assert!(
        text(&unlinked.stderr)
            .contains("imports `wasi_snapshot_preview1`: link WASI with `--wasi`"),
        "{}",
        text(&unlinked.stderr)
    );
}

#[test]
fn invoke_names_wasi_and_the_fuel_charged_before_running_out() {
    let dir = tempfile::tempdir().expect("scratch");
    let wasi = write(
        dir.path(),
        "w.wat",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
            (func (export "f") (result i32) (i32.const 1)))"#,
    );
    let out = iris(&["invoke", &wasi, "f"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`--wasi`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&iris(&["invoke", "--wasi", &wasi, "f"]).stdout), "1\n");

    let looping = write(
        dir.path(),
        "l.wat",
        r#"(module (func (export "f") (result i32) (local i32)
            (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (br_if 0 (i32.lt_u (local.get 0) (i32.const 100))))
            (local.get 0)))"#,
    );
    let out = iris(&["invoke", "--fuel", "1", &looping, "f"]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fuel used 0 (charged before the trap), left 1: out of fuel"),
        "{stderr}"
    );
}

#[test]
fn a_vm_that_does_not_load_says_why() {
    let out = iris(&["statetest", "--vm", "/nonexistent/libvm.so", "."]);
    assert_eq!(out.status.code(), Some(5));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot open shared object file"),
        "{stderr}"
    );
}
