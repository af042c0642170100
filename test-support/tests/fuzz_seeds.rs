//! Every fuzz target on its committed seeds (`fuzz/seeds/TARGET/`) and on
//! fixed pseudo-random inputs: what CI runs of the fuzzers. The long runs
//! are `cargo fuzz run -s none TARGET` in `fuzz/` (see `fuzz/README.md`).

use std::path::Path;

use arbitrary::Unstructured;
use test_support::diff::seed_bytes;
use test_support::fuzz::{Target, TARGETS};

/// Pseudo-random inputs per target, and their size.
const RANDOM_INPUTS: u64 = 150;
const RANDOM_LEN: usize = 4_096;

fn check(name: &str, target: Target) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(name);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a seed").path())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "{} holds no seeds", dir.display());
    let mut failures = Vec::new();
    for seed in &seeds {
        let bytes = std::fs::read(seed).expect("readable seed");
        if let Err(e) = target(&mut Unstructured::new(&bytes)) {
            failures.push(format!("{}: {e}", seed.display()));
        }
    }
    for i in 0..RANDOM_INPUTS {
        let bytes = seed_bytes(i ^ 0x5eed, RANDOM_LEN);
        if let Err(e) = target(&mut Unstructured::new(&bytes)) {
            failures.push(format!("random input {i}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

macro_rules! targets {
    ($($test:ident => $name:literal,)*) => {
        $( #[test] fn $test() {
            let target = TARGETS.iter().find(|(n, _)| *n == $name).expect("a target").1;
            check($name, target);
        } )*

        #[test]
        fn every_target_has_a_test() {
            let tested = [$($name),*];
            for (name, _) in TARGETS {
                assert!(tested.contains(&name), "no seed test for {name}");
            }
        }
    };
}

targets! {
    translate => "translate",
    execute => "execute",
    differential => "differential",
    ewasm => "ewasm",
    wasi_paths => "wasi_paths",
    statetest => "statetest",
}
