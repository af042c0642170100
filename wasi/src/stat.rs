//! Host metadata as preview-1 `filestat` records, and guest timestamps as
//! host times.

use std::io::IsTerminal;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cap_fs_ext::{FileTypeExt, MetadataExt, OsMetadataExt};
use cap_std::fs::{FileType, Metadata};

use crate::errno::{Errno, WasiResult};
use crate::table::{Handle, Input, Output};
use crate::types::{filetype, fstflags, Filestat};

/// Nanoseconds since the epoch from seconds and nanoseconds, saturating;
/// times before the epoch read as 0.
pub(crate) fn nanos(secs: i64, nsec: i64) -> u64 {
    let secs = u64::try_from(secs).unwrap_or(0);
    let nsec = u64::try_from(nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// The preview-1 type of a host file type.
pub(crate) fn filetype_of(ty: FileType) -> u8 {
    if ty.is_dir() {
        filetype::DIRECTORY
    } else if ty.is_file() {
        filetype::REGULAR_FILE
    } else if ty.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ty.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ty.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ty.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// A `filestat` from host metadata.
pub(crate) fn filestat_of(meta: &Metadata) -> Filestat {
    Filestat {
        dev: MetadataExt::dev(meta),
        ino: MetadataExt::ino(meta),
        filetype: filetype_of(meta.file_type()),
        nlink: MetadataExt::nlink(meta),
        size: meta.len(),
        atim: nanos(meta.atime(), meta.atime_nsec()),
        mtim: nanos(meta.mtime(), meta.mtime_nsec()),
        ctim: nanos(meta.ctime(), meta.ctime_nsec()),
    }
}

/// The preview-1 type of a standard stream: a terminal is a character
/// device; a pipe, a captured stream or nothing is `unknown`.
pub(crate) fn stream_type(handle: &Handle) -> u8 {
    let terminal = match handle {
        Handle::Input(Input::Inherit) => std::io::stdin().is_terminal(),
        Handle::Output(Output::Stdout) => std::io::stdout().is_terminal(),
        Handle::Output(Output::Stderr) => std::io::stderr().is_terminal(),
        _ => false,
    };
    if terminal {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

/// One timestamp to set: left alone, now, or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeChange {
    Keep,
    Now,
    At(SystemTime),
}

/// The access and modification changes `fst_flags` asks for.
///
/// # Errors
///
/// `inval` for unknown flags, or for a time both given and "now".
pub(crate) fn time_changes(atim: u64, mtim: u64, flags: u16) -> WasiResult<[TimeChange; 2]> {
    if flags & !(fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW) != 0 {
        return Err(Errno::Inval);
    }
    let one = |time: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(TimeChange::At(UNIX_EPOCH + Duration::from_nanos(time))),
        (false, true) => Ok(TimeChange::Now),
        (false, false) => Ok(TimeChange::Keep),
    };
    Ok([
        one(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        one(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    ])
}

impl TimeChange {
    /// As `fs-set-times` takes it (for descriptors).
    pub(crate) fn for_fd(self) -> Option<fs_set_times::SystemTimeSpec> {
        match self {
            TimeChange::Keep => None,
            TimeChange::Now => Some(fs_set_times::SystemTimeSpec::SymbolicNow),
            TimeChange::At(time) => Some(fs_set_times::SystemTimeSpec::Absolute(time)),
        }
    }

    /// As cap-std takes it (for paths).
    pub(crate) fn for_path(self) -> Option<cap_fs_ext::SystemTimeSpec> {
        match self {
            TimeChange::Keep => None,
            TimeChange::Now => Some(cap_fs_ext::SystemTimeSpec::SymbolicNow),
            TimeChange::At(time) => Some(cap_fs_ext::SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(time),
            )),
        }
    }
}
