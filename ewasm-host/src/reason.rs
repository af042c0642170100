//! Why an execution failed: kept in [`Outcome::reason`](crate::Outcome::reason)
//! for people and tools, never part of consensus (it changes no status, gas
//! or output).

use std::fmt;

use engine::{TrapCode, TrapOrigin};

use crate::eei::{EeiError, OutOfBounds};
use crate::types::U256;
use crate::validate::ContractError;

/// A Wasm function, as a trap names it, and the instruction in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncRef {
    /// Its index in the module's function index space (imports first).
    pub index: u32,
    /// Its name from the `name` section, else its export name.
    pub name: Option<String>,
    /// The code offset of the instruction: the byte offset in the code
    /// (from the start of the binary) of the operator that trapped, of the
    /// `call` of the failing EEI function, or of the operator opening the
    /// metering block (or the `memory.grow` or bulk operator) whose gas ran
    /// out. Found after the failure ([`engine::Trap::locate`]); `None` when
    /// the engine did not say.
    pub offset: Option<u32>,
}

impl fmt::Display for FuncRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "function {} `{name}`", self.index)?,
            None => write!(f, "function {}", self.index)?,
        }
        match self.offset {
            Some(offset) => write!(f, " at code offset {offset:#x}"),
            None => Ok(()),
        }
    }
}

/// Where gas ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GasSite {
    /// Paying for the code before it is translated (the Iris gas model).
    Code {
        /// The code's size in bytes.
        bytes: usize,
    },
    /// Paying for the initial memory (the Iris gas model).
    InitialMemory,
    /// In a Wasm function: a metering block, `memory.grow` or a bulk
    /// operator.
    Function(FuncRef),
    /// In a host function (`useGas`, or any EEI function's charge), called
    /// from a Wasm function.
    Host {
        /// The EEI function, e.g. `useGas`.
        function: String,
        /// The Wasm function that called it.
        caller: Option<FuncRef>,
    },
    /// The engine did not say.
    Unknown,
}

/// Why an execution did not succeed.
///
/// Every status but `Success` and `Revert` comes with one; the reason is
/// for people and tools (the CLI prints it, the EVMC VM logs it when asked)
/// and is never part of consensus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureReason {
    /// The code does not start with the Wasm preamble (`\0asm`, 8 bytes at
    /// least).
    NotWasm,
    /// The code breaks a contract rule (the rule says where: the export or
    /// import, the code offset).
    Contract(ContractError),
    /// A create returned code that looks like Wasm but breaks a contract
    /// rule.
    DeployedCode(ContractError),
    /// A Wasm trap.
    Trap {
        /// What trapped.
        code: TrapCode,
        /// The function it happened in, and the code offset of the operator
        /// that trapped, when the engine says.
        at: Option<FuncRef>,
    },
    /// An EEI function failed.
    Eei {
        /// The EEI function, e.g. `callDataCopy`.
        function: Option<String>,
        /// How it failed.
        error: EeiError,
        /// For an out-of-bounds access: the range and what it was in.
        bounds: Option<OutOfBounds>,
        /// The Wasm function that called it.
        caller: Option<FuncRef>,
    },
    /// The gas ran out.
    OutOfGas(GasSite),
    /// A memory or table did not fit the execution's caps (what the frames
    /// below left of `ExecConfig::max_execution_pages` or
    /// `max_execution_table_elements`).
    Limit(String),
    /// A bug in Iris or a host that broke its contract.
    Internal(String),
    /// The state refused the message before or after its code ran.
    Message(MessageFailure),
}

/// Why the state refused a message: no code of its own ran, or what it
/// returned could not be deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageFailure {
    /// The sender cannot pay the value it sends.
    InsufficientBalance {
        /// The sender's balance.
        balance: U256,
        /// The value sent.
        value: U256,
    },
    /// A create returned more code than may be deployed (EIP-170).
    CodeTooLarge {
        /// The code's size in bytes.
        size: usize,
        /// The most that may be deployed.
        max: usize,
    },
    /// The gas left after a create cannot pay for depositing its code.
    DepositOutOfGas {
        /// The deposit's price.
        deposit: i64,
        /// The gas left.
        gas_left: i64,
    },
    /// The creator's nonce is at its maximum (EIP-2681).
    NonceOverflow,
    /// A create's address already holds code or a nonce.
    AddressCollision(crate::types::Address),
}

impl fmt::Display for MessageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageFailure::InsufficientBalance { balance, value } => write!(
                f,
                "insufficient balance: the sender has {balance} wei and sends {value}"
            ),
            MessageFailure::CodeTooLarge { size, max } => write!(
                f,
                "the deployed code is {size} bytes, more than the {max} allowed"
            ),
            MessageFailure::DepositOutOfGas { deposit, gas_left } => write!(
                f,
                "out of gas for the code deposit: it costs {deposit} gas and {gas_left} is left"
            ),
            MessageFailure::NonceOverflow => {
                f.write_str("the creator's nonce is at its maximum (EIP-2681)")
            }
            MessageFailure::AddressCollision(address) => {
                write!(f, "the new contract's address {address} is already used")
            }
        }
    }
}

impl FailureReason {
    /// A short, stable name of the kind of failure, for tools: `not-wasm`,
    /// `contract-rule`, `deployed-code`, `trap`, `eei`, `out-of-gas`,
    /// `limit`, `internal` or `message`.
    pub fn kind(&self) -> &'static str {
        match self {
            FailureReason::NotWasm => "not-wasm",
            FailureReason::Contract(_) => "contract-rule",
            FailureReason::DeployedCode(_) => "deployed-code",
            FailureReason::Trap { .. } => "trap",
            FailureReason::Eei { .. } => "eei",
            FailureReason::OutOfGas(_) => "out-of-gas",
            FailureReason::Limit(_) => "limit",
            FailureReason::Internal(_) => "internal",
            FailureReason::Message(_) => "message",
        }
    }

    /// The Wasm function the failure happened in (or that called the
    /// failing EEI function), when known.
    pub fn function(&self) -> Option<&FuncRef> {
        match self {
            FailureReason::Trap { at, .. } => at.as_ref(),
            FailureReason::Eei { caller, .. } => caller.as_ref(),
            FailureReason::OutOfGas(GasSite::Function(at)) => Some(at),
            FailureReason::OutOfGas(GasSite::Host { caller, .. }) => caller.as_ref(),
            _ => None,
        }
    }

    /// The EEI function that failed or ran out of gas, when it was one.
    pub fn host_function(&self) -> Option<&str> {
        match self {
            FailureReason::Eei { function, .. } => function.as_deref(),
            FailureReason::OutOfGas(GasSite::Host { function, .. }) => Some(function),
            _ => None,
        }
    }

    /// The reason of a trap that came out of `main` (or instantiation) of
    /// `code`. The trap is located in `code` first (the code offset of the
    /// instruction: one function translated again, only after a failure).
    pub(crate) fn of_trap(trap: &mut engine::Trap, code: &[u8]) -> Self {
        trap.locate(code);
        let origin = trap.origin();
        let caller = origin.map(|origin| func_ref(origin, code));
        let host = origin
            .and_then(|o| o.host.as_ref())
            .map(|(_, name)| name.clone());
        if let Some(bounds) = trap.downcast_ref::<OutOfBounds>() {
            return FailureReason::Eei {
                function: host,
                error: EeiError::InvalidMemoryAccess,
                bounds: Some(*bounds),
                caller,
            };
        }
        if let Some(error) = trap.downcast_ref::<EeiError>() {
            return FailureReason::Eei {
                function: host,
                error: error.clone(),
                bounds: None,
                caller,
            };
        }
        match trap.code() {
            Some(TrapCode::OutOfFuel) => FailureReason::OutOfGas(match (host, caller) {
                (Some(function), caller) => GasSite::Host { function, caller },
                (None, Some(at)) => GasSite::Function(at),
                (None, None) => GasSite::Unknown,
            }),
            Some(TrapCode::Internal) => FailureReason::Internal(format!("{trap}")),
            Some(code) => FailureReason::Trap { code, at: caller },
            None => FailureReason::Internal(format!("an unknown host error: {trap}")),
        }
    }
}

/// The function of a trap's origin, named from the `name` section of
/// `code` (which the engine reads only when profiling), else as the engine
/// named it (its export name).
fn func_ref(origin: &TrapOrigin, code: &[u8]) -> FuncRef {
    FuncRef {
        index: origin.func,
        name: function_name(code, origin.func).or_else(|| origin.name.clone()),
        offset: origin.offset,
    }
}

/// The name of function `index` in the `name` section of `code`, if it has
/// one. Read only when a run fails, so that runs that succeed never pay
/// for it.
fn function_name(code: &[u8], index: u32) -> Option<String> {
    use wasmparser::{KnownCustom, Name, Parser, Payload};
    for payload in Parser::new(0).parse_all(code) {
        let Ok(Payload::CustomSection(reader)) = payload else {
            continue;
        };
        let KnownCustom::Name(names) = reader.as_known() else {
            continue;
        };
        for subsection in names.into_iter().flatten() {
            if let Name::Function(map) = subsection {
                for naming in map.into_iter().flatten() {
                    if naming.index == index {
                        return Some(naming.name.to_string());
                    }
                }
            }
        }
    }
    None
}

impl fmt::Display for GasSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GasSite::Code { bytes } => write!(f, "paying for the code ({bytes} bytes)"),
            GasSite::InitialMemory => f.write_str("paying for the initial memory"),
            GasSite::Function(at) => write!(f, "in {at}"),
            GasSite::Host {
                function,
                caller: Some(caller),
            } => write!(f, "in `{function}`, called from {caller}"),
            GasSite::Host {
                function,
                caller: None,
            } => write!(f, "in `{function}`"),
            GasSite::Unknown => f.write_str("at an unknown place"),
        }
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::NotWasm => {
                f.write_str("not Wasm: the code does not begin with `\\0asm` and a version")
            }
            FailureReason::Contract(rule) => write!(f, "contract rule broken: {rule}"),
            FailureReason::DeployedCode(rule) => {
                write!(f, "the deployed code breaks a contract rule: {rule}")
            }
            FailureReason::Trap { code, at } => {
                write!(f, "trap: {code}")?;
                match at {
                    Some(at) => write!(f, " in {at}"),
                    None => Ok(()),
                }
            }
            FailureReason::Eei {
                function,
                error,
                bounds,
                caller,
            } => {
                let function = function.as_deref().unwrap_or("an EEI function");
                match (error, bounds) {
                    (_, Some(bounds)) => write!(f, "`{function}`: {bounds}")?,
                    (EeiError::StaticModeViolation, _) => {
                        write!(f, "`{function}`: a state change in a static call")?;
                    }
                    (EeiError::InvalidMemoryAccess, _) => {
                        write!(f, "`{function}`: a range outside memory or the source")?;
                    }
                    (EeiError::ArgumentOutOfRange, _) => write!(
                        f,
                        "`{function}`: an argument out of range (a value over 128 bits or a negative gas)"
                    )?,
                    (EeiError::ContractValidation(why), _) => {
                        write!(f, "`{function}`: {why}")?;
                    }
                    (EeiError::Internal(why), _) => write!(f, "`{function}`: {why}")?,
                }
                match caller {
                    Some(caller) => write!(f, ", called from {caller}"),
                    None => Ok(()),
                }
            }
            FailureReason::OutOfGas(site) => write!(f, "out of gas {site}"),
            FailureReason::Limit(what) => write!(f, "execution cap: {what}"),
            FailureReason::Internal(what) => write!(f, "internal error: {what}"),
            FailureReason::Message(why) => write!(f, "{why}"),
        }
    }
}
