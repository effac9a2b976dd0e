//! Break-even analysis of simulation results for any model: break-even rules,
//! their time distributions with confidence intervals, fan charts, paired
//! comparisons of scenarios run on common random numbers, and the [`Study`] that
//! runs a [`StudyModel`] and gathers them.

mod breakeven;
mod compare;
mod decomposition;
mod described;
mod fan;
mod model;
mod paired_cdf;
mod precision;
mod rule;
pub mod sensitivity;
mod study;

pub use breakeven::{BreakEven, passage_of};
pub use compare::{
    BOOTSTRAP_COMPONENT, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, Comparison, MedianDifference,
    ProbabilityDifference,
};
pub use decomposition::{Decomposition, DecompositionYear};
pub use described::Described;
pub use fan::{FAN_LEVELS, FanChart};
pub use model::{Headline, ModelInfo, StudyModel, Valuation};
pub use paired_cdf::paired_cdf_difference;
pub use precision::{
    DEFAULT_FIRST_BATCH, DEFAULT_GROWTH, DEFAULT_MAX_PATHS, MAX_GROWTH, PreciseStudy, Precision,
    PrecisionStep, PrecisionTarget,
};
pub use rule::Rule;
pub use study::{Study, StudyOptions};
