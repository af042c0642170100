//! Validation straight from wasmparser's decoder, for bodies translated
//! lazily ([`super::check_body`]): [`CheckVisitor`] is the visitor the
//! operators reader calls with each operator's immediates, so no
//! [`Operator`] is decoded into memory and copied out of the reader, and
//! the validator is called for the operator it is told of rather than
//! dispatching on it again. Each visit method makes the same checks as
//! [`Checker::op`], in the same order; what they ask of the operator (its
//! opcode, its work) folds to constants or lookups in each method.
//!
//! Eager translation does not use it: there, the translator needs the
//! `Operator` anyway, and reading it whole measured no slower (decision
//! 0010).

use wasmparser::{FuncValidator, Operator, ValidatorResources, VisitOperator, VisitSimdOperator};

use super::Checker;
use crate::error::Error;

/// Checks the operators of one body, one visit each.
pub(super) struct CheckVisitor<'c, 'v> {
    pub(super) check: &'c mut Checker<'v>,
    /// The binary offset of the operator being visited.
    pub(super) offset: u64,
}

/// A visit method per operator: the operator built from its immediates,
/// and the validator visited with them. `$visitor` names the validator's
/// visitor for the operator's kind (`visitor`, or `simd_visitor`).
macro_rules! define_visit {
    ($visitor:ident $( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let op = Operator::$op $({ $($arg: $arg.clone()),* })?;
                self.check
                    .visit(self.offset, &op, |validator: &mut FuncValidator<ValidatorResources>, offset| {
                        validator.$visitor(offset).$visit($($($arg),*)?)
                    })
                    .map(drop)
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
impl<'a> VisitOperator<'a> for CheckVisitor<'_, '_> {
    type Output = Result<(), Error>;

    // SIMD operators decode (wasmparser's `simd` feature is on), and the
    // validator refuses them as `Checker::op` has it do.
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit_operator);
}

#[allow(clippy::clone_on_copy)]
impl<'a> VisitSimdOperator<'a> for CheckVisitor<'_, '_> {
    wasmparser::for_each_visit_simd_operator!(define_visit_simd_operator);
}
