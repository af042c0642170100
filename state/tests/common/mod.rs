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

/// Every state-test JSON file under `../shared/ewasm-tests` (or
/// `IRIS_EWASM_TESTS`), sorted; a missing directory fails the test.
#[allow(dead_code)]
pub(crate) fn vector_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
            panic!(
                "state-test vectors {} are missing ({e}): set IRIS_EWASM_TESTS",
                dir.display()
            )
        });
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let dir = match std::env::var_os("IRIS_EWASM_TESTS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ewasm-tests"),
    };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    files
}
