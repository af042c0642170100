//! Decode, validate and translate: any bytes, or a generated module with
//! features Iris does and does not support. Iris must never panic, must
//! accept exactly the modules wasmparser validates under Iris's features,
//! except where one of its configured limits refuses a module, and must
//! give the same answer translating every function at load and only
//! validating (lazy translation).

use arbitrary::Unstructured;
use engine::{Config, Engine, ErrorKind, Module};

/// The features Iris implements (Wasm 2.0 without SIMD), as wasmparser
/// names them.
fn iris_features() -> wasmparser::WasmFeatures {
    wasmparser::WasmFeatures::WASM2 & !wasmparser::WasmFeatures::SIMD
}

/// A module from wasm-smith with features chosen by `u`, supported or not.
fn generated(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    config.max_funcs = config.max_funcs.min(20);
    config.max_instructions = config.max_instructions.min(500);
    config.max_memory32_bytes = config.max_memory32_bytes.min(1 << 24);
    config.max_table_elements = config.max_table_elements.min(10_000);
    config.max_type_size = config.max_type_size.min(200);
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

/// The target.
///
/// # Errors
///
/// A module Iris and wasmparser disagree on.
pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
    let raw = u.arbitrary::<bool>().unwrap_or(true);
    let metering = u.arbitrary::<bool>().unwrap_or(false);
    let bytes = if raw {
        u.bytes(u.len()).unwrap_or_default().to_vec()
    } else {
        match generated(u) {
            Ok(bytes) => bytes,
            Err(_) => return Ok(()),
        }
    };
    let mut config = Config::default();
    config.consume_fuel(metering).lazy_translation(false);
    let engine = Engine::new(&config);
    let iris = Module::new(&engine, &bytes);
    config.lazy_translation(true);
    let lazy = Module::new(&Engine::new(&config), &bytes);
    if iris.as_ref().err().map(ToString::to_string) != lazy.as_ref().err().map(ToString::to_string)
    {
        return Err(format!(
            "eager and lazy translation disagree ({} bytes): {:?} against {:?}",
            bytes.len(),
            iris.as_ref().err().map(ToString::to_string),
            lazy.as_ref().err().map(ToString::to_string)
        ));
    }
    let valid = wasmparser::Validator::new_with_features(iris_features())
        .validate_all(&bytes)
        .is_ok();
    match (&iris, valid) {
        (Ok(_), true) | (Err(_), false) => Ok(()),
        (Err(e), true) if matches!(e.kind(), ErrorKind::Limit(_)) => Ok(()),
        (Err(e), true) => Err(format!(
            "Iris rejects a module wasmparser validates ({} bytes): {e}",
            bytes.len()
        )),
        (Ok(_), false) => Err(format!(
            "Iris accepts a module wasmparser rejects ({} bytes)",
            bytes.len()
        )),
    }
}
