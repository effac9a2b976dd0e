//! Maximum-likelihood fits of a positive size law (gamma or log-normal) to
//! reported sizes, such as the cut sizes of a price war.

use super::fit::{self, Fit, Held, Likelihood};
use crate::error::{Error, Result, check};
use crate::process::JumpSize;
use nalgebra::DMatrix;
use statrs::function::gamma::ln_gamma;
use std::f64::consts::PI;

/// Fewest sizes a size-law fit accepts.
pub const MIN_SIZES: usize = 3;

/// Which law a [`SizeFit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLaw {
    /// Gamma with `shape` and `scale`.
    Gamma,
    /// Log-normal: `ln X ~ N(mu, sigma^2)`.
    LogNormal,
}

/// A fitted size law. Estimates: `shape` and `scale` (gamma) or `mu` and `sigma`
/// (log-normal), and the derived `mean`.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeFit {
    fit: Fit,
    law: SizeLaw,
}

impl SizeFit {
    /// Estimates, standard errors, log-likelihood (compare the two laws by
    /// [`Fit::aic`]).
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// Which law was fitted.
    pub fn law(&self) -> SizeLaw {
        self.law
    }

    /// The fitted law as a [`JumpSize`].
    pub fn jump_size(&self) -> Result<JumpSize> {
        match self.law {
            SizeLaw::Gamma => JumpSize::gamma(self.fit.value("shape"), self.fit.value("scale")),
            SizeLaw::LogNormal => {
                JumpSize::log_normal(self.fit.value("mu"), self.fit.value("sigma"))
            }
        }
    }
}

fn check_sizes(sizes: &[f64]) -> Result<()> {
    if sizes.len() < MIN_SIZES {
        return Err(Error::invalid(
            "sizes",
            format!("{} values", sizes.len()),
            format!("at least {MIN_SIZES} are needed to fit a size law"),
        ));
    }
    for (k, &x) in sizes.iter().enumerate() {
        check::positive(&format!("sizes[{k}]"), x)?;
    }
    if sizes.iter().all(|&x| x == sizes[0]) {
        return Err(Error::invalid(
            "sizes",
            sizes[0],
            "are all equal: a size law needs sizes that vary",
        ));
    }
    Ok(())
}

/// Fits a log-normal law to `sizes` (finite, `> 0`, not all equal) in closed
/// form: `mu = mean(ln x)`, `sigma^2 = mean((ln x - mu)^2)`, with
/// `se(mu) = sigma / sqrt(n)`, `se(sigma) = sigma / sqrt(2 n)`, independent;
/// `mean = e^{mu + sigma^2 / 2}` by the delta method.
///
/// ```
/// use outpace::calibrate::fit_lognormal;
/// let fitted = fit_lognormal(&[0.2, 0.5, 0.4, 0.85, 0.6])?;
/// assert!(fitted.fit().value("sigma") > 0.0);
/// # Ok::<(), outpace::Error>(())
/// ```
pub fn fit_lognormal(sizes: &[f64]) -> Result<SizeFit> {
    check_sizes(sizes)?;
    let n = sizes.len() as f64;
    let logs: Vec<f64> = sizes.iter().map(|x| x.ln()).collect();
    let mu = logs.iter().sum::<f64>() / n;
    let v = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n;
    let sigma = v.sqrt();
    let mean = (mu + 0.5 * v).exp();
    // (mu, sigma, mean) = J (mu, sigma): d mean = mean (d mu + sigma d sigma).
    let j = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 1.0, mean, mean * sigma]);
    let base = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![v / n, v / (2.0 * n)]));
    let covariance = &j * base * j.transpose();
    let log_likelihood = -logs.iter().sum::<f64>() - 0.5 * n * (2.0 * PI * v).ln() - 0.5 * n;
    let held = [Held::Free, Held::Free, Held::Derived];
    let names = ["mu", "sigma", "mean"].map(String::from).to_vec();
    let estimates = fit::estimates(names, &[mu, sigma, mean], &held, Some(&covariance));
    Ok(SizeFit {
        fit: Fit::new(estimates, Some(covariance), log_likelihood, sizes.len(), 2),
        law: SizeLaw::LogNormal,
    })
}

/// Fits a gamma law (density `x^{k-1} e^{-x / theta} / (Gamma(k) theta^k)`) to
/// `sizes` (finite, `> 0`, not all equal) by maximum likelihood:
/// `l = (k - 1) sum ln x - sum x / theta - n k ln theta - n ln Gamma(k)`,
/// maximised by Nelder-Mead (argmin) over `(ln k, ln theta)` from the method of
/// moments, with standard errors from the observed information (finitediff).
///
/// ```
/// use outpace::calibrate::fit_gamma;
/// let fitted = fit_gamma(&[0.2, 0.5, 0.4, 0.85, 0.6])?;
/// let mean = fitted.fit().value("mean");
/// assert!((mean - 0.51).abs() < 1e-6); // the gamma MLE matches the sample mean
/// # Ok::<(), outpace::Error>(())
/// ```
pub fn fit_gamma(sizes: &[f64]) -> Result<SizeFit> {
    check_sizes(sizes)?;
    let n = sizes.len() as f64;
    let model = GammaModel {
        n,
        sum: sizes.iter().sum(),
        sum_log: sizes.iter().map(|x| x.ln()).sum(),
    };
    let mean = model.sum / n;
    let var = sizes.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let start = vec![(mean * mean / var).ln(), (var / mean).ln()];
    let (u, ll, covariance) = fit::maximise(&model, &[start], 0.5)?;
    let held = [Held::Free, Held::Free, Held::Derived];
    let names = ["shape", "scale", "mean"].map(String::from).to_vec();
    let estimates = fit::estimates(names, &model.report(&u), &held, covariance.as_ref());
    Ok(SizeFit {
        fit: Fit::new(estimates, covariance, ll, sizes.len(), 2),
        law: SizeLaw::Gamma,
    })
}

/// The gamma likelihood through its sufficient statistics.
struct GammaModel {
    n: f64,
    sum: f64,
    sum_log: f64,
}

impl Likelihood for GammaModel {
    fn log_likelihood(&self, u: &[f64]) -> f64 {
        let (k, theta) = (u[0].exp(), u[1].exp());
        if !(k > 0.0 && k.is_finite() && theta > 0.0 && theta.is_finite()) {
            return f64::NEG_INFINITY;
        }
        let ll =
            (k - 1.0) * self.sum_log - self.sum / theta - self.n * (k * theta.ln() + ln_gamma(k));
        if ll.is_nan() { f64::NEG_INFINITY } else { ll }
    }

    fn report(&self, u: &[f64]) -> Vec<f64> {
        let (k, theta) = (u[0].exp(), u[1].exp());
        vec![k, theta, k * theta]
    }
}
