//! What the EEI needs from the Ethereum client: the host interface.

use crate::types::{Address, Bytes32, CallOutcome, Held, Message, TxContext, U256};

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
    /// Sets a storage value.
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32);
    /// An account's balance.
    fn get_balance(&mut self, address: &Address) -> U256;
    /// The size of an account's code.
    fn get_code_size(&mut self, address: &Address) -> usize;
    /// Copies an account's code from `offset` into `buffer`; gives how many
    /// bytes were copied (fewer at the end of the code).
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize;
    /// Marks `address` for destruction, its balance going to `beneficiary`.
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address);
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
}
