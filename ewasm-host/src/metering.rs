//! Native metering with Ewasm's prices.

use engine::{CostModel, Operator};
use wasmparser::{Parser, Payload};

use crate::gas;

/// Ewasm's instruction prices as an engine cost model: 1 per operator,
/// 262,144 per page of `memory.grow`, bulk operations free beyond their 1.
///
/// With `Config::consume_fuel(true)` the engine then charges, block by
/// block, exactly what the Sentinel's injected `useGas` calls would.
/// Floating point is priced 1 like everything else: refusing it is the
/// contract validation's job, not the cost model's.
#[derive(Debug, Clone, Copy)]
pub struct EwasmCostModel {
    /// Gas per page of `memory.grow`.
    pub grow_page: u64,
}

impl Default for EwasmCostModel {
    fn default() -> Self {
        Self {
            grow_page: gas::MEMORY_GROW_PAGE,
        }
    }
}

impl CostModel for EwasmCostModel {
    fn operator_cost(&self, _op: &Operator<'_>) -> u64 {
        gas::INSTRUCTION
    }

    fn memory_grow_page_cost(&self) -> u64 {
        self.grow_page
    }

    fn bulk_unit_cost(&self) -> u64 {
        0
    }

    /// `COPY_WORD` per 32-byte word, rounded up: what the EEI's copies
    /// charge, and what the injection's bulk helpers charge.
    fn memory_bulk_cost(&self, bytes: u64) -> u64 {
        gas::COPY_WORD.saturating_mul(bytes.div_ceil(32))
    }
}

/// Whether the Sentinel forbids `op` as floating point: float arithmetic,
/// comparisons, constants and conversions. Float loads, stores and
/// reinterpretations are allowed (they only move bits).
pub fn is_float_operator(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::F32Const { .. }
            | O::F64Const { .. }
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

/// The byte offset of the first floating-point instruction in `wasm`'s
/// function bodies ([`is_float_operator`]), if any: what Ewasm's contract
/// validation refuses when metering is on.
///
/// # Errors
///
/// The decoder's error if `wasm` is malformed.
pub fn find_float(wasm: &[u8]) -> Result<Option<u64>, wasmparser::BinaryReaderError> {
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload? {
            let mut reader = body.get_operators_reader()?;
            while !reader.eof() {
                let offset = reader.original_position();
                if is_float_operator(&reader.read()?) {
                    return Ok(Some(offset));
                }
            }
        }
    }
    Ok(None)
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
        assert_eq!(
            model.table_bulk_cost(1_000),
            0,
            "tables are refused, not priced"
        );
    }

    #[test]
    fn find_float_gives_the_offset_of_the_first_float_instruction() {
        let wasm = wat::parse_str(
            "(module (func (result i32) (i32.const 1)) (func (result f64) (f64.const 1)))",
        )
        .unwrap();
        let offset = find_float(&wasm).unwrap().expect("a float is found");
        assert_eq!(wasm[offset as usize], 0x44, "f64.const's opcode");
        let integers = wat::parse_str("(module (func (result i32) (i32.const 1)))").unwrap();
        assert_eq!(find_float(&integers).unwrap(), None);
    }
}
