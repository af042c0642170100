//! Fuel profiles: every unit of fuel lands on a call stack and a metering
//! block, named from the `name` section, and profiling changes no result
//! and no charge.

use engine::{Caller, Config, Engine, Linker, Module, ProfileFrame, StackProfile, Store, Trap};

const WAT: &str = r#"(module
  (import "env" "charge" (func $charge (param i64)))
  (func $helper (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3)))
  (func $main (export "main") (param i32) (result i32)
    (local i32)
    (call $charge (i64.const 100))
    (loop $again
      (local.set 1 (i32.add (local.get 1) (call $helper (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $again (local.get 0)))
    (local.get 1)))"#;

/// Runs `main(n)` of `wat` with 1,000,000 fuel, in a store holding
/// `data` that `setup` prepares, `env.charge` charging its argument; gives
/// the result, the fuel used and the store.
fn run_with<T>(
    wat: &str,
    data: T,
    profile: bool,
    n: i32,
    setup: impl FnOnce(&mut Store<T>),
) -> (i32, u64, Store<T>) {
    let mut config = Config::default();
    config.consume_fuel(true).profile(profile);
    let engine = Engine::new(&config);
    let module = Module::from_wat(&engine, wat).expect("valid");
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "charge",
            |mut caller: Caller<'_, T>, amount: i64| -> Result<(), Trap> {
                caller.consume_fuel(amount as u64)
            },
        )
        .expect("defined");
    let mut store = Store::new(&engine, data);
    setup(&mut store);
    store.set_fuel(1_000_000).expect("metered");
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let main = instance
        .get_func(&store, "main")
        .expect("main")
        .typed::<i32, i32>(&store)
        .expect("typed");
    let result = main.call(&mut store, n).expect("runs");
    let used = 1_000_000 - store.get_fuel().expect("metered");
    (result, used, store)
}

/// `main(n)` of [`WAT`] ([`run_with`]).
fn run(profile: bool, n: i32) -> (i32, u64, Store<()>) {
    run_with(WAT, (), profile, n, |_| {})
}

/// The stack of `stacks` whose frames are named `path`.
#[track_caller]
fn stack<'s>(store: &Store<()>, stacks: &'s [StackProfile], path: &[&str]) -> &'s StackProfile {
    stacks
        .iter()
        .find(|s| names(store, &s.frames) == path)
        .unwrap_or_else(|| panic!("no stack {path:?} in {stacks:?}"))
}

fn names(store: &Store<()>, frames: &[ProfileFrame]) -> Vec<String> {
    frames.iter().map(|f| store.frame_name(*f)).collect()
}

#[test]
fn the_profile_accounts_for_every_unit_of_fuel() {
    let (result, used, store) = run(true, 10);
    assert_eq!(result, 3 * (1..=10).sum::<i32>());
    let profile = store.profile().expect("profiling is on");
    assert_eq!(profile.total(), used);
    let blocks: u64 = profile.blocks().iter().map(|b| b.fuel).sum();
    let host: u64 = profile
        .stacks()
        .iter()
        .filter(|s| matches!(s.frames.last(), Some(ProfileFrame::Host { .. })))
        .map(|s| s.fuel)
        .sum();
    assert_eq!(blocks + host, used, "blocks and host charges add up");
}

#[test]
fn stacks_are_named_and_calls_counted() {
    let (_, _, store) = run(true, 10);
    let profile = store.profile().expect("profiling is on");
    let stacks = profile.stacks();
    let find = |path: &[&str]| stack(&store, &stacks, path);
    assert_eq!(find(&["main"]).calls, 1);
    assert_eq!(find(&["main", "helper"]).calls, 10);
    let host = find(&["main", "env.charge"]);
    assert_eq!((host.calls, host.fuel), (1, 100));
}

#[test]
fn blocks_point_at_their_code_and_count_their_runs() {
    let (_, _, store) = run(true, 10);
    let profile = store.profile().expect("profiling is on");
    let blocks = profile.blocks();
    // The loop body runs ten times; it is the costliest block.
    let top = blocks.first().expect("blocks");
    assert_eq!(top.count, 10);
    assert_eq!(
        store.frame_name(ProfileFrame::Wasm {
            instance: top.instance,
            func: top.func
        }),
        "main"
    );
    // Offsets are within the code section and distinct per block.
    let mut offsets: Vec<u32> = blocks.iter().map(|b| b.offset).collect();
    offsets.sort_unstable();
    offsets.dedup();
    assert_eq!(offsets.len(), blocks.len());
}

#[test]
fn profiling_changes_no_result_and_no_charge() {
    for n in [1, 2, 7, 100] {
        let (a, used_a, plain) = run(false, n);
        let (b, used_b, _) = run(true, n);
        assert_eq!((a, used_a), (b, used_b), "n = {n}");
        assert!(plain.profile().is_none());
    }
}

/// A profiling store holding `fuel`, with `wat` instantiated: its export
/// `f`, which takes and returns nothing.
fn profiled(wat: &str, fuel: u64) -> (Store<()>, engine::TypedFunc<(), ()>) {
    let mut config = Config::default();
    config.consume_fuel(true).profile(true);
    let engine = Engine::new(&config);
    let module = Module::from_wat(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    store.set_fuel(fuel).expect("metered");
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("links");
    let f = instance
        .get_func(&store, "f")
        .expect("f")
        .typed::<(), ()>(&store)
        .expect("typed");
    (store, f)
}

#[test]
fn out_of_fuel_in_a_profiled_block_charges_nothing_for_it() {
    let (mut store, f) = profiled("(module (func (export \"f\") (loop (br 0))))", 1_000);
    assert!(f.call(&mut store, ()).is_err());
    let left = store.get_fuel().expect("metered");
    let profile = store.profile().expect("profiling is on");
    assert_eq!(profile.total(), 1_000 - left);
}

/// Runs export `f` of `wat` with profiling on and 10,000,000 fuel; gives
/// the fuel used and the store.
fn run_profiled(wat: &str) -> (u64, Store<()>) {
    let (mut store, f) = profiled(wat, 10_000_000);
    f.call(&mut store, ()).expect("runs");
    let used = 10_000_000 - store.get_fuel().expect("metered");
    (used, store)
}

#[test]
fn each_block_charge_is_the_sum_of_its_instructions() {
    let wat = r#"(module
      (func $pick (param i32) (result i32) (local i64 i64)
        (if (result i32) (local.get 0)
          (then (i32.const 7))
          (else (block (result i32) (br 0 (i32.const 9)) (i32.const 8)))))
      (func (export "f") (local i32)
        (loop $again
          (drop (call $pick (local.get 0)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get 0) (i32.const 5))))))"#;
    let (used, store) = run_profiled(wat);
    let profile = store.profile().expect("profiling is on");
    let blocks = profile.blocks();
    assert!(blocks.len() >= 5, "{blocks:?}");
    let mut seen = Vec::new();
    for b in &blocks {
        let instrs = store.block_fuel(b.instance, b.func, b.block);
        assert!(!instrs.is_empty(), "{b:?}");
        let per_run: u64 = instrs.iter().map(|i| i.fuel).sum();
        assert_eq!(per_run * b.count, b.fuel, "{b:?}: {instrs:?}");
        // The block's first instruction (or its function's locals) opens it.
        assert!(instrs.iter().all(|i| i.offset >= b.offset || b.block == 0));
        for i in instrs {
            assert!(!seen.contains(&(b.func, i.offset)), "{b:?} {i:?}");
            seen.push((b.func, i.offset));
        }
    }
    assert_eq!(blocks.iter().map(|b| b.fuel).sum::<u64>(), used);
    // Stacks split the same fuel by block.
    for stack in profile.stacks() {
        let by_block: u64 = stack.blocks.iter().map(|b| b.fuel).sum();
        assert_eq!(by_block, stack.fuel, "{stack:?}");
    }
    // Without profiling there is nothing to split.
    assert!(store.block_fuel(0, 99, 0).is_empty());
}

#[test]
fn dynamic_charges_have_their_own_frames() {
    let wat = r#"(module (memory 1)
      (func (export "f")
        (drop (memory.grow (i32.const 2)))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 4096))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 100))))"#;
    let (used, store) = run_profiled(wat);
    let profile = store.profile().expect("profiling is on");
    let stacks = profile.stacks();
    let find = |path: &[&str]| stack(&store, &stacks, path);
    let f = find(&["f"]);
    let grow = find(&["f", "[memory.grow]"]);
    let fill = find(&["f", "[memory.fill]"]);
    assert_eq!((grow.calls, fill.calls), (1, 2));
    assert!(grow.fuel > 0 && fill.fuel > 0, "{grow:?} {fill:?}");
    // The function's own fuel is its blocks', nothing more.
    let blocks: u64 = profile.blocks().iter().map(|b| b.fuel).sum();
    assert_eq!(f.fuel, blocks);
    assert_eq!(f.fuel + grow.fuel + fill.fuel, used);
}

#[test]
fn a_charge_hook_sees_every_block_and_operator_charge_in_order() {
    use engine::{Charge, ChargeKind};
    // WAT with a memory that helper fills (a dynamic charge), ten times;
    // `env.charge` charges 100 once.
    let helper = "  (func $helper (param i32) (result i32)\n";
    let fills = "(memory.fill (i32.const 0) (i32.const 1) (local.get 0))";
    let wat = WAT.replace(helper, &format!("  (memory 1)\n{helper}    {fills}\n"));
    assert!(wat.contains(fills));
    let (result, used, store) = run_with(&wat, Vec::<Charge>::new(), true, 10, |store| {
        store.observe_charges(|caller, charge| {
            // The hook runs after the charge.
            assert_eq!(caller.fuel() + charge.fuel, charge.fuel_before);
            caller.data_mut().push(charge);
        });
    });
    assert_eq!(result, 165);
    let charges = store.data().clone();
    // Fuel goes down by exactly the charges, and the host's 100.
    assert_eq!(charges.iter().map(|c| c.fuel).sum::<u64>() + 100, used);
    let host_at = charges
        .windows(2)
        .position(|pair| pair[1].fuel_before != pair[0].fuel_before - pair[0].fuel)
        .expect("the host charge is the one gap");
    assert_eq!(
        charges[host_at].fuel_before - charges[host_at].fuel - charges[host_at + 1].fuel_before,
        100
    );
    let name = |c: &Charge| {
        store.frame_name(ProfileFrame::Wasm {
            instance: c.instance,
            func: c.func,
        })
    };
    assert_eq!(name(&charges[0]), "main");
    let fills: Vec<&Charge> = charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Operator(engine::Opcode::MemoryFill))
        .collect();
    assert_eq!(fills.len(), 10);
    assert!(fills.iter().all(|c| name(c) == "helper" && c.fuel > 0));
    let profile = store.profile().expect("profiling is on");
    let blocks = profile.blocks();
    let block_charges: Vec<&Charge> = charges
        .iter()
        .filter(|c| matches!(c.kind, ChargeKind::Block { .. }))
        .collect();
    assert_eq!(
        block_charges.len() as u64,
        blocks.iter().map(|b| b.count).sum::<u64>()
    );
    for c in block_charges {
        let ChargeKind::Block { block, offset } = c.kind else {
            unreachable!("filtered");
        };
        let found = blocks
            .iter()
            .find(|b| (b.instance, b.func, b.block) == (c.instance, c.func, block))
            .expect("a profiled block");
        assert_eq!(found.offset, offset);
    }
}
