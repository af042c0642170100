//! The bytes of a linear memory: zeroed memory from the allocator when
//! small, fresh pages mapped from the operating system when large.
//!
//! A large zeroed allocation costs a `memset` whenever the allocator hands
//! back memory it had before (glibc does after the first few large frees),
//! and a contract's memory is allocated for every call: 1.1 MiB cleared per
//! call of a contract whose memory has 17 pages, where the contract itself
//! touches a few pages. Anonymous mappings arrive zeroed, and only the pages
//! a program touches become resident; but mapping and unmapping cost about
//! 6 µs here (a KVM guest), more than clearing 128 KiB (wrc20's memory: 4.3
//! µs per call allocated, 10.4 µs mapped). Hence the threshold of 1 MiB.

use std::ops::{Deref, DerefMut};

use memmap2::MmapMut;

/// From this size on, memories are mapped rather than allocated.
const MAP_THRESHOLD: usize = 1024 * 1024;

/// The zeroed bytes of a linear memory.
#[derive(Debug)]
pub(crate) enum LinearBytes {
    /// From the allocator.
    Heap(Vec<u8>),
    /// An anonymous mapping.
    Mapped(MmapMut),
}

impl Default for LinearBytes {
    fn default() -> Self {
        Self::Heap(Vec::new())
    }
}

impl LinearBytes {
    /// `size` zeroed bytes, or `None` if the system refuses them.
    pub(crate) fn zeroed(size: usize) -> Option<Self> {
        if size >= MAP_THRESHOLD {
            return MmapMut::map_anon(size).ok().map(Self::Mapped);
        }
        let mut bytes: Vec<u8> = Vec::new();
        bytes.try_reserve_exact(size).ok()?;
        bytes.resize(size, 0);
        Some(Self::Heap(bytes))
    }

    /// Grows to `size` bytes (at least the current length), the new bytes
    /// zeroed; `None`, and nothing changed, if the system refuses.
    pub(crate) fn grow_to(&mut self, size: usize) -> Option<()> {
        match self {
            Self::Heap(bytes) if size < MAP_THRESHOLD => {
                let extra = size.checked_sub(bytes.len())?;
                bytes.try_reserve_exact(extra).ok()?;
                bytes.resize(size, 0);
            }
            _ => {
                let mut grown = Self::zeroed(size)?;
                let old = self.len();
                grown.get_mut(..old)?.copy_from_slice(self);
                *self = grown;
            }
        }
        Some(())
    }
}

impl Deref for LinearBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Heap(bytes) => bytes,
            Self::Mapped(map) => map,
        }
    }
}

impl DerefMut for LinearBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Self::Heap(bytes) => bytes,
            Self::Mapped(map) => map,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_memories_start_zeroed_and_grow_keeping_their_bytes() {
        for (from, to) in [(0, 65_536), (65_536, 1 << 20), (1 << 20, 3 << 20), (0, 0)] {
            let mut bytes = LinearBytes::zeroed(from).expect("allocates");
            assert_eq!(bytes.len(), from);
            assert!(bytes.iter().all(|&b| b == 0));
            if let Some(last) = bytes.last_mut() {
                *last = 7;
            }
            bytes.grow_to(to).expect("grows");
            assert_eq!(bytes.len(), to);
            if from > 0 {
                assert_eq!(bytes[from - 1], 7);
            }
            assert!(bytes[from..].iter().all(|&b| b == 0));
            assert_eq!(matches!(bytes, LinearBytes::Mapped(_)), to >= MAP_THRESHOLD);
        }
    }
}
