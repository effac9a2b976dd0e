//! Scoring forecasts against what happened: probability integral transform
//! (PIT) values, central-interval coverage and the continuous ranked probability
//! score (CRPS) of a sample forecast, and a GBM forecast that carries the
//! estimation uncertainty of its fit.
//!
//! - `PIT(y) = (#{x_i < y} + #{x_i = y} / 2) / n`: uniform on `(0, 1)` when `y`
//!   is drawn from the forecast law;
//! - the central `c` interval `[q_{(1 - c)/2}, q_{(1 + c)/2}]` of the sample
//!   (order statistics `x_(floor(q (n - 1)))`), covering `y` with probability `c`
//!   under the right law;
//! - `CRPS(F, y) = E|X - y| - E|X - X'| / 2`, `X, X'` independent draws of `F`,
//!   estimated from the sorted sample as
//!   `mean |x_i - y| - (1 / n^2) sum_i (2 i - n - 1) x_(i)` (`i = 1..n`): smaller
//!   is better, in the unit of `y`.
//!
//! ```
//! use outpace::calibrate::{crps, pit};
//! let sample: Vec<f64> = (0..1000).map(|i| (i as f64 + 0.5) / 1000.0).collect();
//! assert!((pit(&sample, 0.25) - 0.25).abs() < 1e-12);
//! // For U(0, 1), CRPS(F, y) = y^2 - y + 1/3.
//! assert!((crps(&sample, 0.25) - (0.0625 - 0.25 + 1.0 / 3.0)).abs() < 1e-6);
//! ```

use super::{GbmFit, Quarter, QuarterlySeries, fit_gbm};
use crate::engine::{Component, PathStreams};
use crate::error::{Error, Result, check};
use crate::math;
use crate::process::standard_normal;

/// The PIT value of `y` in the sample (mid-rank for ties; NaN for an empty
/// sample).
pub fn pit(sample: &[f64], y: f64) -> f64 {
    let below = sample.iter().filter(|&&x| x < y).count() as f64;
    let equal = sample.iter().filter(|&&x| x == y).count() as f64;
    (below + equal / 2.0) / sample.len() as f64
}

/// The CRPS of the sample forecast at `y` (NaN for an empty sample).
pub fn crps(sample: &[f64], y: f64) -> f64 {
    let n = sample.len() as f64;
    let mut sorted = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    let absolute: f64 = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    let spread: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum::<f64>()
        / (n * n);
    absolute - spread
}

/// The central interval of probability `level` of the sample: its
/// `(1 - level) / 2` and `(1 + level) / 2` order statistics.
pub fn central_interval(sample: &[f64], level: f64) -> (f64, f64) {
    let mut sorted = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((q * (sorted.len() - 1) as f64).floor()) as usize];
    (at((1.0 - level) / 2.0), at((1.0 + level) / 2.0))
}

/// Stream component of [`forecast_gbm`]'s draws: sub-component 0 the parameter
/// draws, 1 the increments.
pub const FORECAST: Component = Component::new(1);

/// Forecast samples of a fitted GBM from the level `start` at `horizons` (years
/// ahead, increasing, `> 0`), `paths` paths, propagating the estimation
/// uncertainty: each path draws its log drift `m ~ N(m_hat, se(m)^2)` and its
/// volatility `sigma = |sigma_hat + se(sigma) Z|` once (independent, as the
/// GBM fit's information is diagonal), then the exact GBM increments
/// `ln S` += `m h + sigma sqrt(h) Z` between horizons. Path `p` draws from
/// `PathStreams::new(seed, p)`. Returns one sample per horizon.
///
/// # Errors
/// [`Error::InvalidParameter`] for no paths, unordered or non-positive horizons,
/// a non-positive `start`, or a fit without standard errors.
pub fn forecast_gbm(
    fit: &GbmFit,
    start: f64,
    horizons: &[f64],
    paths: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>> {
    check::positive_count("paths", paths)?;
    check::positive("start", start)?;
    let mut previous = 0.0;
    for (i, &h) in horizons.iter().enumerate() {
        if !(h.is_finite() && h > previous) {
            return Err(Error::invalid(
                format!("horizons[{i}]"),
                h,
                "must be finite and above the horizon before (and 0)",
            ));
        }
        previous = h;
    }
    let f = fit.fit();
    let needed = |name: &str| {
        f.std_error(name).ok_or_else(|| {
            Error::invalid(
                "fit",
                name,
                "has no standard error: the forecast cannot carry its uncertainty",
            )
        })
    };
    let (m, se_m) = (f.value("log_drift"), needed("log_drift")?);
    let (sigma, se_sigma) = (f.value("sigma"), needed("sigma")?);
    let mut samples = vec![Vec::with_capacity(paths); horizons.len()];
    for p in 0..paths {
        let streams = PathStreams::new(seed, p as u64);
        let mut params = streams.rng(FORECAST.sub(0));
        let drift = m + se_m * standard_normal(&mut params);
        let vol = (sigma + se_sigma * standard_normal(&mut params)).abs();
        let mut steps = streams.rng(FORECAST.sub(1));
        let (mut log_level, mut t) = (start.ln(), 0.0);
        for (sample, &h) in samples.iter_mut().zip(horizons) {
            let dt = h - t;
            log_level += drift * dt + vol * dt.sqrt() * standard_normal(&mut steps);
            t = h;
            sample.push(math::exp(log_level));
        }
    }
    Ok(samples)
}

/// One forecast quarter of a [`Backtest`], scored against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredQuarter {
    /// The quarter forecast.
    pub quarter: Quarter,
    /// Years from the last fitted observation.
    pub horizon: f64,
    /// The realised value.
    pub realised: f64,
    /// The forecast median.
    pub median: f64,
    /// The forecast's central intervals, one per level of [`Backtest::levels`].
    pub bands: Vec<(f64, f64)>,
    /// The realised value's PIT ([`pit`]).
    pub pit: f64,
    /// The forecast's CRPS at the realised value ([`crps`]).
    pub crps: f64,
}

/// A backtest of one column of a quarterly series: a GBM fitted ([`fit_gbm`])
/// on the observed quarters `first..=cutoff`, forecast with [`forecast_gbm`]
/// from the last fitted level to every later observed quarter, and each scored.
///
/// ```
/// use outpace::calibrate::{Backtest, Quarter, QuarterlySeries};
/// let text = "quarter,revenue\n2020Q1,100\n2020Q2,104\n2020Q3,103\n2020Q4,109\n2021Q1,113\n2021Q2,118\n";
/// let series = QuarterlySeries::parse("example.csv", text, &["revenue"])?;
/// let (first, cutoff) = (Quarter::new(2020, 1)?, Quarter::new(2020, 4)?);
/// let backtest = Backtest::gbm(&series, "revenue", first, cutoff, &[0.5, 0.9], 2_000, 7)?;
/// assert_eq!(backtest.scored.len(), 2); // 2021Q1 and 2021Q2
/// assert!(backtest.scored.iter().all(|s| (0.0..=1.0).contains(&s.pit)));
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The column backtested.
    pub column: String,
    /// The last quarter of the fitting window.
    pub cutoff: Quarter,
    /// The fit.
    pub fit: GbmFit,
    /// The observed quarters of the fitting window and their values.
    pub history: Vec<(Quarter, f64)>,
    /// The central interval levels scored, increasing, in `(0, 1)`.
    pub levels: Vec<f64>,
    /// Every observed quarter after the cut-off, scored.
    pub scored: Vec<ScoredQuarter>,
    /// Forecast paths.
    pub paths: usize,
    /// Seed of the forecast.
    pub seed: u64,
}

impl Backtest {
    /// Fits, forecasts and scores `column` of `series` (see [`Backtest`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `levels` not increasing in `(0, 1)`, a
    /// `cutoff` before `first`, or no observed quarter after the cut-off; the
    /// errors of [`fit_gbm`] (too few levels: the message names the file) and
    /// [`forecast_gbm`].
    pub fn gbm(
        series: &QuarterlySeries,
        column: &str,
        first: Quarter,
        cutoff: Quarter,
        levels: &[f64],
        paths: usize,
        seed: u64,
    ) -> Result<Backtest> {
        check_levels(levels)?;
        if cutoff < first {
            return Err(Error::invalid(
                "cutoff",
                cutoff,
                format!("must not come before the first quarter fitted, {first}"),
            ));
        }
        let window = series.between(Some(first), Some(cutoff));
        let fit = fit_gbm(&window.column(column)?)?;
        let history = observed(&window, column);
        let realised = observed(&series.between(Some(cutoff.next()), None), column);
        let Some(&(last, _)) = history.last() else {
            return Err(Error::invalid(
                column,
                "no level",
                "must be observed before the cut-off",
            ));
        };
        if realised.is_empty() {
            return Err(Error::invalid(
                "cutoff",
                cutoff,
                format!(
                    "leaves no observed quarter after it in column `{column}` of `{}`",
                    series.file()
                ),
            ));
        }
        let horizons: Vec<f64> = realised
            .iter()
            .map(|(q, _)| q.start_year() - last.start_year())
            .collect();
        let samples = forecast_gbm(&fit, fit.last_level(), &horizons, paths, seed)?;
        let scored = realised
            .iter()
            .zip(&horizons)
            .zip(&samples)
            .map(|((&(quarter, y), &horizon), sample)| ScoredQuarter {
                quarter,
                horizon,
                realised: y,
                median: central_interval(sample, 0.0).0,
                bands: levels
                    .iter()
                    .map(|&l| central_interval(sample, l))
                    .collect(),
                pit: pit(sample, y),
                crps: crps(sample, y),
            })
            .collect();
        Ok(Backtest {
            column: column.to_owned(),
            cutoff,
            fit,
            history,
            levels: levels.to_vec(),
            scored,
            paths,
            seed,
        })
    }

    /// How many realised values fall inside the central interval of
    /// `levels[level]` (bounds included).
    pub fn covered(&self, level: usize) -> usize {
        self.scored
            .iter()
            .filter(|s| {
                s.bands
                    .get(level)
                    .is_some_and(|&(lo, hi)| (lo..=hi).contains(&s.realised))
            })
            .count()
    }

    /// The mean CRPS over the scored quarters.
    pub fn mean_crps(&self) -> f64 {
        self.scored.iter().map(|s| s.crps).sum::<f64>() / self.scored.len() as f64
    }

    /// The mean PIT over the scored quarters (1/2 for a calibrated forecast).
    pub fn mean_pit(&self) -> f64 {
        self.scored.iter().map(|s| s.pit).sum::<f64>() / self.scored.len() as f64
    }
}

/// Central interval levels: increasing, each in `(0, 1)`, at least one.
fn check_levels(levels: &[f64]) -> Result<()> {
    let open_unit = |name: &str, l: f64| {
        if l > 0.0 && l < 1.0 {
            Ok(l)
        } else {
            Err(Error::invalid(name, l, "must lie in (0, 1)"))
        }
    };
    check::increasing("levels", levels, open_unit).map(|_| ())
}

/// The observed quarters of `column` and their values.
fn observed(series: &QuarterlySeries, column: &str) -> Vec<(Quarter, f64)> {
    series
        .quarters()
        .iter()
        .filter_map(|&q| series.value(q, column).map(|v| (q, v)))
        .collect()
}
