//! How `iris run` prints a call or a create: text lines, or one JSON
//! object (its schema: `docs/schema/run-output.json`).

use ewasm_host::{hex, Address, FailureReason, Revision};
use serde_json::{json, Value};
use state::run::CallReport;

/// The failure reason as JSON: the `error` field of `iris run --json` and
/// `iris profile --json` (null when the run did not fail or no reason is
/// known). Its `offset` is the code offset the broken rule points at, or
/// that of the instruction in the function that failed.
pub(crate) fn error_json(reason: Option<&FailureReason>) -> Value {
    let Some(reason) = reason else {
        return Value::Null;
    };
    let rule = match reason {
        FailureReason::Contract(rule) | FailureReason::DeployedCode(rule) => Some(rule),
        _ => None,
    };
    let offset = match rule {
        Some(rule) => rule.offset(),
        None => reason.function().and_then(|f| f.offset).map(u64::from),
    };
    json!({
        "kind": reason.kind(),
        "message": reason.to_string(),
        "rule": rule.map(|r| r.rule()),
        "item": rule.and_then(|r| r.item()),
        "offset": offset,
        "function": reason.function().map(|f| json!({"index": f.index, "name": f.name})),
        "host_function": reason.host_function(),
        "trap": trap_name(reason),
    })
}

/// A trap's code as a stable name for tools: the specification's wording
/// with dashes, e.g. `integer-divide-by-zero`.
fn trap_name(reason: &FailureReason) -> Option<String> {
    match reason {
        FailureReason::Trap { code, .. } => Some(code.message().replace(' ', "-")),
        _ => None,
    }
}

/// Prints the one JSON object of an `iris run --json` that could not run
/// the contract (or could not write its state back): status null, and an
/// `error` of kind `usage` or `input` (or `internal`, `trap`) with the
/// message; `fork` is the fork asked for (none when the flags could not be
/// parsed).
pub(crate) fn print_error(create: bool, fork: Option<Revision>, error: &crate::exit::Error) {
    use crate::exit::Exit;
    let kind = match error.exit {
        Exit::Usage => "usage",
        Exit::Trap => "trap",
        Exit::Internal => "internal",
        _ => "input",
    };
    let value = json!({
        "step": if create { "create" } else { "call" },
        "fork": fork.map(|f| f.to_string()),
        "status": null,
        "gas_used": null,
        "address": null,
        "code_size": null,
        "output": null,
        "logs": [],
        "error": {
            "kind": kind,
            "message": error.message,
            "rule": null,
            "item": null,
            "offset": null,
            "function": null,
            "host_function": null,
            "trap": null,
        },
    });
    println!("{value}");
}

fn logs_json(report: &CallReport) -> Vec<Value> {
    report
        .logs
        .iter()
        .map(|log| {
            json!({
                "address": log.address.to_string(),
                "topics": log.topics.iter().map(|t| format!("0x{}", hex::encode(&t.0))).collect::<Vec<_>>(),
                "data": format!("0x{}", hex::encode(&log.data)),
            })
        })
        .collect()
}

/// What a call or a create was, for [`print`].
pub(crate) struct Printed<'a> {
    /// "call" or "create".
    pub(crate) step: &'a str,
    /// The fork it ran at.
    pub(crate) fork: Revision,
    /// The contract called, or the one created (none if the create failed).
    pub(crate) address: Option<Address>,
    /// The size of the code a create deployed.
    pub(crate) code_size: Option<usize>,
}

/// Prints what a call (`step` "call") or a create (`step` "create") did.
pub(crate) fn print(printed: &Printed<'_>, report: &CallReport, json: bool) {
    let Printed {
        step,
        fork,
        address,
        code_size,
    } = *printed;
    if json {
        let value = json!({
            "step": step,
            "fork": fork.to_string(),
            "status": format!("{:?}", report.status),
            "gas_used": report.gas_used,
            "address": address.map(|a| a.to_string()),
            "code_size": code_size,
            "output": format!("0x{}", hex::encode(&report.output)),
            "logs": logs_json(report),
            "error": error_json(report.reason.as_ref()),
        });
        println!("{value}");
        return;
    }
    println!("{step}: status {:?}", report.status);
    println!("{step}: gas used {}", report.gas_used);
    if let Some(reason) = &report.reason {
        println!("{step}: reason {reason}");
    }
    match (address, code_size) {
        (Some(address), Some(size)) => {
            println!("{step}: address {address}");
            println!("{step}: code size {size} bytes");
        }
        _ => println!("{step}: output 0x{}", hex::encode(&report.output)),
    }
    for (i, log) in report.logs.iter().enumerate() {
        let topics: Vec<String> = log
            .topics
            .iter()
            .map(|t| format!("0x{}", hex::encode(&t.0)))
            .collect();
        println!(
            "{step}: log {i}: address {} topics [{}] data 0x{}",
            log.address,
            topics.join(", "),
            hex::encode(&log.data)
        );
    }
}
