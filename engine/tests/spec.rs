//! The WebAssembly 2.0 core spec suite: one test per `.wast` file, each run
//! with metering off and on (with fuel that never runs out), and with
//! functions translated lazily (the default) and eagerly.
//!
//! The suite is read from `IRIS_SPEC_DIR`, `../shared/wasm-testsuite/core`
//! beside the workspace or `testdata/wasm-testsuite/core` (see
//! `test_data::spec_dir`). A missing suite or file fails the tests: it is
//! never skipped.

use std::path::PathBuf;

use engine::wast::{run_file, RunConfig};

fn suite_dir() -> PathBuf {
    test_data::spec_dir_or_panic()
}

fn run(name: &str) {
    let path = suite_dir().join(format!("{name}.wast"));
    assert!(
        path.is_file(),
        "spec script {} is missing: set IRIS_SPEC_DIR to the suite's core directory, or run `scripts/testdata.sh`",
        path.display()
    );
    let mut metered = RunConfig::default();
    metered.config.consume_fuel(true);
    metered.fuel = Some(u64::MAX);
    // Functions translated at their first calls (the default) and when
    // their module is compiled: the same results and the same refusals.
    let mut eager = RunConfig::default();
    eager.config.lazy_translation(false);
    let mut eager_metered = metered.clone();
    eager_metered.config.lazy_translation(false);
    for (mode, config) in [
        ("metering off", RunConfig::default()),
        ("metering on", metered),
        ("metering off, eager translation", eager),
        ("metering on, eager translation", eager_metered),
    ] {
        let report = run_file(&path, &config);
        let failures: Vec<String> = report
            .failures
            .iter()
            .map(|f| format!("{}:{}:{}: {}", name, f.line, f.col, f.reason))
            .collect();
        assert!(
            report.failed == 0,
            "{name}.wast ({mode}): {} passed, {} failed\n{}",
            report.passed,
            report.failed,
            failures.join("\n")
        );
        assert!(report.passed > 0, "{name}.wast ({mode}) ran no command");
    }
}

macro_rules! spec_tests {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($file);
            }
        )*

        /// Every script of the suite has a test above.
        const FILES: &[&str] = &[$($file),*];
    };
}

spec_tests! {
    address => "address",
    align => "align",
    binary => "binary",
    binary_leb128 => "binary-leb128",
    block => "block",
    br => "br",
    br_if => "br_if",
    br_table => "br_table",
    bulk => "bulk",
    call => "call",
    call_indirect => "call_indirect",
    comments => "comments",
    const_ => "const",
    conversions => "conversions",
    custom => "custom",
    data => "data",
    elem => "elem",
    endianness => "endianness",
    exports => "exports",
    f32 => "f32",
    f32_bitwise => "f32_bitwise",
    f32_cmp => "f32_cmp",
    f64 => "f64",
    f64_bitwise => "f64_bitwise",
    f64_cmp => "f64_cmp",
    fac => "fac",
    float_exprs => "float_exprs",
    float_literals => "float_literals",
    float_memory => "float_memory",
    float_misc => "float_misc",
    forward => "forward",
    func => "func",
    func_ptrs => "func_ptrs",
    global => "global",
    i32 => "i32",
    i64 => "i64",
    if_ => "if",
    imports => "imports",
    inline_module => "inline-module",
    int_exprs => "int_exprs",
    int_literals => "int_literals",
    labels => "labels",
    left_to_right => "left-to-right",
    linking => "linking",
    load => "load",
    local_get => "local_get",
    local_set => "local_set",
    local_tee => "local_tee",
    loop_ => "loop",
    memory => "memory",
    memory_copy => "memory_copy",
    memory_fill => "memory_fill",
    memory_grow => "memory_grow",
    memory_init => "memory_init",
    memory_redundancy => "memory_redundancy",
    memory_size => "memory_size",
    memory_trap => "memory_trap",
    names => "names",
    nop => "nop",
    obsolete_keywords => "obsolete-keywords",
    ref_func => "ref_func",
    ref_is_null => "ref_is_null",
    ref_null => "ref_null",
    return_ => "return",
    select => "select",
    skip_stack_guard_page => "skip-stack-guard-page",
    stack => "stack",
    start => "start",
    store => "store",
    switch => "switch",
    table => "table",
    table_sub => "table-sub",
    table_copy => "table_copy",
    table_fill => "table_fill",
    table_get => "table_get",
    table_grow => "table_grow",
    table_init => "table_init",
    table_set => "table_set",
    table_size => "table_size",
    token => "token",
    traps => "traps",
    type_ => "type",
    unreachable => "unreachable",
    unreached_invalid => "unreached-invalid",
    unreached_valid => "unreached-valid",
    unwind => "unwind",
    utf8_custom_section_id => "utf8-custom-section-id",
    utf8_import_field => "utf8-import-field",
    utf8_import_module => "utf8-import-module",
    utf8_invalid_encoding => "utf8-invalid-encoding",
}

#[test]
fn every_script_in_the_suite_has_a_test() {
    let dir = suite_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("spec suite {} cannot be read ({e})", dir.display()));
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_suffix(".wast").map(str::to_string))
        .collect();
    found.sort();
    let mut listed: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "the suite's scripts and the tests differ");
}
