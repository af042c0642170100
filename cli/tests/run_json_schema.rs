//! `iris run --json` prints exactly one object per invocation, and every
//! object it prints (calls, creates, successes, reverts, failures of each
//! kind, logs) is valid against `docs/schema/run-output.json`.

mod common;

use std::path::Path;

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/run-output.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema file"))
            .expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Runs `iris run --json ARGS` in `dir`; the one line it prints.
fn run(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = common::iris_in(dir, &[&["run", "--json"], args].concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "one object for {args:?}: {stdout}"
    );
    serde_json::from_str(&stdout).expect("JSON")
}

const LOGGER: &str = r#"(module
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello")
  (func (export "main")
    (call $log (i32.const 0) (i32.const 5) (i32.const 1)
      (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 0))))"#;

#[test]
fn every_kind_of_run_prints_one_object_valid_against_the_schema() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let contracts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    let registry = contracts.join("registry.wat").display().to_string();
    std::fs::write(d.join("bad.json"), "{ not json").expect("bad state");
    let reverter = contracts.join("reverter.wat").display().to_string();
    std::fs::write(d.join("logger.wat"), LOGGER).expect("logger");
    std::fs::write(
        d.join("extra.wat"),
        r#"(module (memory (export "memory") 1) (func (export "main")) (func (export "x")))"#,
    )
    .expect("extra");
    std::fs::write(
        d.join("div.wat"),
        r#"(module (memory (export "memory") 1)
            (func (export "main") (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#,
    )
    .expect("div");
    std::fs::write(
        d.join("copy.wat"),
        r#"(module (import "ethereum" "callDataCopy" (func $c (param i32 i32 i32)))
            (memory (export "memory") 1)
            (func (export "main") (call $c (i32.const 0) (i32.const 0) (i32.const 8))))"#,
    )
    .expect("copy");
    let create = run(d, &["--create", "--state", "s.json", &registry]);
    let address = create["address"].as_str().expect("address").to_string();
    let outputs = vec![
        create,
        run(d, &["--create", "extra.wat"]),
        run(
            d,
            &[
                "--state",
                "s.json",
                "--address",
                &address,
                "--input",
                "0x01",
            ],
        ),
        run(d, &["--state", "s.json", "--address", &address]),
        run(d, &["logger.wat"]),
        run(d, &[&reverter]),
        run(d, &["extra.wat"]),
        run(d, &["div.wat"]),
        run(d, &["copy.wat"]),
        run(d, &["--gas", "5", "div.wat"]),
        // Errors: nothing ran, and the object says why.
        run(d, &["missing.wasm"]),
        run(d, &["--input", "0xz", "logger.wat"]),
        run(d, &["--state", "bad.json", "logger.wat"]),
        run(d, &["--state", "/nonexistent/iris/s.json", "logger.wat"]),
        run(d, &["--gas", "-1", "logger.wat"]),
        run(d, &["--create", "--address", &address, "logger.wat"]),
    ];
    let validator = schema();
    for output in &outputs {
        let errors: Vec<String> = validator
            .iter_errors(output)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{output}: {errors:?}");
    }
    // What the objects say, beyond their shape.
    assert_eq!(outputs[0]["step"], "create");
    assert!(outputs[0]["code_size"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(outputs[1]["error"]["rule"], "extra-export");
    assert!(
        outputs[1]["address"].is_null(),
        "a failed create made nothing"
    );
    assert_eq!(outputs[2]["status"], "Revert");
    assert!(outputs[2]["error"].is_null(), "a revert is no failure");
    assert_eq!(outputs[4]["logs"][0]["data"], "0x68656c6c6f");
    for (i, kind) in [
        (6, "contract-rule"),
        (7, "trap"),
        (8, "eei"),
        (9, "out-of-gas"),
    ] {
        assert_eq!(outputs[i]["error"]["kind"], kind, "{}", outputs[i]);
    }
    assert_eq!(outputs[7]["error"]["trap"], "integer-divide-by-zero");
    for (i, kind) in [
        (10, "input"),
        (11, "usage"),
        (12, "input"),
        (13, "input"),
        (14, "usage"),
        (15, "usage"),
    ] {
        assert!(outputs[i]["status"].is_null(), "{}", outputs[i]);
        assert_eq!(outputs[i]["error"]["kind"], kind, "{}", outputs[i]);
    }
    // A value the schema refuses is refused: the check can fail.
    let mut broken = outputs[7].clone();
    broken["error"]["kind"] = "explosion".into();
    assert!(!validator.is_valid(&broken));
}
