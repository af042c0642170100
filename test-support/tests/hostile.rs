//! The hostile-contract corpus (`fixtures/hostile/*.wat`): contracts that
//! attack the VM (recursion, memory and table growth, unpriced bulk work,
//! infinite loops, out-of-bounds pointers for every EEI function, huge call
//! data and logs, reentrancy, create chains, the largest contract). Each
//! runs alone in a child process, with instruction metering on; its status
//! and gas used must match its `;; EXPECT:` line and its peak resident
//! memory must stay below 256 MiB. `BLESS=1` rewrites the EXPECT lines.
//!
//! Run as a test (`cargo test -p state --test hostile`); it prints a table
//! of what each fixture did.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{ExecConfig, Executor};
use state::run::{Call, Session};

/// The child-process mode: the fixture to run.
const FIXTURE_VAR: &str = "IRIS_HOSTILE_FIXTURE";
/// Peak resident memory allowed to a fixture's process.
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
/// A fixture still running after this is a hang.
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/hostile")
}

/// A fixture's `;; RUN:` settings.
struct Run {
    create: bool,
    gas: i64,
    input_len: usize,
}

fn settings(text: &str) -> Run {
    let mut run = Run {
        create: false,
        gas: 10_000_000,
        input_len: 0,
    };
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(";; RUN:"))
        .unwrap_or_default();
    for word in line.split_whitespace() {
        match word.split_once('=') {
            Some(("gas", n)) => run.gas = n.parse().expect("gas in RUN"),
            Some(("input_len", n)) => run.input_len = n.parse().expect("input_len in RUN"),
            None if word == "create" => run.create = true,
            _ => panic!("unknown RUN setting `{word}`"),
        }
    }
    run
}

/// The peak resident memory of this process, from Linux's /proc.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: runs one fixture and prints its `RESULT` line.
fn run_fixture(path: &Path) {
    let text = std::fs::read_to_string(path).expect("readable fixture");
    let code = wat::parse_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let run = settings(&text);
    let config = ExecConfig {
        metering: true,
        ..ExecConfig::default()
    };
    let executor = Arc::new(Executor::new(config).expect("executor")) as Arc<dyn state::Runner>;
    let report = if run.create {
        Session::create(code.clone(), run.gas, executor).1
    } else {
        let input = (0..run.input_len).map(|i| (i % 251) as u8).collect();
        Session::new(code.clone(), executor).call(&Call {
            input,
            gas: run.gas,
            value: 0u64.into(),
        })
    };
    println!(
        "RESULT status={:?} gas_used={} code_size={} peak_kib={}",
        report.status,
        report.gas_used,
        code.len(),
        peak_kib().map_or("unknown".to_string(), |k| k.to_string())
    );
}

/// What a child reported.
struct Report {
    expect: String,
    code_size: usize,
    peak_kib: Option<u64>,
}

fn spawn(path: &Path) -> Result<(Report, Duration), String> {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .env(FIXTURE_VAR, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            return Err(format!("still running after {TIME_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        return Err(format!(
            "the child ended with {} and no result:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    };
    let mut expect = Vec::new();
    let (mut code_size, mut peak_kib) = (0, None);
    for word in line.split_whitespace() {
        match word.split_once('=') {
            Some(("code_size", n)) => code_size = n.parse().unwrap_or(0),
            Some(("peak_kib", n)) => peak_kib = n.parse().ok(),
            _ => expect.push(word),
        }
    }
    Ok((
        Report {
            expect: format!(";; EXPECT: {}", expect.join(" ")),
            code_size,
            peak_kib,
        },
        elapsed,
    ))
}

fn main() {
    if let Some(path) = std::env::var_os(FIXTURE_VAR) {
        run_fixture(Path::new(&path));
        return;
    }
    let bless = std::env::var_os("BLESS").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap_or_else(|e| panic!("{}: {e}", corpus().display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 35,
        "the corpus has only {} fixtures",
        files.len()
    );
    let mut failures = Vec::new();
    println!(
        "{:<34} {:<28} {:>9} {:>8}",
        "fixture", "outcome", "peak MiB", "time"
    );
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (report, elapsed) = match spawn(path) {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let text = std::fs::read_to_string(path).expect("readable fixture");
        println!(
            "{name:<34} {:<28} {:>9} {:>7.2}s",
            report.expect.trim_start_matches(";; EXPECT: "),
            report
                .peak_kib
                .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
            elapsed.as_secs_f64()
        );
        if let Some(peak) = report.peak_kib {
            if peak >= PEAK_LIMIT_KIB {
                failures.push(format!("{name}: peak memory {peak} KiB"));
            }
        }
        if name == "max-size.wat" && report.code_size != 24_576 {
            failures.push(format!("{name}: {} bytes, not 24576", report.code_size));
        }
        let expected = text.lines().find(|l| l.starts_with(";; EXPECT:"));
        if bless {
            let blessed: Vec<String> = text
                .lines()
                .map(|l| {
                    if l.starts_with(";; EXPECT:") {
                        report.expect.clone()
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            std::fs::write(path, blessed.join("\n") + "\n").expect("writable fixture");
        } else if expected != Some(report.expect.as_str()) {
            failures.push(format!(
                "{name}:\n  expected {}\n  got      {}",
                expected.unwrap_or("(no EXPECT line)"),
                report.expect
            ));
        }
    }
    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
        std::process::exit(1);
    }
    println!(
        "{} fixtures: outcomes as expected, peak memory below 256 MiB",
        files.len()
    );
}
