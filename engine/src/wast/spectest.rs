//! The `spectest` host module that the spec scripts import.

use crate::{
    Caller, Error, Global, GlobalType, Linker, Memory, MemoryType, Store, Table, TableType, Val,
    ValType,
};

/// Defines the `spectest` module of the spec scripts in `linker`: the
/// `print*` functions (which print nothing), the globals `global_i32`,
/// `global_i64` (666), `global_f32`, `global_f64` (666.6), the funcref
/// `table` (10..20) and the `memory` (1..2 pages).
///
/// # Errors
///
/// If a `spectest` name is already defined in the linker.
pub fn define_spectest<T: 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
) -> Result<(), Error> {
    linker
        .func_wrap("spectest", "print", |_: Caller<'_, T>| {})?
        .func_wrap("spectest", "print_i32", |_: Caller<'_, T>, _: i32| {})?
        .func_wrap("spectest", "print_i64", |_: Caller<'_, T>, _: i64| {})?
        .func_wrap("spectest", "print_f32", |_: Caller<'_, T>, _: f32| {})?
        .func_wrap("spectest", "print_f64", |_: Caller<'_, T>, _: f64| {})?
        .func_wrap(
            "spectest",
            "print_i32_f32",
            |_: Caller<'_, T>, _: i32, _: f32| {},
        )?
        .func_wrap(
            "spectest",
            "print_f64_f64",
            |_: Caller<'_, T>, _: f64, _: f64| {},
        )?;
    let global = |store: &mut Store<T>, content, value| {
        Global::new(
            store,
            GlobalType {
                content,
                mutable: false,
            },
            value,
        )
    };
    let g = global(store, ValType::I32, Val::I32(666))?;
    linker.define("spectest", "global_i32", g)?;
    let g = global(store, ValType::I64, Val::I64(666))?;
    linker.define("spectest", "global_i64", g)?;
    let g = global(store, ValType::F32, Val::from_f32(666.6))?;
    linker.define("spectest", "global_f32", g)?;
    let g = global(store, ValType::F64, Val::from_f64(666.6))?;
    linker.define("spectest", "global_f64", g)?;
    let table = Table::new(
        store,
        TableType {
            element: ValType::FuncRef,
            min: 10,
            max: Some(20),
        },
        Val::FuncRef(None),
    )?;
    linker.define("spectest", "table", table)?;
    let memory = Memory::new(
        store,
        MemoryType {
            min: 1,
            max: Some(2),
        },
    )?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}
