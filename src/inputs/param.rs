//! Numeric model parameters, fixed or uncertain, and the domains they must lie in.

use super::Domain;
use super::quantile::{self, UnitBeta};
use crate::error::{Error, Result, check, readable};
use crate::math;
use crate::process::{Beta, standard_normal};
use rand::Rng;
use rand::distr::{Distribution, Uniform};
use rand_distr::Triangular;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A numeric model parameter: a fixed number, or a distribution from which each
/// simulated path draws one value (parameter uncertainty).
///
/// **Laws** (`sample` draws one value; `mean` and `variance` are the closed forms):
///
/// | variant | law | mean | variance |
/// |---|---|---|---|
/// | `Fixed(x)` | the number `x` | `x` | `0` |
/// | `Normal { mean, std_dev }` | `N(mean, std_dev^2)` | `mean` | `std_dev^2` |
/// | `LogNormal { median, sigma }` | `e^Y`, `Y ~ N(ln median, sigma^2)` | `median e^{sigma^2/2}` | `median^2 e^{sigma^2} (e^{sigma^2} - 1)` |
/// | `Uniform { min, max }` | uniform on `[min, max)` | `(min + max) / 2` | `(max - min)^2 / 12` |
/// | `Triangular { min, mode, max }` | triangular | `(min + mode + max) / 3` | `(a^2 + b^2 + c^2 - ab - ac - bc) / 18` |
/// | `Pert { min, mode, max }` | PERT, shape 4 | `(min + 4 mode + max) / 6` | `(mean - min)(max - mean) / 7` |
/// | `Beta { alpha, beta, min, max }` | `min + (max - min) B`, `B ~ Beta(alpha, beta)` | `min + (max - min) alpha / (alpha + beta)` | `(max - min)^2 alpha beta / ((alpha + beta)^2 (alpha + beta + 1))` |
///
/// PERT is the beta law on `[min, max]` with `alpha = 1 + 4 (mode - min) / (max - min)`
/// and `beta = 1 + 4 (max - mode) / (max - min)`.
///
/// **Serde**: a fixed value is a bare number; a distribution is a table tagged by
/// `dist` in snake case, with unknown fields rejected and integers accepted for every
/// number. `min` and `max` of `beta` default to 0 and 1.
///
/// ```toml
/// growth = 0.3
/// ceiling = { dist = "log_normal", median = 180.0, sigma = 0.35 }
/// cut = { dist = "beta", alpha = 2, beta = 40 }
/// ```
///
/// **Validation** is not done on deserialisation, because the admissible values
/// depend on the field: call [`Param::validate`] with the field's path and
/// [`Domain`]. It checks that every number is finite, the law's own rules
/// (`std_dev, sigma >= 0`, `median > 0`, `min < max`, `min <= mode <= max`,
/// `alpha, beta > 0`), that the law's whole support lies in the domain, and that its
/// mean and variance are finite. The support of a bounded law is taken as the closed
/// `[min, max]`: both ends must lie in the domain, even where the density vanishes
/// there, since rounding can draw them. A normal law with `std_dev > 0` is only
/// admissible on [`Domain::any`], a log-normal with `sigma > 0` on a domain containing
/// `(0, inf)`; with a zero spread either law is the point `mean` (`median`), which
/// must lie in the domain.
///
/// ```
/// use outpace::inputs::{Domain, Param};
/// use outpace::engine::{Component, PathStreams};
/// let ceiling: Param =
///     serde_json::from_str(r#"{ "dist": "log_normal", "median": 180, "sigma": 0.35 }"#)?;
/// ceiling.validate("demand.ceiling", Domain::positive())?;
/// let mut rng = PathStreams::new(7, 0).rng(Component::new(0));
/// assert!(ceiling.sample(&mut rng) > 0.0);
/// assert!((ceiling.mean() - 180.0 * (0.35f64 * 0.35 / 2.0).exp()).abs() < 1e-9);
///
/// let growth = Param::Normal { mean: 0.3, std_dev: 0.1 };
/// let err = growth.validate("demand.growth", Domain::non_negative()).unwrap_err();
/// assert!(err.to_string().contains("`demand.growth`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    /// A known number.
    Fixed(f64),
    /// Normal law.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, `>= 0`.
        std_dev: f64,
    },
    /// Log-normal law: the logarithm is `N(ln median, sigma^2)`.
    LogNormal {
        /// Median `e^mu`, `> 0`.
        median: f64,
        /// Standard deviation of the logarithm, `>= 0`.
        sigma: f64,
    },
    /// Uniform law on `[min, max)`.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end, `> min`.
        max: f64,
    },
    /// Triangular law on `[min, max]` peaking at `mode`.
    Triangular {
        /// Lower end.
        min: f64,
        /// Most likely value, in `[min, max]`.
        mode: f64,
        /// Upper end, `> min`.
        max: f64,
    },
    /// PERT law (a scaled beta of shape 4) on `[min, max]` with the given `mode`.
    Pert {
        /// Lower end.
        min: f64,
        /// Most likely value, in `[min, max]`.
        mode: f64,
        /// Upper end, `> min`.
        max: f64,
    },
    /// Beta law scaled to `[min, max]`.
    Beta {
        /// First shape, `> 0`.
        alpha: f64,
        /// Second shape, `> 0`.
        beta: f64,
        /// Lower end (0 when omitted in a file).
        min: f64,
        /// Upper end, `> min` (1 when omitted in a file).
        max: f64,
    },
}

impl Param {
    /// A fixed value.
    pub const fn fixed(x: f64) -> Self {
        Param::Fixed(x)
    }

    /// Whether the parameter is a fixed number (no uncertainty).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Param::Fixed(_))
    }

    /// The `dist` tag of the law (`"fixed"` for a fixed value).
    fn law(&self) -> &'static str {
        match self {
            Param::Fixed(_) => "fixed",
            Param::Normal { .. } => "normal",
            Param::LogNormal { .. } => "log_normal",
            Param::Uniform { .. } => "uniform",
            Param::Triangular { .. } => "triangular",
            Param::Pert { .. } => "pert",
            Param::Beta { .. } => "beta",
        }
    }

    /// The smallest value a draw can take (`-inf` for a normal law).
    pub fn lower_bound(&self) -> f64 {
        match *self {
            Param::Fixed(x) => x,
            Param::Normal { mean, std_dev } => {
                if std_dev == 0.0 {
                    mean
                } else {
                    f64::NEG_INFINITY
                }
            }
            Param::LogNormal { median, sigma } => {
                if sigma == 0.0 {
                    median
                } else {
                    0.0
                }
            }
            Param::Uniform { min, .. }
            | Param::Triangular { min, .. }
            | Param::Pert { min, .. }
            | Param::Beta { min, .. } => min,
        }
    }

    /// The largest value a draw can take (`inf` for normal and log-normal laws).
    pub fn upper_bound(&self) -> f64 {
        match *self {
            Param::Fixed(x) => x,
            Param::Normal { mean, std_dev } => {
                if std_dev == 0.0 {
                    mean
                } else {
                    f64::INFINITY
                }
            }
            Param::LogNormal { median, sigma } => {
                if sigma == 0.0 {
                    median
                } else {
                    f64::INFINITY
                }
            }
            Param::Uniform { max, .. }
            | Param::Triangular { max, .. }
            | Param::Pert { max, .. }
            | Param::Beta { max, .. } => max,
        }
    }

    /// Mean of the law (the value itself when fixed).
    pub fn mean(&self) -> f64 {
        match *self {
            Param::Fixed(x) => x,
            Param::Normal { mean, .. } => mean,
            Param::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Param::Uniform { min, max } => 0.5 * (min + max),
            Param::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Param::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
        }
    }

    /// Variance of the law (0 when fixed).
    pub fn variance(&self) -> f64 {
        match *self {
            Param::Fixed(_) => 0.0,
            Param::Normal { std_dev, .. } => std_dev * std_dev,
            Param::LogNormal { median, sigma } => {
                let s2 = sigma * sigma;
                median * median * s2.exp() * s2.exp_m1()
            }
            Param::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Param::Triangular { min, mode, max } => {
                let (a, b, c) = (min, mode, max);
                (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
            }
            Param::Pert { min, mode, max } => {
                let (alpha, beta) = pert_shapes(min, mode, max);
                scaled_beta_variance(alpha, beta, max - min)
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => scaled_beta_variance(alpha, beta, max - min),
        }
    }

    /// The `u`-quantile `F^-1(u) = inf { x : F(x) >= u }` of the law, for `u` in the
    /// open interval `(0, 1)`; a fixed value returns itself.
    ///
    /// This maps a uniform coordinate of a sampling design (plain Monte Carlo, Latin
    /// hypercube, scrambled Sobol) to a draw of the parameter. Formulas, with `Phi^-1` the standard normal quantile:
    ///
    /// | law | quantile |
    /// |---|---|
    /// | `Normal` | `mean + std_dev Phi^-1(u)` |
    /// | `LogNormal` | `median exp(sigma Phi^-1(u))` |
    /// | `Uniform` | `min + (max - min) u` |
    /// | `Triangular` | `min + sqrt(u (max - min)(mode - min))` if `u <= (mode - min) / (max - min)`, else `max - sqrt((1 - u)(max - min)(max - mode))` |
    /// | `Pert`, `Beta` | `min + (max - min) I^-1_u(alpha, beta)`, the inverse regularized incomplete beta function |
    ///
    /// `Phi^-1` is evaluated from the tail `u` lies in (`Phi^-1(u) = -sqrt(2) erfc^-1(2u)`,
    /// and `sqrt(2) erfc^-1(2(1 - u))` above 1/2), and so is the beta inverse: a
    /// safeguarded Halley iteration on statrs' `I_x(alpha, beta)` for `u <= 1/2`, on the
    /// mirrored `I_w(beta, alpha) = 1 - u` (then `x = 1 - w`) above. Results are
    /// non-decreasing in `u` (up to the root finder's relative tolerance of about
    /// `4e-16`, and the accuracy of `I_x`, about `1e-14` relative for shapes below a
    /// hundred), never NaN for `u` in `(0, 1)` on a validated parameter, and clamped
    /// into the support like [`sample`](Param::sample)'s draws. At `u <= 0` and
    /// `u >= 1` the result is [`lower_bound`](Param::lower_bound) and
    /// [`upper_bound`](Param::upper_bound) (infinite for a normal law); a NaN `u`
    /// gives NaN. No allocation.
    ///
    /// These are not the values [`sample`](Param::sample) draws from a random
    /// generator (outpace's own samplers, see [`crate::process`]), but they follow the same law.
    ///
    /// ```
    /// use outpace::inputs::Param;
    /// let growth = Param::Triangular { min: 0.6, mode: 0.9, max: 1.2 };
    /// assert_eq!(growth.quantile(0.5), 0.9);
    /// let ceiling = Param::LogNormal { median: 150.0, sigma: 0.35 };
    /// let p90 = ceiling.quantile(0.9);
    /// assert!((p90 - 150.0 * (0.35 * 1.2815515655446004f64).exp()).abs() < 1e-9);
    /// assert!((ceiling.cdf(p90) - 0.9).abs() < 1e-14);
    /// assert_eq!(Param::fixed(3.0).quantile(0.1), 3.0);
    /// ```
    pub fn quantile(&self, u: f64) -> f64 {
        if u.is_nan() {
            return f64::NAN;
        }
        if u <= 0.0 {
            return self.lower_bound();
        }
        if u >= 1.0 {
            return self.upper_bound();
        }
        match *self {
            Param::Fixed(x) => x,
            Param::Normal { mean, std_dev } => {
                if std_dev == 0.0 {
                    mean
                } else {
                    mean + std_dev * quantile::standard_normal_quantile(u)
                }
            }
            Param::LogNormal { median, sigma } => clamp(
                median * (sigma * quantile::standard_normal_quantile(u)).exp(),
                f64::MIN_POSITIVE,
                f64::MAX,
            ),
            Param::Uniform { min, max } => clamp(min + (max - min) * u, min, max),
            Param::Triangular { min, mode, max } => {
                clamp(quantile::triangular_quantile(min, mode, max, u), min, max)
            }
            Param::Pert { min, mode, max } => {
                let (alpha, beta) = pert_shapes(min, mode, max);
                scaled_beta_quantile(alpha, beta, min, max, u)
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => scaled_beta_quantile(alpha, beta, min, max, u),
        }
    }

    /// The distribution function `F(x) = P(X <= x)`; for a fixed value the step
    /// `1{x >= value}`. The inverse of [`quantile`](Param::quantile):
    ///
    /// | law | `F(x)` inside the support |
    /// |---|---|
    /// | `Normal` | `Phi((x - mean) / std_dev)` |
    /// | `LogNormal` | `Phi(ln(x / median) / sigma)` |
    /// | `Uniform` | `(x - min) / (max - min)` |
    /// | `Triangular` | `(x - min)^2 / ((max - min)(mode - min))` up to the mode, `1 - (max - x)^2 / ((max - min)(max - mode))` above |
    /// | `Pert`, `Beta` | `I_z(alpha, beta)` with `z = (x - min) / (max - min)` |
    ///
    /// with `Phi(z) = erfc(-z / sqrt(2)) / 2`; 0 below the support and 1 above it, a
    /// zero-spread normal or log-normal law is a step at its mean (median). NaN for a
    /// NaN `x`. Near 1 the result carries the absolute, not relative, accuracy of a
    /// float: use `1 - cdf` with care in the upper tail.
    ///
    /// ```
    /// use outpace::inputs::Param;
    /// let p = Param::Uniform { min: 2.0, max: 6.0 };
    /// assert_eq!(p.cdf(3.0), 0.25);
    /// assert_eq!(p.cdf(1.0), 0.0);
    /// assert_eq!(Param::fixed(1.0).cdf(1.0), 1.0);
    /// ```
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match *self {
            Param::Fixed(value) => step(x, value),
            Param::Normal { mean, std_dev } => {
                if std_dev == 0.0 {
                    step(x, mean)
                } else {
                    quantile::standard_normal_cdf((x - mean) / std_dev)
                }
            }
            Param::LogNormal { median, sigma } => {
                if sigma == 0.0 {
                    step(x, median)
                } else if x <= 0.0 {
                    0.0
                } else {
                    quantile::standard_normal_cdf((x / median).ln() / sigma)
                }
            }
            Param::Uniform { min, max } => clamp((x - min) / (max - min), 0.0, 1.0),
            Param::Triangular { min, mode, max } => quantile::triangular_cdf(min, mode, max, x),
            Param::Pert { min, mode, max } => {
                let (alpha, beta) = pert_shapes(min, mode, max);
                UnitBeta::new(alpha, beta).cdf((x - min) / (max - min))
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => UnitBeta::new(alpha, beta).cdf((x - min) / (max - min)),
        }
    }

    /// Draws one value. A fixed value is returned without consuming randomness.
    ///
    /// The draws have the same bits on every platform: normal laws from
    /// [`StandardNormal`](crate::process::StandardNormal) (`mean + std_dev Z`),
    /// log-normal ones as `exp(ln median + sigma Z)` with
    /// [`math::exp`](crate::math::exp) and `libm::log`, beta and PERT laws from
    /// [`Beta`](crate::process::Beta), uniform and triangular ones from `rand` and
    /// `rand_distr` (arithmetic and square roots only).
    ///
    /// Draws of a validated parameter always lie in the law's support: bounded laws
    /// are clamped to `[min, max]` against rounding and log-normal draws to the
    /// positive finite numbers. No allocation. On a parameter that fails
    /// [`validate`](Param::validate) the draw is unspecified (NaN where a sampler
    /// rejects its parameters), but this never panics.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Param::Fixed(x) => x,
            Param::Normal { mean, std_dev } => mean + std_dev * standard_normal(rng),
            Param::LogNormal { median, sigma } => clamp(
                math::exp(libm::log(median) + sigma * standard_normal(rng)),
                f64::MIN_POSITIVE,
                f64::MAX,
            ),
            Param::Uniform { min, max } => clamp(draw(Uniform::new(min, max), rng), min, max),
            Param::Triangular { min, mode, max } => {
                clamp(draw(Triangular::new(min, max, mode), rng), min, max)
            }
            Param::Pert { min, mode, max } => {
                let range = max - min;
                let (alpha, beta) = pert_shapes(min, mode, max);
                let unit = draw(Beta::new(alpha, beta), rng);
                clamp(unit * range + min, min, max)
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                let unit = draw(Beta::new(alpha, beta), rng);
                clamp(min + (max - min) * unit, min, max)
            }
        }
    }

    /// Checks the parameter for the field `name` (a path such as `demand.ceiling`),
    /// whose values must lie in `domain`; see the type's documentation for the rules.
    ///
    /// Errors name the offending number by its path: `demand.ceiling` for a fixed
    /// value or a law whose support leaves the domain, `demand.ceiling.sigma` for a
    /// bad number inside the distribution.
    pub fn validate(&self, name: &str, domain: Domain) -> Result<()> {
        self.check_numbers().map_err(|e| e.within(name))?;
        self.check_support(name, domain)?;
        let (mean, variance) = (self.mean(), self.variance());
        if mean.is_finite() && variance.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid(
                name,
                self,
                "the law's mean or variance overflows: the parameters are too extreme",
            ))
        }
    }

    /// The law's own rules, with errors named by sub-field (empty for a fixed value).
    fn check_numbers(&self) -> Result<()> {
        match *self {
            Param::Fixed(x) => {
                check::finite("", x)?;
            }
            Param::Normal { mean, std_dev } => {
                check::finite("mean", mean)?;
                check::non_negative("std_dev", std_dev)?;
            }
            Param::LogNormal { median, sigma } => {
                check::positive("median", median)?;
                check::non_negative("sigma", sigma)?;
            }
            Param::Uniform { min, max } => check_range(min, max)?,
            Param::Triangular { min, mode, max } | Param::Pert { min, mode, max } => {
                check_range(min, max)?;
                check::within("mode", mode, min, max)?;
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                check::positive("alpha", alpha)?;
                check::positive("beta", beta)?;
                check_range(min, max)?;
            }
        }
        Ok(())
    }

    /// The closed hull of the values the law can draw.
    fn support(&self) -> Domain {
        match *self {
            Param::Fixed(x) => Domain::closed(x, x),
            Param::Normal { mean, std_dev: 0.0 } => Domain::closed(mean, mean),
            Param::Normal { .. } => Domain::any(),
            Param::LogNormal { median, sigma: 0.0 } => Domain::closed(median, median),
            Param::LogNormal { .. } => Domain::positive(),
            Param::Uniform { min, max }
            | Param::Triangular { min, max, .. }
            | Param::Pert { min, max, .. }
            | Param::Beta { min, max, .. } => Domain::closed(min, max),
        }
    }

    /// The support must lie in the domain; assumes [`Param::check_numbers`] passed.
    fn check_support(&self, name: &str, domain: Domain) -> Result<()> {
        if domain.includes(&self.support()) {
            return Ok(());
        }
        let err = match *self {
            Param::Fixed(x) => Error::invalid(name, x, format!("must lie in {domain}")),
            Param::Normal { mean, .. } | Param::LogNormal { median: mean, .. }
                if self.variance() == 0.0 =>
            {
                let field = if let Param::Normal { .. } = self {
                    "mean"
                } else {
                    "median"
                };
                Error::invalid(
                    field,
                    mean,
                    format!(
                        "must lie in {domain} (the {} law has zero spread)",
                        self.law()
                    ),
                )
                .within(name)
            }
            Param::Normal { .. } | Param::LogNormal { .. } => {
                Error::invalid(name, self, self.unbounded_rule(domain))
            }
            Param::Uniform { min, max }
            | Param::Triangular { min, max, .. }
            | Param::Pert { min, max, .. }
            | Param::Beta { min, max, .. } => {
                let (field, value) = if domain.contains(min) {
                    ("max", max)
                } else {
                    ("min", min)
                };
                Error::invalid(
                    field,
                    value,
                    format!(
                        "a {} law draws values in [{}, {}], which must lie in {domain}: \
                         choose min and max inside {domain}",
                        self.law(),
                        readable(min),
                        readable(max)
                    ),
                )
                .within(name)
            }
        };
        Err(err)
    }

    /// The rule broken by a normal or log-normal law of positive spread whose
    /// support leaves `domain`, with the laws that would fit.
    fn unbounded_rule(&self, domain: Domain) -> String {
        let reach = if let Param::Normal { .. } = self {
            "any real"
        } else {
            "any positive"
        };
        let log_normal = if domain.includes(&Domain::positive()) {
            ", or a log_normal law"
        } else {
            ""
        };
        format!(
            "a {} law can draw {reach} number, but the value must lie in {domain}: \
             use a bounded law (uniform, triangular, pert or beta) with [min, max] \
             inside {domain}{log_normal}",
            self.law()
        )
    }
}

/// `min` and `max` finite with `min < max`.
fn check_range(min: f64, max: f64) -> Result<()> {
    check::finite("min", min)?;
    check::finite("max", max)?;
    if min < max {
        Ok(())
    } else {
        Err(Error::invalid(
            "min",
            min,
            format!("must be < `max` ({})", readable(max)),
        ))
    }
}

/// Beta shapes of the PERT law of shape 4 on `[min, max]`.
fn pert_shapes(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}

/// Variance of `range * B` with `B ~ Beta(alpha, beta)`.
fn scaled_beta_variance(alpha: f64, beta: f64, range: f64) -> f64 {
    let s = alpha + beta;
    range * range * alpha * beta / (s * s * (s + 1.0))
}

/// The `u`-quantile of `min + (max - min) B` with `B ~ Beta(alpha, beta)`, clamped
/// to `[min, max]`.
fn scaled_beta_quantile(alpha: f64, beta: f64, min: f64, max: f64, u: f64) -> f64 {
    let unit = UnitBeta::new(alpha, beta).quantile(u);
    clamp(min + (max - min) * unit, min, max)
}

/// The distribution function of the point `at`: 0 below it, 1 from it on.
fn step(x: f64, at: f64) -> f64 {
    if x >= at { 1.0 } else { 0.0 }
}

/// One draw from a sampler, or NaN when its constructor rejected the parameters
/// (only possible for a parameter that fails validation).
#[inline]
fn draw<D: Distribution<f64>, E, R: Rng + ?Sized>(sampler: Result<D, E>, rng: &mut R) -> f64 {
    sampler.map_or(f64::NAN, |d| d.sample(rng))
}

/// `x` clamped to `[lo, hi]`, NaN passing through; never panics.
#[inline]
fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

impl From<f64> for Param {
    fn from(x: f64) -> Self {
        Param::Fixed(x)
    }
}

impl fmt::Display for Param {
    /// A fixed value as the number, a law as `name(field = value, ...)`, numbers in
    /// the readable form of [`readable`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = readable;
        match *self {
            Param::Fixed(x) => write!(f, "{}", r(x)),
            Param::Normal { mean, std_dev } => {
                write!(f, "normal(mean = {}, std_dev = {})", r(mean), r(std_dev))
            }
            Param::LogNormal { median, sigma } => {
                write!(
                    f,
                    "log_normal(median = {}, sigma = {})",
                    r(median),
                    r(sigma)
                )
            }
            Param::Uniform { min, max } => {
                write!(f, "uniform(min = {}, max = {})", r(min), r(max))
            }
            Param::Triangular { min, mode, max } | Param::Pert { min, mode, max } => {
                write!(
                    f,
                    "{}(min = {}, mode = {}, max = {})",
                    self.law(),
                    r(min),
                    r(mode),
                    r(max)
                )
            }
            Param::Beta {
                alpha,
                beta,
                min,
                max,
            } => write!(
                f,
                "beta(alpha = {}, beta = {}, min = {}, max = {})",
                r(alpha),
                r(beta),
                r(min),
                r(max)
            ),
        }
    }
}

/// The serde form of the distributions of [`Param`], as a table tagged by `dist`;
/// bare numbers are handled by the hand-written impls below.
#[derive(Serialize, Deserialize)]
#[serde(
    remote = "Param",
    tag = "dist",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum ParamDef {
    #[serde(skip)]
    Fixed(f64),
    Normal {
        mean: f64,
        std_dev: f64,
    },
    LogNormal {
        median: f64,
        sigma: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default)]
        min: f64,
        #[serde(default = "one")]
        max: f64,
    },
}

fn one() -> f64 {
    1.0
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Param::Fixed(x) => serializer.serialize_f64(x),
            _ => ParamDef::serialize(self, serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParamVisitor)
    }
}

/// Bare numbers become [`Param::Fixed`]; tables go to the tagged [`ParamDef`] form.
struct ParamVisitor;

impl<'de> Visitor<'de> for ParamVisitor {
    type Value = Param;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a distribution table with a `dist` key")
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Param, E> {
        Ok(Param::Fixed(x))
    }

    fn visit_i64<E: de::Error>(self, x: i64) -> Result<Param, E> {
        Ok(Param::Fixed(x as f64))
    }

    fn visit_u64<E: de::Error>(self, x: u64) -> Result<Param, E> {
        Ok(Param::Fixed(x as f64))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Param, A::Error> {
        ParamDef::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_display_and_contain() {
        assert_eq!(Domain::any().to_string(), "(-inf, inf)");
        assert_eq!(Domain::positive().to_string(), "(0, inf)");
        assert_eq!(Domain::non_negative().to_string(), "[0, inf)");
        assert_eq!(Domain::unit().to_string(), "[0, 1]");
        assert_eq!(Domain::closed(-1.0, 2.5).to_string(), "[-1, 2.5]");
        assert_eq!(Domain::at_least(1.0).to_string(), "[1, inf)");
        assert_eq!(Domain::greater_than(-1.0).to_string(), "(-1, inf)");
        assert!(Domain::any().contains(-1e300));
        assert!(!Domain::any().contains(f64::INFINITY));
        assert!(!Domain::any().contains(f64::NAN));
        assert!(Domain::non_negative().contains(0.0));
        assert!(!Domain::positive().contains(0.0));
        assert!(!Domain::unit().contains(1.0 + 1e-12));
        assert!(!Domain::closed(1.0, 0.0).contains(0.5));
    }

    #[test]
    fn inclusion_respects_open_ends() {
        assert!(Domain::any().includes(&Domain::any()));
        assert!(Domain::non_negative().includes(&Domain::positive()));
        assert!(!Domain::positive().includes(&Domain::non_negative()));
        assert!(!Domain::positive().includes(&Domain::any()));
        assert!(Domain::positive().includes(&Domain::positive()));
        assert!(Domain::unit().includes(&Domain::closed(0.0, 1.0)));
        assert!(!Domain::unit().includes(&Domain::positive()));
        assert!(Domain::at_least(0.0).includes(&Domain::closed(0.0, 0.0)));
        assert!(!Domain::any().includes(&Domain::closed(1.0, 0.0)));
        assert!(!Domain::any().includes(&Domain::closed(f64::NAN, 1.0)));
    }

    #[test]
    fn pert_variance_is_the_textbook_form() {
        // Var = (mean - min)(max - mean) / 7 for shape 4.
        let p = Param::Pert {
            min: 1.0,
            mode: 2.0,
            max: 5.0,
        };
        let m = p.mean();
        assert!((p.variance() - (m - 1.0) * (5.0 - m) / 7.0).abs() < 1e-12);
    }

    #[test]
    fn display_names_the_law() {
        assert_eq!(Param::fixed(0.5).to_string(), "0.5");
        let p = Param::Pert {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        };
        assert_eq!(p.to_string(), "pert(min = 0, mode = 1, max = 2)");
    }
}
