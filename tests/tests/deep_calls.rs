//! A client whose host answers each nested call by executing the VM again
//! on its own thread (as an EVMC client's call stack does) reaches the
//! EVM's call depth limit through `libiris.so` on a thread of 1 MiB: Iris
//! keeps its share of the native stack off the client's, so 1,024 levels of
//! Wasm calling Wasm end in a result rather than a stack overflow that
//! kills the client's process.

use ewasm_host::{Address, EvmHost, Message, Revision, Status};
use test_support::memory_host::{call_message, MemoryHost};
use test_support::nesting_host::{NestingHost, SELF_CALL};
use tests::load;

const CONTRACT: Address = Address([0xc0; 20]);

#[test]
fn wasm_calling_itself_to_the_depth_limit_on_a_1_mib_thread_returns() {
    let run = || {
        let vm = load();
        let code = wat::parse_str(SELF_CALL).expect("assembles");
        let nested = |host: &mut dyn EvmHost, message: &Message| {
            vm.execute(host, Revision::Byzantium, message, &code)
        };
        let state = MemoryHost::with_code(CONTRACT, code.clone());
        let mut host = NestingHost::new(state, &nested);
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
