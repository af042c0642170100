//! The observers the VM's options ask for, one set per execution: the
//! `profile` option's folded gas stacks and the `trace` option's JSON
//! lines, each execution to its own file (or the trace to standard error).

use std::path::PathBuf;

use ewasm_host::{
    EeiCall, EeiReturn, GasProfile, GasStep, JsonTrace, Message, Observer, Outcome, Revision,
};

/// Where the `trace` option sends each execution's trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TraceTarget {
    /// The process's standard error, every execution's lines in turn.
    Stderr,
    /// A file per execution in this directory.
    Dir(PathBuf),
}

/// The file name of execution `n` (the instance's count of observed
/// executions, in the order they began) of `message`, with `extension`.
fn file_name(n: u64, message: &Message, extension: &str) -> String {
    format!(
        "{n:08}-depth{}-0x{}.{extension}",
        message.depth,
        ewasm_host::hex::encode(&message.recipient.0)
    )
}

/// What one execution is observed by.
pub(crate) struct ExecutionObserver {
    /// The directory of the `profile` option.
    profile: Option<PathBuf>,
    trace: Option<JsonTrace>,
    n: u64,
}

impl ExecutionObserver {
    /// The observers for execution `n` of `message`, or `None` when no
    /// option asks for one. `trace` is where its trace goes, and whether
    /// the trace has a line per gas step. A trace file that cannot be
    /// created is left out (a trace changes nothing in the execution's
    /// result).
    pub(crate) fn new(
        n: u64,
        message: &Message,
        profile: Option<PathBuf>,
        trace: Option<&(TraceTarget, bool)>,
    ) -> Option<Self> {
        if profile.is_none() && trace.is_none() {
            return None;
        }
        let trace = trace.and_then(|(target, blocks)| {
            let out: Box<dyn std::io::Write + Send> = match target {
                TraceTarget::Stderr => Box::new(std::io::stderr()),
                TraceTarget::Dir(dir) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(dir.join(file_name(n, message, "jsonl"))).ok()?,
                )),
            };
            Some(JsonTrace::new(out).with_blocks(*blocks))
        });
        Some(Self { profile, trace, n })
    }

    /// Flushes the trace; an error changes nothing in the result.
    pub(crate) fn finish(self) {
        if let Some(trace) = self.trace {
            let _ = trace.finish();
        }
    }
}

impl Observer for ExecutionObserver {
    fn frame_enter(&mut self, message: &Message, revision: Revision) {
        if let Some(trace) = &mut self.trace {
            trace.frame_enter(message, revision);
        }
    }

    fn wants_gas_steps(&self) -> bool {
        self.trace.as_ref().is_some_and(JsonTrace::wants_gas_steps)
    }

    fn gas_step(&mut self, step: &GasStep<'_>) {
        if let Some(trace) = &mut self.trace {
            trace.gas_step(step);
        }
    }

    fn eei_enter(&mut self, call: &EeiCall<'_>) {
        if let Some(trace) = &mut self.trace {
            trace.eei_enter(call);
        }
    }

    fn eei_leave(&mut self, call: &EeiReturn<'_>) {
        if let Some(trace) = &mut self.trace {
            trace.eei_leave(call);
        }
    }

    fn frame_exit(&mut self, message: &Message, outcome: &Outcome, profile: Option<GasProfile>) {
        if let Some(trace) = &mut self.trace {
            trace.frame_exit(message, outcome, None);
        }
        if let (Some(dir), Some(profile)) = (&self.profile, profile) {
            let name = file_name(self.n, message, "folded");
            // A profile that cannot be written changes nothing in the
            // execution's result.
            let _ = std::fs::write(dir.join(name), profile.folded());
        }
    }
}
