//! The Ewasm host with a hostile client: generated contracts (they import
//! any EEI functions and export `main` and `memory`) run against a host
//! whose every answer (storage, balances, code, nested call results, block
//! context) comes from the fuzz input, including answers no honest client
//! gives. Iris must not panic, must report failures with no gas left, and
//! must give the same outcome and make the same host calls when run again.

use std::any::Any;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use engine::{Engine, Linker, ValType};
use ewasm_host::{
    Address, Bytes32, CallKind, CallOutcome, EeiCtx, EvmHost, ExecConfig, Executor, Message,
    Status, TxContext, U256,
};

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
        let mut linker = Linker::<EeiCtx>::new(&engine);
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

/// A client whose answers come from a fixed list of bytes (read in a
/// cycle), and which records every call made to it.
struct FuzzHost {
    answers: Vec<u8>,
    at: usize,
    transcript: Vec<String>,
}

impl FuzzHost {
    fn new(answers: Vec<u8>) -> Self {
        let answers = if answers.is_empty() { vec![0] } else { answers };
        Self {
            answers,
            at: 0,
            transcript: Vec::new(),
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

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        self.note(format!("sstore {address:?} {key:?} {value:?}"));
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

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) {
        self.note(format!("selfdestruct {address:?} {beneficiary:?}"));
    }

    fn call(&mut self, message: &Message) -> CallOutcome {
        self.note(format!("call {message:?}"));
        let statuses = [
            Status::Success,
            Status::Revert,
            Status::Failure,
            Status::OutOfGas,
            Status::InternalError,
            Status::Rejected,
        ];
        let status = statuses[usize::from(self.byte()) % statuses.len()];
        // Sometimes an honest gas_left, sometimes any i64 at all.
        let word = self.word();
        let gas_left = if self.byte() & 1 == 0 {
            (word % (message.gas.max(0) as u64 + 1)) as i64
        } else {
            word as i64
        };
        let len = usize::from(self.byte());
        let output = (0..len).map(|_| self.byte()).collect();
        let create_address = (message.kind == CallKind::Create).then(|| Address(self.bytes()));
        CallOutcome {
            status,
            gas_left,
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

/// One execution's observable end.
type Ending = (Status, i64, Vec<u8>, Vec<String>);

fn execute(executor: &Executor, message: &Message, code: &[u8], answers: &[u8]) -> Ending {
    let host: Box<dyn EvmHost> = Box::new(FuzzHost::new(answers.to_vec()));
    let (outcome, host) = executor.execute(host, message, code);
    let host: Box<dyn Any> = host;
    let transcript = host
        .downcast::<FuzzHost>()
        .map(|h| h.transcript)
        .unwrap_or_default();
    (outcome.status, outcome.gas_left, outcome.output, transcript)
}

/// The target.
///
/// # Errors
///
/// A failure that kept gas, negative gas left, or a second run that
/// differed from the first.
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
        input,
        value,
        code_address: Address([0x11; 20]),
    };
    let first = execute(&executor, &message, &code, &answers);
    let (status, gas_left, _, _) = &first;
    if *gas_left < 0 {
        return Err(format!("{status:?} with negative gas left {gas_left}"));
    }
    if !matches!(status, Status::Success | Status::Revert) && *gas_left != 0 {
        return Err(format!("{status:?} kept {gas_left} gas"));
    }
    let second = execute(&executor, &message, &code, &answers);
    if first != second {
        return Err(format!(
            "a second run differed: {:?} then {:?}",
            (&first.0, first.1, first.3.len()),
            (&second.0, second.1, second.3.len())
        ));
    }
    Ok(())
}
