//! Statistics: exact order-independent sums, mergeable moments and quantile
//! sketches (the engine's accumulators), confidence intervals, rank correlations
//! ([`spearman`], [`srrc`]) and variance-based sensitivity indices
//! ([`sensitivity`]).

mod exact_sum;
mod interval;
mod moments;
mod rank;
pub mod sensitivity;
mod sketch;

pub use exact_sum::ExactSum;
pub use interval::{Interval, mean_interval, two_sided_z, wilson};
pub use moments::{BlockSums, Moments};
pub use rank::{RankRegression, ranks, spearman, srrc};
pub(crate) use sketch::{KEY_SHIFT, extend_lanes};
pub use sketch::{QuantileSketch, RELATIVE_ACCURACY, SUB_BUCKET_BITS};
