//! The EEI's prices at every revision, in messages of a session and in
//! transactions (revm's rules of each fork): each function with an EVM
//! counterpart costs, at revision R, what that opcode costs at R (the
//! EIPs' numbers, worked out by hand below), in each situation that
//! changes the price: a cold or warm account or slot, each
//! original/current/new case of EIP-2200, a value or none, a new account or
//! an existing one, a static frame. Metering is off, so the gas a run uses
//! is exactly the EEI's.
//!
//! A message's warm sets start as a transaction's (EIP-2929: the sender,
//! the recipient, the precompiles, and from Shanghai the coinbase). revm
//! has no Constantinople (EIP-1283 never went live): it is refused, and
//! the revisions below are those Iris supports but it.

use std::sync::{Arc, OnceLock};

mod common;

use common::Placed;
use ewasm_host::{Address, Bytes32, ExecConfig, Executor, Revision, Status, TxContext, U256};
use state::evm::transact;
use state::run::{Call, Session};
use state::statetest::Transaction;
use state::{Account, Env, Runner, World};

/// The contract under test.
const CONTRACT: Address = Address([0xc0; 20]);
/// The sender.
const CALLER: Address = Address([0xca; 20]);
/// An account with a balance and no code.
const PLAIN: Address = Address([0x03; 20]);
/// An account that does not exist.
const NOBODY: Address = Address([0x0b; 20]);
/// An account with Wasm code a test chooses.
const CALLEE: Address = Address([0xce; 20]);
/// The storage slot the tests write.
const KEY: Bytes32 = Bytes32([0x6b; 32]);

/// Where things are in every contract's memory.
const AT_KEY: u32 = 0;
/// `value(v)` is at `AT_VALUES + 32 * v`: a word whose last byte is `v`.
const AT_VALUES: u32 = 64;
const AT_PLAIN: u32 = 256;
const AT_NOBODY: u32 = 288;
const AT_CALLEE: u32 = 320;
/// 1 as a little-endian u128.
const AT_ONE: u32 = 384;
/// 16 zero bytes: no value.
const AT_ZERO: u32 = 400;
/// Scratch space for results.
const AT_OUT: u32 = 512;
/// Init code, when a test puts some there.
const AT_INIT: u32 = 1024;

/// Message gas unless a test says otherwise.
const GAS: i64 = 1_000_000;

/// The revisions Iris supports and revm has, oldest first: all but
/// Constantinople.
fn revisions() -> Vec<Revision> {
    Revision::SUPPORTED
        .iter()
        .copied()
        .filter(|r| state::evm::spec(*r).is_ok())
        .collect()
}

const IMPORTS: &str = r#"
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
  (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
  (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
"#;

fn escape(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// A contract whose `main` runs `body`, with the memory laid out as the
/// `AT_*` constants say and `init` at [`AT_INIT`].
fn contract_with(body: &str, init: &[u8]) -> Vec<u8> {
    let mut data = format!(
        r#"(data (i32.const {AT_KEY}) "{key}")
           (data (i32.const {AT_PLAIN}) "{plain}")
           (data (i32.const {AT_NOBODY}) "{nobody}")
           (data (i32.const {AT_CALLEE}) "{callee}")
           (data (i32.const {AT_ONE}) "\01")
           (data (i32.const {AT_INIT}) "{init}")"#,
        key = escape(&KEY.0),
        plain = escape(&PLAIN.0),
        nobody = escape(&NOBODY.0),
        callee = escape(&CALLEE.0),
        init = escape(init),
    );
    for v in 0..4u32 {
        data.push_str(&format!(
            r#"(data (i32.const {}) "\{v:02x}")"#,
            AT_VALUES + 32 * v + 31
        ));
    }
    let text = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1) {data}
             (func (export "main") {body}))"#
    );
    wat::parse_str(&text).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

fn contract(body: &str) -> Vec<u8> {
    contract_with(body, &[])
}

/// `storageStore(KEY, value(v))`.
fn sstore(v: u8) -> String {
    format!(
        "(call $storageStore (i32.const {AT_KEY}) (i32.const {}))",
        AT_VALUES + 32 * u32::from(v)
    )
}

/// The word whose last byte is `v` (zero for 0).
fn word(v: u8) -> Bytes32 {
    let mut bytes = [0u8; 32];
    bytes[31] = v;
    Bytes32(bytes)
}

fn runner() -> Arc<dyn Runner> {
    static RUNNER: OnceLock<Arc<dyn Runner>> = OnceLock::new();
    Arc::clone(
        RUNNER.get_or_init(|| Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))),
    )
}

fn env(revision: Revision) -> Env {
    Env {
        tx: TxContext {
            number: 1_000,
            gas_limit: 10_000_000,
            coinbase: Address([0xcb; 20]),
            chain_id: U256::one(),
            ..TxContext::default()
        },
        revision,
    }
}

/// CONTRACT (with `code` and a balance), PLAIN and CALLER with balances.
fn world(code: Vec<u8>) -> World {
    let mut world = World::default();
    world.insert(CALLER, Account::with_balance(U256::one() << 100));
    world.insert(
        CONTRACT,
        Account {
            balance: 1_000u64.into(),
            code: Arc::new(code),
            ..Account::default()
        },
    );
    world.insert(PLAIN, Account::with_balance(3u64.into()));
    world
}

/// What one message did.
#[derive(Debug)]
struct Run {
    status: Status,
    gas_used: i64,
    /// The refund Iris counted for the message's frame (its successful
    /// nested frames' with it), which revm takes as the frame's; 0 unless
    /// it succeeded.
    refund: i64,
    world: World,
}

/// Runs a message from CALLER to CONTRACT in `world` at `revision` (its
/// frame static if `is_static`), Wasm code run by `runner`.
fn run_with(
    world: World,
    revision: Revision,
    gas: i64,
    is_static: bool,
    runner: Arc<dyn Runner>,
) -> Run {
    let placed = Arc::new(Placed::new(runner, is_static, 0));
    let mut session = Session::in_world(
        world,
        env(revision),
        CONTRACT,
        Arc::clone(&placed) as Arc<dyn Runner>,
    );
    let report = session.call_from(
        CALLER,
        &Call {
            input: Vec::new(),
            gas,
            value: U256::zero(),
        },
    );
    let refund = placed
        .top()
        .filter(|top| top.status == Status::Success)
        .map_or(0, |top| top.gas_refund);
    Run {
        status: report.status,
        gas_used: report.gas_used,
        refund,
        world: session.into_world(),
    }
}

/// Runs a message to CONTRACT in `world` at `revision`.
fn run_in(world: World, revision: Revision, gas: i64, is_static: bool) -> Run {
    run_with(world, revision, gas, is_static, runner())
}

/// Runs `tx` at `revision` in `world`: how it ended (it must be valid).
fn apply(world: &World, revision: Revision, tx: &Transaction) -> state::evm::Ended {
    transact(
        world,
        &env(revision),
        runner(),
        tx.to_revm(1).expect("a gas price under 2^128"),
    )
    .expect("a fork revm has")
    .result
    .expect("a valid transaction")
}

/// Runs `body` as CONTRACT's code at `revision`.
fn run(body: &str, revision: Revision) -> Run {
    run_in(world(contract(body)), revision, GAS, false)
}

/// Asserts, for every revision, that `body` succeeds using the gas
/// `expected` gives for that revision.
#[track_caller]
fn assert_gas(body: &str, expected: impl Fn(Revision) -> i64) {
    for revision in revisions() {
        let r = run(body, revision);
        assert_eq!(r.status, Status::Success, "{revision}: status");
        assert_eq!(r.gas_used, expected(revision), "{revision}: gas used");
    }
}

fn from(revision: Revision, since: Revision) -> bool {
    revision >= since
}

#[test]
fn revisions_before_byzantium_are_rejected_and_run_nothing() {
    for revision in [
        Revision::Frontier,
        Revision::Homestead,
        Revision::TangerineWhistle,
        Revision::SpuriousDragon,
    ] {
        let r = run(&sstore(1), revision);
        assert_eq!(r.status, Status::Rejected, "{revision}");
        assert_eq!(r.gas_used, GAS, "{revision}: no gas kept");
        assert_eq!(r.world.storage(&CONTRACT, &KEY), Bytes32::ZERO);
    }
}

#[test]
fn constantinople_which_revm_lacks_is_refused_and_runs_nothing() {
    // Its EIP-1283 never went live; revm has no rules for it.
    assert!(state::evm::spec(Revision::Constantinople).is_err());
    assert!(!revisions().contains(&Revision::Constantinople));
    let before = world(contract(&sstore(1)));
    let mut session = Session::in_world(
        before.clone(),
        env(Revision::Constantinople),
        CONTRACT,
        runner(),
    );
    let report = session.call_from(
        CALLER,
        &Call {
            input: Vec::new(),
            gas: GAS,
            value: U256::one(),
        },
    );
    assert_eq!(report.status, Status::Rejected);
    assert_eq!(report.gas_used, GAS, "no gas kept");
    let why = format!("{:?}", report.reason);
    assert!(why.contains("Constantinople"), "{why}");
    assert_eq!(session.into_world(), before, "nothing ran, no value moved");
    let tx = Transaction {
        sender: CALLER,
        nonce: 0,
        gas_price: U256::zero(),
        gas_limit: 100_000,
        to: Some(CONTRACT),
        value: U256::zero(),
        data: Vec::new(),
    };
    assert!(transact(
        &before,
        &env(Revision::Constantinople),
        runner(),
        tx.to_revm(1).expect("a gas price under 2^128")
    )
    .is_err());
}

#[test]
fn get_external_balance_costs_balance_and_from_berlin_cold_then_warm() {
    let once = format!("(call $getExternalBalance (i32.const {AT_PLAIN}) (i32.const {AT_OUT}))");
    assert_gas(&once.repeat(2), |r| {
        if from(r, Revision::Berlin) {
            2_600 + 100
        } else if from(r, Revision::Istanbul) {
            700 + 700
        } else {
            400 + 400
        }
    });
}

#[test]
fn get_external_code_size_and_code_copy_cost_extcode_and_from_berlin_cold_then_warm() {
    let size = format!("(drop (call $getExternalCodeSize (i32.const {AT_PLAIN})))");
    assert_gas(&size.repeat(2), |r| {
        if from(r, Revision::Berlin) {
            2_600 + 100
        } else {
            700 + 700
        }
    });
    // Copying nothing of PLAIN's code (cold), then its size (warm).
    let copy = format!(
        "(call $externalCodeCopy (i32.const {AT_PLAIN}) (i32.const {AT_OUT}) (i32.const 0) (i32.const 0))
         (call $getExternalCodeSize (i32.const {AT_PLAIN})) (drop)"
    );
    assert_gas(&copy, |r| {
        if from(r, Revision::Berlin) {
            2_600 + 100
        } else {
            700 + 700
        }
    });
}

#[test]
fn external_code_copy_pays_per_word_at_every_revision() {
    // The contract copies 33 bytes of code, two words: of CALLEE (cold
    // from Berlin), then of itself (from Berlin warm, as the message's
    // recipient, EIP-2929).
    for (at, warm_from_berlin) in [(2080, false), (2048, true)] {
        let body = format!(
            "(call $externalCodeCopy (i32.const {at}) (i32.const 4096) (i32.const 0) (i32.const 33))"
        );
        for revision in revisions() {
            let r = run_in(world_with_self_address(&body), revision, GAS, false);
            let base = match (from(revision, Revision::Berlin), warm_from_berlin) {
                (true, true) => 100,
                (true, false) => 2_600,
                (false, _) => 700,
            };
            assert_eq!(r.status, Status::Success, "{revision}, {at}");
            assert_eq!(r.gas_used, base + 2 * 3, "{revision}, {at}");
        }
    }
}

/// The world of [`world`] with a contract running `body` and holding its
/// own address at 2048, and CALLEE's at 2080, CALLEE holding 64 bytes of
/// code.
fn world_with_self_address(body: &str) -> World {
    let text = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 2048) "{address}")
             (data (i32.const 2080) "{callee}")
             (func (export "main") {body}))"#,
        address = escape(&CONTRACT.0),
        callee = escape(&CALLEE.0),
    );
    let mut world = world(wat::parse_str(&text).expect("wat"));
    world.insert(
        CALLEE,
        Account {
            code: Arc::new(vec![0xfe; 64]),
            ..Account::default()
        },
    );
    world
}

#[test]
fn storage_load_costs_sload_and_from_berlin_cold_then_warm() {
    let once = format!("(call $storageLoad (i32.const {AT_KEY}) (i32.const {AT_OUT}))");
    assert_gas(&once.repeat(2), |r| {
        if from(r, Revision::Berlin) {
            2_100 + 100
        } else if from(r, Revision::Istanbul) {
            800 + 800
        } else {
            200 + 200
        }
    });
}

#[test]
fn get_block_hash_keeps_heras_800_at_byzantium_only() {
    let body = format!("(drop (call $getBlockHash (i64.const 999) (i32.const {AT_OUT})))");
    assert_gas(&body, |r| if r == Revision::Byzantium { 800 } else { 20 });
}

/// One row of the storage tables: the slot's value before the
/// transaction, the values written in order, and per pricing the gas and
/// refund of the writes (hand-computed from the EIPs: legacy for
/// Byzantium and Petersburg; EIP-2200 for Istanbul; EIP-2929 for Berlin,
/// the first write paying the cold 2,100; EIP-3529 from London).
struct Row {
    original: u8,
    writes: &'static [u8],
    legacy: (i64, i64),
    istanbul: (i64, i64),
    berlin: (i64, i64),
    london: (i64, i64),
}

const ROWS: &[Row] = &[
    // Assigned, Assigned.
    Row {
        original: 0,
        writes: &[0, 0],
        legacy: (10_000, 0),
        istanbul: (1_600, 0),
        berlin: (2_300, 0),
        london: (2_300, 0),
    },
    // Assigned, Added.
    Row {
        original: 0,
        writes: &[0, 1],
        legacy: (25_000, 0),
        istanbul: (20_800, 0),
        berlin: (22_200, 0),
        london: (22_200, 0),
    },
    // Added, AddedDeleted.
    Row {
        original: 0,
        writes: &[1, 0],
        legacy: (25_000, 15_000),
        istanbul: (20_800, 19_200),
        berlin: (22_200, 19_900),
        london: (22_200, 19_900),
    },
    // Added, Assigned (a dirty slot written again).
    Row {
        original: 0,
        writes: &[1, 2],
        legacy: (25_000, 0),
        istanbul: (20_800, 0),
        berlin: (22_200, 0),
        london: (22_200, 0),
    },
    // Deleted, Assigned.
    Row {
        original: 1,
        writes: &[0, 0],
        legacy: (10_000, 15_000),
        istanbul: (5_800, 15_000),
        berlin: (5_100, 15_000),
        london: (5_100, 4_800),
    },
    // Deleted, DeletedRestored.
    Row {
        original: 1,
        writes: &[0, 1],
        legacy: (25_000, 15_000),
        istanbul: (5_800, 4_200),
        berlin: (5_100, 2_800),
        london: (5_100, 2_800),
    },
    // Deleted, DeletedAdded.
    Row {
        original: 1,
        writes: &[0, 2],
        legacy: (25_000, 15_000),
        istanbul: (5_800, 0),
        berlin: (5_100, 0),
        london: (5_100, 0),
    },
    // Modified, ModifiedDeleted.
    Row {
        original: 1,
        writes: &[2, 0],
        legacy: (10_000, 15_000),
        istanbul: (5_800, 15_000),
        berlin: (5_100, 15_000),
        london: (5_100, 4_800),
    },
    // Modified, ModifiedRestored.
    Row {
        original: 1,
        writes: &[2, 1],
        legacy: (10_000, 0),
        istanbul: (5_800, 4_200),
        berlin: (5_100, 2_800),
        london: (5_100, 2_800),
    },
    // Modified, Assigned.
    Row {
        original: 1,
        writes: &[2, 3],
        legacy: (10_000, 0),
        istanbul: (5_800, 0),
        berlin: (5_100, 0),
        london: (5_100, 0),
    },
    // Assigned, Assigned, on a non-zero slot.
    Row {
        original: 1,
        writes: &[1, 1],
        legacy: (10_000, 0),
        istanbul: (1_600, 0),
        berlin: (2_300, 0),
        london: (2_300, 0),
    },
    // Added, AddedDeleted, Added.
    Row {
        original: 0,
        writes: &[1, 0, 1],
        legacy: (45_000, 15_000),
        istanbul: (40_800, 19_200),
        berlin: (42_200, 19_900),
        london: (42_200, 19_900),
    },
    // Deleted, DeletedRestored, Deleted.
    Row {
        original: 1,
        writes: &[0, 1, 0],
        legacy: (30_000, 30_000),
        istanbul: (10_800, 19_200),
        berlin: (8_000, 17_800),
        london: (8_000, 7_600),
    },
];

impl Row {
    fn expected(&self, revision: Revision) -> (i64, i64) {
        match revision {
            Revision::Byzantium | Revision::Petersburg => self.legacy,
            Revision::Istanbul => self.istanbul,
            Revision::Berlin => self.berlin,
            _ => self.london,
        }
    }
}

#[test]
fn storage_store_charges_and_refunds_every_eip_2200_case_at_every_revision() {
    for row in ROWS {
        let body: String = row.writes.iter().map(|v| sstore(*v)).collect();
        for revision in revisions() {
            let mut w = world(contract(&body));
            w.set_storage(CONTRACT, KEY, word(row.original));
            let r = run_in(w, revision, GAS, false);
            let case = format!("{revision}: {} then {:?}", row.original, row.writes);
            assert_eq!(r.status, Status::Success, "{case}");
            assert_eq!((r.gas_used, r.refund), row.expected(revision), "{case}");
            let last = row.writes.last().copied().unwrap_or(row.original);
            assert_eq!(r.world.storage(&CONTRACT, &KEY), word(last), "{case}");
        }
    }
}

#[test]
fn storage_store_with_no_more_than_the_stipend_left_fails_from_istanbul() {
    for revision in revisions() {
        // A write of zero over zero: 5,000 (legacy).
        let r = run_in(world(contract(&sstore(0))), revision, 2_300, false);
        if from(revision, Revision::Istanbul) {
            assert_eq!(r.status, Status::OutOfGas, "{revision}: the sentry");
        } else {
            assert_eq!(r.status, Status::OutOfGas, "{revision}: 5,000 > 2,300");
        }
    }
    // One more than the stipend passes the sentry at Istanbul (800 used).
    let r = run_in(
        world(contract(&sstore(0))),
        Revision::Istanbul,
        2_301,
        false,
    );
    assert_eq!((r.status, r.gas_used), (Status::Success, 800));
}

#[test]
fn storage_store_in_a_static_frame_fails_at_every_revision() {
    for revision in revisions() {
        let r = run_in(world(contract(&sstore(1))), revision, GAS, true);
        assert_eq!(r.status, Status::StaticModeViolation, "{revision}");
        assert_eq!(r.world.storage(&CONTRACT, &KEY), Bytes32::ZERO);
    }
}

#[test]
fn storage_store_in_a_static_frame_is_a_static_violation_even_within_the_sentry() {
    // No more than the stipend left: the static flag is checked first
    // (evmone, revm), at Istanbul and later too.
    for revision in revisions() {
        for gas in [2_300, 100] {
            let r = run_in(world(contract(&sstore(1))), revision, gas, true);
            assert_eq!(
                r.status,
                Status::StaticModeViolation,
                "{revision}, {gas} gas"
            );
        }
    }
}

/// `call(gas 0, target, value, no data)`: the callee has no code, so it
/// gives back all it was given (the stipend, with a value) and the caller
/// pays the call's price alone.
fn call_to(target_at: u32, value_at: u32) -> String {
    format!(
        "(drop (call $call (i64.const 0) (i32.const {target_at}) (i32.const {value_at}) (i32.const 0) (i32.const 0)))"
    )
}

#[test]
fn call_without_value_costs_call_and_from_berlin_cold_then_warm() {
    let twice = call_to(AT_PLAIN, AT_ZERO).repeat(2);
    assert_gas(&twice, |r| {
        if from(r, Revision::Berlin) {
            2_600 + 100
        } else {
            700 + 700
        }
    });
}

#[test]
fn call_with_value_pays_the_transfer_less_the_stipend_it_gets_back() {
    let twice = call_to(AT_PLAIN, AT_ONE).repeat(2);
    // 9,000 for the transfer, 2,300 of it coming back unused.
    assert_gas(&twice, |r| {
        if from(r, Revision::Berlin) {
            2_600 + 6_700 + 100 + 6_700
        } else {
            2 * (700 + 6_700)
        }
    });
}

#[test]
fn call_with_value_to_a_new_account_pays_25000_and_without_value_nothing() {
    assert_gas(&call_to(AT_NOBODY, AT_ONE), |r| {
        let access = if from(r, Revision::Berlin) {
            2_600
        } else {
            700
        };
        access + 6_700 + 25_000
    });
    assert_gas(&call_to(AT_NOBODY, AT_ZERO), |r| {
        if from(r, Revision::Berlin) {
            2_600
        } else {
            700
        }
    });
}

#[test]
fn call_code_delegate_and_static_pay_the_same_access_prices() {
    let body = format!(
        "(drop (call $callCode (i64.const 0) (i32.const {AT_PLAIN}) (i32.const {AT_ZERO}) (i32.const 0) (i32.const 0)))
         (drop (call $callDelegate (i64.const 0) (i32.const {AT_NOBODY}) (i32.const 0) (i32.const 0)))
         (drop (call $callStatic (i64.const 0) (i32.const {AT_CALLEE}) (i32.const 0) (i32.const 0)))
         (drop (call $callStatic (i64.const 0) (i32.const {AT_PLAIN}) (i32.const 0) (i32.const 0)))"
    );
    assert_gas(&body, |r| {
        if from(r, Revision::Berlin) {
            3 * 2_600 + 100
        } else {
            4 * 700
        }
    });
    // callCode with value pays the transfer but never a new account.
    let body = format!(
        "(drop (call $callCode (i64.const 0) (i32.const {AT_NOBODY}) (i32.const {AT_ONE}) (i32.const 0) (i32.const 0)))"
    );
    assert_gas(&body, |r| {
        let access = if from(r, Revision::Berlin) {
            2_600
        } else {
            700
        };
        access + 6_700
    });
}

#[test]
fn a_call_with_more_value_than_the_balance_fails_at_the_evms_price_after_byzantium() {
    // CONTRACT holds 1,000 wei; 2^126 is more.
    let body = format!(
        "(i64.store (i32.const {AT_OUT}) (i64.const 0))
         (i64.store (i32.const {}) (i64.const 0x4000000000000000))
         (drop (call $call (i64.const 0) (i32.const {AT_NOBODY}) (i32.const {AT_OUT}) (i32.const 0) (i32.const 0)))",
        AT_OUT + 8
    );
    assert_gas(&body, |r| match r {
        // Hera: the balance is checked before the new account is paid.
        Revision::Byzantium => 700 + 9_000,
        // The EVM: both paid, the stipend kept.
        _ if from(r, Revision::Berlin) => 2_600 + 9_000 + 25_000 - 2_300,
        _ => 700 + 9_000 + 25_000 - 2_300,
    });
}

#[test]
fn self_destruct_prices_the_beneficiary_and_refunds_until_london() {
    let to = |at: u32| format!("(call $selfDestruct (i32.const {at}))");
    for revision in revisions() {
        let berlin = from(revision, Revision::Berlin);
        let cold = if berlin { 2_600 } else { 0 };
        let refund = if from(revision, Revision::London) {
            0
        } else {
            24_000
        };
        // An existing beneficiary.
        let r = run(&to(AT_PLAIN), revision);
        assert_eq!(
            (r.status, r.gas_used, r.refund),
            (Status::Success, 5_000 + cold, refund),
            "{revision}: existing"
        );
        // A new one, CONTRACT having a balance to move.
        let r = run(&to(AT_NOBODY), revision);
        assert_eq!(
            (r.gas_used, r.refund),
            (5_000 + cold + 25_000, refund),
            "{revision}: new"
        );
        // A new one, CONTRACT empty-handed: the EVM (EIP-161) charges no
        // new account; Byzantium keeps Hera's rule.
        let mut w = world(contract(&to(AT_NOBODY)));
        w.entry(CONTRACT).balance = U256::zero();
        let r = run_in(w, revision, GAS, false);
        let new_account = if revision == Revision::Byzantium {
            25_000
        } else {
            0
        };
        assert_eq!(
            r.gas_used,
            5_000 + cold + new_account,
            "{revision}: nothing to move"
        );
    }
    // A warm beneficiary costs no access from Berlin: 2,600 for the
    // balance read, 5,000 for the self-destruct.
    let body = format!(
        "(call $getExternalBalance (i32.const {AT_PLAIN}) (i32.const {AT_OUT})) {}",
        to(AT_PLAIN)
    );
    let r = run(&body, Revision::Berlin);
    assert_eq!(r.gas_used, 2_600 + 5_000);
}

#[test]
fn self_destruct_in_a_static_frame_fails_at_every_revision() {
    for revision in revisions() {
        let r = run_in(
            world(contract(&format!(
                "(call $selfDestruct (i32.const {AT_PLAIN}))"
            ))),
            revision,
            GAS,
            true,
        );
        assert_eq!(r.status, Status::StaticModeViolation, "{revision}");
    }
}

/// Init code that deploys nothing: no gas used without metering.
fn empty_init() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "main")))"#).expect("wat")
}

#[test]
fn create_pays_per_init_code_word_from_shanghai() {
    let init = empty_init();
    let words = i64::try_from(init.len().div_ceil(32)).expect("small");
    let body = format!(
        "(drop (call $create (i32.const {AT_ZERO}) (i32.const {AT_INIT}) (i32.const {}) (i32.const {AT_OUT})))",
        init.len()
    );
    for revision in revisions() {
        let r = run_in(world(contract_with(&body, &init)), revision, GAS, false);
        let per_word = if from(revision, Revision::Shanghai) {
            2
        } else {
            0
        };
        assert_eq!(r.status, Status::Success, "{revision}");
        assert_eq!(r.gas_used, 32_000 + per_word * words, "{revision}");
    }
}

#[test]
fn init_code_over_49152_bytes_fails_the_creating_frame_from_shanghai() {
    for (len, shanghai_fails) in [(49_152, false), (49_153, true)] {
        let body = format!(
            "(drop (call $create (i32.const {AT_ZERO}) (i32.const 0) (i32.const {len}) (i32.const {AT_OUT})))"
        );
        for revision in revisions() {
            let r = run(&body, revision);
            // The code there is not Wasm (revm's EVM runs it): whatever
            // the create does, the frame goes on.
            if shanghai_fails && from(revision, Revision::Shanghai) {
                assert_eq!(r.status, Status::OutOfGas, "{revision}: {len}");
            } else {
                assert_eq!(r.status, Status::Success, "{revision}: {len}");
            }
        }
    }
}

#[test]
fn a_reverted_frames_accesses_and_refunds_are_undone() {
    // CALLEE, called without data, reads PLAIN's balance (warming it) and
    // clears KEY (warming it, for a refund), then ends with `end`; called
    // with data, it loads KEY. CONTRACT calls it without data, reads
    // PLAIN's balance, then calls it with one byte: what those two reads
    // cost says whether the first call's accesses were kept.
    let callee = |end: &str| {
        contract(&format!(
            "(if (call $getCallDataSize)
               (then
                 (call $storageLoad (i32.const {AT_KEY}) (i32.const {AT_OUT}))
                 (return)))
             (call $getExternalBalance (i32.const {AT_PLAIN}) (i32.const {AT_OUT})) {} {end}",
            sstore(0)
        ))
    };
    let body = format!(
        "(drop (call $call (i64.const 500000) (i32.const {AT_CALLEE}) (i32.const {AT_ZERO}) (i32.const 0) (i32.const 0)))
         (call $getExternalBalance (i32.const {AT_PLAIN}) (i32.const {AT_OUT}))
         (drop (call $call (i64.const 500000) (i32.const {AT_CALLEE}) (i32.const {AT_ZERO}) (i32.const {AT_ONE}) (i32.const 1)))"
    );
    for revision in revisions()
        .into_iter()
        .filter(|r| from(*r, Revision::Berlin))
    {
        for (end, kept) in [
            ("", true),
            ("(call $revert (i32.const 0) (i32.const 0))", false),
        ] {
            let mut w = world(contract(&body));
            w.insert(
                CALLEE,
                Account {
                    code: Arc::new(callee(end)),
                    ..Account::default()
                },
            );
            w.set_storage(CALLEE, KEY, word(1));
            let r = run_in(w, revision, GAS, false);
            let case = format!("{revision}, callee ending `{end}`");
            assert_eq!(r.status, Status::Success, "{case}");
            // The first call: CALLEE cold, and in it getCallDataSize, PLAIN
            // cold, KEY cold and reset (2,100 + 2,900); the second: CALLEE
            // warm, getCallDataSize.
            let fixed = 2_600 + 2 + 2_600 + 5_000 + 100 + 2;
            // PLAIN's balance, then KEY's load: warm if kept, else cold.
            let reads = if kept { 100 + 100 } else { 2_600 + 2_100 };
            assert_eq!(r.gas_used, fixed + reads, "{case}");
            let clear = if from(revision, Revision::London) {
                4_800
            } else {
                15_000
            };
            assert_eq!(r.refund, if kept { clear } else { 0 }, "{case}");
            let left = if kept { word(0) } else { word(1) };
            assert_eq!(r.world.storage(&CALLEE, &KEY), left, "{case}");
        }
    }
}

#[test]
fn a_transactions_sender_and_recipient_start_warm_from_berlin() {
    // CONTRACT reads its own balance and the sender's.
    let text = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 0) "{me}") (data (i32.const 32) "{sender}")
             (func (export "main")
               (call $getExternalBalance (i32.const 0) (i32.const {AT_OUT}))
               (call $getExternalBalance (i32.const 32) (i32.const {AT_OUT}))))"#,
        me = escape(&CONTRACT.0),
        sender = escape(&CALLER.0),
    );
    let code = wat::parse_str(&text).expect("wat");
    for revision in revisions() {
        let w = world(code.clone());
        let tx = Transaction {
            sender: CALLER,
            nonce: 0,
            gas_price: U256::zero(),
            gas_limit: 100_000,
            to: Some(CONTRACT),
            value: U256::zero(),
            data: Vec::new(),
        };
        let receipt = apply(&w, revision, &tx);
        let each = if from(revision, Revision::Berlin) {
            100
        } else if from(revision, Revision::Istanbul) {
            700
        } else {
            400
        };
        assert_eq!(receipt.gas_used, 21_000 + 2 * each, "{revision}");
    }
}

#[test]
fn the_refund_is_capped_at_half_the_gas_used_and_a_fifth_from_london() {
    // Setting and clearing a new slot (the third row of the table): a
    // refund above a fifth of the gas used.
    let row = &ROWS[2];
    assert_eq!((row.original, row.writes), (0, &[1u8, 0][..]));
    let code = contract(&format!("{}{}", sstore(1), sstore(0)));
    for revision in revisions() {
        let w = world(code.clone());
        let tx = Transaction {
            sender: CALLER,
            nonce: 0,
            gas_price: U256::zero(),
            gas_limit: 100_000,
            to: Some(CONTRACT),
            value: U256::zero(),
            data: Vec::new(),
        };
        let receipt = apply(&w, revision, &tx);
        let (gas, refund) = row.expected(revision);
        let used = u64::try_from(21_000 + gas).expect("positive");
        let refund = u64::try_from(refund).expect("positive");
        let quotient = if from(revision, Revision::London) {
            5
        } else {
            2
        };
        assert_eq!(
            receipt.gas_used,
            used - refund.min(used / quotient),
            "{revision}"
        );
        if from(revision, Revision::London) {
            assert!(refund > used / 5, "the cap binds");
        }
    }
}

#[test]
fn from_prague_a_call_to_a_delegated_account_pays_for_the_delegate_and_runs_its_code() {
    // DELEGATED's code designates CALLEE (EIP-7702), whose code stores 1.
    const DELEGATED: Address = Address([0xde; 20]);
    let mut designation = vec![0xef, 0x01, 0x00];
    designation.extend_from_slice(&CALLEE.0);
    let text = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1)
             (data (i32.const 0) "{delegated}")
             (func (export "main")
               (drop (call $call (i64.const 100000) (i32.const 0) (i32.const {AT_ZERO}) (i32.const 0) (i32.const 0)))
               (drop (call $call (i64.const 0) (i32.const 0) (i32.const {AT_ZERO}) (i32.const 0) (i32.const 0)))))"#,
        delegated = escape(&DELEGATED.0),
    );
    let code = wat::parse_str(&text).expect("wat");
    for revision in [Revision::Cancun, Revision::Prague, Revision::Osaka] {
        let mut w = world(code.clone());
        w.insert(
            DELEGATED,
            Account {
                code: Arc::new(designation.clone()),
                ..Account::default()
            },
        );
        w.insert(
            CALLEE,
            Account {
                code: Arc::new(contract(&sstore(1))),
                ..Account::default()
            },
        );
        let r = run_in(w, revision, GAS, false);
        assert_eq!(r.status, Status::Success, "{revision}");
        if from(revision, Revision::Prague) {
            // Target and delegate cold, then both warm; the first call's
            // callee writes the slot (22,100 cold, new), on DELEGATED's
            // storage; the second has no gas for it and fails, keeping none.
            assert_eq!(r.gas_used, 2 * 2_600 + 22_100 + 2 * 100, "{revision}");
            assert_eq!(r.world.storage(&DELEGATED, &KEY), word(1), "{revision}");
        } else {
            // Before Prague the designation is plain code, and not Wasm:
            // revm's EVM runs it and fails at 0xef, so both calls fail,
            // the first losing the 100,000 it forwarded.
            assert_eq!(r.gas_used, 2_600 + 100_000 + 100, "{revision}");
            assert_eq!(r.world.storage(&DELEGATED, &KEY), Bytes32::ZERO);
        }
    }
}

#[test]
fn a_call_with_value_in_a_static_frame_fails_at_every_revision() {
    for revision in revisions() {
        let r = run_in(
            world(contract(&call_to(AT_PLAIN, AT_ONE))),
            revision,
            GAS,
            true,
        );
        assert_eq!(r.status, Status::StaticModeViolation, "{revision}");
        // Without value a static frame may call.
        let r = run_in(
            world(contract(&call_to(AT_PLAIN, AT_ZERO))),
            revision,
            GAS,
            true,
        );
        assert_eq!(r.status, Status::Success, "{revision}");
    }
}

#[test]
fn what_has_no_evm_counterpart_costs_the_same_at_every_revision() {
    // Metered with the Iris model: the code, the initial memory, the
    // instructions, a memory.grow and useGas.
    let text = r#"(module
        (import "ethereum" "useGas" (func $useGas (param i64)))
        (memory (export "memory") 1)
        (func (export "main") (local i32)
          (drop (memory.grow (i32.const 1)))
          (loop $l
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get 0) (i32.const 100))))
          (call $useGas (i64.const 1234))))"#;
    let code = wat::parse_str(text).expect("wat");
    let metered: Arc<dyn Runner> =
        Arc::new(Executor::new(ExecConfig::default()).expect("executor"));
    let used: Vec<i64> = revisions()
        .into_iter()
        .map(|revision| {
            let r = run_with(
                world(code.clone()),
                revision,
                10_000_000,
                false,
                Arc::clone(&metered),
            );
            assert_eq!(r.status, Status::Success, "{revision}");
            r.gas_used
        })
        .collect();
    // Two pages (initial and grown) at 262,144 each, at least.
    assert!(used[0] > 2 * 262_144 + 1_234, "{}", used[0]);
    assert!(used.iter().all(|u| *u == used[0]), "{used:?}");
}

#[test]
fn a_call_or_create_failing_the_balance_or_depth_check_clears_the_return_data_after_byzantium() {
    // CONTRACT calls CALLEE, which returns 3 bytes; then a call to
    // NOBODY (288) or a create with more value than its 1,000 wei fails the
    // balance check; then the size of the return data goes to KEY. (The
    // depth check takes the same path: a frame at depth 1,024 has no
    // return data of its own to lose, every call of it failing.)
    let failing = [
        "(drop (call $call (i64.const 0) (i32.const 288) (i32.const 600) (i32.const 0) (i32.const 0)))",
        "(drop (call $callCode (i64.const 0) (i32.const 288) (i32.const 600) (i32.const 0) (i32.const 0)))",
        "(drop (call $create (i32.const 600) (i32.const 0) (i32.const 0) (i32.const 700)))",
    ];
    for fails in failing {
        let body = format!(
            "(i64.store (i32.const 608) (i64.const 0x4000000000000000))
             (drop (call $call (i64.const 100000) (i32.const {AT_CALLEE}) (i32.const {AT_ZERO}) (i32.const 0) (i32.const 0)))
             {fails}
             (i32.store (i32.const 640) (call $getReturnDataSize))
             (call $storageStore (i32.const {AT_KEY}) (i32.const 640))"
        );
        for revision in revisions() {
            let mut w = world(contract(&body));
            w.insert(
                CALLEE,
                Account {
                    code: Arc::new(contract("(call $finish (i32.const 0) (i32.const 3))")),
                    ..Account::default()
                },
            );
            let r = run_in(w, revision, GAS, false);
            assert_eq!(r.status, Status::Success, "{revision}: {fails}");
            // Hera kept the last call's return data at Byzantium; the EVM
            // (evmone, revm) clears it before the checks.
            let size = if revision == Revision::Byzantium {
                3
            } else {
                0
            };
            let mut expected = [0u8; 32];
            expected[0] = size;
            assert_eq!(
                r.world.storage(&CONTRACT, &KEY),
                Bytes32(expected),
                "{revision}: {fails}"
            );
        }
    }
}

#[test]
fn a_transaction_starts_with_the_revisions_precompiles_warm_from_berlin() {
    // CONTRACT reads the balance of one address; the transaction's gas
    // says whether it was warm.
    let balance_of = |n: u16| {
        let mut address = [0u8; 20];
        address[18..].copy_from_slice(&n.to_be_bytes());
        let text = format!(
            r#"(module {IMPORTS} (memory (export "memory") 1)
                 (data (i32.const 0) "{address}")
                 (func (export "main")
                   (call $getExternalBalance (i32.const 0) (i32.const {AT_OUT}))))"#,
            address = escape(&address),
        );
        wat::parse_str(&text).expect("wat")
    };
    // The last precompile of each revision, and the one after it.
    let last = |r: Revision| match r {
        _ if from(r, Revision::Prague) => 0x11,
        _ if from(r, Revision::Cancun) => 0x0a,
        _ => 0x09,
    };
    for revision in revisions() {
        let mut probes = vec![
            (1, true),
            (last(revision), true),
            (last(revision) + 1, false),
        ];
        probes.push((0x0100, from(revision, Revision::Osaka)));
        for (n, precompile) in probes {
            let w = world(balance_of(n));
            let tx = Transaction {
                sender: CALLER,
                nonce: 0,
                gas_price: U256::zero(),
                gas_limit: 100_000,
                to: Some(CONTRACT),
                value: U256::zero(),
                data: Vec::new(),
            };
            let receipt = apply(&w, revision, &tx);
            let price = if !from(revision, Revision::Berlin) {
                if from(revision, Revision::Istanbul) {
                    700
                } else {
                    400
                }
            } else if precompile {
                100
            } else {
                2_600
            };
            assert_eq!(receipt.gas_used, 21_000 + price, "{revision}: {n:#x}");
        }
    }
}

#[test]
fn a_callees_negative_refund_joins_its_callers() {
    // CONTRACT clears KEY (original 1: Deleted), then a delegate call runs
    // CALLEE's code on CONTRACT's storage, writing KEY again: restoring 1
    // (DeletedRestored) or writing 2 (DeletedAdded), a negative refund
    // that joins the caller's positive one.
    let body = format!(
        "{} (drop (call $callDelegate (i64.const 500000) (i32.const {AT_CALLEE}) (i32.const 0) (i32.const 0)))",
        sstore(0)
    );
    for (v, status) in [(1u8, "DeletedRestored"), (2, "DeletedAdded")] {
        for revision in [Revision::Istanbul, Revision::Berlin, Revision::London] {
            let mut w = world(contract(&body));
            w.insert(
                CALLEE,
                Account {
                    code: Arc::new(contract(&sstore(v))),
                    ..Account::default()
                },
            );
            w.set_storage(CONTRACT, KEY, word(1));
            let r = run_in(w, revision, GAS, false);
            assert_eq!(r.status, Status::Success, "{revision}: {status}");
            // (clear refund, the callee's refund)
            let (clear, callee): (i64, i64) = match (revision, v) {
                (Revision::Istanbul, 1) => (15_000, 5_000 - 800 - 15_000),
                (Revision::Berlin, 1) => (15_000, 2_900 - 100 - 15_000),
                (Revision::London, 1) => (4_800, 2_900 - 100 - 4_800),
                (Revision::London, _) => (4_800, -4_800),
                (_, _) => (15_000, -15_000),
            };
            assert!(callee < 0, "{revision}: {status}");
            assert_eq!(r.refund, clear + callee, "{revision}: {status}");
            assert_eq!(r.world.storage(&CONTRACT, &KEY), word(v));
        }
    }
}
