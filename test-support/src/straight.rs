//! The 24 KiB straight-line contract of the cold-start benchmarks: one
//! long function of integer arithmetic that runs whole, so that lazy
//! translation cannot spare any of it and a cold call measures decoding,
//! validation and translation of every byte.

/// The contract: `main` repeats `x = x * 3 + 12345` 2,000 times, stores
/// `x` and finishes with it (about 24 KiB).
///
/// # Panics
///
/// If the text does not assemble (a broken `wat`).
pub fn code() -> Vec<u8> {
    let body =
        "(local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 12345)))\n"
            .repeat(2_000);
    wat::parse_str(format!(
        r#"(module
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "main") (local $x i32)
                {body}
                (i32.store (i32.const 0) (local.get $x))
                (call $finish (i32.const 0) (i32.const 4))))"#
    ))
    .expect("the straight-line contract assembles")
}
