//! A client whose host answers each nested call by executing the VM again
//! on its own thread (as an EVMC client's call stack does) reaches the
//! EVM's call depth limit through `libiris.so` on a thread of 1 MiB: Iris
//! keeps its share of the native stack off the client's, so 1,024 levels of
//! Wasm calling Wasm end in a result rather than a stack overflow that
//! kills the client's process.

use ewasm_host::Revision;
use test_support::nesting_host::{
    assert_self_call_reached_the_depth_limit, self_call_on_a_small_thread,
};
use tests::load;

#[test]
fn wasm_calling_itself_to_the_depth_limit_on_a_1_mib_thread_returns() {
    let (outcome, deepest) = self_call_on_a_small_thread(|| {
        let vm = load();
        move |host, message, code| vm.execute(host, Revision::Byzantium, message, code)
    });
    assert_self_call_reached_the_depth_limit(&outcome, deepest);
}
