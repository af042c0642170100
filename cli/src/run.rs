//! `iris run`: one contract call in a fresh in-memory state.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, ExecConfig, Executor, Status, U256};
use serde_json::json;
use state::run::{Call, CallReport, Session};
use state::statetest::decode_hex;
use state::Runner;

/// What `iris run` was asked.
pub(crate) struct Options {
    pub(crate) input: String,
    pub(crate) gas: i64,
    pub(crate) value: u128,
    pub(crate) create: bool,
    pub(crate) metering: bool,
    pub(crate) json: bool,
}

fn print(label: &str, report: &CallReport, json: bool) {
    if json {
        let logs: Vec<_> = report
            .logs
            .iter()
            .map(|log| {
                json!({
                    "address": log.address.to_string(),
                    "topics": log.topics.iter().map(|t| format!("0x{}", hex(&t.0))).collect::<Vec<_>>(),
                    "data": format!("0x{}", hex(&log.data)),
                })
            })
            .collect();
        let value = json!({
            "step": label,
            "status": format!("{:?}", report.status),
            "gas_used": report.gas_used,
            "output": format!("0x{}", hex(&report.output)),
            "logs": logs,
        });
        println!("{value}");
        return;
    }
    println!("{label}: status {:?}", report.status);
    println!("{label}: gas used {}", report.gas_used);
    println!("{label}: output 0x{}", hex(&report.output));
    for (i, log) in report.logs.iter().enumerate() {
        let topics: Vec<String> = log
            .topics
            .iter()
            .map(|t| format!("0x{}", hex(&t.0)))
            .collect();
        println!(
            "{label}: log {i}: address {} topics [{}] data 0x{}",
            log.address,
            topics.join(", "),
            hex(&log.data)
        );
    }
}

/// Runs the contract; exit status 0 on success, 1 otherwise.
pub(crate) fn run(contract: &Path, options: &Options) -> Result<ExitCode, String> {
    let code = crate::invoke::read_module(contract)?;
    let input = decode_hex(&options.input)?;
    let config = ExecConfig {
        metering: options.metering,
        ..ExecConfig::default()
    };
    let executor: Arc<dyn Runner> = Arc::new(Executor::new(config).map_err(|e| e.to_string())?);
    let mut session = if options.create {
        let (session, report) = Session::create(code, options.gas, Arc::clone(&executor));
        print("create", &report, options.json);
        if report.status != Status::Success {
            return Ok(ExitCode::FAILURE);
        }
        session
    } else {
        Session::new(code, executor)
    };
    let report = session.call(&Call {
        input,
        gas: options.gas,
        value: U256::from(options.value),
    });
    print("call", &report, options.json);
    Ok(if report.status == Status::Success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
