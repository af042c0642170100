//! storageLoad / SLOAD and storageStore / SSTORE: a slot cold or warm,
//! and every original / current / new combination of EIP-2200's table.

use revm::primitives::hardfork::SpecId;

use super::harness::{Action, Case, World};

/// The slot every case reads or writes.
const KEY: u8 = 1;

/// [`crate::harness::CONTRACT`]'s slot [`KEY`] holding `value` at the
/// start of the transaction.
fn holding(value: u8) -> World {
    World {
        storage: vec![(KEY, value)],
        ..World::default()
    }
}

fn store(value: u8) -> Action {
    Action::Store { key: KEY, value }
}

/// The cases: the same at every revision (the prices differ).
pub(crate) fn cases(_spec: SpecId) -> Vec<Case> {
    let mut cases = Vec::new();
    let load = Action::Load(KEY);
    for original in [0, 1] {
        let world = holding(original);
        let slot = format!("a slot holding {original}");
        cases.push(Case::new(format!("{slot}, cold"), vec![], load).in_world(world.clone()));
        cases.push(
            Case::new(format!("{slot}, warm (loaded)"), vec![load], load).in_world(world.clone()),
        );
        cases.push(
            Case::new(format!("{slot}, warm (written)"), vec![store(2)], load)
                .in_world(world.clone()),
        );
    }
    cases.push(
        Case::new("a slot holding 1, cold", vec![], load)
            .in_world(holding(1))
            .in_static_frame(),
    );

    // EIP-2200's table (and EIP-1283's, Byzantium's and Petersburg's
    // rules for the same writes): the slot's value at the start of the
    // transaction, its value now (written before in the transaction when
    // it differs), the value written.
    for original in [0, 1] {
        let world = holding(original);
        for current in [0, 1, 2] {
            for new in [0, 1, 2, 3] {
                let row = format!("original {original}, current {current}, new {new}");
                let case = |situation: String, warm_up: Vec<Action>| {
                    Case::new(situation, warm_up, store(new)).in_world(world.clone())
                };
                if current == original {
                    cases.push(case(format!("{row}, cold"), vec![]));
                    cases.push(case(format!("{row}, warm"), vec![load]));
                    // Written away and back: clean again for EIP-2200.
                    let away = if original == 0 { 2 } else { 0 };
                    cases.push(case(
                        format!("{row} (restored), warm"),
                        vec![store(away), store(original)],
                    ));
                } else {
                    cases.push(case(format!("{row}, written before"), vec![store(current)]));
                }
            }
        }
    }
    for new in [1, 2] {
        cases.push(
            Case::new(
                format!("original 1, current 1, new {new}"),
                vec![],
                store(new),
            )
            .in_world(holding(1))
            .in_static_frame(),
        );
    }
    cases
}
