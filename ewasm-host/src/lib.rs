//! Ewasm on the Iris engine.
//!
//! So far: the gas schedule of instructions ([`gas`]), the cost model that
//! meters contracts natively exactly as Ewasm's injected metering does
//! ([`EwasmCostModel`]), and that injection itself ([`inject_metering`]), the
//! Sentinel's rewriting, used to prove the two agree. The contract rules and
//! the `ethereum` host module come next.
//!
//! ```
//! use std::sync::Arc;
//! use ewasm_host::EwasmCostModel;
//!
//! let mut config = engine::Config::default();
//! config.consume_fuel(true).cost_model(Arc::new(EwasmCostModel::default()));
//! let engine = engine::Engine::new(&config);
//! let module = engine::Module::new(&engine, &[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])?;
//! # let _ = module;
//! # Ok::<(), engine::Error>(())
//! ```

pub mod gas;
mod inject;
mod metering;

pub use inject::{inject_metering, InjectError, InjectOptions};
pub use metering::{find_float, is_float_operator, EwasmCostModel};
