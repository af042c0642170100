//! `Store::instantiate_with`: host functions built once and shared by
//! every store, linked to a module's imports without a linker; the same
//! checks as a linker's.

use std::sync::Arc;

use engine::{
    Caller, Config, Engine, ErrorKind, FuncType, HostFn, HostImport, IntoFunc, Module, Store, Trap,
    ValType,
};

const WAT: &str = r#"(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "count" (func $count))
  (func (export "run") (param i32) (result i32)
    (call $count)
    (call $add (local.get 0) (i32.const 40))))"#;

/// The host functions, built once: a body and a type each.
struct Table {
    add: (Arc<HostFn<u32>>, FuncType),
    count: (Arc<HostFn<u32>>, FuncType),
}

fn shared<P, R>(f: impl IntoFunc<u32, P, R>) -> (Arc<HostFn<u32>>, FuncType) {
    let ty = f.func_type();
    let body = move |caller: Caller<'_, u32>, raw: &mut [u64]| f.call_raw(caller, raw);
    (Arc::new(body), ty)
}

fn table() -> Table {
    Table {
        add: shared(|_: Caller<'_, u32>, a: i32, b: i32| a + b),
        count: shared(|mut caller: Caller<'_, u32>| -> Result<(), Trap> {
            *caller.data_mut() += 1;
            Ok(())
        }),
    }
}

fn resolve<'a>(table: &'a Table) -> impl FnMut(&str, &str) -> Option<HostImport<'a, u32>> {
    move |module, name| {
        let (func, ty) = match (module, name) {
            ("env", "add") => &table.add,
            ("env", "count") => &table.count,
            _ => return None,
        };
        Some(HostImport {
            func: Arc::clone(func),
            ty,
        })
    }
}

#[test]
fn shared_host_functions_serve_many_stores() {
    let engine = Engine::new(&Config::default());
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let table = table();
    for n in 0..3 {
        let mut store = Store::new(&engine, 0u32);
        let instance = store
            .instantiate_with(&module, resolve(&table))
            .expect("links");
        let run = instance
            .get_func(&store, "run")
            .expect("run")
            .typed::<i32, i32>(&store)
            .expect("typed");
        assert_eq!(run.call(&mut store, n).expect("runs"), n + 40);
        assert_eq!(*store.data(), 1, "count ran once in this store");
    }
    // Three stores, one body each: only the table holds them now.
    assert_eq!(Arc::strong_count(&table.add.0), 1);
}

#[test]
fn imports_it_cannot_link_are_link_errors() {
    let engine = Engine::new(&Config::default());
    let table = table();
    let link = |wat: &str| {
        let module = Module::from_wat(&engine, wat).expect("valid");
        let mut store = Store::new(&engine, 0u32);
        store
            .instantiate_with(&module, resolve(&table))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(link(WAT), Ok(()));
    let unknown = link(r#"(module (import "env" "sub" (func)))"#).unwrap_err();
    assert!(unknown.contains("unknown import"), "{unknown}");
    let wrong = link(r#"(module (import "env" "add" (func (param i64))))"#).unwrap_err();
    assert!(wrong.contains("expected"), "{wrong}");
    let memory = link(r#"(module (import "env" "add" (memory 1)))"#).unwrap_err();
    assert!(memory.contains("only functions"), "{memory}");
    // Another engine's module.
    let other = Engine::new(&Config::default());
    let module = Module::from_wat(&other, WAT).expect("valid");
    let mut store = Store::new(&engine, 0u32);
    let error = store
        .instantiate_with(&module, resolve(&table))
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Type(_)), "{error}");
}

#[test]
fn the_type_comes_from_the_rust_signature() {
    let (_, ty) = shared(|_: Caller<'_, u32>, a: i64, _b: i32| -> Result<i64, Trap> { Ok(a) });
    assert_eq!(ty.params(), &[ValType::I64, ValType::I32]);
    assert_eq!(ty.results(), &[ValType::I64]);
}

#[test]
fn an_instance_finds_its_exports_by_name_and_lists_them_sorted() {
    let engine = Engine::new(&Config::default());
    let module = Module::from_wat(
        &engine,
        r#"(module
          (func (export "b") (result i32) (i32.const 2))
          (memory (export "c") 1)
          (func (export "a") (result i32) (i32.const 1))
          (global (export "aa") i32 (i32.const 7)))"#,
    )
    .expect("valid");
    let mut store = Store::new(&engine, 0u32);
    let instance = store
        .instantiate_with(&module, |_, _| None)
        .expect("no imports");
    let names: Vec<&str> = instance.exports(&store).map(|(name, _)| name).collect();
    assert_eq!(names, ["a", "aa", "b", "c"]);
    for (name, want) in [("a", 1), ("b", 2)] {
        let f = instance
            .get_func(&store, name)
            .expect("exported")
            .typed::<(), i32>(&store)
            .expect("typed");
        assert_eq!(f.call(&mut store, ()).expect("runs"), want);
    }
    assert!(instance.get_memory(&store, "c").is_some());
    assert!(instance.get_global(&store, "aa").is_some());
    assert!(instance.get_export(&store, "d").is_none());
    assert!(instance.get_func(&store, "c").is_none(), "a memory");
}
