//! The `statetest` target: `test_support::fuzz`'s, panicking on a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let target = test_support::fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == "statetest")
        .expect("the target exists")
        .1;
    if let Err(finding) = target(&mut arbitrary::Unstructured::new(data)) {
        panic!("statetest: {finding}");
    }
});
