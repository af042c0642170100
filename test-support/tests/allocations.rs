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

/// The allocations a cached balance query of the WRC20 sample may make,
/// at Osaka on the in-memory host: one, its output (the 8 bytes handed to
/// the caller, who owns them); a transfer makes none. Stores reuse a
/// dropped store's vectors and its host functions' vector, the EEI copies
/// no call data, message, log topics or log data, `finish` halts with a
/// constant and the executor takes the trap as it is. Before: 4 for both
/// (decision 0012), 22 for a balance query and 23 for a transfer before
/// that, 26 and 27 before memories were reused; a linker built per call
/// about doubled such counts.
const BALANCE_BOUND: u64 = 1;

/// Allocations made by `calls` calls of `input`, after two that compile
/// the contract (and mint the caller's balance) and let the in-memory
/// host's own maps reach their size (a new slot's growth is the host's,
/// not the engine's).
fn allocations(executor: &Executor, code: &[u8], input: Vec<u8>, calls: u64) -> u64 {
    let host = MemoryHost::with_code(CONTRACT, code.to_vec());
    allocations_in(executor, host, CALLER, code, input, calls)
}

/// [`allocations`] with `sender` calling, over `host`.
fn allocations_in(
    executor: &Executor,
    mut host: MemoryHost,
    sender: Address,
    code: &[u8],
    input: Vec<u8>,
    calls: u64,
) -> u64 {
    let message = call_message(sender, CONTRACT, input, 10_000_000);
    let call = |host: &mut MemoryHost| {
        host.next_message();
        let outcome = executor.execute(host, Revision::Osaka, &message, code);
        assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    };
    call(&mut host);
    call(&mut host);
    let before = dhat::HeapStats::get().total_blocks;
    for _ in 0..calls {
        call(&mut host);
    }
    dhat::HeapStats::get().total_blocks - before
}

#[test]
fn a_cached_transfer_allocates_nothing_and_a_balance_query_only_its_output() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let code = test_support::wrc20::code();
    let executor = Executor::new(ExecConfig {
        cache_size: 16,
        ..ExecConfig::default()
    })
    .expect("executor");
    let balance = test_support::wrc20::balance_query(&CALLER);
    let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    // Every call counted: a bound of 0 allows none in any call.
    const CALLS: u64 = 50;
    let balance = allocations(&executor, &code, balance, CALLS);
    let transfer = allocations(&executor, &code, transfer, CALLS);
    println!("allocations in {CALLS} calls: balance {balance}, transfer {transfer}");
    assert!(
        balance <= BALANCE_BOUND * CALLS,
        "{CALLS} balance queries allocate {balance} times (bound {BALANCE_BOUND} each)"
    );
    assert_eq!(
        transfer, 0,
        "{CALLS} transfers allocate {transfer} times (none allowed)"
    );

    // The ewasm WRC20 compiled from C (the `wrc20_C` benchmarking
    // vector's contract): a table, as every contract from C or Rust has,
    // and globals. Its table was allocated in each call before the store
    // kept tables' vectors.
    let test_support::wrc20::CContract {
        code, holder, host, ..
    } = test_support::wrc20::c_contract_with_holder(CONTRACT, 1_000_000)
        .unwrap_or_else(|e| panic!("{e}"));
    let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    let c_transfer = allocations_in(&executor, host, holder, &code, transfer, CALLS);
    println!("allocations in {CALLS} wrc20_C transfers: {c_transfer}");
    assert_eq!(
        c_transfer, 0,
        "{CALLS} wrc20_C transfers allocate {c_transfer} times (none allowed)"
    );
}
