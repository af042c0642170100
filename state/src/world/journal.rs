//! The undo journal: every change to the world, recorded while a frame is
//! open, so that a frame that fails or reverts undoes its own changes in
//! time proportional to what it changed, not to the size of the world.
//!
//! A frame takes a [`Checkpoint`] (the journal's length) and ends with
//! [`World::commit`] (its entries stay, for an enclosing frame to undo)
//! or [`World::revert`] (its entries are undone, newest first). With no
//! checkpoint open nothing could be undone, so nothing is recorded.

use std::collections::BTreeMap;
use std::sync::Arc;

use ewasm_host::{Address, Bytes32, U256};

use super::{Account, World};

/// One change to the world, with what it takes to undo it.
#[derive(Debug, Clone)]
pub(super) enum Change {
    /// The account was absent.
    Created(Address),
    /// The account was replaced or removed; it was this.
    Replaced(Address, Account),
    /// The account's balance was this.
    Balance(Address, U256),
    /// The account's nonce was this.
    Nonce(Address, u64),
    /// The account's code was this.
    Code(Address, Arc<Vec<u8>>),
    /// The storage slot held this (zero: absent).
    Storage(Address, Bytes32, Bytes32),
    /// The account's storage was cleared; it was this.
    StorageCleared(Address, BTreeMap<Bytes32, Bytes32>),
    /// The account was not in the touched set.
    Touched(Address),
    /// The account was not in the self-destruct set.
    Destructed(Address),
    /// A log was appended.
    Logged,
    /// The account was not in the accessed set.
    AccountAccessed(Address),
    /// The slot was not in the accessed set.
    SlotAccessed(Address, Bytes32),
}

/// A point a frame can go back to: take it with [`World::checkpoint`],
/// end it with [`World::commit`] or [`World::revert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a checkpoint is ended by `World::commit` or `World::revert`"]
pub struct Checkpoint {
    /// The journal's length when it was taken.
    len: usize,
    /// How many checkpoints were open when it was taken.
    depth: usize,
}

/// The changes of the open frames, oldest first.
#[derive(Debug, Clone, Default)]
pub(super) struct Journal {
    entries: Vec<Change>,
    /// Open checkpoints.
    depth: usize,
    /// Entries undone since the world was made.
    undone: u64,
}

impl Journal {
    /// Records `change` if a checkpoint is open.
    pub(super) fn record(&mut self, change: Change) {
        if self.depth > 0 {
            self.entries.push(change);
        }
    }

    /// Whether changes are being recorded.
    pub(super) fn recording(&self) -> bool {
        self.depth > 0
    }

    /// Forgets every entry and checkpoint.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.depth = 0;
    }

    fn open(&mut self) -> Checkpoint {
        let checkpoint = Checkpoint {
            len: self.entries.len(),
            depth: self.depth,
        };
        self.depth = self.depth.saturating_add(1);
        checkpoint
    }

    /// Closes `checkpoint` (and any opened after it). The outermost one
    /// closed, no entry can be undone any more, so all are dropped.
    fn close(&mut self, checkpoint: Checkpoint) {
        self.depth = self.depth.min(checkpoint.depth);
        if self.depth == 0 {
            self.entries.clear();
        }
    }

    /// The newest entry recorded after `checkpoint`, taken off.
    fn pop_after(&mut self, checkpoint: Checkpoint) -> Option<Change> {
        if self.entries.len() > checkpoint.len {
            self.undone = self.undone.saturating_add(1);
            self.entries.pop()
        } else {
            None
        }
    }
}

impl World {
    /// Opens a frame: changes from here on are recorded until the
    /// checkpoint is ended by [`commit`](Self::commit) or
    /// [`revert`](Self::revert). Checkpoints nest and end in the reverse
    /// order of their taking.
    pub fn checkpoint(&mut self) -> Checkpoint {
        self.journal.open()
    }

    /// Ends a frame keeping its changes. They stay in the journal while an
    /// enclosing frame is open, so that frame's revert still undoes them.
    pub fn commit(&mut self, checkpoint: Checkpoint) {
        self.journal.close(checkpoint);
    }

    /// Ends a frame undoing every change made since `checkpoint`, newest
    /// first, including those of the frames it enclosed.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        while let Some(change) = self.journal.pop_after(checkpoint) {
            self.undo(change);
        }
        self.journal.close(checkpoint);
    }

    /// Entries in the journal: the changes the open frames made (0 when no
    /// frame is open).
    pub fn journal_len(&self) -> usize {
        self.journal.entries.len()
    }

    /// Entries undone by [`revert`](Self::revert) since the world was
    /// made: what reverts have cost.
    pub fn undone(&self) -> u64 {
        self.journal.undone
    }

    fn undo(&mut self, change: Change) {
        match change {
            Change::Created(address) => {
                self.accounts.remove(&address);
            }
            Change::Replaced(address, account) => {
                self.accounts.insert(address, account);
            }
            Change::Balance(address, balance) => self.restore(address, |a| a.balance = balance),
            Change::Nonce(address, nonce) => self.restore(address, |a| a.nonce = nonce),
            Change::Code(address, code) => self.restore(address, |a| a.code = code),
            Change::Storage(address, key, value) => self.restore(address, |a| {
                if value.is_zero() {
                    a.storage.remove(&key);
                } else {
                    a.storage.insert(key, value);
                }
            }),
            Change::StorageCleared(address, storage) => {
                self.restore(address, |a| a.storage = storage);
            }
            Change::Touched(address) => {
                self.touched.remove(&address);
            }
            Change::Destructed(address) => {
                self.destructed.remove(&address);
            }
            Change::Logged => {
                self.logs.pop();
            }
            Change::AccountAccessed(address) => {
                self.accessed_accounts.remove(&address);
            }
            Change::SlotAccessed(address, key) => {
                self.accessed_slots.remove(&(address, key));
            }
        }
    }

    /// Applies `undo` to the account at `address`. Entries are undone
    /// newest first, so the account exists: it existed when the change was
    /// recorded, and whatever removed it since was undone before.
    fn restore(&mut self, address: Address, undo: impl FnOnce(&mut Account)) {
        if let Some(account) = self.accounts.get_mut(&address) {
            undo(account);
        }
    }
}
