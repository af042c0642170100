//! A revm `Evm` that runs Wasm contracts, built from a context.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use revm::context::result::{
    EVMError, ExecutionResult, HaltReason, InvalidTransaction, ResultAndState,
};
use revm::context::{Cfg, ContextSetters, Evm};
use revm::context_interface::{ContextTr, Database, JournalTr};
use revm::handler::instructions::EthInstructions;
use revm::handler::{pre_execution, EthFrame, EthPrecompiles, Handler};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::{Address, TxKind};
use revm::state::EvmState;
use revm::{DatabaseCommit, ExecuteCommitEvm, ExecuteEvm};

use crate::handler::EwasmHandler;
use crate::precompiles::EwasmPrecompiles;
use ewasm_host::WasmRunner;

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
        self.0.precompiles.top = None;
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

impl<CTX, INSP> EwasmEvm<CTX, INSP>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>> + ContextSetters,
{
    /// Runs `tx` as one message from `sender` rather than a transaction,
    /// as an EVMC host's `execute` or `evm run` does (the transaction's
    /// caller is the origin, and the sender unless `sender` is given): its
    /// gas limit is the message's
    /// gas, all of it for the code (no intrinsic gas), no nonce checked,
    /// no gas bought, refunded or paid to the coinbase. The value moves
    /// (or the message fails for want of it), a create bumps the caller's
    /// nonce and takes its address from it, and the warm sets start as a
    /// transaction's (sender, recipient, precompiles, and from Shanghai
    /// the coinbase). Like [`ExecuteEvm::transact_one`] it leaves the
    /// state in the journal for [`ExecuteEvm::finalize`].
    ///
    /// The result's gas used is the message's gas less what it left; its
    /// refund is counted but not applied.
    ///
    /// # Errors
    ///
    /// A database error.
    pub fn transact_message(
        &mut self,
        tx: CTX::Tx,
        sender: Option<Address>,
    ) -> Result<
        ExecutionResult<HaltReason>,
        EVMError<<CTX::Db as Database>::Error, InvalidTransaction>,
    > {
        use revm::context_interface::Transaction;
        self.0.ctx.set_tx(tx);
        self.0.precompiles.top = None;
        let mut handler = match sender {
            Some(sender) => EwasmHandler::with_sender(sender),
            None => EwasmHandler::default(),
        };
        let warmed = (|| {
            pre_execution::load_accounts::<_, EVMError<_, InvalidTransaction>>(&mut self.0)?;
            let (caller, kind) = (self.0.ctx.tx().caller(), self.0.ctx.tx().kind());
            let journal = self.0.ctx.journal_mut();
            journal.load_account(caller)?;
            if let Some(sender) = sender {
                journal.load_account(sender)?;
            }
            if let TxKind::Call(target) = kind {
                journal.load_account(target)?;
            }
            Ok(())
        })();
        match warmed {
            Ok(()) => handler.run_system_call(&mut self.0),
            Err(error) => handler.catch_error(&mut self.0, error),
        }
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

    /// An `Evm` over the context that runs Wasm code with `runner` (an
    /// `Arc<ewasm_host::Executor>` for Iris in process).
    fn build_ewasm(self, runner: Arc<dyn WasmRunner>) -> EwasmEvm<Self::Context>;
}

impl<CTX: ContextTr> EwasmBuilder for CTX {
    type Context = CTX;

    fn build_ewasm(self, runner: Arc<dyn WasmRunner>) -> EwasmEvm<CTX> {
        let spec = self.cfg().spec().into();
        EwasmEvm(Evm::new(
            self,
            EthInstructions::new_mainnet_with_spec(spec),
            EwasmPrecompiles::new(EthPrecompiles::new(spec), runner),
        ))
    }
}
