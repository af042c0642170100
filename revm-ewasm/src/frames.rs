//! revm's frame loop, with creates whose init code is Wasm run on Iris.
//!
//! revm runs a create's init code as EVM code, and asks no provider first.
//! [`run_frames`] is revm's own loop (`Handler::run_exec_loop`) with one
//! step added: a frame input that is a create with Wasm init code is done
//! here ([`create_wasm`]) and its result handed back as revm does with a
//! frame that ends at its creation (a precompile's, a failed transfer's).
//! Only revm's safe frame methods are used.

use std::sync::Arc;

use ewasm_host::{self as ewasm, CallKind};
use revm::context::{Cfg, ContextError, Evm};
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::evm::ContextDbError;
use revm::handler::{
    return_create, EthFrame, EvmTr, FrameResult, ItemOrResult, PrecompileProvider,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CreateInputs, CreateOutcome, FrameInput, Gas, InstructionResult, InterpreterResult,
};
use revm::primitives::{Bytes, CALL_STACK_LIMIT};
use revm::state::EvmState;

use crate::host::{RevmHost, RED_ZONE, STACK_SEGMENT};
use crate::precompiles::{interpreter_result, EwasmPrecompiles, TopFrame};

/// An EVM whose Wasm code runs on Iris: it lends its context and the
/// provider that runs Wasm frames.
pub trait WasmParts {
    /// The context Wasm frames work on.
    type Ctx: ContextTr<Journal: JournalTr<State = EvmState>>;
    /// The real precompiles.
    type Inner: PrecompileProvider<Self::Ctx, Output = InterpreterResult>;

    /// The context and the Wasm provider.
    fn wasm_parts(&mut self) -> (&mut Self::Ctx, &mut EwasmPrecompiles<Self::Inner>);
}

impl<CTX, INSP, I, P> WasmParts for Evm<CTX, INSP, I, EwasmPrecompiles<P>, EthFrame<EthInterpreter>>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    type Ctx = CTX;
    type Inner = P;

    fn wasm_parts(&mut self) -> (&mut CTX, &mut EwasmPrecompiles<P>) {
        (&mut self.ctx, &mut self.precompiles)
    }
}

/// Runs the frame `first` and the frames it makes to the end, as revm's
/// `Handler::run_exec_loop` does, creates with Wasm init code on Iris.
///
/// # Errors
///
/// A database error (or a custom one) that revm's frames return.
pub(crate) fn run_frames<EVM>(
    evm: &mut EVM,
    first: FrameInit,
) -> Result<FrameResult, ContextDbError<EVM::Context>>
where
    EVM: EvmTr<Frame = EthFrame<EthInterpreter>> + WasmParts,
{
    if let Some(result) = create_if_wasm(evm, &first) {
        return Ok(result);
    }
    if let ItemOrResult::Result(result) = evm.frame_init(first)? {
        return Ok(result);
    }
    loop {
        let result = match evm.frame_run()? {
            ItemOrResult::Item(init) => match create_if_wasm(evm, &init) {
                Some(result) => result,
                None => match evm.frame_init(init)? {
                    ItemOrResult::Item(_) => continue,
                    ItemOrResult::Result(result) => result,
                },
            },
            ItemOrResult::Result(result) => result,
        };
        if let Some(result) = evm.frame_return_result(result)? {
            return Ok(result);
        }
    }
}

/// The result of `init` if it is a create whose init code is Wasm, run on
/// Iris; `None` for anything else.
fn create_if_wasm<EVM: WasmParts>(evm: &mut EVM, init: &FrameInit) -> Option<FrameResult> {
    let FrameInput::Create(inputs) = &init.frame_input else {
        return None;
    };
    if !crate::is_wasm(inputs.init_code()) {
        return None;
    }
    let (context, precompiles) = evm.wasm_parts();
    Some(FrameResult::Create(create_wasm(
        context,
        precompiles,
        inputs,
        init.depth,
    )))
}

/// A create whose init code is Wasm, `depth` deep: done as revm's create
/// frame does it (depth, balance, nonce, address, the new account's
/// checkpoint and value), the init code run on Iris, and the code
/// deposited by revm's rules ([`return_create`]: size limit, EIP-3541,
/// deposit gas, commit or revert).
pub(crate) fn create_wasm<CTX, P>(
    context: &mut CTX,
    precompiles: &mut EwasmPrecompiles<P>,
    inputs: &CreateInputs,
    depth: usize,
) -> CreateOutcome
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    let limit = inputs.gas_limit();
    let early = |result| {
        let result = InterpreterResult {
            result,
            output: Bytes::new(),
            gas: Gas::new(limit),
        };
        CreateOutcome::new(result, None)
    };
    if depth > CALL_STACK_LIMIT as usize {
        return early(InstructionResult::CallTooDeep);
    }
    let caller = inputs.caller();
    let value = inputs.value();
    let spec = context.cfg().spec().into();
    // The caller's balance and nonce: the nonce before the bump, or how
    // the create ends early.
    let loaded = context
        .journal_mut()
        .load_account_mut(caller)
        .map(|mut account| {
            let nonce = account.nonce();
            if *account.balance() < value {
                Err(InstructionResult::OutOfFunds)
            } else if !account.bump_nonce() {
                Err(InstructionResult::Return)
            } else {
                Ok(nonce)
            }
        })
        .unwrap_or_else(|error| {
            *context.error() = Err(ContextError::Db(error));
            Err(InstructionResult::FatalExternalError)
        });
    let nonce = match loaded {
        Ok(nonce) => nonce,
        Err(result) => return early(result),
    };
    let created = inputs.created_address(nonce);
    if let Err(error) = context.journal_mut().load_account(created) {
        *context.error() = Err(ContextError::Db(error));
        return early(InstructionResult::FatalExternalError);
    }
    let journal = context.journal_mut();
    let checkpoint = match journal.create_account_checkpoint(caller, created, value, spec) {
        Ok(checkpoint) => checkpoint,
        Err(error) => return early(error.into()),
    };
    let message = ewasm::Message {
        kind: CallKind::Create,
        is_static: false,
        depth: i32::try_from(depth).unwrap_or(i32::MAX),
        gas: i64::try_from(limit).unwrap_or(i64::MAX),
        recipient: crate::convert::to_address(created),
        sender: crate::convert::to_address(caller),
        input: Vec::new().into(),
        value: crate::convert::to_u256(value),
        code_address: crate::convert::to_address(created),
        delegated: false,
    };
    let outcome = match crate::convert::revision(spec) {
        Some(revision) => {
            let runner = Arc::clone(&precompiles.runner);
            let mut host = RevmHost::new(&mut *context, precompiles);
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                runner.run(&mut host, revision, &message, inputs.init_code())
            })
        }
        None => ewasm::Outcome::failed(ewasm::Status::Rejected),
    };
    precompiles.note(depth, &outcome);
    let returned = (outcome.status == ewasm::Status::Success).then_some(outcome.output.len());
    let mut result = interpreter_result(limit, outcome);
    let gas_left = result.gas.remaining();
    return_create(context, checkpoint, &mut result, created);
    if let (0, Some(size)) = (depth, returned) {
        if let Some(why) = deposit_failure(context, &result, size, gas_left) {
            precompiles.top = Some(TopFrame {
                status: ewasm::Status::Success,
                reason: Some(why),
            });
        }
    }
    CreateOutcome::new(result, Some(created))
}

/// Why revm refused to deploy the `size` bytes that init code returned
/// with `gas_left`, if it did (`result` is the create's, after
/// [`return_create`]).
fn deposit_failure<CTX: ContextTr>(
    context: &CTX,
    result: &InterpreterResult,
    size: usize,
    gas_left: u64,
) -> Option<ewasm::FailureReason> {
    let failure = match result.result {
        InstructionResult::CreateContractSizeLimit => ewasm::MessageFailure::CodeTooLarge {
            size,
            max: context.cfg().max_code_size(),
        },
        InstructionResult::OutOfGas => ewasm::MessageFailure::DepositOutOfGas {
            deposit: i64::try_from(context.cfg().gas_params().code_deposit_cost(size))
                .unwrap_or(i64::MAX),
            gas_left: i64::try_from(gas_left).unwrap_or(i64::MAX),
        },
        _ => return None,
    };
    Some(ewasm::FailureReason::Message(failure))
}
