//! The hostile-contract corpus (`fixtures/hostile/*.wat`): contracts that
//! attack the VM (recursion, memory and table growth, unpriced bulk work,
//! infinite loops, out-of-bounds pointers for every EEI function, huge call
//! data and logs, reentrancy, create chains, the largest contract), and the
//! generated attacks of `test_support::hostile::attacks` (translation
//! blow-ups and their factories, locals, nested memory and call data, gas
//! minting). Each runs alone in a child process, with instruction metering
//! on; its status and gas used must match its `;; EXPECT:` line (for a
//! generated attack, its line in `fixtures/hostile/generated.expect`), its
//! peak resident memory must stay below 256 MiB and its time below two
//! minutes. `BLESS=1` rewrites the expectations.
//!
//! Run as a test (`cargo test -p test-support --test hostile`); it prints a
//! table of what each contract did.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use test_support::hostile::attacks::attacks;
use test_support::hostile::run::{child, corpus, corpus_files, spawn, CHILD_VAR};

/// Peak resident memory allowed to a contract's process.
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
/// Peak resident memory allowed with metering off, where only the
/// execution's cap (256 MiB of linear memory and call data) bounds it.
const TRUSTED_PEAK_LIMIT_KIB: u64 = 384 * 1024;
/// A contract still running after this is a hang.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The expectations of the generated attacks, one `NAME EXPECT...` a line.
const GENERATED: &str = "generated.expect";

/// One contract to run: its name in the table, the child's key, what its
/// expectation says now, and the peak memory it may reach.
struct Case {
    name: String,
    key: String,
    expected: Option<String>,
    peak_limit_kib: u64,
}

fn cases(files: &[PathBuf], generated: &BTreeMap<String, String>) -> Vec<Case> {
    let mut cases: Vec<Case> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable fixture");
            Case {
                name: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into(),
                key: path.to_string_lossy().into(),
                expected: text
                    .lines()
                    .find_map(|l| l.strip_prefix(";; EXPECT: "))
                    .map(str::to_string),
                peak_limit_kib: PEAK_LIMIT_KIB,
            }
        })
        .collect();
    cases.extend(attacks().into_iter().map(|a| Case {
        name: format!("{} (generated)", a.name),
        key: format!("attack:{}", a.name),
        expected: generated.get(a.name).cloned(),
        peak_limit_kib: if a.trusted {
            TRUSTED_PEAK_LIMIT_KIB
        } else {
            PEAK_LIMIT_KIB
        },
    }));
    cases
}

/// Rewrites a fixture's EXPECT line.
fn bless_fixture(path: &Path, expect: &str) {
    let text = std::fs::read_to_string(path).expect("readable fixture");
    let blessed: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(";; EXPECT:") {
                format!(";; EXPECT: {expect}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(path, blessed.join("\n") + "\n").expect("writable fixture");
}

fn main() {
    if let Some(key) = std::env::var_os(CHILD_VAR) {
        child(&key.to_string_lossy());
        return;
    }
    let bless = std::env::var_os("BLESS").is_some();
    let files = corpus_files();
    assert!(
        files.len() >= 35,
        "the corpus has only {} fixtures",
        files.len()
    );
    let generated_path = corpus().join(GENERATED);
    let mut generated: BTreeMap<String, String> = std::fs::read_to_string(&generated_path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(name, expect)| (name.to_string(), expect.to_string()))
        .collect();
    let mut failures = Vec::new();
    println!(
        "{:<40} {:<34} {:>9} {:>8}",
        "contract", "outcome", "peak MiB", "time"
    );
    let all = cases(&files, &generated);
    for case in &all {
        let report = match spawn(&case.key, TIME_LIMIT) {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        println!(
            "{:<40} {:<34} {:>9} {:>7.2}s",
            case.name,
            report.outcome,
            report
                .peak_kib
                .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
            report.elapsed.as_secs_f64()
        );
        if let Some(peak) = report.peak_kib {
            if peak >= case.peak_limit_kib {
                failures.push(format!("{}: peak memory {peak} KiB", case.name));
            }
        }
        if case.name == "max-size.wat" && report.code_size != 24_576 {
            failures.push(format!(
                "{}: {} bytes, not 24576",
                case.name, report.code_size
            ));
        }
        if bless {
            match case.key.strip_prefix("attack:") {
                Some(name) => {
                    generated.insert(name.to_string(), report.outcome.clone());
                }
                None => bless_fixture(Path::new(&case.key), &report.outcome),
            }
        } else if case.expected.as_deref() != Some(report.outcome.as_str()) {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case.name,
                case.expected.as_deref().unwrap_or("(no expectation)"),
                report.outcome
            ));
        }
    }
    if bless {
        let lines: String = generated
            .iter()
            .map(|(name, expect)| format!("{name} {expect}\n"))
            .collect();
        std::fs::write(&generated_path, lines).expect("writable expectations");
    }
    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
        std::process::exit(1);
    }
    println!(
        "{} contracts: outcomes as expected, peak memory within bounds",
        all.len()
    );
}
