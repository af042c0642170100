//! The in-memory world running its code through the `abi9` build of
//! `libiris.so`: ABI 9 results carry no refund, so the client (`LoadedVm`)
//! counts each frame's refunds from the storage statuses and first
//! self-destructs it answers, a failed frame's dropped; a call-code or
//! delegate call acts on the calling frame's account. The shared state-test
//! vectors give the same roots and results as in process.
//! (`cargo test -p tests --features abi9`, in a target directory of its own.)

#![cfg(feature = "abi9")]

use std::sync::Arc;

use ewasm_host::{
    Address, Bytes32, CallKind, ExecConfig, Executor, Message, Revision, Status, U256,
};
use state::host::Env;
use state::statetest::{parse_file, run};
use state::{Account, Runner, World, WorldHost};
use tests::{runner, vector_files};

const CALLER: Address = Address([0xc0; 20]);
const CALLEE: Address = Address([0xc1; 20]);
const KEY: Bytes32 = Bytes32([0x6b; 32]);
const GAS: i64 = 1_000_000;

const IMPORTS: &str = r#"
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
"#;

/// A contract with KEY at 0, CALLEE at 32, zero at 64 (a value and a
/// word), the value 7 at 96, the value 1 at 128, running `body`.
fn contract(body: &str) -> Vec<u8> {
    let escape = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("\\{b:02x}")).collect() };
    let mut seven = [0u8; 32];
    seven[31] = 7;
    wat::parse_str(format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 0) "{key}") (data (i32.const 32) "{callee}")
             (data (i32.const 96) "{seven}") (data (i32.const 159) "\01")
             (func (export "main") {body}))"#,
        key = escape(&KEY.0),
        callee = escape(&CALLEE.0),
        seven = escape(&seven),
    ))
    .expect("wat")
}

/// Clears KEY.
const CLEAR: &str = "(call $storageStore (i32.const 0) (i32.const 64))";
/// Calls CALLEE with all but a little gas, and drops the result.
const CALL_CALLEE: &str =
    "(drop (call $call (i64.const 500000) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0)))";

/// A world with `caller` at CALLER and `callee` at CALLEE, each holding 1
/// at KEY and a balance, run at `revision` through the abi9 library.
fn world(caller: Vec<u8>, callee: Vec<u8>, revision: Revision) -> WorldHost {
    let mut world = World::default();
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(KEY, Bytes32::from_u256(U256::one()));
    for (address, code) in [(CALLER, caller), (CALLEE, callee)] {
        world.insert(
            address,
            Account {
                code: Arc::new(code),
                storage: storage.clone(),
                balance: U256::from(1_000u64),
                ..Account::default()
            },
        );
    }
    let env = Env {
        revision,
        ..Env::default()
    };
    WorldHost::new(world, Arc::new(env), runner())
}

fn message() -> Message {
    Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas: GAS,
        recipient: CALLER,
        sender: Address([0xca; 20]),
        input: Vec::new(),
        value: U256::zero(),
        code_address: CALLER,
        delegated: false,
    }
}

/// The refund of the caller's message, which must succeed.
fn refund(caller: &str, callee: &str, revision: Revision) -> i64 {
    let mut host = world(contract(caller), contract(callee), revision);
    let outcome = host.run_message(&message());
    assert_eq!(outcome.status, Status::Success, "{caller} / {callee}");
    outcome.gas_refund
}

#[test]
fn a_cleared_slot_earns_byzantiums_refund_through_the_abi9_library() {
    assert_eq!(refund(CLEAR, "", Revision::Byzantium), 15_000);
    // Net metering: Istanbul's 15,000, London's 4,800.
    assert_eq!(refund(CLEAR, "", Revision::Istanbul), 15_000);
    assert_eq!(refund(CLEAR, "", Revision::London), 4_800);
}

#[test]
fn a_first_self_destruct_earns_its_refund_through_the_abi9_library() {
    let destruct = "(call $selfDestruct (i32.const 32))";
    assert_eq!(refund(destruct, "", Revision::Byzantium), 24_000);
    assert_eq!(refund(destruct, "", Revision::London), 0);
}

#[test]
fn a_callees_refund_joins_its_callers_unless_the_callee_fails() {
    assert_eq!(refund(CALL_CALLEE, CLEAR, Revision::Byzantium), 15_000);
    let both = format!("{CLEAR} {CALL_CALLEE}");
    assert_eq!(refund(&both, CLEAR, Revision::Byzantium), 30_000);
    let reverts = format!("{CLEAR} (call $revert (i32.const 0) (i32.const 0))");
    assert_eq!(refund(CALL_CALLEE, &reverts, Revision::Byzantium), 0);
    let traps = format!("{CLEAR} unreachable");
    assert_eq!(refund(CALL_CALLEE, &traps, Revision::Byzantium), 0);
}

#[test]
fn a_callees_negative_refund_joins_its_callers_through_the_abi9_library() {
    // The caller clears KEY; the callee's code, run on the caller's
    // storage by a delegate call, restores it (DeletedRestored).
    let restore = "(call $storageStore (i32.const 0) (i32.const 128))";
    let body = format!(
        "{CLEAR} (drop (call $callDelegate (i64.const 500000) (i32.const 32) (i32.const 0) (i32.const 0)))"
    );
    for (revision, expected) in [
        (Revision::Istanbul, 15_000 + 5_000 - 800 - 15_000),
        (Revision::London, 4_800 + 2_900 - 100 - 4_800),
        // Byzantium prices by current and new: the restore is a new value.
        (Revision::Byzantium, 15_000),
    ] {
        assert_eq!(refund(&body, restore, revision), expected, "{revision}");
    }
}

#[test]
fn a_failed_frame_reports_no_refund_through_the_abi9_library() {
    let mut host = world(
        contract(&format!("{CLEAR} unreachable")),
        Vec::new(),
        Revision::Byzantium,
    );
    let outcome = host.run_message(&message());
    assert_eq!(outcome.status, Status::Failure);
    assert_eq!(outcome.gas_refund, 0);
}

#[test]
fn a_delegate_call_through_the_abi9_library_acts_on_the_callers_account() {
    // The callee's code stores 7 at KEY: in the caller's storage.
    let store = "(call $storageStore (i32.const 0) (i32.const 96))";
    let delegate =
        "(drop (call $callDelegate (i64.const 500000) (i32.const 32) (i32.const 0) (i32.const 0)))";
    let mut host = world(contract(delegate), contract(store), Revision::Byzantium);
    let outcome = host.run_message(&message());
    assert_eq!(outcome.status, Status::Success);
    let seven = Bytes32::from_u256(U256::from(7u64));
    assert_eq!(host.world.storage(&CALLER, &KEY), seven);
    assert_eq!(
        host.world.storage(&CALLEE, &KEY),
        Bytes32::from_u256(U256::one())
    );
}

#[test]
fn a_slot_cleared_then_set_again_costs_20000_at_byzantium_through_the_abi9_library() {
    // X -> 0 -> Z: an EVMC 9 host may answer MODIFIED_AGAIN; the legacy
    // EVM charges 20,000 for the second write (current zero, new non-zero).
    let code = format!("{CLEAR} (call $storageStore (i32.const 0) (i32.const 96))");
    for (revision, used, refund) in [
        (Revision::Byzantium, 5_000 + 20_000, 15_000),
        (Revision::Petersburg, 5_000 + 20_000, 15_000),
        // EIP-2200: 5,000 then 800, the clear's 15,000 taken back.
        (Revision::Istanbul, 5_000 + 800, 0),
    ] {
        let mut host = world(contract(&code), Vec::new(), revision);
        let outcome = host.run_message(&message());
        assert_eq!(outcome.status, Status::Success, "{revision}");
        assert_eq!(GAS - outcome.gas_left, used, "{revision}");
        assert_eq!(outcome.gas_refund, refund, "{revision}");
    }
}

#[test]
fn every_vector_gives_the_same_result_through_the_abi9_library_as_in_process() {
    let through_c = runner();
    let in_process: Arc<dyn Runner> = Arc::new(Executor::new(ExecConfig::trusted()).unwrap());
    let mut compared = 0;
    for file in vector_files() {
        for case in parse_file(&file).unwrap().cases {
            let a = run(&case, &through_c);
            let b = run(&case, &in_process);
            assert!(a.passed, "{} fails through the abi9 library", case.name);
            assert_eq!((a.root, a.result), (b.root, b.result), "{}", case.name);
            compared += 1;
        }
    }
    assert!(compared >= 168, "compared {compared}");
}
