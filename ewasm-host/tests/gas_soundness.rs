//! Gas is never created: a frame ends with at most the gas it was given,
//! never negative, whatever its calls do and whatever the host answers.
//!
//! The host here is a stub whose answer to every nested call a test
//! chooses, so that it can answer what no honest client would: more gas
//! than it was given, `i64::MAX`, a negative amount.

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallKind, CallOutcome, EvmHost, ExecConfig, Executor, Message,
    Outcome, Revision, Status, StorageStatus, TxContext, U256,
};

/// How the stub answers a nested call.
type Answer = Box<dyn Fn(&Message) -> CallOutcome>;

/// A client with a large balance everywhere, every account existing, no
/// code anywhere, and nested calls answered by `answer`; it records the
/// messages it gets.
struct StubHost {
    answer: Answer,
    messages: Vec<Message<'static>>,
}

impl EvmHost for StubHost {
    fn account_exists(&mut self, _: &Address) -> bool {
        true
    }
    fn get_storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
        Bytes32::ZERO
    }
    fn set_storage(&mut self, _: &Address, _: &Bytes32, _: &Bytes32) -> StorageStatus {
        StorageStatus::Assigned
    }
    fn access_account(&mut self, _: &Address) -> AccessStatus {
        AccessStatus::Warm
    }
    fn access_storage(&mut self, _: &Address, _: &Bytes32) -> AccessStatus {
        AccessStatus::Warm
    }
    fn get_balance(&mut self, _: &Address) -> U256 {
        U256::from(u64::MAX)
    }
    fn get_code_size(&mut self, _: &Address) -> usize {
        0
    }
    fn copy_code(&mut self, _: &Address, _: usize, _: &mut [u8]) -> usize {
        0
    }
    fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
        false
    }
    fn call(&mut self, message: &Message) -> CallOutcome {
        self.messages.push(message.clone().into_owned());
        (self.answer)(message)
    }
    fn get_tx_context(&mut self) -> TxContext {
        TxContext::default()
    }
    fn get_block_hash(&mut self, _: i64) -> Bytes32 {
        Bytes32::ZERO
    }
    fn emit_log(&mut self, _: &Address, _: &[u8], _: &[Bytes32]) {}
}

/// What an account without code answers: success, all its gas back.
fn empty_account() -> Answer {
    Box::new(|message| CallOutcome {
        status: Status::Success,
        gas_left: message.gas,
        gas_refund: 0,
        output: Vec::new().into(),
        create_address: None,
    })
}

/// The gas a stub's answer claims is left, from the message's gas.
type GasLeft = fn(i64) -> i64;

/// `status`, with `gas_left` from the message's gas, and some output.
fn answering(status: Status, gas_left: GasLeft) -> Answer {
    Box::new(move |message| CallOutcome {
        status,
        gas_left: gas_left(message.gas),
        gas_refund: 0,
        output: b"minted?".to_vec().into(),
        create_address: (message.kind == CallKind::Create).then_some(Address([0xaa; 20])),
    })
}

/// Gas of every message.
const GAS: i64 = 100_000;

/// A contract whose `main` runs `body`, then finishes with the 12 bytes at
/// 128: the i32 result of the last call (stored there by the bodies), then
/// `getReturnDataSize`. Memory: a target address at 0, a zero u128 at 32,
/// the u128 1 at 48.
fn contract(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b\0b")
  (data (i32.const 48) "\01")
  (func (export "main") (local $i i32)
    {body}
    (i32.store (i32.const 132) (call $getReturnDataSize))
    (call $finish (i32.const 128) (i32.const 8))))"#
    ))
    .expect("the test contract is valid WAT")
}

/// Runs `code` in a call carrying `value` wei, against a stub answering
/// with `answer`; gives the outcome and the nested messages.
fn run(code: &[u8], value: u64, answer: Answer) -> (Outcome, Vec<Message<'static>>) {
    let executor = Executor::new(ExecConfig::trusted()).expect("an executor");
    let message = Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas: GAS,
        recipient: Address([0xc0; 20]),
        sender: Address([0xca; 20]),
        input: Vec::new().into(),
        value: U256::from(value),
        code_address: Address([0xc0; 20]),
        delegated: false,
    };
    let mut host = StubHost {
        answer,
        messages: Vec::new(),
    };
    let outcome = executor.execute(&mut host, Revision::Byzantium, &message, code);
    assert!(
        (0..=GAS).contains(&outcome.gas_left),
        "gas left {} outside 0..={GAS}",
        outcome.gas_left
    );
    (outcome, host.messages)
}

/// The gas `main`'s body used: all but the 2 of `getReturnDataSize`.
fn used(outcome: &Outcome) -> i64 {
    GAS - outcome.gas_left - 2
}

/// The result of the last call, and the return data size after it.
fn results(outcome: &Outcome) -> (i32, i32) {
    let word = |at: usize| {
        let bytes: [u8; 4] = outcome.output[at..at + 4].try_into().expect("4 bytes");
        i32::from_le_bytes(bytes)
    };
    (word(0), word(4))
}

/// Each of the five functions, without value, its result stored at 128,
/// with the interface gas it costs before forwarding.
fn each_call() -> [(&'static str, &'static str, i64); 5] {
    [
        (
            "call",
            "(i32.store (i32.const 128) (call $call (i64.const 10000) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callCode",
            "(i32.store (i32.const 128) (call $callCode (i64.const 10000) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callDelegate",
            "(i32.store (i32.const 128) (call $callDelegate (i64.const 10000) (i32.const 0) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "callStatic",
            "(i32.store (i32.const 128) (call $callStatic (i64.const 10000) (i32.const 0) (i32.const 0) (i32.const 0)))",
            700,
        ),
        (
            "create",
            "(i32.store (i32.const 128) (call $create (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 64)))",
            32_000,
        ),
    ]
}

#[test]
fn call_delegate_in_a_frame_with_value_gets_no_stipend() {
    let code = contract(each_call()[2].1);
    let (outcome, messages) = run(&code, 5, empty_account());
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(results(&outcome), (0, 0));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].kind, CallKind::DelegateCall);
    assert_eq!(messages[0].value, U256::from(5), "the inherited value");
    assert_eq!(messages[0].gas, 10_000, "no stipend");
    assert_eq!(used(&outcome), 700);
}

#[test]
fn a_call_delegate_loop_in_a_frame_with_value_runs_out_of_gas() {
    // Each callDelegate to an empty account used to give back 1,600 more
    // than it cost: this loop never ended.
    let code = contract(
        "(loop $again
           (drop (call $callDelegate (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
           (br $again))",
    );
    let (outcome, messages) = run(&code, 5, empty_account());
    assert_eq!((outcome.status, outcome.gas_left), (Status::OutOfGas, 0));
    assert_eq!(messages.len(), (GAS / 700) as usize);
}

#[test]
fn a_bounded_call_delegate_loop_in_a_frame_with_value_pays_700_a_call() {
    let code = contract(
        "(loop $again
           (drop (call $callDelegate (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
           (local.set $i (i32.add (local.get $i) (i32.const 1)))
           (br_if $again (i32.lt_u (local.get $i) (i32.const 100))))",
    );
    let (outcome, messages) = run(&code, 5, empty_account());
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(messages.len(), 100);
    assert_eq!(used(&outcome), 100 * 700);
}

#[test]
fn a_call_with_value_gives_the_stipend_it_charged_for_and_still_costs_gas() {
    let code = contract(
        "(i32.store (i32.const 128) (call $call (i64.const 10000) (i32.const 0) (i32.const 48) (i32.const 0) (i32.const 0)))",
    );
    let (outcome, messages) = run(&code, 0, empty_account());
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(messages[0].gas, 10_000 + 2_300);
    // The whole stipend back: 700 + 9,000 - 2,300.
    assert_eq!(used(&outcome), 7_400);
}

#[test]
fn a_host_answering_more_gas_than_it_was_given_makes_the_call_fail() {
    let answers: [(&str, GasLeft); 4] = [
        ("one more", |gas| gas + 1),
        ("i64::MAX", |_| i64::MAX),
        ("-1", |_| -1),
        ("i64::MIN", |_| i64::MIN),
    ];
    for (name, call, cost) in each_call() {
        for (what, gas_left) in answers {
            for status in [Status::Success, Status::Revert, Status::Failure] {
                let (outcome, messages) = run(&contract(call), 0, answering(status, gas_left));
                let case = format!("{name}, answering {status:?} with {what}");
                assert_eq!(outcome.status, Status::Success, "{case}");
                assert_eq!(messages.len(), 1, "{case}");
                assert_eq!(results(&outcome), (1, 0), "{case}: failed, no return data");
                // The forwarded gas is lost, as in any failed call.
                assert_eq!(used(&outcome), cost + messages[0].gas, "{case}");
            }
        }
    }
}

#[test]
fn a_host_answering_within_the_rules_is_believed() {
    for (name, call, cost) in each_call() {
        // Half the forwarded gas back, on success and on revert.
        for (status, result) in [(Status::Success, 0), (Status::Revert, 2)] {
            let (outcome, messages) = run(&contract(call), 0, answering(status, |gas| gas / 2));
            let case = format!("{name}, {status:?}");
            let forwarded = messages[0].gas;
            let data = if name == "create" && status == Status::Success {
                0 // a successful create clears the return data
            } else {
                7
            };
            assert_eq!(results(&outcome), (result, data), "{case}");
            assert_eq!(used(&outcome), cost + forwarded - forwarded / 2, "{case}");
        }
    }
}

#[test]
fn a_failed_call_gives_back_nothing_whatever_gas_the_host_claims() {
    // EVMC: gas_left is 0 unless the status is success or revert.
    for (name, call, cost) in each_call() {
        for status in [Status::Failure, Status::OutOfGas, Status::InternalError] {
            let (outcome, messages) = run(&contract(call), 0, answering(status, |gas| gas));
            let case = format!("{name}, {status:?}");
            assert_eq!(results(&outcome).0, 1, "{case}");
            assert_eq!(used(&outcome), cost + messages[0].gas, "{case}");
        }
    }
}
