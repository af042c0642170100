//! Calls crossing both ways in one revm transaction: an EVM contract
//! calls a Wasm contract that calls an EVM contract, with value; the gas
//! forwarded each way, the state and the balances; a revert on each side.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::ExecutionResult;
use revm::context::{Context, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{Database, ExecuteCommitEvm, MainContext};
use revm_ewasm::EwasmBuilder;

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
/// EVM: calls the Wasm contract, keeps what the call answered.
const OUTER: Address = address!("0xa000000000000000000000000000000000000001");
/// EVM: as `OUTER`, then reverts.
const OUTER_REVERTING: Address = address!("0xa000000000000000000000000000000000000002");
/// Wasm: calls the EVM contract named in its call data.
const WASM: Address = address!("0xb000000000000000000000000000000000000001");
/// EVM: stores its call data, returns the gas it started with.
const INNER: Address = address!("0xc000000000000000000000000000000000000001");
/// EVM: stores 1, then reverts with 0x2a.
const INNER_REVERTING: Address = address!("0xc000000000000000000000000000000000000002");

/// An account delegated to `INNER`'s code (EIP-7702).
const DELEGATED: Address = address!("0xd000000000000000000000000000000000000001");
/// An account delegated to the address of the SHA-256 precompile, where
/// there is no code: a call to it runs none (EIP-7702), not the precompile.
const DELEGATED_TO_PRECOMPILE: Address = address!("0xd000000000000000000000000000000000000002");

/// What `OUTER` sends the Wasm contract, and the gas it gives it.
const OUTER_VALUE: u64 = 1_000;
const OUTER_GAS: u64 = 200_000;
/// What the Wasm contract sends on.
const WASM_VALUE: u64 = 300;
/// What the EVM gives a callee with value on top of the gas it forwards.
const STIPEND: u64 = 2_300;
/// The EEI's call price to a cold account and its value-transfer
/// surcharge (revm's default spec, Osaka: EIP-2929's cold price).
const EEI_CALL: u64 = 2_600 + 9_000;
/// storageStore of a new value in a cold slot (EIP-2929's 2,100 on top
/// of 20,000).
const EEI_STORE_NEW_COLD: u64 = 2_100 + 20_000;

/// The outer EVM contract: calls `WASM` with [`OUTER_VALUE`] wei and
/// [`OUTER_GAS`] gas, the call data being `target`'s address; stores the
/// call's success flag in slot 0 and the first word it returned in slot
/// 1; then stops, or reverts if `revert`. With `wasm_reverts`, a 21st
/// byte of call data asks the Wasm contract to revert after its call.
fn outer(target: Address, revert: bool, wasm_reverts: bool) -> Vec<u8> {
    let mut code = vec![0x73]; // PUSH20 target
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(&[0x60, 0x60, 0x1b, 0x60, 0x00, 0x52]); // SHL 96, MSTORE at 0
    let args = if wasm_reverts {
        code.extend_from_slice(&[0x60, 0x01, 0x60, 0x14, 0x53]); // MSTORE8(20, 1)
        0x15
    } else {
        0x14
    };
    code.extend_from_slice(&[0x60, 0x20, 0x60, 0x20, 0x60, args, 0x60, 0x00]); // ret 32@32, args@0
    code.extend_from_slice(&[0x61, 0x03, 0xe8]); // PUSH2 1000 (value)
    code.push(0x73); // PUSH20 WASM
    code.extend_from_slice(WASM.as_slice());
    code.extend_from_slice(&[0x62, 0x03, 0x0d, 0x40]); // PUSH3 200000 (gas)
    code.push(0xf1); // CALL
    code.extend_from_slice(&[0x60, 0x00, 0x55]); // SSTORE slot 0: success
    code.extend_from_slice(&[0x60, 0x20, 0x51, 0x60, 0x01, 0x55]); // SSTORE slot 1: mem[32]
    if revert {
        code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0xfd]); // REVERT(0, 0)
    } else {
        code.push(0x00); // STOP
    }
    code
}

/// The inner EVM contract: GAS, stores the call data's first word in
/// slot 0, returns the gas it had at its first instruction (less GAS's 2).
const INNER_CODE: &[u8] = &[
    0x5a, // GAS
    0x60, 0x00, 0x35, 0x60, 0x00, 0x55, // SSTORE(0, CALLDATALOAD(0))
    0x60, 0x00, 0x52, // MSTORE(0, gas)
    0x60, 0x20, 0x60, 0x00, 0xf3, // RETURN(0, 32)
];

/// The reverting EVM contract: stores 1 in slot 0, reverts with 0x2a.
const INNER_REVERTING_CODE: &[u8] = &[
    0x60, 0x01, 0x60, 0x00, 0x55, // SSTORE(0, 1)
    0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 0x2a)
    0x60, 0x20, 0x60, 0x00, 0xfd, // REVERT(0, 32)
];

/// The Wasm contract. Slot 4: the gas it had at its start (after
/// `getGasLeft`'s 2). Slot 0: 1. Then it calls the address in its call
/// data with [`WASM_VALUE`] wei, all the gas the 63/64 rule lets it
/// forward and the word 0x77; slot 3: its gas just before the call (after
/// `getGasLeft`), slot 1: the call's result (0 success, 1 failure, 2
/// revert), slot 2: the returned word. It finishes with the returned word,
/// or reverts with it if the call did not succeed or its call data is
/// longer than an address.
fn wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (memory (export "memory") 1)
  ;; 0: the callee's address; 32: the value (128-bit little-endian);
  ;; 64: the call data; 256 + 32k: the key of slot k; 448: a word to store.
  (data (i32.const 32) "\2c\01")
  (data (i32.const 95) "\77")
  (data (i32.const 319) "\01")
  (data (i32.const 351) "\02")
  (data (i32.const 383) "\03")
  (data (i32.const 415) "\04")
  (func $bswap64 (param $x i64) (result i64)
    (local $r i64) (local $i i32)
    (loop $next
      (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8))
                            (i64.and (local.get $x) (i64.const 0xff))))
      (local.set $x (i64.shr_u (local.get $x) (i64.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $r))
  ;; Stores `value` as a big-endian word in slot `key` (a key's address).
  (func $store (param $key i32) (param $value i64)
    (i64.store (i32.const 448) (i64.const 0))
    (i64.store (i32.const 456) (i64.const 0))
    (i64.store (i32.const 464) (i64.const 0))
    (i64.store (i32.const 472) (call $bswap64 (local.get $value)))
    (call $storageStore (local.get $key) (i32.const 448)))
  (func (export "main")
    (local $result i32) (local $gas i64)
    (call $store (i32.const 384) (call $getGasLeft))
    (call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 20))
    (call $store (i32.const 256) (i64.const 1))
    (local.set $gas (call $getGasLeft))
    (local.set $result (call $call (i64.const 0x7fffffffffffffff)
      (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 32)))
    (call $store (i32.const 352) (local.get $gas))
    (call $store (i32.const 288) (i64.extend_i32_u (local.get $result)))
    (call $returnDataCopy (i32.const 448) (i32.const 0) (i32.const 32))
    (call $storageStore (i32.const 320) (i32.const 448))
    (if (i32.or (local.get $result) (i32.gt_u (call $getCallDataSize) (i32.const 20)))
      (then (call $revert (i32.const 448) (i32.const 32))))
    (call $finish (i32.const 448) (i32.const 32))))"#,
    )
    .expect("the Wasm contract is valid WAT")
}

const SENDER_FUNDS: u64 = 1_000_000_000;
const OUTER_FUNDS: u64 = 10_000;

/// The five contracts and a funded sender.
fn world() -> InMemoryDB {
    let mut db = InMemoryDB::default();
    let code = |bytes: Vec<u8>| Bytecode::new_raw(Bytes::from(bytes));
    let mut outer_account = AccountInfo::from_bytecode(code(outer(INNER, false, false)));
    outer_account.balance = U256::from(OUTER_FUNDS);
    db.insert_account_info(OUTER, outer_account);
    let mut reverting = AccountInfo::from_bytecode(code(outer(INNER, true, false)));
    reverting.balance = U256::from(OUTER_FUNDS);
    db.insert_account_info(OUTER_REVERTING, reverting);
    db.insert_account_info(WASM, AccountInfo::from_bytecode(code(wasm())));
    db.insert_account_info(INNER, AccountInfo::from_bytecode(code(INNER_CODE.to_vec())));
    db.insert_account_info(
        INNER_REVERTING,
        AccountInfo::from_bytecode(code(INNER_REVERTING_CODE.to_vec())),
    );
    db.insert_account_info(
        DELEGATED,
        AccountInfo::from_bytecode(Bytecode::new_eip7702(INNER)),
    );
    db.insert_account_info(
        DELEGATED_TO_PRECOMPILE,
        AccountInfo::from_bytecode(Bytecode::new_eip7702(address!(
            "0x0000000000000000000000000000000000000002"
        ))),
    );
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(SENDER_FUNDS)));
    db
}

/// Runs one transaction from the sender to `to`, with `OUTER`'s code
/// calling `inner` (the code is replaced to pick the inner contract, and
/// whether the Wasm contract reverts after its call).
fn transact(to: Address, inner: Address, wasm_reverts: bool) -> (ExecutionResult, InMemoryDB) {
    let mut db = world();
    if to == OUTER {
        let mut account = AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(outer(
            inner,
            false,
            wasm_reverts,
        ))));
        account.balance = U256::from(OUTER_FUNDS);
        db.insert_account_info(OUTER, account);
    }
    // Trusted code: the Wasm contract pays the EEI's prices only, so its
    // gas is known to the unit.
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet().with_db(db).build_ewasm(executor);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(to)
        .gas_limit(1_000_000)
        .build()
        .expect("a valid transaction");
    let result = evm.transact_commit(tx).expect("the transaction runs");
    (result, evm.ctx.db_mut().clone())
}

fn slot(db: &mut InMemoryDB, account: Address, slot: u64) -> U256 {
    db.storage(account, U256::from(slot))
        .expect("the database answers")
}

fn balance(db: &mut InMemoryDB, account: Address) -> U256 {
    db.basic(account)
        .expect("the database answers")
        .map_or(U256::ZERO, |info| info.balance)
}

#[test]
fn evm_calls_wasm_calls_evm_with_value_and_the_gas_of_each_rule() {
    let (result, mut db) = transact(OUTER, INNER, false);
    assert!(result.is_success(), "{result:?}");

    // EVM → Wasm: the 200,000 OUTER gave, the stipend of a call with
    // value on top, less getGasLeft's 2.
    let wasm_start = slot(&mut db, WASM, 4);
    assert_eq!(wasm_start, U256::from(OUTER_GAS + STIPEND - 2));

    // Wasm → EVM: the EEI forwards all but one 64th of what is left after
    // the call's price, the EVM adds the stipend; INNER's GAS costs 2.
    let before_call: u64 = slot(&mut db, WASM, 3).to();
    let left = before_call - EEI_CALL;
    let forwarded = left - left / 64;
    let inner_start = slot(&mut db, WASM, 2);
    assert_eq!(inner_start, U256::from(forwarded + STIPEND - 2));
    // What the Wasm contract did before the call: getGasLeft (2),
    // storageStore of a new word in a cold slot, callDataCopy of one word
    // (6), another such storageStore, getGasLeft (2).
    assert_eq!(
        before_call,
        OUTER_GAS + STIPEND - 2 - EEI_STORE_NEW_COLD - 6 - EEI_STORE_NEW_COLD - 2
    );

    // State on each side, and the answers passed back up.
    assert_eq!(
        slot(&mut db, INNER, 0),
        U256::from(0x77),
        "INNER stored its call data"
    );
    assert_eq!(slot(&mut db, WASM, 0), U256::from(1));
    assert_eq!(slot(&mut db, WASM, 1), U256::ZERO, "the EVM call succeeded");
    assert_eq!(
        slot(&mut db, OUTER, 0),
        U256::from(1),
        "the Wasm call succeeded"
    );
    assert_eq!(
        slot(&mut db, OUTER, 1),
        inner_start,
        "the word came back through Wasm"
    );

    // The value moved down both calls.
    assert_eq!(
        balance(&mut db, OUTER),
        U256::from(OUTER_FUNDS - OUTER_VALUE)
    );
    assert_eq!(balance(&mut db, WASM), U256::from(OUTER_VALUE - WASM_VALUE));
    assert_eq!(balance(&mut db, INNER), U256::from(WASM_VALUE));
}

#[test]
fn an_evm_revert_below_wasm_reverts_both_and_the_outer_evm_sees_the_data() {
    let (result, mut db) = transact(OUTER, INNER_REVERTING, false);
    assert!(result.is_success(), "{result:?}");
    // INNER_REVERTING reverted its store; the Wasm contract saw result 2
    // and reverted too (its own stores undone), with INNER's data.
    assert_eq!(slot(&mut db, INNER_REVERTING, 0), U256::ZERO);
    for key in 0..5 {
        assert_eq!(slot(&mut db, WASM, key), U256::ZERO, "Wasm slot {key}");
    }
    assert_eq!(
        slot(&mut db, OUTER, 0),
        U256::ZERO,
        "the Wasm call reverted"
    );
    assert_eq!(
        slot(&mut db, OUTER, 1),
        U256::from(0x2a),
        "the revert data came up"
    );
    // No value moved.
    assert_eq!(balance(&mut db, OUTER), U256::from(OUTER_FUNDS));
    assert_eq!(balance(&mut db, WASM), U256::ZERO);
    assert_eq!(balance(&mut db, INNER_REVERTING), U256::ZERO);
}

#[test]
fn an_evm_revert_above_wasm_undoes_what_the_wasm_and_evm_frames_below_did() {
    let (result, mut db) = transact(OUTER_REVERTING, INNER, false);
    assert!(
        matches!(result, ExecutionResult::Revert { .. }),
        "{result:?}"
    );
    assert_eq!(slot(&mut db, WASM, 0), U256::ZERO);
    assert_eq!(slot(&mut db, INNER, 0), U256::ZERO);
    assert_eq!(slot(&mut db, OUTER_REVERTING, 0), U256::ZERO);
    assert_eq!(balance(&mut db, OUTER_REVERTING), U256::from(OUTER_FUNDS));
    assert_eq!(balance(&mut db, WASM), U256::ZERO);
    assert_eq!(balance(&mut db, INNER), U256::ZERO);
    // A revert keeps the gas left: the sender paid for what ran, no more.
    let sender = balance(&mut db, SENDER);
    assert_eq!(
        sender,
        U256::from(SENDER_FUNDS),
        "gas price 0: only value could move"
    );
    assert!(result.tx_gas_used() < 1_000_000, "{result:?}");
}

#[test]
fn a_wasm_revert_undoes_the_evm_call_it_made_and_the_value_it_sent() {
    let (result, mut db) = transact(OUTER, INNER, true);
    assert!(result.is_success(), "{result:?}");
    // INNER succeeded (stored 0x77, got 300 wei), then the Wasm contract
    // reverted: revm's journal undid INNER's frame with its own.
    assert_eq!(slot(&mut db, INNER, 0), U256::ZERO);
    assert_eq!(balance(&mut db, INNER), U256::ZERO);
    for key in 0..5 {
        assert_eq!(slot(&mut db, WASM, key), U256::ZERO, "Wasm slot {key}");
    }
    assert_eq!(balance(&mut db, WASM), U256::ZERO);
    assert_eq!(balance(&mut db, OUTER), U256::from(OUTER_FUNDS));
    // OUTER saw the revert and its data: the gas INNER started with.
    assert_eq!(
        slot(&mut db, OUTER, 0),
        U256::ZERO,
        "the Wasm call reverted"
    );
    let returned: u64 = slot(&mut db, OUTER, 1).to();
    assert!(
        (100_000..OUTER_GAS).contains(&returned),
        "INNER's starting gas came up as revert data: {returned}"
    );
}

#[test]
fn wasm_calling_a_delegated_account_runs_the_delegate_code_on_the_account() {
    let (result, mut db) = transact(OUTER, DELEGATED, false);
    assert!(result.is_success(), "{result:?}");
    assert_eq!(slot(&mut db, WASM, 1), U256::ZERO, "the EVM call succeeded");
    // INNER's code ran on DELEGATED's storage and balance.
    assert_eq!(slot(&mut db, DELEGATED, 0), U256::from(0x77));
    assert_eq!(slot(&mut db, INNER, 0), U256::ZERO);
    assert_eq!(balance(&mut db, DELEGATED), U256::from(WASM_VALUE));
}

#[test]
fn wasm_calling_an_account_delegated_to_a_precompile_runs_no_precompile() {
    let (result, mut db) = transact(OUTER, DELEGATED_TO_PRECOMPILE, false);
    assert!(result.is_success(), "{result:?}");
    // The delegate's code is empty: the call succeeds and returns nothing,
    // so the Wasm contract's returnDataCopy of a word fails its frame (had
    // SHA-256 run, it would have returned a hash and the frame succeeded).
    assert_eq!(slot(&mut db, OUTER, 0), U256::ZERO, "the Wasm call failed");
    assert_eq!(balance(&mut db, DELEGATED_TO_PRECOMPILE), U256::ZERO);
}
