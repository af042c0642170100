//! The metering injector: what it refuses and what it writes.

use ewasm_host::{inject_metering, InjectError, InjectOptions};

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("test module parses")
}

#[test]
fn the_injected_module_imports_use_gas_last_and_validates() {
    let input = wasm(
        r#"(module (import "ethereum" "finish" (func (param i32 i32)))
            (memory 1) (func (export "main") (call 1)) (func))"#,
    );
    let output = inject_metering(&input, &InjectOptions::default()).unwrap();
    let features = wasmparser::WasmFeatures::WASM2.difference(wasmparser::WasmFeatures::SIMD);
    wasmparser::Validator::new_with_features(features)
        .validate_all(&output)
        .expect("the output is valid");
    let engine = engine::Engine::default();
    let module = engine::Module::new(&engine, &output).unwrap();
    let imports: Vec<(String, String)> = module
        .imports()
        .map(|i| (i.module.to_string(), i.name.to_string()))
        .collect();
    assert_eq!(
        imports,
        [
            ("ethereum".to_string(), "finish".to_string()),
            ("ethereum".to_string(), "useGas".to_string())
        ]
    );
}

#[test]
fn a_module_that_already_imports_use_gas_is_refused() {
    let input = wasm(r#"(module (import "ethereum" "useGas" (func (param i64))))"#);
    assert_eq!(
        inject_metering(&input, &InjectOptions::default()),
        Err(InjectError::AlreadyMetered)
    );
}

#[test]
fn floating_point_is_refused_unless_allowed() {
    let input = wasm(r#"(module (func (result f32) (f32.add (f32.const 1) (f32.const 2))))"#);
    assert!(matches!(
        inject_metering(&input, &InjectOptions::default()),
        Err(InjectError::FloatingPoint(_))
    ));
    let allowed = InjectOptions {
        allow_floats: true,
        ..InjectOptions::default()
    };
    assert!(inject_metering(&input, &allowed).is_ok());
}

#[test]
fn float_loads_stores_and_reinterpretations_are_allowed() {
    let input = wasm(
        r#"(module (memory 1) (func (param i32)
            (f32.store (i32.const 0) (f32.reinterpret_i32 (local.get 0)))
            (drop (i32.reinterpret_f32 (f32.load (i32.const 0))))))"#,
    );
    assert!(inject_metering(&input, &InjectOptions::default()).is_ok());
}

#[test]
fn an_invalid_module_is_refused() {
    assert!(matches!(
        inject_metering(b"\0asm\x01\0\0\0\x01", &InjectOptions::default()),
        Err(InjectError::Invalid(_))
    ));
}

#[test]
fn a_module_without_types_or_imports_gets_both() {
    let input = wasm("(module (memory 1))");
    let output = inject_metering(&input, &InjectOptions::default()).unwrap();
    let engine = engine::Engine::default();
    let module = engine::Module::new(&engine, &output).unwrap();
    assert_eq!(module.imports().len(), 1);
}
