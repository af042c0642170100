//! What runs a Wasm frame's code: Iris in process, or any other Ewasm VM
//! behind the same host interface (an EVMC library, a profiling executor).

use crate::{EvmHost, Executor, Message, Outcome, Revision};

/// Runs the code of one Wasm frame against a host.
///
/// [`Executor`] is the runner of Iris in process; a loaded EVMC VM
/// (`evmc_client::LoadedVm`) or a profiling wrapper implements it too, so
/// that a host (revm's, through `revm-ewasm`) runs Wasm code through any
/// of them.
pub trait WasmRunner: Send + Sync {
    /// Runs `code` for `message` at `revision`, its EEI calls answered by
    /// `host`.
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome;
}

impl WasmRunner for Executor {
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        self.execute(host, revision, message, code)
    }
}
