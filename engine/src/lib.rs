//! A metered, deterministic WebAssembly 2.0 interpreter.
//!
//! `engine` decodes and validates modules with `wasmparser` (exactly
//! WebAssembly 2.0 without SIMD), translates each function once, at its
//! first call (or every function at load: [`Config::lazy_translation`]),
//! into a register-style instruction format, and interprets it with an explicit
//! frame stack, so Wasm calls never recurse on the native stack. Every limit
//! (memory pages, table elements, value stack, call depth, module size) is
//! set in [`Config`] and hit at the same point on every machine.
//!
//! It knows nothing of any particular host: host functions are plain Rust
//! closures registered in a [`Linker`], and an instance reaches only what its
//! linker holds.
//!
//! ```
//! use engine::{Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::from_wat(&engine, r#"
//!     (module
//!       (func $fib (export "fib") (param i64) (result i64)
//!         (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
//!           (then (local.get 0))
//!           (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
//!                          (call $fib (i64.sub (local.get 0) (i64.const 2))))))))
//! "#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module)?;
//! let fib = instance.get_func(&store, "fib").unwrap().typed::<i64, i64>(&store)?;
//! assert_eq!(fib.call(&mut store, 20)?, 6765);
//! # Ok::<(), engine::Error>(())
//! ```

mod caller;
mod config;
mod cost;
mod engine;
mod error;
mod exec;
mod extern_;
mod func;
#[allow(unsafe_code)]
mod host_funcs;
mod host_import;
mod instance;
mod ir;
mod linear;
mod linker;
mod module;
mod opcode;
mod park;
mod profile;
mod store;
mod store_parts;
mod translate;
mod trap;
mod value;

#[cfg(feature = "wast")]
pub mod wast;

pub use crate::caller::Caller;
pub use crate::config::Config;
pub use crate::cost::{CostModel, UnitCost};
pub use crate::engine::Engine;
pub use crate::error::{Error, ErrorKind, LimitError, LinkError, LinkErrorReason};
#[cfg(feature = "testing")]
pub use crate::exec::dispatch::DISPATCH;
pub use crate::extern_::{Extern, Global, Memory, Table};
pub use crate::func::{
    Func, HostFn, HostResults, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy,
};
pub use crate::host_import::HostImport;
pub use crate::instance::Instance;
pub use crate::linker::Linker;
pub use crate::module::{ExportType, ExternType, ImportType, Module, ModuleExport};
pub use crate::opcode::{Opcode, OpcodeSet};
pub use crate::park::Parked;
pub use crate::profile::{
    BlockProfile, InstrFuel, Profile, ProfileFrame, StackBlock, StackProfile,
};
pub use crate::store::{Charge, ChargeHook, ChargeKind, ExternRef, HostCall, HostCallHook, Store};
pub use crate::translate::{CODE_PER_BYTE, WORK_PER_BYTE};
pub use crate::trap::{HostError, Trap, TrapCode, TrapOrigin};
pub use crate::value::{FuncType, GlobalType, MemoryType, TableType, Val, ValType};
