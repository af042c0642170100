//! The state of one WASI program: its arguments, environment, standard
//! streams and descriptor table, and the builder that grants them.

use std::fmt;
use std::io::{self, IoSlice};
use std::path::Path;
use std::sync::{Arc, Mutex};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::table::{Descriptor, FdTable, Handle, Input, Output};
use crate::types::rights;

/// What a WASI program may reach: exactly what its builder granted.
///
/// ```
/// let pipe = wasi::OutputPipe::new();
/// let ctx = wasi::WasiCtx::builder()
///     .arg("prog.wasm")
///     .env("LANG", "C")
///     .stdout(pipe.clone())
///     .build();
/// assert_eq!(ctx.args().len(), 1);
/// ```
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: FdTable,
}

impl fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("fds", &self.fds.len())
            .finish()
    }
}

impl WasiCtx {
    /// A builder that grants nothing until told to: no arguments, no
    /// environment, no directories, standard streams that read nothing and
    /// discard what is written.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// The arguments the program sees, `argv[0]` first.
    pub fn args(&self) -> &[Vec<u8>] {
        &self.args
    }
}

/// Grants a [`WasiCtx`] its arguments, environment, streams and
/// directories.
#[derive(Default)]
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Option<Input>,
    stdout: Option<Output>,
    stderr: Option<Output>,
    preopens: Vec<(Dir, Vec<u8>)>,
}

impl fmt::Debug for WasiCtxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WasiCtxBuilder")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("preopens", &self.preopens.len())
            .finish_non_exhaustive()
    }
}

impl WasiCtxBuilder {
    /// Appends one argument (the first is the program's name).
    pub fn arg(mut self, arg: impl AsRef<[u8]>) -> Self {
        self.args.push(arg.as_ref().to_vec());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = A>, A: AsRef<[u8]>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|arg| arg.as_ref().to_vec()));
        self
    }

    /// Adds the environment variable `key=value`.
    pub fn env(mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let mut pair = key.as_ref().to_vec();
        pair.push(b'=');
        pair.extend_from_slice(value.as_ref());
        self.env.push(pair);
        self
    }

    /// Gives the program this process's standard input, output and error.
    pub fn inherit_stdio(mut self) -> Self {
        self.stdin = Some(Input::Inherit);
        self.stdout = Some(Output::Stdout);
        self.stderr = Some(Output::Stderr);
        self
    }

    /// Standard input reads these bytes, then end of file.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(Input::Bytes(io::Cursor::new(bytes.into())));
        self
    }

    /// Standard output goes into `pipe`.
    pub fn stdout(mut self, pipe: OutputPipe) -> Self {
        self.stdout = Some(Output::Pipe(pipe));
        self
    }

    /// Standard error goes into `pipe`.
    pub fn stderr(mut self, pipe: OutputPipe) -> Self {
        self.stderr = Some(Output::Pipe(pipe));
        self
    }

    /// Pre-opens the host directory `host` for the program under the name
    /// `guest` (what `fd_prestat_dir_name` reports, and what wasi-libc
    /// resolves absolute paths against). The program reaches nothing
    /// outside it: `..`, absolute paths and symbolic links that would leave
    /// it are refused.
    ///
    /// Descriptors are numbered from 3 in the order of these calls.
    ///
    /// # Errors
    ///
    /// If `host` cannot be opened as a directory.
    pub fn preopened_dir(
        mut self,
        host: impl AsRef<Path>,
        guest: impl AsRef<[u8]>,
    ) -> io::Result<Self> {
        let dir = Dir::open_ambient_dir(host, ambient_authority())?;
        self.preopens.push((dir, guest.as_ref().to_vec()));
        Ok(self)
    }

    /// The context.
    pub fn build(self) -> WasiCtx {
        let mut fds = FdTable::default();
        let stream = |handle, base| Descriptor {
            handle,
            base,
            inheriting: 0,
            flags: 0,
            preopen: None,
            listing: None,
        };
        let stdin = self
            .stdin
            .unwrap_or(Input::Bytes(io::Cursor::new(Vec::new())));
        let stdout = self.stdout.unwrap_or(Output::Null);
        let stderr = self.stderr.unwrap_or(Output::Null);
        let read = rights::STREAM & !rights::FD_WRITE;
        let write = rights::STREAM & !rights::FD_READ;
        fds.push(stream(Handle::Input(stdin), read));
        fds.push(stream(Handle::Output(stdout), write));
        fds.push(stream(Handle::Output(stderr), write));
        for (dir, name) in self.preopens {
            fds.push(Descriptor {
                handle: Handle::Dir(dir),
                base: rights::DIRECTORY,
                inheriting: rights::DIRECTORY | rights::FILE,
                flags: 0,
                preopen: Some(name),
                listing: None,
            });
        }
        WasiCtx {
            args: self.args,
            env: self.env,
            fds,
        }
    }
}

/// A standard stream captured in memory; clones share the bytes.
#[derive(Debug, Clone, Default)]
pub struct OutputPipe(Arc<Mutex<Vec<u8>>>);

impl OutputPipe {
    /// An empty pipe.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        match self.0.lock() {
            Ok(bytes) => bytes.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn append(&self, bufs: &[IoSlice<'_>]) {
        let mut bytes = match self.0.lock() {
            Ok(bytes) => bytes,
            Err(poisoned) => poisoned.into_inner(),
        };
        for buf in bufs {
            bytes.extend_from_slice(buf);
        }
    }
}
