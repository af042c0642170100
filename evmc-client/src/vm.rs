//! A VM library loaded, and its entry points called as a client calls
//! them.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::path::Path;

use evmc_abi::*;
use ewasm_host::{EvmHost, Message, Outcome, Revision};

use crate::error::{LoadError, SetOptionError};
use crate::host::{Frame, HOST_INTERFACE};

/// A VM loaded from a shared library.
///
/// As an ABI 9 client it is such a host as EVMC 9 hosts are: it answers
/// storage statuses as they do at the revision (MODIFIED_AGAIN for every
/// write after a slot's first at the net-metering revisions), counts each
/// frame's refund from the statuses its host answers, first
/// self-destructs and successful callees' refunds (a failed frame's
/// dropped) and reports it as the frame's `gas_refund`, gives the executed
/// message the acted-on account as its one destination, and runs a VM's
/// call-code and delegate calls on the calling frame's account.
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
    /// The library does not load, exports no create function, returns no
    /// VM, or has another ABI version ([`LoadError`]).
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let path_buf = || path.to_path_buf();
        // SAFETY: loading runs the library's initialisers; the caller
        // names a library meant to be loaded as an EVMC VM.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| {
            // The system's reason (dlerror's text) is the error's source.
            let reason = match std::error::Error::source(&e) {
                Some(why) => format!("{e}: {why}"),
                None => e.to_string(),
            };
            LoadError::Open {
                path: path_buf(),
                reason,
            }
        })?;
        type Create = unsafe extern "C" fn() -> *mut evmc_vm;
        let named = create_symbol(path);
        let vm = {
            // SAFETY: the symbol, if present, has EVMC's create signature.
            let create = unsafe { library.get::<Create>(named.as_bytes()) }
                .or_else(|_| unsafe { library.get::<Create>(b"evmc_create") })
                .map_err(|_| LoadError::NoCreateFunction {
                    path: path_buf(),
                    symbol: named.clone(),
                })?;
            // SAFETY: EVMC create functions take nothing and return a VM.
            unsafe { create() }
        };
        if vm.is_null() {
            return Err(LoadError::NullVm { path: path_buf() });
        }
        // SAFETY: non-null VM just created.
        let abi = unsafe { (*vm).abi_version };
        let loaded = Self {
            vm,
            _library: Some(library),
        };
        if abi != EVMC_ABI_VERSION {
            return Err(LoadError::AbiVersion {
                path: path_buf(),
                found: abi,
                expected: EVMC_ABI_VERSION,
            });
        }
        Ok(loaded)
    }

    /// A VM linked into this program rather than loaded, made by its
    /// create function (`iris::ffi::vm::evmc_create_iris`, say): the whole
    /// C ABI path, in-process. The `LoadedVm` destroys the VM when
    /// dropped. `None` if `create` returns null or a VM of another ABI
    /// version.
    ///
    /// # Safety
    ///
    /// `create` is an EVMC create function: it returns null or a fresh
    /// VM, its functions and strings valid until it is destroyed, and
    /// owned by nothing else. (Loading a library, [`LoadedVm::load`]
    /// trusts the library to export such a function.)
    pub unsafe fn linked(create: extern "C" fn() -> *mut evmc_vm) -> Option<Self> {
        let vm = create();
        if vm.is_null() {
            return None;
        }
        let linked = Self { vm, _library: None };
        // Dropped (the VM destroyed) if its ABI is not this client's.
        (linked.vm().abi_version == EVMC_ABI_VERSION).then_some(linked)
    }

    /// The VM's `evmc_vm`, for a caller that reads it as the header lays
    /// it out; it lives as long as `self`.
    pub fn as_ptr(&self) -> *mut evmc_vm {
        self.vm
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

    /// Sets an option.
    ///
    /// # Errors
    ///
    /// The VM's refusal: no such option, or a value it does not take (a
    /// name or value holding a NUL byte is an invalid value).
    pub fn set_option(&self, name: &str, value: &str) -> Result<(), SetOptionError> {
        let (Ok(name), Ok(value)) = (CString::new(name), CString::new(value)) else {
            return Err(SetOptionError::InvalidValue);
        };
        let code = match self.vm().set_option {
            // SAFETY: the VM's own function; the strings live across it.
            Some(f) => unsafe { f(self.vm, name.as_ptr(), value.as_ptr()) },
            None => EVMC_SET_OPTION_INVALID_NAME,
        };
        match SetOptionError::of_code(code) {
            None => Ok(()),
            Some(error) => Err(error),
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
        let mut msg = convert::evmc_message(message);
        // ABI 9 has one destination: the account the code acts on (the
        // storage context of a call-code or delegate call), the code being
        // passed apart.
        msg.set_acted_on(convert::evmc_address(&message.recipient));
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
        let mut frame = Frame::new(
            host,
            revision(rev).unwrap_or(Revision::LATEST),
            msg.accounts().0,
        );
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
        let output = unsafe { take_output(&result) };
        if !(0..=msg.gas).contains(&result.gas_left) {
            return Outcome::failed(ewasm_host::Status::InternalError);
        }
        let status = status::from_evmc(result.status_code);
        // ABI 9 results carry no refund: the refund is the one this client
        // counted for the frame, kept only if the frame succeeded.
        let gas_refund = if RESULT_HAS_REFUND {
            result.refund()
        } else if status == ewasm_host::Status::Success {
            frame.refund()
        } else {
            0
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

/// A loaded library runs Wasm frames for a host (revm's, the tests'), as
/// Iris's `Executor` does in process.
impl ewasm_host::WasmRunner for LoadedVm {
    fn run(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        self.execute(host, revision, message, code)
    }
}

#[cfg(test)]
mod tests {
    use ewasm_host::{
        AccessStatus, Address, Bytes32, CallKind, CallOutcome, Status, StorageStatus, TxContext,
        U256,
    };

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
        // SAFETY: Iris's EVMC create function.
        let vm =
            unsafe { LoadedVm::linked(iris::ffi::vm::evmc_create_iris) }.expect("Iris linked in");
        // Interface gas only, so that the figures below are exact.
        assert_eq!(vm.set_option("metering", "false"), Ok(()));
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
