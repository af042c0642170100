//! Chooses the interpreter's dispatch (see `src/exec/dispatch.rs`).
//!
//! Handlers end by calling the next handler, and that call must become a
//! jump, or the native stack would grow with every instruction run. LLVM
//! makes it one in optimised builds on the targets below; it does not at
//! opt-level 0 or 1, nor reliably under coverage or sanitizer
//! instrumentation (seen with wasmi's equivalent dispatch under
//! cargo-fuzz). Every other build gets `iris_tail_dispatch` unset and runs
//! handlers from a loop instead.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(iris_tail_dispatch)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let opt_level = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let optimising = matches!(opt_level.as_str(), "2" | "3" | "s" | "z");
    let known_target = matches!(arch.as_str(), "x86_64" | "aarch64");
    let instrumented = [
        "instrument-coverage",
        "sanitizer",
        "sancov",
        "profile-generate",
    ]
    .iter()
    .any(|flag| flags.contains(flag));
    let portable = env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    if optimising && known_target && !instrumented && !portable {
        println!("cargo::rustc-cfg=iris_tail_dispatch");
    }
}
