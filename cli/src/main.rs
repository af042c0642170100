//! `iris`: the Iris command line.

mod context;
mod gas;
mod invoke;
mod meter;
mod metering;
mod profile;
mod program;
mod progress;
mod report;
mod run;
mod statetest;
mod wast;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Iris: an Ewasm execution engine and WebAssembly 2.0 interpreter.
#[derive(Parser, Debug)]
#[command(name = "iris", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run WebAssembly spec scripts (.wast): one line per file, then
    /// `N passed, N failed`; exit status 1 if anything failed.
    Wast {
        /// Run with fuel metering on, giving this much fuel to each action.
        #[arg(long)]
        fuel: Option<u64>,
        /// Print every failure, not only the first 20 per file.
        #[arg(long, short)]
        verbose: bool,
        /// The scripts.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Inject Ewasm's metering (as the Sentinel does): `useGas` calls at
    /// each block, a charging helper for `memory.grow`.
    Meter {
        /// The module to meter, `.wasm` or `.wat`.
        input: PathBuf,
        /// Where to write the metered binary.
        #[arg(short, long)]
        output: PathBuf,
        /// Price floating point at 1 instead of refusing it.
        #[arg(long)]
        allow_floats: bool,
    },
    /// Run a module. A WASI program (it imports `wasi_snapshot_preview1`
    /// or exports `_start`) runs as with `wasmtime run`: its `_start` is
    /// called with this process's standard streams, and its exit status is
    /// the program's (134 after a trap). Anything else is an Ewasm
    /// contract, run in an in-memory state (fresh, or read from and
    /// written back to `--state FILE`): put at an account and called
    /// (status, gas used, output, logs and a failure's reason are
    /// printed), or deployed with `--create` (its address and code size
    /// are printed).
    Run(run::Args),
    /// Profile a contract call (or one state-test case): gas per function
    /// (self and total), per EEI function, and the costliest metering
    /// blocks; `--json` for tools, `--folded FILE` for flame graphs.
    Profile(profile::Args),
    /// Run Ethereum state tests (GeneralStateTests JSON; files or
    /// directories): one line per case, then `N passed, N failed`. The
    /// Ewasm vectors were filled by Hera without instruction metering, so
    /// the runner follows their rule: metering off (trusted code; only the
    /// EEI and `useGas` charge) unless `--metering` is given.
    Statetest {
        /// Print the post-state of failing cases.
        #[arg(long)]
        diff: bool,
        /// Run with instruction metering (the vectors were filled without).
        #[arg(long)]
        metering: bool,
        /// Run the code through this EVMC VM library instead of in process.
        #[arg(long)]
        vm: Option<PathBuf>,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Call an exported function of a module and print its results.
    Invoke {
        /// The module, `.wasm` or `.wat`.
        file: PathBuf,
        /// The export to call.
        name: String,
        /// Arguments, parsed by the function's parameter types.
        #[arg(allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The exit status of a command: its own, or 2 after printing its error.
fn finish(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("iris: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Wast {
            fuel,
            verbose,
            files,
        } => wast::run(&files, fuel, verbose),
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
            paths,
        } => statetest::run(&paths, diff, metering, vm.as_deref()),
        Command::Invoke { file, name, args } => {
            finish(invoke::run(&file, &name, &args).map(|()| ExitCode::SUCCESS))
        }
    }
}
