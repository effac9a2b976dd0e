//! Fan charts: quantile bands of a series over time.

use crate::engine::{Outcome, SeriesSummary};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// The quantile levels of a fan chart by default: P5, P10, P25, P50, P75, P90, P95.
pub const FAN_LEVELS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Two levels closer than this are the same level when looking a band up.
const LEVEL_TOLERANCE: f64 = 1e-9;

/// Quantile bands and the mean of one series at every period of the grid.
///
/// For each level `q` and period `k = 0..=steps`, `band(q)[k]` is the `q`-quantile
/// of the series over paths at period `k`, read from the run's quantile sketch
/// ([`SeriesSummary::quantile`]: relative accuracy
/// [`RELATIVE_ACCURACY`](crate::stats::RELATIVE_ACCURACY), clamped into the exact
/// range of the period), and `mean()[k]` is the exact sample mean. The series must
/// have been run with quantiles (the default; see
/// [`Simulation::quantiles_for`](crate::engine::Simulation::quantiles_for)).
///
/// ```
/// use outpace::analysis::FanChart;
/// use outpace::engine::{ProcessModel, Simulation};
/// use outpace::process::Gbm;
///
/// let revenue = ProcessModel::new("revenue", Gbm::new(0.2, 0.3, 10.0)?);
/// let outcome = Simulation::new(revenue).paths(4_000).steps(20).dt(0.25).seed(5).run()?;
/// let fan = FanChart::from_outcome(&outcome, "revenue")?;
/// let (low, median, high) = (fan.band(0.05).unwrap(), fan.median().unwrap(), fan.band(0.95).unwrap());
/// assert!(low[20] < median[20] && median[20] < high[20]);
/// assert_eq!(fan.points(), 21);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanChart {
    series: String,
    levels: Vec<f64>,
    bands: Vec<Vec<f64>>,
    mean: Vec<f64>,
}

impl FanChart {
    /// The fan chart of `summary` at the [`FAN_LEVELS`].
    ///
    /// # Errors
    /// When the series has no quantiles.
    pub fn new(summary: &SeriesSummary) -> Result<Self> {
        Self::with_levels(summary, &FAN_LEVELS)
    }

    /// The fan chart of `summary` at `levels`: non-empty, each in `[0, 1]`,
    /// strictly increasing.
    ///
    /// # Errors
    /// Invalid `levels` (naming the offending entry), or a series without
    /// quantiles.
    pub fn with_levels(summary: &SeriesSummary, levels: &[f64]) -> Result<Self> {
        check_levels(levels)?;
        let missing = || {
            Error::invalid(
                "series",
                summary.name(),
                "has no quantiles: run it with quantiles (`Simulation::quantiles_for`)",
            )
        };
        if !summary.has_quantiles() {
            return Err(missing());
        }
        let bands = levels
            .iter()
            .map(|&q| summary.quantile_band(q).ok_or_else(missing))
            .collect::<Result<Vec<_>>>()?;
        Ok(FanChart {
            series: summary.name().to_owned(),
            levels: levels.to_vec(),
            bands,
            mean: summary.means(),
        })
    }

    /// The fan chart at the [`FAN_LEVELS`] of the series `name` of a run.
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when the run has no summary of `name`, or a series
    /// without quantiles.
    pub fn from_outcome(outcome: &Outcome, name: &str) -> Result<Self> {
        let summary = outcome.series(name).ok_or_else(|| {
            let names: Vec<&str> = outcome.all_series().iter().map(|s| s.name()).collect();
            Error::UnknownSeries {
                name: name.to_owned(),
                available: names.join(", "),
            }
        })?;
        Self::new(summary)
    }

    /// The series name.
    pub fn series(&self) -> &str {
        &self.series
    }

    /// The quantile levels, increasing.
    pub fn levels(&self) -> &[f64] {
        &self.levels
    }

    /// Number of periods (`steps + 1`).
    pub fn points(&self) -> usize {
        self.mean.len()
    }

    /// The `level`-quantile at every period, `None` if `level` is not one of
    /// [`levels`](FanChart::levels) (within `1e-9`).
    pub fn band(&self, level: f64) -> Option<&[f64]> {
        let i = self
            .levels
            .iter()
            .position(|&l| (l - level).abs() <= LEVEL_TOLERANCE)?;
        self.bands.get(i).map(Vec::as_slice)
    }

    /// The bands with their levels, in increasing level.
    pub fn bands(&self) -> impl Iterator<Item = (f64, &[f64])> {
        self.levels
            .iter()
            .copied()
            .zip(self.bands.iter().map(Vec::as_slice))
    }

    /// The median at every period, `None` if 0.5 is not one of the levels.
    pub fn median(&self) -> Option<&[f64]> {
        self.band(0.5)
    }

    /// The mean at every period.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }
}

fn check_levels(levels: &[f64]) -> Result<()> {
    check::increasing("levels", levels, check::probability).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StepStats;
    use crate::stats::{Moments, QuantileSketch};

    /// A three-point series whose point `k` holds `values` shifted by `10 k`.
    fn summary(values: &[f64], sketched: bool) -> SeriesSummary {
        let (stats, sketches): (Vec<StepStats>, Vec<QuantileSketch>) = (0..3)
            .map(|k| {
                let mut m = Moments::new(0.0);
                let mut s = QuantileSketch::new();
                for &v in values {
                    let x = v + 10.0 * k as f64;
                    m.add(x);
                    s.add(x);
                }
                (StepStats::from(&m), s)
            })
            .unzip();
        SeriesSummary::new("revenue".into(), stats, sketched.then_some(sketches))
    }

    #[test]
    fn bands_follow_the_summary() {
        let values: Vec<f64> = (1..=101).map(f64::from).collect();
        let s = summary(&values, true);
        let fan = FanChart::new(&s).unwrap();
        assert_eq!(fan.series(), "revenue");
        assert_eq!(fan.levels(), FAN_LEVELS);
        assert_eq!(fan.points(), 3);
        assert_eq!(fan.mean(), [51.0, 61.0, 71.0]);
        for (q, band) in fan.bands() {
            assert_eq!(band, s.quantile_band(q).unwrap());
        }
        let median = fan.median().unwrap();
        assert!((median[1] / 61.0 - 1.0).abs() < 0.01);
        assert_eq!(fan.band(1.0 - 0.95), fan.band(0.05));
        assert_eq!(fan.band(0.3), None);
    }

    #[test]
    fn constant_series_has_flat_exact_bands() {
        let s = summary(&[4.0; 10], true);
        let fan = FanChart::with_levels(&s, &[0.0, 0.5, 1.0]).unwrap();
        assert_eq!(fan.band(0.0).unwrap(), [4.0, 14.0, 24.0]);
        assert_eq!(fan.band(1.0).unwrap(), [4.0, 14.0, 24.0]);
        let no_median = FanChart::with_levels(&s, &[0.1, 0.9]).unwrap();
        assert_eq!(no_median.median(), None);
    }

    #[test]
    fn missing_quantiles_is_an_error() {
        let s = summary(&[1.0, 2.0], false);
        let err = FanChart::new(&s).unwrap_err().to_string();
        assert!(
            err.contains("`series` = revenue") && err.contains("no quantiles"),
            "{err}"
        );
    }

    #[test]
    fn levels_are_validated() {
        let s = summary(&[1.0, 2.0], true);
        let cases: [(&[f64], &str); 4] = [
            (&[], "`levels`"),
            (&[0.1, 1.5], "`levels[1]`"),
            (&[0.5, f64::NAN], "`levels[1]`"),
            (&[0.5, 0.5], "`levels[1]`"),
        ];
        for (levels, name) in cases {
            let err = FanChart::with_levels(&s, levels).unwrap_err().to_string();
            assert!(err.contains(name), "{levels:?}: {err}");
        }
        let err = FanChart::with_levels(&s, &[0.9, 0.1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("strictly increasing"), "{err}");
    }

    #[test]
    fn serde_round_trip() {
        let fan = FanChart::new(&summary(&[1.0, 2.0, 3.0], true)).unwrap();
        // Through a JSON value: serde_json's text parser (without its
        // `float_roundtrip` feature) may change the last bit of a float.
        let json = serde_json::to_value(&fan).unwrap();
        assert_eq!(serde_json::from_value::<FanChart>(json).unwrap(), fan);
    }
}
