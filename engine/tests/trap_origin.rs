//! A trap says where it happened: the Wasm function running (index and
//! export name; the `name` section only when profiling), for a trap a host
//! function raised, the import it was called through, and, found on demand
//! from the binary (`Trap::locate`), the code offset of the operator that
//! trapped. The expected offsets come from walking the binary's code with
//! wasmparser here, independently of the engine.

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
    trap_raising(export, || Trap::host(Refused))
}

/// The trap of calling `export` when `env.refuse` raises `raise()`.
fn trap_raising(export: &str, raise: fn() -> Trap) -> Trap {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, MODULE).expect("valid module");
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "refuse",
            move |_: Caller<'_, ()>| -> Result<(), Trap> { Err(raise()) },
        )
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

#[test]
fn a_halt_carries_its_reason_and_no_origin() {
    let trap = trap_raising("refuses", || Trap::halt(&Refused));
    assert!(trap.downcast_ref::<Refused>().is_some());
    assert!(trap.downcast_ref::<Other>().is_none());
    assert_eq!(trap.code(), None);
    assert!(trap.origin().is_none(), "{:?}", trap.origin());
    assert_eq!(trap.to_string(), "host error: refused");
    // The reason is borrowed: it cannot be taken out, and the trap comes
    // back whole.
    let back = trap.downcast::<Refused>().expect_err("borrowed");
    assert!(back.downcast_ref::<Refused>().is_some());
}

/// The binary offsets of the operators of defined function `defined` of
/// `bytes` for which `pick` holds, in order.
fn offsets_in(
    bytes: &[u8],
    defined: usize,
    pick: impl Fn(&wasmparser::Operator<'_>) -> bool,
) -> Vec<u32> {
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.expect("decodes") {
            bodies.push(body);
        }
    }
    let body = &bodies[defined];
    let mut reader = body.get_operators_reader().expect("operators");
    let mut found = Vec::new();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().expect("an operator");
        if pick(&op) {
            found.push(u32::try_from(offset).expect("a small module"));
        }
    }
    found
}

/// The offset of the one operator of defined function `defined` for which
/// `pick` holds.
fn offset_in(
    bytes: &[u8],
    defined: usize,
    pick: impl Fn(&wasmparser::Operator<'_>) -> bool,
) -> u32 {
    let found = offsets_in(bytes, defined, pick);
    assert_eq!(found.len(), 1, "one such operator: {found:?}");
    found[0]
}

/// Runs export `export` of `wat` (with the `env.refuse` import that fails,
/// when the module imports it) and gives the trap, located in the binary.
fn located(config: &engine::Config, fuel: Option<u64>, wat: &str, export: &str) -> (Trap, Vec<u8>) {
    let bytes = wat::parse_str(wat).expect("WAT");
    let engine = Engine::new(config);
    let module = Module::new(&engine, &bytes).expect("valid module");
    let mut store = Store::new(&engine, ());
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).expect("metered");
    }
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "refuse", |_: Caller<'_, ()>| -> Result<(), Trap> {
            Err(Trap::host(Refused))
        })
        .expect("defined");
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let func = instance.get_func(&store, export).expect("exported");
    let error = func.call(&mut store, &[], &mut []).expect_err("traps");
    let mut trap = error.into_trap().expect("a trap");
    assert_eq!(
        trap.origin().and_then(|o| o.offset),
        None,
        "not yet located"
    );
    let offset = trap.locate(&bytes);
    assert_eq!(offset, trap.origin().and_then(|o| o.offset), "recorded");
    (trap, bytes)
}

fn offset_of(trap: &Trap) -> Option<u32> {
    trap.origin().and_then(|o| o.offset)
}

use wasmparser::Operator as Op;

/// Which operator a case expects the trap at.
type Pick = fn(&Op<'_>) -> bool;

#[test]
fn a_trap_is_located_at_the_operator_that_trapped() {
    let config = engine::Config::default();
    let run = |export| located(&config, None, MODULE, export);
    // Division by zero in $divide (defined function 0).
    let (trap, bytes) = run("divides");
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    let div = offset_in(&bytes, 0, |op| matches!(op, Op::I32DivU));
    assert_eq!(offset_of(&trap), Some(div));
    // `unreachable` in the last function: each function's own offsets.
    let (trap, bytes) = run("unreachable");
    let unreachable = offset_in(&bytes, 4, |op| matches!(op, Op::Unreachable));
    assert_eq!(offset_of(&trap), Some(unreachable));
    assert!(unreachable > div);
    // A host function's trap: the `call` of the import in $helper.
    let (trap, bytes) = run("refuses");
    assert!(trap.downcast_ref::<Refused>().is_some());
    let call = offset_in(&bytes, 1, |op| matches!(op, Op::Call { function_index: 0 }));
    assert_eq!(offset_of(&trap), Some(call));
}

const MANY: &str = r#"(module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $value)
  (func $value (result i32) (i32.const 7))
  (func $other (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    ;; the quotient goes straight into a local: `local.set` rewrites the
    ;; division's destination, and the division keeps its operator
    (local.set 1 (i32.div_s (local.get 1) (local.get 0)))
    (local.get 1))
  (func (export "div_into_local") (drop (call $other (i32.const 0))))
  (func (export "load") (result i32)
    (i32.add (i32.const 1) (i32.load offset=4 (i32.const 65534))))
  (func (export "fused_load") (param i32) (result i32)
    ;; `i32.add` of a constant and the load fuse into one instruction
    (i32.load (i32.add (local.get 0) (i32.const 65533))))
  (func (export "fused_load_64") (param i32) (result i64)
    (i64.load offset=2 (i32.add (local.get 0) (i32.const 65530))))
  (func (export "indirect_out_of_bounds") (result i32)
    (call_indirect (result i32) (i32.const 5)))
  (func (export "indirect_null") (result i32)
    (call_indirect (result i32) (i32.const 1)))
  (func (export "indirect_type") (result i64)
    (call_indirect (result i64) (i32.const 0)))
  (func $deep (call $deep))
  (func (export "overflows") (call $deep))
  (func (export "fills") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000)))
  (func (export "fused_load_add") (param i32 i32) (result i64)
    ;; `i32.add` of two locals and the load fuse into one instruction
    (i64.load offset=65533 (i32.add (local.get 0) (local.get 1)))))"#;

#[test]
fn traps_in_a_module_of_many_functions_are_located_in_their_function() {
    let config = engine::Config::default();
    let cases: [(&str, TrapCode, usize, Pick); 10] = [
        ("div_into_local", TrapCode::IntegerDivisionByZero, 1, |op| {
            matches!(op, Op::I32DivS)
        }),
        ("load", TrapCode::MemoryOutOfBounds, 3, |op| {
            matches!(op, Op::I32Load { .. })
        }),
        ("fused_load", TrapCode::MemoryOutOfBounds, 4, |op| {
            matches!(op, Op::I32Load { .. })
        }),
        ("fused_load_64", TrapCode::MemoryOutOfBounds, 5, |op| {
            matches!(op, Op::I64Load { .. })
        }),
        (
            "indirect_out_of_bounds",
            TrapCode::TableOutOfBounds,
            6,
            |op| matches!(op, Op::CallIndirect { .. }),
        ),
        ("indirect_null", TrapCode::IndirectCallToNull, 7, |op| {
            matches!(op, Op::CallIndirect { .. })
        }),
        ("indirect_type", TrapCode::BadSignature, 8, |op| {
            matches!(op, Op::CallIndirect { .. })
        }),
        ("overflows", TrapCode::StackOverflow, 9, |op| {
            matches!(op, Op::Call { .. })
        }),
        ("fills", TrapCode::MemoryOutOfBounds, 11, |op| {
            matches!(op, Op::MemoryFill { .. })
        }),
        ("fused_load_add", TrapCode::MemoryOutOfBounds, 12, |op| {
            matches!(op, Op::I64Load { .. })
        }),
    ];
    for (export, code, defined, pick) in cases {
        let (trap, bytes) = located_with_args(&config, MANY, export);
        assert_eq!(trap.code(), Some(code), "{export}");
        let expected = offset_in(&bytes, defined, pick);
        assert_eq!(offset_of(&trap), Some(expected), "{export}: {trap:?}");
        assert_eq!(
            trap.origin().map(|o| o.func),
            Some(defined as u32),
            "{export}: no imports"
        );
    }
}

/// As [`located`], for exports that may take one `i32` parameter (given 0).
fn located_with_args(config: &engine::Config, wat: &str, export: &str) -> (Trap, Vec<u8>) {
    let bytes = wat::parse_str(wat).expect("WAT");
    let engine = Engine::new(config);
    let module = Module::new(&engine, &bytes).expect("valid module");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("links");
    let func = instance.get_func(&store, export).expect("exported");
    let ty = func.ty(&store);
    let args: Vec<engine::Val> = ty.params().iter().map(|_| engine::Val::I32(0)).collect();
    let mut results: Vec<engine::Val> = ty
        .results()
        .iter()
        .map(|t| engine::Val::default_for(*t))
        .collect();
    let error = func
        .call(&mut store, &args, &mut results)
        .expect_err("traps");
    let mut trap = error.into_trap().expect("a trap");
    trap.locate(&bytes);
    (trap, bytes)
}

const SPIN: &str = r#"(module
  (func $spin (param i32)
    (if (local.get 0) (then (loop $l (br $l))))
    (drop (i32.const 0)))
  (func (export "spins") (call $spin (i32.const 1)))
  (func (export "starts") (call $spin (i32.const 0))))"#;

#[test]
fn running_out_of_fuel_is_located_at_the_metering_block_charged() {
    let mut config = engine::Config::default();
    config.consume_fuel(true);
    // The loop's block pays on every iteration: it runs out there.
    let (trap, bytes) = located(&config, Some(1_000), SPIN, "spins");
    assert_eq!(trap.code(), Some(TrapCode::OutOfFuel));
    let the_loop = offset_in(&bytes, 0, |op| matches!(op, Op::Loop { .. }));
    assert_eq!(offset_of(&trap), Some(the_loop));
    // With fuel for the caller's entry block only, $spin's entry block,
    // charged at its first operator, is where it runs out.
    let (trap, bytes) = located(&config, Some(3), SPIN, "starts");
    assert_eq!(trap.code(), Some(TrapCode::OutOfFuel));
    assert_eq!(trap.origin().map(|o| o.func), Some(0), "{trap:?}");
    let first = offsets_in(&bytes, 0, |_| true)[0];
    assert_eq!(offset_of(&trap), Some(first));
}

#[test]
fn a_trap_is_not_located_in_another_binary() {
    let config = engine::Config::default();
    let (mut trap, bytes) = located(&config, None, MODULE, "divides");
    let located_offset = offset_of(&trap);
    assert!(located_offset.is_some());
    // Already located: another binary changes nothing.
    assert_eq!(trap.locate(b"\0asm\x01\0\0\0"), located_offset);
    // A fresh trap with wrong bytes: no offset, no panic.
    let wrong = [
        wat::parse_str(MANY).expect("WAT"),
        wat::parse_str(SPIN).expect("WAT"),
        bytes[..bytes.len() / 2].to_vec(),
        b"not wasm".to_vec(),
        Vec::new(),
    ];
    for other in wrong {
        let mut fresh = trap_of("divides");
        assert_eq!(fresh.locate(&other), None);
        assert_eq!(offset_of(&fresh), None);
        // The right binary still locates it afterwards.
        assert_eq!(fresh.locate(&bytes), located_offset);
    }
    // A trap a host function raised outside any Wasm code has no origin.
    assert_eq!(Trap::host(Refused).locate(&bytes), None);
}
