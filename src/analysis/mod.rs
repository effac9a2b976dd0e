//! Break-even analysis of simulation results: definitions, passage-time
//! distributions with confidence intervals, fan charts, and paired comparisons of
//! scenarios run on common random numbers.

mod breakeven;
mod compare;
mod fan;
mod study;

pub use breakeven::{BreakEven, Definition};
pub use compare::{
    BOOTSTRAP_COMPONENT, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, Comparison, MedianDifference,
    ProbabilityDifference,
};
pub use fan::{FAN_LEVELS, FanChart};
pub use study::{Study, StudyOptions};
