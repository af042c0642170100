//! The import tables: each EEI name next to the Rust function that
//! implements it. Linking and contract validation both use these tables
//! (validation asks the linker for each import's type).

use engine::{Error, Linker};

use super::{calls, data, debug, env, state, EeiCtx};

/// The module name of the EEI.
pub(super) const ETHEREUM: &str = "ethereum";
/// The module name of the debugging functions.
pub(super) const DEBUG: &str = "debug";

/// A module's table: `$add(linker, name)` adds the function named `name`
/// (whether it is one), and `$names` lists them all.
macro_rules! table {
    ($add:ident, $names:ident, $module:expr, { $($name:literal => $f:path,)* }) => {
        /// Adds the function of this module named `name` to `linker`, if
        /// there is one: whether there was.
        ///
        /// # Errors
        ///
        /// If the name is already defined in `linker`.
        pub(super) fn $add(linker: &mut Linker<EeiCtx<'_>>, name: &str) -> Result<bool, Error> {
            match name {
                $( $name => {
                    linker.func_wrap($module, $name, $f)?;
                    Ok(true)
                } )*
                _ => Ok(false),
            }
        }

        /// Every function name of this module.
        const $names: &[&str] = &[$($name),*];
    };
}

/// Adds the 33 functions of the `ethereum` module.
///
/// # Errors
///
/// If one of the names is already defined in `linker`.
pub fn add_to_linker(linker: &mut Linker<EeiCtx<'_>>) -> Result<(), Error> {
    for name in ETHEREUM_NAMES {
        add_ethereum(linker, name)?;
    }
    Ok(())
}

table!(add_ethereum, ETHEREUM_NAMES, ETHEREUM, {
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
    for name in DEBUG_NAMES {
        add_debug(linker, name)?;
    }
    Ok(())
}

table!(add_debug, DEBUG_NAMES, DEBUG, {
        "print32" => debug::print32,
        "print64" => debug::print64,
        "printMem" => debug::print_mem,
        "printMemHex" => debug::print_mem_hex,
        "printStorage" => debug::print_storage,
        "printStorageHex" => debug::print_storage_hex,
        "evmTrace" => debug::evm_trace,
});
