//! Contracts that attack an Ewasm node with modest gas: one for each class
//! of the project's threat list that the hand-written corpus
//! (`fixtures/hostile/*.wat`) does not already hold, generated here because
//! their code is large or computed.
//!
//! Each attack is run like a corpus fixture (`test-support/tests/hostile.rs`,
//! a child process per contract, metering on with the default gas model)
//! and must end with the outcome recorded for it in
//! `fixtures/hostile/generated.expect`.

use super::Shape;

/// One attack: a contract and how it is called.
#[derive(Debug, Clone)]
pub struct Attack {
    /// A short name (the key of its expected outcome).
    pub name: &'static str,
    /// What it does to the VM.
    pub what: &'static str,
    /// The contract (or, with `create`, the init code).
    pub code: Vec<u8>,
    /// Run as init code.
    pub create: bool,
    /// Gas given.
    pub gas: i64,
    /// Call data.
    pub input: Vec<u8>,
    /// Wei sent.
    pub value: u64,
    /// Run with metering off (Hera's trusted-code mode): only the
    /// execution caps bound it.
    pub trusted: bool,
}

impl Attack {
    fn call(name: &'static str, what: &'static str, code: Vec<u8>, gas: i64) -> Self {
        Self {
            name,
            what,
            code,
            create: false,
            gas,
            input: Vec::new(),
            value: 0,
            trusted: false,
        }
    }

    fn create(name: &'static str, what: &'static str, code: Vec<u8>, gas: i64) -> Self {
        Self {
            create: true,
            ..Self::call(name, what, code, gas)
        }
    }
}

/// Every generated attack.
pub fn attacks() -> Vec<Attack> {
    let branch = Shape::BranchValues.module(24 * 1024);
    let blocks = Shape::BlockEntries.module(48 * 1024);
    vec![
        Attack::call(
            "translation-branch-values",
            "24 KiB whose br_ifs each carry 1,000 values (refused: over the validation-work allowance)",
            branch.clone(),
            3_000_000,
        ),
        Attack::create(
            "translation-branch-factory",
            "init code that writes the 24 KiB branch contract into memory with a loop and creates it",
            factory(&branch, &[0x20, 0x00, 0x0d, 0x01]),
            3_000_000,
        ),
        Attack::call(
            "translation-blocks",
            "48 KiB: 10,000 operands, then empty blocks (each used to scan the operand stack)",
            blocks.clone(),
            3_000_000,
        ),
        Attack::create(
            "translation-blocks-factory",
            "init code that builds the 48 KiB block contract and creates it",
            factory(&blocks, &[0x02, 0x40, 0x0b]),
            3_000_000,
        ),
        Attack::call(
            "many-locals",
            "a function with 50,000 locals called in a loop (a call zeroes them)",
            wat(&format!(
                r#"(module (memory (export "memory") 1)
                    (func $big (local {}))
                    (func (export "main") (loop (call $big) (br 0))))"#,
                "i64 ".repeat(50_000)
            )),
            1_000_000,
        ),
        Attack::call(
            "nested-memory",
            "calls itself with all its gas, each frame declaring 1,024 pages and filling them",
            wat(NESTED_MEMORY),
            100_000,
        ),
        Attack::call(
            "nested-call-data",
            "calls itself with all its gas, passing its whole 64 MiB memory as call data",
            wat(NESTED_CALL_DATA),
            50_000,
        ),
        Attack {
            trusted: true,
            ..Attack::call(
                "nested-memory-trusted",
                "as nested-memory with metering off: the execution's page cap stops the chain",
                wat(NESTED_MEMORY),
                100_000_000,
            )
        },
        Attack {
            trusted: true,
            ..Attack::call(
                "nested-call-data-trusted",
                "as nested-call-data with metering off: the execution's page cap stops the chain",
                wat(NESTED_CALL_DATA),
                100_000_000,
            )
        },
        Attack {
            trusted: true,
            ..Attack::call(
                "nested-return-data-trusted",
                "metering off: each frame keeps a 64 MiB return data from a child, then calls itself",
                wat(NESTED_RETURN_DATA),
                100_000_000,
            )
        },
        Attack {
            value: 1,
            ..Attack::call(
                "delegate-minting",
                "in a frame that carries value, callDelegate to an empty account in a loop (gas must never grow)",
                wat(DELEGATE_LOOP),
                1_000_000,
            )
        },
    ]
}

/// Each frame fills its 64 MiB, then calls itself with all its gas.
const NESTED_MEMORY: &str = r#"(module
  (import "ethereum" "getAddress" (func $address (param i32)))
  (import "ethereum" "getGasLeft" (func $gas (result i64)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1024)
  (func (export "main")
    (memory.fill (i32.const 64) (i32.const 1) (i32.const 67108800))
    (call $address (i32.const 0))
    (drop (call $call (call $gas) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 0)))))"#;

/// Each frame passes its whole memory as the next frame's call data.
const NESTED_CALL_DATA: &str = r#"(module
  (import "ethereum" "getAddress" (func $address (param i32)))
  (import "ethereum" "getGasLeft" (func $gas (result i64)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1024)
  (func (export "main")
    (call $address (i32.const 0))
    (drop (call $call (call $gas) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 67108864)))))"#;

/// Called with call data, grows its memory to 64 MiB and returns it all;
/// called without, calls itself once with call data (keeping what comes
/// back as return data) and once without.
const NESTED_RETURN_DATA: &str = r#"(module
  (import "ethereum" "getAddress" (func $address (param i32)))
  (import "ethereum" "getGasLeft" (func $gas (result i64)))
  (import "ethereum" "getCallDataSize" (func $size (result i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (if (call $size)
      (then
        (drop (memory.grow (i32.const 1023)))
        (call $finish (i32.const 0) (i32.const 67108864))))
    (call $address (i32.const 0))
    (drop (call $call (i64.const 1000000) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 1)))
    (drop (call $call (call $gas) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))))"#;

/// callDelegate to an empty account, again and again.
const DELEGATE_LOOP: &str = r#"(module
  (import "ethereum" "getGasLeft" (func $gas (result i64)))
  (import "ethereum" "callDelegate" (func $delegate (param i64 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (i32.store (i32.const 12) (i32.const 0xdead))
    (loop $again
      (drop (call $delegate (i64.const 1000) (i32.const 0) (i32.const 64) (i32.const 0)))
      (br $again))))"#;

fn wat(text: &str) -> Vec<u8> {
    // The texts above are fixed and valid; a failure is a bug in this file.
    wat::parse_str(text).unwrap_or_else(|e| panic!("attack WAT: {e}"))
}

/// Init code that writes `module` into its memory, its longest run of
/// `unit` by a loop and the rest from data segments, then creates it.
fn factory(module: &[u8], unit: &[u8]) -> Vec<u8> {
    let (start, count) = longest_run(module, unit);
    assert!(count > 0, "the module has no run of the unit");
    let prefix = &module[..start];
    let suffix = &module[start + count * unit.len()..];
    let base = 64usize;
    let run_end = base + start + count * unit.len();
    let pages = (run_end + suffix.len()).div_ceil(65_536);
    let mut stores = String::new();
    // One store per byte of the unit: units need not be 4-byte aligned.
    for (i, &b) in unit.iter().enumerate() {
        stores.push_str(&format!(
            "(i32.store8 offset={} (local.get $at) (i32.const {b}))\n",
            i
        ));
    }
    wat(&format!(
        r#"(module
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") {pages})
  (data (i32.const {base}) "{}")
  (data (i32.const {run_end}) "{}")
  (func (export "main") (local $at i32)
    (local.set $at (i32.const {}))
    (loop $again
      {stores}
      (local.set $at (i32.add (local.get $at) (i32.const {})))
      (br_if $again (i32.lt_u (local.get $at) (i32.const {run_end}))))
    (drop (call $create (i32.const 0) (i32.const {base}) (i32.const {}) (i32.const 32)))))"#,
        escape(prefix),
        escape(suffix),
        base + start,
        unit.len(),
        module.len(),
    ))
}

/// The start and length (in units) of the longest run of `unit` in `bytes`.
fn longest_run(bytes: &[u8], unit: &[u8]) -> (usize, usize) {
    let (mut best, mut at) = ((0, 0), 0);
    while at + unit.len() <= bytes.len() {
        let mut n = 0;
        while bytes[at + n * unit.len()..].starts_with(unit) {
            n += 1;
        }
        if n > best.1 {
            best = (at, n);
        }
        at += if n > 0 { n * unit.len() } else { 1 };
    }
    best
}

/// `bytes` as a WAT string's contents.
fn escape(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attack_is_a_valid_module() {
        for attack in attacks() {
            wasmparser::Validator::new()
                .validate_all(&attack.code)
                .unwrap_or_else(|e| panic!("{}: {e}", attack.name));
        }
    }

    #[test]
    fn a_factory_creates_exactly_the_module_it_was_given() {
        for (module, unit) in [
            (
                Shape::BlockEntries.module(48 * 1024),
                &[0x02, 0x40, 0x0b][..],
            ),
            (
                Shape::BranchValues.module(8 * 1024),
                &[0x20, 0x00, 0x0d, 0x01][..],
            ),
        ] {
            let engine = engine::Engine::default();
            let code = engine::Module::new(&engine, &factory(&module, unit)).expect("compiles");
            let mut linker = engine::Linker::<Vec<u8>>::new(&engine);
            linker
                .func_wrap(
                    "ethereum",
                    "create",
                    |mut c: engine::Caller<'_, Vec<u8>>, _v: i32, at: i32, len: i32, _r: i32| {
                        let bytes = c.read(at as u32, len as u32)?.to_vec();
                        *c.data_mut() = bytes;
                        Ok::<i32, engine::Trap>(0)
                    },
                )
                .expect("links");
            let mut store = engine::Store::new(&engine, Vec::new());
            let instance = linker.instantiate(&mut store, &code).expect("instantiates");
            let main = instance.get_func(&store, "main").expect("main");
            main.call(&mut store, &[], &mut []).expect("runs");
            assert_eq!(store.data(), &module);
        }
    }
}
