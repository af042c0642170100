//! `iris run`: a WASI program, or one contract call in a fresh in-memory
//! state.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, Executor, Status, U256};
use serde_json::json;
use state::run::{Call, CallReport, Session};
use state::statetest::decode_hex;
use state::Runner;

use crate::exit::{Error, Exit};

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
    /// The module (`.wasm` or `.wat`), then the WASI program's arguments.
    /// Everything after the module goes to the program untouched (`--help`
    /// and `--` too), as with `wasmtime run`: iris's own flags come before
    /// it.
    #[arg(
        value_names = ["FILE", "ARGS"],
        required = true,
        trailing_var_arg = true,
        num_args = 1..
    )]
    command: Vec<OsString>,
}

impl Args {
    /// The module's path.
    fn file(&self) -> &Path {
        // clap fills `command` with at least one value (`required`).
        self.command.first().map_or(Path::new(""), Path::new)
    }

    /// What follows the module: the program's arguments.
    fn program_args(&self) -> &[OsString] {
        self.command.get(1..).unwrap_or_default()
    }
}

/// Runs a WASI program or a contract, by what the module is.
pub(crate) fn run(args: &Args) -> Result<ExitCode, Error> {
    let file = args.file();
    let bytes = crate::invoke::read_module(file)?;
    let engine = engine::Engine::default();
    let module =
        engine::Module::new(&engine, &bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    if crate::program::is_wasi(&module) {
        let contract_only = [
            (!args.input.is_empty(), "--input"),
            (args.create, "--create"),
            (args.value != 0, "--value"),
            (args.metering.given(), "--metering/--gas-model"),
            (args.json, "--json"),
        ];
        if let Some((_, flag)) = contract_only.iter().find(|(given, _)| *given) {
            return Err(Error::usage(format!(
                "{flag} applies to contracts, and {} is a WASI program",
                file.display()
            )));
        }
        return Ok(crate::program::run(
            file,
            &engine,
            &module,
            args.program_args(),
            &args.dirs,
            &args.env,
        )?);
    }
    let not_wasi = || {
        format!(
            "{} is a contract, not a WASI program (it neither imports `{}` nor exports `_start`)",
            file.display(),
            wasi::MODULE
        )
    };
    let wasi_only = [
        (!args.dirs.is_empty(), "--dir"),
        (!args.env.is_empty(), "--env"),
    ];
    if let Some((_, what)) = wasi_only.iter().find(|(given, _)| *given) {
        return Err(Error::usage(format!("{what}: {}", not_wasi())));
    }
    if let Some(first) = args.program_args().first() {
        let first = first.to_string_lossy();
        let hint = if first.starts_with('-') {
            format!(
                "iris's own flags go before the file: `iris run {first} ... {}`",
                file.display()
            )
        } else {
            "call data goes in `--input HEX`, before the file".to_string()
        };
        return Err(Error::usage(format!(
            "`{first}` after the file: {}, and takes no arguments; {hint}",
            not_wasi()
        )));
    }
    let options = Options {
        input: args.input.clone(),
        gas: args.gas,
        value: args.value,
        create: args.create,
        metering: args.metering.clone(),
        json: args.json,
    };
    Ok(run_contract(bytes, &options)?)
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

/// Runs the contract; the exit status is its status's (see
/// [`Exit::of_status`]).
fn run_contract(code: Vec<u8>, options: &Options) -> Result<ExitCode, String> {
    let input = decode_hex(&options.input)?;
    let config = options.metering.config();
    let executor: Arc<dyn Runner> = Arc::new(Executor::new(config).map_err(|e| e.to_string())?);
    let mut session = if options.create {
        let (session, report) = Session::create(code, options.gas, Arc::clone(&executor));
        print("create", &report, options.json);
        if report.status != Status::Success {
            return Ok(Exit::of_status(report.status).into());
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
    Ok(Exit::of_status(report.status).into())
}
