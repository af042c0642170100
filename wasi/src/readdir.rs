//! `fd_readdir`: a directory's entries, listed once per pass.
//!
//! A program reads a directory in many calls, each resuming at a cookie.
//! The listing is read from the host when a pass starts (cookie 0, or a
//! descriptor not listed yet) and kept on the descriptor, so each later
//! call costs what it returns: a whole pass is linear in the entries.
//! Entries created or removed during a pass may be missed, as POSIX allows
//! for `readdir` until `rewinddir`.

use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::DirEntryExt;

use cap_fs_ext::MetadataExt;
use cap_std::fs::Dir;

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::stat::filetype_of;
use crate::table::Handle;
use crate::types::{filetype, rights, DIRENT_SIZE};

/// One directory entry as `fd_readdir` lists it.
struct Entry {
    name: Vec<u8>,
    ino: u64,
    ty: u8,
}

impl Entry {
    /// The `dirent` header of this entry at position `index`.
    fn header(&self, index: usize) -> [u8; DIRENT_SIZE] {
        let mut record = [0u8; DIRENT_SIZE];
        record[0..8].copy_from_slice(&(index as u64 + 1).to_le_bytes());
        record[8..16].copy_from_slice(&self.ino.to_le_bytes());
        record[16..20].copy_from_slice(&(self.name.len() as u32).to_le_bytes());
        record[20] = self.ty;
        record
    }
}

/// A directory's entries: `.` and `..` first, then the rest sorted by
/// name, so that the order is the same on every host. A cookie is a
/// position in this list.
pub(crate) struct Listing(Vec<Entry>);

impl Listing {
    /// Reads `dir`'s entries (types and inode numbers from the directory
    /// itself: no file is examined).
    fn read(dir: &Dir) -> WasiResult<Self> {
        let own = dir.dir_metadata()?.ino();
        let parent = dir.metadata("..").map_or(own, |meta| meta.ino());
        let mut rest = Vec::new();
        for entry in dir.entries()? {
            let entry = entry?;
            rest.push(Entry {
                ty: entry.file_type().map_or(filetype::UNKNOWN, filetype_of),
                ino: entry.ino(),
                name: entry.file_name().into_vec(),
            });
        }
        rest.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let dot = |name: &[u8], ino| Entry {
            name: name.to_vec(),
            ino,
            ty: filetype::DIRECTORY,
        };
        let mut entries = Vec::with_capacity(rest.len() + 2);
        entries.push(dot(b".", own));
        entries.push(dot(b"..", parent));
        entries.extend(rest);
        Ok(Self(entries))
    }
}

/// Copies as much of `data` as fits at the start of `out`; gives how much.
fn put(out: &mut [u8], data: &[u8]) -> usize {
    let n = data.len().min(out.len());
    out[..n].copy_from_slice(&data[..n]);
    n
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: entries from position
/// `cookie` on, written straight into the guest's buffer, the last one cut
/// off where the buffer ends (a full buffer tells the program to call
/// again).
pub(crate) fn fd_readdir(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused_ptr: u32,
) -> WasiResult {
    let descriptor = ctx.fds.get_mut(fd)?;
    let Handle::Dir(dir) = &descriptor.handle else {
        return Err(Errno::NotDir);
    };
    descriptor.require(rights::FD_READDIR)?;
    memory.check(bufused_ptr, 4)?;
    let out = memory.slice_mut(buf, buf_len)?;
    let listing = match &mut descriptor.listing {
        Some(listing) if cookie != 0 => listing,
        slot => slot.insert(Listing::read(dir)?),
    };
    let start = usize::try_from(cookie).map_or(listing.0.len(), |c| c.min(listing.0.len()));
    let mut used = 0;
    for (index, entry) in listing.0.iter().enumerate().skip(start) {
        if used == out.len() {
            break;
        }
        used += put(&mut out[used..], &entry.header(index));
        used += put(&mut out[used..], &entry.name);
    }
    memory.write_u32(bufused_ptr, used as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_cut_where_the_buffer_ends() {
        let mut out = [0u8; 4];
        assert_eq!(put(&mut out, b"abcdef"), 4);
        assert_eq!(&out, b"abcd");
        assert_eq!(put(&mut out[4..], b"x"), 0);
    }
}
