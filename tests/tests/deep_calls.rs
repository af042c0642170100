//! A client whose host answers each nested call by executing the VM again
//! on its own thread (as an EVMC client's call stack does) reaches the
//! EVM's call depth limit through `libiris.so` on a thread of 1 MiB: Iris
//! keeps its share of the native stack off the client's, so 1,024 levels of
//! Wasm calling Wasm end in a result rather than a stack overflow that
//! kills the client's process.

use evmc_client::LoadedVm;
use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Message, Revision, Status, StorageStatus,
    TxContext, U256,
};
use test_support::memory_host::{call_message, MemoryHost};
use tests::load;

const CONTRACT: Address = Address([0xc0; 20]);

/// Calls itself with all the gas it may forward (EIP-150 keeps one 64th
/// at each level), then finishes with `call`'s result.
const SELF_CALL: &str = r#"(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $getAddress (i32.const 0))
    (i32.store (i32.const 64)
      (call $call (i64.const 0x7fffffffffffffff) (i32.const 0) (i32.const 32)
        (i32.const 0) (i32.const 0)))
    (call $finish (i32.const 64) (i32.const 4))))"#;

/// The in-memory host, answering each call by running the callee's code
/// through `vm` at the same revision, on the same thread.
struct Reentrant<'v> {
    vm: &'v LoadedVm,
    state: MemoryHost,
    code: Vec<u8>,
    /// The deepest call message seen.
    deepest: i32,
}

impl EvmHost for Reentrant<'_> {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.state.account_exists(address)
    }

    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.state.get_storage(address, key)
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.state.set_storage(address, key, value)
    }

    fn get_balance(&mut self, address: &Address) -> U256 {
        self.state.get_balance(address)
    }

    fn get_code_size(&mut self, address: &Address) -> usize {
        self.state.get_code_size(address)
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        self.state.copy_code(address, offset, buffer)
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        self.state.selfdestruct(address, beneficiary)
    }

    fn access_account(&mut self, address: &Address) -> AccessStatus {
        self.state.access_account(address)
    }

    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        self.state.access_storage(address, key)
    }

    fn call(&mut self, message: &Message) -> CallOutcome {
        self.deepest = self.deepest.max(message.depth);
        let code = self.code.clone();
        let vm = self.vm;
        let outcome = vm.execute(self, Revision::Byzantium, message, &code);
        CallOutcome {
            status: outcome.status,
            gas_left: outcome.gas_left,
            gas_refund: outcome.gas_refund,
            output: outcome.output.into(),
            create_address: None,
        }
    }

    fn get_tx_context(&mut self) -> TxContext {
        self.state.get_tx_context()
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        self.state.get_block_hash(number)
    }

    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
        self.state.emit_log(address, data, topics);
    }
}

#[test]
fn wasm_calling_itself_to_the_depth_limit_on_a_1_mib_thread_returns() {
    let run = || {
        let vm = load();
        let code = wat::parse_str(SELF_CALL).expect("assembles");
        let mut host = Reentrant {
            vm: &vm,
            state: MemoryHost::with_code(CONTRACT, code.clone()),
            code: code.clone(),
            deepest: 0,
        };
        let message = call_message(Address([0xca; 20]), CONTRACT, Vec::new(), 1 << 62);
        let outcome = vm.execute(&mut host, Revision::Byzantium, &message, &code);
        (outcome, host.deepest)
    };
    let (outcome, deepest) = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .expect("a thread")
        .join()
        .expect("the client's thread returns");
    assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    // Every level's call succeeded (0) but the deepest one's, refused at
    // the depth limit (1), so the outermost call saw its callee succeed.
    assert_eq!(outcome.output, 0i32.to_le_bytes());
    assert_eq!(deepest, 1024);
    assert!(outcome.gas_left > 0);
}
