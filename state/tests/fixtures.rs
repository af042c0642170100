//! The sample contracts of `contracts/`, each with its expected calls.
//!
//! Every `.wat` file there opens with `;; EXPECT:` lines, one per call, run
//! in order on one fresh world with the contract at `state::run::CONTRACT`:
//! `input=0x… [value=N] [gas=N] status=… gas_used=N output=0x…`. With
//! `BLESS=1` the runner rewrites `status`, `gas_used` and `output` from
//! what the calls did.

mod common;

use common::contracts;
use std::sync::Arc;

use ewasm_host::{hex, ExecConfig, Executor, U256};
use state::run::{Call, CallReport, Session};

/// One `;; EXPECT:` line.
struct Expect {
    line: usize,
    call: Call,
    status: String,
    gas_used: i64,
    output: String,
}

fn parse(text: &str) -> Vec<Expect> {
    let mut out = Vec::new();
    for (line, content) in text.lines().enumerate() {
        let Some(rest) = content.strip_prefix(";; EXPECT:") else {
            continue;
        };
        let mut expect = Expect {
            line,
            call: Call {
                input: Vec::new(),
                gas: 10_000_000,
                value: U256::zero(),
            },
            status: String::new(),
            gas_used: 0,
            output: String::new(),
        };
        for pair in rest.split_whitespace() {
            let (key, value) = pair.split_once('=').expect("key=value in EXPECT");
            match key {
                "input" => expect.call.input = hex::decode(value).expect("hex in EXPECT"),
                "gas" => expect.call.gas = value.parse().expect("gas"),
                "value" => expect.call.value = U256::from_dec_str(value).expect("value"),
                "status" => expect.status = value.to_string(),
                "gas_used" => expect.gas_used = value.parse().expect("gas_used"),
                "output" => expect.output = value.to_string(),
                other => panic!("unknown EXPECT key `{other}`"),
            }
        }
        out.push(expect);
    }
    out
}

fn render(expect: &Expect, report: &CallReport) -> String {
    let mut line = format!(";; EXPECT: input=0x{}", hex::encode(&expect.call.input));
    if !expect.call.value.is_zero() {
        line += &format!(" value={}", expect.call.value);
    }
    if expect.call.gas != 10_000_000 {
        line += &format!(" gas={}", expect.call.gas);
    }
    line += &format!(
        " status={:?} gas_used={} output=0x{}",
        report.status,
        report.gas_used,
        hex::encode(&report.output)
    );
    line
}

#[test]
fn every_sample_contract_does_what_its_expectations_say() {
    let bless = std::env::var_os("BLESS").is_some();
    let executor =
        Arc::new(Executor::new(ExecConfig::trusted()).unwrap()) as Arc<dyn state::Runner>;
    let files = contracts();
    assert!(files.len() >= 4, "the sample contracts are missing");
    let mut failures = Vec::new();
    let mut calls = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let code = wat::parse_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let expects = parse(&text);
        assert!(!expects.is_empty(), "{}: no EXPECT lines", file.display());
        let mut session = Session::new(code, Arc::clone(&executor));
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for expect in &expects {
            let report = session.call(&expect.call);
            calls += 1;
            let got = render(expect, &report);
            if bless {
                lines[expect.line] = got;
            } else if lines[expect.line] != got {
                failures.push(format!(
                    "{}:{}:\n  expected {}\n  got      {}",
                    file.display(),
                    expect.line + 1,
                    lines[expect.line],
                    got
                ));
            }
        }
        if bless {
            std::fs::write(file, lines.join("\n") + "\n").unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(calls >= 10, "too few calls: {calls}");
}
