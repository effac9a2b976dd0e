//! The AI-cloud economics model: scenarios, parameter uncertainty, calendar
//! quarters, and the [`Model`](crate::engine::Model) that simulates a cloud business.
//!
//! A [`Scenario`] (read from TOML or JSON, or a bundled preset such as
//! [`Scenario::alibaba`]) becomes a [`CloudModel`], which the engine simulates and,
//! as a [`StudyModel`](crate::analysis::StudyModel), a
//! [`Study`](crate::analysis::Study) analyses with the standard [`Definition`]s
//! and the scenario's own rules. The equations are in `docs/model.md`. This is the
//! only module that knows the cloud: nothing in the engine, the analysis or the
//! reports refers to it.

mod definition;
mod load;
mod locate;
mod model;
mod parameters;
mod scenario;
pub mod series;
mod study;

/// The calendar quarter of a scenario's start, defined in [`crate::calendar`].
pub use crate::calendar::Quarter;
/// The parameter types of scenarios, defined in [`crate::inputs`].
pub use crate::inputs::{Domain, Param};
pub use definition::Definition;
pub use load::{
    Format, MAX_PROBLEMS, MAX_SCENARIO_BYTES, Override, PRESETS, Preset, Problem, Source,
    preset_names,
};
pub use model::{CloudModel, CloudPath, CloudPlan, MIN_LUMPINESS, QUARTER};
pub use parameters::Parameter;
pub use scenario::{
    Capacity, Capex, Chips, DRIVERS, Demand, Finance, HISTORY_QUARTERS, History, Initial,
    MAX_LEAD_QUARTERS, Opex, Price, PriceWar, REGIMES, Scenario, Traditional,
};
pub use study::{COMPARED, unit};
