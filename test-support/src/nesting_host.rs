//! [`NestingHost`]: the in-memory host, answering each nested call by
//! running the callee again on the same thread, as an EVMC client's call
//! stack does: the host of the call-depth tests.

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Message, Outcome, Status, StorageStatus,
    TxContext, U256,
};

use crate::memory_host::{call_message, MemoryHost};

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

/// Runs [`SELF_CALL`] at Byzantium with nearly all the gas there is, on a
/// thread of 1 MiB (as a client's or an embedder's may be): `make`, called
/// on that thread, gives the execution (through `libiris.so` or an
/// executor in process), used for the outermost call and every nested
/// one. Gives the outermost outcome and the depth of the deepest call.
///
/// # Panics
///
/// If the contract does not assemble or the thread cannot be spawned (a
/// stack overflow aborts the process instead).
pub fn self_call_on_a_small_thread<F, E>(make: F) -> (Outcome, i32)
where
    F: FnOnce() -> E + Send + 'static,
    E: Fn(&mut dyn EvmHost, &Message, &[u8]) -> Outcome,
{
    const CONTRACT: Address = Address([0xc0; 20]);
    let run = move || {
        let execute = make();
        let code = wat::parse_str(SELF_CALL).expect("assembles");
        let nested = |host: &mut dyn EvmHost, message: &Message| execute(host, message, &code);
        let state = MemoryHost::with_code(CONTRACT, code.clone());
        let mut host = NestingHost::new(state, &nested);
        let message = call_message(Address([0xca; 20]), CONTRACT, Vec::new(), 1 << 62);
        let outcome = execute(&mut host, &message, &code);
        (outcome, host.deepest)
    };
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .expect("a thread")
        .join()
        .expect("the thread returns")
}

/// Asserts that [`self_call_on_a_small_thread`] reached the EVM's depth
/// limit: the outermost call succeeded, and so did its callee (`call`
/// gave 0), every level's but the deepest's, refused at depth 1,024.
///
/// # Panics
///
/// If it did not.
pub fn assert_self_call_reached_the_depth_limit(outcome: &Outcome, deepest: i32) {
    assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    assert_eq!(outcome.output, 0i32.to_le_bytes());
    assert_eq!(deepest, 1024);
    assert!(outcome.gas_left > 0);
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
