//! A revm `Evm` that runs Wasm contracts, built from a context.

use std::sync::Arc;

use ewasm_host::Executor;
use revm::context::{Cfg, Evm};
use revm::context_interface::ContextTr;
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EthPrecompiles};
use revm::interpreter::interpreter::EthInterpreter;

use crate::precompiles::EwasmPrecompiles;

/// revm's mainnet `Evm` with Wasm contracts run on Iris: revm's
/// instructions, frames and handler, and [`EwasmPrecompiles`] around
/// revm's precompiles.
pub type EwasmEvm<CTX, INSP = ()> = Evm<
    CTX,
    INSP,
    EthInstructions<EthInterpreter, CTX>,
    EwasmPrecompiles<EthPrecompiles>,
    EthFrame<EthInterpreter>,
>;

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
        Evm::new(
            self,
            EthInstructions::new_mainnet_with_spec(spec),
            EwasmPrecompiles::new(EthPrecompiles::new(spec), executor),
        )
    }
}
