//! `iris`: the Iris command line.

mod context;
mod exit;
mod gas;
mod invoke;
mod meter;
mod metering;
mod profile;
mod program;
mod progress;
mod report;
mod run;
mod speedscope;
mod statetest;
mod trace;
mod wast;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::exit::finish;

/// The top-level help's text, above the subcommands.
const ABOUT: &str = "\
Iris: an Ewasm execution engine (Ethereum contracts in WebAssembly) and a
metered WebAssembly 2.0 interpreter.

Contracts:   `run` calls a contract (or deploys it with --create) in an
             in-memory state; `profile` shows where its gas went; `run --trace` and
             `trace diff` trace its calls;
             `statetest` runs Ethereum state-test vectors; `meter` injects
             Ewasm's metering into a module.
WebAssembly: `run` also runs WASI programs, as `wasmtime run` does;
             `invoke` calls one export of a module; `wast` runs spec scripts.

`iris help COMMAND` (or `iris COMMAND --help`) describes each one.";

/// Iris: an Ewasm execution engine and WebAssembly 2.0 interpreter.
#[derive(Parser, Debug)]
#[command(name = "iris", version, about = ABOUT, after_help = exit::TABLE)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run WebAssembly spec scripts (.wast files or directories of them).
    ///
    /// One line per file, each failure as `file:line:col: reason`, then
    /// `N passed, N failed`. A directory runs its `.wast` files in name
    /// order (not its subdirectories).
    #[command(after_help = exit::TABLE)]
    Wast {
        /// Run with fuel metering on, giving this much fuel to each action.
        #[arg(long)]
        fuel: Option<u64>,
        /// Print every failure, not only the first 20 per file.
        #[arg(long, short)]
        verbose: bool,
        /// The scripts, or directories of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Inject Ewasm's metering into a module, as the Sentinel does.
    ///
    /// `i64.const N; call $useGas` at each metering block, `memory.grow`
    /// through a charging helper, the import `ethereum.useGas` appended. A
    /// module it refuses (floating point without `--allow-floats`, invalid
    /// Wasm) is an input error (status 5).
    #[command(after_help = exit::TABLE)]
    Meter {
        /// The module to meter, `.wasm` or `.wat`.
        input: PathBuf,
        /// Where to write the metered binary (`-` for standard output).
        #[arg(short, long)]
        output: PathBuf,
        /// Price floating point at 1 instead of refusing it.
        #[arg(long)]
        allow_floats: bool,
    },
    /// Call an Ewasm contract in an in-memory state, or run a WASI program.
    ///
    /// A WASI program (it imports `wasi_snapshot_preview1` or exports
    /// `_start`) runs as with `wasmtime run`: its `_start` is called with
    /// this process's standard streams, and iris exits with the program's
    /// status (4 after a trap). Anything else is an Ewasm contract, run in
    /// an in-memory state (fresh, or read from `--state FILE` and written
    /// back after a success): put at an account and called (status, gas used,
    /// output, logs and a failure's reason are printed), or deployed with
    /// `--create` (its address and code size are printed).
    #[command(after_help = exit::TABLE)]
    Run(run::Args),
    /// Profile a contract call (or one state-test case): where its gas went.
    ///
    /// Gas per function (self and total), per EEI function, and the
    /// costliest metering blocks; `--json` for tools, `--folded FILE` for
    /// flame graphs. A profile commits nothing: `--state FILE` is read,
    /// never written. It exits 0 once it has printed the profile; when no
    /// code ran (the contract was refused first), it prints the status and
    /// the reason and exits by the table.
    #[command(after_help = exit::TABLE)]
    Profile(profile::Args),
    /// Run Ethereum state tests (GeneralStateTests JSON files or directories).
    ///
    /// One line per case, then `N passed, N failed`; finding no test is a
    /// failure. The Ewasm vectors were filled by Hera without instruction
    /// metering, so the runner follows their rule: metering off (trusted
    /// code; only the EEI and `useGas` charge) unless `--metering` is
    /// given.
    #[command(after_help = exit::TABLE)]
    Statetest {
        /// For each failing case, the accounts that differ from the
        /// vector's expected post-state (when it has one; the Ewasm
        /// vectors have only its root hash, and then the post-state is
        /// printed instead).
        #[arg(long)]
        diff: bool,
        /// Run with instruction metering (the vectors were filled without).
        #[arg(long)]
        metering: bool,
        /// Run the code through this EVMC VM library instead of in process.
        #[arg(long)]
        vm: Option<PathBuf>,
        /// Write each case's execution trace (docs/trace.md) to a file of
        /// its own in this directory: FILE-NAME-FORK-dDgGvV.jsonl.
        #[arg(long, value_name = "DIR")]
        trace: Option<PathBuf>,
        /// With `--trace`, a line per metering block too (function, code
        /// offset, gas before, cost). Runs the profiling translation:
        /// slower, for debugging.
        #[arg(long, requires = "trace")]
        trace_blocks: bool,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Call an exported function of a module and print its results.
    ///
    /// Arguments are parsed by the function's parameter types: integers in
    /// decimal or `0x` hex, floats in decimal (or `nan`, `inf`), `null`
    /// for references.
    #[command(after_help = exit::TABLE)]
    Invoke(invoke::Args),
    /// Work with execution traces (`iris run --trace`).
    #[command(subcommand)]
    Trace(trace::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    match cli.command {
        Command::Wast {
            fuel,
            verbose,
            files,
        } => finish(wast::run(&files, fuel, verbose)),
        Command::Meter {
            input,
            output,
            allow_floats,
        } => finish(meter::run(&input, &output, allow_floats).map(|()| ExitCode::SUCCESS)),
        Command::Run(args) => finish(run::run(&args)),
        Command::Profile(args) => finish(profile::run(&args)),
        Command::Statetest {
            diff,
            metering,
            vm,
            trace,
            trace_blocks,
            paths,
        } => finish(statetest::run(
            &paths,
            diff,
            metering,
            vm.as_deref(),
            trace.as_deref().map(|dir| statetest::Trace {
                dir,
                blocks: trace_blocks,
            }),
        )),
        Command::Invoke(args) => finish(invoke::run(&args)),
        Command::Trace(command) => finish(trace::run(&command)),
    }
}

/// Reports clap's error as clap does, except for `iris run --json`: one
/// JSON object, as for every other error of a `--json` run.
fn clap_error(e: &clap::Error) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json_run = args.first().is_some_and(|a| a == "run") && args.iter().any(|a| a == "--json");
    if !e.use_stderr() || !json_run {
        e.exit();
    }
    let message = e.render().to_string();
    let message = message.trim().trim_start_matches("error: ");
    let error = exit::Error::usage(message.lines().next().unwrap_or_default());
    report::print_error(args.iter().any(|a| a == "--create"), None, &error);
    ExitCode::from(exit::Exit::Usage as u8)
}
