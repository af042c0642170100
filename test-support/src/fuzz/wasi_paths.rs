//! WASI path handling under attack: a sequence of path operations (open,
//! create, remove, unlink, rename, link, symlink, readlink, stat, set
//! times, read, write, list) with paths assembled from `..`, `/`, names
//! inside and outside the sandbox and symbolic links the sequence itself
//! creates. Afterwards the directory beside the sandbox must be exactly as
//! it was: nothing outside a pre-open is ever changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use engine::{Engine, Func, Instance, Linker, Module, Store, Val};
use wasi::WasiCtx;

/// A guest exporting its memory and a wrapper around each WASI function
/// the target calls (host functions see guest memory only when a Wasm
/// function calls them).
const HARNESS: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $truncate (param i32 i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "open") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
    (call $open (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8)))
  (func (export "mkdir") (param i32 i32 i32) (result i32) (call $mkdir (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rmdir") (param i32 i32 i32) (result i32) (call $rmdir (local.get 0) (local.get 1) (local.get 2)))
  (func (export "unlink") (param i32 i32 i32) (result i32) (call $unlink (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rename") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $rename (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "link") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $link (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)))
  (func (export "symlink") (param i32 i32 i32 i32 i32) (result i32)
    (call $symlink (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "readlink") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $readlink (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "stat") (param i32 i32 i32 i32 i32) (result i32)
    (call $stat (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "times") (param i32 i32 i32 i32 i64 i64 i32) (result i32)
    (call $times (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)))
  (func (export "write") (param i32 i32 i32 i32) (result i32) (call $write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "read") (param i32 i32 i32 i32) (result i32) (call $read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "readdir") (param i32 i32 i32 i64 i32) (result i32)
    (call $readdir (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "close") (param i32) (result i32) (call $close (local.get 0)))
  (func (export "truncate") (param i32 i64) (result i32) (call $truncate (local.get 0) (local.get 1))))"#;

/// Where the first and second path go in guest memory.
const PATH_A: u32 = 1_024;
const PATH_B: u32 = 2_048;
/// An iovec at 64 pointing at the 1 KiB buffer at 4096; results at 128.
const IOVEC: u32 = 64;
const BUFFER: u32 = 4_096;
const RESULT: u32 = 128;

/// The pieces paths are made of.
const PIECES: [&str; 14] = [
    "..",
    ".",
    "",
    "/",
    "sub",
    "hello.txt",
    "new",
    "link",
    "outside",
    "secret.txt",
    "a.txt",
    "dir",
    "../outside",
    "//",
];

fn path(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let n = u.int_in_range(1..=6)?;
    let mut parts = Vec::with_capacity(n);
    for _ in 0..n {
        parts.push(*u.choose(&PIECES)?);
    }
    let mut text = parts.join("/");
    if u.ratio(1, 8)? {
        text.insert(0, '/');
    }
    Ok(text.into_bytes())
}

/// Every entry under `dir`: its relative path and contents (or link
/// target).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .strip_prefix(base)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap_or_default();
                out.insert(name, target.display().to_string().into_bytes());
            } else if meta.is_dir() {
                out.insert(format!("{name}/"), Vec::new());
                walk(base, &path, out);
            } else {
                out.insert(name, fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Everything under `root` but the sandbox.
fn outside_of_sandbox(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = snapshot(root);
    all.retain(|name, _| !name.starts_with("sandbox"));
    all
}

fn harness(engine: &Engine) -> Option<&'static Module> {
    static MODULE: OnceLock<Option<Module>> = OnceLock::new();
    MODULE
        .get_or_init(|| {
            let bytes = wat::parse_str(HARNESS).ok()?;
            Module::new(engine, &bytes).ok()
        })
        .as_ref()
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
}

impl Guest {
    fn call(&mut self, name: &str, args: &[Val]) -> Result<i32, String> {
        let func: Func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| format!("harness lacks {name}"))?;
        let mut results = [Val::I32(0)];
        func.call(&mut self.store, args, &mut results)
            .map_err(|e| format!("{name} trapped: {e}"))?;
        match results[0] {
            Val::I32(errno) => Ok(errno),
            _ => Err(format!("{name} returned a non-i32")),
        }
    }

    fn put(&mut self, at: u32, bytes: &[u8]) -> Result<(), String> {
        let memory = self
            .instance
            .get_memory(&self.store, "memory")
            .ok_or("harness lacks memory")?;
        let data = memory.data_mut(&mut self.store);
        let start = at as usize;
        data.get_mut(start..start + bytes.len())
            .ok_or("path too long")?
            .copy_from_slice(bytes);
        Ok(())
    }

    fn read_u32(&self, at: u32) -> u32 {
        let Some(memory) = self.instance.get_memory(&self.store, "memory") else {
            return 0;
        };
        let data = memory.data(&self.store);
        let at = at as usize;
        data.get(at..at + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// The target.
///
/// # Errors
///
/// Anything outside the sandbox changed, or a call trapped.
pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
    let root = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let sandbox = root.path().join("sandbox");
    let outside = root.path().join("outside");
    let setup = fs::create_dir_all(sandbox.join("sub"))
        .and_then(|()| fs::create_dir_all(&outside))
        .and_then(|()| fs::write(sandbox.join("hello.txt"), "hello\n"))
        .and_then(|()| fs::write(sandbox.join("sub/a.txt"), "a"))
        .and_then(|()| fs::write(outside.join("secret.txt"), "secret\n"))
        .and_then(|()| std::os::unix::fs::symlink("../outside", sandbox.join("out")));
    setup.map_err(|e| format!("fixture: {e}"))?;
    let before = outside_of_sandbox(root.path());

    let engine = engine();
    let module = harness(engine).ok_or("the harness does not compile")?;
    let ctx = WasiCtx::builder()
        .preopened_dir(&sandbox, "/sandbox")
        .map_err(|e| format!("pre-open: {e}"))?
        .build();
    let mut linker = Linker::new(engine);
    wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).map_err(|e| e.to_string())?;
    let mut store = Store::new(engine, ctx);
    let instance = linker
        .instantiate(&mut store, module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let mut guest = Guest { store, instance };
    guest.put(IOVEC, &[0, 16, 0, 0, 0, 4, 0, 0])?;
    let mut fds = vec![3u32];

    let steps = u.int_in_range(1..=24).unwrap_or(1);
    for _ in 0..steps {
        let (Ok(op), Ok(a), Ok(b)) = (u.int_in_range(0..=13u8), path(u), path(u)) else {
            break;
        };
        let fd = *u.choose(&fds).unwrap_or(&3);
        let follow = i32::from(u.arbitrary::<bool>().unwrap_or(false));
        guest.put(PATH_A, &a)?;
        guest.put(PATH_B, &b)?;
        let (pa, la) = (Val::I32(PATH_A as i32), Val::I32(a.len() as i32));
        let (pb, lb) = (Val::I32(PATH_B as i32), Val::I32(b.len() as i32));
        let fdv = Val::I32(fd as i32);
        match op {
            0 => {
                let oflags = i32::from(u.int_in_range(0..=15u8).unwrap_or(0));
                let rights = u.arbitrary::<u32>().unwrap_or(u32::MAX);
                let args = [
                    fdv,
                    Val::I32(follow),
                    pa,
                    la,
                    Val::I32(oflags),
                    Val::I64(i64::from(rights) | 1 << 29),
                    Val::I64(-1),
                    Val::I32(i32::from(u.int_in_range(0..=1u8).unwrap_or(0))),
                    Val::I32(RESULT as i32),
                ];
                if guest.call("open", &args)? == 0 {
                    fds.push(guest.read_u32(RESULT));
                }
            }
            1 => {
                guest.call("mkdir", &[fdv, pa, la])?;
            }
            2 => {
                guest.call("rmdir", &[fdv, pa, la])?;
            }
            3 => {
                guest.call("unlink", &[fdv, pa, la])?;
            }
            4 => {
                let to = Val::I32(*u.choose(&fds).unwrap_or(&3) as i32);
                {
                    guest.call("rename", &[fdv, pa, la, to, pb, lb])?;
                }
            }
            5 => {
                let to = Val::I32(*u.choose(&fds).unwrap_or(&3) as i32);
                {
                    guest.call("link", &[fdv, Val::I32(follow), pa, la, to, pb, lb])?;
                }
            }
            6 => {
                guest.call("symlink", &[pa, la, fdv, pb, lb])?;
            }
            7 => {
                let args = [
                    fdv,
                    pa,
                    la,
                    Val::I32(BUFFER as i32),
                    Val::I32(1024),
                    Val::I32(RESULT as i32),
                ];
                {
                    guest.call("readlink", &args)?;
                }
            }
            8 => {
                guest.call(
                    "stat",
                    &[fdv, Val::I32(follow), pa, la, Val::I32(BUFFER as i32)],
                )?;
            }
            9 => {
                let args = [
                    fdv,
                    Val::I32(follow),
                    pa,
                    la,
                    Val::I64(1),
                    Val::I64(2),
                    Val::I32(0b0101),
                ];
                {
                    guest.call("times", &args)?;
                }
            }
            10 => {
                let args = [
                    fdv,
                    Val::I32(IOVEC as i32),
                    Val::I32(1),
                    Val::I32(RESULT as i32),
                ];
                {
                    guest.call("write", &args)?;
                }
            }
            11 => {
                let args = [
                    fdv,
                    Val::I32(IOVEC as i32),
                    Val::I32(1),
                    Val::I32(RESULT as i32),
                ];
                {
                    guest.call("read", &args)?;
                }
            }
            12 => {
                let args = [
                    fdv,
                    Val::I32(BUFFER as i32),
                    Val::I32(1024),
                    Val::I64(0),
                    Val::I32(RESULT as i32),
                ];
                {
                    guest.call("readdir", &args)?;
                }
            }
            _ => {
                guest.call("truncate", &[fdv, Val::I64(0)])?;
            }
        }
    }
    drop(guest);
    let after = outside_of_sandbox(root.path());
    if before != after {
        return Err(format!(
            "outside the sandbox changed: {:?} became {:?}",
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        ));
    }
    Ok(())
}
