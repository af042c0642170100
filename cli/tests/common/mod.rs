//! What the CLI tests share: running the real `iris` binary and reading
//! what it printed.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `iris ARGS` and waits for it.
pub(crate) fn iris<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(args)
        .output()
        .expect("iris runs")
}

/// Runs `iris ARGS` in `dir` and waits for it.
pub(crate) fn iris_in<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("iris runs")
}

/// Output bytes as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The path of a sample contract in `contracts/`.
pub(crate) fn contract(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts")
        .join(name)
        .display()
        .to_string()
}

/// `text` written as `name` in `dir`; its path.
pub(crate) fn file(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path.display().to_string()
}

/// Asserts the exit status, showing what iris printed otherwise.
pub(crate) fn assert_status(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Runs `iris ARGS` in `dir` (or here) with `stdin` on its standard input.
pub(crate) fn iris_stdin<S: AsRef<OsStr>>(dir: Option<&Path>, args: &[S], stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut command = Command::new(env!("CARGO_BIN_EXE_iris"));
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iris runs");
    // A program that does not read its input may close it first.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("iris ends")
}

/// The gas of folded-stack lines (`frame;frame gas`) together.
pub(crate) fn folded_gas(folded: &str) -> u64 {
    folded
        .lines()
        .map(|l| {
            let (_, gas) = l.rsplit_once(' ').expect("frame gas");
            gas.parse::<u64>().expect("gas")
        })
        .sum()
}
