//! Why a contract failed, as `iris run`, `iris profile` and
//! `iris statetest` print it (and `--json` carries it), from the real
//! binary. The reason never changes status or gas.

mod common;

use common::{iris_in as iris, text};

use std::path::{Path, PathBuf};

/// Writes `source` as `name` in `dir`.
fn contract(dir: &Path, name: &str, source: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, source).expect("the contract is written");
    path
}

/// The binary offset of the one operator of defined function `defined` of
/// the module `source` (WAT) for which `pick` holds, read with wasmparser.
fn offset_in(
    source: &str,
    defined: usize,
    pick: impl Fn(&wasmparser::Operator<'_>) -> bool,
) -> u32 {
    let code = wat::parse_str(source).expect("WAT");
    let body = wasmparser::Parser::new(0)
        .parse_all(&code)
        .filter_map(|p| match p.expect("decodes") {
            wasmparser::Payload::CodeSectionEntry(body) => Some(body),
            _ => None,
        })
        .nth(defined)
        .expect("the function");
    let mut reader = body.get_operators_reader().expect("operators");
    let mut found = Vec::new();
    while !reader.eof() {
        let offset = reader.original_position();
        if pick(&reader.read().expect("an operator")) {
            found.push(u32::try_from(offset).expect("small"));
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found[0]
}

/// A contract whose `main` calls `$divide` with 0.
const DIVIDES: &str = r#"(module (memory (export "memory") 1)
            (func $divide (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
            (func (export "main") (drop (call $divide (i32.const 0)))))"#;

/// The offset of the division of [`DIVIDES`].
fn division() -> u32 {
    offset_in(DIVIDES, 0, |op| matches!(op, wasmparser::Operator::I32DivU))
}

/// `iris run --json FILE`: the one object it prints.
fn run_json(dir: &Path, file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", "--json"];
    args.extend_from_slice(extra);
    args.push(file);
    let out = iris(dir, &args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

#[test]
fn broken_contract_rules_are_named_with_their_export_or_import() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let cases = [
        (
            "extra.wat",
            r#"(module (memory (export "memory") 1) (func (export "main")) (func (export "helper")))"#,
            "extra-export",
            "helper",
            "a contract exports only `main` and `memory`, not `helper`",
        ),
        (
            "unknown.wat",
            r#"(module (import "ethereum" "getTimestamp" (func (result i64)))
                (memory (export "memory") 1) (func (export "main")))"#,
            "unknown-import",
            "getTimestamp",
            "`getTimestamp` is not an EEI function",
        ),
        (
            "foreign.wat",
            r#"(module (import "env" "abort" (func))
                (memory (export "memory") 1) (func (export "main")))"#,
            "foreign-import",
            "env.abort",
            "import `env.abort` is from a foreign module",
        ),
        (
            "signature.wat",
            r#"(module (import "ethereum" "getCaller" (func (param i64)))
                (memory (export "memory") 1) (func (export "main")))"#,
            "import-type",
            "getCaller",
            "`getCaller` is imported with the wrong type",
        ),
        (
            "nomain.wat",
            r#"(module (memory (export "memory") 1) (func))"#,
            "main",
            "main",
            "a contract must export `main: [] -> []`",
        ),
    ];
    for (name, source, rule, item, message) in cases {
        contract(d, name, source);
        let json = run_json(d, name, &[]);
        assert_eq!(
            json["status"], "ContractValidationFailure",
            "{name}: {json}"
        );
        assert_eq!(json["gas_used"], 10_000_000, "{name}: all the gas");
        let error = &json["error"];
        assert_eq!(error["kind"], "contract-rule", "{name}: {json}");
        assert_eq!(error["rule"], rule, "{name}: {json}");
        assert_eq!(error["item"], item, "{name}: {json}");
        let shown = error["message"].as_str().expect("a message");
        assert!(shown.contains(message), "{name}: {shown}");
        let out = iris(d, &["run", name]);
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("call: reason contract rule broken: {message}")),
            "{name}: {stdout}"
        );
        // A broken rule is a contract failure in the exit table.
        assert_eq!(out.status.code(), Some(3), "{name}");
    }
}

#[test]
fn floating_point_under_metering_is_refused_at_its_offset() {
    let dir = tempfile::tempdir().expect("scratch");
    contract(
        dir.path(),
        "float.wat",
        r#"(module (memory (export "memory") 1)
            (func (export "main") (drop (f32.add (f32.const 1) (f32.const 2)))))"#,
    );
    let json = run_json(dir.path(), "float.wat", &[]);
    assert_eq!(json["error"]["rule"], "floating-point", "{json}");
    assert!(
        json["error"]["offset"].as_u64().is_some_and(|o| o > 0),
        "{json}"
    );
    // Without metering floats are allowed: the same code succeeds.
    let json = run_json(dir.path(), "float.wat", &["--metering=false"]);
    assert_eq!(json["status"], "Success");
    assert!(json["error"].is_null());
}

#[test]
fn a_trap_names_its_function_and_offset_and_an_eei_failure_its_function_and_range() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    contract(d, "div.wat", DIVIDES);
    let div = division();
    let json = run_json(d, "div.wat", &[]);
    assert_eq!(json["status"], "Failure");
    assert_eq!(json["error"]["kind"], "trap");
    assert_eq!(json["error"]["function"]["index"], 0);
    assert_eq!(json["error"]["function"]["name"], "divide");
    assert_eq!(json["error"]["offset"], div, "{json}");
    let message =
        format!("trap: integer divide by zero in function 0 `divide` at code offset {div:#x}");
    assert_eq!(json["error"]["message"], message.as_str());
    let out = iris(d, &["run", "div.wat"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l == format!("call: reason {message}")),
        "{stdout}"
    );
    const COPY: &str = r#"(module
            (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
            (memory (export "memory") 1)
            (func (export "main") (call $callDataCopy (i32.const 65530) (i32.const 0) (i32.const 32))))"#;
    contract(d, "copy.wat", COPY);
    let call = offset_in(COPY, 0, |op| {
        matches!(op, wasmparser::Operator::Call { .. })
    });
    let input = format!("0x{}", "00".repeat(32));
    let json = run_json(d, "copy.wat", &["--input", &input]);
    assert_eq!(json["status"], "InvalidMemoryAccess");
    assert_eq!(json["error"]["kind"], "eei");
    assert_eq!(json["error"]["host_function"], "callDataCopy");
    assert_eq!(json["error"]["function"]["name"], "main");
    assert_eq!(
        json["error"]["offset"], call,
        "the call of the EEI function: {json}"
    );
    let message = json["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("offset 65530, length 32")
            && message.contains("outside memory of 65536 bytes"),
        "{message}"
    );
    // The source buffer too: 32 bytes of call data asked for, none given.
    let json = run_json(d, "copy.wat", &[]);
    let message = json["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("the source buffer of 0 bytes"),
        "{message}"
    );
}

#[test]
fn out_of_gas_says_where() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    const SPIN: &str = r#"(module (memory (export "memory") 1)
            (func $spin (loop $l (br $l)))
            (func (export "main") (call $spin)))"#;
    contract(d, "spin.wat", SPIN);
    // The loop's metering block, charged at the `loop`, is where gas runs
    // out.
    let the_loop = offset_in(SPIN, 0, |op| {
        matches!(op, wasmparser::Operator::Loop { .. })
    });
    let json = run_json(d, "spin.wat", &["--gas", "1000000"]);
    assert_eq!(json["status"], "OutOfGas");
    assert_eq!(json["gas_used"], 1_000_000);
    assert_eq!(json["error"]["kind"], "out-of-gas");
    assert_eq!(
        json["error"]["message"],
        format!("out of gas in function 0 `spin` at code offset {the_loop:#x}").as_str()
    );
    assert_eq!(json["error"]["offset"], the_loop);
    let json = run_json(d, "spin.wat", &["--gas", "10"]);
    assert_eq!(
        json["error"]["message"]
            .as_str()
            .map(|m| m.starts_with("out of gas paying for the code")),
        Some(true),
        "{json}"
    );
    contract(
        d,
        "use.wat",
        r#"(module (import "ethereum" "useGas" (func $useGas (param i64)))
            (memory (export "memory") 1)
            (func (export "main") (call $useGas (i64.const 100000000))))"#,
    );
    let json = run_json(d, "use.wat", &[]);
    assert_eq!(json["error"]["host_function"], "useGas", "{json}");
}

#[test]
fn profile_prints_the_reason_and_carries_it_in_json() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    contract(d, "div.wat", DIVIDES);
    let div = division();
    let out = iris(d, &["profile", "div.wat"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "reason: trap: integer divide by zero in function 0 `divide` at code offset {div:#x}\n"
        )),
        "{stdout}"
    );
    let out = iris(d, &["profile", "--json", "div.wat"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["error"]["kind"], "trap");
    assert_eq!(json["error"]["function"]["name"], "divide");
    assert_eq!(json["error"]["offset"], div);
}

/// A state test whose transaction calls a contract that divides by zero,
/// with a post-state hash that cannot match: the failure line is followed
/// by the reason.
const VECTOR: &str = r#"{
  "divides": {
    "env": {
      "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
      "currentDifficulty": "0x020000",
      "currentGasLimit": "0x05f5e100",
      "currentNumber": "0x01",
      "currentTimestamp": "0x03e8",
      "previousHash": "0x5e20a0453cecd065ea59c37ac63e079ee08998b6045136a8ce6635c7912ec0b6"
    },
    "pre": {
      "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": {
        "balance": "0x0de0b6b3a7640000", "code": "0x", "nonce": "0x00", "storage": {}
      },
      "0x1000000000000000000000000000000000000001": {
        "balance": "0x00", "code": "CODE", "nonce": "0x00", "storage": {}
      }
    },
    "post": {
      "Byzantium": [
        {
          "hash": "0x0000000000000000000000000000000000000000000000000000000000000000",
          "indexes": { "data": 0, "gas": 0, "value": 0 },
          "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        }
      ]
    },
    "transaction": {
      "data": ["0x"],
      "gasLimit": ["0x0f4240"],
      "gasPrice": "0x01",
      "nonce": "0x00",
      "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
      "to": "0x1000000000000000000000000000000000000001",
      "value": ["0x00"]
    }
  }
}"#;

#[test]
fn a_failing_state_test_prints_why_its_transaction_failed() {
    let dir = tempfile::tempdir().expect("scratch");
    let code = wat::parse_str(DIVIDES).expect("WAT");
    let vector = VECTOR.replace("CODE", &format!("0x{}", ewasm_host::hex::encode(&code)));
    std::fs::write(dir.path().join("divides.json"), vector).expect("vector");
    let out = iris(dir.path(), &["statetest", "divides.json"]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let fail = lines
        .iter()
        .position(|l| l.contains("divides") && l.contains("FAIL"))
        .unwrap_or_else(|| panic!("a failure line: {stdout}"));
    let reason = format!(
        "reason: trap: integer divide by zero in function 0 `divide` at code offset {:#x}",
        division()
    );
    assert_eq!(
        lines.get(fail + 1).map(|l| l.trim()),
        Some(reason.as_str()),
        "{stdout}"
    );
    assert!(!out.status.success());
}
