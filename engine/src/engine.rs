//! The engine: configuration plus the registry of function types shared by
//! every module compiled with it.
//!
//! The registry counts references: each module holds one for each entry of
//! its type section, each store one for each host function put in it, and a
//! type is freed (its id reused) when the last goes. So the registry holds
//! the types of the modules and stores alive, not of every module ever
//! compiled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::config::Config;
use crate::exec::ValueStack;
use crate::linear::LinearBytes;
use crate::store_parts::StorePool;
use crate::value::FuncType;

/// Value stacks kept for reuse by the engine's stores: allocating one
/// (half a megabyte, zeroed) is most of the cost of a short call in a fresh
/// store.
const POOLED_STACKS: usize = 8;

/// Linear memories kept for reuse by the engine's stores, each with at
/// most [`REUSE_MAX_DIRTY`](crate::linear::REUSE_MAX_DIRTY) bytes written
/// by its last user and never larger than
/// [`REUSE_MAX_LEN`](crate::linear::REUSE_MAX_LEN): a fresh memory costs a
/// mapping and a page fault per page touched, a reused one a `memset` of
/// the pages its last user wrote. The pool holds at most this many times
/// `REUSE_MAX_LEN` (4 MiB) resident, 32 MiB, whatever contracts do.
const POOLED_MEMORIES: usize = 8;

/// Compiles modules and creates stores with one [`Config`].
///
/// Cheap to clone: clones share the configuration and the type registry,
/// so that `call_indirect` compares function types by one integer.
///
/// ```
/// let engine = engine::Engine::default();
/// let module = engine::Module::from_wat(&engine, "(module)")?;
/// # let _ = module;
/// # Ok::<(), engine::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug, Default)]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
    /// Value stacks for stores to take. Boxed, as a store keeps its spare
    /// (`StoreInner::spare_stack`): unboxed here, each one taken would be
    /// boxed again, an allocation.
    #[allow(clippy::vec_box)]
    stacks: Mutex<Vec<Box<ValueStack>>>,
    /// Cleared memories of length 0 ([`LinearBytes::clear_for_reuse`]).
    memories: Mutex<Vec<LinearBytes>>,
    /// Dropped stores' vectors, emptied.
    parts: Mutex<StorePool>,
    /// The cost model's price of each operator, by its index in
    /// [`Opcode::ALL`](crate::Opcode::ALL): asked once, read for every
    /// operator translated.
    operator_costs: Box<[u64]>,
}

#[derive(Debug, Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    /// By id: the type and its references; `None` for a freed id.
    types: Vec<Option<(FuncType, usize)>>,
    /// Freed ids, for reuse.
    free: Vec<u32>,
}

/// Locks one of the engine's pools or its registry. None holds an
/// invariant a panic elsewhere could break, so a poisoned lock is taken
/// as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: &Config) -> Self {
        Self {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: Mutex::default(),
                stacks: Mutex::default(),
                memories: Mutex::default(),
                parts: Mutex::default(),
                operator_costs: crate::Opcode::ALL
                    .iter()
                    .map(|&op| config.cost_model.operator_cost(op))
                    .collect(),
            }),
        }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The configuration's cost model's price of each operator, by its
    /// index in [`Opcode::ALL`](crate::Opcode::ALL).
    pub(crate) fn operator_costs(&self) -> &[u64] {
        &self.inner.operator_costs
    }

    /// The engine-wide id of a function type (equal types, equal ids), with
    /// one more reference to it: each call must be matched by one
    /// [`Engine::release_type`] when the holder goes.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut registry = self.registry();
        if let Some(&id) = registry.ids.get(ty) {
            if let Some(Some((_, refs))) = registry.types.get_mut(id as usize) {
                *refs += 1;
            }
            return id;
        }
        let id = match registry.free.pop() {
            Some(id) => {
                registry.types[id as usize] = Some((ty.clone(), 1));
                id
            }
            None => {
                let id = registry.types.len() as u32;
                registry.types.push(Some((ty.clone(), 1)));
                id
            }
        };
        registry.ids.insert(ty.clone(), id);
        id
    }

    /// Drops one reference to type `id`, freeing it with the last.
    pub(crate) fn release_type(&self, id: u32) {
        let mut registry = self.registry();
        let Some(entry) = registry.types.get_mut(id as usize) else {
            return;
        };
        let freed = match entry {
            Some((_, refs)) if *refs > 1 => {
                *refs -= 1;
                None
            }
            _ => entry.take(),
        };
        if let Some((ty, _)) = freed {
            registry.ids.remove(&ty);
            registry.free.push(id);
        }
    }

    /// How many distinct function types the engine's live modules and
    /// stores use.
    pub fn type_count(&self) -> usize {
        self.registry().ids.len()
    }

    fn registry(&self) -> MutexGuard<'_, TypeRegistry> {
        lock(&self.inner.types)
    }

    /// The function type with engine-wide id `id`.
    pub(crate) fn func_type(&self, id: u32) -> FuncType {
        self.registry()
            .types
            .get(id as usize)
            .and_then(|entry| entry.as_ref())
            .map(|(ty, _)| ty.clone())
            .unwrap_or_else(|| FuncType::new([], []))
    }

    /// A value stack from the pool, if one is there.
    pub(crate) fn take_stack(&self) -> Option<Box<ValueStack>> {
        lock(&self.inner.stacks).pop()
    }

    /// Gives a value stack back to the pool (dropped if the pool is full).
    pub(crate) fn return_stack(&self, stack: Box<ValueStack>) {
        let mut stacks = lock(&self.inner.stacks);
        if stacks.len() < POOLED_STACKS {
            stacks.push(stack);
        }
    }

    /// A zeroed memory of `size` bytes from the pool, if one there has
    /// room for it: one with room for `max` if there is one, so that the
    /// memory grows without copying.
    pub(crate) fn take_memory(&self, size: usize, max: usize) -> Option<LinearBytes> {
        let mut memories = lock(&self.inner.memories);
        let at = memories
            .iter()
            .position(|m| m.capacity() >= max)
            .or_else(|| memories.iter().position(|m| m.capacity() >= size))?;
        let mut bytes = memories.swap_remove(at);
        drop(memories);
        bytes.reuse(size)?;
        Some(bytes)
    }

    /// Gives a memory back to the pool, cleared; dropped if the pool is
    /// full or clearing would cost more than a fresh one.
    pub(crate) fn return_memory(&self, mut bytes: LinearBytes) {
        if self.pooled_memories() >= POOLED_MEMORIES || !bytes.clear_for_reuse() {
            return;
        }
        let mut memories = lock(&self.inner.memories);
        if memories.len() < POOLED_MEMORIES {
            memories.push(bytes);
        }
    }

    /// The pool of dropped stores' emptied vectors, locked
    /// ([`StoreInner::reuse_vectors`](crate::store::StoreInner),
    /// `recycle_vectors`).
    pub(crate) fn store_pool(&self) -> MutexGuard<'_, StorePool> {
        lock(&self.inner.parts)
    }

    /// How many memories the pool holds.
    fn pooled_memories(&self) -> usize {
        lock(&self.inner.memories).len()
    }

    /// Whether every memory in the pool is all zero, its map of written
    /// pages included, and how many there are (tests of the reuse: a byte
    /// left over would leak one execution's data into the next).
    #[cfg(feature = "testing")]
    pub fn pooled_memories_zeroed(&self) -> (usize, bool) {
        let memories = lock(&self.inner.memories);
        (memories.len(), memories.iter().all(LinearBytes::all_zero))
    }

    /// Whether two engines are the same one.
    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Engine;
    use crate::cost::CostModel;
    use crate::{Config, Opcode};

    /// Prices each operator by its name's length and first letter, so that
    /// two operators rarely share a price.
    #[derive(Debug)]
    struct ByName;

    impl CostModel for ByName {
        fn operator_cost(&self, op: Opcode) -> u64 {
            let name = op.name();
            name.len() as u64 * 256 + u64::from(name.as_bytes()[0])
        }

        fn memory_grow_page_cost(&self) -> u64 {
            1
        }

        fn bulk_unit_cost(&self) -> u64 {
            1
        }
    }

    #[test]
    fn the_kept_prices_are_the_cost_models_for_every_operator() {
        let mut config = Config::default();
        config.consume_fuel(true).cost_model(Arc::new(ByName));
        let engine = Engine::new(&config);
        for &op in Opcode::ALL {
            assert_eq!(
                engine.operator_costs().get(op as usize),
                Some(&ByName.operator_cost(op)),
                "{}",
                op.name()
            );
        }
    }
}
