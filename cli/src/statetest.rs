//! `iris statetest`: Ethereum state-test vectors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, ExecConfig, Executor, Message, Outcome};
use iris::ffi::client::LoadedVm;
use state::statetest::{describe, parse_file, run as run_case, NETWORK};
use state::{Runner, WorldHost};

/// Every `.json` file under `path` (or `path` itself), sorted.
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(e) => {
                eprintln!("iris: {}: {e}", path.display());
                return;
            }
        };
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|e| e == "json") {
                files(&entry, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

/// Runs code through an EVMC VM library.
struct VmRunner(LoadedVm);

impl Runner for VmRunner {
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome {
        self.0.execute(host, message, code)
    }
}

/// The runner: Iris in process, or the EVMC VM library at `vm`.
fn runner(vm: Option<&Path>, metering: bool) -> Result<Arc<dyn Runner>, String> {
    match vm {
        Some(path) => {
            let vm = LoadedVm::load(path)?;
            if metering && vm.set_option("metering", "true") != 0 {
                return Err(format!(
                    "{}: refuses the option metering=true",
                    path.display()
                ));
            }
            Ok(Arc::new(VmRunner(vm)))
        }
        None => {
            let config = ExecConfig {
                metering,
                ..ExecConfig::default()
            };
            Ok(Arc::new(Executor::new(config).map_err(|e| e.to_string())?))
        }
    }
}

/// Runs every case; status 1 if any failed or a file was malformed.
pub(crate) fn run(paths: &[PathBuf], diff: bool, metering: bool, vm: Option<&Path>) -> ExitCode {
    let executor = match runner(vm, metering) {
        Ok(runner) => runner,
        Err(e) => {
            eprintln!("iris: {e}");
            return ExitCode::from(2);
        }
    };
    let mut all = Vec::new();
    for path in paths {
        files(path, &mut all);
    }
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    let mut progress = crate::progress::Progress::new(all.len() as u64, "files");
    for file in &all {
        progress.tick();
        let cases = match parse_file(file) {
            Ok(cases) => cases,
            Err(e) => {
                println!("{}: FAIL malformed: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        skipped += cases.skipped;
        for case in &cases.cases {
            let outcome = run_case(case, &executor);
            let (d, g, v) = case.indexes;
            let label = format!("{} [{NETWORK} d{d} g{g} v{v}]", case.name);
            let gas = match &outcome.result {
                Ok(gas) => format!("gas used {gas}"),
                Err(e) => format!("invalid transaction: {e}"),
            };
            if outcome.passed {
                passed += 1;
                println!("{label}: ok ({gas})");
            } else {
                failed += 1;
                println!(
                    "{label}: FAIL ({gas}); root 0x{} expected 0x{}, logs 0x{} expected 0x{}",
                    hex(&outcome.root),
                    hex(&case.root),
                    hex(&outcome.logs),
                    hex(&case.logs)
                );
                if diff {
                    for line in describe(&outcome.post) {
                        println!("    {line}");
                    }
                }
            }
        }
    }
    progress.finish();
    if skipped > 0 {
        println!("{skipped} post entries of other networks skipped");
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
