//! Maximum-likelihood fits of GBM and Ornstein-Uhlenbeck processes to a series of
//! observed levels, with residual diagnostics.

use super::diagnostics::Residuals;
use super::fit::{self, Fit, Held, Likelihood};
use super::series::Observations;
use crate::error::{Error, Result};
use crate::process::{Gbm, Ou};
use nalgebra::DMatrix;
use std::f64::consts::{LN_2, PI};

/// Fewest levels a GBM fit accepts (two increments).
pub const MIN_GBM_LEVELS: usize = 3;

/// Fewest levels an OU fit accepts (five transitions for three parameters).
pub const MIN_OU_LEVELS: usize = 6;

/// A fitted GBM: estimates `mu` (drift of the level, per year), `sigma`
/// (volatility, per square-root year) and the derived `log_drift`
/// `mu - sigma^2 / 2` (mean growth of the log-level per year), with the residual
/// diagnostics of the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct GbmFit {
    fit: Fit,
    residuals: Residuals,
    last_level: f64,
    data: String,
}

impl GbmFit {
    /// Estimates, standard errors, log-likelihood.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// Standardised residuals `(r_k - m h_k) / sqrt(v h_k)`.
    pub fn residuals(&self) -> &Residuals {
        &self.residuals
    }

    /// The last observed level.
    pub fn last_level(&self) -> f64 {
        self.last_level
    }

    /// The data window, for a scenario's comment: the source, the first and last
    /// times (years) and the number of levels.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The fitted law started at `x0` (e.g. [`GbmFit::last_level`] to forecast).
    pub fn law(&self, x0: f64) -> Result<Gbm> {
        Gbm::new(self.fit.value("mu"), self.fit.value("sigma"), x0)
    }
}

/// Fits a GBM `dS = mu S dt + sigma S dW` to positive `levels` at increasing
/// times (in years; gaps allowed) by maximum likelihood, in closed form.
///
/// The log-returns `r_k = ln(S_k / S_{k-1})` over steps `h_k` are independent
/// `N(m h_k, v h_k)` with `m = mu - sigma^2 / 2`, `v = sigma^2`; the MLE is
/// `m = sum r_k / sum h_k`, `v = (1 / n) sum (r_k - m h_k)^2 / h_k`, with Fisher
/// information `diag(sum h_k / v, n / (2 v^2))`, so
/// `Var(m) = v / sum h_k`, `Var(v) = 2 v^2 / n`, independent; the delta method
/// gives `se(sigma) = sigma / sqrt(2 n)`,
/// `se(mu)^2 = sigma^2 / sum h_k + sigma^4 / (2 n)` and
/// `Cov(mu, sigma) = sigma^3 / (2 n)`. The log-likelihood reported is that of the
/// log-returns.
///
/// ```
/// use outpace::calibrate::{Observations, fit_gbm};
/// let levels = Observations::regular("revenue", 0.25, &[100.0, 104.0, 103.0, 109.0, 113.0])?;
/// let fitted = fit_gbm(&levels)?;
/// let log_drift = fitted.fit().value("log_drift");
/// assert!((log_drift - (113.0f64 / 100.0).ln()).abs() < 1e-12); // sum r / sum h, over one year
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// Fewer than [`MIN_GBM_LEVELS`] levels, or a level that is not `> 0` (the
/// message names the file, line and column when the levels come from a file);
/// levels that never change (zero volatility).
pub fn fit_gbm(levels: &Observations) -> Result<GbmFit> {
    levels.require(MIN_GBM_LEVELS, "a GBM")?;
    let (s, t) = (levels.values(), levels.times());
    if let Some(k) = s.iter().position(|&x| x <= 0.0) {
        return Err(levels.error_at(k, format!("level {} must be > 0 for a GBM", s[k])));
    }
    let returns: Vec<(f64, f64)> = (1..s.len())
        .map(|k| ((s[k] / s[k - 1]).ln(), t[k] - t[k - 1]))
        .collect();
    let n = returns.len() as f64;
    let elapsed: f64 = returns.iter().map(|r| r.1).sum();
    let m = returns.iter().map(|r| r.0).sum::<f64>() / elapsed;
    let v = returns
        .iter()
        .map(|&(r, h)| (r - m * h).powi(2) / h)
        .sum::<f64>()
        / n;
    if v.is_nan() || v <= 0.0 {
        return Err(Error::invalid(
            "levels",
            levels.describe(),
            "have zero volatility: a GBM fit needs levels that vary",
        ));
    }
    let sigma = v.sqrt();
    let log_likelihood = -0.5
        * returns
            .iter()
            .map(|&(_, h)| (2.0 * PI * v * h).ln())
            .sum::<f64>()
        - 0.5 * n;
    // Covariance of (mu, sigma, log_drift) = J diag(Var m, Var v) J^T.
    let j = DMatrix::from_row_slice(3, 2, &[1.0, 0.5, 0.0, 0.5 / sigma, 1.0, 0.0]);
    let base = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![
        v / elapsed,
        2.0 * v * v / n,
    ]));
    let covariance = &j * base * j.transpose();
    let held = [Held::Free, Held::Free, Held::Derived];
    let names = ["mu", "sigma", "log_drift"].map(String::from).to_vec();
    let estimates = fit::estimates(names, &[m + 0.5 * v, sigma, m], &held, Some(&covariance));
    let residuals = returns
        .iter()
        .map(|&(r, h)| (r - m * h) / (v * h).sqrt())
        .collect();
    Ok(GbmFit {
        fit: Fit::new(
            estimates,
            Some(covariance),
            log_likelihood,
            returns.len(),
            2,
        ),
        residuals: Residuals::new(residuals),
        last_level: s[s.len() - 1],
        data: window(levels),
    })
}

/// A fitted Ornstein-Uhlenbeck process: estimates `theta` (reversion speed per
/// year), `mu` (long-run level), `sigma` (volatility per square-root year) and
/// the derived `half_life` `ln 2 / theta` (years), with residual diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct OuFit {
    fit: Fit,
    residuals: Residuals,
    last_level: f64,
    data: String,
}

impl OuFit {
    /// Estimates, standard errors, log-likelihood.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// Standardised residuals of the transitions.
    pub fn residuals(&self) -> &Residuals {
        &self.residuals
    }

    /// The last observed level.
    pub fn last_level(&self) -> f64 {
        self.last_level
    }

    /// The data window, for a scenario's comment: the source, the first and last
    /// times (years) and the number of levels.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The fitted law started at `x0`.
    pub fn law(&self, x0: f64) -> Result<Ou> {
        Ou::new(
            self.fit.value("theta"),
            self.fit.value("mu"),
            self.fit.value("sigma"),
            x0,
        )
    }
}

/// Fits an OU process `dX = theta (mu - X) dt + sigma dW` to `levels` at
/// increasing times (years; gaps allowed) by maximising the exact likelihood of
/// the transitions given the first level (the AR(1) likelihood when the step is
/// fixed):
///
/// `X_k | X_{k-1} ~ N(mu + (X_{k-1} - mu) a_k, s_k^2)`, `a_k = e^{-theta h_k}`,
/// `s_k^2 = sigma^2 (1 - a_k^2) / (2 theta)`.
///
/// Nelder-Mead (argmin) over `(ln theta, mu, ln sigma)` on the standardised
/// levels, started from the least-squares AR(1) fit; standard errors from the
/// observed information (finitediff). On a fixed step the maximiser is the AR(1)
/// regression `X_k = b0 + b1 X_{k-1} + e_k`: `theta = -ln(b1) / h`,
/// `mu = b0 / (1 - b1)`, `sigma^2 = 2 theta s^2 / (1 - b1^2)` with `s^2` the mean
/// squared residual.
///
/// ```
/// use outpace::calibrate::{Observations, fit_ou};
/// let margin = Observations::regular("margin", 0.25, &[0.02, 0.05, 0.04, 0.07, 0.06, 0.08, 0.07, 0.075])?;
/// let fitted = fit_ou(&margin)?;
/// assert!(fitted.fit().value("theta") > 0.0);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// Fewer than [`MIN_OU_LEVELS`] levels; levels that do not vary; a series whose
/// lag-1 regression coefficient is `>= 1` (no mean reversion: the reversion speed
/// is not identified; fit a GBM or random walk instead); [`Error::Engine`] if the
/// likelihood cannot be maximised.
pub fn fit_ou(levels: &Observations) -> Result<OuFit> {
    levels.require(MIN_OU_LEVELS, "an OU process")?;
    let x = levels.values();
    let n = x.len() as f64;
    let centre = x.iter().sum::<f64>() / n;
    let scale = (x.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / n).sqrt();
    if scale.is_nan() || scale <= 0.0 {
        return Err(Error::invalid(
            "levels",
            levels.describe(),
            "do not vary: an OU fit needs levels that vary",
        ));
    }
    let z: Vec<f64> = x.iter().map(|v| (v - centre) / scale).collect();
    let steps: Vec<f64> = levels.times().windows(2).map(|w| w[1] - w[0]).collect();
    let model = OuModel {
        z: &z,
        steps: &steps,
        centre,
        scale,
    };
    let start = model.start().ok_or_else(|| {
        Error::invalid(
            "levels",
            levels.describe(),
            "show no mean reversion (lag-1 regression coefficient >= 1): the OU reversion \
             speed is not identified; fit a GBM or a random walk instead",
        )
    })?;
    let (u, ll_z, covariance) = fit::maximise(&model, &[start], 0.3)?;
    let report = model.report(&u);
    let held = [Held::Free, Held::Free, Held::Free, Held::Derived];
    let names = ["theta", "mu", "sigma", "half_life"]
        .map(String::from)
        .to_vec();
    let estimates = fit::estimates(names, &report, &held, covariance.as_ref());
    // Back to the original units: each transition density is divided by `scale`.
    let log_likelihood = ll_z - steps.len() as f64 * scale.ln();
    let (theta, mu_z, sigma_z) = model.parameters(&u);
    let residuals = (1..z.len())
        .map(|k| {
            let (a, sd) = transition(theta, sigma_z, steps[k - 1]);
            (z[k] - mu_z - (z[k - 1] - mu_z) * a) / sd
        })
        .collect();
    Ok(OuFit {
        fit: Fit::new(estimates, covariance, log_likelihood, steps.len(), 3),
        residuals: Residuals::new(residuals),
        last_level: x[x.len() - 1],
        data: window(levels),
    })
}

/// `` `file` column `c`, 2023.25 to 2026 (11 levels) ``.
fn window(levels: &Observations) -> String {
    let t = levels.times();
    format!(
        "{}, {} to {} ({} levels)",
        levels.describe(),
        t[0],
        t[t.len() - 1],
        levels.len()
    )
}

/// `(a, s)`: the autoregression factor and the standard deviation of an OU
/// transition over `h`.
fn transition(theta: f64, sigma: f64, h: f64) -> (f64, f64) {
    let a = (-theta * h).exp();
    let variance = sigma * sigma * -(-2.0 * theta * h).exp_m1() / (2.0 * theta);
    (a, variance.sqrt())
}

/// The OU likelihood of the standardised levels `z` over `u = (ln theta, mu_z,
/// ln sigma_z)`.
struct OuModel<'a> {
    z: &'a [f64],
    steps: &'a [f64],
    centre: f64,
    scale: f64,
}

impl OuModel<'_> {
    fn parameters(&self, u: &[f64]) -> (f64, f64, f64) {
        (u[0].exp(), u[1], u[2].exp())
    }

    /// The least-squares AR(1) fit as a starting point, `None` without mean
    /// reversion.
    fn start(&self) -> Option<Vec<f64>> {
        let (prev, next) = (&self.z[..self.z.len() - 1], &self.z[1..]);
        let m = prev.len() as f64;
        let (mp, mn) = (prev.iter().sum::<f64>() / m, next.iter().sum::<f64>() / m);
        let sxx: f64 = prev.iter().map(|p| (p - mp).powi(2)).sum();
        let sxy: f64 = prev
            .iter()
            .zip(next)
            .map(|(p, q)| (p - mp) * (q - mn))
            .sum();
        let b1 = sxy / sxx;
        if b1.is_nan() || b1 >= 1.0 {
            return None;
        }
        let h = self.steps.iter().sum::<f64>() / m;
        let a = b1.max(0.05);
        let theta = -a.ln() / h;
        let mu = if b1 > 0.05 {
            (mn - b1 * mp) / (1.0 - b1)
        } else {
            mn
        };
        let residual: f64 = prev
            .iter()
            .zip(next)
            .map(|(p, q)| (q - mu - (p - mu) * a).powi(2))
            .sum::<f64>()
            / m;
        let sigma = (residual.max(1e-6) * 2.0 * theta / (1.0 - a * a)).sqrt();
        Some(vec![theta.ln(), mu, sigma.ln()])
    }
}

impl Likelihood for OuModel<'_> {
    fn log_likelihood(&self, u: &[f64]) -> f64 {
        let (theta, mu, sigma) = self.parameters(u);
        if !(theta > 0.0 && theta.is_finite() && sigma > 0.0 && sigma.is_finite() && mu.is_finite())
        {
            return f64::NEG_INFINITY;
        }
        let mut ll = 0.0;
        for (k, &h) in self.steps.iter().enumerate() {
            let (a, sd) = transition(theta, sigma, h);
            if sd.is_nan() || sd <= 0.0 {
                return f64::NEG_INFINITY;
            }
            let e = (self.z[k + 1] - mu - (self.z[k] - mu) * a) / sd;
            ll -= 0.5 * (2.0 * PI).ln() + sd.ln() + 0.5 * e * e;
        }
        if ll.is_nan() { f64::NEG_INFINITY } else { ll }
    }

    fn report(&self, u: &[f64]) -> Vec<f64> {
        let (theta, mu, sigma) = self.parameters(u);
        vec![
            theta,
            self.centre + self.scale * mu,
            self.scale * sigma,
            LN_2 / theta,
        ]
    }
}
