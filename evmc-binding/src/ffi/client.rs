//! The host side of EVMC: load a VM library as a client does, and run
//! messages on it against any [`EvmHost`].

use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use ewasm_host::{Address, Bytes32, CallKind, EvmHost, Message, Outcome, Revision, U256};

use super::types::*;
use super::vm::to_result;
use crate::convert;
use crate::status;

/// A VM loaded from a shared library.
pub struct LoadedVm {
    vm: *mut evmc_vm,
    // Dropped after `vm` is destroyed; `None` for Iris linked in (tests).
    _library: Option<libloading::Library>,
}

impl std::fmt::Debug for LoadedVm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedVm")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

// SAFETY: an EVMC VM instance may be called from any thread; `LoadedVm`
// hands it to one execution at a time per host (nested calls re-enter it,
// as EVMC allows).
unsafe impl Send for LoadedVm {}
// SAFETY: as above: shared references only reach `execute`, `set_option`
// and the read-only name, version and capabilities.
unsafe impl Sync for LoadedVm {}

/// The create function a loader looks for in `lib<name>.so`:
/// `evmc_create_<name>` with `-` turned into `_`.
pub fn create_symbol(path: &Path) -> String {
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = stem.strip_prefix("lib").unwrap_or(stem);
    let stem = stem.split('.').next().unwrap_or(stem);
    format!("evmc_create_{}", stem.replace('-', "_"))
}

impl LoadedVm {
    /// Loads the library at `path` and creates its VM (`evmc_create_<name>`,
    /// else `evmc_create`), checking the ABI version.
    ///
    /// # Errors
    ///
    /// A message if the library does not load, exports no create function,
    /// returns no VM, or has another ABI version.
    pub fn load(path: &Path) -> Result<Self, String> {
        // SAFETY: loading runs the library's initialisers; the caller
        // names a library meant to be loaded as an EVMC VM.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| {
            // The system's reason (dlerror's text) is the error's source.
            match std::error::Error::source(&e) {
                Some(why) => format!("{}: {e}: {why}", path.display()),
                None => format!("{}: {e}", path.display()),
            }
        })?;
        type Create = unsafe extern "C" fn() -> *mut evmc_vm;
        let named = create_symbol(path);
        let vm = {
            // SAFETY: the symbol, if present, has EVMC's create signature.
            let create = unsafe { library.get::<Create>(named.as_bytes()) }
                .or_else(|_| unsafe { library.get::<Create>(b"evmc_create") })
                .map_err(|_| format!("{}: no {named} or evmc_create", path.display()))?;
            // SAFETY: EVMC create functions take nothing and return a VM.
            unsafe { create() }
        };
        if vm.is_null() {
            return Err(format!(
                "{}: the create function returned null",
                path.display()
            ));
        }
        // SAFETY: non-null VM just created.
        let abi = unsafe { (*vm).abi_version };
        let loaded = Self {
            vm,
            _library: Some(library),
        };
        if abi != EVMC_ABI_VERSION {
            return Err(format!(
                "{}: ABI version {abi}, expected {EVMC_ABI_VERSION}",
                path.display()
            ));
        }
        Ok(loaded)
    }

    /// The Iris VM of this very crate, created through `evmc_create_iris`
    /// without loading a library: the whole C ABI path, in-process.
    #[cfg(test)]
    pub(crate) fn linked() -> Self {
        let vm = super::vm::evmc_create_iris();
        assert!(!vm.is_null(), "evmc_create_iris returned null");
        Self { vm, _library: None }
    }

    fn vm(&self) -> &evmc_vm {
        // SAFETY: `vm` is non-null and lives until `drop`.
        unsafe { &*self.vm }
    }

    fn string(ptr: *const std::os::raw::c_char) -> String {
        if ptr.is_null() {
            return String::new();
        }
        // SAFETY: EVMC names and versions are static C strings.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }

    /// The ABI version.
    pub fn abi_version(&self) -> i32 {
        self.vm().abi_version
    }

    /// The VM's name.
    pub fn name(&self) -> String {
        Self::string(self.vm().name)
    }

    /// The VM's version.
    pub fn version(&self) -> String {
        Self::string(self.vm().version)
    }

    /// The VM's capabilities.
    pub fn capabilities(&self) -> u32 {
        match self.vm().get_capabilities {
            // SAFETY: the VM's own function, given the VM.
            Some(f) => unsafe { f(self.vm) },
            None => 0,
        }
    }

    /// Sets an option; gives the EVMC result code.
    pub fn set_option(&self, name: &str, value: &str) -> i32 {
        let (Ok(name), Ok(value)) = (CString::new(name), CString::new(value)) else {
            return EVMC_SET_OPTION_INVALID_VALUE;
        };
        match self.vm().set_option {
            // SAFETY: the VM's own function; the strings live across it.
            Some(f) => unsafe { f(self.vm, name.as_ptr(), value.as_ptr()) },
            None => EVMC_SET_OPTION_INVALID_NAME,
        }
    }

    /// Runs `message` with `code` against `host` at `revision`.
    ///
    /// A VM that answers a `gas_left` below 0 or above `message.gas` has
    /// broken EVMC's rules: its result becomes `InternalError` with no gas
    /// left, so no client of this function sees minted gas. A revision the
    /// ABI has no number for (ABI 9: after Shanghai) is `Rejected`.
    pub fn execute(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        let Some(rev) = evmc_revision(revision) else {
            return Outcome::failed(ewasm_host::Status::Rejected);
        };
        #[allow(unused_mut)]
        let mut msg = convert::evmc_message(message);
        // ABI 9 has one destination: the account the code acts on (the
        // storage context of a call-code or delegate call), the code being
        // passed apart.
        #[cfg(feature = "abi9")]
        {
            msg.destination = convert::evmc_address(&message.recipient);
        }
        self.execute_evmc(host, rev, &msg, code)
    }

    /// Runs an EVMC message as given (its kind and flags, the revision's
    /// number `rev`, even ones [`Message`] cannot express) with `code`
    /// against `host`, held to the rules as [`LoadedVm::execute`].
    pub fn execute_evmc(
        &self,
        host: &mut dyn EvmHost,
        rev: i32,
        msg: &evmc_message,
        code: &[u8],
    ) -> Outcome {
        let Some(execute) = self.vm().execute else {
            return Outcome::failed(ewasm_host::Status::InternalError);
        };
        let mut frame = Frame {
            host,
            revision: revision(rev).unwrap_or(Revision::LATEST),
            account: msg.accounts().0,
            refund: 0,
        };
        let context = (&mut frame as *mut Frame<'_>).cast::<evmc_host_context>();
        // SAFETY: the interface and context live across the call; `msg`
        // and its input are valid, `code` is valid for its length.
        let result = unsafe {
            execute(
                self.vm,
                &HOST_INTERFACE,
                context,
                rev,
                msg,
                code.as_ptr(),
                code.len(),
            )
        };
        // SAFETY: a fresh result, released here and nowhere else.
        let output = unsafe { super::take_output(&result) };
        if !(0..=msg.gas).contains(&result.gas_left) {
            return Outcome::failed(ewasm_host::Status::InternalError);
        }
        let status = status::from_evmc(result.status_code);
        // ABI 9 results carry no refund: the refund is the one this client
        // counted for the frame, kept only if the frame succeeded.
        let gas_refund = if cfg!(feature = "abi9") {
            if status == ewasm_host::Status::Success {
                frame.refund
            } else {
                0
            }
        } else {
            result.refund()
        };
        Outcome {
            status,
            gas_left: result.gas_left,
            gas_refund,
            output,
            reason: None,
        }
    }
}

impl Drop for LoadedVm {
    fn drop(&mut self) {
        if let Some(destroy) = self.vm().destroy {
            // SAFETY: the VM is destroyed once, before its library unloads.
            unsafe { destroy(self.vm) };
        }
    }
}

/// What the host callbacks of one execution reach through its context
/// pointer: the client's host, and what the client keeps for the frame.
struct Frame<'h> {
    host: &'h mut dyn EvmHost,
    /// The revision the frame runs at: ABI 9's storage statuses and
    /// refunds depend on it.
    revision: Revision,
    /// The account the frame acts on. ABI 9: the storage context of the
    /// frame's call-code and delegate calls, whose message names only the
    /// code's account.
    #[cfg_attr(not(feature = "abi9"), allow(dead_code))]
    account: evmc_address,
    /// ABI 9: the refund this client counts for the frame (its storage
    /// writes and first self-destructs at the frame's revision, plus its
    /// successful callees' refunds), since ABI 9 results have none and an
    /// ABI 9 host computes refunds itself.
    refund: i64,
}

impl Frame<'_> {
    /// ABI 9: adds to the frame's refund.
    #[cfg_attr(not(feature = "abi9"), allow(dead_code))]
    fn add_refund(&mut self, refund: i64) {
        self.refund = self.refund.saturating_add(refund);
    }

    /// The prices of the frame's revision (`None` before Byzantium).
    #[cfg_attr(not(feature = "abi9"), allow(dead_code))]
    fn schedule(&self) -> Option<&'static ewasm_host::Schedule> {
        ewasm_host::Schedule::of(self.revision)
    }
}

/// The frame behind a context pointer made by [`LoadedVm::execute_evmc`].
///
/// # Safety
///
/// `context` is the pointer `execute_evmc` passed, during that execution.
unsafe fn frame<'a>(context: *mut evmc_host_context) -> &'a mut Frame<'a> {
    // SAFETY: by the contract above it points at a live `Frame`.
    unsafe { &mut *context.cast::<Frame<'a>>() }
}

/// The host behind a context pointer made by [`LoadedVm::execute_evmc`].
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
        if cfg!(feature = "abi9") {
            let refund = frame.schedule().map_or(0, |s| s.storage.cost(status).1);
            frame.add_refund(refund);
        }
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

#[cfg(not(feature = "abi9"))]
unsafe extern "C" fn selfdestruct(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    b: *const evmc_address,
) -> bool {
    // SAFETY: as above.
    guard(false, || unsafe {
        host(c).selfdestruct(&addr(a), &addr(b))
    })
}

/// ABI 9 answers the VM nothing; the client counts the refund of a first
/// self-destruct itself.
#[cfg(feature = "abi9")]
unsafe extern "C" fn selfdestruct(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    b: *const evmc_address,
) {
    guard((), || {
        // SAFETY: as above.
        let frame = unsafe { frame(c) };
        // SAFETY: as above.
        if unsafe { frame.host.selfdestruct(&addr(a), &addr(b)) } {
            let refund = frame.schedule().map_or(0, |s| s.self_destruct_refund);
            frame.add_refund(refund);
        }
    })
}

unsafe extern "C" fn call(c: *mut evmc_host_context, m: *const evmc_message) -> evmc_result {
    guard(
        to_result(Outcome::failed(ewasm_host::Status::InternalError)),
        || {
            // SAFETY: the VM's message is valid during the call.
            let Some(m) = (unsafe { m.as_ref() }) else {
                return to_result(Outcome::failed(ewasm_host::Status::InternalError));
            };
            let input = if m.input_data.is_null() || m.input_size == 0 {
                Vec::new()
            } else {
                // SAFETY: EVMC: the input holds `input_size` bytes.
                unsafe { std::slice::from_raw_parts(m.input_data, m.input_size) }.to_vec()
            };
            // Every kind the ABI has, whatever the revision.
            let kind = convert::call_kind(m.kind, Revision::LATEST).unwrap_or(CallKind::Call);
            #[allow(unused_mut)]
            let mut message = convert::message(m, kind, input);
            // SAFETY: as above.
            let frame = unsafe { frame(c) };
            // ABI 9: a call-code or delegate call names only the code's
            // account; it acts on the calling frame's.
            #[cfg(feature = "abi9")]
            if matches!(kind, CallKind::CallCode | CallKind::DelegateCall) {
                message.recipient = convert::address(&frame.account);
            }
            let outcome = frame.host.call(&message);
            // ABI 9: a successful callee's refund joins the frame's.
            if cfg!(feature = "abi9") && outcome.status == ewasm_host::Status::Success {
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

/// An access status as `evmc_access_status`.
fn evmc_access(status: ewasm_host::AccessStatus) -> i32 {
    match status {
        ewasm_host::AccessStatus::Cold => EVMC_ACCESS_COLD,
        ewasm_host::AccessStatus::Warm => EVMC_ACCESS_WARM,
    }
}

unsafe extern "C" fn access_account(c: *mut evmc_host_context, a: *const evmc_address) -> i32 {
    guard(EVMC_ACCESS_COLD, || {
        // SAFETY: as above.
        evmc_access(unsafe { host(c).access_account(&addr(a)) })
    })
}

unsafe extern "C" fn access_storage(
    c: *mut evmc_host_context,
    a: *const evmc_address,
    k: *const evmc_bytes32,
) -> i32 {
    guard(EVMC_ACCESS_COLD, || {
        // SAFETY: as above.
        evmc_access(unsafe { host(c).access_storage(&addr(a), &word(k)) })
    })
}

#[cfg(not(feature = "abi9"))]
unsafe extern "C" fn set_transient_storage(
    _c: *mut evmc_host_context,
    _a: *const evmc_address,
    _k: *const evmc_bytes32,
    _v: *const evmc_bytes32,
) {
}

#[cfg(not(feature = "abi9"))]
unsafe extern "C" fn get_transient_storage(
    _c: *mut evmc_host_context,
    _a: *const evmc_address,
    _k: *const evmc_bytes32,
) -> evmc_bytes32 {
    evmc_bytes32::default()
}

/// The host interface over an `EvmHost` context.
static HOST_INTERFACE: evmc_host_interface = evmc_host_interface {
    account_exists: Some(account_exists),
    get_storage: Some(get_storage),
    set_storage: Some(set_storage),
    get_balance: Some(get_balance),
    get_code_size: Some(get_code_size),
    get_code_hash: Some(get_code_hash),
    copy_code: Some(copy_code),
    selfdestruct: Some(selfdestruct),
    call: Some(call),
    get_tx_context: Some(get_tx_context),
    get_block_hash: Some(get_block_hash),
    emit_log: Some(emit_log),
    access_account: Some(access_account),
    access_storage: Some(access_storage),
    #[cfg(not(feature = "abi9"))]
    get_transient_storage: Some(get_transient_storage),
    #[cfg(not(feature = "abi9"))]
    set_transient_storage: Some(set_transient_storage),
};

#[cfg(test)]
mod tests {
    use ewasm_host::{AccessStatus, CallOutcome, Status, StorageStatus, TxContext};

    use super::*;

    /// Calls the zero address with 10,000 gas and no value, stores the
    /// result at 64 and finishes with it:
    ///
    /// ```wat
    /// (module
    ///   (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
    ///   (import "ethereum" "finish" (func $finish (param i32 i32)))
    ///   (memory (export "memory") 1)
    ///   (func (export "main")
    ///     (i32.store (i32.const 64)
    ///       (call $call (i64.const 10000) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))
    ///     (call $finish (i32.const 64) (i32.const 4))))
    /// ```
    ///
    /// (Assembled by hand: this crate does not depend on `wat`.)
    const CALLS_ONCE: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x03, 0x60, 0x05, 0x7e, 0x7f,
        0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x02, 0x23,
        0x02, 0x08, 0x65, 0x74, 0x68, 0x65, 0x72, 0x65, 0x75, 0x6d, 0x04, 0x63, 0x61, 0x6c, 0x6c,
        0x00, 0x00, 0x08, 0x65, 0x74, 0x68, 0x65, 0x72, 0x65, 0x75, 0x6d, 0x06, 0x66, 0x69, 0x6e,
        0x69, 0x73, 0x68, 0x00, 0x01, 0x03, 0x02, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07,
        0x11, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x6d, 0x61, 0x69,
        0x6e, 0x00, 0x02, 0x0a, 0x1f, 0x01, 0x1d, 0x00, 0x41, 0xc0, 0x00, 0x42, 0x90, 0xce, 0x00,
        0x41, 0x00, 0x41, 0x20, 0x41, 0x00, 0x41, 0x00, 0x10, 0x00, 0x36, 0x02, 0x00, 0x41, 0xc0,
        0x00, 0x41, 0x04, 0x10, 0x01, 0x0b,
    ];

    /// Gas of the message.
    const GAS: i64 = 100_000;

    /// A client answering every nested call with success and the gas
    /// `gas_left` makes of the forwarded gas; it records the forwarded gas.
    struct AnsweringHost {
        gas_left: fn(i64) -> i64,
        forwarded: Vec<i64>,
    }

    impl EvmHost for AnsweringHost {
        fn account_exists(&mut self, _: &Address) -> bool {
            true
        }
        fn get_storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
            Bytes32::ZERO
        }
        fn set_storage(&mut self, _: &Address, _: &Bytes32, _: &Bytes32) -> StorageStatus {
            StorageStatus::Assigned
        }
        fn access_account(&mut self, _: &Address) -> AccessStatus {
            AccessStatus::Warm
        }
        fn access_storage(&mut self, _: &Address, _: &Bytes32) -> AccessStatus {
            AccessStatus::Warm
        }
        fn get_balance(&mut self, _: &Address) -> U256 {
            U256::zero()
        }
        fn get_code_size(&mut self, _: &Address) -> usize {
            0
        }
        fn copy_code(&mut self, _: &Address, _: usize, _: &mut [u8]) -> usize {
            0
        }
        fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
            false
        }
        fn call(&mut self, message: &Message) -> CallOutcome {
            self.forwarded.push(message.gas);
            CallOutcome {
                status: Status::Success,
                gas_left: (self.gas_left)(message.gas),
                gas_refund: 0,
                output: b"minted?".to_vec().into(),
                create_address: None,
            }
        }
        fn get_tx_context(&mut self) -> TxContext {
            TxContext::default()
        }
        fn get_block_hash(&mut self, _: i64) -> Bytes32 {
            Bytes32::ZERO
        }
        fn emit_log(&mut self, _: &Address, _: &[u8], _: &[Bytes32]) {}
    }

    /// Runs [`CALLS_ONCE`] on Iris through the C ABI against a host
    /// answering with `gas_left`.
    fn run(gas_left: fn(i64) -> i64) -> (Outcome, Vec<i64>) {
        let vm = LoadedVm::linked();
        // Interface gas only, so that the figures below are exact.
        assert_eq!(vm.set_option("metering", "false"), 0);
        let mut host = AnsweringHost {
            gas_left,
            forwarded: Vec::new(),
        };
        let message = Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: GAS,
            recipient: Address([0xc0; 20]),
            sender: Address([0xca; 20]),
            input: Vec::new().into(),
            value: U256::zero(),
            code_address: Address([0xc0; 20]),
            delegated: false,
        };
        let outcome = vm.execute(&mut host, Revision::Byzantium, &message, CALLS_ONCE);
        (outcome, host.forwarded)
    }

    #[test]
    fn a_host_answering_within_the_forwarded_gas_is_believed() {
        let (outcome, forwarded) = run(|gas| gas);
        assert_eq!(forwarded, [10_000]);
        assert_eq!(outcome.status, Status::Success);
        assert_eq!(outcome.output, 0i32.to_le_bytes(), "the call succeeded");
        assert_eq!(outcome.gas_left, GAS - 700);
    }

    #[test]
    fn a_host_answering_more_gas_than_forwarded_through_evmc_mints_nothing() {
        let answers: [fn(i64) -> i64; 4] = [|_| i64::MAX, |gas| gas + 1, |_| -1, |_| i64::MIN];
        for (i, answer) in answers.into_iter().enumerate() {
            let (outcome, forwarded) = run(answer);
            assert_eq!(forwarded, [10_000], "answer {i}");
            assert_eq!(outcome.status, Status::Success, "answer {i}");
            assert_eq!(outcome.output, 1i32.to_le_bytes(), "answer {i}: failed");
            // The forwarded gas is lost, as in any failed call.
            assert_eq!(outcome.gas_left, GAS - 700 - 10_000, "answer {i}");
        }
    }

    /// A VM whose every execution succeeds with `i64::MAX` gas left.
    unsafe extern "C" fn execute_minting(
        _vm: *mut evmc_vm,
        _host: *const evmc_host_interface,
        _context: *mut evmc_host_context,
        _rev: i32,
        _msg: *const evmc_message,
        _code: *const u8,
        _code_size: usize,
    ) -> evmc_result {
        evmc_result::new(
            EVMC_SUCCESS,
            i64::MAX,
            0,
            (std::ptr::null(), 0),
            None,
            evmc_address::default(),
        )
    }

    #[test]
    fn a_vm_answering_more_gas_than_it_was_given_is_an_internal_error() {
        // Never destroyed: `destroy` is None, and the box is leaked.
        let vm = Box::into_raw(Box::new(evmc_vm {
            abi_version: EVMC_ABI_VERSION,
            name: c"minting".as_ptr(),
            version: c"0".as_ptr(),
            destroy: None,
            execute: Some(execute_minting),
            get_capabilities: None,
            set_option: None,
        }));
        let vm = LoadedVm { vm, _library: None };
        let mut host = AnsweringHost {
            gas_left: |gas| gas,
            forwarded: Vec::new(),
        };
        let message = Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: GAS,
            recipient: Address::default(),
            sender: Address::default(),
            input: Vec::new().into(),
            value: U256::zero(),
            code_address: Address::default(),
            delegated: false,
        };
        let outcome = vm.execute(&mut host, Revision::Byzantium, &message, CALLS_ONCE);
        assert_eq!(outcome, Outcome::failed(Status::InternalError));
    }
}
