//! The ewasm-benchmarking contracts as ordinary workloads: the contract
//! each benchmarking state test calls, with the call data it passes
//! (recorded by running the test once).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ewasm_host::{EvmHost, ExecConfig, Executor, Message, Outcome, Revision};
use state::{statetest, Runner};

/// The benchmarking vectors used as kernels.
pub const KERNELS: &[&str] = &[
    "sha256_rust",
    "keccak256_rhash",
    "blake2b_ref",
    "ecadd_rust",
    "mul256",
    "wrc20_C",
];

/// Where the filled benchmarking vectors are: `ewasm-benchmarking/ewasm/filled`
/// in `$IRIS_EWASM_TESTS`, `../shared/ewasm-tests` or `testdata/ewasm-tests`.
///
/// # Errors
///
/// None of them exists: the message says what to run.
pub fn vectors_dir() -> Result<PathBuf, String> {
    Ok(test_data::ewasm_dir()?.join("ewasm-benchmarking/ewasm/filled"))
}

/// A runner that remembers the first message sent to another contract
/// (depth 1) and its code.
struct Recorder {
    executor: Executor,
    callee: Mutex<Option<(Vec<u8>, Vec<u8>)>>,
}

impl Runner for Recorder {
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        if message.depth == 1 {
            if let Ok(mut callee) = self.callee.lock() {
                callee.get_or_insert_with(|| (code.to_vec(), message.input.to_vec()));
            }
        }
        self.executor.run(host, revision, message, code)
    }
}

/// The contract kernel `name` calls, and the call data it passes.
///
/// # Errors
///
/// The vector cannot be read, or calls no contract.
pub fn kernel(name: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let path = vectors_dir()?.join(format!("{name}.json"));
    let cases = statetest::parse_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let case = cases.cases.first().ok_or("the vector has no case")?;
    let executor = Executor::new(ExecConfig::trusted()).map_err(|e| e.to_string())?;
    let recorder = Arc::new(Recorder {
        executor,
        callee: Mutex::new(None),
    });
    let runner: Arc<dyn Runner> = recorder.clone();
    statetest::run(case, &runner);
    let callee = recorder
        .callee
        .lock()
        .map_err(|_| "poisoned".to_string())?
        .take();
    callee.ok_or_else(|| format!("{name}: the test calls no contract"))
}
