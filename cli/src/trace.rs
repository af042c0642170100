//! Execution traces: `iris run --trace` writes one (JSON lines, see
//! `docs/trace.md`); `iris trace diff` finds where two of them part.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ewasm_host::{downcast_observer, JsonTrace};
use serde_json::Value;
use state::run::Session;

use crate::exit::{Error, Exit};

/// What `iris trace` does.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Print the first line where two traces differ (lines compared as
    /// JSON values: spacing and key order do not count). Exits 0 when
    /// they are the same, 1 when they differ.
    #[command(after_help = crate::exit::TABLE)]
    Diff {
        /// Leave these keys out of the comparison (e.g. `--ignore gas
        /// --ignore cost` to compare the calls two revisions make).
        #[arg(long, value_name = "KEY")]
        ignore: Vec<String>,
        /// The first trace.
        a: PathBuf,
        /// The second trace.
        b: PathBuf,
    },
}

/// Has `session`'s calls traced to `path` (`-`: standard error), if given;
/// with a line per metering block if `blocks` (the session's runner must
/// profile for there to be any).
pub(crate) fn start(session: &mut Session, path: Option<&Path>, blocks: bool) -> Result<(), Error> {
    let Some(path) = path else {
        return Ok(());
    };
    let out: Box<dyn std::io::Write + Send> = if path == Path::new("-") {
        Box::new(std::io::stderr())
    } else {
        let file = std::fs::File::create(path)
            .map_err(|e| Error::input(format!("--trace {}: {e}", path.display())))?;
        Box::new(std::io::BufWriter::new(file))
    };
    session.observe(Box::new(JsonTrace::new(out).with_blocks(blocks)));
    Ok(())
}

/// Ends the trace `start` began: flushes it, and reports a write that
/// failed.
pub(crate) fn finish(session: &mut Session, path: Option<&Path>) -> Result<(), Error> {
    let Some(path) = path else {
        return Ok(());
    };
    let Some(trace) = session
        .take_observer()
        .and_then(downcast_observer::<JsonTrace>)
    else {
        // A session that cannot run (no such fork) traced nothing.
        return Ok(());
    };
    trace
        .finish()
        .map_err(|e| Error::input(format!("--trace {}: {e}", path.display())))
}

/// Runs `iris trace`.
pub(crate) fn run(command: &Command) -> Result<ExitCode, Error> {
    match command {
        Command::Diff { ignore, a, b } => diff(a, b, ignore),
    }
}

/// A trace's lines, each parsed.
fn read(path: &Path) -> Result<Vec<Value>, Error> {
    let file =
        std::fs::File::open(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    let mut lines = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
        let value = serde_json::from_str(&line).map_err(|e| {
            Error::input(format!(
                "{}:{}: not a JSON line: {e}",
                path.display(),
                i + 1
            ))
        })?;
        lines.push(value);
    }
    Ok(lines)
}

/// `value` without the keys of `ignore`.
fn without(value: &Value, ignore: &[String]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !ignore.contains(key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn diff(a: &Path, b: &Path, ignore: &[String]) -> Result<ExitCode, Error> {
    let (left, right) = (read(a)?, read(b)?);
    let parted = (0..left.len().max(right.len())).find(|&i| {
        left.get(i).map(|v| without(v, ignore)) != right.get(i).map(|v| without(v, ignore))
    });
    let Some(i) = parted else {
        println!("the traces are the same ({} lines)", left.len());
        return Ok(Exit::Success.into());
    };
    println!("the traces differ at line {}:", i + 1);
    for (path, lines) in [(a, &left), (b, &right)] {
        match lines.get(i) {
            Some(line) => println!("  {}: {line}", path.display()),
            None => println!("  {}: (ends after {} lines)", path.display(), lines.len()),
        }
    }
    Ok(Exit::TestsFailed.into())
}
