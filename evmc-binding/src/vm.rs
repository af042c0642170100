//! The VM's state and options, behind the C entry points of `ffi::vm`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use ewasm_host::{
    Address, Evm1Mode, EvmHost, ExecConfig, Executor, GasModel, Message, Observed, Outcome,
    Revision, Status,
};

use crate::observers::{ExecutionObserver, TraceTarget};

/// What `set_option` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOption {
    /// The option was set.
    Success,
    /// No such option.
    InvalidName,
    /// The option exists; the value is not one of its values.
    InvalidValue,
}

/// Hera's aliases for system contract addresses in `sys:` options.
fn system_address(alias: &str) -> Option<Address> {
    let last = match alias {
        "sentinel" => 0x0a,
        "evm2wasm" => 0x0b,
        "runevm" => 0x0c,
        _ => return None,
    };
    let mut bytes = [0u8; 20];
    bytes[19] = last;
    Some(Address(bytes))
}

fn parse_address(text: &str) -> Option<Address> {
    if let Some(address) = system_address(text) {
        return Some(address);
    }
    let digits = text.strip_prefix("0x")?;
    if digits.len() != 40 {
        return None;
    }
    let bytes = ewasm_host::hex::decode(digits).ok()?;
    Some(Address(bytes.try_into().ok()?))
}

#[derive(Debug, Clone, Default)]
struct Options {
    exec: ExecConfig,
    /// Where each execution's folded gas stacks go (`profile`).
    profile_dir: Option<std::path::PathBuf>,
    /// Where each execution's trace goes (`trace`).
    trace: Option<TraceTarget>,
    /// Whether traces have a line per metering block and per operator
    /// priced by its operands (`trace_blocks`).
    trace_blocks: bool,
    /// Code run instead of the state's for these recipients (`sys:`).
    overrides: BTreeMap<Address, Arc<Vec<u8>>>,
    /// Where a line for each failed execution goes (`log`).
    log: Option<LogTarget>,
    /// The executor built for these options, at the first execution after
    /// they last changed.
    executor: Option<Arc<Executor>>,
}

/// Where the `log` option sends failure lines.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LogTarget {
    /// The process's standard error.
    Stderr,
    /// A file, appended to.
    File(std::path::PathBuf),
}

impl LogTarget {
    /// Writes `line` and a line break; a log that cannot be written changes
    /// nothing in the execution's result.
    fn write(&self, line: &str) {
        use std::io::Write;
        let line = format!("{line}\n");
        match self {
            LogTarget::Stderr => {
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
            LogTarget::File(path) => {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path);
                if let Ok(mut file) = file {
                    let _ = file.write_all(line.as_bytes());
                }
            }
        }
    }
}

/// The log line of a failed execution: depth, recipient, status, and why.
fn failure_line(message: &Message, outcome: &Outcome) -> String {
    let reason = outcome
        .reason
        .as_ref()
        .map_or_else(|| "no reason known".to_string(), ToString::to_string);
    format!(
        "iris: depth {} 0x{}: {:?}: {reason}",
        message.depth,
        ewasm_host::hex::encode(&message.recipient.0),
        outcome.status
    )
}

/// One VM instance: its options and the executor built from them. Several
/// threads may execute on one instance at once.
#[derive(Debug)]
pub struct VmState {
    /// The options and the executor built from them, behind one lock: an
    /// execution takes both in one critical section.
    options: Mutex<Options>,
    /// Numbers the executions of this instance that options observe
    /// (their profile and trace files), in the order they began.
    observed: std::sync::atomic::AtomicU64,
}

impl Default for VmState {
    fn default() -> Self {
        let mut options = Options::default();
        options.exec.cache_size = 64;
        Self {
            options: Mutex::new(options),
            observed: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl VmState {
    /// Sets an option (Hera's keys, plus `cache_size`, `cache_bytes`,
    /// `gas_model` (`iris` or `sentinel`), `max_execution_pages`,
    /// `profile`: a
    /// directory that receives the folded gas stacks of every execution,
    /// or the empty string to stop, `trace`: `stderr` or a directory that
    /// receives each execution's trace as JSON lines (`docs/trace.md`), or
    /// the empty string to stop, `trace_blocks`: `true` for a trace line
    /// per metering block and per operator priced by its operands,
    /// `lazy_translation`: `false` to translate every function of a
    /// contract when it is compiled rather than at its first call,
    /// `keep_instances`: `false` to instantiate each contract anew for
    /// every execution rather than resume an instance kept from its last,
    /// and `log`: `stderr` or a file that
    /// receives one line per failed execution with its reason, or the
    /// empty string to stop).
    pub fn set_option(&self, name: &str, value: &str) -> SetOption {
        let mut options = self.options.lock().unwrap_or_else(PoisonError::into_inner);
        let flag = |value: &str| match value {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let result = match name {
            "metering" => flag(value).map(|on| options.exec.metering = on),
            "debug" => flag(value).map(|on| options.exec.debug = on),
            "evm1mode" => match value {
                "reject" => Some(Evm1Mode::Reject),
                "fallback" => Some(Evm1Mode::Fallback),
                _ => None,
            }
            .map(|mode| options.exec.evm1mode = mode),
            "profile" if value.is_empty() => {
                options.profile_dir = None;
                Some(())
            }
            "profile" => {
                let dir = std::path::PathBuf::from(value);
                dir.is_dir().then(|| options.profile_dir = Some(dir))
            }
            "trace" => {
                options.trace = match value {
                    "" => None,
                    "stderr" => Some(TraceTarget::Stderr),
                    dir if std::path::Path::new(dir).is_dir() => Some(TraceTarget::Dir(dir.into())),
                    _ => return SetOption::InvalidValue,
                };
                Some(())
            }
            "trace_blocks" => flag(value).map(|on| options.trace_blocks = on),
            "lazy_translation" => flag(value).map(|on| options.exec.lazy_translation = on),
            "keep_instances" => flag(value).map(|on| options.exec.keep_instances = on),
            "log" => {
                options.log = match value {
                    "" => None,
                    "stderr" => Some(LogTarget::Stderr),
                    path => {
                        let opened = std::fs::OpenOptions::new()
                            .create(true)
                            .append(true)
                            .open(path);
                        if opened.is_err() {
                            return SetOption::InvalidValue;
                        }
                        Some(LogTarget::File(path.into()))
                    }
                };
                Some(())
            }
            "cache_size" => value
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 1 << 20)
                .map(|n| options.exec.cache_size = n),
            "cache_bytes" => value
                .parse::<usize>()
                .ok()
                .map(|n| options.exec.cache_bytes = n),
            "gas_model" => match value {
                "iris" => Some(GasModel::Iris),
                "sentinel" => Some(GasModel::Sentinel),
                _ => None,
            }
            .map(|model| options.exec.gas_model = model),
            "max_execution_pages" => value
                .parse::<u64>()
                .ok()
                .map(|n| options.exec.max_execution_pages = n),
            _ => match name.strip_prefix("sys:") {
                Some(alias) => parse_address(alias).and_then(|address| {
                    let code = std::fs::read(value).ok().filter(|c| !c.is_empty())?;
                    options.overrides.insert(address, Arc::new(code));
                    Some(())
                }),
                None => return SetOption::InvalidName,
            },
        };
        // Gas profiles and block lines both need an executor that
        // profiles: it knows the blocks.
        options.exec.profile = options.profile_dir.is_some() || options.trace_blocks;
        match result {
            Some(()) => {
                // The next execution builds an executor for the new options.
                options.executor = None;
                SetOption::Success
            }
            None => SetOption::InvalidValue,
        }
    }

    /// The capabilities: EWASM, and EVM1 when non-Wasm code is handed back.
    pub fn capabilities(&self) -> u32 {
        let options = self.options.lock().unwrap_or_else(PoisonError::into_inner);
        let evm1 = options.exec.evm1mode != Evm1Mode::Reject;
        evmc_abi::EVMC_CAPABILITY_EWASM
            | if evm1 {
                evmc_abi::EVMC_CAPABILITY_EVM1
            } else {
                0
            }
    }

    /// The executor for `options`, built if they have none.
    fn executor(options: &mut Options) -> Result<Arc<Executor>, Outcome> {
        if let Some(executor) = options.executor.as_ref() {
            return Ok(Arc::clone(executor));
        }
        let executor = Executor::new(options.exec.clone())
            .map(Arc::new)
            .map_err(|_| Outcome::failed(Status::InternalError))?;
        options.executor = Some(Arc::clone(&executor));
        Ok(executor)
    }

    /// Executes a message (flags already checked) against `host` at
    /// `revision`'s prices.
    ///
    /// The outcome's `gas_left` is never negative and never more than
    /// `message.gas`, whatever the host answers to nested calls: the EEI
    /// turns a host's call that gives back more than it was given into a
    /// failed call, and an outcome outside those bounds (a bug) becomes
    /// `InternalError` here rather than reaching the client.
    pub fn execute(
        &self,
        host: &mut dyn EvmHost,
        revision: Revision,
        message: &Message,
        code: &[u8],
    ) -> Outcome {
        let (executor, overridden, profile_dir, trace, log) = {
            let mut options = self.options.lock().unwrap_or_else(PoisonError::into_inner);
            let executor = match Self::executor(&mut options) {
                Ok(executor) => executor,
                Err(outcome) => return outcome,
            };
            (
                executor,
                options.overrides.get(&message.recipient).cloned(),
                options.profile_dir.clone(),
                options
                    .trace
                    .clone()
                    .map(|target| (target, options.trace_blocks)),
                options.log.clone(),
            )
        };
        let code = overridden.as_deref().map_or(code, Vec::as_slice);
        // This execution's own observers, when an option asks for them:
        // they write its profile and trace.
        let n = if profile_dir.is_some() || trace.is_some() {
            self.observed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        } else {
            0
        };
        let outcome = match ExecutionObserver::new(n, message, profile_dir, trace.as_ref()) {
            Some(mut observer) => {
                let mut observed = Observed::new(host, &mut observer);
                let outcome = executor.execute(&mut observed, revision, message, code);
                observer.finish();
                outcome
            }
            None => executor.execute(host, revision, message, code),
        };
        if let Some(log) = log {
            // Code handed back to the client's EVM has not failed.
            if !outcome.status.keeps_gas() && outcome.status != Status::Rejected {
                log.write(&failure_line(message, &outcome));
            }
        }
        if (0..=message.gas).contains(&outcome.gas_left) {
            outcome
        } else {
            Outcome::failed(Status::InternalError)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metering_is_on_by_default() {
        let vm = VmState::default();
        let options = vm.options.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(options.exec.metering);
        assert_eq!(options.exec.gas_model, GasModel::Iris);
    }

    #[test]
    fn options_answer_success_invalid_name_and_invalid_value() {
        let vm = VmState::default();
        assert_eq!(vm.set_option("metering", "true"), SetOption::Success);
        assert_eq!(vm.set_option("metering", "yes"), SetOption::InvalidValue);
        assert_eq!(vm.set_option("gas_model", "sentinel"), SetOption::Success);
        assert_eq!(vm.set_option("gas_model", "hera"), SetOption::InvalidValue);
        assert_eq!(vm.set_option("cache_bytes", "1048576"), SetOption::Success);
        assert_eq!(
            vm.set_option("max_execution_pages", "-1"),
            SetOption::InvalidValue
        );
        assert_eq!(vm.set_option("evm1mode", "fallback"), SetOption::Success);
        assert_eq!(
            vm.set_option("evm1mode", "evm2wasm"),
            SetOption::InvalidValue
        );
        assert_eq!(vm.set_option("debug", "false"), SetOption::Success);
        assert_eq!(
            vm.set_option("lazy_translation", "false"),
            SetOption::Success
        );
        assert_eq!(
            vm.set_option("lazy_translation", "eager"),
            SetOption::InvalidValue
        );
        assert_eq!(vm.set_option("keep_instances", "false"), SetOption::Success);
        assert_eq!(
            vm.set_option("keep_instances", "no"),
            SetOption::InvalidValue
        );
        assert_eq!(vm.set_option("cache_size", "16"), SetOption::Success);
        assert_eq!(vm.set_option("cache_size", "-1"), SetOption::InvalidValue);
        assert_eq!(vm.set_option("engine", "binaryen"), SetOption::InvalidName);
        assert_eq!(
            vm.set_option("sys:nowhere", "/dev/null"),
            SetOption::InvalidValue
        );
        assert_eq!(
            vm.set_option("sys:sentinel", "/nonexistent"),
            SetOption::InvalidValue
        );
    }

    #[test]
    fn the_log_option_takes_stderr_a_writable_file_or_nothing() {
        let vm = VmState::default();
        assert_eq!(vm.set_option("log", "stderr"), SetOption::Success);
        assert_eq!(vm.set_option("log", ""), SetOption::Success);
        assert_eq!(
            vm.set_option("log", "/nonexistent/dir/iris.log"),
            SetOption::InvalidValue
        );
    }

    #[test]
    fn the_executor_profiles_while_a_profile_or_block_lines_are_asked_for() {
        let vm = VmState::default();
        let profiles = || {
            vm.options
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .exec
                .profile
        };
        assert!(!profiles());
        let dir = std::env::temp_dir();
        assert_eq!(
            vm.set_option("profile", dir.to_str().unwrap()),
            SetOption::Success
        );
        assert!(profiles());
        assert_eq!(vm.set_option("trace_blocks", "true"), SetOption::Success);
        assert_eq!(vm.set_option("profile", ""), SetOption::Success);
        assert!(profiles(), "the block lines still need the blocks");
        assert_eq!(vm.set_option("trace_blocks", "false"), SetOption::Success);
        assert!(!profiles());
    }

    #[test]
    fn evm1_capability_follows_evm1mode() {
        let vm = VmState::default();
        assert_eq!(vm.capabilities(), evmc_abi::EVMC_CAPABILITY_EWASM);
        vm.set_option("evm1mode", "fallback");
        assert_eq!(
            vm.capabilities(),
            evmc_abi::EVMC_CAPABILITY_EWASM | evmc_abi::EVMC_CAPABILITY_EVM1
        );
    }

    #[test]
    fn sys_addresses_take_aliases_and_hex() {
        assert_eq!(parse_address("runevm").map(|a| a.0[19]), Some(0x0c));
        assert!(parse_address("0x000000000000000000000000000000000000000a").is_some());
        assert!(parse_address("0x0a").is_none());
        // Forty characters that are not forty hex digits: a sign, spaces,
        // a second prefix.
        assert!(parse_address("0x+f00000000000000000000000000000000000000").is_none());
        assert!(parse_address("0x00 00000000000000000000000000000000000 0").is_none());
        assert!(parse_address("0x0x00000000000000000000000000000000000000").is_none());
        assert_eq!(
            parse_address("0x00000000000000000000000000000000000000Ab").map(|a| a.0[19]),
            Some(0xab)
        );
    }
}
