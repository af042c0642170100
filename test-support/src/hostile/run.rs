//! Running hostile contracts: the corpus's fixtures as attacks, one attack
//! in a fresh world, and the child-process protocol the corpus test and
//! the `hostile` benchmark share (a child runs one contract and prints one
//! `RESULT key=value…` line with its peak resident memory).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{ExecConfig, Executor};
use state::run::{Call, CallReport, Session};

use super::attacks::{attacks, Attack};
use crate::expect::Expect;

/// The environment variable that puts a test or benchmark binary in child
/// mode: its value is the key of the contract to run.
pub const CHILD_VAR: &str = "IRIS_HOSTILE_CONTRACT";

/// The hand-written corpus, `fixtures/hostile`.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/hostile")
}

/// The corpus's `.wat` files, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "wat"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A fixture as an attack: its code and its `;; RUN:` settings
/// (`gas=N`, `input_len=N`, `create`).
///
/// # Errors
///
/// A fixture that cannot be read or parsed, or an unknown setting.
pub fn fixture(path: &Path) -> Result<Attack, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let code = wat::parse_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut attack = Attack {
        name: "fixture",
        what: "",
        code,
        create: false,
        gas: 10_000_000,
        input: Vec::new(),
        value: 0,
        trusted: false,
    };
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(";; RUN:"))
        .unwrap_or_default();
    let bad = |n: &str| format!("{}: RUN {n}", path.display());
    for word in line.split_whitespace() {
        match word.split_once('=') {
            Some(("gas", n)) => attack.gas = n.parse().map_err(|_| bad(n))?,
            Some(("input_len", n)) => {
                let len: usize = n.parse().map_err(|_| bad(n))?;
                attack.input = (0..len).map(|i| (i % 251) as u8).collect();
            }
            None if word == "create" => attack.create = true,
            _ => return Err(format!("{}: unknown RUN setting `{word}`", path.display())),
        }
    }
    Ok(attack)
}

/// The attack a child key names: `attack:NAME` or a fixture's path.
///
/// # Errors
///
/// No such attack, or a fixture that does not load.
pub fn attack_of(key: &str) -> Result<Attack, String> {
    match key.strip_prefix("attack:") {
        Some(name) => attacks()
            .into_iter()
            .find(|a| a.name == name)
            .ok_or_else(|| format!("no attack {name}")),
        None => fixture(Path::new(key)),
    }
}

/// Runs `attack` in a fresh world with the default configuration (metering
/// on, the Iris gas model), or trusted mode if the attack asks.
///
/// # Errors
///
/// The executor cannot be built (never in practice).
pub fn run(attack: &Attack) -> Result<CallReport, String> {
    let config = if attack.trusted {
        ExecConfig::trusted()
    } else {
        ExecConfig::default()
    };
    let executor = Executor::new(config).map_err(|e| e.to_string())?;
    let executor = Arc::new(executor) as Arc<dyn state::Runner>;
    Ok(if attack.create {
        Session::create(attack.code.clone(), attack.gas, executor).1
    } else {
        Session::new(attack.code.clone(), executor).call(&Call {
            input: attack.input.clone(),
            gas: attack.gas,
            value: attack.value.into(),
        })
    })
}

/// A line of Linux's `/proc/self/status`, in KiB (`VmHWM`, `VmRSS`).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: runs the contract `key` names and prints its `RESULT` line
/// ([`report_child`], one run).
pub fn child(key: &str) {
    report_child(attack_of(key), 1);
}

/// Runs `attack` `runs` times (each in a fresh world and executor, so each
/// compiles the code again) and prints its `RESULT` line: status, gas used,
/// code size, the best call's time in nanoseconds, and the resident memory
/// before the first call and at the peak (KiB).
pub fn report_child(attack: Result<Attack, String>, runs: usize) {
    let measured = attack.and_then(|attack| {
        // Linux: "5" resets the peak to the current resident size, so the
        // peak is the run's, not what building the attack took.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = status_kib("VmRSS:").unwrap_or(0);
        let mut best = Duration::MAX;
        let mut last = None;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            last = Some(run(&attack)?);
            best = best.min(start.elapsed());
        }
        let report = last.ok_or("no run")?;
        Ok((attack, report, best, before))
    });
    match measured {
        Ok((attack, report, time, before)) => println!(
            "RESULT status={:?} gas_used={} code_size={} nanos={} base_kib={} peak_kib={}",
            report.status,
            report.gas_used,
            attack.code.len(),
            time.as_nanos(),
            before,
            status_kib("VmHWM:").map_or("unknown".to_string(), |k| k.to_string())
        ),
        Err(e) => eprintln!("{e}"),
    }
}

/// What a child reported: its `RESULT` words, and how long the child
/// process took.
#[derive(Debug, Clone)]
pub struct ChildReport {
    /// `status=… gas_used=…`: what an expectation compares.
    pub outcome: Expect,
    /// Gas used.
    pub gas_used: u64,
    /// The contract's size.
    pub code_size: usize,
    /// The call's own time.
    pub call_time: Duration,
    /// Resident memory before the call, KiB.
    pub base_kib: u64,
    /// The process's peak resident memory, KiB.
    pub peak_kib: Option<u64>,
    /// The whole child process's time.
    pub elapsed: Duration,
}

/// Runs the current executable in child mode for `key`, killing it after
/// `limit`.
///
/// # Errors
///
/// The child could not start, outlived `limit`, or printed no result.
pub fn spawn(key: &str, limit: Duration) -> Result<ChildReport, String> {
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
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
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
    let mut outcome = Expect::parse(line).map_err(|e| format!("the child's result: {e}"))?;
    let mut take = |key: &str| outcome.remove(key).unwrap_or_default();
    let code_size = take("code_size").parse().unwrap_or(0);
    let call_time = Duration::from_nanos(take("nanos").parse().unwrap_or(0));
    let base_kib = take("base_kib").parse().unwrap_or(0);
    let peak_kib = take("peak_kib").parse().ok();
    let report = ChildReport {
        gas_used: outcome.number("gas_used")?.unwrap_or(0),
        outcome,
        code_size,
        call_time,
        base_kib,
        peak_kib,
        elapsed,
    };
    Ok(report)
}
