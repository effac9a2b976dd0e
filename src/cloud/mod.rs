//! The AI-cloud economics model: scenarios, parameter uncertainty, calendar
//! quarters, and the [`Model`](crate::engine::Model) that simulates a cloud business.
//!
//! A [`Scenario`] (read from TOML or JSON, or a bundled preset such as
//! [`Scenario::alibaba`]) becomes a [`CloudModel`], which the engine simulates; the
//! [`series`] it emits are what the analysis layer reads. The equations are in
//! `docs/model.md`.

mod load;
mod model;
mod quarter;
mod scenario;
pub mod series;

/// The parameter types of scenarios, defined in [`crate::inputs`].
pub use crate::inputs::{Domain, Param};
pub use load::{PRESETS, Preset};
pub use model::{CloudModel, CloudPath, CloudPlan};
pub use quarter::Quarter;
pub use scenario::{
    Capacity, Capex, Chips, DRIVERS, Demand, Finance, HISTORY_QUARTERS, History, Initial,
    MAX_LEAD_QUARTERS, Opex, Price, PriceWar, REGIMES, Scenario, Traditional,
};
