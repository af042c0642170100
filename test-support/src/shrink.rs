//! Shrinking a module that shows a mismatch to a small one that still
//! does, with wasm-shrink; the differential run keeps the result as a
//! regression test in `tests/regressions/`.

use std::path::{Path, PathBuf};

/// Mutations tried without finding a smaller module before giving up.
const ATTEMPTS: u32 = 2_000;

/// The smallest module found that still satisfies `interesting` (the
/// input itself when nothing smaller does, or when it does not satisfy
/// `interesting` to begin with).
pub fn shrink(bytes: &[u8], mut interesting: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    if !interesting(bytes) {
        return bytes.to_vec();
    }
    wasm_shrink::WasmShrink::default()
        .attempts(ATTEMPTS)
        .seed(0)
        .run(bytes.to_vec(), |candidate| Ok(interesting(candidate)))
        .map_or_else(|_| bytes.to_vec(), |info| info.output)
}

/// Where regression modules are kept.
pub fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions")
}

/// Shrinks a module on which [`crate::diff::compare`] fails and writes it
/// to `tests/regressions/NAME.wasm`; gives the path and the shrunk size.
///
/// # Errors
///
/// If the file cannot be written.
pub fn keep_mismatch(name: &str, bytes: &[u8]) -> std::io::Result<(PathBuf, usize)> {
    let small = shrink(bytes, |b| crate::diff::compare(b).is_err());
    let dir = regressions_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, &small)?;
    Ok((path, small.len()))
}
