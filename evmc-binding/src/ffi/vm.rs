//! The VM's C entry points: `evmc_create_iris`, and the functions of the
//! `evmc_vm` it returns.

use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use evmc_abi::*;
use ewasm_host::{Outcome, Status};

use super::host::EvmcHost;
use crate::vm::{SetOption, VmState};

/// The VM: the EVMC struct first, so that an `evmc_vm` pointer is one to
/// this, then Iris's state.
#[repr(C)]
pub(crate) struct IrisVm {
    base: evmc_vm,
    state: VmState,
}

static NAME: &[u8] = b"iris\0";
static VERSION: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// Creates an Iris VM for an EVMC host. Never null unless allocation fails.
#[no_mangle]
pub extern "C" fn evmc_create_iris() -> *mut evmc_vm {
    catch_unwind(|| {
        let vm = Box::new(IrisVm {
            base: evmc_vm {
                abi_version: EVMC_ABI_VERSION,
                name: NAME.as_ptr().cast(),
                version: VERSION.as_ptr().cast(),
                destroy: Some(destroy),
                execute: Some(execute),
                get_capabilities: Some(get_capabilities),
                set_option: Some(set_option),
            },
            state: VmState::default(),
        });
        Box::into_raw(vm).cast::<evmc_vm>()
    })
    .unwrap_or(std::ptr::null_mut())
}

/// The loaders' fallback name for [`evmc_create_iris`].
#[no_mangle]
pub extern "C" fn evmc_create() -> *mut evmc_vm {
    evmc_create_iris()
}

/// The state of a VM pointer, if it is not null.
///
/// # Safety
///
/// `vm` is null or was returned by `evmc_create_iris` and not destroyed.
unsafe fn state<'a>(vm: *mut evmc_vm) -> Option<&'a VmState> {
    // SAFETY: by the contract above, a non-null `vm` points at an IrisVm.
    unsafe { vm.cast::<IrisVm>().as_ref() }.map(|vm| &vm.state)
}

unsafe extern "C" fn destroy(vm: *mut evmc_vm) {
    if vm.is_null() {
        return;
    }
    let _ = catch_unwind(|| {
        // SAFETY: a non-null `vm` came from `evmc_create_iris` (Box::into_raw)
        // and the host destroys it once.
        drop(unsafe { Box::from_raw(vm.cast::<IrisVm>()) });
    });
}

unsafe extern "C" fn get_capabilities(vm: *mut evmc_vm) -> u32 {
    // SAFETY: the host passes the VM it created.
    let Some(state) = (unsafe { state(vm) }) else {
        return EVMC_CAPABILITY_EWASM;
    };
    catch_unwind(AssertUnwindSafe(|| state.capabilities())).unwrap_or(EVMC_CAPABILITY_EWASM)
}

unsafe extern "C" fn set_option(
    vm: *mut evmc_vm,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    // SAFETY: the host passes the VM it created.
    let Some(state) = (unsafe { state(vm) }) else {
        return EVMC_SET_OPTION_INVALID_NAME;
    };
    if name.is_null() {
        return EVMC_SET_OPTION_INVALID_NAME;
    }
    // SAFETY: non-null C strings from the host, valid during the call.
    let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_str();
    let value = if value.is_null() {
        Ok("")
    } else {
        // SAFETY: as above.
        unsafe { std::ffi::CStr::from_ptr(value) }.to_str()
    };
    let (Ok(name), Ok(value)) = (name, value) else {
        return EVMC_SET_OPTION_INVALID_VALUE;
    };
    match catch_unwind(AssertUnwindSafe(|| state.set_option(name, value))) {
        Ok(SetOption::Success) => EVMC_SET_OPTION_SUCCESS,
        Ok(SetOption::InvalidName) => EVMC_SET_OPTION_INVALID_NAME,
        Ok(SetOption::InvalidValue) | Err(_) => EVMC_SET_OPTION_INVALID_VALUE,
    }
}

fn internal_error() -> evmc_result {
    to_result(Outcome::failed(Status::InternalError))
}

/// A message Iris does not serve: `EVMC_REJECTED`, so that the client may
/// run it elsewhere.
fn rejected() -> evmc_result {
    to_result(Outcome::failed(Status::Rejected))
}

/// A slice from a C pointer and length; `None` for a null pointer with a
/// non-zero length.
///
/// # Safety
///
/// A non-null `data` is valid for `len` bytes during the call.
unsafe fn bytes<'a>(data: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if data.is_null() {
        return None;
    }
    // SAFETY: by the contract above.
    Some(unsafe { std::slice::from_raw_parts(data, len) })
}

unsafe extern "C" fn execute(
    vm: *mut evmc_vm,
    host: *const evmc_host_interface,
    context: *mut evmc_host_context,
    rev: i32,
    msg: *const evmc_message,
    code: *const u8,
    code_size: usize,
) -> evmc_result {
    // SAFETY: the host passes the VM it created.
    let Some(state) = (unsafe { state(vm) }) else {
        return internal_error();
    };
    // SAFETY: non-null pointers from the host, valid during the call.
    let (Some(iface), Some(msg)) = (unsafe { host.as_ref() }, unsafe { msg.as_ref() }) else {
        return internal_error();
    };
    // SAFETY: EVMC: `code` holds `code_size` bytes, the input `input_size`.
    let (Some(code), Some(input)) = (unsafe { bytes(code, code_size) }, unsafe {
        bytes(msg.input_data, msg.input_size)
    }) else {
        return internal_error();
    };
    // What Iris does not serve is refused, never an internal error: a
    // revision before Byzantium or unknown to the ABI, a kind Ewasm has no
    // use for (EOFCREATE, unknown numbers; CREATE2 before Constantinople,
    // which introduced it), a flag the ABI does not define.
    let Some(revision) = revision(rev).filter(|r| r.is_supported()) else {
        return rejected();
    };
    let Some(kind) = convert::call_kind(msg.kind, revision) else {
        return rejected();
    };
    if msg.flags & !EVMC_KNOWN_FLAGS != 0 {
        return rejected();
    }
    // The call data stays the host's: read in place during the call.
    let message = convert::message(msg, kind, input);
    let mut host = EvmcHost::new(*iface, context, message.depth, revision);
    catch_unwind(AssertUnwindSafe(|| {
        state.execute(&mut host, revision, &message, code)
    }))
    .map(to_result)
    .unwrap_or_else(|_| internal_error())
}
