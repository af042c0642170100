//! `iris run` on a WASI program: the shape of `wasmtime run`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::ExitCode;

use engine::{Engine, Linker, Module, Store};
use wasi::{RunError, WasiCtx};

use crate::exit::Error;

/// Whether `module` is a WASI program rather than a contract: it imports
/// from `wasi_snapshot_preview1`, or it exports `_start`.
pub(crate) fn is_wasi(module: &Module) -> bool {
    module.imports().any(|import| import.module == wasi::MODULE)
        || module.exports().any(|export| export.name == "_start")
}

/// A `--dir HOST[::GUEST]` value: the host directory and its guest name
/// (the host path as written when no name is given).
fn split_dir(spec: &str) -> (&str, &str) {
    match spec.split_once("::") {
        Some((host, guest)) => (host, guest),
        None => (spec, spec),
    }
}

/// An `--env KEY=VALUE` value, or `--env KEY` for this process's value of
/// `KEY` (nothing when it is unset).
fn split_env(spec: &str) -> Option<(String, String)> {
    match spec.split_once('=') {
        Some((key, value)) => Some((key.to_string(), value.to_string())),
        None => std::env::var(spec)
            .ok()
            .map(|value| (spec.to_string(), value)),
    }
}

/// Runs `module`'s `_start` with the standard streams of this process,
/// the pre-opened directories `dirs` and the environment `env`; the exit
/// status is the program's, or [`Exit::Trap`](crate::exit::Exit::Trap)
/// after a trap.
pub(crate) fn run(
    file: &Path,
    engine: &Engine,
    module: &Module,
    args: &[OsString],
    dirs: &[String],
    env: &[String],
) -> Result<ExitCode, Error> {
    // The path as given is `argv[0]`, and the arguments are passed as
    // bytes, untouched (as `wasmtime run` passes them).
    let mut builder = WasiCtx::builder()
        .inherit_stdio()
        .arg(file.as_os_str().as_bytes())
        .args(args.iter().map(|arg| arg.as_bytes()));
    for spec in env {
        if let Some((key, value)) = split_env(spec) {
            builder = builder.env(key, value);
        }
    }
    for spec in dirs {
        let (host, guest) = split_dir(spec);
        builder = builder
            .preopened_dir(host, guest)
            .map_err(|e| Error::input(format!("--dir {host}: {e}")))?;
    }
    let mut linker = Linker::new(engine);
    // WASI's names are fixed and distinct: defining them cannot fail.
    wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)
        .map_err(|e| Error::internal(e.to_string()))?;
    let mut store = Store::new(engine, builder.build());
    match wasi::run_start(&linker, &mut store, module) {
        Ok(status) => Ok(ExitCode::from((status & 0xff) as u8)),
        Err(RunError::Engine(error)) if error.as_trap().is_some() => {
            eprintln!("iris: {}: {error}", file.display());
            Ok(crate::exit::Exit::Trap.into())
        }
        Err(error) => Err(Error::input(format!("{}: {error}", file.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_specs_name_the_guest_path() {
        assert_eq!(split_dir("/tmp/x::/data"), ("/tmp/x", "/data"));
        assert_eq!(split_dir("."), (".", "."));
    }

    #[test]
    fn env_specs_take_a_value_or_inherit_it() {
        assert_eq!(
            split_env("A=b=c"),
            Some(("A".to_string(), "b=c".to_string()))
        );
        assert_eq!(split_env("IRIS_SURELY_UNSET_VARIABLE"), None);
    }
}
