//! The interpreter's context: what a handler reaches besides its
//! registers (the instruction pointer, the frame's slots and the linear
//! memory, which travel as arguments).

use super::control;
use super::dispatch::{Ip, Regs, Resume};
use super::{Frame, HostCalls, ValueStack};
use crate::cost::CostModel;
use crate::instance::InstanceEntity;
use crate::opcode::Opcode;
use crate::store::{MemoryEntity, StoreInner};
use crate::trap::TrapCode;

/// Every frame sees a window of this many slots from its base: a slot
/// index (`u16`) always falls inside it, so slot accesses need no bounds
/// checks. The value stack keeps this much room above the top frame's base;
/// what a frame may really use is its `frame_size`, which is what the
/// `max_value_stack` limit counts.
pub(crate) const FRAME_WINDOW: usize = 1 << 16;

/// The running frame and the store's state, for one run of the
/// interpreter.
///
/// The store's state is reached through [`Cx::raw`], a reference made
/// for each access ([`Cx::state`]), but for the store's instances, held
/// for the run (the running one's code is borrowed from it by calls).
/// Every field that borrows the store is taken again after a host call, in
/// [`Cx::rebind`], which must list each such field that [`Cx::new`] fills.
pub(crate) struct Cx<'a> {
    pub(super) instances: &'a [InstanceEntity],
    /// The fuel left, written back to the store when the run stops.
    pub(super) fuel: u64,
    pub(super) metered: bool,
    /// What a page of `memory.grow` costs (0 unmetered).
    pub(super) grow_cost: u64,
    pub(super) model: &'a dyn CostModel,
    /// A call traps with a stack overflow when this many frames are
    /// suspended: the call depth limit, less the frames of activations
    /// below this one (host calls back into Wasm) and the running frame.
    pub(super) frame_limit: usize,
    /// The slots this activation may use: the value-stack limit, less what
    /// the activations below it use.
    pub(super) slot_limit: usize,
    pub(super) stack: &'a mut ValueStack,
    /// The running frame: its store instance, function, code and base slot.
    pub(super) instance: u32,
    pub(super) inst: &'a InstanceEntity,
    pub(super) func: u32,
    pub(super) base: usize,
    /// Store index of the running instance's memory 0, if it has one.
    pub(super) memory: Option<usize>,
    /// The registers as a handler that changed them left them: the portable
    /// dispatch loop reloads them from here, and a run starts from them.
    pub(super) regs: Regs,
    pub(super) mem: *mut u8,
    pub(super) mem_len: usize,
    /// The accumulator between two handlers, for the portable dispatch
    /// loop (the tail-call dispatch passes it in a register).
    #[cfg(not(iris_tail_dispatch))]
    pub(super) acc: u64,
    /// Why the run stopped: a one-byte kind (passed in a register, not
    /// copied through memory), with a host call's function and slot in
    /// the two fields below.
    pub(super) exit: Result<Stop, TrapCode>,
    /// After [`Stop::Host`]: the store function to call.
    pub(super) host_func: u32,
    /// After [`Stop::Host`]: the slot of its arguments.
    pub(super) host_base: usize,
    /// After a trap: the instruction that trapped, in the running
    /// function's code (null before).
    pub(super) trapped_at: Ip,
    /// A trap raised by a host function called inside the run, with its
    /// origin (the run stops with it).
    pub(super) host_trap: Option<crate::trap::Trap>,
    /// The run's store's state, which handlers reach through [`state`],
    /// taken again after each host call ([`Cx::rebind`]).
    pub(super) raw: StatePtr,
    /// Host calls made inside the run.
    pub(super) host: HostCalls,
    /// The call depth and the slots used by the activations below this
    /// one.
    pub(super) depth_base: u32,
    pub(super) slots_base: usize,
    /// The serial of the run's store, to tell it from one a host function
    /// put in its place.
    pub(super) store_serial: u64,
}

/// Why a run stopped, as [`Cx::exit`] keeps it: [`Exit`](super::Exit) without its
/// payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// [`Exit::Done`](super::Exit::Done).
    Done,
    /// [`Exit::Host`](super::Exit::Host), with `Cx::host_func` and `Cx::host_base`.
    Host,
    /// [`Exit::Charge`](super::Exit::Charge).
    Charge,
}

impl<'a> Cx<'a> {
    /// A context over the store's state at `raw` and `stack`, to resume
    /// the top frame of `stack`, or `None` if there is none. Inlined into
    /// `run`, so that the context is built in place, not copied out of a
    /// returned value on every resumption.
    #[allow(unsafe_code)]
    #[inline(always)]
    pub(super) fn new(
        raw: StatePtr,
        host: HostCalls,
        stack: &'a mut ValueStack,
        depth_base: u32,
        slots_base: usize,
    ) -> Option<(Self, Ip)> {
        // SAFETY: `raw` is the live state of the run's store ([`StatePtr`]).
        // The reference is a local, not an argument, so the references
        // `state` makes through `raw` below (the memory's refresh) may end
        // it: what the context keeps of it points into the instances' and
        // the engine's heap buffers, not into the state.
        let store: &'a mut StoreInner = unsafe { &mut *raw.0 };
        let StoreInner {
            engine,
            serial,
            instances,
            fuel,
            ..
        } = store;
        let config = engine.config();
        let top = stack.frames.pop()?;
        let inst = instances.get(top.instance as usize)?;
        let mut cx = Cx {
            instances,
            fuel: *fuel,
            metered: config.consume_fuel,
            grow_cost: if config.consume_fuel {
                config.cost_model.memory_grow_page_cost()
            } else {
                0
            },
            model: &*config.cost_model,
            frame_limit: (config.max_call_depth as usize).saturating_sub(depth_base as usize + 1),
            slot_limit: (config.max_value_stack as usize).saturating_sub(slots_base),
            stack,
            instance: top.instance,
            inst,
            func: top.func,
            base: top.base as usize,
            memory: None,
            regs: std::ptr::null_mut(),
            mem: std::ptr::null_mut(),
            mem_len: 0,
            #[cfg(not(iris_tail_dispatch))]
            acc: 0,
            exit: Ok(Stop::Done),
            host_func: 0,
            host_base: 0,
            trapped_at: std::ptr::null(),
            host_trap: None,
            raw,
            host,
            depth_base,
            slots_base,
            store_serial: *serial,
        };
        if cx.stack.slots.len() < cx.base.checked_add(FRAME_WINDOW)? {
            return None;
        }
        cx.memory = cx.inst.memories.first().map(|&m| m as usize);
        cx.refresh_memory();
        cx.refresh_regs();
        Some((cx, top.ip.0))
    }

    /// Takes the store's entities and fuel afresh from `raw`, the state of
    /// the run's store after a host call, which had the whole store: its
    /// vectors may have moved (an instantiation in it), its memory grown,
    /// its fuel changed. Gives `false`, taking nothing but `raw`, if the
    /// store there is no longer the run's (a host function put another in
    /// its place through its `Caller`, dropping the run's state and
    /// instances): the run must then stop without using its context.
    #[allow(unsafe_code)]
    #[must_use]
    pub(super) fn rebind(&mut self, raw: *mut StoreInner) -> bool {
        // SAFETY: `raw` is the state of the store at the run's store's
        // place as the host call left it (`HostCalls::call`), alive for
        // the run; that call is over. Every
        // reference this context held into the store is made again here
        // before any is used, but `model`, which points into the engine's
        // configuration: the store's engine is never replaced, and the
        // serial check below finds a store put in the run's store's place
        // (then nothing is used again, the run stops).
        self.raw = unsafe { StatePtr::new(raw) };
        // SAFETY: as above.
        let store: &'a mut StoreInner = unsafe { &mut *raw };
        if store.serial != self.store_serial {
            return false;
        }
        self.instances = &store.instances;
        self.fuel = store.fuel;
        // The same store (its serial), and a store never removes an
        // instance: the running one is still there.
        self.inst = &self.instances[self.instance as usize];
        self.refresh_memory();
        self.refresh_regs();
        true
    }

    /// Writes the fuel left back to the store, for a host call to see.
    pub(super) fn write_back_fuel(&mut self) {
        let fuel = self.fuel;
        self.state().fuel = fuel;
    }

    /// The run's store's state, for as long as the context is borrowed.
    #[inline(always)]
    pub(super) fn state(&mut self) -> &mut StoreInner {
        state(&mut self.raw)
    }

    /// The run's store's state, read only, for as long as the context is
    /// borrowed.
    #[allow(unsafe_code)]
    #[inline(always)]
    pub(super) fn state_ref(&self) -> &StoreInner {
        // SAFETY: as for [`state`]; a shared borrow of the context, so no
        // exclusive reference made through `raw` is live beside this one.
        unsafe { &*self.raw.0 }
    }

    /// Stops the run with `exit`: gives the null that ends it. The work
    /// is done out of line, by [`control::stop`].
    #[inline(always)]
    pub(super) fn stop(&mut self, exit: Result<Stop, TrapCode>) -> Ip {
        control::stop(self, exit)
    }

    /// Stops the run with a trap at `ip`, the instruction that trapped
    /// (handlers pass their own `ip`, which they never advance before they
    /// are done; a call that fails passes the call instruction). The work
    /// is done out of line, by [`control::trap`].
    #[inline(always)]
    pub(super) fn trap(&mut self, code: TrapCode, ip: Ip) -> Ip {
        control::trap(self, code, ip)
    }

    /// The running instance's memory 0 (an empty one if it has none).
    pub(super) fn memory_mut(&mut self) -> &mut MemoryEntity {
        let memory = self.memory;
        let state = self.state();
        match memory {
            Some(m) => &mut state.memories[m],
            None => &mut state.no_memory,
        }
    }

    /// Takes the memory's base and length afresh, after anything that may
    /// have moved or resized it, or touched it through a reference.
    pub(super) fn refresh_memory(&mut self) {
        let memory = self.memory_mut();
        let len = memory.bytes.len();
        let ptr = memory.bytes.base_mut();
        self.mem = ptr;
        self.mem_len = len;
    }

    /// Points `regs` at the running frame's window.
    pub(super) fn refresh_regs(&mut self) {
        // `as_mut_ptr` makes no reference to the slots, so pointers taken
        // before stay usable; `wrapping_add` is safe, and every run keeps
        // `base + FRAME_WINDOW <= slots.len()`, so the result is in bounds.
        self.regs = self.stack.slots.as_mut_ptr().wrapping_add(self.base);
    }

    /// Makes store instance `instance` the running one.
    pub(super) fn switch_instance(&mut self, instance: u32) {
        if instance != self.instance {
            self.instance = instance;
            self.inst = &self.instances[instance as usize];
            self.memory = self.inst.memories.first().map(|&m| m as usize);
            self.refresh_memory();
        }
    }

    /// The frame the running function resumes from at `ip`.
    pub(super) fn frame_at(&self, ip: Ip) -> Frame {
        Frame {
            instance: self.instance,
            func: self.func,
            base: self.base as u32,
            ip: Resume(ip),
        }
    }

    /// Charges `opcode`'s dynamic cost (growth, bulk work) before the
    /// operation has any effect, recording it on the current stack when
    /// profiling.
    pub(super) fn charge(&mut self, opcode: Opcode, cost: u64) -> Result<(), TrapCode> {
        if !self.metered {
            return Ok(());
        }
        self.fuel = self.fuel.checked_sub(cost).ok_or(TrapCode::OutOfFuel)?;
        if let Some(profile) = state(&mut self.raw).profile.as_deref_mut() {
            let here = (self.instance, self.func);
            let frames = &self.stack.frames;
            crate::profile::record_dynamic(profile, self.instances, frames, here, opcode, cost);
        }
        Ok(())
    }

    /// What a bulk memory operation over `n` bytes costs.
    pub(super) fn memory_bulk(&self, n: u64) -> u64 {
        if self.metered {
            self.model.memory_bulk_cost(n)
        } else {
            0
        }
    }

    /// What `table.grow` by `n` elements costs.
    pub(super) fn table_grow(&self, n: u64) -> u64 {
        if self.metered {
            self.model.table_grow_cost(n)
        } else {
            0
        }
    }

    /// What a bulk table operation over `n` elements costs.
    pub(super) fn table_bulk(&self, n: u64) -> u64 {
        if self.metered {
            self.model.table_bulk_cost(n)
        } else {
            0
        }
    }
}

/// The run's store's state, as a context holds it ([`Cx::raw`]): made
/// only from the live state of the run's store ([`StatePtr::new`]), and
/// reached only through [`state`] and [`Cx::state_ref`].
#[derive(Clone, Copy)]
pub(super) struct StatePtr(*mut StoreInner);

impl StatePtr {
    /// The state at `raw`.
    ///
    /// # Safety
    ///
    /// `raw` is the live state of the store a run runs in, and stays so
    /// until the run ends or a host call it makes is over (which gives the
    /// state at the store's place after it, [`Cx::rebind`]). While the run
    /// lasts, the state is reached through nothing but the run's context
    /// and its host calls.
    #[allow(unsafe_code)]
    pub(super) unsafe fn new(raw: *mut StoreInner) -> Self {
        Self(raw)
    }

    /// The pointer.
    pub(super) fn as_ptr(self) -> *mut StoreInner {
        self.0
    }
}

/// The store's state behind `raw` (a context's [`Cx::raw`]), for as long
/// as that field is borrowed. Taking the field alone lets a caller borrow
/// the context's other fields (its value stack, its instances) beside it.
///
/// A handler keeps no reference made here across a host call: the one
/// place that calls the host (`control::call_host`, reached through
/// `call_func`, which takes the context whole) makes none, and
/// [`Cx::rebind`], which changes `raw`, cannot run while one lives. Nor
/// may a handler add or remove instances through it: the context's
/// `instances` and `inst`, and the code a call borrows from them, point
/// into their vector.
#[allow(unsafe_code)]
#[inline(always)]
pub(super) fn state(raw: &mut StatePtr) -> &mut StoreInner {
    // SAFETY: `raw` is the live state of the run's store ([`StatePtr::new`]),
    // reached during the run through this context and the run's host
    // calls, none of which is under way while a handler runs. The
    // context's other references into the store are to the instances'
    // heap buffer (`instances`, `inst`), which the state's fields point to
    // but do not hold, and the memory's bytes (`mem`, a raw pointer); the
    // exclusive borrow of `raw` makes this the only reference made through
    // it while it lives.
    unsafe { &mut *raw.0 }
}
