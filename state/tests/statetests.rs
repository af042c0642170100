//! The Ewasm state-test vectors (`IRIS_EWASM_TESTS`, `../shared/ewasm-tests`
//! or `testdata/ewasm-tests`), each transaction run by revm's rules of
//! its fork (`state::statetest::run`): every case must give the post-state
//! root and logs hash that Hera's fill recorded. A missing directory
//! fails, and so does a set without a case or one whose Byzantium entries
//! (what Hera filled) are not all run.

use std::sync::Arc;

mod common;

use ewasm_host::{hex, ExecConfig, Executor};
use state::statetest::{parse_file, run};

#[test]
fn every_ewasm_state_test_vector_passes_and_gas_is_deterministic() {
    let files = common::vector_files();
    let executor =
        Arc::new(Executor::new(ExecConfig::trusted()).unwrap()) as Arc<dyn state::Runner>;
    let (mut passed, mut failed) = (0, Vec::new());
    let mut skipped = 0;
    for file in &files {
        let cases = parse_file(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            !cases.skipped.contains_key("Byzantium"),
            "{}: Byzantium entries not run: {:?}",
            file.display(),
            cases.skipped
        );
        skipped += cases.skipped_count();
        for case in &cases.cases {
            let first = run(case, &executor);
            let second = run(case, &executor);
            assert_eq!(
                first.result, second.result,
                "{}: gas differs between runs",
                case.name
            );
            assert_eq!(
                first.root, second.root,
                "{}: root differs between runs",
                case.name
            );
            if first.passed {
                passed += 1;
            } else {
                failed.push(format!(
                    "{} ({:?}): root 0x{} expected 0x{}",
                    case.name,
                    first.result,
                    hex::encode(&first.root),
                    hex::encode(&case.root)
                ));
            }
        }
    }
    println!(
        "{passed} passed, {} failed, {skipped} post entries of other forks not run",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // As many cases as the data holds (168 in ../shared, 251 fetched), and
    // not none.
    assert!(passed > 0, "no state-test case ran");
}

#[test]
fn the_cases_of_one_test_share_one_pre_state() {
    let text = r#"{"t": {
        "env": {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                "currentDifficulty": "0x020000", "currentGasLimit": "0x989680",
                "currentNumber": "0x01", "currentTimestamp": "0x03e8"},
        "pre": {"0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {
            "balance": "0x0de0b6b3a7640000", "code": "0x", "nonce": "0x00",
            "storage": {"0x01": "0x02"}}},
        "transaction": {
            "data": ["0x", "0x00"], "gasLimit": ["0x0186a0"], "gasPrice": "0x01",
            "nonce": "0x00",
            "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
            "to": "0x1000000000000000000000000000000000000000", "value": ["0x00"]},
        "post": {"Byzantium": [
            {"hash": "0x0000000000000000000000000000000000000000000000000000000000000000",
             "logs": "0x0000000000000000000000000000000000000000000000000000000000000000",
             "indexes": {"data": 0, "gas": 0, "value": 0}},
            {"hash": "0x0000000000000000000000000000000000000000000000000000000000000000",
             "logs": "0x0000000000000000000000000000000000000000000000000000000000000000",
             "indexes": {"data": 1, "gas": 0, "value": 0}}]}}}"#;
    let cases = state::statetest::parse(text).expect("parses").cases;
    assert_eq!(cases.len(), 2);
    assert!(Arc::ptr_eq(&cases[0].pre, &cases[1].pre));
    assert_eq!(cases[0].pre.accounts().count(), 1);
}
