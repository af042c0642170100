//! Running a WASI program: its `_start`, and how `proc_exit` ends it.

use std::fmt;

use engine::{Error, HostError, Linker, Module, Store};

/// Why a WASI program could not run to its end.
#[derive(Debug)]
pub enum RunError {
    /// The module exports no function `_start`.
    NoStart,
    /// Instantiation failed, `_start` has the wrong type, or the program
    /// trapped.
    Engine(Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoStart => f.write_str("the module exports no `_start` function"),
            RunError::Engine(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

impl From<Error> for RunError {
    fn from(error: Error) -> Self {
        RunError::Engine(error)
    }
}

/// `proc_exit(status)`: the program ended itself with this status. It
/// reaches the embedder as the host error of the trap that unwound the
/// program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub u32);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit with status {}", self.0)
    }
}

impl HostError for Exit {}

/// Instantiates `module` with `linker` and calls its `_start`, as a WASI
/// command is run: the status is 0 when `_start` returns, or what the
/// program passed to `proc_exit`.
///
/// # Errors
///
/// [`RunError::NoStart`] without a `_start`; instantiation errors, a
/// `_start` not of type `[] -> []`, and traps other than `proc_exit` as
/// [`RunError::Engine`].
pub fn run_start<T: 'static>(
    linker: &Linker<T>,
    store: &mut Store<T>,
    module: &Module,
) -> Result<u32, RunError> {
    let instance = linker.instantiate(store, module)?;
    let start = instance
        .get_func(store, "_start")
        .ok_or(RunError::NoStart)?
        .typed::<(), ()>(store)?;
    match start.call(store, ()) {
        Ok(()) => Ok(0),
        Err(error) => match error.as_trap().and_then(|trap| trap.downcast_ref::<Exit>()) {
            Some(exit) => Ok(exit.0),
            None => Err(error.into()),
        },
    }
}
