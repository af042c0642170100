//! Fuel metering: per-block static charges and dynamic charges, exactly.

use std::sync::Arc;

use engine::{
    Config, CostModel, Engine, Instance, Linker, Module, Opcode, Store, TrapCode, UnitCost, Val,
};

/// Ewasm's prices: 1 per operator, 262,144 per page of `memory.grow`.
#[derive(Debug)]
struct GrowPriced;

impl CostModel for GrowPriced {
    fn operator_cost(&self, _op: Opcode) -> u64 {
        1
    }
    fn memory_grow_page_cost(&self) -> u64 {
        262_144
    }
    fn bulk_unit_cost(&self) -> u64 {
        0
    }
}

fn setup(model: Arc<dyn CostModel>, wat: &str) -> (Store<()>, Instance) {
    let mut config = Config::default();
    config.consume_fuel(true).cost_model(model);
    let engine = Engine::new(&config);
    let module = Module::from_wat(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, engine::Error> {
    let func = instance.get_func(store, name).unwrap();
    let mut results = vec![Val::I32(0); func.ty(store).results().len()];
    func.call(store, args, &mut results)?;
    Ok(results)
}

/// Runs `name` with plenty of fuel and gives what it used.
fn fuel_used(store: &mut Store<()>, instance: Instance, name: &str, args: &[Val]) -> u64 {
    store.set_fuel(1_000_000).unwrap();
    call(store, instance, name, args).unwrap();
    1_000_000 - store.get_fuel().unwrap()
}

#[test]
fn a_straight_line_function_pays_its_operators_plus_one_for_end() {
    let (mut store, instance) = setup(
        Arc::new(UnitCost),
        r#"(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))"#,
    );
    assert_eq!(fuel_used(&mut store, instance, "f", &[]), 4);
}

#[test]
fn each_block_is_paid_in_full_at_its_entry() {
    // Function block: end 1 + i32.const + block + i32.const + drop + drop = 6.
    // Inner block: end 1 + br + i32.const + drop (never reached, still
    // paid) = 4.
    let (mut store, instance) = setup(
        Arc::new(UnitCost),
        r#"(module (func (export "f")
            (i32.const 1)
            (block (br 0) (i32.const 2) (drop))
            (i32.const 3) (drop) (drop)))"#,
    );
    assert_eq!(fuel_used(&mut store, instance, "f", &[]), 10);
}

#[test]
fn if_and_else_arms_are_separate_blocks() {
    // Function: end 1 + local.get + if = 3. Then: end 1 + i32.const = 2.
    // Else: end 1 + i32.const + i32.const + i32.add = 4.
    let wat = r#"(module (func (export "f") (param i32) (result i32)
        (if (result i32) (local.get 0)
            (then (i32.const 1))
            (else (i32.add (i32.const 2) (i32.const 3))))))"#;
    let (mut store, instance) = setup(Arc::new(UnitCost), wat);
    assert_eq!(fuel_used(&mut store, instance, "f", &[Val::I32(1)]), 5);
    assert_eq!(fuel_used(&mut store, instance, "f", &[Val::I32(0)]), 7);
}

#[test]
fn loop_br_0_runs_out_exactly_at_the_limit() {
    // Entry pays 2 (end + loop); every iteration pays 2 (end + br).
    let (mut store, instance) = setup(
        Arc::new(UnitCost),
        r#"(module (func (export "spin") (loop (br 0))))"#,
    );
    for iterations in [0u64, 1, 7, 1_000] {
        store.set_fuel(2 + 2 * iterations + 1).unwrap();
        let err = call(&mut store, instance, "spin", &[]).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
        assert_eq!(
            store.get_fuel().unwrap(),
            1,
            "after {iterations} iterations"
        );
    }
}

#[test]
fn memory_grow_that_fuel_cannot_pay_fails_before_growing() {
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let (mut store, instance) = setup(Arc::new(GrowPriced), wat);
    // Static cost: end + local.get + memory.grow = 3.
    store.set_fuel(3 + 262_144 * 2 - 1).unwrap();
    let err = call(&mut store, instance, "grow", &[Val::I32(2)]).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(memory.size(&store), 1, "no page was added");
    store.set_fuel(3 + 262_144 * 2).unwrap();
    assert_eq!(
        call(&mut store, instance, "grow", &[Val::I32(2)]).unwrap(),
        vec![Val::I32(1)]
    );
    assert_eq!(store.get_fuel().unwrap(), 0);
    assert_eq!(memory.size(&store), 3);
}

#[test]
fn with_metering_off_nothing_is_charged_or_emitted() {
    let engine = Engine::default();
    let module = Module::from_wat(
        &engine,
        r#"(module (func (export "f") (loop (br_if 0 (i32.const 0)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    assert!(
        store.set_fuel(10).is_err(),
        "fuel is refused when metering is off"
    );
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    f.call(&mut store, &[], &mut []).unwrap();
}

#[test]
fn fuel_is_set_read_and_added_on_the_store() {
    let (mut store, _) = setup(Arc::new(UnitCost), "(module)");
    store.set_fuel(10).unwrap();
    store.add_fuel(5).unwrap();
    assert_eq!(store.get_fuel().unwrap(), 15);
    store.add_fuel(u64::MAX).unwrap();
    assert_eq!(store.get_fuel().unwrap(), u64::MAX, "adding saturates");
}
