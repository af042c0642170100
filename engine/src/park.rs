//! An instance kept between runs: a store taken apart after a run, its one
//! instance reset to the state its instantiation left, and put together
//! again with new data, so that an embedder running the same module again
//! and again (a contract call per message) does not build the instance
//! each time, nor link its imports again.
//!
//! Reset, the instance is what a fresh instantiation gives: the memory's
//! written pages cleared and its size back to its minimum, then the
//! globals, the tables, the element and data segments made again from
//! the module and the active segments applied, exactly as `instantiate`
//! does. What is kept is only what instantiation builds that no run can
//! change: the store's entities and host functions, the instance's index
//! vectors and the memory's mapping. A store that cannot be reset that way is not kept:
//! one with a start function (a reset would have to run it), imports
//! other than functions, more than one instance, host references, or a
//! profile or hook. Nor is one that would hold much while kept: a memory
//! ever larger than 2 MiB, tables and segments with room for more than
//! 65,536 elements (a value stack of more than 2 MiB is dropped instead).

use std::sync::Arc;

use crate::host_funcs::HostFuncs;
use crate::instance::{eval, initialize, segment_items, Instance};
use crate::store::{next_serial, Allowance, Store, StoreInner, PAGE_SIZE};

/// The most room for table and segment elements a parked store may hold
/// (512 KiB).
const MAX_ELEMENTS: usize = 1 << 16;

/// The largest a parked store's memory may ever have been (2 MiB, 32
/// pages: a contract compiled from Rust starts with 17): the pages its
/// runs wrote stay resident, cleared, while it is kept.
const MAX_MEMORY: usize = 2 << 20;

/// The most value slots a parked store's spare value stack may have (2
/// MiB: four times the frame window a first call takes, which a call from
/// it doubles); a larger one is dropped. Dropping any grown one costs
/// the next run a fresh window: a WRC20 call took 40 µs instead of 2.
const MAX_STACK_SLOTS: usize = 1 << 18;

/// A store's one instance, reset to the state its instantiation left, and
/// its host functions, without the store's data ([`Store::park`]).
/// [`Parked::resume`] gives it new data: a store as [`Store::new`] and
/// [`Store::instantiate_with`] would make with the same host functions,
/// without building the instance or linking its imports.
pub struct Parked<T> {
    inner: Box<StoreInner>,
    /// The store's host functions, one per import, in import order.
    hosts: HostFuncs<T>,
    /// The memory pages and table elements the instance's own memories and
    /// tables start with: what instantiating it takes from a store's
    /// allowance ([`Store::limit_growth`]).
    pages: u64,
    elements: u64,
}

impl<T> std::fmt::Debug for Parked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parked")
            .field("pages", &self.pages)
            .field("elements", &self.elements)
            .finish_non_exhaustive()
    }
}

impl<T> Store<T> {
    /// Takes the store apart after a run: its instance, reset to the state
    /// its instantiation left, with its host functions, to be resumed with
    /// new data ([`Parked::resume`]), and the store's data.
    ///
    /// # Errors
    ///
    /// The data alone, the rest dropped, if the store cannot be kept: it
    /// holds other than one instance, of a module with a start function or
    /// imports other than functions; it has host references, a profile or
    /// a hook; its memory was ever larger than 2 MiB; or its tables and
    /// segments have room for more than 65,536 elements. A spare value
    /// stack of more than 262,144 slots is dropped, the store kept.
    #[inline]
    pub fn park(mut self) -> Result<(Parked<T>, T), T> {
        let kept = self.host_hook.is_none() && self.charge_hook.is_none();
        let hosts = self.hosts.len();
        let Some((pages, elements)) = kept.then(|| reset(&mut self.inner, hosts)).flatten() else {
            return Err(self.data);
        };
        let Store {
            inner, hosts, data, ..
        } = self;
        let parked = Parked {
            inner,
            hosts,
            pages,
            elements,
        };
        Ok((parked, data))
    }
}

impl<T> Parked<T> {
    /// A store holding the parked instance, its host functions and `data`,
    /// its growth limited to `memory_pages` and `table_elements` less what
    /// the instance starts with (as [`Store::limit_growth`] before
    /// instantiating would), and the instance. Its fuel is 0.
    ///
    /// # Errors
    ///
    /// The data back, the instance dropped, where instantiating the module
    /// in a new store would fail: the limits are below what the instance
    /// starts with.
    #[inline]
    pub fn resume(
        self,
        data: T,
        (memory_pages, table_elements): (u64, u64),
    ) -> Result<(Store<T>, Instance), T> {
        let Parked {
            mut inner,
            hosts,
            pages,
            elements,
        } = self;
        inner.allowance = Allowance {
            pages: memory_pages,
            elements: table_elements,
        };
        if inner.allowance.take(pages, elements).is_err() {
            return Err(data);
        }
        // A new store as far as handles go: one taken from the last use
        // does not reach this one.
        let serial = next_serial();
        inner.serial = serial;
        inner.id = serial as u32;
        let instance = Instance {
            store: inner.id,
            index: 0,
        };
        let store = Store {
            inner,
            hosts,
            data,
            host_hook: None,
            charge_hook: None,
        };
        Ok((store, instance))
    }
}

/// Resets the store's one instance to the state its instantiation left, and
/// the store's run state (fuel, depth, allowance) to a new store's: the
/// pages and elements the instance starts with, or `None` (the store left
/// as it may be) if it cannot be kept. The store has `hosts` host
/// functions.
fn reset(inner: &mut StoreInner, hosts: usize) -> Option<(u64, u64)> {
    let [entity] = inner.instances.as_slice() else {
        return None;
    };
    let m = Arc::clone(&entity.module);
    let only_funcs_imported =
        m.num_imported_tables == 0 && m.num_imported_memories == 0 && m.num_imported_globals == 0;
    if m.start.is_some()
        || !only_funcs_imported
        || !inner.externs.is_empty()
        || inner.profile.is_some()
        || !inner.host_names.is_empty()
    {
        return None;
    }
    // Nothing in the store but the instance's own entities: no function,
    // memory, table or global a host made apart from it (a host function
    // made so would have no body after `resume`).
    let only_the_instance = inner.funcs.len() == entity.funcs.len()
        && inner.memories.len() == entity.memories.len()
        && inner.tables.len() == entity.tables.len()
        && inner.globals.len() == entity.globals.len()
        && inner.elems.len() == entity.elems.len()
        && inner.datas.len() == entity.datas.len()
        && inner.host_types.is_empty()
        // A host function per import, the instance's: none made apart.
        && hosts == m.imports.len()
        // One module pinned, the instance's: each failed instantiation
        // pins one more, which resuming would keep.
        && inner.pinned.len() <= 1;
    if !only_the_instance {
        return None;
    }
    let StoreInner {
        instances,
        memories,
        globals,
        tables,
        elems,
        datas,
        ..
    } = inner;
    let entity = instances.first()?;
    // The instance was made from `m`, with nothing imported but functions:
    // its entities pair with the module's declarations one to one.
    let counts_match = entity.memories.len() == m.memories.len()
        && entity.globals.len() == m.globals.len()
        && entity.tables.len() == m.tables.len()
        && entity.elems.len() == m.elems.len()
        && entity.datas.len() == m.datas.len();
    if !counts_match {
        return None;
    }
    // Memories: the written pages cleared, the size back to the minimum
    // (the bytes past it are zero, cleared or never written).
    for (&at, ty) in entity.memories.iter().zip(&m.memories) {
        let memory = memories.get_mut(at as usize)?;
        if memory.bytes.high() > MAX_MEMORY || !memory.bytes.clear_for_reuse() {
            return None;
        }
        memory.bytes.reuse(ty.min as usize * PAGE_SIZE)?;
    }
    // Globals, tables and segments as `instantiate` makes them, in its
    // order (a later initializer may read an earlier global).
    for (&at, init) in entity.globals.iter().zip(&m.global_inits) {
        let value = eval(*init, &entity.funcs, &entity.globals, globals);
        globals.get_mut(at as usize)?.value = value;
    }
    for ((&at, ty), init) in entity.tables.iter().zip(&m.tables).zip(&m.table_inits) {
        let init = eval(*init, &entity.funcs, &entity.globals, globals);
        let table = tables.get_mut(at as usize)?;
        table.elems.clear();
        table.elems.resize(ty.min as usize, init);
    }
    for (&at, segment) in entity.elems.iter().zip(m.elems.iter()) {
        let items = elems.get_mut(at as usize)?;
        items.clear();
        items.extend(segment_items(
            segment,
            &entity.funcs,
            &entity.globals,
            globals,
        ));
    }
    for (&at, segment) in entity.datas.iter().zip(m.datas.iter()) {
        *datas.get_mut(at as usize)? = Arc::clone(&segment.bytes);
    }
    // Tables and segments as large as the ones just made are kept too:
    // what a kept store holds beyond its memory is bounded.
    let elements_held = tables
        .iter()
        .map(|t| t.elems.capacity())
        .chain(elems.iter().map(Vec::capacity))
        .fold(0usize, usize::saturating_add);
    if elements_held > MAX_ELEMENTS {
        return None;
    }
    let (pages, elements) = m.initial_growth();
    initialize(inner, 0).ok()?;
    // A value stack a deep run grew is not kept with the store.
    if inner
        .spare_stack
        .as_ref()
        .is_some_and(|stack| stack.slots.len() > MAX_STACK_SLOTS)
    {
        inner.spare_stack = None;
    }
    inner.fuel = 0;
    inner.depth = 0;
    inner.slots_used = 0;
    inner.allowance = Allowance::default();
    Some((pages, elements))
}
