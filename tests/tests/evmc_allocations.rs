//! The heap allocations of a cached contract call through the C ABI:
//! `evmc_create_iris`'s VM linked in (the same code as `libiris.so`) and
//! driven by `evmc-client`, so that dhat's allocator sees every allocation
//! of the VM, of the client and of the in-memory host. The in-process
//! count is `test-support/tests/allocations.rs` (none); this one adds what
//! the EVMC boundary does per call.
//!
//! One test per binary, since dhat keeps one profile per process.

// The VM is made through its C create function (`LoadedVm::linked`).
#![allow(unsafe_code)]

use evmc_client::LoadedVm;
use ewasm_host::{Address, Revision, Status};
use test_support::memory_host::call_message;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const CONTRACT: Address = Address([0xc0; 20]);

/// The allocations a cached transfer may make through the C ABI: none.
/// The VM reads the call data the host lends in place (a borrowed
/// `ewasm_host::CallData`); copying it had been the one allocation per
/// call (`docs/decisions/0023-call-data-borrowed.md`).
const BOUND: u64 = 0;

#[test]
fn a_cached_wrc20_c_transfer_through_the_c_abi_allocates_nothing() {
    let _profiler = dhat::Profiler::builder().testing().build();
    // SAFETY: Iris's EVMC create function (the FFI boundary under test).
    let vm = unsafe { LoadedVm::linked(iris::ffi::vm::evmc_create_iris) }.expect("Iris linked in");
    // The ewasm WRC20 compiled from C (the `wrc20_C` benchmarking
    // vector's contract), its holder holding 1,000,000.
    let test_support::wrc20::CContract {
        code,
        holder,
        mut host,
        ..
    } = test_support::wrc20::c_contract_with_holder(CONTRACT, 1_000_000)
        .unwrap_or_else(|e| panic!("{e}"));
    let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    assert!(!transfer.is_empty());
    let message = call_message(holder, CONTRACT, transfer, 10_000_000);
    let mut call = || {
        host.next_message();
        let outcome = vm.execute(&mut host, Revision::Shanghai, &message, &code);
        assert_eq!(outcome.status, Status::Success, "{:?}", outcome.reason);
    };
    // The first compiles the contract; the second lets the host's maps
    // reach their size (a new slot's growth is the host's).
    call();
    call();
    const CALLS: u64 = 50;
    let before = dhat::HeapStats::get().total_blocks;
    for _ in 0..CALLS {
        call();
    }
    let allocations = dhat::HeapStats::get().total_blocks - before;
    println!("allocations in {CALLS} wrc20_C transfers through the C ABI: {allocations}");
    assert_eq!(
        allocations,
        BOUND * CALLS,
        "{CALLS} wrc20_C transfers through the C ABI allocate {allocations} times"
    );
}
