//! A guest that hands host calls straight through: each export calls the
//! `wasi_snapshot_preview1` import of the same name with its arguments, so
//! a test or benchmark fills the guest's memory from the host and measures
//! one host call, not an interpreter loop. (Shared by `tests/hostcalls.rs`
//! and `benches/hostcalls.rs`.)

#![allow(dead_code, unreachable_pub)]

use engine::{Engine, Instance, Linker, Memory, Module, Store};
use wasi::WasiCtx;

/// The pass-through module; its memory is `pages` pages.
fn wat(pages: u32) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir"
    (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite"
    (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") {pages})
  (func (export "poll_oneoff") (param i32 i32 i32 i32) (result i32)
    (call $poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_readdir") (param i32 i32 i32 i64 i32) (result i32)
    (call $fd_readdir (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_pwrite") (param i32 i32 i32 i64 i32) (result i32)
    (call $fd_pwrite (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "path_open") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
    (call $path_open (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8))))"#
    )
}

/// One instance of the pass-through module.
pub struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
    memory: Memory,
}

impl Guest {
    /// Instantiates the module with `ctx` and a memory of `pages` pages.
    pub fn new(ctx: WasiCtx, pages: u32) -> Self {
        let engine = Engine::default();
        let module = Module::from_wat(&engine, &wat(pages)).expect("the guest compiles");
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("wasi links");
        let mut store = Store::new(&engine, ctx);
        let instance = linker
            .instantiate(&mut store, &module)
            .expect("the guest instantiates");
        let memory = instance
            .get_memory(&store, "memory")
            .expect("the guest exports its memory");
        Self {
            store,
            instance,
            memory,
        }
    }

    /// The guest's memory.
    pub fn memory(&mut self) -> &mut [u8] {
        self.memory.data_mut(&mut self.store)
    }

    /// Stores `value` little-endian at `at`.
    pub fn put_u32(&mut self, at: u32, value: u32) {
        let at = at as usize;
        self.memory()[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    /// Stores `value` little-endian at `at`.
    pub fn put_u64(&mut self, at: u32, value: u64) {
        let at = at as usize;
        self.memory()[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    /// The little-endian word at `at`.
    pub fn u32_at(&mut self, at: u32) -> u32 {
        let at = at as usize;
        let mut word = [0u8; 4];
        word.copy_from_slice(&self.memory()[at..at + 4]);
        u32::from_le_bytes(word)
    }

    /// The little-endian double word at `at`.
    pub fn u64_at(&mut self, at: u32) -> u64 {
        let at = at as usize;
        let mut word = [0u8; 8];
        word.copy_from_slice(&self.memory()[at..at + 8]);
        u64::from_le_bytes(word)
    }

    fn call<P: engine::WasmParams>(&mut self, name: &str, params: P) -> u32 {
        let func = self
            .instance
            .get_func(&self.store, name)
            .expect("exported")
            .typed::<P, u32>(&self.store)
            .expect("typed");
        func.call(&mut self.store, params).expect("no trap")
    }

    /// `poll_oneoff`; the errno.
    pub fn poll_oneoff(&mut self, subs: u32, events: u32, count: u32, nevents: u32) -> u32 {
        self.call("poll_oneoff", (subs, events, count, nevents))
    }

    /// `fd_readdir`; the errno.
    pub fn fd_readdir(&mut self, fd: u32, buf: u32, len: u32, cookie: u64, used: u32) -> u32 {
        self.call("fd_readdir", (fd, buf, len, cookie, used))
    }

    /// `fd_write`; the errno.
    pub fn fd_write(&mut self, fd: u32, iovs: u32, count: u32, nwritten: u32) -> u32 {
        self.call("fd_write", (fd, iovs, count, nwritten))
    }

    /// `fd_pwrite`; the errno.
    pub fn fd_pwrite(&mut self, fd: u32, iovs: u32, count: u32, at: u64, nwritten: u32) -> u32 {
        self.call("fd_pwrite", (fd, iovs, count, at, nwritten))
    }

    /// Opens `path` (written at `scratch`) in directory `dir` with `rights`;
    /// the new descriptor.
    pub fn open(&mut self, dir: u32, path: &str, rights: u64, scratch: u32) -> u32 {
        let at = scratch as usize;
        self.memory()[at..at + path.len()].copy_from_slice(path.as_bytes());
        let fd_out = (scratch + path.len() as u32 + 8) & !7;
        let errno = self.call(
            "path_open",
            (
                dir,
                1u32,
                scratch,
                path.len() as u32,
                0u32,
                rights,
                0u64,
                0u32,
                fd_out,
            ),
        );
        assert_eq!(errno, 0, "path_open {path}");
        self.u32_at(fd_out)
    }
}
