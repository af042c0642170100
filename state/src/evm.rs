//! The world on revm: snapshots into and out of revm's in-memory database,
//! a block and a fork as revm's environment, and a transaction or a single
//! message run by revm's rules with Wasm code on Iris
//! ([`revm_ewasm::EwasmEvm`]).

use std::sync::Arc;

use ewasm_host::{
    Address, Bytes32, FailureReason, MessageFailure, Observer, Revision, Status, TxContext,
};
use revm::bytecode::Bytecode;
use revm::context::result::{ExecutionResult, HaltReason};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::database::{AccountState, InMemoryDB};
use revm::handler::MainnetContext;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Bytes, B256, KECCAK_EMPTY};
use revm::state::AccountInfo;
use revm::{DatabaseCommit, ExecuteEvm, MainContext};
use revm_ewasm::{
    address, to_address, to_u256, u256, EwasmBuilder, EwasmEvm, TopFrame, WasmRunner,
};

use crate::world::{Account, Log, World};
use crate::TxError;

/// The block a transaction runs in, and the fork whose rules it runs by:
/// revm's transaction and EVM rules, and the EEI prices of the same
/// revision for Wasm code.
#[derive(Debug, Clone)]
pub struct Env {
    /// The block and transaction context (`get_tx_context`).
    pub tx: TxContext,
    /// The fork.
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

/// A fork revm has no rules for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchFork(pub Revision);

impl std::fmt::Display for NoSuchFork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Revision::Constantinople => f.write_str(
                "revm has no Constantinople (its EIP-1283 was withdrawn before the fork went \
                 live): run Petersburg",
            ),
            other => write!(f, "revm has no fork {other}"),
        }
    }
}

impl std::error::Error for NoSuchFork {}

/// revm's fork for `revision`: `None` for Constantinople, whose rules
/// (EIP-1283) never went live and which revm does not implement.
pub fn spec(revision: Revision) -> Result<SpecId, NoSuchFork> {
    Ok(match revision {
        Revision::Frontier => SpecId::FRONTIER,
        Revision::Homestead => SpecId::HOMESTEAD,
        Revision::TangerineWhistle => SpecId::TANGERINE,
        Revision::SpuriousDragon => SpecId::SPURIOUS_DRAGON,
        Revision::Byzantium => SpecId::BYZANTIUM,
        Revision::Constantinople => return Err(NoSuchFork(revision)),
        Revision::Petersburg => SpecId::PETERSBURG,
        Revision::Istanbul => SpecId::ISTANBUL,
        Revision::Berlin => SpecId::BERLIN,
        Revision::London => SpecId::LONDON,
        Revision::Paris => SpecId::MERGE,
        Revision::Shanghai => SpecId::SHANGHAI,
        Revision::Cancun => SpecId::CANCUN,
        Revision::Prague => SpecId::PRAGUE,
        Revision::Osaka => SpecId::OSAKA,
    })
}

/// `world` as a revm database.
pub fn database(world: &World) -> InMemoryDB {
    let mut db = InMemoryDB::default();
    for (at, account) in world.accounts() {
        let mut info = AccountInfo {
            balance: u256(account.balance),
            nonce: account.nonce,
            code_hash: KECCAK_EMPTY,
            ..AccountInfo::default()
        };
        if !account.code.is_empty() {
            let code = Bytecode::new_raw(Bytes::from(account.code.to_vec()));
            info.code_hash = code.hash_slow();
            info.code = Some(code);
        }
        db.insert_account_info(address(at), info);
        for (key, value) in &account.storage {
            // The account is in the cache: nothing is read from the empty
            // database behind it, which cannot fail anyway.
            let _ = db.insert_account_storage(
                address(at),
                revm::primitives::U256::from_be_bytes(key.0),
                revm::primitives::U256::from_be_bytes(value.0),
            );
        }
    }
    db
}

/// The accounts of `db` (no logs): those that exist, with their nonzero
/// storage. [`transact`] and [`crate::run::Session`] commit what the fork
/// deletes as deleted (the self-destructed, and from EIP-161 the empty
/// accounts a transaction touched).
pub fn snapshot(db: &InMemoryDB) -> World {
    let mut world = World::default();
    for (at, account) in &db.cache.accounts {
        if matches!(account.account_state, AccountState::NotExisting) {
            continue;
        }
        let code = account
            .info
            .code
            .as_ref()
            .or_else(|| db.cache.contracts.get(&account.info.code_hash))
            .map(|code| code.original_bytes().to_vec())
            .unwrap_or_default();
        let mut post = Account {
            nonce: account.info.nonce,
            balance: to_u256(account.info.balance),
            code: Arc::new(code),
            ..Account::default()
        };
        for (key, value) in account.storage.iter().filter(|(_, value)| !value.is_zero()) {
            post.storage
                .insert(Bytes32(key.to_be_bytes()), Bytes32(value.to_be_bytes()));
        }
        world.insert(to_address(*at), post);
    }
    world
}

/// A log of revm's as the world's.
fn log_of(log: &revm::primitives::Log) -> Log {
    Log {
        address: to_address(log.address),
        topics: log.topics().iter().map(|topic| Bytes32(topic.0)).collect(),
        data: log.data.data.to_vec(),
    }
}

/// An `Evm` over `db` for the block and fork of `env`, Wasm code run by
/// `runner`.
///
/// # Errors
///
/// [`NoSuchFork`] if revm has no rules for `env`'s fork.
pub fn evm(
    db: InMemoryDB,
    env: &Env,
    runner: Arc<dyn WasmRunner>,
) -> Result<EwasmEvm<MainnetContext<InMemoryDB>>, NoSuchFork> {
    let spec = spec(env.revision)?;
    let context = &env.tx;
    let block = BlockEnv {
        number: revm::primitives::U256::from(context.number.max(0)),
        beneficiary: address(&context.coinbase),
        timestamp: revm::primitives::U256::from(context.timestamp.max(0)),
        gas_limit: u64::try_from(context.gas_limit).unwrap_or(0),
        basefee: 0,
        difficulty: u256(context.difficulty),
        // After the merge DIFFICULTY answers the randomness beacon.
        prevrandao: spec
            .is_enabled_in(SpecId::MERGE)
            .then(|| B256::from(context.difficulty.to_big_endian())),
        ..BlockEnv::default()
    };
    let mut cfg = CfgEnv::new_with_spec(spec);
    cfg.chain_id = context.chain_id.low_u64();
    // EIP-3607 (no transaction from an account with code) came with
    // London's clients; the Ewasm vectors, filled in 2019, have a sender
    // with code.
    cfg.disable_eip3607 = !spec.is_enabled_in(SpecId::LONDON);
    Ok(Context::mainnet()
        .with_cfg(cfg)
        .with_block(block)
        .with_db(db)
        .build_ewasm(runner))
}

/// What a transaction or a message did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The state after it (the state before if it was invalid), with its
    /// logs.
    pub post: World,
    /// How it ended, or why it was invalid (nothing ran).
    pub result: Result<Ended, TxError>,
}

/// How a valid transaction or a message ended.
#[derive(Debug, Clone)]
pub struct Ended {
    /// Its status: Iris's when the transaction's own code was Wasm (finer
    /// than the EVM's), else from revm's result.
    pub status: Status,
    /// Gas used: for a transaction, what its receipt says (intrinsic gas
    /// included, refund deducted); for a message, its gas less what it
    /// left (no refund applied).
    pub gas_used: u64,
    /// The refund counted (for a transaction, as capped by its fork).
    pub gas_refund: u64,
    /// The output (a create's: none).
    pub output: Vec<u8>,
    /// A successful create's address.
    pub created: Option<Address>,
    /// Why it failed, when it did and Iris or the state layer said.
    pub reason: Option<FailureReason>,
}

/// Runs `tx` as a transaction on a copy of `pre` by the rules of `env`'s
/// fork.
///
/// # Errors
///
/// [`NoSuchFork`] if revm has no rules for `env`'s fork.
pub fn transact(
    pre: &World,
    env: &Env,
    runner: Arc<dyn WasmRunner>,
    tx: TxEnv,
) -> Result<Applied, NoSuchFork> {
    transact_observed(pre, env, runner, tx, None).map(|(applied, _)| applied)
}

/// [`transact`], with `observer` watching every Wasm frame of the
/// transaction (nested ones included); gives it back after.
///
/// # Errors
///
/// [`NoSuchFork`] if revm has no rules for `env`'s fork.
pub fn transact_observed(
    pre: &World,
    env: &Env,
    runner: Arc<dyn WasmRunner>,
    tx: TxEnv,
    observer: Option<Box<dyn Observer>>,
) -> Result<(Applied, Option<Box<dyn Observer>>), NoSuchFork> {
    let mut evm = evm(database(pre), env, runner)?;
    if let Some(observer) = observer {
        evm.precompiles.set_observer(observer);
    }
    let (logs, result) = run(&mut evm, tx, Kind::Transaction);
    let mut post = snapshot(&evm.ctx.journaled_state.database);
    for log in logs {
        post.log(log);
    }
    Ok((Applied { post, result }, evm.precompiles.take_observer()))
}

/// An `Evm` of the state layer: revm's mainnet context over its
/// in-memory database.
pub(crate) type Evm = EwasmEvm<MainnetContext<InMemoryDB>>;

/// Whether [`run`] runs a transaction or a single message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Transaction,
    /// A message from the given sender (the transaction's caller being
    /// the origin).
    Message(revm::primitives::Address),
}

/// Runs `tx` on `evm` as a transaction or a message and commits what it
/// did to its database: the logs, and how it ended or why it was invalid.
pub(crate) fn run(evm: &mut Evm, tx: TxEnv, kind: Kind) -> (Vec<Log>, Result<Ended, TxError>) {
    let sender = match kind {
        Kind::Transaction => tx.caller,
        Kind::Message(sender) => sender,
    };
    let value = tx.value;
    let balance = evm
        .ctx
        .journaled_state
        .database
        .cache
        .accounts
        .get(&sender)
        .map_or(revm::primitives::U256::ZERO, |a| a.info.balance);
    let spec = evm.ctx.cfg.spec;
    let is_create = tx.kind.is_create();
    let result = match kind {
        Kind::Transaction => evm.transact(tx).map(|mut done| {
            clear_empty(&mut done.state, spec);
            evm.ctx.journaled_state.database.commit(done.state);
            done.result
        }),
        Kind::Message(sender) => evm.transact_message(tx, Some(sender)).inspect(|_| {
            let mut state = evm.finalize();
            clear_empty(&mut state, spec);
            evm.ctx.journaled_state.database.commit(state);
        }),
    };
    let top = evm.precompiles.take_top_frame();
    match result {
        Ok(result) => {
            let logs = result.logs().iter().map(log_of).collect();
            let mut ended = ended(&result, top, kind, || MessageFailure::InsufficientBalance {
                balance: to_u256(balance),
                value: to_u256(value),
            });
            // revm ends a create whose sender's nonce is at its maximum
            // (EIP-2681; only a message can have one, a transaction being
            // invalid) as a success with no address: it failed.
            if is_create && ended.status == Status::Success && ended.created.is_none() {
                ended.status = Status::Failure;
                ended.reason = Some(FailureReason::Message(MessageFailure::NonceOverflow));
            }
            (logs, Ok(ended))
        }
        Err(error) => (Vec::new(), Err(TxError::of_revm(error))),
    }
}

/// Deletes, from `spec` on (EIP-161, Spurious Dragon), the empty accounts
/// the transaction touched: revm leaves that to the database, and its
/// in-memory one does not do it.
fn clear_empty(state: &mut revm::state::EvmState, spec: SpecId) {
    if !spec.is_enabled_in(SpecId::SPURIOUS_DRAGON) {
        return;
    }
    for account in state.values_mut() {
        if account.is_touched() && account.is_empty() {
            account.mark_selfdestruct();
        }
    }
}

/// What `result` says, Iris's own word on the top frame (`top`) preferred.
fn ended(
    result: &ExecutionResult<HaltReason>,
    top: Option<TopFrame>,
    kind: Kind,
    unpaid: impl FnOnce() -> MessageFailure,
) -> Ended {
    let gas = result.gas();
    let gas_used = match kind {
        Kind::Transaction => result.tx_gas_used(),
        Kind::Message(_) => gas.total_gas_spent(),
    };
    let (mut status, output, created) = match result {
        ExecutionResult::Success { output, .. } => (
            Status::Success,
            output.data().to_vec(),
            output.address().map(|a| to_address(*a)),
        ),
        ExecutionResult::Revert { output, .. } => (Status::Revert, output.to_vec(), None),
        ExecutionResult::Halt { reason, .. } => (halt_status(reason), Vec::new(), None),
    };
    let mut reason = None;
    if let Some(top) = top {
        if top.status != Status::Success {
            status = top.status;
        }
        reason = top.reason;
    }
    if reason.is_none() {
        if let ExecutionResult::Halt { reason: halt, .. } = result {
            reason = message_failure(halt, unpaid).map(FailureReason::Message);
        }
    }
    Ended {
        status,
        gas_used,
        gas_refund: gas.final_refunded(),
        output: if matches!(kind, Kind::Message(_)) && created.is_some() {
            Vec::new()
        } else {
            output
        },
        created,
        reason: reason.filter(|_| !status.keeps_gas()),
    }
}

/// Iris's status for a frame revm halted with `reason`.
fn halt_status(reason: &HaltReason) -> Status {
    match reason {
        HaltReason::OutOfGas(_) => Status::OutOfGas,
        _ => Status::Failure,
    }
}

/// The state layer's reason for a halt no code of the message explains.
fn message_failure(
    halt: &HaltReason,
    unpaid: impl FnOnce() -> MessageFailure,
) -> Option<MessageFailure> {
    match halt {
        HaltReason::OutOfFunds => Some(unpaid()),
        HaltReason::NonceOverflow => Some(MessageFailure::NonceOverflow),
        _ => None,
    }
}
