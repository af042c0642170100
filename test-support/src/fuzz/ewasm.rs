//! The Ewasm host with a hostile client: generated contracts (they import
//! any EEI functions and export `main` and `memory`), and one that makes
//! the nested calls its call data asks for, run at a revision the input
//! chooses (Byzantium to Osaka) against a host
//! whose every answer (storage, balances, code, nested call results and
//! refunds, warm or cold accesses, storage statuses, block context) comes
//! from the fuzz input, including answers no honest client
//! gives. Iris must not panic, must report failures with no gas left, and
//! must give the same outcome and make the same host calls when run again.
//!
//! Gas soundness, on every execution: gas left is never negative, never
//! more than the message's gas (so gas used is never negative), and never
//! more than the gas given less the least each nested call costs (a value
//! transfer's 9,000 pays for its 2,300 stipend) plus what each gave back
//! within the rules; no nested message asks for more gas than the frame can
//! have. The host's answers include more gas than a call was given (which
//! must make the call fail, not mint gas); an `InternalError` is a finding.

use std::sync::OnceLock;

use arbitrary::Unstructured;
use engine::{Engine, Linker, ValType};
use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, CallOutcome, EeiCtx, EvmHost, ExecConfig, Executor,
    Message, Revision, Schedule, Status, StorageStatus, TxContext, U256,
};

/// The revisions the fuzzed executions run at (chosen by the input).
const REVISIONS: &[Revision] = Revision::SUPPORTED;

/// The 33 EEI functions.
const EEI: [&str; 33] = [
    "useGas",
    "getGasLeft",
    "getAddress",
    "getExternalBalance",
    "getBlockHash",
    "getCallDataSize",
    "callDataCopy",
    "getCaller",
    "getCallValue",
    "codeCopy",
    "getCodeSize",
    "externalCodeCopy",
    "getExternalCodeSize",
    "getBlockCoinbase",
    "getBlockDifficulty",
    "getBlockGasLimit",
    "getTxGasPrice",
    "log",
    "getBlockNumber",
    "getBlockTimestamp",
    "getTxOrigin",
    "storageStore",
    "storageLoad",
    "finish",
    "revert",
    "getReturnDataSize",
    "returnDataCopy",
    "call",
    "callCode",
    "callDelegate",
    "callStatic",
    "create",
    "selfDestruct",
];

fn wat_type(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::FuncRef => "funcref",
        ValType::ExternRef => "externref",
    }
}

/// A module importing every EEI function with its type (what wasm-smith
/// may import from), and one exporting `main` and `memory` (what it must
/// export).
fn shapes() -> &'static (Vec<u8>, Vec<u8>) {
    static SHAPES: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let engine = Engine::default();
        let mut linker = Linker::<EeiCtx<'_>>::new(&engine);
        let mut text = String::from("(module\n");
        if ewasm_host::add_to_linker(&mut linker).is_ok() {
            for name in EEI {
                let Some(ty) = linker.host_func_type("ethereum", name) else {
                    continue;
                };
                let params: Vec<&str> = ty.params().iter().map(|t| wat_type(*t)).collect();
                let results: Vec<&str> = ty.results().iter().map(|t| wat_type(*t)).collect();
                text.push_str(&format!(
                    "  (import \"ethereum\" \"{name}\" (func (param {}) (result {})))\n",
                    params.join(" "),
                    results.join(" ")
                ));
            }
        }
        text.push(')');
        let imports = wat::parse_str(&text).unwrap_or_default();
        let exports =
            wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "main")))"#)
                .unwrap_or_default();
        (imports, exports)
    })
}

/// A contract from wasm-smith.
pub(crate) fn contract(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let (imports, exports) = shapes();
    let config = wasm_smith::Config {
        available_imports: Some(imports.clone()),
        exports: Some(exports.clone()),
        allow_start_export: false,
        allow_floats: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        reference_types_enabled: false,
        extended_const_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        max_memories: 1,
        max_tables: 1,
        max_funcs: 10,
        max_instructions: 300,
        max_memory32_bytes: 4 << 16,
        ..wasm_smith::Config::default()
    };
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

/// A contract that makes the calls its call data asks for, so that every
/// input reaches the call family (wasm-smith's contracts seldom do): each
/// 9-byte step of the call data is a selector byte (its value mod 5 picks
/// `call`, `callCode`, `callDelegate`, `callStatic` or `create`; bit 7
/// sends 1 wei instead of none) and a little-endian gas argument (its low
/// 22 bits). Each call is followed by `getGasLeft`.
const CALLER: &str = r#"(module
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33\33")
  (data (i32.const 48) "\01")
  (func (export "main") (local $end i32) (local $at i32) (local $sel i32) (local $value i32) (local $gas i64)
    (local.set $end (call $getCallDataSize))
    (if (i32.gt_u (local.get $end) (i32.const 4096))
      (then (local.set $end (i32.const 4096))))
    (call $callDataCopy (i32.const 1024) (i32.const 0) (local.get $end))
    (local.set $end (i32.add (local.get $end) (i32.const 1024)))
    (local.set $at (i32.const 1024))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 9)) (local.get $end)))
        (local.set $sel (i32.load8_u (local.get $at)))
        (local.set $gas (i64.and (i64.load (i32.add (local.get $at) (i32.const 1))) (i64.const 0x3fffff)))
        (local.set $value (i32.add (i32.const 32)
          (i32.and (i32.shr_u (local.get $sel) (i32.const 3)) (i32.const 16))))
        (block $step
          (block $create
            (block $static
              (block $delegate
                (block $code
                  (block $call
                    (br_table $call $code $delegate $static $create
                      (i32.rem_u (local.get $sel) (i32.const 5))))
                  (drop (call $call (local.get $gas) (i32.const 0) (local.get $value) (i32.const 0) (i32.const 0)))
                  (br $step))
                (drop (call $callCode (local.get $gas) (i32.const 0) (local.get $value) (i32.const 0) (i32.const 0)))
                (br $step))
              (drop (call $callDelegate (local.get $gas) (i32.const 0) (i32.const 0) (i32.const 0)))
              (br $step))
            (drop (call $callStatic (local.get $gas) (i32.const 0) (i32.const 0) (i32.const 0)))
            (br $step))
          (drop (call $create (local.get $value) (i32.const 0) (i32.const 0) (i32.const 64))))
        (drop (call $getGasLeft))
        (local.set $at (i32.add (local.get $at) (i32.const 9)))
        (br $next)))))"#;

/// [`CALLER`], assembled once (empty if it did not assemble).
fn caller() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(|| wat::parse_str(CALLER).unwrap_or_default())
}

/// A client whose answers come from a fixed list of bytes (read in a
/// cycle), and which records every call made to it.
struct FuzzHost {
    answers: Vec<u8>,
    at: usize,
    transcript: Vec<String>,
    /// The most gas the frame being run can have left: the gas it was
    /// given, less at least what each nested call cost it, plus what each
    /// gave back within the rules.
    budget: i128,
    /// Nested messages that asked for more gas than the frame could have.
    unsound: Vec<String>,
    /// The prices of the revision the frame runs at.
    schedule: &'static Schedule,
}

impl FuzzHost {
    fn new(answers: Vec<u8>, gas: i64, schedule: &'static Schedule) -> Self {
        let answers = if answers.is_empty() { vec![0] } else { answers };
        Self {
            schedule,
            answers,
            at: 0,
            transcript: Vec::new(),
            budget: i128::from(gas),
            unsound: Vec::new(),
        }
    }

    fn byte(&mut self) -> u8 {
        let byte = self.answers[self.at % self.answers.len()];
        self.at = self.at.wrapping_add(1);
        byte
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.byte())
    }

    fn word(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes())
    }

    fn note(&mut self, entry: String) {
        self.transcript.push(entry);
    }

    /// Takes from the budget the least a nested message costs its frame
    /// at its revision: the create price and the forwarded gas for a
    /// create; the (warm) call price and the forwarded gas for a call, plus
    /// the value transfer's price, whose message carries the stipend free.
    /// A message the budget cannot pay for is unsound.
    fn charge_for(&mut self, message: &Message) {
        let transfer =
            matches!(message.kind, CallKind::Call | CallKind::CallCode) && !message.value.is_zero();
        let least = match message.kind {
            CallKind::Create => self.schedule.create,
            _ if transfer => self.schedule.call + self.schedule.value_transfer,
            _ => self.schedule.call,
        };
        let stipend = if transfer {
            self.schedule.call_stipend
        } else {
            0
        };
        let cost = i128::from(least) + i128::from(message.gas) - i128::from(stipend);
        if message.gas < 0 || cost > self.budget {
            self.unsound.push(format!(
                "a {:?} message with gas {} (value {}) when the frame had at most {} left",
                message.kind, message.gas, message.value, self.budget
            ));
        }
        self.budget -= cost;
    }
}

impl EvmHost for FuzzHost {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.note(format!("exists {address:?}"));
        self.byte() & 1 == 1
    }

    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.note(format!("sload {address:?} {key:?}"));
        Bytes32(self.bytes())
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.note(format!("sstore {address:?} {key:?} {value:?}"));
        StorageStatus::from_evmc(i32::from(self.byte() % 9)).unwrap_or(StorageStatus::Assigned)
    }

    fn access_account(&mut self, address: &Address) -> AccessStatus {
        self.note(format!("access {address:?}"));
        if self.byte() & 1 == 1 {
            AccessStatus::Warm
        } else {
            AccessStatus::Cold
        }
    }

    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        self.note(format!("access {address:?} {key:?}"));
        if self.byte() & 1 == 1 {
            AccessStatus::Warm
        } else {
            AccessStatus::Cold
        }
    }

    fn get_balance(&mut self, address: &Address) -> U256 {
        self.note(format!("balance {address:?}"));
        U256::from_big_endian(&self.bytes::<32>())
    }

    fn get_code_size(&mut self, address: &Address) -> usize {
        self.note(format!("codesize {address:?}"));
        usize::from(u16::from_le_bytes(self.bytes()))
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        self.note(format!("codecopy {address:?} {offset} {}", buffer.len()));
        let n = usize::from(self.byte()).min(buffer.len());
        for slot in &mut buffer[..n] {
            *slot = self.byte();
        }
        n
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        self.note(format!("selfdestruct {address:?} {beneficiary:?}"));
        self.byte() & 1 == 1
    }

    fn call(&mut self, message: &Message) -> CallOutcome {
        self.note(format!("call {message:?}"));
        self.charge_for(message);
        let statuses = [
            Status::Success,
            Status::Revert,
            Status::Failure,
            Status::OutOfGas,
            Status::InternalError,
            Status::Rejected,
        ];
        let status = statuses[usize::from(self.byte()) % statuses.len()];
        // Sometimes an honest gas_left, sometimes any i64 at all, sometimes
        // a little more than the message was given (the stipend a delegate
        // call used to get, say).
        let word = self.word();
        let given = u64::try_from(message.gas).unwrap_or(0);
        let gas_left = match self.byte() % 4 {
            0 | 1 => i64::try_from(word % (given + 1)).unwrap_or(0),
            2 => word as i64,
            _ => message
                .gas
                .saturating_add(1 + i64::from(u16::from_le_bytes(self.bytes()) % 2_301)),
        };
        let len = usize::from(self.byte());
        let output = (0..len).map(|_| self.byte()).collect();
        let create_address = (message.kind == CallKind::Create).then(|| Address(self.bytes()));
        // What the rules let the callee give back: nothing on failure, and
        // never more than its message's gas.
        if status.keeps_gas() && (0..=message.gas).contains(&gas_left) {
            self.budget += i128::from(gas_left);
        }
        CallOutcome {
            status,
            gas_left,
            gas_refund: i64::from(self.byte()),
            output,
            create_address,
        }
    }

    fn get_tx_context(&mut self) -> TxContext {
        self.note("context".into());
        TxContext {
            gas_price: U256::from(self.word()),
            origin: Address(self.bytes()),
            coinbase: Address(self.bytes()),
            number: self.word() as i64,
            timestamp: self.word() as i64,
            gas_limit: self.word() as i64,
            difficulty: U256::from_big_endian(&self.bytes::<32>()),
            chain_id: U256::from(self.byte()),
        }
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        self.note(format!("blockhash {number}"));
        Bytes32(self.bytes())
    }

    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
        self.note(format!("log {address:?} {} {topics:?}", data.len()));
    }
}

/// One execution's observable end: status, gas left, refund, output, the
/// host calls made.
type Ending = (Status, i64, i64, Vec<u8>, Vec<String>);

/// Runs once and checks the gas invariants of that execution.
fn execute(
    executor: &Executor,
    revision: Revision,
    message: &Message,
    code: &[u8],
    answers: &[u8],
) -> Result<Ending, String> {
    let Some(schedule) = Schedule::of(revision) else {
        return Err(format!("no schedule for {revision}"));
    };
    let mut host = FuzzHost::new(answers.to_vec(), message.gas, schedule);
    let outcome = executor.execute(&mut host, revision, message, code);
    let (status, gas_left) = (outcome.status, outcome.gas_left);
    if gas_left < 0 {
        return Err(format!("{status:?} with negative gas left {gas_left}"));
    }
    // The message's gas is all this frame was given: a stipend, had it got
    // one, would be part of it.
    if gas_left > message.gas {
        return Err(format!(
            "{status:?} with {gas_left} gas left of {} given: gas used {}",
            message.gas,
            i128::from(message.gas) - i128::from(gas_left)
        ));
    }
    // Nor more than its calls' costs and their refunds leave.
    if i128::from(gas_left) > host.budget {
        return Err(format!(
            "{status:?} with {gas_left} gas left, more than the {} its calls leave",
            host.budget
        ));
    }
    if !matches!(status, Status::Success | Status::Revert) && gas_left != 0 {
        return Err(format!("{status:?} kept {gas_left} gas"));
    }
    if status != Status::Success && outcome.gas_refund != 0 {
        return Err(format!(
            "{status:?} reported a refund of {}",
            outcome.gas_refund
        ));
    }
    // Without the debug module nothing a contract or a host does is an
    // internal error: that is the executor's last check on a frame's gas
    // (gas left above the message's) or another bug.
    if status == Status::InternalError {
        return Err("InternalError: a bug in Iris (a frame's gas out of bounds?)".into());
    }
    if let Some(unsound) = host.unsound.first() {
        return Err(unsound.clone());
    }
    Ok((
        status,
        gas_left,
        outcome.gas_refund,
        outcome.output,
        host.transcript,
    ))
}

/// Runs `code` twice; the two runs must end alike.
fn run_twice(
    executor: &Executor,
    revision: Revision,
    message: &Message,
    code: &[u8],
    answers: &[u8],
) -> Result<(), String> {
    let first = execute(executor, revision, message, code, answers)?;
    let second = execute(executor, revision, message, code, answers)?;
    if first != second {
        return Err(format!(
            "a second run differed: {:?} then {:?}",
            (&first.0, first.1, first.2, first.4.len()),
            (&second.0, second.1, second.2, second.4.len())
        ));
    }
    Ok(())
}

/// The target: the caller contract with the input as call data, then a contract
/// from wasm-smith, each run twice against the same answers.
///
/// # Errors
///
/// A failure that kept gas, gas left negative or above the gas given, an
/// internal error, a nested message with more gas than the frame had, or a
/// second run that differed from the first.
pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
    let metering = u.arbitrary::<bool>().unwrap_or(false);
    let is_static = u.arbitrary::<bool>().unwrap_or(false);
    let create = u.arbitrary::<bool>().unwrap_or(false);
    let gas = i64::from(u.int_in_range(0..=5_000_000u32).unwrap_or(0));
    let depth = u.int_in_range(0..=1_024).unwrap_or(0);
    let value = U256::from(u.arbitrary::<u64>().unwrap_or(0));
    let len = u.int_in_range(0..=256usize).unwrap_or(0);
    let input = u.bytes(len).map(<[u8]>::to_vec).unwrap_or_default();
    let len = u.int_in_range(0..=512usize).unwrap_or(0);
    let answers = u.bytes(len).map(<[u8]>::to_vec).unwrap_or_default();
    let revision = u.choose(REVISIONS).copied().unwrap_or(Revision::Byzantium);
    let config = ExecConfig {
        metering,
        ..ExecConfig::default()
    };
    let executor = Executor::new(config).map_err(|e| format!("executor: {e}"))?;
    let message = Message {
        kind: if create {
            CallKind::Create
        } else {
            CallKind::Call
        },
        is_static,
        depth,
        gas,
        recipient: Address([0x11; 20]),
        sender: Address([0x22; 20]),
        input: input.into(),
        value,
        code_address: Address([0x11; 20]),
        delegated: false,
    };
    if caller().is_empty() {
        return Err("the CALLER contract does not assemble".into());
    }
    run_twice(&executor, revision, &message, caller(), &answers)?;
    let Ok(code) = contract(u) else {
        return Ok(());
    };
    // Without instruction metering a contract is trusted to charge itself,
    // as the Sentinel's injected metering does; the code gets that
    // injection, so that every run ends.
    let code = if metering {
        code
    } else {
        match ewasm_host::inject_metering(&code, &ewasm_host::InjectOptions::default()) {
            Ok(metered) => metered,
            Err(_) => return Ok(()),
        }
    };
    run_twice(&executor, revision, &message, &code, &answers)
}
