//! The deterministic limits: every hostile request ends in a typed error or
//! trap, never a crash or an unbounded allocation.

use engine::{Config, Engine, ErrorKind, LimitError, Linker, Module, Store, TrapCode, Val};

fn instantiate(config: &Config, wat: &str) -> Result<(Store<()>, engine::Instance), engine::Error> {
    let engine = Engine::new(config);
    let module = Module::from_wat(&engine, wat)?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module)?;
    Ok((store, instance))
}

fn call(
    store: &mut Store<()>,
    instance: engine::Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, engine::Error> {
    let func = instance.get_func(store, name).expect("export exists");
    let mut results = vec![Val::I32(0); func.ty(store).results().len()];
    func.call(store, args, &mut results)?;
    Ok(results)
}

#[test]
fn unbounded_recursion_traps_with_stack_overflow() {
    let wat = r#"(module (func $f (export "f") (param i32) (result i32)
        (i32.add (call $f (local.get 0)) (i32.const 1))))"#;
    for depth in [100, 1_000, 16_384] {
        let mut config = Config::default();
        config.max_call_depth(depth);
        let (mut store, instance) = instantiate(&config, wat).unwrap();
        let err = call(&mut store, instance, "f", &[Val::I32(0)]).unwrap_err();
        assert_eq!(
            err.trap_code(),
            Some(TrapCode::StackOverflow),
            "depth {depth}"
        );
    }
}

#[test]
fn recursion_just_within_the_depth_limit_succeeds() {
    let wat = r#"(module (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;
    let mut config = Config::default();
    config.max_call_depth(500);
    let (mut store, instance) = instantiate(&config, wat).unwrap();
    // 500 frames: the first call plus 499 nested ones.
    let ok = call(&mut store, instance, "down", &[Val::I32(499)]).unwrap();
    assert_eq!(ok, vec![Val::I32(499)]);
    let err = call(&mut store, instance, "down", &[Val::I32(500)]).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn value_stack_limit_traps_before_allocating() {
    // Each frame holds 1,000 locals: 100 frames need 100,000 slots.
    let locals = "(local i64) ".repeat(1_000);
    let wat = format!(
        r#"(module (func $f (export "f") (param i32) {locals}
            (if (local.get 0) (then (call $f (i32.sub (local.get 0) (i32.const 1)))))))"#
    );
    let mut config = Config::default();
    config.max_value_stack(50_000);
    let (mut store, instance) = instantiate(&config, &wat).unwrap();
    call(&mut store, instance, "f", &[Val::I32(10)]).unwrap();
    let err = call(&mut store, instance, "f", &[Val::I32(100)]).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn a_memory_of_65536_pages_is_refused_over_the_configured_limit() {
    let mut config = Config::default();
    config.max_memory_pages(1_024);
    let err = instantiate(&config, "(module (memory 65536))").unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Limit(LimitError::MemoryPages {
                pages: 65_536,
                max: 1_024
            })
        ),
        "{err}"
    );
}

#[test]
fn memory_grow_past_the_limit_returns_minus_one_and_keeps_the_memory() {
    let wat = r#"(module (memory 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "size") (result i32) (memory.size)))"#;
    let mut config = Config::default();
    config.max_memory_pages(4);
    let (mut store, instance) = instantiate(&config, wat).unwrap();
    assert_eq!(
        call(&mut store, instance, "grow", &[Val::I32(3)]).unwrap(),
        vec![Val::I32(1)]
    );
    assert_eq!(
        call(&mut store, instance, "grow", &[Val::I32(1)]).unwrap(),
        vec![Val::I32(-1)]
    );
    assert_eq!(
        call(&mut store, instance, "grow", &[Val::I32(-1)]).unwrap(),
        vec![Val::I32(-1)]
    );
    assert_eq!(
        call(&mut store, instance, "size", &[]).unwrap(),
        vec![Val::I32(4)]
    );
}

#[test]
fn a_function_with_50000_locals_compiles_and_runs() {
    let wat = r#"(module (func (export "f") (param i32) (result i32) (local i64 i32)
        (local.set 49999 (local.get 0)) (local.get 49999)))"#
        .replace(
            "(local i64 i32)",
            &format!("(local {} i32)", "i64 ".repeat(49_998)),
        );
    let (mut store, instance) = instantiate(&Config::default(), &wat).unwrap();
    assert_eq!(
        call(&mut store, instance, "f", &[Val::I32(7)]).unwrap(),
        vec![Val::I32(7)]
    );
}

#[test]
fn the_largest_frame_has_65535_slots() {
    // 50,000 locals (the most validation allows), and an operand stack
    // `1 + constants` deep: the product, then constants pushed and dropped
    // above it (no code), then the sum that reads the product from the
    // accumulator, whose slot index (the 65,536th) no frame reaches.
    let wat = |constants: usize| {
        format!(
            r#"(module (func (export "f") (param i32 i32) (result i32) (local {})
                (i32.mul (local.get 0) (local.get 1))
                {} {}
                (i32.add (local.get 2))))"#,
            "i32 ".repeat(49_998),
            "(i32.const 1) ".repeat(constants),
            "(drop) ".repeat(constants)
        )
    };
    let (mut store, instance) = instantiate(&Config::default(), &wat(15_534)).unwrap();
    assert_eq!(
        call(&mut store, instance, "f", &[Val::I32(6), Val::I32(7)]).unwrap(),
        vec![Val::I32(42)]
    );
    let err = instantiate(&Config::default(), &wat(15_535)).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Limit(LimitError::FrameSize { slots: 65_536, .. })
        ),
        "{err}"
    );
}

#[test]
fn a_br_table_with_a_million_targets_compiles_and_branches() {
    let targets = "0 1 ".repeat(500_000);
    let wat = format!(
        r#"(module (func (export "f") (param i32) (result i32)
            (block (block (br_table {targets} 1 (local.get 0))) (return (i32.const 10)))
            (i32.const 20)))"#
    );
    let (mut store, instance) = instantiate(&Config::default(), &wat).unwrap();
    assert_eq!(
        call(&mut store, instance, "f", &[Val::I32(0)]).unwrap(),
        vec![Val::I32(10)]
    );
    assert_eq!(
        call(&mut store, instance, "f", &[Val::I32(999_999)]).unwrap(),
        vec![Val::I32(20)]
    );
    assert_eq!(
        call(&mut store, instance, "f", &[Val::I32(-1)]).unwrap(),
        vec![Val::I32(20)]
    );
}

#[test]
fn a_br_table_over_the_code_allowance_is_refused_and_one_within_it_branches() {
    // 1,000 targets: the table alone takes 1,001 instructions. With lazy
    // translation asked for, a module whose code allowance is below its
    // bound (about 8 instructions a byte) is translated at load, so it is
    // refused there the same way.
    let targets = "0 1 ".repeat(500);
    let wat = format!(
        r#"(module (func (export "f") (param i32) (result i32)
            (block (block (br_table {targets} 1 (local.get 0))) (return (i32.const 10)))
            (i32.const 20)))"#
    );
    for lazy in [false, true] {
        let mut config = Config::default();
        config.lazy_translation(lazy);
        config.max_code_instructions(1_000);
        let Err(err) = instantiate(&config, &wat) else {
            panic!("lazy {lazy}: a table over the allowance was accepted");
        };
        assert!(
            matches!(err.kind(), ErrorKind::Limit(LimitError::Code { .. })),
            "lazy {lazy}: {err}"
        );
        config.max_code_instructions(1_100);
        let (mut store, instance) = instantiate(&config, &wat).expect("within the allowance");
        for (index, expected) in [(0, 10), (1, 20), (998, 10), (999, 20), (1_000, 20)] {
            assert_eq!(
                call(&mut store, instance, "f", &[Val::I32(index)]).unwrap(),
                vec![Val::I32(expected)],
                "lazy {lazy}, index {index}"
            );
        }
    }
}

#[test]
fn a_module_over_the_size_limit_is_refused() {
    let engine = Engine::new(Config::default().max_module_size(16));
    let bytes = wat::parse_str("(module (func) (func) (func))").unwrap();
    let err = Module::new(&engine, &bytes).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Limit(LimitError::ModuleSize { .. })),
        "{err}"
    );
}

#[test]
fn a_long_loop_runs_to_completion() {
    let wat = r#"(module (func (export "count") (param i32) (result i32) (local i32)
        (loop $l
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1)))"#;
    let (mut store, instance) = instantiate(&Config::default(), wat).unwrap();
    let n = 10_000_000;
    assert_eq!(
        call(&mut store, instance, "count", &[Val::I32(n)]).unwrap(),
        vec![Val::I32(n)]
    );
}

#[test]
fn a_table_over_the_element_limit_is_refused() {
    let mut config = Config::default();
    config.max_table_elements(1_000);
    let err = instantiate(&config, "(module (table 1001 funcref))").unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Limit(LimitError::TableElements { .. })
        ),
        "{err}"
    );
}

#[test]
fn simd_is_rejected_with_an_error_naming_the_feature() {
    let engine = Engine::default();
    let bytes = wat::parse_str("(module (func (drop (v128.const i64x2 0 0))))").unwrap();
    let err = Module::new(&engine, &bytes).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("SIMD"), "{err}");
}

/// A module whose one function type has `n` i64 parameters: a type no
/// other module of the test has.
fn module_with_type(engine: &Engine, n: usize) -> Module {
    let params = "i64 ".repeat(n);
    let wat = format!(
        r#"(module (func (export "f") (param {params}))
            (func (export "g") (param i32) (result i32) (local.get 0)))"#
    );
    Module::from_wat(engine, &wat).expect("compiles")
}

#[test]
fn function_types_are_freed_with_their_last_module_and_store() {
    let engine = Engine::default();
    let base = engine.type_count();
    for n in 1..=2_000 {
        let module = module_with_type(&engine, n % 900 + 1);
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "h", |_: engine::Caller<'_, ()>, a: i64, b: i32| {
                a + i64::from(b)
            })
            .expect("defines");
        let instance = linker
            .instantiate(&mut store, &module)
            .expect("instantiates");
        // The shared type still compares equal across modules after reuse.
        let g = call(&mut store, instance, "g", &[Val::I32(n as i32)]).expect("runs");
        assert_eq!(g, vec![Val::I32(n as i32)]);
        engine::Func::wrap(&mut store, |_: engine::Caller<'_, ()>, x: i32| x);
        assert!(
            engine.type_count() <= base + 4,
            "{} types live",
            engine.type_count()
        );
    }
    // Everything dropped: nothing of them is left.
    assert_eq!(engine.type_count(), base);
    // A live module keeps its types.
    let kept = module_with_type(&engine, 7);
    assert_eq!(engine.type_count(), base + 2);
    drop(kept);
    assert_eq!(engine.type_count(), base);
}

#[test]
fn a_growth_allowance_bounds_all_memories_and_tables_of_a_store() {
    let engine = Engine::default();
    let wat = r#"(module
        (memory (export "m") 4) (table 10 funcref)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "tgrow") (param i32) (result i32)
            (table.grow (ref.null func) (local.get 0))))"#;
    let module = Module::from_wat(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    store.limit_growth(10, 100);
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    assert_eq!(store.growth_left(), (6, 90));
    let grow = |store: &mut Store<()>, name: &str, n: i32| {
        call(store, instance, name, &[Val::I32(n)]).unwrap()[0].clone()
    };
    assert_eq!(grow(&mut store, "grow", 7), Val::I32(-1));
    assert_eq!(grow(&mut store, "grow", 6), Val::I32(4));
    assert_eq!(grow(&mut store, "tgrow", 91), Val::I32(-1));
    assert_eq!(grow(&mut store, "tgrow", 90), Val::I32(10));
    assert_eq!(store.growth_left(), (0, 0));
    // A second instance's initial memory no longer fits.
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Limit(LimitError::Allowance {
                what: "memory pages",
                asked: 4,
                left: 0
            })
        ),
        "{err}"
    );
}

/// Fuel left after calling `name` with `fuel`, or the trap.
fn fuel_after(wat: &str, name: &str, args: &[Val], fuel: u64) -> Result<u64, TrapCode> {
    let mut config = Config::default();
    config.consume_fuel(true);
    let (mut store, instance) = instantiate(&config, wat).unwrap();
    store.set_fuel(fuel).unwrap();
    match call(&mut store, instance, name, args) {
        Ok(_) => Ok(store.get_fuel().unwrap()),
        Err(e) => Err(e.trap_code().expect("a trap")),
    }
}

#[test]
fn the_default_cost_model_prices_bulk_work_growth_and_locals() {
    // A fill loop over 64 KiB: 2,048 per fill, so 1,000 fuel ends it.
    let fill = r#"(module (memory 1)
        (func (export "f") (loop (memory.fill (i32.const 0) (i32.const 1) (i32.const 65536)) (br 0))))"#;
    assert_eq!(fuel_after(fill, "f", &[], 1_000), Err(TrapCode::OutOfFuel));
    assert_eq!(
        fuel_after(fill, "f", &[], 1 << 30),
        Err(TrapCode::OutOfFuel)
    );
    // table.grow pays per element, before growing.
    let tgrow = r#"(module (table 0 funcref)
        (func (export "g") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#;
    let small = fuel_after(tgrow, "g", &[Val::I32(1)], 1 << 20).unwrap();
    let large = fuel_after(tgrow, "g", &[Val::I32(100_001)], 1 << 20).unwrap();
    assert_eq!(small - large, 100_000);
    assert_eq!(
        fuel_after(tgrow, "g", &[Val::I32(1 << 30)], 1 << 20),
        Err(TrapCode::OutOfFuel)
    );
    // A call zeroes its locals: 1 per 8 of them.
    let locals = r#"(module
        (func $big (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64))
        (func $small)
        (func (export "big") (call $big))
        (func (export "small") (call $small)))"#;
    let big = fuel_after(locals, "big", &[], 1_000).unwrap();
    let small = fuel_after(locals, "small", &[], 1_000).unwrap();
    assert_eq!(small - big, 2);
}

/// Run in a child process with its address space limited to 1 GiB: a
/// recursion allowed a 4 GiB value stack (by its limits) runs the system
/// out of memory for the stack's growth, which must trap, not abort.
#[test]
fn a_value_stack_the_system_cannot_grow_traps_instead_of_aborting() {
    const CHILD: &str = "IRIS_STACK_OOM_CHILD";
    const NAME: &str = "a_value_stack_the_system_cannot_grow_traps_instead_of_aborting";
    if std::env::var_os(CHILD).is_some() {
        // Each frame holds 1,000 locals; half a billion slots (4 GiB) and
        // a million frames allowed.
        let wat = format!(
            r#"(module (func $f (export "f") (param i32) (result i32)
                (local {})
                (i32.add (call $f (local.get 0)) (i32.const 1))))"#,
            "i64 ".repeat(1_000)
        );
        let mut config = Config::default();
        config.max_call_depth(1 << 20).max_value_stack(1 << 29);
        let (mut store, instance) = instantiate(&config, &wat).unwrap();
        let err = call(&mut store, instance, "f", &[Val::I32(0)]).unwrap_err();
        println!("child trapped: {:?}", err.trap_code());
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -v 1048576 && exec \"$0\" \"$@\""])
        .arg(exe)
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed ({:?}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("child trapped: Some(StackOverflow)"),
        "{stdout}"
    );
}
