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
//!
//! Growth never copies more than the threshold. A mapping reserves address
//! space for the memory's maximum once (without reserving swap, so untouched
//! pages cost nothing), and growing within it only moves the length: the
//! pages past the length were never written, because every access is
//! checked against the length, so they are still zero. Only where the
//! system refuses such a reservation is a mapping of the exact size made,
//! and grown by copying.
//! Allocations below the threshold grow geometrically.

use std::ops::{Deref, DerefMut};

use memmap2::{MmapMut, MmapOptions};

/// From this size on, memories are mapped rather than allocated.
const MAP_THRESHOLD: usize = 1024 * 1024;

/// The zeroed bytes of a linear memory.
#[derive(Debug)]
pub(crate) enum LinearBytes {
    /// From the allocator.
    Heap(Vec<u8>),
    /// An anonymous mapping: the first `len` bytes are the memory, the rest
    /// is reserved for growth and never written.
    Mapped {
        /// The mapping, as large as the memory may grow.
        map: MmapMut,
        /// The memory's size.
        len: usize,
    },
}

impl Default for LinearBytes {
    fn default() -> Self {
        Self::Heap(Vec::new())
    }
}

/// An anonymous mapping of `size` bytes that reserves no swap, or `None`.
fn map(size: usize) -> Option<MmapMut> {
    MmapOptions::new()
        .len(size)
        .no_reserve_swap()
        .map_anon()
        .ok()
}

impl LinearBytes {
    /// `size` zeroed bytes, with room to grow to `max` (at least `size`)
    /// without copying where the memory is mapped; `None` if the system
    /// refuses them.
    pub(crate) fn zeroed(size: usize, max: usize) -> Option<Self> {
        if size >= MAP_THRESHOLD {
            return Self::mapped(size, max);
        }
        let mut bytes: Vec<u8> = Vec::new();
        bytes.try_reserve_exact(size).ok()?;
        bytes.resize(size, 0);
        Some(Self::Heap(bytes))
    }

    /// A mapping of `max` bytes (or, if the system refuses that, `size`)
    /// whose first `size` bytes are the memory.
    fn mapped(size: usize, max: usize) -> Option<Self> {
        let map = map(max.max(size)).or_else(|| map(size))?;
        Some(Self::Mapped { map, len: size })
    }

    /// Grows to `size` bytes (at least the current length), the new bytes
    /// zeroed, with room to grow to `max` without copying; `None`, and
    /// nothing changed, if the system refuses.
    pub(crate) fn grow_to(&mut self, size: usize, max: usize) -> Option<()> {
        let old = self.len();
        let extra = size.checked_sub(old)?;
        match self {
            Self::Heap(bytes) if size < MAP_THRESHOLD => {
                // Geometric growth: copies add up to at most twice the size.
                let capacity = size.max(old.saturating_mul(2)).min(MAP_THRESHOLD);
                bytes.try_reserve_exact(capacity - old).ok()?;
                bytes.resize(size, 0);
            }
            Self::Mapped { map, len } if size <= map.len() => {
                debug_assert!(extra <= map.len() - *len);
                *len = size;
            }
            _ => {
                let mut grown = Self::mapped(size, max)?;
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
            // `len <= map.len()`: set only within the mapping.
            Self::Mapped { map, len } => map.get(..*len).unwrap_or_default(),
        }
    }
}

impl DerefMut for LinearBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Self::Heap(bytes) => bytes,
            Self::Mapped { map, len } => map.get_mut(..*len).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_memories_start_zeroed_and_grow_keeping_their_bytes() {
        for (from, to) in [(0, 65_536), (65_536, 1 << 20), (1 << 20, 3 << 20), (0, 0)] {
            let mut bytes = LinearBytes::zeroed(from, 4 << 20).expect("allocates");
            assert_eq!(bytes.len(), from);
            assert!(bytes.iter().all(|&b| b == 0));
            if let Some(last) = bytes.last_mut() {
                *last = 7;
            }
            bytes.grow_to(to, 4 << 20).expect("grows");
            assert_eq!(bytes.len(), to);
            if from > 0 {
                assert_eq!(bytes[from - 1], 7);
            }
            assert!(bytes[from..].iter().all(|&b| b == 0));
            assert_eq!(
                matches!(bytes, LinearBytes::Mapped { .. }),
                to >= MAP_THRESHOLD
            );
        }
    }

    #[test]
    fn a_mapped_memory_grows_in_place_up_to_its_maximum() {
        let max = 64 << 20;
        let mut bytes = LinearBytes::zeroed(1 << 20, max).expect("maps");
        let base = bytes.as_ptr();
        for size in ((1 << 20)..=max).step_by(65_536) {
            bytes.grow_to(size, max).expect("grows");
            assert_eq!(bytes.as_ptr(), base, "moved at {size}");
            bytes[size - 1] = 1;
        }
        assert_eq!(bytes.len(), max);
    }
}
