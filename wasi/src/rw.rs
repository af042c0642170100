//! `fd_read`, `fd_pread`, `fd_write`, `fd_pwrite`: bytes between guest
//! buffers and descriptors. Writes go from the guest's memory to the host
//! in batches of borrowed slices (`writev`), never through a copy the size
//! of the transfer; one call moves at most [`MAX_TRANSFER`] bytes.

use std::io::{IoSlice, Read};

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::{GuestMemory, IoVecs, MAX_TRANSFER};
use crate::table::{Descriptor, Handle};
use crate::types::{fdflags, rights};

/// After a write, honours the synchronous-write flags the program set.
fn sync_after_write(descriptor: &Descriptor) -> WasiResult {
    if let Handle::File(file) = &descriptor.handle {
        if descriptor.flags & fdflags::SYNC != 0 {
            file.sync_all()?;
        } else if descriptor.flags & fdflags::DSYNC != 0 {
            file.sync_data()?;
        }
    }
    Ok(())
}

/// Writes all of `bufs` with `write` (a `writev` or `pwritev` that gives
/// how much it took), going on after short writes and interruptions.
pub(crate) fn write_all(
    mut bufs: &mut [IoSlice<'_>],
    mut write: impl FnMut(&[IoSlice<'_>]) -> rustix::io::Result<usize>,
) -> WasiResult {
    while !bufs.is_empty() {
        match write(bufs) {
            Ok(0) => return Err(Errno::Io),
            // The count is at most the batch's length, as `advance_slices`
            // requires.
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// The part of a `len`-byte buffer a read may still fill after `total`
/// bytes.
fn room(len: u32, total: usize) -> u32 {
    u32::try_from(MAX_TRANSFER - total).map_or(len, |left| len.min(left))
}

/// Fills the guest buffers `vecs` (as [`GuestMemory::iovecs`] checked
/// them) in order with `read(buffer, bytes read so far)`, stopping at the
/// first short read or at [`MAX_TRANSFER`]; gives the bytes read.
fn scatter(
    memory: &mut GuestMemory<'_>,
    vecs: IoVecs,
    mut read: impl FnMut(&mut [u8], usize) -> Result<usize, Errno>,
) -> Result<usize, Errno> {
    let mut total = 0usize;
    for index in 0..vecs.len() {
        let (buf, len) = memory.iovec(vecs, index)?;
        let len = room(len, total);
        let target = memory.slice_mut(buf, len)?;
        let n = read(target, total)?;
        total += n;
        if n < len as usize || total == MAX_TRANSFER {
            break;
        }
    }
    Ok(total)
}

/// `fd_read(fd, iovs, iovs_len, nread)`: fills the buffers in order and
/// stops at the first short read.
pub(crate) fn fd_read(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    if matches!(descriptor.handle, Handle::Dir(_)) {
        return Err(Errno::IsDir);
    }
    descriptor.require(rights::FD_READ)?;
    let vecs = memory.iovecs(iovs, iovs_len)?;
    memory.check(nread_ptr, 4)?;
    let total = scatter(memory, vecs, |target, _| match &mut descriptor.handle {
        Handle::File(file) => Ok(file.read(target)?),
        _ => descriptor.read_stream(target),
    })?;
    memory.write_u32(nread_ptr, total as u32)
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread)`.
pub(crate) fn fd_pread(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    let file = descriptor.handle.positioned(Errno::IsDir)?;
    descriptor.require(rights::FD_READ | rights::FD_SEEK)?;
    let vecs = memory.iovecs(iovs, iovs_len)?;
    memory.check(nread_ptr, 4)?;
    let total = scatter(memory, vecs, |target, total| {
        let at = offset.checked_add(total as u64).ok_or(Errno::Overflow)?;
        Ok(rustix::io::pread(file, target, at)?)
    })?;
    memory.write_u32(nread_ptr, total as u32)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)`.
pub(crate) fn fd_write(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    if matches!(descriptor.handle, Handle::Dir(_)) {
        return Err(Errno::Badf);
    }
    descriptor.require(rights::FD_WRITE)?;
    let vecs = memory.iovecs(iovs, iovs_len)?;
    memory.check(nwritten_ptr, 4)?;
    let written = memory.write_iovecs(vecs, |batch| match &descriptor.handle {
        Handle::File(file) => write_all(batch, |bufs| rustix::io::writev(file, bufs)),
        _ => descriptor.write_stream(batch),
    })?;
    sync_after_write(descriptor)?;
    memory.write_u32(nwritten_ptr, written as u32)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten)`: the descriptor's
/// offset is left alone. On a descriptor opened with `append`, the host
/// (Linux) writes at the end whatever the offset, as wasmtime does.
pub(crate) fn fd_pwrite(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get(fd)?;
    let file = descriptor.handle.positioned(Errno::Badf)?;
    descriptor.require(rights::FD_WRITE | rights::FD_SEEK)?;
    let vecs = memory.iovecs(iovs, iovs_len)?;
    memory.check(nwritten_ptr, 4)?;
    let mut at = offset;
    let written = memory.write_iovecs(vecs, |batch| {
        write_all(batch, |bufs| {
            let n = rustix::io::pwritev(file, bufs, at)?;
            at = at.checked_add(n as u64).ok_or(rustix::io::Errno::FBIG)?;
            Ok(n)
        })
    })?;
    sync_after_write(descriptor)?;
    memory.write_u32(nwritten_ptr, written as u32)
}
