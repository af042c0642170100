//! `libiris.so` honours the EVMC revision, through the C ABI as a client
//! calls it: warm and cold accesses are asked of the host's
//! `access_account`/`access_storage` (from Berlin only), storageStore is
//! priced from the `evmc_storage_status` the host's `set_storage` answers,
//! the refund comes back in `gas_refund`; revisions before Byzantium,
//! unknown revisions, kinds and flags, and EOF init code get their
//! documented statuses, never `EVMC_INTERNAL_ERROR`.

#![cfg(not(feature = "abi9"))]

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, CallOutcome, EvmHost, Message, Revision, Status,
    StorageStatus, TxContext, U256,
};
use iris::ffi::{evmc_address, evmc_bytes32, evmc_message};
use tests::{load, load_trusted};

const CONTRACT: Address = Address([0xc0; 20]);
const OTHER: Address = Address([0x07; 20]);
const KEY: Bytes32 = Bytes32([0x6b; 32]);
const GAS: i64 = 1_000_000;

/// A client that records what the VM asks and answers as a test says.
#[derive(Default)]
struct RecordingHost {
    /// What `access_account` and `access_storage` answer.
    access: Option<AccessStatus>,
    /// What `set_storage` answers.
    status: Option<StorageStatus>,
    /// The refund nested calls answer, and their status.
    callee: Option<(Status, i64)>,
    /// An account whose code is an EIP-7702 designation, and its delegate.
    designation: Option<(Address, Address)>,
    accounts: Vec<Address>,
    slots: Vec<(Address, Bytes32)>,
    calls: Vec<Message>,
    stores: Vec<(Address, Bytes32, Bytes32)>,
}

impl EvmHost for RecordingHost {
    fn account_exists(&mut self, _: &Address) -> bool {
        true
    }
    fn get_storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
        Bytes32([1; 32])
    }
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.stores.push((*address, *key, *value));
        self.status.unwrap_or(StorageStatus::Assigned)
    }
    fn get_balance(&mut self, _: &Address) -> U256 {
        U256::from(1_000u64)
    }
    fn get_code_size(&mut self, _: &Address) -> usize {
        0
    }
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let Some((_, delegate)) = self.designation.filter(|(at, _)| at == address) else {
            return 0;
        };
        let mut code = vec![0xef, 0x01, 0x00];
        code.extend_from_slice(&delegate.0);
        let source = code.get(offset..).unwrap_or(&[]);
        let n = source.len().min(buffer.len());
        buffer[..n].copy_from_slice(&source[..n]);
        n
    }
    fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
        true
    }
    fn access_account(&mut self, address: &Address) -> AccessStatus {
        self.accounts.push(*address);
        self.access.unwrap_or(AccessStatus::Warm)
    }
    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        self.slots.push((*address, *key));
        self.access.unwrap_or(AccessStatus::Warm)
    }
    fn call(&mut self, message: &Message) -> CallOutcome {
        self.calls.push(message.clone());
        let (status, gas_refund) = self.callee.unwrap_or((Status::Success, 0));
        CallOutcome {
            status,
            gas_left: message.gas,
            gas_refund,
            output: Vec::new(),
            create_address: None,
        }
    }
    fn get_tx_context(&mut self) -> TxContext {
        TxContext::default()
    }
    fn get_block_hash(&mut self, _: i64) -> Bytes32 {
        Bytes32::ZERO
    }
    fn emit_log(&mut self, _: &Address, _: &[u8], _: &[Bytes32]) {}
}

const IMPORTS: &str = r#"
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
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

fn message(kind: CallKind) -> Message {
    Message {
        kind,
        is_static: false,
        depth: 0,
        gas: GAS,
        recipient: CONTRACT,
        sender: Address([0xca; 20]),
        input: Vec::new(),
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
        let outcome = vm.execute_evmc(&mut host, rev, &raw(iris::ffi::EVMC_CALL, 0), &code);
        assert_eq!(outcome.status, Status::Rejected, "revision {rev}");
        assert_eq!(outcome.gas_left, 0, "revision {rev}");
        assert!(host.stores.is_empty(), "revision {rev}: nothing ran");
    }
    for rev in 4..=14 {
        let mut host = RecordingHost::default();
        let outcome = vm.execute_evmc(&mut host, rev, &raw(iris::ffi::EVMC_CALL, 0), &code);
        assert_eq!(outcome.status, Status::Success, "revision {rev}");
    }
}

#[test]
fn the_delegated_flag_runs_as_any_call_and_unknown_flags_are_rejected() {
    let vm = load_trusted();
    let code = balance_load_store();
    let delegated = iris::ffi::EVMC_DELEGATED;
    let mut host = RecordingHost::default();
    let outcome = vm.execute_evmc(&mut host, 13, &raw(iris::ffi::EVMC_CALL, delegated), &code);
    assert_eq!(outcome.status, Status::Success);
    for flags in [4, 8, 1 << 31] {
        let outcome = vm.execute_evmc(&mut host, 13, &raw(iris::ffi::EVMC_CALL, flags), &code);
        assert_eq!(outcome.status, Status::Rejected, "flags {flags:#x}");
    }
}

#[test]
fn unknown_kinds_eofcreate_and_create2_before_constantinople_are_rejected() {
    let vm = load_trusted();
    let init = contract("");
    let mut host = RecordingHost::default();
    for (rev, kind) in [
        (4, iris::ffi::EVMC_CREATE2),
        (13, iris::ffi::EVMC_EOFCREATE),
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
    let outcome = vm.execute_evmc(&mut host, 5, &raw(iris::ffi::EVMC_CREATE2, 0), &init);
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
    assert_eq!(vm.set_option("evm1mode", "fallback"), 0);
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
