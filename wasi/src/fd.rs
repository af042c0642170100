//! `fd_*`: operations on open descriptors.

use std::io::{Seek, SeekFrom};
use std::num::NonZeroU64;

use fs_set_times::SetTimes;
use rustix::fs::{Advice, FallocateFlags, OFlags};

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::stat::{filestat_of, filetype_of, stream_type, time_changes};
use crate::table::{Descriptor, Handle};
use crate::types::{fdflags, filetype, rights, whence, Filestat};

/// `fd_advise(fd, offset, len, advice)`.
pub(crate) fn fd_advise(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
    advice: u32,
) -> WasiResult {
    let advice = match advice {
        0 => Advice::Normal,
        1 => Advice::Sequential,
        2 => Advice::Random,
        3 => Advice::WillNeed,
        4 => Advice::DontNeed,
        5 => Advice::NoReuse,
        _ => return Err(Errno::Inval),
    };
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(rights::FD_ADVISE)?;
    match &descriptor.handle {
        Handle::File(file) => Ok(rustix::fs::fadvise(
            file,
            offset,
            NonZeroU64::new(len),
            advice,
        )?),
        Handle::Dir(_) => Ok(()),
        Handle::Input(_) | Handle::Output(_) => Err(Errno::Spipe),
    }
}

/// `fd_allocate(fd, offset, len)`: after it the file holds at least
/// `offset + len` bytes, with the space reserved where the file system can.
pub(crate) fn fd_allocate(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(rights::FD_ALLOCATE)?;
    let Handle::File(file) = &descriptor.handle else {
        return Err(Errno::Badf);
    };
    if len == 0 {
        return Err(Errno::Inval);
    }
    let end = offset
        .checked_add(len)
        .filter(|end| i64::try_from(*end).is_ok())
        .ok_or(Errno::Fbig)?;
    match rustix::fs::fallocate(file, FallocateFlags::empty(), offset, len) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::OPNOTSUPP) => {
            if file.metadata()?.len() < end {
                file.set_len(end)?;
            }
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// `fd_close(fd)`.
pub(crate) fn fd_close(ctx: &mut WasiCtx, _memory: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
    ctx.fds.remove(fd).map(drop)
}

fn sync(ctx: &WasiCtx, fd: u32, right: u64, data_only: bool) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(right)?;
    match &descriptor.handle {
        Handle::File(file) if data_only => Ok(file.sync_data()?),
        Handle::File(file) => Ok(file.sync_all()?),
        Handle::Dir(dir) => Ok(rustix::fs::fsync(dir)?),
        Handle::Input(_) | Handle::Output(_) => Err(Errno::Inval),
    }
}

/// `fd_datasync(fd)`.
pub(crate) fn fd_datasync(ctx: &mut WasiCtx, _memory: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
    sync(ctx, fd, rights::FD_DATASYNC, true)
}

/// `fd_sync(fd)`.
pub(crate) fn fd_sync(ctx: &mut WasiCtx, _memory: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
    sync(ctx, fd, rights::FD_SYNC, false)
}

/// `fd_fdstat_get(fd, stat)`.
pub(crate) fn fd_fdstat_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    stat_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    let ty = match &descriptor.handle {
        Handle::File(file) => filetype_of(file.metadata()?.file_type()),
        Handle::Dir(_) => filetype::DIRECTORY,
        handle => stream_type(handle),
    };
    let mut record = [0u8; 24];
    record[0] = ty;
    record[2..4].copy_from_slice(&descriptor.flags.to_le_bytes());
    record[8..16].copy_from_slice(&descriptor.base.to_le_bytes());
    record[16..24].copy_from_slice(&descriptor.inheriting.to_le_bytes());
    memory.write(stat_ptr, &record)
}

/// `fd_fdstat_set_flags(fd, flags)`. `append` and `nonblock` go to the
/// host descriptor; `dsync`, `rsync` and `sync` are honoured by syncing
/// after each write.
pub(crate) fn fd_fdstat_set_flags(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
) -> WasiResult {
    let flags = u16::try_from(flags)
        .ok()
        .filter(|f| f & !fdflags::ALL == 0)
        .ok_or(Errno::Inval)?;
    let descriptor = ctx.fds.get_mut(fd)?;
    descriptor.require(rights::FD_FDSTAT_SET_FLAGS)?;
    if let Handle::File(file) = &descriptor.handle {
        let mut host = rustix::fs::fcntl_getfl(file)?;
        host.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
        host.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
        rustix::fs::fcntl_setfl(file, host)?;
    }
    descriptor.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights can only be given
/// up.
pub(crate) fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    if base & !descriptor.base != 0 || inheriting & !descriptor.inheriting != 0 {
        return Err(Errno::NotCapable);
    }
    descriptor.base = base;
    descriptor.inheriting = inheriting;
    Ok(())
}

/// The `filestat` of an open descriptor.
pub(crate) fn descriptor_filestat(descriptor: &Descriptor) -> WasiResult<Filestat> {
    Ok(match &descriptor.handle {
        Handle::File(file) => filestat_of(&file.metadata()?),
        Handle::Dir(dir) => filestat_of(&dir.dir_metadata()?),
        handle => Filestat {
            filetype: stream_type(handle),
            ..Filestat::default()
        },
    })
}

/// `fd_filestat_get(fd, buf)`.
pub(crate) fn fd_filestat_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(rights::FD_FILESTAT_GET)?;
    let stat = descriptor_filestat(descriptor)?;
    memory.write(buf, &stat.to_bytes())
}

/// `fd_filestat_set_size(fd, size)`.
pub(crate) fn fd_filestat_set_size(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    size: u64,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(rights::FD_FILESTAT_SET_SIZE)?;
    match &descriptor.handle {
        Handle::File(file) => Ok(file.set_len(size)?),
        Handle::Dir(_) => Err(Errno::IsDir),
        Handle::Input(_) | Handle::Output(_) => Err(Errno::Inval),
    }
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub(crate) fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let descriptor = ctx.fds.get(fd)?;
    descriptor.require(rights::FD_FILESTAT_SET_TIMES)?;
    let [atime, mtime] = time_changes(atim, mtim, flags)?;
    match &descriptor.handle {
        Handle::File(file) => Ok(file.set_times(atime.for_fd(), mtime.for_fd())?),
        Handle::Dir(dir) => Ok(dir.set_times(atime.for_fd(), mtime.for_fd())?),
        Handle::Input(_) | Handle::Output(_) => Err(Errno::Inval),
    }
}

/// `fd_seek(fd, offset, whence, newoffset)`.
pub(crate) fn fd_seek(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    offset: i64,
    whence: u32,
    newoffset_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    let needed = if offset == 0 && whence == u32::from(whence::CUR) {
        rights::FD_TELL
    } else {
        rights::FD_SEEK
    };
    let file = descriptor.handle.positioned_mut(Errno::Badf)?;
    if descriptor.base & needed != needed && descriptor.base & rights::FD_SEEK == 0 {
        return Err(Errno::NotCapable);
    }
    let from = match u8::try_from(whence) {
        Ok(whence::SET) => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        Ok(whence::CUR) => SeekFrom::Current(offset),
        Ok(whence::END) => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    memory.check(newoffset_ptr, 8)?;
    let position = file.seek(from)?;
    memory.write_u64(newoffset_ptr, position)
}

/// `fd_tell(fd, offset)`.
pub(crate) fn fd_tell(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    offset_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    let file = descriptor.handle.positioned_mut(Errno::Badf)?;
    if descriptor.base & (rights::FD_TELL | rights::FD_SEEK) == 0 {
        return Err(Errno::NotCapable);
    }
    memory.check(offset_ptr, 8)?;
    let position = file.stream_position()?;
    memory.write_u64(offset_ptr, position)
}

/// `fd_prestat_get(fd, buf)`: `badf` for anything not pre-opened, which
/// is how wasi-libc finds where the pre-opens end.
pub(crate) fn fd_prestat_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
) -> WasiResult {
    let name = ctx.fds.get(fd)?.preopen.as_ref().ok_or(Errno::Badf)?;
    let len = u32::try_from(name.len()).map_err(|_| Errno::Overflow)?;
    let mut record = [0u8; 8];
    record[4..8].copy_from_slice(&len.to_le_bytes());
    memory.write(buf, &record)
}

/// `fd_prestat_dir_name(fd, path, path_len)`.
pub(crate) fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let name = ctx.fds.get(fd)?.preopen.as_ref().ok_or(Errno::Badf)?;
    if (path_len as usize) < name.len() {
        return Err(Errno::NameTooLong);
    }
    memory.write(path, name)
}

/// `fd_renumber(fd, to)`: `to` must be open; it is closed and replaced.
pub(crate) fn fd_renumber(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    to: u32,
) -> WasiResult {
    ctx.fds.get(fd)?;
    ctx.fds.get(to)?;
    if fd != to {
        let descriptor = ctx.fds.remove(fd)?;
        ctx.fds.set(to, descriptor);
    }
    Ok(())
}
