//! The heap allocations of translating a module's functions: the buffers
//! that checking and translating a body use (the translator's operand
//! stack and code, Iris's validator's stacks, wasmparser's validator's)
//! serve every body of a module, so each function adds only what it keeps
//! (its threaded code and its tables) and a few small vectors.
//!
//! One test per binary, since dhat keeps one profile per process.

use engine::{Config, Engine, Module};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// A module of `n` functions with locals, a loop, branches, a call, loads
/// and stores, all on number types (so Iris's own validator checks them).
fn module(n: usize) -> String {
    let body = r#"(func (param i32 i64) (result i64)
        (local i32 i64 f64)
        (local.set 2 (local.get 0))
        (block
            (loop
                (br_if 1 (i32.eqz (local.get 2)))
                (local.set 3 (i64.add (local.get 3) (i64.load (local.get 2))))
                (i64.store (i32.const 8) (local.get 3))
                (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
                (br 0)))
        (i64.mul (local.get 3) (call 0 (i32.const 0) (local.get 1))))
        "#;
    format!("(module (memory 1) {})", body.repeat(n))
}

/// Allocations (and their bytes) of compiling `bytes` eagerly.
fn allocations(engine: &Engine, bytes: &[u8]) -> u64 {
    let before = dhat::HeapStats::get().total_blocks;
    let module = Module::new(engine, bytes).expect("the module is valid");
    let made = dhat::HeapStats::get().total_blocks - before;
    drop(module);
    made
}

/// What each function may add when translated at load: what it keeps
/// (its threaded code, where each metering block's costs start) and the
/// translator's small vectors (its control stack, a block's branches to
/// patch): 5 when this was written, 11 before the buffers were kept
/// (decision 0025: Iris's validator's four stacks, the code vector and its
/// growth).
const PER_FUNCTION: u64 = 6;

/// What each function may add when only checked at load (lazy
/// translation): 1 when this was written, 6 before Iris's validator's
/// stacks were kept.
const PER_FUNCTION_LAZY: u64 = 2;

#[test]
fn each_function_of_a_module_adds_only_the_allocations_it_keeps() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let one = wat::parse_str(module(1)).expect("assembles");
    let many = wat::parse_str(module(41)).expect("assembles");
    // Eagerly (each body checked and translated), and lazily (each body
    // checked at load, none translated).
    for lazy in [false, true] {
        let mut config = Config::default();
        config.lazy_translation(lazy);
        config.consume_fuel(true);
        let engine = Engine::new(&config);
        // Once before measuring: the engine's pools and tables.
        allocations(&engine, &one);
        let base = allocations(&engine, &one);
        let more = allocations(&engine, &many);
        let per_function = (more - base) / 40;
        println!(
            "allocations (lazy: {lazy}): 1 function {base}, 41 functions {more}, \
             {per_function} per function"
        );
        let bound = if lazy {
            PER_FUNCTION_LAZY
        } else {
            PER_FUNCTION
        };
        dhat::assert!(
            per_function <= bound,
            "lazy: {lazy}: {per_function} allocations per function (bound {bound})"
        );
    }
}
