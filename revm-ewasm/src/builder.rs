//! A revm `Evm` that runs Wasm contracts, built from a context.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use ewasm_host::Executor;
use revm::context::result::{
    EVMError, ExecutionResult, HaltReason, InvalidTransaction, ResultAndState,
};
use revm::context::{Cfg, ContextSetters, Evm};
use revm::context_interface::{ContextTr, Database, JournalTr};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EthPrecompiles, Handler};
use revm::interpreter::interpreter::EthInterpreter;
use revm::state::EvmState;
use revm::{DatabaseCommit, ExecuteCommitEvm, ExecuteEvm};

use crate::handler::EwasmHandler;
use crate::precompiles::EwasmPrecompiles;

/// revm's mainnet `Evm` with [`EwasmPrecompiles`] around revm's
/// precompiles: what [`EwasmEvm`] holds.
pub type MainnetEwasmEvm<CTX, INSP = ()> = Evm<
    CTX,
    INSP,
    EthInstructions<EthInterpreter, CTX>,
    EwasmPrecompiles<EthPrecompiles>,
    EthFrame<EthInterpreter>,
>;

/// A revm `Evm` whose Wasm contracts run on Iris: revm's instructions,
/// frames and precompiles, Wasm calls through [`EwasmPrecompiles`], and
/// transactions run by [`EwasmHandler`] (so Wasm init code runs on Iris
/// too). It dereferences to the revm `Evm` it holds (`evm.ctx`,
/// `evm.precompiles`), and runs transactions through revm's
/// [`ExecuteEvm`] and [`ExecuteCommitEvm`].
#[derive(Debug)]
pub struct EwasmEvm<CTX, INSP = ()>(pub MainnetEwasmEvm<CTX, INSP>);

impl<CTX, INSP> Deref for EwasmEvm<CTX, INSP> {
    type Target = MainnetEwasmEvm<CTX, INSP>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<CTX, INSP> DerefMut for EwasmEvm<CTX, INSP> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<CTX, INSP> ExecuteEvm for EwasmEvm<CTX, INSP>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>> + ContextSetters,
{
    type ExecutionResult = ExecutionResult<HaltReason>;
    type State = EvmState;
    type Error = EVMError<<CTX::Db as Database>::Error, InvalidTransaction>;
    type Tx = <CTX as ContextTr>::Tx;
    type Block = <CTX as ContextTr>::Block;

    fn set_block(&mut self, block: Self::Block) {
        self.0.ctx.set_block(block);
    }

    fn transact_one(&mut self, tx: Self::Tx) -> Result<Self::ExecutionResult, Self::Error> {
        self.0.ctx.set_tx(tx);
        EwasmHandler::default().run(&mut self.0)
    }

    fn finalize(&mut self) -> Self::State {
        self.0.ctx.journal_mut().finalize()
    }

    fn replay(&mut self) -> Result<ResultAndState<HaltReason>, Self::Error> {
        let result = EwasmHandler::default().run(&mut self.0);
        // The journal is emptied either way; its state is the result's.
        let state = self.finalize();
        result.map(|result| ResultAndState::new(result, state))
    }
}

impl<CTX, INSP> ExecuteCommitEvm for EwasmEvm<CTX, INSP>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>, Db: DatabaseCommit> + ContextSetters,
{
    fn commit(&mut self, state: Self::State) {
        self.0.ctx.db_mut().commit(state);
    }
}

/// Builds an [`EwasmEvm`] from a revm context, as revm's `MainBuilder`
/// builds its mainnet `Evm`.
pub trait EwasmBuilder: Sized {
    /// The context.
    type Context;

    /// An `Evm` over the context that runs Wasm code with `executor`.
    fn build_ewasm(self, executor: Arc<Executor>) -> EwasmEvm<Self::Context>;
}

impl<CTX: ContextTr> EwasmBuilder for CTX {
    type Context = CTX;

    fn build_ewasm(self, executor: Arc<Executor>) -> EwasmEvm<CTX> {
        let spec = self.cfg().spec().into();
        EwasmEvm(Evm::new(
            self,
            EthInstructions::new_mainnet_with_spec(spec),
            EwasmPrecompiles::new(EthPrecompiles::new(spec), executor),
        ))
    }
}
