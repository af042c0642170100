//! Iris's own validation of the frequent operators of a body.
//!
//! wasmparser's validator took 50 to 75 machine instructions per operator
//! of a cold start (decision 0024), a fifth of it. [`OwnValidator`] checks
//! the operators a contract is mostly made of (numeric operators,
//! constants, locals, globals, plain loads and stores, `block`, `loop` and
//! `if` of one-byte block types, `else`, `end`, `br`, `br_if`, `return`,
//! `call`, `drop`, `select`, `memory.size` and `memory.grow`), on operand
//! types that are numbers, as the specification's validation algorithm
//! does and as wasmparser's validator does it (same operand stack, same
//! control frames, same heights).
//!
//! It only ever *accepts*: each check gives `true` when the operator is
//! valid and the state moved on, and `false` when it is not one it
//! checks, or it is not valid, or it needs a type it does not model. The
//! caller then hands the body to wasmparser's validator, brought up to
//! the operator by reading the body again, and wasmparser decides from
//! there on, errors included ([`Checker::visit`](super::Checker)). So
//! its verdicts need only be sound: whatever it accepts, wasmparser
//! accepts with the same stack.
//!
//! In builds with debug assertions, wasmparser's validator checks every
//! operator beside it, and each operator it accepts is asserted to be
//! accepted by wasmparser, leaving the same operand and control stack
//! heights and the same top type: the fuzzers and the debug test runs
//! compare the two on every body.

use super::hot::{Check, Hot};
use wasmparser::{
    BlockType, BrTable, CompositeInnerType, FrameKind, FuncType, FuncValidator, MemArg,
    MemArgTarget, Operator, RefType, ValType, ValidatorResources, WasmModuleResources,
};

/// An operand's type: a number, or unknown (popped from the empty stack
/// of unreachable code, where it matches any type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    I32,
    I64,
    F32,
    F64,
    Bottom,
}

impl Ty {
    /// The type of a value of type `ty`, if it is a number.
    fn of(ty: ValType) -> Option<Ty> {
        match ty {
            ValType::I32 => Some(Ty::I32),
            ValType::I64 => Some(Ty::I64),
            ValType::F32 => Some(Ty::F32),
            ValType::F64 => Some(Ty::F64),
            ValType::V128 | ValType::Ref(_) => None,
        }
    }
}

impl Ty {
    /// The value type, `None` for `Bottom` (as wasmparser's validator
    /// tells an operand's type).
    pub(super) fn known(self) -> Option<ValType> {
        match self {
            Ty::I32 => Some(ValType::I32),
            Ty::I64 => Some(ValType::I64),
            Ty::F32 => Some(ValType::F32),
            Ty::F64 => Some(ValType::F64),
            Ty::Bottom => None,
        }
    }
}

/// A control frame, as wasmparser's validator keeps it.
#[derive(Debug, Clone, Copy)]
struct Frame {
    kind: FrameKind,
    /// The block type (the function's type for the function's frame).
    block_type: BlockType,
    /// The operand stack's height when it was entered.
    height: u32,
    /// Whether the rest of it is unreachable.
    unreachable: bool,
}

/// The validation state of one body (see the module's documentation).
pub(super) struct OwnValidator {
    /// Parameters, then declared locals.
    locals: Vec<Ty>,
    operands: Vec<Ty>,
    frames: Vec<Frame>,
    /// The function's results (its frame's label types).
    results: Vec<Ty>,
    /// Whether memory 0 exists and takes 32-bit addresses.
    memory32: bool,
}

/// An [`OwnValidator`]'s buffers, kept from one body to the next (a
/// module's bodies are checked one after another).
#[derive(Debug, Default)]
pub(super) struct Parts {
    locals: Vec<Ty>,
    operands: Vec<Ty>,
    frames: Vec<Frame>,
    results: Vec<Ty>,
}

impl OwnValidator {
    /// The validator of the body `validator` is about to check (nothing
    /// checked yet), if its parameters and results are all numbers (its
    /// declared locals come through [`OwnValidator::declare`]), in the
    /// buffers `parts` kept (taken from it).
    pub(super) fn new(
        validator: &FuncValidator<ValidatorResources>,
        parts: &mut Parts,
    ) -> Option<Self> {
        let resources = validator.resources();
        let function = validator.get_control_frame(0)?;
        let BlockType::FuncType(type_index) = function.block_type else {
            return None;
        };
        let sub_type = resources.sub_type_at(type_index)?;
        let CompositeInnerType::Func(func_type) = &sub_type.composite_type.inner else {
            return None;
        };
        let numbers = |types: &[ValType], into: &mut Vec<Ty>| {
            into.clear();
            types
                .iter()
                .all(|&t| Ty::of(t).map(|ty| into.push(ty)).is_some())
        };
        if !numbers(func_type.params(), &mut parts.locals)
            || !numbers(func_type.results(), &mut parts.results)
        {
            return None;
        }
        let memory32 = resources.memory_at(0).is_some_and(|m| !m.memory64);
        let mut frames = std::mem::take(&mut parts.frames);
        frames.clear();
        frames.push(Frame {
            kind: function.kind,
            block_type: function.block_type,
            height: 0,
            unreachable: false,
        });
        let mut operands = std::mem::take(&mut parts.operands);
        operands.clear();
        Some(Self {
            locals: std::mem::take(&mut parts.locals),
            operands,
            frames,
            results: std::mem::take(&mut parts.results),
            memory32,
        })
    }

    /// Its buffers, for the next body's validator.
    pub(super) fn into_parts(self) -> Parts {
        Parts {
            locals: self.locals,
            operands: self.operands,
            frames: self.frames,
            results: self.results,
        }
    }

    /// Declares `count` more locals of type `ty` (after wasmparser's
    /// validator accepted them): `false` if `ty` is not a number.
    pub(super) fn declare(&mut self, count: u32, ty: ValType) -> bool {
        let Some(ty) = Ty::of(ty) else {
            return false;
        };
        // wasmparser bounds a body's locals (50,000) before this.
        self.locals
            .try_reserve(count as usize)
            .map(|()| self.locals.resize(self.locals.len() + count as usize, ty))
            .is_ok()
    }

    /// The operand stack's height.
    pub(super) fn operand_height(&self) -> u32 {
        self.operands.len() as u32
    }

    /// The control stack's height.
    pub(super) fn control_height(&self) -> u32 {
        self.frames.len() as u32
    }

    /// The kind and block type of the frame `depth` below the innermost.
    pub(super) fn frame(&self, depth: usize) -> Option<(FrameKind, BlockType)> {
        let at = self.frames.len().checked_sub(depth + 1)?;
        self.frames.get(at).map(|f| (f.kind, f.block_type))
    }

    /// The type on top of the operand stack, if any (for the comparison
    /// with wasmparser's).
    pub(super) fn top(&self) -> Option<Ty> {
        self.operands.last().copied()
    }

    /// Whether the rest of the innermost frame is unreachable (`None`
    /// past the function's `end`).
    pub(super) fn is_unreachable(&self) -> Option<bool> {
        self.frames.last().map(|f| f.unreachable)
    }

    /// The frame's slots so far: the locals and the operand stack (as
    /// wasmparser's `len_locals() + operand_stack_height()`).
    pub(super) fn slots(&self) -> u64 {
        self.locals.len() as u64 + self.operands.len() as u64
    }

    #[inline(always)]
    fn push(&mut self, ty: Ty) -> bool {
        if self.operands.len() == self.operands.capacity() && !self.grow() {
            return false;
        }
        self.operands.push(ty);
        true
    }

    /// Makes room for more operands: `false` if the system refuses it.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) -> bool {
        let more = self.operands.len().max(16);
        self.operands.try_reserve(more).is_ok()
    }

    /// Pops an operand of type `expected` (any, for `None`): the type
    /// popped, `Bottom` from the empty stack of unreachable code; `None`
    /// if there is no operand or it has another type.
    #[inline(always)]
    fn pop(&mut self, expected: Option<Ty>) -> Option<Ty> {
        let frame = self.frames.last()?;
        if self.operands.len() as u32 == frame.height {
            return frame.unreachable.then_some(Ty::Bottom);
        }
        let actual = self.operands.pop()?;
        match expected {
            Some(expected) if actual != expected && actual != Ty::Bottom => None,
            _ => Some(actual),
        }
    }

    #[inline(always)]
    fn pop_is(&mut self, expected: Ty) -> bool {
        self.pop(Some(expected)).is_some()
    }

    /// The label types of a branch to the frame `depth` below the
    /// innermost (a loop's parameters, another frame's results): `None` if
    /// there is no such frame or its types are not modelled.
    fn label(&self, depth: u32) -> Option<Label> {
        let at = self.frames.len().checked_sub(depth as usize + 1)?;
        match self.frames.get(at)?.kind {
            // One-byte block types have no parameters (and the function's
            // frame is a block's).
            FrameKind::Loop if at > 0 => Some(Label::One(None)),
            _ => self.results_at(at),
        }
    }

    /// The result types of the frame at index `at` (as a [`Label`]: the
    /// function's frame, the first, has the function's).
    fn results_at(&self, at: usize) -> Option<Label> {
        if at == 0 {
            return Some(Label::Function);
        }
        match self.frames.get(at)?.block_type {
            BlockType::Empty => Some(Label::One(None)),
            BlockType::Type(ty) => Ty::of(ty).map(|ty| Label::One(Some(ty))),
            BlockType::FuncType(_) => None,
        }
    }

    /// Pops the label types of `label`, and pushes them back if `keep`.
    fn pop_label(&mut self, label: Label, keep: bool) -> bool {
        let popped = match label {
            Label::One(None) => true,
            Label::One(Some(ty)) => self.pop_is(ty),
            Label::Function => (0..self.results.len())
                .rev()
                .all(|at| self.pop_is(self.results[at])),
        };
        popped && (!keep || self.push_label(label))
    }

    /// Pushes the types of `label`.
    fn push_label(&mut self, label: Label) -> bool {
        match label {
            Label::One(None) => true,
            Label::One(Some(ty)) => self.push(ty),
            Label::Function => (0..self.results.len()).all(|at| self.push(self.results[at])),
        }
    }

    /// `br_table`: each target's label types as many as the default's,
    /// and on the stack (popped and pushed back as they were, unknown
    /// ones included, as wasmparser does), then the default's popped.
    fn br_table(&mut self, table: &BrTable<'_>) -> bool {
        if !self.pop_is(Ty::I32) {
            return false;
        }
        let Some(default) = self.label(table.default()) else {
            return false;
        };
        for target in table.targets() {
            let Some(label) = target.ok().and_then(|depth| self.label(depth)) else {
                return false;
            };
            if self.label_len(label) != self.label_len(default) || !self.match_label(label) {
                return false;
            }
        }
        self.pop_label(default, false) && self.unreachable()
    }

    /// How many types `label` has.
    fn label_len(&self, label: Label) -> usize {
        match label {
            Label::One(ty) => usize::from(ty.is_some()),
            Label::Function => self.results.len(),
        }
    }

    /// Checks that `label`'s types are on the stack: pops them and pushes
    /// back what was popped.
    fn match_label(&mut self, label: Label) -> bool {
        match label {
            Label::One(None) => true,
            Label::One(Some(ty)) => self.pop(Some(ty)).is_some_and(|t| self.push(t)),
            Label::Function => {
                let mut popped = Vec::new();
                for at in (0..self.results.len()).rev() {
                    match self.pop(Some(self.results[at])) {
                        Some(t) if popped.try_reserve(1).is_ok() => popped.push(t),
                        _ => return false,
                    }
                }
                popped.into_iter().rev().all(|t| self.push(t))
            }
        }
    }

    /// Marks the rest of the innermost frame unreachable.
    fn unreachable(&mut self) -> bool {
        let Some(frame) = self.frames.last_mut() else {
            return false;
        };
        frame.unreachable = true;
        self.operands.truncate(frame.height as usize);
        true
    }

    /// `block`, `loop` (`kind`) or `if` of one-byte block type `ty`.
    fn enter(&mut self, kind: FrameKind, ty: BlockType) -> bool {
        match ty {
            BlockType::Empty => {}
            BlockType::Type(t) if Ty::of(t).is_some() => {}
            _ => return false,
        }
        if kind == FrameKind::If && !self.pop_is(Ty::I32) {
            return false;
        }
        if self.frames.try_reserve(1).is_err() {
            return false;
        }
        self.frames.push(Frame {
            kind,
            block_type: ty,
            height: self.operands.len() as u32,
            unreachable: false,
        });
        true
    }

    /// Pops the innermost frame after popping its results, which must
    /// leave the operand stack at the frame's height; gives the frame and
    /// its results.
    fn leave(&mut self) -> Option<(Frame, Label)> {
        let frame = *self.frames.last()?;
        let results = self.results_at(self.frames.len() - 1)?;
        if !self.pop_label(results, false) || self.operands.len() as u32 != frame.height {
            return None;
        }
        self.frames.pop();
        Some((frame, results))
    }

    /// `else`.
    fn else_(&mut self) -> bool {
        // The reader reads `else` only in an `if`.
        if self.frames.last().map(|f| f.kind) != Some(FrameKind::If) {
            return false;
        }
        let Some((frame, _)) = self.leave() else {
            return false;
        };
        self.frames.push(Frame {
            kind: FrameKind::Else,
            unreachable: false,
            ..frame
        });
        true
    }

    /// `end` of a block, a loop, an `if` (without `else` only without a
    /// result: it must give its parameters, none, as results) or the
    /// function; its results are pushed, as wasmparser does (for the
    /// function's too).
    fn end(&mut self) -> bool {
        let Some((frame, results)) = self.leave() else {
            return false;
        };
        match results {
            Label::One(Some(_)) if frame.kind == FrameKind::If => false,
            results => self.push_label(results),
        }
    }

    fn call(&mut self, function: u32, resources: &ValidatorResources) -> bool {
        let Some(id) = resources.type_id_of_function(function) else {
            return false;
        };
        let CompositeInnerType::Func(ty) = &resources.sub_type_at_id(id).composite_type.inner
        else {
            return false;
        };
        self.call_type(ty)
    }

    /// `call_indirect` of type `type_index` through table `table`: a
    /// table of `funcref` with 32-bit indices, a function type.
    fn call_indirect(
        &mut self,
        type_index: u32,
        table: u32,
        resources: &ValidatorResources,
    ) -> bool {
        let Some(table) = resources.table_at(table) else {
            return false;
        };
        if table.element_type != RefType::FUNCREF || table.table64 || !self.pop_is(Ty::I32) {
            return false;
        }
        let Some(sub_type) = resources.sub_type_at(type_index) else {
            return false;
        };
        match &sub_type.composite_type.inner {
            CompositeInnerType::Func(ty) if !sub_type.composite_type.shared => self.call_type(ty),
            _ => false,
        }
    }

    /// Pops a call's parameters and pushes its results.
    fn call_type(&mut self, ty: &FuncType) -> bool {
        for &param in ty.params().iter().rev() {
            match Ty::of(param) {
                Some(param) if self.pop_is(param) => {}
                _ => return false,
            }
        }
        for &result in ty.results() {
            match Ty::of(result) {
                Some(result) if self.push(result) => {}
                _ => return false,
            }
        }
        true
    }

    fn select(&mut self) -> bool {
        if !self.pop_is(Ty::I32) {
            return false;
        }
        let (Some(a), Some(b)) = (self.pop(None), self.pop(None)) else {
            return false;
        };
        let ty = match (a, b) {
            (Ty::Bottom, t) | (t, Ty::Bottom) => t,
            (a, b) if a == b => a,
            _ => return false,
        };
        self.push(ty)
    }

    fn local(&self, index: u32) -> Option<Ty> {
        self.locals.get(index as usize).copied()
    }

    fn global(index: u32, set: bool, resources: &ValidatorResources) -> Option<Ty> {
        let global = resources.global_at(index)?;
        if set && !global.mutable {
            return None;
        }
        Ty::of(global.content_type)
    }

    /// A plain load or store's memory argument: memory 0 of 32-bit
    /// addresses, the alignment at most the natural one, the offset 32
    /// bits.
    fn memarg(&self, memarg: &MemArg) -> bool {
        self.memory32
            && matches!(memarg.target, MemArgTarget::Memory(0))
            && memarg.align <= memarg.max_align
            && memarg.offset <= u64::from(u32::MAX)
    }

    fn load(&mut self, memarg: &MemArg, ty: Ty) -> bool {
        self.memarg(memarg) && self.pop_is(Ty::I32) && self.push(ty)
    }

    fn store(&mut self, memarg: &MemArg, ty: Ty) -> bool {
        self.memarg(memarg) && self.pop_is(ty) && self.pop_is(Ty::I32)
    }

    /// Checks `hot`, an operator of the hot lane, as [`OwnValidator::check`]
    /// checks it.
    #[inline(always)]
    pub(super) fn hot(&mut self, hot: &Hot) -> bool {
        if self.frames.is_empty() {
            return false;
        }
        match *hot {
            Hot::LocalGet(n) => self.local(n).is_some_and(|t| self.push(t)),
            Hot::LocalSet(n) => self.local(n).is_some_and(|t| self.pop_is(t)),
            Hot::LocalTee(n) => self
                .local(n)
                .is_some_and(|t| self.pop_is(t) && self.push(t)),
            Hot::I32Const(_) => self.push(Ty::I32),
            Hot::I64Const(_) => self.push(Ty::I64),
            Hot::Numeric(plain) => match plain.check {
                Check::Numeric(inputs, output) => self.numeric(inputs, output),
                // The reader makes no numeric operator of a load or store.
                Check::Memory(_) => false,
            },
            Hot::Memory(plain, align, offset) => match plain.check {
                Check::Memory(Access::Load(ty)) => self.load(&plain.memarg(align, offset), ty),
                Check::Memory(Access::Store(ty)) => self.store(&plain.memarg(align, offset), ty),
                Check::Numeric(..) => false,
            },
        }
    }

    /// A numeric operator of operands `inputs` and result `output`.
    #[inline(always)]
    fn numeric(&mut self, inputs: Inputs, output: Ty) -> bool {
        match inputs {
            Inputs::One(a) => self.pop_is(a) && self.push(output),
            Inputs::Two(a) => self.pop_is(a) && self.pop_is(a) && self.push(output),
        }
    }

    /// Checks `op`, read at the body's current operator, in the module of
    /// `resources`: `true` if it is valid and the state moved past it,
    /// `false` if it is left to wasmparser (the state is then of no
    /// further use). Inlined into each visit, where `op` is known: the
    /// match folds to its case.
    #[inline(always)]
    pub(super) fn check(&mut self, op: &Operator<'_>, resources: &ValidatorResources) -> bool {
        use Operator as O;
        // Nothing follows the function's `end` (the reader refuses it).
        if self.frames.is_empty() {
            return false;
        }
        if let Some((inputs, output)) = numeric(op) {
            return self.numeric(inputs, output);
        }
        if let Some((memarg, access)) = memory_access(op) {
            return match access {
                Access::Load(ty) => self.load(memarg, ty),
                Access::Store(ty) => self.store(memarg, ty),
            };
        }
        match *op {
            O::Nop => true,
            O::Unreachable => self.unreachable(),
            O::Block { blockty } => self.enter(FrameKind::Block, blockty),
            O::Loop { blockty } => self.enter(FrameKind::Loop, blockty),
            O::If { blockty } => self.enter(FrameKind::If, blockty),
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => match self.label(relative_depth) {
                Some(label) => self.pop_label(label, false) && self.unreachable(),
                None => false,
            },
            O::BrIf { relative_depth } => {
                self.pop_is(Ty::I32)
                    && match self.label(relative_depth) {
                        Some(label) => self.pop_label(label, true),
                        None => false,
                    }
            }
            O::Return => self.pop_label(Label::Function, false) && self.unreachable(),
            O::Call { function_index } => self.call(function_index, resources),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, resources),
            O::BrTable { ref targets } => self.br_table(targets),
            O::Drop => self.pop(None).is_some(),
            O::Select => self.select(),
            O::LocalGet { local_index } => self.local(local_index).is_some_and(|t| self.push(t)),
            O::LocalSet { local_index } => self.local(local_index).is_some_and(|t| self.pop_is(t)),
            O::LocalTee { local_index } => self
                .local(local_index)
                .is_some_and(|t| self.pop_is(t) && self.push(t)),
            O::GlobalGet { global_index } => {
                Self::global(global_index, false, resources).is_some_and(|t| self.push(t))
            }
            O::GlobalSet { global_index } => {
                Self::global(global_index, true, resources).is_some_and(|t| self.pop_is(t))
            }
            O::I32Const { .. } => self.push(Ty::I32),
            O::I64Const { .. } => self.push(Ty::I64),
            O::F32Const { .. } => self.push(Ty::F32),
            O::F64Const { .. } => self.push(Ty::F64),
            O::MemorySize { mem } => self.memory32 && mem == 0 && self.push(Ty::I32),
            O::MemoryGrow { mem } => {
                self.memory32 && mem == 0 && self.pop_is(Ty::I32) && self.push(Ty::I32)
            }
            _ => false,
        }
    }
}

/// The label of a branch.
#[derive(Debug, Clone, Copy)]
enum Label {
    /// A block's, loop's or `if`'s: no type or one.
    One(Option<Ty>),
    /// The function's: its results.
    Function,
}

/// A numeric operator's operands: one of a type, or two of the same.
#[derive(Debug, Clone, Copy)]
pub(super) enum Inputs {
    One(Ty),
    Two(Ty),
}

/// A numeric operator's operands and result.
#[inline(always)]
pub(super) fn numeric(op: &Operator<'_>) -> Option<(Inputs, Ty)> {
    use Inputs::{One, Two};
    use Operator as O;
    use Ty::{F32, F64, I32, I64};
    Some(match op {
        O::I32Eqz => (One(I32), I32),
        O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => (Two(I32), I32),
        O::I64Eqz => (One(I64), I32),
        O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => (Two(I64), I32),
        O::F32Eq | O::F32Ne | O::F32Lt | O::F32Gt | O::F32Le | O::F32Ge => (Two(F32), I32),
        O::F64Eq | O::F64Ne | O::F64Lt | O::F64Gt | O::F64Le | O::F64Ge => (Two(F64), I32),
        O::I32Clz | O::I32Ctz | O::I32Popcnt | O::I32Extend8S | O::I32Extend16S => (One(I32), I32),
        O::I32Add
        | O::I32Sub
        | O::I32Mul
        | O::I32DivS
        | O::I32DivU
        | O::I32RemS
        | O::I32RemU
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => (Two(I32), I32),
        O::I64Clz
        | O::I64Ctz
        | O::I64Popcnt
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => (One(I64), I64),
        O::I64Add
        | O::I64Sub
        | O::I64Mul
        | O::I64DivS
        | O::I64DivU
        | O::I64RemS
        | O::I64RemU
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => (Two(I64), I64),
        O::F32Abs
        | O::F32Neg
        | O::F32Ceil
        | O::F32Floor
        | O::F32Trunc
        | O::F32Nearest
        | O::F32Sqrt => (One(F32), F32),
        O::F32Add | O::F32Sub | O::F32Mul | O::F32Div | O::F32Min | O::F32Max | O::F32Copysign => {
            (Two(F32), F32)
        }
        O::F64Abs
        | O::F64Neg
        | O::F64Ceil
        | O::F64Floor
        | O::F64Trunc
        | O::F64Nearest
        | O::F64Sqrt => (One(F64), F64),
        O::F64Add | O::F64Sub | O::F64Mul | O::F64Div | O::F64Min | O::F64Max | O::F64Copysign => {
            (Two(F64), F64)
        }
        O::I32WrapI64 => (One(I64), I32),
        O::I32TruncF32S | O::I32TruncF32U | O::I32TruncSatF32S | O::I32TruncSatF32U => {
            (One(F32), I32)
        }
        O::I32TruncF64S | O::I32TruncF64U | O::I32TruncSatF64S | O::I32TruncSatF64U => {
            (One(F64), I32)
        }
        O::I64ExtendI32S | O::I64ExtendI32U => (One(I32), I64),
        O::I64TruncF32S | O::I64TruncF32U | O::I64TruncSatF32S | O::I64TruncSatF32U => {
            (One(F32), I64)
        }
        O::I64TruncF64S | O::I64TruncF64U | O::I64TruncSatF64S | O::I64TruncSatF64U => {
            (One(F64), I64)
        }
        O::F32ConvertI32S | O::F32ConvertI32U => (One(I32), F32),
        O::F32ConvertI64S | O::F32ConvertI64U => (One(I64), F32),
        O::F32DemoteF64 => (One(F64), F32),
        O::F64ConvertI32S | O::F64ConvertI32U => (One(I32), F64),
        O::F64ConvertI64S | O::F64ConvertI64U => (One(I64), F64),
        O::F64PromoteF32 => (One(F32), F64),
        O::I32ReinterpretF32 => (One(F32), I32),
        O::I64ReinterpretF64 => (One(F64), I64),
        O::F32ReinterpretI32 => (One(I32), F32),
        O::F64ReinterpretI64 => (One(I64), F64),
        _ => return None,
    })
}

/// What a plain load or store does with its value.
#[derive(Debug, Clone, Copy)]
pub(super) enum Access {
    /// A load, giving a value of this type.
    Load(Ty),
    /// A store, taking a value of this type.
    Store(Ty),
}

/// A plain load's or store's memory argument and access.
#[inline(always)]
pub(super) fn memory_access<'o>(op: &'o Operator<'_>) -> Option<(&'o MemArg, Access)> {
    use Access::{Load, Store};
    use Operator as O;
    use Ty::{F32, F64, I32, I64};
    Some(match op {
        O::I32Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg } => (memarg, Load(I32)),
        O::I64Load { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg } => (memarg, Load(I64)),
        O::F32Load { memarg } => (memarg, Load(F32)),
        O::F64Load { memarg } => (memarg, Load(F64)),
        O::I32Store { memarg } | O::I32Store8 { memarg } | O::I32Store16 { memarg } => {
            (memarg, Store(I32))
        }
        O::I64Store { memarg }
        | O::I64Store8 { memarg }
        | O::I64Store16 { memarg }
        | O::I64Store32 { memarg } => (memarg, Store(I64)),
        O::F32Store { memarg } => (memarg, Store(F32)),
        O::F64Store { memarg } => (memarg, Store(F64)),
        _ => return None,
    })
}
