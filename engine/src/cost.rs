//! Fuel prices: what each operator, page of growth and bulk unit costs.

use std::fmt;

pub use wasmparser::Operator;

/// Prices fuel for metered execution.
///
/// The translator sums [`CostModel::operator_cost`] over each metering
/// block (see `docs/architecture.md`) and charges the sum once, at the
/// block's entry. `memory.grow` and the bulk operators also pay a dynamic
/// cost in their handlers, before any effect.
pub trait CostModel: fmt::Debug + Send + Sync + 'static {
    /// The static cost of one operator. A metering block's closing `end`
    /// or `else` is priced once, as `Operator::End`, with the block.
    fn operator_cost(&self, op: &Operator<'_>) -> u64;

    /// The cost of each page that `memory.grow` asks for, charged before
    /// growing (whether or not the growth then succeeds).
    fn memory_grow_page_cost(&self) -> u64;

    /// The cost of each byte that `memory.fill`, `memory.copy` and
    /// `memory.init` touch, and of each element of the table bulk operators.
    fn bulk_unit_cost(&self) -> u64;

    /// The cost of a `memory.fill`, `memory.copy` or `memory.init` of
    /// `bytes` bytes (by default `bytes * bulk_unit_cost()`), charged
    /// before the operator has any effect.
    fn memory_bulk_cost(&self, bytes: u64) -> u64 {
        bytes.saturating_mul(self.bulk_unit_cost())
    }

    /// The cost of a table bulk operator over `elements` elements (by
    /// default `elements * bulk_unit_cost()`).
    fn table_bulk_cost(&self, elements: u64) -> u64 {
        elements.saturating_mul(self.bulk_unit_cost())
    }

    /// Whether operators cost anything at all. A model that answers `false`
    /// (fuel paid by host functions only) makes the translator emit no
    /// per-block charges.
    fn charges_operators(&self) -> bool {
        true
    }
}

/// The default prices: every operator costs 1; growth and bulk units are
/// free.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitCost;

impl CostModel for UnitCost {
    fn operator_cost(&self, _op: &Operator<'_>) -> u64 {
        1
    }

    fn memory_grow_page_cost(&self) -> u64 {
        0
    }

    fn bulk_unit_cost(&self) -> u64 {
        0
    }
}
