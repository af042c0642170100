//! `Store::park` and `Parked::resume`: an instance kept between runs must
//! be, once resumed, what a fresh instantiation of its module is, in every
//! state a run can change (memory bytes and size, globals, tables, the
//! element and data segments), with the new store's data and the host
//! functions it was linked to; and stores that cannot be reset so are not
//! kept.

use std::sync::Arc;

use engine::{
    Caller, Config, Engine, FuncType, HostFn, HostImport, Instance, IntoFunc, Module, Store, Val,
};

/// A module whose `mutate(x)` changes every kind of state a run can:
/// memory (a store at `x`, a grow and a store in the new page, a passive
/// segment copied in and dropped), both globals (one from the host), the
/// table (a set, a grow, a passive segment copied in and dropped).
/// `digest` folds all of it into one number; `init_data` and `init_elem`
/// trap once their passive segment is dropped, `init_elem_past` always
/// (it reads past the two elements of its segment).
const WAT: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (type $r (func (result i32)))
  (memory 1 8)
  (global $g (mut i64) (i64.const 7))
  (global $h (mut i32) (i32.const -3))
  (table $t 2 10 funcref)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (elem (table $t) (i32.const 0) func $one)
  (elem $p func $two $one)
  (data (i32.const 100) "hello")
  (data $d "passive")
  (func (export "mutate") (param $x i32)
    (i64.store (local.get $x) (i64.const -1))
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 70000) (local.get $x))
    (memory.init $d (i32.const 200) (i32.const 0) (i32.const 7))
    (data.drop $d)
    (global.set $g (i64.extend_i32_u (local.get $x)))
    (global.set $h (call $tick (local.get $x)))
    (table.set $t (i32.const 1) (ref.func $two))
    (drop (table.grow $t (ref.func $one) (i32.const 3)))
    (table.init $t $p (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $p))
  (func $fold (param $h i64) (param $v i64) (result i64)
    (i64.add (i64.mul (local.get $h) (i64.const 31)) (local.get $v)))
  (func (export "digest") (result i64)
    (local $i i32) (local $h i64)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.mul (memory.size) (i32.const 65536))))
      (local.set $h (call $fold (local.get $h) (i64.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $next)))
    (local.set $h (call $fold (local.get $h) (i64.extend_i32_u (memory.size))))
    (local.set $h (call $fold (local.get $h) (global.get $g)))
    (local.set $h (call $fold (local.get $h) (i64.extend_i32_s (global.get $h))))
    (local.set $h (call $fold (local.get $h) (i64.extend_i32_u (table.size $t))))
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (table.size $t)))
      (local.set $h (call $fold (local.get $h)
        (if (result i64) (ref.is_null (table.get $t (local.get $i)))
          (then (i64.const 0))
          (else (i64.extend_i32_u (call_indirect $t (type $r) (local.get $i)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $h))
  (func (export "init_data") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "init_elem") (table.init $t $p (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "init_elem_past") (table.init $t $p (i32.const 0) (i32.const 2) (i32.const 1))))"#;

/// The host's `tick`: counts its calls in the store's data, and gives its
/// argument plus the count.
fn tick() -> (Arc<HostFn<u32>>, FuncType) {
    let f = |mut caller: Caller<'_, u32>, x: i32| -> i32 {
        *caller.data_mut() += 1;
        x.wrapping_add(*caller.data() as i32)
    };
    let ty = IntoFunc::<u32, _, _>::func_type(&f);
    let body = move |caller: Caller<'_, u32>, raw: &mut [u64]| f.call_raw(caller, raw);
    (Arc::new(body), ty)
}

fn resolve<'a>(
    host: &'a (Arc<HostFn<u32>>, FuncType),
) -> impl FnMut(&str, &str) -> Option<HostImport<'a, u32>> {
    move |module, name| {
        ((module, name) == ("host", "tick")).then(|| HostImport {
            func: Arc::clone(&host.0),
            ty: &host.1,
        })
    }
}

fn digest(store: &mut Store<u32>, instance: Instance) -> i64 {
    let mut out = [Val::I64(0)];
    let f = instance.get_func(store, "digest").expect("exported");
    f.call(store, &[], &mut out).expect("runs");
    match out[0] {
        Val::I64(v) => v,
        ref other => panic!("digest gave {other:?}"),
    }
}

fn call(store: &mut Store<u32>, instance: Instance, name: &str, args: &[Val]) -> bool {
    let f = instance.get_func(store, name).expect("exported");
    f.call(store, args, &mut []).is_ok()
}

fn fresh(
    engine: &Engine,
    module: &Module,
    host: &(Arc<HostFn<u32>>, FuncType),
) -> (Store<u32>, Instance) {
    let mut store = Store::new(engine, 0u32);
    store.limit_growth(100, 1 << 20);
    let instance = store
        .instantiate_with(module, resolve(host))
        .expect("instantiates");
    (store, instance)
}

#[test]
fn a_resumed_instance_is_a_fresh_one_whatever_its_last_run_changed() {
    let engine = Engine::new(&Config::default());
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let host = tick();
    let (mut store, instance) = fresh(&engine, &module, &host);
    let initial = digest(&mut store, instance);
    // What a fresh instance gives after `mutate(x)`, for each `x`.
    let after = |x: i32| {
        let (mut store, instance) = fresh(&engine, &module, &host);
        assert!(call(&mut store, instance, "mutate", &[Val::I32(x)]));
        (digest(&mut store, instance), *store.data())
    };
    assert!(call(&mut store, instance, "mutate", &[Val::I32(8)]));
    let changed = digest(&mut store, instance);
    assert_ne!(changed, initial, "mutate changes what digest sees");
    assert!(
        !call(&mut store, instance, "init_data", &[]),
        "data dropped"
    );
    assert!(
        !call(&mut store, instance, "init_elem", &[]),
        "elements dropped"
    );

    let (mut parked, data) = store.park().expect("parks");
    assert_eq!(data, 1, "the data comes back: tick ran once");
    for x in [16, 4_000, 65_528, 8] {
        let (mut store, instance) = parked.resume(0, (100, 100)).expect("resumes");
        assert_eq!(digest(&mut store, instance), initial, "x {x}: as fresh");
        assert!(call(&mut store, instance, "mutate", &[Val::I32(x)]));
        assert_eq!(
            (digest(&mut store, instance), *store.data()),
            after(x),
            "x {x}: the run a fresh instance makes"
        );
        parked = store.park().expect("parks again").0;
    }
    // The dropped segments are back.
    let (mut store, instance) = parked.resume(0, (100, 100)).expect("resumes");
    assert!(
        call(&mut store, instance, "init_data", &[]),
        "data segment back"
    );
    assert!(
        call(&mut store, instance, "init_elem", &[]),
        "element segment back"
    );
    let (mut other, other_instance) = fresh(&engine, &module, &host);
    assert!(call(&mut other, other_instance, "init_data", &[]));
    assert!(call(&mut other, other_instance, "init_elem", &[]));
    assert_eq!(
        digest(&mut store, instance),
        digest(&mut other, other_instance)
    );
    // A segment kept (not dropped) is made again, not added to.
    let parked = store.park().expect("parks").0;
    let (mut store, instance) = parked.resume(0, (100, 100)).expect("resumes");
    assert!(!call(&mut store, instance, "init_elem_past", &[]));
    // The host functions see the new store's data.
    let parked = store.park().expect("parks").0;
    let (mut store, instance) = parked.resume(41, (100, 100)).expect("resumes");
    assert!(call(&mut store, instance, "mutate", &[Val::I32(1)]));
    assert_eq!(*store.data(), 42);
}

#[test]
fn a_handle_from_before_the_park_does_not_reach_the_resumed_store() {
    let engine = Engine::new(&Config::default());
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let host = tick();
    let (mut store, instance) = fresh(&engine, &module, &host);
    let old = instance.get_func(&store, "digest").expect("exported");
    assert!(old.call(&mut store, &[], &mut [Val::I64(0)]).is_ok());
    let parked = store.park().expect("parks").0;
    let (mut store, instance) = parked.resume(0, (100, 100)).expect("resumes");
    assert!(old.call(&mut store, &[], &mut [Val::I64(0)]).is_err());
    assert!(instance.get_func(&store, "digest").is_some());
}

#[test]
fn resuming_fails_where_instantiating_would_and_gives_the_data_back() {
    let engine = Engine::new(&Config::default());
    let module = Module::from_wat(&engine, WAT).expect("valid");
    let host = tick();
    let park = || fresh(&engine, &module, &host).0.park().expect("parks").0;
    // The memory starts with 1 page, the table with 2 elements.
    assert_eq!(park().resume(7, (0, 100)).err(), Some(7));
    assert_eq!(park().resume(7, (100, 1)).err(), Some(7));
    assert!(park().resume(7, (1, 2)).is_ok());
    // What the instance starts with came out of the allowance.
    let (store, _) = park().resume(7, (5, 6)).expect("resumes");
    assert_eq!(store.growth_left(), (4, 4));
}

#[test]
fn stores_that_cannot_be_reset_so_are_not_kept() {
    let engine = Engine::new(&Config::default());
    let host = tick();
    let refused = |wat: &str, before: &dyn Fn(&mut Store<u32>, Instance)| {
        let module = Module::from_wat(&engine, wat).expect("valid");
        let (mut store, instance) = fresh(&engine, &module, &host);
        before(&mut store, instance);
        *store.data_mut() = 9;
        store.park().err() == Some(9)
    };
    let nothing = |_: &mut Store<u32>, _: Instance| {};
    // A start function: a reset would have to run it again.
    assert!(refused("(module (func $s) (start $s))", &nothing));
    // A memory grown past what the engine clears for reuse (4 MiB).
    let grown = |store: &mut Store<u32>, instance: Instance| {
        assert!(call(store, instance, "grow", &[]));
    };
    let grow = r#"(module (memory 1 100) (func (export "grow")
        (drop (memory.grow (i32.const 70))) (i32.store8 (i32.const 4587520) (i32.const 1))))"#;
    assert!(refused(grow, &grown));
    // A memory a host made apart from the instance.
    let host_memory = |store: &mut Store<u32>, _: Instance| {
        engine::Memory::new(store, engine::MemoryType { min: 1, max: None }).expect("made");
    };
    assert!(refused("(module)", &host_memory));
    // A failed instantiation before the one that succeeded (it pinned its
    // module in the store).
    let failed_first = |store: &mut Store<u32>, _: Instance| {
        let other =
            Module::from_wat(store.engine(), r#"(module (import "x" "y" (func)))"#).expect("valid");
        assert!(store.instantiate_with(&other, |_, _| None).is_err());
    };
    assert!(refused("(module)", &failed_first));
    // Tables of more than 65,536 elements.
    assert!(refused("(module (table 70000 funcref))", &nothing));
    assert!(!refused("(module (table 60000 funcref))", &nothing));
    // A hook.
    let hooked = |store: &mut Store<u32>, _: Instance| {
        store.observe_host_calls(|_, _| {});
    };
    assert!(refused("(module)", &hooked));
    // The same module, none of these: kept.
    assert!(!refused("(module)", &nothing));
    // A memory of no pages, grown and written, is kept empty: grown
    // again, it reads zero.
    let empty = r#"(module (memory 0 4)
        (func (export "grow") (drop (memory.grow (i32.const 1))) (i32.store8 (i32.const 9) (i32.const 1)))
        (func (export "size") (result i32) (memory.size))
        (func (export "read") (result i32) (drop (memory.grow (i32.const 1))) (i32.load8_u (i32.const 9))))"#;
    let (mut store, instance) = grown_parked_resumed(&engine, empty, &host);
    assert_eq!(result(&mut store, instance, "size"), Val::I32(0));
    assert_eq!(result(&mut store, instance, "read"), Val::I32(0));
    // A memory grown within the bound is kept, back at its minimum.
    let small = r#"(module (memory 1 100) (func (export "grow")
        (drop (memory.grow (i32.const 3))) (i32.store8 (i32.const 200000) (i32.const 1)))
        (func (export "size") (result i32) (memory.size)))"#;
    let (mut store, instance) = grown_parked_resumed(&engine, small, &host);
    assert_eq!(result(&mut store, instance, "size"), Val::I32(1));
}

/// `wat` instantiated, its `grow` run, parked and resumed.
fn grown_parked_resumed(
    engine: &Engine,
    wat: &str,
    host: &(Arc<HostFn<u32>>, FuncType),
) -> (Store<u32>, Instance) {
    let module = Module::from_wat(engine, wat).expect("valid");
    let (mut store, instance) = fresh(engine, &module, host);
    assert!(call(&mut store, instance, "grow", &[]));
    let parked = store.park().expect("parks").0;
    parked.resume(0, (100, 100)).expect("resumes")
}

/// The one result of export `name`.
fn result(store: &mut Store<u32>, instance: Instance, name: &str) -> Val {
    let mut out = [Val::I32(-1)];
    let f = instance.get_func(store, name).expect("exported");
    f.call(store, &[], &mut out).expect("runs");
    out[0].clone()
}
