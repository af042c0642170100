//! The metering and translation flags of the contract commands (`iris
//! run`, `iris profile`).

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
    /// Translate each function at its first call (on by default), for a
    /// contract or a WASI program; `--lazy-translation=false` translates
    /// every function when the code is loaded. Results, gas and refusals
    /// are the same either way (the whole code is validated at load); only
    /// when the translation time is spent differs.
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub(crate) lazy_translation: Option<bool>,
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

    /// Whether functions are translated at their first call.
    pub(crate) fn lazy(&self) -> bool {
        self.lazy_translation
            .unwrap_or(ExecConfig::default().lazy_translation)
    }

    /// Whether a metering flag was given.
    pub(crate) fn given(&self) -> bool {
        self.metering.is_some() || self.gas_model.is_some()
    }

    /// The executor configuration these flags ask for.
    pub(crate) fn config(&self) -> ExecConfig {
        ExecConfig {
            metering: self.on(),
            gas_model: self.gas_model.unwrap_or_default(),
            lazy_translation: self.lazy(),
            ..ExecConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Metering;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        metering: Metering,
    }

    fn config(args: &[&str]) -> ewasm_host::ExecConfig {
        let flags = Flags::try_parse_from([&["iris"], args].concat()).expect("parses");
        flags.metering.config()
    }

    #[test]
    fn lazy_translation_is_on_unless_turned_off() {
        assert!(config(&[]).lazy_translation);
        assert!(config(&["--lazy-translation"]).lazy_translation);
        assert!(config(&["--lazy-translation=true"]).lazy_translation);
        assert!(!config(&["--lazy-translation=false"]).lazy_translation);
        // The other flags keep their meaning beside it.
        let eager = config(&["--lazy-translation=false", "--metering=false"]);
        assert!(!eager.lazy_translation && !eager.metering);
    }
}
