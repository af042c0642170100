//! The WebAssembly 2.0 core spec suite passes with metering on under both
//! Ewasm gas models (the Sentinel's prices and Iris's), with fuel that never
//! runs out: pricing changes no result. The suite is read from
//! `IRIS_SPEC_DIR`, `../shared/wasm-testsuite/core` or
//! `testdata/wasm-testsuite/core`; a missing suite fails.

use std::path::PathBuf;
use std::sync::Arc;

use engine::wast::{run_file, RunConfig};
use ewasm_host::{EwasmCostModel, GasModel};

fn suite_dir() -> PathBuf {
    test_data::spec_dir_or_panic()
}

#[test]
fn the_spec_suite_passes_under_both_gas_models() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .unwrap_or_else(|e| panic!("{}: {e} ", suite_dir().display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    assert!(files.len() >= 90, "only {} scripts", files.len());
    for model in [GasModel::Sentinel, GasModel::Iris] {
        let mut run = RunConfig::default();
        run.config
            .consume_fuel(true)
            .cost_model(Arc::new(EwasmCostModel::of(model)));
        run.fuel = Some(u64::MAX);
        let (mut passed, mut failures) = (0, Vec::new());
        for path in &files {
            let report = run_file(path, &run);
            passed += report.passed;
            failures.extend(report.failures.iter().map(|f| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                format!("{name}:{}:{}: {}", f.line, f.col, f.reason)
            }));
        }
        println!("{model:?}: {passed} passed, {} failed", failures.len());
        assert!(
            failures.is_empty(),
            "{model:?}: {} failed\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(passed > 20_000, "{model:?}: {passed} passed");
    }
}
