//! The translator's virtual operand stack.
//!
//! Besides the entries, it keeps indexes of the entries that are not
//! temporaries, so that every question the translator asks of the stack
//! (are the top `n` entries in their canonical slots? which entries still
//! refer to local `n`? to any local?) costs time in proportion to the
//! entries it changes, never to the stack's height. Without them, a module
//! that pushes many operands and then repeats a cheap operator that scans
//! the stack (a `block`, a `br_if` carrying many values, a `local.tee`)
//! translates in quadratic time.
//!
//! Two indexes are *lazy* lists of depths, ascending: the entries that may
//! hold a local or a constant, and those that may hold a local. An entry
//! turned into a temporary in place, or popped, stays listed until a push
//! of a local or a constant at its depth or below cuts it or a reader
//! visits it, and every reader checks the entry itself (a temporary, or
//! none past the top, is passed over). Each listed depth is added by one
//! push and removed once, and a list stays ascending, so it is never
//! longer than the deepest stack. The entries that refer to one local are
//! an exact doubly linked chain (through each entry's links, with its top
//! in `heads`, indexed by local), so finding and unlinking an alias is
//! O(1) with no hashing. `heads` is kept from one function to the next (a stack
//! serves a whole module, [`OperandStack::reset`] clears only the locals a
//! function touched), so its size follows the highest local referenced in
//! the module, not each function's declared locals.

use super::Operand;

/// No entry: the end of an alias chain.
const NONE: u32 = u32::MAX;

/// One entry of the stack: an operand with its links. One vector of
/// them, not one of operands and one of links: a push or a pop then
/// checks and moves one vector, not two.
#[derive(Debug, Clone, Copy)]
struct Entry {
    operand: Operand,
    /// For an entry that refers to a local, the depth of the next entry up
    /// that refers to the same local (`NONE` at the end).
    up: u32,
    /// The same, down.
    down: u32,
}

/// A virtual operand stack with its indexes.
#[derive(Debug, Default)]
pub(crate) struct OperandStack {
    entries: Vec<Entry>,
    /// Depths that may hold a local or a constant, ascending.
    non_temp: Vec<u32>,
    /// Depths that may hold a local, ascending.
    locals: Vec<u32>,
    /// For each local, the depth of the topmost entry that refers to it.
    heads: Vec<u32>,
    /// Locals whose head was set since the last reset.
    touched: Vec<u32>,
}

/// Drops the depths at or above `height` from the end of an ascending list.
fn cut(list: &mut Vec<u32>, height: usize) {
    while list.last().is_some_and(|&d| d as usize >= height) {
        list.pop();
    }
}

impl OperandStack {
    /// Empties the stack for the next function (keeping its allocations).
    pub(crate) fn reset(&mut self) {
        for &n in &self.touched {
            if let Some(head) = self.heads.get_mut(n as usize) {
                *head = NONE;
            }
        }
        self.touched.clear();
        self.entries.clear();
        self.non_temp.clear();
        self.locals.clear();
    }

    /// The number of entries.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at `depth` (a temporary past the top).
    pub(super) fn get(&self, depth: usize) -> Operand {
        self.entries
            .get(depth)
            .map_or(Operand::Temp, |entry| entry.operand)
    }

    /// Pushes an entry. Inlined: passed by reference, the operand was read
    /// back whole just after its caller wrote it in parts, a store
    /// forwarding stall that made this function 16% of a cold start.
    #[inline(always)]
    pub(super) fn push(&mut self, operand: Operand) {
        let depth = self.entries.len();
        // Depths are bounded by the frame limit, checked after every
        // operator, far below u32::MAX.
        let d = depth as u32;
        let mut down = NONE;
        match operand {
            Operand::Temp => {}
            Operand::Const(_) => {
                cut(&mut self.non_temp, depth);
                self.non_temp.push(d);
            }
            Operand::Local(n) => {
                cut(&mut self.non_temp, depth);
                self.non_temp.push(d);
                cut(&mut self.locals, depth);
                self.locals.push(d);
                let n = n as usize;
                if n >= self.heads.len() {
                    // Local indices are below the validator's limit on
                    // locals (50,000): the table stays small.
                    self.heads.resize(n + 1, NONE);
                }
                let below = self.heads[n];
                if below == NONE {
                    self.touched.push(n as u32);
                } else if let Some(entry) = self.entries.get_mut(below as usize) {
                    entry.up = d;
                }
                down = below;
                self.heads[n] = d;
            }
        }
        self.entries.push(Entry {
            operand,
            up: NONE,
            down,
        });
    }

    /// Takes the entry at `depth` out of its local's alias chain, if it
    /// refers to a local.
    fn unlink(&mut self, depth: usize) {
        let Some(entry) = self.entries.get_mut(depth) else {
            return;
        };
        let Operand::Local(n) = entry.operand else {
            return;
        };
        let (up, down) = (entry.up, entry.down);
        entry.up = NONE;
        entry.down = NONE;
        match up {
            NONE => {
                if let Some(head) = self.heads.get_mut(n as usize) {
                    *head = down;
                }
            }
            up => {
                if let Some(entry) = self.entries.get_mut(up as usize) {
                    entry.down = down;
                }
            }
        }
        if down != NONE {
            if let Some(entry) = self.entries.get_mut(down as usize) {
                entry.up = up;
            }
        }
    }

    /// Makes the entry at `depth` a temporary (its value was written to its
    /// canonical slot).
    pub(super) fn set_temp(&mut self, depth: usize) {
        self.unlink(depth);
        if let Some(entry) = self.entries.get_mut(depth) {
            entry.operand = Operand::Temp;
        }
    }

    /// Pops the top entry (inlined: see `Translator::pop`).
    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<Operand> {
        let top = self.entries.len().checked_sub(1)?;
        self.unlink(top);
        // The indexes keep `top` (lazily: the next push of a local or a
        // constant at this depth or below cuts it, and a reader finds no
        // entry there).
        Some(self.entries.pop()?.operand)
    }

    /// Drops the entries from `height` up.
    pub(super) fn truncate(&mut self, height: usize) {
        // Only entries that refer to a local need unlinking; they are in
        // `locals` (with, lazily, some that no longer do).
        while let Some(&d) = self.locals.last() {
            if (d as usize) < height {
                break;
            }
            self.locals.pop();
            self.unlink(d as usize);
        }
        self.entries.truncate(height);
        cut(&mut self.non_temp, height);
    }

    /// Whether every entry from `from` up is a temporary.
    pub(super) fn all_temp_from(&mut self, from: usize) -> bool {
        while let Some(&d) = self.non_temp.last() {
            if (d as usize) < from {
                return true;
            }
            if self.get(d as usize) != Operand::Temp {
                return false;
            }
            self.non_temp.pop();
        }
        true
    }

    /// Takes the highest entry from `from` up that is not a temporary:
    /// gives its depth and what it was, and makes it a temporary (the
    /// caller writes it to its canonical slot).
    pub(super) fn take_non_temp_from(&mut self, from: usize) -> Option<(usize, Operand)> {
        while let Some(&d) = self.non_temp.last() {
            let depth = d as usize;
            if depth < from {
                return None;
            }
            self.non_temp.pop();
            let operand = self.get(depth);
            if operand != Operand::Temp {
                self.set_temp(depth);
                return Some((depth, operand));
            }
        }
        None
    }

    /// Takes an entry that refers to local `n`: gives its depth and makes
    /// it a temporary (the caller copies the local to its canonical slot).
    pub(super) fn take_local(&mut self, n: u32) -> Option<usize> {
        let head = *self.heads.get(n as usize)?;
        if head == NONE {
            return None;
        }
        let depth = head as usize;
        self.set_temp(depth);
        Some(depth)
    }

    /// Takes an entry that refers to any local: gives its depth and the
    /// local, and makes it a temporary.
    pub(super) fn take_any_local(&mut self) -> Option<(usize, u32)> {
        while let Some(d) = self.locals.pop() {
            let depth = d as usize;
            if let Some(Operand::Local(n)) = self.entries.get(depth).map(|e| e.operand) {
                self.set_temp(depth);
                return Some((depth, n));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_follow_pushes_pops_and_takes() {
        let mut s = OperandStack::default();
        s.push(Operand::Temp);
        s.push(Operand::Local(3));
        s.push(Operand::Const(7));
        s.push(Operand::Local(3));
        assert!(!s.all_temp_from(0));
        assert!(!s.all_temp_from(3));
        assert_eq!(s.take_local(3), Some(3));
        assert_eq!(s.take_local(3), Some(1));
        assert_eq!(s.take_local(3), None);
        assert!(!s.all_temp_from(1));
        assert_eq!(s.take_non_temp_from(1), Some((2, Operand::Const(7))));
        assert!(s.all_temp_from(0));
        assert_eq!(s.len(), 4);
        s.truncate(1);
        s.push(Operand::Local(5));
        s.push(Operand::Local(6));
        assert_eq!(s.pop(), Some(Operand::Local(6)));
        assert_eq!(s.take_any_local(), Some((1, 5)));
        assert_eq!(s.take_any_local(), None);
        assert_eq!(s.take_local(6), None);
        assert!(s.all_temp_from(0));
    }

    #[test]
    fn popped_entries_left_in_the_indexes_are_passed_over() {
        let mut s = OperandStack::default();
        s.push(Operand::Local(1));
        s.push(Operand::Const(7));
        s.push(Operand::Local(2));
        s.pop();
        s.pop();
        s.pop();
        // A temporary at a depth the lists still hold.
        s.push(Operand::Temp);
        s.push(Operand::Temp);
        assert!(s.all_temp_from(0));
        assert_eq!(s.take_non_temp_from(0), None);
        assert_eq!(s.take_any_local(), None);
        assert_eq!(s.take_local(1), None);
        assert_eq!(s.take_local(2), None);
        // Pushed again at those depths, entries are found once each.
        s.truncate(0);
        s.push(Operand::Local(2));
        s.push(Operand::Temp);
        s.push(Operand::Local(2));
        assert_eq!(s.take_any_local(), Some((2, 2)));
        assert_eq!(s.take_any_local(), Some((0, 2)));
        assert_eq!(s.take_any_local(), None);
        assert_eq!(s.take_non_temp_from(0), None);
    }

    #[test]
    fn a_stale_depth_reused_by_another_entry_is_not_taken() {
        let mut s = OperandStack::default();
        s.push(Operand::Local(1));
        assert_eq!(s.take_any_local(), Some((0, 1)));
        s.pop();
        s.push(Operand::Local(2));
        assert_eq!(s.take_local(1), None);
        assert_eq!(s.take_local(2), Some(0));
    }
}
