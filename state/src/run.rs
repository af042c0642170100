//! Running one contract in a fresh world: what `iris run` and the contract
//! fixtures do.

use std::sync::Arc;

use ewasm_host::{Address, CallKind, FailureReason, Message, Status, TxContext, U256};

use crate::host::{Env, Runner, WorldHost};
use crate::world::{Account, Log, World};

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

/// A contract in a fresh world, called again and again.
pub struct Session {
    host: WorldHost,
    /// Where the contract is.
    pub address: Address,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// The block every session runs in.
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
    /// Puts `code` at [`CONTRACT`] in a fresh world.
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
        Self {
            host: WorldHost::new(world, Arc::new(default_env()), runner),
            address: CONTRACT,
        }
    }

    /// A session over `world` in block `env`, calling the contract at
    /// `address` (whatever code the world holds there).
    pub fn in_world(world: World, env: Env, address: Address, runner: Arc<dyn Runner>) -> Self {
        Self {
            host: WorldHost::new(world, Arc::new(env), runner),
            address,
        }
    }

    /// Runs `init` as init code from [`CALLER`]; the session then calls the
    /// new contract. Gives the creation's report.
    pub fn create(init: Vec<u8>, gas: i64, runner: Arc<dyn Runner>) -> (Self, CallReport) {
        let mut session = Self::new(Vec::new(), runner);
        session.host.world.remove(&CONTRACT);
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

    /// Runs `call.input` as init code from `sender` with `call.value`: the
    /// new contract's address follows from the sender's nonce. On success
    /// the session calls the new contract from then on, and the report
    /// carries its address.
    pub fn deploy(&mut self, sender: Address, call: &Call) -> CallReport {
        let message = Message {
            kind: CallKind::Create,
            is_static: false,
            depth: 0,
            gas: call.gas,
            recipient: Address::default(),
            sender,
            input: call.input.clone(),
            value: call.value,
            code_address: Address::default(),
            delegated: false,
        };
        let mut report = self.run(&message);
        if let Some(address) = report.created {
            self.address = address;
        }
        report.created = report.created.filter(|_| report.status == Status::Success);
        report
    }

    /// Calls the contract from [`CALLER`].
    pub fn call(&mut self, call: &Call) -> CallReport {
        self.call_from(CALLER, call)
    }

    /// Calls the contract from `sender`.
    pub fn call_from(&mut self, sender: Address, call: &Call) -> CallReport {
        let message = Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: call.gas,
            recipient: self.address,
            sender,
            input: call.input.clone(),
            value: call.value,
            code_address: self.address,
            delegated: false,
        };
        self.run(&message)
    }

    /// Runs a transaction-level message and reports it.
    fn run(&mut self, message: &Message) -> CallReport {
        let logs_before = self.host.world.logs().len();
        let outcome = self.host.run_message(message);
        let reason = self.host.take_reason();
        CallReport {
            status: outcome.status,
            gas_used: message.gas - outcome.gas_left,
            output: outcome.output,
            logs: self.host.world.logs()[logs_before..].to_vec(),
            reason: reason.filter(|_| !outcome.status.keeps_gas()),
            created: outcome.create_address,
        }
    }

    /// The world, to inspect.
    pub fn world(&self) -> &World {
        &self.host.world
    }

    /// The world, to keep (for example, to write it to a state file).
    pub fn into_world(self) -> World {
        self.host.world
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
}
