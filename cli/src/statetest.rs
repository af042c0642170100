//! `iris statetest`: Ethereum state-test vectors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, ExecConfig, Executor, Message, Outcome};
use iris::ffi::client::LoadedVm;
use state::statetest::{describe, parse_file, run as run_case, NETWORK};
use state::{Runner, WorldHost};

/// Every `.json` file under `paths` (or each path itself, if not a
/// directory), directories in sorted order, each file once: a file or
/// directory reached again, through symbolic links or a loop of them, is
/// skipped.
fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for path in paths {
        walk(path, &mut seen, &mut out);
    }
    out
}

/// [`files`] under one path; `seen` holds the canonical paths visited.
fn walk(path: &Path, seen: &mut BTreeSet<PathBuf>, out: &mut Vec<PathBuf>) {
    // A path that cannot be resolved is kept: reading it reports why.
    let Ok(canonical) = std::fs::canonicalize(path) else {
        out.push(path.to_path_buf());
        return;
    };
    if !seen.insert(canonical) {
        return;
    }
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return;
    }
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
            walk(&entry, seen, out);
        }
    }
}

/// Runs code through an EVMC VM library.
struct VmRunner(LoadedVm);

impl Runner for VmRunner {
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome {
        let revision = host.revision();
        self.0.execute(host, revision, message, code)
    }
}

/// The runner: Iris in process, or the EVMC VM library at `vm`.
fn runner(vm: Option<&Path>, metering: bool) -> Result<Arc<dyn Runner>, String> {
    match vm {
        Some(path) => {
            let vm = LoadedVm::load(path)?;
            // The vectors' rule unless asked otherwise (Iris meters by
            // default; a VM without the option runs unmetered anyway).
            let asked = vm.set_option("metering", if metering { "true" } else { "false" });
            if metering && asked != 0 {
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
    let all = files(paths);
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

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    #[test]
    fn each_file_is_listed_once_even_through_a_symlink_loop() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).expect("sub");
        std::fs::write(root.join("a.json"), "{}").expect("a.json");
        std::fs::write(root.join("sub/b.json"), "{}").expect("b.json");
        std::fs::write(root.join("sub/notes.txt"), "").expect("notes.txt");
        // sub/loop -> .. (the root): a loop; c.json -> sub/b.json: a file twice.
        symlink("..", root.join("sub/loop")).expect("loop link");
        symlink("sub/b.json", root.join("c.json")).expect("file link");
        let listed = files(&[root.to_path_buf(), root.join("sub")]);
        let names: Vec<String> = listed
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a.json", "c.json"], "sub/b.json is c.json");
    }
}
