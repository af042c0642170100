//! Running one contract in a fresh world: what `iris run` and the contract
//! fixtures do.

use std::sync::Arc;

use ewasm_host::{Address, CallKind, Message, Status, TxContext, U256};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReport {
    /// How it ended.
    pub status: Status,
    /// Gas used (all of it unless success or revert).
    pub gas_used: i64,
    /// Output.
    pub output: Vec<u8>,
    /// Logs it emitted (none unless it succeeded).
    pub logs: Vec<Log>,
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
        world.insert(
            CALLER,
            Account::with_balance(U256::from(10u64).pow(24.into())),
        );
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

    /// Runs `init` as init code from [`CALLER`]; the session then calls the
    /// new contract. Gives the creation's report.
    pub fn create(init: Vec<u8>, gas: i64, runner: Arc<dyn Runner>) -> (Self, CallReport) {
        let mut session = Self::new(Vec::new(), runner);
        session.host.world.remove(&CONTRACT);
        let message = Message {
            kind: CallKind::Create,
            is_static: false,
            depth: 0,
            gas,
            recipient: Address::default(),
            sender: CALLER,
            input: init,
            value: U256::zero(),
            code_address: Address::default(),
            delegated: false,
        };
        let logs_before = session.host.world.logs().len();
        let outcome = session.host.run_message(&message);
        if let Some(address) = outcome.create_address {
            session.address = address;
        }
        let report = CallReport {
            status: outcome.status,
            gas_used: gas - outcome.gas_left,
            output: outcome.output,
            logs: session.host.world.logs()[logs_before..].to_vec(),
        };
        (session, report)
    }

    /// Calls the contract from [`CALLER`].
    pub fn call(&mut self, call: &Call) -> CallReport {
        let message = Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: call.gas,
            recipient: self.address,
            sender: CALLER,
            input: call.input.clone(),
            value: call.value,
            code_address: self.address,
            delegated: false,
        };
        let logs_before = self.host.world.logs().len();
        let outcome = self.host.run_message(&message);
        CallReport {
            status: outcome.status,
            gas_used: call.gas - outcome.gas_left,
            output: outcome.output,
            logs: self.host.world.logs()[logs_before..].to_vec(),
        }
    }

    /// The world, to inspect.
    pub fn world(&self) -> &World {
        &self.host.world
    }
}
