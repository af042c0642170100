//! Runs every export of a module on Iris and on wasmi with the same
//! arguments and requires the same results or a trap from both: the
//! check of the translator's rewrites (fusions, the accumulator) against
//! an engine that has none of them.

/// Arguments that reach carries, wrap-arounds, shifts by 0 and 31 bits,
/// and addresses in and out of bounds.
const INPUTS: &[u64] = &[
    0,
    1,
    2,
    7,
    8,
    12,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fff8,
    0xffff_ffff,
    0x1_0000_0000,
    0xdead_beef_cafe_f00d,
    u64::MAX,
    65_520,
    65_524,
    65_528,
];

pub(crate) fn iris_call(
    store: &mut engine::Store<()>,
    instance: engine::Instance,
    name: &str,
    args: &[engine::Val],
) -> Result<Vec<engine::Val>, String> {
    store.set_fuel(FUEL).expect("fuel metering is on");
    let func = instance.get_func(&*store, name).expect("export");
    let mut results = vec![engine::Val::I32(0); func.ty(&*store).results().len()];
    func.call(store, args, &mut results)
        .map(|()| results)
        .map_err(|e| e.to_string())
}

/// Fuel for each call on Iris: far more than any test function takes, so
/// that code translated wrongly into an endless loop ends (and differs
/// from wasmi) instead of hanging the test.
const FUEL: u64 = 100_000_000;

/// `wat` compiled and instantiated on Iris, with fuel metering on.
pub(crate) fn iris_instance(wat: &str) -> (engine::Module, engine::Store<()>, engine::Instance) {
    let engine = engine::Engine::new(engine::Config::default().consume_fuel(true));
    let module = engine::Module::from_wat(&engine, wat).expect("compiles");
    let mut store = engine::Store::new(&engine, ());
    let instance = engine::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (module, store, instance)
}

/// Calls every export of `wat` (with integer parameters and results) on
/// both engines with arguments from `INPUTS`, asserts that they agree,
/// and gives how many calls were compared.
pub(crate) fn every_export_agrees_with_wasmi(wat: &str) -> usize {
    let (module, mut store, instance) = iris_instance(wat);
    let bytes = wat::parse_str(wat).expect("assembles");
    let w_engine = wasmi::Engine::default();
    let w_module = wasmi::Module::new(&w_engine, &bytes[..]).expect("wasmi compiles");
    let mut w_store = wasmi::Store::new(&w_engine, ());
    let w_instance = wasmi::Linker::<()>::new(&w_engine)
        .instantiate_and_start(&mut w_store, &w_module)
        .expect("wasmi instantiates");
    let mut checked = 0;
    for export in module.exports() {
        let name = export.name;
        let w_func = w_instance.get_func(&w_store, name).expect("wasmi export");
        let ty = w_func.ty(&w_store);
        let arity = ty.params().len();
        // Every combination of inputs for up to two parameters, and a
        // rotating choice beyond.
        let combos = INPUTS.len().pow(arity.min(2) as u32);
        for combo in 0..combos {
            let pick = |i: usize| {
                INPUTS[(combo / INPUTS.len().pow(i.min(1) as u32) + i * 5) % INPUTS.len()]
            };
            let mut args = Vec::new();
            let mut w_args = Vec::new();
            for (i, param) in ty.params().iter().enumerate() {
                let v = pick(i);
                match param {
                    wasmi::ValType::I32 => {
                        args.push(engine::Val::I32(v as i32));
                        w_args.push(wasmi::Val::I32(v as i32));
                    }
                    _ => {
                        args.push(engine::Val::I64(v as i64));
                        w_args.push(wasmi::Val::I64(v as i64));
                    }
                }
            }
            let ours = iris_call(&mut store, instance, name, &args);
            let mut w_results = vec![wasmi::Val::I32(0); ty.results().len()];
            let theirs = w_func.call(&mut w_store, &w_args, &mut w_results);
            match (&ours, theirs) {
                (Ok(values), Ok(())) => {
                    let ours: Vec<u64> = values
                        .iter()
                        .map(|v| match v {
                            engine::Val::I32(x) => *x as u32 as u64,
                            engine::Val::I64(x) => *x as u64,
                            other => panic!("{name}: unexpected {other:?}"),
                        })
                        .collect();
                    let theirs: Vec<u64> = w_results
                        .iter()
                        .map(|v| match v {
                            wasmi::Val::I32(x) => *x as u32 as u64,
                            wasmi::Val::I64(x) => *x as u64,
                            other => panic!("{name}: unexpected {other:?}"),
                        })
                        .collect();
                    assert_eq!(ours, theirs, "{name}{args:?}");
                }
                (Err(_), Err(_)) => {}
                (ours, theirs) => panic!("{name}{args:?}: iris {ours:?}, wasmi {theirs:?}"),
            }
            checked += 1;
        }
    }
    checked
}
