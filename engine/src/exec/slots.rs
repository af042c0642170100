//! The value stack's storage: zeroed slots, allocated so that a system
//! with no memory left gives an error instead of aborting the process.

/// `n` zeroed slots, or `None` if the system has no memory for them.
///
/// As `vec![0; n]`, a zeroed allocation: freshly mapped memory, whose
/// pages the OS supplies when they are first touched, or (glibc, once it
/// has raised its mapping threshold after a large free) memory reused from
/// the heap and cleared whole. But where `vec!` aborts the process when
/// the allocator fails, this answers `None` (the caller traps).
pub(crate) fn zeroed(n: usize) -> Option<Vec<u64>> {
    if n == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u64>(n).ok()?;
    // SAFETY: the layout's size is not zero (`n > 0`, and `u64` is 8
    // bytes), as `alloc_zeroed` requires.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<u64>();
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of `n`
    // `u64`s (their alignment, and a size of capacity times their size),
    // and all `n` are initialised: zero bytes are a valid `u64`.
    Some(unsafe { Vec::from_raw_parts(ptr, n, n) })
}
