//! The Monte Carlo engine: time grid, keyed random streams, the [`Model`] trait and
//! its ready-made forms ([`ProcessModel`], [`JointModel`]), the parallel
//! [`Simulation`] runner with its mergeable accumulators, and first-passage
//! detection over [`Condition`]s.

mod collector;
mod condition;
mod first_passage;
mod grid;
mod joint_model;
mod model;
mod outcome;
mod process_model;
mod sampling;
mod simulation;
mod streams;

pub use collector::BLOCK_PATHS;
pub use condition::{Condition, MAX_WINDOW};
pub use first_passage::{Barrier, Direction, FirstPassage, Hold, PassageTracker};
pub use grid::Grid;
pub use joint_model::{
    Driven, DrivenState, DrivenStep, JointModel, JointPath, JointPlan, MAX_JOINT,
};
pub use model::{Model, Names};
pub use outcome::{
    InputValues, Outcome, PassageTimes, RecordedPaths, STANDARD_QUANTILES, ScalarSummary,
    SeriesSummary, StepStats,
};
pub use process_model::{ProcessModel, ProcessPath};
pub use sampling::{InputDesign, InputSettings, NOISE_GROUP, RankCorrelation};
pub use simulation::{
    DEFAULT_MEMORY_CAP, MAX_PATHS, MAX_THREADS, RunControl, Selection, Simulation,
};
pub use streams::{Component, PathRng, PathStreams};
