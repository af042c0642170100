//! The import table of `wasi_snapshot_preview1`: each preview-1 name next
//! to the Rust function that implements it, with its Wasm parameters.

use engine::{Caller, Error, Linker, Trap};

use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::memory::GuestMemory;
use crate::{args, clock, fd, path, poll, readdir, rw, Exit};

/// The module name programs import WASI from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Every function of the module, in the witx's order.
pub const FUNCTIONS: [&str; 46] = [
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// The errno as the guest receives it.
fn code(result: Result<(), Errno>) -> u32 {
    match result {
        Ok(()) => 0,
        Err(errno) => u32::from(errno as u16),
    }
}

macro_rules! table {
    ($linker:ident, $cx:ident, { $($name:literal => $f:path, ($($arg:ident: $ty:ty),*);)* }) => {
        $(
            $linker.func_wrap(MODULE, $name, move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> u32 {
                let (bytes, data) = caller.memory_and_data_mut();
                let mut memory = GuestMemory::new(bytes);
                code($f($cx(data), &mut memory, $($arg),*))
            })?;
        )*
    };
}

/// Adds the 46 functions of `wasi_snapshot_preview1` to `linker`; each
/// reaches the program's [`WasiCtx`] through `cx`.
///
/// # Errors
///
/// If one of the names is already defined in `linker`.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    cx: fn(&mut T) -> &mut WasiCtx,
) -> Result<(), Error> {
    table!(linker, cx, {
        "args_get" => args::args_get, (argv: u32, buf: u32);
        "args_sizes_get" => args::args_sizes_get, (count: u32, size: u32);
        "environ_get" => args::environ_get, (environ: u32, buf: u32);
        "environ_sizes_get" => args::environ_sizes_get, (count: u32, size: u32);
        "clock_res_get" => clock::clock_res_get, (id: u32, resolution: u32);
        "clock_time_get" => clock::clock_time_get, (id: u32, precision: u64, time: u32);
        "fd_advise" => fd::fd_advise, (fd: u32, offset: u64, len: u64, advice: u32);
        "fd_allocate" => fd::fd_allocate, (fd: u32, offset: u64, len: u64);
        "fd_close" => fd::fd_close, (fd: u32);
        "fd_datasync" => fd::fd_datasync, (fd: u32);
        "fd_fdstat_get" => fd::fd_fdstat_get, (fd: u32, stat: u32);
        "fd_fdstat_set_flags" => fd::fd_fdstat_set_flags, (fd: u32, flags: u32);
        "fd_fdstat_set_rights" => fd::fd_fdstat_set_rights, (fd: u32, base: u64, inheriting: u64);
        "fd_filestat_get" => fd::fd_filestat_get, (fd: u32, buf: u32);
        "fd_filestat_set_size" => fd::fd_filestat_set_size, (fd: u32, size: u64);
        "fd_filestat_set_times" => fd::fd_filestat_set_times, (fd: u32, atim: u64, mtim: u64, flags: u32);
        "fd_pread" => rw::fd_pread, (fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
        "fd_prestat_get" => fd::fd_prestat_get, (fd: u32, buf: u32);
        "fd_prestat_dir_name" => fd::fd_prestat_dir_name, (fd: u32, path: u32, path_len: u32);
        "fd_pwrite" => rw::fd_pwrite, (fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
        "fd_read" => rw::fd_read, (fd: u32, iovs: u32, iovs_len: u32, nread: u32);
        "fd_readdir" => readdir::fd_readdir, (fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
        "fd_renumber" => fd::fd_renumber, (fd: u32, to: u32);
        "fd_seek" => fd::fd_seek, (fd: u32, offset: i64, whence: u32, newoffset: u32);
        "fd_sync" => fd::fd_sync, (fd: u32);
        "fd_tell" => fd::fd_tell, (fd: u32, offset: u32);
        "fd_write" => rw::fd_write, (fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
        "path_create_directory" => path::path_create_directory, (fd: u32, path: u32, path_len: u32);
        "path_filestat_get" => path::path_filestat_get, (fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
        "path_filestat_set_times" => path::path_filestat_set_times, (fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
        "path_link" => path::path_link, (old_fd: u32, old_flags: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
        "path_open" => path::path_open, (fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, fd_out: u32);
        "path_readlink" => path::path_readlink, (fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
        "path_remove_directory" => path::path_remove_directory, (fd: u32, path: u32, path_len: u32);
        "path_rename" => path::path_rename, (fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
        "path_symlink" => path::path_symlink, (old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
        "path_unlink_file" => path::path_unlink_file, (fd: u32, path: u32, path_len: u32);
        "poll_oneoff" => poll::poll_oneoff, (subs: u32, events: u32, count: u32, nevents: u32);
        "proc_raise" => clock::proc_raise, (sig: u32);
        "sched_yield" => clock::sched_yield, ();
        "random_get" => clock::random_get, (buf: u32, len: u32);
        "sock_accept" => clock::sock_accept, (fd: u32, flags: u32, fd_out: u32);
        "sock_recv" => clock::sock_recv, (fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32);
        "sock_send" => clock::sock_send, (fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32);
        "sock_shutdown" => clock::sock_shutdown, (fd: u32, how: u32);
    });
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_caller: Caller<'_, T>, status: u32| -> Result<(), Trap> { Err(Trap::host(Exit(status))) },
    )?;
    Ok(())
}
