//! Whatever the dispatch (`engine::DISPATCH`), running instructions and
//! making Wasm calls never grows the native stack: a long loop and a deep
//! call chain both finish on a thread with a small stack. Were the
//! tail-call dispatch's calls between handlers not turned into jumps, each
//! instruction run would take a native frame and these would overflow.

use engine::{Config, Engine, Linker, Module, Store, Val};

/// Stack of the threads below: far less than a frame per instruction run.
const SMALL_STACK: usize = 256 * 1024;

fn run_on_small_stack(wat: &'static str, config: Config, arg: i32) -> Vec<Val> {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let engine = Engine::new(&config);
            let module = Module::from_wat(&engine, wat).expect("module compiles");
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .expect("module instantiates");
            let func = instance.get_func(&store, "run").expect("exports run");
            let mut results = vec![Val::I64(0)];
            func.call(&mut store, &[Val::I32(arg)], &mut results)
                .expect("run returns");
            results
        })
        .expect("thread starts")
        .join()
        .expect("thread finishes")
}

#[test]
fn a_loop_of_millions_of_instructions_runs_in_a_small_stack() {
    // About 5 instructions per iteration: 10 million instructions.
    let wat = r#"(module (func (export "run") (param i32) (result i64)
        (local i64)
        (loop $l
            (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
            (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 1)))"#;
    let n = 2_000_000i64;
    let results = run_on_small_stack(wat, Config::default(), n as i32);
    assert_eq!(
        results,
        vec![Val::I64(n * (n + 1) / 2)],
        "{}",
        engine::DISPATCH
    );
}

#[test]
fn deep_wasm_recursion_runs_in_a_small_stack() {
    let wat = r#"(module (func $down (export "run") (param i32) (result i64)
        (if (result i64) (i32.eqz (local.get 0))
            (then (i64.const 0))
            (else (i64.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i64.const 2))))))"#;
    let mut config = Config::default();
    config.max_call_depth(100_000);
    let results = run_on_small_stack(wat, config, 90_000);
    assert_eq!(results, vec![Val::I64(180_000)], "{}", engine::DISPATCH);
}

#[test]
fn a_loop_of_memory_and_table_operations_runs_in_a_small_stack() {
    // Each iteration runs every handler of the rarer operations (growth by
    // nothing, fills and copies of nothing, sizes, gets and sets, drops):
    // a contract looping over them must not grow the native stack either.
    let wat = r#"(module
        (memory 1)
        (table 2 funcref)
        (data $d "x")
        (elem $e func $f)
        (func $f)
        (func (export "run") (param i32) (result i64)
        (loop $l
            (drop (memory.grow (i32.const 0)))
            (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
            (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
            (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
            (data.drop $d)
            (table.set (i32.const 0) (table.get (i32.const 1)))
            (drop (table.size))
            (drop (table.grow (ref.null func) (i32.const 0)))
            (table.fill (i32.const 0) (ref.null func) (i32.const 0))
            (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
            (table.init $e (i32.const 0) (i32.const 0) (i32.const 0))
            (elem.drop $e)
            (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (i64.extend_i32_u (memory.size))))"#;
    let results = run_on_small_stack(wat, Config::default(), 200_000);
    assert_eq!(results, vec![Val::I64(1)], "{}", engine::DISPATCH);
}

#[test]
fn a_metered_loop_of_calls_host_calls_and_indirect_calls_runs_in_a_small_stack() {
    // Each iteration charges fuel, calls a host function, a Wasm function
    // and the same through the table.
    let wat = r#"(module
        (import "host" "h" (func $h (param i32) (result i32)))
        (table 1 funcref)
        (elem (i32.const 0) $inc)
        (type $t (func (param i32) (result i32)))
        (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func (export "run") (param i32) (result i64)
        (local i64)
        (loop $l
            (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u
                (call_indirect (type $t) (call $inc (call $h (i32.const 0))) (i32.const 0)))))
            (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 1)))"#;
    let n = 200_000i64;
    let results = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let mut config = Config::default();
            config.consume_fuel(true);
            let engine = Engine::new(&config);
            let module = Module::from_wat(&engine, wat).expect("module compiles");
            let mut store = Store::new(&engine, ());
            store.set_fuel(u64::MAX / 2).expect("fuel");
            let mut linker = Linker::new(&engine);
            linker
                .func_wrap("host", "h", |_: engine::Caller<'_, ()>, x: i32| x)
                .expect("defines");
            let instance = linker
                .instantiate(&mut store, &module)
                .expect("module instantiates");
            let func = instance.get_func(&store, "run").expect("exports run");
            let mut results = vec![Val::I64(0)];
            func.call(&mut store, &[Val::I32(n as i32)], &mut results)
                .expect("run returns");
            results
        })
        .expect("thread starts")
        .join()
        .expect("thread finishes");
    assert_eq!(results, vec![Val::I64(2 * n)], "{}", engine::DISPATCH);
}

#[test]
fn a_profiled_metered_loop_runs_in_a_small_stack() {
    let wat = r#"(module (memory 1) (func (export "run") (param i32) (result i64)
        (local i64)
        (loop $l
            (drop (memory.grow (i32.const 0)))
            (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
            (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 1)))"#;
    let n = 200_000i64;
    let results = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let mut config = Config::default();
            config.consume_fuel(true).profile(true);
            let engine = Engine::new(&config);
            let module = Module::from_wat(&engine, wat).expect("module compiles");
            let mut store = Store::new(&engine, ());
            store.set_fuel(u64::MAX / 2).expect("fuel");
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .expect("module instantiates");
            let func = instance.get_func(&store, "run").expect("exports run");
            let mut results = vec![Val::I64(0)];
            func.call(&mut store, &[Val::I32(n as i32)], &mut results)
                .expect("run returns");
            results
        })
        .expect("thread starts")
        .join()
        .expect("thread finishes");
    assert_eq!(
        results,
        vec![Val::I64(n * (n + 1) / 2)],
        "{}",
        engine::DISPATCH
    );
}
