//! The nonce rules a user sees, through revm's transaction and message
//! rules: a transaction whose nonce is not the sender's, or whose gas does
//! not cover its intrinsic gas, is invalid and changes nothing; a valid
//! one bumps the sender's nonce, and a create takes its address from it.
//! Nonces stop at `u64::MAX` (EIP-2681): a transaction with that nonce is
//! invalid, and an account with it cannot create; nothing wraps to 0.

use std::sync::Arc;

mod common;

use common::create_address;
use ewasm_host::{Address, ExecConfig, Executor, Status, TxContext, U256};
use state::evm::{transact, Applied};
use state::run::{Call, CallReport, Session};
use state::statetest::Transaction;
use state::{Account, Env, Runner, TxError, World};

const SENDER: Address = Address([0x5e; 20]);
const CONTRACT: Address = Address([0xc0; 20]);

fn runner() -> Arc<dyn Runner> {
    Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))
}

fn env() -> Env {
    Env {
        tx: TxContext {
            gas_limit: 10_000_000,
            chain_id: U256::one(),
            ..TxContext::default()
        },
        ..Env::default()
    }
}

/// `address` holding 10^20 wei, `nonce` and `code`.
fn world_with_nonce(address: Address, nonce: u64, code: Vec<u8>) -> World {
    let mut world = World::default();
    world.insert(
        address,
        Account {
            nonce,
            balance: U256::from(10u64).pow(20.into()),
            code: Arc::new(code),
            ..Account::default()
        },
    );
    world
}

/// A transaction from SENDER with `nonce` to `to` (a create if `None`),
/// 100,000 gas at 1 wei, no value, no data.
fn transaction(nonce: u64, to: Option<Address>) -> Transaction {
    Transaction {
        sender: SENDER,
        nonce,
        gas_price: U256::one(),
        gas_limit: 100_000,
        to,
        value: U256::zero(),
        data: Vec::new(),
    }
}

fn apply(world: &World, tx: &Transaction) -> Applied {
    let env = env();
    transact(
        world,
        &env,
        runner(),
        tx.to_revm(env.tx.chain_id.low_u64())
            .expect("a gas price under 2^128"),
    )
    .expect("a fork revm has")
}

/// Asserts that `tx` is invalid in `world` (why, in revm's words,
/// containing `why`) and that the post-state is the pre-state.
#[track_caller]
fn assert_invalid(world: &World, tx: &Transaction, why: &str) {
    let applied = apply(world, tx);
    match &applied.result {
        Err(TxError::Invalid(error)) => assert!(
            error.to_string().to_lowercase().contains(why),
            "{tx:?}: `{error}` does not say `{why}`"
        ),
        Err(other) => panic!("{tx:?}: not revm's validation error: {other}"),
        Ok(ended) => panic!("{tx:?} is valid: {ended:?}"),
    }
    assert_eq!(
        &applied.post, world,
        "{tx:?}: an invalid transaction changes nothing"
    );
}

#[test]
fn a_transaction_with_the_largest_nonce_is_invalid_and_changes_nothing() {
    for to in [Some(CONTRACT), None] {
        let world = world_with_nonce(SENDER, u64::MAX, Vec::new());
        assert_invalid(&world, &transaction(u64::MAX, to), "nonce");
        assert_eq!(world.nonce(&SENDER), u64::MAX, "never wraps to 0");
    }
}

#[test]
fn a_transaction_with_the_nonce_below_the_largest_is_valid() {
    let world = world_with_nonce(SENDER, u64::MAX - 1, Vec::new());
    let applied = apply(&world, &transaction(u64::MAX - 1, Some(CONTRACT)));
    let ended = applied.result.expect("valid");
    assert_eq!(ended.status, Status::Success);
    assert_eq!(ended.gas_used, 21_000);
    assert_eq!(applied.post.nonce(&SENDER), u64::MAX);
}

#[test]
fn a_transaction_whose_nonce_is_not_the_senders_is_invalid_and_changes_nothing() {
    let world = world_with_nonce(SENDER, 5, Vec::new());
    for nonce in [0, 4, 6, u64::MAX] {
        for to in [Some(CONTRACT), None] {
            assert_invalid(&world, &transaction(nonce, to), "nonce");
        }
    }
    // The sender's own nonce is valid, and bumps it.
    let applied = apply(&world, &transaction(5, Some(CONTRACT)));
    assert_eq!(applied.result.expect("valid").status, Status::Success);
    assert_eq!(applied.post.nonce(&SENDER), 6);
}

#[test]
fn a_transaction_without_its_intrinsic_gas_is_invalid_and_changes_nothing() {
    let world = world_with_nonce(SENDER, 0, Vec::new());
    // A call's intrinsic gas: 21,000; a create's: 53,000 (Byzantium).
    for (to, intrinsic) in [(Some(CONTRACT), 21_000), (None, 53_000)] {
        let short = Transaction {
            gas_limit: intrinsic - 1,
            ..transaction(0, to)
        };
        assert_invalid(&world, &short, "gas");
        let enough = Transaction {
            gas_limit: intrinsic,
            ..transaction(0, to)
        };
        let applied = apply(&world, &enough);
        let ended = applied.result.expect("valid");
        assert_eq!(ended.status, Status::Success, "{to:?}");
        assert_eq!(ended.gas_used, intrinsic, "{to:?}");
        assert_eq!(applied.post.nonce(&SENDER), 1, "{to:?}");
    }
}

#[test]
fn a_create_transaction_bumps_the_nonce_and_creates_at_the_address_it_had() {
    let world = world_with_nonce(SENDER, 7, Vec::new());
    let applied = apply(&world, &transaction(7, None));
    let ended = applied.result.expect("valid");
    assert_eq!(ended.status, Status::Success);
    let created = create_address(&SENDER, 7);
    assert_eq!(ended.created, Some(created));
    assert_eq!(applied.post.nonce(&SENDER), 8);
    // EIP-161: the new account starts with nonce 1 (here with no code).
    assert_eq!(applied.post.nonce(&created), 1);
}

/// Deploys empty init code from SENDER as a message of a session over
/// `world`, with 100,000 gas.
fn deploy(world: World) -> (CallReport, World) {
    let mut session = Session::in_world(world, env(), CONTRACT, runner());
    let report = session.deploy(
        SENDER,
        &Call {
            input: Vec::new(),
            gas: 100_000,
            value: U256::zero(),
        },
    );
    (report, session.into_world())
}

#[test]
fn a_create_from_an_account_with_the_largest_nonce_fails() {
    let world = world_with_nonce(SENDER, u64::MAX, Vec::new());
    let (report, after) = deploy(world.clone());
    assert_eq!(report.status, Status::Failure);
    assert_eq!(
        report.reason,
        Some(ewasm_host::FailureReason::Message(
            ewasm_host::MessageFailure::NonceOverflow
        ))
    );
    assert_eq!(report.created, None);
    assert_eq!(after.nonce(&SENDER), u64::MAX, "never wraps to 0");
    assert!(after.get(&create_address(&SENDER, u64::MAX)).is_none());
    assert_eq!(after.state_root(), world.state_root());
}

#[test]
fn a_create_from_an_account_one_below_the_largest_nonce_succeeds() {
    let world = world_with_nonce(SENDER, u64::MAX - 1, Vec::new());
    let (report, after) = deploy(world);
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.created, Some(create_address(&SENDER, u64::MAX - 1)));
    assert_eq!(after.nonce(&SENDER), u64::MAX);
}

#[test]
fn the_create_function_fails_in_a_contract_with_the_largest_nonce() {
    // main: create (no value, no init code) and finish with its result.
    let code = wat::parse_str(
        r#"(module
             (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
             (import "ethereum" "finish" (func $finish (param i32 i32)))
             (memory (export "memory") 1)
             (func (export "main")
               (i32.store (i32.const 64)
                 (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 32)))
               (call $finish (i32.const 64) (i32.const 4))))"#,
    )
    .expect("wat");
    let world = world_with_nonce(CONTRACT, u64::MAX, code);
    let mut session = Session::in_world(world, env(), CONTRACT, runner());
    let report = session.call_from(
        SENDER,
        &Call {
            input: Vec::new(),
            gas: 1_000_000,
            value: U256::zero(),
        },
    );
    let after = session.into_world();
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.output, 1i32.to_le_bytes(), "create returned 1");
    assert_eq!(after.nonce(&CONTRACT), u64::MAX);
    assert!(after.get(&create_address(&CONTRACT, u64::MAX)).is_none());
}
