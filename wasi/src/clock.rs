//! Clocks, randomness, scheduling, signals and sockets: the functions that
//! touch no file.

use std::time::{SystemTime, UNIX_EPOCH};

use rustix::time::{ClockId, Timespec};

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::types::clockid;

/// Nanoseconds in a `timespec`, saturating.
fn nanos(time: Timespec) -> u64 {
    crate::stat::nanos(time.tv_sec, time.tv_nsec)
}

/// The host clock behind a preview-1 clock id.
fn host_clock(id: u32) -> WasiResult<ClockId> {
    match id {
        clockid::REALTIME => Ok(ClockId::Realtime),
        clockid::MONOTONIC => Ok(ClockId::Monotonic),
        clockid::PROCESS_CPUTIME_ID => Ok(ClockId::ProcessCPUTime),
        clockid::THREAD_CPUTIME_ID => Ok(ClockId::ThreadCPUTime),
        _ => Err(Errno::Inval),
    }
}

/// The time of clock `id` in nanoseconds.
pub(crate) fn now(id: u32) -> WasiResult<u64> {
    if id == clockid::REALTIME {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Errno::Overflow)?;
        return u64::try_from(since.as_nanos()).map_err(|_| Errno::Overflow);
    }
    Ok(nanos(rustix::time::clock_gettime(host_clock(id)?)))
}

/// `clock_res_get(id, resolution)`.
pub(crate) fn clock_res_get(
    _ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    id: u32,
    resolution_ptr: u32,
) -> WasiResult {
    let resolution = nanos(rustix::time::clock_getres(host_clock(id)?)).max(1);
    memory.write_u64(resolution_ptr, resolution)
}

/// `clock_time_get(id, precision, time)`.
pub(crate) fn clock_time_get(
    _ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    id: u32,
    _precision: u64,
    time_ptr: u32,
) -> WasiResult {
    let time = now(id)?;
    memory.write_u64(time_ptr, time)
}

/// `random_get(buf, buf_len)`: bytes from the operating system's generator.
pub(crate) fn random_get(
    _ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    buf: u32,
    len: u32,
) -> WasiResult {
    let target = memory.slice_mut(buf, len)?;
    getrandom::fill(target).map_err(|_| Errno::Io)
}

/// `sched_yield()`.
pub(crate) fn sched_yield(_ctx: &mut WasiCtx, _memory: &mut GuestMemory<'_>) -> WasiResult {
    std::thread::yield_now();
    Ok(())
}

/// `proc_raise(sig)`: no signals are delivered to a WebAssembly program;
/// preview 1 allows `nosys` for this.
pub(crate) fn proc_raise(
    _ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    _sig: u32,
) -> WasiResult {
    Err(Errno::NoSys)
}

/// Sockets: a program can only hold sockets that were pre-opened for it,
/// and Iris pre-opens none, so every open descriptor is not a socket
/// (`notsock`, as POSIX and wasmtime answer) and any other number `badf`.
fn no_socket(ctx: &WasiCtx, fd: u32) -> WasiResult {
    ctx.fds.get(fd)?;
    Err(Errno::NotSock)
}

/// `sock_accept(fd, flags, fd_out)`.
pub(crate) fn sock_accept(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    _flags: u32,
    _fd_out: u32,
) -> WasiResult {
    no_socket(ctx, fd)
}

/// `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sock_recv(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    _ri_data: u32,
    _ri_data_len: u32,
    _ri_flags: u32,
    _ro_datalen: u32,
    _ro_flags: u32,
) -> WasiResult {
    no_socket(ctx, fd)
}

/// `sock_send(fd, si_data, si_data_len, si_flags, so_datalen)`.
pub(crate) fn sock_send(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    _si_data: u32,
    _si_data_len: u32,
    _si_flags: u32,
    _so_datalen: u32,
) -> WasiResult {
    no_socket(ctx, fd)
}

/// `sock_shutdown(fd, how)`.
pub(crate) fn sock_shutdown(
    ctx: &mut WasiCtx,
    _memory: &mut GuestMemory<'_>,
    fd: u32,
    _how: u32,
) -> WasiResult {
    no_socket(ctx, fd)
}
