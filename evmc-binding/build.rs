//! Link options of `libiris.so`. The release profile keeps line tables
//! only (`[profile.release] debug = "line-tables-only"` in the workspace),
//! enough for backtraces with file and line; on Linux the linker also
//! compresses those debug sections with zlib (GNU ld and lld's
//! `--compress-debug-sections`), which `addr2line`, gdb and Rust's
//! backtraces read: the release library is 5.7 MB instead of 13.6 MB.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--compress-debug-sections=zlib");
    }
}
