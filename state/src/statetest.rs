//! The GeneralStateTests runner: pre-state, transaction, and for each fork
//! in `post` the expected post-state root and logs hash, the transaction
//! run by revm's rules of that fork ([`crate::evm`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use ewasm_host::{hex, Address, Bytes32, Observer, Revision, TxContext, U256};
use revm::context::TxEnv;
use revm::primitives::{Bytes, TxKind};
use serde_json::Value;

use crate::evm::{transact_observed, Env};
use crate::world::World;
use crate::Runner;
use crate::TxError;

/// The fork a `post` key of a state test names (the test suite's names:
/// `EIP150` is Tangerine Whistle, `EIP158` Spurious Dragon,
/// `ConstantinopleFix` Petersburg, `Merge` Paris; others as EVMC names
/// them).
pub fn fork(name: &str) -> Option<Revision> {
    match name {
        "EIP150" => Some(Revision::TangerineWhistle),
        "EIP158" => Some(Revision::SpuriousDragon),
        "ConstantinopleFix" => Some(Revision::Petersburg),
        "Merge" => Some(Revision::Paris),
        other => Revision::from_name(other),
    }
}

/// Why the cases of a fork are not run: `None` if they are.
fn unrunnable(name: &str) -> Option<String> {
    let Some(revision) = fork(name) else {
        return Some("a fork Iris does not know".into());
    };
    if !revision.is_supported() {
        return Some(format!(
            "before {}, the oldest fork Ewasm runs at",
            Revision::OLDEST
        ));
    }
    crate::evm::spec(revision).err().map(|e| e.to_string())
}

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

impl Transaction {
    /// The transaction as revm's (a legacy transaction on `chain_id`).
    ///
    /// # Errors
    ///
    /// A gas price of 2^128 or more, which revm cannot hold.
    pub fn to_revm(&self, chain_id: u64) -> Result<TxEnv, TxError> {
        let gas_price = u128::try_from(self.gas_price)
            .map_err(|_| TxError::GasPriceOverflow(self.gas_price))?;
        let kind = match self.to {
            Some(to) => TxKind::Call(revm::primitives::Address::from(to.0)),
            None => TxKind::Create,
        };
        let mut tx = TxEnv::builder()
            .caller(revm::primitives::Address::from(self.sender.0))
            .nonce(self.nonce)
            .gas_price(gas_price)
            .gas_limit(self.gas_limit)
            .kind(kind)
            .value(revm::primitives::U256::from_be_bytes(
                self.value.to_big_endian(),
            ))
            .data(Bytes::from(self.data.clone()))
            .build_fill();
        tx.chain_id = Some(chain_id);
        Ok(tx)
    }
}

/// A malformed test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

fn bad<T>(what: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(what.into()))
}

/// One post-state entry of one test, for one fork.
#[derive(Debug, Clone)]
pub struct Case {
    /// The test's name.
    pub name: String,
    /// The fork, as the test names it (`Byzantium`, `EIP158`).
    pub fork: String,
    /// Indexes into the transaction's data, gas and value arrays.
    pub indexes: (usize, usize, usize),
    /// The transaction.
    pub tx: Transaction,
    /// The pre-state, parsed once and shared by the test's cases.
    pub pre: Arc<World>,
    /// The block context, and the fork as a revision.
    pub env: Arc<Env>,
    /// The expected state root.
    pub root: [u8; 32],
    /// The expected logs hash.
    pub logs: [u8; 32],
    /// The expected post-state, when the vector records it (`postState`):
    /// most record only its root hash.
    pub post: Option<Arc<World>>,
}

/// What running a case gave.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// Whether root and logs hash match.
    pub passed: bool,
    /// The post-state.
    pub post: World,
    /// The computed state root.
    pub root: [u8; 32],
    /// The computed logs hash.
    pub logs: [u8; 32],
    /// Gas used, or why the transaction was invalid.
    pub result: Result<u64, TxError>,
    /// Why the transaction's message failed, when it did and the runner
    /// said (not part of the post-state).
    pub reason: Option<ewasm_host::FailureReason>,
}

/// The cases of a file, and the post entries of forks that are not run.
#[derive(Debug, Clone, Default)]
pub struct Cases {
    /// The cases, in the file's order, fork by fork.
    pub cases: Vec<Case>,
    /// Post entries not run: how many for each fork, and why.
    pub skipped: BTreeMap<String, (usize, String)>,
}

impl Cases {
    /// How many post entries are not run.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(|(n, _)| n).sum()
    }
}

/// Parses a hex string (with `0x`) into bytes.
pub(crate) fn bytes(value: &Value, what: &str) -> Result<Vec<u8>, FormatError> {
    let Some(text) = value.as_str() else {
        return bad(format!("{what}: not a string"));
    };
    hex::decode(text).map_err(|e| FormatError(format!("{what}: {e}")))
}

/// A 256-bit number from hex digits (with or without `0x`; none is
/// zero).
pub(crate) fn u256(value: &Value, what: &str) -> Result<U256, FormatError> {
    let Some(text) = value.as_str() else {
        return bad(format!("{what}: not a string"));
    };
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.is_empty() {
        return Ok(U256::zero());
    }
    if hex::check_digits(text, text.len() - digits.len()).is_err() {
        return bad(format!("{what}: `{text}` is not a hex number"));
    }
    U256::from_str_radix(digits, 16)
        .map_err(|_| FormatError(format!("{what}: `{text}` is more than 256 bits")))
}

pub(crate) fn u64_of(value: &Value, what: &str) -> Result<u64, FormatError> {
    let n = u256(value, what)?;
    if n.bits() > 64 {
        return bad(format!("{what}: over 64 bits"));
    }
    Ok(n.low_u64())
}

fn i64_of(value: &Value, what: &str) -> Result<i64, FormatError> {
    i64::try_from(u64_of(value, what)?).map_err(|_| FormatError(format!("{what}: over 63 bits")))
}

fn fixed<const N: usize>(value: &Value, what: &str) -> Result<[u8; N], FormatError> {
    let raw = bytes(value, what)?;
    raw.try_into()
        .map_err(|_| FormatError(format!("{what}: not {N} bytes")))
}

pub(crate) fn address(value: &Value, what: &str) -> Result<Address, FormatError> {
    fixed::<20>(value, what).map(Address)
}

pub(crate) fn field<'a>(
    object: &'a Value,
    key: &str,
    what: &str,
) -> Result<&'a Value, FormatError> {
    object
        .get(key)
        .ok_or_else(|| FormatError(format!("{what}: missing `{key}`")))
}

/// A 32-byte word from a hex number of any length.
pub(crate) fn word(value: &Value, what: &str) -> Result<Bytes32, FormatError> {
    Ok(Bytes32::from_u256(u256(value, what)?))
}

/// The sender of a transaction signed with `secret`.
pub fn sender_of(secret: &[u8; 32]) -> Result<Address, FormatError> {
    let key = k256::SecretKey::from_slice(secret)
        .map_err(|_| FormatError("secretKey: not a valid secp256k1 key".into()))?;
    use k256::elliptic_curve::sec1::ToSec1Point;
    let point = key.public_key().to_sec1_point(false);
    let hash = crate::keccak(&point.as_bytes()[1..]);
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash[12..]);
    Ok(Address(out))
}

fn env_of(env: &Value) -> Result<Env, FormatError> {
    Ok(Env {
        tx: TxContext {
            gas_price: U256::zero(),
            origin: Address::default(),
            coinbase: address(field(env, "currentCoinbase", "env")?, "currentCoinbase")?,
            number: i64_of(field(env, "currentNumber", "env")?, "currentNumber")?,
            timestamp: i64_of(field(env, "currentTimestamp", "env")?, "currentTimestamp")?,
            gas_limit: i64_of(field(env, "currentGasLimit", "env")?, "currentGasLimit")?,
            difficulty: u256(field(env, "currentDifficulty", "env")?, "currentDifficulty")?,
            chain_id: U256::one(),
        },
        revision: ewasm_host::Revision::Byzantium,
    })
}

fn index(array: &Value, at: usize, what: &str) -> Result<Value, FormatError> {
    array
        .as_array()
        .and_then(|a| a.get(at))
        .cloned()
        .ok_or_else(|| FormatError(format!("transaction.{what}: no entry {at}")))
}

/// Parses a state-test file's text.
///
/// # Errors
///
/// [`FormatError`] for malformed JSON or a missing or malformed field.
pub fn parse(text: &str) -> Result<Cases, FormatError> {
    let json: Value = serde_json::from_str(text).map_err(|e| FormatError(format!("JSON: {e}")))?;
    let Some(tests) = json.as_object() else {
        return bad("the file is not a JSON object of tests");
    };
    let mut out = Cases::default();
    for (name, test) in tests {
        let pre = Arc::new(crate::accounts::from_json(field(test, "pre", name)?)?);
        let env_json = field(test, "env", name)?;
        let tx = field(test, "transaction", name)?;
        let secret = fixed::<32>(field(tx, "secretKey", "transaction")?, "secretKey")?;
        let sender = sender_of(&secret)?;
        let to = field(tx, "to", "transaction")?;
        let to = match to.as_str() {
            Some("") => None,
            _ => Some(address(to, "transaction.to")?),
        };
        let gas_price = u256(field(tx, "gasPrice", "transaction")?, "gasPrice")?;
        let mut env = env_of(env_json)?;
        env.tx.gas_price = gas_price;
        env.tx.origin = sender;
        let Some(post) = field(test, "post", name)?.as_object() else {
            return bad(format!("{name}: post is not an object"));
        };
        for (network, entries) in post {
            let Some(entries) = entries.as_array() else {
                return bad(format!("{name}: post.{network} is not an array"));
            };
            if let Some(why) = unrunnable(network) {
                let skipped = out.skipped.entry(network.clone()).or_insert((0, why));
                skipped.0 += entries.len();
                continue;
            }
            let env = Arc::new(Env {
                revision: fork(network).unwrap_or(Revision::LATEST),
                ..env.clone()
            });
            for entry in entries {
                let indexes = field(entry, "indexes", "post entry")?;
                let at = |key: &str| -> Result<usize, FormatError> {
                    field(indexes, key, "indexes")?
                        .as_u64()
                        .map(|n| n as usize)
                        .ok_or_else(|| FormatError(format!("indexes.{key}: not a number")))
                };
                let (d, g, v) = (at("data")?, at("gas")?, at("value")?);
                let post = match entry.get("postState") {
                    Some(state) => Some(Arc::new(
                        crate::accounts::from_json(state)
                            .map_err(|e| FormatError(format!("{name}: postState: {}", e.0)))?,
                    )),
                    None => None,
                };
                out.cases.push(Case {
                    name: name.clone(),
                    fork: network.clone(),
                    indexes: (d, g, v),
                    tx: Transaction {
                        sender,
                        nonce: u64_of(field(tx, "nonce", "transaction")?, "nonce")?,
                        gas_price,
                        gas_limit: u64_of(
                            &index(field(tx, "gasLimit", "transaction")?, g, "gasLimit")?,
                            "gasLimit",
                        )?,
                        to,
                        value: u256(
                            &index(field(tx, "value", "transaction")?, v, "value")?,
                            "value",
                        )?,
                        data: bytes(
                            &index(field(tx, "data", "transaction")?, d, "data")?,
                            "data",
                        )?,
                    },
                    pre: Arc::clone(&pre),
                    env: Arc::clone(&env),
                    root: fixed::<32>(field(entry, "hash", "post entry")?, "hash")?,
                    logs: fixed::<32>(field(entry, "logs", "post entry")?, "logs")?,
                    post,
                });
            }
        }
    }
    Ok(out)
}

/// Parses the file at `path`.
///
/// # Errors
///
/// [`FormatError`] if it cannot be read or parsed.
pub fn parse_file(path: &Path) -> Result<Cases, FormatError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FormatError(format!("{}: {e}", path.display())))?;
    parse(&text)
}

/// Runs one case on a copy of its pre-state, by revm's rules of its fork.
pub fn run(case: &Case, runner: &Arc<dyn Runner>) -> CaseOutcome {
    run_observed(case, runner, None).0
}

/// [`run`], with `observer` watching every Wasm frame of the case's
/// transaction; gives it back after.
pub fn run_observed(
    case: &Case,
    runner: &Arc<dyn Runner>,
    observer: Option<Box<dyn Observer>>,
) -> (CaseOutcome, Option<Box<dyn Observer>>) {
    let applied = case
        .tx
        .to_revm(case.env.tx.chain_id.low_u64())
        .and_then(|tx| {
            Ok(transact_observed(
                &case.pre,
                &case.env,
                Arc::clone(runner),
                tx,
                observer,
            )?)
        });
    let (post, result, reason, observer) = match applied {
        // An invalid transaction changes nothing and logs nothing.
        Ok((applied, observer)) => match applied.result {
            Ok(ended) => (applied.post, Ok(ended.gas_used), ended.reason, observer),
            Err(why) => (applied.post, Err(why), None, observer),
        },
        Err(why) => (World::clone(&case.pre), Err(why), None, None),
    };
    let root = post.state_root();
    let logs = post.logs_hash();
    let outcome = CaseOutcome {
        passed: root == case.root && logs == case.logs,
        post,
        root,
        logs,
        result,
        reason,
    };
    (outcome, observer)
}

/// The accounts of `world`, for `--diff` when there is nothing to diff
/// against: a line per account (address, nonce, balance, code size), then
/// an indented line per storage slot (`0xKEY = 0xVALUE`, without leading
/// zeros): each line under 90 columns, for indenting under a case.
pub fn describe(world: &World) -> Vec<String> {
    let number = |bytes: &[u8; 32]| format!("{:#x}", U256::from_big_endian(bytes));
    let mut lines = Vec::new();
    for (address, account) in world.accounts() {
        lines.push(format!(
            "{address}: nonce {}, balance {:#x}, {} bytes of code",
            account.nonce,
            account.balance,
            account.code.len()
        ));
        for (key, value) in &account.storage {
            let slot = format!("  {} = {}", number(&key.0), number(&value.0));
            if slot.len() <= 88 {
                lines.push(slot);
            } else {
                lines.push(format!("  {} =", number(&key.0)));
                lines.push(format!("    {}", number(&value.0)));
            }
        }
    }
    lines
}
