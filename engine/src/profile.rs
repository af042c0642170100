//! Fuel profiles: where metered execution spent its fuel, by call stack
//! and by metering block.
//!
//! With [`Config::profile`](crate::Config::profile) on, the translator
//! emits a profiling charge at each metering block instead of the plain
//! one; nothing else changes, so a store that does not profile runs the
//! same code as before. Each charge is added to its block and to the call
//! stack it ran in; the dynamic charges of `memory.grow` and the bulk
//! operators are added to a frame for the operator on top of the stack it
//! ran in (not to a block, nor to the function's own fuel); fuel that host
//! functions charge (and give back) is added to a frame for the host
//! function on top of the calling stack.
//!
//! A block's charge is the sum of its instructions' static costs; with
//! [`Store::block_fuel`](crate::Store::block_fuel) a profile reader can
//! split it by instruction, to map fuel to source lines.

use std::collections::HashMap;

use crate::exec::Frame;
use crate::instance::InstanceEntity;
use crate::translate::BlockInfo;
use crate::Opcode;

/// One frame of a profiled call stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProfileFrame {
    /// A Wasm function: the store's instance and the function's index in
    /// its module's function index space (imports first).
    Wasm {
        /// The instance (store order).
        instance: u32,
        /// The function index in the module.
        func: u32,
    },
    /// A host function, by its index among the store's functions.
    Host {
        /// The store function.
        func: u32,
    },
    /// The dynamic charge of an operator whose price depends on its
    /// operands (`memory.grow`, `memory.copy`, `table.fill`, ...), on top
    /// of the stack of the function that ran it.
    Operator {
        /// The operator.
        opcode: Opcode,
    },
}

/// What one instruction adds to its metering block's charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstrFuel {
    /// The instruction's byte offset in the module's code section (the
    /// addresses of a Wasm module's DWARF).
    pub offset: u32,
    /// Its static cost.
    pub fuel: u64,
}

/// The fuel one metering block charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockProfile {
    /// The instance (store order).
    pub instance: u32,
    /// The function index in the module.
    pub func: u32,
    /// The block's index in its function (0 is the entry block), for
    /// [`Store::block_fuel`](crate::Store::block_fuel).
    pub block: u32,
    /// Where the block begins: the byte offset, in the module's code
    /// section, of the instruction that opens it (the function's first
    /// instruction for its entry block).
    pub offset: u32,
    /// Fuel the block charged, all executions together.
    pub fuel: u64,
    /// How many times it ran.
    pub count: u64,
}

/// A call stack with the fuel charged while it was on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackProfile {
    /// Outermost frame first.
    pub frames: Vec<ProfileFrame>,
    /// Fuel charged with exactly this stack (self fuel of its top frame).
    pub fuel: u64,
    /// How many times its top frame was entered (for an operator frame:
    /// how many times the operator ran).
    pub calls: u64,
    /// The metering blocks that charged while it was the stack, by block
    /// index (empty unless its top frame is a Wasm function).
    pub blocks: Vec<StackBlock>,
}

/// One metering block's charges on one stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackBlock {
    /// The block's index in the stack's top function.
    pub block: u32,
    /// Its code offset ([`BlockProfile::offset`]).
    pub offset: u32,
    /// The fuel it charged on this stack.
    pub fuel: u64,
    /// How many times it ran on this stack.
    pub count: u64,
}

#[derive(Debug, Clone)]
struct Node {
    frame: Option<ProfileFrame>,
    parent: u32,
    fuel: u64,
    calls: u64,
}

/// What a profiled store recorded.
#[derive(Debug, Clone)]
pub struct Profile {
    /// A tree of call stacks; node 0 is the root (no frame).
    nodes: Vec<Node>,
    children: HashMap<(u32, ProfileFrame), u32>,
    /// Per (stack node, block of the node's top function): the block's
    /// code offset, fuel and count.
    blocks: HashMap<(u32, u32), (u32, u64, u64)>,
    /// While a host function runs: its node.
    host: Option<u32>,
    /// Whether charges stop the run for the store's charge hook
    /// ([`Store::observe_charges`](crate::Store::observe_charges)).
    pub(crate) trace_charges: bool,
    /// With `trace_charges`: the dynamic charge the running operator made
    /// (its opcode and fuel), told once the operation is done.
    pub(crate) operator_charge: Option<(Opcode, u64)>,
    /// With `trace_charges`: the charge the run stopped for.
    pub(crate) charge: Option<crate::store::Charge>,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            nodes: vec![Node {
                frame: None,
                parent: 0,
                fuel: 0,
                calls: 0,
            }],
            children: HashMap::new(),
            blocks: HashMap::new(),
            host: None,
            trace_charges: false,
            operator_charge: None,
            charge: None,
        }
    }
}

impl Profile {
    /// The node for `frame` called from node `parent`.
    fn child(&mut self, parent: u32, frame: ProfileFrame) -> u32 {
        if let Some(&node) = self.children.get(&(parent, frame)) {
            return node;
        }
        let node = self.nodes.len() as u32;
        self.nodes.push(Node {
            frame: Some(frame),
            parent,
            fuel: 0,
            calls: 0,
        });
        self.children.insert((parent, frame), node);
        node
    }

    /// The node of a stack of Wasm frames, outermost first.
    pub(crate) fn node_of(&mut self, frames: impl Iterator<Item = ProfileFrame>) -> u32 {
        frames.fold(0, |parent, frame| self.child(parent, frame))
    }

    /// Records a block's charge at node `node`; block 0 is its function's
    /// entry block, so each of its charges counts a call.
    pub(crate) fn charge_block(&mut self, node: u32, block: u32, offset: u32, fuel: u64) {
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.fuel = n.fuel.saturating_add(fuel);
            if block == 0 {
                n.calls += 1;
            }
        }
        let entry = self.blocks.entry((node, block)).or_insert((offset, 0, 0));
        entry.1 = entry.1.saturating_add(fuel);
        entry.2 += 1;
    }

    /// Records a dynamic charge of operator `opcode`, run with the stack
    /// at node `node`.
    pub(crate) fn charge_operator(&mut self, node: u32, opcode: Opcode, fuel: u64) {
        let node = self.child(node, ProfileFrame::Operator { opcode });
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.fuel = n.fuel.saturating_add(fuel);
            n.calls += 1;
        }
    }

    /// A host function starts, called with the stack at node `caller`.
    pub(crate) fn enter_host(&mut self, caller: u32, func: u32) {
        let node = self.child(caller, ProfileFrame::Host { func });
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.calls += 1;
        }
        self.host = Some(node);
    }

    /// The stack of the running host function, host frame last.
    pub(crate) fn host_frames(&self) -> Option<Vec<ProfileFrame>> {
        self.host.map(|node| self.frames_of(node))
    }

    /// The running host function returned.
    pub(crate) fn leave_host(&mut self) {
        self.host = None;
    }

    /// The running host function charged `fuel` (or gave it back).
    pub(crate) fn host_fuel(&mut self, fuel: u64, refund: bool) {
        let Some(node) = self.host else {
            return;
        };
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.fuel = if refund {
                n.fuel.saturating_sub(fuel)
            } else {
                n.fuel.saturating_add(fuel)
            };
        }
    }

    /// The frames of node `node`, outermost first.
    fn frames_of(&self, mut node: u32) -> Vec<ProfileFrame> {
        let mut frames = Vec::new();
        while node != 0 {
            let n = &self.nodes[node as usize];
            if let Some(frame) = n.frame {
                frames.push(frame);
            }
            node = n.parent;
        }
        frames.reverse();
        frames
    }

    /// Every stack that was entered or charged anything, sorted by frames,
    /// each with its blocks in block order.
    pub fn stacks(&self) -> Vec<StackProfile> {
        let mut blocks: HashMap<u32, Vec<StackBlock>> = HashMap::new();
        for (&(node, block), &(offset, fuel, count)) in &self.blocks {
            blocks.entry(node).or_default().push(StackBlock {
                block,
                offset,
                fuel,
                count,
            });
        }
        let mut out: Vec<StackProfile> = (1..self.nodes.len() as u32)
            .filter(|&i| {
                let n = &self.nodes[i as usize];
                n.fuel > 0 || n.calls > 0
            })
            .map(|i| {
                let mut blocks = blocks.remove(&i).unwrap_or_default();
                blocks.sort_by_key(|b| b.block);
                StackProfile {
                    frames: self.frames_of(i),
                    fuel: self.nodes[i as usize].fuel,
                    calls: self.nodes[i as usize].calls,
                    blocks,
                }
            })
            .collect();
        out.sort_by(|a, b| a.frames.cmp(&b.frames));
        out
    }

    /// Every block that ran (all stacks together), costliest first.
    pub fn blocks(&self) -> Vec<BlockProfile> {
        let mut merged: HashMap<(u32, u32, u32), BlockProfile> = HashMap::new();
        for (&(node, block), &(offset, fuel, count)) in &self.blocks {
            let frame = self.nodes.get(node as usize).and_then(|n| n.frame);
            let Some(ProfileFrame::Wasm { instance, func }) = frame else {
                continue;
            };
            let entry = merged
                .entry((instance, func, block))
                .or_insert(BlockProfile {
                    instance,
                    func,
                    block,
                    offset,
                    fuel: 0,
                    count: 0,
                });
            entry.fuel = entry.fuel.saturating_add(fuel);
            entry.count += count;
        }
        let mut out: Vec<BlockProfile> = merged.into_values().collect();
        out.sort_by(|a, b| {
            b.fuel
                .cmp(&a.fuel)
                .then(a.instance.cmp(&b.instance))
                .then(a.func.cmp(&b.func))
                .then(a.offset.cmp(&b.offset))
        });
        out
    }

    /// All fuel recorded: what the store's fuel went down by while
    /// profiling.
    pub fn total(&self) -> u64 {
        self.nodes.iter().map(|n| n.fuel).sum()
    }
}

/// The profile frame of defined function `func` of store instance
/// `instance`.
fn wasm_frame(instances: &[InstanceEntity], instance: u32, func: u32) -> ProfileFrame {
    let imported = instances
        .get(instance as usize)
        .map_or(0, |i| i.module.num_imported_funcs);
    ProfileFrame::Wasm {
        instance,
        func: imported + func,
    }
}

/// The profile node of the suspended `frames` with `top` (instance,
/// defined function) running.
pub(crate) fn node_of_stack(
    profile: &mut Profile,
    instances: &[InstanceEntity],
    frames: &[Frame],
    top: Option<(u32, u32)>,
) -> u32 {
    let all = frames.iter().map(|f| (f.instance, f.func)).chain(top);
    profile.node_of(all.map(|(instance, func)| wasm_frame(instances, instance, func)))
}

/// Records a dynamic charge of `opcode` (`memory.grow`, a bulk operator)
/// run by the function running in `top` (instance, defined function): on
/// a frame for the operator above its stack, not on a block.
#[cold]
#[inline(never)]
pub(crate) fn record_dynamic(
    profile: &mut Profile,
    instances: &[InstanceEntity],
    frames: &[Frame],
    top: (u32, u32),
    opcode: Opcode,
    fuel: u64,
) {
    let node = node_of_stack(profile, instances, frames, Some(top));
    profile.charge_operator(node, opcode, fuel);
    if profile.trace_charges {
        profile.operator_charge = Some((opcode, fuel));
    }
}

/// Records that metering block `block` of the function running in `top`
/// (instance, defined function) charged `info.fuel`, with `frames`
/// suspended below it.
#[cold]
#[inline(never)]
pub(crate) fn record_block(
    profile: &mut Profile,
    instances: &[InstanceEntity],
    frames: &[Frame],
    top: (u32, u32),
    block: u32,
    info: BlockInfo,
) {
    let node = node_of_stack(profile, instances, frames, Some(top));
    profile.charge_block(node, block, info.offset, info.fuel);
}
