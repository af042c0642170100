//! A frame that fails or reverts undoes exactly its own changes (storage,
//! balances, nonces, logs, created and destroyed accounts), and those of
//! the frames it called, even of those that succeeded; a caller's own
//! changes stay. Each run is a message of a session (revm's journal,
//! Byzantium) whose contracts change everything they can and then end
//! one way or another.
//!
//! The journal itself (its checkpoints, and that a revert costs the
//! changes undone rather than the size of the world) is revm's; what is
//! checked here is what a user sees in the world afterwards.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

mod common;

use common::create_address;
use ewasm_host::{
    Address, Bytes32, EvmHost, ExecConfig, Executor, Message, Outcome, Revision, Status, TxContext,
    U256,
};
use state::run::{Call, Session};
use state::statetest::Transaction;
use state::{Account, Env, Runner, World};

/// The contract the message calls.
const CONTRACT: Address = Address([0xc0; 20]);
/// The message's sender.
const CALLER: Address = Address([0xca; 20]);
/// The contract `CONTRACT` calls, which changes everything it can.
const CALLEE: Address = Address([0xce; 20]);
/// An account with a balance and no code.
const PLAIN: Address = Address([0x03; 20]);
/// An account that does not exist (the callee's self-destruct pays it).
const NOBODY: Address = Address([0x0b; 20]);

/// A slot the callee writes.
const KEY: Bytes32 = Bytes32([0x6b; 32]);
/// What it writes there.
const VALUE: Bytes32 = Bytes32([0x11; 32]);
/// A slot the callee holds before the run and clears (for a refund).
const OLD_KEY: Bytes32 = Bytes32([0x0d; 32]);

/// The value the message sends CONTRACT.
const SENT: u64 = 5;

const IMPORTS: &str = r#"
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
"#;

/// Where the contracts below keep their constants.
const LAYOUT: &str = r#"
  (data (i32.const 0) "\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b\6b")
  (data (i32.const 32) "\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11")
  (data (i32.const 96) "\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d")
  (data (i32.const 128) "\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03")
  (data (i32.const 160) "\01")
  (data (i32.const 192) "\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b")
  (data (i32.const 224) "\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce\ce")
"#;

/// Where the callee's init code is.
const INIT_AT: u32 = 512;

fn module(body: &str, data: &str) -> Vec<u8> {
    let text = format!(
        "(module {IMPORTS} (memory (export \"memory\") 1) {LAYOUT} {data}
           (func (export \"main\") (local $i i32) {body}))"
    );
    wat::parse_str(&text).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

/// Init code that deploys three bytes.
fn init_code() -> Vec<u8> {
    module(r#"(call $finish (i32.const 0) (i32.const 3))"#, "")
}

/// The callee: a new slot, a cleared slot (refund), a log, a create
/// (nonce, new account, code, value), a call with value (balances,
/// touched), then `end`.
fn callee(end: &str) -> Vec<u8> {
    let init = init_code();
    let escaped: String = init.iter().map(|b| format!("\\{b:02x}")).collect();
    let body = format!(
        r#"(call $storageStore (i32.const 0) (i32.const 32))
           (call $storageStore (i32.const 96) (i32.const 64))
           (call $log (i32.const 32) (i32.const 32) (i32.const 1)
                 (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
           (if (call $create (i32.const 160) (i32.const {INIT_AT}) (i32.const {len})
                             (i32.const 1024))
             (then unreachable))
           (if (call $call (i64.const 100000) (i32.const 128) (i32.const 160)
                           (i32.const 0) (i32.const 0))
             (then unreachable))
           {end}"#,
        len = init.len()
    );
    module(
        &body,
        &format!(r#"(data (i32.const {INIT_AT}) "{escaped}")"#),
    )
}

/// Self-destructs to NOBODY: a new account, touched, destructed, refund.
const SELF_DESTRUCT: &str = "(call $selfDestruct (i32.const 192))";
const REVERT: &str = "(call $revert (i32.const 0) (i32.const 0))";
const FINISH: &str = "(call $finish (i32.const 0) (i32.const 0))";
const TRAP: &str = "unreachable";

/// The contract: writes KEY, calls CALLEE with 1 wei (which must
/// succeed if `callee_succeeds`), then `end`.
fn caller(callee_succeeds: bool, end: &str) -> Vec<u8> {
    let check = if callee_succeeds {
        "(if"
    } else {
        "(if (i32.eqz"
    };
    let close = if callee_succeeds { "" } else { ")" };
    module(
        &format!(
            r#"(call $storageStore (i32.const 0) (i32.const 32))
               {check} (call $call (i64.const 1000000) (i32.const 224) (i32.const 160)
                                (i32.const 0) (i32.const 0)){close}
                 (then unreachable))
               {end}"#
        ),
        "",
    )
}

fn runner() -> Arc<dyn Runner> {
    static RUNNER: OnceLock<Arc<dyn Runner>> = OnceLock::new();
    Arc::clone(
        RUNNER.get_or_init(|| Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))),
    )
}

/// A block with room for the transaction of
/// [`the_callee_changes_every_kind_of_thing_when_all_succeed`].
fn env() -> Env {
    Env {
        tx: TxContext {
            gas_limit: 30_000_000,
            chain_id: U256::one(),
            ..TxContext::default()
        },
        revision: Revision::Byzantium,
    }
}

/// The world with `caller_code` at CONTRACT and `callee_code` at CALLEE
/// (which holds 1,000 wei and OLD_KEY), before a run.
fn world_with(caller_code: Vec<u8>, callee_code: Vec<u8>) -> World {
    let mut world = World::default();
    world.insert(CALLER, Account::with_balance(U256::one() << 200));
    world.insert(
        CONTRACT,
        Account {
            balance: 1_000u64.into(),
            code: Arc::new(caller_code),
            ..Account::default()
        },
    );
    world.insert(
        CALLEE,
        Account {
            balance: 1_000u64.into(),
            code: Arc::new(callee_code),
            storage: BTreeMap::from([(OLD_KEY, VALUE)]),
            ..Account::default()
        },
    );
    world.insert(PLAIN, Account::with_balance(3u64.into()));
    world
}

/// Calls CONTRACT from CALLER with 20,000,000 gas and [`SENT`] wei in a
/// session over `world`: how the message ended, and the world after it
/// with the message's logs.
fn run(world: World, runner: Arc<dyn Runner>) -> (Status, World) {
    let mut session = Session::in_world(world, env(), CONTRACT, runner);
    let report = session.call_from(
        CALLER,
        &Call {
            input: Vec::new(),
            gas: 20_000_000,
            value: U256::from(SENT),
        },
    );
    let mut after = session.into_world();
    for log in report.logs {
        after.log(log);
    }
    (report.status, after)
}

#[test]
fn the_callee_changes_every_kind_of_thing_when_all_succeed() {
    let world = world_with(caller(true, FINISH), callee(SELF_DESTRUCT));
    let (status, after) = run(world.clone(), runner());
    assert_eq!(status, Status::Success);
    let created = create_address(&CALLEE, 0);
    assert_eq!(after.storage(&CONTRACT, &KEY), VALUE, "the caller's slot");
    assert_eq!(after.logs().len(), 1, "log");
    assert_eq!(after.logs()[0].address, CALLEE, "log");
    assert_eq!(after.get(&created).map(|a| a.code.len()), Some(3), "code");
    assert_eq!(after.balance(&PLAIN), U256::from(4u64), "balance");
    // CALLEE destroyed itself at the end of the message (its new slot,
    // its nonce and its cleared slot with it), its 1,000 wei and the
    // caller's 1, less the 1 it sent PLAIN and the 1 it gave the new
    // contract, going to NOBODY, created.
    assert!(after.get(&CALLEE).is_none(), "self-destruct");
    assert_eq!(after.balance(&created), U256::one(), "the create's value");
    assert_eq!(
        after.balance(&NOBODY),
        U256::from(999u64),
        "account created"
    );
    assert_eq!(
        after.balance(&CONTRACT),
        U256::from(1_000 + SENT - 1),
        "the caller sent 1 wei"
    );

    // The same as a transaction: the cleared slot (15,000) and the
    // self-destruct (24,000) refunded, under half the gas used.
    let tx = Transaction {
        sender: CALLER,
        nonce: 0,
        gas_price: U256::zero(),
        gas_limit: 20_000_000,
        to: Some(CONTRACT),
        value: U256::from(SENT),
        data: Vec::new(),
    };
    let applied = state::evm::transact(
        &world,
        &env(),
        runner(),
        tx.to_revm(1).expect("a gas price under 2^128"),
    )
    .expect("a fork");
    let ended = applied.result.expect("valid");
    assert_eq!(ended.status, Status::Success);
    assert_eq!(ended.gas_refund, 39_000, "refund");
    assert!(
        ended.gas_used + ended.gas_refund >= 2 * 39_000,
        "not capped"
    );
    for (address, account) in after.accounts() {
        let post = applied.post.get(address);
        let nonce = if *address == CALLER { 1 } else { account.nonce };
        assert_eq!(
            post.map(|a| (a.nonce, a.balance, &a.code, &a.storage)),
            Some((nonce, account.balance, &account.code, &account.storage)),
            "{address}: as the message left it, but for the sender's nonce"
        );
    }
    assert_eq!(applied.post.logs(), after.logs());
}

#[test]
fn an_outer_revert_undoes_a_callee_that_succeeded() {
    let world = world_with(caller(true, REVERT), callee(SELF_DESTRUCT));
    let (status, after) = run(world.clone(), runner());
    assert_eq!(status, Status::Revert);
    assert_eq!(after, world);
}

#[test]
fn an_outer_failure_undoes_a_callee_that_succeeded() {
    let world = world_with(caller(true, TRAP), callee(SELF_DESTRUCT));
    let (status, after) = run(world.clone(), runner());
    assert_eq!(status, Status::Failure);
    assert_eq!(after, world);
}

#[test]
fn a_callee_that_reverts_or_fails_leaves_only_the_callers_changes() {
    for end in [REVERT, TRAP] {
        let world = world_with(caller(false, FINISH), callee(end));
        // What the caller alone does: its own write, and the message's
        // transfer.
        let mut expected = world.clone();
        expected.set_storage(CONTRACT, KEY, VALUE);
        expected.entry(CALLER).balance -= U256::from(SENT);
        expected.entry(CONTRACT).balance += U256::from(SENT);
        let (status, after) = run(world, runner());
        assert_eq!(status, Status::Success, "{end}");
        assert_eq!(after, expected, "{end}");
    }
}

#[test]
fn a_callee_that_succeeds_keeps_its_changes_under_a_caller_that_succeeds() {
    // The callee ends without destroying itself: everything it did stays.
    let world = world_with(caller(true, FINISH), callee(FINISH));
    let (status, after) = run(world.clone(), runner());
    assert_eq!(status, Status::Success);
    let created = create_address(&CALLEE, 0);
    let mut expected = world;
    expected.set_storage(CONTRACT, KEY, VALUE);
    expected.set_storage(CALLEE, KEY, VALUE);
    expected.set_storage(CALLEE, OLD_KEY, Bytes32::ZERO);
    expected.entry(CALLER).balance -= U256::from(SENT);
    expected.entry(CONTRACT).balance += U256::from(SENT - 1);
    // CALLEE: +1 from CONTRACT, -1 to PLAIN, -1 to the contract it
    // creates, its nonce bumped by the create; the new account (nonce 1,
    // EIP-161) holds the 1 wei and the 3 bytes its init code returned.
    expected.entry(CALLEE).nonce = 1;
    expected.entry(CALLEE).balance -= U256::one();
    expected.entry(PLAIN).balance += U256::one();
    expected.insert(
        created,
        Account {
            nonce: 1,
            balance: U256::one(),
            code: Arc::new(KEY.0[..3].to_vec()),
            ..Account::default()
        },
    );
    expected.log(state::Log {
        address: CALLEE,
        topics: vec![KEY],
        data: VALUE.0.to_vec(),
    });
    assert_eq!(after, expected);
}

// ---------------------------------------------------------------------------
// Many frames over a large state.

/// Iris, counting the frames it runs.
struct Counting {
    executor: Executor,
    executions: AtomicUsize,
}

impl Runner for Counting {
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        self.executions.fetch_add(1, Ordering::Relaxed);
        Runner::run(&self.executor, host, revision, message, code)
    }
}

/// Slots in the big contract's storage.
const SLOTS: u32 = 100_000;
/// Calls the big contract makes to itself.
const CALLS: u32 = 300;

/// A contract that, called without input, calls itself CALLS times with
/// one byte of input and then ends with `outer_end`; called with input,
/// it writes a new slot (OLD_KEY), logs, and ends with `inner_end`.
fn self_caller(outer_end: &str, inner_end: &str) -> Vec<u8> {
    module(
        &format!(
            r#"(if (i32.eqz (call $getCallDataSize))
                 (then
                   (call $getAddress (i32.const 256))
                   (loop $again
                     (drop (call $call (i64.const 50000) (i32.const 256) (i32.const 300)
                                       (i32.const 300) (i32.const 1)))
                     (local.set $i (i32.add (local.get $i) (i32.const 1)))
                     (br_if $again (i32.lt_u (local.get $i) (i32.const {CALLS}))))
                   {outer_end}))
               (call $storageStore (i32.const 96) (i32.const 32))
               (call $log (i32.const 32) (i32.const 32) (i32.const 1)
                     (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
               {inner_end}"#
        ),
        "",
    )
}

/// CALLER, and CONTRACT running `code` over SLOTS storage slots.
fn big_world(code: Vec<u8>) -> World {
    let storage = (1..=SLOTS)
        .map(|i| {
            let mut key = [0u8; 32];
            key[28..].copy_from_slice(&i.to_be_bytes());
            (Bytes32(key), VALUE)
        })
        .collect();
    let mut world = World::default();
    world.insert(CALLER, Account::with_balance(U256::one() << 200));
    world.insert(
        CONTRACT,
        Account {
            code: Arc::new(code),
            storage,
            ..Account::default()
        },
    );
    world
}

/// Runs the big contract: (status, world before, world after, frames run).
fn run_counted(code: Vec<u8>) -> (Status, World, World, usize) {
    let world = big_world(code);
    let counting = Arc::new(Counting {
        executor: Executor::new(ExecConfig::trusted()).expect("executor"),
        executions: AtomicUsize::new(0),
    });
    let (status, after) = run(world.clone(), Arc::clone(&counting) as Arc<dyn Runner>);
    let executions = counting.executions.load(Ordering::Relaxed);
    (status, world, after, executions)
}

#[test]
fn reverting_frames_over_a_large_state_undo_only_their_own_changes() {
    let (status, mut before, after, executions) = run_counted(self_caller(FINISH, REVERT));
    assert_eq!(status, Status::Success);
    assert_eq!(executions, CALLS as usize + 1);
    // Each reverted frame's slot and log are gone; only the message's
    // transfer stays.
    let contract = after.get(&CONTRACT).expect("the contract");
    assert_eq!(contract.storage.len(), SLOTS as usize);
    assert!(!contract.storage.contains_key(&OLD_KEY));
    assert!(after.logs().is_empty());
    before.entry(CALLER).balance -= U256::from(SENT);
    before.entry(CONTRACT).balance += U256::from(SENT);
    assert_eq!(after, before);
}

#[test]
fn an_outer_revert_over_a_large_state_undoes_each_inner_change() {
    let (status, before, after, executions) = run_counted(self_caller(REVERT, FINISH));
    assert_eq!(status, Status::Revert);
    assert_eq!(executions, CALLS as usize + 1);
    let contract = after.get(&CONTRACT).expect("the contract");
    assert_eq!(contract.storage.len(), SLOTS as usize);
    assert!(after.logs().is_empty());
    assert_eq!(after, before);
}

#[test]
fn frames_that_succeed_over_a_large_state_keep_their_changes() {
    // The counterpart of the two above: the inner frames' slot and logs
    // stay when everything succeeds.
    let (status, _, after, executions) = run_counted(self_caller(FINISH, FINISH));
    assert_eq!(status, Status::Success);
    assert_eq!(executions, CALLS as usize + 1);
    let contract = after.get(&CONTRACT).expect("the contract");
    assert_eq!(contract.storage.len(), SLOTS as usize + 1);
    assert_eq!(contract.storage.get(&OLD_KEY), Some(&VALUE));
    assert_eq!(after.logs().len(), CALLS as usize);
}
