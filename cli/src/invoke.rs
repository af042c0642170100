//! `iris invoke`: call one export and print its results.

use std::path::Path;

use engine::{Engine, Linker, Module, Store, Val, ValType};

/// The binary of a `.wasm` file, or of a `.wat` file compiled.
pub(crate) fn read_module(file: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if file.extension().is_some_and(|e| e == "wat") {
        wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .map_err(|e| format!("{}: {e}", file.display()))
    } else {
        Ok(bytes)
    }
}

/// Loads `file`, calls export `name` with `args`, prints the results.
pub(crate) fn run(file: &Path, name: &str, args: &[String]) -> Result<(), String> {
    let bytes = read_module(file)?;
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let func = instance
        .get_func(&store, name)
        .ok_or_else(|| format!("no exported function `{name}`"))?;
    let ty = func.ty(&store);
    if args.len() != ty.params().len() {
        return Err(format!(
            "`{name}` has type {ty}: expected {} arguments, got {}",
            ty.params().len(),
            args.len()
        ));
    }
    let params = ty
        .params()
        .iter()
        .zip(args)
        .map(|(ty, arg)| parse_arg(*ty, arg))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &params, &mut results)
        .map_err(|e| e.to_string())?;
    for result in results {
        println!("{result}");
    }
    Ok(())
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
