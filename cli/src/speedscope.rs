//! Gas profiles as speedscope files (<https://www.speedscope.app>): one
//! sampled profile whose samples are the merged call stacks, weighted by
//! their gas.

use std::collections::HashMap;

use serde_json::{json, Value};

/// The speedscope document of `stacks` (outermost frame first, with their
/// gas), named `name`. A `file:line` frame (from a contract's DWARF) also
/// carries its file and line.
pub(crate) fn document(stacks: &[(Vec<String>, u64)], name: &str) -> Value {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut frames: Vec<Value> = Vec::new();
    let mut samples: Vec<Vec<usize>> = Vec::new();
    let mut weights: Vec<u64> = Vec::new();
    for (stack, gas) in stacks.iter().filter(|(_, gas)| *gas > 0) {
        let sample = stack
            .iter()
            .map(|frame| {
                *index.entry(frame).or_insert_with(|| {
                    frames.push(frame_json(frame));
                    frames.len() - 1
                })
            })
            .collect();
        samples.push(sample);
        weights.push(*gas);
    }
    let total: u64 = weights.iter().sum();
    json!({
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "exporter": format!("iris {}", env!("CARGO_PKG_VERSION")),
        "name": name,
        "activeProfileIndex": 0,
        "shared": { "frames": frames },
        "profiles": [{
            "type": "sampled",
            "name": name,
            "unit": "none",
            "startValue": 0,
            "endValue": total,
            "samples": samples,
            "weights": weights,
        }],
    })
}

/// A frame: its name, and for `file:line` its file and line.
fn frame_json(frame: &str) -> Value {
    let located = frame
        .rsplit_once(':')
        .filter(|(file, _)| !file.is_empty() && !frame.starts_with('['))
        .and_then(|(file, line)| Some((file, line.parse::<u64>().ok()?)));
    match located {
        Some((file, line)) => json!({ "name": frame, "file": file, "line": line }),
        None => json!({ "name": frame }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_shared_and_samples_weighted_by_gas() {
        let stacks = vec![
            (vec!["main".to_string(), "c.c:4".to_string()], 30),
            (vec!["main".to_string(), "ethereum.finish".to_string()], 0),
            (vec!["main".to_string(), "[memory.grow]".to_string()], 12),
        ];
        let doc = document(&stacks, "t");
        let frames = &doc["shared"]["frames"];
        assert_eq!(frames[0], json!({"name": "main"}));
        assert_eq!(
            frames[1],
            json!({"name": "c.c:4", "file": "c.c", "line": 4})
        );
        assert_eq!(frames[2], json!({"name": "[memory.grow]"}));
        let profile = &doc["profiles"][0];
        assert_eq!(profile["samples"], json!([[0, 1], [0, 2]]));
        assert_eq!(profile["weights"], json!([30, 12]));
        assert_eq!(profile["endValue"], json!(42));
    }
}
