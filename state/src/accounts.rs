//! Accounts as JSON, in the format of a state test's `pre`: what
//! `iris run --state FILE` reads before a call and writes after it.
//!
//! ```json
//! { "0xADDRESS": { "balance": "0x..", "nonce": "0x..", "code": "0x..",
//!                  "storage": { "0xKEY": "0xVALUE" } } }
//! ```
//!
//! Numbers are hex strings (`"0x0"` for zero); `code` is hex bytes;
//! storage keys and values are 256-bit hex numbers, zero values omitted.

use std::collections::BTreeMap;
use std::sync::Arc;

use ewasm_host::{hex, Address, Bytes32, U256};
use serde_json::{Map, Value};

use crate::statetest::{decode_hex, FormatError};
use crate::world::{Account, World};

fn bad<T>(message: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(message.into()))
}

fn text<'a>(value: &'a Value, what: &str) -> Result<&'a str, FormatError> {
    value
        .as_str()
        .ok_or_else(|| FormatError(format!("{what}: not a string")))
}

/// A 256-bit number from hex (with or without `0x`; empty is zero).
fn number(value: &Value, what: &str) -> Result<U256, FormatError> {
    let text = text(value, what)?;
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.is_empty() {
        return Ok(U256::zero());
    }
    U256::from_str_radix(digits, 16)
        .map_err(|_| FormatError(format!("{what}: `{text}` is not a hex number of 256 bits")))
}

fn field<'a>(object: &'a Value, key: &str, what: &str) -> Result<&'a Value, FormatError> {
    object
        .get(key)
        .ok_or_else(|| FormatError(format!("{what}: missing `{key}`")))
}

/// Parses accounts (a state test's `pre`, or a state file) into a world.
///
/// # Errors
///
/// [`FormatError`] naming the account and field that is missing or
/// malformed.
pub fn from_json(accounts: &Value) -> Result<World, FormatError> {
    let Some(accounts) = accounts.as_object() else {
        return bad("accounts: not an object");
    };
    let mut world = World::default();
    for (key, account) in accounts {
        let raw = decode_hex(key).map_err(|e| FormatError(format!("address {e}")))?;
        let Ok(at) = <[u8; 20]>::try_from(raw) else {
            return bad(format!("address `{key}`: not 20 bytes"));
        };
        let what = format!("account {key}");
        let mut storage = BTreeMap::new();
        let Some(slots) = field(account, "storage", &what)?.as_object() else {
            return bad(format!("{what}: storage is not an object"));
        };
        for (slot, value) in slots {
            let value = Bytes32::from_u256(number(value, &format!("{what}: storage value"))?);
            if !value.is_zero() {
                let key = number(
                    &Value::String(slot.clone()),
                    &format!("{what}: storage key"),
                )?;
                storage.insert(Bytes32::from_u256(key), value);
            }
        }
        let nonce = number(field(account, "nonce", &what)?, &format!("{what}: nonce"))?;
        if nonce.bits() > 64 {
            return bad(format!("{what}: nonce over 64 bits"));
        }
        let code = text(field(account, "code", &what)?, &format!("{what}: code"))?;
        let code = decode_hex(code).map_err(|e| FormatError(format!("{what}: code {e}")))?;
        world.insert(
            Address(at),
            Account {
                nonce: nonce.low_u64(),
                balance: number(
                    field(account, "balance", &what)?,
                    &format!("{what}: balance"),
                )?,
                code: Arc::new(code),
                storage,
            },
        );
    }
    Ok(world)
}

/// The world's accounts as JSON, in address order: what [`from_json`]
/// reads back into the same accounts.
pub fn to_json(world: &World) -> Value {
    let mut accounts = Map::new();
    for (address, account) in world.accounts() {
        let storage: Map<String, Value> = account
            .storage
            .iter()
            .map(|(key, value)| {
                (
                    format!("{:#x}", key.to_u256()),
                    Value::String(format!("{:#x}", value.to_u256())),
                )
            })
            .collect();
        let mut fields = Map::new();
        fields.insert(
            "balance".into(),
            Value::String(format!("{:#x}", account.balance)),
        );
        fields.insert(
            "nonce".into(),
            Value::String(format!("{:#x}", account.nonce)),
        );
        fields.insert(
            "code".into(),
            Value::String(format!("0x{}", hex(&account.code))),
        );
        fields.insert("storage".into(), Value::Object(storage));
        accounts.insert(format!("0x{}", hex(&address.0)), Value::Object(fields));
    }
    Value::Object(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_written_read_back_are_the_same() {
        let mut world = World::default();
        let mut account = Account::with_balance(U256::from(1_000u64));
        account.nonce = 3;
        account.code = Arc::new(vec![0, 0x61, 0x73, 0x6d]);
        account
            .storage
            .insert(Bytes32::from_u256(1.into()), Bytes32::from_u256(42.into()));
        world.insert(Address([0xab; 20]), account.clone());
        let json = to_json(&world);
        assert_eq!(
            json["0xabababababababababababababababababababab"]["nonce"],
            "0x3"
        );
        assert_eq!(
            json["0xabababababababababababababababababababab"]["storage"]["0x1"],
            "0x2a"
        );
        let back = from_json(&json).expect("reads back");
        assert_eq!(back.get(&Address([0xab; 20])), Some(&account));
    }

    #[test]
    fn a_malformed_account_is_named() {
        let json: Value = serde_json::from_str(
            r#"{"0x0000000000000000000000000000000000000001":
                {"balance":"0xzz","nonce":"0x0","code":"0x","storage":{}}}"#,
        )
        .expect("JSON");
        let error = from_json(&json).expect_err("bad balance");
        assert!(
            error
                .0
                .contains("0x0000000000000000000000000000000000000001"),
            "{error:?}"
        );
        assert!(error.0.contains("balance"), "{error:?}");
    }
}
