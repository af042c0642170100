//! The Ethereum values the EEI works with, as plain Rust types.

use std::fmt;

use crate::call_data::CallData;
use crate::hex;
use crate::reason::FailureReason;

pub use primitive_types::U256;

/// A 20-byte account address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address(pub [u8; 20]);

/// A 32-byte word: storage keys and values, hashes, log topics.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bytes32(pub [u8; 32]);

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

impl Bytes32 {
    /// The all-zero word.
    pub const ZERO: Bytes32 = Bytes32([0; 32]);

    /// Whether every byte is zero.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 32]
    }

    /// The word as a big-endian 256-bit integer.
    pub fn to_u256(&self) -> U256 {
        U256::from_big_endian(&self.0)
    }

    /// A 256-bit integer as a big-endian word.
    pub fn from_u256(value: U256) -> Self {
        Bytes32(value.to_big_endian())
    }
}

/// The kind of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A call: runs the target's code on the target's account.
    Call,
    /// A delegate call: the target's code on the current account, with the
    /// current sender and value.
    DelegateCall,
    /// A call-code: the target's code on the current account.
    CallCode,
    /// A contract creation: runs init code; its output is the new code.
    Create,
}

/// One execution request: what EVMC calls `evmc_message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The kind.
    pub kind: CallKind,
    /// Whether state changes are forbidden (`EVMC_STATIC`).
    pub is_static: bool,
    /// The call depth: 0 for the transaction's message.
    pub depth: i32,
    /// Gas given to the execution.
    pub gas: i64,
    /// The account whose storage and balance the code acts on (for a
    /// create, the new account, when the host knows it).
    pub recipient: Address,
    /// The caller.
    pub sender: Address,
    /// Call data (for a create: none; the init code is the code):
    /// shared, so that a clone (for a host, for the callee's message)
    /// costs a reference count, or borrowed for the execution (an EVMC
    /// host's buffer, read in place).
    pub input: CallData<'a>,
    /// Value transferred.
    pub value: U256,
    /// The account whose code runs (differs from `recipient` for
    /// call-code and delegate calls, and for a call to an EIP-7702
    /// delegated account, where it is the delegate).
    pub code_address: Address,
    /// Whether the call is to an EIP-7702 delegated account, `code_address`
    /// being its delegate (EVMC 12's `EVMC_DELEGATED`): the host runs the
    /// delegate's code, never a precompile at the delegate's address.
    pub delegated: bool,
}

impl Message<'_> {
    /// The same message, owning its call data (borrowed data is copied),
    /// to keep past the buffer it borrowed from.
    pub fn into_owned(self) -> Message<'static> {
        Message {
            input: self.input.into_owned(),
            ..self
        }
    }
}

/// How an execution ended: what EVMC calls `evmc_status_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Success: `main` returned, or `finish` or `selfDestruct` was called.
    Success,
    /// A Wasm trap or any other failure.
    Failure,
    /// `revert` was called: state changes undone, gas left returned.
    Revert,
    /// Out of gas.
    OutOfGas,
    /// An EEI function got a pointer outside the memory or a source buffer.
    InvalidMemoryAccess,
    /// A state change in a static call.
    StaticModeViolation,
    /// The code breaks the Ewasm contract rules.
    ContractValidationFailure,
    /// A value that must fit 128 bits did not, or a negative gas.
    ArgumentOutOfRange,
    /// The code is not Wasm and `evm1mode` is `fallback`: the client should
    /// run it with its own EVM.
    Rejected,
    /// A bug in Iris, or a request it cannot serve.
    InternalError,
}

impl Status {
    /// Whether the execution's gas left is kept (success and revert).
    pub fn keeps_gas(self) -> bool {
        matches!(self, Status::Success | Status::Revert)
    }
}

/// What a nested call or create gives back to the EEI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// How the callee ended.
    pub status: Status,
    /// Gas it did not use.
    pub gas_left: i64,
    /// The refund it earned (EVMC's `gas_refund`; negative when it took
    /// back more than it earned): counted by the caller only if the callee
    /// succeeded.
    pub gas_refund: i64,
    /// Its output (return or revert data).
    pub output: bytes::Bytes,
    /// For a successful create: the new account.
    pub create_address: Option<Address>,
}

impl CallOutcome {
    /// A failure that used all its gas.
    pub fn failure() -> Self {
        Self {
            status: Status::Failure,
            gas_left: 0,
            gas_refund: 0,
            output: bytes::Bytes::new(),
            create_address: None,
        }
    }
}

/// The block and transaction an execution runs in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxContext {
    /// The transaction's gas price.
    pub gas_price: U256,
    /// The transaction's sender.
    pub origin: Address,
    /// The block's beneficiary.
    pub coinbase: Address,
    /// The block number.
    pub number: i64,
    /// The block's timestamp.
    pub timestamp: i64,
    /// The block's gas limit.
    pub gas_limit: i64,
    /// The block's difficulty (PREVRANDAO since the merge).
    pub difficulty: U256,
    /// The chain id.
    pub chain_id: U256,
}

/// The result of one execution: what EVMC calls `evmc_result`.
///
/// Two outcomes are equal when their consensus fields (status, gas left,
/// refund, output) are: the [`reason`](Outcome::reason) is not compared.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Gas left: 0 unless the status is success or revert.
    pub gas_left: i64,
    /// The refund the execution earned, its successful nested calls' with
    /// it (`storageStore` clearing slots, `selfDestruct` before London, at
    /// the revision's prices): 0 unless the status is success. The
    /// transaction caps it; within one frame it may be negative (a slot
    /// cleared in an earlier frame and set again in this one).
    pub gas_refund: i64,
    /// Output: `finish` or `revert` data; for a create, the runtime code.
    pub output: Vec<u8>,
    /// Why it failed, when it did (any status but success and revert) and
    /// the executor knows: for people and tools only. Never part of
    /// consensus: it changes no status, gas or output, and the EVMC VM
    /// shows it only in its debug log. Boxed: an outcome stays small.
    pub reason: Option<Box<FailureReason>>,
}

// The reason is left out of equality on purpose: it is diagnostic, not
// consensus (two VMs that agree on every consensus field agree, whatever
// they say about why), and equality is what the differential tests and
// the EVMC boundary compare. `same_with_reason` compares it too.
impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.gas_left == other.gas_left
            && self.gas_refund == other.gas_refund
            && self.output == other.output
    }
}

impl Eq for Outcome {}

impl Outcome {
    /// Whether `self` and `other` are equal and also give the same
    /// [`reason`](Outcome::reason) (which `==` does not compare).
    pub fn same_with_reason(&self, other: &Self) -> bool {
        self == other && self.reason == other.reason
    }

    /// An outcome that keeps no gas and has no output, without a reason.
    pub fn failed(status: Status) -> Self {
        Self {
            status,
            gas_left: 0,
            gas_refund: 0,
            output: Vec::new(),
            reason: None,
        }
    }

    /// An outcome that keeps no gas and has no output, failed for `reason`.
    pub fn failed_for(status: Status, reason: FailureReason) -> Self {
        Self {
            reason: Some(Box::new(reason)),
            ..Self::failed(status)
        }
    }
}

/// Linear memory and table elements held by the frames of an execution
/// that are waiting on a nested call ([`EvmHost::held`](crate::EvmHost::held)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Held {
    /// 64 KiB pages of linear memory.
    pub pages: u64,
    /// Table elements.
    pub elements: u64,
}

impl Held {
    /// The 64 KiB pages that `bytes` bytes take, rounded up: how call data
    /// and return data count toward the execution's page cap.
    pub fn pages_for(bytes: usize) -> u64 {
        (bytes as u64).div_ceil(65_536)
    }
}
