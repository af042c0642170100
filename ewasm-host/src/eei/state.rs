//! Storage, balances, logs and the ends of execution.

use engine::{Trap, TrapCode};

use crate::Bytes32;

use super::{
    access_account, access_slot, add_refund, charge, check_static, fail, memory_error, read,
    read_address, read_bytes32, schedule, write, write_u128, Cx, EeiError, Halt, R,
};

pub(super) fn get_external_balance(mut cx: Cx<'_, '_>, address: u32, result: u32) -> R<()> {
    let warm = schedule(&cx).balance;
    charge(&mut cx, warm)?;
    let address = read_address(&cx, address)?;
    access_account(&mut cx, &address, warm)?;
    let balance = cx.data_mut().host.get_balance(&address);
    write_u128(&mut cx, result, balance)
}

pub(super) fn storage_load(mut cx: Cx<'_, '_>, key: u32, result: u32) -> R<()> {
    let warm = schedule(&cx).storage_load;
    charge(&mut cx, warm)?;
    let key = read_bytes32(&cx, key)?;
    access_slot(&mut cx, &key, warm)?;
    let recipient = cx.data().message.recipient;
    let value = cx.data_mut().host.get_storage(&recipient, &key);
    write(&mut cx, result, &value.0)
}

/// SSTORE: the least a write costs is charged first (Byzantium: 5,000),
/// the rest once the host answers what the write did
/// ([`StoragePrices::cost`](crate::StoragePrices::cost)); from Berlin a
/// cold slot costs the cold price on top. From Istanbul a frame with no
/// more than the stipend left cannot write (EIP-2200's sentry). A static
/// frame fails first, before the sentry or any charge, as in evmone and
/// revm (a static-mode violation, not out of gas).
pub(super) fn storage_store(mut cx: Cx<'_, '_>, key: u32, value: u32) -> R<()> {
    let prices = schedule(&cx).storage;
    check_static(&cx)?;
    if prices.sentry.is_some_and(|sentry| cx.fuel() <= sentry) {
        return Err(Trap::from(TrapCode::OutOfFuel));
    }
    let minimum = prices.minimum();
    charge(&mut cx, minimum)?;
    let key = read_bytes32(&cx, key)?;
    let value = read_bytes32(&cx, value)?;
    access_slot(&mut cx, &key, 0)?;
    let recipient = cx.data().message.recipient;
    let status = cx.data_mut().host.set_storage(&recipient, &key, &value);
    let (cost, refund) = prices.cost(status);
    charge(&mut cx, cost.saturating_sub(minimum))?;
    add_refund(&mut cx, refund);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn log(
    mut cx: Cx<'_, '_>,
    data: u32,
    len: u32,
    topics: u32,
    t1: u32,
    t2: u32,
    t3: u32,
    t4: u32,
) -> R<()> {
    let schedule = schedule(&cx);
    // Hera computes the topic price in 32-bit arithmetic.
    let topic_price = u32::try_from(schedule.log_topic).unwrap_or(u32::MAX);
    let topic_cost = u64::from(topic_price.wrapping_mul(topics));
    let data_cost = schedule.log_data.saturating_mul(u64::from(len));
    charge(
        &mut cx,
        schedule
            .log
            .saturating_add(topic_cost)
            .saturating_add(data_cost),
    )?;
    check_static(&cx)?;
    if topics > 4 {
        return fail(EeiError::ContractValidation(
            "log with more than four topics",
        ));
    }
    let mut words = [Bytes32::default(); 4];
    // At most four: checked above.
    let words = &mut words[..topics as usize];
    for (word, pointer) in words.iter_mut().zip([t1, t2, t3, t4]) {
        *word = read_bytes32(&cx, pointer)?;
    }
    // The data goes to the host straight from memory, borrowed beside it.
    let (memory, ctx) = cx.memory_and_data();
    let start = data as usize;
    let Some(bytes) = memory.get(start..start.saturating_add(len as usize)) else {
        return Err(memory_error(&cx, data, len as usize));
    };
    let recipient = ctx.message.recipient;
    ctx.host.emit_log(&recipient, bytes, words);
    Ok(())
}

pub(super) fn finish(mut cx: Cx<'_, '_>, data: u32, len: u32) -> R<()> {
    let output = read(&cx, data, len)?;
    cx.data_mut().frame.output = output;
    Err(Trap::halt(&Halt::Finish))
}

pub(super) fn revert(mut cx: Cx<'_, '_>, data: u32, len: u32) -> R<()> {
    let output = read(&cx, data, len)?;
    cx.data_mut().frame.output = output;
    Err(Trap::halt(&Halt::Revert))
}

/// SELFDESTRUCT: a beneficiary that does not exist costs the new account
/// price (from Constantinople only when there is a balance to move, as
/// EIP-161 has it; at Byzantium always, as Hera did); from Berlin a cold
/// beneficiary costs the cold account price on top. The first
/// self-destruct of an account in a transaction earns the revision's
/// refund (none from London).
pub(super) fn self_destruct(mut cx: Cx<'_, '_>, beneficiary: u32) -> R<()> {
    let schedule = schedule(&cx);
    charge(&mut cx, schedule.self_destruct)?;
    check_static(&cx)?;
    let beneficiary = read_address(&cx, beneficiary)?;
    access_account(&mut cx, &beneficiary, 0)?;
    let recipient = cx.data().message.recipient;
    let moves_value = !schedule.self_destruct_new_account_needs_balance
        || !cx.data_mut().host.get_balance(&recipient).is_zero();
    if moves_value && !cx.data_mut().host.account_exists(&beneficiary) {
        charge(&mut cx, schedule.new_account)?;
    }
    if cx.data_mut().host.selfdestruct(&recipient, &beneficiary) {
        add_refund(&mut cx, schedule.self_destruct_refund);
    }
    Err(Trap::halt(&Halt::SelfDestruct))
}
