//! Instances kept between executions: each cached contract may hold one
//! parked instance of its module ([`engine::Parked`]), reset to the state
//! instantiation leaves, which its next execution resumes instead of
//! instantiating the module again. Short calls spent about a third of
//! their time building and dropping the instance (decision 0019).
//!
//! Bounded: an executor keeps at most [`MAX_KEPT`] instances, the ones most
//! recently kept (a contract in use keeps its instance again after every
//! execution; the least recently kept is dropped for a new one), each
//! with a memory that was never larger than 2 MiB (`engine::Store::park`),
//! so what kept instances hold does not depend on how many contracts the
//! cache has or what they do. Which execution finds an
//! instance kept changes only its time: a resumed instance is what
//! instantiation gives (`engine/tests/park.rs`), and an execution without
//! one instantiates as before.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use engine::{HostImport, Instance, Parked, Store};

/// The most instances an executor keeps.
pub(crate) const MAX_KEPT: usize = 16;

/// Locks `mutex`, whatever a panic left: the data behind these locks is
/// whole between statements (an instance parked or not, a queue of
/// slots).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A cached contract's room for one kept instance.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    parked: Mutex<Option<Parked>>,
}

impl Slot {
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
        Parked::resume_from(&mut lock(&self.parked), data, limits, resolve)
    }

    /// Whether the slot holds an instance.
    fn holds(&self) -> bool {
        lock(&self.parked).is_some()
    }
}

/// The slots an executor keeps instances in, the least recently kept
/// first: at most [`MAX_KEPT`], so at most that many instances.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    slots: Mutex<VecDeque<Arc<Slot>>>,
}

impl Kept {
    /// Keeps `store`'s instance, parked ([`Store::park_into`]), in `slot`
    /// if the slot is empty and the store can be kept (dropping the store
    /// otherwise); the least recently kept instance is dropped if that
    /// makes more than [`MAX_KEPT`].
    pub(crate) fn keep<T>(&self, slot: &Arc<Slot>, store: Store<T>) {
        {
            let mut parked = lock(&slot.parked);
            if parked.is_some() || store.park_into(&mut parked).is_err() {
                return;
            }
        }
        let evicted = {
            let mut slots = lock(&self.slots);
            slots.retain(|kept| !Arc::ptr_eq(kept, slot));
            slots.push_back(Arc::clone(slot));
            if slots.len() > MAX_KEPT {
                slots.pop_front()
            } else {
                None
            }
        };
        // Every slot holding an instance is in the queue: an instance is
        // put in a slot only here, which then queues the slot. So taking
        // the evicted slot's instance keeps at most `MAX_KEPT`.
        if let Some(evicted) = evicted {
            let dropped = lock(&evicted.parked).take();
            drop(dropped);
        }
    }

    /// How many instances are kept.
    pub(crate) fn count(&self) -> usize {
        lock(&self.slots).iter().filter(|slot| slot.holds()).count()
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
    fn an_executor_keeps_the_most_recently_kept_max_kept() {
        let kept = Kept::default();
        let slots: Vec<Arc<Slot>> = (0..MAX_KEPT + 4).map(|_| Arc::default()).collect();
        for slot in &slots {
            kept.keep(slot, store());
        }
        assert_eq!(kept.count(), MAX_KEPT);
        // The first four were dropped for the last four.
        let held: Vec<bool> = slots.iter().map(|s| s.holds()).collect();
        assert!(held[..4].iter().all(|h| !h) && held[4..].iter().all(|h| *h));
        // A slot holds one: a second is dropped.
        kept.keep(&slots[4], store());
        assert_eq!(kept.count(), MAX_KEPT);
        // Resumed and kept again, an instance is the most recent: the
        // next new one drops the least recent (slot 5), not it.
        assert!(resume(&slots[4]));
        assert!(!resume(&slots[4]));
        kept.keep(&slots[4], store());
        kept.keep(&slots[0], store());
        assert!(slots[4].holds() && slots[0].holds() && !slots[5].holds());
        assert_eq!(kept.count(), MAX_KEPT);
        // One that does not resume is taken all the same.
        assert!(slots[6].resume((), (0, 0), |_, _| None).is_err());
        assert!(!slots[6].holds());
        assert_eq!(kept.count(), MAX_KEPT - 1);
    }
}
