//! One execution: code and message in, outcome out.

use std::sync::Arc;

use engine::{
    Config, CostModel, Engine, Extern, Instance, Linker, Module, Opcode, Store, Trap, TrapCode,
};

use crate::cache::{Compiled, Contract, ModuleCache, DEFAULT_CACHE_BYTES};
use crate::eei::{self, EeiCtx, EeiError, FrameData, Halt};
use crate::gas::{self, Gas};
use crate::host::EvmHost;
use crate::kept::{Kept, Slot};
use crate::metering::{float_operators, EwasmCostModel, GasModel};
use crate::profile::{GasProfile, CODE, INITIAL_MEMORY};
use crate::reason::{FailureReason, GasSite};
use crate::revision::Revision;
use crate::schedule::Schedule;
use crate::types::{CallKind, Held, Message, Outcome, Status};
use crate::validate::{check_contract, has_wasm_preamble, unpriced_operators, ContractError};

/// Elements a contract's table may hold: WebAssembly 1.0 compilers use
/// the table for function pointers only, and its elements are allocated at
/// instantiation without charge.
const MAX_TABLE_ELEMENTS: u32 = 65_536;

/// The stack an execution must find left, or it runs on a new segment:
/// far more than one level of Iris and a host between two nested
/// executions take (8-16 KiB).
const RED_ZONE: usize = 256 * 1024;
/// The size of such a segment (hundreds of levels).
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// What to do with code that is not Wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Evm1Mode {
    /// Fail (`Status::Failure`).
    #[default]
    Reject,
    /// Answer `Status::Rejected`, so the client runs its own EVM.
    Fallback,
}

/// How contracts run.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// Charge every instruction (at the prices of [`ExecConfig::gas_model`])
    /// and refuse floating point. On by default; off
    /// ([`ExecConfig::trusted`]) only EEI calls and `useGas` cost gas, as in
    /// Hera's default and the Hera-filled state tests: for code that is
    /// pre-metered or trusted, where nothing but the deterministic caps
    /// bounds a loop's time.
    pub metering: bool,
    /// Link the `debug` module.
    pub debug: bool,
    /// What to do with non-Wasm code.
    pub evm1mode: Evm1Mode,
    /// The most pages a contract's memory may have (`memory.grow` past it
    /// returns -1).
    pub max_memory_pages: u32,
    /// How many compiled contracts to keep (0: none).
    pub cache_size: usize,
    /// The most bytes the kept contracts may hold together, code and
    /// compiled module (default [`DEFAULT_CACHE_BYTES`], 256 MiB).
    pub cache_bytes: usize,
    /// Record where gas goes ([`Executor::execute_profiled`]); profiling
    /// changes no result and no charge.
    pub profile: bool,
    /// The prices metering charges (default [`GasModel::Iris`]; the
    /// Sentinel's exact prices with [`GasModel::Sentinel`]).
    pub gas_model: GasModel,
    /// The most 64 KiB pages of linear memory all frames of one execution
    /// may hold together, their call data counted as memory (default
    /// 4,096: 256 MiB): a frame's initial memory or `memory.grow` past
    /// what the frames below it left fails
    /// (instantiation as `Failure`, growth returning -1), the same on
    /// every machine. Gas bounds memory when metering is on; this bounds
    /// it when metering is off, where the code is trusted. Carried across
    /// nested calls by hosts that answer [`EvmHost::held`].
    pub max_execution_pages: u64,
    /// The most table elements all frames of one execution may hold
    /// together (default 1,048,576), as [`ExecConfig::max_execution_pages`].
    pub max_execution_table_elements: u64,
    /// The largest code translated, in bytes (default 262,144; the largest
    /// Ewasm vector's contract has 140,582): larger code is refused as
    /// `ContractValidationFailure` before it is decoded, so translation
    /// time is bounded whatever init code a `create` passes.
    pub max_code_size: usize,
    /// Translate each function of a contract at its first call (on by
    /// default) rather than when the contract is compiled
    /// (`engine::Config::lazy_translation`; `main`, which every execution
    /// calls, is translated when the contract is compiled all the same):
    /// the same results, gas and refusals; only when translation time is
    /// spent differs.
    pub lazy_translation: bool,
    /// Keep an instance of each cached contract between executions, reset
    /// to the state instantiation leaves, for its next execution to
    /// resume rather than instantiate the module again (on by default; at
    /// most 16 an executor; `engine::Store::park`): the same results and
    /// gas; only the time differs. An execution observed by a tracer or
    /// profiled neither keeps nor resumes one.
    pub keep_instances: bool,
}

impl ExecConfig {
    /// Hera's trusted-code mode, for pre-metered code and the Hera-filled
    /// state tests: no instruction metering (only the EEI and `useGas`
    /// charge), the deterministic caps bounding memory instead.
    pub fn trusted() -> Self {
        Self {
            metering: false,
            ..Self::default()
        }
    }
}

impl Default for ExecConfig {
    fn default() -> Self {
        Self {
            metering: true,
            debug: false,
            evm1mode: Evm1Mode::Reject,
            max_memory_pages: 1_024,
            cache_size: 0,
            cache_bytes: DEFAULT_CACHE_BYTES,
            profile: false,
            gas_model: GasModel::Iris,
            max_execution_pages: 4_096,
            max_execution_table_elements: 1 << 20,
            max_code_size: 256 * 1024,
            lazy_translation: true,
            keep_instances: true,
        }
    }
}

/// Interface gas only: instructions are free, `useGas` and the EEI charge.
#[derive(Debug, Clone, Copy)]
struct InterfaceGasOnly;

impl CostModel for InterfaceGasOnly {
    fn operator_cost(&self, _op: Opcode) -> u64 {
        0
    }

    fn memory_grow_page_cost(&self) -> u64 {
        0
    }

    fn bulk_unit_cost(&self) -> u64 {
        0
    }

    fn charges_operators(&self) -> bool {
        false
    }
}

/// Runs contracts: an engine set up once for a configuration.
pub struct Executor {
    config: ExecConfig,
    engine: Engine,
    /// The imports contracts may use, with their types, for validation.
    linker: Linker<EeiCtx<'static>>,
    /// The EEI's functions, built once, each serving every borrow of the
    /// host: what an execution links its contract's imports to.
    eei: eei::EeiTable,
    cache: ModuleCache,
    /// The instances the cached contracts keep ([`crate::kept`]).
    kept: Kept,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Executor {
    /// An executor for `config`.
    ///
    /// # Errors
    ///
    /// Never in practice: the EEI's names are fixed and distinct.
    pub fn new(config: ExecConfig) -> Result<Self, engine::Error> {
        let mut engine_config = Config::default();
        let model: Arc<dyn CostModel> = if config.metering {
            Arc::new(EwasmCostModel::of(config.gas_model))
        } else {
            Arc::new(InterfaceGasOnly)
        };
        // The contract rules on operators are checked while the engine
        // validates and translates the code: no second pass over it.
        let refused = if config.metering {
            unpriced_operators().union(float_operators())
        } else {
            unpriced_operators()
        };
        engine_config
            .refuse_operators(refused)
            .consume_fuel(true)
            .cost_model(model)
            .max_memory_pages(config.max_memory_pages)
            .profile(config.profile)
            .max_table_elements(MAX_TABLE_ELEMENTS)
            .max_module_size(config.max_code_size)
            .max_call_depth(4_096)
            .lazy_translation(config.lazy_translation)
            // Every execution calls `main`: translated with its validation,
            // its code is read once.
            .translate_export_at_load("main");
        let engine = Engine::new(&engine_config);
        let linker = eei::linker(&engine, config.debug)?;
        let cache = ModuleCache::new(config.cache_size, config.cache_bytes);
        let eei = eei::EeiTable::new(config.debug);
        Ok(Self {
            config,
            engine,
            linker,
            eei,
            cache,
            kept: Kept::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ExecConfig {
        &self.config
    }

    /// How many compiled contracts the cache holds.
    pub fn cached(&self) -> usize {
        self.cache.len()
    }

    /// How many instances the cached contracts keep for their next
    /// executions ([`ExecConfig::keep_instances`]).
    pub fn kept_instances(&self) -> usize {
        self.kept.count()
    }

    /// The bytes the cached contracts hold together (code and compiled
    /// module), at most [`ExecConfig::cache_bytes`].
    pub fn cached_bytes(&self) -> usize {
        self.cache.bytes()
    }

    /// Checks `code` against the contract rules and compiles it, or takes
    /// it from the cache.
    ///
    /// # Errors
    ///
    /// The rule it breaks.
    pub fn compile(&self, code: &[u8]) -> Result<Module, ContractError> {
        self.compile_shared(code)
            .map(|compiled| compiled.contract.module.clone())
    }

    /// As [`Executor::compile`], with a shared copy of the code (the
    /// cache's, when it holds the module).
    fn compile_shared(&self, code: &[u8]) -> Result<Arc<Compiled>, ContractError> {
        if let Some(hit) = self.cache.get(code) {
            return Ok(hit);
        }
        let compiled = Arc::new(Compiled {
            contract: self.compile_uncached(code)?,
            code: Arc::from(code),
        });
        self.cache.insert(Arc::clone(&compiled));
        Ok(compiled)
    }

    fn compile_uncached(&self, code: &[u8]) -> Result<Contract, ContractError> {
        if code.get(4..8) != Some(&[1, 0, 0, 0]) {
            return Err(ContractError::Version);
        }
        let module =
            Module::new(&self.engine, code).map_err(|e| ContractError::of_engine_error(&e))?;
        check_contract(&module, &self.linker)?;
        // `check_contract` found every import in the linker, which has the
        // table's functions: this cannot fail.
        let links = self
            .eei
            .links(&module)
            .map_err(ContractError::UnknownImport)?;
        let memory_pages = module
            .exports()
            .filter_map(|export| match export.ty {
                engine::ExternType::Memory(ty) => Some(u64::from(ty.min)),
                _ => None,
            })
            .sum();
        // `check_contract` found `main`.
        let main = module.get_export_index("main").ok_or(ContractError::Main)?;
        Ok(Contract {
            module,
            main,
            links,
            memory_pages,
            kept: Arc::new(Slot::default()),
        })
    }

    /// Executes `message` with `code` against `host`, borrowed for the
    /// execution (nested calls go through it), at `revision`'s prices
    /// ([`Schedule::of`]).
    ///
    /// The outcome's `gas_left` is never negative and never more than
    /// `message.gas`, whatever the host answers: a nested call that answers
    /// more gas than it was given fails and gives nothing back. A revision
    /// before Byzantium is refused with [`Status::Rejected`], no code run.
    pub fn execute(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        // The host's observer, if any, sees the frame begin and end, with
        // its gas profile when the executor profiles.
        if let Some(observer) = host.observer() {
            observer.frame_enter(message, revision);
        }
        let (outcome, profile) = self.execute_profiled(host, revision, message, code);
        if let Some(observer) = host.observer() {
            observer.frame_exit(message, &outcome, profile);
        }
        outcome
    }

    /// [`Executor::execute`], with the gas profile of the execution when
    /// the executor profiles ([`ExecConfig::profile`]), handed to the
    /// caller rather than to the host's observer (which is not told of
    /// this frame's start and end; nested executions still tell it). Its total is the
    /// gas used (`message.gas - outcome.gas_left`); code that never ran
    /// (not Wasm, or not a valid contract) has no profile.
    pub fn execute_profiled(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> (Outcome, Option<GasProfile>) {
        // A host answering a nested call by executing again on the same
        // thread (as EVMC clients do) comes back here one level deeper:
        // when little of the thread's stack is left, the execution runs on
        // a segment of its own, so the EVM's 1,024 levels fit any thread.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.execute_here(host, revision, message, code)
        })
    }

    /// [`Executor::execute_profiled`] on the current stack.
    fn execute_here(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> (Outcome, Option<GasProfile>) {
        let Some(schedule) = Schedule::of(revision) else {
            return (Outcome::failed(Status::Rejected), None);
        };
        let Some(gas) = Gas::from_evmc(message.gas) else {
            let reason = FailureReason::Internal(format!("negative gas {}", message.gas));
            return (Outcome::failed_for(Status::InternalError, reason), None);
        };
        let fuel = gas.fuel();
        if !has_wasm_preamble(code) {
            // Handed back to the client's EVM, the code has not failed.
            let outcome = match self.config.evm1mode {
                Evm1Mode::Reject => Outcome::failed_for(Status::Failure, FailureReason::NotWasm),
                Evm1Mode::Fallback => Outcome::failed(Status::Rejected),
            };
            return (outcome, None);
        }
        // The Iris model charges for the code before translating it.
        let code_cost = self.code_cost(code.len());
        let Some(fuel) = fuel.checked_sub(code_cost) else {
            let reason = FailureReason::OutOfGas(GasSite::Code { bytes: code.len() });
            return (Outcome::failed_for(Status::OutOfGas, reason), None);
        };
        let compiled = match self.compile_shared(code) {
            Ok(compiled) => compiled,
            Err(rule) => {
                let failed = Outcome::failed_for(
                    Status::ContractValidationFailure,
                    FailureReason::Contract(rule),
                );
                return (failed, None);
            }
        };
        let Compiled {
            contract,
            code: shared,
        } = &*compiled;
        let Contract {
            module,
            memory_pages,
            kept,
            ..
        } = contract;
        // The frames below, and this frame's call data, which it holds
        // beside its memory.
        let mut below = host.held().map(|held| *held).unwrap_or_default();
        let input_pages = Held::pages_for(message.input.len());
        below.pages = below.pages.saturating_add(input_pages);
        let allowance = Held {
            pages: self.config.max_execution_pages.saturating_sub(below.pages),
            elements: self
                .config
                .max_execution_table_elements
                .saturating_sub(below.elements),
        };
        let mut frame = FrameData::new(Arc::clone(shared));
        frame.held_below = below;
        frame.allowance = allowance;
        // With an observer, the store tells it of each EEI call, and of
        // each charge if it asks (only a profiling store has blocks).
        let observer = host.observer();
        let observed = observer.is_some();
        let steps = self.config.profile && observer.is_some_and(|o| o.wants_gas_steps());
        if observed {
            frame.import_types = Some(eei::import_types(module));
        }
        let mut cx = EeiCtx::new(host, schedule, message, &mut frame);
        cx.price_data = self.prices_data();
        // The contract's kept instance, if it has one and this execution
        // may use it (unobserved, unprofiled: such a store is not kept).
        let keep = self.config.keep_instances && !observed && !self.config.profile;
        let resumed = if keep {
            let limits = (allowance.pages, allowance.elements);
            kept.resume(cx, limits)
        } else {
            Err(cx)
        };
        let (mut store, instance) = match resumed {
            Ok((store, instance)) => (store, Some(instance)),
            Err(cx) => {
                let mut store = Store::new(&self.engine, cx);
                if observed {
                    store.observe_host_calls(eei::observe_call);
                }
                if steps {
                    store.observe_charges(eei::observe_charge);
                }
                store.limit_growth(allowance.pages, allowance.elements);
                (store, None)
            }
        };
        let memory_cost = self.initial_memory_cost(*memory_pages);
        let mut outcome = self.run(&mut store, contract, fuel, memory_cost, instance);
        // Deployed code that looks like Wasm must be a valid contract.
        if message.kind == CallKind::Create
            && outcome.status == Status::Success
            && has_wasm_preamble(&outcome.output)
        {
            if let Err(rule) = self.compile(&outcome.output) {
                outcome = Outcome::failed_for(
                    Status::ContractValidationFailure,
                    FailureReason::DeployedCode(rule),
                );
            }
        }
        let profile = store.profile().map(|recorded| {
            // `run` keeps 0 <= gas_left <= message.gas.
            let used = Gas::from_evmc(outcome.gas_left)
                .and_then(|left| gas.checked_sub(left))
                .map_or(0, Gas::fuel);
            let failed = !matches!(outcome.status, Status::Success | Status::Revert);
            // Charged only if the gas covered it.
            let memory = if memory_cost <= fuel { memory_cost } else { 0 };
            let upfront = [(CODE, code_cost), (INITIAL_MEMORY, memory)];
            GasProfile::from_store(&store, recorded, code, used, &upfront, failed)
        });
        // Kept for the contract's next execution, unless the run ended in
        // an internal error (a host function that panicked may have left
        // the store half-changed; a reset would not know), or the cache
        // does not hold the contract (this execution has the only
        // reference to its slot): no next execution would find it.
        let cached = Arc::strong_count(&compiled) > 1;
        if keep && cached && outcome.status != Status::InternalError {
            self.kept.keep(kept, store);
        }
        (outcome, profile)
    }

    /// Whether code, call data, return data and initial memory are priced: the
    /// Iris gas model, metering on.
    fn prices_data(&self) -> bool {
        self.config.metering && self.config.gas_model == GasModel::Iris
    }

    /// What running `len` bytes of code costs before it is translated:
    /// [`gas::CODE_BYTE`] per byte in the Iris model, nothing otherwise.
    fn code_cost(&self, len: usize) -> u64 {
        if !self.prices_data() {
            return 0;
        }
        u64::try_from(len)
            .unwrap_or(u64::MAX)
            .saturating_mul(gas::CODE_BYTE)
    }

    /// What a contract's initial memory costs: its exported memories'
    /// `pages` at the price of `memory.grow` pages, in the Iris model;
    /// nothing otherwise.
    fn initial_memory_cost(&self, pages: u64) -> u64 {
        if !self.prices_data() {
            return 0;
        }
        // A memory over the page limit is refused at instantiation, as
        // a contract that breaks the limit, not charged for.
        if pages > u64::from(self.config.max_memory_pages) {
            return 0;
        }
        pages.saturating_mul(EwasmCostModel::of(self.config.gas_model).grow_page)
    }

    /// The contract's imports linked to the executor's shared functions,
    /// in import order (as `instantiate_with` and `resume` ask):
    /// `check_contract` found every import among them, with its type, and
    /// `links` has their indices.
    fn linking<'a, 'h>(
        &'a self,
        links: &'a [u16],
    ) -> impl FnMut(&str, &str) -> Option<engine::HostImport<'a, EeiCtx<'h>>> + 'a {
        let mut next = 0;
        move |_, _| {
            let link = links.get(next).copied();
            next += 1;
            link.and_then(|index| self.eei.import(index))
        }
    }

    /// Runs `contract`'s `main` (in `resumed`, its kept instance, or in a
    /// new one) with `fuel` (the message's gas, less its code's price),
    /// having charged `memory_cost` for the initial memory first, and maps
    /// how it ended to an outcome.
    ///
    /// The frame's gas is checked on the way out: it ends with at most the
    /// gas it was given (a callee's stipend is part of its `gas`, and was
    /// charged to its caller as the value transfer), never more, never
    /// negative. Fuel comes back only from nested calls, each giving back
    /// at most what it was given, so a frame ending with more is a bug,
    /// reported as `InternalError` rather than minted gas.
    fn run(
        &self,
        store: &mut Store<EeiCtx<'_>>,
        contract: &Contract,
        fuel: u64,
        memory_cost: u64,
        resumed: Option<Instance>,
    ) -> Outcome {
        // Charged before anything is allocated (a resumed instance was
        // allocated by an earlier execution: nothing to tell apart).
        let Some(fuel_after_memory) = fuel.checked_sub(memory_cost) else {
            return Outcome::failed_for(
                Status::OutOfGas,
                FailureReason::OutOfGas(GasSite::InitialMemory),
            );
        };
        if store.set_fuel(fuel_after_memory).is_err() {
            let reason = FailureReason::Internal("the engine does not meter".to_string());
            return Outcome::failed_for(Status::InternalError, reason);
        }
        let instance = match resumed {
            Some(instance) => Ok(instance),
            None => store.instantiate_with(&contract.module, self.linking(&contract.links)),
        };
        let result = instance.and_then(|instance| {
            let main = instance.get_module_export(store, &contract.main);
            match main.and_then(Extern::into_func) {
                // The trap as it is: a contract's `finish` ends with one,
                // and an `Error` around it would be allocated.
                Some(main) => main.typed::<(), ()>(store)?.call_or_trap(store, ()),
                // `contract.main` is the instance's module's export `main`,
                // which `check_contract` found to be a function.
                None => Err(engine::Error::from(TrapCode::Internal)),
            }
        });
        let left = store.get_fuel().ok().filter(|left| *left <= fuel);
        let Some(gas_left) = left.and_then(Gas::from_fuel) else {
            let reason = FailureReason::Internal(
                "the frame ended with more gas than it was given".to_string(),
            );
            return Outcome::failed_for(Status::InternalError, reason);
        };
        let output = std::mem::take(&mut store.data_mut().frame.output);
        let refund = store.data().refund;
        // Only a successful frame keeps its refund, as in the EVM.
        let kept = |status| Outcome {
            status,
            gas_left: gas_left.to_evmc(),
            gas_refund: if status == Status::Success { refund } else { 0 },
            output: Vec::new(),
            reason: None,
        };
        // The run's trap, whether `main` raised it or instantiation did
        // (a start function's).
        let trapped = match result {
            Ok(Ok(())) => Ok(None),
            Ok(Err(trap)) => Ok(Some(trap)),
            Err(error) => error.into_trap().map(Some),
        };
        match trapped {
            Ok(None) => kept(Status::Success),
            Ok(Some(mut trap)) => match status_of(&trap) {
                (Status::Success, Some(Halt::Finish)) => Outcome {
                    output,
                    ..kept(Status::Success)
                },
                (Status::Revert, _) => Outcome {
                    output,
                    ..kept(Status::Revert)
                },
                (Status::Success, _) => kept(Status::Success),
                (status, _) => {
                    let reason = FailureReason::of_trap(&mut trap, &store.data().frame.code);
                    Outcome::failed_for(status, reason)
                }
            },
            // A frame whose memory or table does not fit what the
            // frames below it left of the execution's caps.
            Err(error)
                if matches!(
                    error.kind(),
                    engine::ErrorKind::Limit(engine::LimitError::Allowance { .. })
                ) =>
            {
                Outcome::failed_for(Status::Failure, FailureReason::Limit(error.to_string()))
            }
            // Linking cannot fail after validation; anything else is ours.
            Err(error) => Outcome::failed_for(
                Status::ContractValidationFailure,
                FailureReason::Contract(ContractError::of_engine_error(&error)),
            ),
        }
    }
}

/// The status a trap ends an execution with.
fn status_of(trap: &Trap) -> (Status, Option<Halt>) {
    if let Some(halt) = trap.downcast_ref::<Halt>() {
        let status = match halt {
            Halt::Finish | Halt::SelfDestruct => Status::Success,
            Halt::Revert => Status::Revert,
        };
        return (status, Some(*halt));
    }
    if let Some(error) = trap.downcast_ref::<EeiError>() {
        let status = match error {
            EeiError::StaticModeViolation => Status::StaticModeViolation,
            EeiError::InvalidMemoryAccess => Status::InvalidMemoryAccess,
            EeiError::ArgumentOutOfRange => Status::ArgumentOutOfRange,
            EeiError::ContractValidation(_) => Status::ContractValidationFailure,
            EeiError::Internal(_) => Status::InternalError,
        };
        return (status, None);
    }
    if trap.downcast_ref::<crate::eei::OutOfBounds>().is_some() {
        return (Status::InvalidMemoryAccess, None);
    }
    match trap.code() {
        Some(TrapCode::OutOfFuel) => (Status::OutOfGas, None),
        Some(TrapCode::Internal) => (Status::InternalError, None),
        _ => (Status::Failure, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_bug_is_an_internal_error_not_the_contracts_failure() {
        let mut trap = Trap::from(TrapCode::Internal);
        assert_eq!(status_of(&trap), (Status::InternalError, None));
        let reason = FailureReason::of_trap(&mut trap, &[]);
        assert!(
            matches!(&reason, FailureReason::Internal(why) if why.contains("internal engine error")),
            "{reason:?}"
        );
        // A trap of the code's own stays the contract's failure.
        let trap = Trap::from(TrapCode::Unreachable);
        assert_eq!(status_of(&trap), (Status::Failure, None));
    }
}
