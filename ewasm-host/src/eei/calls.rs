//! The call family and `create`, step by step as Hera does them.

use super::{
    charge, check_static, fail, fit_u128, read, read_address, read_u128, write, Cx, EeiError, R,
};
use crate::gas;
use crate::types::{Address, CallKind, CallOutcome, Held, Message, Status, U256};

/// Which EEI call function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Call,
    CallCode,
    Delegate,
    Static,
}

pub(super) fn call(
    cx: Cx<'_, '_>,
    gas: i64,
    address: u32,
    value: u32,
    data: u32,
    len: u32,
) -> R<i32> {
    call_any(cx, Flavour::Call, gas, address, Some(value), data, len)
}

pub(super) fn call_code(
    cx: Cx<'_, '_>,
    gas: i64,
    address: u32,
    value: u32,
    data: u32,
    len: u32,
) -> R<i32> {
    call_any(cx, Flavour::CallCode, gas, address, Some(value), data, len)
}

pub(super) fn call_delegate(cx: Cx<'_, '_>, gas: i64, address: u32, data: u32, len: u32) -> R<i32> {
    call_any(cx, Flavour::Delegate, gas, address, None, data, len)
}

pub(super) fn call_static(cx: Cx<'_, '_>, gas: i64, address: u32, data: u32, len: u32) -> R<i32> {
    call_any(cx, Flavour::Static, gas, address, None, data, len)
}

/// All but one 64th of `left`.
fn all_but_one_64th(left: u64) -> u64 {
    left - left / 64
}

/// The balance of the current account, which must fit 128 bits.
fn own_balance(cx: &mut Cx<'_, '_>) -> R<U256> {
    let recipient = cx.data().message.recipient;
    let balance = cx.data_mut().host.get_balance(&recipient);
    fit_u128(balance)?;
    Ok(balance)
}

/// The callee's answer held to the rules, and the gas it gives back as
/// fuel. A callee gives back at most the gas it was given (`given`: the
/// forwarded gas and any stipend), never a negative amount, and nothing
/// unless it succeeded or reverted (EVMC: `gas_left` is 0 for any other
/// status, so what a failure claims is ignored).
///
/// A host that answers a negative `gas_left`, or more than `given`, breaks
/// the rules: evmone would add whatever the host answers to its own gas
/// and mint the difference. Here its answer becomes a failed call
/// ([`CallOutcome::failure`]: result 1, no return data, no create address)
/// that gives nothing back, so the caller loses the forwarded gas, as for
/// any failed call, and no gas is ever created.
fn held_to_rules(outcome: CallOutcome, given: u64) -> (CallOutcome, u64) {
    match gas::to_fuel(outcome.gas_left) {
        Some(left) if left <= given => {
            let refund = if outcome.status.keeps_gas() { left } else { 0 };
            (outcome, refund)
        }
        _ => (CallOutcome::failure(), 0),
    }
}

/// Runs the message, takes its output as the return data, gives back its
/// unused gas (at most `message.gas`, see [`held_to_rules`]), and maps its
/// status to 0 (success), 1 (failure), 2 (revert).
fn run(cx: &mut Cx<'_, '_>, message: Message) -> R<(i32, Option<Address>)> {
    let Some(given) = gas::to_fuel(message.gas) else {
        return fail(EeiError::Internal("a message with negative gas"));
    };
    let site = cx.data().call_sites.clone().zip(cx.profile_stack());
    if let Some((sites, stack)) = &site {
        sites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(stack.clone());
    }
    let outcome = call_holding(cx, &message);
    if let Some((sites, _)) = &site {
        sites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
    }
    let (outcome, refund) = held_to_rules(outcome, given);
    cx.add_fuel(refund);
    // The Iris model prices the return data the caller now holds.
    charge_data(cx, outcome.output.len())?;
    let code = match outcome.status {
        Status::Success => 0,
        Status::Revert => 2,
        _ => 1,
    };
    let address = outcome.create_address.filter(|_| code == 0);
    cx.data_mut().return_data = outcome.output;
    Ok((code, address))
}

/// Runs `message` on the host, with this frame's memory and table
/// elements counted as held below the nested execution while it runs.
fn call_holding(cx: &mut Cx<'_, '_>, message: &Message) -> CallOutcome {
    let (pages_left, elements_left) = cx.store().growth_left();
    let data = cx.data_mut();
    // The return data of the last call is held too, beside the memory.
    let returned = Held::pages_for(data.return_data.len());
    let used = Held {
        pages: data
            .allowance
            .pages
            .saturating_sub(pages_left)
            .saturating_add(returned),
        elements: data.allowance.elements.saturating_sub(elements_left),
    };
    let below = data.held_below;
    if let Some(held) = data.host.held() {
        *held = Held {
            pages: below.pages.saturating_add(used.pages),
            elements: below.elements.saturating_add(used.elements),
        };
    }
    let outcome = data.host.call(message);
    if let Some(held) = data.host.held() {
        *held = below;
    }
    outcome
}

/// Charges for `bytes` of call data or return data at the call site:
/// [`gas::COPY_WORD`] per 32-byte word in the Iris gas model, nothing
/// otherwise.
fn charge_data(cx: &mut Cx<'_, '_>, bytes: usize) -> R<()> {
    if !cx.data().price_data {
        return Ok(());
    }
    let words = (bytes as u64).div_ceil(32);
    charge(cx, gas::COPY_WORD.saturating_mul(words))
}

#[allow(clippy::too_many_arguments)]
fn call_any(
    mut cx: Cx<'_, '_>,
    flavour: Flavour,
    gas: i64,
    address: u32,
    value: Option<u32>,
    data: u32,
    len: u32,
) -> R<i32> {
    let Some(gas) = gas::to_fuel(gas) else {
        return fail(EeiError::ArgumentOutOfRange);
    };
    let target = read_address(&cx, address)?;
    let current = cx.data().message.clone();
    let value = match value {
        Some(pointer) => read_u128(&cx, pointer)?,
        None => U256::zero(),
    };
    if flavour == Flavour::Call && !value.is_zero() {
        check_static(&cx)?;
    }
    let input = if len > 0 {
        read(&cx, data, len)?
    } else {
        Vec::new()
    };
    charge(&mut cx, gas::CALL)?;
    charge_data(&mut cx, input.len())?;
    if current.depth >= gas::MAX_DEPTH {
        return Ok(1);
    }
    let transfers = matches!(flavour, Flavour::Call | Flavour::CallCode) && !value.is_zero();
    if transfers {
        charge(&mut cx, gas::VALUE_TRANSFER)?;
        if own_balance(&mut cx)? < value {
            return Ok(1);
        }
        if flavour == Flavour::Call && !cx.data_mut().host.account_exists(&target) {
            charge(&mut cx, gas::CALL_NEW_ACCOUNT)?;
        }
    }
    let forwarded = gas.min(all_but_one_64th(cx.fuel()));
    charge(&mut cx, forwarded)?;
    let (kind, recipient, sender, value, is_static) = match flavour {
        Flavour::Call => (
            CallKind::Call,
            target,
            current.recipient,
            value,
            current.is_static,
        ),
        Flavour::CallCode => (
            CallKind::CallCode,
            current.recipient,
            current.recipient,
            value,
            current.is_static,
        ),
        Flavour::Delegate => (
            CallKind::DelegateCall,
            current.recipient,
            current.sender,
            current.value,
            current.is_static,
        ),
        Flavour::Static => (
            CallKind::Call,
            target,
            current.recipient,
            U256::zero(),
            true,
        ),
    };
    // The stipend goes only with a value transfer, whose 9,000 was
    // charged above, so a call never gives back more than it cost. Not
    // with a delegate call's inherited value, as Hera did: that stipend
    // was never paid for, so a frame with value gained 1,600 gas per
    // callDelegate to an empty account (EVM DELEGATECALL has no stipend).
    let stipend = if transfers { gas::CALL_STIPEND } else { 0 };
    let Some(given) = forwarded.checked_add(stipend).and_then(gas::to_gas) else {
        return fail(EeiError::Internal("forwarded gas above i64::MAX"));
    };
    let message = Message {
        kind,
        is_static,
        depth: current.depth + 1,
        gas: given,
        recipient,
        sender,
        input,
        value,
        code_address: target,
    };
    Ok(run(&mut cx, message)?.0)
}

pub(super) fn create(mut cx: Cx<'_, '_>, value: u32, data: u32, len: u32, result: u32) -> R<i32> {
    charge(&mut cx, gas::CREATE)?;
    check_static(&cx)?;
    let value = read_u128(&cx, value)?;
    let current = cx.data().message.clone();
    if current.depth >= gas::MAX_DEPTH {
        return Ok(1);
    }
    if own_balance(&mut cx)? < value {
        return Ok(1);
    }
    let init_code = read(&cx, data, len)?;
    charge_data(&mut cx, init_code.len())?;
    let forwarded = all_but_one_64th(cx.fuel());
    charge(&mut cx, forwarded)?;
    let Some(given) = gas::to_gas(forwarded) else {
        return fail(EeiError::Internal("forwarded gas above i64::MAX"));
    };
    let message = Message {
        kind: CallKind::Create,
        is_static: false,
        depth: current.depth + 1,
        gas: given,
        recipient: Address::default(),
        sender: current.recipient,
        input: init_code,
        value,
        code_address: Address::default(),
    };
    let (code, address) = run(&mut cx, message)?;
    if code == 0 {
        cx.data_mut().return_data.clear();
        if let Some(address) = address {
            write(&mut cx, result, &address.0)?;
        }
    }
    Ok(code)
}
