//! Fuel prices: what each operator, page of growth and bulk unit costs.

use std::fmt;

use crate::Opcode;

/// Prices fuel for metered execution.
///
/// The translator sums [`CostModel::operator_cost`] over each metering
/// block (see `docs/architecture.md`) and charges the sum once, at the
/// block's entry. `memory.grow` and the bulk operators also pay a dynamic
/// cost in their handlers, before any effect.
pub trait CostModel: fmt::Debug + Send + Sync + 'static {
    /// The static cost of one operator. A metering block's closing `end`
    /// or `else` is priced once, as [`Opcode::End`], with the block. The
    /// engine asks it once per operator, when it is created, and keeps the
    /// prices.
    fn operator_cost(&self, op: Opcode) -> u64;

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

    /// The cost of `table.grow` by `elements` elements, charged before
    /// growing (whether or not the growth then succeeds). Free by default.
    fn table_grow_cost(&self, elements: u64) -> u64 {
        let _ = elements;
        0
    }

    /// The cost of entering a function with `locals` declared locals
    /// (besides its parameters), which a call must zero: added to the
    /// function's first metering block. Free by default.
    fn locals_cost(&self, locals: u64) -> u64 {
        let _ = locals;
        0
    }

    /// Whether operators cost anything at all. A model that answers `false`
    /// (fuel paid by host functions only) makes the translator emit no
    /// per-block charges.
    fn charges_operators(&self) -> bool {
        true
    }
}

/// The default prices: every operator costs 1, and every unit of work an
/// operator does beyond a constant costs about what an operator's time:
/// 1 per 32 bytes that a bulk memory operator touches, 1 per element of a
/// table bulk operator or `table.grow`, 1 per 8 locals a call zeroes, and
/// 64 per page of `memory.grow` (the pages themselves cost nothing until
/// touched, and touching them is priced).
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitCost;

impl CostModel for UnitCost {
    fn operator_cost(&self, _op: Opcode) -> u64 {
        1
    }

    fn memory_grow_page_cost(&self) -> u64 {
        64
    }

    fn bulk_unit_cost(&self) -> u64 {
        1
    }

    fn memory_bulk_cost(&self, bytes: u64) -> u64 {
        bytes.div_ceil(32)
    }

    fn table_grow_cost(&self, elements: u64) -> u64 {
        elements
    }

    fn locals_cost(&self, locals: u64) -> u64 {
        locals.div_ceil(8)
    }
}
