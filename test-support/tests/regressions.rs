//! Kept mismatches stay fixed, and the shrinker that keeps them works.

use test_support::diff::{compare, exported_functions, generate, seed_bytes};
use test_support::metered::compare_with_injection;
use test_support::shrink::{regressions_dir, shrink};

#[test]
fn every_kept_mismatch_now_agrees() {
    let dir = regressions_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).expect("readable");
            if let Err(e) = compare(&bytes) {
                panic!("{}: {e}", path.display());
            }
        }
    }
}

/// What wasmtime 50 leaves in an exported `i32` global after calling an
/// export, for each module where wasmi is known to be wrong: (file,
/// export, global, value). See `regressions/README.md`.
const WASMTIME_ANSWERS: &[(&str, &str, &str, i32)] = &[("seed-50935.wasm", "", "2", 0)];

/// The exported `i32` global `global` of `bytes` after calling `export`
/// (no arguments, fuel on), translating lazily or eagerly.
fn global_after(bytes: &[u8], export: &str, global: &str, lazy: bool) -> i32 {
    let mut config = test_support::diff::iris_config();
    config.lazy_translation(lazy);
    let engine = engine::Engine::new(&config);
    let module = engine::Module::new(&engine, bytes).expect("compiles");
    let mut store = engine::Store::new(&engine, ());
    store.set_fuel(1_000_000).expect("fuel is on");
    let instance = engine::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let func = instance.get_func(&store, export).expect("the export");
    let ty = func.ty(&store);
    let args: Vec<engine::Val> = ty
        .params()
        .iter()
        .map(|t| engine::Val::default_for(*t))
        .collect();
    let mut results: Vec<engine::Val> = ty
        .results()
        .iter()
        .map(|t| engine::Val::default_for(*t))
        .collect();
    func.call(&mut store, &args, &mut results).expect("returns");
    match instance.get_global(&store, global).map(|g| g.get(&store)) {
        Some(engine::Val::I32(value)) => value,
        other => panic!("global {global}: {other:?}"),
    }
}

/// Where wasmi is known to be wrong (and not even the same from run to
/// run: its answer changes with what its store's memory held before),
/// Iris gives wasmtime's answer whether it translates lazily or eagerly,
/// and its native metering agrees with the injected module.
#[test]
fn where_wasmi_is_wrong_iris_agrees_with_wasmtime_and_itself() {
    let dir = regressions_dir().join("wasmi-bugs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).expect("readable");
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            let &(_, export, global, value) = WASMTIME_ANSWERS
                .iter()
                .find(|(f, ..)| *f == file)
                .unwrap_or_else(|| panic!("{file}: no wasmtime answer recorded"));
            for lazy in [true, false] {
                assert_eq!(
                    global_after(&bytes, export, global, lazy),
                    value,
                    "{file}, lazy translation {lazy}"
                );
            }
            let calls = compare_with_injection(&bytes, &exported_functions(&bytes))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(calls > 0, "{}: nothing compared", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 1, "the known wasmi bug is missing");
}

/// Whether `bytes` validates and still grows memory somewhere.
fn grows_memory(bytes: &[u8]) -> bool {
    if wasmparser::validate(bytes).is_err() {
        return false;
    }
    wasmparser::Parser::new(0).parse_all(bytes).any(|payload| {
        let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else {
            return false;
        };
        let Ok(mut ops) = body.get_operators_reader() else {
            return false;
        };
        while !ops.eof() {
            if let Ok(wasmparser::Operator::MemoryGrow { .. }) = ops.read() {
                return true;
            }
        }
        false
    })
}

#[test]
fn the_shrinker_keeps_the_property_and_drops_the_rest() {
    let module = (0..200)
        .filter_map(|seed| {
            let bytes = seed_bytes(seed, 16_384);
            generate(&mut arbitrary::Unstructured::new(&bytes)).ok()
        })
        .find(|m| grows_memory(m) && m.len() > 400)
        .expect("some generated module grows memory");
    let small = shrink(&module, grows_memory);
    assert!(grows_memory(&small), "the property is lost");
    assert!(
        small.len() * 4 < module.len(),
        "{} bytes shrank only to {}",
        module.len(),
        small.len()
    );
}

/// The module wasmi 2.0.0 cannot translate where its debug assertions
/// are on (`test_support::peer`): with them, the comparison skips it
/// instead of panicking; without them, wasmi translates it and the
/// engines agree. Either way Iris runs it: `f` traps at `unreachable`.
#[test]
fn a_module_the_peer_cannot_translate_is_skipped_and_runs_on_iris() {
    let bytes = wat::parse_str(test_support::peer::ELSE_REGISTER).expect("valid text");
    let debug = cfg!(debug_assertions);
    assert_eq!(test_support::peer::translates(&bytes), !debug);
    let report = compare(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.peer_failed, debug);
    assert_eq!(report.calls, usize::from(!debug));

    let engine = engine::Engine::default();
    let module = engine::Module::new(&engine, &bytes).expect("compiles");
    let mut store = engine::Store::new(&engine, ());
    let instance = engine::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let f = instance.get_func(&store, "f").expect("exported");
    let error = f
        .call(&mut store, &[engine::Val::F32(0)], &mut [])
        .expect_err("traps");
    assert_eq!(error.trap_code(), Some(engine::TrapCode::Unreachable));
}
