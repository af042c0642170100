//! The translation of each operator.

use std::collections::BTreeMap;

use wasmparser::Operator;

use super::control::{Control, ControlKind};
use super::{Operand, Overflow, Translator};
use crate::error::Error;
use crate::ir::{Instr, Simple, Slot, ACC};

impl Translator<'_> {
    /// Translates an operator of reachable code that its visit method did
    /// not: not a plain one ([`Translator::simple`]), a local's or an
    /// integer constant (`visit.rs`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedOperator`](crate::ErrorKind::UnsupportedOperator)
    /// for an operator it does not translate.
    pub(super) fn translate_reachable(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.emit(Instr::Unreachable);
                self.set_unreachable();
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_arity(blockty);
                let height = self.enter_block(params);
                self.push_control(Control::new(
                    ControlKind::Block,
                    height,
                    params,
                    results,
                    true,
                ));
                self.begin_metering();
            }
            Operator::Loop { blockty } => {
                let (params, results) = self.block_arity(blockty);
                let height = self.enter_block(params);
                let head = self.bind_label();
                self.push_control(Control::new(
                    ControlKind::Loop { head },
                    height,
                    params,
                    results,
                    true,
                ));
                self.begin_metering();
            }
            Operator::If { blockty } => {
                let (params, results) = self.block_arity(blockty);
                let cond = self.pop();
                let height = self.enter_block(params);
                let else_branch = self.branch_if(cond, true, 0);
                self.push_control(Control::new(
                    ControlKind::If { else_branch },
                    height,
                    params,
                    results,
                    true,
                ));
                self.begin_metering();
            }
            Operator::Else => self.visit_else(),
            Operator::End => self.visit_end(),
            Operator::Br { relative_depth } => self.visit_br(relative_depth),
            Operator::BrIf { relative_depth } => self.visit_br_if(relative_depth),
            Operator::BrTable { ref targets } => {
                // The targets, read into the translator's buffer (kept
                // from one table to the next).
                let mut depths = std::mem::take(&mut self.depths);
                depths.clear();
                let count = (targets.len() as usize).saturating_add(1);
                if depths.try_reserve(count).is_ok() {
                    depths.extend(targets.targets().filter_map(Result::ok));
                    depths.push(targets.default());
                    self.visit_br_table(&depths);
                } else {
                    self.overflow.get_or_insert(Overflow::Allocation);
                    self.set_unreachable();
                }
                self.depths = depths;
            }
            Operator::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            Operator::Call { function_index } => {
                let (params, results) = self.env.func_arity(function_index);
                let base = self.call_frame(params);
                let imported = self.env.num_imported_funcs();
                self.emit(if function_index < imported {
                    Instr::CallImported {
                        func: function_index,
                        base,
                    }
                } else {
                    Instr::CallInternal {
                        func: function_index - imported,
                        base,
                    }
                });
                self.push_results(results);
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_slot();
                let (params, results) = self.env.type_arity(type_index);
                let base = self.call_frame(params);
                self.emit(Instr::CallIndirect {
                    ty: self.env.type_id(type_index),
                    table: table_index,
                    index,
                    base,
                });
                self.push_results(results);
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                let depth = self.height();
                let cond = self.slot_of(cond, depth + 2);
                let b = self.slot_of(b, depth + 1);
                let a = self.slot_of(a, depth);
                let dst = self.push_temp();
                self.emit(Instr::Select { dst, cond, a, b });
            }
            Operator::GlobalGet { global_index } => {
                let dst = self.push_temp();
                self.emit(Instr::GlobalGet {
                    dst,
                    global: global_index,
                });
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop_slot();
                self.emit(Instr::GlobalSet {
                    src,
                    global: global_index,
                });
            }
            Operator::F32Const { value } => self.push(Operand::Const(u64::from(value.bits()))),
            Operator::F64Const { value } => self.push(Operand::Const(value.bits())),
            Operator::RefNull { .. } => self.push(Operand::Const(0)),
            Operator::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            // Reinterpretations keep the bits: nothing to do. Readers of
            // 32-bit values ignore a slot's upper half, so wrapping an i64
            // to an i32 moves nothing either.
            Operator::I32WrapI64
            | Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {}
            Operator::MemorySize { .. } => {
                let dst = self.push_temp();
                self.emit(Instr::MemorySize { dst });
            }
            Operator::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit(Instr::MemoryGrow { dst, delta });
            }
            Operator::MemoryFill { .. } => {
                let len = self.pop_slot();
                let value = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Instr::MemoryFill { dst, value, len });
            }
            Operator::MemoryCopy { .. } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Instr::MemoryCopy { dst, src, len });
            }
            Operator::MemoryInit { data_index, .. } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(Instr::MemoryInit {
                    data: data_index,
                    dst,
                    src,
                    len,
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { data: data_index });
            }
            Operator::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit(Instr::TableGet { dst, table, index });
            }
            Operator::TableSet { table } => {
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Instr::TableSet {
                    table,
                    index,
                    value,
                });
            }
            Operator::TableSize { table } => {
                let dst = self.push_temp();
                self.emit(Instr::TableSize { dst, table });
            }
            Operator::TableGrow { table } => {
                let args = self.pop_args(2);
                self.emit(Instr::TableGrow { table, args });
                self.push(Operand::Temp);
            }
            Operator::TableFill { table } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableFill { table, args });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableCopy {
                    dst_table,
                    src_table,
                    args,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableInit {
                    table,
                    elem: elem_index,
                    args,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { elem: elem_index });
            }
            _ => return Err(self.unsupported(op)),
        }
        Ok(())
    }

    pub(super) fn simple(&mut self, simple: Simple) {
        match simple {
            Simple::Binary(op) => self.binary(op),
            Simple::Unary(make) => {
                let operand = self.pop();
                let depth = self.height();
                let src = self.slot_of(operand, depth);
                let dst = self.push_temp();
                let via_acc = self.acc_slot() == Some(src);
                let at = self.emit(make(dst, if via_acc { ACC } else { src }));
                if via_acc && operand == Operand::Temp && at + 1 == self.code.len() {
                    self.acc_only();
                }
            }
            // Validation bounds offsets of 32-bit memories by u32::MAX.
            Simple::Load(make, offset) => self.load(make, offset as u32),
            Simple::Store(make, make_abs, offset) => {
                let value_operand = self.pop();
                let value = self.slot_of(value_operand, self.height());
                let addr = self.pop();
                // A constant address with its offset is one immediate, if
                // it fits in 32 bits (else the store traps, unfused).
                let at = match addr {
                    Operand::Const(address) => {
                        u32::try_from(u64::from(address as u32) + offset).ok()
                    }
                    _ => None,
                };
                let (at, addr) = match at {
                    Some(address) => (self.emit(make_abs(value, address)), None),
                    None => {
                        let depth = self.height();
                        let addr_slot = self.slot_of(addr, depth);
                        let at = self.emit(make(addr_slot, value, offset as u32));
                        (at, Some((addr_slot, addr == Operand::Temp)))
                    }
                };
                self.accumulate(at, value, value_operand == Operand::Temp);
                if let Some((addr, popped)) = addr {
                    self.accumulate(at, addr, popped);
                }
            }
        }
    }

    /// Prepares a block entry: every value on the stack that still refers
    /// to a local, and the block's parameters, go to their canonical slots.
    /// Gives the height below the parameters.
    fn enter_block(&mut self, params: u32) -> u32 {
        let base = self.height() - params as usize;
        self.preserve_locals(None);
        self.materialize_from(base);
        base as u32
    }

    /// Puts the top `params` operands in their canonical slots as a call's
    /// arguments, pops them, and gives the callee frame's base slot.
    fn call_frame(&mut self, params: u32) -> Slot {
        let base = self.height() - params as usize;
        self.materialize_from(base);
        self.stack.truncate(base);
        self.slot(base)
    }

    fn push_results(&mut self, results: u32) {
        for _ in 0..results {
            self.push(Operand::Temp);
        }
    }

    /// Pops `n` operands into consecutive canonical slots; gives the first.
    fn pop_args(&mut self, n: usize) -> Slot {
        let base = self.height() - n;
        self.materialize_from(base);
        self.stack.truncate(base);
        self.slot(base)
    }

    pub(super) fn visit_else(&mut self) {
        let Some(frame) = self.control.last() else {
            return;
        };
        if !frame.reachable {
            return;
        }
        let (height, params) = (frame.height, frame.params);
        let index = self.control.len() - 1;
        if self.reachable {
            self.materialize_from(height as usize);
            self.jump_to(index);
        }
        let target = self.bind_label();
        if let ControlKind::If { else_branch } = self.control[index].kind {
            self.patch(else_branch, target);
        }
        self.control[index].kind = ControlKind::Else;
        self.stack.truncate(height as usize);
        self.push_results(params);
        self.reachable = true;
        self.begin_metering();
    }

    pub(super) fn visit_end(&mut self) {
        let Some(frame) = self.pop_control() else {
            return;
        };
        if !frame.reachable {
            return;
        }
        if frame.kind == ControlKind::Function {
            if self.reachable {
                self.emit_return();
            }
            if !frame.patches.is_empty() {
                let target = self.bind_label();
                for at in frame.patches {
                    self.patch(at, target);
                }
                self.stack.truncate(0);
                self.push_results(frame.results);
                self.emit_return();
            }
            self.reachable = false;
            return;
        }
        if self.reachable {
            self.materialize_from(frame.height as usize);
        }
        let target = self.bind_label();
        for &at in &frame.patches {
            self.patch(at, target);
        }
        if let ControlKind::If { else_branch } = frame.kind {
            self.patch(else_branch, target);
        }
        self.stack.truncate(frame.height as usize);
        self.push_results(frame.results);
        self.reachable = true;
    }

    fn visit_br(&mut self, depth: u32) {
        let Some((index, arity, height)) = self.label(depth) else {
            return;
        };
        if self.control[index].kind == ControlKind::Function {
            self.emit_return();
        } else {
            self.prepare_branch_values(arity);
            self.copy_branch_values(arity, height);
            self.jump_to(index);
        }
        self.set_unreachable();
    }

    fn visit_br_if(&mut self, depth: u32) {
        let cond = self.pop();
        let Some((index, arity, height)) = self.label(depth) else {
            return;
        };
        // Values that must move are materialized before the conditional
        // branch, so that the virtual stack holds on both paths. (The
        // condition sits above them and keeps its slot.)
        self.prepare_branch_values(arity);
        if self.values_in_place(arity, height) {
            match self.control[index].kind {
                ControlKind::Loop { head } => {
                    self.branch_if(cond, false, head);
                }
                _ => {
                    let at = self.branch_if(cond, false, 0);
                    self.control[index].patches.push(at);
                }
            }
        } else {
            let skip = self.branch_if(cond, true, 0);
            self.copy_branch_values(arity, height);
            self.jump_to(index);
            let target = self.bind_label();
            self.patch(skip, target);
        }
    }

    fn visit_br_table(&mut self, depths: &[u32]) {
        let index = self.pop_slot();
        // Every target carries the same number of values.
        if let Some((_, arity, _)) = depths.last().and_then(|&d| self.label(d)) {
            self.prepare_branch_values(arity);
        }
        let len = depths.len() as u32 - 1;
        self.jumps = true;
        self.emit(Instr::BrTable { index, len });
        // The table's entries, one jump per target, emitted at once and
        // then aimed (an entry whose values must move first jumps to a
        // stub after the table that moves them).
        let Some(first) = self.emit_many(Instr::Br { target: 0 }, depths.len()) else {
            // Not emitted: the translation fails after this operator.
            self.set_unreachable();
            return;
        };
        let mut stubs: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (at, &depth) in (first..).zip(depths) {
            let Some((frame, arity, height)) = self.label(depth) else {
                continue;
            };
            let kind = self.control[frame].kind;
            match kind {
                ControlKind::Loop { head } if self.values_in_place(arity, height) => {
                    self.patch(at, head);
                }
                ControlKind::Block | ControlKind::If { .. } | ControlKind::Else
                    if self.values_in_place(arity, height) =>
                {
                    self.control[frame].patches.push(at);
                }
                _ => stubs.entry(depth).or_default().push(at),
            }
        }
        for (depth, entries) in stubs {
            let Some((frame, arity, height)) = self.label(depth) else {
                continue;
            };
            let target = self.bind_label();
            for at in entries {
                self.patch(at, target);
            }
            if self.control[frame].kind == ControlKind::Function {
                self.emit_return();
            } else {
                self.copy_branch_values(arity, height);
                self.jump_to(frame);
            }
        }
        self.set_unreachable();
    }
}
