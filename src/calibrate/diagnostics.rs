//! Goodness-of-fit diagnostics: standardised residuals of the diffusions, the
//! time-rescaling test of the point processes, and the exact Kolmogorov-Smirnov
//! distribution both rest on.

use super::events::RivalEvents;
use crate::error::{Error, Result};
use crate::process::{Hawkes, RivalHawkes};
use nalgebra::DMatrix;

/// Standardised residuals of a fitted diffusion: under the fitted model they are
/// independent standard normals, so their mean is near 0 (standard error
/// `1 / sqrt(n)`), their standard deviation near 1, and their lag-1
/// autocorrelation near 0 (standard error about `1 / sqrt(n)`). Seasonality shows
/// as a negative autocorrelation, a trend break as a shifted mean, fat tails or
/// volatility clusters as a standard deviation above 1 in part of the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Residuals {
    values: Vec<f64>,
    mean: f64,
    std_dev: f64,
    lag1: f64,
}

impl Residuals {
    /// Summarises `values` (at least 2).
    pub(crate) fn new(values: Vec<f64>) -> Residuals {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let ss: f64 = values.iter().map(|x| (x - mean).powi(2)).sum();
        let std_dev = (ss / n).sqrt();
        let lag: f64 = values
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum();
        let lag1 = if ss > 0.0 { lag / ss } else { 0.0 };
        Residuals {
            values,
            mean,
            std_dev,
            lag1,
        }
    }

    /// The standardised residuals, one per increment.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Their mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Their standard deviation (divisor `n`).
    pub fn std_dev(&self) -> f64 {
        self.std_dev
    }

    /// Their lag-1 autocorrelation `sum (e_k - m)(e_{k+1} - m) / sum (e_k - m)^2`.
    pub fn lag1_autocorrelation(&self) -> f64 {
        self.lag1
    }

    /// Standard error of the mean and of the lag-1 autocorrelation under the
    /// model, `1 / sqrt(n)`.
    pub fn reference_std_error(&self) -> f64 {
        1.0 / (self.values.len() as f64).sqrt()
    }
}

/// The time-rescaling test of a fitted point process (Brown, Barbieri, Ventura,
/// Kass & Frank, 2002, *The time-rescaling theorem and its application to neural
/// spike train data analysis*, Neural Computation 14(2)): with `Lambda` the
/// compensator, the rescaled inter-event times `tau_k = Lambda(t_k) -
/// Lambda(t_{k-1})` are independent `Exp(1)` under the model, so
/// `z_k = 1 - e^{-tau_k}` are uniform; the Kolmogorov-Smirnov statistic
/// `D = sup |F_n(z) - z|` and its exact p-value test it.
///
/// For a rival Hawkes process each firm's events are rescaled by its own
/// compensator `Lambda_i` (the components become independent unit Poisson
/// processes) and all firms' increments are pooled; a firm's first increment runs
/// from 0. With parameters estimated from the same data the p-value is
/// conservative (too large), as in Lilliefors' case.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRescaling {
    increments: Vec<f64>,
    statistic: f64,
    p_value: f64,
}

impl TimeRescaling {
    /// The test of `law` on `events` (rescaled firm by firm).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `law` and `events` have different numbers of
    /// firms, or if there are no events.
    pub fn rival(law: &RivalHawkes, events: &RivalEvents) -> Result<TimeRescaling> {
        if law.firms() != events.firms().len() {
            return Err(Error::invalid(
                "events",
                format!("{} firms", events.firms().len()),
                format!("must have the law's number of firms ({})", law.firms()),
            ));
        }
        let mut previous = vec![0.0; law.firms()];
        let mut increments = Vec::with_capacity(events.len());
        super::hawkes::walk(law, events, |e, _, compensator| {
            increments.push(compensator - previous[e.firm]);
            previous[e.firm] = compensator;
        });
        TimeRescaling::from_increments(increments)
    }

    /// The test of a univariate `law` on event `times` (non-decreasing, `>= 0`).
    ///
    /// # Errors
    /// As [`TimeRescaling::rival`], and if the times are not valid.
    pub fn hawkes(law: &Hawkes, times: &[f64]) -> Result<TimeRescaling> {
        let rival = RivalHawkes::new(&[law.baseline()], law.alpha(), 0.0, law.beta())?
            .with_initial_excess(&[law.initial_excess()])?;
        let horizon = times.last().copied().unwrap_or(0.0).max(f64::MIN_POSITIVE);
        let events = super::hawkes::single_firm(times, horizon)?;
        TimeRescaling::rival(&rival, &events)
    }

    /// The test of rescaled increments `increments` (finite, `>= 0`) against
    /// `Exp(1)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if there are none or one is negative or not
    /// finite.
    pub fn from_increments(increments: Vec<f64>) -> Result<TimeRescaling> {
        if increments.is_empty() {
            return Err(Error::invalid(
                "increments",
                "none",
                "the time-rescaling test needs at least one event",
            ));
        }
        for (k, &x) in increments.iter().enumerate() {
            crate::error::check::non_negative(&format!("increments[{k}]"), x)?;
        }
        let mut uniforms: Vec<f64> = increments.iter().map(|t| -(-t).exp_m1()).collect();
        let statistic = ks_statistic(&mut uniforms);
        let p_value = ks_p_value(uniforms.len(), statistic);
        Ok(TimeRescaling {
            increments,
            statistic,
            p_value,
        })
    }

    /// The rescaled increments `tau_k`.
    pub fn increments(&self) -> &[f64] {
        &self.increments
    }

    /// The Kolmogorov-Smirnov statistic `D`.
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// `P(D_n >= D)` under the model (exact for the stated law; conservative with
    /// fitted parameters).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
}

/// The two-sided Kolmogorov-Smirnov statistic `D = sup |F_n(u) - u|` of a sample
/// of `Uniform(0, 1)` candidates (sorted in place).
pub fn ks_statistic(uniforms: &mut [f64]) -> f64 {
    uniforms.sort_by(f64::total_cmp);
    let n = uniforms.len() as f64;
    uniforms
        .iter()
        .enumerate()
        .map(|(i, &u)| ((i + 1) as f64 / n - u).max(u - i as f64 / n))
        .fold(0.0, f64::max)
}

/// Largest `m = 2 floor(n d) + 1` for which the exact distribution is computed;
/// beyond it the asymptotic law with Stephens' small-sample correction is used
/// (its error is then below 1e-3 in the p-value).
const MAX_EXACT_ORDER: usize = 301;

/// `P(D_n >= d)` for the two-sided Kolmogorov-Smirnov statistic of `n` uniforms:
/// exact by Marsaglia, Tsang & Wang (2003, *Evaluating Kolmogorov's
/// distribution*, J. Stat. Software 8(18)), or asymptotic for very large `n d`.
///
/// ```
/// use outpace::calibrate::ks_p_value;
/// // One uniform: P(D_1 >= d) = 2 (1 - d) for d >= 1/2.
/// assert!((ks_p_value(1, 0.8) - 0.4).abs() < 1e-12);
/// // The 5% critical value for n = 10 is 0.40925 (Miller, 1956).
/// assert!((ks_p_value(10, 0.40925) - 0.05).abs() < 1e-4);
/// ```
pub fn ks_p_value(n: usize, d: f64) -> f64 {
    if n == 0 || d.is_nan() {
        return 1.0;
    }
    let nf = n as f64;
    if d <= 0.5 / nf {
        return 1.0;
    }
    if d >= 1.0 {
        return 0.0;
    }
    let k = (nf * d).floor() as usize + 1;
    if 2 * k - 1 > MAX_EXACT_ORDER {
        return kolmogorov_tail((nf.sqrt() + 0.12 + 0.11 / nf.sqrt()) * d);
    }
    (1.0 - kolmogorov_cdf(n, d)).clamp(0.0, 1.0)
}

/// `P(D_n < d)` by Marsaglia, Tsang & Wang's matrix power, with the exponent of
/// the power kept apart so that nothing overflows.
fn kolmogorov_cdf(n: usize, d: f64) -> f64 {
    let nf = n as f64;
    let k = (nf * d).floor() as usize + 1;
    let m = 2 * k - 1;
    let h = k as f64 - nf * d;
    let mut hm = DMatrix::from_fn(m, m, |i, j| if i + 1 >= j { 1.0 } else { 0.0 });
    for i in 0..m {
        hm[(i, 0)] -= h.powi(i as i32 + 1);
        hm[(m - 1, i)] -= h.powi((m - i) as i32);
    }
    if 2.0 * h - 1.0 > 0.0 {
        hm[(m - 1, 0)] += (2.0 * h - 1.0).powi(m as i32);
    }
    for i in 0..m {
        for j in 0..m {
            if i + 1 > j {
                for g in 1..=(i + 1 - j) {
                    hm[(i, j)] /= g as f64;
                }
            }
        }
    }
    let (q, mut exponent) = matrix_power(&hm, n);
    let mut s = q[(k - 1, k - 1)];
    for i in 1..=n {
        s = s * i as f64 / nf;
        if s < 1e-140 {
            s *= 1e140;
            exponent -= 140;
        }
    }
    s * 10f64.powi(exponent)
}

/// `a^n` as a matrix and a power of ten, rescaled whenever the centre entry
/// passes `1e140`.
fn matrix_power(a: &DMatrix<f64>, n: usize) -> (DMatrix<f64>, i32) {
    if n == 1 {
        return (a.clone(), 0);
    }
    let (half, e) = matrix_power(a, n / 2);
    let mut b = &half * &half;
    let mut exponent = 2 * e;
    if n % 2 == 1 {
        b = a * b;
    }
    let centre = b.nrows() / 2;
    if b[(centre, centre)] > 1e140 {
        b *= 1e-140;
        exponent += 140;
    }
    (b, exponent)
}

/// The asymptotic Kolmogorov tail `P(K >= x) = 2 sum_{j >= 1} (-1)^{j-1} e^{-2 j^2 x^2}`.
fn kolmogorov_tail(x: f64) -> f64 {
    let mut sum = 0.0;
    for j in 1..=100 {
        let j = j as f64;
        let term = (-2.0 * j * j * x * x).exp();
        sum += if j % 2.0 == 1.0 { term } else { -term };
        if term < 1e-17 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}
