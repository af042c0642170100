//! `iris profile`: where a contract call's gas goes, as a table, JSON or
//! folded stacks.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ewasm_host::{hex, GasProfile};
use serde_json::json;
use state::profile::{ExecutionProfile, ProfileRecorder};
use state::run::Call;
use state::Runner;

use crate::exit::{Error, Exit};

/// What `iris profile` takes.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The contract, `.wasm` or `.wat` (not with `--statetest`); without
    /// it, `--state FILE` and `--address`: the code deployed there.
    contract: Option<PathBuf>,
    /// Call data: hex, `@FILE` (hex in a file) or `-` (hex on standard
    /// input) [default: none].
    #[arg(
        long,
        value_name = "HEX|@FILE|-",
        default_value = "",
        hide_default_value = true
    )]
    input: String,
    #[command(flatten)]
    context: crate::context::Context,
    /// Gas for the call, decimal or 0x hex.
    #[arg(
        long,
        default_value_t = 10_000_000,
        value_parser = crate::gas::parse_i64,
        allow_hyphen_values = true
    )]
    gas: i64,
    /// Profile one case of this state-test file instead.
    #[arg(long, conflicts_with = "contract")]
    statetest: Option<PathBuf>,
    /// Which case of the state test (in file order).
    #[arg(long, default_value_t = 0)]
    index: usize,
    #[command(flatten)]
    metering: crate::metering::Metering,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Write the folded stacks (`frame;frame gas` lines) here.
    #[arg(long, value_name = "FILE")]
    folded: Option<PathBuf>,
    /// Write a flame graph of the gas (SVG) here.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Write the stacks as a speedscope profile (JSON, for
    /// <https://www.speedscope.app>) here.
    #[arg(long, value_name = "FILE")]
    speedscope: Option<PathBuf>,
    /// Rows per table (every table and list).
    #[arg(long, default_value_t = 20)]
    top: usize,
}

/// What the profiled call ended with.
struct Ended {
    /// Its status (none for an invalid transaction).
    status: Option<ewasm_host::Status>,
    /// Why it failed, when it did.
    reason: Option<ewasm_host::FailureReason>,
    /// How `iris` exits when no code ran.
    exit: Exit,
    /// The fork it ran at.
    fork: ewasm_host::Revision,
    /// The profiles of its executions (the recorder's), oldest first.
    recorded: Vec<ExecutionProfile>,
}

/// Runs the call (or the state-test case) with profiling on and reports.
/// The state file, if given, is read and never written: a profile
/// commits nothing.
///
/// # Errors
///
/// Usage errors (flags that do not go together), input errors (files that
/// cannot be read or written).
pub(crate) fn run(args: &Args) -> Result<ExitCode, Error> {
    // The executor profiles; a recorder, the calls' observer, keeps the
    // profiles. The EEI's names are fixed and distinct: this cannot fail.
    let runner = state::profile::profiling_executor(args.metering.config())
        .map_err(|e| Error::internal(e.to_string()))?;
    let as_runner = runner as Arc<dyn Runner>;
    let recorder = Box::new(ProfileRecorder::new());
    if args.statetest.is_some() {
        if let Some(flag) = args.context.first_given() {
            return Err(Error::usage(format!(
                "{flag} applies to a contract call, not to --statetest (the vector sets its context)"
            )));
        }
    }
    let input = crate::gas::input(&args.input)?;
    let code = match &args.contract {
        Some(contract) => Some(crate::invoke::read_module(contract)?),
        None => None,
    };
    let spinner = crate::progress::Spinner::start("profiling");
    let ended = if let Some(file) = &args.statetest {
        let cases = state::statetest::parse_file(file)
            .map_err(|e| Error::input(format!("{}: {e}", file.display())))?;
        let case = cases.cases.get(args.index).ok_or_else(|| {
            Error::usage(format!(
                "{}: no case {} ({} cases)",
                file.display(),
                args.index,
                cases.cases.len()
            ))
        })?;
        let fork = case.env.revision;
        if args.context.fork_given() && args.context.fork() != fork {
            return Err(Error::usage(format!(
                "--fork {}: {} case {} runs at its own fork, {fork}",
                args.context.fork(),
                file.display(),
                args.index
            )));
        }
        let applied = case
            .tx
            .to_revm(case.env.tx.chain_id.low_u64())
            .and_then(|tx| {
                Ok(state::evm::transact_observed(
                    &case.pre,
                    &case.env,
                    as_runner,
                    tx,
                    Some(recorder),
                )?)
            });
        let (applied, observer) = match applied {
            Ok((applied, observer)) => (Ok(applied), observer),
            Err(e) => (Err(e), None),
        };
        let recorded = ProfileRecorder::of(observer)
            .map(|mut r| r.take())
            .unwrap_or_default();
        match applied.and_then(|applied| applied.result) {
            Ok(done) => Ended {
                recorded,
                status: Some(done.status),
                exit: Exit::of_outcome(done.status, done.reason.as_ref()),
                reason: done.reason,
                fork,
            },
            Err(e) => {
                drop(spinner);
                return Err(Error {
                    exit: Exit::Contract,
                    message: format!(
                        "{} case {}: invalid transaction: {e}",
                        file.display(),
                        args.index
                    ),
                });
            }
        }
    } else {
        let context = &args.context;
        let mut session = context.session(code, as_runner)?;
        session.observe(recorder);
        let report = session.call_from(
            context.caller(),
            &Call {
                input,
                gas: args.gas,
                value: context.value(),
            },
        );
        let recorded = ProfileRecorder::of(session.take_observer())
            .map(|mut r| r.take())
            .unwrap_or_default();
        Ended {
            status: Some(report.status),
            exit: Exit::of_report(&report),
            reason: report.reason,
            fork: context.fork(),
            recorded,
        }
    };
    drop(spinner);
    let reason = ended.reason;
    let profiles = ended.recorded;
    let Some(top) = profiles.iter().find(|p| p.depth == 0) else {
        // Refused before any code ran: no profile, but the status and why.
        let status = ended.status.map(|s| format!("{s:?}"));
        if args.json {
            let value = json!({
                "fork": ended.fork.to_string(),
                "status": status,
                "executions": [],
                "merged_stacks": [],
                "error": crate::report::error_json(reason.as_ref()),
            });
            println!("{value}");
        } else {
            println!(
                "status {}: no contract code ran",
                status.as_deref().unwrap_or("unknown")
            );
            if let Some(reason) = &reason {
                println!("reason: {reason}");
            }
        }
        return Ok(ended.exit.into());
    };
    // Nested executions are drawn inside their callers.
    let merged = state::profile::merged_stacks(&profiles);
    let folded = ewasm_host::folded(&merged);
    if let Some(path) = &args.folded {
        std::fs::write(path, &folded)
            .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    }
    let title = match (&args.contract, &args.statetest) {
        (Some(c), _) => c.display().to_string(),
        (None, Some(s)) => format!("{} case {}", s.display(), args.index),
        (None, None) => String::new(),
    };
    if let Some(path) = &args.svg {
        write_svg(&folded, top.gas_used, &title, path)?;
    }
    if let Some(path) = &args.speedscope {
        let document = crate::speedscope::document(&merged, &format!("gas: {title}"));
        std::fs::write(path, document.to_string())
            .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    }
    if args.json {
        let mut value = to_json(&profiles, &merged);
        value["fork"] = json!(ended.fork.to_string());
        value["status"] = json!(format!("{:?}", top.status));
        value["error"] = crate::report::error_json(reason.as_ref());
        println!("{value}");
    } else {
        print_tables(top, &profiles, args.top, args.metering.on(), ended.fork);
        if let Some(reason) = &reason {
            println!("\nreason: {reason}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws the flame graph of the `folded` stacks into `path`.
fn write_svg(folded: &str, gas: u64, title: &str, path: &std::path::Path) -> Result<(), Error> {
    let mut options = inferno::flamegraph::Options::default();
    options.title = format!("gas: {title} ({gas} gas)");
    options.count_name = "gas".to_string();
    let file = std::fs::File::create(path)
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    inferno::flamegraph::from_lines(&mut options, folded.lines(), std::io::BufWriter::new(file))
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn print_tables(
    top: &ExecutionProfile,
    all: &[ExecutionProfile],
    rows: usize,
    metering: bool,
    fork: ewasm_host::Revision,
) {
    let p: &GasProfile = &top.profile;
    println!(
        "gas used {} of {} ({:?}), instruction metering {}, fork {fork}",
        top.gas_used,
        top.gas,
        top.status,
        if metering { "on" } else { "off" }
    );
    let lines = p.functions.iter().any(|f| f.line.is_some());
    println!(
        "\n{:<32} {:>12} {:>12} {:>8} {:>7}{}",
        "function",
        "self gas",
        "total gas",
        "calls",
        "share",
        if lines { "  source line" } else { "" }
    );
    for f in p.functions.iter().take(rows) {
        println!(
            "{:<32} {:>12} {:>12} {:>8} {:>6.1}%{}",
            f.name,
            f.self_gas,
            f.total_gas,
            f.calls,
            share(f.total_gas, p.total),
            f.line
                .as_ref()
                .map(|l| format!("  {l}"))
                .unwrap_or_default()
        );
    }
    println!(
        "\n{:<32} {:>8} {:>12} {:>7}",
        "host function", "calls", "gas", "share"
    );
    for h in p.host.iter().take(rows) {
        println!(
            "{:<32} {:>8} {:>12} {:>6.1}%",
            h.name,
            h.calls,
            h.gas,
            share(h.gas, p.total)
        );
    }
    if let Some((_, gas)) = p
        .stacks
        .iter()
        .find(|(f, _)| f.first().is_some_and(|n| n == ewasm_host::FORFEITED))
    {
        println!(
            "{:<32} {:>8} {:>12} {:>6.1}%",
            ewasm_host::FORFEITED,
            "",
            gas,
            share(*gas, p.total)
        );
    }
    if !p.operators.is_empty() {
        println!(
            "\n{:<32} {:>8} {:>12} {:>7}",
            "operator (by its operands)", "runs", "gas", "share"
        );
        for o in p.operators.iter().take(rows) {
            println!(
                "{:<32} {:>8} {:>12} {:>6.1}%",
                o.name,
                o.runs,
                o.gas,
                share(o.gas, p.total)
            );
        }
    }
    if !p.lines.is_empty() {
        println!(
            "\n{:<32} {:<24} {:>12} {:>7}",
            "source line", "function", "gas", "share"
        );
        for l in p.lines.iter().take(rows) {
            println!(
                "{:<32} {:<24} {:>12} {:>6.1}%",
                l.line,
                l.function,
                l.gas,
                share(l.gas, p.total)
            );
        }
    }
    if p.blocks.iter().any(|b| b.gas > 0) {
        let lines = p.blocks.iter().any(|b| b.line.is_some());
        println!(
            "\n{:<32} {:>10} {:>10} {:>12}{}",
            "costliest blocks: function",
            "offset",
            "runs",
            "gas",
            if lines { "  source line" } else { "" }
        );
        for b in p.blocks.iter().filter(|b| b.gas > 0).take(rows) {
            println!(
                "{:<32} {:>#10x} {:>10} {:>12}{}",
                b.function,
                b.offset,
                b.runs,
                b.gas,
                b.line
                    .as_ref()
                    .map(|l| format!("  {l}"))
                    .unwrap_or_default()
            );
        }
    }
    let nested: Vec<&ExecutionProfile> = all.iter().filter(|e| e.depth > 0).collect();
    if !nested.is_empty() {
        println!("\nnested executions (inside their callers in --folded, --svg and --speedscope):");
        if nested.len() > rows {
            println!("  (the first {rows} of {}; --top shows more)", nested.len());
        }
        for e in nested.into_iter().take(rows) {
            println!(
                "  depth {} 0x{}: gas used {} ({:?})",
                e.depth,
                hex::encode(&e.code_address.0),
                e.gas_used,
                e.status
            );
        }
    }
}

/// The profiles of `all` executions and their `merged` stacks as JSON.
fn to_json(all: &[ExecutionProfile], merged: &[(Vec<String>, u64)]) -> serde_json::Value {
    let one = |e: &ExecutionProfile| {
        let p = &e.profile;
        json!({
            "depth": e.depth,
            "code_address": format!("0x{}", hex::encode(&e.code_address.0)),
            "gas": e.gas,
            "gas_used": e.gas_used,
            "status": format!("{:?}", e.status),
            "total": p.total,
            "call_site": p.call_site,
            "stacks": p.stacks.iter().map(|(frames, gas)| json!({"frames": frames, "gas": gas})).collect::<Vec<_>>(),
            "functions": p.functions.iter().map(|f| json!({
                "name": f.name, "self_gas": f.self_gas, "total_gas": f.total_gas, "calls": f.calls, "line": f.line,
            })).collect::<Vec<_>>(),
            "host_functions": p.host.iter().map(|h| json!({"name": h.name, "calls": h.calls, "gas": h.gas})).collect::<Vec<_>>(),
            "operators": p.operators.iter().map(|o| json!({"name": o.name, "runs": o.runs, "gas": o.gas})).collect::<Vec<_>>(),
            "blocks": p.blocks.iter().map(|b| json!({
                "function": b.function, "offset": b.offset, "line": b.line, "runs": b.runs, "gas": b.gas,
            })).collect::<Vec<_>>(),
            "lines": p.lines.iter().map(|l| json!({"line": l.line, "function": l.function, "gas": l.gas})).collect::<Vec<_>>(),
        })
    };
    json!({
        "executions": all.iter().map(one).collect::<Vec<_>>(),
        "merged_stacks": merged.iter().map(|(frames, gas)| json!({"frames": frames, "gas": gas})).collect::<Vec<_>>(),
    })
}
