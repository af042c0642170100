//! `iris statetest DIR` walks each file once: a symbolic link loop ends.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::process::Command;

#[test]
fn a_symlink_loop_in_the_directory_is_followed_once() {
    let vector =
        test_data::ewasm_dir_or_panic().join("GeneralStateTests/stEWASMTests/callDataCopy.json");
    let dir = tempfile::tempdir().expect("temporary directory");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("sub");
    std::fs::copy(&vector, sub.join("callDataCopy.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", vector.display()));
    symlink("..", sub.join("up")).expect("loop link");
    symlink(dir.path(), dir.path().join("again")).expect("loop link");
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["statetest", &dir.path().display().to_string()])
        .output()
        .expect("iris runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.ends_with("1 passed, 0 failed\n"), "{stdout}");
}
