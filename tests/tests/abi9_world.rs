//! The state layer (revm, through revm-ewasm) running its Wasm frames
//! through the `abi9` build of `libiris.so`: ABI 9 results carry no
//! refund, so the client (`LoadedVm`) counts each frame's refunds from the
//! storage statuses and first self-destructs revm's host answers, a failed
//! frame's dropped; a call-code or delegate call acts on the calling
//! frame's account. Each transaction gives the same gas, refund and state
//! as in process, and so do the shared state-test vectors.
//! (`cargo test -p tests --features abi9`, in a target directory of its own.)

#![cfg(feature = "abi9")]

use std::sync::Arc;

use ewasm_host::{Address, Bytes32, ExecConfig, Executor, Revision, Status, TxContext, U256};
use state::evm::{transact, Ended};
use state::run::default_env;
use state::statetest::{parse_file, run, Transaction};
use state::{Account, Env, Runner, World};
use tests::{runner, vector_files};

const CALLER: Address = Address([0xc0; 20]);
const CALLEE: Address = Address([0xc1; 20]);
/// Who sends the transactions.
const SENDER: Address = Address([0x5e; 20]);
const KEY: Bytes32 = Bytes32([0x6b; 32]);
/// The gas of the caller's frame (the transaction's, less its intrinsic
/// 21,000).
const GAS: i64 = 1_000_000;
/// The gas every caller burns first with `useGas`: enough spent that
/// no fork's refund cap binds (Byzantium's is half the gas spent).
const BURN: i64 = 100_000;

const IMPORTS: &str = r#"
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "useGas" (func $useGas (param i64)))
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
/// at KEY and a balance, and SENDER holding ether.
fn world(caller: Vec<u8>, callee: Vec<u8>) -> World {
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
    world.insert(SENDER, Account::with_balance(U256::exp10(18)));
    world
}

/// A transaction from SENDER to CALLER, whose code burns BURN gas and then
/// runs `caller`, CALLEE's code running `callee`, at `revision`: through
/// the abi9 library, which must give the same status, gas, refund and
/// post-state as Iris in process. Gives how it ended and the post-state.
fn transaction(caller: &str, callee: &str, revision: Revision) -> (Ended, World) {
    // The burn comes first: a self-destruct or a trap ends the frame.
    let burn = format!("(call $useGas (i64.const {BURN})) {caller}");
    let pre = world(contract(&burn), contract(callee));
    let env = Env {
        tx: TxContext {
            coinbase: Address([0xcb; 20]),
            ..default_env().tx
        },
        revision,
    };
    let tx = Transaction {
        sender: SENDER,
        nonce: 0,
        gas_price: U256::one(),
        gas_limit: 21_000 + GAS as u64,
        to: Some(CALLER),
        value: U256::zero(),
        data: Vec::new(),
    };
    let in_process: Arc<dyn Runner> = Arc::new(Executor::new(ExecConfig::trusted()).unwrap());
    let [through_c, in_process] = [runner(), in_process].map(|runner| {
        let applied = transact(&pre, &env, runner, tx.to_revm(1).expect("a gas price of 1"))
            .unwrap_or_else(|e| panic!("{revision}: {e}"));
        let ended = applied
            .result
            .unwrap_or_else(|why| panic!("{revision}: invalid transaction: {why}"));
        (ended, applied.post)
    });
    let what = format!("{caller} / {callee} at {revision}");
    assert_eq!(
        (
            through_c.0.status,
            through_c.0.gas_used,
            through_c.0.gas_refund,
            &through_c.1
        ),
        (
            in_process.0.status,
            in_process.0.gas_used,
            in_process.0.gas_refund,
            &in_process.1
        ),
        "{what}: the abi9 library and Iris in process differ"
    );
    through_c
}

/// The refund of the caller's transaction, which must succeed.
fn refund(caller: &str, callee: &str, revision: Revision) -> u64 {
    let (ended, _) = transaction(caller, callee, revision);
    assert_eq!(ended.status, Status::Success, "{caller} / {callee}");
    ended.gas_refund
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
    let (ended, post) = transaction(&format!("{CLEAR} unreachable"), "", Revision::Byzantium);
    assert_eq!(ended.status, Status::Failure);
    assert_eq!(ended.gas_refund, 0);
    // A failure uses all its gas, and its clear is undone.
    assert_eq!(ended.gas_used, 21_000 + GAS as u64);
    assert_eq!(post.storage(&CALLER, &KEY), Bytes32::from_u256(U256::one()));
}

#[test]
fn a_delegate_call_through_the_abi9_library_acts_on_the_callers_account() {
    // The callee's code stores 7 at KEY: in the caller's storage.
    let store = "(call $storageStore (i32.const 0) (i32.const 96))";
    let delegate =
        "(drop (call $callDelegate (i64.const 500000) (i32.const 32) (i32.const 0) (i32.const 0)))";
    let (ended, post) = transaction(delegate, store, Revision::Byzantium);
    assert_eq!(ended.status, Status::Success);
    let seven = Bytes32::from_u256(U256::from(7u64));
    assert_eq!(post.storage(&CALLER, &KEY), seven);
    assert_eq!(post.storage(&CALLEE, &KEY), Bytes32::from_u256(U256::one()));
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
        let (ended, _) = transaction(&code, "", revision);
        assert_eq!(ended.status, Status::Success, "{revision}");
        assert_eq!(ended.gas_refund, refund, "{revision}");
        // The receipt's gas: intrinsic, the frame's, less the refund.
        assert_eq!(
            ended.gas_used,
            21_000 + used + BURN as u64 - refund,
            "{revision}"
        );
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
            assert!(b.passed, "{} fails in process", case.name);
            assert_eq!(
                (a.root, a.logs, a.result),
                (b.root, b.logs, b.result),
                "{}",
                case.name
            );
            compared += 1;
        }
    }
    assert!(compared >= 168, "compared {compared}");
}
