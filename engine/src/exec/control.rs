//! Handlers of control flow, fuel, copies and constants: branches, calls
//! and returns, which move between frames without growing the native
//! stack.

#![allow(non_snake_case)]

use super::cx::{Cx, Stop, FRAME_WINDOW};
use super::dispatch::{jump, next, Ip, Regs};
use super::handlers::{arg, decode, get, set};
use super::num;
use super::HostCallSite;
use crate::ir::{Instr, Slot};
use crate::store::FuncKind;
use crate::store::{Charge, ChargeKind};
use crate::translate::CompiledFunc;
use crate::trap::{Trap, TrapCode};

/// Stops the run with `exit` ([`Cx::stop`]).
///
/// `stop` and `trap` are defined here, beside the call and return
/// handlers, and not as methods in `cx.rs`: rustc compiles the items of one
/// module in the same codegen unit (a method goes with its type's module),
/// so these handlers' optimisation always sees that a stop returns null and
/// does not capture the context. When the two landed in another unit, the
/// calls reloaded the context and checked an instance switch they have no
/// need of (5% more instructions on recursive `fib`). Every other handler
/// jumps to them, out of line.
#[cold]
#[inline(never)]
pub(super) fn stop(cx: &mut Cx<'_>, exit: Result<Stop, TrapCode>) -> Ip {
    cx.exit = exit;
    std::ptr::null()
}

/// Stops the run with a trap at `ip` ([`Cx::trap`]).
#[cold]
#[inline(never)]
pub(super) fn trap(cx: &mut Cx<'_>, code: TrapCode, ip: Ip) -> Ip {
    cx.trapped_at = ip;
    stop(cx, Err(code))
}

pub(super) fn Unreachable(ip: Ip, _: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    decode!(ip, cx, Instr::Unreachable);
    cx.trap(TrapCode::Unreachable, ip)
}

pub(super) fn ConsumeFuel(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::ConsumeFuel { amount });
    match cx.fuel.checked_sub(amount) {
        Some(left) => cx.fuel = left,
        None => return cx.trap(TrapCode::OutOfFuel, ip),
    }
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn ProfileFuel(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::ProfileFuel { block });
    let inst = cx.inst;
    let info = inst
        .module
        .compiled(cx.func)
        .and_then(|f| f.blocks.get(block as usize));
    let Some(&info) = info else {
        return cx.trap(TrapCode::Internal, ip);
    };
    match cx.fuel.checked_sub(info.fuel) {
        Some(left) => cx.fuel = left,
        None => return cx.trap(TrapCode::OutOfFuel, ip),
    }
    if let Some(profile) = super::cx::state(&mut cx.raw).profile.as_deref_mut() {
        let here = (cx.instance, cx.func);
        crate::profile::record_block(profile, cx.instances, &cx.stack.frames, here, block, info);
        if profile.trace_charges {
            let kind = ChargeKind::Block {
                block,
                offset: info.offset,
            };
            return stop_for_charge(cx, ip, kind, info.fuel);
        }
    }
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

/// Stops the run after a charge of `fuel` for `kind` by the instruction at
/// `ip`, for the store's charge hook; the running frame resumes after the
/// instruction.
#[cold]
#[inline(never)]
pub(super) fn stop_for_charge(cx: &mut Cx<'_>, ip: Ip, kind: ChargeKind, fuel: u64) -> Ip {
    let frame = cx.frame_at(ip.wrapping_add(1));
    cx.stack.frames.push(frame);
    let charge = Charge {
        instance: cx.instance,
        func: cx.inst.module.num_imported_funcs.saturating_add(cx.func),
        kind,
        fuel_before: cx.fuel.saturating_add(fuel),
        fuel,
    };
    if let Some(profile) = cx.state().profile.as_deref_mut() {
        profile.charge = Some(charge);
    }
    cx.stop(Ok(Stop::Charge))
}

pub(super) fn Copy(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
    decode!(ip, cx, Instr::Copy { dst, src });
    set(regs, dst, get(regs, src));
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn Copy2(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
    decode!(ip, cx, Instr::Copy2 { d0, s0, d1, s1 });
    set(regs, d0, get(regs, s0));
    set(regs, d1, get(regs, s1));
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn CopyBr(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::CopyBr { dst, src, target });
    set(regs, dst, get(regs, src));
    next!(jump(ip, target), regs, mem, len, cx, acc)
}

pub(super) fn Copy2Br(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(
        ip,
        cx,
        Instr::Copy2Br {
            d0,
            s0,
            d1,
            s1,
            target
        }
    );
    set(regs, d0, get(regs, s0));
    set(regs, d1, get(regs, s1));
    next!(jump(ip, target), regs, mem, len, cx, acc)
}

pub(super) fn Copy3(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
    decode!(
        ip,
        cx,
        Instr::Copy3 {
            d0,
            s0,
            d1,
            s1,
            d2,
            s2
        }
    );
    set(regs, d0, get(regs, s0));
    set(regs, d1, get(regs, s1));
    set(regs, d2, get(regs, s2));
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn CopySpan(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::CopySpan { dst, src, len: n });
    let (dst, src, n) = (dst as usize, src as usize, n as usize);
    // Translation only emits spans inside the frame, and frames fit the
    // window; a span that did not would be a translation bug.
    if dst.max(src).saturating_add(n) > FRAME_WINDOW {
        return cx.trap(TrapCode::Internal, ip);
    }
    // SAFETY: `regs` points at the running frame's window of
    // `FRAME_WINDOW` slots (`Cx::refresh_regs`), and both spans end within
    // it (checked above). `ptr::copy` allows them to overlap.
    unsafe { std::ptr::copy(regs.add(src), regs.add(dst), n) };
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn Const64(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::Const64 { dst, value });
    set(regs, dst, value);
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn Select(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::Select { dst, cond, a, b });
    let value = if get(regs, cond) as u32 != 0 {
        get(regs, a)
    } else {
        get(regs, b)
    };
    set(regs, dst, value);
    next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
}

pub(super) fn Br(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
    decode!(ip, cx, Instr::Br { target });
    next!(jump(ip, target), regs, mem, len, cx, acc)
}

/// A conditional branch on one slot.
macro_rules! branch_if {
    ($($name:ident($cond:ident) $test:expr;)*) => {
        $(
            pub(super) fn $name<const D: bool, const R: u8>(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
                decode!(ip, cx, Instr::$name { cond, target });
                let $cond = arg::<R>(1, regs, cond, acc);
                if $test {
                    next!(jump(ip, target), regs, mem, len, cx, acc)
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
            }
        )*
    };
}

branch_if! {
    BrIfNez(c) c as u32 != 0;
    BrIfEqz(c) c as u32 == 0;
    BrIfNez64(c) c != 0;
    BrIfEqz64(c) c == 0;
}

/// `dst = lhs + imm`, then a branch on `dst` (i32).
macro_rules! branch_add_imm {
    ($($name:ident($d:ident) $test:expr;)*) => {
        $(
            pub(super) fn $name<const D: bool, const R: u8>(ip: Ip, regs: Regs, mem: *mut u8, len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip {
                decode!(ip, cx, Instr::$name { dst, lhs, imm, target });
                let $d = num::i32_add(arg::<R>(1, regs, lhs, acc), imm as u64);
                set(regs, dst, $d);
                if $test {
                    next!(jump(ip, target), regs, mem, len, cx, acc)
                }
                next!(ip.wrapping_add(1), regs, mem, len, cx, acc)
            }
        )*
    };
}

branch_add_imm! {
    BrI32AddImmNez(d) d as u32 != 0;
    BrI32AddImmEqz(d) d as u32 == 0;
}

pub(super) fn BrTable(
    ip: Ip,
    regs: Regs,
    mem: *mut u8,
    len: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::BrTable { index, len: n });
    // The `Br` of entry `index`, or of the default (last) entry.
    let entry = (get(regs, index) as u32).min(n) as usize;
    next!(ip.wrapping_add(1 + entry), regs, mem, len, cx, acc)
}

/// Goes on in the frame that `ip` entered or returned to, with its
/// registers and memory, or stops if `ip` is null.
macro_rules! resume {
    ($ip:expr, $cx:expr) => {{
        let ip: Ip = $ip;
        if ip.is_null() {
            return ip;
        }
        let (regs, mem, len) = ($cx.regs, $cx.mem, $cx.mem_len);
        next!(ip, regs, mem, len, $cx, 0)
    }};
}

/// Returns to the caller's frame: its resume point, or null when the
/// outermost frame returns.
#[inline(always)]
fn ret(cx: &mut Cx<'_>) -> Ip {
    let Some(frame) = cx.stack.frames.pop() else {
        return cx.stop(Ok(Stop::Done));
    };
    cx.switch_instance(frame.instance);
    cx.func = frame.func;
    cx.base = frame.base as usize;
    cx.refresh_regs();
    frame.ip.0
}

/// Returns as [`ret`] does when the caller runs in the same instance:
/// gives its resume point; `None`, with nothing changed, when the caller
/// runs in another instance or there is none (the outermost frame
/// returns). Inlined in the return handlers, which leave those cases to
/// [`ReturnElsewhere`]: their path then makes no call and saves no
/// registers.
#[inline(always)]
fn ret_within(cx: &mut Cx<'_>) -> Option<Ip> {
    let frames = &mut cx.stack.frames;
    let frame = *frames.last()?;
    if frame.instance != cx.instance {
        return None;
    }
    frames.pop();
    cx.func = frame.func;
    cx.base = frame.base as usize;
    cx.refresh_regs();
    Some(frame.ip.0)
}

/// Returns from a function whose results are in place to a caller in
/// another instance, or from the outermost frame.
#[cold]
#[inline(never)]
fn ReturnElsewhere(_: Ip, _: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    resume!(ret(cx), cx)
}

pub(super) fn Return(ip: Ip, regs: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    decode!(ip, cx, Instr::Return);
    match ret_within(cx) {
        Some(next) => resume!(next, cx),
        None => ReturnElsewhere(ip, regs, std::ptr::null_mut(), 0, cx, 0),
    }
}

pub(super) fn ReturnSlot<const D: bool, const R: u8>(
    ip: Ip,
    regs: Regs,
    _: *mut u8,
    _: usize,
    cx: &mut Cx<'_>,
    acc: u64,
) -> Ip {
    decode!(ip, cx, Instr::ReturnSlot { src });
    set(regs, 0, arg::<R>(1, regs, src, acc));
    match ret_within(cx) {
        Some(next) => resume!(next, cx),
        None => ReturnElsewhere(ip, regs, std::ptr::null_mut(), 0, cx, 0),
    }
}

/// Enters defined function `func` of store instance `instance`, its frame
/// starting at slot `at` of the caller's; the caller resumes after `ip`,
/// its call instruction (which a trap here names). Gives the callee's first
/// instruction.
#[inline(always)]
fn call_wasm(cx: &mut Cx<'_>, ip: Ip, instance: u32, func: u32, at: Slot) -> Ip {
    match enter::<false>(cx, ip, instance, func, at) {
        Some(next) => next,
        None => enter_with_room(cx, ip, instance, func, at),
    }
}

/// Defined function `func` of store instance `instance`, translated.
#[inline(always)]
fn callee<'a>(cx: &Cx<'a>, instance: u32, func: u32) -> Option<&'a CompiledFunc> {
    let inst = match instance == cx.instance {
        true => cx.inst,
        false => cx.instances.get(instance as usize)?,
    };
    match inst.module.compiled(func) {
        Some(compiled) => Some(compiled),
        None => first_call(&inst.module, func),
    }
}

/// Defined function `func` of store instance `instance` if it is
/// translated already: the call's fast path, which makes no call (see
/// [`enter`]).
#[inline(always)]
fn translated<'a>(cx: &Cx<'a>, instance: u32, func: u32) -> Option<&'a CompiledFunc> {
    let inst = match instance == cx.instance {
        true => cx.inst,
        false => cx.instances.get(instance as usize)?,
    };
    inst.module.compiled(func)
}

/// Translates `func` at its first call (lazy translation), off the call's
/// path.
#[cold]
#[inline(never)]
fn first_call(module: &crate::module::ModuleInner, func: u32) -> Option<&CompiledFunc> {
    module.compile(func)
}

/// Declared locals the fast path zeroes one by one; a callee with more
/// goes to the slow path, which clears them with one `memset`.
const FAST_LOCALS: u32 = 32;

/// Enters the call: `None`, with nothing changed, when the call needs what
/// only [`make_room`] decides (a stack overflow, or more room), when the
/// callee is not translated yet (its first call, with lazy translation)
/// or, on the fast path (`SLOW` false), when it declares more than
/// [`FAST_LOCALS`] locals. The fast path makes no call itself, so a
/// handler that tail-calls the slow path instead ([`CallInternal`]) saves
/// only the registers it uses: the prologue that a possible call brings
/// cost `fib` a sixth of its call handler's time.
#[inline(always)]
fn enter<const SLOW: bool>(
    cx: &mut Cx<'_>,
    ip: Ip,
    instance: u32,
    func: u32,
    at: Slot,
) -> Option<Ip> {
    let new_base = cx.base + at as usize;
    // Known before the frame is written (a write the compiler cannot tell
    // from the context's): a call within the running instance, as every
    // `CallInternal` is, then tests nothing.
    let switching = instance != cx.instance;
    // A callee not translated yet (or missing: an internal error) is the
    // slow path's, which translates it (or traps) and comes back here.
    let callee = translated(cx, instance, func)?;
    // The call depth, the value-stack limit, the window and room for the
    // frame in one test on the way in; which one failed is sorted out off
    // this path.
    let frames = &cx.stack.frames;
    let declared = callee.num_declared;
    if frames.len() >= cx.frame_limit
        || frames.len() == frames.capacity()
        || new_base + callee.frame_size as usize > cx.slot_limit
        || new_base + FRAME_WINDOW > cx.stack.slots.len()
        || (!SLOW && declared > FAST_LOCALS)
    {
        return None;
    }
    let frame = cx.frame_at(ip.wrapping_add(1));
    let frames = &mut cx.stack.frames;
    let len = frames.len();
    // SAFETY: `len < capacity` (checked above), so slot `len` is allocated
    // and unused; it is written before the length covers it, and `Frame`
    // is `Copy` (nothing to drop).
    unsafe {
        frames.as_mut_ptr().add(len).write(frame);
        frames.set_len(len + 1);
    }
    if switching {
        cx.switch_instance(instance);
    }
    cx.func = func;
    cx.base = new_base;
    cx.refresh_regs();
    // Declared locals start at zero; the window holds every slot below
    // `num_locals <= frame_size <= 2^16`.
    if SLOW {
        let locals = new_base + callee.num_params as usize..new_base + callee.num_locals as usize;
        if let Some(slots) = cx.stack.slots.get_mut(locals) {
            slots.fill(0);
        }
    } else {
        let regs = cx.regs;
        let first = callee.num_params;
        for slot in first..first + declared {
            set(regs, slot as Slot, 0);
        }
    }
    Some(callee.code.as_ptr())
}

/// [`call_wasm`]'s slow path: a stack overflow, or the callee translated
/// if this is its first call, room made and the call entered (its locals
/// cleared with one `memset`).
#[cold]
#[inline(never)]
fn enter_with_room(cx: &mut Cx<'_>, ip: Ip, instance: u32, func: u32, at: Slot) -> Ip {
    let new_base = cx.base + at as usize;
    let Some(callee) = callee(cx, instance, func) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    if let Err(code) = make_room(cx, new_base, callee.frame_size as usize) {
        return cx.trap(code, ip);
    }
    // `make_room` made room for all `enter` checks.
    enter::<true>(cx, ip, instance, func, at)
        .unwrap_or_else(|| cx.trap(TrapCode::StackOverflow, ip))
}

/// A call's limits and room, off the hot path: a stack overflow if the
/// call depth or the value-stack limit would be passed, or else a value
/// stack grown to hold the callee's window.
#[cold]
#[inline(never)]
fn make_room(cx: &mut Cx<'_>, new_base: usize, frame_size: usize) -> Result<(), TrapCode> {
    if cx.stack.frames.len() >= cx.frame_limit || new_base + frame_size > cx.slot_limit {
        return Err(TrapCode::StackOverflow);
    }
    // Room for the frame `enter` pushes: geometric growth, refused cleanly
    // (a stack overflow) if the system has no memory for it.
    let frames = &mut cx.stack.frames;
    if frames.len() == frames.capacity() {
        let more = frames.capacity().max(16);
        frames
            .try_reserve(more)
            .map_err(|_| TrapCode::StackOverflow)?;
    }
    let slots = &mut cx.stack.slots;
    let need = new_base + FRAME_WINDOW;
    if need > slots.len() {
        // A zeroed allocation (the OS supplies the pages lazily), refused
        // cleanly as well.
        let mut grown = super::slots::zeroed(need.max(slots.len().saturating_mul(2)))
            .ok_or(TrapCode::StackOverflow)?;
        grown[..slots.len()].copy_from_slice(slots);
        *slots = grown;
    }
    Ok(())
}

/// Calls store function `func` with its frame at slot `at` from the call
/// instruction at `ip`: enters it if it is Wasm, or stops the run for the
/// host to call it (the caller resumes after `ip` in both cases).
fn call_func(cx: &mut Cx<'_>, ip: Ip, func: u32, at: Slot) -> Ip {
    let Some(&entity) = cx.state_ref().funcs.get(func as usize) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    match entity.kind {
        FuncKind::Wasm { instance, index } => call_wasm(cx, ip, instance, index, at),
        // A profiling run stops for the call, which the profile places on
        // the frame stack.
        FuncKind::Host { index } if cx.state_ref().profile.is_none() => {
            call_host(cx, ip, func, index, at)
        }
        FuncKind::Host { .. } => {
            let frame = cx.frame_at(ip.wrapping_add(1));
            cx.stack.frames.push(frame);
            let base = cx.base + at as usize;
            cx.host_func = func;
            cx.host_base = base;
            cx.stop(Ok(Stop::Host))
        }
    }
}

/// Calls host function `index` (store function `func`) from the call
/// instruction at `ip`, its arguments at slot `at` of the frame, without
/// stopping the run: gives the next instruction, or stops the run with the
/// trap the host function raised.
#[inline(never)]
fn call_host(cx: &mut Cx<'_>, ip: Ip, func: u32, index: u32, at: Slot) -> Ip {
    let base = cx.base + at as usize;
    let site = HostCallSite {
        func,
        index,
        instance: cx.instance,
        // As `enter` counts a host call between runs: the activations
        // below, the suspended frames, and the calling one.
        depth: cx.depth_base + cx.stack.frames.len() as u32 + 1,
        slots_used: cx.slots_base + base,
        depth_base: cx.depth_base,
        slots_base: cx.slots_base,
    };
    cx.write_back_fuel();
    let host = cx.host;
    let Some(window) = cx.stack.slots.get_mut(base..) else {
        return host_trap(cx, ip, func, TrapCode::StackOverflow.into());
    };
    let mut trap = None;
    // SAFETY: the store is reached through nothing else during the call:
    // this context's references into it are taken again (`rebind`) before
    // any is used. The window is of the value stack, which is not the
    // store's.
    let raw = unsafe { host.call(&site, window, &mut trap) };
    if !cx.rebind(raw) {
        // The store was replaced during the call: nothing of the run's is
        // left to go on with. `run` gives this trap, not the stop's code.
        cx.host_trap = Some(TrapCode::Internal.into());
        return cx.stop(Err(TrapCode::Internal));
    }
    match trap {
        None => ip.wrapping_add(1),
        Some(trap) => host_trap(cx, ip, func, trap),
    }
}

/// Stops the run with `trap`, from a call of host function `func` at `ip`
/// (its origin, if it has none, that call).
#[cold]
#[inline(never)]
fn host_trap(cx: &mut Cx<'_>, ip: Ip, func: u32, trap: Trap) -> Ip {
    let (instance, this) = (cx.instance, cx.func);
    let trap = trap.or_origin(|| super::run::origin(cx.instances, instance, this, Some(func), ip));
    // `run` gives this trap, not the stop's code.
    cx.host_trap = Some(trap);
    cx.stop(Err(TrapCode::Internal))
}

pub(super) fn CallInternal(ip: Ip, _: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    decode!(ip, cx, Instr::CallInternal { func, base });
    match enter::<false>(cx, ip, cx.instance, func, base) {
        Some(next) => resume!(next, cx),
        // A tail call, as every exit of this handler.
        None => CallInternalWithRoom(ip, std::ptr::null_mut(), std::ptr::null_mut(), 0, cx, 0),
    }
}

/// [`CallInternal`] when the call needs room made first (or overflows), or
/// its callee has many locals to clear.
#[cold]
#[inline(never)]
fn CallInternalWithRoom(ip: Ip, _: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    decode!(ip, cx, Instr::CallInternal { func, base });
    resume!(enter_with_room(cx, ip, cx.instance, func, base), cx)
}

pub(super) fn CallImported(ip: Ip, _: Regs, _: *mut u8, _: usize, cx: &mut Cx<'_>, _: u64) -> Ip {
    decode!(ip, cx, Instr::CallImported { func, base });
    let Some(&func) = cx.inst.funcs.get(func as usize) else {
        return cx.trap(TrapCode::Internal, ip);
    };
    resume!(call_func(cx, ip, func, base), cx)
}

pub(super) fn CallIndirect(
    ip: Ip,
    regs: Regs,
    _: *mut u8,
    _: usize,
    cx: &mut Cx<'_>,
    _: u64,
) -> Ip {
    decode!(
        ip,
        cx,
        Instr::CallIndirect {
            ty,
            table,
            index,
            base
        }
    );
    let func = match indirect_target(cx, ty, table, get(regs, index)) {
        Ok(func) => func,
        Err(code) => return cx.trap(code, ip),
    };
    resume!(call_func(cx, ip, func, base), cx)
}

/// The store function at `index` of table `table`, if it has type `ty`.
fn indirect_target(cx: &Cx<'_>, ty: u32, table: u32, index: u64) -> Result<u32, TrapCode> {
    let table = cx
        .inst
        .tables
        .get(table as usize)
        .and_then(|&t| cx.state_ref().tables.get(t as usize))
        .ok_or(TrapCode::Internal)?;
    let raw = *table
        .elems
        .get(index as u32 as usize)
        .ok_or(TrapCode::TableOutOfBounds)?;
    if raw == 0 {
        return Err(TrapCode::IndirectCallToNull);
    }
    let func = (raw - 1) as u32;
    match cx.state_ref().funcs.get(func as usize) {
        Some(entity) if entity.ty == ty => Ok(func),
        _ => Err(TrapCode::BadSignature),
    }
}
