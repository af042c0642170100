//! Gas profiles account for every unit of gas: on every call of every
//! sample contract (metering on and off) and on the Ewasm state tests,
//! each execution's profile adds up to exactly the gas it used, nested
//! executions included.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{contracts, inputs, vector_files};
use ewasm_host::{ExecConfig, CODE, FORFEITED, INITIAL_MEMORY};
use state::profile::{merged_stacks, profiling_executor, ExecutionProfile, ProfileRecorder};
use state::run::{Call, Session};

/// A session on `code` whose calls a [`ProfileRecorder`] watches.
fn recorded_session(code: Vec<u8>, config: ExecConfig) -> Session {
    let runner = profiling_executor(config).expect("executor");
    let mut session = Session::new(code, runner as Arc<dyn state::Runner>);
    session.observe(Box::new(ProfileRecorder::new()));
    session
}

/// What the session's recorder kept since the last time (it goes on
/// recording).
fn take_profiles(session: &mut Session) -> Vec<ExecutionProfile> {
    let mut recorder = ProfileRecorder::of(session.take_observer()).expect("the recorder");
    let profiles = recorder.take();
    session.observe(recorder);
    profiles
}

/// Every profile adds up: its stacks to its total, its total to the gas
/// used.
fn assert_adds_up(profiles: &[ExecutionProfile], what: &str) {
    for p in profiles {
        let forfeits = p
            .profile
            .stacks
            .iter()
            .any(|(f, _)| f == &[FORFEITED.to_string()]);
        let failed = !matches!(
            p.status,
            ewasm_host::Status::Success | ewasm_host::Status::Revert
        );
        assert!(!forfeits || failed, "{what}: {:?} forfeits gas", p.status);
        let stacks: u64 = p.profile.stacks.iter().map(|(_, gas)| gas).sum();
        assert_eq!(stacks, p.profile.total, "{what}: stacks and total");
        assert_eq!(
            p.profile.total, p.gas_used,
            "{what}: total and gas used ({:?})",
            p.status
        );
    }
}

#[test]
fn every_sample_contract_call_is_fully_accounted_for() {
    let mut calls = 0;
    for metering in [false, true] {
        for file in contracts() {
            let text = std::fs::read_to_string(&file).expect("readable");
            let code = wat::parse_str(&text).expect("valid");
            let mut session = recorded_session(
                code,
                ExecConfig {
                    metering,
                    ..ExecConfig::default()
                },
            );
            for input in inputs(&text) {
                let report = session.call(&Call {
                    input,
                    gas: 10_000_000,
                    value: 0u64.into(),
                });
                let profiles = take_profiles(&mut session);
                let what = format!("{} (metering {metering})", file.display());
                let top = profiles
                    .iter()
                    .find(|p| p.depth == 0)
                    .expect("the call's profile");
                assert_eq!(top.gas_used as i64, report.gas_used, "{what}");
                assert_adds_up(&profiles, &what);
                let merged: u64 = merged_stacks(&profiles).iter().map(|(_, gas)| gas).sum();
                assert_eq!(merged, top.gas_used, "{what}: the merged call tree");
                // The contract's entry point is on every stack it charged.
                let main = top.profile.functions.iter().find(|f| f.name == "main");
                assert!(
                    main.is_some_and(|f| f.calls == 1),
                    "{what}: {:?}",
                    top.profile.functions
                );
                if metering {
                    assert!(!top.profile.blocks.is_empty(), "{what}: blocks are charged");
                }
                calls += 1;
            }
        }
    }
    assert!(calls >= 20, "{calls} calls");
}

#[test]
fn a_failure_forfeits_what_was_left_in_one_frame() {
    let code = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "main") (loop (br 0))))"#,
    )
    .expect("valid");
    let len = code.len();
    // The page, the code, and 1,000 for the loop.
    let total = 262_144 + 16 * len as i64 + 1_000;
    let mut session = recorded_session(
        code,
        ExecConfig {
            metering: true,
            ..ExecConfig::default()
        },
    );
    let report = session.call(&Call {
        input: Vec::new(),
        gas: total,
        value: 0u64.into(),
    });
    assert_eq!(report.gas_used, total);
    let profiles = take_profiles(&mut session);
    assert_adds_up(&profiles, "infinite loop");
    let top = &profiles[0].profile;
    let forfeited: u64 = top
        .stacks
        .iter()
        .filter(|(frames, _)| frames == &[FORFEITED.to_string()])
        .map(|(_, gas)| gas)
        .sum();
    let memory: u64 = top
        .stacks
        .iter()
        .filter(|(frames, _)| frames == &[INITIAL_MEMORY.to_string()])
        .map(|(_, gas)| gas)
        .sum();
    assert_eq!(memory, 262_144, "one page, as the Iris gas model prices it");
    let code: u64 = top
        .stacks
        .iter()
        .filter(|(frames, _)| frames == &[CODE.to_string()])
        .map(|(_, gas)| gas)
        .sum();
    assert_eq!(code, 16 * len as u64, "16 gas per byte of code");
    let total = total as u64;
    let loop_gas: u64 = top.blocks.iter().map(|b| b.gas).sum();
    assert_eq!(memory + code + loop_gas + forfeited, total);
    assert!(loop_gas > 900, "the loop itself used most of it");
}

#[test]
fn state_test_executions_are_fully_accounted_for() {
    let files: Vec<PathBuf> = vector_files()
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("GeneralStateTests"))
        .collect();
    let runner =
        profiling_executor(ExecConfig::trusted()).expect("executor") as Arc<dyn state::Runner>;
    let (mut tests, mut executions, mut nested) = (0, 0, 0);
    for file in &files {
        let cases = state::statetest::parse_file(file).expect("parses");
        for case in &cases.cases {
            let recorder = Box::new(ProfileRecorder::new());
            let (outcome, observer) = state::statetest::run_observed(case, &runner, Some(recorder));
            assert!(
                outcome.passed,
                "{}: profiling changed the result",
                file.display()
            );
            let profiles = ProfileRecorder::of(observer).expect("the recorder").take();
            if profiles.is_empty() {
                continue;
            }
            assert_adds_up(&profiles, &file.display().to_string());
            let outermost: u64 = profiles
                .iter()
                .filter(|p| p.depth == 0)
                .map(|p| p.gas_used)
                .sum();
            let merged: u64 = merged_stacks(&profiles).iter().map(|(_, gas)| gas).sum();
            assert_eq!(
                merged,
                outermost,
                "{}: the merged call tree",
                file.display()
            );
            nested += profiles.iter().filter(|p| p.depth > 0).count();
            executions += profiles.len();
            tests += 1;
        }
    }
    assert!(tests >= 10, "only {tests} state tests ran code");
    assert!(nested >= 10, "only {nested} nested executions");
    println!("{tests} state tests, {executions} executions profiled, {nested} nested");
}

/// Makes the call `input` and checks its profiles: the merged stacks add
/// up to its gas used, and each nested execution sits under its call site
/// and the callee's address. Gives the EEI function of each nested
/// execution's call site, in the order they ended.
fn check_nested_call(session: &mut Session, input: Vec<u8>) -> Vec<String> {
    let report = session.call(&Call {
        input,
        gas: 10_000_000,
        value: 0u64.into(),
    });
    let profiles = take_profiles(session);
    let merged = merged_stacks(&profiles);
    let sum: u64 = merged.iter().map(|(_, gas)| gas).sum();
    assert_eq!(sum as i64, report.gas_used);
    let mut sites = Vec::new();
    for child in profiles.iter().filter(|p| p.depth == 1) {
        let address = format!("0x{}", ewasm_host::hex::encode(&child.code_address.0));
        let site = &child.profile.call_site;
        assert!(
            site.last().is_some_and(|f| f.starts_with("ethereum.")),
            "the call site ends in the EEI call: {site:?}"
        );
        let under: u64 = merged
            .iter()
            .filter(|(frames, _)| {
                frames.starts_with(site) && frames.get(site.len()) == Some(&address)
            })
            .map(|(_, gas)| gas)
            .sum();
        assert_eq!(
            under, child.gas_used,
            "the child's gas sits under {address}"
        );
        sites.extend(site.last().cloned());
    }
    sites
}

/// The factory's nested executions: its child's init code, then the call.
const FACTORY_SITES: [&str; 2] = ["ethereum.create", "ethereum.call"];

/// The factory sample contract, and the inputs of its EXPECT lines.
fn factory() -> (Vec<u8>, Vec<Vec<u8>>) {
    let file = contracts()
        .into_iter()
        .find(|f| f.ends_with("factory.wat"))
        .expect("the factory contract");
    let text = std::fs::read_to_string(&file).expect("readable");
    (wat::parse_str(&text).expect("valid"), inputs(&text))
}

#[test]
fn nested_executions_appear_inside_their_callers_under_the_callees_address() {
    let (code, inputs) = factory();
    let mut session = recorded_session(code, ExecConfig::trusted());
    for input in inputs {
        assert_eq!(check_nested_call(&mut session, input), FACTORY_SITES);
    }
}

#[test]
fn concurrent_sessions_on_one_executor_each_record_their_own_profiles() {
    // One executor (one cache, one engine) for every thread, as an EVMC
    // VM or a client serves concurrent transactions; each session has its
    // own recorder.
    let (code, inputs) = factory();
    let runner = profiling_executor(ExecConfig::trusted()).expect("executor");
    let checked: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let runner = Arc::clone(&runner) as Arc<dyn state::Runner>;
                let (code, inputs) = (code.clone(), inputs.clone());
                scope.spawn(move || {
                    let mut session = Session::new(code, runner);
                    session.observe(Box::new(ProfileRecorder::new()));
                    let mut checked = 0;
                    for _ in 0..25 {
                        for input in &inputs {
                            // Each call site is this thread's own, never
                            // another thread's call in progress.
                            let sites = check_nested_call(&mut session, input.clone());
                            assert_eq!(sites, FACTORY_SITES);
                            checked += sites.len();
                        }
                    }
                    checked
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("no thread panics"))
            .sum()
    });
    assert!(checked >= 100, "only {checked} nested executions checked");
}
