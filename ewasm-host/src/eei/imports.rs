//! The import tables: each EEI name next to the Rust function that
//! implements it. Contract validation asks a linker built from them for
//! each import's type; executions link through an [`EeiTable`] built from
//! them once per executor.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

use engine::{Caller, Error, FuncType, HostFn, HostImport, IntoFunc, Linker, Module, Trap};

use super::{calls, data, debug, env, state, EeiCtx};

/// An EEI function's body for any borrow of the host: built once, it
/// serves every execution's store, whatever the host's lifetime there.
type SharedFn =
    dyn for<'h> Fn(Caller<'_, EeiCtx<'h>>, &mut [u64]) -> Result<(), Trap> + Send + Sync;

/// One EEI function, built once: its type and its shared body.
struct Shared {
    ty: FuncType,
    func: Arc<SharedFn>,
}

/// The typed Rust function `f` as a shared body and its type.
fn shared<P, R, F>(f: F) -> Shared
where
    F: for<'h> IntoFunc<EeiCtx<'h>, P, R>,
{
    let ty = IntoFunc::<EeiCtx<'static>, P, R>::func_type(&f);
    let func = move |caller: Caller<'_, EeiCtx<'_>>, raw: &mut [u64]| f.call_raw(caller, raw);
    Shared {
        ty,
        func: Arc::new(func),
    }
}

/// Every function of the `ethereum` module (and of `debug` if asked),
/// built once per executor. A contract's imports are found by name once,
/// when it is compiled ([`EeiTable::links`]: kept with the module in the
/// cache); each execution then links them by index ([`EeiTable::import`])
/// with no linker, no name looked up and no type compared by hand.
///
/// The bodies a store is given are this thread's copies
/// ([`EeiTable::import`]): a store instantiated anew clones the body of
/// each import, and on one shared body those counts are one cache line
/// that every thread executing contracts writes.
pub(crate) struct EeiTable {
    /// The functions, `ethereum`'s then `debug`'s.
    functions: Vec<Shared>,
    /// Indices in `functions` by name, per module.
    ethereum: HashMap<&'static str, u16>,
    debug: HashMap<&'static str, u16>,
    /// Whether the table has the `debug` module.
    with_debug: bool,
}

thread_local! {
    /// This thread's copies of the bodies of a table without and with the
    /// `debug` module, in the table's order (built when the thread first
    /// links a contract: some thirty small allocations per thread).
    static BODIES: [OnceCell<Vec<Arc<SharedFn>>>; 2] = const { [OnceCell::new(), OnceCell::new()] };
}

impl EeiTable {
    /// The table, with the `debug` module if `debug`.
    pub(crate) fn new(debug: bool) -> Self {
        let mut functions = Vec::new();
        let mut index = |module: Vec<(&'static str, Shared)>| -> HashMap<&'static str, u16> {
            module
                .into_iter()
                .map(|(name, shared)| {
                    // 33 + 3 functions: far below u16::MAX.
                    let at = functions.len() as u16;
                    functions.push(shared);
                    (name, at)
                })
                .collect()
        };
        let with_debug = debug;
        let ethereum = index(ethereum_table());
        let debug = index(if debug { debug_table() } else { Vec::new() });
        Self {
            functions,
            ethereum,
            debug,
            with_debug,
        }
    }

    /// This thread's copy of the body of function `index` (the same
    /// function: a table built the same way has it at the same index), if
    /// the thread can still keep one.
    fn local_body(&self, index: u16) -> Option<Arc<SharedFn>> {
        BODIES
            .try_with(|bodies| {
                bodies[usize::from(self.with_debug)]
                    .get_or_init(|| {
                        let table = Self::new(self.with_debug);
                        table.functions.into_iter().map(|f| f.func).collect()
                    })
                    .get(usize::from(index))
                    .cloned()
            })
            .ok()
            .flatten()
    }

    /// The index of import `module.name`, if the table has it.
    fn index(&self, module: &str, name: &str) -> Option<u16> {
        let names = match module {
            ETHEREUM => &self.ethereum,
            DEBUG => &self.debug,
            _ => return None,
        };
        names.get(name).copied()
    }

    /// For each import of `module`, in order, the index of its function;
    /// the name of the first one the table lacks, if one does.
    pub(crate) fn links(&self, module: &Module) -> Result<Arc<[u16]>, String> {
        module
            .imports()
            .map(|import| {
                self.index(import.module, import.name)
                    .ok_or_else(|| import.name.to_string())
            })
            .collect()
    }

    /// The function of index `index` ([`EeiTable::links`]), for an
    /// execution to link an import to.
    pub(crate) fn import<'t, 'h>(&'t self, index: u16) -> Option<HostImport<'t, EeiCtx<'h>>> {
        let shared = self.functions.get(usize::from(index))?;
        // A body for every borrow of the host serves this one.
        let func: Arc<HostFn<EeiCtx<'h>>> = self
            .local_body(index)
            .unwrap_or_else(|| shared.func.clone());
        Some(HostImport {
            func,
            ty: &shared.ty,
        })
    }
}

/// The module name of the EEI.
pub(super) const ETHEREUM: &str = "ethereum";
/// The module name of the debugging functions.
pub(super) const DEBUG: &str = "debug";

/// A module's table: `$add_all(linker)` adds its functions to a linker,
/// and `$shared()` builds them all, shared, by name.
macro_rules! table {
    ($add_all:ident, $shared:ident, $module:expr, { $($name:literal => $f:path,)* }) => {
        /// Adds every function of this module to `linker`.
        ///
        /// # Errors
        ///
        /// If one of the names is already defined in `linker`.
        fn $add_all(linker: &mut Linker<EeiCtx<'_>>) -> Result<(), Error> {
            $( linker.func_wrap($module, $name, $f)?; )*
            Ok(())
        }

        /// Every function of this module, shared, by name.
        fn $shared() -> Vec<(&'static str, Shared)> {
            vec![$( ($name, shared($f)), )*]
        }
    };
}

/// Adds the 33 functions of the `ethereum` module.
///
/// # Errors
///
/// If one of the names is already defined in `linker`.
pub fn add_to_linker(linker: &mut Linker<EeiCtx<'_>>) -> Result<(), Error> {
    add_ethereum(linker)
}

table!(add_ethereum, ethereum_table, ETHEREUM, {
        "useGas" => env::use_gas,
        "getGasLeft" => env::get_gas_left,
        "getAddress" => env::get_address,
        "getExternalBalance" => state::get_external_balance,
        "getBlockHash" => env::get_block_hash,
        "getCallDataSize" => data::get_call_data_size,
        "callDataCopy" => data::call_data_copy,
        "getCaller" => env::get_caller,
        "getCallValue" => env::get_call_value,
        "codeCopy" => data::code_copy,
        "getCodeSize" => data::get_code_size,
        "externalCodeCopy" => data::external_code_copy,
        "getExternalCodeSize" => data::get_external_code_size,
        "getBlockCoinbase" => env::get_block_coinbase,
        "getBlockDifficulty" => env::get_block_difficulty,
        "getBlockGasLimit" => env::get_block_gas_limit,
        "getTxGasPrice" => env::get_tx_gas_price,
        "log" => state::log,
        "getBlockNumber" => env::get_block_number,
        "getBlockTimestamp" => env::get_block_timestamp,
        "getTxOrigin" => env::get_tx_origin,
        "storageStore" => state::storage_store,
        "storageLoad" => state::storage_load,
        "finish" => state::finish,
        "revert" => state::revert,
        "getReturnDataSize" => data::get_return_data_size,
        "returnDataCopy" => data::return_data_copy,
        "call" => calls::call,
        "callCode" => calls::call_code,
        "callDelegate" => calls::call_delegate,
        "callStatic" => calls::call_static,
        "create" => calls::create,
        "selfDestruct" => state::self_destruct,
});

/// Adds the `debug` module: printing, free of gas.
///
/// # Errors
///
/// If one of the names is already defined in `linker`.
pub fn add_debug_to_linker(linker: &mut Linker<EeiCtx<'_>>) -> Result<(), Error> {
    add_debug(linker)
}

table!(add_debug, debug_table, DEBUG, {
        "print32" => debug::print32,
        "print64" => debug::print64,
        "printMem" => debug::print_mem,
        "printMemHex" => debug::print_mem_hex,
        "printStorage" => debug::print_storage,
        "printStorageHex" => debug::print_storage_hex,
        "evmTrace" => debug::evm_trace,
});
