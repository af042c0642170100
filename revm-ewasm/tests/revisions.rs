//! A Wasm frame inside revm pays the EEI's prices at the revision of
//! revm's spec: from Berlin a first access to a slot or an account in the
//! transaction costs EIP-2929's cold price and a second one the warm
//! price, and from London a cleared slot earns EIP-3529's refund, which
//! revm gets through its own refund accounting (once) and caps.

use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor, Revision};
use revm::bytecode::Bytecode;
use revm::context::result::ExecutionResult;
use revm::context::{CfgEnv, Context, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{Database, ExecuteCommitEvm, MainContext};
use revm_ewasm::EwasmBuilder;

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
const CONTRACT: Address = address!("0xf000000000000000000000000000000000000001");
/// An EVM contract that clears its slot 0: SSTORE(0, 0), STOP.
const CLEARER: Address = address!("0xc000000000000000000000000000000000000001");
const CLEARER_CODE: &[u8] = &[0x60, 0x00, 0x60, 0x00, 0x55, 0x00];

/// The transaction's own price.
const TX: u64 = 21_000;
/// EIP-2929's prices.
const COLD_SLOAD: u64 = 2_100;
const WARM: u64 = 100;
const COLD_ACCOUNT: u64 = 2_600;
/// SSTORE of a non-zero slot, less the cold price (EIP-2929).
const RESET: u64 = 5_000 - COLD_SLOAD;
/// EIP-3529's refund for a cleared slot.
const CLEAR_REFUND: u64 = 4_800;

/// A contract running `body`, with memory holding: at 0 the key of slot
/// 0, at 32 the key of slot 1, at 64 a zero word, at 96 the word 7, at
/// 128 the word 5, at 160 the address of [`CLEARER`], at 192 a zero
/// value.
fn contract(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 63) "\01")
  (data (i32.const 127) "\07")
  (data (i32.const 159) "\05")
  (data (i32.const 160) "\c0\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01")
  (func (export "main") {body}))"#
    ))
    .expect("valid WAT")
}

/// Runs one call from the sender to `code` deployed at [`CONTRACT`], its
/// slots 0 and 1 and [`CLEARER`]'s slot 0 holding 5, at `spec`, trusted
/// (the EEI's gas only); it must succeed.
fn run(spec: SpecId, code: Vec<u8>) -> (ExecutionResult, InMemoryDB) {
    let (result, db) = transact(spec, code);
    assert!(result.is_success(), "{result:?}");
    (result, db)
}

/// [`run`], whatever the call's end.
fn transact(spec: SpecId, code: Vec<u8>) -> (ExecutionResult, InMemoryDB) {
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        CONTRACT,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from(code))),
    );
    db.insert_account_info(
        CLEARER,
        AccountInfo::from_bytecode(Bytecode::new_raw(Bytes::from_static(CLEARER_CODE))),
    );
    for (account, slot) in [(CONTRACT, 0u64), (CONTRACT, 1), (CLEARER, 0)] {
        db.insert_account_storage(account, U256::from(slot), U256::from(5))
            .expect("the slot is set");
    }
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 40)));
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let mut evm = Context::mainnet()
        .with_cfg(CfgEnv::new_with_spec(spec))
        .with_db(db)
        .build_ewasm(executor);
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(CONTRACT)
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

const LOAD: &str = "(call $storageLoad (i32.const 0) (i32.const 256))";
const STORE_7: &str = "(call $storageStore (i32.const 32) (i32.const 96))";
const STORE_5: &str = "(call $storageStore (i32.const 32) (i32.const 128))";
const CLEAR: &str = "(call $storageStore (i32.const 32) (i32.const 64))";

#[test]
fn revm_s_specs_map_to_the_revisions_of_the_same_forks() {
    assert_eq!(revm_ewasm::revision(SpecId::BERLIN), Some(Revision::Berlin));
    assert_eq!(revm_ewasm::revision(SpecId::MERGE), Some(Revision::Paris));
    assert_eq!(revm_ewasm::revision(SpecId::CANCUN), Some(Revision::Cancun));
}

#[test]
fn a_cold_slot_costs_eip_2929_s_cold_price_and_a_second_access_the_warm_one() {
    for spec in [SpecId::BERLIN, SpecId::CANCUN, SpecId::OSAKA] {
        let (one, _) = run(spec, contract(LOAD));
        assert_eq!(one.tx_gas_used(), TX + COLD_SLOAD, "{spec}: one load");
        let (two, _) = run(spec, contract(&[LOAD, LOAD].concat()));
        assert_eq!(
            two.tx_gas_used(),
            TX + COLD_SLOAD + WARM,
            "{spec}: a second load"
        );

        // 5 -> 7 in a cold slot: the cold price and SSTORE_RESET less it.
        let (store, mut db) = run(spec, contract(STORE_7));
        assert_eq!(
            store.tx_gas_used(),
            TX + COLD_SLOAD + RESET,
            "{spec}: a store"
        );
        assert_eq!(slot(&mut db, CONTRACT, 1), U256::from(7));
        // 7 -> 7 again: the slot is warm and the write changes nothing.
        let (twice, _) = run(spec, contract(&[STORE_7, STORE_7].concat()));
        assert_eq!(
            twice.tx_gas_used(),
            TX + COLD_SLOAD + RESET + WARM,
            "{spec}: a second store"
        );
        // A load warms the slot for the store after it.
        let (both, _) = run(
            spec,
            contract(
                &[
                    "(call $storageLoad (i32.const 32) (i32.const 256))",
                    STORE_7,
                ]
                .concat(),
            ),
        );
        assert_eq!(
            both.tx_gas_used(),
            TX + COLD_SLOAD + RESET,
            "{spec}: a load, then a store"
        );
    }
    // Before Berlin, no cold price: Istanbul's SLOAD is 800.
    let (istanbul, _) = run(SpecId::ISTANBUL, contract(&[LOAD, LOAD].concat()));
    assert_eq!(istanbul.tx_gas_used(), TX + 800 + 800);
}

#[test]
fn clearing_a_slot_at_london_and_later_earns_eip_3529_s_refund_through_revm() {
    for spec in [SpecId::LONDON, SpecId::CANCUN, SpecId::OSAKA] {
        // 5 -> 0: the cold price and the reset; 4,800 back, under the cap
        // of a fifth of the gas used (26,000 / 5 = 5,200), so whole.
        let (clear, mut db) = run(spec, contract(CLEAR));
        let used = TX + COLD_SLOAD + RESET;
        assert_eq!(clear.gas().inner_refunded(), CLEAR_REFUND, "{spec}");
        assert_eq!(clear.tx_gas_used(), used - CLEAR_REFUND, "{spec}");
        assert_eq!(slot(&mut db, CONTRACT, 1), U256::ZERO);

        // 5 -> 0 -> 5: the clear's refund taken back, and the restore
        // refunded SSTORE_RESET less the warm price (EIP-2200 with
        // EIP-2929's prices): 4,800 - 4,800 + 2,800.
        let (restored, mut db) = run(spec, contract(&[CLEAR, STORE_5].concat()));
        let used = TX + COLD_SLOAD + RESET + WARM;
        assert_eq!(restored.gas().inner_refunded(), RESET - WARM, "{spec}");
        assert_eq!(restored.tx_gas_used(), used - (RESET - WARM), "{spec}");
        assert_eq!(slot(&mut db, CONTRACT, 1), U256::from(5));
    }
}

#[test]
fn an_evm_frame_s_refund_below_wasm_reaches_revm_once() {
    // The Wasm contract calls CLEARER (cold: 2,600) with no value and
    // all the gas it may forward; CLEARER's PUSH1, PUSH1 and SSTORE of a
    // cold non-zero slot to zero cost 3 + 3 + 2,100 + 2,900, and earn
    // 4,800, which comes up through the Wasm frame into revm's total.
    let call = "(drop (call $call (i64.const 0x7fffffffffffffff) (i32.const 160) (i32.const 192) (i32.const 0) (i32.const 0)))";
    let (result, mut db) = run(SpecId::CANCUN, contract(call));
    let used = TX + COLD_ACCOUNT + 3 + 3 + COLD_SLOAD + RESET;
    assert_eq!(result.gas().inner_refunded(), CLEAR_REFUND);
    assert_eq!(result.tx_gas_used(), used - CLEAR_REFUND);
    assert_eq!(slot(&mut db, CLEARER, 0), U256::ZERO);
}

#[test]
fn a_wasm_frame_at_a_spec_iris_has_no_schedule_for_fails_and_changes_nothing() {
    // Before Byzantium the executor refuses; Amsterdam has no revision.
    for spec in [SpecId::SPURIOUS_DRAGON, SpecId::AMSTERDAM] {
        let (result, mut db) = transact(spec, contract(STORE_7));
        assert!(
            matches!(result, ExecutionResult::Halt { .. }),
            "{spec}: {result:?}"
        );
        assert_eq!(result.tx_gas_used(), 1_000_000, "{spec}: all the gas");
        assert_eq!(slot(&mut db, CONTRACT, 1), U256::from(5), "{spec}");
    }
}
