//! Checked access to the guest's memory: every pointer and length the
//! guest passes is checked once, with overflow-safe arithmetic, and a bad
//! one is [`Errno::Fault`].

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::errno::{Errno, WasiResult};

/// The guest's linear memory during one host call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// A buffer the guest named: `(pointer, length)`.
pub(crate) type IoVec = (u32, u32);

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

    /// The `iovec` or `ciovec` array of `len` entries at `ptr`.
    pub(crate) fn iovecs(&self, ptr: u32, len: u32) -> WasiResult<Vec<IoVec>> {
        let bytes = self.slice(ptr, len.checked_mul(8).ok_or(Errno::Fault)?)?;
        let vecs: Vec<IoVec> = bytes
            .chunks_exact(8)
            .map(|entry| {
                let word = |at: usize| {
                    u32::from_le_bytes([entry[at], entry[at + 1], entry[at + 2], entry[at + 3]])
                };
                (word(0), word(4))
            })
            .collect();
        for &(buf, buf_len) in &vecs {
            self.check(buf, buf_len as usize)?;
        }
        Ok(vecs)
    }

    /// The bytes the guest gathers from a `ciovec` array, concatenated.
    pub(crate) fn gather(&self, vecs: &[IoVec]) -> WasiResult<Vec<u8>> {
        let mut data = Vec::new();
        for &(buf, len) in vecs {
            data.extend_from_slice(self.slice(buf, len)?);
        }
        Ok(data)
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

    #[test]
    fn iovecs_whose_buffers_leave_memory_are_faults() {
        let mut bytes = vec![0u8; 32];
        bytes[0..4].copy_from_slice(&16u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&17u32.to_le_bytes());
        let memory = GuestMemory::new(&mut bytes);
        assert_eq!(memory.iovecs(0, 1).err(), Some(Errno::Fault));
    }
}
