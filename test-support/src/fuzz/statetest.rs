//! The state-test runner on hostile JSON: raw text (input starting with
//! `{`), or a well-formed test whose accounts, code, transaction, limits
//! and fork (Byzantium to Osaka, each run by revm's rules of that fork)
//! the fuzz input chooses (code from the sample contracts, generated
//! contracts or any bytes). Parsing must fail cleanly or the cases must
//! run without a panic; each case must give the same root twice, and a
//! transaction found invalid must leave the pre-state as it was, with no
//! logs.

use std::sync::{Arc, OnceLock};

use arbitrary::Unstructured;
use ewasm_host::{hex, ExecConfig, Executor};
use state::Runner;

/// The sample contracts in `contracts/`, compiled.
fn samples() -> &'static Vec<Vec<u8>> {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
        ["counter.wat", "wrc20.wat", "reverter.wat", "factory.wat"]
            .iter()
            .filter_map(|name| wat::parse_file(dir.join(name)).ok())
            .collect()
    })
}

fn code(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u.choose(samples())?.clone(),
        1 => crate::fuzz::ewasm::contract(u)?,
        2 => {
            let len = u.int_in_range(0..=64usize)?;
            u.bytes(len)?.to_vec()
        }
        _ => Vec::new(),
    })
}

/// The forks a generated test's `post` may name, as state tests name
/// them: every fork from Byzantium that revm runs (Constantinople it does
/// not).
const FORKS: &[&str] = &[
    "Byzantium",
    "ConstantinopleFix",
    "Istanbul",
    "Berlin",
    "London",
    "Merge",
    "Shanghai",
    "Cancun",
    "Prague",
    "Osaka",
];

/// A well-formed state test built from `u`.
fn template(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    const SENDER: &str = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
    const KEY: &str = "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8";
    const CONTRACT: &str = "0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6";
    let contract_code = code(u)?;
    let create = u.arbitrary::<bool>()?;
    let data = if create {
        code(u)?
    } else {
        let len = u.int_in_range(0..=72usize)?;
        u.bytes(len)?.to_vec()
    };
    let gas: u32 = u.int_in_range(0..=10_000_000)?;
    let value: u32 = u.arbitrary()?;
    let balance: u64 = u.arbitrary()?;
    let slot: u8 = u.arbitrary()?;
    let stored: u64 = u.arbitrary()?;
    let to = if create { "" } else { CONTRACT };
    // Chosen last, so that inputs made before the choice existed still
    // build the same test (at Byzantium when the input runs out).
    let fork = u.choose(FORKS)?;
    Ok(format!(
        r#"{{"fuzz": {{
  "env": {{"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
           "currentDifficulty": "0x020000", "currentGasLimit": "0x05500000",
           "currentNumber": "0x01", "currentTimestamp": "0x03e8",
           "previousHash": "0x5e20a0453cecd065ea59c37ac63e079ee08998b6045136a8ce6635c7912ec0b6"}},
  "post": {{"{fork}": [{{"hash": "0x00", "indexes": {{"data": 0, "gas": 0, "value": 0}},
            "logs": "0x00"}}]}},
  "pre": {{
    "{SENDER}": {{"balance": "{balance:#x}", "code": "", "nonce": "0x00", "storage": {{}}}},
    "{CONTRACT}": {{"balance": "0x00", "code": "0x{}", "nonce": "0x00",
                    "storage": {{"{slot:#x}": "{stored:#x}"}}}}
  }},
  "transaction": {{"data": ["0x{}"], "gasLimit": ["{gas:#x}"], "gasPrice": "0x01",
                   "nonce": "0x00", "secretKey": "{KEY}", "to": "{to}", "value": ["{value:#x}"]}}
}}}}"#,
        hex::encode(&contract_code),
        hex::encode(&data)
    ))
}

fn executor() -> Result<Arc<dyn Runner>, String> {
    static EXECUTOR: OnceLock<Option<Arc<Executor>>> = OnceLock::new();
    EXECUTOR
        .get_or_init(|| {
            // Instruction metering bounds every run (generated code does
            // not charge itself).
            let config = ExecConfig {
                metering: true,
                ..ExecConfig::default()
            };
            Executor::new(config).ok().map(Arc::new)
        })
        .clone()
        .map(|e| e as Arc<dyn Runner>)
        .ok_or_else(|| "the executor does not start".to_string())
}

/// The target.
///
/// # Errors
///
/// A case that gave two different roots, or an invalid transaction that
/// changed the state.
pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
    // Input that starts like JSON is taken as the test's text.
    let raw = u.peek_bytes(1) == Some(b"{");
    let text = if raw {
        String::from_utf8_lossy(u.bytes(u.len()).unwrap_or_default()).into_owned()
    } else {
        match template(u) {
            Ok(text) => text,
            Err(_) => return Ok(()),
        }
    };
    let Ok(cases) = state::statetest::parse(&text) else {
        return Ok(());
    };
    let runner = executor()?;
    for case in cases.cases.iter().take(4) {
        let first = state::statetest::run(case, &runner);
        let second = state::statetest::run(case, &runner);
        if first.root != second.root || first.logs != second.logs {
            return Err(format!(
                "case {} ({}) gave two different roots",
                case.name, case.fork
            ));
        }
        if let Err(why) = &first.result {
            if first.post != *case.pre {
                return Err(format!(
                    "case {} ({}): the transaction was invalid ({why}) but the state changed",
                    case.name, case.fork
                ));
            }
        }
    }
    Ok(())
}
