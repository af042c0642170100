//! The call family and `create`, step by step as Hera does them.

use engine::{Trap, TrapCode};

use super::{
    access_account, add_refund, charge, check_static, fail, fit_u128, read, read_address,
    read_u128, schedule, write, Cx, EeiError, R,
};
use crate::gas::{self, Gas};
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

/// The gas left in the frame.
fn gas_left(cx: &Cx<'_, '_>) -> R<Gas> {
    match Gas::from_fuel(cx.fuel()) {
        Some(left) => Ok(left),
        None => fail(EeiError::Internal("gas left above i64::MAX")),
    }
}

/// The length of an EIP-7702 delegation designation: `0xef0100` and an
/// address.
const DESIGNATION: usize = 23;

/// From Prague: the account `target`'s code delegates to, if its code is an
/// EIP-7702 designation (whose code a call to it runs).
fn delegate(cx: &mut Cx<'_, '_>, target: &Address) -> R<Option<Address>> {
    if !schedule(cx).delegation {
        return Ok(None);
    }
    let mut designation = [0u8; DESIGNATION];
    let copied = cx.data_mut().host.copy_code(target, 0, &mut designation);
    if copied != DESIGNATION || designation[..3] != [0xef, 0x01, 0x00] {
        return Ok(None);
    }
    let mut delegate = [0u8; 20];
    delegate.copy_from_slice(&designation[3..]);
    Ok(Some(Address(delegate)))
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
fn held_to_rules(outcome: CallOutcome, given: Gas) -> (CallOutcome, Gas) {
    match Gas::from_evmc(outcome.gas_left) {
        Some(left) if left <= given => {
            let back = if outcome.status.keeps_gas() {
                left
            } else {
                Gas::ZERO
            };
            (outcome, back)
        }
        _ => (CallOutcome::failure(), Gas::ZERO),
    }
}

/// Runs the message, takes its output as the return data, gives back its
/// unused gas (at most `message.gas`, see [`held_to_rules`]), and maps its
/// status to 0 (success), 1 (failure), 2 (revert). A successful callee's
/// refund joins this frame's.
fn run(cx: &mut Cx<'_, '_>, message: Message) -> R<(i32, Option<Address>)> {
    let Some(given) = Gas::from_evmc(message.gas) else {
        return fail(EeiError::Internal("a message with negative gas"));
    };
    // The observer, if any, learns where the call is made (the profile's
    // stack, when profiling) and when it is back.
    if cx.data_mut().host.observer().is_some() {
        let site = cx.profile_stack().unwrap_or_default();
        if let Some(observer) = cx.data_mut().host.observer() {
            observer.call_out(&site);
        }
    }
    let outcome = call_holding(cx, &message);
    if let Some(observer) = cx.data_mut().host.observer() {
        observer.call_back();
    }
    let (outcome, back) = held_to_rules(outcome, given);
    cx.add_fuel(back.fuel());
    if outcome.status == Status::Success {
        add_refund(cx, outcome.gas_refund);
    }
    // The Iris model prices the return data the caller now holds.
    charge_data(cx, outcome.output.len())?;
    let code = match outcome.status {
        Status::Success => 0,
        Status::Revert => 2,
        _ => 1,
    };
    let address = outcome.create_address.filter(|_| code == 0);
    cx.data_mut().frame.return_data = outcome.output;
    Ok((code, address))
}

/// Runs `message` on the host, with this frame's memory and table
/// elements counted as held below the nested execution while it runs.
fn call_holding(cx: &mut Cx<'_, '_>, message: &Message) -> CallOutcome {
    let (pages_left, elements_left) = cx.store().growth_left();
    let data = cx.data_mut();
    // The return data of the last call is held too, beside the memory.
    let returned = Held::pages_for(data.frame.return_data.len());
    let used = Held {
        pages: data
            .frame
            .allowance
            .pages
            .saturating_sub(pages_left)
            .saturating_add(returned),
        elements: data.frame.allowance.elements.saturating_sub(elements_left),
    };
    let below = data.frame.held_below;
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
    charge(cx, gas::per_word(gas::COPY_WORD, bytes))
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
    let Some(gas) = Gas::from_evmc(gas) else {
        return fail(EeiError::ArgumentOutOfRange);
    };
    let schedule = schedule(&cx);
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
    charge(&mut cx, schedule.call)?;
    access_account(&mut cx, &target, schedule.call)?;
    let (code_address, delegated) = match delegate(&mut cx, &target)? {
        Some(delegate) => {
            charge(&mut cx, schedule.call)?;
            access_account(&mut cx, &delegate, schedule.call)?;
            (delegate, true)
        }
        None => (target, false),
    };
    charge_data(&mut cx, input.len())?;
    let transfers = matches!(flavour, Flavour::Call | Flavour::CallCode) && !value.is_zero();
    let stipend = if transfers { schedule.call_stipend } else { 0 };
    if schedule.hera_call_order {
        if current.depth >= gas::MAX_DEPTH {
            return Ok(1);
        }
        if transfers {
            charge(&mut cx, schedule.value_transfer)?;
            if own_balance(&mut cx)? < value {
                return Ok(1);
            }
            if flavour == Flavour::Call && !cx.data_mut().host.account_exists(&target) {
                charge(&mut cx, schedule.new_account)?;
            }
        }
    } else {
        // The EVM's order: the value transfer and the new account are
        // paid before the depth and balance checks, and a call that fails
        // them keeps the stipend (less than the transfer's price, so
        // the frame still pays).
        if transfers {
            charge(&mut cx, schedule.value_transfer)?;
            if flavour == Flavour::Call && !cx.data_mut().host.account_exists(&target) {
                charge(&mut cx, schedule.new_account)?;
            }
        }
        // The last call's return data is gone even if this one fails the
        // checks (evmone and revm clear it first; Hera kept it).
        cx.data_mut().frame.return_data.clear();
        if current.depth >= gas::MAX_DEPTH || (transfers && own_balance(&mut cx)? < value) {
            cx.add_fuel(stipend);
            return Ok(1);
        }
    }
    let forwarded = gas.min(gas_left(&cx)?.all_but_one_64th());
    charge(&mut cx, forwarded.fuel())?;
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
    let Some(given) = Gas::new(stipend).and_then(|stipend| forwarded.checked_add(stipend)) else {
        return fail(EeiError::Internal("forwarded gas above i64::MAX"));
    };
    let message = Message {
        kind,
        is_static,
        depth: current.depth + 1,
        gas: given.to_evmc(),
        recipient,
        sender,
        input: input.into(),
        value,
        code_address,
        // The host then runs the delegate's code, never a precompile at
        // its address (evmone's EVMC_DELEGATED).
        delegated,
    };
    Ok(run(&mut cx, message)?.0)
}

/// CREATE: from Shanghai, init code costs a price per word and init code
/// over the limit fails the frame out of gas (EIP-3860), both before the
/// depth and balance checks, as in the EVM. From Constantinople the last
/// call's return data is cleared before those checks, as the EVM does
/// (Byzantium keeps Hera's: a create failing them leaves it).
pub(super) fn create(mut cx: Cx<'_, '_>, value: u32, data: u32, len: u32, result: u32) -> R<i32> {
    let schedule = schedule(&cx);
    charge(&mut cx, schedule.create)?;
    check_static(&cx)?;
    if schedule
        .max_init_code_size
        .is_some_and(|max| len as usize > max)
    {
        return Err(Trap::from(TrapCode::OutOfFuel));
    }
    charge(
        &mut cx,
        gas::per_word(schedule.init_code_word, len as usize),
    )?;
    let value = read_u128(&cx, value)?;
    let current = cx.data().message.clone();
    if !schedule.hera_call_order {
        // As for a call: cleared before the checks, from Constantinople.
        cx.data_mut().frame.return_data.clear();
    }
    if current.depth >= gas::MAX_DEPTH {
        return Ok(1);
    }
    if own_balance(&mut cx)? < value {
        return Ok(1);
    }
    let init_code = read(&cx, data, len)?;
    charge_data(&mut cx, init_code.len())?;
    let forwarded = gas_left(&cx)?.all_but_one_64th();
    charge(&mut cx, forwarded.fuel())?;
    let message = Message {
        kind: CallKind::Create,
        is_static: false,
        depth: current.depth + 1,
        gas: forwarded.to_evmc(),
        recipient: Address::default(),
        sender: current.recipient,
        input: init_code.into(),
        value,
        code_address: Address::default(),
        delegated: false,
    };
    let (code, address) = run(&mut cx, message)?;
    if code == 0 {
        cx.data_mut().frame.return_data.clear();
        if let Some(address) = address {
            write(&mut cx, result, &address.0)?;
        }
    }
    Ok(code)
}
