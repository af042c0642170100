//! Profiling runs: a [`Runner`] that keeps the gas profile of every
//! execution, nested ones included.

use std::sync::{Arc, Mutex};

use ewasm_host::{Address, ExecConfig, Executor, GasProfile, Message, Outcome, Status};

use crate::host::{execute_on, Runner, WorldHost};

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

/// Runs code with a profiling [`Executor`] and keeps every execution's
/// profile, in the order the executions ended (a nested call before the
/// call that made it).
#[derive(Debug)]
pub struct ProfilingRunner {
    executor: Executor,
    profiles: Mutex<Vec<ExecutionProfile>>,
}

impl ProfilingRunner {
    /// A runner for `config`, with profiling on.
    ///
    /// # Errors
    ///
    /// As [`Executor::new`], as text.
    pub fn new(config: ExecConfig) -> Result<Arc<Self>, String> {
        let config = ExecConfig {
            profile: true,
            ..config
        };
        Ok(Arc::new(Self {
            executor: Executor::new(config).map_err(|e| e.to_string())?,
            profiles: Mutex::new(Vec::new()),
        }))
    }

    /// The profiles recorded since the last call, oldest first.
    pub fn take(&self) -> Vec<ExecutionProfile> {
        match self.profiles.lock() {
            Ok(mut profiles) => std::mem::take(&mut *profiles),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

impl Runner for ProfilingRunner {
    fn run(&self, host: &mut WorldHost, message: &Message, code: &[u8]) -> Outcome {
        let (outcome, profile) = execute_on(&self.executor, host, message, code);
        if let Some(profile) = profile {
            let record = ExecutionProfile {
                depth: message.depth,
                code_address: message.code_address,
                gas: message.gas,
                status: outcome.status,
                gas_used: (message.gas - outcome.gas_left).max(0) as u64,
                profile,
            };
            match self.profiles.lock() {
                Ok(mut profiles) => profiles.push(record),
                Err(poisoned) => poisoned.into_inner().push(record),
            }
        }
        outcome
    }
}
