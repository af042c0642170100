//! The `spectest` host module that the spec scripts import.

use crate::{
    Caller, Error, Global, GlobalType, Linker, Memory, MemoryType, Store, Table, TableType, Val,
    ValType,
};

/// Defines the `spectest` functions, globals, table and memory.
pub(super) fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    linker
        .func_wrap("spectest", "print", |_: Caller<'_, ()>| {})?
        .func_wrap("spectest", "print_i32", |_: Caller<'_, ()>, _: i32| {})?
        .func_wrap("spectest", "print_i64", |_: Caller<'_, ()>, _: i64| {})?
        .func_wrap("spectest", "print_f32", |_: Caller<'_, ()>, _: f32| {})?
        .func_wrap("spectest", "print_f64", |_: Caller<'_, ()>, _: f64| {})?
        .func_wrap(
            "spectest",
            "print_i32_f32",
            |_: Caller<'_, ()>, _: i32, _: f32| {},
        )?
        .func_wrap(
            "spectest",
            "print_f64_f64",
            |_: Caller<'_, ()>, _: f64, _: f64| {},
        )?;
    let global = |store: &mut Store<()>, content, value| {
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
