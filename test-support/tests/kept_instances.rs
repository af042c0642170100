//! Instances kept between executions (`ExecConfig::keep_instances`) change
//! nothing but time: executions on an executor that keeps them and on one
//! that instantiates every time give the same outcomes (status, gas,
//! refund, output) and leave the same storage, call after call, whatever
//! the calls before them changed and however they ended (finished,
//! reverted, trapped, out of gas part way).

use ewasm_host::{
    Address, Bytes32, EvmHost, ExecConfig, Executor, FailureReason, GasSite, Outcome, Revision,
};
use test_support::memory_host::{call_message, MemoryHost};

const CONTRACT: Address = Address([0xc0; 20]);

/// Reports the state it finds, then changes all it can. Call data: an
/// offset `x` (4 bytes, little-endian; taken modulo 65,529, so that an
/// 8-byte access at it fits the first page and may cross a 4 KiB page),
/// a mode (1 byte), 3 spare bytes. The report (56 bytes at 1024): the
/// memory's size, the global, the memory's bytes at 64 and at `x`, what
/// table slot 1 gives (0 if null), then, once the memory has grown by
/// `mode & 3` pages, the bytes of its last page at 4,093 (across a 4 KiB
/// page) and at 100. Then it writes `x` and those two places (the
/// second through `callDataCopy`, a host write), sets the global, copies
/// the passive segment to 64 and drops it, and sets table slot 1; then it
/// finishes with the report, or reverts with it (`mode & 4`), or traps
/// (`mode & 8`).
const PROBE: &str = r#"(module
  (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (type $r (func (result i64)))
  (memory (export "memory") 1 16)
  (global $g (mut i64) (i64.const 5))
  (table 2 funcref)
  (elem (i32.const 0) func $a)
  (elem declare func $b)
  (data (i32.const 64) "initial!")
  (data $d "passive!")
  (func $a (result i64) (i64.const 11))
  (func $b (result i64) (i64.const 22))
  (func (export "main")
    (local $x i32) (local $mode i32) (local $last i32)
    (call $copy (i32.const 0) (i32.const 0) (i32.const 8))
    (local.set $x (i32.rem_u (i32.load (i32.const 0)) (i32.const 65529)))
    (local.set $mode (i32.load8_u (i32.const 4)))
    (i64.store (i32.const 1024) (i64.extend_i32_u (memory.size)))
    (i64.store (i32.const 1032) (global.get $g))
    (i64.store (i32.const 1040) (i64.load (i32.const 64)))
    (i64.store (i32.const 1048) (i64.load (local.get $x)))
    (i64.store (i32.const 1056)
      (if (result i64) (ref.is_null (table.get (i32.const 1)))
        (then (i64.const 0))
        (else (call_indirect (type $r) (i32.const 1)))))
    (drop (memory.grow (i32.and (local.get $mode) (i32.const 3))))
    (local.set $last (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536)))
    (i64.store (i32.const 1064) (i64.load (i32.add (local.get $last) (i32.const 4093))))
    (i64.store (i32.const 1072) (i64.load (i32.add (local.get $last) (i32.const 100))))
    (i64.store (local.get $x) (i64.const -1))
    (i64.store (i32.add (local.get $last) (i32.const 4093)) (i64.const -2))
    (call $copy (i32.add (local.get $last) (i32.const 100)) (i32.const 0) (i32.const 8))
    (global.set $g (i64.extend_i32_u (local.get $x)))
    (memory.init $d (i32.const 64) (i32.const 0) (i32.const 8))
    (data.drop $d)
    (table.set (i32.const 1) (ref.func $b))
    (if (i32.and (local.get $mode) (i32.const 8)) (then (unreachable)))
    (if (i32.and (local.get $mode) (i32.const 4))
      (then (call $revert (i32.const 1024) (i32.const 56))))
    (call $finish (i32.const 1024) (i32.const 56))))"#;

fn probe_input(x: u32, mode: u8) -> Vec<u8> {
    let mut input = x.to_le_bytes().to_vec();
    input.extend_from_slice(&[mode, 0, 0, 0]);
    input
}

/// An executor with a cache, keeping instances if `keep`.
fn executor(keep: bool) -> Executor {
    Executor::new(ExecConfig {
        cache_size: 4,
        keep_instances: keep,
        ..ExecConfig::default()
    })
    .expect("executor")
}

/// Runs `calls` (call data and gas) on an executor that keeps instances
/// and on one that does not, each over its own host starting from
/// `host`: the outcomes of each, in order, and the storage each left.
fn both(code: &[u8], host: &MemoryHost, calls: &[(Vec<u8>, i64)], sender: Address) {
    let run = |keep: bool| {
        let executor = executor(keep);
        let mut host = host.clone();
        let outcomes: Vec<Outcome> = calls
            .iter()
            .map(|(input, gas)| {
                host.next_message();
                let message = call_message(sender, CONTRACT, input.clone(), *gas);
                let outcome = executor.execute(&mut host, Revision::Osaka, &message, code);
                // The contract's instance is kept after each call (none
                // here ends in an internal error), and only if asked.
                assert_eq!(executor.kept_instances(), usize::from(keep));
                outcome
            })
            .collect();
        (outcomes, host)
    };
    let (kept, kept_host) = run(true);
    let (fresh, fresh_host) = run(false);
    // Some calls ran out of gas inside the run (in Wasm code or a host
    // function), not only before it (paying for code or initial memory).
    let inside = kept
        .iter()
        .filter(|o| {
            matches!(
                o.reason.as_deref(),
                Some(FailureReason::OutOfGas(
                    GasSite::Function(_) | GasSite::Host { .. }
                ))
            )
        })
        .count();
    assert!(inside >= 2, "{inside} calls ran out of gas inside the run");
    for (i, (k, f)) in kept.iter().zip(&fresh).enumerate() {
        assert_eq!(k, f, "call {i}: kept {k:?}, fresh {f:?}");
        assert_eq!(k.reason, f.reason, "call {i}: the reasons");
    }
    assert_eq!(format!("{kept_host:?}"), format!("{fresh_host:?}"));
}

#[test]
fn a_kept_instance_reports_what_a_fresh_one_does_after_every_kind_of_end() {
    let code = wat::parse_str(PROBE).expect("assembles");
    let host = MemoryHost::with_code(CONTRACT, code.clone());
    let mut calls = Vec::new();
    for (x, mode) in [
        (8, 0),
        (64, 1),
        (4093, 4),
        (65_528, 8),
        (4090, 3),
        (2048, 2),
        (9, 12),
    ] {
        // Enough gas, then less and less: out of gas at each point of
        // the run, the memory's growth among them, and before it.
        let input = probe_input(x, mode);
        let used = gas_used(&code, &input);
        calls.push((input.clone(), 1_000_000));
        for gas in short_of(used) {
            calls.push((input.clone(), gas));
        }
        calls.push((input, 1_000_000));
    }
    both(&code, &host, &calls, Address([0xca; 20]));
    // The probe does report what it finds: on a fresh instance, not what
    // the last call left.
    let executor = executor(true);
    let mut host = host.clone();
    let mut call = |x, mode| {
        let message = call_message(
            Address([0xca; 20]),
            CONTRACT,
            probe_input(x, mode),
            1_000_000,
        );
        executor.execute(&mut host, Revision::Osaka, &message, &code)
    };
    let first = call(16, 1);
    assert_eq!(call(16, 1), first);
    assert_eq!(&first.output[..8], &1u64.to_le_bytes(), "one page");
    assert_eq!(&first.output[8..16], &5u64.to_le_bytes(), "the global");
    assert_eq!(&first.output[16..24], b"initial!");
    assert_eq!(&first.output[24..32], &[0; 8], "x not yet written");
    assert_eq!(&first.output[32..40], &[0; 8], "slot 1 null");
    assert_eq!(&first.output[40..56], &[0; 16], "the grown page is zero");
}

/// Gas short of `used` by 1 to 270,000: a call given it runs out at
/// points through its run (and the probe's at its memory's growth and
/// before), or before it.
fn short_of(used: i64) -> Vec<i64> {
    [
        1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 262_144, 262_200, 270_000,
    ]
    .into_iter()
    .filter(|&short| short < used)
    .map(|short| used - short)
    .collect()
}

/// The gas a run of the probe with `input` uses, on a fresh executor.
fn gas_used(code: &[u8], input: &[u8]) -> i64 {
    let host = MemoryHost::with_code(CONTRACT, code.to_vec());
    gas_used_in(&host, Address([0xca; 20]), code, input)
}

/// The gas a call of `code` by `sender` with `input` uses over a copy of
/// `host`, on a fresh executor.
fn gas_used_in(host: &MemoryHost, sender: Address, code: &[u8], input: &[u8]) -> i64 {
    let executor = Executor::new(ExecConfig::default()).expect("executor");
    let mut host = host.clone();
    let gas = 1_000_000_000;
    let message = call_message(sender, CONTRACT, input.to_vec(), gas);
    gas - executor
        .execute(&mut host, Revision::Osaka, &message, code)
        .gas_left
}

#[test]
fn the_wrc20_sample_gives_the_same_outcomes_and_storage_kept_or_not() {
    let code = test_support::wrc20::code();
    let host = MemoryHost::with_code(CONTRACT, code.clone());
    let caller = Address([0xca; 20]);
    let balance = test_support::wrc20::balance_query(&caller);
    let mut calls = vec![(balance.clone(), 1_000_000)];
    // What a transfer uses once the first call has minted the caller's
    // balance, and one has been made.
    let mut warm = host.clone();
    let executor = Executor::new(ExecConfig::default()).expect("executor");
    for input in [
        &balance,
        &test_support::wrc20::transfer(&Address([0xaa; 20]), 1),
    ] {
        let message = call_message(caller, CONTRACT, input.clone(), 1_000_000);
        executor.execute(&mut warm, Revision::Osaka, &message, &code);
    }
    for amount in [1, 10, 1 << 40, 5] {
        let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), amount);
        calls.push((transfer.clone(), 1_000_000));
        let used = gas_used_in(&warm, caller, &code, &transfer);
        for gas in short_of(used) {
            calls.push((transfer.clone(), gas));
        }
        calls.push((balance.clone(), 1_000_000));
    }
    calls.push((vec![0x12, 0x34], 1_000_000));
    both(&code, &host, &calls, caller);
}

#[test]
fn the_benchmarking_contracts_give_the_same_outcomes_kept_or_not() {
    for name in ["wrc20_C", "keccak256_rhash", "blake2b_ref", "sha256_rust"] {
        let (code, input) = test_support::kernels::kernel(name).unwrap_or_else(|e| panic!("{e}"));
        let mut host = MemoryHost::with_code(CONTRACT, code.clone());
        // wrc20_C's holder, funded: its transfers write storage.
        let holder = input
            .get(4..24)
            .and_then(|a| a.try_into().ok())
            .map_or(Address([0xca; 20]), Address);
        let mut key = [0u8; 32];
        key[..20].copy_from_slice(&holder.0);
        let mut value = [0u8; 32];
        value[..8].copy_from_slice(&1_000u64.to_be_bytes());
        host.set_storage(&CONTRACT, &Bytes32(key), &Bytes32(value));
        let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 7);
        let mut calls = Vec::new();
        for input in [input.clone(), transfer] {
            // Enough gas, then out of gas at points through the run.
            let used = gas_used_in(&host, holder, &code, &input);
            calls.push((input.clone(), 1_000_000_000));
            for gas in short_of(used) {
                calls.push((input.clone(), gas));
                calls.push((input.clone(), 1_000_000_000));
            }
        }
        both(&code, &host, &calls, holder);
    }
}

/// Records, under the key of its depth, the memory word and the global it
/// finds, then changes both and calls itself one level less deep (call
/// data: the depth, one byte), and finishes with what it recorded.
const NESTED: &str = r#"(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
  (import "ethereum" "storageStore" (func $sstore (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (global $g (mut i64) (i64.const 0))
  (func (export "main")
    (local $d i32)
    (call $copy (i32.const 200) (i32.const 0) (i32.const 1))
    (local.set $d (i32.load8_u (i32.const 200)))
    (i64.store (i32.const 128) (i64.load (i32.const 300)))
    (i64.store (i32.const 136) (global.get $g))
    (i32.store8 (i32.const 127) (local.get $d))
    (call $sstore (i32.const 96) (i32.const 128))
    (i64.store (i32.const 300) (i64.const -1))
    (global.set $g (i64.const 77))
    (if (local.get $d)
      (then
        (call $getAddress (i32.const 0))
        (i32.store8 (i32.const 201) (i32.sub (local.get $d) (i32.const 1)))
        (drop (call $call (i64.const 0x7fffffffffffffff) (i32.const 0) (i32.const 32)
          (i32.const 201) (i32.const 1)))))
    (call $finish (i32.const 128) (i32.const 16))))"#;

#[test]
fn a_contract_calling_itself_gives_the_same_outcomes_and_storage_kept_or_not() {
    use test_support::nesting_host::NestingHost;
    let code = wat::parse_str(NESTED).expect("assembles");
    let run = |keep: bool| {
        let executor = executor(keep);
        let nested = |host: &mut dyn EvmHost, message: &ewasm_host::Message| {
            executor.execute(host, Revision::Osaka, message, &code)
        };
        let mut host = NestingHost::new(MemoryHost::with_code(CONTRACT, code.clone()), &nested);
        let outcomes: Vec<Outcome> = [3u8, 0, 5, 2, 1]
            .into_iter()
            .map(|depth| {
                host.state.next_message();
                let message = call_message(Address([0xca; 20]), CONTRACT, vec![depth], 1 << 40);
                executor.execute(&mut host, Revision::Osaka, &message, &code)
            })
            .collect();
        (outcomes, format!("{:?}", host.state), host.deepest)
    };
    let (kept, kept_state, deepest) = run(true);
    assert_eq!(deepest, 5, "the calls nested");
    assert_eq!((kept, kept_state), {
        let (fresh, fresh_state, _) = run(false);
        (fresh, fresh_state)
    });
    // Every level found the state of a fresh instance: its record is the
    // zero word and the global 0, at each depth.
    let (outcomes, _, _) = run(true);
    for outcome in outcomes {
        assert_eq!(outcome.output, [0u8; 16], "{:?}", outcome.reason);
    }
}
