//! EIP-161 (from Spurious Dragon, so at every fork Ewasm runs at): an
//! account that a transaction or a message touches and leaves empty (no
//! nonce, no balance, no code) is deleted, whether it existed before or
//! the touch made it; the post-state, and so the state root, holds no
//! such account.

use std::sync::Arc;

use ewasm_host::{Address, ExecConfig, Executor, Revision, Status, TxContext, U256};
use state::evm::transact;
use state::run::{Call, Session};
use state::statetest::Transaction;
use state::{Account, Env, Runner, World};

/// The contract: calls the account at memory 0 with no value and no gas.
const CONTRACT: Address = Address([0xc0; 20]);
/// The sender.
const CALLER: Address = Address([0xca; 20]);
/// The account the contract calls.
const TARGET: Address = Address([0x0b; 20]);
/// The block's coinbase, when it holds a balance.
const COINBASE: Address = Address([0xcb; 20]);

fn runner() -> Arc<dyn Runner> {
    Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))
}

/// The forks revm and Iris both run.
fn revisions() -> impl Iterator<Item = Revision> {
    Revision::SUPPORTED
        .iter()
        .copied()
        .filter(|r| state::evm::spec(*r).is_ok())
}

fn env(revision: Revision, coinbase: Address) -> Env {
    Env {
        tx: TxContext {
            gas_limit: 10_000_000,
            chain_id: U256::one(),
            coinbase,
            ..TxContext::default()
        },
        revision,
    }
}

/// CALLER (with a balance), CONTRACT calling TARGET, and COINBASE with
/// a balance; TARGET as `target` says (absent if `None`).
fn world(target: Option<Account>) -> World {
    let code = wat::parse_str(format!(
        r#"(module
             (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "{}")
             (func (export "main")
               (if (call $call (i64.const 0) (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 0))
                 (then unreachable))))"#,
        TARGET.0.iter().map(|b| format!("\\{b:02x}")).collect::<String>()
    ))
    .expect("wat");
    let mut world = World::default();
    world.insert(
        CALLER,
        Account::with_balance(U256::from(10u64).pow(20.into())),
    );
    world.insert(
        CONTRACT,
        Account {
            code: Arc::new(code),
            ..Account::default()
        },
    );
    world.insert(COINBASE, Account::with_balance(U256::one()));
    if let Some(target) = target {
        world.insert(TARGET, target);
    }
    world
}

/// A transaction from CALLER to CONTRACT at gas price 0.
fn transaction() -> Transaction {
    Transaction {
        sender: CALLER,
        nonce: 0,
        gas_price: U256::zero(),
        gas_limit: 100_000,
        to: Some(CONTRACT),
        value: U256::zero(),
        data: Vec::new(),
    }
}

#[test]
fn a_call_without_value_to_a_missing_account_leaves_no_account_in_a_message() {
    for revision in revisions() {
        let before = world(None);
        let mut session =
            Session::in_world(before.clone(), env(revision, COINBASE), CONTRACT, runner());
        let report = session.call_from(
            CALLER,
            &Call {
                input: Vec::new(),
                gas: 100_000,
                value: U256::zero(),
            },
        );
        assert_eq!(report.status, Status::Success, "{revision}");
        let after = session.into_world();
        assert!(
            after.get(&TARGET).is_none(),
            "{revision}: {:?}",
            after.get(&TARGET)
        );
        assert_eq!(after, before, "{revision}");
    }
}

#[test]
fn a_call_without_value_to_a_missing_or_empty_account_leaves_none_in_a_transaction() {
    for revision in revisions() {
        for target in [None, Some(Account::default())] {
            let before = world(target.clone());
            let applied = transact(
                &before,
                &env(revision, COINBASE),
                runner(),
                transaction().to_revm(1).expect("a gas price under 2^128"),
            )
            .expect("a fork revm has");
            let ended = applied.result.expect("valid");
            assert_eq!(ended.status, Status::Success, "{revision}");
            let what = if target.is_some() { "empty" } else { "missing" };
            assert!(
                applied.post.get(&TARGET).is_none(),
                "{revision}, {what}: {:?}",
                applied.post.get(&TARGET)
            );
            // Nothing else changed but the sender's nonce.
            let mut expected = before;
            expected.remove(&TARGET);
            expected.entry(CALLER).nonce = 1;
            assert_eq!(applied.post, expected, "{revision}, {what}");
        }
    }
}

#[test]
fn a_coinbase_paid_nothing_is_not_left_as_an_empty_account() {
    // Gas price 0: the coinbase gets 0 wei, which touches it.
    const NEW_COINBASE: Address = Address([0xcc; 20]);
    for revision in revisions() {
        let before = world(Some(Account::with_balance(U256::one())));
        let applied = transact(
            &before,
            &env(revision, NEW_COINBASE),
            runner(),
            transaction().to_revm(1).expect("a gas price under 2^128"),
        )
        .expect("a fork revm has");
        assert_eq!(applied.result.expect("valid").status, Status::Success);
        assert!(
            applied.post.get(&NEW_COINBASE).is_none(),
            "{revision}: {:?}",
            applied.post.get(&NEW_COINBASE)
        );
    }
}
