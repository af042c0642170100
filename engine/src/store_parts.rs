//! A dropped store's vectors, emptied with their capacity kept, for the
//! engine's next store: a short call in a fresh store would otherwise
//! allocate each of them again (its functions, memories, globals, the
//! instance and its index vectors, its segments, the modules it pins).
//!
//! Bounded: a store whose vectors hold more than [`MAX_BYTES`] of capacity
//! is not kept, and the engine keeps at most a few
//! ([`Engine::return_parts`](crate::Engine)), so the pool's memory does not
//! depend on what contracts do.

use std::sync::Arc;

use crate::extern_::Extern;
use crate::instance::InstanceEntity;
use crate::module::Module;
use crate::store::{FuncEntity, GlobalEntity, MemoryEntity, StoreInner, TableEntity};

/// The most capacity, in bytes, a kept store's vectors may hold together.
pub(crate) const MAX_BYTES: usize = 64 << 10;

/// The most emptied index vectors of instances kept with a store.
const MAX_INDICES: usize = 32;

/// The vectors of a store, all empty.
#[derive(Debug, Default)]
pub(crate) struct StoreParts {
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) instances: Vec<InstanceEntity>,
    pub(crate) elems: Vec<Box<[u64]>>,
    pub(crate) datas: Vec<Arc<[u8]>>,
    pub(crate) host_types: Vec<u32>,
    pub(crate) pinned: Vec<Module>,
    pub(crate) imports: Vec<Extern>,
    /// Emptied index vectors of dropped instances, for new ones
    /// ([`StoreInner::indices`]).
    pub(crate) indices: Vec<Vec<u32>>,
}

/// The bytes a vector's capacity holds.
fn bytes<T>(v: &Vec<T>) -> usize {
    v.capacity().saturating_mul(std::mem::size_of::<T>())
}

impl StoreParts {
    /// Takes `inner`'s vectors, emptying them (their contents are dropped;
    /// the memories must have been taken out first, to be given back to
    /// the engine's pool), and the instances' index vectors with them.
    pub(crate) fn take(inner: &mut StoreInner) -> Self {
        let mut parts = Self {
            funcs: std::mem::take(&mut inner.funcs),
            memories: std::mem::take(&mut inner.memories),
            tables: std::mem::take(&mut inner.tables),
            globals: std::mem::take(&mut inner.globals),
            instances: std::mem::take(&mut inner.instances),
            elems: std::mem::take(&mut inner.elems),
            datas: std::mem::take(&mut inner.datas),
            host_types: std::mem::take(&mut inner.host_types),
            pinned: std::mem::take(&mut inner.pinned),
            imports: std::mem::take(&mut inner.imports),
            indices: std::mem::take(&mut inner.indices),
        };
        for entity in parts.instances.drain(..) {
            let InstanceEntity {
                funcs,
                tables,
                memories,
                globals,
                elems,
                datas,
                ..
            } = entity;
            for mut v in [funcs, tables, memories, globals, elems, datas] {
                if v.capacity() > 0 && parts.indices.len() < MAX_INDICES {
                    v.clear();
                    parts.indices.push(v);
                }
            }
        }
        parts.funcs.clear();
        parts.memories.clear();
        parts.tables.clear();
        parts.globals.clear();
        parts.elems.clear();
        parts.datas.clear();
        parts.host_types.clear();
        parts.pinned.clear();
        parts.imports.clear();
        parts
    }

    /// The bytes the vectors' capacities hold together.
    pub(crate) fn capacity_bytes(&self) -> usize {
        let indices: usize = self.indices.iter().map(bytes).sum();
        [
            bytes(&self.funcs),
            bytes(&self.memories),
            bytes(&self.tables),
            bytes(&self.globals),
            bytes(&self.instances),
            bytes(&self.elems),
            bytes(&self.datas),
            bytes(&self.host_types),
            bytes(&self.pinned),
            bytes(&self.imports),
            bytes(&self.indices),
            indices,
        ]
        .iter()
        .fold(0usize, |sum, b| sum.saturating_add(*b))
    }
}

impl StoreInner {
    /// An empty index vector with room for `capacity`, reusing a dropped
    /// instance's when there is one.
    pub(crate) fn indices(&mut self, capacity: usize) -> Vec<u32> {
        if capacity == 0 {
            return Vec::new();
        }
        match self.indices.pop() {
            Some(mut v) => {
                v.reserve(capacity);
                v
            }
            None => Vec::with_capacity(capacity),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Linker, Module, Store};

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
        let parts = engine.take_parts().expect("kept");
        assert!(parts.funcs.is_empty() && parts.funcs.capacity() >= 2);
        assert!(parts.globals.is_empty() && parts.globals.capacity() >= 1);
        assert!(parts.instances.is_empty() && parts.datas.is_empty());
        assert!(parts.memories.is_empty() && parts.pinned.is_empty());
        // The instance's index vectors (functions, globals, memories,
        // data segments), emptied.
        assert_eq!(parts.indices.len(), 4);
        assert!(parts.indices.iter().all(Vec::is_empty));
        engine.return_parts(parts);
        // The next store starts from them and runs as the first did.
        run(&engine, SMALL);
        assert!(engine.take_parts().is_some());
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
        assert!(engine.take_parts().is_none());
    }
}
