//! Instances kept between executions: each cached contract may hold one
//! parked instance of its module ([`engine::Parked`]), reset to the state
//! instantiation leaves, which its next execution resumes instead of
//! instantiating the module again. Short calls spent about a third of
//! their time building and dropping the instance (decision 0019).
//!
//! Bounded: an executor keeps at most [`MAX_KEPT`] instances in all, each
//! with a memory the engine clears for reuse (at most 4 MiB, 1 MiB of it
//! written), so what kept instances hold does not depend on how many
//! contracts the cache has or what they do. Which execution finds an
//! instance kept changes only its time: a resumed instance is what
//! instantiation gives (`engine/tests/park.rs`), and an execution without
//! one instantiates as before.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use engine::{HostImport, Instance, Parked, Store};

/// The most instances an executor keeps.
pub(crate) const MAX_KEPT: usize = 16;

/// How many instances an executor keeps, shared by its contracts' slots.
pub(crate) type KeptCount = Arc<AtomicUsize>;

/// A cached contract's room for one kept instance.
#[derive(Debug)]
pub(crate) struct Slot {
    parked: Mutex<Option<Parked>>,
    count: KeptCount,
}

impl Slot {
    /// An empty slot counted in `count`.
    pub(crate) fn new(count: &KeptCount) -> Self {
        Self {
            parked: Mutex::new(None),
            count: Arc::clone(count),
        }
    }

    /// A store holding the kept instance, resumed with `data`, `limits`
    /// and the host functions `resolve` gives ([`Parked::resume`]); the
    /// data back if the slot holds none or it does not resume (then it
    /// holds none after either way).
    pub(crate) fn resume<'a, T>(
        &self,
        data: T,
        limits: (u64, u64),
        resolve: impl FnMut(&str, &str) -> Option<HostImport<'a, T>>,
    ) -> Result<(Store<T>, Instance), T> {
        let mut slot = self.lock();
        let held = slot.is_some();
        let resumed = Parked::resume_from(&mut slot, data, limits, resolve);
        drop(slot);
        if held {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        resumed
    }

    /// Keeps `store`'s instance, parked ([`Store::park_into`]), if the
    /// slot is empty, the executor keeps fewer than [`MAX_KEPT`] and the
    /// store can be kept; drops the store otherwise.
    pub(crate) fn keep<T>(&self, store: Store<T>) {
        let counted = self
            .count
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_KEPT).then_some(n + 1)
            })
            .is_ok();
        if !counted {
            return;
        }
        let mut slot = self.lock();
        let parked = slot.is_none() && store.park_into(&mut slot).is_ok();
        drop(slot);
        if !parked {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Parked>> {
        // A poisoned slot holds an instance parked whole or nothing: the
        // parking itself does not panic while the lock is held.
        self.parked.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // A contract the cache drops gives its instance's count back.
        let held = self.parked.get_mut().map_or_else(
            |poisoned| poisoned.into_inner().is_some(),
            |parked| parked.is_some(),
        );
        if held {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store<()> {
        let engine = engine::Engine::default();
        let module = engine::Module::from_wat(&engine, "(module (memory 1))").expect("valid");
        let mut store = Store::new(&engine, ());
        store
            .instantiate_with(&module, |_, _| None)
            .expect("instantiates");
        store
    }

    fn resume(slot: &Slot) -> bool {
        slot.resume((), (10, 10), |_, _| None).is_ok()
    }

    #[test]
    fn an_executor_keeps_at_most_max_kept_and_counts_what_slots_drop() {
        let count = KeptCount::default();
        let slots: Vec<Slot> = (0..MAX_KEPT + 4).map(|_| Slot::new(&count)).collect();
        for slot in &slots {
            slot.keep(store());
        }
        assert_eq!(count.load(Ordering::Relaxed), MAX_KEPT);
        let held = slots.iter().filter(|s| s.lock().is_some()).count();
        assert_eq!(held, MAX_KEPT);
        // A slot holds one: a second is dropped, uncounted.
        slots[0].keep(store());
        assert_eq!(count.load(Ordering::Relaxed), MAX_KEPT);
        // Resuming one makes room for another.
        assert!(resume(&slots[0]));
        assert!(!resume(&slots[0]));
        assert_eq!(count.load(Ordering::Relaxed), MAX_KEPT - 1);
        slots[MAX_KEPT].keep(store());
        assert!(slots[MAX_KEPT].lock().is_some());
        // One that does not resume is taken all the same.
        assert!(slots[1].resume((), (0, 0), |_, _| None).is_err());
        assert!(slots[1].lock().is_none());
        assert_eq!(count.load(Ordering::Relaxed), MAX_KEPT - 1);
        // Dropped slots give their counts back.
        drop(slots);
        assert_eq!(count.load(Ordering::Relaxed), 0);
    }
}
