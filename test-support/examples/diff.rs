//! Long differential run: `cargo run --release -p test-support --example
//! diff -- FIRST_SEED COUNT`. Prints each mismatch with its seed, shrinks
//! it and keeps it in `test-support/tests/regressions/seed-N.wasm`, then
//! prints the totals.

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let first = args.first().copied().unwrap_or(0);
    let count = args.get(1).copied().unwrap_or(10_000);
    let (mut modules, mut calls, mut metered, mut short, mut mismatches) = (0, 0, 0, 0, 0);
    let mut known_bugs = 0;
    for seed in first..first + count {
        match test_support::diff::run_seed(seed) {
            Ok(report) => {
                modules += report.modules;
                calls += report.calls;
                metered += report.metered_calls;
                short += usize::from(report.cut_short);
            }
            Err(e) => {
                let known = test_support::shrink::regressions_dir()
                    .join(format!("wasmi-bugs/seed-{seed}.wasm"));
                if known.exists() {
                    known_bugs += 1;
                    println!("seed {seed}: known wasmi bug ({}): {e}", known.display());
                    continue;
                }
                mismatches += 1;
                println!("seed {seed}: {e}");
                let bytes = test_support::diff::seed_bytes(seed, 16_384);
                let mut u = arbitrary::Unstructured::new(&bytes);
                if let Ok(module) = test_support::diff::generate(&mut u) {
                    match test_support::shrink::keep_mismatch(&format!("seed-{seed}"), &module) {
                        Ok((path, size)) => println!("  kept as {} ({size} bytes)", path.display()),
                        Err(e) => println!("  not kept: {e}"),
                    }
                }
            }
        }
    }
    println!("{modules} modules, {calls} calls compared, {metered} metered calls compared (gas left included), {short} cut short by a limit, {known_bugs} known wasmi bugs, {mismatches} unexplained mismatches");
}
