//! The Ewasm state-test vectors of `../shared/ewasm-tests` (or the
//! directory in `IRIS_EWASM_TESTS`): every case must give the post-state
//! root and logs hash that Hera's fill recorded. A missing directory fails.

use std::sync::Arc;

mod common;

use ewasm_host::{hex, ExecConfig, Executor};
use state::statetest::{parse_file, run};

#[test]
fn every_ewasm_state_test_vector_passes_and_gas_is_deterministic() {
    let files = common::vector_files();
    let executor =
        Arc::new(Executor::new(ExecConfig::default()).unwrap()) as Arc<dyn state::Runner>;
    let (mut passed, mut failed) = (0, Vec::new());
    for file in &files {
        let cases = parse_file(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
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
                    hex(&first.root),
                    hex(&case.root)
                ));
            }
        }
    }
    println!("{passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(passed >= 168, "only {passed} vectors ran");
}
