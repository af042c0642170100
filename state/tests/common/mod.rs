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

/// The call data of each `;; EXPECT: input=0x…` line of a sample
/// contract (none: empty), read by `test_support::expect`.
#[allow(dead_code)]
pub(crate) fn inputs(text: &str) -> Vec<Vec<u8>> {
    test_support::expect::find(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|found| {
            found
                .expect
                .bytes("input")
                .unwrap_or_else(|e| panic!("line {}: {e}", found.line + 1))
                .unwrap_or_default()
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

/// The address of the contract `sender` creates with `nonce`:
/// keccak256(rlp([sender, nonce]))[12..], computed by alloy-primitives
/// (independently of revm, which the tests check).
#[allow(dead_code)]
pub(crate) fn create_address(sender: &ewasm_host::Address, nonce: u64) -> ewasm_host::Address {
    ewasm_host::Address(
        alloy_primitives::Address::from(sender.0)
            .create(nonce)
            .into_array(),
    )
}

/// A runner around another that runs the message's own frame (the one
/// revm runs at depth 0) as a frame `depth` deep and, if `is_static`, in
/// a static context: the message an EVMC host would send from there,
/// which a session's messages (always at depth 0, never static) cannot
/// be. Its nested frames inherit both through Iris's own messages. It
/// keeps how that frame ended ([`Placed::top`]), with the refund Iris
/// counted, which a session's report does not carry.
#[allow(dead_code)]
pub(crate) struct Placed {
    inner: std::sync::Arc<dyn state::Runner>,
    is_static: bool,
    depth: i32,
    top: std::sync::Mutex<Option<ewasm_host::Outcome>>,
}

#[allow(dead_code)]
impl Placed {
    /// `inner`, the message's frame placed `depth` deep, static if
    /// `is_static`.
    pub(crate) fn new(
        inner: std::sync::Arc<dyn state::Runner>,
        is_static: bool,
        depth: i32,
    ) -> Self {
        Self {
            inner,
            is_static,
            depth,
            top: std::sync::Mutex::new(None),
        }
    }

    /// How the message's own frame ended, if it ran on Iris.
    pub(crate) fn top(&self) -> Option<ewasm_host::Outcome> {
        self.top.lock().expect("not poisoned").clone()
    }
}

impl state::Runner for Placed {
    fn run(
        &self,
        host: &mut dyn ewasm_host::EvmHost,
        revision: ewasm_host::Revision,
        message: &ewasm_host::Message,
        code: &[u8],
    ) -> ewasm_host::Outcome {
        if message.depth != 0 {
            return self.inner.run(host, revision, message, code);
        }
        let placed = ewasm_host::Message {
            is_static: message.is_static || self.is_static,
            depth: self.depth,
            ..message.clone()
        };
        let outcome = self.inner.run(host, revision, &placed, code);
        *self.top.lock().expect("not poisoned") = Some(outcome.clone());
        outcome
    }
}
