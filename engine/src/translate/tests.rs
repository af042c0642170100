use wasmparser::{Parser, Payload, ValidPayload, Validator, WasmFeatures};

use super::*;
use crate::module::FEATURES;

/// A module of functions without parameters or results, unmetered.
struct Env;

impl ModuleEnv for Env {
    fn func_arity(&self, _func: u32) -> (u32, u32) {
        (0, 0)
    }
    fn type_arity(&self, _ty: u32) -> (u32, u32) {
        (0, 0)
    }
    fn type_id(&self, _ty: u32) -> u32 {
        0
    }
    fn num_imported_funcs(&self) -> u32 {
        0
    }
    fn profiling(&self) -> bool {
        false
    }
    fn code_start(&self) -> u64 {
        0
    }
    fn cost_model(&self) -> Option<&dyn CostModel> {
        None
    }
    fn refused(&self) -> crate::OpcodeSet {
        crate::OpcodeSet::EMPTY
    }
}

/// Validates `wat` with the engine's features plus `extra`, as if the
/// engine had enabled them, and translates its one function.
fn translate_with(extra: WasmFeatures, wat: &str) -> Result<CompiledFunc, Error> {
    let bytes = wat::parse_str(wat).expect("valid text");
    let mut validator = Validator::new_with_features(FEATURES | extra);
    for payload in Parser::new(0).parse_all(&bytes) {
        let payload = payload.expect("decodes");
        if let ValidPayload::Func(func, body) = validator.payload(&payload).expect("valid") {
            let mut func = func.into_validator(Default::default());
            let mut budget = Budget {
                code: u64::MAX,
                work: u64::MAX,
            };
            let mut scratch = Scratch::default();
            return translate(&Env, 0, &mut func, &body, &mut budget, &mut scratch);
        }
    }
    panic!("no function in {wat}")
}

/// The binary offset of the first operator of `wat`'s function body that
/// `pick` selects.
fn offset_of(wat: &str, pick: impl Fn(&Operator<'_>) -> bool) -> u64 {
    let bytes = wat::parse_str(wat).expect("valid text");
    for payload in Parser::new(0).parse_all(&bytes) {
        if let Payload::CodeSectionEntry(body) = payload.expect("decodes") {
            let mut reader = body.get_operators_reader().expect("operators");
            while !reader.eof() {
                let (op, offset) = reader.read_with_offset().expect("an operator");
                if pick(&op) {
                    return offset;
                }
            }
        }
    }
    panic!("no such operator in {wat}")
}

#[test]
fn an_operator_the_translator_does_not_know_is_refused_by_name() {
    // Tail calls are not WebAssembly 2.0: a validator that admitted them
    // would hand the translator an operator it has no translation for.
    for wat in [
        "(module (func $f (return_call $f)))",
        // In unreachable code too, where nothing is emitted.
        "(module (func $f (unreachable) (return_call $f)))",
    ] {
        let err = translate_with(WasmFeatures::TAIL_CALL, wat).expect_err(wat);
        let offset = offset_of(wat, |op| matches!(op, Operator::ReturnCall { .. }));
        match err.kind() {
            ErrorKind::UnsupportedOperator {
                offset: at,
                operator,
            } => {
                assert_eq!((operator.as_str(), *at), ("return_call", offset), "{wat}");
            }
            other => panic!("{wat}: {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            format!("unsupported operator `return_call` at byte {offset:#x}")
        );
    }
}

#[test]
fn the_same_function_without_it_translates() {
    let wat = "(module (func $f (call $f)))";
    let func = translate_with(WasmFeatures::TAIL_CALL, wat).expect("translates");
    assert!(!func.code.is_empty());
}

#[test]
fn a_branch_to_a_return_is_that_return() {
    // The `then` arm ends with a branch past the `else` arm, to the
    // function's end: it returns there instead. A branch that does not
    // reach a return (the loop's back edge) stays.
    let wat = "(module (func (local i32)
        (if (local.get 0)
            (then (local.set 0 (i32.const 1)))
            (else (local.set 0 (i32.const 2))))))";
    let func = translate_with(WasmFeatures::empty(), wat).expect("translates");
    let instrs: Vec<Instr> = func.code.iter().map(|op| op.instr()).collect();
    assert!(
        !instrs.iter().any(|i| matches!(i, Instr::Br { .. })),
        "{instrs:?}"
    );
    let returns = instrs.iter().filter(|i| matches!(i, Instr::Return)).count();
    assert_eq!(returns, 2, "{instrs:?}");
    let wat = "(module (func (local i32)
        (block (loop
            (br_if 1 (local.get 0))
            (local.set 0 (i32.const 1))
            (br 0)))
        (local.set 0 (i32.const 3))))";
    let func = translate_with(WasmFeatures::empty(), wat).expect("translates");
    let instrs: Vec<Instr> = func.code.iter().map(|op| op.instr()).collect();
    assert!(
        instrs.iter().any(|i| matches!(i, Instr::Br { .. })),
        "{instrs:?}"
    );
}
