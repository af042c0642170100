//! `iris meter`: Ewasm's metering injection.

use std::io::Write;
use std::path::Path;

use ewasm_host::{inject_metering, InjectOptions};

/// Reads `input` (binary or text), injects metering, writes `output` (`-`
/// for standard output).
pub(crate) fn run(input: &Path, output: &Path, allow_floats: bool) -> Result<(), String> {
    let bytes = crate::invoke::read_module(input)?;
    let options = InjectOptions {
        allow_floats,
        ..InjectOptions::default()
    };
    let metered =
        inject_metering(&bytes, &options).map_err(|e| format!("{}: {e}", input.display()))?;
    if output == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(&metered)
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("standard output: {e}"));
    }
    std::fs::write(output, metered).map_err(|e| format!("{}: {e}", output.display()))
}
