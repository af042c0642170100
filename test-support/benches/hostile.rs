//! What gas buys an attacker: for each hostile class (the generated
//! attacks and the corpus's resource attacks) and each ordinary contract
//! (the ewasm-benchmarking kernels), a cold call in a fresh process with
//! the default configuration (metering on, Iris gas model; trusted mode
//! where the attack says so): gas used, time, peak resident memory, time
//! and memory per unit of gas, and their ratio to the worst ordinary
//! contract. The goal: no metered hostile class above 4x on either.
//!
//! `cargo bench -p test-support --bench hostile`. The kernels come from
//! `$IRIS_EWASM_TESTS`, `../shared/ewasm-tests` or `testdata/ewasm-tests`
//! (`scripts/testdata.sh`).

use std::time::Duration;

use test_support::hostile::attacks::{attacks, Attack};
use test_support::hostile::run::{attack_of, corpus_files, report_child, spawn, CHILD_VAR};
use test_support::kernels::{kernel, KERNELS};

/// Calls measured per child (each compiles afresh): the best is kept.
const RUNS: usize = 3;
/// Gas given to an ordinary contract.
const KERNEL_GAS: i64 = 10_000_000_000;
/// Fixtures of the corpus that attack time or memory (the others check
/// pointers and limits, and end at once).
const FIXTURES: &[&str] = &[
    "big-br-table",
    "big-initial-memory",
    "big-log",
    "create-chain",
    "fill-loop",
    "grow-loop",
    "huge-calldata",
    "infinite-loop",
    "max-size",
    "recursion",
    "reentrancy",
];

fn kernel_attack(name: &str) -> Result<Attack, String> {
    let (code, input) = kernel(name)?;
    Ok(Attack {
        name: "kernel",
        what: "",
        code,
        create: false,
        gas: KERNEL_GAS,
        input,
        value: 0,
        trusted: false,
    })
}

/// One row of the table.
struct Row {
    name: String,
    ordinary: bool,
    trusted: bool,
    status: String,
    gas: u64,
    time: Duration,
    peak_mib: f64,
    /// Resident memory the calls added, in bytes.
    added: f64,
}

impl Row {
    fn ns_per_gas(&self) -> f64 {
        self.time.as_nanos() as f64 / self.gas.max(1) as f64
    }

    fn bytes_per_gas(&self) -> f64 {
        self.added / self.gas.max(1) as f64
    }
}

/// Every contract measured: name, child key, ordinary, trusted.
fn contracts() -> Vec<(String, String, bool, bool)> {
    let mut keys: Vec<(String, String, bool, bool)> = KERNELS
        .iter()
        .map(|k| (k.to_string(), format!("kernel:{k}"), true, false))
        .collect();
    keys.extend(attacks().iter().map(|a| {
        let key = format!("attack:{}", a.name);
        (a.name.to_string(), key, false, a.trusted)
    }));
    for path in corpus_files() {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if FIXTURES.contains(&stem.as_ref()) {
            let key = path.to_string_lossy().into();
            keys.push((format!("{stem}.wat"), key, false, false));
        }
    }
    keys
}

fn main() {
    if let Some(key) = std::env::var_os(CHILD_VAR) {
        let key = key.to_string_lossy();
        let attack = match key.strip_prefix("kernel:") {
            Some(name) => kernel_attack(name),
            None => attack_of(&key),
        };
        report_child(attack, RUNS);
        return;
    }
    let mut rows = Vec::new();
    for (name, key, ordinary, trusted) in contracts() {
        match spawn(&key, Duration::from_secs(600)) {
            Ok(r) => rows.push(Row {
                name,
                ordinary,
                trusted,
                status: r.outcome.get("status").unwrap_or("").to_string(),
                gas: r.gas_used,
                time: r.call_time,
                peak_mib: r.peak_kib.unwrap_or(0) as f64 / 1024.0,
                added: r.peak_kib.unwrap_or(0).saturating_sub(r.base_kib) as f64 * 1024.0,
            }),
            Err(e) => eprintln!("{name}: {e}"),
        }
    }
    let worst = |f: fn(&Row) -> f64| {
        rows.iter()
            .filter(|r| r.ordinary)
            .map(f)
            .fold(f64::MIN_POSITIVE, f64::max)
    };
    let (worst_ns, worst_bytes) = (worst(Row::ns_per_gas), worst(Row::bytes_per_gas));
    println!(
        "{:<34} {:<34} {:>15} {:>10} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "contract", "status", "gas", "time ms", "peak MiB", "ns/gas", "B/gas", "x ns", "x B"
    );
    let mut over = Vec::new();
    for r in &rows {
        let (x_ns, x_bytes) = (r.ns_per_gas() / worst_ns, r.bytes_per_gas() / worst_bytes);
        let label = match (r.ordinary, r.trusted) {
            (true, _) => format!("{} (ordinary)", r.name),
            (_, true) => format!("{} (trusted)", r.name),
            _ => r.name.clone(),
        };
        println!(
            "{label:<34} {:<34} {:>15} {:>10.3} {:>9.1} {:>9.4} {:>9.4} {:>8.2} {:>8.2}",
            r.status,
            r.gas,
            r.time.as_secs_f64() * 1e3,
            r.peak_mib,
            r.ns_per_gas(),
            r.bytes_per_gas(),
            x_ns,
            x_bytes
        );
        if !r.ordinary && !r.trusted && (x_ns > 4.0 || x_bytes > 4.0) {
            over.push(r.name.clone());
        }
    }
    println!(
        "worst ordinary: {worst_ns:.4} ns/gas, {worst_bytes:.4} bytes/gas; metered classes over 4x: {}",
        if over.is_empty() {
            "none".to_string()
        } else {
            over.join(", ")
        }
    );
}
