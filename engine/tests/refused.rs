//! `Config::refuse_operators`: an embedder's ban on operators, enforced
//! while the code is validated and translated.

use engine::{Config, Engine, ErrorKind, Module, Opcode, OpcodeSet};

/// Two functions; the second holds an `f64.add` in code that never runs.
const FLOAT_IN_DEAD_CODE: &str = r#"
    (module
      (func (export "f") (result i32) (i32.const 1))
      (func (result f64)
        (return (f64.const 0))
        (f64.add (f64.const 1) (f64.const 2))))
"#;

fn engine_refusing(ops: &[Opcode]) -> Engine {
    let mut config = Config::default();
    config.refuse_operators(ops.iter().copied().collect());
    Engine::new(&config)
}

#[test]
fn a_refused_operator_is_named_with_its_offset_even_in_dead_code() {
    let bytes = wat::parse_str(FLOAT_IN_DEAD_CODE).expect("valid text");
    let engine = engine_refusing(&[Opcode::F64Add, Opcode::F32Add]);
    let error = Module::new(&engine, &bytes).expect_err("f64.add is refused");
    let ErrorKind::RefusedOperator { offset, opcode } = *error.kind() else {
        panic!("not a refusal: {error}");
    };
    assert_eq!(opcode, Opcode::F64Add);
    assert_eq!(bytes[offset as usize], 0xa0, "f64.add's opcode byte");
    assert_eq!(
        error.to_string(),
        format!("operator `f64.add` at byte {offset:#x} is refused")
    );
}

#[test]
fn the_first_refused_operator_in_the_binary_is_the_one_named() {
    let bytes = wat::parse_str(FLOAT_IN_DEAD_CODE).expect("valid text");
    let engine = engine_refusing(&[Opcode::F64Add, Opcode::F64Const]);
    let error = Module::new(&engine, &bytes).expect_err("f64.const is refused");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::RefusedOperator {
                opcode: Opcode::F64Const,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_module_without_refused_operators_compiles_and_runs() {
    let bytes = wat::parse_str(FLOAT_IN_DEAD_CODE).expect("valid text");
    for engine in [
        Engine::default(),
        engine_refusing(&[Opcode::I64Add, Opcode::MemoryGrow]),
    ] {
        let module = Module::new(&engine, &bytes).expect("nothing refused");
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("instantiates");
        let f = instance
            .get_func(&store, "f")
            .expect("exported")
            .typed::<(), i32>(&store)
            .expect("() -> i32");
        assert_eq!(f.call(&mut store, ()).expect("runs"), 1);
    }
}

#[test]
fn invalid_code_is_invalid_before_any_refusal_is_considered() {
    // `f64.add` on i32 operands: the validator's error, not a refusal.
    let bytes = wat::parse_str("(module (func (drop (f64.add (i32.const 1) (i32.const 2)))))")
        .expect("well-formed text");
    let engine = engine_refusing(&[Opcode::F64Add]);
    let error = Module::new(&engine, &bytes).expect_err("invalid");
    assert!(
        matches!(error.kind(), ErrorKind::Validate { .. }),
        "{error}"
    );
}

#[test]
fn sets_hold_what_was_inserted() {
    let mut set = OpcodeSet::EMPTY;
    assert!(set.is_empty());
    set.insert(Opcode::TableGet);
    let both = set.union([Opcode::Unreachable].into_iter().collect());
    assert_eq!(
        both.iter().collect::<Vec<_>>(),
        [Opcode::Unreachable, Opcode::TableGet]
    );
    assert!(!set.contains(Opcode::Unreachable));
    assert!(Opcode::ALL.iter().all(|&op| !OpcodeSet::EMPTY.contains(op)));
    let all: OpcodeSet = Opcode::ALL.iter().copied().collect();
    assert_eq!(all.iter().count(), Opcode::ALL.len());
}
