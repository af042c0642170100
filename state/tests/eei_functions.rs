//! Every EEI function against the in-memory state: its gas, its failure on
//! pointers outside memory, and, where it writes state, its failure in a
//! static call (`shared/ewasm-spec.md` section (b)).

use std::sync::Arc;

use ewasm_host::{Address, Bytes32, CallKind, ExecConfig, Executor, Message, Status, U256};
use state::run::default_env;
use state::{Account, Runner, World, WorldHost};

/// The contract under test.
const CONTRACT: Address = Address([0xcc; 20]);
/// Its caller.
const CALLER: Address = Address([0xca; 20]);
/// An account with code (not Wasm: calling it fails) and balance.
const OTHER: Address = Address([0x0e; 20]);
/// An account with balance and no code.
const PLAIN: Address = Address([0x0f; 20]);
/// Gas given to every run.
const GAS: i64 = 1_000_000;

/// Every EEI import, with its exact type.
const IMPORTS: &str = r#"
  (import "ethereum" "useGas" (func $useGas (param i64)))
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCaller" (func $getCaller (param i32)))
  (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
  (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
  (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
  (import "ethereum" "getBlockCoinbase" (func $getBlockCoinbase (param i32)))
  (import "ethereum" "getBlockDifficulty" (func $getBlockDifficulty (param i32)))
  (import "ethereum" "getBlockGasLimit" (func $getBlockGasLimit (result i64)))
  (import "ethereum" "getTxGasPrice" (func $getTxGasPrice (param i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
  (import "ethereum" "getBlockTimestamp" (func $getBlockTimestamp (result i64)))
  (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
"#;

/// A contract importing the whole EEI, whose `main` is `body`. Memory: one
/// page; OTHER's address at 1024, a value of 1 (u128 LE) at 1056, 32 bytes
/// of 0x11 at 1088, PLAIN's address at 1120, zeros elsewhere (so 2048
/// holds the zero address, an account that does not exist).
fn contract(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {IMPORTS}
            (memory (export "memory") 1)
            (data (i32.const 1024) "\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e")
            (data (i32.const 1056) "\01")
            (data (i32.const 1120) "\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f")
            (data (i32.const 1088) "\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11")
            (func (export "main") {body}))"#
    ))
    .unwrap_or_else(|e| panic!("{body}: {e}"))
}

/// What a run did.
struct Run {
    status: Status,
    gas_used: i64,
    output: Vec<u8>,
    world: World,
}

fn world(code: Vec<u8>) -> World {
    let mut world = World::default();
    let rich = U256::from(10u64).pow(20.into());
    world.insert(CALLER, Account::with_balance(rich));
    world.insert(
        CONTRACT,
        Account {
            code: Arc::new(code),
            balance: rich,
            ..Account::default()
        },
    );
    world.insert(PLAIN, Account::with_balance(U256::from(3u64)));
    world.insert(
        OTHER,
        Account {
            code: Arc::new(vec![0xde, 0xad, 0xbe, 0xef]),
            balance: U256::from(7u64),
            ..Account::default()
        },
    );
    world
}

/// Runs CONTRACT in `world`, called by CALLER with 5 wei.
fn run_in(world: World, is_static: bool, input: &[u8]) -> Run {
    let runner: Arc<dyn Runner> = Arc::new(Executor::new(ExecConfig::default()).unwrap());
    let mut host = WorldHost::new(world, Arc::new(default_env()), runner);
    let outcome = host.run_message(&Message {
        kind: CallKind::Call,
        is_static,
        depth: 0,
        gas: GAS,
        recipient: CONTRACT,
        sender: CALLER,
        input: input.to_vec(),
        value: U256::from(5u64),
        code_address: CONTRACT,
    });
    Run {
        status: outcome.status,
        gas_used: GAS - outcome.gas_left,
        output: outcome.output,
        world: host.world,
    }
}

fn run_with(body: &str, is_static: bool, input: &[u8]) -> Run {
    run_in(world(contract(body)), is_static, input)
}

fn run(body: &str) -> Run {
    run_with(body, false, &[0x42; 40])
}

/// Runs `body` and returns memory [at, at + len) through `finish`.
fn output_of(body: &str, at: u32, len: u32) -> Run {
    run(&format!(
        "{body} (call $finish (i32.const {at}) (i32.const {len}))"
    ))
}

#[test]
fn each_function_charges_its_interface_gas() {
    let cases: &[(&str, &str, i64)] = &[
        ("useGas", "(call $useGas (i64.const 100))", 100),
        ("getGasLeft", "(drop (call $getGasLeft))", 2),
        ("getAddress", "(call $getAddress (i32.const 0))", 2),
        ("getExternalBalance", "(call $getExternalBalance (i32.const 1024) (i32.const 0))", 400),
        ("getBlockHash", "(drop (call $getBlockHash (i64.const 0) (i32.const 0)))", 800),
        ("getCallDataSize", "(drop (call $getCallDataSize))", 2),
        ("callDataCopy", "(call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 40))", 9),
        ("getCaller", "(call $getCaller (i32.const 0))", 2),
        ("getCallValue", "(call $getCallValue (i32.const 0))", 2),
        ("codeCopy", "(call $codeCopy (i32.const 0) (i32.const 0) (i32.const 33))", 9),
        ("getCodeSize", "(drop (call $getCodeSize))", 2),
        (
            "externalCodeCopy",
            "(call $externalCodeCopy (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 4))",
            703,
        ),
        ("getExternalCodeSize", "(drop (call $getExternalCodeSize (i32.const 1024)))", 700),
        ("getBlockCoinbase", "(call $getBlockCoinbase (i32.const 0))", 2),
        ("getBlockDifficulty", "(call $getBlockDifficulty (i32.const 0))", 2),
        ("getBlockGasLimit", "(drop (call $getBlockGasLimit))", 2),
        ("getTxGasPrice", "(call $getTxGasPrice (i32.const 0))", 2),
        (
            "log",
            "(call $log (i32.const 0) (i32.const 10) (i32.const 2) (i32.const 1088) (i32.const 1088) (i32.const 0) (i32.const 0))",
            375 + 2 * 375 + 8 * 10,
        ),
        ("getBlockNumber", "(drop (call $getBlockNumber))", 2),
        ("getBlockTimestamp", "(drop (call $getBlockTimestamp))", 2),
        ("getTxOrigin", "(call $getTxOrigin (i32.const 0))", 2),
        ("storageStore (zero to non-zero)", "(call $storageStore (i32.const 0) (i32.const 1088))", 20_000),
        ("storageStore (zero to zero)", "(call $storageStore (i32.const 0) (i32.const 0))", 5_000),
        ("storageLoad", "(call $storageLoad (i32.const 0) (i32.const 32))", 200),
        ("finish", "(call $finish (i32.const 0) (i32.const 8))", 0),
        ("getReturnDataSize", "(drop (call $getReturnDataSize))", 2),
        ("returnDataCopy", "(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 0))", 3),
        (
            "call (no value)",
            "(drop (call $call (i64.const 1000) (i32.const 2048) (i32.const 0) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callCode (no value)",
            "(drop (call $callCode (i64.const 1000) (i32.const 2048) (i32.const 0) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callDelegate",
            "(drop (call $callDelegate (i64.const 1000) (i32.const 2048) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callStatic",
            "(drop (call $callStatic (i64.const 1000) (i32.const 2048) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "create (empty init code)",
            "(drop (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2000)))",
            32_000,
        ),
        ("selfDestruct (existing beneficiary)", "(call $selfDestruct (i32.const 1024))", 5_000),
        (
            "selfDestruct (new beneficiary)",
            "(call $selfDestruct (i32.const 0))",
            5_000 + 25_000,
        ),
    ];
    let mut failures = Vec::new();
    for (name, body, gas) in cases {
        let r = run(body);
        if r.status != Status::Success || r.gas_used != *gas {
            failures.push(format!(
                "{name}: {:?} using {}, expected {gas}",
                r.status, r.gas_used
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 34);
}

#[test]
fn revert_keeps_the_gas_left_and_its_data() {
    let r = run("(call $revert (i32.const 1088) (i32.const 3))");
    assert_eq!(r.status, Status::Revert);
    assert_eq!(r.gas_used, 0);
    assert_eq!(r.output, vec![0x11; 3]);
}

#[test]
fn every_pointer_outside_memory_is_an_invalid_memory_access() {
    const OOB: &str = "65536";
    let cases: Vec<(&str, String)> = vec![
        ("getAddress", format!("(call $getAddress (i32.const {OOB}))")),
        ("getExternalBalance address", format!("(call $getExternalBalance (i32.const {OOB}) (i32.const 0))")),
        ("getExternalBalance result", format!("(call $getExternalBalance (i32.const 1024) (i32.const {OOB}))")),
        ("getBlockHash result", format!("(drop (call $getBlockHash (i64.const 0) (i32.const {OOB})))")),
        ("callDataCopy result", format!("(call $callDataCopy (i32.const {OOB}) (i32.const 0) (i32.const 1))")),
        ("callDataCopy source", "(call $callDataCopy (i32.const 0) (i32.const 30) (i32.const 11))".into()),
        ("getCaller", format!("(call $getCaller (i32.const {OOB}))")),
        ("getCallValue", format!("(call $getCallValue (i32.const {OOB}))")),
        ("codeCopy result", format!("(call $codeCopy (i32.const {OOB}) (i32.const 0) (i32.const 1))")),
        ("codeCopy source", "(call $codeCopy (i32.const 0) (i32.const 100000) (i32.const 1))".into()),
        (
            "externalCodeCopy address",
            format!("(call $externalCodeCopy (i32.const {OOB}) (i32.const 0) (i32.const 0) (i32.const 1))"),
        ),
        (
            "externalCodeCopy result",
            format!("(call $externalCodeCopy (i32.const 1024) (i32.const {OOB}) (i32.const 0) (i32.const 1))"),
        ),
        (
            "externalCodeCopy source",
            "(call $externalCodeCopy (i32.const 1024) (i32.const 0) (i32.const 2) (i32.const 3))".into(),
        ),
        ("getExternalCodeSize", format!("(drop (call $getExternalCodeSize (i32.const {OOB})))")),
        ("getBlockCoinbase", format!("(call $getBlockCoinbase (i32.const {OOB}))")),
        ("getBlockDifficulty", format!("(call $getBlockDifficulty (i32.const {OOB}))")),
        ("getTxGasPrice", format!("(call $getTxGasPrice (i32.const {OOB}))")),
        (
            "log data",
            format!("(call $log (i32.const {OOB}) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))"),
        ),
        (
            "log topic",
            format!("(call $log (i32.const 0) (i32.const 1) (i32.const 1) (i32.const {OOB}) (i32.const 0) (i32.const 0) (i32.const 0))"),
        ),
        ("getTxOrigin", format!("(call $getTxOrigin (i32.const {OOB}))")),
        ("storageStore key", format!("(call $storageStore (i32.const {OOB}) (i32.const 0))")),
        ("storageStore value", format!("(call $storageStore (i32.const 0) (i32.const {OOB}))")),
        ("storageLoad key", format!("(call $storageLoad (i32.const {OOB}) (i32.const 0))")),
        ("storageLoad result", format!("(call $storageLoad (i32.const 0) (i32.const {OOB}))")),
        ("finish", format!("(call $finish (i32.const {OOB}) (i32.const 1))")),
        ("revert", format!("(call $revert (i32.const {OOB}) (i32.const 1))")),
        ("returnDataCopy source", "(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 1))".into()),
        (
            "call address",
            format!("(drop (call $call (i64.const 0) (i32.const {OOB}) (i32.const 0) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "call value",
            format!("(drop (call $call (i64.const 0) (i32.const 1024) (i32.const {OOB}) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "call data",
            format!("(drop (call $call (i64.const 0) (i32.const 1024) (i32.const 0) (i32.const {OOB}) (i32.const 1)))"),
        ),
        (
            "callCode address",
            format!("(drop (call $callCode (i64.const 0) (i32.const {OOB}) (i32.const 0) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "callCode value",
            format!("(drop (call $callCode (i64.const 0) (i32.const 1024) (i32.const {OOB}) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "callDelegate address",
            format!("(drop (call $callDelegate (i64.const 0) (i32.const {OOB}) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "callDelegate data",
            format!("(drop (call $callDelegate (i64.const 0) (i32.const 1024) (i32.const {OOB}) (i32.const 1)))"),
        ),
        (
            "callStatic address",
            format!("(drop (call $callStatic (i64.const 0) (i32.const {OOB}) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "callStatic data",
            format!("(drop (call $callStatic (i64.const 0) (i32.const 1024) (i32.const {OOB}) (i32.const 1)))"),
        ),
        (
            "create value",
            format!("(drop (call $create (i32.const {OOB}) (i32.const 0) (i32.const 0) (i32.const 0)))"),
        ),
        (
            "create data",
            format!("(drop (call $create (i32.const 0) (i32.const {OOB}) (i32.const 1) (i32.const 0)))"),
        ),
        (
            "create result",
            format!("(drop (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const {OOB})))"),
        ),
        ("selfDestruct", format!("(call $selfDestruct (i32.const {OOB}))")),
    ];
    let mut failures = Vec::new();
    for (name, body) in &cases {
        let r = run(body);
        if r.status != Status::InvalidMemoryAccess || r.gas_used != GAS {
            failures.push(format!("{name}: {:?} using {}", r.status, r.gas_used));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn state_changes_fail_in_a_static_call_and_change_nothing() {
    let cases = [
        ("storageStore", "(call $storageStore (i32.const 0) (i32.const 1088))"),
        (
            "log",
            "(call $log (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
        ),
        ("create", "(drop (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))"),
        ("selfDestruct", "(call $selfDestruct (i32.const 1024))"),
        (
            "call with value",
            "(drop (call $call (i64.const 0) (i32.const 1024) (i32.const 1056) (i32.const 0) (i32.const 0)))",
        ),
    ];
    for (name, body) in cases {
        let r = run_with(body, true, &[]);
        assert_eq!(r.status, Status::StaticModeViolation, "{name}");
        assert_eq!(r.gas_used, GAS, "{name}");
        assert_eq!(
            r.world.storage(&CONTRACT, &Bytes32::ZERO),
            Bytes32::ZERO,
            "{name}"
        );
        assert!(r.world.logs().is_empty(), "{name}");
        assert_eq!(r.world.balance(&OTHER), U256::from(7u64), "{name}");
    }
    // Reading is fine, and so is a call without value.
    let r = run_with(
        "(call $storageLoad (i32.const 0) (i32.const 0))
         (drop (call $call (i64.const 0) (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 0)))",
        true,
        &[],
    );
    assert_eq!(r.status, Status::Success);
}

#[test]
fn use_gas_with_a_negative_amount_is_out_of_range() {
    assert_eq!(
        run("(call $useGas (i64.const -1))").status,
        Status::ArgumentOutOfRange
    );
}

#[test]
fn get_gas_left_answers_after_deducting_its_own_two() {
    let r = output_of("(i64.store (i32.const 0) (call $getGasLeft))", 0, 8);
    assert_eq!(r.output, (GAS as u64 - 2).to_le_bytes());
}

#[test]
fn get_block_hash_fails_softly_outside_the_last_256_blocks() {
    // The block is number 1: block 0 has a hash, block 1 and later do not.
    let r = output_of(
        "(i32.store8 (i32.const 40) (call $getBlockHash (i64.const 0) (i32.const 0)))
         (i32.store8 (i32.const 41) (call $getBlockHash (i64.const 1) (i32.const 64)))",
        0,
        96,
    );
    assert_eq!(r.output[40], 0, "found");
    assert_eq!(r.output[41], 1, "not found");
    assert_ne!(&r.output[0..32], &[0; 32], "block 0's hash written");
    assert_eq!(&r.output[64..96], &[0; 32], "memory untouched on failure");
}

#[test]
fn message_and_block_values_are_written_as_the_eei_defines() {
    let r = output_of(
        "(call $getAddress (i32.const 0))
         (call $getCaller (i32.const 20))
         (call $getCallValue (i32.const 40))
         (call $getTxGasPrice (i32.const 56))
         (i64.store (i32.const 72) (call $getBlockNumber))
         (i64.store (i32.const 80) (call $getBlockTimestamp))
         (i64.store (i32.const 88) (call $getBlockGasLimit))
         (i32.store (i32.const 96) (call $getCallDataSize))
         (i32.store (i32.const 100) (call $getCodeSize))
         (call $getBlockDifficulty (i32.const 104))",
        0,
        136,
    );
    let env = default_env();
    let o = &r.output;
    assert_eq!(&o[0..20], &CONTRACT.0);
    assert_eq!(&o[20..40], &CALLER.0);
    assert_eq!(
        u128::from_le_bytes(o[40..56].try_into().unwrap()),
        5,
        "value, u128 LE"
    );
    assert_eq!(
        u128::from_le_bytes(o[56..72].try_into().unwrap()),
        1,
        "gas price"
    );
    assert_eq!(
        i64::from_le_bytes(o[72..80].try_into().unwrap()),
        env.tx.number
    );
    assert_eq!(
        i64::from_le_bytes(o[80..88].try_into().unwrap()),
        env.tx.timestamp
    );
    assert_eq!(
        i64::from_le_bytes(o[88..96].try_into().unwrap()),
        env.tx.gas_limit
    );
    assert_eq!(u32::from_le_bytes(o[96..100].try_into().unwrap()), 40);
    assert!(u32::from_le_bytes(o[100..104].try_into().unwrap()) > 0);
    assert_eq!(
        U256::from_little_endian(&o[104..136]),
        env.tx.difficulty,
        "u256 LE"
    );
}

#[test]
fn copies_read_their_sources_exactly() {
    let r = output_of(
        "(call $callDataCopy (i32.const 0) (i32.const 38) (i32.const 2))
         (call $externalCodeCopy (i32.const 1024) (i32.const 2) (i32.const 1) (i32.const 3))",
        0,
        5,
    );
    assert_eq!(r.output, [0x42, 0x42, 0xad, 0xbe, 0xef]);
    // One byte past the call data is out of bounds: no zero padding.
    let r = run("(call $callDataCopy (i32.const 0) (i32.const 39) (i32.const 2))");
    assert_eq!(r.status, Status::InvalidMemoryAccess);
}

#[test]
fn storage_round_trips_and_clearing_is_refunded_by_the_host() {
    let r = output_of(
        "(call $storageStore (i32.const 0) (i32.const 1088))
         (call $storageLoad (i32.const 0) (i32.const 32))",
        32,
        32,
    );
    assert_eq!(r.output, vec![0x11; 32]);
    assert_eq!(
        r.world.storage(&CONTRACT, &Bytes32::ZERO),
        Bytes32([0x11; 32])
    );
    // Set then clear: 20,000 + 5,000, and the host counts a 15,000 refund.
    let r = run("(call $storageStore (i32.const 0) (i32.const 1088))
         (call $storageStore (i32.const 0) (i32.const 64))");
    assert_eq!(r.gas_used, 25_000);
    assert_eq!(r.world.storage(&CONTRACT, &Bytes32::ZERO), Bytes32::ZERO);
}

#[test]
fn log_records_topics_and_data_and_refuses_five_topics() {
    let r = run(
        "(call $log (i32.const 1088) (i32.const 4) (i32.const 1) (i32.const 1088) (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    let logs = r.world.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, CONTRACT);
    assert_eq!(logs[0].topics, vec![Bytes32([0x11; 32])]);
    assert_eq!(logs[0].data, vec![0x11; 4]);
    let r = run(
        "(call $log (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    assert_eq!(r.status, Status::ContractValidationFailure);
}

#[test]
fn balances_over_128_bits_are_out_of_range() {
    let mut w = world(contract(
        "(call $getExternalBalance (i32.const 1024) (i32.const 0))",
    ));
    w.entry(OTHER).balance = U256::one() << 128;
    assert_eq!(run_in(w, false, &[]).status, Status::ArgumentOutOfRange);
}

#[test]
fn a_call_with_value_pays_for_the_transfer_and_a_new_account() {
    // To an existing account without code: 700 + 9,000, and the callee
    // hands back the 2,300 stipend it did not use.
    let r = run(
        "(drop (call $call (i64.const 0) (i32.const 1120) (i32.const 1056) (i32.const 0) (i32.const 0)))",
    );
    assert_eq!(r.gas_used, 9_700 - 2_300);
    assert_eq!(r.world.balance(&PLAIN), U256::from(4u64));
    // To an account that does not exist: 25,000 more.
    let r = run(
        "(drop (call $call (i64.const 0) (i32.const 2048) (i32.const 1056) (i32.const 0) (i32.const 0)))",
    );
    assert_eq!(r.gas_used, 34_700 - 2_300);
    // To code that fails: the value goes back, the forwarded gas is lost.
    let r = run(
        "(drop (call $call (i64.const 1000) (i32.const 1024) (i32.const 1056) (i32.const 0) (i32.const 0)))",
    );
    assert_eq!(r.gas_used, 9_700 + 1_000);
    assert_eq!(r.world.balance(&OTHER), U256::from(7u64));
}

#[test]
fn a_call_to_failing_code_loses_the_gas_it_forwarded() {
    let r = run(
        "(drop (call $call (i64.const 1000) (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 0)))",
    );
    assert_eq!(r.gas_used, 1_700);
}

#[test]
fn a_call_forwards_at_most_all_but_one_64th() {
    // The callee's code is not Wasm, so it fails and keeps what it got.
    let r = output_of(
        "(i32.store (i32.const 0) (call $call (i64.const 10000000) (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 0)))",
        0,
        4,
    );
    let left = GAS - 700;
    assert_eq!(r.output, 1u32.to_le_bytes(), "the callee failed");
    assert_eq!(r.gas_used, 700 + (left - left / 64));
}

#[test]
fn create_writes_the_new_address_and_returns_zero() {
    let r = output_of(
        "(i32.store (i32.const 100) (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))",
        0,
        104,
    );
    assert_eq!(&r.output[100..], &0u32.to_le_bytes());
    let address = Address(r.output[0..20].try_into().unwrap());
    assert_eq!(r.world.get(&address).map(|a| a.nonce), Some(1));
    assert_eq!(
        r.world.get(&CONTRACT).map(|a| a.nonce),
        Some(1),
        "the creator's nonce"
    );
}

#[test]
fn self_destruct_moves_the_balance_and_ends_the_run() {
    let r = run("(call $selfDestruct (i32.const 1024)) (unreachable)");
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.world.balance(&CONTRACT), U256::zero());
    // OTHER had 7; the contract had 10^20 plus the 5 the message brought.
    assert_eq!(
        r.world.balance(&OTHER),
        U256::from(10u64).pow(20.into()) + U256::from(12u64)
    );
}

/// Runs `body` with `callee` as OTHER's code (the address held at 1024).
fn run_calling(body: &str, callee: &str) -> Run {
    let mut w = world(contract(body));
    w.entry(OTHER).code = Arc::new(contract(callee));
    run_in(w, false, &[])
}

/// Stores the caller at key 0 and the call value at key 32 (in the
/// storage of whichever account the code acts on).
const RECORDER: &str =
    "(call $getCaller (i32.const 512)) (call $storageStore (i32.const 0) (i32.const 512))
     (call $getCallValue (i32.const 600)) (call $storageStore (i32.const 1056) (i32.const 600))";

fn word_at(run: &Run, account: &Address, key: &[u8]) -> Bytes32 {
    let mut k = [0u8; 32];
    k[..key.len()].copy_from_slice(key);
    run.world.storage(account, &Bytes32(k))
}

#[test]
fn call_delegate_runs_the_callee_code_on_this_account_with_this_sender_and_value() {
    let r = run_calling(
        "(drop (call $callDelegate (i64.const 100000) (i32.const 1024) (i32.const 0) (i32.const 0)))",
        RECORDER,
    );
    assert_eq!(r.status, Status::Success);
    assert_eq!(
        &word_at(&r, &CONTRACT, &[]).0[..20],
        &CALLER.0,
        "the original caller"
    );
    assert_eq!(word_at(&r, &CONTRACT, &[1]).0[0], 5, "the original value");
    assert_eq!(
        word_at(&r, &OTHER, &[]),
        Bytes32::ZERO,
        "nothing stored at the callee"
    );
}

#[test]
fn call_code_runs_the_callee_code_on_this_account_as_this_account() {
    let r = run_calling(
        "(drop (call $callCode (i64.const 100000) (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 0)))",
        RECORDER,
    );
    assert_eq!(
        &word_at(&r, &CONTRACT, &[]).0[..20],
        &CONTRACT.0,
        "the caller is this account"
    );
}

#[test]
fn call_runs_the_callee_on_its_own_account() {
    let r = run_calling(
        "(drop (call $call (i64.const 100000) (i32.const 1024) (i32.const 1056) (i32.const 0) (i32.const 0)))",
        RECORDER,
    );
    assert_eq!(&word_at(&r, &OTHER, &[]).0[..20], &CONTRACT.0);
    assert_eq!(word_at(&r, &OTHER, &[1]).0[0], 1, "the value sent");
}

#[test]
fn call_static_makes_the_callee_static() {
    let r = run_calling(
        "(i32.store (i32.const 700) (call $callStatic (i64.const 100000) (i32.const 1024) (i32.const 0) (i32.const 0)))
         (call $finish (i32.const 700) (i32.const 4))",
        RECORDER,
    );
    assert_eq!(r.output, 1u32.to_le_bytes(), "the callee failed");
    assert_eq!(word_at(&r, &OTHER, &[]), Bytes32::ZERO);
}

#[test]
fn revert_data_of_a_callee_is_the_return_data() {
    let r = run_calling(
        "(i32.store (i32.const 700) (call $call (i64.const 100000) (i32.const 1024) (i32.const 0) (i32.const 0) (i32.const 0)))
         (i32.store (i32.const 704) (call $getReturnDataSize))
         (call $returnDataCopy (i32.const 708) (i32.const 0) (i32.const 3))
         (call $finish (i32.const 700) (i32.const 11))",
        "(call $revert (i32.const 1088) (i32.const 3))",
    );
    assert_eq!(&r.output[0..4], &2u32.to_le_bytes(), "revert is 2");
    assert_eq!(&r.output[4..8], &3u32.to_le_bytes());
    assert_eq!(&r.output[8..11], &[0x11; 3]);
}
