//! Gas by source line: `iris profile` on a C contract built with DWARF
//! (`contracts/c/gasline.c`) puts each instruction's gas on the line it was
//! compiled from, in the table, the JSON, the folded stacks, the flame
//! graph and the speedscope file; operators priced by their operands are
//! entries of their own.

mod common;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

fn contract_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/c")
}

/// The lines of gasline.c marked `@line NAME`, by name.
fn marked_lines() -> HashMap<String, u32> {
    let source = std::fs::read_to_string(contract_dir().join("gasline.c")).expect("gasline.c");
    source
        .lines()
        .enumerate()
        .filter_map(|(at, text)| {
            let name = text.split("// @line ").nth(1)?;
            Some((name.trim().to_string(), at as u32 + 1))
        })
        .collect()
}

/// Call data of `words` 8-byte words.
fn input(words: usize) -> String {
    "0102030405060708".repeat(words)
}

/// `iris profile ARGS gasline.wasm`, which must succeed: what it printed.
fn profile(args: &[&str]) -> String {
    let wasm = contract_dir().join("gasline.wasm").display().to_string();
    let out = common::iris(&[&["profile", "--metering"], args, &[wasm.as_str()]].concat());
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    common::text(&out.stdout)
}

/// The top execution of `iris profile --json` with `words` words of input.
fn execution(words: usize) -> Value {
    let json: Value =
        serde_json::from_str(&profile(&["--json", "--input", &input(words)])).expect("JSON");
    json["executions"][0].clone()
}

/// Gas per `file:line` in an execution's `lines`.
fn line_gas(execution: &Value) -> HashMap<String, u64> {
    execution["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            let line = l["line"].as_str().expect("line").to_string();
            (line, l["gas"].as_u64().expect("gas"))
        })
        .collect()
}

/// The sum of field `key` of the objects of JSON array `array`.
fn sum_of(array: &Value, key: &str) -> u64 {
    array
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item[key].as_u64().expect("a number"))
        .sum()
}

fn at(name: &str) -> String {
    format!("gasline.c:{}", marked_lines()[name])
}

#[test]
fn gas_lands_on_the_lines_that_spent_it() {
    let two = execution(2);
    let six = execution(6);
    let (two_lines, six_lines) = (line_gas(&two), line_gas(&six));
    // The loop body of load64 runs 8 times per word: the costliest line.
    let top = &six["lines"][0];
    assert_eq!(top["line"], at("load"), "{:?}", six["lines"]);
    assert_eq!(top["function"], "load64", "inlined into contract_main");
    // Lines inside the per-word loop cost three times as much for three
    // times the words; the lines run once cost the same.
    for name in ["load", "hash", "mix"] {
        let line = at(name);
        assert!(two_lines[&line] > 0, "{line}");
        assert_eq!(six_lines[&line], 3 * two_lines[&line], "{line}");
    }
    for name in ["grow", "copy"] {
        let line = at(name);
        assert!(two_lines.contains_key(&line), "{line}: {two_lines:?}");
    }
    assert_eq!(two_lines[&at("grow")], six_lines[&at("grow")]);
    // The lines split the Wasm functions' own gas: never more than it.
    let own = sum_of(&six["functions"], "self_gas");
    let lined: u64 = six_lines.values().sum();
    assert!(lined <= own && lined * 10 >= own * 8, "{lined} of {own}");
    // Blocks name their first line; functions a line of their own body.
    let blocks = six["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["line"], at("load"), "{blocks:?}");
    let source = std::fs::read_to_string(contract_dir().join("gasline.c")).expect("source");
    let body_of = |signature: &str| {
        let lines: Vec<&str> = source.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.contains(signature))
            .expect("the function");
        let end = start
            + lines[start..]
                .iter()
                .position(|l| *l == "}")
                .expect("its end");
        (start as u64 + 1)..=(end as u64 + 1)
    };
    for (function, signature) in [
        ("mix", "uint64_t mix("),
        ("contract_main", "contract_main(void)"),
    ] {
        let entry = six["functions"]
            .as_array()
            .expect("functions")
            .iter()
            .find(|f| f["name"] == function)
            .unwrap_or_else(|| panic!("{function}"));
        let line = entry["line"].as_str().expect("a line");
        let number: u64 = line
            .strip_prefix("gasline.c:")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(body_of(signature).contains(&number), "{function} at {line}");
    }
}

#[test]
fn memory_grow_and_copy_are_entries_of_their_own() {
    let six = execution(6);
    let operators: HashMap<&str, (u64, u64)> = six["operators"]
        .as_array()
        .expect("operators")
        .iter()
        .map(|o| {
            let name = o["name"].as_str().expect("name");
            (
                name,
                (
                    o["runs"].as_u64().expect("runs"),
                    o["gas"].as_u64().expect("gas"),
                ),
            )
        })
        .collect();
    let (grow_runs, grow_gas) = operators["[memory.grow]"];
    let (copy_runs, copy_gas) = operators["[memory.copy]"];
    assert_eq!((grow_runs, copy_runs), (1, 1));
    assert!(grow_gas > 0 && copy_gas > 0, "{operators:?}");
    // Not in the function's self gas; in its total.
    let main = six["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .find(|f| f["name"] == "contract_main")
        .expect("contract_main")
        .clone();
    let self_gas = main["self_gas"].as_u64().expect("self");
    assert!(self_gas < grow_gas, "{main}");
    assert!(main["total_gas"].as_u64().expect("total") > self_gas + grow_gas);
    // Every unit of gas is in exactly one stack.
    let stacks = sum_of(&six["stacks"], "gas");
    assert_eq!(stacks, six["gas_used"].as_u64().expect("used"));
}

#[test]
fn folded_stacks_flame_graph_and_speedscope_use_line_frames() {
    let dir = tempfile::tempdir().expect("scratch");
    let folded = dir.path().join("gas.folded");
    let svg = dir.path().join("gas.svg");
    let speedscope = dir.path().join("gas.speedscope.json");
    let path = |p: &Path| p.display().to_string();
    let json: Value = serde_json::from_str(&profile(&[
        "--json",
        "--input",
        &input(6),
        "--folded",
        &path(&folded),
        "--svg",
        &path(&svg),
        "--speedscope",
        &path(&speedscope),
    ]))
    .expect("JSON");
    let used = json["executions"][0]["gas_used"].as_u64().expect("used");
    let load = at("load");
    let load_gas = line_gas(&json["executions"][0])[&load];

    let folded = std::fs::read_to_string(&folded).expect("folded");
    let expected = format!("contract_main;load64;{load} {load_gas}");
    assert!(
        folded.lines().any(|l| l == expected),
        "{expected} in {folded}"
    );
    assert!(folded
        .lines()
        .any(|l| l.starts_with("contract_main;[memory.grow] ")));
    let sum = common::folded_gas(&folded);
    assert_eq!(sum, used);

    let picture = std::fs::read_to_string(&svg).expect("svg");
    assert!(
        picture.contains(&format!("<title>{load} (")),
        "{load} drawn"
    );

    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&speedscope).expect("speedscope"))
            .expect("speedscope JSON");
    let weights: u64 = doc["profiles"][0]["weights"]
        .as_array()
        .expect("weights")
        .iter()
        .map(|w| w.as_u64().expect("weight"))
        .sum();
    assert_eq!(weights, used);
    let line: u64 = marked_lines()["load"].into();
    let frames = doc["shared"]["frames"].as_array().expect("frames");
    assert!(
        frames
            .iter()
            .any(|f| f["file"] == "gasline.c" && f["line"] == line),
        "{frames:?}"
    );
}

#[test]
fn the_table_lists_source_lines_and_top_limits_every_list() {
    let table = profile(&["--input", &input(6)]);
    let lines: Vec<&str> = table.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.starts_with("source line"))
        .unwrap_or_else(|| panic!("a source line table in {table}"));
    assert!(lines[heading + 1].starts_with(&at("load")), "{table}");
    let short = profile(&["--input", &input(6), "--top", "2"]);
    for section in ["function", "host function", "operator", "source line"] {
        let rows = short
            .split("\n\n")
            .find(|s| s.starts_with(section))
            .unwrap_or_else(|| panic!("{section} in {short}"))
            .lines()
            .count();
        assert!(rows <= 3, "{section}: heading and 2 rows in {short}");
    }
}
