//! Per-account differences between an expected world and an actual one:
//! what `iris statetest --diff` prints when a vector records its
//! post-state (`postState`), not only its root hash.

use std::collections::BTreeSet;

use ewasm_host::{hex, Address, Bytes32, U256};

use crate::world::{Account, World};

/// What differs in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The account exists on one side only.
    Presence,
    /// Its balance (wei).
    Balance,
    /// Its nonce.
    Nonce,
    /// The Keccak-256 of its code.
    CodeHash,
    /// One storage slot (an absent slot is zero).
    Storage(Bytes32),
}

/// One difference: the account, the field, and both values as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The account.
    pub address: Address,
    /// What differs.
    pub field: Field,
    /// The expected value.
    pub expected: String,
    /// The value the run gave.
    pub actual: String,
}

/// A number as `0x` hex without leading zeros.
fn number(value: U256) -> String {
    format!("{value:#x}")
}

/// A storage word as `0x` hex without leading zeros.
fn word(value: &Bytes32) -> String {
    number(U256::from_big_endian(&value.0))
}

fn code_hash(account: &Account) -> String {
    format!("0x{}", hex::encode(&crate::keccak(&account.code)))
}

/// The accounts' differences, in address order, then in the order
/// presence, balance, nonce, code hash, storage slots (in key order).
pub fn diff(expected: &World, actual: &World) -> Vec<Difference> {
    let addresses: BTreeSet<&Address> = expected
        .accounts()
        .chain(actual.accounts())
        .map(|(address, _)| address)
        .collect();
    let mut out = Vec::new();
    for address in addresses {
        let at = |field, expected: String, actual: String| Difference {
            address: *address,
            field,
            expected,
            actual,
        };
        let (want, got) = match (expected.get(address), actual.get(address)) {
            (Some(want), Some(got)) => (want, got),
            (want, got) => {
                let show = |a: Option<&Account>| match a {
                    Some(a) => format!(
                        "present (balance {}, nonce {}, {} bytes of code, {} slots)",
                        number(a.balance),
                        a.nonce,
                        a.code.len(),
                        a.storage.len()
                    ),
                    None => "absent".to_string(),
                };
                out.push(at(Field::Presence, show(want), show(got)));
                continue;
            }
        };
        if want.balance != got.balance {
            out.push(at(
                Field::Balance,
                number(want.balance),
                number(got.balance),
            ));
        }
        if want.nonce != got.nonce {
            out.push(at(
                Field::Nonce,
                want.nonce.to_string(),
                got.nonce.to_string(),
            ));
        }
        if want.code != got.code {
            out.push(at(Field::CodeHash, code_hash(want), code_hash(got)));
        }
        let keys: BTreeSet<&Bytes32> = want.storage.keys().chain(got.storage.keys()).collect();
        let zero = Bytes32::default();
        for key in keys {
            let (w, g) = (
                want.storage.get(key).unwrap_or(&zero),
                got.storage.get(key).unwrap_or(&zero),
            );
            if w != g {
                out.push(at(Field::Storage(*key), word(w), word(g)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(accounts: &[(u8, Account)]) -> World {
        let mut world = World::default();
        for (at, account) in accounts {
            world.insert(Address([*at; 20]), account.clone());
        }
        world
    }

    #[test]
    fn each_differing_field_and_slot_is_listed_once() {
        let mut want = Account::with_balance(10u64.into());
        want.storage.insert(
            Bytes32::from_u256(1u64.into()),
            Bytes32::from_u256(2u64.into()),
        );
        want.storage.insert(
            Bytes32::from_u256(3u64.into()),
            Bytes32::from_u256(4u64.into()),
        );
        let mut got = want.clone();
        got.balance = 11u64.into();
        got.storage.insert(
            Bytes32::from_u256(1u64.into()),
            Bytes32::from_u256(5u64.into()),
        );
        got.code = std::sync::Arc::new(vec![0]);
        let expected = world(&[(1, want.clone()), (2, want)]);
        let actual = world(&[(1, got), (3, Account::default())]);
        let found = diff(&expected, &actual);
        let fields: Vec<(u8, &Field, &str, &str)> = found
            .iter()
            .map(|d| {
                (
                    d.address.0[0],
                    &d.field,
                    d.expected.as_str(),
                    d.actual.as_str(),
                )
            })
            .collect();
        assert_eq!(fields.len(), 5, "{found:#?}");
        assert_eq!(fields[0], (1, &Field::Balance, "0xa", "0xb"));
        assert_eq!(fields[1].1, &Field::CodeHash);
        assert_eq!(
            fields[2],
            (
                1,
                &Field::Storage(Bytes32::from_u256(1u64.into())),
                "0x2",
                "0x5"
            )
        );
        assert_eq!(
            (fields[3].0, fields[3].1, fields[3].3),
            (2, &Field::Presence, "absent")
        );
        assert_eq!((fields[4].0, fields[4].2), (3, "absent"));
    }

    #[test]
    fn equal_worlds_have_no_difference() {
        let w = world(&[(1, Account::with_balance(1u64.into()))]);
        assert!(diff(&w, &w.clone()).is_empty());
    }
}
