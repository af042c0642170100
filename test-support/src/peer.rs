//! Whether wasmi, the differential peer, can translate a module at all.
//!
//! wasmi 2.0.0's translator has a debug assertion that some valid modules
//! trip ("a register operand already exists on the stack", in
//! `push_else_operands`). The differential fuzzer found one on
//! 2026-12-05: [`ELSE_REGISTER`] (in its shape after shrinking).
//!
//! Built with debug assertions (`cargo test` in debug, and every
//! `cargo fuzz` build), wasmi panics there, and under libFuzzer a panic
//! ends the campaign. Its release build translates the module, and agrees
//! with Iris on it. A module wasmi cannot translate says nothing about
//! Iris, so the comparisons skip it: [`translates`] asks wasmi to
//! translate every function first.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// A module on which wasmi 2.0.0's translator trips its debug assertion:
/// an `if` taking a global's value as its parameter, whose `then` ends
/// with a `local.tee` of a loaded value and `unreachable`.
pub const ELSE_REGISTER: &str = r#"(module
  (memory 1)
  (global (mut f32) (f32.const 1))
  (func (export "f") (param f32)
    global.get 0
    memory.size
    if (param f32)
      memory.size
      f32.load
      local.tee 0
      unreachable
    else
      unreachable
    end))"#;

/// Serialises the swaps of the process's panic hook (tests run on
/// several threads).
static HOOK: Mutex<()> = Mutex::new(());

/// Whether wasmi translates every function of `bytes` without panicking
/// (a module it refuses counts as translated: the comparison reports the
/// refusal). Checked only in builds with debug assertions, where wasmi's
/// own are on; in release builds it translates without asking.
pub fn translates(bytes: &[u8]) -> bool {
    if !cfg!(debug_assertions) {
        return true;
    }
    let mut config = wasmi::Config::default();
    config.compilation_mode(wasmi::CompilationMode::Eager);
    let engine = wasmi::Engine::new(&config);
    // The hook is silenced while wasmi runs: libFuzzer's would abort the
    // process before the panic could be caught.
    let _swap = HOOK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let translated = panic::catch_unwind(AssertUnwindSafe(|| {
        drop(wasmi::Module::new(&engine, bytes));
    }));
    panic::set_hook(hook);
    translated.is_ok()
}
