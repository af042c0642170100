//! Validation work: a deterministic bound on what validating and
//! translating operators that carry many values costs.
//!
//! wasmparser's validator (and the translator after it) handle each value
//! a branch, block boundary or call carries one by one: a `br_if` carrying
//! 1,000 values is 1,000 steps for two bytes, and a `br_table` pays that
//! for every target. A module made of such operators validates in time far
//! out of proportion to its size (4 s for 1 MiB of `br_table`s). So every
//! module gets an allowance of [`WORK_PER_BYTE`] values carried per byte of
//! its code section (plus [`WORK_SLACK`]); one that needs more is refused
//! with [`LimitError::Work`](crate::LimitError::Work) before the validator
//! does the work. Compiled code carries a value or two per branch, far
//! below the allowance.

use wasmparser::{BlockType, FrameKind, Operator};

use super::{Checker, ModuleEnv};

/// Values that operators may carry, per byte of the code section.
pub const WORK_PER_BYTE: u64 = 16;

/// Values any module may carry besides [`WORK_PER_BYTE`] per byte.
pub(crate) const WORK_SLACK: u64 = 1 << 16;

impl Checker<'_> {
    /// The values `op` carries: what validating and translating it costs
    /// beyond a constant, from the validator's control frames before it
    /// checks `op`. Out-of-range indices count nothing: the validator
    /// refuses them next.
    #[inline(always)]
    pub(super) fn work(&self, op: &Operator<'_>) -> u64 {
        // The frames of the validator checking the body (Iris's own, or
        // wasmparser's: the same frames).
        let frame = |depth: usize| {
            self.frame(depth).map(|(kind, block_type)| {
                let (params, results) = block_arity(self.env, block_type);
                // The function's own frame, the outermost: its label
                // carries the results, and its `end` the results only.
                let outermost = depth + 1 == self.control_height() as usize;
                let params = if outermost { 0 } else { params };
                (kind, params, results)
            })
        };
        let label = |depth: u32| {
            frame(depth as usize).map_or(0, |(kind, params, results)| {
                u64::from(if kind == FrameKind::Loop {
                    params
                } else {
                    results
                })
            })
        };
        let top = || {
            frame(0).map_or(0, |(_, params, results)| {
                u64::from(params) + u64::from(results)
            })
        };
        match op {
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => {
                label(*relative_depth)
            }
            Operator::BrTable { targets } => {
                (u64::from(targets.len()) + 1).saturating_mul(label(targets.default()))
            }
            Operator::Return => u64::from(self.num_results),
            Operator::Call { function_index } => {
                let (params, results) = self.env.func_arity(*function_index);
                u64::from(params) + u64::from(results)
            }
            Operator::CallIndirect { type_index, .. } => {
                let (params, results) = self.env.type_arity(*type_index);
                u64::from(params) + u64::from(results)
            }
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                let (params, results) = block_arity(self.env, *blockty);
                u64::from(params) + u64::from(results)
            }
            Operator::Else | Operator::End => top(),
            _ => 0,
        }
    }
}

/// The parameter and result counts of a block type.
pub(super) fn block_arity(env: &dyn ModuleEnv, ty: BlockType) -> (u32, u32) {
    match ty {
        BlockType::Empty => (0, 0),
        BlockType::Type(_) => (0, 1),
        BlockType::FuncType(index) => env.type_arity(index),
    }
}
