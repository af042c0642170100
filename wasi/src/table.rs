//! The descriptor table: what each file descriptor number refers to, with
//! the rights and flags the program holds on it.

use std::collections::BTreeMap;
use std::io::{self, IoSlice, Read, Write};

use cap_std::fs::{Dir, File};

use crate::ctx::OutputPipe;
use crate::errno::{Errno, WasiResult};
use crate::readdir::Listing;

/// How many descriptors a program may hold open at once.
pub(crate) const MAX_FDS: usize = 16_384;

/// Where standard input comes from.
pub(crate) enum Input {
    /// This process's standard input.
    Inherit,
    /// Fixed bytes, then end of file.
    Bytes(io::Cursor<Vec<u8>>),
}

/// Where an output stream goes.
pub(crate) enum Output {
    /// This process's standard output.
    Stdout,
    /// This process's standard error.
    Stderr,
    /// Memory.
    Pipe(OutputPipe),
    /// Nowhere.
    Null,
}

/// What a descriptor refers to.
pub(crate) enum Handle {
    Input(Input),
    Output(Output),
    File(File),
    Dir(Dir),
}

impl Handle {
    /// The file, for an operation that needs a position: a directory is
    /// `dir`, a stream `spipe`.
    pub(crate) fn positioned(&self, dir: Errno) -> WasiResult<&File> {
        match self {
            Handle::File(file) => Ok(file),
            Handle::Dir(_) => Err(dir),
            Handle::Input(_) | Handle::Output(_) => Err(Errno::Spipe),
        }
    }

    /// [`Handle::positioned`], mutably.
    pub(crate) fn positioned_mut(&mut self, dir: Errno) -> WasiResult<&mut File> {
        match self {
            Handle::File(file) => Ok(file),
            Handle::Dir(_) => Err(dir),
            Handle::Input(_) | Handle::Output(_) => Err(Errno::Spipe),
        }
    }
}

/// One open descriptor.
pub(crate) struct Descriptor {
    pub(crate) handle: Handle,
    /// Rights on this descriptor.
    pub(crate) base: u64,
    /// Rights descriptors opened through it may get.
    pub(crate) inheriting: u64,
    /// `fdflags`.
    pub(crate) flags: u16,
    /// The guest name of a pre-opened directory.
    pub(crate) preopen: Option<Vec<u8>>,
    /// A directory's entries, as `fd_readdir` last listed them.
    pub(crate) listing: Option<Listing>,
}

impl Descriptor {
    /// Fails with [`Errno::NotCapable`] unless every right in `needed` is held.
    pub(crate) fn require(&self, needed: u64) -> WasiResult<()> {
        if self.base & needed == needed {
            Ok(())
        } else {
            Err(Errno::NotCapable)
        }
    }

    /// The directory, or [`Errno::NotDir`].
    pub(crate) fn dir(&self) -> WasiResult<&Dir> {
        match &self.handle {
            Handle::Dir(dir) => Ok(dir),
            _ => Err(Errno::NotDir),
        }
    }

    /// Reads into `buf` from a stream (not a file or directory).
    pub(crate) fn read_stream(&mut self, buf: &mut [u8]) -> WasiResult<usize> {
        match &mut self.handle {
            Handle::Input(Input::Inherit) => Ok(io::stdin().read(buf)?),
            Handle::Input(Input::Bytes(cursor)) => Ok(cursor.read(buf)?),
            Handle::Output(_) => Err(Errno::Badf),
            Handle::File(_) | Handle::Dir(_) => Err(Errno::Inval),
        }
    }

    /// Writes all of `bufs` to a stream (not a file or directory).
    pub(crate) fn write_stream(&self, bufs: &[IoSlice<'_>]) -> WasiResult {
        match &self.handle {
            Handle::Output(Output::Stdout) => {
                let mut out = io::stdout().lock();
                for buf in bufs {
                    out.write_all(buf)?;
                }
                out.flush()?;
            }
            Handle::Output(Output::Stderr) => {
                let mut out = io::stderr().lock();
                for buf in bufs {
                    out.write_all(buf)?;
                }
            }
            Handle::Output(Output::Pipe(pipe)) => pipe.append(bufs),
            Handle::Output(Output::Null) => {}
            Handle::Input(_) => return Err(Errno::Badf),
            Handle::File(_) | Handle::Dir(_) => return Err(Errno::Inval),
        }
        Ok(())
    }
}

/// The descriptors of one program.
#[derive(Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Descriptor>,
}

impl FdTable {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The descriptor `fd`, or [`Errno::Badf`].
    pub(crate) fn get(&self, fd: u32) -> WasiResult<&Descriptor> {
        self.entries.get(&fd).ok_or(Errno::Badf)
    }

    /// The descriptor `fd`, mutably, or [`Errno::Badf`].
    pub(crate) fn get_mut(&mut self, fd: u32) -> WasiResult<&mut Descriptor> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// Adds `descriptor` at the lowest free number.
    pub(crate) fn push(&mut self, descriptor: Descriptor) -> u32 {
        let mut fd = 0;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd += 1;
        }
        self.entries.insert(fd, descriptor);
        fd
    }

    /// Adds `descriptor`, or fails with [`Errno::Mfile`] when the table is
    /// full.
    pub(crate) fn open(&mut self, descriptor: Descriptor) -> WasiResult<u32> {
        if self.entries.len() >= MAX_FDS {
            return Err(Errno::Mfile);
        }
        Ok(self.push(descriptor))
    }

    /// Takes `fd` out of the table.
    pub(crate) fn remove(&mut self, fd: u32) -> WasiResult<Descriptor> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    /// Puts `descriptor` at `fd`, replacing (and closing) what was there.
    pub(crate) fn set(&mut self, fd: u32, descriptor: Descriptor) {
        self.entries.insert(fd, descriptor);
    }
}
