//! The client's host interface, seen by the EEI as an `EvmHost`.

use std::cell::RefCell;

use ewasm_host::{Address, Bytes32, CallOutcome, EvmHost, Held, Message, TxContext, U256};

use super::types::{evmc_host_context, evmc_host_interface};
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

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        if let Some(f) = self.iface.set_storage {
            // SAFETY: as above; the storage status is not needed.
            unsafe {
                f(
                    self.context,
                    &convert::evmc_address(address),
                    &convert::evmc_bytes32(key),
                    &convert::evmc_bytes32(value),
                );
            }
        }
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

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) {
        if let Some(f) = self.iface.selfdestruct {
            // SAFETY: as above. (ABI 12 answers whether the account was
            // newly destructed, ABI 9 nothing: neither is needed.)
            unsafe {
                f(
                    self.context,
                    &convert::evmc_address(address),
                    &convert::evmc_address(beneficiary),
                );
            }
        }
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
