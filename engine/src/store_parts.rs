//! A dropped store's vectors, emptied with their capacity kept, for the
//! engine's next store: a short call in a fresh store would otherwise
//! allocate each of them again (its functions, memories, globals, the
//! instance and its index vectors, its segments, the modules it pins).
//!
//! Bounded: a store whose vectors hold more than [`MAX_BYTES`] of capacity
//! is not kept, and the engine keeps at most [`POOLED_STORES`] (8), so the
//! pool's memory does not depend on what contracts do.

use std::sync::Arc;

use crate::extern_::Extern;
use crate::instance::InstanceEntity;
use crate::module::Module;
use crate::store::{FuncEntity, GlobalEntity, MemoryEntity, StoreInner, TableEntity};

/// The most capacity, in bytes, a kept store's vectors may hold together.
const MAX_BYTES: usize = 64 << 10;

/// The most stores' vectors the engine keeps.
const POOLED_STORES: usize = 8;

/// The most emptied index vectors of instances kept with a store.
const MAX_INDICES: usize = 32;

/// The most emptied element vectors (of tables and element segments) kept
/// with a store.
const MAX_WORDS: usize = 8;

/// The largest element vector kept, in elements (4 KiB): a contract
/// compiled from C or Rust has one table of a few elements, and a segment
/// that fills it.
const MAX_WORDS_LEN: usize = 512;

/// The engine's pool: slots of vectors, the first `filled` of them
/// holding a dropped store's (the rest empty and unallocated), so that
/// taking and giving swap vectors and never move a slot.
#[derive(Debug, Default)]
pub(crate) struct StorePool {
    slots: [StoreParts; POOLED_STORES],
    filled: usize,
}

impl StorePool {
    /// How many stores' vectors the pool holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.filled
    }
}

/// The store's pooled vectors, listed once: the pool's struct, the swap
/// between a store and a slot, the clearing before a store's vectors are
/// pooled and their byte count are all made from this list, so that none
/// of them can miss a vector (one missed by the clearing would hand a new
/// store a full one). `$d` is `$`, for the arguments of the swap macro
/// defined inside.
macro_rules! store_vectors {
    ($d:tt $($field:ident: $ty:ty,)*) => {
        /// The vectors of a store, all empty.
        #[derive(Debug, Default)]
        struct StoreParts {
            $($field: $ty,)*
            /// Emptied index vectors of dropped instances, for new ones
            /// ([`StoreInner::indices`]).
            indices: Vec<Vec<u32>>,
            /// Emptied element vectors of dropped tables and element
            /// segments, for new ones ([`StoreInner::words`]).
            words: Vec<Vec<u64>>,
        }

        /// Swaps each vector of `$a` with the same of `$b`: field by field,
        /// so that neither side is moved whole (some 260 bytes, copied by
        /// `memcpy`), and so that a store's other fields (its engine, whose
        /// pool is locked) stay free to borrow.
        macro_rules! swap_vectors {
            ($d a:expr, $d b:expr) => {
                $(std::mem::swap(&mut $d a.$field, &mut $d b.$field);)*
                std::mem::swap(&mut $d a.indices, &mut $d b.indices);
                std::mem::swap(&mut $d a.words, &mut $d b.words);
            };
        }

        impl StoreInner {
            /// Empties the store's vectors, dropping what they hold, all
            /// but the kept index and element vectors (`indices`, `words`).
            fn clear_vectors(&mut self) {
                $(self.$field.clear();)*
            }

            /// The bytes the store's vectors' capacities hold together.
            pub(crate) fn vector_bytes(&self) -> usize {
                let indices: usize = self.indices.iter().map(bytes).sum();
                let words: usize = self.words.iter().map(bytes).sum();
                [$(bytes(&self.$field),)* bytes(&self.indices), indices, bytes(&self.words), words]
                    .iter()
                    .fold(0usize, |sum, b| sum.saturating_add(*b))
            }
        }
    };
}

store_vectors! {$
    funcs: Vec<FuncEntity>,
    memories: Vec<MemoryEntity>,
    tables: Vec<TableEntity>,
    globals: Vec<GlobalEntity>,
    instances: Vec<InstanceEntity>,
    elems: Vec<Vec<u64>>,
    datas: Vec<Arc<[u8]>>,
    host_types: Vec<u32>,
    pinned: Vec<Module>,
    imports: Vec<Extern>,
}

/// The bytes a vector's capacity holds.
fn bytes<T>(v: &Vec<T>) -> usize {
    v.capacity().saturating_mul(std::mem::size_of::<T>())
}

impl StoreInner {
    /// Takes a dropped store's vectors from the engine's pool, if it has
    /// some: the store's own must be empty and unallocated (a new store's).
    pub(crate) fn reuse_vectors(&mut self) {
        let mut pool = self.engine.store_pool();
        let Some(last) = pool.filled.checked_sub(1) else {
            return;
        };
        if let Some(parts) = pool.slots.get_mut(last) {
            // The slot gets the store's empty, unallocated vectors.
            swap_vectors!(parts, self);
            pool.filled = last;
        }
    }

    /// Empties the store's vectors (dropping what they hold; the memories
    /// must have been given back first) and gives them to the engine's
    /// pool, with the instances' index vectors, unless they hold more
    /// than [`MAX_BYTES`] or the pool is full.
    pub(crate) fn recycle_vectors(&mut self) {
        // Instances and their vectors in the reverse of the order in which
        // instantiation takes them back (`indices`, last kept first given),
        // so that each vector goes back to the role it had and has the
        // room for it already: given back in order, a function index vector
        // came back as a memory's, one element long, and grew.
        for entity in self.instances.iter_mut().rev() {
            for v in [
                &mut entity.datas,
                &mut entity.elems,
                &mut entity.globals,
                &mut entity.memories,
                &mut entity.tables,
                &mut entity.funcs,
            ] {
                if v.capacity() > 0 && self.indices.len() < MAX_INDICES {
                    let mut v = std::mem::take(v);
                    v.clear();
                    self.indices.push(v);
                }
            }
        }
        // The tables' and element segments' vectors, emptied, while they
        // are small (each one a call would otherwise allocate and free).
        let tables = self.tables.iter_mut().map(|t| &mut t.elems);
        for v in tables.chain(self.elems.iter_mut()) {
            if v.capacity() > 0 && v.capacity() <= MAX_WORDS_LEN && self.words.len() < MAX_WORDS {
                let mut v = std::mem::take(v);
                v.clear();
                self.words.push(v);
            }
        }
        self.clear_vectors();
        if self.vector_bytes() > MAX_BYTES {
            return;
        }
        let mut pool = self.engine.store_pool();
        let next = pool.filled;
        if let Some(parts) = pool.slots.get_mut(next) {
            // The store gets the slot's empty, unallocated vectors.
            swap_vectors!(parts, self);
            pool.filled = next + 1;
        }
    }

    /// An empty index vector with room for `capacity`, reusing a dropped
    /// instance's when there is one.
    pub(crate) fn indices(&mut self, capacity: usize) -> Vec<u32> {
        if capacity == 0 {
            return Vec::new();
        }
        spare(&mut self.indices, capacity)
    }

    /// An empty element vector with room for `capacity`, reusing a dropped
    /// table's or element segment's when there is one (whatever
    /// `capacity`: a table reserves its own room, fallibly).
    pub(crate) fn words(&mut self, capacity: usize) -> Vec<u64> {
        spare(&mut self.words, capacity)
    }
}

/// An empty vector with room for `capacity`: the last of the emptied
/// vectors `kept`, or a new one.
fn spare<T>(kept: &mut Vec<Vec<T>>, capacity: usize) -> Vec<T> {
    match kept.pop() {
        Some(mut v) => {
            v.reserve(capacity);
            v
        }
        None => Vec::with_capacity(capacity),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Linker, Module, Store, Val};

    fn run(engine: &Engine, wat: &str) {
        let module = Module::from_wat(engine, wat).expect("valid");
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine)
            .instantiate(&mut store, &module)
            .expect("instantiates");
        let main = instance.get_func(&store, "main").expect("exported");
        main.call(&mut store, &[], &mut []).expect("runs");
    }

    const SMALL: &str = r#"(module
        (memory 1) (global $g (mut i32) (i32.const 7)) (data (i32.const 0) "ab")
        (func $f) (func (export "main") (global.set $g (i32.const 8)) (call $f)))"#;

    #[test]
    fn a_dropped_store_leaves_its_vectors_empty_for_the_next() {
        let engine = Engine::default();
        run(&engine, SMALL);
        let pool = engine.store_pool();
        assert_eq!(pool.len(), 1);
        let parts = &pool.slots[0];
        assert!(parts.funcs.is_empty() && parts.funcs.capacity() >= 2);
        assert!(parts.globals.is_empty() && parts.globals.capacity() >= 1);
        assert!(parts.instances.is_empty() && parts.datas.is_empty());
        assert!(parts.memories.is_empty() && parts.pinned.is_empty());
        // The instance's index vectors (functions, globals, memories,
        // data segments), emptied.
        assert_eq!(parts.indices.len(), 4);
        assert!(parts.indices.iter().all(Vec::is_empty));
        drop(pool);
        // The next store starts from them and runs as the first did.
        let store = Store::new(&engine, ());
        assert!(store.inner.funcs.capacity() >= 2);
        assert_eq!(engine.store_pool().len(), 0);
        drop(store);
        run(&engine, SMALL);
        assert_eq!(engine.store_pool().len(), 1);
    }

    /// A table of 4 (two set by an active segment), a passive segment of
    /// two functions: `main` copies the passive segment into slots 2 and
    /// 3, drops both segments, and gives what slots 0-3 held before it
    /// (function `$a` is 1, `$b` 2, null 0).
    const TABLE: &str = r#"(module
        (type $t (func (result i32)))
        (table 4 funcref)
        (func $a (result i32) (i32.const 1))
        (func $b (result i32) (i32.const 2))
        (elem $active (i32.const 0) func $a $b)
        (elem $passive func $b $a)
        (func $slot (param i32) (result i32)
            (if (result i32) (ref.is_null (table.get (local.get 0)))
                (then (i32.const 0))
                (else (call_indirect (type $t) (local.get 0)))))
        (func (export "main") (result i32 i32 i32 i32)
            (call $slot (i32.const 0)) (call $slot (i32.const 1))
            (call $slot (i32.const 2)) (call $slot (i32.const 3))
            (table.init $passive (i32.const 2) (i32.const 0) (i32.const 2))
            (elem.drop $passive) (elem.drop $active)))"#;

    #[test]
    fn a_dropped_stores_tables_and_segments_lend_their_vectors_to_the_next_emptied() {
        let engine = Engine::default();
        let module = Module::from_wat(&engine, TABLE).expect("valid");
        let slots = || {
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .expect("instantiates");
            let main = instance.get_func(&store, "main").expect("exported");
            let mut results: [Val; 4] = std::array::from_fn(|_| Val::I32(-1));
            main.call(&mut store, &[], &mut results).expect("runs");
            results
        };
        let fresh = [Val::I32(1), Val::I32(2), Val::I32(0), Val::I32(0)];
        assert_eq!(slots(), fresh);
        {
            // The table's and both segments' vectors, emptied.
            let pool = engine.store_pool();
            assert_eq!(pool.slots[0].words.len(), 3);
            assert!(pool.slots[0].words.iter().all(Vec::is_empty));
        }
        // The next store's table and segments are made in them, and hold
        // what a fresh store's would: the first run's writes and drops
        // are gone.
        assert_eq!(slots(), fresh);
        assert_eq!(engine.store_pool().slots[0].words.len(), 3);
    }

    #[test]
    fn a_store_with_more_than_the_bound_of_capacity_is_not_kept() {
        let engine = Engine::default();
        // 5,000 functions: 80 KB of function entities.
        let funcs = "(func)".repeat(5_000);
        run(
            &engine,
            &format!(r#"(module {funcs} (func (export "main")))"#),
        );
        assert_eq!(engine.store_pool().len(), 0);
    }
}
