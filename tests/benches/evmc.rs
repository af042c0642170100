//! The cost of going through EVMC: a small cached contract called through
//! `libiris.so` (dlopen, the C ABI, host callbacks) against the same call
//! in process, WRC20 balance queries and transfers (the sample, and the
//! ewasm WRC20 in C of the benchmarking vectors), and the cold load
//! (decode + validate + translate + first call) of a 24 KiB contract,
//! translated lazily (its `main`, all of it, at load all the same) and
//! eagerly. Both sides answer the EEI from the same
//! minimal in-memory host (`test_support::memory_host`), so that what is
//! measured is Iris and the C boundary, not a client's state.
//!
//! `cargo bench -p tests --bench evmc`; `-- --profile
//! transfer|transfer-in|c-transfer|balance|small|cold|cold-eager N` makes
//! only N calls of one kind (`transfer-in`: in process; `c-transfer`: the
//! WRC20 in C), for a profiler.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ewasm_host::{Address, EvmHost, ExecConfig, Executor, Message, Revision};
use state::Runner;
use test_support::memory_host::{call_message, MemoryHost};
use tests::load;

const CONTRACT: Address = Address([0xc0; 20]);

/// `code` called again and again by `runner`, at Byzantium, over a
/// minimal in-memory host.
struct Calls {
    runner: Arc<dyn Runner>,
    host: MemoryHost,
    message: Message<'static>,
    code: Vec<u8>,
}

impl Calls {
    fn new(runner: Arc<dyn Runner>, code: Vec<u8>) -> Self {
        let message = call_message(Address([0xca; 20]), CONTRACT, Vec::new(), 1_000_000);
        Self {
            runner,
            host: MemoryHost::with_code(CONTRACT, code.clone()),
            message,
            code,
        }
    }

    /// The same calls with call data `input`.
    fn with_input(mut self, input: Vec<u8>) -> Self {
        self.message.input = input.into();
        self
    }

    /// One call: its status, gas left and output.
    fn call(&mut self) -> (ewasm_host::Status, i64, Vec<u8>) {
        self.host.next_message();
        let outcome = self.runner.run(
            &mut self.host,
            Revision::Byzantium,
            &self.message,
            &self.code,
        );
        (outcome.status, outcome.gas_left, outcome.output)
    }
}

const SMALL: &str = r#"(module
    (import "ethereum" "finish" (func $finish (param i32 i32)))
    (import "ethereum" "getCallDataSize" (func $size (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "ok")
    (func (export "main") (drop (call $size)) (call $finish (i32.const 0) (i32.const 2))))"#;

/// A contract of about 24 KiB: one long function of integer arithmetic
/// (`test_support::straight`).
fn big_contract() -> Vec<u8> {
    let code = test_support::straight::code();
    assert!(
        (20_000..=24_576).contains(&code.len()),
        "{} bytes",
        code.len()
    );
    code
}

/// The WRC20 lines of the table: `title`'s balance query and transfer.
fn print_wrc20(title: &str, balance: Duration, transfer: Duration) {
    println!("{title} through libiris.so, cached, per call:");
    println!(
        "  balance query       {:>10.2} us",
        balance.as_secs_f64() * 1e6
    );
    println!(
        "  transfer            {:>10.2} us",
        transfer.as_secs_f64() * 1e6
    );
}

/// The most batches of 100 calls a measurement makes, whatever its
/// budget: a WRC20 sample transfer moves 1 of the 1,000,000 its caller is
/// minted, and at 1.9 us a call two seconds of them drained it.
const MAX_BATCHES: u32 = 5_000;

/// The best time per call of `f` over batches of 100 calls, for
/// `budget` (at least 10 batches, at most [`MAX_BATCHES`]).
fn per_call(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    let mut best = Duration::MAX;
    while runs < 10 || (start.elapsed() < budget && runs < MAX_BATCHES) {
        let batch = Instant::now();
        for _ in 0..100 {
            f();
        }
        best = best.min(batch.elapsed() / 100);
        runs += 1;
    }
    best
}

/// The WRC20 sample's calls through libiris.so: a balance query, and a
/// transfer of 1 (storage read and written, a log) from the caller, whom
/// the first call mints 1,000,000.
fn wrc20_calls() -> (Calls, Calls) {
    let wrc20 = test_support::wrc20::code();
    let balance_input = test_support::wrc20::balance_query(&Address([0xca; 20]));
    let transfer_input = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    let balance = Calls::new(Arc::new(load()), wrc20.clone()).with_input(balance_input);
    let transfer = Calls::new(Arc::new(load()), wrc20).with_input(transfer_input);
    (balance, transfer)
}

/// The ewasm WRC20 written in C (the `wrc20_C` benchmarking vector's
/// contract, `$IRIS_EWASM_TESTS` or `../shared`), through libiris.so: a
/// balance query and a transfer of 1 (two storage reads, two writes) from
/// the holder the vector funds, here with 2^62 so that no run drains it.
/// `Err` says where the vectors were looked for.
fn reference_wrc20_calls() -> Result<(Calls, Calls), String> {
    let test_support::wrc20::CContract {
        code,
        query,
        holder,
        host,
    } = test_support::wrc20::c_contract_with_holder(CONTRACT, 1 << 62)?;
    let calls = |input: Vec<u8>| {
        let mut calls = Calls::new(Arc::new(load()), code.clone()).with_input(input);
        calls.message.sender = holder;
        calls.host = host.clone();
        calls
    };
    let transfer = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    Ok((calls(query), calls(transfer)))
}

/// WRC20 transfers on `threads` threads at once through one libiris.so
/// VM (one cache, one EEI table), each thread with its own host: the best
/// time per call of each thread's batches, the slowest thread's. Equal to
/// one thread's when calls share nothing that they write.
fn parallel_transfers(budget: Duration, threads: usize) -> Duration {
    let vm: Arc<dyn Runner> = Arc::new(load());
    let wrc20 = test_support::wrc20::code();
    let input = test_support::wrc20::transfer(&Address([0xaa; 20]), 1);
    let start = std::sync::Barrier::new(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let mut calls =
                    Calls::new(Arc::clone(&vm), wrc20.clone()).with_input(input.clone());
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    per_call(budget, || {
                        std::hint::black_box(calls.call());
                    })
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("the thread ran"))
            .max()
            .unwrap_or_default()
    })
}

/// The 24 KiB contract's calls through a libiris.so that caches nothing,
/// translating lazily (its default) or every function when it compiles.
fn cold_calls(lazy: bool) -> Calls {
    let cold = load();
    assert_eq!(cold.set_option("cache_size", "0"), Ok(()));
    let lazy = if lazy { "true" } else { "false" };
    assert_eq!(cold.set_option("lazy_translation", lazy), Ok(()));
    Calls::new(Arc::new(cold), big_contract())
}

/// `--profile KIND N`: N calls of one kind and nothing else.
fn profile(kind: &str, n: u32) {
    let mut calls = match kind {
        "balance" => wrc20_calls().0,
        "transfer" => wrc20_calls().1,
        "transfer-in" => Calls::new(
            Arc::new(
                Executor::new(ExecConfig {
                    cache_size: 16,
                    ..ExecConfig::default()
                })
                .expect("executor"),
            ),
            test_support::wrc20::code(),
        )
        .with_input(test_support::wrc20::transfer(&Address([0xaa; 20]), 1)),
        "cold" => cold_calls(true),
        "cold-eager" => cold_calls(false),
        "c-transfer" => reference_wrc20_calls().unwrap_or_else(|e| panic!("{e}")).1,
        "small" => Calls::new(Arc::new(load()), wat::parse_str(SMALL).expect("assembles")),
        _ => panic!("--profile transfer|transfer-in|c-transfer|balance|small|cold|cold-eager N"),
    };
    for _ in 0..n {
        std::hint::black_box(calls.call());
    }
    println!("{kind}: {n} calls, the last {:?}", calls.call().0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let kind = args.get(at + 1).map_or("", String::as_str);
        let n = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000);
        profile(kind, n);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick" || a == "--test");
    let budget = if quick {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    };
    let small = wat::parse_str(SMALL).expect("assembles");
    let in_process: Arc<dyn Runner> = Arc::new(
        Executor::new(ExecConfig {
            cache_size: 16,
            ..ExecConfig::default()
        })
        .expect("executor"),
    );
    let through_c: Arc<dyn Runner> = Arc::new(load());
    let mut a = Calls::new(Arc::clone(&in_process), small.clone());
    let mut b = Calls::new(through_c, small);
    assert_eq!(a.call(), b.call());
    let t_in = per_call(budget, || {
        std::hint::black_box(a.call());
    });
    let t_c = per_call(budget, || {
        std::hint::black_box(b.call());
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

    let (mut balance, mut transfer) = wrc20_calls();
    assert_eq!(balance.call().0, ewasm_host::Status::Success);
    let t_balance = per_call(budget, || {
        std::hint::black_box(balance.call());
    });
    let t_transfer = per_call(budget, || {
        std::hint::black_box(transfer.call());
    });
    assert_eq!(
        transfer.call().0,
        ewasm_host::Status::Success,
        "still funded"
    );
    print_wrc20("WRC20 sample (contracts/wrc20.wat)", t_balance, t_transfer);

    // The same transfer in process: what the C boundary (the message and
    // result converted, each host call a C callback) adds.
    let mut transfer_in = Calls::new(Arc::clone(&in_process), test_support::wrc20::code())
        .with_input(test_support::wrc20::transfer(&Address([0xaa; 20]), 1));
    let t_transfer_in = per_call(budget, || {
        std::hint::black_box(transfer_in.call());
    });
    println!(
        "  transfer in process {:>10.2} us",
        t_transfer_in.as_secs_f64() * 1e6
    );
    let t_parallel = parallel_transfers(budget, 2);
    println!(
        "  transfer, 2 threads {:>10.2} us (one VM, each thread's own host)",
        t_parallel.as_secs_f64() * 1e6
    );

    match reference_wrc20_calls() {
        Ok((mut balance, mut transfer)) => {
            let funded = balance.call();
            assert_eq!(funded.0, ewasm_host::Status::Success);
            assert_eq!(funded.2[..8], (1u64 << 62).to_be_bytes(), "funded");
            let t_balance = per_call(budget, || {
                std::hint::black_box(balance.call());
            });
            let t_transfer = per_call(budget, || {
                std::hint::black_box(transfer.call());
            });
            // The transfers went through: the holder's balance went down.
            let (status, _, output) = transfer.call();
            assert_eq!((status, output), (ewasm_host::Status::Success, vec![]));
            let left = transfer.host.get_storage(
                &CONTRACT,
                &test_support::wrc20::c_holder_key(&balance.message.sender),
            );
            assert!(left.0[..8] < funded.2[..8], "the transfers moved tokens");
            print_wrc20(
                "WRC20 in C (ewasm-benchmarking wrc20_C)",
                t_balance,
                t_transfer,
            );
        }
        Err(why) => println!("WRC20 in C (ewasm-benchmarking wrc20_C): not measured: {why}"),
    }

    let big = big_contract();
    let mut cold = cold_calls(true);
    let t_cold = per_call(budget, || {
        std::hint::black_box(cold.call());
    });
    let mut cold_eager = cold_calls(false);
    let t_cold_eager = per_call(budget, || {
        std::hint::black_box(cold_eager.call());
    });
    let mut warm = Calls::new(Arc::new(load()), big.clone());
    let t_warm = per_call(budget, || {
        std::hint::black_box(warm.call());
    });
    println!("{} byte contract through libiris.so, per call:", big.len());
    println!(
        "  cold, lazy (decode + validate, main translated; call) {:>8.3} ms",
        t_cold.as_secs_f64() * 1e3
    );
    println!(
        "  cold, eager (decode + validate + translate, run)      {:>8.3} ms",
        t_cold_eager.as_secs_f64() * 1e3
    );
    println!(
        "  cached                                                {:>8.3} ms",
        t_warm.as_secs_f64() * 1e3
    );
}
