//! A trap says where it happened: the Wasm function running (index and
//! export name; the `name` section only when profiling), and for a trap a
//! host function raised, the import it was called through.

use std::fmt;

use engine::{Caller, Engine, HostError, Linker, Module, Store, Trap, TrapCode};

#[derive(Debug)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refused")
    }
}

impl HostError for Refused {}

#[derive(Debug)]
struct Other;

impl fmt::Display for Other {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("other")
    }
}

impl HostError for Other {}

const MODULE: &str = r#"(module
  (import "env" "refuse" (func $refuse))
  (func $divide (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $helper (call $refuse))
  (func (export "divides") (drop (call $divide (i32.const 0))))
  (func (export "refuses") (call $helper))
  (func (export "unreachable") unreachable))"#;

fn trap_of(export: &str) -> Trap {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, MODULE).expect("valid module");
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "refuse", |_: Caller<'_, ()>| -> Result<(), Trap> {
            Err(Trap::host(Refused))
        })
        .expect("defined");
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let func = instance.get_func(&store, export).expect("exported");
    let error = func.call(&mut store, &[], &mut []).expect_err("traps");
    error.into_trap().expect("a trap")
}

#[test]
fn a_trap_names_the_function_it_happened_in() {
    let trap = trap_of("divides");
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    let origin = trap.origin().expect("an origin");
    assert_eq!(origin.func, 1, "imports first: $divide is function 1");
    assert_eq!(origin.host, None);
    let trap = trap_of("unreachable");
    let origin = trap.origin().expect("an origin");
    assert_eq!(origin.func, 5);
    assert_eq!(
        origin.name.as_deref(),
        Some("unreachable"),
        "its export name"
    );
}

#[test]
fn a_host_trap_names_the_calling_function_and_the_import() {
    let trap = trap_of("refuses");
    assert!(trap.downcast_ref::<Refused>().is_some());
    let origin = trap.origin().expect("an origin");
    assert_eq!(origin.func, 2, "$helper called it");
    assert_eq!(origin.host, Some(("env".to_string(), "refuse".to_string())));
    // Taking another host error type out keeps the origin.
    let kept = trap.downcast::<Other>().expect_err("not an Other");
    assert_eq!(kept.origin().map(|o| o.func), Some(2));
}
