//! revm's mainnet handler, its frame loop running Wasm creates on Iris.

use std::marker::PhantomData;

use revm::context_interface::result::{EVMError, HaltReason, InvalidTransaction};
use revm::context_interface::{ContextTr, Database, JournalTr};
use revm::handler::instructions::InstructionProvider;
use revm::handler::{EthFrame, EvmTr, FrameResult, Handler, PrecompileProvider};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::InterpreterResult;
use revm::state::EvmState;

use crate::frames::{run_frames, WasmParts};

/// revm's mainnet transaction rules (every step of revm's `Handler` as
/// revm has it) with one change: the frame loop runs a create whose init
/// code is Wasm on Iris, at the top of a transaction as below it. Calls of
/// Wasm code reach Iris through [`crate::EwasmPrecompiles`] whichever
/// handler runs them.
#[derive(Debug)]
pub struct EwasmHandler<EVM> {
    evm: PhantomData<fn() -> EVM>,
}

impl<EVM> Default for EwasmHandler<EVM> {
    fn default() -> Self {
        Self { evm: PhantomData }
    }
}

impl<EVM> Handler for EwasmHandler<EVM>
where
    EVM: EvmTr<
            Context: ContextTr<Journal: JournalTr<State = EvmState>>,
            Frame = EthFrame<EthInterpreter>,
            Precompiles: PrecompileProvider<EVM::Context, Output = InterpreterResult>,
            Instructions: InstructionProvider<
                Context = EVM::Context,
                InterpreterTypes = EthInterpreter,
            >,
        > + WasmParts,
{
    type Evm = EVM;
    type Error = EVMError<<<EVM::Context as ContextTr>::Db as Database>::Error, InvalidTransaction>;
    type HaltReason = HaltReason;

    fn run_exec_loop(
        &mut self,
        evm: &mut EVM,
        first_frame_input: FrameInit,
    ) -> Result<FrameResult, Self::Error> {
        Ok(run_frames(evm, first_frame_input)?)
    }
}
