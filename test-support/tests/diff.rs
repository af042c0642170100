//! A short differential run against wasmi on fixed seeds (the long run is
//! `cargo run --release -p test-support --example diff`).

#[test]
fn iris_and_wasmi_agree_on_generated_modules() {
    let mut failures = Vec::new();
    let (mut modules, mut calls, mut metered) = (0, 0, 0);
    for seed in 0..1_000 {
        match test_support::diff::run_seed(seed) {
            Ok(report) => {
                modules += report.modules;
                calls += report.calls;
                metered += report.metered_calls;
            }
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        modules >= 300 && calls >= 300 && metered >= 300,
        "{modules} modules, {calls} calls, {metered} metered calls"
    );
}
