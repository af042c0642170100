//! `iris statetest` as a user meets it: no test found is a failure,
//! `--diff` against a vector's `postState` (or why it cannot), failure
//! lines that fit 100 columns, and a progress bar only on a terminal that
//! leaves no stale line among the results.

#![cfg(unix)]

mod common;

use common::{iris, text};

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn vector(relative: &str) -> PathBuf {
    test_data::ewasm_dir_or_panic().join(relative)
}

/// A copy of the vector at `relative`, its only post entry changed by
/// `edit`, written into `dir`.
fn tampered(dir: &Path, relative: &str, edit: impl Fn(&mut Value)) -> String {
    let path = vector(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut json: Value = serde_json::from_str(&text).expect("JSON");
    for test in json.as_object_mut().expect("tests").values_mut() {
        for entry in test["post"]["Byzantium"].as_array_mut().expect("entries") {
            edit(entry);
        }
    }
    let out = dir.join(path.file_name().expect("a name"));
    std::fs::write(&out, json.to_string()).expect("tampered vector");
    out.display().to_string()
}

#[test]
fn finding_no_test_is_a_failure_with_a_message() {
    let dir = tempfile::tempdir().expect("scratch");
    std::fs::write(dir.path().join("notes.txt"), "not a vector").expect("notes");
    let empty = iris(&["statetest", &dir.path().display().to_string()]);
    assert_eq!(empty.status.code(), Some(1), "{}", text(&empty.stdout));
    assert!(
        text(&empty.stderr).contains("no state-test file (*.json) in"),
        "{}",
        text(&empty.stderr)
    );

    let mistyped = dir.path().join("GeneralStateTest");
    let out = iris(&["statetest", &mistyped.display().to_string()]);
    // A path that cannot be read is an input error, not a failed test.
    assert_eq!(out.status.code(), Some(5));
    assert!(
        text(&out.stderr).contains("No such file"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains("FAIL"), "{}", text(&out.stdout));

    // A file whose tests are all for forks that cannot run (Frontier
    // predates Ewasm) holds no case to run, and says why.
    let other = dir.path().join("other.json");
    let text_of =
        std::fs::read_to_string(vector("GeneralStateTests/stEWASMTests/callDataCopy.json"))
            .expect("vector");
    std::fs::write(&other, text_of.replace("\"Byzantium\"", "\"Frontier\"")).expect("other");
    let out = iris(&["statetest", &other.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("no case to run in 1 files (Frontier: 1 post entry (before Byzantium"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn diff_lists_each_account_difference_from_the_post_state() {
    let dir = tempfile::tempdir().expect("scratch");
    // mul256 records its postState: make its slot 0 and a balance wrong.
    let file = tampered(
        dir.path(),
        "ewasm-benchmarking/ewasm/filled/mul256.json",
        |entry| {
            entry["hash"] = Value::String(format!("0x{}", "11".repeat(32)));
            let account = &mut entry["postState"]["0x1000000000000000000000000000000000000001"];
            account["storage"]["0x00"] = Value::String("0x01".into());
            account["balance"] = Value::String("0x05".into());
        },
    );
    let out = iris(&["statetest", "--diff", &file]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "0x1000000000000000000000000000000000000001:")
        .unwrap_or_else(|| panic!("no account line in\n{stdout}"));
    assert_eq!(
        lines[at + 1].trim(),
        "balance: expected 0x5, actual 0x174876e800"
    );
    assert_eq!(lines[at + 2].trim(), "storage 0x0:");
    assert_eq!(lines[at + 3].trim(), "expected 0x1");
    assert_eq!(
        lines[at + 4].trim(),
        "actual   0x802431afcbce1fc194c9eaa417b2fb67dc75a95db0bc7ec6b1c8af11df6a1da9"
    );
    // Nothing else differs: the sender, the coinbase and the other
    // contract match the vector.
    assert_eq!(lines[at + 5], "0 passed, 1 failed", "{stdout}");
}

#[test]
fn without_a_post_state_diff_says_why_it_cannot_and_lines_fit_100_columns() {
    let dir = tempfile::tempdir().expect("scratch");
    let file = tampered(
        dir.path(),
        "GeneralStateTests/stEWASMTests/callDataCopy.json",
        |entry| {
            entry["hash"] = Value::String(format!("0x{}", "22".repeat(32)));
        },
    );
    let out = iris(&["statetest", "--diff", &file]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("cannot diff: the vector records only the post-state's root hash"),
        "{stdout}"
    );
    // The root differs and is shown with the expected one; the logs hash
    // matches and is not repeated.
    assert!(stdout.contains(&format!("expected    0x{}", "22".repeat(32))));
    assert!(stdout.contains("state root  0x"), "{stdout}");
    assert!(!stdout.contains("logs hash"), "{stdout}");
    // The run's post-state follows: the contract's account is there.
    assert!(stdout.contains("bytes of code"), "{stdout}");
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.len()
        );
    }
}

#[test]
fn no_progress_is_drawn_when_standard_error_is_not_a_terminal() {
    let dir = test_data::ewasm_dir_or_panic();
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["statetest", &dir.display().to_string()])
        .env("IRIS_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("iris runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "", "nothing but the bar could go there");
}

/// The screen a terminal shows after `raw`: lines ended by newlines, each
/// the result of carriage returns, erase-line sequences and overwriting;
/// the last element is the line the cursor is on.
fn screen(raw: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let (mut line, mut col): (Vec<char>, usize) = (Vec::new(), 0);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => {
                lines.push(line.iter().collect::<String>().trim_end().to_string());
                line.clear();
                col = 0;
            }
            '\u{1b}' => {
                // CSI: ESC [ parameters final-byte.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    let mut params = String::new();
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            match (c, params.as_str()) {
                                ('K', "2") => line.clear(),
                                ('K', "" | "0") => line.truncate(col),
                                ('A', _) => panic!("the bar moved the cursor up: {params}A"),
                                _ => {}
                            }
                            break;
                        }
                        params.push(c);
                    }
                }
            }
            c => {
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.resize(col, ' ');
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines.push(line.iter().collect::<String>().trim_end().to_string());
    lines
}

#[test]
fn on_a_terminal_the_bar_counts_cases_and_leaves_no_stale_line() {
    let dir = test_data::ewasm_dir_or_panic();
    let plain = iris(&["statetest", &dir.display().to_string()]);
    let expected: Vec<String> = text(&plain.stdout).lines().map(str::to_string).collect();
    let cases = expected.iter().filter(|l| l.contains("]: ")).count();
    assert!(cases > 0);

    // script(1) gives iris a terminal; the bar shows from the start. The
    // paths are quoted for the shell script(1) runs the command with.
    let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    let command = format!(
        "IRIS_PROGRESS_AFTER_MS=0 {} statetest {}",
        quote(env!("CARGO_BIN_EXE_iris")),
        quote(&dir.display().to_string())
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script(1) runs (util-linux)");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let raw = text(&out.stdout);
    assert!(
        raw.contains(&format!("/{cases} cases")),
        "the bar does not count the {cases} cases:\n{raw}"
    );
    let mut shown = screen(&raw);
    assert_eq!(
        shown.pop().as_deref(),
        Some(""),
        "the bar is left on screen"
    );
    assert_eq!(
        shown, expected,
        "the terminal shows other lines than the results"
    );
}
