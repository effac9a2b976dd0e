//! Confidence intervals for Monte Carlo estimates.

use crate::error::{Result, check};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

/// A two-sided confidence interval around a point estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Point estimate.
    pub estimate: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Interval {
    /// Whether `x` lies in `[lower, upper]`.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

/// The standard normal quantile `z` with `P(|Z| <= z) = confidence`.
///
/// ```
/// let z = outpace::stats::two_sided_z(0.95).unwrap();
/// assert!((z - 1.959964).abs() < 1e-6);
/// ```
pub fn two_sided_z(confidence: f64) -> Result<f64> {
    let c = check::probability("confidence", confidence)?;
    if c == 0.0 || c == 1.0 {
        return Err(crate::Error::invalid(
            "confidence",
            c,
            "must lie strictly between 0 and 1",
        ));
    }
    let standard = Normal::standard();
    Ok(standard.inverse_cdf(0.5 + c / 2.0))
}

/// Wilson score interval for a binomial proportion: `successes` out of `trials`.
///
/// With `p = s / n` and `z` the two-sided normal quantile of `confidence`:
/// `centre = (p + z^2 / 2n) / (1 + z^2 / n)` and
/// `half = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)`.
/// Unlike the normal (Wald) interval it stays inside `[0, 1]` and keeps its coverage
/// for proportions near 0 or 1, which is where break-even probabilities often sit.
///
/// ```
/// let ci = outpace::stats::wilson(30, 100, 0.95).unwrap();
/// assert!((ci.lower - 0.2189).abs() < 1e-4 && (ci.upper - 0.3958).abs() < 1e-4);
/// ```
pub fn wilson(successes: u64, trials: u64, confidence: f64) -> Result<Interval> {
    if trials == 0 {
        return Err(crate::Error::invalid("trials", 0, "must be > 0"));
    }
    if successes > trials {
        return Err(crate::Error::invalid(
            "successes",
            successes,
            format!("must be <= trials ({trials})"),
        ));
    }
    let z = two_sided_z(confidence)?;
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Ok(Interval {
        estimate: p,
        lower: (centre - half).max(0.0),
        upper: (centre + half).min(1.0),
    })
}

/// Normal-approximation interval for a mean: `mean ± z * std_error`.
pub fn mean_interval(mean: f64, std_error: f64, confidence: f64) -> Result<Interval> {
    let z = two_sided_z(confidence)?;
    Ok(Interval {
        estimate: mean,
        lower: mean - z * std_error,
        upper: mean + z * std_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_edges_stay_in_unit_interval() {
        let none = wilson(0, 50, 0.95).unwrap();
        assert_eq!(none.lower, 0.0);
        assert!(none.upper > 0.0 && none.upper < 0.1);
        let all = wilson(50, 50, 0.95).unwrap();
        assert_eq!(all.upper, 1.0);
        assert!(all.lower > 0.9);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(wilson(1, 0, 0.95).is_err());
        assert!(wilson(3, 2, 0.95).is_err());
        assert!(wilson(1, 2, 1.0).is_err());
        assert!(wilson(1, 2, f64::NAN).is_err());
    }
}
