//! Operators straight from wasmparser's decoder: [`OpVisitor`] is the
//! visitor the operators reader calls with each operator's immediates.
//! Each visit method builds the operator and, when the body is being
//! checked, visits the validator for the operator
//! it is told of rather than dispatching on it again. The checks are
//! [`Checker::visit`]'s, in the same order; what they ask of the operator
//! (its opcode, its work) folds to constants or lookups in each method.
//!
//! The most frequent operators (locals, constants, and the plain ones of
//! [`Simple::of`]: numeric operators, loads and stores), which come here
//! when the hot lane ([`hot`](super::hot)) left them (Iris's validator
//! left the body to wasmparser's, or an encoding is longer than the
//! lane's), are then metered and translated in their visit method, where
//! the operator is known: no second dispatch on it. The others the visit
//! keeps in the visitor's field, where the translator reads them after
//! it.

use std::mem::ManuallyDrop;

use wasmparser::{FuncValidator, Operator, ValidatorResources, VisitOperator, VisitSimdOperator};

use super::{unsupported, Checker, Operand, OwnValidator, Translator};
use crate::error::Error;
use crate::ir::Simple;
use crate::opcode::{opcode, Opcode};

/// Reads the operators of one body, one visit each: checks them if it
/// has a [`Checker`], translates the frequent ones if it has a
/// [`Translator`], and keeps the last one read for the translator.
pub(super) struct OpVisitor<'c, 'v, 'a, 't, 'e> {
    /// The checks of a body at load; `None` for a body checked already.
    pub(super) check: Option<&'c mut Checker<'v>>,
    /// The translator; `None` when the body is only checked.
    pub(super) t: Option<&'t mut Translator<'e>>,
    /// Whether the visit translated the operator it read (metered it and
    /// gave it to the translator): the reader of the body then does not.
    pub(super) done: bool,
    /// The binary offset of the operator being visited.
    pub(super) offset: u64,
    /// The operator read last, unless the visit translated it (then an
    /// earlier one), and always one that was refused.
    pub(super) op: Operator<'a>,
    /// Why the operator read last was refused.
    error: Option<Error>,
}

impl<'c, 'v, 't, 'e> OpVisitor<'c, 'v, '_, 't, 'e> {
    /// A visitor that checks each operator with `check`, if given, and
    /// translates the frequent ones with `t`, if given.
    pub(super) fn new(
        check: Option<&'c mut Checker<'v>>,
        t: Option<&'t mut Translator<'e>>,
    ) -> Self {
        Self {
            check,
            t,
            done: false,
            offset: 0,
            op: Operator::Nop,
            error: None,
        }
    }

    /// Meters and translates the operator just read and checked, of
    /// `opcode`, with `translate` (when it is reachable: an operator of
    /// this kind emits nothing in unreachable code), as the body's reader
    /// would have: the visit has done it.
    #[inline(always)]
    fn translate_now(&mut self, opcode: Opcode, translate: impl FnOnce(&mut Translator<'e>)) {
        if let Some(t) = self.t.as_deref_mut() {
            t.meter(opcode);
            if t.reachable {
                translate(t);
            }
            self.done = true;
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

    /// `opcode`, the opcode of `op`, the operator just built (`None` for one the
    /// engine does not know), checked with `validate`
    /// (wasmparser's validator visited for it) or Iris's own validator if
    /// the body is being checked; `None`
    /// if it is refused, the reason kept for [`OpVisitor::take_error`].
    /// (A two-byte result comes back in a register: a `Result` came back
    /// through memory.)
    #[inline(always)]
    fn opcode(
        &mut self,
        op: &Operator<'_>,
        opcode: Option<Opcode>,
        validate: impl FnOnce(&mut FuncValidator<ValidatorResources>, u64) -> wasmparser::Result<()>,
    ) -> Option<Opcode> {
        let own = |own: &mut OwnValidator, resources: &ValidatorResources| own.check(op, resources);
        let opcode = match &mut self.check {
            Some(check) => check.visit(self.offset, op, opcode, validate, own),
            // Checked at load: every operator is one the engine knows.
            None => opcode.ok_or_else(|| unsupported(self.offset, op)),
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
/// the validator visited with them, then the frequent operators
/// translated ([`translate_now!`]). `$visitor` names the validator's
/// visitor for the operator's kind (`visitor`, or `simd_visitor`).
macro_rules! define_visit {
    ($visitor:ident $( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let op = ManuallyDrop::new(Operator::$op $({ $($arg: $arg.clone()),* })?);
                let opcode = self.opcode(&op, opcode!(@$proposal $op), |validator: &mut FuncValidator<ValidatorResources>, offset| {
                    validator.$visitor(offset).$visit($($($arg),*)?)
                });
                let Some(opcode) = opcode else {
                    self.op = ManuallyDrop::into_inner(op);
                    return None;
                };
                translate_now!(self, opcode, op, $op $($($arg)*)?);
                // Kept for the translator unless the visit translated it.
                // One it translated is a local's, a constant or a plain
                // operator, which owns nothing: not dropped, it leaks
                // nothing. (Storing every operator dropped the one before,
                // a call matching its kind; dropping this one where it was
                // not stored was the same call.)
                if !self.done {
                    self.op = ManuallyDrop::into_inner(op);
                }
                Some(opcode)
            }
        )*
    };
}

/// The translation done in a visit method: locals and constants by name,
/// the plain operators by their [`Simple`] form (a constant where the
/// operator was just built); nothing for the others.
macro_rules! translate_now {
    ($self:ident, $opcode:ident, $operator:ident, LocalGet $index:ident) => {
        $self.translate_now($opcode, |t| t.push(Operand::Local($index)))
    };
    ($self:ident, $opcode:ident, $operator:ident, LocalSet $index:ident) => {
        $self.translate_now($opcode, |t| t.local_set($index, false))
    };
    ($self:ident, $opcode:ident, $operator:ident, LocalTee $index:ident) => {
        $self.translate_now($opcode, |t| t.local_set($index, true))
    };
    ($self:ident, $opcode:ident, $operator:ident, I32Const $value:ident) => {
        $self.translate_now($opcode, |t| {
            t.push(Operand::Const(u64::from($value as u32)))
        })
    };
    ($self:ident, $opcode:ident, $operator:ident, I64Const $value:ident) => {
        $self.translate_now($opcode, |t| t.push(Operand::Const($value as u64)))
    };
    ($self:ident, $opcode:ident, $operator:ident, $op:ident $($arg:ident)*) => {
        if let Some(simple) = Simple::of(&$operator) {
            $self.translate_now($opcode, |t| t.simple(simple));
        }
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
impl<'a> VisitOperator<'a> for OpVisitor<'_, '_, 'a, '_, '_> {
    type Output = Option<Opcode>;

    // SIMD operators decode (wasmparser's `simd` feature is on), and the
    // validator refuses them as `Checker::visit` has it do.
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit_operator);
}

#[allow(clippy::clone_on_copy)]
impl<'a> VisitSimdOperator<'a> for OpVisitor<'_, '_, 'a, '_, '_> {
    wasmparser::for_each_visit_simd_operator!(define_visit_simd_operator);
}
