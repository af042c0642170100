//! One executor used from several threads at once. Each thread links the
//! EEI's bodies of its own (`EeiTable::import`: a shared body's reference
//! count was a cache line every thread wrote, twice per EEI call); every
//! thread's executions must give what the same executions give on one
//! thread, with and without the `debug` module, with and without a cache
//! (whose contracts keep instances between executions: the threads race
//! for each contract's one).

use std::sync::Arc;

use ewasm_host::{Address, ExecConfig, Executor, Outcome, Revision, Status};
use test_support::memory_host::{call_message, MemoryHost};
use test_support::wrc20;

const CONTRACT: Address = Address([0xc0; 20]);
const CALLER: Address = Address([0xaa; 20]);
const THREADS: usize = 4;

/// A contract calling a `debug` function between EEI calls: a body linked
/// at another index than its import's would not link (the types differ)
/// or would give another output or gas.
const WITH_DEBUG: &str = r#"(module
  (import "ethereum" "getCallDataSize" (func $size (result i32)))
  (import "debug" "print32" (func $print (param i32)))
  (import "ethereum" "useGas" (func $use (param i64)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $print (call $size))
    (call $use (i64.extend_i32_u (call $size)))
    (i32.store (i32.const 0) (call $size))
    (call $finish (i32.const 0) (i32.const 4))))"#;

/// The calls each run makes, in order, against one host: WRC20 transfers
/// and balance queries (the storage carried from one call to the next),
/// then the `debug` contract if the executor has the module.
fn calls(debug: bool) -> Vec<(Vec<u8>, Vec<u8>)> {
    let token = wrc20::code();
    let mut calls = Vec::new();
    for n in 1..=20u64 {
        calls.push((token.clone(), wrc20::transfer(&Address([0xbb; 20]), n)));
        calls.push((token.clone(), wrc20::balance_query(&CALLER)));
    }
    if debug {
        let code = wat::parse_str(WITH_DEBUG).expect("assembles");
        for len in [0, 7, 100] {
            calls.push((code.clone(), vec![1; len]));
        }
    }
    calls
}

/// The outcomes of `calls` on `executor`, each contract at `CONTRACT` of a
/// fresh in-memory host.
fn run(executor: &Executor, calls: &[(Vec<u8>, Vec<u8>)]) -> Vec<Outcome> {
    let mut host = MemoryHost::with_code(CONTRACT, Vec::new());
    calls
        .iter()
        .map(|(code, input)| {
            host.next_message();
            let message = call_message(CALLER, CONTRACT, input.clone(), 1_000_000);
            executor.execute(&mut host, Revision::Byzantium, &message, code)
        })
        .collect()
}

#[test]
fn threads_sharing_an_executor_get_the_outcomes_of_one_thread() {
    for (debug, cache_size) in [(false, 0), (true, 0), (false, 4), (true, 4)] {
        let executor = Arc::new(
            Executor::new(ExecConfig {
                debug,
                cache_size,
                ..ExecConfig::default()
            })
            .expect("executor"),
        );
        let calls = Arc::new(calls(debug));
        let expected = run(&executor, &calls);
        assert!(
            expected.iter().all(|o| o.status == Status::Success),
            "debug {debug}: {expected:?}"
        );
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let (executor, calls) = (Arc::clone(&executor), Arc::clone(&calls));
                std::thread::spawn(move || run(&executor, &calls))
            })
            .collect();
        for thread in threads {
            let got = thread.join().expect("the thread ran");
            assert_eq!(got, expected, "debug {debug}, cache {cache_size}");
        }
    }
}
