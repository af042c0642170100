//! One run of the interpreter: from the top frame of a value stack until
//! the outermost frame returns, a host function must be called, or a trap.

use super::cx::Cx;
use super::dispatch::execute;
use super::{Exit, ValueStack};
use crate::store::StoreInner;
use crate::trap::TrapCode;

/// Runs the top frame of `stack` until the outermost frame returns, a host
/// function must be called, or a trap. The fuel left is written back to the
/// store whatever the outcome.
pub(super) fn run(
    store: &mut StoreInner,
    stack: &mut ValueStack,
    depth_base: u32,
    slots_base: usize,
) -> Result<Exit, TrapCode> {
    if stack.frames.is_empty() {
        return Ok(Exit::Done);
    }
    // Every suspended frame names a function of its instance, inside its
    // code, with its window inside the value stack: the error is never
    // taken.
    let Some((mut cx, ip)) = Cx::new(store, stack, depth_base, slots_base) else {
        return Err(TrapCode::StackOverflow);
    };
    execute(ip, &mut cx);
    let Cx { fuel, exit, .. } = cx;
    store.fuel = fuel;
    exit
}
