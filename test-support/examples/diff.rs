//! Long differential run: `cargo run --release -p test-support --example
//! diff -- FIRST_SEED COUNT`. Prints each mismatch with its seed, then the
//! totals.

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let first = args.first().copied().unwrap_or(0);
    let count = args.get(1).copied().unwrap_or(10_000);
    let (mut modules, mut calls, mut short, mut mismatches) = (0, 0, 0, 0);
    for seed in first..first + count {
        match test_support::diff::run_seed(seed) {
            Ok(report) => {
                modules += report.modules;
                calls += report.calls;
                short += usize::from(report.cut_short);
            }
            Err(e) => {
                mismatches += 1;
                println!("seed {seed}: {e}");
            }
        }
    }
    println!("{modules} modules, {calls} calls compared, {short} cut short by a limit, {mismatches} mismatches");
}
