//! Checked access to the guest's memory: every pointer and length the
//! guest passes is checked once, with overflow-safe arithmetic, and a bad
//! one is [`Errno::Fault`].

use std::ffi::OsStr;
use std::io::IoSlice;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::errno::{Errno, WasiResult};

/// The guest's linear memory during one host call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// A buffer the guest named: `(pointer, length)`.
pub(crate) type IoVec = (u32, u32);

/// The most one read or write moves: what a 32-bit `ssize_t` (the result
/// of wasi-libc's `read` and `write`) can count. A larger request is a
/// short transfer, as POSIX allows (Linux caps one a little lower, at
/// `MAX_RW_COUNT`).
pub(crate) const MAX_TRANSFER: usize = i32::MAX as usize;

/// The most buffers one `writev` is given (Linux's `IOV_MAX`).
pub(crate) const BATCH: usize = 1024;

/// A guest's `iovec` or `ciovec` array whose buffers were all checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IoVecs {
    ptr: u32,
    len: u32,
}

impl IoVecs {
    /// The number of entries.
    pub(crate) fn len(self) -> u32 {
        self.len
    }
}

/// One array entry: pointer and length, little-endian. Callers pass 8
/// bytes (a `chunks_exact(8)` item or an 8-byte slice), so the indexing
/// below stays in bounds.
fn iovec_of(entry: &[u8]) -> IoVec {
    let word = |at: usize| {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&entry[at..at + 4]);
        u32::from_le_bytes(bytes)
    };
    (word(0), word(4))
}

impl<'a> GuestMemory<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        Self { bytes }
    }

    fn range(&self, ptr: u32, len: usize) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// `len` bytes at `ptr`.
    pub(crate) fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let range = self.range(ptr, len as usize)?;
        Ok(&self.bytes[range])
    }

    /// `len` bytes at `ptr`, to write into.
    pub(crate) fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let range = self.range(ptr, len as usize)?;
        Ok(&mut self.bytes[range])
    }

    /// Checks that `len` bytes at `ptr` are inside the memory.
    pub(crate) fn check(&self, ptr: u32, len: usize) -> WasiResult<()> {
        self.range(ptr, len).map(|_| ())
    }

    /// Writes `data` at `ptr`.
    pub(crate) fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let range = self.range(ptr, data.len())?;
        self.bytes[range].copy_from_slice(data);
        Ok(())
    }

    /// Stores `value` little-endian at `ptr`.
    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Stores `value` little-endian at `ptr`.
    pub(crate) fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// The `iovec` or `ciovec` array of `len` entries at `ptr`, after
    /// checking the array and every buffer it names (without copying it).
    pub(crate) fn iovecs(&self, ptr: u32, len: u32) -> WasiResult<IoVecs> {
        let entries = self.slice(ptr, len.checked_mul(8).ok_or(Errno::Fault)?)?;
        for entry in entries.chunks_exact(8) {
            let (buf, buf_len) = iovec_of(entry);
            self.check(buf, buf_len as usize)?;
        }
        Ok(IoVecs { ptr, len })
    }

    /// Entry `index` of `vecs` (`fault` past its end).
    pub(crate) fn iovec(&self, vecs: IoVecs, index: u32) -> WasiResult<IoVec> {
        let at = index
            .checked_mul(8)
            .and_then(|offset| vecs.ptr.checked_add(offset))
            .filter(|_| index < vecs.len)
            .ok_or(Errno::Fault)?;
        Ok(iovec_of(self.slice(at, 8)?))
    }

    /// Hands the bytes `vecs` names, in order and at most [`MAX_TRANSFER`]
    /// of them, to `write` as slices of the guest's memory, at most
    /// [`BATCH`] at a time; `write` takes a whole batch or fails. Nothing is
    /// copied: the host holds one batch of slice headers, whatever the
    /// guest asks for. Gives the number of bytes handed over.
    pub(crate) fn write_iovecs(
        &self,
        vecs: IoVecs,
        mut write: impl FnMut(&mut [IoSlice<'_>]) -> WasiResult,
    ) -> WasiResult<usize> {
        let entries = self.slice(vecs.ptr, vecs.len.checked_mul(8).ok_or(Errno::Fault)?)?;
        let mut batch = Vec::with_capacity(BATCH.min(vecs.len as usize));
        let mut total = 0usize;
        for entry in entries.chunks_exact(8) {
            let (buf, buf_len) = iovec_of(entry);
            let take = (buf_len as usize).min(MAX_TRANSFER - total);
            if take == 0 {
                if total == MAX_TRANSFER {
                    break;
                }
                continue;
            }
            let range = self.range(buf, take)?;
            batch.push(IoSlice::new(&self.bytes[range]));
            total += take;
            if batch.len() == BATCH {
                write(&mut batch)?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            write(&mut batch)?;
        }
        Ok(total)
    }

    /// A path the guest passed: any bytes but NUL (paths are bytes on the
    /// host as in the guest).
    pub(crate) fn path(&self, ptr: u32, len: u32) -> WasiResult<&Path> {
        let bytes = self.slice(ptr, len)?;
        if bytes.contains(&0) {
            return Err(Errno::Inval);
        }
        Ok(Path::new(OsStr::from_bytes(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_past_the_end_are_faults() {
        let mut bytes = vec![0u8; 16];
        let mut memory = GuestMemory::new(&mut bytes);
        assert!(memory.write_u64(8, 1).is_ok());
        assert_eq!(memory.write_u64(9, 1), Err(Errno::Fault));
        assert_eq!(memory.write_u32(u32::MAX, 1), Err(Errno::Fault));
        assert_eq!(memory.slice(0, 17).err(), Some(Errno::Fault));
        assert_eq!(memory.iovecs(0, u32::MAX).err(), Some(Errno::Fault));
    }

    /// A 24 MiB memory holding, from 0, `count` iovecs of `len` bytes
    /// each, overlapping inside the 16 MiB from 8 MiB on.
    fn overlapping(count: u32, len: u32) -> Vec<u8> {
        const DATA: u32 = 8 << 20;
        let mut bytes = vec![0u8; 24 << 20];
        for (i, entry) in bytes.chunks_exact_mut(8).take(count as usize).enumerate() {
            let buf = DATA + (i as u32 * 4096) % ((16 << 20) - len);
            entry[..4].copy_from_slice(&buf.to_le_bytes());
            entry[4..].copy_from_slice(&len.to_le_bytes());
        }
        bytes
    }

    /// Hands `count` iovecs of `len` bytes to a writer that checks each
    /// slice lies in the guest's memory (nothing was copied); gives the
    /// bytes, slices and batches handed over.
    fn hand_over(count: u32, len: u32) -> (usize, usize, usize) {
        let mut bytes = overlapping(count, len);
        let start = bytes.as_ptr() as usize;
        let end = start + bytes.len();
        let memory = GuestMemory::new(&mut bytes);
        let vecs = memory.iovecs(0, count).expect("in bounds");
        let (mut slices, mut batches) = (0, 0);
        let total = memory
            .write_iovecs(vecs, |batch| {
                assert!(batch.len() <= BATCH);
                for slice in batch.iter() {
                    let at = slice.as_ptr() as usize;
                    assert!(at >= start && at + slice.len() <= end, "a copy");
                }
                slices += batch.len();
                batches += 1;
                Ok(())
            })
            .expect("handed over");
        (total, slices, batches)
    }

    #[test]
    fn a_million_iovecs_are_handed_over_in_place_in_bounded_batches() {
        let (total, slices, batches) = hand_over(1_000_000, 1024);
        assert_eq!(total, 1_000_000 * 1024);
        assert_eq!(slices, 1_000_000);
        assert_eq!(batches, 1_000_000usize.div_ceil(BATCH));
    }

    #[test]
    fn a_write_of_16_gib_stops_at_the_transfer_limit_without_a_buffer() {
        let (total, slices, batches) = hand_over(1_000_000, 16 * 1024);
        assert_eq!(total, MAX_TRANSFER);
        assert_eq!(slices, MAX_TRANSFER.div_ceil(16 * 1024));
        assert_eq!(batches, slices.div_ceil(BATCH));
    }

    #[test]
    fn iovecs_whose_buffers_leave_memory_are_faults() {
        let mut bytes = vec![0u8; 32];
        bytes[0..4].copy_from_slice(&16u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&17u32.to_le_bytes());
        let memory = GuestMemory::new(&mut bytes);
        assert_eq!(memory.iovecs(0, 1).err(), Some(Errno::Fault));
    }
}
