//! `iris run --trace` and `iris trace diff`, from the real binary: the
//! sample contracts' traces against golden files (`BLESS=1` rewrites
//! them), and a one-instruction difference found.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_status, contract, file, iris, text};
use serde_json::Value;
use test_support::expect;

/// Where the golden traces live.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/traces")
}

/// The trace of `iris run --input INPUT ARGS CONTRACT`, as lines.
fn trace(contract: &str, input: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("scratch");
    let out = dir.path().join("trace.jsonl");
    let out_text = out.display().to_string();
    let mut all = vec!["run", "--input", input, "--trace", &out_text];
    all.extend_from_slice(args);
    all.push(contract);
    let run = iris(&all);
    assert!(
        matches!(run.status.code(), Some(0 | 3)),
        "{}",
        text(&run.stderr)
    );
    std::fs::read_to_string(&out).expect("the trace was written")
}

/// The first EXPECT line's call data of a sample contract, as hex.
fn first_input(name: &str) -> String {
    let source = std::fs::read_to_string(contract(name)).expect("readable");
    let found = expect::find(&source).expect("EXPECT lines parse");
    let first = found.first().expect("an EXPECT line");
    let input = first
        .expect
        .bytes("input")
        .expect("hex")
        .unwrap_or_default();
    format!("0x{}", ewasm_host::hex::encode(&input))
}

fn parse(lines: &str) -> Vec<Value> {
    lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn sample_contract_traces_match_their_golden_files() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut checked = Vec::new();
    for name in ["counter", "factory", "registry", "reverter", "wrc20"] {
        let wat = format!("{name}.wat");
        // As the EXPECT lines run: instruction metering off.
        let got = trace(&contract(&wat), &first_input(&wat), &["--metering=false"]);
        let golden = golden_dir().join(format!("{name}.jsonl"));
        if bless {
            std::fs::create_dir_all(golden_dir()).expect("fixtures/traces");
            std::fs::write(&golden, &got).expect("blessed");
            continue;
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (BLESS=1 writes it)", golden.display()));
        assert_eq!(
            parse(&got),
            parse(&want),
            "{name}: the trace differs from {} (BLESS=1 rewrites it):\n{got}",
            golden.display()
        );
        checked.push(name);
    }
    assert!(bless || checked.len() == 5, "{checked:?}");
}

#[test]
fn a_trace_has_the_documented_lines() {
    let wat = contract("factory.wat");
    let lines = parse(&trace(
        &wat,
        &first_input("factory.wat"),
        &["--metering=false"],
    ));
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    // The outer frame enters first; a summary ends the trace, after its exit.
    assert_eq!(events.first(), Some(&"enter"));
    assert_eq!(events[events.len() - 2..], ["exit", "summary"]);
    // The nested frames (the child's init code, then its call) enter and
    // leave inside the EEI call that made them, whose line follows.
    let nested: Vec<(i64, &str)> = lines
        .iter()
        .filter(|l| l["depth"] == 1)
        .map(|l| (l["depth"].as_i64().unwrap(), l["event"].as_str().unwrap()))
        .collect();
    assert!(nested.len() >= 4, "{nested:?}");
    let create = lines
        .iter()
        .position(|l| l["function"] == "ethereum.create")
        .expect("the create's line");
    assert_eq!(
        lines[create - 1]["event"],
        "exit",
        "the child's init code ended just before"
    );
    assert_eq!(lines[create - 1]["depth"], 1);
    // Each EEI line's cost is its gas before less the next line's.
    for line in lines.iter().filter(|l| l["event"] == "eei") {
        for key in [
            "function", "args", "gas", "cost", "results", "trapped", "depth",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    let summary = lines.last().unwrap();
    let exit = &lines[lines.len() - 2];
    assert_eq!(summary["gas_used"], exit["gas_used"]);
    assert_eq!(summary["status"], "Success");
}

/// A contract that loads the storage slot whose key is at `key`.
fn loader(key: u32) -> String {
    format!(
        r#"(module
  (import "ethereum" "storageLoad" (func $load (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $load (i32.const 0) (i32.const 64))
    (call $load (i32.const {key}) (i32.const 96))
    (call $finish (i32.const 96) (i32.const 32))))"#
    )
}

#[test]
fn trace_diff_finds_a_one_instruction_difference() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let write_trace = |name: &str, key: u32| {
        let wat = file(d, &format!("{name}.wat"), &loader(key));
        let path = d.join(format!("{name}.jsonl"));
        std::fs::write(&path, trace(&wat, "0x", &[])).expect("trace");
        path.display().to_string()
    };
    let a = write_trace("a", 0);
    let same = write_trace("same", 0);
    let b = write_trace("b", 32);
    let out = iris(&["trace", "diff", &a, &same]);
    assert_status(&out, 0);
    assert!(
        text(&out.stdout).contains("the same"),
        "{}",
        text(&out.stdout)
    );
    let out = iris(&["trace", "diff", &a, &b]);
    assert_status(&out, 1);
    let printed = text(&out.stdout);
    // Line 1 enters, line 2 is the first load (the same), line 3 the
    // second, whose key differs.
    assert!(printed.contains("differ at line 3:"), "{printed}");
    assert!(printed.contains("\"args\":[0,96]"), "{printed}");
    assert!(printed.contains("\"args\":[32,96]"), "{printed}");
}

#[test]
fn trace_diff_can_leave_keys_out_to_compare_two_revisions() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let wat = file(d, "loader.wat", &loader(0));
    let traces: Vec<String> = ["Byzantium", "Osaka"]
        .iter()
        .map(|fork| {
            let path = d.join(format!("{fork}.jsonl"));
            std::fs::write(&path, trace(&wat, "0x", &["--fork", fork])).expect("trace");
            path.display().to_string()
        })
        .collect();
    let out = iris(&["trace", "diff", &traces[0], &traces[1]]);
    assert_status(&out, 1);
    let out = iris(&[
        "trace", "diff", "--ignore", "revision", "--ignore", "gas", "--ignore", "cost", "--ignore",
        "gas_left", "--ignore", "gas_used", &traces[0], &traces[1],
    ]);
    assert_status(&out, 0);
}

#[test]
fn statetest_writes_a_trace_per_case() {
    let dir = tempfile::tempdir().expect("scratch");
    let vectors = test_data::ewasm_dir_or_panic().join("GeneralStateTests/stEWASMTests");
    let call = vectors.join("callDepth.json").display().to_string();
    let out_dir = dir.path().display().to_string();
    let out = iris(&["statetest", "--trace", &out_dir, &call]);
    assert_status(&out, 0);
    let cases = text(&out.stdout)
        .lines()
        .filter(|l| l.contains(": ok"))
        .count();
    let files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("the trace directory")
        .map(|e| e.expect("an entry").path())
        .collect();
    assert!(cases >= 1);
    assert_eq!(files.len(), cases, "a trace per case");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("callDepth-callDepth-"), "{name}");
        let lines = parse(&std::fs::read_to_string(file).expect("readable"));
        assert_eq!(lines[0]["event"], "enter", "{name}");
        assert_eq!(lines.last().unwrap()["event"], "summary", "{name}");
        // callDepth recurses: frames of several depths.
        let deepest = lines.iter().filter_map(|l| l["depth"].as_i64()).max();
        assert!(deepest.is_some_and(|d| d >= 2), "{name}: {deepest:?}");
    }
    let vm = iris(&[
        "statetest",
        "--trace",
        &out_dir,
        "--vm",
        "libiris.so",
        &call,
    ]);
    assert_status(&vm, 2);
}

#[test]
fn trace_blocks_adds_a_line_per_gas_step_and_changes_nothing_else() {
    let wrc20 = contract("wrc20.wat");
    let input = first_input("wrc20.wat");
    let plain = parse(&trace(&wrc20, &input, &["--metering"]));
    let blocks = parse(&trace(&wrc20, &input, &["--metering", "--trace-blocks"]));
    let step = |l: &Value| l["event"] == "block" || l["event"] == "operator";
    let (step_lines, others): (Vec<&Value>, Vec<&Value>) = blocks.iter().partition(|l| step(l));
    assert_eq!(others, plain.iter().collect::<Vec<_>>());
    assert!(step_lines.len() > 10, "{}", step_lines.len());
    for line in &step_lines {
        assert_eq!(line["depth"], 0);
        assert!(line["function"].is_string(), "{line}");
        assert!(
            line["offset"].is_u64() || line["operator"].is_string(),
            "{line}"
        );
    }
    // wrc20 clears and copies its keys: memory.fill and memory.copy.
    for operator in ["memory.fill", "memory.copy"] {
        assert!(
            step_lines.iter().any(|l| l["operator"] == operator),
            "{operator}"
        );
    }
    // Gas goes down by each step's cost, with nothing unexplained: the
    // gas before each step is the gas before the last one less its cost.
    let steps: Vec<&Value> = blocks
        .iter()
        .filter(|l| step(l) || l["event"] == "eei")
        .collect();
    for pair in steps.windows(2) {
        let gas = |l: &Value| l["gas"].as_i64().expect("gas");
        let cost = pair[0]["cost"].as_i64().expect("cost");
        assert_eq!(
            gas(pair[1]),
            gas(pair[0]) - cost,
            "{} then {}",
            pair[0],
            pair[1]
        );
    }
    let exit = blocks.iter().find(|l| l["event"] == "exit").expect("exit");
    let last = steps.last().expect("steps");
    assert_eq!(
        last["gas"].as_i64().expect("gas") - last["cost"].as_i64().expect("cost"),
        exit["gas_left"].as_i64().expect("gas_left")
    );
    // Only with a trace to write them to.
    let alone = iris(&["run", "--trace-blocks", &wrc20]);
    assert_status(&alone, 2);
    assert!(text(&alone.stderr).contains("--trace"));
}
