//! Engine configuration: features that are on, and the deterministic limits.

use std::sync::Arc;

use crate::cost::{CostModel, UnitCost};
use crate::opcode::OpcodeSet;

/// How an [`Engine`](crate::Engine) compiles and runs modules.
///
/// Every limit is deterministic: the same module and inputs hit the same
/// limit at the same point on every machine and build.
///
/// ```
/// let mut config = engine::Config::default();
/// config.max_call_depth(1_000).max_memory_pages(16);
/// assert_eq!(config.get_max_call_depth(), 1_000);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) consume_fuel: bool,
    pub(crate) cost_model: Arc<dyn CostModel>,
    pub(crate) max_memory_pages: u32,
    pub(crate) max_table_elements: u32,
    pub(crate) max_value_stack: u32,
    pub(crate) max_call_depth: u32,
    pub(crate) max_module_size: usize,
    pub(crate) max_code_instructions: u64,
    pub(crate) profile: bool,
    pub(crate) refused: OpcodeSet,
    pub(crate) lazy_translation: bool,
    pub(crate) eager_exports: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            consume_fuel: false,
            cost_model: Arc::new(UnitCost),
            max_memory_pages: 16_384,
            max_table_elements: 10_000_000,
            max_value_stack: 1 << 20,
            max_call_depth: 16_384,
            max_module_size: 64 << 20,
            max_code_instructions: 1 << 24,
            profile: false,
            refused: OpcodeSet::EMPTY,
            lazy_translation: true,
            eager_exports: Vec::new(),
        }
    }
}

impl Config {
    /// Turns fuel metering on or off (off by default).
    ///
    /// With metering on, each basic block charges its static cost at entry
    /// and a store must be given fuel with [`Store::set_fuel`](crate::Store::set_fuel).
    pub fn consume_fuel(&mut self, on: bool) -> &mut Self {
        self.consume_fuel = on;
        self
    }

    /// Records where fuel goes (off by default): each store then keeps a
    /// [`Profile`](crate::Profile) of the fuel charged by call stack and by
    /// metering block ([`Store::profile`](crate::Store::profile)). Only
    /// metered execution is profiled. With profiling off, translated code
    /// is exactly what it would be without this option.
    pub fn profile(&mut self, on: bool) -> &mut Self {
        self.profile = on;
        self
    }

    /// The fuel prices used when metering is on (default [`UnitCost`]).
    pub fn cost_model(&mut self, model: Arc<dyn CostModel>) -> &mut Self {
        self.cost_model = model;
        self
    }

    /// The most 64 KiB pages one linear memory may have (default 16,384:
    /// 1 GiB; at most 65,536, the 32-bit address space).
    pub fn max_memory_pages(&mut self, pages: u32) -> &mut Self {
        self.max_memory_pages = pages.min(65_536);
        self
    }

    /// The most elements one table may have (default 10,000,000).
    pub fn max_table_elements(&mut self, elements: u32) -> &mut Self {
        self.max_table_elements = elements;
        self
    }

    /// The most value slots (locals and operands, 8 bytes each) all active
    /// frames of one call may use together (default 1,048,576).
    pub fn max_value_stack(&mut self, slots: u32) -> &mut Self {
        self.max_value_stack = slots;
        self
    }

    /// The most nested Wasm and host calls (default 16,384).
    pub fn max_call_depth(&mut self, depth: u32) -> &mut Self {
        self.max_call_depth = depth;
        self
    }

    /// The largest module binary accepted, in bytes (default 64 MiB).
    pub fn max_module_size(&mut self, bytes: usize) -> &mut Self {
        self.max_module_size = bytes;
        self
    }

    /// The most interpreter instructions one module may translate to
    /// (default 16,777,216: 384 MiB of code). Each function is bounded
    /// besides by [`CODE_PER_BYTE`](crate::CODE_PER_BYTE) instructions per
    /// byte of its body, so translated code is at most a fixed multiple of
    /// the binary's size; this caps the total. A module over it is refused
    /// with [`LimitError::Code`](crate::LimitError::Code).
    pub fn max_code_instructions(&mut self, instructions: u64) -> &mut Self {
        self.max_code_instructions = instructions;
        self
    }

    /// Operators that modules may not use (none by default): an
    /// embedder's own rule, such as a blockchain's ban on floating point.
    /// Compiling a module that holds one, reachable or not, fails with
    /// [`ErrorKind::RefusedOperator`](crate::ErrorKind::RefusedOperator)
    /// naming the first, found while the code is validated and translated
    /// (no second pass over the code).
    pub fn refuse_operators(&mut self, operators: OpcodeSet) -> &mut Self {
        self.refused = operators;
        self
    }

    /// Translates each function at its first call (on, the default) or
    /// every function when the module is compiled (off).
    ///
    /// Either way [`Module::new`](crate::Module::new) decodes and
    /// validates the whole module, and refuses exactly the same modules
    /// with the same errors: everything translation could refuse is
    /// decided at load (a module whose code allowance,
    /// [`Config::max_code_instructions`], does not cover every function's
    /// bound is translated at load). Results and fuel are the same; only
    /// when the time is spent differs. The one failure left for a first
    /// call is the system refusing memory for the code, which traps with
    /// [`TrapCode::Internal`](crate::TrapCode::Internal).
    pub fn lazy_translation(&mut self, on: bool) -> &mut Self {
        self.lazy_translation = on;
        self
    }

    /// Translates the function exported as `name` when the module is
    /// loaded, even when translation is lazy: for a function that every
    /// run calls (an Ewasm contract's `main`), translating it at its first
    /// call would only read its code a second time (validation reads it at
    /// load). A module's start function is always translated at load.
    /// Nothing but time differs: the code, results, fuel and refusals are
    /// those of either mode.
    pub fn translate_export_at_load(&mut self, name: impl Into<String>) -> &mut Self {
        self.eager_exports.push(name.into());
        self
    }

    /// Whether fuel metering is on.
    pub fn get_consume_fuel(&self) -> bool {
        self.consume_fuel
    }

    /// The configured call-depth limit.
    pub fn get_max_call_depth(&self) -> u32 {
        self.max_call_depth
    }
}
