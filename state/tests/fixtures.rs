//! The sample contracts of `contracts/`, each with its expected calls.
//!
//! Every `.wat` file there opens with `;; EXPECT:` lines, one per call, run
//! in order on one fresh world with the contract at `state::run::CONTRACT`:
//! `input=0x… [value=N] [gas=N] status=… gas_used=N output=0x…`. With
//! `BLESS=1` the runner rewrites `status`, `gas_used` and `output` from
//! what the calls did. The lines are read and written by
//! `test_support::expect`.

mod common;

use common::contracts;
use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor, U256};
use state::run::{Call, CallReport, Session};
use test_support::expect::{Checker, Expect, ExpectFile};

/// The gas of a call whose line gives none.
const DEFAULT_GAS: i64 = 10_000_000;

/// The keys of a sample contract's EXPECT line.
const KEYS: &[&str] = &["input", "value", "gas", "status", "gas_used", "output"];

/// The call an EXPECT line makes.
fn call(expect: &Expect) -> Result<Call, String> {
    expect.check_keys(KEYS)?;
    let value = match expect.get("value") {
        Some(value) => U256::from_dec_str(value).map_err(|e| format!("value: {e:?}"))?,
        None => U256::zero(),
    };
    Ok(Call {
        input: expect.bytes("input")?.unwrap_or_default(),
        gas: expect.number("gas")?.unwrap_or(DEFAULT_GAS),
        value,
    })
}

/// The EXPECT line of what `call` did: the call, then its report.
fn observed(call: &Call, report: &CallReport) -> Expect {
    let mut got = Expect::new().with_bytes("input", &call.input);
    if !call.value.is_zero() {
        got.set("value", call.value);
    }
    if call.gas != DEFAULT_GAS {
        got.set("gas", call.gas);
    }
    got.with("status", format!("{:?}", report.status))
        .with("gas_used", report.gas_used)
        .with_bytes("output", &report.output)
}

#[test]
fn every_sample_contract_does_what_its_expectations_say() {
    let executor =
        Arc::new(Executor::new(ExecConfig::trusted()).unwrap()) as Arc<dyn state::Runner>;
    let files = contracts();
    assert!(files.len() >= 4, "the sample contracts are missing");
    let mut checker = Checker::from_env();
    let mut calls = 0;
    for path in &files {
        let mut file = ExpectFile::read(path).unwrap_or_else(|e| panic!("{e}"));
        let code =
            wat::parse_str(file.text()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !file.expects().is_empty(),
            "{}: no EXPECT lines",
            path.display()
        );
        let mut session = Session::new(code, Arc::clone(&executor));
        for n in 0..file.expects().len() {
            let found = &file.expects()[n];
            let call = call(&found.expect)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), found.line + 1));
            let report = session.call(&call);
            calls += 1;
            file.check(&mut checker, n, &observed(&call, &report));
        }
        file.finish().unwrap_or_else(|e| panic!("{e}"));
    }
    if let Err(failures) = checker.finish() {
        panic!("{failures}");
    }
    assert!(calls >= 10, "too few calls: {calls}");
}
