//! Gas profiles of contract executions: where every unit of gas went, by
//! call stack, by function, by EEI function and by metering block.

use std::collections::BTreeMap;

use engine::{Profile, ProfileFrame, Store};

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

/// One metering block's gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGas {
    /// The function it belongs to.
    pub function: String,
    /// Its byte offset in the code section.
    pub offset: u32,
    /// The gas it charged, all runs together.
    pub gas: u64,
    /// How many times it ran.
    pub runs: u64,
}

/// Where an execution's gas went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasProfile {
    /// All gas accounted for: the sum of `stacks`. It equals the gas used;
    /// a failed execution's forfeited gas is in a [`FORFEITED`] stack.
    pub total: u64,
    /// Each call stack (outermost frame first) with the gas charged while
    /// it was the stack: the folded-stack view.
    pub stacks: Vec<(Vec<String>, u64)>,
    /// Per Wasm function, costliest (total) first.
    pub functions: Vec<FunctionGas>,
    /// Per host function, costliest first.
    pub host: Vec<HostGas>,
    /// Per metering block, costliest first (empty without instruction
    /// metering: then blocks cost nothing).
    pub blocks: Vec<BlockGas>,
    /// For a nested execution: the caller's stack at the EEI call that made
    /// it (the call frame last); empty for the outermost one. The executor
    /// leaves it empty: an [`Observer`](crate::Observer) that records
    /// nested executions fills it from its `call_out` events.
    pub call_site: Vec<String>,
}

impl GasProfile {
    /// The profile of what `store` recorded; `gas_used` is what the
    /// execution used in all, `upfront` what was charged before the store
    /// ran (frames such as [`CODE`] and [`INITIAL_MEMORY`] with their gas),
    /// and any gas the profile does not account for (what a failure
    /// forfeits) goes to a [`FORFEITED`] frame.
    pub(crate) fn from_store<T>(
        store: &Store<T>,
        profile: &Profile,
        gas_used: u64,
        upfront: &[(&str, u64)],
        failed: bool,
    ) -> Self {
        let name = |frame: ProfileFrame| store.frame_name(frame);
        let mut stacks: Vec<(Vec<String>, u64)> = Vec::new();
        let mut functions: BTreeMap<String, FunctionGas> = BTreeMap::new();
        let mut host: BTreeMap<String, HostGas> = BTreeMap::new();
        for stack in profile.stacks() {
            let frames: Vec<String> = stack.frames.iter().map(|f| name(*f)).collect();
            let Some(top) = stack.frames.last() else {
                continue;
            };
            let top_name = frames.last().cloned().unwrap_or_default();
            match top {
                ProfileFrame::Host { .. } => {
                    let entry = host.entry(top_name.clone()).or_insert(HostGas {
                        name: top_name,
                        calls: 0,
                        gas: 0,
                    });
                    entry.calls += stack.calls;
                    entry.gas += stack.fuel;
                }
                ProfileFrame::Wasm { .. } => {
                    let entry = functions.entry(top_name.clone()).or_insert(FunctionGas {
                        name: top_name,
                        self_gas: 0,
                        total_gas: 0,
                        calls: 0,
                    });
                    entry.self_gas += stack.fuel;
                    entry.calls += stack.calls;
                }
            }
            // Every Wasm function on this stack includes its gas in its
            // total, once.
            let mut seen: Vec<&String> = Vec::new();
            for (frame, frame_name) in stack.frames.iter().zip(&frames) {
                if matches!(frame, ProfileFrame::Wasm { .. }) && !seen.contains(&frame_name) {
                    seen.push(frame_name);
                    let entry = functions.entry(frame_name.clone()).or_insert(FunctionGas {
                        name: frame_name.clone(),
                        self_gas: 0,
                        total_gas: 0,
                        calls: 0,
                    });
                    entry.total_gas += stack.fuel;
                }
            }
            if stack.fuel > 0 {
                stacks.push((frames, stack.fuel));
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
                gas: b.fuel,
                runs: b.count,
            })
            .collect();
        let mut functions: Vec<FunctionGas> = functions.into_values().collect();
        functions.sort_by(|a, b| b.total_gas.cmp(&a.total_gas).then(a.name.cmp(&b.name)));
        let mut host: Vec<HostGas> = host.into_values().collect();
        host.sort_by(|a, b| b.gas.cmp(&a.gas).then(a.name.cmp(&b.name)));
        Self {
            total: stacks.iter().map(|(_, gas)| gas).sum(),
            stacks,
            functions,
            host,
            blocks,
            call_site: Vec::new(),
        }
    }

    /// The folded-stack lines of this profile ([`folded`]).
    pub fn folded(&self) -> String {
        folded(&self.stacks)
    }
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
