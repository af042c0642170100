//! `iris wast`: spec scripts, given one by one or as directories.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use engine::wast::{run_file, RunConfig};

use crate::exit::{Error, Exit};

/// The scripts `paths` names: each file as given, and the `.wast` files of
/// each directory in name order (not its subdirectories).
///
/// # Errors
///
/// A path cannot be read (an input error), or a directory holds no
/// `.wast` file (no test found).
fn scripts(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        // A path that cannot be read is an input error, not a failed test.
        let metadata = std::fs::metadata(path)
            .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
        if !metadata.is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::input(format!("{}: {e}", path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "wast"))
            .collect();
        if found.is_empty() {
            return Err(no_test(path));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn no_test(dir: &Path) -> Error {
    Error {
        exit: Exit::TestsFailed,
        message: format!("{}: no .wast file in this directory", dir.display()),
    }
}

/// Runs every script and prints the report; status 1 on any failure.
///
/// # Errors
///
/// A path cannot be read, or a directory holds no script.
pub(crate) fn run(paths: &[PathBuf], fuel: Option<u64>, verbose: bool) -> Result<ExitCode, Error> {
    let files = scripts(paths)?;
    let mut config = RunConfig::default();
    if let Some(fuel) = fuel {
        config.config.consume_fuel(true);
        config.fuel = Some(fuel);
    }
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
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
    Ok(if failed == 0 {
        Exit::Success.into()
    } else {
        Exit::TestsFailed.into()
    })
}
