//! `iris run`: a WASI program, or one contract call (or create) in an
//! in-memory state, fresh or read from (and written back to) a state file.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::Executor;
use state::run::Call;
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
    /// Contract: call data: hex, `@FILE` (hex in a file) or `-` (hex on
    /// standard input) [default: none].
    #[arg(
        long,
        value_name = "HEX|@FILE|-",
        default_value = "",
        hide_default_value = true
    )]
    input: String,
    /// Contract: gas for the call, decimal or 0x hex.
    #[arg(
        long,
        default_value_t = 10_000_000,
        value_parser = crate::gas::parse_i64,
        allow_hyphen_values = true
    )]
    gas: i64,
    /// Contract: run FILE as init code from the caller and deploy what it
    /// returns (nothing is called): prints the new contract's address
    /// (from the caller's nonce) and its code size. With `--state`, later
    /// runs call it with `--address`.
    #[arg(long)]
    create: bool,
    #[command(flatten)]
    context: crate::context::Context,
    #[command(flatten)]
    metering: crate::metering::Metering,
    /// Contract: print one JSON object (its schema:
    /// docs/schema/run-output.json; a failure's reason is its `error`).
    #[arg(long)]
    json: bool,
    /// Contract: write an execution trace to FILE, or to standard error
    /// with `-`: JSON lines, one per frame entered and left and per EEI
    /// call, then a summary (docs/trace.md).
    #[arg(long, value_name = "FILE|-")]
    trace: Option<PathBuf>,
    /// Contract: with `--trace`, a line per metering block too (function,
    /// code offset, gas before, cost). Runs the profiling translation:
    /// slower, for debugging.
    #[arg(long, requires = "trace")]
    trace_blocks: bool,
    /// The module (`.wasm` or `.wat`), then the WASI program's arguments.
    /// Everything after the module goes to the program untouched (`--help`
    /// and `--` too), as with `wasmtime run`: iris's own flags come before
    /// it. A contract call may leave FILE out with `--state`: the code the
    /// state holds at `--address` runs.
    #[arg(value_names = ["FILE", "ARGS"], trailing_var_arg = true, num_args = 0..)]
    command: Vec<OsString>,
}

impl Args {
    /// The module's path, if given.
    fn file(&self) -> Option<&Path> {
        self.command.first().map(Path::new)
    }

    /// What follows the module: the program's arguments.
    fn program_args(&self) -> &[OsString] {
        self.command.get(1..).unwrap_or_default()
    }
}

/// Runs a WASI program or a contract, by what the module is. With
/// `--json`, an error is printed as the one JSON object too (its status
/// null, its `error` of kind `usage` or `input`).
pub(crate) fn run(args: &Args) -> Result<ExitCode, Error> {
    match run_module(args) {
        Err(e) if args.json => {
            crate::report::print_error(args.create, Some(args.context.fork()), &e);
            Ok(e.exit.into())
        }
        result => result,
    }
}

fn run_module(args: &Args) -> Result<ExitCode, Error> {
    let Some(file) = args.file() else {
        if args.create {
            return Err(Error::usage("--create needs FILE, the init code"));
        }
        return run_contract(None, args);
    };
    let bytes = crate::invoke::read_module(file)?;
    let mut config = engine::Config::default();
    config.lazy_translation(args.metering.lazy());
    let engine = engine::Engine::new(&config);
    // A module the engine refuses is no WASI program it could run: a
    // contract, whose executor says which rule it breaks.
    let module = engine::Module::new(&engine, &bytes).ok();
    if let Some(module) = module.as_ref().filter(|m| crate::program::is_wasi(m)) {
        let contract_only = [
            (!args.input.is_empty(), "--input"),
            (args.create, "--create"),
            (
                args.context.first_given().is_some(),
                args.context.first_given().unwrap_or(""),
            ),
            (args.context.fork_given(), "--fork"),
            (args.metering.given(), "--metering/--gas-model"),
            (args.json, "--json"),
            (args.trace.is_some(), "--trace"),
        ];
        if let Some((_, flag)) = contract_only.iter().find(|(given, _)| *given) {
            return Err(Error::usage(format!(
                "{flag} applies to contracts, and {} is a WASI program",
                file.display()
            )));
        }
        return crate::program::run(
            file,
            &engine,
            module,
            args.program_args(),
            &args.dirs,
            &args.env,
        );
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
    run_contract(Some(bytes), args)
}

/// Runs the contract (`code`, or the state's code at `--address`) or,
/// with `--create`, deploys it; writes the state file back if it
/// succeeded. The exit status is the call's (see [`Exit::of_report`]).
fn run_contract(code: Option<Vec<u8>>, args: &Args) -> Result<ExitCode, Error> {
    let input = crate::gas::input(&args.input)?;
    let context = &args.context;
    context.check_writable()?;
    let config = ewasm_host::ExecConfig {
        // Only a profiling executor has metering blocks to trace.
        profile: args.trace_blocks,
        ..args.metering.config()
    };
    // The EEI's names are fixed and distinct: this cannot fail.
    let executor = Executor::new(config).map_err(|e| Error::internal(e.to_string()))?;
    let executor: Arc<dyn Runner> = Arc::new(executor);
    let call = Call {
        input,
        gas: args.gas,
        value: context.value(),
    };
    let (mut session, report, address) = if args.create {
        if context.has_address() {
            return Err(Error::usage(
                "--address does not apply to --create: the new address follows from the caller and its nonce",
            ));
        }
        if !call.input.is_empty() {
            return Err(Error::usage(
                "--input does not apply to --create: Ewasm init code gets no call data",
            ));
        }
        let mut session = context.create_session(executor)?;
        crate::trace::start(&mut session, args.trace.as_deref(), args.trace_blocks)?;
        let init = Call {
            input: code.unwrap_or_default(),
            ..call
        };
        let report = session.deploy(context.caller(), &init);
        let created = report.created;
        (session, report, created)
    } else {
        let mut session = context.session(code, executor)?;
        crate::trace::start(&mut session, args.trace.as_deref(), args.trace_blocks)?;
        let report = session.call_from(context.caller(), &call);
        let address = Some(session.address);
        (session, report, address)
    };
    crate::trace::finish(&mut session, args.trace.as_deref())?;
    let code_size = address
        .filter(|_| args.create)
        .and_then(|a| session.world().get(&a).map(|account| account.code.len()));
    // Only a success is kept: a call that fails or reverts changes nothing.
    if report.status == ewasm_host::Status::Success {
        context.save(session)?;
    }
    let step = if args.create { "create" } else { "call" };
    let printed = crate::report::Printed {
        step,
        fork: context.fork(),
        address,
        code_size,
    };
    crate::report::print(&printed, &report, args.json);
    Ok(Exit::of_report(&report).into())
}
