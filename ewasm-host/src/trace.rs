//! [`JsonTrace`]: an execution trace as JSON lines, in the spirit of
//! EIP-3155 (one object a line; `docs/trace.md` has the schema).

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::hex;
use crate::observe::{EeiCall, EeiReturn, GasStep, GasStepKind, Observer};
use crate::{GasProfile, Message, Outcome, Revision};

/// An observer that writes a line per frame entered, per EEI call (when
/// it returns, with its cost), per metering block and per operator priced
/// by its operands if asked ([`JsonTrace::with_blocks`]) and per frame
/// left, then a summary line
/// when the outermost frame ends.
///
/// A write that fails stops the trace (the execution goes on, unchanged);
/// [`JsonTrace::finish`] gives the error.
pub struct JsonTrace {
    out: Box<dyn Write + Send>,
    /// The EEI calls in progress, innermost last: function, arguments
    /// and gas before.
    calls: Vec<(String, Vec<i64>, i64)>,
    /// Whether to write a line per metering block and per operator priced
    /// by its operands.
    blocks: bool,
    error: Option<io::Error>,
}

impl std::fmt::Debug for JsonTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonTrace")
            .field("calls", &self.calls)
            .field("blocks", &self.blocks)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl JsonTrace {
    /// A trace written to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            calls: Vec::new(),
            blocks: false,
            error: None,
        }
    }

    /// The trace with, if `blocks`, a line per metering block and per
    /// operator priced by its operands too (`--trace-blocks`), under an
    /// executor that profiles
    /// ([`ExecConfig::profile`](crate::ExecConfig::profile)).
    pub fn with_blocks(mut self, blocks: bool) -> Self {
        self.blocks = blocks;
        self
    }

    /// Flushes the trace.
    ///
    /// # Errors
    ///
    /// The first write that failed, or the flush.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.out.flush()
    }

    fn line(&mut self, value: &Value) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = writeln!(self.out, "{value}") {
            self.error = Some(e);
        }
    }
}

/// An address as `0x` and 40 hex digits.
fn address(bytes: &[u8; 20]) -> String {
    format!("0x{}", hex::encode(bytes))
}

impl Observer for JsonTrace {
    fn frame_enter(&mut self, message: &Message, revision: Revision) {
        let value = json!({
            "event": "enter",
            "depth": message.depth,
            "kind": format!("{:?}", message.kind),
            "static": message.is_static,
            "revision": revision.to_string(),
            "address": address(&message.recipient.0),
            "code_address": address(&message.code_address.0),
            "caller": address(&message.sender.0),
            "value": format!("{:#x}", message.value),
            "gas": message.gas,
            "input_size": message.input.len(),
        });
        self.line(&value);
    }

    fn wants_gas_steps(&self) -> bool {
        self.blocks
    }

    fn gas_step(&mut self, step: &GasStep<'_>) {
        let mut value = json!({
            "depth": step.depth,
            "function": step.function,
            "gas": step.gas_left,
            "cost": step.cost,
        });
        match step.kind {
            GasStepKind::Block { offset } => {
                value["event"] = json!("block");
                value["offset"] = json!(offset);
            }
            GasStepKind::Operator(opcode) => {
                value["event"] = json!("operator");
                value["operator"] = json!(opcode.name());
            }
        }
        self.line(&value);
    }

    fn eei_enter(&mut self, call: &EeiCall<'_>) {
        self.calls
            .push((call.function.to_string(), call.args.to_vec(), call.gas_left));
    }

    fn eei_leave(&mut self, call: &EeiReturn<'_>) {
        let (function, args, before) = self.calls.pop().unwrap_or_else(|| {
            // A return without its call (not one the executor gives):
            // shown with no arguments and no cost.
            (call.function.to_string(), Vec::new(), call.gas_left)
        });
        let value = json!({
            "event": "eei",
            "depth": call.depth,
            "function": function,
            "args": args,
            "gas": before,
            "cost": before.saturating_sub(call.gas_left),
            "results": call.results,
            "trapped": call.trapped,
        });
        self.line(&value);
    }

    fn frame_exit(&mut self, message: &Message, outcome: &Outcome, _: Option<GasProfile>) {
        let gas_used = message.gas.saturating_sub(outcome.gas_left);
        let reason = outcome.reason.as_ref().map(|r| r.to_string());
        let value = json!({
            "event": "exit",
            "depth": message.depth,
            "status": format!("{:?}", outcome.status),
            "gas_left": outcome.gas_left,
            "gas_used": gas_used,
            "refund": outcome.gas_refund,
            "output_size": outcome.output.len(),
            "reason": reason,
        });
        self.line(&value);
        if message.depth == 0 {
            let summary = json!({
                "event": "summary",
                "status": format!("{:?}", outcome.status),
                "gas_used": gas_used,
                "output": format!("0x{}", hex::encode(&outcome.output)),
                "error": reason,
            });
            self.line(&summary);
        }
    }
}
