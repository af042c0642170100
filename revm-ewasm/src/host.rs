//! The EEI's host over revm's context: state through revm's journal (warm
//! sets, checkpoints and logs included), nested calls through revm's own
//! frames.

use std::marker::PhantomData;

use ewasm_host::{self as ewasm, AccessStatus, CallKind, EvmHost, StorageStatus};
use revm::bytecode::Bytecode;
use revm::context::{Cfg, ContextError, Evm};
use revm::context_interface::{ContextTr, Host, JournalTr};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EvmTr, FrameResult, PrecompileProvider};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, InterpreterResult,
    SharedMemory,
};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, AddressSet, Bytes, Log, B256};
use revm::state::EvmState;

use crate::convert;
use crate::frames::{run_frames, WasmParts};
use crate::precompiles::EwasmPrecompiles;

/// The stack a nested frame must find left, or it runs on a new segment:
/// more than one level of EVM → Wasm → EVM takes (about 10 KiB).
pub(crate) const RED_ZONE: usize = 256 * 1024;
/// The size of such a segment (about 800 levels).
pub(crate) const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// The client of one Wasm frame: revm's context and the precompile
/// provider the frame runs under, both borrowed for the frame.
///
/// It keeps no refund of its own: the EEI counts the frame's refunds at
/// its revision's rules (storage statuses, first self-destructs) and adds
/// those of its successful nested frames, which [`RevmHost::call`]
/// answers in `CallOutcome::gas_refund`; the total is the outcome's
/// `gas_refund`, which revm gets as the frame's refunded gas.
pub(crate) struct RevmHost<'a, CTX, P> {
    context: &'a mut CTX,
    precompiles: &'a mut EwasmPrecompiles<P>,
}

impl<'a, CTX, P> RevmHost<'a, CTX, P> {
    /// A host over `context` for a frame running under `precompiles`.
    pub(crate) fn new(context: &'a mut CTX, precompiles: &'a mut EwasmPrecompiles<P>) -> Self {
        Self {
            context,
            precompiles,
        }
    }
}

impl<CTX, P> RevmHost<'_, CTX, P>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    /// The code at `address` and its hash, the account loaded (and
    /// warmed); `None` on a database error, which is kept in the context.
    fn code(&mut self, address: Address) -> Option<(B256, Bytecode)> {
        match self.context.journal_mut().load_account_with_code(address) {
            Ok(account) => Some((
                account.info.code_hash(),
                account.info.code.clone().unwrap_or_default(),
            )),
            Err(error) => {
                *self.context.error() = Err(ContextError::Db(error));
                None
            }
        }
    }

    /// The inputs of a nested call: the callee's code loaded (and its
    /// account warmed) as revm's CALL does, through an EIP-7702
    /// delegation.
    ///
    /// A call the EEI marks delegated (`code_address` the delegate) runs
    /// the delegate's code as it is, and names as `bytecode_address` an
    /// account that is no precompile, as revm's CALL names the delegating
    /// account: revm runs a precompile by `bytecode_address`, and a call to
    /// an account delegating to a precompile's address runs the (empty)
    /// code there, not the precompile. For a call that is the recipient,
    /// the delegating account itself; for a call-code or delegate call,
    /// which [`ewasm::Message`] does not name the delegating account of,
    /// the calling frame's account (Wasm code, no precompile either).
    fn call_inputs(&mut self, message: &ewasm::Message) -> Option<CallInputs> {
        let mut code_address = convert::address(&message.code_address);
        let mut known_bytecode = self.code(code_address)?;
        let spec: SpecId = self.context.cfg().spec().into();
        if message.delegated {
            code_address = convert::address(&message.recipient);
        } else if let Some(delegate) = known_bytecode
            .1
            .eip7702_address()
            .filter(|_| spec.is_enabled_in(SpecId::PRAGUE))
        {
            // EIP-7702 delegations exist from Prague; before it such code
            // is code (it fails at its first byte, 0xef).
            known_bytecode = self.code(delegate)?;
        }
        let value = convert::u256(message.value);
        let (scheme, value) = match message.kind {
            CallKind::DelegateCall => (CallScheme::DelegateCall, CallValue::Apparent(value)),
            CallKind::CallCode => (CallScheme::CallCode, CallValue::Transfer(value)),
            _ if message.is_static && value.is_zero() => {
                (CallScheme::StaticCall, CallValue::Transfer(value))
            }
            _ => (CallScheme::Call, CallValue::Transfer(value)),
        };
        Some(CallInputs {
            input: CallInput::Bytes(Bytes(message.input.to_bytes())),
            return_memory_offset: 0..0,
            gas_limit: u64::try_from(message.gas).unwrap_or(0),
            reservoir: 0,
            bytecode_address: code_address,
            known_bytecode,
            target_address: convert::address(&message.recipient),
            caller: convert::address(&message.sender),
            value,
            scheme,
            is_static: message.is_static,
            charged_new_account_state_gas: false,
        })
    }

    /// Runs `input` as a frame of its own on revm (its EVM, or Iris again
    /// through the precompile provider), `depth` deep, on a fresh stack
    /// segment when little of the stack is left.
    fn run_frame(&mut self, input: FrameInput, depth: usize) -> Option<FrameResult> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.run_frame_here(input, depth)
        })
    }

    /// [`RevmHost::run_frame`] on the current stack.
    fn run_frame_here(&mut self, input: FrameInput, depth: usize) -> Option<FrameResult> {
        let spec = self.context.cfg().spec().into();
        let nested = Nested {
            outer: &mut *self.precompiles,
            context: PhantomData,
        };
        let mut evm = Evm::new(
            &mut *self.context,
            EthInstructions::new_mainnet_with_spec(spec),
            nested,
        );
        let init = FrameInit {
            depth,
            memory: SharedMemory::new(),
            frame_input: input,
        };
        match run_frames(&mut evm, init) {
            Ok(result) => Some(result),
            Err(error) => {
                // Kept in the context: revm ends the transaction with it
                // when the frame that called Iris returns.
                *evm.ctx().error() = Err(error);
                None
            }
        }
    }

    /// What the EEI sees of a frame revm ended with `result`: its refund
    /// only if it succeeded (the EEI joins it to the calling frame's).
    fn ended(result: &InterpreterResult, created: Option<Address>) -> ewasm::CallOutcome {
        let status = convert::status(result.result);
        let gas_refund = if status == ewasm::Status::Success {
            result.gas.refunded()
        } else {
            0
        };
        let gas_left = if status.keeps_gas() {
            i64::try_from(result.gas.remaining()).unwrap_or(0)
        } else {
            0
        };
        ewasm::CallOutcome {
            status,
            gas_left,
            gas_refund,
            // A successful create's output is its code, not return data.
            output: match (status, created) {
                (ewasm::Status::Success, Some(_)) => Vec::new().into(),
                _ => result.output.0.clone(),
            },
            create_address: created
                .filter(|_| status == ewasm::Status::Success)
                .map(convert::to_address),
        }
    }
}

/// The precompile provider of the frames nested in a Wasm frame: the
/// outer provider, reached through one more borrow of the context. Every
/// nesting level has this same type, so EVM → Wasm → EVM → … recurses at
/// run time without new types at compile time.
pub(crate) struct Nested<'p, CTX, P> {
    outer: &'p mut EwasmPrecompiles<P>,
    context: PhantomData<fn(&mut CTX)>,
}

impl<'c, CTX, P> PrecompileProvider<&'c mut CTX> for Nested<'_, CTX, P>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    type Output = InterpreterResult;

    fn set_spec(&mut self, _spec: <<&'c mut CTX as ContextTr>::Cfg as Cfg>::Spec) -> bool {
        // The outer provider was set for the transaction.
        false
    }

    fn run(
        &mut self,
        context: &mut &'c mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        self.outer.run(&mut **context, inputs)
    }

    fn warm_addresses(&self) -> &AddressSet {
        <P as PrecompileProvider<CTX>>::warm_addresses(&self.outer.inner)
    }

    fn contains(&self, address: &Address) -> bool {
        <P as PrecompileProvider<CTX>>::contains(&self.outer.inner, address)
    }
}

impl<CTX, INSP, I, P> WasmParts
    for Evm<&mut CTX, INSP, I, Nested<'_, CTX, P>, EthFrame<EthInterpreter>>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    type Ctx = CTX;
    type Inner = P;

    fn wasm_parts(&mut self) -> (&mut CTX, &mut EwasmPrecompiles<P>) {
        (&mut *self.ctx, &mut *self.precompiles.outer)
    }
}

impl<CTX, P> EvmHost for RevmHost<'_, CTX, P>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    fn account_exists(&mut self, address: &ewasm::Address) -> bool {
        self.context
            .load_account_info_skip_cold_load(convert::address(address), false, false)
            .is_ok_and(|account| !account.is_empty)
    }

    fn get_storage(&mut self, address: &ewasm::Address, key: &ewasm::Bytes32) -> ewasm::Bytes32 {
        self.context
            .sload(convert::address(address), convert::word(key))
            .map(|load| convert::to_word(load.data))
            .unwrap_or_default()
    }

    fn set_storage(
        &mut self,
        address: &ewasm::Address,
        key: &ewasm::Bytes32,
        value: &ewasm::Bytes32,
    ) -> StorageStatus {
        // revm answers the slot's original (at the start of the
        // transaction), present and new values, as its SSTORE prices the
        // write from: the EVMC status is computed from the same three.
        match self.context.sstore(
            convert::address(address),
            convert::word(key),
            convert::word(value),
        ) {
            Some(stored) => StorageStatus::of(
                &convert::to_word(stored.data.original_value),
                &convert::to_word(stored.data.present_value),
                &convert::to_word(stored.data.new_value),
            ),
            // A database error, kept in the context: revm ends the
            // transaction with it, so the price does not matter.
            None => StorageStatus::Assigned,
        }
    }

    fn get_balance(&mut self, address: &ewasm::Address) -> ewasm::U256 {
        self.context
            .balance(convert::address(address))
            .map(|load| convert::to_u256(load.data))
            .unwrap_or_default()
    }

    fn get_code_size(&mut self, address: &ewasm::Address) -> usize {
        self.context
            .load_account_code(convert::address(address))
            .map_or(0, |load| load.data.len())
    }

    fn copy_code(&mut self, address: &ewasm::Address, offset: usize, buffer: &mut [u8]) -> usize {
        let Some(load) = self.context.load_account_code(convert::address(address)) else {
            return 0;
        };
        let code = load.data.get(offset..).unwrap_or_default();
        let len = code.len().min(buffer.len());
        buffer[..len].copy_from_slice(&code[..len]);
        len
    }

    fn selfdestruct(&mut self, address: &ewasm::Address, beneficiary: &ewasm::Address) -> bool {
        // The first self-destruct of the account in the transaction, as
        // revm's SELFDESTRUCT decides its refund (a database error is kept
        // in the context and ends the transaction).
        self.context
            .selfdestruct(
                convert::address(address),
                convert::address(beneficiary),
                false,
            )
            .is_ok_and(|load| !load.data.previously_destroyed)
    }

    fn access_account(&mut self, address: &ewasm::Address) -> AccessStatus {
        // revm's journal warms the account as it loads it, and says whether
        // it was cold: the transaction's warm accounts (sender, recipient,
        // precompiles, coinbase, access list) included, a reverted frame's
        // warming undone. A database error (kept in the context, ending the
        // transaction) answers cold.
        match self
            .context
            .load_account_info_skip_cold_load(convert::address(address), false, false)
        {
            Ok(load) if !load.is_cold => AccessStatus::Warm,
            _ => AccessStatus::Cold,
        }
    }

    fn access_storage(&mut self, address: &ewasm::Address, key: &ewasm::Bytes32) -> AccessStatus {
        // The slot is loaded and warmed as revm's SLOAD does it.
        match self
            .context
            .sload(convert::address(address), convert::word(key))
        {
            Some(load) if !load.is_cold => AccessStatus::Warm,
            _ => AccessStatus::Cold,
        }
    }

    fn call(&mut self, message: &ewasm::Message) -> ewasm::CallOutcome {
        let depth = usize::try_from(message.depth).unwrap_or(usize::MAX);
        let input = if message.kind == CallKind::Create {
            FrameInput::Create(Box::new(CreateInputs::new(
                convert::address(&message.sender),
                revm::interpreter::CreateScheme::Create,
                convert::u256(message.value),
                Bytes(message.input.to_bytes()),
                u64::try_from(message.gas).unwrap_or(0),
                0,
            )))
        } else {
            match self.call_inputs(message) {
                Some(inputs) => FrameInput::Call(Box::new(inputs)),
                None => return ewasm::CallOutcome::failure(),
            }
        };
        match self.run_frame(input, depth) {
            Some(FrameResult::Call(outcome)) => Self::ended(&outcome.result, None),
            // revm ends a create whose sender's nonce is at its maximum
            // (EIP-2681) as a success with no address: for the EEI a
            // failed create (result 1), which as any failure gives back no
            // gas (the EVM's CREATE keeps it: a difference the EEI's
            // statuses cannot express).
            Some(FrameResult::Create(outcome))
                if outcome.address.is_none() && outcome.result.result.is_ok() =>
            {
                ewasm::CallOutcome::failure()
            }
            Some(FrameResult::Create(outcome)) => Self::ended(&outcome.result, outcome.address),
            None => ewasm::CallOutcome::failure(),
        }
    }

    fn get_tx_context(&mut self) -> ewasm::TxContext {
        let context = &*self.context;
        ewasm::TxContext {
            gas_price: convert::to_u256(context.effective_gas_price()),
            origin: convert::to_address(context.caller()),
            coinbase: convert::to_address(context.beneficiary()),
            number: convert::to_i64(context.block_number()),
            timestamp: convert::to_i64(context.timestamp()),
            gas_limit: convert::to_i64(context.gas_limit()),
            difficulty: convert::to_u256(context.prevrandao().unwrap_or(context.difficulty())),
            chain_id: convert::to_u256(context.chain_id()),
        }
    }

    fn get_block_hash(&mut self, number: i64) -> ewasm::Bytes32 {
        // BLOCKHASH's window: the 256 blocks before the current one.
        let current = convert::to_i64(self.context.block_number());
        let Ok(wanted) = u64::try_from(number) else {
            return ewasm::Bytes32::ZERO;
        };
        if number >= current || current - number > 256 {
            return ewasm::Bytes32::ZERO;
        }
        self.context
            .block_hash(wanted)
            .map_or(ewasm::Bytes32::ZERO, convert::hash_to_word)
    }

    fn held(&mut self) -> Option<&mut ewasm::Held> {
        Some(&mut self.precompiles.held)
    }

    fn observer(&mut self) -> Option<&mut dyn ewasm::Observer> {
        self.precompiles.observer.as_deref_mut()
    }

    fn emit_log(&mut self, address: &ewasm::Address, data: &[u8], topics: &[ewasm::Bytes32]) {
        let topics: Vec<B256> = topics.iter().map(convert::topic).collect();
        self.context.log(Log::new_unchecked(
            convert::address(address),
            topics,
            Bytes::copy_from_slice(data),
        ));
    }
}
