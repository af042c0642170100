//! `iris run`: a WASI program, or one contract call in a fresh in-memory
//! state.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, Executor, Status, U256};
use serde_json::json;
use state::run::{Call, CallReport, Session};
use state::statetest::decode_hex;
use state::Runner;

/// What `iris run` takes.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// WASI: pre-open the host directory HOST for the program, under the
    /// name GUEST (HOST itself without one). Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// WASI: give the program the variable KEY=VALUE (or KEY with this
    /// process's value). Repeatable; nothing else is passed.
    #[arg(long = "env", value_name = "KEY[=VALUE]")]
    env: Vec<String>,
    /// Contract: call data, hex.
    #[arg(long, default_value = "")]
    input: String,
    /// Contract: gas for the call.
    #[arg(
        long,
        default_value_t = 10_000_000,
        value_parser = crate::gas::parse,
        allow_negative_numbers = true
    )]
    gas: i64,
    /// Contract: value sent, decimal.
    #[arg(long, default_value_t = 0)]
    value: u128,
    /// Contract: run the file as init code first, then call what it
    /// returns.
    #[arg(long)]
    create: bool,
    #[command(flatten)]
    metering: crate::metering::Metering,
    /// Contract: print JSON.
    #[arg(long)]
    json: bool,
    /// The module, `.wasm` or `.wat`.
    file: PathBuf,
    /// WASI: the program's arguments (after its name).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Runs a WASI program or a contract, by what the module is.
pub(crate) fn run(args: &Args) -> Result<ExitCode, String> {
    let bytes = crate::invoke::read_module(&args.file)?;
    let engine = engine::Engine::default();
    let module = engine::Module::new(&engine, &bytes)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    if crate::program::is_wasi(&module) {
        let contract_only = [
            (!args.input.is_empty(), "--input"),
            (args.create, "--create"),
            (args.value != 0, "--value"),
            (args.metering.given(), "--metering/--gas-model"),
            (args.json, "--json"),
        ];
        if let Some((_, flag)) = contract_only.iter().find(|(given, _)| *given) {
            return Err(format!(
                "{flag} applies to contracts, and {} is a WASI program",
                args.file.display()
            ));
        }
        return crate::program::run(
            &args.file, &engine, &module, &args.args, &args.dirs, &args.env,
        );
    }
    let wasi_only = [
        (!args.dirs.is_empty(), "--dir"),
        (!args.env.is_empty(), "--env"),
        (!args.args.is_empty(), "program arguments"),
    ];
    if let Some((_, what)) = wasi_only.iter().find(|(given, _)| *given) {
        return Err(format!("{what}: {} is a contract, not a WASI program (it neither imports `{}` nor exports `_start`)", args.file.display(), wasi::MODULE));
    }
    let options = Options {
        input: args.input.clone(),
        gas: args.gas,
        value: args.value,
        create: args.create,
        metering: args.metering.clone(),
        json: args.json,
    };
    run_contract(bytes, &options)
}

/// What a contract run was asked.
struct Options {
    input: String,
    gas: i64,
    value: u128,
    create: bool,
    metering: crate::metering::Metering,
    json: bool,
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
fn run_contract(code: Vec<u8>, options: &Options) -> Result<ExitCode, String> {
    let input = decode_hex(&options.input)?;
    let config = options.metering.config();
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
