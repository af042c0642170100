//! The README's walk-through ("A first contract, step by step"), run as
//! written: each `$ iris ...` command of its console block runs the real
//! binary in an empty scratch directory, each `$ cat > FILE <<'EOF'`
//! writes its file, and each command's standard output must be the lines
//! the README shows under it, its exit status the one its status line
//! gives by the exit table.

mod common;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The lines of the walk-through's console block.
fn block() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let section = readme
        .split("## A first contract, step by step")
        .nth(1)
        .expect("the README has the walk-through section");
    let start = section.find("```console\n").expect("a console block") + "```console\n".len();
    let body = &section[start..];
    let end = body.find("```").expect("the block ends");
    body[..end].lines().map(str::to_string).collect()
}

/// One step: a command and the output the README shows for it.
struct Step {
    command: String,
    expected: Vec<String>,
}

fn steps(lines: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut heredoc = false;
    for line in lines {
        if let Some(command) = line.strip_prefix("$ ") {
            heredoc = command.contains("<<'EOF'");
            steps.push(Step {
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            if heredoc && line == "EOF" {
                heredoc = false;
                continue;
            }
            step.expected.push(line.clone());
        }
    }
    steps
}

#[test]
fn the_readme_walk_through_runs_as_written() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let steps = steps(&block());
    assert!(steps.len() >= 6, "deploy, calls, a read, a broken contract");
    let mut ran = 0;
    let mut written = Vec::new();
    for step in &steps {
        if let Some(rest) = step.command.strip_prefix("cat > ") {
            let file = rest.split_whitespace().next().expect("a file name");
            let text = step.expected.join("\n") + "\n";
            std::fs::write(dir.path().join(file), &text).expect("the file is written");
            written.push((file.to_string(), text));
            continue;
        }
        let mut words = step.command.split_whitespace();
        assert_eq!(words.next(), Some("iris"), "{}", step.command);
        let out = common::iris_in(dir.path(), &words.collect::<Vec<_>>());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            got,
            step.expected,
            "`{}` printed (stderr: {})",
            step.command,
            String::from_utf8_lossy(&out.stderr)
        );
        let status = step
            .expected
            .iter()
            .find_map(|l| l.split_once(": status ").map(|(_, s)| s))
            .expect("a status line");
        let code = match status {
            "Success" => 0,
            "Revert" | "ContractValidationFailure" => 3,
            other => panic!("no exit status known for {other}"),
        };
        assert_eq!(out.status.code(), Some(code), "{}", step.command);
        ran += 1;
    }
    assert!(ran >= 6);
    // The contract the README writes is the sample, less its comments.
    let (_, registry) = written
        .iter()
        .find(|(name, _)| name == "registry.wat")
        .expect("the README writes registry.wat");
    let sample = std::fs::read_to_string(repo().join("contracts/registry.wat")).expect("sample");
    let uncommented: String = sample
        .lines()
        .filter(|l| !l.starts_with(";;"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(registry, &uncommented);
    // The state file holds both callers' words under the registry.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("s.json"))
            .expect("JSON");
    let storage = &state["0xce07eedf55054ad3eb3a42c7409a29301c2410f5"]["storage"];
    assert_eq!(
        storage["0xa11ce00000000000000000000000000000000001"],
        "0x2a"
    );
    assert_eq!(storage["0xb0b0000000000000000000000000000000000002"], "0x7");
}
