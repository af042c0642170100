//! The `abi9` build of `libiris.so`, loaded with dlopen by an ABI-9 client:
//! ABI version, name, version, capabilities, options, and contracts run
//! through it (`cargo test -p tests --features abi9`, in a target directory
//! of its own).

#![cfg(feature = "abi9")]

use std::sync::Arc;

use evmc_client::SetOptionError;
use ewasm_host::{Status, U256};
use state::run::{Call, Session};
use tests::{load, runner};

#[test]
fn the_abi9_library_reports_abi_9_its_name_and_ewasm() {
    let vm = load();
    assert_eq!(vm.abi_version(), 9);
    assert_eq!(vm.name(), "iris");
    assert_eq!(vm.version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(vm.capabilities() & 2, 2);
    assert_eq!(
        vm.set_option("no-such-option", "1"),
        Err(SetOptionError::InvalidName)
    );
    assert_eq!(
        vm.set_option("metering", "maybe"),
        Err(SetOptionError::InvalidValue)
    );
}

#[test]
fn the_sample_contracts_run_through_the_abi9_library() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    for name in ["counter", "wrc20", "reverter"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.wat"))).unwrap();
        let code = wat::parse_str(&text).unwrap();
        let call = Call {
            input: Vec::new(),
            gas: 1_000_000,
            value: U256::zero(),
        };
        let through = Session::new(code.clone(), runner()).call(&call);
        let in_process = Session::new(
            code,
            Arc::new(ewasm_host::Executor::new(ewasm_host::ExecConfig::trusted()).unwrap()),
        )
        .call(&call);
        assert_eq!(through, in_process, "{name}");
        assert_ne!(through.status, Status::InternalError, "{name}");
    }
}

/// Reads the balance of the account at 0 twice.
const BALANCE_TWICE: &str = r#"(module
    (import "ethereum" "getExternalBalance" (func $b (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03\03")
    (func (export "main")
      (call $b (i32.const 0) (i32.const 64))
      (call $b (i32.const 0) (i32.const 64))))"#;

#[test]
fn the_abi9_library_honours_abi9_revision_numbers() {
    use ewasm_host::{Address, Revision};
    use state::run::default_env;
    use state::{Account, Env, Runner, World};

    let code = wat::parse_str(BALANCE_TWICE).expect("wat");
    let contract = Address([0xc1; 20]);
    let through_c = runner();
    let in_process: Arc<dyn Runner> =
        Arc::new(ewasm_host::Executor::new(ewasm_host::ExecConfig::trusted()).unwrap());
    // A message to the contract on revm at `revision`, its Wasm frame run
    // by `runner`.
    let run = |revision: Revision, runner: &Arc<dyn Runner>| {
        let mut world = World::default();
        world.insert(
            contract,
            Account {
                code: Arc::new(code.clone()),
                ..Account::default()
            },
        );
        let env = Env {
            revision,
            ..default_env()
        };
        Session::in_world(world, env, contract, Arc::clone(runner)).call(&Call {
            input: Vec::new(),
            gas: 100_000,
            value: U256::zero(),
        })
    };
    // Shanghai is ABI 9's number 10, Berlin 8 (cold, then warm).
    for (revision, used) in [
        (Revision::Byzantium, 800),
        (Revision::Istanbul, 1_400),
        (Revision::Berlin, 2_700),
        (Revision::Shanghai, 2_700),
    ] {
        let report = run(revision, &through_c);
        assert_eq!(report.status, Status::Success, "{revision}");
        assert_eq!(report.gas_used, used, "{revision}");
        assert_eq!(report, run(revision, &in_process), "{revision}");
    }
    // Before Byzantium, and after Shanghai (no ABI 9 number): rejected,
    // all the message's gas used.
    for revision in [Revision::Homestead, Revision::Cancun] {
        let report = run(revision, &through_c);
        assert_eq!(report.status, Status::Rejected, "{revision}");
        assert_eq!(report.gas_used, 100_000, "{revision}");
    }
}
