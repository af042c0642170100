//! The host interface a client offers a VM: each callback reaches the
//! client's [`EvmHost`] through the context pointer of the execution.

#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use evmc_abi::*;
use ewasm_host::{Address, Bytes32, CallKind, EvmHost, Outcome, Revision, U256};

/// What the host callbacks of one execution reach through its context
/// pointer: the client's host, and what the client keeps for the frame.
pub(crate) struct Frame<'h> {
    host: &'h mut dyn EvmHost,
    /// The revision the frame runs at: ABI 9's storage statuses and
    /// refunds depend on it.
    revision: Revision,
    /// The account the frame acts on. ABI 9: the storage context of the
    /// frame's call-code and delegate calls, whose message names only the
    /// code's account.
    account: evmc_address,
    /// ABI 9: the refund this client counts for the frame (its storage
    /// writes and first self-destructs at the frame's revision, plus its
    /// successful callees' refunds), since ABI 9 results have none and an
    /// ABI 9 host computes refunds itself.
    refund: i64,
}

impl<'h> Frame<'h> {
    /// The frame of an execution at `revision` acting on `account`.
    pub(crate) fn new(
        host: &'h mut dyn EvmHost,
        revision: Revision,
        account: evmc_address,
    ) -> Self {
        Self {
            host,
            revision,
            account,
            refund: 0,
        }
    }

    /// ABI 9: the refund counted for the frame.
    pub(crate) fn refund(&self) -> i64 {
        self.refund
    }

    /// ABI 9: adds to the frame's refund (an ABI 12 VM counts it).
    fn add_refund(&mut self, refund: i64) {
        if !RESULT_HAS_REFUND {
            self.refund = self.refund.saturating_add(refund);
        }
    }

    /// The prices of the frame's revision (`None` before Byzantium).
    fn schedule(&self) -> Option<&'static ewasm_host::Schedule> {
        ewasm_host::Schedule::of(self.revision)
    }
}

/// The frame behind a context pointer made by
/// [`LoadedVm::execute_evmc`](crate::LoadedVm::execute_evmc).
///
/// # Safety
///
/// `context` is the pointer `execute_evmc` passed, during that execution.
unsafe fn frame<'a>(context: *mut evmc_host_context) -> &'a mut Frame<'a> {
    // SAFETY: by the contract above it points at a live `Frame`.
    unsafe { &mut *context.cast::<Frame<'a>>() }
}

/// The host behind a context pointer made by
/// [`LoadedVm::execute_evmc`](crate::LoadedVm::execute_evmc).
///
/// # Safety
///
/// As [`frame`].
unsafe fn host<'a>(context: *mut evmc_host_context) -> &'a mut dyn EvmHost {
    // SAFETY: by the contract above.
    unsafe { &mut *frame(context).host }
}

/// Runs a callback body; a panic becomes `fallback` (no unwinding into C).
fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Reads an address argument.
///
/// # Safety
///
/// `p` is null or valid.
unsafe fn addr(p: *const evmc_address) -> Address {
    // SAFETY: by the contract above.
    unsafe { p.as_ref() }
        .map(convert::address)
        .unwrap_or_default()
}

/// Reads a 32-byte argument.
///
/// # Safety
///
/// `p` is null or valid.
unsafe fn word(p: *const evmc_bytes32) -> Bytes32 {
    // SAFETY: by the contract above.
    unsafe { p.as_ref() }
        .map(convert::bytes32)
        .unwrap_or_default()
}

unsafe extern "C" fn account_exists(c: *mut evmc_host_context, a: *const evmc_address) -> bool {
    // SAFETY: the VM passes back our context and valid pointers.
    guard(false, || unsafe { host(c).account_exists(&addr(a)) })
}

unsafe extern "C" fn get_storage(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    k: *const evmc_bytes32,
) -> evmc_bytes32 {
    guard(evmc_bytes32::default(), || {
        // SAFETY: as above.
        let value = unsafe { host(c).get_storage(&addr(a), &word(k)) };
        convert::evmc_bytes32(&value)
    })
}

unsafe extern "C" fn set_storage(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    k: *const evmc_bytes32,
    v: *const evmc_bytes32,
) -> i32 {
    guard(0, || {
        // SAFETY: the VM passes back our context and valid pointers.
        let frame = unsafe { frame(c) };
        // SAFETY: as above.
        let status = unsafe { frame.host.set_storage(&addr(a), &word(k), &word(v)) };
        let refund = frame.schedule().map_or(0, |s| s.storage.cost(status).1);
        frame.add_refund(refund);
        evmc_storage_status(status, frame.revision)
    })
}

unsafe extern "C" fn get_balance(
    c: *mut evmc_host_context,
    a: *const evmc_address,
) -> evmc_bytes32 {
    guard(evmc_bytes32::default(), || {
        // SAFETY: as above.
        let balance: U256 = unsafe { host(c).get_balance(&addr(a)) };
        convert::evmc_u256(&balance)
    })
}

unsafe extern "C" fn get_code_size(c: *mut evmc_host_context, a: *const evmc_address) -> usize {
    // SAFETY: as above.
    guard(0, || unsafe { host(c).get_code_size(&addr(a)) })
}

unsafe extern "C" fn get_code_hash(
    _c: *mut evmc_host_context,
    _a: *const evmc_address,
) -> evmc_bytes32 {
    // The EEI never asks for a code hash.
    evmc_bytes32::default()
}

unsafe extern "C" fn copy_code(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    offset: usize,
    data: *mut u8,
    size: usize,
) -> usize {
    if data.is_null() || size == 0 {
        return 0;
    }
    guard(0, || {
        // SAFETY: the VM's buffer holds `size` bytes.
        let buffer = unsafe { std::slice::from_raw_parts_mut(data, size) };
        // SAFETY: as above.
        unsafe { host(c).copy_code(&addr(a), offset, buffer) }
    })
}

/// ABI 12 answers the VM whether the account was destructed for the first
/// time; ABI 9 answers nothing, and the client counts the refund of a first
/// self-destruct itself.
unsafe extern "C" fn selfdestruct(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    b: *const evmc_address,
) -> evmc_selfdestruct_answer {
    let answer = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as above.
        let frame = unsafe { frame(c) };
        // SAFETY: as above.
        let first = unsafe { frame.host.selfdestruct(&addr(a), &addr(b)) };
        if first {
            let refund = frame.schedule().map_or(0, |s| s.self_destruct_refund);
            frame.add_refund(refund);
        }
        first
    }));
    selfdestruct_answer(answer.unwrap_or(false))
}

unsafe extern "C" fn call(c: *mut evmc_host_context, m: *const evmc_message) -> evmc_result {
    guard(
        to_result(Outcome::failed(ewasm_host::Status::InternalError)),
        || {
            // SAFETY: the VM's message is valid during the call.
            let Some(m) = (unsafe { m.as_ref() }) else {
                return to_result(Outcome::failed(ewasm_host::Status::InternalError));
            };
            // Borrowed for the call, as the VM lends it.
            let input: &[u8] = if m.input_data.is_null() || m.input_size == 0 {
                &[]
            } else {
                // SAFETY: EVMC: the input holds `input_size` bytes, valid
                // during the call.
                unsafe { std::slice::from_raw_parts(m.input_data, m.input_size) }
            };
            // Every kind the ABI has, whatever the revision.
            let kind = convert::call_kind(m.kind, Revision::LATEST).unwrap_or(CallKind::Call);
            let mut message = convert::message(m, kind, input);
            // SAFETY: as above.
            let frame = unsafe { frame(c) };
            // ABI 9: a call-code or delegate call names only the code's
            // account; it acts on the calling frame's.
            if ONE_DESTINATION && matches!(kind, CallKind::CallCode | CallKind::DelegateCall) {
                message.recipient = convert::address(&frame.account);
            }
            let outcome = frame.host.call(&message);
            // ABI 9: a successful callee's refund joins the frame's.
            if outcome.status == ewasm_host::Status::Success {
                frame.add_refund(outcome.gas_refund);
            }
            let mut result = to_result(Outcome {
                status: outcome.status,
                gas_left: outcome.gas_left,
                gas_refund: outcome.gas_refund,
                output: outcome.output.to_vec(),
                reason: None,
            });
            if let Some(address) = outcome.create_address {
                result.create_address = convert::evmc_address(&address);
            }
            result
        },
    )
}

unsafe extern "C" fn get_tx_context(c: *mut evmc_host_context) -> evmc_tx_context {
    let fallback = convert::evmc_tx_context(&Default::default());
    guard(fallback, || {
        // SAFETY: as above.
        let context = unsafe { host(c).get_tx_context() };
        convert::evmc_tx_context(&context)
    })
}

unsafe extern "C" fn get_block_hash(c: *mut evmc_host_context, number: i64) -> evmc_bytes32 {
    guard(evmc_bytes32::default(), || {
        // SAFETY: as above.
        let hash = unsafe { host(c).get_block_hash(number) };
        convert::evmc_bytes32(&hash)
    })
}

unsafe extern "C" fn emit_log(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    data: *const u8,
    size: usize,
    topics: *const evmc_bytes32,
    count: usize,
) {
    guard((), || {
        let data = if data.is_null() || size == 0 {
            &[][..]
        } else {
            // SAFETY: the log data holds `size` bytes.
            unsafe { std::slice::from_raw_parts(data, size) }
        };
        let topics: Vec<Bytes32> = if topics.is_null() || count == 0 {
            Vec::new()
        } else {
            // SAFETY: `count` topics.
            unsafe { std::slice::from_raw_parts(topics, count) }
                .iter()
                .map(convert::bytes32)
                .collect()
        };
        // SAFETY: as above.
        unsafe { host(c).emit_log(&addr(a), data, &topics) }
    })
}

unsafe extern "C" fn access_account(c: *mut evmc_host_context, a: *const evmc_address) -> i32 {
    guard(EVMC_ACCESS_COLD, || {
        // SAFETY: as above.
        convert::evmc_access_status(unsafe { host(c).access_account(&addr(a)) })
    })
}

unsafe extern "C" fn access_storage(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    k: *const evmc_bytes32,
) -> i32 {
    guard(EVMC_ACCESS_COLD, || {
        // SAFETY: as above.
        convert::evmc_access_status(unsafe { host(c).access_storage(&addr(a), &word(k)) })
    })
}

/// Transient storage (ABI 11 on) is no Ewasm state: writes vanish, reads
/// are zero.
unsafe extern "C" fn set_transient_storage(
    _c: *mut evmc_host_context,
    _a: *const evmc_address,
    _k: *const evmc_bytes32,
    _v: *const evmc_bytes32,
) {
}

/// As [`set_transient_storage`].
unsafe extern "C" fn get_transient_storage(
    _c: *mut evmc_host_context,
    _a: *const evmc_address,
    _k: *const evmc_bytes32,
) -> evmc_bytes32 {
    evmc_bytes32::default()
}

/// The host interface over an `EvmHost` context.
pub(crate) static HOST_INTERFACE: evmc_host_interface = {
    let mut iface = evmc_host_interface::NONE;
    iface.account_exists = Some(account_exists);
    iface.get_storage = Some(get_storage);
    iface.set_storage = Some(set_storage);
    iface.get_balance = Some(get_balance);
    iface.get_code_size = Some(get_code_size);
    iface.get_code_hash = Some(get_code_hash);
    iface.copy_code = Some(copy_code);
    iface.selfdestruct = Some(selfdestruct);
    iface.call = Some(call);
    iface.get_tx_context = Some(get_tx_context);
    iface.get_block_hash = Some(get_block_hash);
    iface.emit_log = Some(emit_log);
    iface.access_account = Some(access_account);
    iface.access_storage = Some(access_storage);
    iface.set_transient_storage(Some(get_transient_storage), Some(set_transient_storage));
    iface
};
