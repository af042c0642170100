//! The undo journal: a frame that fails or reverts leaves the world
//! exactly as it found it, whatever kind of change it (or a frame it
//! called, even one that succeeded) made; and what a revert costs is the
//! number of changes undone, not the size of the world (counted, never
//! timed).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use ewasm_host::{
    Address, Bytes32, CallKind, ExecConfig, Executor, Message, Outcome, Status, U256,
};
use state::host::{create_address, Env};
use state::{Account, Log, Runner, World, WorldHost};

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

/// Everything a world holds that a frame can change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    accounts: Vec<(Address, Account)>,
    logs: Vec<Log>,
    accessed_accounts: Vec<Address>,
    accessed_slots: Vec<(Address, Bytes32)>,
    touched: Vec<Address>,
    destructed: Vec<Address>,
}

fn snapshot(world: &World) -> Snapshot {
    Snapshot {
        accounts: world.accounts().map(|(a, acc)| (*a, acc.clone())).collect(),
        logs: world.logs().to_vec(),
        accessed_accounts: world.accessed_accounts().copied().collect(),
        accessed_slots: world.accessed_slots().copied().collect(),
        touched: world.touched().copied().collect(),
        destructed: world.destructed().copied().collect(),
    }
}

/// One of each kind of change the world knows, on accounts that exist
/// and accounts that do not.
fn change_everything(world: &mut World, tag: u8) {
    let new = Address([tag; 20]);
    world.set_balance(CALLER, U256::from(tag));
    world.set_balance(new, U256::from(7u64));
    world.set_nonce(CALLER, u64::from(tag));
    world.set_code(CONTRACT, Arc::new(vec![tag; 3]));
    world.set_storage(CONTRACT, KEY, Bytes32([tag; 32]));
    world.set_storage(CONTRACT, OLD_KEY, Bytes32::ZERO);
    world.set_storage(Address([tag ^ 0xff; 20]), KEY, VALUE);
    world.clear_storage(CALLEE);
    world.insert(PLAIN, Account::with_balance(U256::from(tag)));
    world.remove(&CALLEE);
    world.entry(Address([tag; 20])).nonce = 9;
    world.touch(CALLER);
    world.touch(new);
    assert!(world.destruct(new));
    world.log(Log {
        address: CONTRACT,
        topics: vec![KEY],
        data: vec![tag],
    });
    world.access_account(new);
    world.access_slot(CONTRACT, Bytes32([tag; 32]));
    assert!(world.transfer(PLAIN, NOBODY, U256::one()));
}

/// CALLER, CONTRACT (with OLD_KEY), CALLEE (with storage), PLAIN.
fn small_world() -> World {
    let mut world = World::default();
    world.insert(CALLER, Account::with_balance(U256::one() << 200));
    world.insert(CONTRACT, Account::with_balance(1_000u64.into()));
    world.set_storage(CONTRACT, OLD_KEY, VALUE);
    world.set_storage(CALLEE, KEY, VALUE);
    world.insert(PLAIN, Account::with_balance(3u64.into()));
    world
}

#[test]
fn revert_undoes_every_kind_of_change() {
    let mut world = small_world();
    let before = snapshot(&world);
    let checkpoint = world.checkpoint();
    change_everything(&mut world, 0x21);
    assert_ne!(snapshot(&world), before);
    assert!(world.journal_len() > 0);
    world.revert(checkpoint);
    assert_eq!(snapshot(&world), before);
    assert_eq!(world.journal_len(), 0, "no frame is open");
}

#[test]
fn an_inner_frame_that_commits_is_still_undone_by_the_outer_revert() {
    let mut world = small_world();
    let before = snapshot(&world);
    let outer = world.checkpoint();
    change_everything(&mut world, 0x21);
    let inner = world.checkpoint();
    change_everything(&mut world, 0x42);
    world.commit(inner);
    assert!(world.journal_len() > 0, "the outer frame can still undo");
    world.revert(outer);
    assert_eq!(snapshot(&world), before);
}

#[test]
fn an_inner_revert_undoes_only_the_inner_frame() {
    let mut world = small_world();
    let outer = world.checkpoint();
    change_everything(&mut world, 0x21);
    let between = snapshot(&world);
    let inner = world.checkpoint();
    change_everything(&mut world, 0x42);
    world.revert(inner);
    assert_eq!(snapshot(&world), between);
    world.commit(outer);
    assert_eq!(snapshot(&world), between, "the outer frame's changes stay");
    assert_eq!(world.journal_len(), 0, "nothing can be undone any more");
}

#[test]
fn changes_outside_a_frame_are_not_journaled() {
    let mut world = small_world();
    change_everything(&mut world, 0x21);
    assert_eq!(world.journal_len(), 0);
}

// ---------------------------------------------------------------------------
// Through the host: contracts that change everything, then fail or revert.

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

fn message(gas: i64) -> Message {
    Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas,
        recipient: CONTRACT,
        sender: CALLER,
        input: Vec::new(),
        value: U256::from(5u64),
        code_address: CONTRACT,
        delegated: false,
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

fn run(world: World, runner: Arc<dyn Runner>) -> (Status, World) {
    let (status, world, _) = run_refunded(world, runner);
    (status, world)
}

/// [`run`], with the refund the run earned.
fn run_refunded(world: World, runner: Arc<dyn Runner>) -> (Status, World, i64) {
    let mut host = WorldHost::new(world, Arc::new(Env::default()), runner);
    let outcome = host.run_message(&message(20_000_000));
    (outcome.status, host.world, outcome.gas_refund)
}

#[test]
fn the_callee_changes_every_kind_of_thing_when_all_succeed() {
    let world = world_with(caller(true, FINISH), callee(SELF_DESTRUCT));
    let (status, after, refund) = run_refunded(world, runner());
    assert_eq!(status, Status::Success);
    let created = create_address(&CALLEE, 0);
    assert_eq!(after.storage(&CALLEE, &KEY), VALUE, "new slot");
    assert_eq!(after.storage(&CALLEE, &OLD_KEY), Bytes32::ZERO, "cleared");
    assert_eq!(after.logs().len(), 1, "log");
    assert_eq!(after.nonce(&CALLEE), 1, "nonce");
    assert_eq!(after.get(&created).map(|a| a.code.len()), Some(3), "code");
    assert_eq!(after.balance(&PLAIN), U256::from(4u64), "balance");
    assert!(after.get(&NOBODY).is_some(), "account created");
    assert!(after.destructed().any(|a| *a == CALLEE), "self-destruct");
    assert!(after.touched().any(|a| *a == NOBODY), "touched");
    // The cleared slot (15,000) and the self-destruct (24,000).
    assert_eq!(refund, 39_000, "refund");
    assert_eq!(after.journal_len(), 0, "no frame is open");
}

#[test]
fn an_outer_revert_undoes_a_callee_that_succeeded() {
    let world = world_with(caller(true, REVERT), callee(SELF_DESTRUCT));
    let before = snapshot(&world);
    let (status, after) = run(world, runner());
    assert_eq!(status, Status::Revert);
    assert_eq!(snapshot(&after), before);
}

#[test]
fn an_outer_failure_undoes_a_callee_that_succeeded() {
    let world = world_with(caller(true, TRAP), callee(SELF_DESTRUCT));
    let before = snapshot(&world);
    let (status, after) = run(world, runner());
    assert_eq!(status, Status::Failure);
    assert_eq!(snapshot(&after), before);
}

#[test]
fn a_callee_that_reverts_or_fails_leaves_only_the_callers_changes() {
    for end in [REVERT, TRAP] {
        let world = world_with(caller(false, FINISH), callee(end));
        // What the caller alone does: its own write, and the top-level
        // call's transfer (5 wei) and touch.
        let mut expected = world.clone();
        expected.set_storage(CONTRACT, KEY, VALUE);
        assert!(expected.transfer(CALLER, CONTRACT, U256::from(5u64)));
        expected.touch(CONTRACT);
        let (status, after) = run(world, runner());
        assert_eq!(status, Status::Success, "{end}");
        assert_eq!(snapshot(&after), snapshot(&expected), "{end}");
    }
}

// ---------------------------------------------------------------------------
// What a revert costs: the changes, not the state.

/// Runs Iris and counts: executions, and the longest journal seen when
/// one starts or ends.
struct Counting {
    executor: Executor,
    counts: Mutex<(usize, usize)>,
}

impl Runner for Counting {
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome {
        let before = host.world.journal_len();
        let outcome = Runner::run(&self.executor, host, message, code);
        let after = host.world.journal_len();
        let mut counts = self.counts.lock().expect("not poisoned");
        counts.0 += 1;
        counts.1 = counts.1.max(before).max(after);
        outcome
    }
}

/// Slots in the big contract's storage.
const SLOTS: u32 = 100_000;
/// Calls the big contract makes to itself.
const CALLS: u32 = 300;

/// A contract that, called without input, calls itself CALLS times with
/// one byte of input and then ends with `outer_end`; called with input,
/// it writes a new slot, logs, and ends with `inner_end`.
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

/// Runs the big contract: (status, world, executions, longest journal).
fn run_counted(code: Vec<u8>) -> (Status, World, usize, usize) {
    let world = big_world(code);
    let counting = Arc::new(Counting {
        executor: Executor::new(ExecConfig::trusted()).expect("executor"),
        counts: Mutex::new((0, 0)),
    });
    let (status, after) = run(world, Arc::clone(&counting) as Arc<dyn Runner>);
    let (executions, longest) = *counting.counts.lock().expect("not poisoned");
    (status, after, executions, longest)
}

#[test]
fn reverting_frames_over_a_large_state_undo_only_their_own_changes() {
    let (status, after, executions, longest) = run_counted(self_caller(FINISH, REVERT));
    assert_eq!(status, Status::Success);
    assert_eq!(executions, CALLS as usize + 1);
    // Each reverted frame undid its transfer (two balances), its slot and
    // its log: four entries, whatever the 100,000 slots.
    assert_eq!(after.undone(), 4 * u64::from(CALLS));
    // At most one frame's changes and the top-level call's are ever held.
    assert!(longest <= 16, "journal held {longest} entries");
    let contract = after.get(&CONTRACT).expect("the contract");
    assert_eq!(contract.storage.len(), SLOTS as usize);
    assert!(!contract.storage.contains_key(&OLD_KEY));
    assert!(after.logs().is_empty());
    assert_eq!(after.journal_len(), 0);
}

#[test]
fn an_outer_revert_over_a_large_state_undoes_each_inner_change_once() {
    let (status, after, executions, longest) = run_counted(self_caller(REVERT, FINISH));
    assert_eq!(status, Status::Revert);
    assert_eq!(executions, CALLS as usize + 1);
    // Four entries per committed inner frame, and the top-level call's
    // transfer and touch: the journal grows with the changes only.
    let bound = 4 * CALLS as usize + 8;
    assert!(longest <= bound, "journal held {longest} entries");
    assert!(after.undone() <= bound as u64, "undid {}", after.undone());
    assert!(after.undone() >= 4 * u64::from(CALLS));
    let contract = after.get(&CONTRACT).expect("the contract");
    assert_eq!(contract.storage.len(), SLOTS as usize);
    assert!(after.logs().is_empty());
    assert!(after.touched().next().is_none());
}
