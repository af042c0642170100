//! Applying a Byzantium transaction to the world.

use std::fmt;
use std::sync::Arc;

use ewasm_host::{Address, CallKind, Gas, Message, Revision, Status, U256};

use crate::host::{Env, Runner, WorldHost};
use crate::world::{Log, World};

/// Gas every transaction pays.
pub const TX_GAS: u64 = 21_000;
/// Extra gas a creating transaction pays (Homestead).
pub const TX_CREATE_GAS: u64 = 32_000;
/// Gas per zero byte of data.
pub const TX_DATA_ZERO: u64 = 4;
/// Gas per non-zero byte of data.
pub const TX_DATA_NON_ZERO: u64 = 68;

/// A signed transaction, its sender recovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The sender.
    pub sender: Address,
    /// Its nonce.
    pub nonce: u64,
    /// Price per gas.
    pub gas_price: U256,
    /// Gas limit.
    pub gas_limit: u64,
    /// The recipient, or `None` to create a contract.
    pub to: Option<Address>,
    /// Value sent.
    pub value: U256,
    /// Call data, or init code.
    pub data: Vec<u8>,
}

/// Why a transaction is not valid in the world it meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxError {
    /// The nonce is `u64::MAX`: the sender's nonce would wrap
    /// (EIP-2681).
    NonceMax,
    /// The nonce is not the sender's.
    Nonce {
        /// The sender's nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// The gas limit is below the intrinsic gas.
    IntrinsicGas {
        /// What the transaction needs before running.
        needed: u64,
        /// Its gas limit.
        limit: u64,
    },
    /// The gas limit is above the block's.
    BlockGasLimit,
    /// The sender cannot pay gas limit × price + value.
    Balance,
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::NonceMax => write!(f, "nonce {} is the largest (EIP-2681)", u64::MAX),
            TxError::Nonce { expected, got } => write!(f, "nonce {got}, expected {expected}"),
            TxError::IntrinsicGas { needed, limit } => {
                write!(f, "gas limit {limit} below the intrinsic {needed}")
            }
            TxError::BlockGasLimit => f.write_str("gas limit above the block's"),
            TxError::Balance => f.write_str("the sender cannot pay for gas and value"),
        }
    }
}

impl std::error::Error for TxError {}

/// What a valid transaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// How its message ended.
    pub status: Status,
    /// Gas used, after the refund.
    pub gas_used: u64,
    /// Its output.
    pub output: Vec<u8>,
    /// For a create that succeeded: the new contract.
    pub created: Option<Address>,
    /// Its logs.
    pub logs: Vec<Log>,
    /// Why its message failed, when it did and the runner said.
    pub reason: Option<ewasm_host::FailureReason>,
}

/// The gas a transaction pays before it runs.
pub fn intrinsic_gas(data: &[u8], create: bool) -> u64 {
    let data_gas: u64 = data
        .iter()
        .map(|b| {
            if *b == 0 {
                TX_DATA_ZERO
            } else {
                TX_DATA_NON_ZERO
            }
        })
        .sum();
    TX_GAS + if create { TX_CREATE_GAS } else { 0 } + data_gas
}

/// The addresses of the precompiled contracts at `revision`, which EIP-2929
/// has warm from a transaction's start (from Berlin): 0x01-0x04 from
/// Frontier, 0x05-0x08 from Byzantium, 0x09 (BLAKE2) from Istanbul, 0x0a
/// (point evaluation) from Cancun, 0x0b-0x11 (BLS12-381) from Prague, and
/// 0x0100 (P256VERIFY, EIP-7951) from Osaka, as revm's precompile sets.
pub fn precompiles(revision: Revision) -> impl Iterator<Item = Address> {
    let last = if revision >= Revision::Prague {
        0x11
    } else if revision >= Revision::Cancun {
        0x0a
    } else if revision >= Revision::Istanbul {
        0x09
    } else if revision >= Revision::Byzantium {
        0x08
    } else {
        0x04
    };
    let p256 = (revision >= Revision::Osaka).then_some(0x0100u16);
    (1..=last).chain(p256).map(|n: u16| {
        let mut address = [0u8; 20];
        address[18..].copy_from_slice(&n.to_be_bytes());
        Address(address)
    })
}

/// Applies `tx` to `world` under Byzantium rules: buys gas, runs the
/// message, refunds what its execution earned (capped at half the gas
/// used; a fifth from London, EIP-3529), pays the coinbase, deletes
/// self-destructed and touched empty accounts. From Berlin the sender and
/// the recipient start warm (EIP-2929), from Shanghai the coinbase too
/// (EIP-3651).
///
/// # Errors
///
/// [`TxError`] for an invalid transaction; the world is then unchanged.
pub fn apply(
    world: &mut World,
    env: &Arc<Env>,
    runner: &Arc<dyn Runner>,
    tx: &Transaction,
) -> Result<Receipt, TxError> {
    let create = tx.to.is_none();
    let intrinsic = intrinsic_gas(&tx.data, create);
    let Some(next_nonce) = tx.nonce.checked_add(1) else {
        return Err(TxError::NonceMax);
    };
    let expected = world.nonce(&tx.sender);
    if tx.nonce != expected {
        return Err(TxError::Nonce {
            expected,
            got: tx.nonce,
        });
    }
    if tx.gas_limit < intrinsic {
        return Err(TxError::IntrinsicGas {
            needed: intrinsic,
            limit: tx.gas_limit,
        });
    }
    if i64::try_from(tx.gas_limit).map_or(true, |limit| limit > env.tx.gas_limit) {
        return Err(TxError::BlockGasLimit);
    }
    // Below the block's gas limit, so within `Gas`.
    let Some(message_gas) = Gas::new(tx.gas_limit - intrinsic) else {
        return Err(TxError::BlockGasLimit);
    };
    let gas_cost = U256::from(tx.gas_limit)
        .checked_mul(tx.gas_price)
        .ok_or(TxError::Balance)?;
    let upfront = gas_cost.checked_add(tx.value).ok_or(TxError::Balance)?;
    if world.balance(&tx.sender) < upfront {
        return Err(TxError::Balance);
    }

    world.start_transaction();
    // The balance covers `upfront`, which is at least `gas_cost`.
    world.set_balance(
        tx.sender,
        world.balance(&tx.sender).saturating_sub(gas_cost),
    );
    if !create {
        world.set_nonce(tx.sender, next_nonce);
    }
    world.touch(tx.sender);

    let to = tx.to.unwrap_or_default();
    if env.revision >= Revision::Berlin {
        world.access_account(tx.sender);
        if !create {
            world.access_account(to);
        }
        for address in precompiles(env.revision) {
            world.access_account(address);
        }
    }
    if env.revision >= Revision::Shanghai {
        world.access_account(env.tx.coinbase);
    }
    let message = Message {
        kind: if create {
            CallKind::Create
        } else {
            CallKind::Call
        },
        is_static: false,
        depth: 0,
        gas: message_gas.to_evmc(),
        recipient: to,
        sender: tx.sender,
        input: tx.data.clone(),
        value: tx.value,
        code_address: to,
        delegated: false,
    };
    let mut host = WorldHost::new(std::mem::take(world), Arc::clone(env), Arc::clone(runner));
    let outcome = host.run_message(&message);
    let reason = host.take_reason().filter(|_| !outcome.status.keeps_gas());
    *world = host.world;

    // A delegate call inside a call with value gives its callee Hera's
    // 2,300 stipend, which can come back unused: a message may end with
    // more gas than it got. The sender never gets back more than it bought.
    let mut gas_left = u64::try_from(outcome.gas_left)
        .unwrap_or(0)
        .min(tx.gas_limit - intrinsic);
    let used = tx.gas_limit - gas_left;
    let quotient = if env.revision >= Revision::London {
        5
    } else {
        2
    };
    let refund = u64::try_from(outcome.gas_refund).unwrap_or(0);
    gas_left += refund.min(used / quotient);
    let sender_balance = world
        .balance(&tx.sender)
        .saturating_add(U256::from(gas_left) * tx.gas_price);
    world.set_balance(tx.sender, sender_balance);
    let coinbase = env.tx.coinbase;
    let fee = U256::from(tx.gas_limit - gas_left) * tx.gas_price;
    let miner_balance = world.balance(&coinbase).saturating_add(fee);
    world.set_balance(coinbase, miner_balance);
    world.touch(coinbase);

    for address in world.take_destructed() {
        world.remove(&address);
    }
    for address in world.take_touched() {
        if world.get(&address).is_some_and(|a| a.is_empty()) {
            world.remove(&address);
        }
    }
    Ok(Receipt {
        status: outcome.status,
        gas_used: tx.gas_limit - gas_left,
        output: outcome.output,
        created: outcome.create_address,
        logs: world.logs().to_vec(),
        reason,
    })
}
