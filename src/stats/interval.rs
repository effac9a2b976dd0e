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
///
/// # Errors
/// If `confidence` is not strictly between 0 and 1, or so close to 1 that
/// `0.5 + confidence / 2` rounds to 1 (the quantile would be infinite).
pub fn two_sided_z(confidence: f64) -> Result<f64> {
    let c = check::probability("confidence", confidence)?;
    let level = 0.5 + c / 2.0;
    if c == 0.0 || level >= 1.0 {
        return Err(crate::Error::invalid(
            "confidence",
            c,
            "must lie strictly between 0 and 1 (and 0.5 + confidence / 2 below 1)",
        ));
    }
    let standard = Normal::standard();
    Ok(standard.inverse_cdf(level))
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
///
/// ```
/// let ci = outpace::stats::mean_interval(10.0, 0.5, 0.95)?;
/// assert!((ci.upper - 10.98).abs() < 1e-3);
/// assert!(outpace::stats::mean_interval(10.0, f64::NAN, 0.95).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// If `mean` is not finite, `std_error` is not finite and `>= 0` (a standard
/// error from fewer than two values is NaN: there is no interval), `confidence` is
/// not strictly between 0 and 1, or the bounds overflow.
pub fn mean_interval(mean: f64, std_error: f64, confidence: f64) -> Result<Interval> {
    let mean = check::finite("mean", mean)?;
    let std_error = check::non_negative("std_error", std_error)?;
    let z = two_sided_z(confidence)?;
    let half = z * std_error;
    let (lower, upper) = (mean - half, mean + half);
    if !(lower.is_finite() && upper.is_finite()) {
        return Err(crate::Error::invalid(
            "std_error",
            std_error,
            "too large: the interval's bounds overflow",
        ));
    }
    Ok(Interval {
        estimate: mean,
        lower,
        upper,
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
    fn mean_interval_needs_a_finite_non_negative_standard_error() {
        let ci = mean_interval(2.0, 0.0, 0.9).unwrap();
        assert_eq!((ci.lower, ci.estimate, ci.upper), (2.0, 2.0, 2.0));
        for (mean, se, name) in [
            (1.0, f64::NAN, "`std_error`"),
            (1.0, -0.1, "`std_error`"),
            (1.0, f64::INFINITY, "`std_error`"),
            (1.0, 1e308, "`std_error`"),
            (f64::NAN, 0.1, "`mean`"),
            (f64::NEG_INFINITY, 0.1, "`mean`"),
        ] {
            let err = mean_interval(mean, se, 0.95).unwrap_err().to_string();
            assert!(err.contains(name), "{mean} {se}: {err}");
        }
        assert!(mean_interval(1.0, 0.1, 1.0).is_err());
    }

    #[test]
    fn confidence_next_to_one_is_refused_not_infinite() {
        let below_one = 1.0 - f64::EPSILON / 2.0;
        assert!(two_sided_z(below_one).is_err());
        let z = two_sided_z(1.0 - 1e-12).unwrap();
        assert!(z.is_finite() && z > 7.0, "{z}");
        assert!(two_sided_z(f64::MIN_POSITIVE).unwrap() >= 0.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(wilson(1, 0, 0.95).is_err());
        assert!(wilson(3, 2, 0.95).is_err());
        assert!(wilson(1, 2, 1.0).is_err());
        assert!(wilson(1, 2, f64::NAN).is_err());
    }
}
