//! The paired difference of two runs' medians of a per-path value (an NPV).

use crate::engine::{Component, PathStreams};
use crate::error::{Error, Result};
use crate::stats::Interval;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Stream of the paired bootstrap of value medians: resample `r` reads
/// `PathStreams::new(seed, r).rng(MEDIAN_STREAM)`.
pub const MEDIAN_STREAM: Component = Component::new(0x4d45_4431);

/// The difference `median(b) - median(a)` of a per-path value in two runs on
/// common random numbers, with a paired percentile bootstrap interval.
///
/// Each resample draws `n` path indices uniformly with replacement, the same for
/// both runs, and takes the difference of the two (lower) medians; with the `R`
/// differences sorted, `d_(0) <= ... <= d_(R-1)`, and `alpha = 1 - confidence`,
/// the bounds are `d_(floor(alpha/2 (R - 1)))` and `d_(ceil((1 - alpha/2) (R - 1)))`,
/// as for [`MedianDifference`](crate::analysis::MedianDifference).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValueDifference {
    /// `median(a)`.
    pub baseline: f64,
    /// `median(b)`.
    pub alternative: f64,
    /// `median(b) - median(a)` with its interval.
    pub difference: Interval,
    /// Resamples drawn.
    pub resamples: usize,
}

/// The paired median difference of `b` against `a` (see [`ValueDifference`]);
/// resample `r` draws from stream `(seed, r)` of [`MEDIAN_STREAM`], so the result
/// does not depend on the threads.
///
/// ```
/// use outpace::analysis::sensitivity::median_difference;
/// let a: Vec<f64> = (0..200).map(f64::from).collect();
/// let b: Vec<f64> = a.iter().map(|x| x + 10.0).collect();
/// let d = median_difference(&a, &b, 0.95, 200, 7)?;
/// assert_eq!(d.difference.estimate, 10.0);
/// assert!(d.difference.lower == 10.0 && d.difference.upper == 10.0);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// Runs of different or zero length, a non-finite value, fewer than 2
/// resamples, or a confidence outside `(0, 1)`.
pub fn median_difference(
    a: &[f64],
    b: &[f64],
    confidence: f64,
    resamples: usize,
    seed: u64,
) -> Result<ValueDifference> {
    crate::stats::two_sided_z(confidence)?;
    if a.len() != b.len() || a.is_empty() {
        return Err(Error::invalid(
            "paths",
            format!("{} and {}", a.len(), b.len()),
            "paired runs must have the same, positive number of paths",
        ));
    }
    if resamples < 2 {
        return Err(Error::invalid("resamples", resamples, "must be at least 2"));
    }
    if let Some(x) = a.iter().chain(b).find(|x| !x.is_finite()) {
        return Err(Error::invalid(
            "value",
            *x,
            "every path's value must be finite",
        ));
    }
    let (baseline, alternative) = (lower_median(&mut a.to_vec()), lower_median(&mut b.to_vec()));
    let n = a.len();
    let mut differences: Vec<f64> = (0..resamples)
        .into_par_iter()
        .map_init(
            || (Vec::with_capacity(n), Vec::with_capacity(n)),
            |(xa, xb), r| {
                let mut rng = PathStreams::new(seed, r as u64).rng(MEDIAN_STREAM);
                xa.clear();
                xb.clear();
                for _ in 0..n {
                    let i = rng.random_range(0..n);
                    xa.push(a[i]);
                    xb.push(b[i]);
                }
                lower_median(xb) - lower_median(xa)
            },
        )
        .collect();
    differences.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    let last = (resamples - 1) as f64;
    let lower = differences[(alpha / 2.0 * last).floor() as usize];
    let upper = differences[((1.0 - alpha / 2.0) * last).ceil() as usize];
    Ok(ValueDifference {
        baseline,
        alternative,
        difference: Interval {
            estimate: alternative - baseline,
            lower,
            upper,
        },
        resamples,
    })
}

/// The lower median `x_(ceil(n/2) - 1)` of the values (reordered in place).
pub(crate) fn lower_median(values: &mut [f64]) -> f64 {
    let k = values.len().div_ceil(2) - 1;
    *values.select_nth_unstable_by(k, f64::total_cmp).1
}
