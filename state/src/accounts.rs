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

use ewasm_host::hex;
#[cfg(test)]
use ewasm_host::{Address, Bytes32, U256};
use serde_json::{Map, Value};

use crate::statetest::{address, bytes, field, u256, u64_of, word, FormatError};
use crate::world::{Account, World};

/// Parses accounts (a state test's `pre`, or a state file) into a world.
///
/// # Errors
///
/// [`FormatError`] naming the account and field that is missing or
/// malformed.
pub fn from_json(accounts: &Value) -> Result<World, FormatError> {
    let Some(accounts) = accounts.as_object() else {
        return Err(FormatError("accounts: not an object".into()));
    };
    let mut world = World::default();
    for (key, account) in accounts {
        let at = address(&Value::String(key.clone()), "address")?;
        let what = format!("account {key}");
        let Some(slots) = field(account, "storage", &what)?.as_object() else {
            return Err(FormatError(format!("{what}: storage is not an object")));
        };
        let mut storage = BTreeMap::new();
        // Every key and value is checked, a zero value's too.
        for (slot, value) in slots {
            let key = word(
                &Value::String(slot.clone()),
                &format!("{what}: storage key"),
            )?;
            let value = word(value, &format!("{what}: storage value {slot}"))?;
            if !value.is_zero() {
                storage.insert(key, value);
            }
        }
        world.insert(
            at,
            Account {
                nonce: u64_of(field(account, "nonce", &what)?, &format!("{what}: nonce"))?,
                balance: u256(
                    field(account, "balance", &what)?,
                    &format!("{what}: balance"),
                )?,
                code: Arc::new(bytes(
                    field(account, "code", &what)?,
                    &format!("{what}: code"),
                )?),
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
            Value::String(format!("0x{}", hex::encode(&account.code))),
        );
        fields.insert("storage".into(), Value::Object(storage));
        accounts.insert(
            format!("0x{}", hex::encode(&address.0)),
            Value::Object(fields),
        );
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

    #[test]
    fn every_storage_key_and_value_is_checked_zero_or_not() {
        for storage in [r#"{"zz": "0x0"}"#, r#"{"0x1": "0xzz"}"#, r#"{"0x1": "+f"}"#] {
            let text = format!(
                r#"{{"0x0000000000000000000000000000000000000001":
                    {{"balance":"0x0","nonce":"0x0","code":"0x","storage":{storage}}}}}"#
            );
            let json: Value = serde_json::from_str(&text).expect("JSON");
            let error = from_json(&json).expect_err(storage);
            assert!(error.0.contains("storage"), "{storage}: {error:?}");
        }
    }

    #[test]
    fn hex_has_no_sign() {
        assert!(hex::decode("0x+f").is_err());
        assert!(hex::decode("+f").is_err());
        assert_eq!(hex::decode("0x0aff"), Ok(vec![0x0a, 0xff]));
    }
}
