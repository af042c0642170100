//! The sample contracts cost the same gas metered natively (`metering`
//! on) and metered by injection (the Sentinel's rewriting, run with
//! metering off, its `useGas` calls charged by the EEI), call for call, and
//! run out of gas at the same point.
//!
//! A contract that creates others is left out: its children's code sits in
//! its data segment, which the injection of the parent does not rewrite,
//! while native metering charges the children too (as Hera's Sentinel
//! would, by metering init code and deployed code on every create).

mod common;

use common::{contracts, inputs};
use std::sync::Arc;

use ewasm_host::{inject_metering, ExecConfig, Executor, GasModel, InjectOptions, Status, U256};
use state::run::{Call, Session};

fn executor(metering: bool) -> Arc<dyn state::Runner> {
    Arc::new(
        // The injection charges the Sentinel's prices.
        Executor::new(ExecConfig {
            metering,
            gas_model: GasModel::Sentinel,
            ..ExecConfig::default()
        })
        .unwrap(),
    )
}

#[test]
fn sample_contracts_cost_the_same_metered_natively_and_by_injection() {
    let mut compared = 0;
    for file in contracts() {
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains(r#""ethereum" "create""#) {
            continue;
        }
        let code = wat::parse_str(&text).unwrap();
        let injected = inject_metering(&code, &InjectOptions::default()).unwrap();
        let mut native = Session::new(code.clone(), executor(true));
        let mut rewritten = Session::new(injected.clone(), executor(false));
        let calls: Vec<Call> = inputs(&text)
            .into_iter()
            .map(|input| Call {
                input,
                gas: 10_000_000,
                value: U256::zero(),
            })
            .collect();
        for (i, call) in calls.iter().enumerate() {
            let a = native.call(call);
            let b = rewritten.call(call);
            assert_eq!(a, b, "{}: {call:?}", file.display());
            compared += 1;
            // The same call, one gas short, after the same earlier calls:
            // both run out at the same point.
            let mut fresh_a = Session::new(code.clone(), executor(true));
            let mut fresh_b = Session::new(injected.clone(), executor(false));
            for earlier in &calls[..i] {
                fresh_a.call(earlier);
                fresh_b.call(earlier);
            }
            let short = Call {
                gas: a.gas_used - 1,
                ..call.clone()
            };
            let (x, y) = (fresh_a.call(&short), fresh_b.call(&short));
            assert_eq!(x, y, "{} one gas short", file.display());
            assert_eq!(x.status, Status::OutOfGas, "{}", file.display());
        }
    }
    assert!(compared >= 10, "compared {compared} calls");
}
