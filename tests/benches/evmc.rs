//! The cost of going through EVMC: a small cached contract called through
//! `libiris.so` (dlopen, the C ABI, host callbacks) against the same call
//! in process, and the cold load (decode + validate + translate + first
//! call) of a 24 KiB contract.
//!
//! `cargo bench -p tests --bench evmc`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{ExecConfig, Executor, U256};
use state::run::{Call, Session};
use state::Runner;
use tests::{load, VmRunner};

const SMALL: &str = r#"(module
    (import "ethereum" "finish" (func $finish (param i32 i32)))
    (import "ethereum" "getCallDataSize" (func $size (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "ok")
    (func (export "main") (drop (call $size)) (call $finish (i32.const 0) (i32.const 2))))"#;

/// A contract of about 24 KiB: one long function of integer arithmetic.
fn big_contract() -> Vec<u8> {
    let body =
        "(local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 12345)))\n"
            .repeat(2_000);
    let code = wat::parse_str(format!(
        r#"(module
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "main") (local $x i32)
                {body}
                (i32.store (i32.const 0) (local.get $x))
                (call $finish (i32.const 0) (i32.const 4))))"#
    ))
    .expect("the big contract assembles");
    assert!(
        (20_000..=24_576).contains(&code.len()),
        "{} bytes",
        code.len()
    );
    code
}

fn per_call(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    let mut best = Duration::MAX;
    while runs < 10 || start.elapsed() < budget {
        let batch = Instant::now();
        for _ in 0..100 {
            f();
        }
        best = best.min(batch.elapsed() / 100);
        runs += 1;
    }
    best
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let budget = if quick {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    };
    let call = Call {
        input: Vec::new(),
        gas: 1_000_000,
        value: U256::zero(),
    };
    let small = wat::parse_str(SMALL).expect("assembles");
    let in_process: Arc<dyn Runner> = Arc::new(
        Executor::new(ExecConfig {
            cache_size: 16,
            ..ExecConfig::default()
        })
        .expect("executor"),
    );
    let through_c: Arc<dyn Runner> = Arc::new(VmRunner(load()));
    let mut a = Session::new(small.clone(), in_process);
    let mut b = Session::new(small, through_c);
    assert_eq!(a.call(&call), b.call(&call));
    let t_in = per_call(budget, || {
        std::hint::black_box(a.call(&call));
    });
    let t_c = per_call(budget, || {
        std::hint::black_box(b.call(&call));
    });
    println!("small cached contract, per call:");
    println!(
        "  in process          {:>10.2} us",
        t_in.as_secs_f64() * 1e6
    );
    println!("  through libiris.so  {:>10.2} us", t_c.as_secs_f64() * 1e6);
    println!(
        "  EVMC overhead       {:>10.2} us",
        (t_c.as_secs_f64() - t_in.as_secs_f64()) * 1e6
    );

    let big = big_contract();
    let cold = load();
    assert_eq!(cold.set_option("cache_size", "0"), 0);
    let mut cold = Session::new(big.clone(), Arc::new(VmRunner(cold)));
    let t_cold = per_call(budget, || {
        std::hint::black_box(cold.call(&call));
    });
    let mut warm = Session::new(big.clone(), Arc::new(VmRunner(load())));
    let t_warm = per_call(budget, || {
        std::hint::black_box(warm.call(&call));
    });
    println!("{} byte contract through libiris.so, per call:", big.len());
    println!(
        "  cold (decode + validate + translate + call) {:>8.3} ms",
        t_cold.as_secs_f64() * 1e3
    );
    println!(
        "  cached                                      {:>8.3} ms",
        t_warm.as_secs_f64() * 1e3
    );
}
