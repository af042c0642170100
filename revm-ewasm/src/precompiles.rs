//! Where revm hands a call to Iris: a precompile provider that runs the
//! code of a called account when it is Wasm.
//!
//! revm asks its precompile provider about every call after it has made
//! the frame's checkpoint and moved the value, and before it looks at the
//! code ([`PrecompileProvider::run`]). [`EwasmPrecompiles`] answers the
//! real precompiles through the provider it wraps, then runs code that
//! starts with `\0asm` on Iris and leaves everything else to revm's EVM.
//! revm commits the frame's checkpoint if the result is a success and
//! reverts it otherwise, as for any frame.

use std::sync::Arc;

use ewasm_host::{CallKind, FailureReason, Held, Message, Observer, Outcome, Status};
use revm::context::Cfg;
use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, CallScheme, Gas, InterpreterResult};
use revm::primitives::{Address, AddressSet, Bytes};
use revm::state::EvmState;

use crate::convert;
use crate::host::RevmHost;
use ewasm_host::WasmRunner;

/// A precompile provider that runs Wasm contracts on Iris.
///
/// It wraps the provider of the real precompiles (`P`, by default revm's
/// [`EthPrecompiles`]) and a [`WasmRunner`] (shared: an
/// [`ewasm_host::Executor`] with its compiled contract cache, or another
/// VM). Put it in a revm `Evm` with `with_precompiles`, or build one with
/// [`crate::EwasmBuilder::build_ewasm`].
pub struct EwasmPrecompiles<P = EthPrecompiles> {
    /// The real precompiles.
    pub(crate) inner: P,
    /// What runs Wasm code.
    pub(crate) runner: Arc<dyn WasmRunner>,
    /// What the Wasm frames waiting on a nested call hold (memory pages,
    /// table elements), across EVM frames between them: the execution caps
    /// of `ExecConfig::max_execution_pages` bound all of a transaction's
    /// Wasm frames together.
    pub(crate) held: Held,
    /// How the transaction's own frame ended, when its code (or init
    /// code) was Wasm.
    pub(crate) top: Option<TopFrame>,
    /// Who watches the Wasm frames (every host of every frame hands it
    /// to the runner).
    pub(crate) observer: Option<Box<dyn Observer>>,
}

impl<P: std::fmt::Debug> std::fmt::Debug for EwasmPrecompiles<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EwasmPrecompiles")
            .field("inner", &self.inner)
            .field("held", &self.held)
            .field("top", &self.top)
            .field("observed", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl<P> EwasmPrecompiles<P> {
    /// Runs Wasm code with `runner`, real precompiles through `inner`.
    pub fn new(inner: P, runner: Arc<dyn WasmRunner>) -> Self {
        Self {
            inner,
            runner,
            held: Held::default(),
            top: None,
            observer: None,
        }
    }

    /// Has `observer` watch every Wasm frame from now on (nested ones
    /// included), in place of any other.
    pub fn set_observer(&mut self, observer: Box<dyn Observer>) {
        self.observer = Some(observer);
    }

    /// Takes the observer back (see [`ewasm_host::downcast_observer`]).
    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.observer.take()
    }

    /// What runs Wasm code.
    pub fn runner(&self) -> &Arc<dyn WasmRunner> {
        &self.runner
    }

    /// Takes how the last transaction's own frame ended on Iris, when
    /// its code (or init code) was Wasm: `None` when it was EVM code or
    /// never ran (the value could not be paid, say).
    pub fn take_top_frame(&mut self) -> Option<TopFrame> {
        self.top.take()
    }

    /// Keeps how a frame `depth` deep ended if it is the transaction's own
    /// (depth 0).
    pub(crate) fn note(&mut self, depth: usize, outcome: &Outcome) {
        if depth == 0 {
            self.top = Some(TopFrame {
                status: outcome.status,
                reason: outcome.reason.as_deref().cloned(),
            });
        }
    }
}

/// How the transaction's own Wasm frame ended: for people (a command
/// line, a debugger), never part of the state or the gas, which revm's
/// result gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopFrame {
    /// Iris's status, finer than revm's halt reasons.
    pub status: Status,
    /// Why it failed, when it did and the runner said; or why revm
    /// refused to deploy the code its init code returned (then `status`
    /// is the init code's, a success).
    pub reason: Option<FailureReason>,
}

impl<CTX, P> PrecompileProvider<CTX> for EwasmPrecompiles<P>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        self.inner.set_spec(spec)
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        // A precompile's address runs the precompile, whatever code it has.
        if let Some(result) = self.inner.run(context, inputs)? {
            return Ok(Some(result));
        }
        let code = inputs.known_bytecode.1.original_bytes();
        if !crate::is_wasm(&code) {
            return Ok(None);
        }
        Ok(Some(run_call(self, context, inputs, &code)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        self.inner.warm_addresses()
    }

    fn contains(&self, address: &Address) -> bool {
        self.inner.contains(address)
    }
}

/// Runs the Wasm `code` of the call `inputs` on Iris, against `context`.
fn run_call<CTX, P>(
    precompiles: &mut EwasmPrecompiles<P>,
    context: &mut CTX,
    inputs: &CallInputs,
    code: &[u8],
) -> InterpreterResult
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    let kind = match inputs.scheme {
        CallScheme::Call | CallScheme::StaticCall => CallKind::Call,
        CallScheme::CallCode => CallKind::CallCode,
        CallScheme::DelegateCall => CallKind::DelegateCall,
    };
    // revm made this frame's checkpoint before asking: the journal is one
    // deeper than the frame.
    let depth = context.journal_mut().depth().saturating_sub(1);
    let message = Message {
        kind,
        is_static: inputs.is_static,
        depth: i32::try_from(depth).unwrap_or(i32::MAX),
        gas: i64::try_from(inputs.gas_limit).unwrap_or(i64::MAX),
        recipient: convert::to_address(inputs.target_address),
        sender: convert::to_address(inputs.caller),
        input: inputs.input.bytes(context).0.into(),
        value: convert::to_u256(inputs.call_value()),
        code_address: convert::to_address(inputs.bytecode_address),
        // What runs here is the frame's own code: no precompile to skip.
        delegated: false,
    };
    let Some(revision) = convert::revision(context.cfg().spec().into()) else {
        return interpreter_result(inputs.gas_limit, Outcome::failed(Status::Rejected));
    };
    let runner = Arc::clone(&precompiles.runner);
    let mut host = RevmHost::new(context, precompiles);
    let outcome = runner.run(&mut host, revision, &message, code);
    precompiles.note(depth, &outcome);
    interpreter_result(inputs.gas_limit, outcome)
}

/// What revm sees of a Wasm frame that was given `limit` gas and ended
/// with `outcome`: its gas, and as its refund the outcome's `gas_refund`
/// (the EEI's count at the frame's revision, its successful nested
/// frames' included), which revm adds to the caller's as for any frame
/// and caps by its fork at the end of the transaction.
pub(crate) fn interpreter_result(limit: u64, outcome: Outcome) -> InterpreterResult {
    InterpreterResult {
        result: convert::instruction_result(outcome.status),
        gas: frame_gas(limit, &outcome),
        output: Bytes::from(outcome.output),
    }
}

/// The gas of a frame given `limit` that ended with `outcome`: what it
/// did not use (nothing unless it succeeded or reverted), and its refund
/// if it succeeded.
fn frame_gas(limit: u64, outcome: &Outcome) -> Gas {
    let mut gas = Gas::new(limit);
    let left = if outcome.status.keeps_gas() {
        u64::try_from(outcome.gas_left).unwrap_or(0).min(limit)
    } else {
        0
    };
    if !gas.record_regular_cost(limit - left) {
        gas.spend_all();
    }
    if outcome.status == Status::Success {
        gas.record_refund(outcome.gas_refund);
    }
    gas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_keeps_the_gas_it_left_and_its_refund_only_on_success() {
        let ended = |status, gas_left| Outcome {
            status,
            gas_left,
            gas_refund: 30,
            output: Vec::new(),
            reason: None,
        };
        let gas = frame_gas(1_000, &ended(Status::Success, 400));
        assert_eq!((gas.remaining(), gas.refunded()), (400, 30));
        let gas = frame_gas(1_000, &ended(Status::Revert, 400));
        assert_eq!((gas.remaining(), gas.refunded()), (400, 0));
        let gas = frame_gas(1_000, &ended(Status::Failure, 400));
        assert_eq!((gas.remaining(), gas.refunded()), (0, 0));
    }
}
