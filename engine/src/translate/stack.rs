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
//! The indexes are *lazy*: an entry turned into a temporary in place stays
//! listed until it is popped past or visited, and every reader checks the
//! entry itself. Each listed depth is added by one push and removed once,
//! so the bookkeeping is amortised O(1) per push.

use std::collections::HashMap;

use super::Operand;

/// A virtual operand stack with its indexes.
#[derive(Debug, Default)]
pub(super) struct OperandStack {
    entries: Vec<Operand>,
    /// Depths that may hold a local or a constant, ascending.
    non_temp: Vec<u32>,
    /// Depths that may hold a local, ascending.
    locals: Vec<u32>,
    /// For each local, the depths that may hold it, ascending.
    by_local: HashMap<u32, Vec<u32>>,
}

/// Drops the depths at or above `height` from the end of an ascending list.
fn cut(list: &mut Vec<u32>, height: usize) {
    while list.last().is_some_and(|&d| d as usize >= height) {
        list.pop();
    }
}

impl OperandStack {
    /// The number of entries.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at `depth` (a temporary past the top).
    pub(super) fn get(&self, depth: usize) -> Operand {
        self.entries.get(depth).copied().unwrap_or(Operand::Temp)
    }

    /// Pushes an entry.
    pub(super) fn push(&mut self, operand: Operand) {
        let depth = self.entries.len();
        // Depths are bounded by the frame limit, checked after every
        // operator, far below u32::MAX.
        let d = depth as u32;
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
                let list = self.by_local.entry(n).or_default();
                cut(list, depth);
                list.push(d);
            }
        }
        self.entries.push(operand);
    }

    /// Pops the top entry.
    pub(super) fn pop(&mut self) -> Option<Operand> {
        let operand = self.entries.pop()?;
        let height = self.entries.len();
        cut(&mut self.non_temp, height);
        if let Operand::Local(n) = operand {
            cut(&mut self.locals, height);
            if let Some(list) = self.by_local.get_mut(&n) {
                cut(list, height);
                if list.is_empty() {
                    self.by_local.remove(&n);
                }
            }
        }
        Some(operand)
    }

    /// Drops the entries from `height` up.
    pub(super) fn truncate(&mut self, height: usize) {
        self.entries.truncate(height);
        cut(&mut self.non_temp, height);
        cut(&mut self.locals, height);
        // `by_local` lists are cut when their local is next pushed, popped
        // or taken; readers ignore depths past the top.
    }

    /// Makes the entry at `depth` a temporary (its value was written to its
    /// canonical slot).
    pub(super) fn set_temp(&mut self, depth: usize) {
        if let Some(entry) = self.entries.get_mut(depth) {
            *entry = Operand::Temp;
        }
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
                self.entries[depth] = Operand::Temp;
                return Some((depth, operand));
            }
        }
        None
    }

    /// Takes an entry that refers to local `n`: gives its depth and makes
    /// it a temporary (the caller copies the local to its canonical slot).
    pub(super) fn take_local(&mut self, n: u32) -> Option<usize> {
        let list = self.by_local.get_mut(&n)?;
        let mut found = None;
        while let Some(d) = list.pop() {
            let depth = d as usize;
            if self.entries.get(depth) == Some(&Operand::Local(n)) {
                self.entries[depth] = Operand::Temp;
                found = Some(depth);
                break;
            }
        }
        if list.is_empty() {
            self.by_local.remove(&n);
        }
        found
    }

    /// Takes an entry that refers to any local: gives its depth and the
    /// local, and makes it a temporary.
    pub(super) fn take_any_local(&mut self) -> Option<(usize, u32)> {
        while let Some(d) = self.locals.pop() {
            let depth = d as usize;
            if let Some(&Operand::Local(n)) = self.entries.get(depth) {
                self.entries[depth] = Operand::Temp;
                return Some((depth, n));
            }
        }
        // No entry refers to a local now: the per-local lists are stale,
        // which their readers check. They are left as they are: clearing
        // the map would cost time in proportion to its capacity (the most
        // locals ever aliased at once) at every block entry.
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
