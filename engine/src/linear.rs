//! The bytes of a linear memory: an anonymous mapping that reserves room
//! for the memory's maximum, with a map of the pages written in front of
//! it, so that a memory can be made fresh again by clearing only what was
//! written, and reused ([`crate::engine::Engine`] keeps a few).
//!
//! Why: a contract's memory is made for every call. Zeroed memory from the
//! allocator costs a `memset` of the whole memory whenever the allocator
//! hands back memory it had before (64 KiB per `wrc20` call, a third of
//! the call), and a fresh mapping costs a `mmap`, a `munmap` and a page
//! fault per page touched: 43% of an `ecadd_rust` call (17 pages) went to
//! the kernel that way. A reused mapping whose written pages are cleared
//! costs a `memset` of the pages the last user wrote, and no fault.
//!
//! The layout of a mapping: `prefix` bytes of the written-page map, then
//! the memory's bytes. Byte `i` of the map, counted backwards from the
//! memory's base (at `base - 1 - i`), is non-zero once page `i` (of
//! [`DIRTY_PAGE`] bytes) may have been written; the interpreter's stores
//! mark it from the base it already holds, with no other state. A store of
//! up to 8 bytes marks the page it starts in, so clearing a page clears
//! the 7 bytes after it as well.
//!
//! Every way of writing marks: [`LinearBytes::get_mut`] marks its range,
//! [`LinearBytes::all_mut`] every page, the bulk operations theirs, and the
//! interpreter's stores mark the page they start in (`exec::handlers`). The bytes past the length were never
//! written (every access is checked against the length), so they are zero;
//! growing within the mapping only moves the length. Only where the system
//! refuses a reservation of the maximum is a mapping of the exact size
//! made, and grown by copying.

use std::ops::{Deref, Range};

use memmap2::{MmapMut, MmapOptions};

/// The granularity of the written-page map, in bytes: 1 KiB, a quarter of
/// the system's page. A short call writes a few hundred bytes in a few
/// places (a C contract's stack, its data, the call data); with a memory
/// kept between calls, clearing those places is most of what reusing it
/// costs, and 4 KiB pages cleared four times the bytes: a cached
/// `wrc20_C` transfer took 1.65-1.70 µs with 4 KiB, 1.57-1.58 with 1 KiB
/// and 1.62 with 512 bytes (decision 0020).
pub(crate) const DIRTY_PAGE: usize = 1 << DIRTY_SHIFT;

/// `log2(DIRTY_PAGE)`.
pub(crate) const DIRTY_SHIFT: u32 = 10;

/// The system's page: the written-page map is a whole number of them, so
/// that the memory's base is page-aligned.
const SYSTEM_PAGE: usize = 4096;

/// The most bytes a memory may have had written and still be kept for
/// reuse: beyond this, clearing it costs more than mapping afresh.
pub(crate) const REUSE_MAX_DIRTY: usize = 1 << 20;

/// The largest size a memory may have had and still be kept for reuse.
/// The pages a memory's users wrote stay resident once cleared, and users
/// may write different pages each time: this bounds what one pooled
/// memory can hold resident, whatever its users do.
pub(crate) const REUSE_MAX_LEN: usize = 4 << 20;

/// The zeroed bytes of a linear memory.
#[derive(Debug, Default)]
pub(crate) struct LinearBytes {
    /// The map of written pages, then the bytes; `None` for an empty
    /// memory that never had a mapping (it is never written).
    map: Option<MmapMut>,
    /// The size of the map of written pages at the mapping's start: at
    /// least one byte per page of the rest, a multiple of the system's
    /// page.
    prefix: usize,
    /// The memory's size.
    len: usize,
    /// The largest size it had: nothing past it was ever written.
    high: usize,
}

/// An anonymous mapping of `size` bytes that reserves no swap, or `None`.
fn map(size: usize) -> Option<MmapMut> {
    MmapOptions::new()
        .len(size)
        .no_reserve_swap()
        .map_anon()
        .ok()
}

/// The size of the written-page map for `capacity` bytes of memory.
fn prefix_for(capacity: usize) -> usize {
    let pages = capacity.div_ceil(DIRTY_PAGE);
    pages.div_ceil(SYSTEM_PAGE).max(1) * SYSTEM_PAGE
}

/// How many of `marks` are non-zero, eight at a time.
fn count_marked(marks: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let chunks = marks.chunks_exact(8);
    let rest = chunks.remainder().iter().filter(|&&m| m != 0).count();
    chunks
        .filter_map(|chunk| <[u8; 8]>::try_from(chunk).ok())
        .map(|chunk| {
            let word = u64::from_ne_bytes(chunk);
            // The high bit of each byte, set when the byte is not zero.
            let nonzero = (((word & LOW7) + LOW7) | word) & HIGH;
            nonzero.count_ones() as usize
        })
        .sum::<usize>()
        + rest
}

impl LinearBytes {
    /// `size` zeroed bytes, with room to grow to `max` (at least `size`)
    /// without copying; `None` if the system refuses them.
    pub(crate) fn zeroed(size: usize, max: usize) -> Option<Self> {
        Self::mapped(max.max(size))
            .or_else(|| Self::mapped(size))
            .map(|mut bytes| {
                bytes.set_len(size);
                bytes
            })
    }

    /// A mapping with room for `capacity` bytes, of length 0.
    fn mapped(capacity: usize) -> Option<Self> {
        let prefix = prefix_for(capacity);
        let map = map(prefix.checked_add(capacity)?)?;
        Some(Self {
            map: Some(map),
            prefix,
            len: 0,
            high: 0,
        })
    }

    /// Sets the length (within the capacity), keeping the largest it had.
    fn set_len(&mut self, size: usize) {
        self.len = size;
        self.high = self.high.max(size);
    }

    /// How many bytes the memory may grow to without copying.
    pub(crate) fn capacity(&self) -> usize {
        self.map.as_ref().map_or(0, |map| map.len() - self.prefix)
    }

    /// The written-page map and the bytes.
    fn parts_mut(&mut self) -> (&mut [u8], &mut [u8]) {
        match &mut self.map {
            Some(map) => {
                let (marks, bytes) = map.split_at_mut(self.prefix);
                // `len <= capacity`: set only within the mapping.
                let bytes = bytes.get_mut(..self.len).unwrap_or_default();
                (marks, bytes)
            }
            None => (&mut [], &mut []),
        }
    }

    /// Marks pages `pages` as written.
    fn mark_pages(marks: &mut [u8], pages: Range<usize>) {
        let end = marks.len();
        // Page `p` is at `end - 1 - p`.
        if let Some(marked) =
            marks.get_mut(end.saturating_sub(pages.end)..end - pages.start.min(end))
        {
            marked.fill(1);
        }
    }

    /// The pages `range` of the bytes touches.
    fn pages_of(range: &Range<usize>) -> Range<usize> {
        if range.is_empty() {
            return 0..0;
        }
        (range.start >> DIRTY_SHIFT)..((range.end - 1) >> DIRTY_SHIFT) + 1
    }

    /// The bytes in `range`, to write (marked as written), or `None` if it
    /// is not within the length.
    pub(crate) fn get_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]> {
        let pages = Self::pages_of(&range);
        let (marks, bytes) = self.parts_mut();
        let slice = bytes.get_mut(range)?;
        Self::mark_pages(marks, pages);
        Some(slice)
    }

    /// All the bytes, to write (every page marked as written).
    pub(crate) fn all_mut(&mut self) -> &mut [u8] {
        let pages = Self::pages_of(&(0..self.len));
        let (marks, bytes) = self.parts_mut();
        Self::mark_pages(marks, pages);
        bytes
    }

    /// Copies `from` to `to_start` within the bytes (as
    /// [`slice::copy_within`]); `None`, and nothing copied, if either range
    /// is not within the length.
    pub(crate) fn copy_within(&mut self, from: Range<usize>, to_start: usize) -> Option<()> {
        let to = to_start..to_start.checked_add(from.len())?;
        let pages = Self::pages_of(&to);
        let (marks, bytes) = self.parts_mut();
        if from.end > bytes.len() || to.end > bytes.len() {
            return None;
        }
        bytes.copy_within(from, to_start);
        Self::mark_pages(marks, pages);
        Some(())
    }

    /// The base of the bytes, for the interpreter, which writes through it
    /// only within the length and marks each write: the byte at
    /// `base - 1 - (start >> DIRTY_SHIFT)`, for a write at `start`.
    pub(crate) fn base_mut(&mut self) -> *mut u8 {
        let prefix = self.prefix;
        match &mut self.map {
            // In bounds: the mapping is `prefix` bytes and more.
            Some(map) => map.as_mut_ptr().wrapping_add(prefix),
            None => std::ptr::NonNull::dangling().as_ptr(),
        }
    }

    /// Grows to `size` bytes (at least the current length), the new bytes
    /// zeroed, with room to grow to `max` without copying; `None`, and
    /// nothing changed, if the system refuses.
    pub(crate) fn grow_to(&mut self, size: usize, max: usize) -> Option<()> {
        let old = self.len;
        size.checked_sub(old)?;
        if size <= self.capacity() {
            self.set_len(size);
            return Some(());
        }
        let mut grown = Self::zeroed(size, max)?;
        // The copy marks every page it writes.
        grown.get_mut(0..old)?.copy_from_slice(self);
        *self = grown;
        Some(())
    }

    /// The largest size the memory had: the bytes it may hold resident.
    pub(crate) fn high(&self) -> usize {
        self.high
    }

    /// Makes the memory empty again, ready for reuse: clears the pages
    /// written and their marks, and sets the length to 0. `false`, with
    /// the bytes left as they are, if more than [`REUSE_MAX_DIRTY`] bytes
    /// were written or the memory was ever larger than [`REUSE_MAX_LEN`]
    /// (it should be dropped instead).
    pub(crate) fn clear_for_reuse(&mut self) -> bool {
        if self.high > REUSE_MAX_LEN {
            return false;
        }
        let pages = self.len.div_ceil(DIRTY_PAGE);
        let len = self.len;
        let (marks, bytes) = self.parts_mut();
        let end = marks.len();
        let Some(marks) = marks.get_mut(end.saturating_sub(pages)..) else {
            return false;
        };
        let written = count_marked(marks);
        if written.saturating_mul(DIRTY_PAGE) > REUSE_MAX_DIRTY {
            return false;
        }
        // Page `p`'s mark is at `marks.len() - 1 - p`.
        let count = marks.len();
        let mut clear = |at: usize, mark: &mut u8| {
            if *mark != 0 {
                let page = count - 1 - at;
                // A store that starts in the page may spill 7 bytes over.
                let start = page << DIRTY_SHIFT;
                let end = (start + DIRTY_PAGE + 7).min(len);
                if let Some(written) = bytes.get_mut(start..end) {
                    written.fill(0);
                }
                *mark = 0;
            }
        };
        // Eight marks at a time: most are zero.
        let mut chunks = marks.chunks_exact_mut(8);
        let mut at = 0;
        for chunk in &mut chunks {
            if <[u8; 8]>::try_from(&*chunk).is_ok_and(|marks| u64::from_ne_bytes(marks) != 0) {
                for (i, mark) in chunk.iter_mut().enumerate() {
                    clear(at + i, mark);
                }
            }
            at += 8;
        }
        for (i, mark) in chunks.into_remainder().iter_mut().enumerate() {
            clear(at + i, mark);
        }
        self.len = 0;
        true
    }

    /// Sets the length of a memory made empty by
    /// [`LinearBytes::clear_for_reuse`] to `size`, at most its capacity
    /// (the bytes are zero: nothing past the length is ever written).
    pub(crate) fn reuse(&mut self, size: usize) -> Option<()> {
        (self.len == 0 && size <= self.capacity()).then(|| self.set_len(size))
    }

    /// Whether every byte the memory ever had, and every mark, is zero
    /// (tests of the reuse; the rest of the mapping was never written).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn all_zero(&self) -> bool {
        self.map.as_ref().is_none_or(|map| {
            map.get(..self.prefix + self.high)
                .is_some_and(|used| used.iter().all(|&b| b == 0))
        })
    }
}

impl Deref for LinearBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.map {
            // `len <= capacity`: set only within the mapping.
            Some(map) => map
                .get(self.prefix..self.prefix + self.len)
                .unwrap_or_default(),
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memories_start_zeroed_and_grow_keeping_their_bytes() {
        for (from, to) in [(0, 65_536), (65_536, 1 << 20), (1 << 20, 3 << 20), (0, 0)] {
            let mut bytes = LinearBytes::zeroed(from, 4 << 20).expect("maps");
            assert_eq!(bytes.len(), from);
            assert!(bytes.iter().all(|&b| b == 0));
            if from > 0 {
                bytes.get_mut(from - 1..from).expect("in bounds")[0] = 7;
            }
            bytes.grow_to(to, 4 << 20).expect("grows");
            assert_eq!(bytes.len(), to);
            if from > 0 {
                assert_eq!(bytes[from - 1], 7);
            }
            assert!(bytes[from..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn a_memory_grows_in_place_up_to_its_maximum_and_copies_beyond() {
        let max = 64 << 20;
        let mut bytes = LinearBytes::zeroed(1 << 20, max).expect("maps");
        let base = bytes.as_ptr();
        for size in ((1 << 20)..=max).step_by(65_536) {
            bytes.grow_to(size, max).expect("grows");
            assert_eq!(bytes.as_ptr(), base, "moved at {size}");
            bytes.get_mut(size - 1..size).expect("in bounds")[0] = 1;
        }
        assert_eq!(bytes.len(), max);
        bytes
            .grow_to(max + 65_536, 2 * max)
            .expect("grows by copying");
        assert_ne!(bytes.as_ptr(), base);
        assert_eq!(bytes[max - 1], 1);
    }

    #[test]
    fn marks_are_counted_whatever_their_values_and_places() {
        let mut marks = vec![0u8; 29];
        assert_eq!(count_marked(&marks), 0);
        for (i, value) in [(0, 1), (7, 0x80), (8, 0xff), (15, 0x7f), (27, 3), (28, 1)] {
            marks[i] = value;
        }
        assert_eq!(count_marked(&marks), 6);
        assert_eq!(count_marked(&[1; 16]), 16);
    }

    #[test]
    fn clearing_for_reuse_zeroes_every_way_of_writing() {
        let mut bytes = LinearBytes::zeroed(5 * 65_536, 8 * 65_536).expect("maps");
        let len = bytes.len();
        bytes.get_mut(10..20).expect("in bounds").fill(1);
        bytes.get_mut(4090..4100).expect("in bounds").fill(2);
        bytes.copy_within(0..30, 70_000).expect("in bounds");
        bytes.get_mut(len - 1..len).expect("in bounds")[0] = 3;
        assert!(!bytes.all_zero());
        assert!(bytes.clear_for_reuse());
        assert!(bytes.all_zero(), "every written byte and mark is cleared");
        bytes.reuse(2 * 65_536).expect("fits");
        assert_eq!(bytes.len(), 2 * 65_536);
        bytes.all_mut().fill(9);
        assert!(bytes.clear_for_reuse());
        assert!(bytes.all_zero());
    }

    #[test]
    fn a_memory_that_was_large_is_not_kept() {
        let mut bytes = LinearBytes::zeroed(REUSE_MAX_LEN, 2 * REUSE_MAX_LEN).expect("maps");
        assert!(bytes.clear_for_reuse(), "exactly the largest that is kept");
        bytes.reuse(65_536).expect("fits");
        bytes
            .grow_to(REUSE_MAX_LEN + 65_536, 2 * REUSE_MAX_LEN)
            .expect("grows");
        bytes.get_mut(0..1).expect("in bounds")[0] = 1;
        assert!(!bytes.clear_for_reuse());
    }

    #[test]
    fn a_memory_written_all_over_is_not_kept() {
        let mut bytes = LinearBytes::zeroed(2 * REUSE_MAX_DIRTY, 0).expect("maps");
        bytes.all_mut()[0] = 1;
        assert!(!bytes.clear_for_reuse());
        let mut bytes = LinearBytes::zeroed(2 * REUSE_MAX_DIRTY, 0).expect("maps");
        bytes
            .get_mut(0..REUSE_MAX_DIRTY)
            .expect("in bounds")
            .fill(1);
        assert!(bytes.clear_for_reuse(), "exactly the most that is kept");
        assert!(bytes.all_zero());
    }
}
