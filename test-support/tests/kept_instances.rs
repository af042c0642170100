//! Instances kept between executions (`ExecConfig::keep_instances`) change
//! nothing but time: executions on an executor that keeps them and on one
//! that instantiates every time give the same outcomes (status, gas,
//! refund, output) and leave the same storage, call after call, whatever
//! the calls before them changed and however they ended (finished,
//! reverted, trapped, out of gas part way).

use ewasm_host::{Address, Bytes32, EvmHost, ExecConfig, Executor, Outcome, Revision};
use test_support::memory_host::{call_message, MemoryHost};

const CONTRACT: Address = Address([0xc0; 20]);

/// Reports the state it finds, then changes all it can. Call data: an
/// offset `x` (4 bytes, little-endian), a mode (1 byte), 3 spare bytes.
/// The report (40 bytes at 1024): the memory's size, the global, the
/// memory's bytes at 64 and at `x`, and what table slot 1 gives (0 if
/// null). Then it grows the memory by `mode & 3` pages, writes `x` and
/// the new page, sets the global, copies the passive segment to 64 and
/// drops it, and sets table slot 1; then it finishes with the report,
/// or reverts with it (`mode & 4`), or traps (`mode & 8`).
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
    (local $x i32) (local $mode i32) (local $pages i32)
    (call $copy (i32.const 0) (i32.const 0) (i32.const 8))
    (local.set $x (i32.and (i32.load (i32.const 0)) (i32.const 0xfff8)))
    (local.set $mode (i32.load8_u (i32.const 4)))
    (i64.store (i32.const 1024) (i64.extend_i32_u (memory.size)))
    (i64.store (i32.const 1032) (global.get $g))
    (i64.store (i32.const 1040) (i64.load (i32.const 64)))
    (i64.store (i32.const 1048) (i64.load (local.get $x)))
    (i64.store (i32.const 1056)
      (if (result i64) (ref.is_null (table.get (i32.const 1)))
        (then (i64.const 0))
        (else (call_indirect (type $r) (i32.const 1)))))
    (local.set $pages (memory.grow (i32.and (local.get $mode) (i32.const 3))))
    (i64.store (local.get $x) (i64.const -1))
    (i32.store8 (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536))
      (i32.const 7))
    (global.set $g (i64.extend_i32_u (local.get $x)))
    (memory.init $d (i32.const 64) (i32.const 0) (i32.const 8))
    (data.drop $d)
    (table.set (i32.const 1) (ref.func $b))
    (if (i32.and (local.get $mode) (i32.const 8)) (then (unreachable)))
    (if (i32.and (local.get $mode) (i32.const 4))
      (then (call $revert (i32.const 1024) (i32.const 40))))
    (call $finish (i32.const 1024) (i32.const 40))))"#;

fn probe_input(x: u32, mode: u8) -> Vec<u8> {
    let mut input = x.to_le_bytes().to_vec();
    input.extend_from_slice(&[mode, 0, 0, 0]);
    input
}

/// Runs `calls` (call data and gas) on an executor that keeps instances
/// and on one that does not, each over its own host starting from
/// `host`: the outcomes of each, in order, and the storage each left.
fn both(code: &[u8], host: &MemoryHost, calls: &[(Vec<u8>, i64)], sender: Address) {
    let run = |keep: bool| {
        let executor = Executor::new(ExecConfig {
            cache_size: 4,
            keep_instances: keep,
            ..ExecConfig::default()
        })
        .expect("executor");
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
        (4096, 4),
        (65_528, 8),
        (128, 3),
        (2048, 2),
        (8, 12),
    ] {
        // Enough gas, then gas that runs out part way through the changes.
        calls.push((probe_input(x, mode), 1_000_000));
        for gas in [2_000, 5_000, 9_000, 12_000] {
            calls.push((probe_input(x, mode), gas));
        }
        calls.push((probe_input(x, mode), 1_000_000));
    }
    both(&code, &host, &calls, Address([0xca; 20]));
    // The probe does report what it finds: on a fresh instance, not what
    // the last call left.
    let executor = Executor::new(ExecConfig {
        cache_size: 4,
        ..ExecConfig::default()
    })
    .expect("executor");
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
}

#[test]
fn the_wrc20_sample_gives_the_same_outcomes_and_storage_kept_or_not() {
    let code = test_support::wrc20::code();
    let host = MemoryHost::with_code(CONTRACT, code.clone());
    let caller = Address([0xca; 20]);
    let balance = test_support::wrc20::balance_query(&caller);
    let mut calls = vec![(balance.clone(), 1_000_000)];
    for amount in [1, 10, 1 << 40, 5] {
        let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), amount);
        calls.push((transfer.clone(), 1_000_000));
        calls.push((transfer, 30_000));
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
        let calls: Vec<(Vec<u8>, i64)> = [1_000_000_000, 20_000, 1_000_000_000, 200_000]
            .into_iter()
            .flat_map(|gas| [(input.clone(), gas), (transfer.clone(), gas)])
            .collect();
        both(&code, &host, &calls, holder);
    }
}
