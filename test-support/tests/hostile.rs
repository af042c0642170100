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
//! minutes. `BLESS=1` rewrites the expectations (both kinds are read and
//! written by `test_support::expect`).
//!
//! Run as a test (`cargo test -p test-support --test hostile`); it prints a
//! table of what each contract did.

use std::path::PathBuf;
use std::time::Duration;

use test_support::expect::{Checker, ExpectFile, NamedExpects};
use test_support::hostile::attacks::attacks;
use test_support::hostile::run::{child, corpus, corpus_files, spawn, CHILD_VAR};

/// Peak resident memory allowed to a contract's process.
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
/// Peak resident memory allowed with metering off, where only the
/// execution's cap (256 MiB of linear memory and call data) bounds it.
const TRUSTED_PEAK_LIMIT_KIB: u64 = 384 * 1024;
/// A contract still running after this is a hang.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The expectations of the generated attacks, one `NAME key=value…` a line.
const GENERATED: &str = "generated.expect";

/// One contract to run: its name in the table, the child's key, where its
/// expectation is, and the peak memory it may reach.
struct Case {
    name: String,
    key: String,
    expectation: Expectation,
    peak_limit_kib: u64,
}

/// Where a case's expectation is.
enum Expectation {
    /// The `;; EXPECT:` line of its fixture.
    Fixture(ExpectFile),
    /// Its line, by the attack's name, in `generated.expect`.
    Generated(&'static str),
}

fn cases(files: &[PathBuf]) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for path in files {
        cases.push(Case {
            name: path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into(),
            key: path.to_string_lossy().into(),
            expectation: Expectation::Fixture(ExpectFile::read(path)?),
            peak_limit_kib: PEAK_LIMIT_KIB,
        });
    }
    cases.extend(attacks().into_iter().map(|a| Case {
        name: format!("{} (generated)", a.name),
        key: format!("attack:{}", a.name),
        expectation: Expectation::Generated(a.name),
        peak_limit_kib: if a.trusted {
            TRUSTED_PEAK_LIMIT_KIB
        } else {
            PEAK_LIMIT_KIB
        },
    }));
    Ok(cases)
}

fn main() {
    if let Some(key) = std::env::var_os(CHILD_VAR) {
        child(&key.to_string_lossy());
        return;
    }
    if let Err(failures) = run() {
        eprintln!("{failures}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut checker = Checker::from_env();
    let files = corpus_files();
    assert!(
        files.len() >= 35,
        "the corpus has only {} fixtures",
        files.len()
    );
    let mut generated = NamedExpects::read(&corpus().join(GENERATED))?;
    println!(
        "{:<40} {:<34} {:>9} {:>8}",
        "contract", "outcome", "peak MiB", "time"
    );
    let mut all = cases(&files)?;
    for case in &mut all {
        let report = match spawn(&case.key, TIME_LIMIT) {
            Ok(done) => done,
            Err(e) => {
                checker.fail(format!("{}: {e}", case.name));
                continue;
            }
        };
        println!(
            "{:<40} {:<34} {:>9} {:>7.2}s",
            case.name,
            report.outcome.to_string(),
            report
                .peak_kib
                .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
            report.elapsed.as_secs_f64()
        );
        if let Some(peak) = report.peak_kib {
            if peak >= case.peak_limit_kib {
                checker.fail(format!("{}: peak memory {peak} KiB", case.name));
            }
        }
        if case.name == "max-size.wat" && report.code_size != 24_576 {
            checker.fail(format!(
                "{}: {} bytes, not 24576",
                case.name, report.code_size
            ));
        }
        match &mut case.expectation {
            Expectation::Fixture(file) if file.expects().len() == 1 => {
                file.check(&mut checker, 0, &report.outcome);
            }
            Expectation::Fixture(file) => checker.fail(format!(
                "{}: {} `;; EXPECT:` lines, not one",
                file.path().display(),
                file.expects().len()
            )),
            Expectation::Generated(name) => generated.check(&mut checker, name, &report.outcome),
        }
    }
    for case in &all {
        if let Expectation::Fixture(file) = &case.expectation {
            file.finish()?;
        }
    }
    generated.finish()?;
    checker.finish()?;
    println!(
        "{} contracts: outcomes as expected, peak memory within bounds",
        all.len()
    );
    Ok(())
}
