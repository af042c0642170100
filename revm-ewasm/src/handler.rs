//! revm's mainnet handler, its frame loop running Wasm creates on Iris.

use std::marker::PhantomData;

use revm::context::{Cfg, LocalContextTr};
use revm::context_interface::result::{EVMError, HaltReason, InvalidTransaction};
use revm::context_interface::{ContextTr, Database, JournalTr};
use revm::handler::execution;
use revm::handler::instructions::InstructionProvider;
use revm::handler::{EthFrame, EvmTr, FrameResult, Handler, PrecompileProvider};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{CreateInputs, FrameInput, GasTracker, InterpreterResult, SharedMemory};
use revm::primitives::Address;
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
    /// Who sends the first frame's message, when it is not the
    /// transaction's caller (its origin): see
    /// [`crate::EwasmEvm::transact_message`].
    sender: Option<Address>,
}

impl<EVM> Default for EwasmHandler<EVM> {
    fn default() -> Self {
        Self {
            evm: PhantomData,
            sender: None,
        }
    }
}

impl<EVM> EwasmHandler<EVM> {
    /// A handler whose first frame is sent by `sender` rather than the
    /// transaction's caller, which stays the origin.
    pub fn with_sender(sender: Address) -> Self {
        Self {
            evm: PhantomData,
            sender: Some(sender),
        }
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

    fn first_frame_input(
        &mut self,
        evm: &mut EVM,
        gas: &mut GasTracker,
    ) -> Result<Option<FrameInit>, Self::Error> {
        // revm's own first frame (`Handler::first_frame_input`), its
        // sender replaced if one was given.
        let ctx = evm.ctx_mut();
        let mut memory = SharedMemory::new_with_buffer(ctx.local().shared_memory_buffer().clone());
        memory.set_memory_limit(ctx.cfg().memory_limit());
        let Some(mut frame_input) = execution::create_init_frame(ctx, gas)? else {
            return Ok(None);
        };
        if let Some(sender) = self.sender {
            match &mut frame_input {
                FrameInput::Call(inputs) => inputs.caller = sender,
                FrameInput::Create(inputs) => {
                    **inputs = CreateInputs::new(
                        sender,
                        inputs.scheme(),
                        inputs.value(),
                        inputs.init_code().clone(),
                        inputs.gas_limit(),
                        inputs.reservoir(),
                    );
                }
                FrameInput::Empty => {}
            }
        }
        Ok(Some(FrameInit {
            depth: 0,
            memory,
            frame_input,
        }))
    }

    fn run_exec_loop(
        &mut self,
        evm: &mut EVM,
        first_frame_input: FrameInit,
    ) -> Result<FrameResult, Self::Error> {
        Ok(run_frames(evm, first_frame_input)?)
    }
}
