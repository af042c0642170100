//! Operators straight from wasmparser's decoder: [`OpVisitor`] is the
//! visitor the operators reader calls with each operator's immediates.
//! Each visit method builds the operator in the visitor's own field,
//! where the translator then reads it in place, and, when the body is
//! being checked, visits the validator for the operator it is told of
//! rather than dispatching on it again. The checks are [`Checker::visit`]'s,
//! in the same order; what they ask of the operator (its opcode, its work)
//! folds to constants or lookups in each method.

use wasmparser::{FuncValidator, Operator, ValidatorResources, VisitOperator, VisitSimdOperator};

use super::{unsupported, Checker};
use crate::error::Error;
use crate::ir::Simple;
use crate::opcode::{opcode, Opcode};

/// Reads the operators of one body, one visit each: checks them if it
/// has a [`Checker`], and keeps the last one read for the translator.
pub(super) struct OpVisitor<'c, 'v, 'a> {
    /// The checks of a body at load; `None` for a body checked already.
    pub(super) check: Option<&'c mut Checker<'v>>,
    /// The binary offset of the operator being visited.
    pub(super) offset: u64,
    /// The operator read last.
    pub(super) op: Operator<'a>,
    /// What the operator read last translates to if it is a plain one
    /// ([`Simple::of`], folded in each visit method, where the operator is
    /// known).
    pub(super) simple: Option<Simple>,
    /// Why the operator read last was refused.
    error: Option<Error>,
}

impl<'c, 'v> OpVisitor<'c, 'v, '_> {
    /// A visitor that checks each operator with `check`, if given.
    pub(super) fn new(check: Option<&'c mut Checker<'v>>) -> Self {
        Self {
            check,
            offset: 0,
            op: Operator::Nop,
            simple: None,
            error: None,
        }
    }

    /// The refusal of the operator for which a visit gave `None`. (Every
    /// visit that gives `None` keeps its reason; were one missing, the
    /// operator would be named as one the engine does not know.)
    pub(super) fn take_error(&mut self) -> Error {
        self.error
            .take()
            .unwrap_or_else(|| unsupported(self.offset, &self.op))
    }

    /// `opcode`, the opcode of the operator just built (`None` for one the
    /// engine does not know), checked with `validate`
    /// (the validator visited for it) if the body is being checked; `None`
    /// if it is refused, the reason kept for [`OpVisitor::take_error`].
    /// (A two-byte result comes back in a register: a `Result` came back
    /// through memory.)
    #[inline(always)]
    fn opcode(
        &mut self,
        opcode: Option<Opcode>,
        validate: impl FnOnce(&mut FuncValidator<ValidatorResources>, u64) -> wasmparser::Result<()>,
    ) -> Option<Opcode> {
        let opcode = match &mut self.check {
            Some(check) => check.visit(self.offset, &self.op, opcode, validate),
            // Checked at load: every operator is one the engine knows.
            None => opcode.ok_or_else(|| unsupported(self.offset, &self.op)),
        };
        match opcode {
            Ok(opcode) => Some(opcode),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
}

/// A visit method per operator: the operator built from its immediates,
/// and the validator visited with them. `$visitor` names the validator's
/// visitor for the operator's kind (`visitor`, or `simd_visitor`).
macro_rules! define_visit {
    ($visitor:ident $( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.op = Operator::$op $({ $($arg: $arg.clone()),* })?;
                self.simple = Simple::of(&self.op);
                self.opcode(opcode!(@$proposal $op), |validator: &mut FuncValidator<ValidatorResources>, offset| {
                    validator.$visitor(offset).$visit($($($arg),*)?)
                })
            }
        )*
    };
}

macro_rules! define_visit_operator {
    ($($tt:tt)*) => { define_visit!(visitor $($tt)*); };
}

macro_rules! define_visit_simd_operator {
    ($($tt:tt)*) => { define_visit!(simd_visitor $($tt)*); };
}

// The immediates are cloned for the `Operator`, most of them `Copy`.
#[allow(clippy::clone_on_copy)]
impl<'a> VisitOperator<'a> for OpVisitor<'_, '_, 'a> {
    type Output = Option<Opcode>;

    // SIMD operators decode (wasmparser's `simd` feature is on), and the
    // validator refuses them as `Checker::visit` has it do.
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit_operator);
}

#[allow(clippy::clone_on_copy)]
impl<'a> VisitSimdOperator<'a> for OpVisitor<'_, '_, 'a> {
    wasmparser::for_each_visit_simd_operator!(define_visit_simd_operator);
}
