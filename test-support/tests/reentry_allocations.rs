//! A host function calling back into Wasm allocates nothing once warm:
//! the call back runs on a value stack of its own (the caller's run holds
//! the store's), which is kept for the next one. It used to be freed and
//! allocated afresh each time: half a megabyte that glibc, once it serves
//! such sizes from the heap, clears whole (9.4-9.8 µs per call with one
//! call back, against 0.15 µs kept and wasmi's 0.17; decision 0016).
//!
//! dhat's allocator counts every allocation of this test binary; one test
//! per binary, since dhat keeps one profile per process.

use engine::{Caller, Config, Engine, Linker, Module, Store, Trap, TrapCode, TypedFunc};

/// The export the host function calls back.
type Leaf = TypedFunc<i32, i32>;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[test]
fn a_host_function_calling_back_into_wasm_allocates_nothing_once_warm() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let engine = Engine::new(&Config::default());
    // `outer(n)` calls the host, which calls `leaf(n)` back: n + 1.
    let wasm = wat::parse_str(
        r#"(module
          (import "env" "back" (func $back (param i32) (result i32)))
          (func (export "leaf") (param i32) (result i32)
            (i32.add (local.get 0) (i32.const 1)))
          (func (export "outer") (param i32) (result i32)
            (call $back (local.get 0))))"#,
    )
    .expect("assembles");
    let module = Module::new(&engine, &wasm).expect("valid");
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "back",
            |mut caller: Caller<'_, Option<Leaf>>, n: i32| -> Result<i32, Trap> {
                let leaf = (*caller.data()).ok_or(TrapCode::Internal)?;
                leaf.call(caller.store(), n)
                    .map_err(|_| Trap::from(TrapCode::Internal))
            },
        )
        .expect("defines");
    // The host function finds `leaf` in the store's data.
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let leaf = instance
        .get_func(&store, "leaf")
        .expect("exported")
        .typed::<i32, i32>(&store)
        .expect("typed");
    *store.data_mut() = Some(leaf);
    let outer = instance
        .get_func(&store, "outer")
        .expect("exported")
        .typed::<i32, i32>(&store)
        .expect("typed");
    let mut call = |n: i32| {
        assert_eq!(outer.call(&mut store, n).expect("runs"), n + 1);
    };
    call(0);
    call(1);
    let before = dhat::HeapStats::get().total_blocks;
    const CALLS: i32 = 100;
    for n in 0..CALLS {
        call(n);
    }
    let allocations = dhat::HeapStats::get().total_blocks - before;
    assert_eq!(
        allocations, 0,
        "{CALLS} calls, each with one call back into Wasm, allocate {allocations} times"
    );
}
