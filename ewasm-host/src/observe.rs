//! Observers: what an execution reports to whoever watches it (a profiler,
//! a tracer), as revm's `Inspector` and evmone's tracers do for EVM code.
//!
//! An observer belongs to one transaction or one top-level execution: the
//! host that runs it carries it ([`EvmHost::observer`]) and hands it to
//! every execution it runs, nested ones included, so an observer's state
//! is never shared between executions that run at the same time.
//! Without one, executions do nothing more than ask the host for it once
//! at their start and once at their end.

use std::any::Any;

use crate::{AccessStatus, Revision};
use crate::{
    Address, Bytes32, CallOutcome, EvmHost, GasProfile, Held, Message, Outcome, StorageStatus,
    TxContext, U256,
};

/// Watches executions: each method is told of one event, and does nothing
/// by default.
///
/// Events come in the order they happen: [`Observer::frame_enter`], then
/// for each nested call or create the frame makes [`Observer::call_out`],
/// the nested frame's own events, and [`Observer::call_back`]; then
/// [`Observer::frame_exit`]. An execution refused before it runs (a
/// revision before Byzantium) still enters and exits.
pub trait Observer: Any + Send {
    /// A frame begins: the message it runs, at `revision`.
    fn frame_enter(&mut self, _message: &Message, _revision: Revision) {}

    /// The running frame makes a nested call or create. `site` is its
    /// gas-profile call stack at the call (the EEI function last) when the
    /// executor profiles, else empty.
    fn call_out(&mut self, _site: &[String]) {}

    /// The nested call or create announced by the last
    /// [`Observer::call_out`] has returned.
    fn call_back(&mut self) {}

    /// The running frame calls an EEI (or `debug`) function.
    fn eei_enter(&mut self, _call: &EeiCall<'_>) {}

    /// The EEI function of the last [`Observer::eei_enter`] of this depth
    /// returned (after any nested frame it ran), or trapped.
    fn eei_leave(&mut self, _call: &EeiReturn<'_>) {}

    /// Whether the observer wants a [`Observer::gas_step`] event per
    /// metering block that runs and per operator priced by its operands.
    /// Only an executor that profiles
    /// ([`ExecConfig::profile`](crate::ExecConfig::profile)) has blocks to
    /// tell of, and telling of them makes every step leave the interpreter
    /// loop: for debugging only.
    fn wants_gas_steps(&self) -> bool {
        false
    }

    /// A metering block of the running frame ran (its charge taken), or an
    /// operator priced by its operands did, when the observer
    /// [wants them](Observer::wants_gas_steps). Between two EEI calls the
    /// frame's gas goes down by exactly these steps' costs.
    fn gas_step(&mut self, _step: &GasStep<'_>) {}

    /// A frame ended with `outcome`. `profile` is where its gas went, when
    /// the executor profiles ([`ExecConfig::profile`](crate::ExecConfig::profile))
    /// and code ran.
    fn frame_exit(&mut self, _message: &Message, _outcome: &Outcome, _profile: Option<GasProfile>) {
    }
}

/// A call of an EEI function, as an observer sees it.
#[derive(Debug, Clone, Copy)]
pub struct EeiCall<'a> {
    /// The calling frame's depth.
    pub depth: i32,
    /// The function, as imported: `ethereum.storageStore`.
    pub function: &'a str,
    /// Its arguments by their Wasm types: an `i32` (an offset, a length)
    /// as its unsigned value, an `i64` as its value.
    pub args: &'a [i64],
    /// The frame's gas before the call.
    pub gas_left: i64,
}

/// A charge of the running Wasm code, as an observer sees it.
#[derive(Debug, Clone, Copy)]
pub struct GasStep<'a> {
    /// The running frame's depth.
    pub depth: i32,
    /// The Wasm function that charged (its name from the `name` section,
    /// its export, or `func[N]`).
    pub function: &'a str,
    /// What charged.
    pub kind: GasStepKind,
    /// The frame's gas before the charge.
    pub gas_left: i64,
    /// The charge.
    pub cost: i64,
}

/// What made a [`GasStep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasStepKind {
    /// A metering block, charged before its first instruction for the
    /// static gas of its instructions.
    Block {
        /// The block's code offset: the byte offset, in the code section,
        /// of the instruction that opens it.
        offset: u32,
    },
    /// An operator priced by its operands (`memory.grow`, `memory.copy`,
    /// ...): what its operands cost, beyond its static cost.
    Operator(engine::Opcode),
}

/// The return of an EEI function, as an observer sees it.
#[derive(Debug, Clone, Copy)]
pub struct EeiReturn<'a> {
    /// The calling frame's depth.
    pub depth: i32,
    /// The function, as imported.
    pub function: &'a str,
    /// Its results, as [`EeiCall::args`] (none if it trapped).
    pub results: &'a [i64],
    /// The frame's gas after the call: what the call cost is the
    /// difference (a nested call's unused gas already given back).
    pub gas_left: i64,
    /// Whether it trapped: ran out of gas, failed, or ended the frame
    /// (`finish`, `revert`, `selfDestruct`).
    pub trapped: bool,
}

/// An observer that takes nothing in: for hosts that must answer one.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// Turns a boxed observer back into its type (`None`, and the box dropped,
/// if it is another).
pub fn downcast_observer<T: Observer>(observer: Box<dyn Observer>) -> Option<Box<T>> {
    let any: Box<dyn Any> = observer;
    any.downcast().ok()
}

/// A host with an observer added: every call goes to `host`, and
/// [`EvmHost::observer`] answers `observer`. For clients whose hosts
/// carry none (an EVMC client behind the C interface, a test's host), so
/// that one execution can still be watched.
pub struct Observed<'h> {
    host: &'h mut dyn EvmHost,
    observer: &'h mut dyn Observer,
}

impl<'h> Observed<'h> {
    /// `host`, watched by `observer`.
    pub fn new(host: &'h mut dyn EvmHost, observer: &'h mut dyn Observer) -> Self {
        Self { host, observer }
    }
}

impl EvmHost for Observed<'_> {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.host.account_exists(address)
    }
    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.host.get_storage(address, key)
    }
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.host.set_storage(address, key, value)
    }
    fn get_balance(&mut self, address: &Address) -> U256 {
        self.host.get_balance(address)
    }
    fn get_code_size(&mut self, address: &Address) -> usize {
        self.host.get_code_size(address)
    }
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        self.host.copy_code(address, offset, buffer)
    }
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        self.host.selfdestruct(address, beneficiary)
    }
    fn access_account(&mut self, address: &Address) -> AccessStatus {
        self.host.access_account(address)
    }
    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        self.host.access_storage(address, key)
    }
    fn call(&mut self, message: &Message) -> CallOutcome {
        self.host.call(message)
    }
    fn get_tx_context(&mut self) -> TxContext {
        self.host.get_tx_context()
    }
    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        self.host.get_block_hash(number)
    }
    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
        self.host.emit_log(address, data, topics);
    }
    fn held(&mut self) -> Option<&mut Held> {
        self.host.held()
    }
    fn observer(&mut self) -> Option<&mut dyn Observer> {
        Some(&mut *self.observer)
    }
}
