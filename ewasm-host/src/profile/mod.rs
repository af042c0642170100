//! Gas profiles of contract executions: where every unit of gas went, by
//! call stack, by function, by EEI function, by operator priced by its
//! operands, by metering block and, when the code carries DWARF, by source
//! line.

use std::collections::BTreeMap;

use engine::{InstrFuel, Profile, ProfileFrame, Store};

mod source;

use source::SourceMap;

/// The frame that takes the gas a failed execution forfeits (all that was
/// left when it failed).
pub const FORFEITED: &str = "[forfeited by the failure]";

/// The frame that takes what the Iris gas model charges for a contract's
/// initial memory, before its code runs.
pub const INITIAL_MEMORY: &str = "[initial memory]";

/// The frame that takes what the Iris gas model charges for a contract's
/// code, before it is translated.
pub const CODE: &str = "[code]";

/// One function's gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionGas {
    /// The function's name (from the `name` section, its export, or
    /// `func[N]`).
    pub name: String,
    /// Gas charged while it was on top of the stack.
    pub self_gas: u64,
    /// Gas charged while it was anywhere on the stack (counted once per
    /// stack, however often it appears in it).
    pub total_gas: u64,
    /// How many times it was called.
    pub calls: u64,
    /// The source line of its first instruction with one (`file:line`),
    /// when the code carries DWARF.
    pub line: Option<String>,
}

/// One EEI (or `debug`) function's gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostGas {
    /// `ethereum.NAME` (or `debug.NAME`).
    pub name: String,
    /// How many times it was called.
    pub calls: u64,
    /// The gas it charged, net of what it gave back (a call's unused gas).
    pub gas: u64,
}

/// The gas of an operator priced by its operands (`memory.grow`,
/// `memory.copy`, ...): the part that depends on them, beyond the static
/// cost its metering block charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorGas {
    /// The operator in brackets, as its frame is named: `[memory.grow]`.
    pub name: String,
    /// How many times it ran.
    pub runs: u64,
    /// The gas its operands cost.
    pub gas: u64,
}

/// One metering block's gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGas {
    /// The function it belongs to.
    pub function: String,
    /// Its byte offset in the code section.
    pub offset: u32,
    /// The source line of its first instruction (`file:line`), when the
    /// code carries DWARF.
    pub line: Option<String>,
    /// The gas it charged, all runs together.
    pub gas: u64,
    /// How many times it ran.
    pub runs: u64,
}

/// One source line's gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineGas {
    /// `file:line`, from the code's DWARF.
    pub line: String,
    /// The function the line belongs to (DWARF's name, which may be a
    /// function inlined into the Wasm function that ran it).
    pub function: String,
    /// The static gas of the instructions compiled from the line, all
    /// runs together.
    pub gas: u64,
}

/// Where an execution's gas went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasProfile {
    /// All gas accounted for: the sum of `stacks`. It equals the gas used;
    /// a failed execution's forfeited gas is in a [`FORFEITED`] stack.
    pub total: u64,
    /// Each call stack (outermost frame first) with the gas charged while
    /// it was the stack: the folded-stack view. When the code carries
    /// DWARF, a Wasm function's gas is split by source line: its stack
    /// goes on with the functions inlined there and a `file:line` frame.
    pub stacks: Vec<(Vec<String>, u64)>,
    /// Per Wasm function, costliest (total) first.
    pub functions: Vec<FunctionGas>,
    /// Per host function, costliest first.
    pub host: Vec<HostGas>,
    /// Per operator priced by its operands, costliest first.
    pub operators: Vec<OperatorGas>,
    /// Per metering block, costliest first (empty without instruction
    /// metering: then blocks cost nothing).
    pub blocks: Vec<BlockGas>,
    /// Per source line, costliest first: the blocks' gas split by
    /// instruction (empty unless the code carries DWARF, and without
    /// instruction metering).
    pub lines: Vec<LineGas>,
    /// For a nested execution: the caller's stack at the EEI call that made
    /// it (the call frame last); empty for the outermost one. The executor
    /// leaves it empty: an [`Observer`](crate::Observer) that records
    /// nested executions fills it from its `call_out` events.
    pub call_site: Vec<String>,
}

/// The per-name tables [`GasProfile::from_store`] fills.
#[derive(Default)]
struct Tables {
    functions: BTreeMap<String, FunctionGas>,
    host: BTreeMap<String, HostGas>,
    operators: BTreeMap<String, OperatorGas>,
    lines: BTreeMap<(String, String), u64>,
}

impl Tables {
    fn function(&mut self, name: &str) -> &mut FunctionGas {
        self.functions
            .entry(name.to_string())
            .or_insert_with(|| FunctionGas {
                name: name.to_string(),
                self_gas: 0,
                total_gas: 0,
                calls: 0,
                line: None,
            })
    }
}

impl GasProfile {
    /// The profile of what `store` recorded, running the module `code`;
    /// `gas_used` is what the execution used in all, `upfront` what was
    /// charged before the store ran (frames such as [`CODE`] and
    /// [`INITIAL_MEMORY`] with their gas), and any gas the profile does not
    /// account for (what a failure forfeits) goes to a [`FORFEITED`] frame.
    pub(crate) fn from_store<T>(
        store: &Store<T>,
        profile: &Profile,
        code: &[u8],
        gas_used: u64,
        upfront: &[(&str, u64)],
        failed: bool,
    ) -> Self {
        let name = |frame: ProfileFrame| store.frame_name(frame);
        let mut source = SourceMap::of(code);
        let mut stacks: Vec<(Vec<String>, u64)> = Vec::new();
        let mut tables = Tables::default();
        for stack in profile.stacks() {
            let frames: Vec<String> = stack.frames.iter().map(|f| name(*f)).collect();
            let Some(&top) = stack.frames.last() else {
                continue;
            };
            let top_name = frames.last().cloned().unwrap_or_default();
            match top {
                ProfileFrame::Host { .. } => {
                    let entry = tables.host.entry(top_name.clone()).or_insert(HostGas {
                        name: top_name.clone(),
                        calls: 0,
                        gas: 0,
                    });
                    entry.calls += stack.calls;
                    entry.gas += stack.fuel;
                }
                ProfileFrame::Operator { .. } => {
                    let entry = tables
                        .operators
                        .entry(top_name.clone())
                        .or_insert(OperatorGas {
                            name: top_name.clone(),
                            runs: 0,
                            gas: 0,
                        });
                    entry.runs += stack.calls;
                    entry.gas += stack.fuel;
                }
                ProfileFrame::Wasm { instance, func } => {
                    let entry = tables.function(&top_name);
                    entry.self_gas += stack.fuel;
                    entry.calls += stack.calls;
                    if let (None, Some(source)) = (&entry.line, source.as_mut()) {
                        // Its entry block's.
                        entry.line = block_line(store, source, instance, func, 0);
                    }
                }
            }
            // Every Wasm function on this stack includes its gas in its
            // total, once.
            let mut seen: Vec<&String> = Vec::new();
            for (frame, frame_name) in stack.frames.iter().zip(&frames) {
                if matches!(frame, ProfileFrame::Wasm { .. }) && !seen.contains(&frame_name) {
                    seen.push(frame_name);
                    tables.function(frame_name).total_gas += stack.fuel;
                }
            }
            if stack.fuel == 0 {
                continue;
            }
            match (top, source.as_mut()) {
                (ProfileFrame::Wasm { instance, func }, Some(source)) => {
                    let at = |block| store.block_fuel(instance, func, block);
                    let by_line = split_by_line(&stack, at, source, &top_name, &mut tables);
                    for (leaf, gas) in by_line {
                        let mut path = frames.clone();
                        path.extend(leaf);
                        stacks.push((path, gas));
                    }
                }
                _ => stacks.push((frames, stack.fuel)),
            }
        }
        let mut recorded = profile.total();
        for (at, &(frame, gas)) in upfront.iter().filter(|(_, gas)| *gas > 0).enumerate() {
            stacks.insert(at, (vec![frame.to_string()], gas));
            recorded = recorded.saturating_add(gas);
        }
        if failed && gas_used > recorded {
            stacks.push((vec![FORFEITED.to_string()], gas_used - recorded));
        }
        let blocks = profile
            .blocks()
            .into_iter()
            .map(|b| BlockGas {
                function: name(ProfileFrame::Wasm {
                    instance: b.instance,
                    func: b.func,
                }),
                offset: b.offset,
                line: source
                    .as_mut()
                    .and_then(|source| block_line(store, source, b.instance, b.func, b.block)),
                gas: b.fuel,
                runs: b.count,
            })
            .collect();
        let Tables {
            functions,
            host,
            operators,
            lines,
        } = tables;
        let mut functions: Vec<FunctionGas> = functions.into_values().collect();
        functions.sort_by(|a, b| b.total_gas.cmp(&a.total_gas).then(a.name.cmp(&b.name)));
        let mut host: Vec<HostGas> = host.into_values().collect();
        host.sort_by(|a, b| b.gas.cmp(&a.gas).then(a.name.cmp(&b.name)));
        let mut operators: Vec<OperatorGas> = operators.into_values().collect();
        operators.sort_by(|a, b| b.gas.cmp(&a.gas).then(a.name.cmp(&b.name)));
        let mut lines: Vec<LineGas> = lines
            .into_iter()
            .filter(|(_, gas)| *gas > 0)
            .map(|((line, function), gas)| LineGas {
                line,
                function,
                gas,
            })
            .collect();
        lines.sort_by(|a, b| b.gas.cmp(&a.gas).then(a.line.cmp(&b.line)));
        Self {
            total: stacks.iter().map(|(_, gas)| gas).sum(),
            stacks,
            functions,
            host,
            operators,
            blocks,
            lines,
            call_site: Vec::new(),
        }
    }

    /// The folded-stack lines of this profile ([`folded`]).
    pub fn folded(&self) -> String {
        folded(&self.stacks)
    }
}

/// The source line (`file:line`) of the first instruction with one of
/// metering block `block` of function `func` of store instance `instance`.
fn block_line<T>(
    store: &Store<T>,
    source: &mut SourceMap<'_>,
    instance: u32,
    func: u32,
    block: u32,
) -> Option<String> {
    store
        .block_fuel(instance, func, block)
        .iter()
        .find_map(|i| source.frames(i.offset))
        .map(|f| f.line)
}

/// Splits the gas of `stack`, whose top is the Wasm function `function`,
/// by the source line of each instruction of its blocks (`at` gives a
/// block's instructions): the frames to add below the stack's (none for
/// instructions without a line) with their gas, and each line's gas added
/// to `tables`. The parts add up to the stack's gas.
fn split_by_line<'s>(
    stack: &engine::StackProfile,
    at: impl Fn(u32) -> &'s [InstrFuel],
    source: &mut SourceMap<'_>,
    function: &str,
    tables: &mut Tables,
) -> Vec<(Vec<String>, u64)> {
    let mut leaves: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    let mut split = 0u64;
    for block in &stack.blocks {
        for instr in at(block.block) {
            let gas = instr.fuel.saturating_mul(block.count);
            if gas == 0 {
                continue;
            }
            split = split.saturating_add(gas);
            let Some(frames) = source.frames(instr.offset) else {
                *leaves.entry(Vec::new()).or_default() += gas;
                continue;
            };
            let owner = frames
                .function
                .clone()
                .unwrap_or_else(|| function.to_string());
            *tables
                .lines
                .entry((frames.line.clone(), owner))
                .or_default() += gas;
            let mut leaf = frames.inlined;
            leaf.push(frames.line);
            *leaves.entry(leaf).or_default() += gas;
        }
    }
    // Whatever the blocks do not explain stays on the function itself.
    if let Some(rest) = stack.fuel.checked_sub(split).filter(|rest| *rest > 0) {
        *leaves.entry(Vec::new()).or_default() += rest;
    }
    leaves.into_iter().filter(|(_, gas)| *gas > 0).collect()
}

/// Stacks as folded-stack lines (`frame;frame;frame gas`), the input
/// format of inferno and flamegraph.pl. `;` and spaces in names become
/// `:` and `_`.
pub fn folded(stacks: &[(Vec<String>, u64)]) -> String {
    let mut out = String::new();
    for (frames, gas) in stacks {
        let names: Vec<String> = frames
            .iter()
            .map(|f| f.replace(';', ":").replace(' ', "_"))
            .collect();
        out.push_str(&format!("{} {gas}\n", names.join(";")));
    }
    out
}
