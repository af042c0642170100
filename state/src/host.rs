//! The world as an `EvmHost`: messages, nested calls and creates.

use std::sync::Arc;

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, CallOutcome, EvmHost, Executor, FailureReason, Gas,
    Held, Message, MessageFailure, Outcome, Revision, Status, StorageStatus, TxContext, U256,
};

use crate::keccak;
use crate::world::{Checkpoint, Log, World};

/// Bytes of deployed code a create may return (EIP-170).
pub const MAX_CODE_SIZE: usize = 24_576;
/// Gas per byte of deployed code.
pub const CODE_DEPOSIT: u64 = 200;

/// The block a transaction runs in, and the revision whose prices its
/// code pays.
#[derive(Debug, Clone)]
pub struct Env {
    /// What `get_tx_context` answers.
    pub tx: TxContext,
    /// The revision contracts run at (the EEI's prices; the transaction
    /// rules are Byzantium's whatever it is, but for EIP-2929's warm
    /// sender, recipient and precompiles from Berlin, EIP-3651's warm coinbase from
    /// Shanghai and EIP-3529's refund cap from London).
    pub revision: Revision,
}

impl Default for Env {
    /// An empty block, at Byzantium.
    fn default() -> Self {
        Self {
            tx: TxContext::default(),
            revision: Revision::Byzantium,
        }
    }
}

/// What runs the code of a message against a world: Iris's executor in
/// process, or any EVMC VM library through the C ABI.
pub trait Runner: Send + Sync {
    /// Runs `code` for `message`, the world and its host callbacks being
    /// `host`.
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome;
}

impl Runner for Executor {
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome {
        execute_on(self, host, message, code).0
    }
}

/// Runs `code` for `message` with `executor` on `host`'s world (lent to
/// the execution), with the gas profile if the executor profiles.
pub(crate) fn execute_on(
    executor: &Executor,
    host: &mut WorldHost,
    message: &Message,
    code: &[u8],
) -> (Outcome, Option<ewasm_host::GasProfile>) {
    let revision = host.env.revision;
    executor.execute_profiled(host, revision, message, code)
}

/// What a frame that ended with `outcome` answers its caller (no create
/// address): its gas only if it succeeded or reverted, its refund only if
/// it succeeded.
fn ended(outcome: Outcome) -> CallOutcome {
    CallOutcome {
        status: outcome.status,
        gas_left: if outcome.status.keeps_gas() {
            outcome.gas_left
        } else {
            0
        },
        gas_refund: if outcome.status == Status::Success {
            outcome.gas_refund
        } else {
            0
        },
        output: outcome.output,
        create_address: None,
    }
}

/// A world plus the block context and the runner of its code.
pub struct WorldHost {
    /// The state.
    pub world: World,
    env: Arc<Env>,
    runner: Arc<dyn Runner>,
    /// What the frames waiting on the running call hold (the execution
    /// caps of `ExecConfig::max_execution_pages`).
    held: Held,
    /// Why the last transaction-level execution (depth 0) failed, when
    /// the runner said: for people, never part of the state.
    reason: Option<FailureReason>,
}

impl std::fmt::Debug for WorldHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorldHost")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

/// The address a create from `sender` with `nonce` makes.
pub fn create_address(sender: &Address, nonce: u64) -> Address {
    Address(alloy_primitives::Address::from(sender.0).create(nonce).0 .0)
}

impl WorldHost {
    /// A host over `world`.
    pub fn new(world: World, env: Arc<Env>, runner: Arc<dyn Runner>) -> Self {
        Self {
            world,
            env,
            runner,
            held: Held::default(),
            reason: None,
        }
    }

    /// Takes why the last transaction-level execution (the message at
    /// depth 0) failed, if it did and the runner said why.
    pub fn take_reason(&mut self) -> Option<FailureReason> {
        self.reason.take()
    }

    /// The revision the world's code runs at.
    pub fn revision(&self) -> Revision {
        self.env.revision
    }

    /// Runs a message: the transaction's own, or one from the EEI.
    pub fn run_message(&mut self, message: &Message) -> CallOutcome {
        if message.depth == 0 {
            self.reason = None;
        }
        match message.kind {
            CallKind::Create => self.create(message),
            _ => self.call(message),
        }
    }

    /// A message the state refused, for `why`: a failure with no gas
    /// left, whose reason is kept when it is the transaction's own.
    fn refuse(&mut self, message: &Message, why: MessageFailure) -> CallOutcome {
        if message.depth == 0 {
            self.reason = Some(FailureReason::Message(why));
        }
        CallOutcome::failure()
    }

    /// Moves `message`'s value from its sender to `to`, or refuses it.
    fn transfer(&mut self, message: &Message, to: Address) -> Result<(), CallOutcome> {
        if self.world.transfer(message.sender, to, message.value) {
            return Ok(());
        }
        let balance = self.world.balance(&message.sender);
        Err(self.refuse(
            message,
            MessageFailure::InsufficientBalance {
                balance,
                value: message.value,
            },
        ))
    }

    /// Runs `code` for `message` on this world.
    ///
    /// Nested calls recurse on the native stack, one execution per call
    /// level; every [`LEVELS_PER_STACK`] levels the execution moves to a
    /// fresh thread with a stack of its own, so that the 1,024 levels
    /// Ethereum allows fit whatever stack the caller has.
    fn execute(&mut self, message: &Message, code: &[u8]) -> Outcome {
        let runner = Arc::clone(&self.runner);
        if message.depth == 0 {
            let outcome = runner.run(self, message, code);
            self.reason = outcome.reason.as_deref().cloned();
            return outcome;
        }
        if message.depth % LEVELS_PER_STACK != 0 {
            return runner.run(self, message, code);
        }
        let spawned = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || runner.run(self, message, code))
                .map(|thread| thread.join())
        });
        match spawned {
            Ok(Ok(outcome)) => outcome,
            // No thread, or a panic in it.
            _ => Outcome::failed(Status::InternalError),
        }
    }

    /// Runs a call in a frame of its own: what it changed is undone
    /// unless it succeeds.
    fn call(&mut self, message: &Message) -> CallOutcome {
        let checkpoint = self.world.checkpoint();
        let outcome = self.call_in_frame(message);
        self.end_frame(checkpoint, outcome.status);
        outcome
    }

    fn call_in_frame(&mut self, message: &Message) -> CallOutcome {
        if message.kind == CallKind::Call {
            if let Err(refused) = self.transfer(message, message.recipient) {
                return refused;
            }
            self.world.touch(message.recipient);
        }
        let code = self
            .world
            .get(&message.code_address)
            .map(|a| Arc::clone(&a.code))
            .unwrap_or_default();
        if code.is_empty() {
            return CallOutcome {
                status: Status::Success,
                gas_left: message.gas,
                gas_refund: 0,
                output: Vec::new(),
                create_address: None,
            };
        }
        ended(self.execute(message, &code))
    }

    /// Runs a create: the sender's nonce goes up (and stays up whatever
    /// happens next), then the new account is made and its init code run
    /// in a frame of its own, undone unless it succeeds.
    ///
    /// A sender whose nonce is `u64::MAX` cannot create (EIP-2681): the
    /// create fails, its nonce unchanged.
    fn create(&mut self, message: &Message) -> CallOutcome {
        let sender = message.sender;
        let nonce = self.world.nonce(&sender);
        let Some(next) = nonce.checked_add(1) else {
            return self.refuse(message, MessageFailure::NonceOverflow);
        };
        let address = create_address(&sender, nonce);
        self.world.set_nonce(sender, next);
        // The new account is warm (EIP-2929), even if the create fails.
        self.world.access_account(address);
        let checkpoint = self.world.checkpoint();
        let outcome = self.create_in_frame(message, address);
        self.end_frame(checkpoint, outcome.status);
        outcome
    }

    fn create_in_frame(&mut self, message: &Message, address: Address) -> CallOutcome {
        if let Some(existing) = self.world.get(&address) {
            if existing.nonce != 0 || !existing.code.is_empty() {
                return self.refuse(message, MessageFailure::AddressCollision(address));
            }
        }
        self.world.set_nonce(address, 1);
        self.world.clear_storage(address);
        if let Err(refused) = self.transfer(message, address) {
            return refused;
        }
        self.world.touch(address);
        let init = Message {
            recipient: address,
            code_address: address,
            input: Vec::new(),
            ..message.clone()
        };
        // Empty init code runs nothing: the account is created as is.
        let outcome = if message.input.is_empty() {
            Outcome {
                status: Status::Success,
                gas_left: message.gas,
                gas_refund: 0,
                output: Vec::new(),
                reason: None,
            }
        } else {
            self.execute(&init, &message.input)
        };
        if outcome.status != Status::Success {
            return ended(outcome);
        }
        let size = outcome.output.len();
        if size > MAX_CODE_SIZE {
            let max = MAX_CODE_SIZE;
            return self.refuse(message, MessageFailure::CodeTooLarge { size, max });
        }
        let deposit = u64::try_from(size)
            .ok()
            .and_then(|len| len.checked_mul(CODE_DEPOSIT))
            .and_then(Gas::new);
        let left = Gas::from_evmc(outcome.gas_left)
            .zip(deposit)
            .and_then(|(left, deposit)| left.checked_sub(deposit));
        let Some(left) = left else {
            let deposit = deposit.map_or(i64::MAX, Gas::to_evmc);
            let gas_left = outcome.gas_left;
            return self.refuse(
                message,
                MessageFailure::DepositOutOfGas { deposit, gas_left },
            );
        };
        self.world.set_code(address, Arc::new(outcome.output));
        CallOutcome {
            status: Status::Success,
            gas_left: left.to_evmc(),
            gas_refund: outcome.gas_refund,
            output: Vec::new(),
            create_address: Some(address),
        }
    }

    /// Ends the frame of `checkpoint`: its changes stay if it ended with
    /// `status` success, and are undone otherwise.
    fn end_frame(&mut self, checkpoint: Checkpoint, status: Status) {
        if status == Status::Success {
            self.world.commit(checkpoint);
        } else {
            self.world.revert(checkpoint);
        }
    }
}

/// Call levels run on one native stack before the next level moves to a
/// fresh thread.
pub const LEVELS_PER_STACK: i32 = 16;
/// The stack of such a thread: ample for [`LEVELS_PER_STACK`] levels.
const STACK_SIZE: usize = 16 << 20;

impl EvmHost for WorldHost {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.world.get(address).is_some_and(|a| !a.is_empty())
    }

    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.world.storage(address, key)
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        let original = self.world.original_storage(*address, *key);
        let current = self.world.storage(address, key);
        self.world.set_storage(*address, *key, *value);
        StorageStatus::of(&original, &current, value)
    }

    fn access_account(&mut self, address: &Address) -> AccessStatus {
        if self.world.access_account(*address) {
            AccessStatus::Cold
        } else {
            AccessStatus::Warm
        }
    }

    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        if self.world.access_slot(*address, *key) {
            AccessStatus::Cold
        } else {
            AccessStatus::Warm
        }
    }

    fn get_balance(&mut self, address: &Address) -> U256 {
        self.world.balance(address)
    }

    fn get_code_size(&mut self, address: &Address) -> usize {
        self.world.get(address).map_or(0, |a| a.code.len())
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let code = self
            .world
            .get(address)
            .map(|a| Arc::clone(&a.code))
            .unwrap_or_default();
        let source = code.get(offset..).unwrap_or(&[]);
        let n = source.len().min(buffer.len());
        buffer[..n].copy_from_slice(&source[..n]);
        n
    }

    /// Pre-Cancun rules at every revision: the account is deleted at the
    /// end of the transaction (EIP-6780's "only if created in the same
    /// transaction" is not kept).
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let balance = self.world.balance(address);
        self.world.set_balance(*address, U256::zero());
        let received = self.world.balance(beneficiary).saturating_add(balance);
        self.world.set_balance(*beneficiary, received);
        self.world.touch(*beneficiary);
        self.world.destruct(*address)
    }

    fn call(&mut self, message: &Message) -> CallOutcome {
        self.run_message(message)
    }

    fn get_tx_context(&mut self) -> TxContext {
        self.env.tx.clone()
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        let current = self.env.tx.number;
        if number < current && number >= (current - 256).max(0) {
            Bytes32(keccak(number.to_string().as_bytes()))
        } else {
            Bytes32::ZERO
        }
    }

    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
        self.world.log(Log {
            address: *address,
            topics: topics.to_vec(),
            data: data.to_vec(),
        });
    }

    fn held(&mut self) -> Option<&mut Held> {
        Some(&mut self.held)
    }
}
