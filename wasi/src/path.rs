//! `path_*`: operations on paths, each resolved inside the directory of a
//! descriptor by cap-std, which refuses every way out (`..`, absolute
//! paths, symbolic links pointing outside) with [`Errno::NotCapable`].

use std::os::unix::ffi::OsStrExt;

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions};
use rustix::fs::OFlags;

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::stat::{filestat_of, time_changes};
use crate::table::{Descriptor, Handle};
use crate::types::{fdflags, lookupflags, oflags, rights};

/// The directory of descriptor `fd`, if the program holds `needed` on it.
fn dir(ctx: &WasiCtx, fd: u32, needed: u64) -> WasiResult<&Dir> {
    let descriptor = ctx.fds.get(fd)?;
    let dir = descriptor.dir()?;
    descriptor.require(needed)?;
    Ok(dir)
}

fn follows(flags: u32) -> WasiResult<bool> {
    if flags & !lookupflags::SYMLINK_FOLLOW != 0 {
        return Err(Errno::Inval);
    }
    Ok(flags & lookupflags::SYMLINK_FOLLOW != 0)
}

/// `path_create_directory(fd, path)`.
pub(crate) fn path_create_directory(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_CREATE_DIRECTORY)?;
    Ok(dir.create_dir(memory.path(path, path_len)?)?)
}

/// `path_filestat_get(fd, flags, path, buf)`.
pub(crate) fn path_filestat_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    buf: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_FILESTAT_GET)?;
    let follow = follows(flags)?;
    let path = memory.path(path, path_len)?;
    let meta = if follow {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    let stat = filestat_of(&meta);
    memory.write(buf, &stat.to_bytes())
}

/// `path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_FILESTAT_SET_TIMES)?;
    let follow = follows(flags)?;
    let fst_flags = u16::try_from(fst_flags).map_err(|_| Errno::Inval)?;
    let [atime, mtime] = time_changes(atim, mtim, fst_flags)?;
    let path = memory.path(path, path_len)?;
    if follow {
        dir.set_times(path, atime.for_path(), mtime.for_path())?;
    } else {
        dir.set_symlink_times(path, atime.for_path(), mtime.for_path())?;
    }
    Ok(())
}

/// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`. With
/// `symlink_follow`, a symbolic link is resolved (inside the sandbox)
/// and its target is linked.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_link(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let old_dir = dir(ctx, old_fd, rights::PATH_LINK_SOURCE)?;
    let new_dir = dir(ctx, new_fd, rights::PATH_LINK_TARGET)?;
    let follow = follows(old_flags)?;
    let old_path = memory.path(old_path, old_len)?;
    let new_path = memory.path(new_path, new_len)?;
    if follow {
        let target = old_dir.canonicalize(old_path)?;
        old_dir.hard_link(target, new_dir, new_path)?;
    } else {
        old_dir.hard_link(old_path, new_dir, new_path)?;
    }
    Ok(())
}

/// `path_open(fd, dirflags, path, oflags, rights_base, rights_inheriting,
/// fdflags, fd_out)`.
///
/// The new descriptor gets the rights asked for that `fd` may hand on
/// (those that apply to what was opened). `creat` needs `fd`'s right
/// `path_create_file` and `trunc` its `path_filestat_set_size`, whatever
/// rights the new descriptor asks for. A file is opened for writing when
/// those rights include writing (or to append, create or truncate), and
/// for reading otherwise; a directory opened without `directory` in
/// `oflags` (and without writing rights) still becomes a directory
/// descriptor, and one asked for with writing rights is `isdir`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_open(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    dirflags: u32,
    path: u32,
    path_len: u32,
    open_flags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fd_flags: u32,
    fd_out: u32,
) -> WasiResult {
    let open_flags = u16::try_from(open_flags)
        .ok()
        .filter(|f| f & !oflags::ALL == 0)
        .ok_or(Errno::Inval)?;
    let fd_flags = u16::try_from(fd_flags)
        .ok()
        .filter(|f| f & !fdflags::ALL == 0)
        .ok_or(Errno::Inval)?;
    let parent = ctx.fds.get(fd)?;
    let parent_dir = parent.dir()?;
    let mut needed = rights::PATH_OPEN;
    if open_flags & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if open_flags & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    parent.require(needed)?;
    let base = rights_base & parent.inheriting;
    let inheriting = rights_inheriting & parent.inheriting;
    let follow = follows(dirflags)?;
    let path = memory.path(path, path_len)?;
    memory.check(fd_out, 4)?;

    // Rights to write make the host descriptor writable; so do `append`,
    // `creat` and `trunc`, which the directory's rights allow (checked
    // above) whatever rights the new descriptor gets.
    let writes =
        base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0;
    let appends = fd_flags & fdflags::APPEND != 0;
    let creates = open_flags & oflags::CREAT != 0;
    let truncates = open_flags & oflags::TRUNC != 0;
    let handle = if open_flags & oflags::DIRECTORY != 0 {
        if open_flags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0 {
            return Err(Errno::Inval);
        }
        let opened = if follow {
            parent_dir.open_dir(path)?
        } else {
            parent_dir.open_dir_nofollow(path)?
        };
        // No directory can be opened for writing (`open`'s EISDIR).
        if writes {
            return Err(Errno::IsDir);
        }
        Handle::Dir(opened)
    } else {
        let host_write = writes || appends || creates || truncates;
        let mut options = OpenOptions::new();
        // `append` is set once the file is open: the host refuses it
        // together with `trunc`.
        options
            .read(!writes || base & rights::FD_READ != 0)
            .write(host_write)
            .truncate(truncates)
            .follow(if follow {
                FollowSymlinks::Yes
            } else {
                FollowSymlinks::No
            });
        if creates && open_flags & oflags::EXCL != 0 {
            options.create_new(true);
        } else {
            options.create(creates);
        }
        if !host_write {
            options.maybe_dir(true);
        }
        let file = parent_dir.open_with(path, &options)?;
        if file.metadata()?.is_dir() {
            Handle::Dir(Dir::from_std_file(file.into_std()))
        } else {
            if appends {
                let flags = rustix::fs::fcntl_getfl(&file)?;
                rustix::fs::fcntl_setfl(&file, flags | OFlags::APPEND)?;
            }
            Handle::File(file)
        }
    };
    let (base, inheriting) = match handle {
        Handle::Dir(_) => (base & rights::DIRECTORY, inheriting),
        _ => (base & rights::FILE, inheriting),
    };
    let new_fd = ctx.fds.open(Descriptor {
        handle,
        base,
        inheriting,
        flags: fd_flags,
        preopen: None,
        listing: None,
    })?;
    memory.write_u32(fd_out, new_fd)
}

/// `path_readlink(fd, path, buf, buf_len, bufused)`: the link's text, cut
/// to the buffer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_readlink(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused_ptr: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_READLINK)?;
    let path = memory.path(path, path_len)?;
    memory.check(buf, buf_len as usize)?;
    memory.check(bufused_ptr, 4)?;
    let target = dir.read_link_contents(path)?;
    let bytes = target.as_os_str().as_bytes();
    let used = bytes.len().min(buf_len as usize);
    memory.write(buf, &bytes[..used])?;
    memory.write_u32(bufused_ptr, used as u32)
}

/// `path_remove_directory(fd, path)`: the directory must be empty.
pub(crate) fn path_remove_directory(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_REMOVE_DIRECTORY)?;
    Ok(dir.remove_dir(memory.path(path, path_len)?)?)
}

/// `path_rename(fd, old_path, new_fd, new_path)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_rename(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let old_dir = dir(ctx, fd, rights::PATH_RENAME_SOURCE)?;
    let new_dir = dir(ctx, new_fd, rights::PATH_RENAME_TARGET)?;
    let old_path = memory.path(old_path, old_len)?;
    let new_path = memory.path(new_path, new_len)?;
    Ok(old_dir.rename(old_path, new_dir, new_path)?)
}

/// `path_symlink(old_path, fd, new_path)`: creates `new_path` pointing at
/// `old_path`. A link to an absolute path is refused, since no absolute
/// path leads anywhere inside the sandbox.
pub(crate) fn path_symlink(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    old_path: u32,
    old_len: u32,
    fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_SYMLINK)?;
    let old_path = memory.path(old_path, old_len)?;
    let new_path = memory.path(new_path, new_len)?;
    if old_path.is_absolute() {
        return Err(Errno::NotCapable);
    }
    Ok(dir.symlink(old_path, new_path)?)
}

/// `path_unlink_file(fd, path)`: removes a file or a symbolic link, never
/// a directory.
pub(crate) fn path_unlink_file(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let dir = dir(ctx, fd, rights::PATH_UNLINK_FILE)?;
    Ok(dir.remove_file(memory.path(path, path_len)?)?)
}
