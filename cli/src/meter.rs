//! `iris meter`: Ewasm's metering injection.

use std::io::Write;
use std::path::Path;

use ewasm_host::{inject_metering, InjectError, InjectOptions};

use crate::exit::Error;

/// Reads `input` (binary or text), injects metering, writes `output` (`-`
/// for standard output).
pub(crate) fn run(input: &Path, output: &Path, allow_floats: bool) -> Result<(), Error> {
    let bytes = crate::invoke::read_module(input)?;
    let options = InjectOptions {
        allow_floats,
        ..InjectOptions::default()
    };
    let metered = inject_metering(&bytes, &options).map_err(|e| {
        let message = format!("{}: {e}", input.display());
        match e {
            // The module was valid: the encoder failing on it is a bug.
            InjectError::Encode(_) => Error::internal(message),
            _ => Error::input(message),
        }
    })?;
    if output == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(&metered)
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::input(format!("standard output: {e}")));
    }
    std::fs::write(output, metered).map_err(|e| Error::input(format!("{}: {e}", output.display())))
}
