//! Threaded code: every instruction carries the address of its handler,
//! and every handler ends by jumping to the next one.
//!
//! With `iris_tail_dispatch` (set by `build.rs` for optimised builds on
//! targets where LLVM turns a call in tail position into a jump), a
//! handler *calls* the next handler as its last act, and that call becomes
//! a jump: the interpreter runs without a central loop, each handler with
//! its own indirect branch, and with the instruction pointer, the frame's
//! slots, the memory and the accumulator (a value only the next
//! instruction reads, see [`crate::ir::ACC`]) in machine registers.
//! Without it (debug builds, coverage or sanitizer instrumentation, the
//! `portable-dispatch` feature), a handler returns the next instruction
//! pointer to a loop, which keeps the accumulator in the context between
//! two handlers, so the native stack never grows with the number of
//! instructions run.

use std::fmt;

use super::cx::Cx;
use crate::ir::{branch_target, Instr};

/// Points at the instruction to run.
pub(crate) type Ip = *const Op;

/// A suspended frame's resume point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resume(pub(crate) Ip);

// SAFETY: a resume point points into a module's translated code, which is
// never changed after translation and is shared through an
// `Arc<ModuleInner>` (itself `Send` and `Sync`); it is only dereferenced by
// the interpreter running the store whose instance holds that module.
unsafe impl Send for Resume {}
// SAFETY: as for `Send`: nothing is ever written through it.
unsafe impl Sync for Resume {}

/// Points at slot 0 of the running frame's window.
pub(crate) type Regs = *mut u64;

/// Runs the instruction at `ip` and what follows it, `acc` holding the
/// accumulator. Returns null when the run stops (the reason is in
/// [`Cx::exit`]); with the portable dispatch, returns the next instruction
/// otherwise.
pub(crate) type Handler =
    fn(ip: Ip, regs: Regs, mem: *mut u8, mem_len: usize, cx: &mut Cx<'_>, acc: u64) -> Ip;

/// An instruction with its handler. Only [`thread`] makes one, so a
/// handler always runs an instruction of its own kind.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    handler: Handler,
    instr: Instr,
}

impl Op {
    /// The handler that runs this instruction.
    #[inline(always)]
    pub(crate) fn handler(&self) -> Handler {
        self.handler
    }

    /// The instruction.
    #[inline(always)]
    pub(crate) fn instr(&self) -> Instr {
        self.instr
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.instr.fmt(f)
    }
}

/// Which dispatch this build of the engine uses: `"tail-call"` or
/// `"loop"`.
///
/// Behind the `testing` feature: the dispatch is the engine's own affair,
/// and only its tests (which must pass under both) ask which one runs.
#[cfg(feature = "testing")]
pub const DISPATCH: &str = if cfg!(iris_tail_dispatch) {
    "tail-call"
} else {
    "loop"
};

/// Ends a handler: goes on with the instruction at `$ip`, the
/// accumulator holding `$acc`.
macro_rules! next {
    ($ip:expr, $regs:expr, $mem:expr, $len:expr, $cx:expr, $acc:expr) => {{
        let ip: $crate::exec::dispatch::Ip = $ip;
        #[cfg(iris_tail_dispatch)]
        {
            // SAFETY: translation ends every path of a function with a
            // return, a branch or a trap, and every branch target is an
            // instruction of the same function; calls go to a function's
            // first instruction and returns to the resume point a frame
            // kept. So `ip` points at an instruction of some function's
            // code, which its module keeps alive while an instance holds
            // it, and a store never drops its instances (a run whose store
            // a host function replaced stops before it dispatches again:
            // `Cx::rebind`, `enter`).
            let handler = unsafe { (*ip).handler() };
            return handler(ip, $regs, $mem, $len, $cx, $acc);
        }
        #[cfg(not(iris_tail_dispatch))]
        {
            let _ = ($regs, $mem, $len);
            $cx.acc = $acc;
            return ip;
        }
    }};
}
pub(crate) use next;

/// Runs from `ip` until a handler stops the run.
pub(super) fn execute(ip: Ip, cx: &mut Cx<'_>) {
    #[cfg(iris_tail_dispatch)]
    {
        let (regs, mem, len) = (cx.regs, cx.mem, cx.mem_len);
        // SAFETY: `ip` is the resumed frame's instruction (see `Cx::new`).
        let handler = unsafe { (*ip).handler() };
        handler(ip, regs, mem, len, cx, 0);
    }
    #[cfg(not(iris_tail_dispatch))]
    {
        let mut ip = ip;
        while !ip.is_null() {
            let (regs, mem, len, acc) = (cx.regs, cx.mem, cx.mem_len, cx.acc);
            // SAFETY: as in `next!`: a handler returns an instruction of
            // the running function, or null to stop.
            let handler = unsafe { (*ip).handler() };
            ip = handler(ip, regs, mem, len, cx, acc);
        }
    }
}

/// The size of one threaded instruction, in bytes.
pub(crate) const OP_SIZE: u64 = std::mem::size_of::<Op>() as u64;

/// Threads translated code: branch targets become offsets from the branch
/// itself, and each instruction gets its handler. `None` if the system
/// refuses the memory. `code` is left with its targets made relative (the
/// translator reuses its buffer for the next function).
pub(crate) fn thread(code: &mut [Instr]) -> Option<Box<[Op]>> {
    let mut ops = Vec::new();
    ops.try_reserve_exact(code.len()).ok()?;
    // Targets made relative in place first, then each instruction copied
    // once with its handler. Patched in a copy that was then moved whole,
    // an instruction was read back just after a part of it was written:
    // a store-forwarding stall on every branch (11% of translating a
    // module of `br_table`s).
    for (at, instr) in code.iter_mut().enumerate() {
        make_relative(instr, at);
    }
    ops.extend(code.iter().map(|instr| Op {
        handler: super::handlers::handler_of(instr),
        instr: *instr,
    }));
    Some(ops.into_boxed_slice())
}

/// The index in `code` of the instruction at `ip`, if `ip` points at one.
pub(crate) fn index_of(code: &[Op], ip: Ip) -> Option<u32> {
    let from_start = (ip as usize).checked_sub(code.as_ptr() as usize)?;
    let index = from_start / std::mem::size_of::<Op>();
    (from_start % std::mem::size_of::<Op>() == 0 && index < code.len())
        .then(|| u32::try_from(index).ok())
        .flatten()
}

/// Whether `code`, translated afresh, is the threaded code `ops`: the same
/// instructions, branch targets made relative as [`thread`] does.
pub(crate) fn same_code(code: &[Instr], ops: &[Op]) -> bool {
    code.len() == ops.len()
        && code.iter().zip(ops).enumerate().all(|(at, (instr, op))| {
            let mut instr = *instr;
            make_relative(&mut instr, at);
            instr == op.instr
        })
}

/// Makes `instr`'s branch target, if it has one, an offset from `at`, the
/// instruction's own index.
fn make_relative(instr: &mut Instr, at: usize) {
    if let Some(target) = branch_target(instr) {
        *target = target.wrapping_sub(at as u32);
    }
}

/// The instruction `offset` (as left by [`thread`]) from `ip`.
#[inline(always)]
pub(super) fn jump(ip: Ip, offset: u32) -> Ip {
    ip.wrapping_offset(offset as i32 as isize)
}
