//! Lazy translation (`Config::lazy_translation`, on by default): functions
//! translate at their first calls, and nothing else differs from eager
//! translation: the same results, the same fuel, the same modules refused
//! at load with the same errors.

use engine::{Config, Engine, ErrorKind, LimitError, Linker, Module, Opcode, OpcodeSet, Store};

fn config(lazy: bool) -> Config {
    let mut config = Config::default();
    config.lazy_translation(lazy);
    config
}

/// Three functions: `main` calls `helper`, `unused` is never called.
const THREE: &str = r#"(module
    (func $helper (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (func $unused (result i32) (i32.const 7))
    (func (export "main") (param i32) (result i32)
        (i32.add (call $helper (local.get 0)) (i32.const 1))))"#;

/// Calls THREE's `main` with `x` in a fresh store.
fn call_main(engine: &Engine, module: &Module, x: i32) -> i32 {
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let main = instance
        .get_func(&store, "main")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    main.call(&mut store, x).unwrap()
}

#[test]
fn only_called_functions_are_translated() {
    let engine = Engine::new(&config(true));
    let module = Module::from_wat(&engine, THREE).unwrap();
    assert_eq!(module.translated_functions(), 0, "nothing runs at load");
    let before = module.footprint();
    assert_eq!(call_main(&engine, &module, 5), 16);
    assert_eq!(module.translated_functions(), 2, "main and helper");
    assert!(
        module.footprint() > before,
        "the translated code is counted"
    );
    // Eagerly, everything at load.
    let eager = Module::from_wat(&Engine::new(&config(false)), THREE).unwrap();
    assert_eq!(eager.translated_functions(), 3);
}

/// A function that loops, calls and touches memory, metered: the result
/// and the fuel it used under `config`.
fn run_metered(lazy: bool) -> (i64, u64) {
    let mut config = config(lazy);
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::from_wat(
        &engine,
        r#"(module
            (memory 1)
            (func $step (param i64 i32) (result i64)
                (i64.store (local.get 1) (i64.add (local.get 0) (i64.load (local.get 1))))
                (i64.rotl (i64.load (local.get 1)) (i64.const 7)))
            (func (export "run") (param i32) (result i64) (local i64)
                (loop $l
                    (local.set 1 (call $step (local.get 1) (i32.and (local.get 0) (i32.const 1016))))
                    (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
                (local.get 1)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(10_000_000).unwrap();
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance
        .get_func(&store, "run")
        .unwrap()
        .typed::<i32, i64>(&store)
        .unwrap();
    let result = run.call(&mut store, 1_000).unwrap();
    (result, 10_000_000 - store.get_fuel().unwrap())
}

#[test]
fn results_and_fuel_are_the_same_lazily_and_eagerly() {
    let lazy = run_metered(true);
    let eager = run_metered(false);
    assert_eq!(lazy, eager);
    assert!(lazy.1 > 10_000, "fuel used: {}", lazy.1);
}

/// The error compiling `wat` under `config`, lazily and eagerly: both
/// must refuse it, with the same error.
#[track_caller]
fn refused_alike(config: &Config, wat: &str) -> engine::Error {
    let mut lazy = config.clone();
    lazy.lazy_translation(true);
    let mut eager = config.clone();
    eager.lazy_translation(false);
    let Err(l) = Module::from_wat(&Engine::new(&lazy), wat) else {
        let eager = Module::from_wat(&Engine::new(&eager), wat).map(|_| ());
        panic!(
            "accepted lazily (eagerly: {eager:?}) at {}",
            std::panic::Location::caller()
        );
    };
    let Err(e) = Module::from_wat(&Engine::new(&eager), wat) else {
        panic!("accepted eagerly");
    };
    assert_eq!(l.to_string(), e.to_string());
    l
}

/// Checks that `wat` is refused alike lazily and eagerly under `config`,
/// with an error of the kind `expected` accepts.
#[track_caller]
fn assert_refused(config: &Config, wat: &str, expected: fn(&ErrorKind) -> bool) {
    let error = refused_alike(config, wat);
    assert!(expected(error.kind()), "{error}");
}

#[test]
fn what_translation_refuses_is_refused_at_load_in_an_uncalled_function() {
    let base = Config::default();
    // Invalid code.
    assert_refused(
        &base,
        r#"(module (func $never (result i32) (i64.const 1)) (func (export "f")))"#,
        |kind| matches!(kind, ErrorKind::Validate { .. }),
    );
    // A SIMD operator: decoded, then refused as a feature beyond Wasm 2.0.
    assert_refused(
        &base,
        r#"(module (func $never (drop (v128.const i64x2 0 0))) (func (export "f")))"#,
        |kind| matches!(kind, ErrorKind::Unsupported { .. }),
    );
    // An operator the configuration refuses.
    let mut no_floats = base.clone();
    no_floats.refuse_operators(OpcodeSet::from_iter([Opcode::F32Add]));
    assert_refused(
        &no_floats,
        r#"(module (func $never (result f32) (f32.add (f32.const 1) (f32.const 2))) (func (export "f")))"#,
        |kind| matches!(kind, ErrorKind::RefusedOperator { .. }),
    );
    // A frame over 2^16 slots: 50,000 locals and 16,000 operands, in
    // reachable code and in unreachable code (the rule counts those too,
    // whether or not translation would).
    for start in ["", "(unreachable)"] {
        let wat = format!(
            r#"(module (func $never (local {}) {start} {} (br 0)) (func (export "f")))"#,
            "i32 ".repeat(50_000),
            "(i32.const 1) ".repeat(16_000)
        );
        assert_refused(&base, &wat, |kind| {
            matches!(kind, ErrorKind::Limit(LimitError::FrameSize { .. }))
        });
    }
    // The work allowance: a br_table carrying 1,000 values to 300
    // targets, some 300,000 values for about 3 KB of code.
    let wat = format!(
        r#"(module (func $never (result {}) (block (result {}) {} (br_table {} 0 (i32.const 0)))) (func (export "f")))"#,
        "i32 ".repeat(1_000),
        "i32 ".repeat(1_000),
        "(i32.const 0) ".repeat(1_000),
        "0 ".repeat(300),
    );
    assert_refused(&base, &wat, |kind| {
        matches!(kind, ErrorKind::Limit(LimitError::Work { .. }))
    });
    // A code allowance too small for the module: translated at load, and
    // refused there, both ways.
    let mut small = base.clone();
    small.max_code_instructions(1);
    assert_refused(&small, THREE, |kind| {
        matches!(kind, ErrorKind::Limit(LimitError::Code { .. }))
    });
}

#[test]
fn a_module_whose_code_allowance_does_not_cover_every_bound_translates_at_load() {
    // THREE's bodies are about 30 bytes; their bound is some 300
    // instructions, more than this allowance, which their code fits.
    let mut config = config(true);
    config.max_code_instructions(64);
    let module = Module::from_wat(&Engine::new(&config), THREE).unwrap();
    assert_eq!(module.translated_functions(), 3);
}

#[test]
fn threads_that_call_a_function_first_at_once_agree() {
    let engine = Engine::new(&config(true));
    let module = Module::from_wat(&engine, THREE).unwrap();
    let results: Vec<i32> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let (engine, module) = (engine.clone(), module.clone());
                scope.spawn(move || call_main(&engine, &module, i))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert_eq!(results, vec![1, 4, 7, 10]);
    assert_eq!(module.translated_functions(), 2);
}

#[test]
fn named_exports_and_the_start_function_translate_at_load() {
    let mut at_load = config(true);
    at_load.translate_export_at_load("main");
    let engine = Engine::new(&at_load);
    let module = Module::from_wat(&engine, THREE).unwrap();
    assert_eq!(module.translated_functions(), 1, "main, at load");
    assert_eq!(call_main(&engine, &module, 5), 16);
    assert_eq!(module.translated_functions(), 2, "helper at its first call");
    // A start function translates at load, named or not.
    let start = r#"(module (global $g (mut i32) (i32.const 0))
        (func $other) (func $s (global.set $g (i32.const 1))) (start $s))"#;
    for config in [config(true), at_load.clone()] {
        let module = Module::from_wat(&Engine::new(&config), start).unwrap();
        assert_eq!(module.translated_functions(), 1);
    }
    // A body that fails to validate is refused with the same error whether
    // it translates at load or is only checked.
    let invalid = r#"(module (func (export "main") (result i32) (i32.add (i32.const 1))))"#;
    let refused = |config: &Config| {
        Module::from_wat(&Engine::new(config), invalid)
            .expect_err("invalid")
            .to_string()
    };
    assert_eq!(refused(&at_load), refused(&config(true)));
    assert_eq!(refused(&at_load), refused(&config(false)));
}

#[test]
fn a_module_whose_every_function_translates_at_load_keeps_no_code_section() {
    // One function, `main`, named to translate at load: nothing is left
    // for a first call, so the module holds what an eager one holds (a
    // lazy one also keeps its code section, to translate from later).
    let one = r#"(module (func (export "main") (param i32) (result i32)
        (i32.add (local.get 0) (i32.const 1))))"#;
    let mut at_load = config(true);
    at_load.translate_export_at_load("main");
    let module = Module::from_wat(&Engine::new(&at_load), one).unwrap();
    let eager = Module::from_wat(&Engine::new(&config(false)), one).unwrap();
    assert_eq!(module.translated_functions(), 1);
    assert_eq!(module.footprint(), eager.footprint());
    // With a second function, not named, the code section is kept.
    let two = r#"(module (func $other) (func (export "main") (param i32) (result i32)
        (i32.add (local.get 0) (i32.const 1))))"#;
    let module = Module::from_wat(&Engine::new(&at_load), two).unwrap();
    let eager = Module::from_wat(&Engine::new(&config(false)), two).unwrap();
    assert_eq!(module.translated_functions(), 1);
    assert!(
        module.footprint() < eager.footprint(),
        "other is not translated"
    );
    let lazy = Module::from_wat(&Engine::new(&config(true)), two).unwrap();
    assert!(module.footprint() > lazy.footprint(), "main is translated");
}
