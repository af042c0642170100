//! `iris invoke`: call one export and print its results.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use engine::{Config, Engine, Linker, Module, Store, Val, ValType};
use wasi::WasiCtx;

use crate::exit::Error;

/// The binary of a `.wasm` file, or of a `.wat` file compiled.
pub(crate) fn read_module(file: &Path) -> Result<Vec<u8>, Error> {
    let bytes =
        std::fs::read(file).map_err(|e| Error::input(format!("{}: {e}", file.display())))?;
    if file.extension().is_some_and(|e| e == "wat") {
        wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .map_err(|e| Error::input(format!("{}: {e}", file.display())))
    } else {
        Ok(bytes)
    }
}

/// What `iris invoke` takes.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Run with fuel metering on, with this much fuel; the fuel left is
    /// printed on standard error.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Link WASI preview 1 (`wasi_snapshot_preview1`) with this process's
    /// standard streams, no directory and no variable; a `proc_exit` ends
    /// iris with its status.
    #[arg(long)]
    wasi: bool,
    /// The module, `.wasm` or `.wat`.
    file: PathBuf,
    /// The export to call.
    name: String,
    /// Arguments, parsed by the function's parameter types.
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Loads the module, calls the export with the arguments, prints the
/// results (and the fuel left with `--fuel`).
///
/// # Errors
///
/// Usage errors (no such export, wrong arguments), input errors (the
/// module cannot be read, decoded or instantiated) and traps.
pub(crate) fn run(args: &Args) -> Result<ExitCode, Error> {
    let file = args.file.as_path();
    let name = args.name.as_str();
    let bytes = read_module(file)?;
    let mut config = Config::default();
    config.consume_fuel(args.fuel.is_some());
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &bytes)
        .map_err(|e| Error::input(format!("{}: {e}", file.display())))?;
    let mut linker = Linker::new(&engine);
    let ctx = if args.wasi {
        // WASI's names are fixed and distinct: defining them cannot fail.
        wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)
            .map_err(|e| Error::internal(e.to_string()))?;
        WasiCtx::builder()
            .inherit_stdio()
            .arg(file.as_os_str().as_bytes())
            .build()
    } else {
        WasiCtx::builder().build()
    };
    let mut store = Store::new(&engine, ctx);
    if let Some(fuel) = args.fuel {
        // The engine meters: `--fuel` turned it on above.
        store
            .set_fuel(fuel)
            .map_err(|e| Error::internal(e.to_string()))?;
    }
    let needs_wasi = module.imports().any(|import| import.module == wasi::MODULE);
    if needs_wasi && !args.wasi {
        return Err(Error::usage(format!(
            "{} imports `{}`: link WASI with `--wasi` (or run it with `iris run`)",
            file.display(),
            wasi::MODULE
        )));
    }
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| trap_or_input(file, &e))?;
    let func = instance.get_func(&store, name).ok_or_else(|| {
        Error::usage(format!("{}: no exported function `{name}`", file.display()))
    })?;
    let ty = func.ty(&store);
    if args.args.len() != ty.params().len() {
        return Err(Error::usage(format!(
            "`{name}` has type {ty}: expected {} arguments, got {}",
            ty.params().len(),
            args.args.len()
        )));
    }
    let params = ty
        .params()
        .iter()
        .zip(&args.args)
        .map(|(ty, arg)| parse_arg(*ty, arg))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::usage)?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let called = func.call(&mut store, &params, &mut results);
    let fuel_left = args.fuel.and_then(|_| store.get_fuel().ok());
    let report_fuel = |given: u64, left: u64| {
        eprintln!("fuel used {}, left {left}", given.saturating_sub(left));
    };
    if let Err(error) = called {
        if let (Some(given), Some(left)) = (args.fuel, fuel_left) {
            if error.trap_code() == Some(engine::TrapCode::OutOfFuel) {
                // A block is charged whole on entry, or not at all: the
                // fuel left did not pay for the next one.
                eprintln!(
                    "fuel used {} (charged before the trap), left {left}: out of fuel, the next block costs more than {left}",
                    given.saturating_sub(left)
                );
            } else {
                report_fuel(given, left);
            }
        }
        // `proc_exit` ends the program with its status, as `iris run` does.
        if let Some(exit) = error
            .as_trap()
            .and_then(|trap| trap.downcast_ref::<wasi::Exit>())
        {
            return Ok(ExitCode::from((exit.0 & 0xff) as u8));
        }
        return Err(trap_or_input(file, &error));
    }
    for result in results {
        println!("{result}");
    }
    if let (Some(given), Some(left)) = (args.fuel, fuel_left) {
        report_fuel(given, left);
    }
    Ok(ExitCode::SUCCESS)
}

/// A trap exits as a trap; any other engine error (linking) is an input
/// error.
fn trap_or_input(file: &Path, error: &engine::Error) -> Error {
    let message = format!("{}: {error}", file.display());
    if error.as_trap().is_some() {
        Error::trap(message)
    } else {
        Error::input(message)
    }
}

/// Parses an argument: integers in decimal or `0x` hex, floats in decimal
/// (or `nan`, `inf`).
fn parse_arg(ty: ValType, arg: &str) -> Result<Val, String> {
    let bad = || format!("`{arg}` is not a valid {ty}");
    let int = |arg: &str| -> Option<i128> {
        let (negative, digits) = match arg.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, arg),
        };
        let value = match digits.strip_prefix("0x") {
            Some(hex) => i128::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<i128>().ok()?,
        };
        Some(if negative { -value } else { value })
    };
    match ty {
        ValType::I32 => {
            let v = int(arg).ok_or_else(bad)?;
            let v = i32::try_from(v)
                .or_else(|_| u32::try_from(v).map(|u| u as i32))
                .map_err(|_| bad())?;
            Ok(Val::I32(v))
        }
        ValType::I64 => {
            let v = int(arg).ok_or_else(bad)?;
            let v = i64::try_from(v)
                .or_else(|_| u64::try_from(v).map(|u| u as i64))
                .map_err(|_| bad())?;
            Ok(Val::I64(v))
        }
        ValType::F32 => arg.parse::<f32>().map(Val::from_f32).map_err(|_| bad()),
        ValType::F64 => arg.parse::<f64>().map(Val::from_f64).map_err(|_| bad()),
        ValType::FuncRef | ValType::ExternRef if arg == "null" => Ok(Val::default_for(ty)),
        ValType::FuncRef | ValType::ExternRef => Err(format!(
            "only `null` can be passed as a {ty} from the command line"
        )),
    }
}
