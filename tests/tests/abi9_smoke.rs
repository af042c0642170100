//! The `abi9` build of `libiris.so`, loaded with dlopen by an ABI-9 client:
//! ABI version, name, version, capabilities, options, and contracts run
//! through it (`cargo test -p tests --features abi9`, in a target directory
//! of its own).

#![cfg(feature = "abi9")]

use std::sync::Arc;

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
    assert_eq!(vm.set_option("no-such-option", "1"), 1);
    assert_eq!(vm.set_option("metering", "maybe"), 2);
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
