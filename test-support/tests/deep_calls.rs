//! An embedder of the executor whose host answers each nested call by
//! executing again on the same thread reaches the EVM's call depth limit
//! on a thread of 1 MiB: each execution that finds little of the stack
//! left runs on a segment of its own, so 1,024 levels of Wasm calling Wasm
//! end in a result rather than a stack overflow.

use ewasm_host::{ExecConfig, Executor, Revision};
use test_support::nesting_host::{
    assert_self_call_reached_the_depth_limit, self_call_on_a_small_thread,
};

#[test]
fn wasm_calling_itself_to_the_depth_limit_on_a_1_mib_thread_returns() {
    let (outcome, deepest) = self_call_on_a_small_thread(|| {
        let executor = Executor::new(ExecConfig::default()).expect("executor");
        move |host, message, code| executor.execute(host, Revision::Byzantium, message, code)
    });
    assert_self_call_reached_the_depth_limit(&outcome, deepest);
}
