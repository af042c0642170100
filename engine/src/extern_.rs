//! Handles to memories, tables and globals, and the `Extern` sum of the four
//! kinds of importable entity.

use crate::error::{Error, ErrorKind};
use crate::func::Func;
use crate::store::{GlobalEntity, MemoryEntity, Store, TableEntity};
use crate::trap::TrapCode;
use crate::value::{GlobalType, MemoryType, TableType, Val};

/// A linear memory in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

/// A table in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

/// A global in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

/// Any entity that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    pub(crate) fn store(&self) -> u32 {
        match self {
            Extern::Func(f) => f.store,
            Extern::Table(t) => t.store,
            Extern::Memory(m) => m.store,
            Extern::Global(g) => g.store,
        }
    }
}

macro_rules! from_handles {
    ($($t:ident),*) => {
        $( impl From<$t> for Extern {
            fn from(x: $t) -> Self {
                Extern::$t(x)
            }
        } )*
    };
}
from_handles!(Func, Table, Memory, Global);

fn check<T>(store: &Store<T>, id: u32) -> Result<(), Error> {
    if store.id() == id {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::WrongStore))
    }
}

impl Memory {
    /// A new memory of `ty` in `store`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Limit`] if it exceeds the configured page limit.
    pub fn new<T>(store: &mut Store<T>, ty: MemoryType) -> Result<Self, Error> {
        let max = store.inner.engine.config().max_memory_pages;
        let entity = MemoryEntity::new(&store.inner.engine, ty, max)?;
        store.inner.allowance.take(u64::from(ty.min), 0)?;
        let index = store.inner.memories.len() as u32;
        store.inner.memories.push(entity);
        Ok(Self {
            store: store.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a MemoryEntity {
        assert_eq!(self.store, store.id(), "Memory used with another store");
        &store.inner.memories[self.index as usize]
    }

    /// The memory's type, with its current size as minimum.
    ///
    /// # Panics
    ///
    /// If the memory belongs to another store (so do the other accessors).
    pub fn ty<T>(&self, store: &Store<T>) -> MemoryType {
        let entity = self.entity(store);
        MemoryType {
            min: entity.pages(),
            max: entity.ty.max,
        }
    }

    /// The contents.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        &self.entity(store).bytes
    }

    /// The contents, mutably.
    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        assert_eq!(self.store, store.id(), "Memory used with another store");
        // Every page counts as written: the caller may write anywhere.
        store.inner.memories[self.index as usize].bytes.all_mut()
    }

    /// The size in pages.
    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        self.entity(store).pages()
    }

    /// Grows by `delta` pages, giving the old size.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Limit`] if the maximum or the configured limit is hit.
    pub fn grow<T>(&self, store: &mut Store<T>, delta: u32) -> Result<u32, Error> {
        check(store, self.store)?;
        let inner = &mut store.inner;
        let entity = &mut inner.memories[self.index as usize];
        entity
            .grow(delta, &mut inner.allowance.pages)
            .ok_or_else(|| {
                Error::from(crate::error::LimitError::MemoryPages {
                    pages: u64::from(entity.pages()) + u64::from(delta),
                    max: entity.limit,
                })
            })
    }
}

impl Table {
    /// A new table of `ty` in `store`, every element set to `init`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if `init` does not match the element type,
    /// [`ErrorKind::Limit`] if the table exceeds the configured limit.
    pub fn new<T>(store: &mut Store<T>, ty: TableType, init: Val) -> Result<Self, Error> {
        if init.ty() != ty.element {
            return Err(Error::type_mismatch("table initial value"));
        }
        let raw = store.inner.val_to_raw(&init)?;
        let max = store.inner.engine.config().max_table_elements;
        let entity = TableEntity::new(ty, raw, max, Vec::new())?;
        store.inner.allowance.take(0, u64::from(ty.min))?;
        let index = store.inner.tables.len() as u32;
        store.inner.tables.push(entity);
        Ok(Self {
            store: store.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a TableEntity {
        assert_eq!(self.store, store.id(), "Table used with another store");
        &store.inner.tables[self.index as usize]
    }

    /// The table's type, with its current size as minimum.
    ///
    /// # Panics
    ///
    /// If the table belongs to another store (so do the other accessors).
    pub fn ty<T>(&self, store: &Store<T>) -> TableType {
        let entity = self.entity(store);
        TableType {
            min: entity.elems.len() as u32,
            ..entity.ty
        }
    }

    /// The size in elements.
    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        self.entity(store).elems.len() as u32
    }

    /// Element `index`, or `None` out of bounds.
    pub fn get<T>(&self, store: &Store<T>, index: u32) -> Option<Val> {
        let entity = self.entity(store);
        let raw = *entity.elems.get(index as usize)?;
        Some(store.inner.raw_to_val(raw, entity.ty.element))
    }

    /// Sets element `index`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] for a value of another type, and a
    /// [`TrapCode::TableOutOfBounds`] trap out of bounds.
    pub fn set<T>(&self, store: &mut Store<T>, index: u32, value: Val) -> Result<(), Error> {
        check(store, self.store)?;
        if value.ty() != self.entity(store).ty.element {
            return Err(Error::type_mismatch("table element"));
        }
        let raw = store.inner.val_to_raw(&value)?;
        let slot = store.inner.tables[self.index as usize]
            .elems
            .get_mut(index as usize)
            .ok_or(TrapCode::TableOutOfBounds)?;
        *slot = raw;
        Ok(())
    }
}

impl Global {
    /// A new global of `ty` in `store`, holding `value`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if `value` does not match the content type.
    pub fn new<T>(store: &mut Store<T>, ty: GlobalType, value: Val) -> Result<Self, Error> {
        if value.ty() != ty.content {
            return Err(Error::type_mismatch("global initial value"));
        }
        let value = store.inner.val_to_raw(&value)?;
        let index = store.inner.globals.len() as u32;
        store.inner.globals.push(GlobalEntity { value, ty });
        Ok(Self {
            store: store.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a GlobalEntity {
        assert_eq!(self.store, store.id(), "Global used with another store");
        &store.inner.globals[self.index as usize]
    }

    /// The global's type.
    ///
    /// # Panics
    ///
    /// If the global belongs to another store (so does `get`).
    pub fn ty<T>(&self, store: &Store<T>) -> GlobalType {
        self.entity(store).ty
    }

    /// The current value.
    pub fn get<T>(&self, store: &Store<T>) -> Val {
        let entity = self.entity(store);
        store.inner.raw_to_val(entity.value, entity.ty.content)
    }

    /// Sets the value.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if the global is immutable or `value` has another
    /// type.
    pub fn set<T>(&self, store: &mut Store<T>, value: Val) -> Result<(), Error> {
        check(store, self.store)?;
        let ty = self.entity(store).ty;
        if !ty.mutable {
            return Err(Error::type_mismatch("the global is immutable"));
        }
        if value.ty() != ty.content {
            return Err(Error::type_mismatch("global value"));
        }
        let raw = store.inner.val_to_raw(&value)?;
        store.inner.globals[self.index as usize].value = raw;
        Ok(())
    }
}
