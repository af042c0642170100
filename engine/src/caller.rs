//! What a host function sees of the store while it runs.

use crate::extern_::Extern;
use crate::instance::Instance;
use crate::store::{MemoryEntity, Store};
use crate::trap::{Trap, TrapCode};

/// The view a host function has of its store and of the calling instance.
///
/// Guest memory is reached only through the checked helpers: every access
/// is bounds-checked once and traps with
/// [`TrapCode::MemoryOutOfBounds`] when out of range.
pub struct Caller<'a, T> {
    store: &'a mut Store<T>,
    /// The calling instance's index in the store, or [`NO_INSTANCE`] if
    /// the call did not come from Wasm. (Not an `Option`: a pointer and
    /// one `u32` are passed in two registers; with an `Option` the caller
    /// went through memory, and the host function's first read of it
    /// waited on the stores that had just written it in parts.)
    instance: u32,
}

/// [`Caller::instance`]'s index for no instance: no store holds that many
/// instances (each takes far more than a byte).
const NO_INSTANCE: u32 = u32::MAX;

impl<'a, T> Caller<'a, T> {
    /// The view of `store` for a call from instance `instance` (its index
    /// in the store), if any.
    pub(crate) fn new(store: &'a mut Store<T>, instance: Option<u32>) -> Self {
        Self {
            store,
            instance: instance.unwrap_or(NO_INSTANCE),
        }
    }

    /// The calling instance's index in the store, if any.
    fn instance_index(&self) -> Option<u32> {
        (self.instance != NO_INSTANCE).then_some(self.instance)
    }
}

impl<T> Caller<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The whole store.
    pub fn store(&mut self) -> &mut Store<T> {
        self.store
    }

    /// The calling instance, if a Wasm function made the call.
    pub fn instance(&self) -> Option<Instance> {
        self.instance_index().map(|index| Instance {
            store: self.store.id(),
            index,
        })
    }

    /// An export of the calling instance.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance()?.get_export(self.store, name)
    }

    pub(crate) fn store_id(&self) -> u32 {
        self.store.id()
    }

    fn memory(&self) -> Option<&MemoryEntity> {
        let instance = self
            .store
            .inner
            .instances
            .get(self.instance_index()? as usize)?;
        let memory = *instance.memories.first()?;
        self.store.inner.memories.get(memory as usize)
    }

    fn memory_mut(&mut self) -> Option<&mut MemoryEntity> {
        let instance = self
            .store
            .inner
            .instances
            .get(self.instance_index()? as usize)?;
        let memory = *instance.memories.first()?;
        self.store.inner.memories.get_mut(memory as usize)
    }

    /// The size of the calling instance's memory in bytes (0 without one).
    pub fn memory_size(&self) -> usize {
        self.memory().map_or(0, |m| m.bytes.len())
    }

    /// `len` bytes of the calling instance's memory at `offset`.
    ///
    /// # Errors
    ///
    /// A [`TrapCode::MemoryOutOfBounds`] trap if the range is not inside the
    /// memory (or there is none).
    pub fn read(&self, offset: u32, len: u32) -> Result<&[u8], Trap> {
        let memory = self.memory().ok_or(TrapCode::MemoryOutOfBounds)?;
        let start = offset as usize;
        let end = start
            .checked_add(len as usize)
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        memory
            .bytes
            .get(start..end)
            .ok_or_else(|| TrapCode::MemoryOutOfBounds.into())
    }

    /// `N` bytes of the calling instance's memory at `offset`.
    ///
    /// # Errors
    ///
    /// As [`Caller::read`].
    pub fn read_array<const N: usize>(&self, offset: u32) -> Result<[u8; N], Trap> {
        let bytes = self.read(offset, N as u32)?;
        let mut array = [0u8; N];
        array.copy_from_slice(bytes);
        Ok(array)
    }

    /// Writes `bytes` to the calling instance's memory at `offset`.
    ///
    /// # Errors
    ///
    /// As [`Caller::read`]; nothing is written then.
    pub fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Trap> {
        let memory = self.memory_mut().ok_or(TrapCode::MemoryOutOfBounds)?;
        let start = offset as usize;
        let end = start
            .checked_add(bytes.len())
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        memory
            .bytes
            .get_mut(start..end)
            .ok_or(TrapCode::MemoryOutOfBounds)?
            .copy_from_slice(bytes);
        Ok(())
    }

    /// The calling instance's whole memory (empty without one), to read,
    /// and the host data mutably: for host functions that hand guest bytes
    /// to the host in place, with no copy (an Ewasm contract's log data).
    /// No page counts as written.
    pub fn memory_and_data(&mut self) -> (&[u8], &mut T) {
        let memory = self
            .instance_index()
            .and_then(|index| self.store.inner.instances.get(index as usize))
            .and_then(|instance| instance.memories.first().copied());
        let store = &mut *self.store;
        let bytes: &[u8] = match memory.and_then(|m| store.inner.memories.get(m as usize)) {
            Some(entity) => &entity.bytes,
            None => &[],
        };
        (bytes, &mut store.data)
    }

    /// The calling instance's whole memory (empty without one) and the host
    /// data, both mutably, for host functions that move data between the
    /// two in place (a file read straight into guest buffers).
    ///
    /// The slice is the memory as it is now; the host function cannot grow
    /// it while holding it.
    pub fn memory_and_data_mut(&mut self) -> (&mut [u8], &mut T) {
        let memory = self
            .instance_index()
            .and_then(|index| self.store.inner.instances.get(index as usize))
            .and_then(|instance| instance.memories.first().copied());
        let store = &mut *self.store;
        let bytes: &mut [u8] = match memory {
            Some(memory) => match store.inner.memories.get_mut(memory as usize) {
                // Every page counts as written: the caller may write
                // anywhere.
                Some(entity) => entity.bytes.all_mut(),
                None => &mut [],
            },
            None => &mut [],
        };
        (bytes, &mut store.data)
    }

    /// When the store profiles: the names of the call stack this host
    /// function runs on, its own frame last.
    pub fn profile_stack(&self) -> Option<Vec<String>> {
        let frames = self.store.inner.profile.as_deref()?.host_frames()?;
        Some(
            frames
                .into_iter()
                .map(|f| self.store.frame_name(f))
                .collect(),
        )
    }

    /// The fuel left (0 when metering is off).
    pub fn fuel(&self) -> u64 {
        self.store.inner.fuel
    }

    /// Charges `amount` fuel.
    ///
    /// # Errors
    ///
    /// A [`TrapCode::OutOfFuel`] trap if less is left (the fuel left is then
    /// unchanged, as when a block's charge fails). With metering off nothing
    /// is charged.
    pub fn consume_fuel(&mut self, amount: u64) -> Result<(), Trap> {
        if !self.store.inner.engine.config().consume_fuel {
            return Ok(());
        }
        match self.store.inner.fuel.checked_sub(amount) {
            Some(left) => {
                self.store.inner.fuel = left;
                if let Some(profile) = self.store.inner.profile.as_deref_mut() {
                    profile.host_fuel(amount, false);
                }
                Ok(())
            }
            None => Err(TrapCode::OutOfFuel.into()),
        }
    }

    /// Gives back `amount` fuel (for example gas a nested call left unused).
    pub fn add_fuel(&mut self, amount: u64) {
        self.store.inner.fuel = self.store.inner.fuel.saturating_add(amount);
        if let Some(profile) = self.store.inner.profile.as_deref_mut() {
            profile.host_fuel(amount, true);
        }
    }
}
