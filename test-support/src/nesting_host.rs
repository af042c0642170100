//! [`NestingHost`]: the in-memory host, answering each nested call by
//! running the callee again on the same thread, as an EVMC client's call
//! stack does: the host of the call-depth tests.

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Message, Outcome, StorageStatus,
    TxContext, U256,
};

use crate::memory_host::MemoryHost;

/// Runs a nested call's message against the host: through `libiris.so`,
/// or an executor in process.
pub type RunNested<'r> = &'r dyn Fn(&mut dyn EvmHost, &Message) -> Outcome;

/// A [`MemoryHost`] whose `call` runs the message with `run`, on this
/// thread, and notes the deepest call.
pub struct NestingHost<'r> {
    /// Storage, balances and code.
    pub state: MemoryHost,
    run: RunNested<'r>,
    /// The depth of the deepest call message seen.
    pub deepest: i32,
}

impl<'r> NestingHost<'r> {
    /// `state`, its nested calls run by `run`.
    pub fn new(state: MemoryHost, run: RunNested<'r>) -> Self {
        Self {
            state,
            run,
            deepest: 0,
        }
    }
}

impl EvmHost for NestingHost<'_> {
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
        let run = self.run;
        let outcome = run(self, message);
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

/// A contract that calls itself with all the gas it may forward (EIP-150
/// keeps one 64th at each level), then finishes with `call`'s result (4
/// bytes: 0 if its callee succeeded).
pub const SELF_CALL: &str = r#"(module
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
