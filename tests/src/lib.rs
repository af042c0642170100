//! Helpers of the end-to-end tests: finding the built `libiris.so`,
//! running the Wasm frames of revm's transactions and messages through it
//! (`LoadedVm` is a `state::Runner`), and a host that records what the VM asks of it
//! ([`RecordingHost`]).

use std::path::PathBuf;
use std::sync::Arc;

use evmc_client::LoadedVm;
use state::Runner;

mod recording;

pub use recording::RecordingHost;

/// The `libiris.so` of the build these tests belong to: next to the test
/// binary's `deps` directory.
///
/// # Panics
///
/// If it is not there (build the workspace, or `-p evmc-binding`, first).
pub fn library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .map(|dir| dir.join("libiris.so"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "libiris.so not found near {}: build it with `cargo build -p evmc-binding` \
                 in the same profile",
                exe.display()
            )
        })
}

/// Loads `libiris.so`.
///
/// # Panics
///
/// If it does not load.
pub fn load() -> LoadedVm {
    LoadedVm::load(&library_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// `libiris.so` with metering off (`metering=false`): Hera's trusted-code
/// mode, the rule the Ewasm vectors were filled by, so that gas compares
/// exactly with the in-process trusted executor.
pub fn load_trusted() -> LoadedVm {
    let vm = load();
    assert_eq!(vm.set_option("metering", "false"), Ok(()), "metering=false");
    vm
}

/// A runner over a freshly loaded `libiris.so`, metering off (as
/// [`load_trusted`]).
pub fn runner() -> Arc<dyn Runner> {
    Arc::new(load_trusted())
}

/// Every vector file (`.json`) of the Ewasm state tests
/// (`IRIS_EWASM_TESTS`, `../shared/ewasm-tests` or `testdata/ewasm-tests`:
/// see the `test-data` crate), sorted.
///
/// # Panics
///
/// If no vectors are found (the message names the command that fetches
/// them).
pub fn vector_files() -> Vec<PathBuf> {
    let dir = test_data::ewasm_dir_or_panic();
    test_data::json_files(&dir).unwrap_or_else(|e| panic!("{e}"))
}
