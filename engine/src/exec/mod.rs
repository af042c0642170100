//! Execution: calls from the host into Wasm, the frame stack, and host
//! calls made by Wasm code.
//!
//! Wasm-to-Wasm calls never recurse on the native stack: a run of the
//! interpreter ([`run`], threaded handlers dispatched as `dispatch` says)
//! keeps an explicit frame stack and stops only to call a host function,
//! which may itself call back into Wasm through [`call`] (that nesting is
//! bounded by the same call depth limit).

#[allow(unsafe_code)]
mod control;
mod cx;
#[allow(unsafe_code)]
pub(crate) mod dispatch;
#[allow(unsafe_code)]
mod entities;
#[allow(unsafe_code)]
mod fused;
#[allow(unsafe_code)]
mod handlers;
pub(crate) mod num;
mod run;
#[allow(unsafe_code)]
mod slots;

pub(crate) use cx::FRAME_WINDOW;

use crate::profile;

use std::sync::Arc;

use crate::caller::Caller;
use crate::store::{FuncEntity, FuncKind, Store, StoreInner};
use crate::trap::{Trap, TrapCode};

/// A suspended Wasm frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// The store index of the frame's instance.
    pub(crate) instance: u32,
    /// The function, among the module's defined functions.
    pub(crate) func: u32,
    /// The first slot of the frame in the value stack.
    pub(crate) base: u32,
    /// The instruction to resume at, in the function's code, which the
    /// instance's module keeps for as long as the store lives (instances
    /// are never dropped before their store; a frame of a store that a
    /// host function replaced is never resumed).
    pub(crate) ip: dispatch::Resume,
}

/// The value slots and suspended frames of one activation.
#[derive(Debug, Default)]
pub(crate) struct ValueStack {
    pub(crate) slots: Vec<u64>,
    pub(crate) frames: Vec<Frame>,
}

/// Why a run of the interpreter stopped without a trap.
pub(crate) enum Exit {
    /// The outermost frame returned.
    Done,
    /// A host function must run: store function `func`, with its
    /// arguments (and then results) at slot `base`.
    Host { func: u32, base: usize },
    /// A charge, for the store's charge hook
    /// ([`Store::observe_charges`](crate::Store::observe_charges)); the
    /// charge is the profile's.
    Charge,
}

/// The native stack a host function's call back into Wasm must find left,
/// or it runs on a new segment: far more than a level of re-entry takes
/// (about 2 KiB of Iris's, and the host function's own frames).
const RED_ZONE: usize = 256 * 1024;
/// The size of such a segment.
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// Calls store function `func`. `args` holds the arguments on entry and the
/// results on return; its length is the larger of the two counts.
pub(crate) fn call<T>(store: &mut Store<T>, func: u32, args: &mut [u64]) -> Result<(), Trap> {
    let Some(&entity) = store.inner.funcs.get(func as usize) else {
        return Err(TrapCode::Internal.into());
    };
    let max_depth = store.inner.engine.config().max_call_depth;
    let depth_base = store.inner.depth;
    if depth_base >= max_depth {
        return Err(TrapCode::StackOverflow.into());
    }
    let slots_base = store.inner.slots_used;
    // A host function that panics (here or in a run, at any depth) unwinds
    // through this call: the store's depth and slots in use are put back
    // as they were before it, so a store whose panic was caught keeps its
    // whole budget, and the panic goes on.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if depth_base == 0 {
            return call_entity(store, entity, args, depth_base, slots_base);
        }
        // A host function calling back into Wasm recurses here, a suspended
        // run on the native stack at each level: when little of the stack
        // is left, the call runs on a segment of its own, so the call depth
        // limit, not the thread's stack, bounds re-entry.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            call_entity(store, entity, args, depth_base, slots_base)
        })
    }))
    .unwrap_or_else(|panic| {
        store.inner.depth = depth_base;
        store.inner.slots_used = slots_base;
        // The host calls the panic unwound are over; at the outermost call
        // none of the store's is under way (each runs at a depth of at
        // least 1), so none is counted: a store whose panic was caught
        // frees its host functions when dropped, as any other.
        if depth_base == 0 {
            store.hosts.calling = 0;
        }
        std::panic::resume_unwind(panic)
    })
}

/// [`call`] of `entity`, the store at call depth `depth_base` with
/// `slots_base` value slots in use.
fn call_entity<T>(
    store: &mut Store<T>,
    entity: FuncEntity,
    args: &mut [u64],
    depth_base: u32,
    slots_base: usize,
) -> Result<(), Trap> {
    let (instance, index) = match entity.kind {
        FuncKind::Host { index } => {
            store.inner.depth += 1;
            let result = call_host(store, index, None, args);
            store.inner.depth = depth_base;
            return result;
        }
        FuncKind::Wasm { instance, index } => (instance, index),
    };
    let mut stack = store
        .inner
        .spare_stack
        .take()
        .or_else(|| store.inner.engine.take_stack())
        .unwrap_or_default();
    stack.frames.clear();
    let result = enter(
        store, &mut stack, instance, index, args, depth_base, slots_base,
    );
    // A host function's call back into Wasm ran on a stack of its own
    // (the caller's run holds the store's): kept, not freed, for the next
    // one (freeing and allocating half a megabyte per call back cost
    // microseconds: glibc then serves it from the heap and clears it).
    match &store.inner.spare_stack {
        None => store.inner.spare_stack = Some(stack),
        Some(_) => store.inner.engine.return_stack(stack),
    }
    result
}

/// Runs Wasm function `index` of `instance` on a fresh value stack.
#[allow(unsafe_code)]
fn enter<T>(
    store: &mut Store<T>,
    stack: &mut ValueStack,
    instance: u32,
    index: u32,
    args: &mut [u64],
    depth_base: u32,
    slots_base: usize,
) -> Result<(), Trap> {
    let (num_params, num_locals, num_results, frame_size, ip) = {
        let module = &store.inner.instances[instance as usize].module;
        let Some(func) = module.compile(index) else {
            return Err(TrapCode::Internal.into());
        };
        (
            func.num_params as usize,
            func.num_locals as usize,
            func.num_results as usize,
            func.frame_size as usize,
            func.code.as_ptr(),
        )
    };
    let max_slots = store.inner.engine.config().max_value_stack as usize;
    if slots_base.saturating_add(frame_size) > max_slots {
        return Err(TrapCode::StackOverflow.into());
    }
    let window = FRAME_WINDOW;
    if stack.slots.len() < window {
        // A zeroed allocation: the OS supplies the pages lazily.
        stack.slots = slots::zeroed(window).ok_or(TrapCode::StackOverflow)?;
    }
    stack.slots[..num_params].copy_from_slice(&args[..num_params]);
    stack.slots[num_params..num_locals].fill(0);
    stack.frames.push(Frame {
        instance,
        func: index,
        base: 0,
        ip: dispatch::Resume(ip),
    });
    // From here the store is reached through `raw` only, itself derived
    // from this function's `store` borrow (so no access below is foreign
    // to that borrow): a run's host calls make `&mut Store<T>` from it
    // while the run's context holds references into the store, which the
    // context does not use between the write-back of its fuel and taking
    // them again after the call (`Cx::rebind`).
    let serial = store.inner.serial;
    let raw: *mut Store<T> = store;
    let host_calls = HostCalls::of(raw);
    loop {
        // A host function or hook given the store through its `Caller`
        // may have put another store in its place, dropping the instances
        // the frames below resume in: nothing is left to run.
        // SAFETY: `raw` is derived from this call's `store` borrow; no
        // reference into the store is live here.
        if unsafe { (*raw).inner.serial } != serial {
            return Err(TrapCode::Internal.into());
        }
        // SAFETY: `raw` is derived from this call's `store` borrow and no
        // reference made from it is live here; during the run the store is
        // reached through this pointer and through the host calls made
        // from it, never both at once (see above).
        let inner = unsafe { std::ptr::addr_of_mut!(*(*raw).inner) };
        let exit = run::run(inner, host_calls, stack, depth_base, slots_base)?;
        // SAFETY: the run is over and left no reference into the store.
        let store = unsafe { &mut *raw };
        match exit {
            Exit::Done => break,
            Exit::Charge => {
                let charge = store
                    .inner
                    .profile
                    .as_deref_mut()
                    .and_then(|p| p.charge.take());
                if let (Some(hook), Some(charge)) = (store.charge_hook, charge) {
                    let instance = Some(charge.instance);
                    hook(&mut crate::Caller::new(store, instance), charge);
                }
            }
            Exit::Host { func, base } => {
                let FuncKind::Host { index } = store.inner.funcs[func as usize].kind else {
                    return Err(TrapCode::Internal.into());
                };
                // The calling frame, pushed when the run stopped.
                let Some(caller) = stack.frames.last().map(|f| f.instance) else {
                    return Err(TrapCode::Internal.into());
                };
                let site = HostCallSite {
                    func,
                    index,
                    instance: caller,
                    depth: depth_base + stack.frames.len() as u32,
                    slots_used: slots_base + base,
                    depth_base,
                    slots_base,
                };
                if let Some(profile) = store.inner.profile.as_deref_mut() {
                    let caller = profile::node_of_stack(
                        profile,
                        &store.inner.instances,
                        &stack.frames,
                        None,
                    );
                    profile.enter_host(caller, func);
                }
                let result = match stack.slots.get_mut(base..) {
                    Some(window) => call_host_at(store, &site, window),
                    None => Err(TrapCode::StackOverflow.into()),
                };
                if let Some(profile) = store.inner.profile.as_deref_mut() {
                    profile.leave_host();
                }
                if let Err(trap) = result {
                    // The caller resumes after its call instruction.
                    let top = stack.frames.last().map(|f| (f.instance, f.func, f.ip.0));
                    return Err(trap.or_origin(|| {
                        let (instance, index, resume) = top?;
                        let call = resume.wrapping_sub(1);
                        run::origin(&store.inner.instances, instance, index, Some(func), call)
                    }));
                }
            }
        }
    }
    args[..num_results].copy_from_slice(&stack.slots[..num_results]);
    Ok(())
}

/// [`call_host`], telling `hook` of the call before and after. `func` is
/// the store function, `index` its host function.
#[cold]
#[inline(never)]
fn call_host_observed<T>(
    store: &mut Store<T>,
    hook: crate::store::HostCallHook<T>,
    func: u32,
    index: u32,
    instance: Option<u32>,
    slots: &mut [u64],
) -> Result<(), Trap> {
    let (params, results) = {
        let host = &store.hosts[index as usize];
        (host.params, host.results)
    };
    let name = store
        .inner
        .host_names
        .get(&func)
        .cloned()
        .unwrap_or_else(|| format!("host[{func}]"));
    let args = slots.get(..params).unwrap_or_default();
    hook(
        &mut Caller::new(store, instance),
        crate::HostCall::Enter { name: &name, args },
    );
    let result = call_host(store, index, instance, slots);
    let results = match &result {
        Ok(()) => slots.get(..results).unwrap_or_default(),
        Err(_) => &[],
    };
    let event = crate::HostCall::Leave {
        name: &name,
        results,
        trapped: result.is_err(),
    };
    hook(&mut Caller::new(store, instance), event);
    result
}

/// Host calls made without leaving the interpreter: the running store,
/// its type erased, and the function that calls one of its host functions
/// ([`host_call_in_run`]). A handler calls the host function in place and
/// goes on with the run, where it stopped the run and resumed it after the
/// call (that round trip was most of a host call's time). A profiling run
/// still stops: the profile places the call on the frame stack.
#[derive(Clone, Copy)]
pub(crate) struct HostCalls {
    /// The `Store<T>` of the run.
    store: *mut (),
    /// [`host_call_in_run::<T>`].
    call: unsafe fn(*mut (), &HostCallSite, &mut [u64], &mut Option<Trap>) -> *mut StoreInner,
}

/// Where a host call happens, inside a run or between two: the store's
/// bookkeeping for the call ([`call_host_at`]).
pub(crate) struct HostCallSite {
    /// The store function called.
    pub(crate) func: u32,
    /// Its host function.
    pub(crate) index: u32,
    /// The store instance of the calling function.
    pub(crate) instance: u32,
    /// The call depth during the call: the activations below, the frames
    /// of this one and the calling frame.
    pub(crate) depth: u32,
    /// The slots in use below the host function's arguments.
    pub(crate) slots_used: usize,
    /// The store's depth and slots in use once the call is over.
    pub(crate) depth_base: u32,
    pub(crate) slots_base: usize,
}

#[allow(unsafe_code)]
impl HostCalls {
    /// Calls the host function of `site`, its arguments at the start of
    /// `window` (which it trims to the function's values: a stack overflow
    /// if they do not fit). Gives the state of the store at the run's
    /// store's place after the call ([`host_call_in_run`]), and puts the
    /// trap in `trap` if the call ended with one (left as it was if not).
    /// The trap goes out apart: returned with the pointer, a `Result` came
    /// back through memory written in parts, and the caller's read of it
    /// stalled on store forwarding (69% of `call_host`'s samples).
    ///
    /// # Safety
    ///
    /// The store these calls were made for is alive, and reached during
    /// this call only through the pointer they hold (which `enter` derived
    /// from its own borrow of the store): no reference into it made before
    /// the call is used during or after it without being made again (the
    /// run's context takes its references afresh, [`cx::Cx::rebind`]).
    pub(crate) unsafe fn call(
        &self,
        site: &HostCallSite,
        window: &mut [u64],
        trap: &mut Option<Trap>,
    ) -> *mut StoreInner {
        // SAFETY: as the caller promises; `call` is `host_call_in_run::<T>`
        // for the `T` of `store` (`HostCalls::of`).
        unsafe { (self.call)(self.store, site, window, trap) }
    }

    /// Host calls on `store`, which must outlive them and be reached only
    /// through them while a run uses them.
    fn of<T>(store: *mut Store<T>) -> Self {
        Self {
            store: store.cast(),
            call: host_call_in_run::<T>,
        }
    }
}

/// Calls host function `site.index` of the `Store<T>` at `store` from inside
/// a run: its arguments (and then results) at the start of `window`; its
/// trap, if it ends with one, in `trap`. Gives the store's state as it is
/// after the call, where the run takes its references from again: the
/// host function may have put another store in the run's store's place,
/// dropping the state the run had.
///
/// # Safety
///
/// `store` is a live `Store<T>`, and nothing derived from it before is used
/// during this call or after it without being derived again.
#[allow(unsafe_code)]
unsafe fn host_call_in_run<T>(
    store: *mut (),
    site: &HostCallSite,
    window: &mut [u64],
    trap: &mut Option<Trap>,
) -> *mut StoreInner {
    let raw = store.cast::<Store<T>>();
    // SAFETY: as the caller promises.
    if let Err(e) = call_host_at(unsafe { &mut *raw }, site, window) {
        *trap = Some(e);
    }
    // SAFETY: as the caller promises; the reference above is gone, and no
    // reference is made here (the box's pointer is read, not borrowed).
    unsafe { std::ptr::addr_of_mut!(*(*raw).inner) }
}

/// Calls host function `site.index`, its arguments (and then results) at
/// the start of `window` (a stack overflow if they do not fit), with the
/// store's call depth and slots in use set for the call and restored
/// after it, telling the host-call hook of it if one is set: a host call
/// from inside a run or between two.
fn call_host_at<T>(
    store: &mut Store<T>,
    site: &HostCallSite,
    window: &mut [u64],
) -> Result<(), Trap> {
    let n = {
        let host = &store.hosts[site.index as usize];
        host.params.max(host.results)
    };
    let slots = window.get_mut(..n).ok_or(TrapCode::StackOverflow)?;
    store.inner.depth = site.depth;
    store.inner.slots_used = site.slots_used + n;
    let caller = Some(site.instance);
    let result = match store.host_hook {
        None => call_host(store, site.index, caller, slots),
        Some(hook) => call_host_observed(store, hook, site.func, site.index, caller, slots),
    };
    store.inner.depth = site.depth_base;
    store.inner.slots_used = site.slots_base;
    result
}

/// Calls host function `index` with its arguments in `slots`.
///
/// The body is called through a pointer, not a clone of its `Arc` (two
/// atomic operations per host call): the store's host functions are
/// freed only when dropped, and while this call is counted in
/// [`HostFuncs::calling`](crate::host_funcs::HostFuncs) not even then.
#[allow(unsafe_code)]
fn call_host<T>(
    store: &mut Store<T>,
    index: u32,
    instance: Option<u32>,
    slots: &mut [u64],
) -> Result<(), Trap> {
    let func: *const crate::func::HostFn<T> = Arc::as_ptr(&store.hosts[index as usize].func);
    let serial = store.inner.serial;
    // Saturating: a count stuck high only leaks.
    store.hosts.calling = store.hosts.calling.saturating_add(1);
    // SAFETY: `func` is the body a live `Arc` of the store's host
    // functions holds. The vector only grows (a push may move the `Arc`,
    // never the body), so the body is freed only if the vector is dropped
    // (the host function put another store in this one's place and
    // dropped it), and a vector dropped while `calling` counts this call
    // leaks its bodies instead. So the body outlives the call.
    let result = unsafe { (*func)(Caller::new(store, instance), slots) };
    // The count is the store's, if the store there is still this one: a
    // store put in its place counts its own calls.
    if store.inner.serial == serial {
        store.hosts.calling = store.hosts.calling.saturating_sub(1);
    }
    result
}
