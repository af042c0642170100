//! What the state tests share: the sample contracts of `contracts/` and
//! the state-test vectors.

use std::path::{Path, PathBuf};

/// The sample contracts (`contracts/*.wat`), sorted.
#[allow(dead_code)]
pub(crate) fn contracts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    files.sort();
    files
}

/// The call data of each `;; EXPECT: input=0x…` line of a sample contract.
#[allow(dead_code)]
pub(crate) fn inputs(text: &str) -> Vec<Vec<u8>> {
    text.lines()
        .filter_map(|l| l.strip_prefix(";; EXPECT: input=0x"))
        .map(|rest| {
            let digits = rest.split(' ').next().unwrap_or("");
            (0..digits.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex in EXPECT"))
                .collect()
        })
        .collect()
}

/// Every state-test JSON file of the Ewasm vectors (`IRIS_EWASM_TESTS`,
/// `../shared/ewasm-tests` or `testdata/ewasm-tests`), sorted; a missing
/// or empty directory fails the test.
#[allow(dead_code)]
pub(crate) fn vector_files() -> Vec<PathBuf> {
    let dir = test_data::ewasm_dir_or_panic();
    let files = test_data::json_files(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !files.is_empty(),
        "no state-test file under {}",
        dir.display()
    );
    files
}
