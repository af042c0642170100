//! The harness of the proof: one situation built twice in revm's in-memory
//! database, an EVM contract doing the opcode in one and a Wasm contract
//! doing the EEI call in the other, each side's cost of the operation
//! alone measured by differencing two transactions.
//!
//! A side runs its contract twice at the same address ([`CONTRACT`]), in
//! the same world: once doing everything (the filler, the warm-ups, the
//! operation's argument pushes) but the operation, once doing the
//! operation too. The cost of the operation is the difference of the two
//! transactions' gas spent (before refunds) and of their refunds:
//!
//! - EVM: the operation's arguments are pushed in both programs, the
//!   opcode runs in one only, its result left on the stack; the memory
//!   both programs expand first covers every operand, so no operation
//!   expands it. What is left is the opcode's gas, memory aside.
//! - Wasm: the executor is trusted (`ExecConfig::trusted`: no
//!   instruction metering), so only the EEI charges, and the difference
//!   is exactly what the EEI call charged.
//!
//! Both sides fill their transaction with gas that earns no refund (the
//! EVM by expanding its memory, the Wasm contract by `useGas`) so that the
//! refund cap (a half, from London a fifth of the gas spent) never binds:
//! [`transact`] checks it.
//!
//! A callee (of a call or a create) is code that stops at once, no code
//! at all, or the identity precompile with no input (15 gas), the same
//! for both sides, so a call's cost is the call's own (what it charged
//! less what its callee gave back) and a precompile's price on both.
//!
//! A situation whose operation fails the frame (a write in a static
//! frame, init code over EIP-3860's limit) compares as [`Cost::Fails`]
//! on each side: the frame lost all its gas either way.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::database::InMemoryDB;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, U256};
use revm::state::AccountInfo;
use revm::{ExecuteEvm, MainBuilder, MainContext};
use revm_ewasm::EwasmBuilder;

/// The forks compared: revm 43's from Byzantium (its `PETERSBURG` stands
/// for Constantinople too, which it does not name) to Osaka. Amsterdam,
/// which revm implements ahead of its finalization, has no revision.
pub(crate) const SPECS: [SpecId; 10] = [
    SpecId::BYZANTIUM,
    SpecId::PETERSBURG,
    SpecId::ISTANBUL,
    SpecId::BERLIN,
    SpecId::LONDON,
    SpecId::MERGE,
    SpecId::SHANGHAI,
    SpecId::CANCUN,
    SpecId::PRAGUE,
    SpecId::OSAKA,
];

/// The transaction's sender.
pub(crate) const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
/// Where the contract under test runs (EVM on one side, Wasm on the
/// other): the transaction's recipient, or [`ENTRY`]'s static callee.
pub(crate) const CONTRACT: Address = address!("0xf000000000000000000000000000000000000001");
/// EVM: static-calls [`CONTRACT`] with all its gas and returns the call's
/// success flag (a static frame's situations).
pub(crate) const ENTRY: Address = address!("0xe000000000000000000000000000000000000001");
/// An account with a balance and no code.
pub(crate) const EOA: Address = address!("0xa000000000000000000000000000000000000001");
/// An account that exists but is empty (EIP-161: dead).
pub(crate) const EMPTY: Address = address!("0xa000000000000000000000000000000000000002");
/// An account that does not exist.
pub(crate) const MISSING: Address = address!("0xa000000000000000000000000000000000000003");
/// EVM code that stops at once ([`STOPPER_CODE`], 64 bytes).
pub(crate) const STOPPER: Address = address!("0xc000000000000000000000000000000000000001");
/// EVM code that returns 64 zero bytes.
pub(crate) const RETURNER: Address = address!("0xc000000000000000000000000000000000000002");
/// EVM code that destroys the account it runs for, to itself: a
/// DELEGATECALL to it destroys the caller.
pub(crate) const DESTROYER: Address = address!("0xc000000000000000000000000000000000000003");
/// From Prague: an EIP-7702 delegation to [`STOPPER`].
pub(crate) const DELEGATED: Address = address!("0xd000000000000000000000000000000000000001");
/// The identity precompile (warm from Berlin, as every precompile).
pub(crate) const IDENTITY: Address = address!("0x0000000000000000000000000000000000000004");
/// The block's coinbase, with no account (warm from Shanghai, EIP-3651).
pub(crate) const COINBASE: Address = address!("0xcb00000000000000000000000000000000000001");

/// The accounts a contract can name, in the order the Wasm contract keeps
/// their addresses in memory.
const ADDRESSES: [Address; 10] = [
    CONTRACT, EOA, EMPTY, MISSING, STOPPER, RETURNER, DESTROYER, DELEGATED, IDENTITY, COINBASE,
];

/// [`STOPPER`]'s code: STOP, then 63 bytes that never run (code to copy).
const STOPPER_CODE: [u8; 64] = {
    let mut code = [0xaa; 64];
    code[0] = op::STOP;
    code
};
/// [`RETURNER`]'s code: RETURN(0, 64).
const RETURNER_CODE: &[u8] = &[0x60, 0x40, 0x60, 0x00, op::RETURN];

/// [`DESTROYER`]'s code: SELFDESTRUCT(ADDRESS).
const DESTROYER_CODE: &[u8] = &[op::ADDRESS, op::SELFDESTRUCT];

/// The block: number 300, so that BLOCKHASH has a full window.
pub(crate) const BLOCK_NUMBER: u64 = 300;
/// The transaction's call data (64 bytes).
pub(crate) const CALL_DATA_SIZE: u32 = 64;
/// The wei [`CONTRACT`] holds unless a situation says otherwise.
pub(crate) const FUNDS: u64 = 1_000;

/// The transaction's gas.
const GAS_LIMIT: u64 = 5_000_000;
/// The EVM contracts' first act: MSTORE8 at this offset, which expands
/// the memory over every operand (copies' destinations, log data, init
/// code up to EIP-3860's limit and over) and costs 331,785 gas.
const MEMORY_TOP: u32 = 0x5_ffff;
/// What the Wasm contracts spend first with `useGas`.
const WASM_FILLER: u64 = 400_000;

/// EVM opcodes.
pub(crate) mod op {
    pub(crate) const STOP: u8 = 0x00;
    pub(crate) const ADDRESS: u8 = 0x30;
    pub(crate) const BALANCE: u8 = 0x31;
    pub(crate) const ORIGIN: u8 = 0x32;
    pub(crate) const CALLER: u8 = 0x33;
    pub(crate) const CALLVALUE: u8 = 0x34;
    pub(crate) const CALLDATASIZE: u8 = 0x36;
    pub(crate) const CALLDATACOPY: u8 = 0x37;
    pub(crate) const CODESIZE: u8 = 0x38;
    pub(crate) const CODECOPY: u8 = 0x39;
    pub(crate) const GASPRICE: u8 = 0x3a;
    pub(crate) const EXTCODESIZE: u8 = 0x3b;
    pub(crate) const EXTCODECOPY: u8 = 0x3c;
    pub(crate) const RETURNDATASIZE: u8 = 0x3d;
    pub(crate) const RETURNDATACOPY: u8 = 0x3e;
    pub(crate) const BLOCKHASH: u8 = 0x40;
    pub(crate) const COINBASE: u8 = 0x41;
    pub(crate) const TIMESTAMP: u8 = 0x42;
    pub(crate) const NUMBER: u8 = 0x43;
    pub(crate) const DIFFICULTY: u8 = 0x44;
    pub(crate) const GASLIMIT: u8 = 0x45;
    pub(crate) const POP: u8 = 0x50;
    pub(crate) const MSTORE: u8 = 0x52;
    pub(crate) const MSTORE8: u8 = 0x53;
    pub(crate) const SLOAD: u8 = 0x54;
    pub(crate) const SSTORE: u8 = 0x55;
    pub(crate) const GAS: u8 = 0x5a;
    pub(crate) const PUSH1: u8 = 0x60;
    pub(crate) const PUSH20: u8 = 0x73;
    pub(crate) const LOG0: u8 = 0xa0;
    pub(crate) const CREATE: u8 = 0xf0;
    pub(crate) const CALL: u8 = 0xf1;
    pub(crate) const CALLCODE: u8 = 0xf2;
    pub(crate) const RETURN: u8 = 0xf3;
    pub(crate) const DELEGATECALL: u8 = 0xf4;
    pub(crate) const STATICCALL: u8 = 0xfa;
    pub(crate) const SELFDESTRUCT: u8 = 0xff;
}

/// `PUSHn value`, `n` the fewest bytes that hold it (`PUSH1 0` for zero:
/// PUSH0 exists only from Shanghai).
pub(crate) fn push(value: u128) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(15);
    let mut code = vec![op::PUSH1 + u8::try_from(15 - skip).expect("at most 16 bytes")];
    code.extend_from_slice(&bytes[skip..]);
    code
}

/// `PUSH20 address`.
pub(crate) fn push_address(address: Address) -> Vec<u8> {
    let mut code = vec![op::PUSH20];
    code.extend_from_slice(address.as_slice());
    code
}

/// Where the Wasm contract keeps what it passes the EEI.
mod layout {
    /// Where results are written (up to 32 bytes).
    pub(super) const SCRATCH: u32 = 0;
    /// Where copies write (EVM: the same offset of its memory).
    pub(super) const COPY_TO: u32 = 256;
    /// The addresses of [`super::ADDRESSES`], 32 bytes apart.
    pub(super) const ADDRESSES: u32 = 1024;
    /// The words 0 to 7 (big-endian), 32 bytes apart: storage keys and
    /// values, log topics.
    pub(super) const WORDS: u32 = 2048;
    /// The values of [`super::Value`] (128-bit little-endian), 16 bytes
    /// apart.
    pub(super) const VALUES: u32 = 3072;
    /// Zeros to the end of the page: init code and log data (EVM: its
    /// memory from offset 0, zeros too).
    pub(super) const ZEROS: u32 = 8192;
}

/// Where the Wasm contract keeps `address`.
fn address_at(address: Address) -> u32 {
    let index = ADDRESSES
        .iter()
        .position(|&known| known == address)
        .expect("an address the contracts know");
    layout::ADDRESSES + 32 * u32::try_from(index).expect("a few addresses")
}

/// Where the Wasm contract keeps the word `k` (big-endian).
fn word_at(k: u8) -> u32 {
    assert!(k < 8, "words 0 to 7");
    layout::WORDS + 32 * u32::from(k)
}

/// A value a call or a create sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// No value.
    Zero,
    /// 1 wei.
    One,
    /// More than [`CONTRACT`] ever holds: the transfer fails its balance
    /// check.
    OverBalance,
}

impl Value {
    const ALL: [Value; 3] = [Value::Zero, Value::One, Value::OverBalance];

    fn wei(self) -> u128 {
        match self {
            Value::Zero => 0,
            Value::One => 1,
            Value::OverBalance => 1_000_000_000,
        }
    }

    fn at(self) -> u32 {
        let index = Value::ALL
            .iter()
            .position(|&v| v == self)
            .expect("a known value");
        layout::VALUES + 16 * u32::try_from(index).expect("three values")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Value::Zero => "no value",
            Value::One => "value",
            Value::OverBalance => "value over the balance",
        })
    }
}

/// The call family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    Call,
    CallCode,
    Delegate,
    Static,
}

impl CallKind {
    pub(crate) const ALL: [CallKind; 4] = [
        CallKind::Call,
        CallKind::CallCode,
        CallKind::Delegate,
        CallKind::Static,
    ];

    /// Whether the call sends a value.
    pub(crate) fn sends_value(self) -> bool {
        matches!(self, CallKind::Call | CallKind::CallCode)
    }
}

/// The simple getters: no argument, one result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Getter {
    Address,
    Caller,
    CallValue,
    CallDataSize,
    GasLeft,
    BlockNumber,
    BlockTimestamp,
    BlockCoinbase,
    BlockGasLimit,
    BlockDifficulty,
    TxGasPrice,
    TxOrigin,
    CodeSize,
    ReturnDataSize,
}

impl Getter {
    pub(crate) const ALL: [Getter; 14] = [
        Getter::Address,
        Getter::Caller,
        Getter::CallValue,
        Getter::CallDataSize,
        Getter::GasLeft,
        Getter::BlockNumber,
        Getter::BlockTimestamp,
        Getter::BlockCoinbase,
        Getter::BlockGasLimit,
        Getter::BlockDifficulty,
        Getter::TxGasPrice,
        Getter::TxOrigin,
        Getter::CodeSize,
        Getter::ReturnDataSize,
    ];

    /// The EEI function, its opcode's name and byte, and whether the EEI
    /// function writes its result to memory (else returns it).
    fn parts(self) -> (&'static str, &'static str, u8, bool) {
        match self {
            Getter::Address => ("getAddress", "ADDRESS", op::ADDRESS, true),
            Getter::Caller => ("getCaller", "CALLER", op::CALLER, true),
            Getter::CallValue => ("getCallValue", "CALLVALUE", op::CALLVALUE, true),
            Getter::CallDataSize => ("getCallDataSize", "CALLDATASIZE", op::CALLDATASIZE, false),
            Getter::GasLeft => ("getGasLeft", "GAS", op::GAS, false),
            Getter::BlockNumber => ("getBlockNumber", "NUMBER", op::NUMBER, false),
            Getter::BlockTimestamp => ("getBlockTimestamp", "TIMESTAMP", op::TIMESTAMP, false),
            Getter::BlockCoinbase => ("getBlockCoinbase", "COINBASE", op::COINBASE, true),
            Getter::BlockGasLimit => ("getBlockGasLimit", "GASLIMIT", op::GASLIMIT, false),
            Getter::BlockDifficulty => (
                "getBlockDifficulty",
                "DIFFICULTY/PREVRANDAO",
                op::DIFFICULTY,
                true,
            ),
            Getter::TxGasPrice => ("getTxGasPrice", "GASPRICE", op::GASPRICE, true),
            Getter::TxOrigin => ("getTxOrigin", "ORIGIN", op::ORIGIN, true),
            Getter::CodeSize => ("getCodeSize", "CODESIZE", op::CODESIZE, false),
            Getter::ReturnDataSize => (
                "getReturnDataSize",
                "RETURNDATASIZE",
                op::RETURNDATASIZE,
                false,
            ),
        }
    }
}

/// An EEI call and its EVM counterpart, with the same arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// getExternalBalance / BALANCE.
    Balance(Address),
    /// getExternalCodeSize / EXTCODESIZE.
    ExtCodeSize(Address),
    /// externalCodeCopy / EXTCODECOPY of `len` bytes from `offset`.
    ExtCodeCopy {
        address: Address,
        offset: u32,
        len: u32,
    },
    /// storageLoad / SLOAD of the slot `key` (a small integer).
    Load(u8),
    /// storageStore / SSTORE of `value` in the slot `key`.
    Store { key: u8, value: u8 },
    /// The call family, with all the gas the 63/64 rule lets go, no input
    /// and no output space.
    Call {
        kind: CallKind,
        address: Address,
        value: Value,
    },
    /// selfDestruct / SELFDESTRUCT to the beneficiary.
    SelfDestruct(Address),
    /// create / CREATE of `len` bytes of zeros (init code that stops at
    /// once and deploys no code).
    Create { value: Value, len: u32 },
    /// log / LOGn of `len` bytes with `topics` topics.
    Log { topics: u8, len: u32 },
    /// getBlockHash / BLOCKHASH of a block number.
    BlockHash(u64),
    /// callDataCopy / CALLDATACOPY.
    CallDataCopy { offset: u32, len: u32 },
    /// codeCopy / CODECOPY.
    CodeCopy { offset: u32, len: u32 },
    /// returnDataCopy / RETURNDATACOPY.
    ReturnDataCopy { offset: u32, len: u32 },
    /// A simple getter.
    Get(Getter),
}

/// The gas a call is given, as the EEI's `i64` (the 63/64 rule caps it).
const ALL_GAS: u64 = 0x7fff_ffff_ffff_ffff;

impl Action {
    /// The EEI function and its EVM counterpart, as the table names them.
    pub(crate) fn names(&self) -> (&'static str, &'static str) {
        match self {
            Action::Balance(_) => ("getExternalBalance", "BALANCE"),
            Action::ExtCodeSize(_) => ("getExternalCodeSize", "EXTCODESIZE"),
            Action::ExtCodeCopy { .. } => ("externalCodeCopy", "EXTCODECOPY"),
            Action::Load(_) => ("storageLoad", "SLOAD"),
            Action::Store { .. } => ("storageStore", "SSTORE"),
            Action::Call { kind, .. } => match kind {
                CallKind::Call => ("call", "CALL"),
                CallKind::CallCode => ("callCode", "CALLCODE"),
                CallKind::Delegate => ("callDelegate", "DELEGATECALL"),
                CallKind::Static => ("callStatic", "STATICCALL"),
            },
            Action::SelfDestruct(_) => ("selfDestruct", "SELFDESTRUCT"),
            Action::Create { .. } => ("create", "CREATE"),
            Action::Log { .. } => ("log", "LOG0-4"),
            Action::BlockHash(_) => ("getBlockHash", "BLOCKHASH"),
            Action::CallDataCopy { .. } => ("callDataCopy", "CALLDATACOPY"),
            Action::CodeCopy { .. } => ("codeCopy", "CODECOPY"),
            Action::ReturnDataCopy { .. } => ("returnDataCopy", "RETURNDATACOPY"),
            Action::Get(getter) => {
                let (eei, evm, _, _) = getter.parts();
                (eei, evm)
            }
        }
    }

    /// EVM: the argument pushes, the opcode, and whether it leaves a
    /// result on the stack.
    fn evm(&self) -> (Vec<u8>, u8, bool) {
        let pushes = |values: &[u128]| values.iter().flat_map(|&v| push(v)).collect::<Vec<u8>>();
        let copy_to = u128::from(layout::COPY_TO);
        match *self {
            Action::Balance(address) => (push_address(address), op::BALANCE, true),
            Action::ExtCodeSize(address) => (push_address(address), op::EXTCODESIZE, true),
            Action::ExtCodeCopy {
                address,
                offset,
                len,
            } => {
                let mut code = pushes(&[len.into(), offset.into(), copy_to]);
                code.extend(push_address(address));
                (code, op::EXTCODECOPY, false)
            }
            Action::Load(key) => (push(key.into()), op::SLOAD, true),
            Action::Store { key, value } => {
                (pushes(&[value.into(), key.into()]), op::SSTORE, false)
            }
            Action::Call {
                kind,
                address,
                value,
            } => {
                let mut code = pushes(&[0, 0, 0, 0]);
                if kind.sends_value() {
                    code.extend(push(value.wei()));
                }
                code.extend(push_address(address));
                code.extend(push(ALL_GAS.into()));
                let opcode = match kind {
                    CallKind::Call => op::CALL,
                    CallKind::CallCode => op::CALLCODE,
                    CallKind::Delegate => op::DELEGATECALL,
                    CallKind::Static => op::STATICCALL,
                };
                (code, opcode, true)
            }
            Action::SelfDestruct(address) => (push_address(address), op::SELFDESTRUCT, false),
            Action::Create { value, len } => {
                (pushes(&[len.into(), 0, value.wei()]), op::CREATE, true)
            }
            Action::Log { topics, len } => {
                let mut values: Vec<u128> = (1..=topics).rev().map(u128::from).collect();
                values.extend([len.into(), 0]);
                (pushes(&values), op::LOG0 + topics, false)
            }
            Action::BlockHash(number) => (push(number.into()), op::BLOCKHASH, true),
            Action::CallDataCopy { offset, len } => (
                pushes(&[len.into(), offset.into(), copy_to]),
                op::CALLDATACOPY,
                false,
            ),
            Action::CodeCopy { offset, len } => (
                pushes(&[len.into(), offset.into(), copy_to]),
                op::CODECOPY,
                false,
            ),
            Action::ReturnDataCopy { offset, len } => (
                pushes(&[len.into(), offset.into(), copy_to]),
                op::RETURNDATACOPY,
                false,
            ),
            Action::Get(getter) => (Vec::new(), getter.parts().2, true),
        }
    }

    /// Wasm: the EEI call, its result dropped.
    fn wat(&self) -> String {
        let scratch = layout::SCRATCH;
        let copy_to = layout::COPY_TO;
        match *self {
            Action::Balance(address) => format!(
                "(call $getExternalBalance (i32.const {}) (i32.const {scratch}))",
                address_at(address)
            ),
            Action::ExtCodeSize(address) => format!(
                "(drop (call $getExternalCodeSize (i32.const {})))",
                address_at(address)
            ),
            Action::ExtCodeCopy {
                address,
                offset,
                len,
            } => format!(
                "(call $externalCodeCopy (i32.const {}) (i32.const {copy_to}) (i32.const {offset}) (i32.const {len}))",
                address_at(address)
            ),
            Action::Load(key) => format!(
                "(call $storageLoad (i32.const {}) (i32.const {scratch}))",
                word_at(key)
            ),
            Action::Store { key, value } => format!(
                "(call $storageStore (i32.const {}) (i32.const {}))",
                word_at(key),
                word_at(value)
            ),
            Action::Call {
                kind,
                address,
                value,
            } => {
                let address = address_at(address);
                let value = value.at();
                match kind {
                    CallKind::Call => format!("(drop (call $call (i64.const {ALL_GAS}) (i32.const {address}) (i32.const {value}) (i32.const 0) (i32.const 0)))"),
                    CallKind::CallCode => format!("(drop (call $callCode (i64.const {ALL_GAS}) (i32.const {address}) (i32.const {value}) (i32.const 0) (i32.const 0)))"),
                    CallKind::Delegate => format!("(drop (call $callDelegate (i64.const {ALL_GAS}) (i32.const {address}) (i32.const 0) (i32.const 0)))"),
                    CallKind::Static => format!("(drop (call $callStatic (i64.const {ALL_GAS}) (i32.const {address}) (i32.const 0) (i32.const 0)))"),
                }
            }
            Action::SelfDestruct(address) => {
                format!("(call $selfDestruct (i32.const {}))", address_at(address))
            }
            Action::Create { value, len } => format!(
                "(drop (call $create (i32.const {}) (i32.const {}) (i32.const {len}) (i32.const {scratch})))",
                value.at(),
                layout::ZEROS
            ),
            Action::Log { topics, len } => format!(
                "(call $log (i32.const {}) (i32.const {len}) (i32.const {topics}) (i32.const {}) (i32.const {}) (i32.const {}) (i32.const {}))",
                layout::ZEROS,
                word_at(1),
                word_at(2),
                word_at(3),
                word_at(4)
            ),
            Action::BlockHash(number) => format!(
                "(drop (call $getBlockHash (i64.const {number}) (i32.const {scratch})))"
            ),
            Action::CallDataCopy { offset, len } => format!(
                "(call $callDataCopy (i32.const {copy_to}) (i32.const {offset}) (i32.const {len}))"
            ),
            Action::CodeCopy { offset, len } => format!(
                "(call $codeCopy (i32.const {copy_to}) (i32.const {offset}) (i32.const {len}))"
            ),
            Action::ReturnDataCopy { offset, len } => format!(
                "(call $returnDataCopy (i32.const {copy_to}) (i32.const {offset}) (i32.const {len}))"
            ),
            Action::Get(getter) => {
                let (name, _, _, to_memory) = getter.parts();
                if to_memory {
                    format!("(call ${name} (i32.const {scratch}))")
                } else {
                    format!("(drop (call ${name}))")
                }
            }
        }
    }
}

/// How the contract under test is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// As the transaction's recipient.
    Top,
    /// Static-called by [`ENTRY`] (the transaction's recipient).
    Static,
}

/// What [`CONTRACT`] holds besides its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct World {
    /// Its balance, in wei.
    pub(crate) balance: u64,
    /// Its storage at the start of the transaction: (key, value).
    pub(crate) storage: Vec<(u8, u8)>,
}

impl Default for World {
    fn default() -> Self {
        Self {
            balance: FUNDS,
            storage: Vec::new(),
        }
    }
}

/// One situation: a world, a frame, the warm-ups, and the operation.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// What makes the price what it is, in words.
    pub(crate) situation: String,
    pub(crate) world: World,
    pub(crate) frame: Frame,
    /// Done before the operation, in both programs of both sides.
    pub(crate) warm_up: Vec<Action>,
    /// The operation under test.
    pub(crate) action: Action,
}

impl Case {
    /// The operation in the default world, at the top, after `warm_up`.
    pub(crate) fn new(situation: impl Into<String>, warm_up: Vec<Action>, action: Action) -> Self {
        Self {
            situation: situation.into(),
            world: World::default(),
            frame: Frame::Top,
            warm_up,
            action,
        }
    }

    /// The same, in `world`.
    pub(crate) fn in_world(mut self, world: World) -> Self {
        self.world = world;
        self
    }

    /// The same, in a static frame.
    pub(crate) fn in_static_frame(mut self) -> Self {
        self.frame = Frame::Static;
        self.situation.push_str(", static frame");
        self
    }
}

/// The EVM contract: the memory expanded, the warm-ups (their results
/// popped), the operation's argument pushes and, if `perform`, its opcode.
fn evm_contract(case: &Case, perform: bool) -> Vec<u8> {
    let mut code = push(0);
    code.extend(push(MEMORY_TOP.into()));
    code.push(op::MSTORE8);
    for step in &case.warm_up {
        let (pushes, opcode, result) = step.evm();
        code.extend(pushes);
        code.push(opcode);
        if result {
            code.push(op::POP);
        }
    }
    let (pushes, opcode, _) = case.action.evm();
    code.extend(pushes);
    if perform {
        code.push(opcode);
    }
    code.push(op::STOP);
    code
}

/// The EEI's imports, all of them (a contract links what it imports).
const IMPORTS: &str = r#"
  (import "ethereum" "useGas" (func $useGas (param i64)))
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCaller" (func $getCaller (param i32)))
  (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
  (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
  (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
  (import "ethereum" "getBlockCoinbase" (func $getBlockCoinbase (param i32)))
  (import "ethereum" "getBlockDifficulty" (func $getBlockDifficulty (param i32)))
  (import "ethereum" "getBlockGasLimit" (func $getBlockGasLimit (result i64)))
  (import "ethereum" "getTxGasPrice" (func $getTxGasPrice (param i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
  (import "ethereum" "getBlockTimestamp" (func $getBlockTimestamp (result i64)))
  (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))"#;

/// `bytes` as a WAT string.
fn wat_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// The Wasm contract: `useGas` of the filler, the warm-ups and, if
/// `perform`, the operation.
fn wasm_contract(case: &Case, perform: bool) -> Vec<u8> {
    let mut data = String::new();
    for &address in &ADDRESSES {
        data.push_str(&format!(
            "\n  (data (i32.const {}) \"{}\")",
            address_at(address),
            wat_bytes(address.as_slice())
        ));
    }
    for k in 1..8 {
        data.push_str(&format!(
            "\n  (data (i32.const {}) \"{}\")",
            word_at(k) + 31,
            wat_bytes(&[k])
        ));
    }
    for value in Value::ALL {
        data.push_str(&format!(
            "\n  (data (i32.const {}) \"{}\")",
            value.at(),
            wat_bytes(&value.wei().to_le_bytes())
        ));
    }
    let mut body = format!("(call $useGas (i64.const {WASM_FILLER}))");
    for step in &case.warm_up {
        body.push_str("\n    ");
        body.push_str(&step.wat());
    }
    if perform {
        body.push_str("\n    ");
        body.push_str(&case.action.wat());
    }
    let text = format!(
        "(module{IMPORTS}\n  (memory (export \"memory\") 1){data}\n  (func (export \"main\")\n    {body}))"
    );
    wat::parse_str(&text).unwrap_or_else(|error| panic!("{error}\n{text}"))
}

/// [`ENTRY`]'s code: STATICCALL(GAS, CONTRACT, 0, 0, 0, 0), then RETURN
/// of the success flag as a word.
fn entry_code() -> Vec<u8> {
    let mut code = [push(0), push(0), push(0), push(0)].concat();
    code.extend(push_address(CONTRACT));
    code.push(op::GAS);
    code.push(op::STATICCALL);
    code.extend(push(0));
    code.push(op::MSTORE);
    code.extend(push(32));
    code.extend(push(0));
    code.push(op::RETURN);
    code
}

/// The world of `case` at `spec`, [`CONTRACT`]'s code being `code`.
fn database(spec: SpecId, case: &Case, code: Vec<u8>) -> InMemoryDB {
    let raw = |code: &[u8]| Bytecode::new_raw(Bytes::copy_from_slice(code));
    let mut db = InMemoryDB::default();
    let mut contract = AccountInfo::from_bytecode(raw(&code));
    contract.balance = U256::from(case.world.balance);
    contract.nonce = 1;
    db.insert_account_info(CONTRACT, contract);
    for &(key, value) in &case.world.storage {
        db.insert_account_storage(CONTRACT, U256::from(key), U256::from(value))
            .expect("the slot is set");
    }
    db.insert_account_info(ENTRY, AccountInfo::from_bytecode(raw(&entry_code())));
    db.insert_account_info(SENDER, AccountInfo::from_balance(U256::from(1u64 << 60)));
    db.insert_account_info(EOA, AccountInfo::from_balance(U256::from(1)));
    db.insert_account_info(EMPTY, AccountInfo::default());
    db.insert_account_info(STOPPER, AccountInfo::from_bytecode(raw(&STOPPER_CODE)));
    db.insert_account_info(RETURNER, AccountInfo::from_bytecode(raw(RETURNER_CODE)));
    db.insert_account_info(DESTROYER, AccountInfo::from_bytecode(raw(DESTROYER_CODE)));
    if spec >= SpecId::PRAGUE {
        db.insert_account_info(
            DELEGATED,
            AccountInfo::from_bytecode(Bytecode::new_eip7702(STOPPER)),
        );
    }
    db
}

/// What a transaction did: whether the contract under test succeeded, the
/// gas spent before refunds, and the refund.
struct Run {
    succeeded: bool,
    spent: u64,
    refunded: u64,
}

/// Runs the contract of `case` (Wasm if `wasm`, with the operation if
/// `perform`) at `spec`.
fn transact(executor: &Arc<Executor>, spec: SpecId, case: &Case, wasm: bool, perform: bool) -> Run {
    let code = if wasm {
        wasm_contract(case, perform)
    } else {
        evm_contract(case, perform)
    };
    let db = database(spec, case, code);
    let block = BlockEnv {
        number: U256::from(BLOCK_NUMBER),
        beneficiary: COINBASE,
        ..BlockEnv::default()
    };
    let to = match case.frame {
        Frame::Top => CONTRACT,
        Frame::Static => ENTRY,
    };
    let tx = TxEnv::builder()
        .caller(SENDER)
        .call(to)
        .data(Bytes::from_iter(
            1..=u8::try_from(CALL_DATA_SIZE).expect("a byte"),
        ))
        .gas_limit(GAS_LIMIT)
        .build()
        .expect("a valid transaction");
    let context = Context::mainnet()
        .with_cfg(CfgEnv::new_with_spec(spec))
        .with_block(block)
        .with_db(db);
    let result: ExecutionResult = if wasm {
        context
            .build_ewasm(Arc::<Executor>::clone(executor))
            .transact_one(tx)
            .expect("the transaction runs")
    } else {
        context
            .build_mainnet()
            .transact_one(tx)
            .expect("the transaction runs")
    };
    let succeeded = match case.frame {
        Frame::Top => result.is_success(),
        Frame::Static => {
            assert!(result.is_success(), "ENTRY itself fails: {result:?}");
            result
                .output()
                .is_some_and(|output| U256::from_be_slice(output) == U256::from(1))
        }
    };
    let gas = result.gas();
    let (spent, refunded) = (gas.total_gas_spent(), gas.inner_refunded());
    // The refund is not the cap: it is below a fifth of the gas spent.
    assert!(
        (refunded + 1) * 5 <= spent,
        "the refund cap binds ({refunded} of {spent}): a larger filler is needed"
    );
    Run {
        succeeded,
        spent,
        refunded,
    }
}

/// What an operation cost one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cost {
    /// It ran: the gas it cost (memory aside) and the refund it earned
    /// (negative: a refund taken back).
    Charged { gas: i64, refund: i64 },
    /// It failed the frame, which lost all its gas.
    Fails,
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cost::Charged { gas, refund: 0 } => write!(f, "{gas}"),
            Cost::Charged { gas, refund } => write!(f, "{gas} (refund {refund})"),
            Cost::Fails => f.write_str("fails"),
        }
    }
}

/// The cost of the operation of `case` at `spec`, on the Wasm side or the
/// EVM side: the run with it less the run without it.
fn cost(executor: &Arc<Executor>, spec: SpecId, case: &Case, wasm: bool) -> Cost {
    let side = if wasm { "Wasm" } else { "EVM" };
    let base = transact(executor, spec, case, wasm, false);
    assert!(
        base.succeeded,
        "{spec}, {:?}, {}: the {side} baseline fails",
        case.action, case.situation
    );
    let with = transact(executor, spec, case, wasm, true);
    if !with.succeeded {
        return Cost::Fails;
    }
    let signed = |gas: u64| i64::try_from(gas).expect("gas fits i64");
    Cost::Charged {
        gas: signed(with.spent) - signed(base.spent),
        refund: signed(with.refunded) - signed(base.refunded),
    }
}

/// The cost of the operation of `case` at `spec` to Iris and to revm's
/// EVM.
pub(crate) fn measure(executor: &Arc<Executor>, spec: SpecId, case: &Case) -> (Cost, Cost) {
    (
        cost(executor, spec, case, true),
        cost(executor, spec, case, false),
    )
}

/// An executor for trusted code: only the EEI charges.
pub(crate) fn trusted_executor() -> Arc<Executor> {
    Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"))
}

/// Whether `address` is dead in every situation's world (EIP-161: no
/// account, or an empty one): all but the accounts with code or a balance.
fn is_dead(address: Address) -> bool {
    ![
        SENDER, CONTRACT, ENTRY, EOA, STOPPER, RETURNER, DESTROYER, DELEGATED,
    ]
    .contains(&address)
}

/// The differences Iris keeps on purpose: Byzantium's three places where
/// Hera's prices were not the EVM's, kept so that the Ewasm state-test
/// vectors (filled with Hera) keep their gas (decision 0003, point 4).
/// From Constantinople on, each is the EVM's rule and compared as any
/// other. Nothing else is excluded.
fn intended_difference(spec: SpecId, case: &Case) -> Option<&'static str> {
    if spec != SpecId::BYZANTIUM {
        return None;
    }
    match case.action {
        // Hera's GasSchedule priced BLOCKHASH at 800; the EVM's is 20.
        Action::BlockHash(_) => Some("Hera's BLOCKHASH price, 800 (the EVM's is 20)"),
        // Hera charged 25,000 for a beneficiary that does not exist even
        // with no balance to move; EIP-161 charges it only for a balance
        // moved to a dead account.
        Action::SelfDestruct(beneficiary) if case.world.balance == 0 && is_dead(beneficiary) => {
            Some("Hera's new-account charge with no balance to move")
        }
        // Hera checked the balance before paying for a new account and
        // kept no stipend when the check failed; the EVM pays the value
        // transfer and the new account first and gives the stipend back.
        Action::Call {
            kind: CallKind::Call | CallKind::CallCode,
            value: Value::OverBalance,
            ..
        } => Some("Hera's order of a call's checks (balance first, no stipend back)"),
        _ => None,
    }
}

/// The outcome of the comparison: how many situations were compared per
/// function and revision, and every difference.
#[derive(Debug, Default)]
pub(crate) struct Proof {
    /// "eei / OPCODE" → revision → situations compared and equal or not.
    counts: BTreeMap<(usize, String), BTreeMap<SpecId, usize>>,
    /// Rows in the order they were first met.
    order: Vec<String>,
    /// Every situation compared, with both prices.
    pub(crate) lines: Vec<String>,
    /// Situations compared (intended differences apart).
    pub(crate) compared: usize,
    /// Every situation where the two sides differ and no intended
    /// difference explains it.
    pub(crate) mismatches: Vec<String>,
    /// The intended differences found, each with both prices.
    pub(crate) intended: Vec<String>,
    /// Situations an intended difference names whose prices are equal
    /// (the exclusion would then be wrong).
    pub(crate) stale_exclusions: Vec<String>,
}

impl Proof {
    /// Compares every case `cases` gives at every revision.
    pub(crate) fn run(cases: impl Fn(SpecId) -> Vec<Case>) -> Proof {
        let executor = trusted_executor();
        let mut proof = Proof::default();
        for spec in SPECS {
            let revision = revm_ewasm::revision(spec).expect("a revision Iris runs");
            for case in cases(spec) {
                let (iris, evm) = measure(&executor, spec, &case);
                let (eei, opcode) = case.action.names();
                let line = format!(
                    "{revision}: {eei} / {opcode}, {}: Iris {iris}, EVM {evm}",
                    case.situation
                );
                if let Some(reason) = intended_difference(spec, &case) {
                    if iris == evm {
                        proof.stale_exclusions.push(line);
                    } else {
                        proof.intended.push(format!("{line} ({reason})"));
                    }
                    continue;
                }
                proof.count(spec, &format!("{eei} / {opcode}"));
                if iris != evm {
                    proof.mismatches.push(line.clone());
                }
                proof.lines.push(line);
            }
        }
        proof
    }

    fn count(&mut self, spec: SpecId, row: &str) {
        let index = match self.order.iter().position(|known| known == row) {
            Some(index) => index,
            None => {
                self.order.push(row.to_owned());
                self.order.len() - 1
            }
        };
        *self
            .counts
            .entry((index, row.to_owned()))
            .or_default()
            .entry(spec)
            .or_default() += 1;
        self.compared += 1;
    }

    /// The table: one row per function, one column per revision, each
    /// cell the situations compared.
    pub(crate) fn table(&self) -> String {
        let name = |spec: SpecId| revm_ewasm::revision(spec).expect("a revision").to_string();
        let width = self.order.iter().map(String::len).max().unwrap_or(0);
        let mut table = format!("{:width$}", "EEI / EVM");
        for spec in SPECS {
            table.push_str(&format!(" {:>10}", name(spec)));
        }
        table.push_str("  total\n");
        let mut totals = [0usize; SPECS.len()];
        for ((_, row), per_spec) in &self.counts {
            table.push_str(&format!("{row:width$}"));
            let mut sum = 0;
            for (column, spec) in SPECS.iter().enumerate() {
                let n = per_spec.get(spec).copied().unwrap_or(0);
                totals[column] += n;
                sum += n;
                table.push_str(&format!(" {n:>10}"));
            }
            table.push_str(&format!("  {sum:>5}\n"));
        }
        table.push_str(&format!("{:width$}", "all"));
        for total in totals {
            table.push_str(&format!(" {total:>10}"));
        }
        table.push_str(&format!("  {:>5}\n", self.compared));
        table
    }
}
