//! Maximum likelihood of an S-curve in quarterly revenue (an exponential
//! traditional part plus a logistic AI part), and the profile likelihood of its
//! ceiling: whether the data identify it.

use super::fit::{self, Fit, Held, Likelihood};
use super::series::Observations;
use crate::error::{Error, Result};
use nalgebra::DMatrix;
use std::f64::consts::PI;

/// Fewest revenue observations an S-curve fit accepts: five mean parameters and
/// the noise, with at least two degrees of freedom left.
pub const MIN_SCURVE_QUARTERS: usize = 8;

/// Names of the reported parameters of an [`SCurveFit`], in report order.
pub const SCURVE_PARAMETERS: [&str; 6] = [
    "traditional",
    "growth",
    "ceiling",
    "rate",
    "inflection",
    "noise",
];

/// Step of the first Nelder-Mead simplex in the unconstrained coordinates.
const START_STEP: f64 = 0.5;
/// Starts kept from the coarse scan for each Nelder-Mead fit.
const SCAN_STARTS: usize = 3;
/// Traditional growth rates (per year) of the coarse scan of starting values.
const SCAN_GROWTH: [f64; 5] = [-0.1, 0.0, 0.1, 0.25, 0.5];
/// Logistic rates (per year) of the coarse scan.
const SCAN_RATE: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 3.0];
/// Largest logistic rate, per year: the AI part takes at least `2 ln 9 / r_max`
/// (1.1 years) to go from 10% to 90% of its ceiling. A faster logistic is a step
/// between two quarters, which fits one large quarterly move (noise, or a level
/// shift) rather than adoption and makes the likelihood non-regular (a change
/// point), so the chi-square cut-off would not hold.
pub const MAX_RATE: f64 = 4.0;
/// Inflection times of the coarse scan of the full fit, as multiples of the span
/// of the data after the first observation.
const SCAN_INFLECTION: [f64; 7] = [-0.25, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5];
/// Shares of the first observation taken by the logistic part in the coarse scan
/// at a fixed ceiling.
const SCAN_SHARE: [f64; 5] = [0.02, 0.1, 0.3, 0.6, 0.9];
/// Log-likelihood by which a profile may rise away from the maximum before it
/// counts as not monotone (rounding of the optimiser's stopping rule).
const MONOTONE_TOLERANCE: f64 = 1e-6;
/// Passes of the repair sweep that refits a profile point from its outer
/// neighbour where the profile rises away from the maximum.
const REPAIR_PASSES: usize = 3;

/// The mean of log revenue at time `tau` (years after the first observation):
/// `ln(a e^{g tau} + K / (1 + exp(-r (tau - tau0))))`.
fn log_mean(a: f64, g: f64, k: f64, r: f64, tau0: f64, tau: f64) -> f64 {
    (a * (g * tau).exp() + k * logistic(r * (tau - tau0))).ln()
}

/// `ln(p / (1 - p))`, the inverse of [`logistic`].
fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// `1 / (1 + e^{-x})`.
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The mean parameters on their natural scale, from the unconstrained coordinates
/// `u = (ln a, g, ln K, logit(r / r_max), tau0)`.
#[derive(Debug, Clone, Copy)]
struct Curve {
    a: f64,
    g: f64,
    k: f64,
    r: f64,
    tau0: f64,
}

impl Curve {
    fn from_u(u: &[f64]) -> Curve {
        Curve {
            a: u[0].exp(),
            g: u[1],
            k: u[2].exp(),
            r: MAX_RATE * logistic(u[3]),
            tau0: u[4],
        }
    }

    fn to_u(self) -> Vec<f64> {
        vec![
            self.a.ln(),
            self.g,
            self.k.ln(),
            logit(self.r / MAX_RATE),
            self.tau0,
        ]
    }

    /// The same early curve with the ceiling moved to `k`: the inflection moves by
    /// `ln(k / K) / r`, which keeps `K e^{r (tau - tau0)}` (the logistic part long
    /// before its inflection) unchanged.
    fn with_ceiling(self, k: f64) -> Curve {
        Curve {
            k,
            tau0: self.tau0 + (k / self.k).ln() / self.r,
            ..self
        }
    }
}

/// Log revenue at times since the first observation, with the concentrated
/// Gaussian likelihood.
#[derive(Debug, Clone)]
struct Data {
    tau: Vec<f64>,
    y: Vec<f64>,
    revenue: Vec<f64>,
}

impl Data {
    /// Residual sum of squares of `curve`.
    fn rss(&self, c: &Curve) -> f64 {
        self.tau
            .iter()
            .zip(&self.y)
            .map(|(&tau, &y)| (y - log_mean(c.a, c.g, c.k, c.r, c.tau0, tau)).powi(2))
            .sum()
    }

    /// The log-likelihood maximised over the noise `s` in closed form
    /// (`s^2 = RSS / n`): `-(n / 2) (ln(2 pi RSS / n) + 1)`; `-inf` when the
    /// curve overflows, never NaN.
    fn log_likelihood(&self, c: &Curve) -> f64 {
        let n = self.y.len() as f64;
        let rss = self.rss(c);
        if !rss.is_finite() {
            return f64::NEG_INFINITY;
        }
        -0.5 * n * ((2.0 * PI * rss.max(f64::MIN_POSITIVE) / n).ln() + 1.0)
    }

    /// The traditional level and the ceiling that best fit revenue for given
    /// growth, rate and inflection, by least squares on revenue weighted by
    /// `1 / revenue^2` (relative errors, close to errors in logs); `None` unless
    /// both are positive.
    fn levels_for(&self, g: f64, r: f64, tau0: f64) -> Option<(f64, f64)> {
        let (mut see, mut sel, mut sll, mut ser, mut slr) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&tau, &x) in self.tau.iter().zip(&self.revenue) {
            let w = 1.0 / (x * x);
            let (e, l) = ((g * tau).exp(), logistic(r * (tau - tau0)));
            see += w * e * e;
            sel += w * e * l;
            sll += w * l * l;
            ser += w * e * x;
            slr += w * l * x;
        }
        let det = see * sll - sel * sel;
        let a = (ser * sll - slr * sel) / det;
        let k = (see * slr - sel * ser) / det;
        (a > 0.0 && k > 0.0 && a.is_finite() && k.is_finite()).then_some((a, k))
    }

    /// The traditional level that best fits revenue, in the same weighted least
    /// squares, once the logistic part `k`, `r`, `tau0` is given; `None` unless
    /// positive.
    fn traditional_for(&self, g: f64, k: f64, r: f64, tau0: f64) -> Option<f64> {
        let (mut see, mut ser) = (0.0, 0.0);
        for (&tau, &x) in self.tau.iter().zip(&self.revenue) {
            let w = 1.0 / (x * x);
            let e = (g * tau).exp();
            see += w * e * e;
            ser += w * e * (x - k * logistic(r * (tau - tau0)));
        }
        let a = ser / see;
        (a > 0.0 && a.is_finite()).then_some(a)
    }

    /// Span of the data after the first observation, in years.
    fn span(&self) -> f64 {
        self.tau[self.tau.len() - 1]
    }

    /// The coarse scan of starting curves for the full fit: over growth, rate and
    /// inflection, with the traditional level and the ceiling by weighted least
    /// squares.
    fn full_scan(&self) -> Vec<Curve> {
        let mut curves = Vec::new();
        for &g in &SCAN_GROWTH {
            for &r in &SCAN_RATE {
                for &m in &SCAN_INFLECTION {
                    let tau0 = m * self.span();
                    if let Some((a, k)) = self.levels_for(g, r, tau0) {
                        curves.push(Curve { a, g, k, r, tau0 });
                    }
                }
            }
        }
        curves
    }

    /// The coarse scan at a fixed ceiling `k`: over growth, rate and the share of
    /// the first observation in the logistic part (which sets the inflection),
    /// with the traditional level by weighted least squares.
    fn fixed_scan(&self, k: f64) -> Vec<Curve> {
        let first = self.revenue[0];
        let mut curves = Vec::new();
        for &g in &SCAN_GROWTH {
            for &r in &SCAN_RATE {
                for &share in &SCAN_SHARE {
                    let ratio = k / (share * first);
                    if ratio <= 1.0 {
                        continue;
                    }
                    let tau0 = (ratio - 1.0).ln() / r;
                    if let Some(a) = self.traditional_for(g, k, r, tau0) {
                        curves.push(Curve { a, g, k, r, tau0 });
                    }
                }
            }
        }
        curves
    }

    /// The `SCAN_STARTS` best of `curves` by log-likelihood.
    fn best_starts(&self, curves: Vec<Curve>) -> Vec<Curve> {
        let mut scored: Vec<(f64, Curve)> = curves
            .into_iter()
            .map(|c| (self.log_likelihood(&c), c))
            .filter(|(ll, _)| ll.is_finite())
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        scored
            .into_iter()
            .take(SCAN_STARTS)
            .map(|(_, c)| c)
            .collect()
    }
}

/// The likelihood over all five mean coordinates `u = (ln a, g, ln K, logit(r / r_max), tau0)`.
struct Full<'a>(&'a Data);

impl Likelihood for Full<'_> {
    fn log_likelihood(&self, u: &[f64]) -> f64 {
        self.0.log_likelihood(&Curve::from_u(u))
    }

    fn report(&self, u: &[f64]) -> Vec<f64> {
        let c = Curve::from_u(u);
        vec![c.a, c.g, c.k, c.r, c.tau0]
    }
}

/// The likelihood with the ceiling held at `k`, over `(ln a, g, logit(r / r_max), tau0)`.
struct AtCeiling<'a> {
    data: &'a Data,
    ln_k: f64,
}

impl AtCeiling<'_> {
    fn full_u(&self, v: &[f64]) -> [f64; 5] {
        [v[0], v[1], self.ln_k, v[2], v[3]]
    }

    fn inner_u(c: &Curve) -> Vec<f64> {
        vec![c.a.ln(), c.g, logit(c.r / MAX_RATE), c.tau0]
    }
}

impl Likelihood for AtCeiling<'_> {
    fn log_likelihood(&self, v: &[f64]) -> f64 {
        self.data.log_likelihood(&Curve::from_u(&self.full_u(v)))
    }

    fn report(&self, v: &[f64]) -> Vec<f64> {
        self.full_u(v).to_vec()
    }
}

/// A fitted S-curve of quarterly revenue: estimates `traditional` (`a`, the
/// traditional part at the first observation), `growth` (`g`, per year),
/// `ceiling` (`K`, in revenue units), `rate` (`r`, per year), `inflection` (the
/// time of the logistic's inflection, on the observations' clock, in years) and
/// `noise` (`s`, the standard deviation of log revenue about the curve); see
/// [`fit_scurve`].
#[derive(Debug, Clone, PartialEq)]
pub struct SCurveFit {
    fit: Fit,
    origin: f64,
    data: String,
}

impl SCurveFit {
    /// Estimates, standard errors, log-likelihood.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// Time of the first observation, in years: `tau = t - origin`.
    pub fn origin(&self) -> f64 {
        self.origin
    }

    /// The data window: the source, the first and last times and the count.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The fitted revenue (the median of the log-normal law) at time `t`, on the
    /// observations' clock: `a e^{g tau} + K / (1 + exp(-r (tau - tau0)))`.
    pub fn revenue(&self, t: f64) -> f64 {
        let v = |name: &str| self.fit.value(name);
        log_mean(
            v("traditional"),
            v("growth"),
            v("ceiling"),
            v("rate"),
            v("inflection") - self.origin,
            t - self.origin,
        )
        .exp()
    }
}

/// Validates `revenue` (at least [`MIN_SCURVE_QUARTERS`] values, all `> 0`) and
/// takes logs.
fn data_of(revenue: &Observations) -> Result<(Data, f64)> {
    revenue.require(MIN_SCURVE_QUARTERS, "an S-curve")?;
    let values = revenue.values();
    if let Some(k) = values.iter().position(|&x| x.is_nan() || x <= 0.0) {
        return Err(revenue.error_at(
            k,
            format!("revenue {} must be > 0 for an S-curve", values[k]),
        ));
    }
    let origin = revenue.times()[0];
    let data = Data {
        tau: revenue.times().iter().map(|t| t - origin).collect(),
        y: values.iter().map(|x| x.ln()).collect(),
        revenue: values.to_vec(),
    };
    Ok((data, origin))
}

/// Fits by maximum likelihood the S-curve model of revenue `x_i` observed at
/// times `t_i` (years; gaps allowed):
///
/// `ln x_i = ln(a e^{g tau_i} + K / (1 + exp(-r (tau_i - tau0)))) + e_i`,
/// `e_i ~ N(0, s^2)` independent, `tau_i = t_i - t_1`,
///
/// with `a, K, s > 0`, `0 < r < r_max` ([`MAX_RATE`]) and `g`, `tau0` real: an exponentially growing
/// traditional part `a e^{g tau}` plus a logistic (AI) part rising to the ceiling
/// `K` at rate `r` with its inflection at `tau0` (reported on the observations'
/// clock as `inflection = t_1 + tau0`). The noise is maximised out in closed form,
/// `s^2 = RSS / n`, so the log-likelihood maximised by Nelder-Mead over
/// `u = (ln a, g, ln K, logit(r / r_max), tau0)` is `-(n / 2)(ln(2 pi RSS(u) / n) + 1)`; the
/// starts are the best few of a coarse scan over `(g, r, tau0)` with `a` and `K` by
/// least squares on revenue weighted by `1 / x_i^2`. Standard errors come from the
/// observed information of that concentrated likelihood (which equals the
/// mean-parameter block of the full one); `se(s) = s / sqrt(2 n)`, independent of
/// the others.
///
/// ```
/// use outpace::calibrate::{Observations, fit_scurve};
/// // 24 quarters of an exact S-curve times a small alternating error.
/// let revenue: Vec<f64> = (0..24)
///     .map(|i| {
///         let t: f64 = i as f64 * 0.25;
///         let sign: f64 = if i % 2 == 0 { 1.0 } else { -1.0 };
///         (10.0 * (0.05 * t).exp() + 40.0 / (1.0 + (-1.5 * (t - 3.0)).exp())) * (0.01 * sign).exp()
///     })
///     .collect();
/// let fitted = fit_scurve(&Observations::regular("revenue", 0.25, &revenue)?)?;
/// assert!((fitted.fit().value("ceiling") / 40.0 - 1.0).abs() < 0.1);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// Fewer than [`MIN_SCURVE_QUARTERS`] values, or a value that is not `> 0` (the
/// message names the file, line and column when the values come from a file).
pub fn fit_scurve(revenue: &Observations) -> Result<SCurveFit> {
    let (data, origin) = data_of(revenue)?;
    let starts: Vec<Vec<f64>> = data
        .best_starts(data.full_scan())
        .iter()
        .map(|c| c.to_u())
        .collect();
    fit_from(&data, origin, revenue, &starts)
}

/// The full fit from `starts` (coordinates `u`).
fn fit_from(
    data: &Data,
    origin: f64,
    revenue: &Observations,
    starts: &[Vec<f64>],
) -> Result<SCurveFit> {
    let (u, ll, covariance) = fit::maximise(&Full(data), starts, START_STEP)?;
    let c = Curve::from_u(&u);
    let n = data.y.len();
    let noise = (data.rss(&c) / n as f64).sqrt();
    let values = [c.a, c.g, c.k, c.r, origin + c.tau0, noise];
    let covariance = covariance.map(|mean| {
        let mut all = DMatrix::zeros(6, 6);
        all.view_mut((0, 0), (5, 5)).copy_from(&mean);
        all[(5, 5)] = noise * noise / (2.0 * n as f64);
        all
    });
    let held = [Held::Free; 6];
    let names = SCURVE_PARAMETERS.iter().map(|s| s.to_string()).collect();
    let estimates = fit::estimates(names, &values, &held, covariance.as_ref());
    let times = revenue.times();
    Ok(SCurveFit {
        fit: Fit::new(estimates, covariance, ll, n, 6),
        origin,
        data: format!(
            "{}, t = {:.2}..{:.2}, {n} values",
            revenue.describe(),
            times[0],
            times[n - 1]
        ),
    })
}

/// Where a likelihood-ratio interval ends on one side of the estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GridBound {
    /// The profile crosses the cut-off here (interpolated linearly in `ln K`
    /// between the two grid points either side of the crossing).
    At(f64),
    /// The profile stays inside the cut-off up to the end of the grid: the data
    /// do not bound the ceiling on this side (on this grid).
    Unbounded,
}

impl GridBound {
    /// The bound, if the grid crosses the cut-off.
    pub fn value(self) -> Option<f64> {
        match self {
            GridBound::At(x) => Some(x),
            GridBound::Unbounded => None,
        }
    }
}

/// One point of the profile of the ceiling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfilePoint {
    /// The ceiling `K`, held fixed.
    pub ceiling: f64,
    /// The log-likelihood maximised over the other parameters, `l_p(K)`.
    pub log_likelihood: f64,
    /// `l_max - l_p(K)` (half the likelihood-ratio statistic).
    pub drop: f64,
    /// Whether `2 (l_max - l_p(K)) <= chi2_1^{-1}(level)`.
    pub inside: bool,
}

/// The profile likelihood of the S-curve ceiling on a grid, with its
/// likelihood-ratio interval; see [`profile_ceiling`].
#[derive(Debug, Clone, PartialEq)]
pub struct CeilingProfile {
    fit: SCurveFit,
    points: Vec<ProfilePoint>,
    level: f64,
    cutoff: f64,
    lower: GridBound,
    upper: GridBound,
    monotone: bool,
}

impl CeilingProfile {
    /// The maximum-likelihood fit of all parameters (whose log-likelihood is
    /// `l_max`).
    pub fn fit(&self) -> &SCurveFit {
        &self.fit
    }

    /// The profile at each grid ceiling, in increasing order of the ceiling.
    pub fn points(&self) -> &[ProfilePoint] {
        &self.points
    }

    /// Confidence level of the interval, e.g. 0.95.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The cut-off on `l_max - l_p(K)`: `chi2_1^{-1}(level) / 2`.
    pub fn cutoff(&self) -> f64 {
        self.cutoff
    }

    /// Lower end of the interval around the estimate.
    pub fn lower(&self) -> GridBound {
        self.lower
    }

    /// Upper end of the interval around the estimate.
    pub fn upper(&self) -> GridBound {
        self.upper
    }

    /// Whether the grid bounds the interval on both sides: the data identify the
    /// ceiling at this level.
    pub fn bounded(&self) -> bool {
        self.lower != GridBound::Unbounded && self.upper != GridBound::Unbounded
    }

    /// Whether `l_p` falls (within rounding) away from the estimate on both sides.
    /// A rise away from the maximum means an inner fit stopped short of its
    /// maximum (or the profile has a second mode); such points were refitted from
    /// their neighbours, and `false` says some rise remained.
    pub fn monotone(&self) -> bool {
        self.monotone
    }
}

/// A geometric grid of `points` (at least 2) ceilings from `low` to `high`
/// (`0 < low < high`, finite), for [`profile_ceiling`].
///
/// ```
/// let grid = outpace::calibrate::ceiling_grid(10.0, 1000.0, 3)?;
/// assert!((grid[1] - 100.0).abs() < 1e-9);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming the bad argument.
pub fn ceiling_grid(low: f64, high: f64, points: usize) -> Result<Vec<f64>> {
    let low = crate::error::check::positive("low", low)?;
    let high = crate::error::check::positive("high", high)?;
    crate::error::check::ordered("low", low, "high", high)?;
    if low == high {
        return Err(Error::invalid(
            "high",
            high,
            format!("must be > low ({low})"),
        ));
    }
    if points < 2 {
        return Err(Error::invalid("points", points, "must be at least 2"));
    }
    let ratio = (high / low).ln() / (points - 1) as f64;
    Ok((0..points)
        .map(|i| match i {
            0 => low,
            _ if i == points - 1 => high,
            _ => low * (ratio * i as f64).exp(),
        })
        .collect())
}

/// Checks a grid of ceilings: non-empty, finite, `> 0`, strictly increasing.
fn check_grid(grid: &[f64]) -> Result<()> {
    crate::error::check::increasing("grid", grid, crate::error::check::positive).map(|_| ())
}

/// The profile likelihood of the ceiling `K` of the S-curve of [`fit_scurve`] on
/// `grid` (finite ceilings `> 0`, strictly increasing), and its likelihood-ratio
/// interval at `level` (in `(0, 1)`):
///
/// `l_p(K) = max over (a, g, r, tau0, s) of l(a, g, K, r, tau0, s)`,
/// `{K : 2 (l_max - l_p(K)) <= chi2_1^{-1}(level)}`.
///
/// The interval is read on the grid: from the grid point nearest the estimate
/// outward, each bound is where `l_max - l_p` first crosses the cut-off
/// (interpolated linearly in `ln K`), or [`GridBound::Unbounded`] when it does
/// not cross before the end of the grid: the data do not bound the ceiling on that
/// side. Each inner fit starts from the best of a coarse scan at that ceiling and
/// from its neighbours' optima moved to the new ceiling (the inflection shifted
/// by `ln(K' / K) / r`, which keeps the early curve), swept outward from the
/// estimate; a point where the profile rises away from the estimate is refitted
/// from its outer neighbour (see [`CeilingProfile::monotone`]). `l_max` is the
/// full fit, refitted from the best grid point should that be higher.
///
/// ```
/// use outpace::calibrate::{Observations, ceiling_grid, profile_ceiling};
/// // 12 quarters of early growth: the ceiling is not bounded above.
/// let revenue: Vec<f64> = (0..12)
///     .map(|i| {
///         let t: f64 = i as f64 * 0.25;
///         let sign: f64 = if i % 2 == 0 { 1.0 } else { -1.0 };
///         (10.0 * (0.05 * t).exp() + 40.0 / (1.0 + (-1.0 * (t - 5.0)).exp())) * (0.02 * sign).exp()
///     })
///     .collect();
/// let levels = Observations::regular("revenue", 0.25, &revenue)?;
/// let profile = profile_ceiling(&levels, &ceiling_grid(1.0, 1e5, 21)?, 0.95)?;
/// assert_eq!(profile.upper(), outpace::calibrate::GridBound::Unbounded);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// As [`fit_scurve`]; [`Error::InvalidParameter`] if `level` is not in `(0, 1)` or
/// the grid is empty, not finite and positive, or not increasing.
pub fn profile_ceiling(revenue: &Observations, grid: &[f64], level: f64) -> Result<CeilingProfile> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    if level.is_nan() || level <= 0.0 || level >= 1.0 {
        return Err(Error::invalid("level", level, "must lie in (0, 1)"));
    }
    check_grid(grid)?;
    let (data, origin) = data_of(revenue)?;
    let mut full = fit_scurve(revenue)?;
    let estimate = curve_of(&full);
    let mut profile = Profile::new(&data, grid);
    profile.sweep(estimate)?;
    profile.repair(estimate.k)?;
    let best = (0..grid.len())
        .max_by(|&i, &j| profile.ll[i].total_cmp(&profile.ll[j]))
        .expect("the grid is not empty");
    if profile.ll[best] > full.fit.log_likelihood() {
        let mut starts = vec![profile.curves[best].to_u()];
        starts.push(estimate.to_u());
        full = fit_from(&data, origin, revenue, &starts)?;
    }
    let l_max = full.fit.log_likelihood().max(profile.ll[best]);
    let chi2 = ChiSquared::new(1.0).map_err(|e| Error::Engine(e.to_string()))?;
    let cutoff = 0.5 * chi2.inverse_cdf(level);
    let points: Vec<ProfilePoint> = grid
        .iter()
        .zip(&profile.ll)
        .map(|(&ceiling, &log_likelihood)| {
            let drop = l_max - log_likelihood;
            ProfilePoint {
                ceiling,
                log_likelihood,
                drop,
                inside: drop <= cutoff,
            }
        })
        .collect();
    let centre = nearest(grid, full.fit.value("ceiling"));
    let (lower, upper) = bounds(&points, centre, cutoff);
    let monotone = profile_monotone(&points, centre);
    Ok(CeilingProfile {
        fit: full,
        points,
        level,
        cutoff,
        lower,
        upper,
        monotone,
    })
}

/// The fitted mean curve of `fit`, in the coordinates of the data (`tau`).
fn curve_of(fit: &SCurveFit) -> Curve {
    let v = |name: &str| fit.fit.value(name);
    Curve {
        a: v("traditional"),
        g: v("growth"),
        k: v("ceiling"),
        r: v("rate"),
        tau0: v("inflection") - fit.origin,
    }
}

/// Index of the grid point nearest `k` in `ln K`.
fn nearest(grid: &[f64], k: f64) -> usize {
    let distance = |x: f64| (x.ln() - k.ln()).abs();
    (0..grid.len())
        .min_by(|&i, &j| distance(grid[i]).total_cmp(&distance(grid[j])))
        .expect("the grid is not empty")
}

/// The bounds of the run of points inside the cut-off that holds `centre` (or the
/// crossings next to `centre` when it is outside).
fn bounds(points: &[ProfilePoint], centre: usize, cutoff: f64) -> (GridBound, GridBound) {
    let crossing = |inner: &ProfilePoint, outer: &ProfilePoint| {
        let (x0, x1) = (inner.ceiling.ln(), outer.ceiling.ln());
        let (d0, d1) = (inner.drop - cutoff, outer.drop - cutoff);
        let w = if d1 == d0 { 0.5 } else { -d0 / (d1 - d0) };
        GridBound::At((x0 + w.clamp(0.0, 1.0) * (x1 - x0)).exp())
    };
    let lower = (1..=centre)
        .rev()
        .find(|&i| !points[i - 1].inside)
        .map_or(GridBound::Unbounded, |i| {
            crossing(&points[i], &points[i - 1])
        });
    let upper = (centre..points.len() - 1)
        .find(|&i| !points[i + 1].inside)
        .map_or(GridBound::Unbounded, |i| {
            crossing(&points[i], &points[i + 1])
        });
    (lower, upper)
}

/// Whether `l_p` does not rise (beyond rounding) away from `centre`.
fn profile_monotone(points: &[ProfilePoint], centre: usize) -> bool {
    let rises = |inner: usize, outer: usize| {
        points[outer].log_likelihood > points[inner].log_likelihood + MONOTONE_TOLERANCE
    };
    (1..=centre).all(|i| !rises(i, i - 1)) && (centre..points.len() - 1).all(|i| !rises(i, i + 1))
}

/// The profile being computed: the best curve and log-likelihood found at each
/// grid ceiling.
struct Profile<'a> {
    data: &'a Data,
    grid: &'a [f64],
    curves: Vec<Curve>,
    ll: Vec<f64>,
}

impl<'a> Profile<'a> {
    fn new(data: &'a Data, grid: &'a [f64]) -> Profile<'a> {
        Profile {
            data,
            grid,
            curves: Vec::with_capacity(grid.len()),
            ll: Vec::with_capacity(grid.len()),
        }
    }

    /// The best fit at grid point `i` from `warm` (curves moved to its ceiling)
    /// and, if `scan`, the coarse scan.
    fn fit_at(&self, i: usize, warm: &[Curve], scan: bool) -> Result<(Curve, f64)> {
        let k = self.grid[i];
        let model = AtCeiling {
            data: self.data,
            ln_k: k.ln(),
        };
        let mut curves: Vec<Curve> = warm.iter().map(|c| c.with_ceiling(k)).collect();
        if scan {
            curves.extend(self.data.best_starts(self.data.fixed_scan(k)));
        }
        let starts: Vec<Vec<f64>> = curves.iter().map(AtCeiling::inner_u).collect();
        let (v, ll) = fit::best_of(&model, &starts, START_STEP)?;
        Ok((Curve::from_u(&model.full_u(&v)), ll))
    }

    /// Fits every grid point, outward from the one nearest the estimate, each from
    /// the scan, the estimate and its inner neighbour's optimum.
    fn sweep(&mut self, estimate: Curve) -> Result<()> {
        let n = self.grid.len();
        let centre = nearest(self.grid, estimate.k);
        self.curves = vec![estimate; n];
        self.ll = vec![f64::NEG_INFINITY; n];
        let order = std::iter::once(centre)
            .chain(centre + 1..n)
            .chain((0..centre).rev());
        for i in order {
            let inner = if i > centre { i - 1 } else { i + 1 };
            let mut warm = vec![estimate];
            if i != centre {
                warm.push(self.curves[inner]);
            }
            let (curve, ll) = self.fit_at(i, &warm, true)?;
            self.curves[i] = curve;
            self.ll[i] = ll;
        }
        Ok(())
    }

    /// Refits, from the outside in, each point whose outer neighbour has a higher
    /// profile, from that neighbour's optimum.
    fn repair(&mut self, k_hat: f64) -> Result<()> {
        let n = self.grid.len();
        let centre = nearest(self.grid, k_hat);
        for _ in 0..REPAIR_PASSES {
            let mut changed = false;
            let pairs = (0..centre)
                .map(|i| (i + 1, i))
                .chain((centre + 1..n).rev().map(|i| (i - 1, i)));
            for (inner, outer) in pairs {
                if self.ll[outer] <= self.ll[inner] + MONOTONE_TOLERANCE {
                    continue;
                }
                let (curve, ll) = self.fit_at(inner, &[self.curves[outer]], false)?;
                if ll > self.ll[inner] {
                    self.curves[inner] = curve;
                    self.ll[inner] = ll;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Ok(())
    }
}
