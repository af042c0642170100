//! Translation of one validated function body into interpreter instructions.
//!
//! The translator keeps a *virtual* operand stack: each entry says where its
//! value lives (a temporary slot, a local, or a constant not yet written
//! anywhere). Instructions then read locals and constants directly instead of
//! copying them onto a stack first, and a `local.set` can redirect the
//! instruction that produced its value. Every operand stack depth `d` has a
//! canonical slot `num_locals + d`; values crossing a control-flow edge are
//! always in canonical slots.

mod control;
mod hot;
mod ops;
mod own_validator;
mod read;
mod stack;
#[cfg(test)]
mod tests;
mod visit;
mod work;

use wasmparser::{BlockType, FrameKind, FuncValidator, FunctionBody, Operator, ValidatorResources};

use crate::cost::CostModel;
use crate::error::{Error, ErrorKind, LimitError};
use crate::ir::{
    branch_target, fuse_binary, fuse_binary_imm, fuse_branch, fuse_chain, fuse_load, result_slot,
    BinOp, Instr, Slot, ACC,
};
use crate::opcode::{operator_name, Opcode};
use crate::profile::InstrFuel;
use control::{Control, ControlKind};
use own_validator::OwnValidator;
use stack::OperandStack;
pub use work::WORK_PER_BYTE;
pub(crate) use work::WORK_SLACK;

/// A translated function.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The instructions, threaded (branch targets relative, each with its
    /// handler).
    pub(crate) code: Box<[crate::exec::dispatch::Op]>,
    /// Parameters plus declared locals.
    pub(crate) num_locals: u32,
    /// Parameters.
    pub(crate) num_params: u32,
    /// Declared locals (`num_locals - num_params`), which a call zeroes:
    /// kept, not computed on each call.
    pub(crate) num_declared: u32,
    /// Results.
    pub(crate) num_results: u32,
    /// Slots the frame needs: locals plus the deepest operand stack.
    pub(crate) frame_size: u32,
    /// When profiling: each metering block's code offset and charge, by
    /// the index its `ProfileFuel` instruction carries.
    pub(crate) blocks: Box<[BlockInfo]>,
    /// When profiling: what each instruction adds to its block's charge,
    /// block after block; a block's entries sum to its charge.
    pub(crate) block_costs: Box<[InstrFuel]>,
    /// When profiling: where each block's entries begin in `block_costs`
    /// (one more entry than blocks: the last is the end).
    pub(crate) block_starts: Box<[u32]>,
}

/// One metering block of a profiled function.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockInfo {
    /// Offset in the code section of the instruction that opens it.
    pub(crate) offset: u32,
    /// What it charges.
    pub(crate) fuel: u64,
}

/// What the translator needs to know of the module.
pub(crate) trait ModuleEnv {
    /// Parameter and result counts of function `func` (index space).
    fn func_arity(&self, func: u32) -> (u32, u32);
    /// Parameter and result counts of type `ty`.
    fn type_arity(&self, ty: u32) -> (u32, u32);
    /// The engine-wide id of type `ty`.
    fn type_id(&self, ty: u32) -> u32;
    /// How many functions are imported.
    fn num_imported_funcs(&self) -> u32;
    /// Whether metering blocks are profiled.
    fn profiling(&self) -> bool;
    /// Where the code section's contents begin in the binary.
    fn code_start(&self) -> u64;
    /// The fuel prices, if metering is on.
    fn cost_model(&self) -> Option<&dyn CostModel>;
    /// The cost model's price of each operator by its index in
    /// [`Opcode::ALL`], if kept (else asked of the model each time).
    fn operator_costs(&self) -> Option<&[u64]> {
        None
    }
    /// The operators the configuration refuses (`Config::refuse_operators`).
    fn refused(&self) -> crate::OpcodeSet;
}

/// Where an operand's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// In the canonical slot of its depth.
    Temp,
    /// In local `n`.
    Local(u32),
    /// A constant (bits, i32/f32 zero-extended), written nowhere yet.
    Const(u64),
}

/// Of a binary operator's operands `lhs` and `rhs` (each a slot and
/// whether it is a popped temporary), the other one when exactly one is
/// temporary `t`: the operand a fusion with `t`'s writer keeps.
fn other_operand(t: Slot, lhs: (Slot, bool), rhs: (Slot, bool)) -> Option<(Slot, bool)> {
    match (lhs, rhs) {
        ((l, true), r) if l == t && r.0 != t => Some(r),
        (l, (r, true)) if r == t && l.0 != t => Some(l),
        _ => None,
    }
}

/// The largest frame: every slot a `Slot` can address but the last,
/// which names the accumulator ([`ACC`]).
const MAX_FRAME: u32 = ACC as u32;

/// Branches and returns carrying up to this many values copy each from
/// where it lives; more are first written to their canonical slots and then
/// move as one span, so that no branch costs more than a few instructions.
const FEW: u32 = 4;

/// The most instructions one byte of a function body may translate to.
/// Every operator emits a bounded number of instructions (branches with
/// many values move them as one span), and values a later instruction
/// copies were pushed by operators of their own, so translated code grows
/// linearly with the body; `engine/tests/translation_bounds.rs` checks the
/// worst shapes against this.
pub const CODE_PER_BYTE: u64 = 8;

/// Instructions any body may have besides [`CODE_PER_BYTE`] per byte (the
/// return sequence of an empty function).
const CODE_SLACK: u64 = 16;

/// The most instructions `bodies` function bodies of `bytes` bytes in all
/// may translate to.
pub(crate) fn code_bound(bytes: u64, bodies: u64) -> u64 {
    CODE_PER_BYTE
        .saturating_mul(bytes)
        .saturating_add(CODE_SLACK.saturating_mul(bodies))
}

/// What is left of a module's allowances while its functions translate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// Instructions (`Config::max_code_instructions`).
    pub(crate) code: u64,
    /// Values carried (see `work.rs`).
    pub(crate) work: u64,
}

/// The buffers that checking and translating a module's bodies reuse from
/// one body to the next, its allocations made once per module rather than
/// once per function: the translator's operand stack (with its tables) and
/// code, and Iris's validator's stacks. An error leaves the next body fresh
/// ones (nothing of a failed body is read again).
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    stack: OperandStack,
    code: Vec<Instr>,
    own: own_validator::Parts,
}

/// Translates (and validates) one function body, within what is left of
/// the module's allowances (and takes what it used from them).
pub(crate) fn translate(
    env: &dyn ModuleEnv,
    func_index: u32,
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    budget: &mut Budget,
    scratch: &mut Scratch,
) -> Result<CompiledFunc, Error> {
    let code_budget = budget.code;
    let mut check = Checker::new(
        env,
        func_index,
        validator,
        &mut budget.work,
        body,
        &mut scratch.own,
    );
    let (t, limit) = translate_body(
        env,
        func_index,
        Some(&mut check),
        body,
        code_budget,
        scratch,
        false,
    )?;
    check.give_back(&mut scratch.own);
    let compiled = finish(env, func_index, t, limit, &mut scratch.code)?;
    budget.code = budget.code.saturating_sub(compiled.code.len() as u64);
    Ok(compiled)
}

/// Translates one body that [`check_body`] accepted when its module was
/// loaded, at its function's first call (lazy translation): no validator,
/// no allowance to charge (the module's were met at load, and its code
/// allowance covers every body's bound), so the only failure left is the
/// system refusing memory.
pub(crate) fn translate_checked(
    env: &dyn ModuleEnv,
    func_index: u32,
    body: &FunctionBody<'_>,
) -> Result<CompiledFunc, Error> {
    let mut scratch = Scratch::default();
    let (t, limit) = translate_body(env, func_index, None, body, u64::MAX, &mut scratch, false)?;
    finish(env, func_index, t, limit, &mut scratch.code)
}

/// Validates one body without translating it (lazy translation, at
/// load): every check [`translate`] makes before translating an operator,
/// in the same order, so a body is refused here exactly when [`translate`]
/// would refuse it.
pub(crate) fn check_body(
    env: &dyn ModuleEnv,
    func_index: u32,
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    work: &mut u64,
    scratch: &mut Scratch,
) -> Result<(), Error> {
    let wasm = |e| Error::from_wasmparser(e, true);
    let mut check = Checker::new(env, func_index, validator, work, body, &mut scratch.own);
    declare_locals(body, Some(&mut check))?;
    let operators = body.get_binary_reader_for_operators().map_err(wasm)?;
    let mut reader = read::BodyReader::new(operators).map_err(wasm)?;
    let mut visitor = visit::OpVisitor::new(Some(&mut check), None);
    while !reader.eof() {
        // The frequent operators from here on, then one other here (all
        // through the visitor once wasmparser's validator checks the body).
        if let Some(check) = visitor.check.as_deref_mut().filter(|c| c.own.is_some()) {
            hot::check(&mut reader, check)?;
            if reader.eof() {
                break;
            }
        }
        visitor.offset = reader.original_position();
        // Decoding errors first, then the operator's own.
        if reader.visit_operator(&mut visitor).map_err(wasm)?.is_none() {
            return Err(visitor.take_error());
        }
    }
    reader.finish().map_err(wasm)?;
    check.give_back(&mut scratch.own);
    Ok(())
}

/// Reads `body`'s local declarations, declaring them to `check`'s
/// validators if it is given, and gives how many locals they declare
/// (checked by validation, at load: at most 50,000).
fn declare_locals(
    body: &FunctionBody<'_>,
    mut check: Option<&mut Checker<'_>>,
) -> Result<u32, Error> {
    let wasm = |e| Error::from_wasmparser(e, true);
    let mut locals = body.get_locals_reader().map_err(wasm)?;
    let mut declared = 0u32;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read().map_err(wasm)?;
        if let Some(check) = check.as_mut() {
            check
                .validator
                .define_locals(offset, count, ty)
                .map_err(wasm)?;
            if let Some(own) = check.own.as_mut() {
                if !own.declare(count, ty) {
                    // Nothing checked yet: wasmparser checks the body.
                    check.own = None;
                }
            }
        }
        declared = declared.saturating_add(count);
    }
    Ok(declared)
}

/// The translated function, threaded, from the translator's state.
fn finish(
    env: &dyn ModuleEnv,
    func_index: u32,
    mut t: Translator<'_>,
    limit: u64,
    spare: &mut Vec<Instr>,
) -> Result<CompiledFunc, Error> {
    let (num_params, _) = env.func_arity(func_index);
    let code = crate::exec::dispatch::thread(&mut t.code).ok_or(LimitError::Allocation {
        what: "translated code",
        bytes: limit.saturating_mul(crate::exec::dispatch::OP_SIZE),
    })?;
    // The code's buffer serves the module's next body (which empties it).
    *spare = std::mem::take(&mut t.code);
    let frame_size = u64::from(t.num_locals) + u64::from(t.max_height);
    let mut costs = t.block_costs.unwrap_or_default();
    // Stable: each block's instructions stay in code order.
    costs.sort_by_key(|&(block, _)| block);
    let mut block_starts = Vec::with_capacity(t.blocks.len() + 1);
    for block in 0..=t.blocks.len() as u32 {
        block_starts.push(costs.partition_point(|&(b, _)| b < block) as u32);
    }
    let block_costs: Vec<InstrFuel> = costs.into_iter().map(|(_, cost)| cost).collect();
    Ok(CompiledFunc {
        code,
        num_locals: t.num_locals,
        num_params,
        num_declared: t.num_locals.saturating_sub(num_params),
        num_results: t.num_results,
        // Checked against MAX_FRAME in `translate_body`.
        frame_size: frame_size as u32,
        blocks: t.blocks.into_boxed_slice(),
        block_costs: block_costs.into_boxed_slice(),
        block_starts: block_starts.into_boxed_slice(),
    })
}

/// Translates (and validates) one function body again, as [`translate`]
/// did when its module was compiled, and gives the code (not threaded) with,
/// for each instruction, the binary offset of the operator it comes from.
///
/// Translation is deterministic: from the same body and the same module,
/// it emits the same code. An instruction comes from the operator being
/// translated when it was emitted; a fused instruction, from the last
/// operator it includes (in the fused forms that can trap, loads at
/// `base + constant` or `a + b`, that is the load); an instruction whose
/// destination a later `local.set` redirected keeps its operator. The
/// charge of a metering block comes from the operator that opens it (the
/// entry block's from the body's first operator).
pub(crate) fn translate_with_origins(
    env: &dyn ModuleEnv,
    func_index: u32,
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
) -> Result<(Vec<Instr>, Vec<u32>), Error> {
    // The module's allowances were met when it was compiled; the code's
    // own limit per byte still applies, and only gets nearer with them.
    let mut work = u64::MAX;
    let mut scratch = Scratch::default();
    let mut check = Checker::new(
        env,
        func_index,
        validator,
        &mut work,
        body,
        &mut scratch.own,
    );
    let (t, _) = translate_body(
        env,
        func_index,
        Some(&mut check),
        body,
        u64::MAX,
        &mut scratch,
        true,
    )?;
    Ok((t.code, t.origins.unwrap_or_default()))
}

/// Translates one function body up to its threading: gives the
/// translator's state and the function's code limit. `check` validates
/// each operator and makes the engine's checks ([`Checker`]) before it is
/// translated; without it the body was checked at load ([`check_body`]).
/// `code_budget` is what is left of the module's code allowance;
/// `scratch` lends the module's buffers. With `origins`, notes where each
/// instruction comes from.
fn translate_body<'a>(
    env: &'a dyn ModuleEnv,
    func_index: u32,
    mut check: Option<&mut Checker<'_>>,
    body: &FunctionBody<'_>,
    code_budget: u64,
    scratch: &mut Scratch,
    origins: bool,
) -> Result<(Translator<'a>, u64), Error> {
    let wasm = |e| Error::from_wasmparser(e, true);
    let (num_params, num_results) = env.func_arity(func_index);
    let declared = declare_locals(body, check.as_deref_mut())?;
    let num_locals = num_params.saturating_add(declared);
    let mut t = Translator::new(env, num_locals, num_params, num_results);
    if origins {
        t.origins = Some(Vec::new());
    }
    // The module's operand stack, emptied, with its tables, and its code
    // buffer (given back below and by `finish`).
    scratch.stack.reset();
    t.stack = std::mem::take(&mut scratch.stack);
    t.code = std::mem::take(&mut scratch.code);
    t.code.clear();
    let range = body.range();
    let body_len = range.end - range.start;
    let limit = code_bound(body_len, 1).min(code_budget);
    t.limit = usize::try_from(limit).unwrap_or(usize::MAX);
    // The entry block opens at the first instruction.
    let first = body.get_binary_reader_for_operators().map_err(wasm)?;
    t.at = binary_offset(first.original_position());
    t.offset = first.original_position().saturating_sub(env.code_start()) as u32;
    t.begin_metering();
    // The entry block also pays for zeroing the declared locals, at the
    // body's start (its locals' declarations).
    if let Some(model) = env.cost_model() {
        let declared = u64::from(num_locals.saturating_sub(num_params));
        let start = range.start.saturating_sub(env.code_start()) as u32;
        t.add_fuel(start, model.locals_cost(declared));
    }
    let operators = body.get_binary_reader_for_operators().map_err(wasm)?;
    let mut reader = read::BodyReader::new(operators).map_err(wasm)?;
    let code_start = env.code_start();
    let mut visitor = visit::OpVisitor::new(check, Some(&mut t));
    while !reader.eof() {
        // The visitor was given the translator above (were it not, the
        // loop would end here and `reader.finish` refuse the body, its
        // operators left unread).
        let Some(t) = visitor.t.as_deref_mut() else {
            break;
        };
        // The frequent operators from here on, then one other here (all
        // through the visitor once wasmparser's validator checks the body).
        if visitor.check.as_ref().is_none_or(|c| c.own.is_some()) {
            hot::run(
                &mut reader,
                visitor.check.as_deref_mut(),
                t,
                code_start,
                func_index,
                limit,
            )?;
            if reader.eof() {
                break;
            }
        }
        let offset = reader.original_position();
        visitor.offset = offset;
        t.at = binary_offset(offset);
        t.offset = offset.saturating_sub(code_start) as u32;
        // Decoding errors first, then the operator's own.
        let Some(opcode) = reader.visit_operator(&mut visitor).map_err(wasm)? else {
            return Err(visitor.take_error());
        };
        let done = std::mem::take(&mut visitor.done);
        let Some(t) = visitor.t.as_deref_mut() else {
            break;
        };
        // The visit translated the frequent operators.
        if !done {
            t.meter(opcode);
            t.translate(&visitor.op)?;
        }
        // The code is checked after every operator, so that it never
        // outgrows its bound while the rest of the body is read. The
        // virtual stack needs no check here: it is never higher than the
        // validator's, which `Checker::visit` bounds after every operator
        // (now, or at load for a body translated lazily); the frame is
        // checked again below.
        if t.overflow.is_some() {
            t.check(func_index, limit)?;
        }
    }
    drop(visitor);
    reader.finish().map_err(wasm)?;
    t.check(func_index, limit)?;
    t.thread_returns();
    scratch.stack = std::mem::take(&mut t.stack);
    Ok((t, limit))
}

/// The checks of one body's operators at load: the validator's, the work
/// allowance (charged before the validator does the work), the operators
/// the engine knows and accepts, and the frame's size. The same whether
/// the body is translated now or at its first call.
pub(crate) struct Checker<'v> {
    env: &'v dyn ModuleEnv,
    func: u32,
    validator: &'v mut FuncValidator<ValidatorResources>,
    /// Iris's own validator, while it checks the body's operators;
    /// `None` from the first it leaves to `validator` on.
    own: Option<OwnValidator>,
    /// The body, read again to bring `validator` up to the operator
    /// `own` left to it.
    body: &'v FunctionBody<'v>,
    /// What is left of the module's work allowance.
    work: &'v mut u64,
    /// The function's results (what `return` carries).
    num_results: u32,
    refused: crate::OpcodeSet,
}

/// Whether wasmparser's validator also checks every operator that
/// [`OwnValidator`] accepts, and the two are asserted to agree: in builds
/// with debug assertions (the debug test runs, the fuzzers).
const SHADOW: bool = cfg!(debug_assertions);

impl<'v> Checker<'v> {
    fn new(
        env: &'v dyn ModuleEnv,
        func: u32,
        validator: &'v mut FuncValidator<ValidatorResources>,
        work: &'v mut u64,
        body: &'v FunctionBody<'v>,
        parts: &mut own_validator::Parts,
    ) -> Self {
        Self {
            env,
            func,
            own: OwnValidator::new(validator, parts),
            validator,
            body,
            work,
            num_results: env.func_arity(func).1,
            refused: env.refused(),
        }
    }

    /// Checks operator `op` at binary offset `offset`, and gives its
    /// opcode (`opcode`, `Opcode::of(op)`); `validate` visits wasmparser's
    /// validator for `op` (the visitor that decoded it calls the
    /// validator's method for it directly), `own` checks it with
    /// [`OwnValidator::check`] while that one checks the body.
    #[inline(always)]
    fn visit(
        &mut self,
        offset: u64,
        op: &Operator<'_>,
        opcode: Option<Opcode>,
        validate: impl FnOnce(&mut FuncValidator<ValidatorResources>, u64) -> wasmparser::Result<()>,
        own: impl FnOnce(&mut OwnValidator, &ValidatorResources) -> bool,
    ) -> Result<Opcode, Error> {
        // Charged before the validator does the work.
        *self.work = self
            .work
            .checked_sub(self.work(op))
            .ok_or(LimitError::Work { func: self.func })?;
        let wasm = |e| Error::from_wasmparser(e, true);
        let accepted = match self.own.as_mut() {
            Some(checker) => {
                let accepted = own(checker, self.validator.resources());
                if !accepted {
                    self.leave_to_wasmparser(offset)?;
                }
                accepted
            }
            None => false,
        };
        if !accepted || SHADOW {
            let checked = validate(self.validator, offset).map_err(wasm);
            if accepted {
                self.assert_agree(offset, op, checked.is_ok());
            }
            checked?;
        }
        // An operator the validator admits (a feature enabled) but the
        // engine does not know is refused here, reachable or not.
        let opcode = opcode.ok_or_else(|| unsupported(offset, op))?;
        self.admit(offset, opcode)?;
        Ok(opcode)
    }

    /// The engine's checks of a valid operator of `opcode` at binary
    /// offset `offset`: one the configuration refuses, or the frame grown
    /// past its limit.
    #[inline(always)]
    fn admit(&self, offset: u64, opcode: Opcode) -> Result<(), Error> {
        if self.refused.contains(opcode) {
            return Err(Error::new(ErrorKind::RefusedOperator { offset, opcode }));
        }
        // The frame holds the locals and the deepest operand stack. The
        // validator's stack is never lower than the translator's (it also
        // keeps values pushed in unreachable code), so no translation can
        // need a larger frame than this allows.
        let slots = self.slots();
        if slots > u64::from(MAX_FRAME) {
            return Err(LimitError::FrameSize {
                func: self.func,
                slots,
            }
            .into());
        }
        Ok(())
    }
}

impl Checker<'_> {
    /// Checks `hot`, the hot lane's operator at binary offset `offset`
    /// (`bytes`, for wasmparser's validator beside Iris's), as
    /// [`Checker::visit`] checks it (these operators carry no work):
    /// `false` if Iris's validator leaves it to wasmparser's, brought up
    /// to it, and the general path is to read it.
    #[inline(always)]
    fn hot(&mut self, offset: u64, hot: &hot::Hot, bytes: &[u8]) -> Result<bool, Error> {
        let Some(own) = self.own.as_mut() else {
            return Ok(false);
        };
        if !own.hot(hot) {
            self.leave_to_wasmparser(offset)?;
            return Ok(false);
        }
        if SHADOW {
            let op = hot::decode(bytes, offset).map_err(|e| Error::from_wasmparser(e, true))?;
            let checked = self.validator.op(offset, &op);
            self.assert_agree(offset, &op, checked.is_ok());
        }
        self.admit(offset, hot.opcode())?;
        Ok(true)
    }

    /// Hands the body to wasmparser's validator from the operator at
    /// binary offset `offset` on, which Iris's refused: brought up to it
    /// (unless it checked every operator beside Iris's).
    #[cold]
    fn leave_to_wasmparser(&mut self, offset: u64) -> Result<(), Error> {
        self.own = None;
        if !SHADOW {
            self.catch_up(offset)?;
        }
        Ok(())
    }

    /// Gives Iris's validator's buffers back to `parts` for the next body
    /// (none if wasmparser's validator took the body over).
    fn give_back(&mut self, parts: &mut own_validator::Parts) {
        if let Some(own) = self.own.take() {
            *parts = own.into_parts();
        }
    }

    /// The frame's slots so far (the locals and the operand stack) by
    /// the validator checking the body.
    fn slots(&self) -> u64 {
        match &self.own {
            Some(own) => own.slots(),
            None => validator_slots(self.validator),
        }
    }

    /// The control stack's height, by the validator checking the body.
    fn control_height(&self) -> u32 {
        match &self.own {
            Some(own) => own.control_height(),
            None => self.validator.control_stack_height(),
        }
    }

    /// The kind and block type of the frame `depth` below the innermost,
    /// by the validator checking the body.
    fn frame(&self, depth: usize) -> Option<(FrameKind, BlockType)> {
        match &self.own {
            Some(own) => own.frame(depth),
            None => self
                .validator
                .get_control_frame(depth)
                .map(|f| (f.kind, f.block_type)),
        }
    }

    /// Brings wasmparser's validator, which has checked none of the
    /// body's operators, up to the one at binary offset `upto`, by
    /// reading the body again up to it.
    #[cold]
    fn catch_up(&mut self, upto: u64) -> Result<(), Error> {
        let wasm = |e| Error::from_wasmparser(e, true);
        // Decoded as the body reader decodes (features included).
        let mut reader = self.body.get_binary_reader_for_operators().map_err(wasm)?;
        reader.set_features(crate::module::FEATURES);
        let mut operators = wasmparser::OperatorsReader::new(reader);
        while operators.original_position() < upto {
            let at = operators.original_position();
            let op = operators.read().map_err(wasm)?;
            self.validator.op(at, &op).map_err(wasm)?;
        }
        Ok(())
    }

    /// Asserts that wasmparser's validator, which checked `op` at
    /// `offset` after Iris's accepted it (`accepted` whether it did too),
    /// is where Iris's is: the same operand and control stack heights,
    /// the same type on top, the same reachability.
    #[cold]
    fn assert_agree(&self, offset: u64, op: &Operator<'_>, accepted: bool) {
        let Some(own) = &self.own else {
            return;
        };
        let v = &*self.validator;
        assert!(
            accepted,
            "wasmparser refuses {op:?} at {offset}, which Iris accepted"
        );
        let theirs = (
            validator_slots(v),
            v.operand_stack_height(),
            v.control_stack_height(),
            v.get_operand_type(0),
            v.get_control_frame(0).map(|f| f.unreachable),
        );
        let ours = (
            own.slots(),
            own.operand_height(),
            own.control_height(),
            own.top().map(own_validator::Ty::known),
            own.is_unreachable(),
        );
        assert_eq!(
            theirs, ours,
            "the validators differ after {op:?} at {offset}"
        );
    }
}

/// The frame's slots so far by wasmparser's validator: the locals and
/// the operand stack.
fn validator_slots(v: &FuncValidator<ValidatorResources>) -> u64 {
    u64::from(v.len_locals()) + u64::from(v.operand_stack_height())
}

/// The error refusing `op`, an operator the engine does not know, at
/// binary offset `offset`.
fn unsupported(offset: u64, op: &Operator<'_>) -> Error {
    Error::new(ErrorKind::UnsupportedOperator {
        offset: u64::from(binary_offset(offset)),
        operator: operator_name(op),
    })
}

/// An operator's offset in the binary, as a code offset (modules are far
/// smaller than 4 GiB: `Config::max_module_size`).
fn binary_offset(offset: u64) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// The translation state of one function.
pub(crate) struct Translator<'a> {
    env: &'a dyn ModuleEnv,
    /// `env`'s cost model, asked once per function: it is read for every
    /// operator.
    cost_model: Option<&'a dyn CostModel>,
    /// `env`'s price of each operator by its index in [`Opcode::ALL`]
    /// (empty: ask `cost_model`).
    operator_costs: &'a [u64],
    code: Vec<Instr>,
    stack: OperandStack,
    /// The open frames; change only through [`Translator::push_control`]
    /// and [`Translator::pop_control`], which keep `fuel`.
    control: Vec<Control>,
    /// The static cost so far of the innermost frame's metering block
    /// (which its [`Control::fuel`] holds only while a frame inside it is
    /// open): one field at a fixed place, added to for every operator,
    /// where the innermost frame's was looked up for each.
    fuel: u64,
    num_locals: u32,
    num_results: u32,
    max_height: u32,
    reachable: bool,
    /// Instructions before this index may be jumped over or to: the
    /// peephole rewrites never look behind it.
    barrier: usize,
    /// Whether an unconditional jump (`Instr::Br`) was emitted: only then
    /// has [`Translator::thread_returns`] anything to look for.
    jumps: bool,
    /// The code-section offset of the operator being translated.
    offset: u32,
    /// Its offset in the binary.
    at: u32,
    /// When translating again to find code offsets: for each instruction,
    /// the binary offset of the operator it comes from.
    origins: Option<Vec<u32>>,
    /// Profiled metering blocks (empty unless profiling).
    blocks: Vec<BlockInfo>,
    /// When profiling: each charged instruction's share of its block's
    /// charge, as (block, instruction).
    block_costs: Option<Vec<(u32, InstrFuel)>>,
    /// The most instructions the function may have.
    limit: usize,
    /// The targets of the `br_table` being translated (a buffer kept
    /// from one to the next).
    depths: Vec<u32>,
    /// Set when an instruction was not emitted: the code reached `limit`,
    /// or the system refused memory for it.
    overflow: Option<Overflow>,
}

/// Why the translator stopped emitting.
#[derive(Debug, Clone, Copy)]
enum Overflow {
    /// The code reached its limit.
    Limit,
    /// The system refused memory for more code.
    Allocation,
}

impl<'a> Translator<'a> {
    fn new(env: &'a dyn ModuleEnv, num_locals: u32, num_params: u32, num_results: u32) -> Self {
        let _ = num_params;
        let mut t = Self {
            env,
            cost_model: env.cost_model(),
            operator_costs: env.operator_costs().unwrap_or_default(),
            code: Vec::new(),
            stack: OperandStack::default(),
            control: Vec::new(),
            fuel: 0,
            num_locals,
            num_results,
            max_height: 0,
            reachable: true,
            barrier: 0,
            jumps: false,
            offset: 0,
            at: 0,
            origins: None,
            blocks: Vec::new(),
            block_costs: env.profiling().then(Vec::new),
            limit: usize::MAX,
            depths: Vec::new(),
            overflow: None,
        };
        t.push_control(Control::new(ControlKind::Function, 0, 0, num_results, true));
        t
    }

    /// Opens `frame` inside the innermost one, whose metering block's
    /// cost so far it keeps until `frame` closes.
    fn push_control(&mut self, frame: Control) {
        if let Some(outer) = self.control.last_mut() {
            outer.fuel = self.fuel;
        }
        self.fuel = frame.fuel;
        self.control.push(frame);
    }

    /// Closes the innermost frame: its metering block's cost so far goes
    /// with it, and the enclosing frame's block goes on.
    fn pop_control(&mut self) -> Option<Control> {
        let mut frame = self.control.pop()?;
        frame.fuel = self.fuel;
        if let Some(outer) = self.control.last() {
            self.fuel = outer.fuel;
        }
        Some(frame)
    }

    /// The canonical slot of operand depth `depth`. Depths beyond the frame
    /// limit wrap here; `translate` rejects such functions at the end.
    fn slot(&self, depth: usize) -> Slot {
        (self.num_locals as usize + depth) as Slot
    }

    fn local(&self, index: u32) -> Slot {
        index as Slot
    }

    fn height(&self) -> usize {
        self.stack.len()
    }

    /// Inlined, as `OperandStack::push` is: an operand passed by reference
    /// stalls on being read back whole.
    #[inline(always)]
    fn push(&mut self, operand: Operand) {
        self.stack.push(operand);
        let height = self.stack.len() as u32;
        if height > self.max_height {
            self.max_height = height;
        }
    }

    fn push_temp(&mut self) -> Slot {
        self.push(Operand::Temp);
        self.slot(self.height() - 1)
    }

    /// Pops the top operand. Validation guarantees there is one in
    /// reachable code; an empty stack gives a harmless `Temp`. Inlined:
    /// out of line, the operand came back through memory in three stores
    /// (4, 8 and 4 bytes) and the caller read a constant's 8 bytes across
    /// two of them, a store-forwarding stall (a quarter of `simple`'s
    /// samples in a cold start's profile).
    #[inline(always)]
    fn pop(&mut self) -> Operand {
        self.stack.pop().unwrap_or(Operand::Temp)
    }

    /// Fails with the limit that the function's translation exceeded, if
    /// any: its frame, or its code (`limit` instructions).
    fn check(&self, func: u32, limit: u64) -> Result<(), Error> {
        let slots = u64::from(self.num_locals) + u64::from(self.max_height);
        if slots > u64::from(MAX_FRAME) {
            return Err(LimitError::FrameSize { func, slots }.into());
        }
        match self.overflow {
            None => Ok(()),
            Some(Overflow::Limit) => Err(LimitError::Code { func, max: limit }.into()),
            Some(Overflow::Allocation) => Err(LimitError::Allocation {
                what: "translated code",
                bytes: limit.saturating_mul(std::mem::size_of::<Instr>() as u64),
            }
            .into()),
        }
    }

    /// Emits `instr` from the operator being translated: its index (that
    /// of the copy it merged into, for a copy), or the index it would
    /// have had if it did not fit (`overflow` says why).
    ///
    /// Inlined for the usual case (not a copy, room for it, no origins
    /// kept): out of line, the instruction came by reference and was read
    /// back whole just after its caller wrote it in parts, a store
    /// forwarding stall on three quarters of `emit`'s samples in a cold
    /// start's profile.
    #[inline(always)]
    fn emit(&mut self, instr: Instr) -> usize {
        let at = self.code.len();
        if !matches!(instr, Instr::Copy { .. }) && self.room_without_origins() {
            self.code.push(instr);
            return at;
        }
        self.emit_merged(instr)
    }

    /// Whether one more instruction fits under the limit and in the code
    /// vector's capacity, with no origins kept: the case `emit` and
    /// `emit_imm` push in place ([`Translator::room_for`] the others).
    #[inline(always)]
    fn room_without_origins(&self) -> bool {
        let at = self.code.len();
        self.origins.is_none() && at < self.limit && at < self.code.capacity()
    }

    /// Emits `dst = op(lhs, value)` with the constant as an immediate, if
    /// `op` has such a form: written in the code's new slot where `emit`
    /// takes its usual case (the instruction, built elsewhere and copied,
    /// was read back whole just after it was written in parts: 46% of
    /// `simple`'s samples in a cold start's profile). `false`, nothing
    /// emitted, if there is no such form.
    #[inline(always)]
    fn emit_imm(&mut self, op: BinOp, dst: Slot, lhs: Slot, value: u64) -> bool {
        if self.room_without_origins() {
            self.code.push(Instr::Unreachable);
            let written = self
                .code
                .last_mut()
                .is_some_and(|to| op.write_imm(to, dst, lhs, value));
            if !written {
                self.code.pop();
            }
            return written;
        }
        match op.instr_imm(dst, lhs, value) {
            Some(instr) => {
                self.emit(instr);
                true
            }
            None => false,
        }
    }

    /// [`Translator::emit`] for the other cases.
    #[inline(never)]
    fn emit_merged(&mut self, instr: Instr) -> usize {
        // Consecutive copies share one dispatch.
        if let (Instr::Copy { dst, src }, Some(at)) = (instr, self.rewritable()) {
            let merged = match self.code[at] {
                Instr::Copy { dst: d0, src: s0 } => Some(Instr::Copy2 {
                    d0,
                    s0,
                    d1: dst,
                    s1: src,
                }),
                Instr::Copy2 { d0, s0, d1, s1 } => Some(Instr::Copy3 {
                    d0,
                    s0,
                    d1,
                    s1,
                    d2: dst,
                    s2: src,
                }),
                _ => None,
            };
            if let Some(merged) = merged {
                self.code[at] = merged;
                return at;
            }
        }
        let at = self.code.len();
        if !self.room_for(1) {
            return at;
        }
        if let Some(origins) = &mut self.origins {
            origins.push(self.at);
        }
        self.code.push(instr);
        at
    }

    /// Emits `count` copies of `instr` (never merged with what precedes
    /// them), from the operator being translated: the index of the first,
    /// or `None` if they did not fit (`overflow` says why).
    fn emit_many(&mut self, instr: Instr, count: usize) -> Option<usize> {
        let at = self.code.len();
        if !self.room_for(count) {
            return None;
        }
        if let Some(origins) = &mut self.origins {
            origins.resize(at + count, self.at);
        }
        self.code.resize(at + count, instr);
        Some(at)
    }

    /// Makes room for `count` more instructions (and their origins, when
    /// kept): `false`, with `overflow` saying why, if they would pass the
    /// code's limit or the system refuses the memory.
    #[inline(always)]
    fn room_for(&mut self, count: usize) -> bool {
        let at = self.code.len();
        if at.saturating_add(count) > self.limit {
            self.overflow.get_or_insert(Overflow::Limit);
            return false;
        }
        // Grown by doubling, from 16.
        if self.code.capacity() - at < count
            && self.code.try_reserve(count.max(at).max(16)).is_err()
        {
            self.overflow.get_or_insert(Overflow::Allocation);
            return false;
        }
        if let Some(origins) = &mut self.origins {
            if origins.try_reserve(count).is_err() {
                self.overflow.get_or_insert(Overflow::Allocation);
                return false;
            }
        }
        true
    }

    /// Replaces instruction `at` by `fused`, its fused form with the
    /// operator being translated, which it then comes from.
    fn fuse_into(&mut self, at: usize, fused: Instr) {
        self.code[at] = fused;
        if let Some(origin) = self.origins.as_mut().and_then(|o| o.get_mut(at)) {
            *origin = self.at;
        }
    }

    /// Replaces each `br` to a return by that return, which reads the
    /// same slots of the same frame: one instruction less on the way out
    /// of an `if` or a block that ends the function (a metering block that
    /// opens at the target starts with its charge, not a return, so
    /// nothing is skipped).
    fn thread_returns(&mut self) {
        // Straight-line code (a contract of one long block) has no jump:
        // its code is not read again.
        if !self.jumps {
            return;
        }
        for at in 0..self.code.len() {
            if let Instr::Br { target } = self.code[at] {
                // (A return that reads the accumulator is never a branch
                // target: a label stops `accumulate`. Checked all the
                // same, as the copy would read what the branch did not
                // write.)
                if let Some(&ret @ (Instr::Return | Instr::ReturnSlot { .. })) =
                    self.code.get(target as usize)
                {
                    if ret.acc_use() == (false, 0) {
                        self.code[at] = ret;
                    }
                }
            }
        }
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// Binds a label here: later peepholes must not reach behind it.
    fn bind_label(&mut self) -> u32 {
        self.barrier = self.code.len();
        self.pc()
    }

    fn patch(&mut self, at: usize, target: u32) {
        if let Some(slot) = self.code.get_mut(at).and_then(branch_target) {
            *slot = target;
        }
    }

    /// Writes `operand` to slot `dst` (no code if it is already there).
    fn copy_to(&mut self, dst: Slot, operand: Operand, depth: usize) {
        match operand {
            Operand::Temp => {
                let src = self.slot(depth);
                if src != dst {
                    self.emit(Instr::Copy { dst, src });
                }
            }
            Operand::Local(n) => {
                let src = self.local(n);
                if src != dst {
                    self.emit(Instr::Copy { dst, src });
                }
            }
            Operand::Const(value) => {
                self.emit(Instr::Const64 { dst, value });
            }
        }
    }

    /// The slot holding a just-popped operand that was at `depth`, writing
    /// a constant into its canonical slot first.
    fn slot_of(&mut self, operand: Operand, depth: usize) -> Slot {
        match operand {
            Operand::Temp => self.slot(depth),
            Operand::Local(n) => self.local(n),
            Operand::Const(value) => {
                let dst = self.slot(depth);
                self.emit(Instr::Const64 { dst, value });
                dst
            }
        }
    }

    /// Pops the top operand and gives the slot holding it.
    fn pop_slot(&mut self) -> Slot {
        let operand = self.pop();
        let depth = self.height();
        self.slot_of(operand, depth)
    }

    /// Moves the stack entries from `from` up into their canonical slots.
    fn materialize_from(&mut self, from: usize) {
        while let Some((depth, operand)) = self.stack.take_non_temp_from(from) {
            let dst = self.slot(depth);
            self.copy_to(dst, operand, depth);
        }
    }

    /// Copies every stack entry that still refers to local `n` into its
    /// canonical slot, before `n` changes (or before control flow merges,
    /// for `n == None`: every local). Gives whether there was one.
    fn preserve_locals(&mut self, n: Option<u32>) -> bool {
        let mut any = false;
        loop {
            let (depth, m) = match n {
                Some(n) => match self.stack.take_local(n) {
                    Some(depth) => (depth, n),
                    None => return any,
                },
                None => match self.stack.take_any_local() {
                    Some(found) => found,
                    None => return any,
                },
            };
            any = true;
            let dst = self.slot(depth);
            self.emit(Instr::Copy {
                dst,
                src: self.local(m),
            });
        }
    }

    /// The last instruction, if it may still be rewritten and it wrote
    /// `slot`.
    fn last_writer_of(&mut self, slot: Slot) -> Option<&mut Instr> {
        let last = self.rewritable()?;
        let instr = &mut self.code[last];
        match result_slot(instr) {
            Some(dst) if *dst == slot => Some(instr),
            _ => None,
        }
    }

    /// The result slot of the last instruction, if it may still be
    /// rewritten and it wrote `slot` ([`Translator::last_writer_of`]'s
    /// instruction's, found with one lookup of it).
    fn last_result_of(&mut self, slot: Slot) -> Option<&mut Slot> {
        let last = self.rewritable()?;
        result_slot(&mut self.code[last]).filter(|dst| **dst == slot)
    }

    /// The index of the last instruction, if no label stands after it (so
    /// a peephole may still rewrite it).
    fn rewritable(&self) -> Option<usize> {
        self.code
            .len()
            .checked_sub(1)
            .filter(|&at| at >= self.barrier)
    }

    /// The last instruction and its index, if it may still be rewritten,
    /// with the slot it wrote.
    fn producer(&self) -> Option<(usize, Instr, Slot)> {
        let last = self.rewritable()?;
        let instr = self.code[last];
        let mut written = instr;
        let slot = *result_slot(&mut written)?;
        Some((last, instr, slot))
    }

    fn local_set(&mut self, n: u32, tee: bool) {
        let value = self.pop();
        let depth = self.height();
        let dst = self.local(n);
        if self.preserve_locals(Some(n)) {
            self.copy_to(dst, value, depth);
        } else if value == Operand::Temp {
            let slot = self.slot(depth);
            match self.last_result_of(slot) {
                Some(result) => *result = dst,
                None => {
                    self.emit(Instr::Copy { dst, src: slot });
                }
            }
        } else if value != Operand::Local(n) {
            self.copy_to(dst, value, depth);
        }
        if tee {
            self.push(Operand::Local(n));
        }
    }

    fn binary(&mut self, op: BinOp) {
        let rhs = self.pop();
        let lhs = self.pop();
        let depth = self.height();
        let dst = self.slot(depth);
        if let Operand::Const(c) = rhs {
            let lhs_temp = lhs == Operand::Temp;
            let lhs_slot = self.slot_of(lhs, depth);
            if lhs_temp && self.fuse_imm(op, dst, lhs_slot, c) {
                self.push(Operand::Temp);
                return;
            }
            let via_acc = self.acc_slot() == Some(lhs_slot);
            let len = self.code.len();
            if self.emit_imm(op, dst, if via_acc { ACC } else { lhs_slot }, c) {
                if via_acc && lhs_temp && self.code.len() == len + 1 {
                    self.acc_only();
                }
                self.push(Operand::Temp);
                return;
            }
            let rhs = self.slot_of(rhs, depth + 1);
            self.emit(op.instr(dst, lhs_slot, rhs));
            self.push(Operand::Temp);
            return;
        }
        if let (Operand::Const(c), Some(swapped)) = (lhs, op.swapped()) {
            let rhs_temp = rhs == Operand::Temp;
            let rhs_slot = self.slot_of(rhs, depth + 1);
            let via_acc = self.acc_slot() == Some(rhs_slot);
            let len = self.code.len();
            if self.emit_imm(swapped, dst, if via_acc { ACC } else { rhs_slot }, c) {
                if via_acc && rhs_temp && self.code.len() == len + 1 {
                    self.acc_only();
                }
                self.push(Operand::Temp);
                return;
            }
        }
        let (lhs_temp, rhs_temp) = (lhs == Operand::Temp, rhs == Operand::Temp);
        let lhs = self.slot_of(lhs, depth);
        let rhs = self.slot_of(rhs, depth + 1);
        if !self.fuse(op, dst, (lhs, lhs_temp), (rhs, rhs_temp)) {
            let (lhs, rhs, popped) = match self.acc_slot() {
                Some(slot) if slot == lhs && slot != rhs => (ACC, rhs, lhs_temp),
                Some(slot) if slot == rhs && slot != lhs => (lhs, ACC, rhs_temp),
                _ => (lhs, rhs, false),
            };
            let at = self.emit(op.instr(dst, lhs, rhs));
            if popped && at + 1 == self.code.len() {
                self.acc_only();
            }
        }
        self.push(Operand::Temp);
    }

    /// The slot the last instruction wrote, if it may still be rewritten
    /// and its handler leaves its result in the accumulator too: an
    /// instruction emitted next that reads that slot may read it from the
    /// accumulator ([`ACC`]) instead. Its emitter builds it so, as
    /// [`Translator::accumulate`] would rewrite it (without looking for
    /// the operand again), and calls [`Translator::acc_only`] if the value
    /// was popped.
    #[inline(always)]
    fn acc_slot(&self) -> Option<Slot> {
        let last = self.rewritable()?;
        let mut writer = self.code[last];
        writer.acc_result().map(|dst| *dst)
    }

    /// After an instruction just emitted that reads from the accumulator
    /// a value it popped ([`Translator::acc_slot`]): the one before it
    /// leaves its result only there.
    fn acc_only(&mut self) {
        let before = self.code.len().checked_sub(2);
        if let Some(writer) = before.and_then(|at| self.code.get_mut(at)) {
            if let Some(dst) = writer.acc_result() {
                *dst = ACC;
            }
        }
    }

    /// Makes instruction `at`, the last one, read slot `slot` from the
    /// accumulator ([`ACC`]) when the instruction just before it wrote
    /// that slot, with no label between them (so the two always run one
    /// after the other), and both have handlers that can: the writer's
    /// handler leaves every result it computes in the accumulator too.
    /// If the reader has just popped the value (`popped`: a temporary
    /// nothing else reads), the writer no longer stores it in the frame
    /// at all. Later peepholes that rewrite either instruction keep the
    /// pair: a fused form takes over its operands and result as they are.
    fn accumulate(&mut self, at: usize, slot: Slot, popped: bool) {
        if at + 1 != self.code.len() {
            return;
        }
        let Some(before) = at.checked_sub(1).filter(|&b| b >= self.barrier) else {
            return;
        };
        let (head, tail) = self.code.split_at_mut(at);
        let (Some(writer), Some(reader)) = (head.get_mut(before), tail.first_mut()) else {
            return;
        };
        let Some(dst) = writer.acc_result().filter(|dst| **dst == slot) else {
            return;
        };
        if reader.read_acc(slot) && popped {
            *dst = ACC;
        }
    }

    /// Replaces the last instruction by the fused form of it and
    /// `dst = op(t, value)`, if it computed temporary `t` (which nothing else
    /// reads) and the pair has a fused form.
    fn fuse_imm(&mut self, op: BinOp, dst: Slot, t: Slot, value: u64) -> bool {
        let Some((last, producer, written)) = self.producer() else {
            return false;
        };
        if written != t {
            return false;
        }
        match fuse_binary_imm(op, dst, value, producer) {
            Some(fused) => {
                self.fuse_into(last, fused);
                true
            }
            None => false,
        }
    }

    /// Replaces the last instruction by the fused form of it and
    /// `dst = op(lhs, rhs)`, if it computed one of the two operands into a
    /// temporary (which nothing else reads) and the pair has a fused form.
    /// The fused instruction reads all its operands before it writes.
    fn fuse(&mut self, op: BinOp, dst: Slot, lhs: (Slot, bool), rhs: (Slot, bool)) -> bool {
        let Some((last, producer, t)) = self.producer() else {
            return false;
        };
        let Some((other, other_temp)) = other_operand(t, lhs, rhs) else {
            return self.fuse_past_last(op, dst, lhs, rhs);
        };
        let Some(fused) = fuse_binary(op, dst, other, producer) else {
            return self.fuse_past_last(op, dst, lhs, rhs);
        };
        self.fuse_with_last(last, fused, other, other_temp)
    }

    /// [`Translator::fuse`] with the instruction before the last, when it
    /// wrote one operand (a temporary only this operator reads) and the
    /// last instruction, in between, is independent of it: the last moves
    /// before it (and before the instructions that hand it their results
    /// in the accumulator, which must stay together), and the pair fuses
    /// as if it had been emitted there (`(!a & c) ^ d` with `d` computed
    /// between the two halves, as Keccak's chi is written). The one that
    /// moves must neither trap nor read memory nor the accumulator, and
    /// neither it nor those it moves past may read or write what the
    /// other writes: each computes what it did, and a trap is the same
    /// trap (the moved instruction's result is then lost with the frame).
    fn fuse_past_last(
        &mut self,
        op: BinOp,
        dst: Slot,
        lhs: (Slot, bool),
        rhs: (Slot, bool),
    ) -> bool {
        let Some(last) = self.rewritable() else {
            return false;
        };
        let Some(before) = last.checked_sub(1).filter(|&at| at >= self.barrier) else {
            return false;
        };
        let producer = self.code[before];
        let Some((t, ..)) = producer.frame_slots() else {
            return false;
        };
        let Some((other, other_temp)) = other_operand(t, lhs, rhs) else {
            return false;
        };
        let Some((x_dst, x_reads, x_n, true)) = self.code[last].frame_slots() else {
            return false;
        };
        let x_reads = &x_reads[..x_n];
        if t == ACC || x_dst == ACC || x_reads.contains(&ACC) {
            return false;
        }
        let Some(fused) = fuse_binary(op, dst, other, producer) else {
            return false;
        };
        // The producer and the instructions that hand it their results in
        // the accumulator, from `start`.
        let mut start = before;
        loop {
            let Some((m_dst, m_reads, m_n, _)) = self.code[start].frame_slots() else {
                return false;
            };
            let m_reads = &m_reads[..m_n];
            if m_dst == x_dst || x_reads.contains(&m_dst) || m_reads.contains(&x_dst) {
                return false;
            }
            if !m_reads.contains(&ACC) {
                break;
            }
            match start.checked_sub(1).filter(|&at| at >= self.barrier) {
                Some(at) => start = at,
                None => return false,
            }
        }
        self.code[start..=last].rotate_right(1);
        if let Some(origins) = self.origins.as_mut().and_then(|o| o.get_mut(start..=last)) {
            origins.rotate_right(1);
        }
        self.fuse_with_last(last, fused, other, other_temp)
    }

    /// Replaces the last instruction, `last`, by `fused`, its fused form
    /// with the operator being translated, whose other operand is `other`
    /// (a temporary if `other_temp`); the rest of [`Translator::fuse`].
    fn fuse_with_last(&mut self, last: usize, fused: Instr, other: Slot, other_temp: bool) -> bool {
        self.fuse_into(last, fused);
        // The other operand may be a temporary, which only this reads,
        // that the instruction before wrote (`rotl ^ rotl`).
        if other_temp {
            if let Some(before) = last.checked_sub(1).filter(|&at| at >= self.barrier) {
                if let Some(chained) = fuse_chain(fused, self.code[before]) {
                    self.code.truncate(last);
                    if let Some(origins) = &mut self.origins {
                        origins.truncate(last);
                    }
                    self.fuse_into(before, chained);
                    return true;
                }
            }
        }
        self.accumulate(last, other, other_temp);
        true
    }

    /// Emits a load, fused with the `i32.add` (of a constant or of two
    /// slots) that computed its address into a temporary (which nothing
    /// else reads), when the load has a fused form.
    fn load(&mut self, make: fn(Slot, Slot, u32) -> Instr, offset: u32) {
        let operand = self.pop();
        let depth = self.height();
        let addr = self.slot_of(operand, depth);
        let dst = self.push_temp();
        let load = make(dst, addr, offset);
        if let (Some((last, producer, t)), Operand::Temp) = (self.producer(), operand) {
            if let (Some(fused), true) = (fuse_load(load, producer), t == addr) {
                self.fuse_into(last, fused);
                return;
            }
        }
        let at = self.emit(load);
        self.accumulate(at, addr, operand == Operand::Temp);
    }

    /// Emits a branch to `target` taken when `cond` (just popped, at the
    /// current height) is non-zero, or zero if `negate`. Fuses it with the
    /// comparison that produced `cond` where possible. Gives the index of
    /// the branch instruction, for patching.
    fn branch_if(&mut self, cond: Operand, negate: bool, target: u32) -> usize {
        let depth = self.height();
        if cond == Operand::Temp {
            let slot = self.slot(depth);
            if let Some(&mut last) = self.last_writer_of(slot) {
                if let Some(fused) = fuse_branch(last, negate, target) {
                    let at = self.code.len() - 1;
                    self.fuse_into(at, fused);
                    return at;
                }
            }
        }
        // `x + imm` just written (to a temporary, or to a local by
        // `local.tee`) and branched on: one instruction that still writes
        // it.
        let written = match cond {
            Operand::Temp => Some(self.slot(depth)),
            Operand::Local(n) => Some(self.local(n)),
            Operand::Const(_) => None,
        };
        if let Some(slot) = written {
            if let Some(&mut Instr::I32AddImm { dst, lhs, imm }) = self.last_writer_of(slot) {
                let fused = if negate {
                    Instr::BrI32AddImmEqz {
                        dst,
                        lhs,
                        imm,
                        target,
                    }
                } else {
                    Instr::BrI32AddImmNez {
                        dst,
                        lhs,
                        imm,
                        target,
                    }
                };
                let at = self.code.len() - 1;
                self.fuse_into(at, fused);
                return at;
            }
        }
        let temp = cond == Operand::Temp;
        let cond = self.slot_of(cond, depth);
        let at = self.emit(if negate {
            Instr::BrIfEqz { cond, target }
        } else {
            Instr::BrIfNez { cond, target }
        });
        self.accumulate(at, cond, temp);
        at
    }

    /// The values a branch to the label of control frame `depth` carries,
    /// and the slot where the first goes.
    fn label(&self, depth: u32) -> Option<(usize, u32, u32)> {
        let index = self.control.len().checked_sub(1 + depth as usize)?;
        let frame = &self.control[index];
        Some((index, frame.branch_arity(), frame.height))
    }

    /// Copies the top `arity` operands to the slots of a label whose frame
    /// starts at `height`. Up to [`FEW`] values are copied from wherever
    /// they live, leaving the virtual stack as it is; more must already be
    /// materialized ([`Self::prepare_branch_values`]) and move as one span.
    fn copy_branch_values(&mut self, arity: u32, height: u32) {
        let top = self.height() - arity as usize;
        if arity > FEW {
            if top != height as usize {
                self.emit(Instr::CopySpan {
                    dst: self.slot(height as usize),
                    src: self.slot(top),
                    len: arity,
                });
            }
            return;
        }
        for i in 0..arity as usize {
            let dst = self.slot(height as usize + i);
            let operand = self.stack.get(top + i);
            self.copy_to(dst, operand, top + i);
        }
    }

    /// Before a branch carrying `arity` values is emitted: more than
    /// [`FEW`] values go to their canonical slots first, so that the branch
    /// moves them with one instruction (and a later branch with the same
    /// values has nothing to write).
    fn prepare_branch_values(&mut self, arity: u32) {
        if arity > FEW {
            self.materialize_from(self.height() - arity as usize);
        }
    }

    /// Whether a branch carrying `arity` values to a frame at `height`
    /// needs no copies.
    fn values_in_place(&mut self, arity: u32, height: u32) -> bool {
        let top = self.height() - arity as usize;
        arity == 0 || (top == height as usize && self.stack.all_temp_from(top))
    }

    /// Emits an unconditional jump to the label of frame `index`.
    fn jump_to(&mut self, index: usize) {
        self.jumps = true;
        match self.control[index].kind {
            ControlKind::Loop { head } => {
                self.emit_jump(head);
            }
            _ => {
                let at = self.emit_jump(0);
                self.control[index].patches.push(at);
            }
        }
    }

    /// Emits a jump to `target`: one or two copies just before it, with no
    /// label between, go with it in one instruction (the values a loop
    /// carries to its head, in a dispatch less per iteration). Gives the
    /// index of the jump, for patching.
    fn emit_jump(&mut self, target: u32) -> usize {
        if let Some(last) = self.rewritable() {
            let merged = match self.code[last] {
                Instr::Copy { dst, src } => Some(Instr::CopyBr { dst, src, target }),
                Instr::Copy2 { d0, s0, d1, s1 } => Some(Instr::Copy2Br {
                    d0,
                    s0,
                    d1,
                    s1,
                    target,
                }),
                _ => None,
            };
            if let Some(merged) = merged {
                self.fuse_into(last, merged);
                return last;
            }
        }
        self.emit(Instr::Br { target })
    }

    /// Emits the return sequence with the top `num_results` operands.
    fn emit_return(&mut self) {
        let n = self.num_results as usize;
        let top = self.height() - n;
        if n == 1 {
            let operand = self.stack.get(top);
            let src = self.slot_of(operand, top);
            let at = self.emit(Instr::ReturnSlot { src });
            // The function ends here: nothing reads the value after.
            self.accumulate(at, src, operand == Operand::Temp);
            return;
        }
        if n > FEW as usize {
            // Canonical slots lie above the locals, so the span moves down.
            self.materialize_from(top);
            self.emit(Instr::CopySpan {
                dst: 0,
                src: self.slot(top),
                len: self.num_results,
            });
            self.emit(Instr::Return);
            return;
        }
        // A local among the results may be overwritten by an earlier
        // result's copy: move such locals out of the way first.
        for depth in top..self.height() {
            if let Operand::Local(m) = self.stack.get(depth) {
                if (m as usize) < n {
                    let dst = self.slot(depth);
                    self.emit(Instr::Copy {
                        dst,
                        src: self.local(m),
                    });
                    self.stack.set_temp(depth);
                }
            }
        }
        for i in 0..n {
            let operand = self.stack.get(top + i);
            self.copy_to(i as Slot, operand, top + i);
        }
        self.emit(Instr::Return);
    }

    /// Marks the rest of the current block unreachable.
    fn set_unreachable(&mut self) {
        self.reachable = false;
        if let Some(frame) = self.control.last() {
            let height = frame.height as usize;
            self.stack.truncate(height);
        }
    }

    /// Adds the static cost of `op` to the current metering block, or
    /// closes the block at `end` and `else` (Ewasm's injected-metering
    /// rules: `block`, `loop` and `if` are paid by the enclosing block).
    #[inline(always)]
    fn meter(&mut self, op: Opcode) {
        let Some(model) = self.cost_model else {
            return;
        };
        match op {
            Opcode::End | Opcode::Else => self.finish_metering(),
            _ => {
                let cost = match self.operator_costs.get(op as usize) {
                    Some(&cost) => cost,
                    None => model.operator_cost(op),
                };
                self.add_fuel(self.offset, cost);
            }
        }
    }

    /// Adds `fuel`, the static cost of the instruction at code offset
    /// `offset`, to the innermost frame's metering block (and, when
    /// profiling, notes the instruction's share of the block's charge).
    #[inline(always)]
    fn add_fuel(&mut self, offset: u32, fuel: u64) {
        self.fuel = self.fuel.saturating_add(fuel);
        if self.block_costs.is_some() {
            self.note_fuel(offset, fuel);
        }
    }

    /// When profiling: notes that the instruction at code offset `offset`
    /// adds `fuel` to the innermost frame's metering block.
    #[cold]
    #[inline(never)]
    fn note_fuel(&mut self, offset: u32, fuel: u64) {
        let Some(at) = self.control.last().and_then(|frame| frame.fuel_at) else {
            return;
        };
        if let (Some(costs), Some(Instr::ProfileFuel { block })) =
            (self.block_costs.as_mut(), self.code.get(at))
        {
            costs.push((*block, InstrFuel { offset, fuel }));
        }
    }

    /// Opens a metering block in the innermost frame here: emits the charge
    /// that `finish_metering` will fill in.
    fn begin_metering(&mut self) {
        let Some(model) = self.cost_model else {
            return;
        };
        if !self.reachable {
            return;
        }
        // The block's closing `end` (or `else`) is paid with the block.
        let end = model.operator_cost(Opcode::End);
        // Profiling is what keeps `block_costs`.
        let at = if self.block_costs.is_some() {
            let block = self.blocks.len() as u32;
            self.blocks.push(BlockInfo {
                offset: self.offset,
                fuel: 0,
            });
            self.emit(Instr::ProfileFuel { block })
        } else {
            self.emit(Instr::ConsumeFuel { amount: 0 })
        };
        self.fuel = end;
        if let Some(frame) = self.control.last_mut() {
            frame.fuel_at = Some(at);
        }
    }

    /// Closes the innermost frame's metering block: fills in its charge.
    fn finish_metering(&mut self) {
        let fuel = self.fuel;
        let Some(frame) = self.control.last_mut() else {
            return;
        };
        let Some(at) = frame.fuel_at.take() else {
            // The block opened in unreachable code: it charges nothing.
            return;
        };
        match self.code.get_mut(at) {
            Some(Instr::ConsumeFuel { amount }) => *amount = fuel,
            Some(Instr::ProfileFuel { block }) => {
                if let Some(info) = self.blocks.get_mut(*block as usize) {
                    info.fuel = fuel;
                }
                // The closing `end` (or `else`), paid with the block from
                // its start (`begin_metering`), is here.
                if let (Some(costs), Some(model)) = (self.block_costs.as_mut(), self.cost_model) {
                    let fuel = model.operator_cost(Opcode::End);
                    let offset = self.offset;
                    costs.push((*block, InstrFuel { offset, fuel }));
                }
            }
            // `begin_metering` emitted the charge at `at` (unless the code
            // reached its limit, which fails the function).
            other => debug_assert!(self.overflow.is_some(), "the charge at {at} is {other:?}"),
        }
    }

    /// Translates one (already validated) operator, one that its visit
    /// method did not (see `visit.rs`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedOperator`](crate::ErrorKind::UnsupportedOperator)
    /// for an operator it does not translate.
    fn translate(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        if !self.reachable {
            self.translate_unreachable(op);
            return Ok(());
        }
        self.translate_reachable(op)
    }

    /// The parameter and result counts of a block type.
    fn block_arity(&self, ty: wasmparser::BlockType) -> (u32, u32) {
        work::block_arity(self.env, ty)
    }

    /// The error refusing `op`, at the operator being translated.
    fn unsupported(&self, op: &Operator<'_>) -> Error {
        unsupported(u64::from(self.at), op)
    }

    /// In unreachable code only the block structure matters: no code is
    /// emitted, for these operators or any other (each is known to the
    /// engine: see `translate_body`).
    fn translate_unreachable(&mut self, op: &Operator<'_>) {
        match op {
            // The arities count validation work (`work.rs`); code is never
            // emitted for these frames.
            Operator::Block { blockty } | Operator::If { blockty } => {
                let height = self.height() as u32;
                let (params, results) = self.block_arity(*blockty);
                self.push_control(Control::new(
                    ControlKind::Block,
                    height,
                    params,
                    results,
                    false,
                ));
            }
            Operator::Loop { blockty } => {
                let height = self.height() as u32;
                let (params, results) = self.block_arity(*blockty);
                self.push_control(Control::new(
                    ControlKind::Loop { head: 0 },
                    height,
                    params,
                    results,
                    false,
                ));
            }
            Operator::Else => self.visit_else(),
            Operator::End => self.visit_end(),
            // Any other operator (one the engine knows: `translate_body`
            // refused the others) emits nothing here.
            _ => {}
        }
    }
}
