//! The Monte Carlo engine: time grid, keyed random streams, the [`Model`] trait, the
//! parallel [`Simulation`] runner with its mergeable accumulators, and first-passage
//! detection.

mod cell_sums;
mod collector;
mod first_passage;
mod grid;
mod model;
mod outcome;
mod process_model;
mod simulation;
mod streams;

pub use collector::BLOCK_PATHS;
pub use first_passage::{Barrier, Direction, FirstPassage, Hold, PassageTracker};
pub use grid::Grid;
pub use model::Model;
pub use outcome::{
    Outcome, PassageTimes, RecordedPaths, STANDARD_QUANTILES, ScalarSummary, SeriesSummary,
    StepStats,
};
pub use process_model::{ProcessModel, ProcessPath};
pub use simulation::{
    DEFAULT_MEMORY_CAP, MAX_PATHS, MAX_THREADS, RunControl, Selection, Simulation,
};
pub use streams::{Component, PathRng, PathStreams};
