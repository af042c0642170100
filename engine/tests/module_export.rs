//! Exports found once by name (`Module::get_export_index`) and taken from
//! instances (`Instance::get_module_export`): the same entity as a lookup
//! by name, in every instance of the module, and none from another
//! module's instance.

use engine::{Engine, Extern, Linker, Module, Store, Val};

const WAT: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 5))
  (table (export "t") 2 funcref)
  (func (export "get") (result i32) (global.get $g))
  (func (export "set") (param i32) (global.set $g (local.get 0))))"#;

#[test]
fn an_export_found_once_is_the_named_export_of_each_instance() {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let linker = Linker::new(&engine);
    let mut store = Store::new(&engine, ());
    let first = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let second = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    for name in ["memory", "g", "t", "get", "set"] {
        let export = module.get_export_index(name).expect("exported");
        for instance in [first, second] {
            let found = instance.get_module_export(&store, &export);
            let named = instance.get_export(&store, name);
            assert!(found.is_some(), "{name}");
            assert_eq!(
                format!("{found:?}"),
                format!("{named:?}"),
                "{name}: the same entity as the lookup by name"
            );
        }
    }
    assert!(module.get_export_index("missing").is_none());

    // Each instance's own global: set through one, read through both.
    let set = module.get_export_index("set").expect("exported");
    let get = module.get_export_index("get").expect("exported");
    let func = |instance: engine::Instance, export| {
        instance
            .get_module_export(&store, export)
            .and_then(Extern::into_func)
            .expect("a function")
    };
    let (set_first, get_first, get_second) =
        (func(first, &set), func(first, &get), func(second, &get));
    set_first
        .call(&mut store, &[Val::I32(9)], &mut [])
        .expect("runs");
    let mut out = [Val::I32(0)];
    get_first.call(&mut store, &[], &mut out).expect("runs");
    assert_eq!(out[0], Val::I32(9));
    get_second.call(&mut store, &[], &mut out).expect("runs");
    assert_eq!(out[0], Val::I32(5));
}

#[test]
fn an_export_of_one_module_is_not_found_in_another_modules_instance() {
    let engine = Engine::default();
    let module = Module::from_wat(&engine, WAT).expect("valid");
    // The same text compiled again: another module, with the same exports.
    let twin = Module::from_wat(&engine, WAT).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &twin)
        .expect("instantiates");
    let export = module.get_export_index("get").expect("exported");
    assert!(instance.get_module_export(&store, &export).is_none());
    assert!(instance.get_export(&store, "get").is_some());
}
