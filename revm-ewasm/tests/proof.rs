//! The proof against revm's EVM: for every EEI function with an EVM
//! counterpart, at every revision from Byzantium to Osaka, in each
//! situation that changes the price (cold or warm account or slot, every
//! row of EIP-2200's table, value or not, existing or new account, static
//! frame), the gas Iris charges is the gas revm's EVM charges for the
//! counterpart opcode in the same state.
//!
//! Each situation is built twice in revm's in-memory database; an EVM
//! contract does the opcode in one, a Wasm contract the EEI call in the
//! other, and each side's cost of the operation alone is measured by
//! running its contract with and without it (see `proof/harness.rs`).
//! Byzantium keeps three of Hera's prices on purpose (decision 0003);
//! those situations are reported apart, checked to differ, and excluded.
//!
//! `cargo test --release -p revm-ewasm --test proof -- --nocapture`
//! prints the table of situations compared; with `PROOF_ALL=1` set, every
//! situation with both prices.

#[path = "proof/accounts.rs"]
mod accounts;
#[path = "proof/harness.rs"]
mod harness;
#[path = "proof/rest.rs"]
mod rest;
#[path = "proof/storage.rs"]
mod storage;

use revm::primitives::hardfork::SpecId;

use harness::{
    measure, trusted_executor, Action, CallKind, Case, Cost, Proof, Value, World, MISSING,
};

/// Every family's cases at `spec`.
fn cases(spec: SpecId) -> Vec<Case> {
    let mut cases = storage::cases(spec);
    cases.extend(accounts::cases(spec));
    cases.extend(rest::cases(spec));
    cases
}

#[test]
fn every_eei_function_costs_what_revm_s_evm_charges_for_its_opcode() {
    let proof = Proof::run(cases);
    if std::env::var_os("PROOF_ALL").is_some() {
        for line in &proof.lines {
            println!("{line}");
        }
    }
    println!("Situations compared, per EEI function and revision:\n");
    println!("{}", proof.table());
    println!(
        "Intended differences (Byzantium, Hera's; excluded): {}",
        proof.intended.len()
    );
    for line in &proof.intended {
        println!("  {line}");
    }
    println!("Mismatches: {}", proof.mismatches.len());
    for line in &proof.mismatches {
        println!("  {line}");
    }
    assert!(
        proof.stale_exclusions.is_empty(),
        "excluded, but equal: {:#?}",
        proof.stale_exclusions
    );
    assert!(
        proof.mismatches.is_empty(),
        "{} mismatches:\n{}",
        proof.mismatches.len(),
        proof.mismatches.join("\n")
    );
}

#[test]
fn the_harness_measures_each_side_s_price_of_the_operation_alone() {
    let executor = trusted_executor();
    let holding_1 = World {
        storage: vec![(1, 1)],
        ..World::default()
    };
    let charged = |gas, refund| Cost::Charged { gas, refund };
    let both = |cost: Cost| (cost, cost);
    let load = Action::Load(1);
    let clear = Action::Store { key: 1, value: 0 };
    let cold_load = Case::new("cold", vec![], load).in_world(holding_1.clone());
    let warm_load = Case::new("warm", vec![load], load).in_world(holding_1.clone());
    let cold_clear = Case::new("cold", vec![], clear).in_world(holding_1.clone());
    let set = Case::new(
        "zero to non-zero",
        vec![],
        Action::Store { key: 2, value: 1 },
    );
    // Byzantium: SLOAD 200, SSTORE of a zero slot 20,000, a cleared slot
    // 15,000 back.
    assert_eq!(
        measure(&executor, SpecId::BYZANTIUM, &cold_load),
        both(charged(200, 0))
    );
    assert_eq!(
        measure(&executor, SpecId::BYZANTIUM, &set),
        both(charged(20_000, 0))
    );
    assert_eq!(
        measure(&executor, SpecId::BYZANTIUM, &cold_clear),
        both(charged(5_000, 15_000))
    );
    // Istanbul: SLOAD 800 (EIP-1884).
    assert_eq!(
        measure(&executor, SpecId::ISTANBUL, &warm_load),
        both(charged(800, 0))
    );
    // Berlin: 2,100 cold, 100 warm (EIP-2929).
    assert_eq!(
        measure(&executor, SpecId::BERLIN, &cold_load),
        both(charged(2_100, 0))
    );
    assert_eq!(
        measure(&executor, SpecId::BERLIN, &warm_load),
        both(charged(100, 0))
    );
    // London: a cold clear, 2,100 + 2,900 with 4,800 back (EIP-3529).
    assert_eq!(
        measure(&executor, SpecId::LONDON, &cold_clear),
        both(charged(5_000, 4_800))
    );
    // A write in a static frame fails on both sides.
    assert_eq!(
        measure(&executor, SpecId::CANCUN, &cold_clear.in_static_frame()),
        both(Cost::Fails)
    );
    // Berlin: a call with value to a cold account that does not exist:
    // 2,600 + 9,000 + 25,000, less the 2,300 stipend the callee gives back.
    let call = Action::Call {
        kind: CallKind::Call,
        address: MISSING,
        value: Value::One,
    };
    assert_eq!(
        measure(&executor, SpecId::BERLIN, &Case::new("cold", vec![], call)),
        both(charged(34_300, 0))
    );
    // Byzantium keeps Hera's BLOCKHASH: 800 on Iris, 20 on the EVM.
    let block_hash = Case::new("previous", vec![], Action::BlockHash(299));
    assert_eq!(
        measure(&executor, SpecId::BYZANTIUM, &block_hash),
        (charged(800, 0), charged(20, 0))
    );
}
