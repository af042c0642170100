//! Running one contract in a fresh world, message by message: what
//! `iris run` and the contract fixtures do. Each call is one message run
//! by revm's rules of the session's fork ([`crate::evm`]).

use std::sync::Arc;

use ewasm_host::{Address, FailureReason, Observer, Status, TxContext, U256};
use revm::context::TxEnv;
use revm::primitives::{Bytes, TxKind};

use crate::evm::{database, evm, run, snapshot, Env, Evm, Kind, NoSuchFork};
use crate::world::{Account, Log, World};
use crate::{Runner, TxError};

/// Where the contract lives.
pub const CONTRACT: Address = Address([
    0xc0, 0xde, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
]);
/// Who calls it: an account with a large balance.
pub const CALLER: Address = Address([
    0xca, 0x11, 0xe7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
]);

/// One call of a session.
#[derive(Debug, Clone)]
pub struct Call {
    /// Call data.
    pub input: Vec<u8>,
    /// Gas given.
    pub gas: i64,
    /// Value sent.
    pub value: U256,
}

/// What one call did.
///
/// Two reports are equal when status, gas used, output, logs and the
/// created address are: the [`reason`](CallReport::reason) is not
/// compared (see [`CallReport::same_with_reason`]).
#[derive(Debug, Clone)]
pub struct CallReport {
    /// How it ended.
    pub status: Status,
    /// Gas used (all of it unless success or revert).
    pub gas_used: i64,
    /// Output.
    pub output: Vec<u8>,
    /// Logs it emitted (none unless it succeeded).
    pub logs: Vec<Log>,
    /// Why it failed, when it did and the runner said.
    pub reason: Option<FailureReason>,
    /// For a successful create: the new contract's address.
    pub created: Option<Address>,
}

// The reason is diagnostic, not consensus (as for `Outcome`): left out of
// `==` so that runs through different runners (Iris in process, an EVMC
// library that says nothing) compare equal when they agree on the state.
impl PartialEq for CallReport {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.gas_used == other.gas_used
            && self.output == other.output
            && self.logs == other.logs
            && self.created == other.created
    }
}

impl Eq for CallReport {}

impl CallReport {
    /// Whether `self` and `other` are equal and also give the same
    /// [`reason`](CallReport::reason) (which `==` does not compare).
    pub fn same_with_reason(&self, other: &Self) -> bool {
        self == other && self.reason == other.reason
    }
}

/// The initial balance of [`CALLER`] in a fresh session, and of any caller
/// a session's world does not hold: 10^24 wei.
pub fn caller_balance() -> U256 {
    U256::from(10u64).pow(24.into())
}

/// A contract in a fresh world, called again and again: each call a
/// message (no intrinsic gas, no nonce, no gas bought: what an EVMC host
/// or `evm run` does), its changes kept for the next.
pub struct Session {
    /// revm over the session's state, or why it cannot run.
    evm: Result<Evm, (NoSuchFork, World)>,
    env: Env,
    /// Where the contract is.
    pub address: Address,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("address", &self.address)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

/// The block every session runs in, at Byzantium (Hera's prices).
pub fn default_env() -> Env {
    Env {
        tx: TxContext {
            gas_price: U256::one(),
            origin: CALLER,
            coinbase: Address([0xc0; 20]),
            number: 1,
            timestamp: 1_000,
            gas_limit: 100_000_000,
            difficulty: U256::from(0x2_0000u64),
            chain_id: U256::one(),
        },
        revision: ewasm_host::Revision::Byzantium,
    }
}

impl Session {
    /// Puts `code` at [`CONTRACT`] in a fresh world, in the block of
    /// [`default_env`].
    pub fn new(code: Vec<u8>, runner: Arc<dyn Runner>) -> Self {
        let mut world = World::default();
        world.insert(CALLER, Account::with_balance(caller_balance()));
        world.insert(
            CONTRACT,
            Account {
                code: Arc::new(code),
                ..Account::default()
            },
        );
        Self::in_world(world, default_env(), CONTRACT, runner)
    }

    /// A session over `world` in block `env`, calling the contract at
    /// `address` (whatever code the world holds there).
    ///
    /// At a fork revm does not implement (Constantinople) every call is
    /// refused with the reason.
    pub fn in_world(world: World, env: Env, address: Address, runner: Arc<dyn Runner>) -> Self {
        let evm = match evm(database(&world), &env, runner) {
            Ok(evm) => Ok(evm),
            Err(no_fork) => Err((no_fork, world)),
        };
        Self { evm, env, address }
    }

    /// Runs `init` as init code from [`CALLER`]; the session then calls the
    /// new contract. Gives the creation's report.
    pub fn create(init: Vec<u8>, gas: i64, runner: Arc<dyn Runner>) -> (Self, CallReport) {
        let mut world = World::default();
        world.insert(CALLER, Account::with_balance(caller_balance()));
        let mut session = Self::in_world(world, default_env(), CONTRACT, runner);
        let report = session.deploy(
            CALLER,
            &Call {
                input: init,
                gas,
                value: U256::zero(),
            },
        );
        (session, report)
    }

    /// The fork the session runs at.
    pub fn revision(&self) -> ewasm_host::Revision {
        self.env.revision
    }

    /// Runs `call.input` as init code from `sender` with `call.value`: the
    /// new contract's address follows from the sender's nonce. On success
    /// the session calls the new contract from then on, and the report
    /// carries its address.
    pub fn deploy(&mut self, sender: Address, call: &Call) -> CallReport {
        let report = self.run(sender, TxKind::Create, call);
        if let Some(address) = report.created {
            self.address = address;
        }
        report
    }

    /// Calls the contract from [`CALLER`].
    pub fn call(&mut self, call: &Call) -> CallReport {
        self.call_from(CALLER, call)
    }

    /// Calls the contract from `sender`.
    pub fn call_from(&mut self, sender: Address, call: &Call) -> CallReport {
        let to = TxKind::Call(revm::primitives::Address::from(self.address.0));
        self.run(sender, to, call)
    }

    /// Runs a message and reports it.
    fn run(&mut self, sender: Address, to: TxKind, call: &Call) -> CallReport {
        let gas = u64::try_from(call.gas).unwrap_or(0);
        let Ok(gas_price) = u128::try_from(self.env.tx.gas_price) else {
            return refused(call.gas, TxError::GasPriceOverflow(self.env.tx.gas_price));
        };
        let mut tx = TxEnv::builder()
            .caller(revm::primitives::Address::from(self.env.tx.origin.0))
            .gas_price(gas_price)
            .gas_limit(gas)
            .kind(to)
            .value(revm::primitives::U256::from_be_bytes(
                call.value.to_big_endian(),
            ))
            .data(Bytes::from(call.input.clone()))
            .build_fill();
        tx.chain_id = Some(self.env.tx.chain_id.low_u64());
        let evm = match &mut self.evm {
            Ok(evm) => evm,
            Err((no_fork, _)) => return refused(call.gas, TxError::Fork(*no_fork)),
        };
        let kind = Kind::Message(revm::primitives::Address::from(sender.0));
        match run(evm, tx, kind) {
            (logs, Ok(ended)) => CallReport {
                status: ended.status,
                gas_used: i64::try_from(ended.gas_used).unwrap_or(i64::MAX),
                output: ended.output,
                logs,
                reason: ended.reason,
                created: ended.created,
            },
            (_, Err(why)) => refused(call.gas, why),
        }
    }

    /// Has `observer` watch every Wasm frame of the session's calls from
    /// now on (nested ones included), in place of any other. A session
    /// that cannot run (no such fork) runs nothing to watch.
    pub fn observe(&mut self, observer: Box<dyn Observer>) {
        if let Ok(evm) = &mut self.evm {
            evm.precompiles.set_observer(observer);
        }
    }

    /// Takes the observer back (see [`ewasm_host::downcast_observer`]).
    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        match &mut self.evm {
            Ok(evm) => evm.precompiles.take_observer(),
            Err(_) => None,
        }
    }

    /// The world, to inspect.
    pub fn world(&self) -> World {
        match &self.evm {
            Ok(evm) => snapshot(&evm.ctx.journaled_state.database),
            Err((_, world)) => world.clone(),
        }
    }

    /// The world, to keep (for example, to write it to a state file).
    pub fn into_world(self) -> World {
        match self.evm {
            Ok(evm) => snapshot(&evm.ctx.journaled_state.database),
            Err((_, world)) => world,
        }
    }
}

/// The report of a message revm refused before running it (`why`): a
/// failure that used all its gas.
fn refused(gas: i64, why: TxError) -> CallReport {
    CallReport {
        status: Status::Rejected,
        gas_used: gas,
        output: Vec::new(),
        logs: Vec::new(),
        reason: Some(FailureReason::Internal(why.to_string())),
        created: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(created: Option<Address>, reason: Option<FailureReason>) -> CallReport {
        CallReport {
            status: Status::Success,
            gas_used: 1,
            output: Vec::new(),
            logs: Vec::new(),
            reason,
            created,
        }
    }

    #[test]
    fn reports_differ_by_the_created_address_but_not_by_the_reason() {
        let a = report(Some(Address([1; 20])), None);
        assert_ne!(a, report(Some(Address([2; 20])), None));
        assert_ne!(a, report(None, None));
        let why = report(Some(Address([1; 20])), Some(FailureReason::NotWasm));
        assert_eq!(a, why, "the reason is diagnostic");
        assert!(!a.same_with_reason(&why));
        assert!(a.same_with_reason(&a.clone()));
    }

    fn executor() -> Arc<dyn Runner> {
        Arc::new(ewasm_host::Executor::new(ewasm_host::ExecConfig::trusted()).expect("an executor"))
    }

    fn call() -> Call {
        Call {
            input: Vec::new(),
            gas: 100_000,
            value: U256::zero(),
        }
    }

    #[test]
    fn a_gas_price_revm_cannot_hold_refuses_the_call_and_changes_nothing() {
        let mut env = default_env();
        env.tx.gas_price = U256::one() << 128;
        let mut world = World::default();
        world.insert(CALLER, Account::with_balance(caller_balance()));
        let mut session = Session::in_world(world.clone(), env, CONTRACT, executor());
        let report = session.call(&call());
        assert_eq!(report.status, Status::Rejected);
        assert_eq!(report.gas_used, 100_000);
        let why = report.reason.map(|r| r.to_string()).unwrap_or_default();
        assert!(why.contains("over 128 bits"), "{why}");
        assert_eq!(session.into_world(), world);
    }

    #[test]
    fn at_constantinople_every_call_is_refused_and_the_world_kept() {
        let mut env = default_env();
        env.revision = ewasm_host::Revision::Constantinople;
        let mut world = World::default();
        world.insert(CALLER, Account::with_balance(caller_balance()));
        let mut session = Session::in_world(world.clone(), env, CONTRACT, executor());
        let report = session.call(&call());
        assert_eq!(report.status, Status::Rejected);
        let why = report.reason.map(|r| r.to_string()).unwrap_or_default();
        assert!(why.contains("run Petersburg"), "{why}");
        assert_eq!(session.into_world(), world);
    }
}
