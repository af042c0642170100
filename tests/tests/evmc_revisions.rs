//! `libiris.so` honours the EVMC revision, through the C ABI as a client
//! calls it: warm and cold accesses are asked of the host's
//! `access_account`/`access_storage` (from Berlin only), storageStore is
//! priced from the `evmc_storage_status` the host's `set_storage` answers,
//! the refund comes back in `gas_refund`; revisions before Byzantium,
//! unknown revisions, kinds and flags, and EOF init code get their
//! documented statuses, never `EVMC_INTERNAL_ERROR`. Run by the state
//! layer (revm, its warm sets and storage statuses answering through
//! revm-ewasm's host) at every revision it has, a contract gives the same
//! gas, refund and state through `libiris.so` as in process.

#![cfg(not(feature = "abi9"))]

use std::collections::BTreeMap;
use std::sync::Arc;

use evmc_abi::{evmc_address, evmc_bytes32, evmc_message};
use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, ExecConfig, Executor, Message, Revision, Status,
    StorageStatus, TxContext, U256,
};
use state::evm::{transact, Ended};
use state::run::{default_env, Call, CallReport, Session};
use state::statetest::Transaction;
use state::{Account, Env, Runner, World};
use tests::{load, load_trusted, RecordingHost};

const CONTRACT: Address = Address([0xc0; 20]);
const OTHER: Address = Address([0x07; 20]);
const KEY: Bytes32 = Bytes32([0x6b; 32]);
const GAS: i64 = 1_000_000;

const IMPORTS: &str = r#"
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "useGas" (func $useGas (param i64)))
"#;

/// A contract: KEY at 0, OTHER at 32, zero at 64 (a value and a word),
/// running `body`.
fn contract(body: &str) -> Vec<u8> {
    let escape = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("\\{b:02x}")).collect() };
    wat::parse_str(format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 0) "{key}") (data (i32.const 32) "{other}")
             (func (export "main") {body}))"#,
        key = escape(&KEY.0),
        other = escape(&OTHER.0),
    ))
    .expect("wat")
}

/// Reads OTHER's balance, loads KEY, clears KEY.
fn balance_load_store() -> Vec<u8> {
    contract(
        "(call $getExternalBalance (i32.const 32) (i32.const 128))
         (call $storageLoad (i32.const 0) (i32.const 128))
         (call $storageStore (i32.const 0) (i32.const 64))",
    )
}

fn message(kind: CallKind) -> Message<'static> {
    Message {
        kind,
        is_static: false,
        depth: 0,
        gas: GAS,
        recipient: CONTRACT,
        sender: Address([0xca; 20]),
        input: Vec::new().into(),
        value: U256::zero(),
        code_address: CONTRACT,
        delegated: false,
    }
}

/// The raw EVMC message of `message`, with `kind` and `flags` as given.
fn raw(kind: i32, flags: u32) -> evmc_message {
    evmc_message::new(
        kind,
        flags,
        0,
        GAS,
        evmc_address { bytes: CONTRACT.0 },
        evmc_address { bytes: [0xca; 20] },
        &[],
        evmc_bytes32::default(),
        evmc_address { bytes: CONTRACT.0 },
    )
}

#[test]
fn from_berlin_the_vm_asks_the_hosts_warm_sets_and_prices_cold_accesses() {
    let vm = load_trusted();
    let mut host = RecordingHost {
        access: Some(AccessStatus::Cold),
        status: Some(StorageStatus::Deleted),
        ..RecordingHost::default()
    };
    let outcome = vm.execute(
        &mut host,
        Revision::London,
        &message(CallKind::Call),
        &balance_load_store(),
    );
    assert_eq!(outcome.status, Status::Success);
    // BALANCE cold 2,600; SLOAD cold 2,100; SSTORE cold 2,100 + 2,900
    // (Deleted), refunding 4,800 (EIP-3529).
    assert_eq!(GAS - outcome.gas_left, 2_600 + 2_100 + 2_100 + 2_900);
    assert_eq!(outcome.gas_refund, 4_800);
    assert_eq!(host.accounts, [OTHER]);
    assert_eq!(host.slots, [(CONTRACT, KEY), (CONTRACT, KEY)]);
    assert_eq!(host.stores, [(CONTRACT, KEY, Bytes32::ZERO)]);

    // Warm answers: 100 each, and the storage status decides the rest.
    let mut host = RecordingHost {
        access: Some(AccessStatus::Warm),
        status: Some(StorageStatus::ModifiedRestored),
        ..RecordingHost::default()
    };
    let outcome = vm.execute(
        &mut host,
        Revision::Berlin,
        &message(CallKind::Call),
        &balance_load_store(),
    );
    assert_eq!(GAS - outcome.gas_left, 100 + 100 + 100);
    assert_eq!(outcome.gas_refund, 5_000 - 2_100 - 100);
}

#[test]
fn at_byzantium_no_warm_set_is_asked_and_prices_stay_heras() {
    let vm = load_trusted();
    let mut host = RecordingHost {
        status: Some(StorageStatus::Deleted),
        ..RecordingHost::default()
    };
    let outcome = vm.execute(
        &mut host,
        Revision::Byzantium,
        &message(CallKind::Call),
        &balance_load_store(),
    );
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(GAS - outcome.gas_left, 400 + 200 + 5_000);
    assert_eq!(outcome.gas_refund, 15_000);
    assert!(host.accounts.is_empty() && host.slots.is_empty());
}

#[test]
fn a_successful_callees_refund_joins_the_callers_and_a_reverted_ones_does_not() {
    let vm = load_trusted();
    let code =
        contract("(drop (call $call (i64.const 0) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0)))");
    for (status, refund) in [
        (Status::Success, 1_234),
        (Status::Revert, 0),
        (Status::Failure, 0),
    ] {
        let mut host = RecordingHost {
            callee: Some((status, 1_234)),
            ..RecordingHost::default()
        };
        let outcome = vm.execute(&mut host, Revision::Cancun, &message(CallKind::Call), &code);
        assert_eq!(outcome.status, Status::Success, "{status:?}");
        assert_eq!(outcome.gas_refund, refund, "{status:?}");
    }
}

#[test]
fn a_failed_or_reverted_frame_reports_no_refund() {
    let vm = load_trusted();
    let code = contract("(call $storageStore (i32.const 0) (i32.const 64)) unreachable");
    let mut host = RecordingHost {
        status: Some(StorageStatus::Deleted),
        ..RecordingHost::default()
    };
    let outcome = vm.execute(
        &mut host,
        Revision::Istanbul,
        &message(CallKind::Call),
        &code,
    );
    assert_eq!(outcome.status, Status::Failure);
    assert_eq!(outcome.gas_refund, 0);
}

#[test]
fn revisions_before_byzantium_and_unknown_ones_are_rejected() {
    let vm = load_trusted();
    let code = balance_load_store();
    for rev in [0, 1, 2, 3, 15, 99, -1] {
        let mut host = RecordingHost::default();
        let outcome = vm.execute_evmc(&mut host, rev, &raw(evmc_abi::EVMC_CALL, 0), &code);
        assert_eq!(outcome.status, Status::Rejected, "revision {rev}");
        assert_eq!(outcome.gas_left, 0, "revision {rev}");
        assert!(host.stores.is_empty(), "revision {rev}: nothing ran");
    }
    for rev in 4..=14 {
        let mut host = RecordingHost::default();
        let outcome = vm.execute_evmc(&mut host, rev, &raw(evmc_abi::EVMC_CALL, 0), &code);
        assert_eq!(outcome.status, Status::Success, "revision {rev}");
    }
}

#[test]
fn the_delegated_flag_runs_as_any_call_and_unknown_flags_are_rejected() {
    let vm = load_trusted();
    let code = balance_load_store();
    let delegated = evmc_abi::EVMC_DELEGATED;
    let mut host = RecordingHost::default();
    let outcome = vm.execute_evmc(&mut host, 13, &raw(evmc_abi::EVMC_CALL, delegated), &code);
    assert_eq!(outcome.status, Status::Success);
    for flags in [4, 8, 1 << 31] {
        let outcome = vm.execute_evmc(&mut host, 13, &raw(evmc_abi::EVMC_CALL, flags), &code);
        assert_eq!(outcome.status, Status::Rejected, "flags {flags:#x}");
    }
}

#[test]
fn unknown_kinds_eofcreate_and_create2_before_constantinople_are_rejected() {
    let vm = load_trusted();
    let init = contract("");
    let mut host = RecordingHost::default();
    for (rev, kind) in [
        (4, evmc_abi::EVMC_CREATE2),
        (13, evmc_abi::EVMC_EOFCREATE),
        (13, 6),
        (13, -1),
    ] {
        let outcome = vm.execute_evmc(&mut host, rev, &raw(kind, 0), &init);
        assert_eq!(
            outcome.status,
            Status::Rejected,
            "revision {rev}, kind {kind}"
        );
    }
    let outcome = vm.execute_evmc(&mut host, 5, &raw(evmc_abi::EVMC_CREATE2, 0), &init);
    assert_eq!(outcome.status, Status::Success, "CREATE2 at Constantinople");
}

#[test]
fn eof_init_code_is_rejected_under_fallback_and_a_clean_failure_otherwise() {
    // An EOF container's first bytes: magic 0xEF00, version 1.
    let eof = [0xef, 0x00, 0x01, 0x01, 0x00, 0x04, 0x02, 0x00, 0x01];
    let vm = load();
    let mut host = RecordingHost::default();
    let outcome = vm.execute(
        &mut host,
        Revision::Prague,
        &message(CallKind::Create),
        &eof,
    );
    assert_eq!(outcome.status, Status::Failure);
    assert_eq!(outcome.gas_left, 0);
    assert_eq!(vm.set_option("evm1mode", "fallback"), Ok(()));
    let outcome = vm.execute(
        &mut host,
        Revision::Prague,
        &message(CallKind::Create),
        &eof,
    );
    assert_eq!(outcome.status, Status::Rejected);
}

#[test]
fn self_destruct_refunds_through_evmc_until_london() {
    let vm = load_trusted();
    let code = contract("(call $selfDestruct (i32.const 32))");
    for (revision, refund) in [(Revision::Berlin, 24_000), (Revision::London, 0)] {
        let mut host = RecordingHost {
            access: Some(AccessStatus::Cold),
            ..RecordingHost::default()
        };
        let outcome = vm.execute(&mut host, revision, &message(CallKind::Call), &code);
        assert_eq!(outcome.status, Status::Success, "{revision}");
        assert_eq!(GAS - outcome.gas_left, 5_000 + 2_600, "{revision}");
        assert_eq!(outcome.gas_refund, refund, "{revision}");
    }
}

#[test]
fn a_call_to_a_delegated_account_goes_out_with_the_delegated_flag_from_prague() {
    let vm = load_trusted();
    let delegate = Address([0x0d; 20]);
    let code =
        contract("(drop (call $call (i64.const 0) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0)))");
    for (revision, designated, delegated, code_address) in [
        (Revision::Prague, true, true, delegate),
        (Revision::Osaka, true, true, delegate),
        // No delegation before Prague: the designation is only code.
        (Revision::Cancun, true, false, OTHER),
        (Revision::Prague, false, false, OTHER),
    ] {
        let mut host = RecordingHost {
            designation: designated.then_some((OTHER, delegate)),
            ..RecordingHost::default()
        };
        let outcome = vm.execute(&mut host, revision, &message(CallKind::Call), &code);
        assert_eq!(outcome.status, Status::Success, "{revision}");
        let [call] = &host.calls[..] else {
            panic!("{revision}: one call, not {:?}", host.calls)
        };
        assert_eq!(call.delegated, delegated, "{revision}, {designated}");
        assert_eq!(call.recipient, OTHER, "{revision}, {designated}");
        assert_eq!(call.code_address, code_address, "{revision}, {designated}");
    }
}

#[test]
fn a_callees_negative_refund_joins_the_callers_through_evmc() {
    // The caller clears a slot (Deleted: 15,000 at Istanbul); its callee
    // restored one the caller had cleared (DeletedRestored: -10,800).
    let vm = load_trusted();
    let code = contract(
        "(call $storageStore (i32.const 0) (i32.const 64))
         (drop (call $call (i64.const 0) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0)))",
    );
    let mut host = RecordingHost {
        status: Some(StorageStatus::Deleted),
        callee: Some((Status::Success, 5_000 - 800 - 15_000)),
        ..RecordingHost::default()
    };
    let outcome = vm.execute(
        &mut host,
        Revision::Istanbul,
        &message(CallKind::Call),
        &code,
    );
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(outcome.gas_refund, 15_000 - 10_800);
}

/// Who sends the transactions and messages run on revm.
const SENDER: Address = Address([0x5e; 20]);
/// The gas a contract run on revm burns with `useGas`, so that its spent
/// gas is large enough for no fork's refund cap to bind.
const BURN: i64 = 100_000;

/// A world with `code` at CONTRACT (KEY holding 1), `other` at OTHER, and
/// SENDER holding ether.
fn revm_world(code: Vec<u8>, other: Vec<u8>) -> World {
    let mut world = World::default();
    let one = Bytes32::from_u256(U256::one());
    world.insert(
        CONTRACT,
        Account {
            code: Arc::new(code),
            storage: BTreeMap::from([(KEY, one)]),
            ..Account::default()
        },
    );
    world.insert(
        OTHER,
        Account {
            code: Arc::new(other),
            balance: U256::from(1_000u64),
            ..Account::default()
        },
    );
    world.insert(SENDER, Account::with_balance(U256::exp10(18)));
    world
}

/// The block of the runs on revm, at `revision`; its coinbase is none of
/// the accounts above.
fn env(revision: Revision) -> Env {
    Env {
        tx: TxContext {
            coinbase: Address([0xcb; 20]),
            ..default_env().tx
        },
        revision,
    }
}

/// What `world`'s contract does on revm at `revision` with Wasm run by
/// `runner`: as a message from SENDER (its report, and the world after),
/// and as a transaction (how it ended, and the state root after).
fn on_revm(
    world: &World,
    revision: Revision,
    runner: Arc<dyn Runner>,
) -> (CallReport, World, Ended, [u8; 32]) {
    let mut session = Session::in_world(world.clone(), env(revision), CONTRACT, runner.clone());
    let report = session.call_from(
        SENDER,
        &Call {
            input: Vec::new(),
            gas: GAS,
            value: U256::zero(),
        },
    );
    let tx = Transaction {
        sender: SENDER,
        nonce: 0,
        gas_price: U256::one(),
        gas_limit: 21_000 + GAS as u64,
        to: Some(CONTRACT),
        value: U256::zero(),
        data: Vec::new(),
    };
    let applied = transact(
        world,
        &env(revision),
        runner,
        tx.to_revm(1).expect("a gas price of 1"),
    )
    .unwrap_or_else(|e| panic!("{revision}: {e}"));
    let ended = applied
        .result
        .unwrap_or_else(|why| panic!("{revision}: invalid transaction: {why}"));
    (
        report,
        session.into_world(),
        ended,
        applied.post.state_root(),
    )
}

/// The forks from Byzantium that revm runs (not Constantinople).
fn revm_revisions() -> impl Iterator<Item = Revision> {
    Revision::SUPPORTED
        .iter()
        .copied()
        .filter(|&revision| state::evm::spec(revision).is_ok())
}

/// Runs `world` at every revm fork through `libiris.so` and in process:
/// both must agree on the message's report and world, and on the
/// transaction's gas, refund and state root. Gives, per revision, the
/// message's gas used and the transaction's refund.
fn same_through_c_and_in_process(world: &World) -> Vec<(Revision, i64, u64)> {
    let through_c: Arc<dyn Runner> = Arc::new(load_trusted());
    let in_process: Arc<dyn Runner> = Arc::new(Executor::new(ExecConfig::trusted()).unwrap());
    revm_revisions()
        .map(|revision| {
            let (report, after, ended, root) = on_revm(world, revision, through_c.clone());
            let (report_b, after_b, ended_b, root_b) = on_revm(world, revision, in_process.clone());
            assert_eq!(report, report_b, "{revision}: the message");
            assert_eq!(after, after_b, "{revision}: the world after the message");
            assert_eq!(
                (
                    ended.status,
                    ended.gas_used,
                    ended.gas_refund,
                    &ended.output
                ),
                (
                    ended_b.status,
                    ended_b.gas_used,
                    ended_b.gas_refund,
                    &ended_b.output
                ),
                "{revision}: the transaction"
            );
            assert_eq!(root, root_b, "{revision}: the state root");
            assert_eq!(report.status, Status::Success, "{revision}");
            assert_eq!(ended.status, Status::Success, "{revision}");
            // The transaction is the message with its intrinsic gas, less
            // its refund.
            assert_eq!(
                ended.gas_used as i64,
                21_000 + report.gas_used - ended.gas_refund as i64,
                "{revision}"
            );
            (revision, report.gas_used, ended.gas_refund)
        })
        .collect()
}

#[test]
fn on_revms_host_each_revisions_warm_sets_and_storage_statuses_price_as_in_process() {
    // BALANCE of OTHER and SLOAD of KEY, cold from Berlin in revm's warm
    // sets; the SSTORE that clears KEY finds the slot warm and earns the
    // revision's refund.
    let code = contract(
        "(call $getExternalBalance (i32.const 32) (i32.const 128))
         (call $storageLoad (i32.const 0) (i32.const 128))
         (call $storageStore (i32.const 0) (i32.const 64))
         (call $useGas (i64.const 100000))",
    );
    let ran = same_through_c_and_in_process(&revm_world(code, Vec::new()));
    let expected = |revision: Revision| match revision {
        Revision::Byzantium | Revision::Petersburg => (400 + 200 + 5_000, 15_000),
        Revision::Istanbul => (700 + 800 + 5_000, 15_000),
        Revision::Berlin => (2_600 + 2_100 + 2_900, 15_000),
        _ => (2_600 + 2_100 + 2_900, 4_800),
    };
    assert_eq!(
        ran.len(),
        Revision::SUPPORTED.len() - 1,
        "every fork but Constantinople"
    );
    for (revision, used, refund) in ran {
        let (eei, cleared) = expected(revision);
        assert_eq!((used, refund), (eei + BURN, cleared), "{revision}");
    }
}

#[test]
fn on_revms_host_a_nested_wasm_call_costs_the_same_through_c_and_in_process() {
    // CONTRACT clears KEY and calls OTHER, whose Wasm code sets KEY in its
    // own storage (a new slot) and self-destructs to CONTRACT: the nested
    // frame runs through the same runner, on revm's host.
    let caller = contract(
        "(call $storageStore (i32.const 0) (i32.const 64))
         (drop (call $call (i64.const 200000) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0)))
         (call $useGas (i64.const 100000))",
    );
    let escape = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("\\{b:02x}")).collect() };
    let callee = wat::parse_str(format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 0) "{key}") (data (i32.const 32) "{contract}") (data (i32.const 95) "\07")
             (func (export "main")
               (call $storageStore (i32.const 0) (i32.const 64))
               (call $selfDestruct (i32.const 32))))"#,
        key = escape(&KEY.0),
        contract = escape(&CONTRACT.0),
    ))
    .expect("wat");
    let ran = same_through_c_and_in_process(&revm_world(caller, callee));
    // The self-destruct's refund until London, the clear's at every fork.
    for (revision, _, refund) in ran {
        let expected = match revision {
            Revision::Byzantium | Revision::Petersburg | Revision::Istanbul | Revision::Berlin => {
                15_000 + 24_000
            }
            _ => 4_800,
        };
        assert_eq!(refund, expected, "{revision}");
    }
}
