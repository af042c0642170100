//! The metering flags of the contract commands (`iris run`, `iris profile`).

use ewasm_host::{ExecConfig, GasModel};

/// How a contract's instructions are charged.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct Metering {
    /// Contract: charge every instruction (on by default);
    /// `--metering=false` charges only the EEI and `useGas`, as Hera's
    /// default and the Hera-filled vectors do: for pre-metered or trusted
    /// code, where nothing but the deterministic caps bounds a loop.
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub(crate) metering: Option<bool>,
    /// Contract: the prices metering charges: `iris` (the default: the
    /// Sentinel's, plus initial memory, call and return data, locals and
    /// table elements) or `sentinel` (exactly what Ewasm's Sentinel
    /// injects, as Hera charged it).
    #[arg(long, value_name = "MODEL", value_parser = parse_model)]
    pub(crate) gas_model: Option<GasModel>,
}

fn parse_model(text: &str) -> Result<GasModel, String> {
    match text {
        "iris" => Ok(GasModel::Iris),
        "sentinel" => Ok(GasModel::Sentinel),
        _ => Err("expected `iris` or `sentinel`".to_string()),
    }
}

impl Metering {
    /// Whether metering is on.
    pub(crate) fn on(&self) -> bool {
        self.metering.unwrap_or(true)
    }

    /// Whether either flag was given.
    pub(crate) fn given(&self) -> bool {
        self.metering.is_some() || self.gas_model.is_some()
    }

    /// The executor configuration these flags ask for.
    pub(crate) fn config(&self) -> ExecConfig {
        ExecConfig {
            metering: self.on(),
            gas_model: self.gas_model.unwrap_or_default(),
            ..ExecConfig::default()
        }
    }
}
