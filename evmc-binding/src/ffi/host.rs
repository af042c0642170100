//! The client's host interface, seen by the EEI as an `EvmHost`.

use std::cell::RefCell;

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Held, Message, StorageStatus, TxContext,
    U256,
};

use super::types::{evmc_host_context, evmc_host_interface, EVMC_ACCESS_WARM};
use crate::convert;
use crate::status;

/// The host callbacks and their context, for one execution.
pub(crate) struct EvmcHost {
    pub(crate) iface: evmc_host_interface,
    pub(crate) context: *mut evmc_host_context,
    /// What the frames waiting on this execution's calls hold.
    held: Held,
}

thread_local! {
    /// What the frames of this thread's executions hold while they wait on
    /// a call, by the depth of the message they sent. EVMC hosts run a
    /// nested message on the thread that asked for it, so the nested
    /// execution finds what its callers hold here. A host that runs it on
    /// another thread, or through another VM in between, gives it the whole
    /// cap (each frame is still bounded by `max_memory_pages`).
    static WAITING: RefCell<Vec<(i32, Held)>> = const { RefCell::new(Vec::new()) };
}

impl EvmcHost {
    /// The host of an execution of a message at `depth`.
    pub(crate) fn new(
        iface: evmc_host_interface,
        context: *mut evmc_host_context,
        depth: i32,
    ) -> Self {
        let held = WAITING.with(|waiting| match waiting.borrow().last() {
            Some(&(at, held)) if at == depth => held,
            _ => Held::default(),
        });
        Self {
            iface,
            context,
            held,
        }
    }
}

/// An `evmc_access_status`: anything but warm is cold (the dearer price).
fn access_status(status: i32) -> AccessStatus {
    if status == EVMC_ACCESS_WARM {
        AccessStatus::Warm
    } else {
        AccessStatus::Cold
    }
}

impl EvmHost for EvmcHost {
    fn account_exists(&mut self, address: &Address) -> bool {
        let Some(f) = self.iface.account_exists else {
            return false;
        };
        // SAFETY: the host gave this callback and context for this
        // execution; the address lives across the call.
        unsafe { f(self.context, &convert::evmc_address(address)) }
    }

    fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        let Some(f) = self.iface.get_storage else {
            return Bytes32::ZERO;
        };
        // SAFETY: as above; both arguments live across the call.
        let value = unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                &convert::evmc_bytes32(key),
            )
        };
        convert::bytes32(&value)
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        let Some(f) = self.iface.set_storage else {
            // Nothing is stored.
            return StorageStatus::Assigned;
        };
        // SAFETY: as above; all three arguments live across the call.
        let status = unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                &convert::evmc_bytes32(key),
                &convert::evmc_bytes32(value),
            )
        };
        super::types::storage_status(status)
    }

    fn get_balance(&mut self, address: &Address) -> U256 {
        let Some(f) = self.iface.get_balance else {
            return U256::zero();
        };
        // SAFETY: as above.
        let balance = unsafe { f(self.context, &convert::evmc_address(address)) };
        convert::u256(&balance)
    }

    fn get_code_size(&mut self, address: &Address) -> usize {
        let Some(f) = self.iface.get_code_size else {
            return 0;
        };
        // SAFETY: as above.
        unsafe { f(self.context, &convert::evmc_address(address)) }
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let Some(f) = self.iface.copy_code else {
            return 0;
        };
        // SAFETY: as above; the buffer is valid for `buffer.len()` bytes.
        let copied = unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                offset,
                buffer.as_mut_ptr(),
                buffer.len(),
            )
        };
        copied.min(buffer.len())
    }

    #[cfg(not(feature = "abi9"))]
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let Some(f) = self.iface.selfdestruct else {
            return false;
        };
        // SAFETY: as above. ABI 12 answers whether the account was
        // destructed for the first time.
        unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                &convert::evmc_address(beneficiary),
            )
        }
    }

    /// ABI 9 answers nothing, and an ABI 9 host counts refunds itself
    /// (its results have no `gas_refund`): no refund here.
    #[cfg(feature = "abi9")]
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        if let Some(f) = self.iface.selfdestruct {
            // SAFETY: as above.
            unsafe {
                f(
                    self.context,
                    &convert::evmc_address(address),
                    &convert::evmc_address(beneficiary),
                );
            }
        }
        false
    }

    /// A host without the callback is taken to have every account cold
    /// (the dearer price).
    fn access_account(&mut self, address: &Address) -> AccessStatus {
        let Some(f) = self.iface.access_account else {
            return AccessStatus::Cold;
        };
        // SAFETY: as above.
        let status = unsafe { f(self.context, &convert::evmc_address(address)) };
        access_status(status)
    }

    /// As [`EvmcHost::access_account`].
    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        let Some(f) = self.iface.access_storage else {
            return AccessStatus::Cold;
        };
        // SAFETY: as above; both arguments live across the call.
        let status = unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                &convert::evmc_bytes32(key),
            )
        };
        access_status(status)
    }

    fn call(&mut self, message: &Message) -> CallOutcome {
        let Some(f) = self.iface.call else {
            return CallOutcome::failure();
        };
        let msg = convert::evmc_message(message);
        WAITING.with(|waiting| waiting.borrow_mut().push((message.depth, self.held)));
        // SAFETY: `msg` borrows `message.input`, alive across the call.
        let result = unsafe { f(self.context, &msg) };
        WAITING.with(|waiting| waiting.borrow_mut().pop());
        // SAFETY: a fresh result, released here and nowhere else.
        let output = unsafe { super::take_output(&result) };
        let status = status::from_evmc(result.status_code);
        // `gas_left` goes to the EEI as the host answered it, even negative
        // or above `message.gas`: the EEI holds it to the rules (a host
        // that gives back more than it was given makes the call fail).
        CallOutcome {
            status,
            gas_left: result.gas_left,
            gas_refund: result.refund(),
            output,
            create_address: (message.kind == ewasm_host::CallKind::Create
                && status == ewasm_host::Status::Success)
                .then(|| convert::address(&result.create_address)),
        }
    }

    fn get_tx_context(&mut self) -> TxContext {
        let Some(f) = self.iface.get_tx_context else {
            return TxContext::default();
        };
        // SAFETY: as above; the context comes back by value.
        let context = unsafe { f(self.context) };
        convert::tx_context(&context)
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        let Some(f) = self.iface.get_block_hash else {
            return Bytes32::ZERO;
        };
        // SAFETY: as above.
        let hash = unsafe { f(self.context, number) };
        convert::bytes32(&hash)
    }

    fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
        if let Some(f) = self.iface.emit_log {
            let topics: Vec<_> = topics.iter().map(convert::evmc_bytes32).collect();
            // SAFETY: as above; data and topics are valid for their lengths.
            unsafe {
                f(
                    self.context,
                    &convert::evmc_address(address),
                    data.as_ptr(),
                    data.len(),
                    topics.as_ptr(),
                    topics.len(),
                );
            }
        }
    }

    fn held(&mut self) -> Option<&mut Held> {
        Some(&mut self.held)
    }
}
