//! Instances kept between executions: each cached contract may hold one
//! parked instance of its module ([`engine::Parked`]), reset to the state
//! instantiation leaves, with its host functions, which its next execution
//! resumes instead of instantiating the module again. Short calls spent
//! about a third of their time building and dropping the instance, and a
//! tenth linking its imports again (decision 0019).
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

use engine::{Instance, Parked, Store};

use crate::eei::EeiCtx;

/// The most instances an executor keeps.
pub(crate) const MAX_KEPT: usize = 16;

/// Locks `mutex`, whatever a panic left: the data behind these locks is
/// whole between statements (an instance parked or not, a queue of
/// slots).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A kept instance, its host functions typed for no execution's host in
/// particular ([`erase`]).
type KeptStore = Parked<EeiCtx<'static>>;

/// `parked`, its host functions' type no longer naming the host's
/// lifetime `'h`, to be kept beyond it; [`restore`] gives it back for
/// another.
#[allow(unsafe_code)]
fn erase(parked: Parked<EeiCtx<'_>>) -> KeptStore {
    // SAFETY: the two types differ only in a lifetime, so in nothing of
    // their layout. A parked store holds no `EeiCtx` (its data is taken
    // out), only host functions on one: each the shared body of an EEI
    // function (`EeiTable::import`, the only source of an execution's host
    // functions, whether the store was instantiated or resumed), which is
    // a function of every `EeiCtx<'h>` whatever `'h` (`SharedFn`: built
    // for all of them, capturing nothing of any). So the functions are
    // those of `EeiCtx<'static>` as well, and the value is one of `KeptStore`.
    unsafe { std::mem::transmute::<Parked<EeiCtx<'_>>, KeptStore>(parked) }
}

/// A kept instance ([`erase`]) for an execution whose host lives for
/// `'h`.
#[allow(unsafe_code)]
fn restore<'h>(kept: KeptStore) -> Parked<EeiCtx<'h>> {
    // SAFETY: as in `erase`: the types differ only in a lifetime, and each
    // host function held is a function of `EeiCtx<'h>` for every `'h`.
    unsafe { std::mem::transmute::<KeptStore, Parked<EeiCtx<'h>>>(kept) }
}

/// A cached contract's room for one kept instance.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    parked: Mutex<Option<KeptStore>>,
}

impl Slot {
    /// A store holding the kept instance and its host functions, resumed
    /// with `data` and `limits` ([`Parked::resume`]); the data back if the
    /// slot holds none or it does not resume (then it holds none after
    /// either way).
    // The data comes back by value, to instantiate with instead: boxing it
    // would cost every execution an allocation.
    #[allow(clippy::result_large_err)]
    pub(crate) fn resume<'h>(
        &self,
        data: EeiCtx<'h>,
        limits: (u64, u64),
    ) -> Result<(Store<EeiCtx<'h>>, Instance), EeiCtx<'h>> {
        match lock(&self.parked).take() {
            Some(kept) => restore(kept).resume(data, limits),
            None => Err(data),
        }
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
    /// Keeps `store`'s instance, parked ([`Store::park`]), in `slot`
    /// if the slot is empty and the store can be kept (dropping the store
    /// otherwise); the least recently kept instance is dropped if that
    /// makes more than [`MAX_KEPT`].
    pub(crate) fn keep(&self, slot: &Arc<Slot>, store: Store<EeiCtx<'_>>) {
        {
            let mut parked = lock(&slot.parked);
            if parked.is_some() {
                return;
            }
            let Ok((kept, _data)) = store.park() else {
                return;
            };
            *parked = Some(erase(kept));
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

    use crate::eei::FrameData;
    use crate::{
        AccessStatus, Address, Bytes32, CallKind, CallOutcome, EvmHost, Message, Revision,
        Schedule, StorageStatus, TxContext, U256,
    };

    /// A host the kept stores' contract never calls.
    struct NoHost;

    impl EvmHost for NoHost {
        fn account_exists(&mut self, _: &Address) -> bool {
            false
        }
        fn get_storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
            Bytes32::default()
        }
        fn set_storage(&mut self, _: &Address, _: &Bytes32, _: &Bytes32) -> StorageStatus {
            StorageStatus::Assigned
        }
        fn get_balance(&mut self, _: &Address) -> U256 {
            U256::zero()
        }
        fn get_code_size(&mut self, _: &Address) -> usize {
            0
        }
        fn copy_code(&mut self, _: &Address, _: usize, _: &mut [u8]) -> usize {
            0
        }
        fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
            false
        }
        fn access_account(&mut self, _: &Address) -> AccessStatus {
            AccessStatus::Warm
        }
        fn access_storage(&mut self, _: &Address, _: &Bytes32) -> AccessStatus {
            AccessStatus::Warm
        }
        fn call(&mut self, _: &Message) -> CallOutcome {
            CallOutcome::failure()
        }
        fn get_tx_context(&mut self) -> TxContext {
            TxContext::default()
        }
        fn get_block_hash(&mut self, _: i64) -> Bytes32 {
            Bytes32::default()
        }
        fn emit_log(&mut self, _: &Address, _: &[u8], _: &[Bytes32]) {}
    }

    static MESSAGE: Message<'static> = Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas: 0,
        recipient: Address([0; 20]),
        sender: Address([0; 20]),
        input: crate::CallData::Borrowed(&[]),
        value: U256::zero(),
        code_address: Address([0; 20]),
        delegated: false,
    };

    /// An execution's data, over a host and frame of its own.
    fn data<'a>(host: &'a mut NoHost, frame: &'a mut FrameData) -> EeiCtx<'a> {
        let schedule = Schedule::of(Revision::Osaka).expect("a revision with a schedule");
        EeiCtx::new(host, schedule, &MESSAGE, frame)
    }

    fn frame() -> FrameData {
        FrameData::new(Arc::from(&[][..]))
    }

    fn store<'a>(host: &'a mut NoHost, frame: &'a mut FrameData) -> Store<EeiCtx<'a>> {
        let engine = engine::Engine::default();
        let module = engine::Module::from_wat(&engine, "(module (memory 1))").expect("valid");
        let mut store = Store::new(&engine, data(host, frame));
        store
            .instantiate_with(&module, |_, _| None)
            .expect("instantiates");
        store
    }

    fn resume(slot: &Slot) -> bool {
        slot.resume(data(&mut NoHost, &mut frame()), (10, 10))
            .is_ok()
    }

    #[test]
    fn an_executor_keeps_the_most_recently_kept_max_kept() {
        let kept = Kept::default();
        let slots: Vec<Arc<Slot>> = (0..MAX_KEPT + 4).map(|_| Arc::default()).collect();
        for slot in &slots {
            kept.keep(slot, store(&mut NoHost, &mut frame()));
        }
        assert_eq!(kept.count(), MAX_KEPT);
        // The first four were dropped for the last four.
        let held: Vec<bool> = slots.iter().map(|s| s.holds()).collect();
        assert!(held[..4].iter().all(|h| !h) && held[4..].iter().all(|h| *h));
        // A slot holds one: a second is dropped.
        kept.keep(&slots[4], store(&mut NoHost, &mut frame()));
        assert_eq!(kept.count(), MAX_KEPT);
        // Resumed and kept again, an instance is the most recent: the
        // next new one drops the least recent (slot 5), not it.
        assert!(resume(&slots[4]));
        assert!(!resume(&slots[4]));
        kept.keep(&slots[4], store(&mut NoHost, &mut frame()));
        kept.keep(&slots[0], store(&mut NoHost, &mut frame()));
        assert!(slots[4].holds() && slots[0].holds() && !slots[5].holds());
        assert_eq!(kept.count(), MAX_KEPT);
        // One that does not resume is taken all the same.
        assert!(slots[6]
            .resume(data(&mut NoHost, &mut frame()), (0, 0))
            .is_err());
        assert!(!slots[6].holds());
        assert_eq!(kept.count(), MAX_KEPT - 1);
    }
}
