//! Native metering with Ewasm's prices.

use engine::{CostModel, Opcode, OpcodeSet};

use crate::gas;

/// Which prices a metered execution charges ([`ExecConfig::gas_model`](crate::ExecConfig::gas_model)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GasModel {
    /// Iris's default: the Sentinel's prices, plus a price for all the
    /// work they leave free. The code costs [`gas::CODE_BYTE`] per byte
    /// before it is translated; initial memory pages cost what `memory.grow`
    /// pages cost (charged before instantiation); call data and return
    /// data cost [`gas::COPY_WORD`] per 32-byte word at the call site;
    /// entering a function costs 1 per [`gas::LOCALS_PER_GAS`] declared
    /// locals (which the call zeroes); table work and `table.grow` cost 1
    /// per element. So gas bounds the time and memory a contract can take.
    #[default]
    Iris,
    /// Exactly what the Sentinel's injected metering charges, as Hera
    /// runs it (`ewasm-host/tests/metering_equivalence.rs` proves the
    /// native metering equal to the injection): for compatibility with
    /// code and tools that count gas that way.
    Sentinel,
}

/// Ewasm's instruction prices as an engine cost model: 1 per operator,
/// 262,144 per page of `memory.grow`, bulk memory 3 per 32-byte word, and,
/// in the [`GasModel::Iris`] model, locals and table elements
/// ([`EwasmCostModel::iris`]).
///
/// With `Config::consume_fuel(true)` the engine then charges, block by
/// block, exactly what the Sentinel's injected `useGas` calls would (with
/// [`EwasmCostModel::default`], the Sentinel's prices).
/// Floating point is priced 1 like everything else: refusing it is the
/// contract validation's job, not the cost model's.
#[derive(Debug, Clone, Copy)]
pub struct EwasmCostModel {
    /// Gas per page of `memory.grow`.
    pub grow_page: u64,
    /// Declared locals a function's entry pays 1 gas for (0: free).
    pub locals_per_gas: u64,
    /// Gas per element of table work and `table.grow`.
    pub table_element: u64,
}

impl Default for EwasmCostModel {
    /// The Sentinel's prices.
    fn default() -> Self {
        Self::sentinel()
    }
}

impl EwasmCostModel {
    /// The Sentinel's prices ([`GasModel::Sentinel`]).
    pub fn sentinel() -> Self {
        Self {
            grow_page: gas::MEMORY_GROW_PAGE,
            locals_per_gas: 0,
            table_element: 0,
        }
    }

    /// Iris's prices ([`GasModel::Iris`]).
    pub fn iris() -> Self {
        Self {
            grow_page: gas::MEMORY_GROW_PAGE,
            locals_per_gas: gas::LOCALS_PER_GAS,
            table_element: gas::TABLE_ELEMENT,
        }
    }

    /// The model's prices.
    pub fn of(model: GasModel) -> Self {
        match model {
            GasModel::Iris => Self::iris(),
            GasModel::Sentinel => Self::sentinel(),
        }
    }
}

impl CostModel for EwasmCostModel {
    fn operator_cost(&self, _op: Opcode) -> u64 {
        gas::INSTRUCTION
    }

    fn memory_grow_page_cost(&self) -> u64 {
        self.grow_page
    }

    fn bulk_unit_cost(&self) -> u64 {
        self.table_element
    }

    /// `COPY_WORD` per 32-byte word, rounded up: what the EEI's copies
    /// charge, and what the injection's bulk helpers charge.
    fn memory_bulk_cost(&self, bytes: u64) -> u64 {
        gas::COPY_WORD.saturating_mul(bytes.div_ceil(32))
    }

    fn table_grow_cost(&self, elements: u64) -> u64 {
        elements.saturating_mul(self.table_element)
    }

    fn locals_cost(&self, locals: u64) -> u64 {
        match self.locals_per_gas {
            0 => 0,
            n => locals.div_ceil(n),
        }
    }
}

/// Whether the Sentinel forbids `op` as floating point: float arithmetic,
/// comparisons, constants and conversions. Float loads, stores and
/// reinterpretations are allowed (they only move bits).
pub fn is_float_operator(op: Opcode) -> bool {
    use Opcode as O;
    matches!(
        op,
        O::F32Const
            | O::F64Const
            | O::F32Eq
            | O::F32Ne
            | O::F32Lt
            | O::F32Gt
            | O::F32Le
            | O::F32Ge
            | O::F64Eq
            | O::F64Ne
            | O::F64Lt
            | O::F64Gt
            | O::F64Le
            | O::F64Ge
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::I32TruncF32S
            | O::I32TruncF32U
            | O::I32TruncF64S
            | O::I32TruncF64U
            | O::I64TruncF32S
            | O::I64TruncF32U
            | O::I64TruncF64S
            | O::I64TruncF64U
            | O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F32DemoteF64
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
            | O::F64PromoteF32
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U
    )
}

/// Every operator [`is_float_operator`] forbids: what the engine refuses
/// in a metered contract (`Config::refuse_operators`).
pub fn float_operators() -> OpcodeSet {
    Opcode::ALL
        .iter()
        .copied()
        .filter(|&op| is_float_operator(op))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_memory_costs_three_per_word_rounded_up() {
        let model = EwasmCostModel::default();
        let costs: Vec<u64> = [0, 1, 32, 33, 64, 65_536]
            .iter()
            .map(|&n| model.memory_bulk_cost(n))
            .collect();
        assert_eq!(costs, [0, 3, 3, 6, 6, 6_144]);
        assert_eq!(model.table_bulk_cost(1_000), 0, "the Sentinel's price");
        let iris = EwasmCostModel::iris();
        assert_eq!(iris.table_bulk_cost(1_000), 1_000);
        assert_eq!(iris.table_grow_cost(7), 7);
        assert_eq!(iris.locals_cost(0), 0);
        assert_eq!(iris.locals_cost(50_000), 50_000 / gas::LOCALS_PER_GAS);
        assert_eq!(model.locals_cost(50_000), 0);
    }

    #[test]
    fn the_float_set_is_arithmetic_and_conversions_not_moving_bits() {
        let floats = float_operators();
        for op in [Opcode::F32Const, Opcode::F64Add, Opcode::F64PromoteF32] {
            assert!(floats.contains(op), "{op}");
        }
        for op in [
            Opcode::F32Load,
            Opcode::F64Store,
            Opcode::I64ReinterpretF64,
            Opcode::I64Add,
        ] {
            assert!(!floats.contains(op), "{op}");
        }
    }
}
