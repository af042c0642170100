//! Instances: a module's entities allocated in a store, and instantiation.

use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::exec;
use crate::extern_::{Extern, Global, Memory, Table};
use crate::func::Func;
use crate::module::{
    ConstExpr, DataMode, ElemMode, ElemSegment, ExternIndex, Module, ModuleExport, ModuleInner,
};
use crate::store::{
    FuncEntity, FuncKind, GlobalEntity, MemoryEntity, Store, StoreInner, TableEntity,
};
use crate::trap::TrapCode;

/// An instance of a module in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

/// An instance's entities, as store indices.
#[derive(Debug)]
pub(crate) struct InstanceEntity {
    pub(crate) module: Arc<ModuleInner>,
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    pub(crate) elems: Vec<u32>,
    pub(crate) datas: Vec<u32>,
}

impl InstanceEntity {
    /// The store entity behind the module's export `index`, in store
    /// `store` (`None` only if the instance is not the module's).
    fn extern_of(&self, index: ExternIndex, store: u32) -> Option<Extern> {
        Some(match index {
            ExternIndex::Func(i) => Extern::Func(Func {
                store,
                index: *self.funcs.get(i as usize)?,
            }),
            ExternIndex::Table(i) => Extern::Table(Table {
                store,
                index: *self.tables.get(i as usize)?,
            }),
            ExternIndex::Memory(i) => Extern::Memory(Memory {
                store,
                index: *self.memories.get(i as usize)?,
            }),
            ExternIndex::Global(i) => Extern::Global(Global {
                store,
                index: *self.globals.get(i as usize)?,
            }),
        })
    }
}

impl Instance {
    /// The export called `name`.
    ///
    /// # Panics
    ///
    /// If the instance belongs to another store (so do the other getters).
    pub fn get_export<T>(&self, store: &Store<T>, name: &str) -> Option<Extern> {
        assert_eq!(self.store, store.id(), "Instance used with another store");
        let entity = &store.inner.instances[self.index as usize];
        entity.extern_of(entity.module.export(name)?, self.store)
    }

    /// The export `export` found in this instance's module
    /// ([`Module::get_export_index`]): what [`Instance::get_export`] gives
    /// for its name, without looking the name up. `None` if `export` is
    /// another module's.
    pub fn get_module_export<T>(&self, store: &Store<T>, export: &ModuleExport) -> Option<Extern> {
        assert_eq!(self.store, store.id(), "Instance used with another store");
        let entity = &store.inner.instances[self.index as usize];
        entity.extern_of(export.index_in(&entity.module)?, self.store)
    }

    /// The exported function called `name`.
    pub fn get_func<T>(&self, store: &Store<T>, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported memory called `name`.
    pub fn get_memory<T>(&self, store: &Store<T>, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table called `name`.
    pub fn get_table<T>(&self, store: &Store<T>, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global called `name`.
    pub fn get_global<T>(&self, store: &Store<T>, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// Every export, by name.
    pub fn exports<'a, T>(&self, store: &'a Store<T>) -> impl Iterator<Item = (&'a str, Extern)> {
        assert_eq!(self.store, store.id(), "Instance used with another store");
        let entity = &store.inner.instances[self.index as usize];
        let id = self.store;
        entity.module.exports_by_name.iter().filter_map(move |&at| {
            let (name, index) = entity.module.exports.get(at as usize)?;
            Some((name.as_str(), entity.extern_of(*index, id)?))
        })
    }
}

/// Evaluates a constant expression while the instance is being built.
pub(crate) fn eval(expr: ConstExpr, funcs: &[u32], globals: &[u32], store: &[GlobalEntity]) -> u64 {
    match expr {
        ConstExpr::Value(v) => v,
        // Validation checks both indices against the module.
        ConstExpr::RefFunc(f) => u64::from(funcs[f as usize]) + 1,
        ConstExpr::GlobalGet(g) => store[globals[g as usize] as usize].value,
    }
}

/// Instantiates `module` in `store` with already type-checked `imports`,
/// runs segment initialization and the start function.
pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance, Error> {
    let m = &module.inner;
    let inner = &mut store.inner;
    let index = inner.instances.len() as u32;
    let (max_memory_pages, max_table_elements) = {
        let config = inner.engine.config();
        (config.max_memory_pages, config.max_table_elements)
    };
    let mut entity = InstanceEntity {
        module: Arc::clone(m),
        funcs: inner.indices(m.funcs.len()),
        tables: inner.indices(m.tables.len()),
        memories: inner.indices(m.memories.len()),
        globals: inner.indices(m.globals.len()),
        elems: inner.indices(m.elems.len()),
        datas: inner.indices(m.datas.len()),
    };
    for import in imports {
        match *import {
            Extern::Func(f) => entity.funcs.push(f.index),
            Extern::Table(t) => entity.tables.push(t.index),
            Extern::Memory(mem) => entity.memories.push(mem.index),
            Extern::Global(g) => entity.globals.push(g.index),
        }
    }
    // What the new memories and tables take from the store's allowance,
    // taken once the memories (checked against the config first) exist and
    // before anything enters the store; a failed instantiation leaves the
    // store unusable for the contract anyway.
    let (pages, elements) = m.initial_growth();
    // Create the memories first, so that a limit error leaves nothing
    // half-built that code could reach: they are taken back out of the
    // store if one of them, or the allowance, fails.
    let first_memory = inner.memories.len();
    let created = m.memories[m.num_imported_memories as usize..]
        .iter()
        .try_for_each(|ty| {
            let memory = MemoryEntity::new(&inner.engine, *ty, max_memory_pages)?;
            inner.memories.push(memory);
            Ok(())
        })
        .and_then(|()| inner.allowance.take(pages, elements));
    if let Err(error) = created {
        for memory in inner.memories.drain(first_memory..) {
            inner.engine.return_memory(memory.bytes);
        }
        return Err(error);
    }
    let first_func = inner.funcs.len() as u32;
    for (i, &ty) in m.funcs[m.num_imported_funcs as usize..].iter().enumerate() {
        entity.funcs.push(first_func + i as u32);
        inner.funcs.push(FuncEntity {
            ty: m.type_ids[ty as usize],
            kind: FuncKind::Wasm {
                instance: index,
                index: i as u32,
            },
        });
    }
    for (ty, init) in m.globals[m.num_imported_globals as usize..]
        .iter()
        .zip(&m.global_inits)
    {
        let value = eval(*init, &entity.funcs, &entity.globals, &inner.globals);
        entity.globals.push(inner.globals.len() as u32);
        inner.globals.push(GlobalEntity { value, ty: *ty });
    }
    for (ty, init) in m.tables[m.num_imported_tables as usize..]
        .iter()
        .zip(&m.table_inits)
    {
        let init = eval(*init, &entity.funcs, &entity.globals, &inner.globals);
        let table = TableEntity::new(*ty, init, max_table_elements, inner.words(0))?;
        entity.tables.push(inner.tables.len() as u32);
        inner.tables.push(table);
    }
    let created = first_memory as u32..inner.memories.len() as u32;
    entity.memories.extend(created);
    for segment in &m.elems {
        let mut items = inner.words(segment.items.len());
        items.extend(segment_items(
            segment,
            &entity.funcs,
            &entity.globals,
            &inner.globals,
        ));
        entity.elems.push(inner.elems.len() as u32);
        inner.elems.push(items);
    }
    for segment in &m.datas {
        entity.datas.push(inner.datas.len() as u32);
        inner.datas.push(Arc::clone(&segment.bytes));
    }
    let store_id = inner.id;
    inner.instances.push(entity);
    let instance = Instance {
        store: store_id,
        index,
    };
    initialize(&mut store.inner, index)?;
    if let Some(start) = m.start {
        let func = store.inner.instances[index as usize].funcs[start as usize];
        let mut no_values = [];
        exec::call(store, func, &mut no_values)?;
    }
    Ok(instance)
}

/// The references element segment `segment` holds once evaluated, for an
/// instance of functions `funcs` and globals `globals` (`instantiate`, and
/// `park::reset` making the segment again).
pub(crate) fn segment_items<'a>(
    segment: &'a ElemSegment,
    funcs: &'a [u32],
    globals: &'a [u32],
    store: &'a [GlobalEntity],
) -> impl Iterator<Item = u64> + 'a {
    segment
        .items
        .iter()
        .map(|item| eval(*item, funcs, globals, store))
}

/// Runs the active element and data segments in order, as `table.init`
/// and `memory.init` followed by a drop; declared segments are dropped.
pub(crate) fn initialize(inner: &mut StoreInner, index: u32) -> Result<(), Error> {
    let entity = &inner.instances[index as usize];
    let m = Arc::clone(&entity.module);
    for (i, segment) in m.elems.iter().enumerate() {
        let seg = entity.elems[i] as usize;
        match segment.mode {
            ElemMode::Passive => continue,
            ElemMode::Declared => {}
            ElemMode::Active { table, offset } => {
                let offset =
                    eval(offset, &entity.funcs, &entity.globals, &inner.globals) as u32 as usize;
                let items = &inner.elems[seg];
                let table = &mut inner.tables[entity.tables[table as usize] as usize];
                let dst = offset
                    .checked_add(items.len())
                    .and_then(|end| table.elems.get_mut(offset..end))
                    .ok_or(TrapCode::TableOutOfBounds)?;
                dst.copy_from_slice(items);
            }
        }
        inner.elems[seg].clear();
    }
    for (i, segment) in m.datas.iter().enumerate() {
        let seg = entity.datas[i] as usize;
        let DataMode::Active { offset } = segment.mode else {
            continue;
        };
        let offset = eval(offset, &entity.funcs, &entity.globals, &inner.globals) as u32 as usize;
        let bytes = &inner.datas[seg];
        let memory = match entity.memories.first() {
            Some(&mem) => &mut inner.memories[mem as usize],
            None => {
                return Err(Error::new(ErrorKind::Type(
                    "data segment without a memory".into(),
                )))
            }
        };
        let dst = offset
            .checked_add(bytes.len())
            .and_then(|end| memory.bytes.get_mut(offset..end))
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        dst.copy_from_slice(bytes);
        inner.datas[seg] = crate::store::no_data();
    }
    Ok(())
}
