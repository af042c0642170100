//! `iris wast`: spec scripts.

use std::path::PathBuf;
use std::process::ExitCode;

use engine::wast::{run_file, RunConfig};

/// Runs every script and prints the report; status 1 on any failure.
pub(crate) fn run(files: &[PathBuf], fuel: Option<u64>, verbose: bool) -> ExitCode {
    let mut config = RunConfig::default();
    if let Some(fuel) = fuel {
        config.config.consume_fuel(true);
        config.fuel = Some(fuel);
    }
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let report = run_file(file, &config);
        println!(
            "{}: {} passed, {} failed",
            report.file, report.passed, report.failed
        );
        let shown = if verbose { usize::MAX } else { 20 };
        for failure in report.failures.iter().take(shown) {
            println!(
                "{}:{}:{}: {}",
                report.file, failure.line, failure.col, failure.reason
            );
        }
        if report.failures.len() > shown {
            println!("... and {} more", report.failures.len() - shown);
        }
        passed += report.passed;
        failed += report.failed;
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
