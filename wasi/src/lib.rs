//! WASI preview 1 (`wasi_snapshot_preview1`) for the Iris engine: the
//! standard host interface of plain WebAssembly programs.
//!
//! A program gets exactly what its [`WasiCtx`] grants: its arguments, its
//! environment, its standard streams and the directories pre-opened for
//! it. Paths are resolved inside those directories by cap-std; `..`,
//! absolute paths and symbolic links that would lead outside are refused
//! with [`Errno::NotCapable`]. Every guest pointer is checked, and a bad
//! one is [`Errno::Fault`].
//!
//! ```
//! use engine::{Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::from_wat(&engine, r#"(module
//!     (import "wasi_snapshot_preview1" "fd_write"
//!         (func $fd_write (param i32 i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 16) "hi\n")
//!     (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16))
//!         (i32.store (i32.const 4) (i32.const 3))
//!         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#)?;
//! let out = wasi::OutputPipe::new();
//! let ctx = wasi::WasiCtx::builder().stdout(out.clone()).build();
//! let mut linker = Linker::new(&engine);
//! wasi::add_to_linker(&mut linker, |ctx: &mut wasi::WasiCtx| ctx)?;
//! let mut store = Store::new(&engine, ctx);
//! let status = wasi::run_start(&linker, &mut store, &module)?;
//! assert_eq!(status, 0);
//! assert_eq!(out.contents(), b"hi\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Not provided: sockets (none can be pre-opened, so `sock_*` answer
//! `notsock`), signals (`proc_raise` answers `nosys`, as preview 1
//! allows), and preview 2. Unix hosts only.

mod args;
mod clock;
mod ctx;
mod errno;
mod fd;
mod imports;
mod memory;
mod path;
mod poll;
mod readdir;
mod run;
mod rw;
mod stat;
mod table;
pub mod types;

pub use ctx::{OutputPipe, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use imports::{add_to_linker, FUNCTIONS, MODULE};
pub use run::{run_start, Exit, RunError};
