//! `iris statetest`: Ethereum state-test vectors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use evmc_client::LoadedVm;
use ewasm_host::{downcast_observer, hex, ExecConfig, Executor, JsonTrace, U256};
use state::diff::Field;
use state::statetest::{
    describe, parse_file, run as run_case, run_observed, Case, CaseOutcome, Cases,
};
use state::Runner;

use crate::exit::{Error, Exit};

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

/// Where `iris statetest --trace` writes its traces, and whether they have
/// a line per metering block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trace<'a> {
    /// The directory.
    pub(crate) dir: &'a Path,
    /// `--trace-blocks`.
    pub(crate) blocks: bool,
}

/// The runner: Iris in process (profiling, for `profile`: the metering
/// blocks of `--trace-blocks`), or the EVMC VM library at `vm`.
fn runner(vm: Option<&Path>, metering: bool, profile: bool) -> Result<Arc<dyn Runner>, Error> {
    match vm {
        Some(path) => {
            let vm = LoadedVm::load(path)?;
            // The vectors' rule unless asked otherwise (Iris meters by
            // default; a VM without the option runs unmetered anyway).
            let asked = vm.set_option("metering", if metering { "true" } else { "false" });
            if let (true, Err(why)) = (metering, asked) {
                return Err(Error::input(format!(
                    "{}: refuses the option metering=true: {why}",
                    path.display()
                )));
            }
            Ok(Arc::new(vm))
        }
        None => {
            let config = ExecConfig {
                metering,
                profile,
                ..ExecConfig::default()
            };
            // The EEI's names are fixed and distinct: this cannot fail.
            let executor = Executor::new(config).map_err(|e| Error::internal(e.to_string()))?;
            Ok(Arc::new(executor))
        }
    }
}

/// A file's cases, or why it could not be read.
type Parsed = (PathBuf, Result<Cases, String>);

/// Runs every case of every file under `paths`: one line per case (and
/// per malformed file), then `N passed, N failed`.
///
/// # Errors
///
/// A path or the VM cannot be read or loaded ([`Exit::Input`]); no file
/// or no case was
/// found ([`Exit::TestsFailed`]).
pub(crate) fn run(
    paths: &[PathBuf],
    diff: bool,
    metering: bool,
    vm: Option<&Path>,
    trace: Option<Trace<'_>>,
) -> Result<ExitCode, Error> {
    if let Some(Trace { dir, .. }) = trace {
        if vm.is_some() {
            return Err(Error::usage(
                "--trace traces Iris in process: a VM library traces itself (Iris: its `trace` option)",
            ));
        }
        if !dir.is_dir() {
            return Err(Error::input(format!(
                "--trace {}: not a directory",
                dir.display()
            )));
        }
    }
    // A path that cannot be read is an input error, not a failed test.
    for path in paths {
        std::fs::metadata(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    }
    let executor = runner(vm, metering, trace.is_some_and(|t| t.blocks))?;
    let all = files(paths);
    if all.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(no_test(format!(
            "no state-test file (*.json) in {}",
            names.join(", ")
        )));
    }
    // Parsed first, so that the bar counts cases, as the lines do.
    let parsed: Vec<Parsed> = all
        .into_iter()
        .map(|file| {
            let cases = parse_file(&file).map_err(|e| e.to_string());
            (file, cases)
        })
        .collect();
    let total: usize = parsed
        .iter()
        .map(|(_, cases)| cases.as_ref().map_or(1, |c| c.cases.len()))
        .sum();
    let skipped = skipped(&parsed);
    if total == 0 {
        return Err(no_test(format!(
            "no case to run in {} files{}",
            parsed.len(),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" ({})", skipped.join("; "))
            }
        )));
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut progress = crate::progress::Progress::new(total as u64, "cases");
    for (file, cases) in &parsed {
        let cases = match cases {
            Ok(cases) => cases,
            Err(e) => {
                progress.tick();
                progress.println(&format!("{}: FAIL malformed\n    {e}", file.display()));
                failed += 1;
                continue;
            }
        };
        for case in &cases.cases {
            progress.tick();
            let outcome = match trace {
                Some(trace) => traced(case, file, &executor, trace)?,
                None => run_case(case, &executor),
            };
            let lines = report(case, &outcome, diff);
            progress.println(&lines.join("\n"));
            if outcome.passed {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    }
    progress.finish();
    if !skipped.is_empty() {
        println!("skipped: {}", skipped.join("; "));
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        Exit::Success.into()
    } else {
        Exit::TestsFailed.into()
    })
}

/// Runs `case` of `file` with its trace written to a file of its own in
/// the trace's directory: `FILE-NAME-FORK-dDgGvV.jsonl`.
fn traced(
    case: &Case,
    file: &Path,
    runner: &Arc<dyn Runner>,
    trace: Trace<'_>,
) -> Result<CaseOutcome, Error> {
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let (d, g, v) = case.indexes;
    let name = format!("{stem}-{}-{}-d{d}g{g}v{v}.jsonl", case.name, case.fork);
    let path = trace.dir.join(name);
    let out = std::fs::File::create(&path)
        .map_err(|e| Error::input(format!("--trace {}: {e}", path.display())))?;
    let json = JsonTrace::new(Box::new(std::io::BufWriter::new(out))).with_blocks(trace.blocks);
    let (outcome, observer) = run_observed(case, runner, Some(Box::new(json)));
    if let Some(trace) = observer.and_then(downcast_observer::<JsonTrace>) {
        trace
            .finish()
            .map_err(|e| Error::input(format!("--trace {}: {e}", path.display())))?;
    }
    Ok(outcome)
}

/// The post entries not run, fork by fork: `Constantinople: 3 post
/// entries (why)`.
fn skipped(parsed: &[Parsed]) -> Vec<String> {
    let mut forks: std::collections::BTreeMap<&str, (usize, &str)> = Default::default();
    for cases in parsed.iter().filter_map(|(_, cases)| cases.as_ref().ok()) {
        for (fork, (count, why)) in &cases.skipped {
            forks.entry(fork).or_insert((0, why)).0 += count;
        }
    }
    forks
        .into_iter()
        .map(|(fork, (count, why))| {
            let entries = if count == 1 { "entry" } else { "entries" };
            format!("{fork}: {count} post {entries} ({why})")
        })
        .collect()
}

fn no_test(message: String) -> Error {
    Error {
        exit: Exit::TestsFailed,
        message,
    }
}

/// The lines of one case: `name [FORK dD gG vV]: ok (gas used N)`,
/// or `FAIL` followed by the hashes that differ (each on its own line,
/// under 100 columns) and, with `diff`, what differs.
fn report(case: &Case, outcome: &CaseOutcome, diff: bool) -> Vec<String> {
    let (d, g, v) = case.indexes;
    let label = format!("{} [{} d{d} g{g} v{v}]", case.name, case.fork);
    let gas = match &outcome.result {
        Ok(gas) => format!("gas used {gas}"),
        Err(e) => format!("invalid transaction: {e}"),
    };
    if outcome.passed {
        return vec![format!("{label}: ok ({gas})")];
    }
    let mut lines = vec![format!("{label}: FAIL ({gas})")];
    if let Some(reason) = &outcome.reason {
        lines.push(format!("    reason: {reason}"));
    }
    for (what, got, want) in [
        ("state root", &outcome.root, &case.root),
        ("logs hash", &outcome.logs, &case.logs),
    ] {
        if got != want {
            lines.push(format!("    {what:<10}  0x{}", hex::encode(got)));
            lines.push(format!("    {:<10}  0x{}", "expected", hex::encode(want)));
        }
    }
    if diff {
        lines.extend(diff_lines(case, outcome));
    }
    lines
}

/// `--diff`: the differences from the vector's post-state, or why there is
/// none to compare with and the post-state the run gave.
fn diff_lines(case: &Case, outcome: &CaseOutcome) -> Vec<String> {
    let Some(expected) = &case.post else {
        let mut lines = vec![
            "    cannot diff: the vector records only the post-state's root hash (no".to_string(),
            "    `postState`), not its accounts; the post-state of this run:".to_string(),
        ];
        lines.extend(
            describe(&outcome.post)
                .into_iter()
                .map(|l| format!("      {l}")),
        );
        return lines;
    };
    let differences = state::diff::diff(expected, &outcome.post);
    if differences.is_empty() {
        return vec!["    the accounts match the vector's postState (the logs differ)".into()];
    }
    let mut lines = Vec::new();
    let mut last = None;
    for d in differences {
        if last != Some(d.address) {
            lines.push(format!("    {}:", d.address));
            last = Some(d.address);
        }
        let what = match &d.field {
            Field::Presence => "account".to_string(),
            Field::Balance => "balance".to_string(),
            Field::Nonce => "nonce".to_string(),
            Field::CodeHash => "code hash".to_string(),
            Field::Storage(key) => {
                format!("storage {:#x}", U256::from_big_endian(&key.0))
            }
        };
        let one = format!("      {what}: expected {}, actual {}", d.expected, d.actual);
        if one.len() <= 100 {
            lines.push(one);
        } else {
            lines.push(format!("      {what}:"));
            lines.push(format!("        expected {}", d.expected));
            lines.push(format!("        actual   {}", d.actual));
        }
    }
    lines
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
