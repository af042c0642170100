//! An observer carried by the session's EVM sees every Wasm frame of a
//! call, nested ones included, in the order they happen.

mod common;

use std::sync::Arc;

use common::{contracts, inputs};
use ewasm_host::{
    downcast_observer, ExecConfig, Executor, GasProfile, Message, Observer, Outcome, Revision,
    Status,
};
use state::run::{Call, Session};

/// Every event, as a line.
#[derive(Debug, Default)]
struct Events(Vec<String>);

impl Observer for Events {
    fn frame_enter(&mut self, message: &Message, _: Revision) {
        self.0
            .push(format!("enter {} {:?}", message.depth, message.kind));
    }
    fn call_out(&mut self, site: &[String]) {
        self.0.push(format!("out [{}]", site.join(";")));
    }
    fn call_back(&mut self) {
        self.0.push("back".to_string());
    }
    fn frame_exit(&mut self, message: &Message, outcome: &Outcome, profile: Option<GasProfile>) {
        self.0.push(format!(
            "exit {} {:?} profile={}",
            message.depth,
            outcome.status,
            profile.is_some()
        ));
    }
}

/// The events of one call of the factory sample contract (a create, then
/// a call of what it created).
fn factory_events(profile: bool) -> Vec<String> {
    let file = contracts()
        .into_iter()
        .find(|f| f.ends_with("factory.wat"))
        .expect("the factory contract");
    let text = std::fs::read_to_string(&file).expect("readable");
    let config = ExecConfig {
        profile,
        ..ExecConfig::trusted()
    };
    let runner = Arc::new(Executor::new(config).expect("executor"));
    let mut session = Session::new(wat::parse_str(&text).expect("valid"), runner);
    session.observe(Box::new(Events::default()));
    let report = session.call(&Call {
        input: inputs(&text).remove(0),
        gas: 10_000_000,
        value: 0u64.into(),
    });
    assert_eq!(report.status, Status::Success);
    let observer = session.take_observer().expect("the observer is given back");
    downcast_observer::<Events>(observer).expect("an Events").0
}

#[test]
fn every_frame_is_seen_entering_and_leaving_around_its_callers_call() {
    assert_eq!(
        factory_events(false),
        [
            "enter 0 Call",
            "out []",
            "enter 1 Create",
            "exit 1 Success profile=false",
            "back",
            "out []",
            "enter 1 Call",
            "exit 1 Success profile=false",
            "back",
            "exit 0 Success profile=false",
        ]
    );
}

#[test]
fn a_profiling_executor_hands_each_frame_its_profile_and_call_site() {
    assert_eq!(
        factory_events(true),
        [
            "enter 0 Call",
            "out [main;ethereum.create]",
            "enter 1 Create",
            "exit 1 Success profile=true",
            "back",
            "out [main;ethereum.call]",
            "enter 1 Call",
            "exit 1 Success profile=true",
            "back",
            "exit 0 Success profile=true",
        ]
    );
}

#[test]
fn another_observer_type_is_not_taken_for_this_one() {
    let observer: Box<dyn Observer> = Box::new(ewasm_host::NoObserver);
    assert!(downcast_observer::<Events>(observer).is_none());
}
