//! selfDestruct / SELFDESTRUCT, create / CREATE, log / LOG0-4, the copies
//! (callDataCopy, codeCopy, returnDataCopy), the simple getters and
//! getBlockHash / BLOCKHASH.

use revm::primitives::hardfork::SpecId;

use super::harness::{
    Action, CallKind, Case, Getter, Value, World, BLOCK_NUMBER, CALL_DATA_SIZE, COINBASE, CONTRACT,
    DELEGATED, DESTROYER, EMPTY, EOA, FUNDS, IDENTITY, MISSING, RETURNER, STOPPER,
};

/// [`CONTRACT`] holding `balance` wei.
fn funded(balance: u64) -> World {
    World {
        balance,
        ..World::default()
    }
}

/// SELFDESTRUCT to every kind of beneficiary, cold or warm, with a balance
/// to move or none; after the account was destroyed once already in the
/// transaction (no second refund); in a static frame.
fn self_destructs(spec: SpecId) -> Vec<Case> {
    let mut beneficiaries = vec![
        (EOA, "an account with a balance"),
        (EMPTY, "an empty account"),
        (MISSING, "no account"),
        (STOPPER, "a contract"),
        (IDENTITY, "a precompile"),
        (COINBASE, "the coinbase (no account)"),
    ];
    if spec >= SpecId::PRAGUE {
        beneficiaries.push((DELEGATED, "an EIP-7702 delegated account"));
    }
    let mut cases = Vec::new();
    for balance in [0, FUNDS] {
        let moves = if balance == 0 {
            "no balance"
        } else {
            "a balance"
        };
        for &(beneficiary, name) in &beneficiaries {
            let warmths = [
                ("cold", vec![]),
                ("warm", vec![Action::Balance(beneficiary)]),
            ];
            for (warmth, warm_up) in warmths {
                cases.push(
                    Case::new(
                        format!("{name}, {warmth}, {moves}"),
                        warm_up,
                        Action::SelfDestruct(beneficiary),
                    )
                    .in_world(funded(balance)),
                );
            }
        }
        cases.push(
            Case::new(
                format!("the current account, {moves}"),
                vec![],
                Action::SelfDestruct(CONTRACT),
            )
            .in_world(funded(balance)),
        );
        // Destroyed before, by a DELEGATECALL to code that self-destructs.
        let destroy = Action::Call {
            kind: CallKind::Delegate,
            address: DESTROYER,
            value: Value::Zero,
        };
        cases.push(
            Case::new(
                format!("an account with a balance, cold, {moves}, destroyed before"),
                vec![destroy],
                Action::SelfDestruct(EOA),
            )
            .in_world(funded(balance)),
        );
    }
    cases.push(
        Case::new(
            "an account with a balance, cold, a balance",
            vec![],
            Action::SelfDestruct(EOA),
        )
        .in_static_frame(),
    );
    cases
}

/// CREATE of init code that stops at once: lengths around a word and at
/// EIP-3860's limit and over it, with value or not, a value over the
/// balance, in a static frame.
fn creates() -> Vec<Case> {
    let mut cases = Vec::new();
    let create = |value, len| Action::Create { value, len };
    for len in [0, 1, 32, 33, 49_152, 49_153] {
        cases.push(Case::new(
            format!("{len} bytes of init code, no value"),
            vec![],
            create(Value::Zero, len),
        ));
    }
    for value in [Value::One, Value::OverBalance] {
        for len in [0, 33] {
            cases.push(Case::new(
                format!("{len} bytes of init code, {value}"),
                vec![],
                create(value, len),
            ));
        }
    }
    cases.push(
        Case::new(
            "33 bytes of init code, no value",
            vec![],
            create(Value::Zero, 33),
        )
        .in_static_frame(),
    );
    cases
}

/// LOG0 to LOG4 with data around a word; in a static frame.
fn logs() -> Vec<Case> {
    let mut cases = Vec::new();
    for topics in 0..=4 {
        for len in [0, 1, 32, 33] {
            cases.push(Case::new(
                format!("{topics} topics, {len} bytes"),
                vec![],
                Action::Log { topics, len },
            ));
        }
    }
    for (topics, len) in [(0, 0), (2, 32)] {
        cases.push(
            Case::new(
                format!("{topics} topics, {len} bytes"),
                vec![],
                Action::Log { topics, len },
            )
            .in_static_frame(),
        );
    }
    cases
}

/// The copies, of lengths around a word, within their source (the EEI
/// copies no padding): the call data (64 bytes), the code, and the 64
/// bytes [`RETURNER`] returned (or none, before any call).
fn copies() -> Vec<Case> {
    let ranges = [(0, 0), (0, 1), (0, 31), (0, 32), (0, 33), (0, 64), (16, 48)];
    let call_returner = Action::Call {
        kind: CallKind::Call,
        address: RETURNER,
        value: Value::Zero,
    };
    let mut cases = Vec::new();
    for (offset, len) in ranges {
        assert!(offset + len <= CALL_DATA_SIZE);
        let situation = format!("{len} bytes from {offset}");
        cases.push(Case::new(
            situation.clone(),
            vec![],
            Action::CallDataCopy { offset, len },
        ));
        cases.push(Case::new(
            situation.clone(),
            vec![],
            Action::CodeCopy { offset, len },
        ));
        cases.push(Case::new(
            format!("{situation} of 64 returned"),
            vec![call_returner],
            Action::ReturnDataCopy { offset, len },
        ));
    }
    cases.push(Case::new(
        "0 bytes from 0, before any call",
        vec![],
        Action::ReturnDataCopy { offset: 0, len: 0 },
    ));
    cases
}

/// Each getter; RETURNDATASIZE also after a call.
fn getters() -> Vec<Case> {
    let mut cases: Vec<Case> = Getter::ALL
        .into_iter()
        .map(|getter| Case::new("", vec![], Action::Get(getter)))
        .collect();
    let call_returner = Action::Call {
        kind: CallKind::Call,
        address: RETURNER,
        value: Value::Zero,
    };
    cases.push(Case::new(
        "after a call",
        vec![call_returner],
        Action::Get(Getter::ReturnDataSize),
    ));
    cases
}

/// BLOCKHASH of the previous block, the oldest in the window, the one
/// before it, the current block and block 0.
fn block_hashes() -> Vec<Case> {
    let oldest = BLOCK_NUMBER - 256;
    [
        (BLOCK_NUMBER - 1, "the previous block"),
        (oldest, "the oldest block in the window"),
        (oldest - 1, "a block before the window"),
        (BLOCK_NUMBER, "the current block"),
        (0, "block 0"),
    ]
    .into_iter()
    .map(|(number, name)| Case::new(name, vec![], Action::BlockHash(number)))
    .collect()
}

/// The cases at `spec`.
pub(crate) fn cases(spec: SpecId) -> Vec<Case> {
    let mut cases = self_destructs(spec);
    cases.extend(creates());
    cases.extend(logs());
    cases.extend(copies());
    cases.extend(getters());
    cases.extend(block_hashes());
    cases
}
