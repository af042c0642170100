//! The store: owner of every runtime entity (functions, memories, tables,
//! globals, instances, segments, host references) and of the host state `T`.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, LimitError};
use crate::exec::ValueStack;
use crate::func::Func;
use crate::host_funcs::HostFuncs;
use crate::instance::InstanceEntity;
use crate::value::{GlobalType, MemoryType, TableType, Val, ValType};

/// Where store serials come from: each store gets a fresh one (a 64-bit
/// counter never wraps), and its id, which handles carry so that a handle
/// used with another store is caught instead of misread, is its low 32
/// bits.
static NEXT_STORE_SERIAL: AtomicU64 = AtomicU64::new(1);

/// A fresh store serial ([`NEXT_STORE_SERIAL`]).
pub(crate) fn next_serial() -> u64 {
    NEXT_STORE_SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// A dropped data segment's bytes: none, shared (making an empty
/// `Arc<[u8]>` allocates its counts).
pub(crate) fn no_data() -> Arc<[u8]> {
    static EMPTY: std::sync::LazyLock<Arc<[u8]>> = std::sync::LazyLock::new(|| Arc::from([]));
    Arc::clone(&EMPTY)
}

/// The size of a WebAssembly page.
pub(crate) const PAGE_SIZE: usize = 65_536;

/// Owns all runtime state of the instances created in it, plus the host's
/// data `T`, which host functions reach through their
/// [`Caller`](crate::Caller).
///
/// ```
/// let engine = engine::Engine::default();
/// let mut store = engine::Store::new(&engine, 42u32);
/// *store.data_mut() += 1;
/// assert_eq!(*store.data(), 43);
/// ```
pub struct Store<T> {
    /// Boxed: a store moves (into and out of a kept instance, through
    /// the embedder's calls) as a few words, not some 600 bytes.
    pub(crate) inner: Box<StoreInner>,
    pub(crate) hosts: HostFuncs<T>,
    pub(crate) data: T,
    /// Told of every host function call from Wasm, when set.
    pub(crate) host_hook: Option<HostCallHook<T>>,
    /// Told of every metering block that runs and every operator's
    /// dynamic charge, when set.
    pub(crate) charge_hook: Option<ChargeHook<T>>,
}

/// A charge of metered execution, as a [`ChargeHook`] is told of it:
/// after the charge and, for an operator, after the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// The store instance of the running function.
    pub instance: u32,
    /// The running function, by its index in its module (imports first).
    pub func: u32,
    /// What charged.
    pub kind: ChargeKind,
    /// The fuel left before the charge.
    pub fuel_before: u64,
    /// The charge.
    pub fuel: u64,
}

/// What made a [`Charge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeKind {
    /// A metering block, before its first instruction: the static cost of
    /// its instructions.
    Block {
        /// The block's index in the function ([`Store::block_fuel`]).
        block: u32,
        /// Its code offset
        /// ([`BlockProfile::offset`](crate::BlockProfile::offset)).
        offset: u32,
    },
    /// An operator priced by its operands (`memory.grow`, `memory.copy`,
    /// `table.fill`, ...): the part its operands cost.
    Operator(crate::Opcode),
}

/// What a store tells of charges ([`Store::observe_charges`]): a plain
/// function, given the caller (the running instance) and the charge.
pub type ChargeHook<T> = fn(&mut crate::Caller<'_, T>, Charge);

/// A call of a host function from Wasm, as a [`HostCallHook`] is told of
/// it.
#[derive(Debug, Clone, Copy)]
pub enum HostCall<'a> {
    /// The function is about to run.
    Enter {
        /// The import it was linked under (`module.name`).
        name: &'a str,
        /// Its arguments, as raw values (an `i32` in the low 32 bits).
        args: &'a [u64],
    },
    /// The function has returned, or trapped.
    Leave {
        /// The import it was linked under (`module.name`).
        name: &'a str,
        /// Its results, as raw values (none if it trapped).
        results: &'a [u64],
        /// Whether it trapped (or stopped the run, as a host's own trap).
        trapped: bool,
    },
}

/// What a store tells of host calls ([`Store::observe_host_calls`]): a
/// plain function, given the caller (its data, fuel and memory) and the
/// event.
pub type HostCallHook<T> = fn(&mut crate::Caller<'_, T>, HostCall<'_>);

impl<T> fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id)
            .field("funcs", &self.inner.funcs.len())
            .field("instances", &self.inner.instances.len())
            .finish_non_exhaustive()
    }
}

/// The non-generic part of a store.
pub(crate) struct StoreInner {
    pub(crate) id: u32,
    /// Unique among the process's stores: how a suspended run tells its
    /// store from one a host function put in its place.
    pub(crate) serial: u64,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) instances: Vec<InstanceEntity>,
    /// Element segments, resolved to references; emptied when dropped.
    pub(crate) elems: Vec<Vec<u64>>,
    /// Data segments; emptied when dropped.
    pub(crate) datas: Vec<Arc<[u8]>>,
    pub(crate) externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Memory for instances that have none (never accessed: validation
    /// rejects memory instructions in such modules).
    pub(crate) no_memory: MemoryEntity,
    pub(crate) fuel: u64,
    /// Frames of the Wasm activations below a host function that calls
    /// back into Wasm: they count into the call depth limit.
    pub(crate) depth: u32,
    /// Value slots those activations use: they count into the stack limit.
    pub(crate) slots_used: usize,
    /// A value stack kept between calls. Boxed: a call takes it out and
    /// puts it back, and moved by value its fields went through memory in
    /// parts and were read back whole (a store-forwarding stall).
    pub(crate) spare_stack: Option<Box<ValueStack>>,
    /// What profiling recorded, when the engine profiles.
    pub(crate) profile: Option<Box<crate::profile::Profile>>,
    /// The import names host functions were linked under (kept only when
    /// profiling, to name their frames, or observing host calls).
    pub(crate) host_names: std::collections::HashMap<u32, String>,
    /// Engine-wide type ids the store's host functions hold a reference
    /// to (released on drop).
    pub(crate) host_types: Vec<u32>,
    /// What the store's memories and tables may still add together.
    pub(crate) allowance: Allowance,
    /// Modules whose types the store's host functions use
    /// ([`Store::instantiate_with`]).
    pub(crate) pinned: Vec<crate::Module>,
    /// The imports of the instantiation under way (emptied after it).
    pub(crate) imports: Vec<crate::Extern>,
    /// Emptied index vectors, for new instances ([`StoreInner::indices`]).
    pub(crate) indices: Vec<Vec<u32>>,
    /// Emptied vectors of references, for new tables and element segments
    /// ([`StoreInner::words`]).
    pub(crate) words: Vec<Vec<u64>>,
}

/// What all memories and tables of a store may still add together, in
/// pages and elements ([`Store::limit_growth`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allowance {
    pub(crate) pages: u64,
    pub(crate) elements: u64,
}

impl Allowance {
    /// Takes `pages` and `elements`, or fails (taking nothing) if either is
    /// more than is left.
    pub(crate) fn take(&mut self, pages: u64, elements: u64) -> Result<(), Error> {
        if pages > self.pages {
            return Err(LimitError::Allowance {
                what: "memory pages",
                asked: pages,
                left: self.pages,
            }
            .into());
        }
        if elements > self.elements {
            return Err(LimitError::Allowance {
                what: "table elements",
                asked: elements,
                left: self.elements,
            }
            .into());
        }
        self.pages -= pages;
        self.elements -= elements;
        Ok(())
    }
}

impl Default for Allowance {
    fn default() -> Self {
        Self {
            pages: u64::MAX,
            elements: u64::MAX,
        }
    }
}

/// A function in the store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FuncEntity {
    /// Engine-wide type id.
    pub(crate) ty: u32,
    pub(crate) kind: FuncKind,
}

/// Where a function's code lives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FuncKind {
    /// Defined function `index` of instance `instance`'s module.
    Wasm { instance: u32, index: u32 },
    /// Host function `index` of the store's host functions.
    Host { index: u32 },
}

/// A linear memory.
#[derive(Debug, Default)]
pub(crate) struct MemoryEntity {
    pub(crate) bytes: crate::linear::LinearBytes,
    pub(crate) ty: MemoryType,
    /// The most pages it may grow to: its maximum, capped by the config.
    pub(crate) limit: u32,
}

impl MemoryEntity {
    /// A memory of type `ty`, its growth capped at `config_max` pages, with
    /// bytes from `engine`'s pool of memories when it has some that fit.
    pub(crate) fn new(engine: &Engine, ty: MemoryType, config_max: u32) -> Result<Self, Error> {
        let limit = ty.max.unwrap_or(65_536).min(config_max);
        if ty.min > config_max {
            return Err(LimitError::MemoryPages {
                pages: u64::from(ty.min),
                max: config_max,
            }
            .into());
        }
        let size = ty.min as usize * PAGE_SIZE;
        let max = limit as usize * PAGE_SIZE;
        if let Some(bytes) = engine.take_memory(size, max) {
            return Ok(Self { bytes, ty, limit });
        }
        // Refused cleanly when the system cannot give `size` bytes; pages
        // the program never touches cost nothing resident.
        let bytes = crate::linear::LinearBytes::zeroed(size, max).ok_or_else(|| {
            Error::from(LimitError::MemoryPages {
                pages: u64::from(ty.min),
                max: config_max,
            })
        })?;
        Ok(Self { bytes, ty, limit })
    }

    pub(crate) fn pages(&self) -> u32 {
        (self.bytes.len() / PAGE_SIZE) as u32
    }

    /// Grows by `delta` pages, taken from `allowance`; the old size, or
    /// `None` if a limit, the allowance or the allocator refuses (nothing
    /// changes then).
    pub(crate) fn grow(&mut self, delta: u32, allowance: &mut u64) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.limit || u64::from(delta) > *allowance {
            return None;
        }
        let max = self.limit as usize * PAGE_SIZE;
        self.bytes.grow_to(new as usize * PAGE_SIZE, max)?;
        *allowance -= u64::from(delta);
        Some(old)
    }
}

/// A table of references (index + 1, 0 for null).
#[derive(Debug)]
pub(crate) struct TableEntity {
    pub(crate) elems: Vec<u64>,
    pub(crate) ty: TableType,
    /// The most elements it may grow to: its maximum, capped by the config.
    pub(crate) limit: u32,
}

impl TableEntity {
    /// A table of `ty.min` elements `init`, in `elems` (an empty vector,
    /// whose room it reuses).
    pub(crate) fn new(
        ty: TableType,
        init: u64,
        config_max: u32,
        mut elems: Vec<u64>,
    ) -> Result<Self, Error> {
        let limit = ty.max.unwrap_or(u32::MAX).min(config_max);
        let too_big = || {
            Error::from(LimitError::TableElements {
                elements: u64::from(ty.min),
                max: config_max,
            })
        };
        if ty.min > config_max {
            return Err(too_big());
        }
        elems.clear();
        elems
            .try_reserve_exact(ty.min as usize)
            .map_err(|_| too_big())?;
        elems.resize(ty.min as usize, init);
        Ok(Self { elems, ty, limit })
    }

    /// Grows by `delta` elements set to `init`, taken from `allowance`;
    /// the old size, or `None`.
    pub(crate) fn grow(&mut self, delta: u32, init: u64, allowance: &mut u64) -> Option<u32> {
        let old = self.elems.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.limit || u64::from(delta) > *allowance {
            return None;
        }
        // Geometric growth, within the limit: element-by-element growth
        // copies the table a logarithmic number of times, not once a grow.
        let capacity = new.max(old.saturating_mul(2)).min(self.limit) as usize;
        self.elems
            .try_reserve_exact(capacity.saturating_sub(self.elems.len()))
            .ok()?;
        self.elems.resize(new as usize, init);
        *allowance -= u64::from(delta);
        Some(old)
    }
}

/// A global.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobalEntity {
    pub(crate) value: u64,
    pub(crate) ty: GlobalType,
}

/// A reference to a host object held by a store.
///
/// ```
/// let engine = engine::Engine::default();
/// let mut store = engine::Store::new(&engine, ());
/// let r = engine::ExternRef::new(&mut store, String::from("hello"));
/// assert_eq!(r.data(&store).downcast_ref::<String>().map(String::as_str), Some("hello"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Puts `object` in the store and gives a reference to it.
    pub fn new<T>(store: &mut Store<T>, object: impl Any + Send + Sync) -> Self {
        let index = store.inner.externs.len() as u32;
        store.inner.externs.push(Box::new(object));
        Self {
            store: store.inner.id,
            index,
        }
    }

    /// The host object.
    ///
    /// # Panics
    ///
    /// If the reference belongs to another store.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a (dyn Any + Send + Sync) {
        assert_eq!(
            self.store, store.inner.id,
            "ExternRef used with another store"
        );
        // Indices are only made by `new`, which pushed the object.
        store.inner.externs[self.index as usize].as_ref()
    }

    /// The index of the reference within its store.
    pub fn index(&self) -> u32 {
        self.index
    }
}

impl Drop for StoreInner {
    fn drop(&mut self) {
        for memory in self.memories.drain(..) {
            self.engine.return_memory(memory.bytes);
        }
        if let Some(stack) = self.spare_stack.take() {
            self.engine.return_stack(stack);
        }
        for &id in &self.host_types {
            self.engine.release_type(id);
        }
        self.recycle_vectors();
    }
}

impl<T> Store<T> {
    /// A new, empty store for `engine`'s modules, holding `data`.
    #[inline]
    pub fn new(engine: &Engine, data: T) -> Self {
        let serial = next_serial();
        let mut store = Self {
            inner: Box::new(StoreInner {
                id: serial as u32,
                serial,
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                elems: Vec::new(),
                datas: Vec::new(),
                externs: Vec::new(),
                no_memory: MemoryEntity::default(),
                fuel: 0,
                depth: 0,
                slots_used: 0,
                spare_stack: None,
                profile: (engine.config().profile && engine.config().consume_fuel)
                    .then(Box::default),
                host_names: std::collections::HashMap::new(),
                host_types: Vec::new(),
                allowance: Allowance::default(),
                pinned: Vec::new(),
                imports: Vec::new(),
                indices: Vec::new(),
                words: Vec::new(),
            }),
            hosts: HostFuncs::new(),
            data,
            host_hook: None,
            charge_hook: None,
        };
        // A dropped store's vectors, empty, when the engine kept some.
        store.inner.reuse_vectors();
        store
    }

    /// Has `hook` told of every charge of metered execution: each
    /// metering block that runs, after its charge, and each dynamic charge
    /// of an operator priced by its operands, after the operation: a step
    /// trace at the granularity of gas, in which fuel goes down by exactly
    /// the charges between host calls. Only a profiling store tells of
    /// charges ([`Config::profile`](crate::Config::profile)); elsewhere the
    /// hook is never called. Each charge leaves the interpreter loop and
    /// comes back, so this is for debugging, never for speed; the state it
    /// needs lives in the profile, so a store that does not profile runs
    /// the same code as before.
    pub fn observe_charges(&mut self, hook: ChargeHook<T>) {
        if let Some(profile) = self.inner.profile.as_deref_mut() {
            self.charge_hook = Some(hook);
            profile.trace_charges = true;
        }
    }

    /// Has `hook` told of every call of a host function from Wasm, before
    /// and after it runs, from the next instantiation on (the names of the
    /// functions are those they are linked under then). Costs nothing
    /// while unset: a store checks for a hook once per host call.
    pub fn observe_host_calls(&mut self, hook: HostCallHook<T>) {
        self.host_hook = Some(hook);
    }

    /// Bounds what the store's memories and tables may add from now on,
    /// together: `memory_pages` pages over every memory created or grown
    /// in it (by instantiation, [`Memory::new`](crate::Memory::new) or
    /// growth) and `table_elements` elements over every table. A
    /// `memory.grow` or `table.grow` past it returns -1; an instantiation
    /// or a new memory or table past it fails with
    /// [`LimitError::Allowance`](crate::LimitError::Allowance). Unbounded
    /// by default. Embedders use it to cap what a whole execution (several
    /// stores, one per nested call) may hold, deterministically.
    pub fn limit_growth(&mut self, memory_pages: u64, table_elements: u64) {
        self.inner.allowance = Allowance {
            pages: memory_pages,
            elements: table_elements,
        };
    }

    /// What [`Store::limit_growth`] still allows: pages and elements.
    pub fn growth_left(&self) -> (u64, u64) {
        (self.inner.allowance.pages, self.inner.allowance.elements)
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Takes the host data out, dropping the store.
    pub fn into_data(self) -> T {
        self.data
    }

    /// What profiling has recorded so far, if the engine profiles
    /// ([`Config::profile`](crate::Config::profile), with metering on).
    pub fn profile(&self) -> Option<&crate::profile::Profile> {
        self.inner.profile.as_deref()
    }

    /// Takes the profile out, leaving an empty one to record into.
    pub fn take_profile(&mut self) -> Option<crate::profile::Profile> {
        self.inner
            .profile
            .as_mut()
            .map(|p| std::mem::take(&mut **p))
    }

    /// What each instruction of metering block `block` of function `func`
    /// (index space) of store instance `instance` adds to the block's
    /// charge, in code order: the entries sum to the block's charge. Empty
    /// unless the engine profiles (or for a block that does not exist).
    pub fn block_fuel(&self, instance: u32, func: u32, block: u32) -> &[crate::profile::InstrFuel] {
        let Some(entity) = self.inner.instances.get(instance as usize) else {
            return &[];
        };
        let module = &entity.module;
        let defined = func.checked_sub(module.num_imported_funcs);
        let Some(compiled) = defined.and_then(|f| module.compiled(f)) else {
            return &[];
        };
        let starts = &compiled.block_starts;
        let (Some(&start), Some(&end)) =
            (starts.get(block as usize), starts.get(block as usize + 1))
        else {
            return &[];
        };
        compiled
            .block_costs
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// A readable name for a profile frame: the function's name from its
    /// module's `name` section, else its export name, else `func[N]`; for
    /// a host function, the `module.name` it was linked under; for an
    /// operator's dynamic charge, the operator in brackets (`[memory.grow]`).
    pub fn frame_name(&self, frame: crate::profile::ProfileFrame) -> String {
        match frame {
            crate::profile::ProfileFrame::Operator { opcode } => format!("[{opcode}]"),
            crate::profile::ProfileFrame::Host { func } => self
                .inner
                .host_names
                .get(&func)
                .cloned()
                .unwrap_or_else(|| format!("host[{func}]")),
            crate::profile::ProfileFrame::Wasm { instance, func } => {
                let Some(entity) = self.inner.instances.get(instance as usize) else {
                    return format!("func[{func}]");
                };
                let module = &entity.module;
                if let Some(name) = module.func_names.get(&func) {
                    return name.clone();
                }
                module
                    .exports
                    .iter()
                    .find(|(_, e)| *e == crate::module::ExternIndex::Func(func))
                    .map_or_else(|| format!("func[{func}]"), |(name, _)| name.clone())
            }
        }
    }

    /// Sets the fuel left.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if fuel metering is off in the engine's config.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.check_fuel_enabled()?;
        self.inner.fuel = fuel;
        Ok(())
    }

    /// The fuel left.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if fuel metering is off in the engine's config.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.check_fuel_enabled()?;
        Ok(self.inner.fuel)
    }

    /// Adds `fuel` to what is left (saturating).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if fuel metering is off in the engine's config.
    pub fn add_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.check_fuel_enabled()?;
        self.inner.fuel = self.inner.fuel.saturating_add(fuel);
        Ok(())
    }

    fn check_fuel_enabled(&self) -> Result<(), Error> {
        if self.inner.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Type(
                "fuel metering is not enabled in the config".into(),
            )))
        }
    }

    /// The id of the store, for checking handles.
    pub(crate) fn id(&self) -> u32 {
        self.inner.id
    }
}

impl StoreInner {
    /// The raw slot value of `val`, checking that references belong here.
    pub(crate) fn val_to_raw(&self, val: &Val) -> Result<u64, Error> {
        Ok(match val {
            Val::I32(v) => u64::from(*v as u32),
            Val::I64(v) => *v as u64,
            Val::F32(v) => u64::from(*v),
            Val::F64(v) => *v,
            Val::FuncRef(None) | Val::ExternRef(None) => 0,
            Val::FuncRef(Some(f)) => {
                if f.store != self.id {
                    return Err(Error::new(ErrorKind::WrongStore));
                }
                u64::from(f.index) + 1
            }
            Val::ExternRef(Some(r)) => {
                if r.store != self.id {
                    return Err(Error::new(ErrorKind::WrongStore));
                }
                u64::from(r.index) + 1
            }
        })
    }

    /// The value of type `ty` held in a raw slot.
    pub(crate) fn raw_to_val(&self, raw: u64, ty: ValType) -> Val {
        let index = |raw: u64| (raw - 1) as u32;
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::FuncRef => Val::FuncRef((raw != 0).then(|| Func {
                store: self.id,
                index: index(raw),
            })),
            ValType::ExternRef => Val::ExternRef((raw != 0).then(|| ExternRef {
                store: self.id,
                index: index(raw),
            })),
        }
    }
}
