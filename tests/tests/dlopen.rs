//! `libiris.so` through the C ABI, loaded with dlopen as a client loads it:
//! what the EVMC vmtester checks, the state-test vectors, the module cache,
//! and several threads at once. (The `abi9` build has its own smoke test:
//! ABI 9 messages carry one destination, which this suite's host needs
//! split into recipient and code address.)

#![cfg(not(feature = "abi9"))]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use evmc_client::{LoadedVm, SetOptionError};
use ewasm_host::{Address, CallKind, ExecConfig, Executor, Message, Revision, Status, U256};
use state::run::{Call, Session};
use state::statetest::{parse_file, run};
use state::Runner;
use tests::{load, load_trusted, runner, vector_files, RecordingHost};

/// The in-process executor, translating every contract when it compiles
/// it: `libiris.so` translates lazily (its default), so the comparisons
/// below also check that both modes give the same results and gas.
fn executor() -> Arc<dyn Runner> {
    Arc::new(
        Executor::new(ExecConfig {
            lazy_translation: false,
            ..ExecConfig::trusted()
        })
        .unwrap(),
    )
}

const FINISH_OK: &str = r#"(module
    (import "ethereum" "finish" (func $finish (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "ok")
    (func (export "main") (call $finish (i32.const 0) (i32.const 2))))"#;

#[test]
fn the_library_reports_abi_12_its_name_version_and_ewasm() {
    let vm = load_trusted();
    assert_eq!(vm.abi_version(), 12);
    assert_eq!(vm.name(), "iris");
    assert_eq!(vm.version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(vm.capabilities() & 2, 2, "EVMC_CAPABILITY_EWASM");
    assert_eq!(vm.capabilities() & 1, 0, "no EVM1 under evm1mode=reject");
}

#[test]
fn set_option_answers_unknown_names_and_invalid_values() {
    let vm = load_trusted();
    assert_eq!(
        vm.set_option("no-such-option", "1"),
        Err(SetOptionError::InvalidName),
        "EVMC_SET_OPTION_INVALID_NAME"
    );
    assert_eq!(
        vm.set_option("metering", "maybe"),
        Err(SetOptionError::InvalidValue),
        "EVMC_SET_OPTION_INVALID_VALUE"
    );
    assert_eq!(
        vm.set_option("metering", "true"),
        Ok(()),
        "EVMC_SET_OPTION_SUCCESS"
    );
    assert_eq!(vm.set_option("evm1mode", "fallback"), Ok(()));
    assert_eq!(vm.capabilities() & 1, 1, "EVM1 with evm1mode=fallback");
}

#[test]
fn execute_runs_a_call_and_a_create() {
    let code = wat::parse_str(FINISH_OK).unwrap();
    let mut session = Session::new(code.clone(), runner());
    let report = session.call(&Call {
        input: Vec::new(),
        gas: 100_000,
        value: U256::zero(),
    });
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.output, b"ok");
    assert_eq!(report.gas_used, 0);

    // Init code that deploys FINISH_OK: it returns the module's bytes.
    let escaped: String = code.iter().map(|b| format!("\\{b:02x}")).collect();
    let init = wat::parse_str(format!(
        r#"(module
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "{escaped}")
            (func (export "main") (call $finish (i32.const 0) (i32.const {}))))"#,
        code.len()
    ))
    .unwrap();
    let (mut session, report) = Session::create(init, 1_000_000, runner());
    assert_eq!(report.status, Status::Success);
    assert_eq!(report.gas_used, 200 * code.len() as i64, "the code deposit");
    assert_eq!(
        session
            .world()
            .get(&session.address)
            .unwrap()
            .code
            .as_slice(),
        &code[..]
    );
    let report = session.call(&Call {
        input: Vec::new(),
        gas: 100_000,
        value: U256::zero(),
    });
    assert_eq!(report.output, b"ok");
}

#[test]
fn non_wasm_code_fails_or_is_rejected_by_option() {
    let vm = load_trusted();
    let message = Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas: 1_000,
        recipient: Address([1; 20]),
        sender: Address([2; 20]),
        input: Vec::new().into(),
        value: U256::zero(),
        code_address: Address([1; 20]),
        delegated: false,
    };
    // The state layer hands Iris only Wasm code (revm runs the rest): a
    // client that calls the library with EVM code calls it directly.
    let mut host = RecordingHost::default();
    let evm = [0x60, 0x00, 0x60, 0x00, 0xf3];
    let outcome = vm.execute(&mut host, Revision::Byzantium, &message, &evm);
    assert_eq!(outcome.status, Status::Failure);
    assert_eq!(outcome.gas_left, 0, "a failure keeps no gas");
    assert_eq!(vm.set_option("evm1mode", "fallback"), Ok(()));
    assert_eq!(
        vm.execute(&mut host, Revision::Byzantium, &message, &evm)
            .status,
        Status::Rejected
    );
    assert!(host.untouched(), "nothing ran: {host:?}");
}

#[test]
fn every_vector_gives_the_same_result_through_the_c_abi_as_in_process() {
    let files = vector_files();
    let (through_c, in_process) = (runner(), executor());
    let mut compared = 0;
    for file in &files {
        for case in parse_file(file).unwrap().cases {
            let a = run(&case, &through_c);
            let b = run(&case, &in_process);
            assert!(a.passed, "{} fails through the C ABI", case.name);
            assert!(b.passed, "{} fails in process", case.name);
            assert_eq!(
                (a.root, a.logs, a.result),
                (b.root, b.logs, b.result),
                "{}",
                case.name
            );
            assert_eq!(a.post, b.post, "{}", case.name);
            compared += 1;
        }
    }
    // Every case the data holds (168 in ../shared, 251 fetched).
    assert!(compared >= 168, "compared only {compared} cases");
}

#[test]
fn the_module_cache_changes_no_result_or_gas() {
    let files = vector_files();
    let cached = runner();
    let uncached = {
        let vm = load_trusted();
        assert_eq!(vm.set_option("cache_size", "0"), Ok(()));
        Arc::new(vm) as Arc<dyn Runner>
    };
    for file in files.iter().take(60) {
        for case in parse_file(file).unwrap().cases {
            // Twice through the cache: the second run is a hit.
            let first = run(&case, &cached);
            let second = run(&case, &cached);
            let plain = run(&case, &uncached);
            assert_eq!(
                (first.root, &first.result),
                (plain.root, &plain.result),
                "{}",
                case.name
            );
            assert_eq!(
                (second.root, &second.result),
                (plain.root, &plain.result),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn several_threads_execute_on_one_vm_at_once() {
    let counter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat"),
    )
    .unwrap();
    let code = wat::parse_str(&counter).unwrap();
    let shared: Arc<dyn Runner> = Arc::new(load_trusted());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let runner = Arc::clone(&shared);
            let code = code.clone();
            std::thread::spawn(move || {
                let mut session = Session::new(code, runner);
                (1..=50u8).all(|n| {
                    let report = session.call(&Call {
                        input: Vec::new(),
                        gas: 100_000,
                        value: U256::zero(),
                    });
                    report.status == Status::Success && report.output[31] == n
                })
            })
        })
        .collect();
    for thread in threads {
        assert!(thread.join().unwrap(), "every thread counted 1 to 50");
    }
}

#[test]
fn several_vm_instances_live_side_by_side() {
    let a: LoadedVm = load();
    let b: LoadedVm = load();
    assert_eq!(a.set_option("metering", "true"), Ok(()));
    assert_eq!(b.set_option("metering", "false"), Ok(()));
    let code = wat::parse_str(FINISH_OK).unwrap();
    let call = Call {
        input: Vec::new(),
        gas: 1_000_000,
        value: U256::zero(),
    };
    let metered = Session::new(code.clone(), Arc::new(a)).call(&call);
    let plain = Session::new(code, Arc::new(b)).call(&call);
    assert!(
        metered.gas_used > plain.gas_used,
        "instruction gas only where metering is on"
    );
    assert_eq!(metered.output, plain.output);
}

#[test]
fn a_sys_option_replaces_the_code_run_for_an_address() {
    let replacement = std::env::temp_dir().join(format!("iris-sys-{}.wasm", std::process::id()));
    std::fs::write(&replacement, wat::parse_str(FINISH_OK).unwrap()).unwrap();
    let vm = load_trusted();
    let address = format!("sys:0x{}", ewasm_host::hex::encode(&state::run::CONTRACT.0));
    assert_eq!(
        vm.set_option(&address, replacement.to_str().unwrap()),
        Ok(())
    );
    assert_eq!(
        vm.set_option("sys:0x1234", replacement.to_str().unwrap()),
        Err(SetOptionError::InvalidValue),
        "bad address"
    );
    let reverter = wat::parse_str(
        r#"(module (import "ethereum" "revert" (func $revert (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "main") (call $revert (i32.const 0) (i32.const 0))))"#,
    )
    .unwrap();
    let report = Session::new(reverter, Arc::new(vm)).call(&Call {
        input: Vec::new(),
        gas: 100_000,
        value: U256::zero(),
    });
    std::fs::remove_file(&replacement).ok();
    assert_eq!(
        report.status,
        Status::Success,
        "the replacement ran, not the reverter"
    );
    assert_eq!(report.output, b"ok");
}

#[test]
fn the_profile_option_writes_each_executions_folded_gas_stacks() {
    let dir = std::env::temp_dir().join(format!("iris-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vm = load_trusted();
    assert_eq!(
        vm.set_option("profile", "/surely/not/a/dir"),
        Err(SetOptionError::InvalidValue)
    );
    assert_eq!(vm.set_option("profile", dir.to_str().unwrap()), Ok(()));
    let counter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat"),
    )
    .unwrap();
    let mut session = Session::new(wat::parse_str(&counter).unwrap(), Arc::new(vm));
    let report = session.call(&Call {
        input: Vec::new(),
        gas: 100_000,
        value: U256::zero(),
    });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let text = files
        .first()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .unwrap_or_default();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(files.len(), 1, "one execution, one file");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("00000000-depth0-0x"), "{name}");
    let total: i64 = text
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, report.gas_used, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("main;ethereum.storageStore ")),
        "{text}"
    );
}

/// Four sessions at once on `vm`, each with its own world, each calling
/// the counter sample contract ten times; the gas each call used.
fn concurrent_counter_calls(vm: &Arc<LoadedVm>) -> Vec<i64> {
    let code = counter_code();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| counter_calls(vm, &code, 100_000)))
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("no thread panics"))
            .collect()
    })
}

/// The counter sample contract, assembled.
fn counter_code() -> Vec<u8> {
    let counter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat"),
    )
    .unwrap();
    wat::parse_str(&counter).unwrap()
}

#[test]
fn concurrent_executions_each_write_their_own_profile() {
    let dir = std::env::temp_dir().join(format!("iris-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vm = Arc::new(load_trusted());
    assert_eq!(vm.set_option("profile", dir.to_str().unwrap()), Ok(()));
    let mut used = concurrent_counter_calls(&vm);
    let mut totals: Vec<i64> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            text.lines()
                .map(|l| l.rsplit_once(' ').unwrap().1.parse::<i64>().unwrap())
                .sum()
        })
        .collect();
    std::fs::remove_dir_all(&dir).ok();
    // One file per execution, each adding up to its own execution's gas.
    used.sort_unstable();
    totals.sort_unstable();
    assert_eq!(totals, used);
    assert!(used.first() != used.last(), "first and later stores differ");
}

#[test]
fn the_trace_option_writes_each_concurrent_executions_own_trace() {
    let dir = std::env::temp_dir().join(format!("iris-traces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vm = Arc::new(load_trusted());
    assert_eq!(
        vm.set_option("trace", "/surely/not/a/dir"),
        Err(SetOptionError::InvalidValue)
    );
    assert_eq!(vm.set_option("trace", "stderr"), Ok(()));
    assert_eq!(vm.set_option("trace", dir.to_str().unwrap()), Ok(()));
    let mut used = concurrent_counter_calls(&vm);
    let mut summaries: Vec<i64> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        // Each file is one whole execution: it enters, calls the EEI,
        // exits and sums up, and nothing of another execution is in it.
        assert_eq!(lines[0]["event"], "enter", "{text}");
        assert_eq!(lines.iter().filter(|l| l["event"] == "enter").count(), 1);
        assert!(lines
            .iter()
            .any(|l| l["function"] == "ethereum.storageStore"));
        let summary = lines.last().unwrap();
        assert_eq!(summary["event"], "summary", "{text}");
        summaries.push(summary["gas_used"].as_i64().unwrap());
    }
    std::fs::remove_dir_all(&dir).ok();
    used.sort_unstable();
    summaries.sort_unstable();
    assert_eq!(summaries, used, "one trace per execution, with its gas");
}

#[test]
fn the_trace_blocks_option_adds_each_gas_step_and_they_account_for_all_gas() {
    let dir = tempfile_dir("iris-trace-blocks");
    let vm = load();
    assert_eq!(
        vm.set_option("trace_blocks", "yes"),
        Err(SetOptionError::InvalidValue)
    );
    assert_eq!(vm.set_option("trace", dir.to_str().unwrap()), Ok(()));
    assert_eq!(vm.set_option("trace_blocks", "true"), Ok(()));
    let counter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/counter.wat"),
    )
    .unwrap();
    let report = Session::new(wat::parse_str(&counter).unwrap(), Arc::new(vm)).call(&Call {
        input: Vec::new(),
        gas: 1_000_000,
        value: U256::zero(),
    });
    assert_eq!(report.status, Status::Success);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let text = std::fs::read_to_string(&files[0]).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(files.len(), 1, "one execution, one file");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let steps: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| ["block", "operator", "eei"].contains(&l["event"].as_str().unwrap_or("")))
        .collect();
    assert!(
        steps.iter().filter(|l| l["event"] == "block").count() > 1,
        "{text}"
    );
    // From the frame's gas to what it leaves, each step's gas is the one
    // before it less that one's cost: the blocks explain all Wasm gas.
    let gas = |l: &serde_json::Value| l["gas"].as_i64().expect("gas");
    let cost = |l: &serde_json::Value| l["cost"].as_i64().expect("cost");
    for pair in steps.windows(2) {
        assert_eq!(gas(pair[1]), gas(pair[0]) - cost(pair[0]), "{text}");
    }
    let last = steps.last().unwrap();
    assert_eq!(
        gas(last) - cost(last),
        1_000_000 - report.gas_used,
        "{text}"
    );
}

#[test]
fn the_vm_meters_by_default() {
    let code = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "main") (loop (br 0))))"#,
    )
    .unwrap();
    let report = Session::new(code, Arc::new(load())).call(&Call {
        input: Vec::new(),
        gas: 1_000_000,
        value: U256::zero(),
    });
    assert_eq!(report.status, Status::OutOfGas);
    assert_eq!(report.gas_used, 1_000_000);
}

#[test]
fn the_log_option_writes_each_failed_executions_reason_and_changes_no_result() {
    let dir = tempfile_dir("iris-log");
    let log = dir.join("failures.log");
    let code = wat::parse_str(
        r#"(module
            (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
            (memory (export "memory") 1)
            (func $copy (call $callDataCopy (i32.const 65530) (i32.const 0) (i32.const 32)))
            (func (export "main") (call $copy)))"#,
    )
    .unwrap();
    let call = Call {
        input: vec![7; 32],
        gas: 1_000_000,
        value: U256::zero(),
    };
    let logged = load();
    assert_eq!(logged.set_option("log", log.to_str().unwrap()), Ok(()));
    assert_eq!(
        logged.set_option("log", "/surely/not/a/dir/x.log"),
        Err(SetOptionError::InvalidValue)
    );
    let with_log = Session::new(code.clone(), Arc::new(logged)).call(&call);
    let without = Session::new(code.clone(), Arc::new(load())).call(&call);
    let ok = Session::new(wat::parse_str(FINISH_OK).unwrap(), {
        let vm = load();
        assert_eq!(vm.set_option("log", log.to_str().unwrap()), Ok(()));
        Arc::new(vm)
    })
    .call(&call);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(with_log.status, Status::InvalidMemoryAccess);
    assert_eq!(
        (with_log.status, with_log.gas_used, &with_log.output),
        (without.status, without.gas_used, &without.output),
        "the log changes no result"
    );
    assert_eq!(ok.status, Status::Success);
    assert_eq!(
        text.lines().count(),
        1,
        "one line, for the one failure: {text}"
    );
    assert!(text.contains("InvalidMemoryAccess"), "{text}");
    assert!(text.contains("`callDataCopy`"), "{text}");
    assert!(text.contains("offset 65530, length 32"), "{text}");
    assert!(text.contains("called from function 1 `copy`"), "{text}");
}

/// A fresh directory under the temporary directory.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The gas of ten calls of the counter sample contract in one session on
/// `vm`, each given `gas`.
fn counter_calls(vm: &Arc<LoadedVm>, code: &[u8], gas: i64) -> Vec<i64> {
    let mut session = Session::new(code.to_vec(), Arc::clone(vm) as Arc<dyn Runner>);
    (0..10)
        .map(|_| {
            let report = session.call(&Call {
                input: Vec::new(),
                gas,
                value: U256::zero(),
            });
            assert_eq!(report.status, Status::Success);
            report.gas_used
        })
        .collect()
}

#[test]
fn an_option_set_while_other_threads_execute_applies_whole_to_each_execution() {
    let code = counter_code();
    let vm = Arc::new(load());
    // A limit no call reaches under either setting (100,000, the limit of
    // `concurrent_counter_calls` on `load_trusted`, runs out here).
    let gas = 10_000_000;
    let metered = counter_calls(&vm, &code, gas);
    assert_eq!(vm.set_option("metering", "false"), Ok(()));
    let unmetered = counter_calls(&vm, &code, gas);
    assert_ne!(metered, unmetered, "metering changes the gas used");
    // Four threads call while this one turns metering on and off: every
    // call runs with the options of before or after a change, never a mix
    // (and nothing crashes or hangs).
    let stop = std::sync::atomic::AtomicBool::new(false);
    let sessions = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (vm, code, stop) = (&vm, &code, &stop);
                scope.spawn(move || {
                    let mut runs = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) || runs.len() < 20 {
                        runs.push(counter_calls(vm, code, gas));
                    }
                    runs
                })
            })
            .collect();
        for i in 0..200 {
            let on = if i % 2 == 0 { "true" } else { "false" };
            assert_eq!(vm.set_option("metering", on), Ok(()));
            std::thread::yield_now();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("no thread panics"))
            .collect::<Vec<_>>()
    });
    for gas in sessions {
        for (i, used) in gas.iter().enumerate() {
            assert!(
                *used == metered[i] || *used == unmetered[i],
                "call {i}: {used}, metered {}, unmetered {}",
                metered[i],
                unmetered[i]
            );
        }
    }
}
