//! Why a call failed, as a session reports it: the contract rule, the
//! trap, the EEI function, where gas ran out, code too short to be Wasm,
//! deployed code that breaks a rule. The reason changes nothing else.

use std::sync::Arc;

use ewasm_host::{
    ContractError, EeiError, ExecConfig, Executor, FailureReason, GasSite, Status, U256,
};
use state::run::{Call, CallReport, Session};
use state::Runner;

fn runner() -> Arc<dyn Runner> {
    Arc::new(Executor::new(ExecConfig::default()).expect("an executor"))
}

fn call(code: Vec<u8>, input: Vec<u8>) -> CallReport {
    Session::new(code, runner()).call(&Call {
        input,
        gas: 1_000_000,
        value: U256::zero(),
    })
}

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("valid text")
}

/// The binary offset of the one operator of defined function `defined` of
/// `code` for which `pick` holds, read with wasmparser.
fn offset_in(code: &[u8], defined: usize, pick: impl Fn(&wasmparser::Operator<'_>) -> bool) -> u32 {
    let body = wasmparser::Parser::new(0)
        .parse_all(code)
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

#[test]
fn a_broken_rule_keeps_its_kind_and_where() {
    let report = call(
        wat(
            r#"(module (memory (export "memory") 1) (func (export "main")) (func (export "extra")))"#,
        ),
        Vec::new(),
    );
    assert_eq!(report.status, Status::ContractValidationFailure);
    assert_eq!(report.gas_used, 1_000_000, "the reason takes nothing off");
    assert_eq!(
        report.reason,
        Some(FailureReason::Contract(ContractError::ExtraExport(
            "extra".into()
        )))
    );
    let report = call(
        wat(r#"(module (import "ethereum" "useGas" (func (param i32)))
               (memory (export "memory") 1) (func (export "main")))"#),
        Vec::new(),
    );
    match report.reason {
        Some(FailureReason::Contract(ContractError::ImportType { name, found })) => {
            assert_eq!(name, "useGas");
            assert!(found.contains("i32"), "{found}");
        }
        other => panic!("{other:?}"),
    }
    // A memory section (id 5) claiming 0x67 bytes, of which 7 follow.
    let truncated = b"\0asm\x01\0\0\0\x05garbage".to_vec();
    let report = call(truncated, Vec::new());
    match report.reason {
        Some(FailureReason::Contract(ContractError::Invalid { offset, message })) => {
            assert_eq!(offset, Some(10), "{message}");
            assert!(message.contains("end-of-file"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn code_over_the_size_limit_is_refused_with_its_size() {
    let mut code = wat(r#"(module (memory (export "memory") 1) (func (export "main")))"#);
    // A custom section pads the module past 256 KiB.
    let pad = 300 * 1024;
    code.push(0);
    let mut size = pad + 2;
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        code.push(if size == 0 { byte } else { byte | 0x80 });
        if size == 0 {
            break;
        }
    }
    code.extend_from_slice(&[1, b'x']);
    code.extend(std::iter::repeat_n(0u8, pad - 1));
    let report = Session::new(code.clone(), runner()).call(&Call {
        input: Vec::new(),
        gas: 10_000_000,
        value: U256::zero(),
    });
    assert_eq!(report.status, Status::ContractValidationFailure);
    assert_eq!(
        report.reason,
        Some(FailureReason::Contract(ContractError::TooLarge {
            size: code.len(),
            max: 256 * 1024
        }))
    );
}

#[test]
fn code_with_the_wasm_magic_too_short_for_a_module_says_it_is_not_wasm() {
    let report = call(b"\0asm".to_vec(), Vec::new());
    assert_eq!(report.status, Status::Failure);
    assert_eq!(report.reason, Some(FailureReason::NotWasm));
}

#[test]
fn evm_code_runs_on_revm_and_gets_no_reason_from_iris() {
    // PUSH1 0, PUSH1 0, RETURN (then padding): a success on revm's EVM.
    let report = call(vec![0x60, 0x00, 0x60, 0x00, 0xf3, 0, 0, 0], Vec::new());
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.reason, None);
    // INVALID: revm's failure, which Iris never saw.
    let report = call(vec![0xfe], Vec::new());
    assert_eq!(report.status, Status::Failure);
    assert_eq!(report.reason, None);
}

#[test]
fn an_eei_failure_names_the_function_the_range_and_the_caller() {
    let code = wat(r#"(module
            (import "ethereum" "storageStore" (func $store (param i32 i32)))
            (memory (export "memory") 1)
            (func $save (call $store (i32.const 0) (i32.const 65535)))
            (func (export "main") (call $save)))"#);
    let call_store = offset_in(&code, 0, |op| {
        matches!(op, wasmparser::Operator::Call { function_index: 0 })
    });
    let report = call(code, Vec::new());
    assert_eq!(report.status, Status::InvalidMemoryAccess);
    match report.reason {
        Some(FailureReason::Eei {
            function,
            error,
            bounds: Some(bounds),
            caller: Some(caller),
        }) => {
            assert_eq!(function.as_deref(), Some("storageStore"));
            assert_eq!(error, EeiError::InvalidMemoryAccess);
            assert_eq!(
                (bounds.offset, bounds.len, bounds.in_memory),
                (65535, 32, true)
            );
            assert_eq!(caller.name.as_deref(), Some("save"));
            assert_eq!(caller.offset, Some(call_store), "the call of the import");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn out_of_gas_in_an_eei_function_names_it() {
    let code = wat(r#"(module
            (import "ethereum" "useGas" (func $useGas (param i64)))
            (memory (export "memory") 1)
            (func (export "main") (call $useGas (i64.const 5000000))))"#);
    let call_use_gas = offset_in(&code, 0, |op| {
        matches!(op, wasmparser::Operator::Call { .. })
    });
    let report = call(code, Vec::new());
    assert_eq!(report.status, Status::OutOfGas);
    match report.reason {
        Some(FailureReason::OutOfGas(GasSite::Host { function, caller })) => {
            assert_eq!(function, "useGas");
            assert_eq!(caller.as_ref().map(|c| c.index), Some(1));
            assert_eq!(caller.and_then(|c| c.offset), Some(call_use_gas));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_trap_and_out_of_gas_name_the_function_and_the_code_offset() {
    let code = wat(r#"(module
            (memory (export "memory") 1)
            (func $spin (loop $l (br $l)))
            (func $load (param i32) (result i32) (i32.load offset=8 (local.get 0)))
            (func (export "main")
              (drop (call $load (i32.const 65530)))))"#);
    let load = offset_in(&code, 1, |op| {
        matches!(op, wasmparser::Operator::I32Load { .. })
    });
    let report = call(code.clone(), Vec::new());
    assert_eq!(report.status, Status::Failure);
    match &report.reason {
        Some(FailureReason::Trap { code, at: Some(at) }) => {
            assert_eq!(code.message(), "out of bounds memory access");
            assert_eq!((at.index, at.name.as_deref()), (1, Some("load")));
            assert_eq!(at.offset, Some(load));
            let message = report.reason.as_ref().map(ToString::to_string);
            assert_eq!(
                message.as_deref(),
                Some(
                    format!(
                        "trap: out of bounds memory access in function 1 `load` at code offset {load:#x}"
                    )
                    .as_str()
                )
            );
        }
        other => panic!("{other:?}"),
    }
    // Gas runs out in the loop's metering block, charged at the `loop`.
    let spins = wat(r#"(module
            (memory (export "memory") 1)
            (func $spin (loop $l (br $l)))
            (func (export "main") (call $spin)))"#);
    let the_loop = offset_in(&spins, 0, |op| {
        matches!(op, wasmparser::Operator::Loop { .. })
    });
    let report = call(spins, Vec::new());
    assert_eq!(report.status, Status::OutOfGas);
    match report.reason {
        Some(FailureReason::OutOfGas(GasSite::Function(at))) => {
            assert_eq!(at.index, 0);
            assert_eq!(at.offset, Some(the_loop));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deployed_code_that_breaks_a_rule_is_named_as_such() {
    // Init code that returns a module exporting `extra` besides `main`.
    let child = wat(
        r#"(module (memory (export "memory") 1) (func (export "main")) (func (export "extra")))"#,
    );
    let bytes: String = child.iter().map(|b| format!("\\{b:02x}")).collect();
    let init = wat(&format!(
        r#"(module
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "{bytes}")
            (func (export "main") (call $finish (i32.const 0) (i32.const {}))))"#,
        child.len()
    ));
    let (_, report) = Session::create(init, 1_000_000, runner());
    assert_eq!(report.status, Status::ContractValidationFailure);
    assert_eq!(
        report.reason,
        Some(FailureReason::DeployedCode(ContractError::ExtraExport(
            "extra".into()
        )))
    );
    assert_eq!(report.created, None);
}

#[test]
fn success_and_revert_have_no_reason() {
    let report = call(
        wat(
            r#"(module (import "ethereum" "revert" (func $revert (param i32 i32)))
               (memory (export "memory") 1)
               (func (export "main") (call $revert (i32.const 0) (i32.const 0))))"#,
        ),
        Vec::new(),
    );
    assert_eq!(report.status, Status::Revert);
    assert_eq!(report.reason, None);
    let report = call(
        wat(r#"(module (memory (export "memory") 1) (func (export "main")))"#),
        Vec::new(),
    );
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.reason, None);
}
