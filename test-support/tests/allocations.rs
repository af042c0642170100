//! The heap allocations of a cached contract call: a bound that catches
//! fixed costs creeping back (a linker built per call made 66 allocations
//! per `wrc20_C` call, 33 without; `docs/decisions/0009-fixed-cost-per-call.md`).
//!
//! dhat's allocator counts every allocation of this test binary; one test
//! per binary, since dhat keeps one profile per process.

use ewasm_host::{Address, ExecConfig, Executor, Revision, Status};
use test_support::memory_host::{call_message, MemoryHost};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const CONTRACT: Address = Address([0xc0; 20]);
const CALLER: Address = Address([0xca; 20]);

/// The most allocations a cached call of the WRC20 sample may make, at
/// Osaka on the in-memory host: 4, since stores reuse a dropped store's
/// vectors and the EEI copies no call data, message or log topics (22 for
/// a balance query and 23 for a transfer before; 26 and 27 before memories
/// were reused; a linker built per call about doubled such counts). The
/// four: the store's host functions (typed over the host's borrow, so not
/// pooled), the output (or a transfer's log data), the `finish` that ends
/// the run and the error carrying it out of `Func::call`.
const BALANCE_BOUND: u64 = 4;
const TRANSFER_BOUND: u64 = 4;

/// Allocations per call of `calls` calls of `input`, after a first call
/// that compiles the contract (and mints the caller's balance).
fn allocations_per_call(executor: &Executor, code: &[u8], input: Vec<u8>, calls: u64) -> u64 {
    let mut host = MemoryHost::with_code(CONTRACT, code.to_vec());
    let message = call_message(CALLER, CONTRACT, input, 10_000_000);
    let call = |host: &mut MemoryHost| {
        host.next_message();
        let outcome = executor.execute(host, Revision::Osaka, &message, code);
        assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    };
    call(&mut host);
    let before = dhat::HeapStats::get().total_blocks;
    for _ in 0..calls {
        call(&mut host);
    }
    let after = dhat::HeapStats::get().total_blocks;
    (after - before) / calls
}

#[test]
fn a_cached_call_allocates_a_bounded_few_times() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let code = test_support::wrc20::code();
    let executor = Executor::new(ExecConfig {
        cache_size: 16,
        ..ExecConfig::default()
    })
    .expect("executor");
    let balance = test_support::wrc20::balance_query(&CALLER);
    let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    let per_balance = allocations_per_call(&executor, &code, balance, 50);
    let per_transfer = allocations_per_call(&executor, &code, transfer, 50);
    println!("allocations per call: balance {per_balance}, transfer {per_transfer}");
    assert!(
        per_balance <= BALANCE_BOUND,
        "a balance query allocates {per_balance} times (bound {BALANCE_BOUND})"
    );
    assert!(
        per_transfer <= TRANSFER_BOUND,
        "a transfer allocates {per_transfer} times (bound {TRANSFER_BOUND})"
    );
}
