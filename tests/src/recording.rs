//! A host that answers as a test says and records what the VM asks: for
//! testing what `libiris.so` does with each host callback, through the C
//! ABI, without a world behind it.

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallOutcome, EvmHost, Message, Status, StorageStatus,
    TxContext, U256,
};

/// A client that records what the VM asks and answers as a test says.
///
/// Every account exists, with a balance of 1,000 and no code (unless it
/// is [`designation`](RecordingHost::designation)'s); every slot holds
/// `0x0101…01`; nested calls succeed with all their gas left unless
/// [`callee`](RecordingHost::callee) says otherwise.
#[derive(Debug, Default)]
pub struct RecordingHost {
    /// What `access_account` and `access_storage` answer (warm if unset).
    pub access: Option<AccessStatus>,
    /// What `set_storage` answers (`Assigned` if unset).
    pub status: Option<StorageStatus>,
    /// The status and refund nested calls answer.
    pub callee: Option<(Status, i64)>,
    /// An account whose code is an EIP-7702 designation, and its delegate.
    pub designation: Option<(Address, Address)>,
    /// The accounts `access_account` was asked about, in order.
    pub accounts: Vec<Address>,
    /// The slots `access_storage` was asked about, in order.
    pub slots: Vec<(Address, Bytes32)>,
    /// The nested messages, in order.
    pub calls: Vec<Message<'static>>,
    /// The storage writes, in order.
    pub stores: Vec<(Address, Bytes32, Bytes32)>,
}

impl RecordingHost {
    /// Whether the VM asked nothing it records: no access, call or store.
    pub fn untouched(&self) -> bool {
        self.accounts.is_empty()
            && self.slots.is_empty()
            && self.calls.is_empty()
            && self.stores.is_empty()
    }
}

impl EvmHost for RecordingHost {
    fn account_exists(&mut self, _: &Address) -> bool {
        true
    }
    fn get_storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
        Bytes32([1; 32])
    }
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.stores.push((*address, *key, *value));
        self.status.unwrap_or(StorageStatus::Assigned)
    }
    fn get_balance(&mut self, _: &Address) -> U256 {
        U256::from(1_000u64)
    }
    fn get_code_size(&mut self, _: &Address) -> usize {
        0
    }
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let Some((_, delegate)) = self.designation.filter(|(at, _)| at == address) else {
            return 0;
        };
        let mut code = vec![0xef, 0x01, 0x00];
        code.extend_from_slice(&delegate.0);
        let source = code.get(offset..).unwrap_or(&[]);
        let n = source.len().min(buffer.len());
        buffer[..n].copy_from_slice(&source[..n]);
        n
    }
    fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
        true
    }
    fn access_account(&mut self, address: &Address) -> AccessStatus {
        self.accounts.push(*address);
        self.access.unwrap_or(AccessStatus::Warm)
    }
    fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
        self.slots.push((*address, *key));
        self.access.unwrap_or(AccessStatus::Warm)
    }
    fn call(&mut self, message: &Message) -> CallOutcome {
        self.calls.push(message.clone().into_owned());
        let (status, gas_refund) = self.callee.unwrap_or((Status::Success, 0));
        CallOutcome {
            status,
            gas_left: message.gas,
            gas_refund,
            output: Vec::new().into(),
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
