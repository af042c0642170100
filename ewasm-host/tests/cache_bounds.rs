//! The contract cache is bounded by bytes as well as entries, and the
//! engine's type registry holds only the types of live modules: compiling
//! many large contracts with types of their own leaves neither growing.

use ewasm_host::{ExecConfig, Executor};

/// A contract of about `ops` arithmetic operators with a function type no
/// other contract of the test has (`n` i64 parameters).
fn contract(n: usize, ops: usize) -> Vec<u8> {
    let body = "(local.set 0 (i32.add (local.get 0) (i32.const 3)))\n".repeat(ops);
    let params = "i64 ".repeat(n % 900 + 1);
    wat::parse_str(format!(
        r#"(module (memory (export "memory") 1)
            (func $helper (param {params}))
            (func (export "main") (local i32) {body}))"#
    ))
    .expect("valid WAT")
}

#[test]
fn the_cache_keeps_its_byte_bound_and_types_go_with_their_modules() {
    let max_bytes = 2 << 20;
    // Translated when compiled, so each module holds its code from the
    // start (lazily translated modules grow later: `cache.rs` tests those).
    let config = ExecConfig {
        cache_size: 64,
        cache_bytes: max_bytes,
        lazy_translation: false,
        ..ExecConfig::default()
    };
    let executor = Executor::new(config).expect("executor");
    let small = contract(0, 10);
    let module = executor.compile(&small).expect("compiles");
    let one = small.len() + module.footprint();
    drop(module);
    let mut peak_types = 0;
    for n in 1..=300 {
        let code = contract(n, 4_000);
        let module = executor.compile(&code).expect("compiles");
        assert!(module.footprint() > 90_000, "{}", module.footprint());
        assert!(
            executor.cached_bytes() <= max_bytes,
            "{} bytes cached",
            executor.cached_bytes()
        );
        peak_types = peak_types.max(module.engine().type_count());
    }
    // About 2 MiB / 120 KiB per contract: far fewer than 64 entries.
    assert!(executor.cached() < 25, "{} entries", executor.cached());
    assert!(executor.cached() >= 2, "{} entries", executor.cached());
    // Types of evicted contracts are freed: the live ones' plus the EEI's.
    assert!(peak_types < 100, "{peak_types} types live");
    // A contract larger than the whole bound is compiled but not kept.
    let tiny = Executor::new(ExecConfig {
        cache_size: 64,
        cache_bytes: one - 1,
        lazy_translation: false,
        ..ExecConfig::default()
    })
    .expect("executor");
    tiny.compile(&small).expect("compiles");
    assert_eq!(tiny.cached(), 0);
}

#[test]
fn code_over_the_size_limit_is_refused_before_it_is_decoded() {
    let executor = Executor::new(ExecConfig {
        max_code_size: 64 * 1024,
        ..ExecConfig::default()
    })
    .expect("executor");
    assert!(executor.compile(&contract(1, 2_000)).is_ok());
    let big = contract(1, 20_000);
    assert!(big.len() > 64 * 1024);
    assert!(executor.compile(&big).is_err());
}
