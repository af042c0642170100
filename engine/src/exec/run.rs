//! One run of the interpreter: from the top frame of a value stack until
//! the outermost frame returns, a host function must be called, or a trap.

use super::cx::{Cx, StatePtr, Stop};
use super::dispatch::{execute, index_of, Ip};
use super::{Exit, HostCalls, ValueStack};
use crate::instance::InstanceEntity;
use crate::store::StoreInner;
use crate::trap::{CodeSite, Trap, TrapCode, TrapOrigin};

/// Runs the top frame of `stack` until the outermost frame returns, a host
/// function must be called, or a trap. The fuel left is written back to the
/// store whatever the outcome; a trap carries the function and the
/// instruction it happened at.
///
/// `raw` is the store's state, reached only through it during the run:
/// the run's host calls (`host`) take the whole store, and the context
/// takes its references into `raw` again after each.
#[allow(unsafe_code)]
pub(super) fn run(
    raw: *mut StoreInner,
    host: HostCalls,
    stack: &mut ValueStack,
    depth_base: u32,
    slots_base: usize,
) -> Result<Exit, Trap> {
    if stack.frames.is_empty() {
        return Ok(Exit::Done);
    }
    // SAFETY: `raw` is the live store of the running call (`enter`, which
    // derived it from its borrow of the store and uses nothing else while
    // the run lasts); the host calls made through `host` during the run
    // reach it while the context's references are not in use, and the
    // context takes them again after each (`Cx::rebind`).
    let state = unsafe { StatePtr::new(raw) };
    // Every suspended frame names a function of its instance, inside its
    // code, with its window inside the value stack: the error is never
    // taken.
    let Some((mut cx, ip)) = Cx::new(state, host, stack, depth_base, slots_base) else {
        return Err(TrapCode::StackOverflow.into());
    };
    execute(ip, &mut cx);
    let Cx {
        raw,
        fuel,
        store_serial,
        exit,
        host_func,
        host_base,
        host_trap,
        instance,
        func,
        trapped_at,
        ..
    } = cx;
    // SAFETY: as above; the context is gone, and a host call during the
    // run may have left `store` stale, so the store is reached afresh,
    // through the state the last host call left at the run's store's
    // place (`raw` as the context holds it: the run's own, or another a
    // host function put there, which the serial tells).
    let store = unsafe { &mut *raw.as_ptr() };
    // The fuel is the run's store's, not that of a store a host function
    // put in its place.
    if store.serial == store_serial {
        store.fuel = fuel;
    }
    if let Some(trap) = host_trap {
        return Err(trap);
    }
    match exit {
        Ok(Stop::Done) => Ok(Exit::Done),
        Ok(Stop::Host) => Ok(Exit::Host {
            func: host_func,
            base: host_base,
        }),
        Ok(Stop::Charge) => Ok(Exit::Charge),
        Err(code) => Err(Trap::from(code)
            .or_origin(|| origin(&store.instances, instance, func, None, trapped_at))),
    }
}

/// The origin of a trap at `ip`, an instruction of defined function `func`
/// of store instance `instance`; `host` is the store function it called,
/// when that trapped. Only the translated instruction is noted: its code
/// offset is found on demand ([`Trap::locate`]).
#[cold]
pub(super) fn origin(
    instances: &[InstanceEntity],
    instance: u32,
    func: u32,
    host: Option<u32>,
    ip: Ip,
) -> Option<TrapOrigin> {
    let entity = instances.get(instance as usize)?;
    let module = &entity.module;
    let index = module.num_imported_funcs.checked_add(func)?;
    let site = module
        .compiled(func)
        .and_then(|compiled| index_of(&compiled.code, ip))
        .map(|instr| CodeSite {
            module: std::sync::Arc::clone(module),
            func,
            instr,
        });
    let name = module.func_names.get(&index).cloned().or_else(|| {
        module
            .exports
            .iter()
            .find(|(_, e)| *e == crate::module::ExternIndex::Func(index))
            .map(|(name, _)| name.clone())
    });
    // The import the host function was linked to: the first imported
    // function of the instance that is that store function.
    let host = host.and_then(|store_func| {
        let position = entity
            .funcs
            .iter()
            .take(module.num_imported_funcs as usize)
            .position(|&f| f == store_func)?;
        let import = module
            .imports
            .iter()
            .filter(|i| matches!(i.kind, crate::module::ImportKind::Func(_)))
            .nth(position)?;
        Some((import.module.clone(), import.name.clone()))
    });
    Some(TrapOrigin {
        func: index,
        name,
        host,
        offset: None,
        site,
    })
}
