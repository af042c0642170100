//! Two embedding paths that ordinary Ewasm runs take: a call that gives
//! its trap back as it is (`TypedFunc::call_or_trap`), and a host function
//! that hands guest memory to its data in place
//! (`Caller::memory_and_data`).

use engine::{Caller, Engine, ErrorKind, HostError, Linker, Module, Store, Trap, TrapCode};

#[derive(Debug)]
struct Done;

impl std::fmt::Display for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("done")
    }
}

impl HostError for Done {}

const WAT: &str = r#"(module
  (import "env" "keep" (func $keep (param i32 i32)))
  (import "env" "done" (func $done))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, host")
  (func (export "keep") (call $keep (i32.const 16) (i32.const 11)))
  (func (export "halt") (param i32) (result i32)
    (if (local.get 0) (then (call $done)))
    (i32.const 7))
  (func (export "divide") (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0))))"#;

/// A store whose data is what `keep` was handed, and the instance.
fn instance(engine: &Engine) -> (Store<Vec<u8>>, engine::Instance) {
    let module = Module::from_wat(engine, WAT).expect("valid");
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "keep",
            |mut caller: Caller<'_, Vec<u8>>, at: i32, len: i32| -> Result<(), Trap> {
                let (memory, data) = caller.memory_and_data();
                let bytes = memory
                    .get(at as usize..(at + len) as usize)
                    .ok_or(TrapCode::MemoryOutOfBounds)?;
                data.extend_from_slice(bytes);
                Ok(())
            },
        )
        .expect("defines");
    linker
        .func_wrap(
            "env",
            "done",
            |_: Caller<'_, Vec<u8>>| -> Result<(), Trap> { Err(Trap::halt(&Done)) },
        )
        .expect("defines");
    let mut store = Store::new(engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module).expect("links");
    (store, instance)
}

#[test]
fn a_host_function_reads_memory_beside_its_data() {
    let engine = Engine::default();
    let (mut store, instance) = instance(&engine);
    let keep = instance
        .get_func(&store, "keep")
        .expect("exported")
        .typed::<(), ()>(&store)
        .expect("typed");
    keep.call(&mut store, ()).expect("runs");
    keep.call(&mut store, ()).expect("runs");
    assert_eq!(store.data().as_slice(), b"hello, hosthello, host");
}

#[test]
fn call_or_trap_gives_results_traps_and_errors_apart() {
    let engine = Engine::default();
    let (mut store, instance) = instance(&engine);
    let halt = instance
        .get_func(&store, "halt")
        .expect("exported")
        .typed::<i32, i32>(&store)
        .expect("typed");
    let divide = instance
        .get_func(&store, "divide")
        .expect("exported")
        .typed::<i32, i32>(&store)
        .expect("typed");
    let seven = halt.call_or_trap(&mut store, 0).expect("this store");
    assert_eq!(seven.expect("returns"), 7);
    // A halt: the trap as the host function raised it, its reason there.
    let trap = halt
        .call_or_trap(&mut store, 1)
        .expect("this store")
        .expect_err("halts");
    assert!(trap.downcast_ref::<Done>().is_some(), "{trap}");
    assert!(trap.origin().is_none());
    // The engine's own trap, with its origin.
    let trap = divide
        .call_or_trap(&mut store, 0)
        .expect("this store")
        .expect_err("traps");
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    assert!(trap.origin().is_some());
    // `call` gives the same trap inside an error.
    let error = divide.call(&mut store, 0).expect_err("traps");
    assert!(
        matches!(error.kind(), ErrorKind::Trap(t) if t.code() == Some(TrapCode::IntegerDivisionByZero))
    );
    // Another store is an error, not a trap.
    let mut other = Store::new(&engine, Vec::<u8>::new());
    let wrong = divide
        .call_or_trap(&mut other, 1)
        .expect_err("another store");
    assert!(matches!(wrong.kind(), ErrorKind::WrongStore), "{wrong}");
}
