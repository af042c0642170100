//! The client's host interface, seen by the EEI as an `EvmHost`.

use std::cell::RefCell;

use evmc_abi::{
    convert, evmc_bytes32, evmc_host_context, evmc_host_interface, status, take_output,
};
use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Held, Message, Revision, StorageStatus,
    TxContext, U256,
};

/// The host callbacks and their context, for one execution.
pub(crate) struct EvmcHost {
    pub(crate) iface: evmc_host_interface,
    pub(crate) context: *mut evmc_host_context,
    /// What the frames waiting on this execution's calls hold.
    held: Held,
    /// The revision the execution runs at.
    revision: Revision,
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
    /// The host of an execution of a message at `depth`, at `revision`.
    pub(crate) fn new(
        iface: evmc_host_interface,
        context: *mut evmc_host_context,
        depth: i32,
        revision: Revision,
    ) -> Self {
        let held = WAITING.with(|waiting| match waiting.borrow().last() {
            Some(&(at, held)) if at == depth => held,
            _ => Held::default(),
        });
        Self {
            iface,
            context,
            held,
            revision,
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

    /// A host without the callback stores nothing, and the write is
    /// priced as the costliest ([`StorageStatus::Added`]), as any status
    /// the binding cannot know.
    ///
    /// ABI 9 at Byzantium and Petersburg: the current value is read first
    /// and the write priced from current and new, as the legacy EVM does;
    /// ABI 9's statuses cannot say it (see
    /// [`evmc_abi::prices_from_current_value`]).
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        let Some(f) = self.iface.set_storage else {
            return StorageStatus::Added;
        };
        let legacy = evmc_abi::prices_from_current_value(self.revision)
            .then(|| self.get_storage(address, key));
        // SAFETY: as above; all three arguments live across the call.
        let status = unsafe {
            f(
                self.context,
                &convert::evmc_address(address),
                &convert::evmc_bytes32(key),
                &convert::evmc_bytes32(value),
            )
        };
        if let Some(current) = legacy {
            // Only current and new count: `of` with current as original.
            return StorageStatus::of(&current, &current, value);
        }
        evmc_abi::storage_status(status)
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

    /// ABI 12 answers whether the account was destructed for the first
    /// time. ABI 9 answers nothing, and an ABI 9 host counts refunds itself
    /// (its results have no `gas_refund`): no refund here.
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let Some(f) = self.iface.selfdestruct else {
            return false;
        };
        evmc_abi::first_selfdestruct(|| {
            // SAFETY: as above.
            unsafe {
                f(
                    self.context,
                    &convert::evmc_address(address),
                    &convert::evmc_address(beneficiary),
                )
            }
        })
    }

    /// A host without the callback is taken to have every account cold
    /// (the dearer price).
    fn access_account(&mut self, address: &Address) -> AccessStatus {
        let Some(f) = self.iface.access_account else {
            return AccessStatus::Cold;
        };
        // SAFETY: as above.
        let status = unsafe { f(self.context, &convert::evmc_address(address)) };
        convert::access_status(status)
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
        convert::access_status(status)
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
        let output = unsafe { take_output(&result) };
        let status = status::from_evmc(result.status_code);
        // `gas_left` goes to the EEI as the host answered it, even negative
        // or above `message.gas`: the EEI holds it to the rules (a host
        // that gives back more than it was given makes the call fail).
        CallOutcome {
            status,
            gas_left: result.gas_left,
            gas_refund: result.refund(),
            output: output.into(),
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
            // The EEI logs at most four topics: those on the stack, any
            // more (another caller of the trait) in a vector.
            let mut four = [evmc_bytes32 { bytes: [0; 32] }; 4];
            let more: Vec<evmc_bytes32>;
            let topics: &[evmc_bytes32] = match four.get_mut(..topics.len()) {
                Some(words) => {
                    for (word, topic) in words.iter_mut().zip(topics) {
                        *word = convert::evmc_bytes32(topic);
                    }
                    words
                }
                None => {
                    more = topics.iter().map(convert::evmc_bytes32).collect();
                    &more
                }
            };
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

#[cfg(test)]
mod tests {
    use evmc_abi::*;

    use super::*;

    /// A host interface with only `get_storage` (answering zero) and
    /// `set_storage` (answering `SET`'s raw status), or none of either.
    fn iface(storage: bool) -> evmc_host_interface {
        unsafe extern "C" fn get_storage(
            _: *mut evmc_host_context,
            _: *const evmc_address,
            _: *const evmc_bytes32,
        ) -> evmc_bytes32 {
            evmc_bytes32::default()
        }
        unsafe extern "C" fn set_storage(
            _: *mut evmc_host_context,
            _: *const evmc_address,
            _: *const evmc_bytes32,
            _: *const evmc_bytes32,
        ) -> i32 {
            // ABI 9's MODIFIED_AGAIN, ABI 12's DELETED: never what the
            // writes below did at a legacy revision.
            2
        }
        let mut iface = evmc_host_interface::NONE;
        iface.get_storage = storage.then_some(get_storage as _);
        iface.set_storage = storage.then_some(set_storage as _);
        iface
    }

    fn store(storage: bool, revision: Revision) -> StorageStatus {
        let mut host = EvmcHost::new(iface(storage), std::ptr::null_mut(), 0, revision);
        host.set_storage(&Address::default(), &Bytes32::ZERO, &Bytes32([7; 32]))
    }

    #[test]
    fn a_host_without_set_storage_is_priced_as_the_costliest_write() {
        for revision in [Revision::Byzantium, Revision::Shanghai] {
            assert_eq!(store(false, revision), StorageStatus::Added, "{revision}");
        }
    }

    #[test]
    fn a_write_is_priced_from_the_hosts_status_except_at_abi9_legacy_revisions() {
        if EVMC_ABI_VERSION == 9 {
            // Byzantium and Petersburg: current zero, new non-zero, 20,000
            // whatever the host answers.
            assert_eq!(store(true, Revision::Byzantium), StorageStatus::Added);
            assert_eq!(store(true, Revision::Petersburg), StorageStatus::Added);
            // Net metering: MODIFIED_AGAIN is a later write, the warm price.
            assert_eq!(
                store(true, Revision::Constantinople),
                StorageStatus::Assigned
            );
            assert_eq!(store(true, Revision::Istanbul), StorageStatus::Assigned);
        } else {
            // ABI 12: the host's DELETED at every revision.
            assert_eq!(store(true, Revision::Byzantium), StorageStatus::Deleted);
            assert_eq!(store(true, Revision::Istanbul), StorageStatus::Deleted);
        }
    }
}
