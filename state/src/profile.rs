//! Profiling runs: a [`ProfileRecorder`], the observer that keeps the gas
//! profile of every execution, nested ones included, and the merged call
//! trees of what it kept.

use std::sync::Arc;

use ewasm_host::{
    downcast_observer, Address, ExecConfig, Executor, Gas, GasProfile, Message, Observer, Outcome,
    Status,
};

/// The gas profile of one execution.
#[derive(Debug, Clone)]
pub struct ExecutionProfile {
    /// The call depth (0 for the transaction's own message).
    pub depth: i32,
    /// The account whose code ran.
    pub code_address: Address,
    /// The gas the message carried.
    pub gas: i64,
    /// How it ended.
    pub status: Status,
    /// The gas it used: `gas - gas_left`.
    pub gas_used: u64,
    /// Where that gas went (`profile.total == gas_used`).
    pub profile: GasProfile,
}

/// An [`Executor`] that profiles (`config` with [`ExecConfig::profile`]
/// on), to run under a [`ProfileRecorder`].
///
/// # Errors
///
/// As [`Executor::new`].
pub fn profiling_executor(config: ExecConfig) -> Result<Arc<Executor>, engine::Error> {
    Ok(Arc::new(Executor::new(ExecConfig {
        profile: true,
        ..config
    })?))
}

/// An [`Observer`] that keeps the gas profile of every execution it
/// watches, nested ones included, in the order the executions ended (a
/// nested call before the call that made it), each nested one with its
/// call site. Its state is its own: one recorder per transaction or
/// session, never shared.
#[derive(Debug, Default)]
pub struct ProfileRecorder {
    executions: Vec<ExecutionProfile>,
    /// The call sites of the calls in progress, outermost first.
    sites: Vec<Vec<String>>,
}

impl ProfileRecorder {
    /// A recorder with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// The profiles recorded since the last call, oldest first.
    pub fn take(&mut self) -> Vec<ExecutionProfile> {
        std::mem::take(&mut self.executions)
    }

    /// The recorder an observer is, if it is one.
    pub fn of(observer: Option<Box<dyn Observer>>) -> Option<Box<ProfileRecorder>> {
        observer.and_then(downcast_observer)
    }
}

impl Observer for ProfileRecorder {
    fn call_out(&mut self, site: &[String]) {
        self.sites.push(site.to_vec());
    }

    fn call_back(&mut self) {
        self.sites.pop();
    }

    fn frame_exit(&mut self, message: &Message, outcome: &Outcome, profile: Option<GasProfile>) {
        let Some(mut profile) = profile else {
            return;
        };
        profile.call_site = self.sites.last().cloned().unwrap_or_default();
        self.executions.push(ExecutionProfile {
            depth: message.depth,
            code_address: message.code_address,
            gas: message.gas,
            status: outcome.status,
            gas_used: Gas::from_evmc(message.gas)
                .zip(Gas::from_evmc(outcome.gas_left))
                .map_or(0, |(gas, left)| gas.saturating_sub(left).fuel()),
            profile,
        });
    }
}

/// An execution with the executions it made.
struct Node<'a> {
    execution: &'a ExecutionProfile,
    children: Vec<Node<'a>>,
}

/// The call trees of `executions`, as a [`ProfileRecorder`] recorded them
/// (each nested execution before the one that made it).
fn trees(executions: &[ExecutionProfile]) -> Vec<Node<'_>> {
    let mut pending: Vec<Vec<Node<'_>>> = Vec::new();
    for execution in executions {
        let depth = usize::try_from(execution.depth).unwrap_or(0);
        if pending.len() < depth + 2 {
            pending.resize_with(depth + 2, Vec::new);
        }
        let children = std::mem::take(&mut pending[depth + 1]);
        pending[depth].push(Node {
            execution,
            children,
        });
    }
    pending.into_iter().next().unwrap_or_default()
}

fn emit(node: &Node<'_>, prefix: &[String], out: &mut Vec<(Vec<String>, u64)>) {
    let mut stacks = node.execution.profile.stacks.clone();
    // A child's gas is inside the caller's EEI call frame: move it out.
    for child in &node.children {
        let site = &child.execution.profile.call_site;
        if let Some((_, gas)) = stacks.iter_mut().find(|(frames, _)| frames == site) {
            *gas = gas.saturating_sub(child.execution.gas_used);
        }
    }
    for (frames, gas) in stacks {
        if gas > 0 {
            out.push(([prefix, &frames].concat(), gas));
        }
    }
    for child in &node.children {
        let address = format!(
            "0x{}",
            ewasm_host::hex::encode(&child.execution.code_address.0)
        );
        let mut inner = [prefix, &child.execution.profile.call_site].concat();
        inner.push(address);
        emit(child, &inner, out);
    }
}

/// The folded stacks of whole call trees: each nested execution drawn
/// inside its caller, under the caller's EEI call frame and a frame named
/// by the callee's address. The gas adds up to the outermost executions'
/// gas used.
pub fn merged_stacks(executions: &[ExecutionProfile]) -> Vec<(Vec<String>, u64)> {
    let mut out = Vec::new();
    for tree in trees(executions) {
        emit(&tree, &[], &mut out);
    }
    out
}
