//! The account-access family: getExternalBalance / BALANCE,
//! getExternalCodeSize / EXTCODESIZE, externalCodeCopy / EXTCODECOPY and
//! the call family (call / CALL, callCode / CALLCODE, callDelegate /
//! DELEGATECALL, callStatic / STATICCALL), each to accounts that exist or
//! not, cold or warm, with value or not, and in a static frame.

use revm::primitives::hardfork::SpecId;
use revm::primitives::Address;

use super::harness::{
    Action, CallKind, Case, Value, COINBASE, CONTRACT, DELEGATED, EMPTY, EOA, IDENTITY, MISSING,
    STOPPER,
};

/// The accounts named, as the situation says them: an account with a
/// balance, a dead one (empty, or none), code, a precompile (warm from
/// Berlin), the coinbase (warm from Shanghai) and, from Prague, an
/// EIP-7702 delegation to [`STOPPER`].
fn accounts(spec: SpecId) -> Vec<(Address, &'static str)> {
    let mut accounts = vec![
        (EOA, "an account with a balance"),
        (EMPTY, "an empty account"),
        (MISSING, "no account"),
        (STOPPER, "a contract"),
        (IDENTITY, "a precompile"),
        (COINBASE, "the coinbase (no account)"),
    ];
    if spec >= SpecId::PRAGUE {
        accounts.push((DELEGATED, "an EIP-7702 delegated account"));
    }
    accounts
}

/// `account` cold, then warm (accessed before by a BALANCE). "Cold" means
/// not accessed before in the transaction: a precompile (from Berlin) and
/// the coinbase (from Shanghai) are warm all the same.
fn cold_and_warm(account: Address) -> [(&'static str, Vec<Action>); 2] {
    [("cold", vec![]), ("warm", vec![Action::Balance(account)])]
}

/// The getters of another account: BALANCE, EXTCODESIZE and EXTCODECOPY.
fn inspections(spec: SpecId) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut targets = accounts(spec);
    targets.push((CONTRACT, "the current account"));
    for &(target, name) in &targets {
        for (warmth, warm_up) in cold_and_warm(target) {
            let situation = format!("{name}, {warmth}");
            cases.push(Case::new(
                situation.clone(),
                warm_up.clone(),
                Action::Balance(target),
            ));
            cases.push(Case::new(
                situation.clone(),
                warm_up.clone(),
                Action::ExtCodeSize(target),
            ));
            // A copy within the code (the EEI copies no padding): empty
            // for every account, and from the contract's 64 bytes or the
            // delegation's 23 as much as they hold.
            let lens: &[(u32, u32)] = match target {
                STOPPER => &[(0, 0), (0, 1), (0, 31), (0, 32), (0, 33), (0, 64), (10, 54)],
                DELEGATED => &[(0, 0), (0, 23)],
                _ => &[(0, 0)],
            };
            for &(offset, len) in lens {
                cases.push(Case::new(
                    format!("{situation}, {len} bytes from {offset}"),
                    warm_up.clone(),
                    Action::ExtCodeCopy {
                        address: target,
                        offset,
                        len,
                    },
                ));
            }
        }
    }
    let static_balance = Case::new(
        "an account with a balance, cold",
        vec![],
        Action::Balance(EOA),
    );
    cases.push(static_balance.in_static_frame());
    cases
}

/// The warm-ups of a call to `target`: itself cold or warm and, for a
/// delegation, its delegate cold or warm too (from Prague a call pays an
/// access to the delegate whose code it runs).
fn call_warmths(target: Address) -> Vec<(String, Vec<Action>)> {
    let mut warmths: Vec<(String, Vec<Action>)> = cold_and_warm(target)
        .into_iter()
        .map(|(warmth, warm_up)| (warmth.to_owned(), warm_up))
        .collect();
    if target == DELEGATED {
        warmths = warmths
            .into_iter()
            .flat_map(|(warmth, warm_up)| {
                let mut warm_delegate = warm_up.clone();
                warm_delegate.push(Action::Balance(STOPPER));
                [
                    (format!("{warmth}, its delegate cold"), warm_up),
                    (format!("{warmth}, its delegate warm"), warm_delegate),
                ]
            })
            .collect();
    }
    warmths
}

/// The call family: every kind to every account, cold or warm, with and
/// without value where the kind sends one, a value over the balance, and
/// in a static frame.
fn calls(spec: SpecId) -> Vec<Case> {
    let mut cases = Vec::new();
    for kind in CallKind::ALL {
        let values: &[Value] = if kind.sends_value() {
            &[Value::Zero, Value::One]
        } else {
            &[Value::Zero]
        };
        for &(target, name) in &accounts(spec) {
            for (warmth, warm_up) in call_warmths(target) {
                for &value in values {
                    let situation = if kind.sends_value() {
                        format!("{name}, {warmth}, {value}")
                    } else {
                        format!("{name}, {warmth}")
                    };
                    cases.push(Case::new(
                        situation,
                        warm_up.clone(),
                        Action::Call {
                            kind,
                            address: target,
                            value,
                        },
                    ));
                }
            }
        }
        if kind.sends_value() {
            // The transfer fails the balance check: the EVM has paid for
            // the transfer (and a new account) and gives the stipend back.
            for (target, name) in [(EOA, "an account with a balance"), (MISSING, "no account")] {
                cases.push(Case::new(
                    format!("{name}, cold, {}", Value::OverBalance),
                    vec![],
                    Action::Call {
                        kind,
                        address: target,
                        value: Value::OverBalance,
                    },
                ));
            }
        }
        // In a static frame: a call with value fails (CALL only: CALLCODE
        // sends the value to the current account), any other runs.
        for &value in values {
            let situation = if kind.sends_value() {
                format!("a contract, cold, {value}")
            } else {
                "a contract, cold".to_owned()
            };
            let call = Action::Call {
                kind,
                address: STOPPER,
                value,
            };
            cases.push(Case::new(situation, vec![], call).in_static_frame());
        }
    }
    cases
}

/// The cases at `spec`.
pub(crate) fn cases(spec: SpecId) -> Vec<Case> {
    let mut cases = inspections(spec);
    cases.extend(calls(spec));
    cases
}
