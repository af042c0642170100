//! Where the tests find the data they read and the repository does not
//! hold: the WebAssembly 2.0 spec scripts and the Ewasm state-test
//! vectors.
//!
//! Each set is looked for in its environment variable, then in `../shared`
//! beside the checkout (the project's own machines), then in `testdata/`
//! in the checkout, where `scripts/testdata.sh` installs it. When none has
//! it, the error names the command to run. No dependency: any test or
//! bench may use it.
//!
//! ```
//! match test_data::spec_dir() {
//!     Ok(dir) => assert!(dir.join("i32.wast").is_file()),
//!     Err(e) => assert!(e.contains("scripts/testdata.sh")),
//! }
//! ```

use std::path::{Path, PathBuf};

/// The command that installs the data in `testdata/`.
pub const FETCH_COMMAND: &str = "scripts/testdata.sh";

/// The checkout: the workspace's root folder.
pub fn workspace_root() -> PathBuf {
    // This crate sits one level below the root.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// One data set: its variable and its folder below `../shared` and
/// `testdata/`.
struct Set {
    what: &'static str,
    variable: &'static str,
    folder: &'static str,
}

impl Set {
    /// The first folder that exists among the variable's, `../shared`'s
    /// and `testdata/`'s.
    fn find(&self) -> Result<PathBuf, String> {
        if let Some(dir) = std::env::var_os(self.variable) {
            let dir = PathBuf::from(dir);
            return if dir.is_dir() {
                Ok(dir)
            } else {
                Err(format!(
                    "{}: {}={} is not a directory",
                    self.what,
                    self.variable,
                    dir.display()
                ))
            };
        }
        let root = workspace_root();
        let candidates = [
            root.join("..").join("shared").join(self.folder),
            root.join("testdata").join(self.folder),
        ];
        candidates
            .iter()
            .find(|dir| dir.is_dir())
            .cloned()
            .ok_or_else(|| {
                format!(
                "no {} found (looked in ${}, ../shared/{} and testdata/{}): run `{FETCH_COMMAND}` \
                 in {} to fetch them, or set {}",
                self.what,
                self.variable,
                self.folder,
                self.folder,
                root.display(),
                self.variable
            )
            })
    }
}

const SPEC: Set = Set {
    what: "WebAssembly spec scripts",
    variable: "IRIS_SPEC_DIR",
    folder: "wasm-testsuite/core",
};

const EWASM: Set = Set {
    what: "Ewasm state-test vectors",
    variable: "IRIS_EWASM_TESTS",
    folder: "ewasm-tests",
};

/// The folder of the WebAssembly 2.0 core spec scripts (`*.wast`):
/// `$IRIS_SPEC_DIR`, `../shared/wasm-testsuite/core` or
/// `testdata/wasm-testsuite/core`.
///
/// # Errors
///
/// None of them is a directory: the message says what to run.
pub fn spec_dir() -> Result<PathBuf, String> {
    SPEC.find()
}

/// The folder of the Ewasm vectors (`GeneralStateTests/stEWASMTests` and
/// `ewasm-benchmarking/ewasm/filled` below it): `$IRIS_EWASM_TESTS`,
/// `../shared/ewasm-tests` or `testdata/ewasm-tests`.
///
/// # Errors
///
/// None of them is a directory: the message says what to run.
pub fn ewasm_dir() -> Result<PathBuf, String> {
    EWASM.find()
}

/// [`spec_dir`], or a panic whose message says what to run (for tests).
///
/// # Panics
///
/// When [`spec_dir`] fails.
#[track_caller]
pub fn spec_dir_or_panic() -> PathBuf {
    match spec_dir() {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

/// [`ewasm_dir`], or a panic whose message says what to run (for tests).
///
/// # Panics
///
/// When [`ewasm_dir`] fails.
#[track_caller]
pub fn ewasm_dir_or_panic() -> PathBuf {
    match ewasm_dir() {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

/// Every `.json` file below `dir`, sorted.
///
/// # Errors
///
/// A folder cannot be read.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_set_names_the_command_and_the_variable() {
        let set = Set {
            what: "nothing",
            variable: "IRIS_TEST_DATA_SURELY_UNSET",
            folder: "no/such/folder/anywhere",
        };
        let e = set.find().expect_err("no such folder");
        assert!(e.contains("run `scripts/testdata.sh`"), "{e}");
        assert!(e.contains("IRIS_TEST_DATA_SURELY_UNSET"), "{e}");
    }
}
