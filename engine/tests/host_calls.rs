//! `Store::observe_host_calls`: every call of a host function from Wasm,
//! before and after, with its name, arguments and results.

use engine::{Caller, Engine, HostCall, Linker, Module, Store, Trap, TrapCode};

fn record(caller: &mut Caller<'_, Vec<String>>, call: HostCall<'_>) {
    let line = match call {
        HostCall::Enter { name, args } => format!("enter {name} {args:?}"),
        HostCall::Leave {
            name,
            results,
            trapped,
        } => format!("leave {name} {results:?} trapped={trapped}"),
    };
    caller.data_mut().push(line);
}

const WAT: &str = r#"
    (module
      (import "env" "add" (func $add (param i32 i64) (result i64)))
      (import "env" "fail" (func $fail))
      (func (export "run") (result i64)
        (call $add (i32.const 2) (call $add (i32.const 1) (i64.const 40))))
      (func (export "trap") (call $fail)))
"#;

fn run(observe: bool, export: &str) -> (Result<(), engine::Error>, Vec<String>) {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "add",
            |_: Caller<'_, Vec<String>>, a: i32, b: i64| i64::from(a) + b,
        )
        .expect("defines");
    linker
        .func_wrap(
            "env",
            "fail",
            |_: Caller<'_, Vec<String>>| -> Result<(), Trap> { Err(TrapCode::Unreachable.into()) },
        )
        .expect("defines");
    let mut store = Store::new(&engine, Vec::new());
    if observe {
        store.observe_host_calls(record);
    }
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let func = instance.get_func(&store, export).expect("exported");
    let mut results = [engine::Val::I64(0)];
    let n = usize::from(export == "run");
    let result = func.call(&mut store, &[], &mut results[..n]);
    if export == "run" {
        assert!(matches!(results[0], engine::Val::I64(43)), "{results:?}");
    }
    (result, store.into_data())
}

#[test]
fn each_call_is_seen_with_its_arguments_then_its_results() {
    let (result, events) = run(true, "run");
    result.expect("runs");
    assert_eq!(
        events,
        [
            "enter env.add [1, 40]",
            "leave env.add [41] trapped=false",
            "enter env.add [2, 41]",
            "leave env.add [43] trapped=false",
        ]
    );
}

#[test]
fn a_trapping_call_is_seen_leaving_with_no_results() {
    let (result, events) = run(true, "trap");
    assert!(result.is_err());
    assert_eq!(
        events,
        ["enter env.fail []", "leave env.fail [] trapped=true"]
    );
}

#[test]
fn without_a_hook_nothing_is_told() {
    let (result, events) = run(false, "run");
    result.expect("runs");
    assert!(events.is_empty());
}
