//! Memories are reused across stores (the engine keeps a few), cleared of
//! everything the last store wrote: by stores of every width, a store
//! across a page edge, the bulk operations, data segments, growth and the
//! host. A byte left over would hand one execution's data to the next.

use engine::{Caller, Engine, Linker, Memory, Module, Store, Val};

/// Writes its memory every way Wasm can, with the value `v`.
const WRITER: &str = r#"
    (module
      (import "env" "host_write" (func $host_write (param i32)))
      (memory (export "memory") 2 8)
      (data (i32.const 70000) "active data")
      (data $passive "passive data")
      (func (export "write") (param $v i64)
        (i32.store8 (i32.const 1) (i32.wrap_i64 (local.get $v)))
        (i32.store16 (i32.const 5000) (i32.wrap_i64 (local.get $v)))
        (i32.store (i32.const 9000) (i32.wrap_i64 (local.get $v)))
        (i64.store (i32.const 13000) (local.get $v))
        ;; Starts 3 bytes before the end of a 4 KiB page and ends in the
        ;; next, which nothing else writes.
        (i64.store (i32.const 16381) (local.get $v))
        (f32.store (i32.const 21000) (f32.const 1.5))
        (f64.store (i32.const 24000) (f64.const 2.5))
        (i64.store32 (i32.const 28000) (local.get $v))
        (i64.store offset=4 (i32.const 32000) (local.get $v))
        (memory.fill (i32.const 40000) (i32.wrap_i64 (local.get $v)) (i32.const 5000))
        (memory.copy (i32.const 50000) (i32.const 70000) (i32.const 11))
        (memory.init $passive (i32.const 60000) (i32.const 0) (i32.const 12))
        (drop (memory.grow (i32.const 1)))
        (i64.store (i32.const 131080) (local.get $v))
        (i64.store (i32.const 196600) (local.get $v))
        (call $host_write (i32.const 100000))))
"#;

/// Runs `write` in a store of its own, checking the memory was all zero
/// but for the active data segment first; gives the memory's base address.
fn run_writer(engine: &Engine, module: &Module, value: i64) -> usize {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "host_write",
            |mut caller: Caller<'_, ()>, at: i32| {
                caller
                    .write(at as u32, b"from the host")
                    .expect("in bounds");
            },
        )
        .expect("defines");
    let mut store = Store::new(engine, ());
    let instance = linker.instantiate(&mut store, module).expect("links");
    let memory = instance.get_memory(&store, "memory").expect("exported");
    let bytes = memory.data(&store);
    assert_eq!(
        bytes.len(),
        2 * 65_536,
        "a fresh memory has its initial size"
    );
    let nonzero: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] != 0).collect();
    assert_eq!(
        nonzero,
        (70_000..70_011).collect::<Vec<_>>(),
        "only the active segment is set"
    );
    let base = bytes.as_ptr() as usize;
    let write = instance.get_func(&store, "write").expect("exported");
    write
        .call(&mut store, &[Val::I64(value)], &mut [])
        .expect("writes");
    let bytes = memory.data(&store);
    assert_eq!(&bytes[100_000..100_013], b"from the host");
    assert_eq!(bytes[16_381..16_389], value.to_le_bytes());
    base
}

#[test]
fn a_reused_memory_is_cleared_of_every_write() {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, WRITER).expect("valid");
    let first = run_writer(&engine, &module, -1);
    assert_eq!(engine.pooled_memories_zeroed(), (1, true));
    // The pooled memory is the next store's (same base), and it starts
    // zeroed: `run_writer` checks.
    let second = run_writer(&engine, &module, 0x0102_0304_0506_0708);
    assert_eq!(first, second, "the memory was reused");
    assert_eq!(engine.pooled_memories_zeroed(), (1, true));
}

#[test]
fn a_memory_written_through_the_whole_slice_is_cleared() {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, r#"(module (memory (export "m") 3))"#).expect("valid");
    for round in 0..3u8 {
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("links");
        let memory: Memory = instance.get_memory(&store, "m").expect("exported");
        assert!(memory.data(&store).iter().all(|&b| b == 0), "round {round}");
        memory.data_mut(&mut store).fill(round + 1);
    }
    assert_eq!(engine.pooled_memories_zeroed(), (1, true));
}

#[test]
fn concurrent_stores_each_get_a_memory_of_their_own() {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, WRITER).expect("valid");
    // Fill the pool, then hold more stores at once than it keeps.
    for value in 0..3 {
        run_writer(&engine, &module, value);
    }
    let held: Vec<(Store<()>, Memory)> = (0..12u8)
        .map(|i| {
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(
                    &mut store,
                    &Module::from_wat(&engine, r#"(module (memory (export "m") 1))"#)
                        .expect("valid"),
                )
                .expect("links");
            let memory = instance.get_memory(&store, "m").expect("exported");
            memory.data_mut(&mut store)[7] = i;
            (store, memory)
        })
        .collect();
    for (i, (store, memory)) in held.iter().enumerate() {
        assert_eq!(memory.data(store)[7], i as u8, "store {i} kept its byte");
    }
    drop(held);
    let (pooled, zeroed) = engine.pooled_memories_zeroed();
    assert!(pooled <= 8, "the pool is bounded: {pooled}");
    assert!(zeroed);
}
