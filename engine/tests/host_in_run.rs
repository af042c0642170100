//! Host functions are called without leaving the interpreter's run: what a
//! host function does to the store through its `Caller` (fuel, memory
//! growth, instantiating into the store, calling back into Wasm) is seen
//! by the Wasm code that called it, as it was when the run stopped for
//! every host call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use engine::{Caller, Config, Engine, Linker, Module, Store, Trap, TrapCode, Val};

/// A store and the instance of `wat`, linked to the host functions
/// `define` adds to the linker, with `fuel` when given.
fn instance(
    config: &Config,
    wat: &str,
    define: impl FnOnce(&mut Linker<()>),
    fuel: Option<u64>,
) -> (Store<()>, engine::Instance) {
    let engine = Engine::new(config);
    let module = Module::from_wat(&engine, wat).expect("valid");
    let mut linker = Linker::new(&engine);
    define(&mut linker);
    let mut store = Store::new(&engine, ());
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).expect("metered");
    }
    let instance = linker.instantiate(&mut store, &module).expect("links");
    (store, instance)
}

fn call(store: &mut Store<()>, instance: engine::Instance, name: &str, args: &[Val]) -> Val {
    let func = instance.get_func(store, name).expect("exported");
    let mut results = [Val::I32(0)];
    func.call(store, args, &mut results).expect("runs");
    let [result] = results;
    result
}

/// The code of the trap that calling `name` with `args` ends with.
fn trap_code(
    store: &mut Store<()>,
    instance: engine::Instance,
    name: &str,
    args: &[Val],
) -> Option<TrapCode> {
    let func = instance.get_func(store, name).expect("exported");
    let mut results = [Val::I32(0)];
    let error = func
        .call(store, args, &mut results)
        .expect_err("the call traps");
    error.as_trap().and_then(Trap::code)
}

/// Defines `env.burn(n)`, which consumes `n` fuel.
fn define_burn(linker: &mut Linker<()>) {
    linker
        .func_wrap("env", "burn", |mut caller: Caller<'_, ()>, n: i32| {
            caller.consume_fuel(n as u64)
        })
        .expect("defines");
}

#[test]
fn fuel_a_host_function_consumes_is_gone_when_the_caller_goes_on() {
    let wat = r#"
        (module
          (import "env" "burn" (func $burn (param i32)))
          (func (export "run") (param i32) (result i32)
            (call $burn (local.get 0))
            (i32.add (local.get 0) (i32.const 1))))"#;
    let mut config = Config::default();
    config.consume_fuel(true);
    let left_after = |amount: i32| {
        let (mut store, instance) = instance(&config, wat, define_burn, Some(10_000));
        let result = call(&mut store, instance, "run", &[Val::I32(amount)]);
        assert_eq!(result, Val::I32(amount + 1));
        store.get_fuel().expect("metered")
    };
    assert_eq!(left_after(0) - left_after(1_000), 1_000);
    // Fuel the host function could not pay stops the caller there.
    let (mut store, instance) = instance(&config, wat, define_burn, Some(10_000));
    assert_eq!(
        trap_code(&mut store, instance, "run", &[Val::I32(20_000)]),
        Some(TrapCode::OutOfFuel)
    );
}

#[test]
fn a_host_function_sees_the_fuel_its_caller_left() {
    // One metering block, charged on entry: the host function sees the
    // fuel left after it, which is also what is left at the end.
    let wat = r#"
        (module
          (import "env" "fuel" (func $fuel (result i64)))
          (func (export "seen") (result i64) (call $fuel)))"#;
    let mut config = Config::default();
    config.consume_fuel(true);
    let define = |linker: &mut Linker<()>| {
        linker
            .func_wrap("env", "fuel", |caller: Caller<'_, ()>| caller.fuel() as i64)
            .expect("defines");
    };
    let (mut store, instance) = instance(&config, wat, define, Some(10_000));
    let seen = call(&mut store, instance, "seen", &[]);
    let left = store.get_fuel().expect("metered");
    assert!(left < 10_000, "the block was charged");
    assert_eq!(seen, Val::I64(left as i64));
}

#[test]
fn memory_a_host_function_grows_is_usable_by_its_caller() {
    let wat = r#"
        (module
          (import "env" "grow" (func $grow (param i32)))
          (memory (export "memory") 1)
          (func (export "run") (result i32)
            (call $grow (i32.const 3))
            ;; The fourth page exists now: store and load at its end.
            (i32.store (i32.const 262140) (i32.const 0x5eed))
            (i32.add (memory.size) (i32.load (i32.const 262140)))))"#;
    let define = |linker: &mut Linker<()>| {
        linker
            .func_wrap("env", "grow", |mut caller: Caller<'_, ()>, pages: i32| {
                let memory = caller
                    .get_export("memory")
                    .and_then(engine::Extern::into_memory)
                    .expect("the caller's memory");
                memory
                    .grow(caller.store(), pages as u32)
                    .expect("room to grow");
            })
            .expect("defines");
    };
    let (mut store, instance) = instance(&Config::default(), wat, define, None);
    assert_eq!(call(&mut store, instance, "run", &[]), Val::I32(4 + 0x5eed));
}

#[test]
fn instances_a_host_function_adds_to_the_store_leave_its_caller_intact() {
    // Each call adds 64 instances, each with a memory, a global, a table
    // and functions: the store's vectors grow and move while the caller is
    // suspended in the host function.
    let wat = r#"
        (module
          (import "env" "crowd" (func $crowd))
          (memory 1)
          (global $g (mut i32) (i32.const 7))
          (table 2 funcref)
          (elem (i32.const 0) $double $inc)
          (type $unary (func (param i32) (result i32)))
          (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
          (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "run") (result i32)
            (i32.store (i32.const 100) (i32.const 1000))
            (global.set $g (i32.const 11))
            (call $crowd)
            (call $crowd)
            (i32.add
              (i32.add (i32.load (i32.const 100)) (global.get $g))
              (call_indirect (type $unary)
                (call_indirect (type $unary) (i32.const 20) (i32.const 0))
                (i32.const 1)))))"#;
    let other = r#"
        (module
          (memory 1)
          (global (mut i32) (i32.const 0))
          (table 4 funcref)
          (func (result i32) (i32.const 0)))"#;
    let define = |linker: &mut Linker<()>| {
        let other = other.to_string();
        linker
            .func_wrap("env", "crowd", move |mut caller: Caller<'_, ()>| {
                let store = caller.store();
                let module = Module::from_wat(store.engine(), &other).expect("valid");
                let linker = Linker::new(store.engine());
                for _ in 0..64 {
                    linker.instantiate(store, &module).expect("instantiates");
                }
            })
            .expect("defines");
    };
    let (mut store, instance) = instance(&Config::default(), wat, define, None);
    assert_eq!(
        call(&mut store, instance, "run", &[]),
        Val::I32(1000 + 11 + 41)
    );
}

/// `down(n)` calls the host, which calls `down(n - 1)`, to `n == 0`.
const DOWN: &str = r#"
    (module
      (import "env" "again" (func $again (param i32) (result i32)))
      (func (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1)
                         (call $again (i32.sub (local.get 0) (i32.const 1))))))))"#;

/// Defines `env.again(n)` for [`DOWN`]: calls `down(n)` back, or panics
/// with `n == 0` while `armed` holds.
fn define_again(linker: &mut Linker<()>, armed: Arc<AtomicBool>) {
    linker
        .func_wrap(
            "env",
            "again",
            move |mut caller: Caller<'_, ()>, n: i32| -> Result<i32, Trap> {
                assert!(
                    !(n == 0 && armed.load(Ordering::Relaxed)),
                    "a host function's bug"
                );
                let down = caller
                    .get_export("down")
                    .and_then(engine::Extern::into_func)
                    .expect("exported");
                let mut results = [Val::I32(0)];
                down.call(caller.store(), &[Val::I32(n)], &mut results)
                    .map_err(|error| {
                        error
                            .into_trap()
                            .unwrap_or_else(|_| TrapCode::Internal.into())
                    })?;
                match &results[0] {
                    Val::I32(v) => Ok(*v),
                    _ => Err(TrapCode::Internal.into()),
                }
            },
        )
        .expect("defines");
}

/// `down(199)` runs and `down(200)` overflows, in a store whose call
/// depth limit is 200 (each level is one Wasm call deeper, a host
/// function's call is not a level: `down(n)` reaches depth `n + 1`).
fn assert_whole_depth(store: &mut Store<()>, instance: engine::Instance) {
    assert_eq!(
        call(store, instance, "down", &[Val::I32(199)]),
        Val::I32(199)
    );
    assert_eq!(
        trap_code(store, instance, "down", &[Val::I32(200)]),
        Some(TrapCode::StackOverflow)
    );
}

#[test]
fn a_host_function_may_call_back_into_wasm_within_the_depth_limit() {
    let mut config = Config::default();
    config.max_call_depth(200);
    let define = |linker: &mut Linker<()>| define_again(linker, Arc::default());
    let (mut store, instance) = instance(&config, DOWN, define, None);
    assert_eq!(
        call(&mut store, instance, "down", &[Val::I32(50)]),
        Val::I32(50)
    );
    assert_whole_depth(&mut store, instance);
    // The store is usable after the overflow.
    assert_eq!(
        call(&mut store, instance, "down", &[Val::I32(3)]),
        Val::I32(3)
    );
}

#[test]
fn host_re_entry_to_the_depth_limit_fits_a_1_mib_thread() {
    // Each level keeps a suspended run and a host function's frames on the
    // native stack: 1,000 levels take more than 1 MiB.
    let deep = || {
        let mut config = Config::default();
        config.max_call_depth(1_000);
        let define = |linker: &mut Linker<()>| define_again(linker, Arc::default());
        let (mut store, instance) = instance(&config, DOWN, define, None);
        let result = call(&mut store, instance, "down", &[Val::I32(999)]);
        let overflow = trap_code(&mut store, instance, "down", &[Val::I32(1_000)]);
        (result, overflow)
    };
    let (result, overflow) = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(deep)
        .expect("a thread")
        .join()
        .expect("the thread returns");
    assert_eq!(result, Val::I32(999));
    assert_eq!(overflow, Some(TrapCode::StackOverflow));
}

#[test]
fn a_store_whose_host_function_panicked_keeps_its_whole_depth() {
    for profile in [false, true] {
        // A profiling run stops for each host call; the other calls in it.
        let mut config = Config::default();
        config.max_call_depth(200).profile(profile);
        let armed = Arc::new(AtomicBool::new(true));
        let define = |linker: &mut Linker<()>| define_again(linker, Arc::clone(&armed));
        let (mut store, instance) = instance(&config, DOWN, define, None);
        // The panic unwinds through 31 levels of Wasm and host calls, to
        // the embedder, who catches it; three times.
        for _ in 0..3 {
            let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                call(&mut store, instance, "down", &[Val::I32(30)])
            }));
            assert!(panicked.is_err(), "profile {profile}");
        }
        armed.store(false, Ordering::Relaxed);
        assert_eq!(
            call(&mut store, instance, "down", &[Val::I32(0)]),
            Val::I32(0)
        );
        assert_whole_depth(&mut store, instance);
        // Dropped, the store frees its host functions (the panics left no
        // host call counted as under way): only this reference is left.
        drop(store);
        assert_eq!(Arc::strong_count(&armed), 1, "profile {profile}");
    }
}

#[test]
fn a_host_function_that_replaces_its_store_ends_the_run_with_a_trap() {
    // `Caller::store` lends the whole store, so a host function can put
    // another store in its place, dropping the instance that called it.
    // The suspended run must stop there, touching nothing it had.
    let wat = r#"
        (module
          (import "env" "swap" (func $swap))
          (memory 1)
          (func (export "run") (result i32)
            (call $swap)
            (i32.store (i32.const 8) (i32.const 1))
            (i32.load (i32.const 8))))"#;
    for profile in [false, true] {
        // A profiling run stops for each host call; the other calls in it.
        let mut config = Config::default();
        config.consume_fuel(true).profile(profile);
        // What the host function holds: it reads it after dropping the
        // store that held the function, so its body must outlive that
        // store (the engine calls it through a plain pointer).
        let held = Arc::new(AtomicBool::new(false));
        let define = |linker: &mut Linker<()>| {
            let mine = Arc::clone(&held);
            linker
                .func_wrap("env", "swap", move |mut caller: Caller<'_, ()>| {
                    let store = caller.store();
                    let fresh = Store::new(store.engine(), ());
                    drop(std::mem::replace(store, fresh));
                    mine.store(true, Ordering::Relaxed);
                })
                .expect("defines");
        };
        let (mut store, instance) = instance(&config, wat, define, Some(1_000_000));
        assert_eq!(
            trap_code(&mut store, instance, "run", &[]),
            Some(TrapCode::Internal),
            "profiling {profile}"
        );
        assert!(held.load(Ordering::Relaxed));
        // The dropped store's bodies were left alive, not freed under the
        // call running one: the body still holds its reference (the
        // linker, which held another, is gone).
        assert_eq!(Arc::strong_count(&held), 2, "profiling {profile}");
        // The store in its place works.
        store.set_fuel(1_000).expect("metered");
        let module = Module::from_wat(
            store.engine(),
            r#"(module (func (export "f") (result i32) (i32.const 5)))"#,
        )
        .expect("valid");
        let other = Linker::new(store.engine())
            .instantiate(&mut store, &module)
            .expect("instantiates");
        assert_eq!(call(&mut store, other, "f", &[]), Val::I32(5));
    }
}
