//! The message and block context of `iris run` and `iris profile`, and the
//! state file that carries a session from one call to the next.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ewasm_host::{Address, Revision, TxContext, U256};
use state::run::{caller_balance, default_env, Session, CALLER, CONTRACT};
use state::{Account, Env, Runner, World};

use crate::exit::Error;

/// The context flags. Each is optional so that a WASI program can refuse
/// them; the defaults are applied in [`Context::env`].
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct Context {
    /// Contract: the caller, the message's sender [default:
    /// 0xca11e70000000000000000000000000000000001]. A caller the state
    /// does not hold starts with 10^24 wei (kept in `--state FILE` only
    /// if the call succeeds).
    #[arg(long, value_name = "ADDRESS", value_parser = crate::gas::parse_address)]
    caller: Option<Address>,
    /// Contract: the account called, whose storage the code acts on
    /// [default: 0xc0de000000000000000000000000000000000001]. Without FILE
    /// (with `--state`), the code the state holds there runs.
    #[arg(long, value_name = "ADDRESS", value_parser = crate::gas::parse_address)]
    address: Option<Address>,
    /// Contract: the transaction's origin [default: the caller].
    #[arg(long, value_name = "ADDRESS", value_parser = crate::gas::parse_address)]
    origin: Option<Address>,
    /// Contract: value sent, in wei, decimal or 0x hex [default: 0].
    #[arg(long, value_name = "WEI", value_parser = crate::gas::parse_u256, allow_hyphen_values = true)]
    value: Option<U256>,
    /// Contract: the gas price, in wei [default: 1].
    #[arg(long, value_name = "WEI", value_parser = crate::gas::parse_u256, allow_hyphen_values = true)]
    gas_price: Option<U256>,
    /// Contract: the block's beneficiary [default:
    /// 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0].
    #[arg(long, value_name = "ADDRESS", value_parser = crate::gas::parse_address)]
    coinbase: Option<Address>,
    /// Contract: the block number [default: 1].
    #[arg(long, value_name = "N", value_parser = crate::gas::parse_i64, allow_hyphen_values = true)]
    number: Option<i64>,
    /// Contract: the block's timestamp, in seconds [default: 1000].
    #[arg(long, value_name = "SECONDS", value_parser = crate::gas::parse_i64, allow_hyphen_values = true)]
    timestamp: Option<i64>,
    /// Contract: the block's gas limit [default: 100000000].
    #[arg(long, value_name = "GAS", value_parser = crate::gas::parse_i64, allow_hyphen_values = true)]
    gas_limit: Option<i64>,
    /// Contract: the block's difficulty, PREVRANDAO since the merge
    /// [default: 0x20000].
    #[arg(long, visible_alias = "prevrandao", value_name = "N", value_parser = crate::gas::parse_u256, allow_hyphen_values = true)]
    difficulty: Option<U256>,
    /// Contract: the chain id [default: 1]. (The EEI has no function that
    /// reads it: it is part of the context the host answers.)
    #[arg(long, value_name = "N", value_parser = crate::gas::parse_u256, allow_hyphen_values = true)]
    chain_id: Option<U256>,
    /// Contract: read the accounts from FILE before the call (an absent
    /// or empty file is an empty state) and, with `iris run`, write them
    /// back after a call or create that succeeds, so that calls replay a
    /// session: what it changed, the caller (funded if the state did not
    /// hold it) and FILE's code at `--address` are kept. A call that fails
    /// or reverts leaves FILE as it was; `iris profile` never writes it.
    /// JSON in the format of a state test's `pre`: `{"0xADDRESS":
    /// {"balance": "0x..", "nonce": "0x..", "code": "0x..", "storage":
    /// {"0xKEY": "0xVALUE"}}}`.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Contract: the fork the call runs at: revm's rules of that fork for
    /// the state and any EVM code, and the EEI prices of the same revision
    /// for Wasm code (EIP-2929's cold and warm accesses, EIP-2200's storage
    /// rules…): Byzantium, Petersburg, Istanbul, Berlin, London, Paris (or
    /// Merge), Shanghai, Cancun, Prague or Osaka, in any case [default:
    /// Osaka, the newest fork revm and Iris both run; Byzantium is the
    /// fork of the Hera-filled vectors].
    #[arg(long, value_name = "NAME", value_parser = parse_fork)]
    fork: Option<Revision>,
}

/// The fork `iris run` and `iris profile` run at without `--fork`: the
/// newest both revm and Iris run.
pub(crate) const DEFAULT_FORK: Revision = Revision::LATEST;

/// A `--fork` name: EVMC's and revm's names of the revisions Iris runs, in
/// any case (`Merge` for Paris); a revision before Byzantium is refused,
/// and so is Constantinople, which revm does not implement (its EIP-1283
/// never went live).
///
/// # Errors
///
/// An unknown name, or a revision Iris does not run, with the names it
/// takes.
pub(crate) fn parse_fork(name: &str) -> Result<Revision, String> {
    let names = || {
        Revision::SUPPORTED
            .iter()
            .filter(|r| state::evm::spec(**r).is_ok())
            .map(|r| match r {
                Revision::Paris => "Paris (Merge)".to_string(),
                r => r.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let revision = if name.eq_ignore_ascii_case("merge") {
        Some(Revision::Paris)
    } else {
        Revision::from_name(name)
    };
    match revision {
        Some(revision) if revision.is_supported() => match state::evm::spec(revision) {
            Ok(_) => Ok(revision),
            Err(e) => Err(format!("{e}; one of: {}", names())),
        },
        Some(revision) => Err(format!(
            "{revision} predates {}, the oldest fork Iris runs (Ewasm's rules assume EIP-150 and EIP-161); one of: {}",
            Revision::OLDEST,
            names()
        )),
        None => Err(format!("unknown fork; one of: {}", names())),
    }
}

impl Context {
    /// The first context flag given, by name (`--state` included, `--fork`
    /// not: see [`Context::fork_given`]).
    pub(crate) fn first_given(&self) -> Option<&'static str> {
        [
            (self.caller.is_some(), "--caller"),
            (self.address.is_some(), "--address"),
            (self.origin.is_some(), "--origin"),
            (self.value.is_some(), "--value"),
            (self.gas_price.is_some(), "--gas-price"),
            (self.coinbase.is_some(), "--coinbase"),
            (self.number.is_some(), "--number"),
            (self.timestamp.is_some(), "--timestamp"),
            (self.gas_limit.is_some(), "--gas-limit"),
            (self.difficulty.is_some(), "--difficulty"),
            (self.chain_id.is_some(), "--chain-id"),
            (self.state.is_some(), "--state"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }

    /// Whether `--fork` was given.
    pub(crate) fn fork_given(&self) -> bool {
        self.fork.is_some()
    }

    /// The fork the contract runs at.
    pub(crate) fn fork(&self) -> Revision {
        self.fork.unwrap_or(DEFAULT_FORK)
    }

    /// The caller.
    pub(crate) fn caller(&self) -> Address {
        self.caller.unwrap_or(CALLER)
    }

    /// The account called.
    pub(crate) fn address(&self) -> Address {
        self.address.unwrap_or(CONTRACT)
    }

    /// Whether `--address` was given.
    pub(crate) fn has_address(&self) -> bool {
        self.address.is_some()
    }

    /// The value sent.
    pub(crate) fn value(&self) -> U256 {
        self.value.unwrap_or_default()
    }

    /// The block and transaction the call runs in.
    pub(crate) fn env(&self) -> Env {
        let TxContext {
            gas_price,
            coinbase,
            number,
            timestamp,
            gas_limit,
            difficulty,
            chain_id,
            ..
        } = default_env().tx;
        Env {
            revision: self.fork(),
            tx: TxContext {
                gas_price: self.gas_price.unwrap_or(gas_price),
                origin: self.origin.unwrap_or(self.caller()),
                coinbase: self.coinbase.unwrap_or(coinbase),
                number: self.number.unwrap_or(number),
                timestamp: self.timestamp.unwrap_or(timestamp),
                gas_limit: self.gas_limit.unwrap_or(gas_limit),
                difficulty: self.difficulty.unwrap_or(difficulty),
                chain_id: self.chain_id.unwrap_or(chain_id),
            },
        }
    }

    /// The world before the call: the state file's accounts (none if it
    /// is absent or not given), with the caller funded if the state does
    /// not hold it, and `code` (if given) at the called address.
    fn world(&self, code: Option<Vec<u8>>) -> Result<World, Error> {
        let mut world = match &self.state {
            Some(path) if path.exists() => read_state(path)?,
            _ => World::default(),
        };
        let caller = self.caller();
        if world.get(&caller).is_none() {
            world.insert(caller, Account::with_balance(caller_balance()));
        }
        if let Some(code) = code {
            world.entry(self.address()).code = Arc::new(code);
        }
        Ok(world)
    }

    /// A session for the call: `code` at the called address, or (without
    /// code) whatever the state holds there.
    ///
    /// # Errors
    ///
    /// The state file cannot be read or parsed (an input error), or there
    /// is no code to run (a usage error).
    pub(crate) fn session(
        &self,
        code: Option<Vec<u8>>,
        runner: Arc<dyn Runner>,
    ) -> Result<Session, Error> {
        let given = code.is_some();
        let world = self.world(code)?;
        let address = self.address();
        if !given && world.get(&address).is_none_or(|a| a.code.is_empty()) {
            return Err(Error::usage(match &self.state {
                Some(path) => format!(
                    "no FILE, and {} holds no code at {address} (deploy with `--create`, and give its address with `--address`)",
                    path.display()
                ),
                None => "no FILE: give the contract, or `--state FILE` with `--address` of a deployed one".to_string(),
            }));
        }
        Ok(Session::in_world(world, self.env(), address, runner))
    }

    /// A session for a create from the caller: the called address is
    /// where the new contract lands.
    ///
    /// # Errors
    ///
    /// The state file cannot be read or parsed.
    pub(crate) fn create_session(&self, runner: Arc<dyn Runner>) -> Result<Session, Error> {
        let world = self.world(None)?;
        Ok(Session::in_world(
            world,
            self.env(),
            Address::default(),
            runner,
        ))
    }

    /// Checks, before the call, that the state file (if given) can be
    /// written back: its directory exists and takes a new file.
    ///
    /// # Errors
    ///
    /// An input error naming the file.
    pub(crate) fn check_writable(&self) -> Result<(), Error> {
        let Some(path) = &self.state else {
            return Ok(());
        };
        if path.is_dir() {
            return Err(Error::input(format!(
                "{}: a directory, not a state file",
                path.display()
            )));
        }
        let temp = temp_path(path);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::input(format!("{}: cannot be written: {e}", path.display())))?;
        std::fs::remove_file(&temp)
            .map_err(|e| Error::input(format!("{}: {e}", temp.display())))?;
        Ok(())
    }

    /// Writes the session's accounts to the state file, if one was given:
    /// to a temporary file beside it, then renamed over it, so that the
    /// file is whole whatever happens.
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub(crate) fn save(&self, session: Session) -> Result<(), Error> {
        let Some(path) = &self.state else {
            return Ok(());
        };
        let json = state::accounts::to_json(&session.into_world());
        // A JSON value always serializes.
        let text =
            serde_json::to_string_pretty(&json).map_err(|e| Error::internal(e.to_string()))?;
        let temp = temp_path(path);
        let written =
            std::fs::write(&temp, text + "\n").and_then(|()| std::fs::rename(&temp, path));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Error::input(format!("{}: {e}", path.display()))
        })
    }
}

/// The temporary file a state file is written to before it is renamed
/// over it: in the same directory, so that the rename is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The accounts of a state file (an empty file is an empty state).
fn read_state(path: &Path) -> Result<World, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    if text.trim().is_empty() {
        return Ok(World::default());
    }
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::input(format!("{}: JSON: {e}", path.display())))?;
    state::accounts::from_json(&json).map_err(|e| Error::input(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_names_are_evmcs_in_any_case_with_merge_for_paris() {
        assert_eq!(parse_fork("Berlin"), Ok(Revision::Berlin));
        assert_eq!(parse_fork("OSAKA"), Ok(Revision::Osaka));
        assert_eq!(parse_fork("merge"), Ok(Revision::Paris));
        assert_eq!(parse_fork("paris"), Ok(Revision::Paris));
        for revision in Revision::SUPPORTED {
            if *revision != Revision::Constantinople {
                assert_eq!(parse_fork(&revision.to_string()), Ok(*revision));
            }
        }
    }

    #[test]
    fn forks_before_byzantium_and_unknown_names_are_refused() {
        let old = parse_fork("spurious_dragon").unwrap_err();
        assert!(
            old.starts_with("SpuriousDragon predates Byzantium"),
            "{old}"
        );
        let withdrawn = parse_fork("constantinople").unwrap_err();
        assert!(withdrawn.contains("run Petersburg"), "{withdrawn}");
        let unknown = parse_fork("atlantis").unwrap_err();
        assert!(unknown.contains("Paris (Merge)"), "{unknown}");
    }
}
