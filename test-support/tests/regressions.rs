//! Kept mismatches stay fixed, and the shrinker that keeps them works.

use test_support::diff::{compare, compare_unmetered, exported_functions, generate, seed_bytes};
use test_support::metered::compare_with_injection;
use test_support::shrink::{regressions_dir, shrink};

#[test]
fn every_kept_mismatch_now_agrees() {
    let dir = regressions_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).expect("readable");
            if let Err(e) = compare(&bytes) {
                panic!("{}: {e}", path.display());
            }
        }
    }
}

/// Where wasmi is known to be wrong, Iris still agrees with wasmi without
/// metering, and its native metering agrees with the injected module.
#[test]
fn where_wasmi_is_wrong_iris_agrees_with_itself() {
    let dir = regressions_dir().join("wasmi-bugs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).expect("readable");
            compare_unmetered(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let calls = compare_with_injection(&bytes, &exported_functions(&bytes))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(calls > 0, "{}: nothing compared", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 1, "the known wasmi bug is missing");
}

/// Whether `bytes` validates and still grows memory somewhere.
fn grows_memory(bytes: &[u8]) -> bool {
    if wasmparser::validate(bytes).is_err() {
        return false;
    }
    wasmparser::Parser::new(0).parse_all(bytes).any(|payload| {
        let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else {
            return false;
        };
        let Ok(mut ops) = body.get_operators_reader() else {
            return false;
        };
        while !ops.eof() {
            if let Ok(wasmparser::Operator::MemoryGrow { .. }) = ops.read() {
                return true;
            }
        }
        false
    })
}

#[test]
fn the_shrinker_keeps_the_property_and_drops_the_rest() {
    let module = (0..200)
        .filter_map(|seed| {
            let bytes = seed_bytes(seed, 16_384);
            generate(&mut arbitrary::Unstructured::new(&bytes)).ok()
        })
        .find(|m| grows_memory(m) && m.len() > 400)
        .expect("some generated module grows memory");
    let small = shrink(&module, grows_memory);
    assert!(grows_memory(&small), "the property is lost");
    assert!(
        small.len() * 4 < module.len(),
        "{} bytes shrank only to {}",
        module.len(),
        small.len()
    );
}
