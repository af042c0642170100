//! An embedder of the executor whose host answers each nested call by
//! executing again on the same thread reaches the EVM's call depth limit
//! on a thread of 1 MiB: each execution that finds little of the stack
//! left runs on a segment of its own, so 1,024 levels of Wasm calling Wasm
//! end in a result rather than a stack overflow.

use ewasm_host::{Address, EvmHost, ExecConfig, Executor, Message, Revision, Status};
use test_support::memory_host::{call_message, MemoryHost};
use test_support::nesting_host::{NestingHost, SELF_CALL};

const CONTRACT: Address = Address([0xc0; 20]);

#[test]
fn wasm_calling_itself_to_the_depth_limit_on_a_1_mib_thread_returns() {
    let run = || {
        let executor = Executor::new(ExecConfig::default()).expect("executor");
        let code = wat::parse_str(SELF_CALL).expect("assembles");
        let nested = |host: &mut dyn EvmHost, message: &Message| {
            executor.execute(host, Revision::Byzantium, message, &code)
        };
        let state = MemoryHost::with_code(CONTRACT, code.clone());
        let mut host = NestingHost::new(state, &nested);
        let message = call_message(Address([0xca; 20]), CONTRACT, Vec::new(), 1 << 62);
        let outcome = executor.execute(&mut host, Revision::Byzantium, &message, &code);
        (outcome, host.deepest)
    };
    let (outcome, deepest) = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .expect("a thread")
        .join()
        .expect("the embedder's thread returns");
    assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    // Every level's call succeeded (0) but the deepest one's, refused at
    // the depth limit (1), so the outermost call saw its callee succeed.
    assert_eq!(outcome.output, 0i32.to_le_bytes());
    assert_eq!(deepest, 1024);
    assert!(outcome.gas_left > 0);
}
