//! Nonces stop at `u64::MAX` (EIP-2681): a transaction with that nonce is
//! invalid, and an account with it cannot create; nothing wraps to 0.

use std::sync::Arc;

use ewasm_host::{Address, CallKind, ExecConfig, Executor, Message, Status, TxContext, U256};
use state::host::{create_address, Env};
use state::transaction::{apply, Transaction, TxError};
use state::{Account, Runner, World, WorldHost};

const SENDER: Address = Address([0x5e; 20]);
const CONTRACT: Address = Address([0xc0; 20]);

fn runner() -> Arc<dyn Runner> {
    Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))
}

fn env() -> Arc<Env> {
    Arc::new(Env {
        tx: TxContext {
            gas_limit: 10_000_000,
            ..TxContext::default()
        },
        ..Env::default()
    })
}

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

#[test]
fn a_transaction_with_the_largest_nonce_is_invalid_and_changes_nothing() {
    for to in [Some(CONTRACT), None] {
        let mut world = world_with_nonce(SENDER, u64::MAX, Vec::new());
        let root = world.state_root();
        let result = apply(&mut world, &env(), &runner(), &transaction(u64::MAX, to));
        assert_eq!(result, Err(TxError::NonceMax), "to {to:?}");
        assert_eq!(world.nonce(&SENDER), u64::MAX, "never wraps to 0");
        assert_eq!(world.state_root(), root);
    }
}

#[test]
fn a_transaction_with_the_nonce_below_the_largest_is_valid() {
    let mut world = world_with_nonce(SENDER, u64::MAX - 1, Vec::new());
    let receipt = apply(
        &mut world,
        &env(),
        &runner(),
        &transaction(u64::MAX - 1, Some(CONTRACT)),
    )
    .expect("valid");
    assert_eq!(receipt.status, Status::Success);
    assert_eq!(world.nonce(&SENDER), u64::MAX);
}

fn create_message(gas: i64) -> Message {
    Message {
        kind: CallKind::Create,
        is_static: false,
        depth: 0,
        gas,
        recipient: Address::default(),
        sender: SENDER,
        input: Vec::new(),
        value: U256::zero(),
        code_address: Address::default(),
        delegated: false,
    }
}

#[test]
fn a_create_from_an_account_with_the_largest_nonce_fails() {
    let world = world_with_nonce(SENDER, u64::MAX, Vec::new());
    let root = world.state_root();
    let mut host = WorldHost::new(world, env(), runner());
    let outcome = host.run_message(&create_message(100_000));
    assert_eq!(outcome.status, Status::Failure);
    assert_eq!(outcome.create_address, None);
    assert_eq!(host.world.nonce(&SENDER), u64::MAX, "never wraps to 0");
    assert!(host.world.get(&create_address(&SENDER, u64::MAX)).is_none());
    assert_eq!(host.world.state_root(), root);
}

#[test]
fn a_create_from_an_account_one_below_the_largest_nonce_succeeds() {
    let world = world_with_nonce(SENDER, u64::MAX - 1, Vec::new());
    let mut host = WorldHost::new(world, env(), runner());
    let outcome = host.run_message(&create_message(100_000));
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(
        outcome.create_address,
        Some(create_address(&SENDER, u64::MAX - 1))
    );
    assert_eq!(host.world.nonce(&SENDER), u64::MAX);
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
    let mut host = WorldHost::new(world, env(), runner());
    let outcome = host.run_message(&Message {
        kind: CallKind::Call,
        recipient: CONTRACT,
        code_address: CONTRACT,
        delegated: false,
        sender: SENDER,
        ..create_message(1_000_000)
    });
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(outcome.output, 1i32.to_le_bytes(), "create returned 1");
    assert_eq!(host.world.nonce(&CONTRACT), u64::MAX);
    assert!(host
        .world
        .get(&create_address(&CONTRACT, u64::MAX))
        .is_none());
}
