//! A store's host functions, in a vector whose allocation outlives the
//! store: a dropped store's, emptied, is kept (per thread, a few) for the
//! next store, whatever that store's data type. It was one of the last
//! allocations of a cached contract call; the engine's pool of store
//! vectors (`store_parts.rs`) cannot hold it, its element type being
//! generic over the store's data.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

use crate::func::HostFunc;

/// The most emptied vectors a thread keeps.
const KEPT: usize = 8;

/// The most capacity, in host functions, a kept vector may have.
const MAX_CAPACITY: usize = 256;

/// A host function's room in a kept vector: the size and alignment of
/// [`HostFunc<T>`] for every `T` (a shared body's pointer and vtable, and
/// two counts).
struct Slot {
    _func: [usize; 2],
    _params: usize,
    _results: usize,
}

thread_local! {
    /// Emptied vectors, as room for host functions of any store.
    static SPARE: RefCell<Vec<Vec<Slot>>> = const { RefCell::new(Vec::new()) };
}

/// Whether [`Slot`] has `HostFunc<T>`'s size and alignment: checked at
/// compile time wherever a vector changes between the two.
const fn same_layout<T>() -> bool {
    std::mem::size_of::<HostFunc<T>>() == std::mem::size_of::<Slot>()
        && std::mem::align_of::<HostFunc<T>>() == std::mem::align_of::<Slot>()
}

/// `from`'s allocation as an empty vector of `B`: `from` is emptied.
///
/// # Safety
///
/// `A` and `B` must have the same size and alignment.
unsafe fn recast<A, B>(from: Vec<A>) -> Vec<B> {
    let mut from = std::mem::ManuallyDrop::new(from);
    from.clear();
    let (ptr, capacity) = (from.as_mut_ptr(), from.capacity());
    // SAFETY: `from` is empty and never used again (not dropped: its
    // allocation is the new vector's), and `B` has `A`'s size and alignment
    // (the caller's promise), so the allocation for `capacity` of `A` is
    // the one `Vec::from_raw_parts` needs for `capacity` of `B`; no element
    // is reinterpreted, there being none.
    unsafe { Vec::from_raw_parts(ptr.cast::<B>(), 0, capacity) }
}

/// A store's host functions: a vector of them, taken from the thread's
/// kept ones when it has one, and kept again, emptied, when dropped.
///
/// The vector only grows: a body is freed only when the whole vector is
/// dropped, and not even then while a call of one of them is under way
/// ([`HostFuncs::calling`]), so a body called through a plain pointer
/// outlives its call whatever the call does to the store.
pub(crate) struct HostFuncs<T> {
    funcs: Vec<HostFunc<T>>,
    /// Calls of these functions under way (`exec::call_host`): dropped
    /// while there are some (a host function that put another store in
    /// its own store's place), the functions' bodies are leaked, not
    /// freed under the call running one.
    pub(crate) calling: u32,
}

impl<T> HostFuncs<T> {
    /// An empty vector: a kept one, if the thread has one.
    pub(crate) fn new() -> Self {
        const { assert!(same_layout::<T>()) };
        let kept = SPARE
            .try_with(|spare| spare.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        Self {
            // SAFETY: `Slot` has `HostFunc<T>`'s size and alignment
            // (asserted above).
            funcs: unsafe { recast(kept) },
            calling: 0,
        }
    }
}

impl<T> Drop for HostFuncs<T> {
    fn drop(&mut self) {
        const { assert!(same_layout::<T>()) };
        let mut funcs = std::mem::take(&mut self.funcs);
        if self.calling > 0 {
            // A body may be running: it is never freed.
            for host in funcs.drain(..) {
                std::mem::forget(host.func);
            }
        }
        if funcs.capacity() == 0 || funcs.capacity() > MAX_CAPACITY {
            return;
        }
        // SAFETY: as in `new`, the other way.
        let room: Vec<Slot> = unsafe { recast(funcs) };
        // A thread being torn down keeps nothing (the vector is freed).
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < KEPT {
                spare.push(room);
            }
        });
    }
}

impl<T> Deref for HostFuncs<T> {
    type Target = Vec<HostFunc<T>>;

    fn deref(&self) -> &Self::Target {
        &self.funcs
    }
}

impl<T> DerefMut for HostFuncs<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.funcs
    }
}

#[cfg(test)]
mod tests {
    use super::{HostFuncs, SPARE};

    fn kept() -> Vec<usize> {
        SPARE.with(|spare| spare.borrow().iter().map(Vec::capacity).collect())
    }

    #[test]
    fn a_dropped_vector_is_kept_empty_for_a_store_of_any_data() {
        let mut a: HostFuncs<u32> = HostFuncs::new();
        a.reserve(5);
        let capacity = a.capacity();
        drop(a);
        assert_eq!(kept(), [capacity]);
        // A store of another data type takes it, empty.
        let b: HostFuncs<String> = HostFuncs::new();
        assert!(b.is_empty());
        assert_eq!(b.capacity(), capacity);
        assert!(kept().is_empty());
        drop(b);
        assert_eq!(kept(), [capacity]);
    }

    #[test]
    fn the_thread_keeps_a_bounded_few() {
        let many: Vec<HostFuncs<()>> = (0..20)
            .map(|_| {
                let mut v = HostFuncs::new();
                v.reserve(2);
                v
            })
            .collect();
        drop(many);
        assert_eq!(kept().len(), super::KEPT);
        let mut big: HostFuncs<()> = HostFuncs::new();
        big.reserve(super::MAX_CAPACITY + 1);
        let before = kept().len();
        drop(big);
        assert_eq!(kept().len(), before, "a vector over the bound is freed");
    }
}
