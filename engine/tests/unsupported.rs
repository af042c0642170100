//! Modules beyond WebAssembly 2.0 (without SIMD) are refused with
//! [`ErrorKind::Unsupported`] naming the feature they need; modules that
//! are invalid in every version get the validator's error.

use engine::{Engine, ErrorKind, Module};

fn error_of(wat: &str) -> engine::Error {
    let bytes = wat::parse_str(wat).expect("well-formed text");
    Module::new(&Engine::default(), &bytes).expect_err("refused")
}

#[test]
fn each_feature_beyond_wasm_2_is_named() {
    for (feature, wat) in [
        ("SIMD", "(module (func (drop (v128.const i64x2 0 0))))"),
        ("SIMD", "(module (func (param v128)))"),
        ("tail calls", "(module (func $f (return_call $f)))"),
        (
            "threads",
            "(module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))",
        ),
        ("memory64", "(module (memory i64 1))"),
        ("multi-memory", "(module (memory 1) (memory 1))"),
        ("exception handling", "(module (tag $t) (func (throw $t)))"),
        (
            "extended constant expressions",
            "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
        ),
        (
            "typed function references",
            "(module (type $t (func)) (func (param (ref $t))))",
        ),
        (
            "garbage collection",
            "(module (type $s (struct)) (func (drop (struct.new $s))))",
        ),
    ] {
        let error = error_of(wat);
        assert!(
            matches!(error.kind(), ErrorKind::Unsupported { .. }),
            "{feature}: {error}"
        );
        assert!(
            error
                .to_string()
                .contains(&format!("{feature} is not supported")),
            "{feature}: {error}"
        );
    }
}

#[test]
fn a_module_invalid_in_every_version_is_a_validation_error() {
    let error = error_of("(module (func (result i32) (i64.const 1)))");
    let ErrorKind::Validate { offset, message } = error.kind() else {
        panic!("not a validation error: {error}");
    };
    assert!(*offset > 0);
    assert!(message.contains("type mismatch"), "{message}");
}

#[test]
fn a_malformed_binary_is_a_decoding_error() {
    let bytes = b"\0asm\x01\0\0\0\x01\x05\x01\x60";
    let error = Module::new(&Engine::default(), bytes).expect_err("truncated");
    assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{error}");
}

#[test]
fn a_bad_immediate_that_holds_the_simd_prefix_byte_is_no_simd() {
    // `i32.const` whose 5-byte LEB immediate ends in 0xfd (the SIMD
    // prefix's value, as a continuation byte): malformed, not SIMD.
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type () -> ()
    bytes.extend([0x03, 0x02, 0x01, 0x00]); // one function of type 0
    let body = [0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0xfd, 0x1a, 0x0b];
    bytes.extend([0x0a, 2 + body.len() as u8, 0x01, body.len() as u8]);
    bytes.extend(body);
    let error = Module::new(&Engine::default(), &bytes).expect_err("malformed");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Decode { .. } | ErrorKind::Validate { .. }
        ),
        "{error}"
    );
    // A SIMD operator (`v128.const 0; drop`) in the same place is SIMD.
    let mut simd = b"\0asm\x01\0\0\0".to_vec();
    simd.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
    simd.extend([0x03, 0x02, 0x01, 0x00]);
    let mut body = vec![0x00, 0xfd, 0x0c];
    body.extend([0; 16]);
    body.extend([0x1a, 0x0b]);
    simd.extend([0x0a, 2 + body.len() as u8, 0x01, body.len() as u8]);
    simd.extend(body);
    let error = Module::new(&Engine::default(), &simd).expect_err("SIMD");
    assert!(
        matches!(error.kind(), ErrorKind::Unsupported { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("SIMD"), "{error}");
}
