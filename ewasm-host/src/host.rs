//! What the EEI needs from the Ethereum client: the host interface.

use crate::types::{Address, Bytes32, CallOutcome, Held, Message, TxContext, U256};

/// Whether an account or a slot had been accessed in the transaction
/// (EIP-2929; EVMC's `evmc_access_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessStatus {
    /// Not accessed before: the first access costs the cold price.
    Cold,
    /// Accessed before (or warm from the start: the transaction's sender,
    /// recipient, precompiles, access list).
    Warm,
}

/// What a storage write did, against the slot's original value (at the
/// start of the transaction), its current value and the new one: EVMC
/// 12's `evmc_storage_status`, with its numbers. `X -> Y -> Z` below is
/// original -> current -> new; 0 is zero, X, Y, Z distinct non-zero values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageStatus {
    /// Any other write: current equals new, or a slot already modified in
    /// the transaction modified again (`X -> Y -> Z`, `0 -> Y -> Z`).
    Assigned = 0,
    /// `0 -> 0 -> Z`.
    Added = 1,
    /// `X -> X -> 0`.
    Deleted = 2,
    /// `X -> X -> Z`.
    Modified = 3,
    /// `X -> 0 -> Z`.
    DeletedAdded = 4,
    /// `X -> Y -> 0`.
    ModifiedDeleted = 5,
    /// `X -> 0 -> X`.
    DeletedRestored = 6,
    /// `0 -> Y -> 0`.
    AddedDeleted = 7,
    /// `X -> Y -> X`.
    ModifiedRestored = 8,
}

impl StorageStatus {
    /// The status of a write of `new` over `current`, the slot having held
    /// `original` at the start of the transaction (EIP-2200's cases).
    pub fn of(original: &Bytes32, current: &Bytes32, new: &Bytes32) -> StorageStatus {
        use StorageStatus as S;
        if current == new {
            return S::Assigned;
        }
        if original == current {
            return if original.is_zero() {
                S::Added
            } else if new.is_zero() {
                S::Deleted
            } else {
                S::Modified
            };
        }
        // The slot was written before in the transaction.
        if original.is_zero() {
            return if new.is_zero() {
                S::AddedDeleted
            } else {
                S::Assigned
            };
        }
        if current.is_zero() {
            if new == original {
                S::DeletedRestored
            } else {
                S::DeletedAdded
            }
        } else if new.is_zero() {
            S::ModifiedDeleted
        } else if new == original {
            S::ModifiedRestored
        } else {
            S::Assigned
        }
    }

    /// The status of EVMC 12's number; `None` for any other.
    pub fn from_evmc(number: i32) -> Option<StorageStatus> {
        use StorageStatus as S;
        Some(match number {
            0 => S::Assigned,
            1 => S::Added,
            2 => S::Deleted,
            3 => S::Modified,
            4 => S::DeletedAdded,
            5 => S::ModifiedDeleted,
            6 => S::DeletedRestored,
            7 => S::AddedDeleted,
            8 => S::ModifiedRestored,
            _ => return None,
        })
    }

    /// EVMC 12's number.
    pub fn to_evmc(self) -> i32 {
        self as i32
    }
}

/// The client side of an execution: state, block context and nested calls.
///
/// `ewasm-host` sees no EVMC types: the EVMC binding implements this trait
/// over the C host interface, the `state` crate over an in-memory world and
/// `revm-ewasm` over revm's journal. [`Executor::execute`](crate::Executor::execute)
/// borrows the host for the duration of a run, so a host may itself borrow
/// the client's state.
pub trait EvmHost {
    /// Whether the account exists and is not empty (EIP-161).
    fn account_exists(&mut self, address: &Address) -> bool;
    /// A storage value (zero if unset).
    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32;
    /// Sets a storage value, and answers what the write did to the slot
    /// against its value at the start of the transaction (EVMC's
    /// `evmc_storage_status`): the EEI prices `storageStore` from it.
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus;
    /// An account's balance.
    fn get_balance(&mut self, address: &Address) -> U256;
    /// The size of an account's code.
    fn get_code_size(&mut self, address: &Address) -> usize;
    /// Copies an account's code from `offset` into `buffer`; gives how many
    /// bytes were copied (fewer at the end of the code).
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize;
    /// Marks `address` for destruction, its balance going to `beneficiary`;
    /// answers whether it is the account's first self-destruct in the
    /// transaction (which earns a refund before London).
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool;
    /// Marks an account warm for the rest of the transaction, and answers
    /// whether it was cold or warm before (EIP-2929; EVMC's
    /// `access_account`). Asked from Berlin on only.
    fn access_account(&mut self, address: &Address) -> AccessStatus;
    /// Marks a storage slot warm for the rest of the transaction, and
    /// answers whether it was cold or warm before (EIP-2929; EVMC's
    /// `access_storage`). Asked from Berlin on only.
    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus;
    /// Runs a nested call or create.
    fn call(&mut self, message: &Message) -> CallOutcome;
    /// The block and transaction context.
    fn get_tx_context(&mut self) -> TxContext;
    /// The hash of block `number`, or zero outside the last 256 blocks.
    fn get_block_hash(&mut self, number: i64) -> Bytes32;
    /// Records a log.
    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]);

    /// What the frames below the one about to run hold (linear memory
    /// pages and table elements), kept by the host across nested calls:
    /// a frame's allowance under [`ExecConfig::max_execution_pages`](crate::ExecConfig::max_execution_pages)
    /// is the cap less this. The EEI adds its frame's share before a
    /// nested call and takes it back after. A host that cannot carry it
    /// from a call to the nested execution answers `None` (the default):
    /// then each frame gets the whole cap.
    fn held(&mut self) -> Option<&mut Held> {
        None
    }

    /// Who watches the executions this host runs, nested ones included
    /// ([`Observer`](crate::Observer)): `None` (the default) when no one
    /// does. Asked at the start and end of each execution, and around its
    /// nested calls.
    fn observer(&mut self) -> Option<&mut dyn crate::Observer> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StorageStatus as S;

    #[test]
    fn storage_status_follows_the_eip_2200_cases() {
        let (zero, x, y, z) = (
            Bytes32::ZERO,
            Bytes32([1; 32]),
            Bytes32([2; 32]),
            Bytes32([3; 32]),
        );
        let cases = [
            (zero, zero, zero, S::Assigned),
            (x, x, x, S::Assigned),
            (zero, zero, z, S::Added),
            (x, x, zero, S::Deleted),
            (x, x, z, S::Modified),
            (x, zero, z, S::DeletedAdded),
            (x, y, zero, S::ModifiedDeleted),
            (x, zero, x, S::DeletedRestored),
            (zero, y, zero, S::AddedDeleted),
            (x, y, x, S::ModifiedRestored),
            (x, y, z, S::Assigned),
            (zero, y, z, S::Assigned),
        ];
        for (original, current, new, status) in cases {
            assert_eq!(StorageStatus::of(&original, &current, &new), status);
            assert_eq!(StorageStatus::from_evmc(status.to_evmc()), Some(status));
        }
        assert_eq!(StorageStatus::from_evmc(9), None);
    }
}
