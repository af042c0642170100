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
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{ExecConfig, Executor};
use state::run::{Call, Session};
use test_support::hostile::attacks::{attacks, Attack};

/// The child-process mode: the contract to run (a fixture's path, or
/// `attack:NAME`).
const CHILD_VAR: &str = "IRIS_HOSTILE_CONTRACT";
/// Peak resident memory allowed to a contract's process.
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
/// Peak resident memory allowed with metering off, where only the
/// execution's cap (256 MiB of linear memory and call data) bounds it.
const TRUSTED_PEAK_LIMIT_KIB: u64 = 384 * 1024;
/// A contract still running after this is a hang.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The expectations of the generated attacks, one `NAME EXPECT...` a line.
const GENERATED: &str = "generated.expect";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/hostile")
}

/// A fixture as an attack: its code and its `;; RUN:` settings.
fn fixture(path: &Path) -> Attack {
    let text = std::fs::read_to_string(path).expect("readable fixture");
    let code = wat::parse_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut attack = Attack {
        name: "fixture",
        what: "",
        code,
        create: false,
        gas: 10_000_000,
        input_len: 0,
        value: 0,
        trusted: false,
    };
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(";; RUN:"))
        .unwrap_or_default();
    for word in line.split_whitespace() {
        match word.split_once('=') {
            Some(("gas", n)) => attack.gas = n.parse().expect("gas in RUN"),
            Some(("input_len", n)) => attack.input_len = n.parse().expect("input_len in RUN"),
            None if word == "create" => attack.create = true,
            _ => panic!("unknown RUN setting `{word}`"),
        }
    }
    attack
}

/// The peak resident memory of this process, from Linux's /proc.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: runs one contract and prints its `RESULT` line.
fn run_child(key: &str) {
    let attack = match key.strip_prefix("attack:") {
        Some(name) => attacks()
            .into_iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no attack {name}")),
        None => fixture(Path::new(key)),
    };
    let config = if attack.trusted {
        ExecConfig::trusted()
    } else {
        ExecConfig {
            metering: true,
            ..ExecConfig::default()
        }
    };
    let executor = Arc::new(Executor::new(config).expect("executor")) as Arc<dyn state::Runner>;
    let report = if attack.create {
        Session::create(attack.code.clone(), attack.gas, executor).1
    } else {
        let input = (0..attack.input_len).map(|i| (i % 251) as u8).collect();
        Session::new(attack.code.clone(), executor).call(&Call {
            input,
            gas: attack.gas,
            value: attack.value.into(),
        })
    };
    println!(
        "RESULT status={:?} gas_used={} code_size={} peak_kib={}",
        report.status,
        report.gas_used,
        attack.code.len(),
        peak_kib().map_or("unknown".to_string(), |k| k.to_string())
    );
}

/// What a child reported.
struct Report {
    expect: String,
    code_size: usize,
    peak_kib: Option<u64>,
}

fn spawn(key: &str) -> Result<(Report, Duration), String> {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .env(CHILD_VAR, key)
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
            expect: expect.join(" "),
            code_size,
            peak_kib,
        },
        elapsed,
    ))
}

/// One contract to run: its name in the table, the child's key, and what
/// its expectation says now.
struct Case {
    name: String,
    key: String,
    expected: Option<String>,
    /// Peak resident memory allowed.
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
        run_child(&key.to_string_lossy());
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
        let (report, elapsed) = match spawn(&case.key) {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        println!(
            "{:<40} {:<34} {:>9} {:>7.2}s",
            case.name,
            report.expect,
            report
                .peak_kib
                .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
            elapsed.as_secs_f64()
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
                    generated.insert(name.to_string(), report.expect.clone());
                }
                None => bless_fixture(Path::new(&case.key), &report.expect),
            }
        } else if case.expected.as_deref() != Some(report.expect.as_str()) {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case.name,
                case.expected.as_deref().unwrap_or("(no expectation)"),
                report.expect
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
