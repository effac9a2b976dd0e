//! Fitted parameters with standard errors, and the numerical maximum-likelihood
//! driver shared by the estimators without a closed form.

use crate::error::{Error, Result};
use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;
use nalgebra::{DMatrix, DVector};

/// How a reported parameter was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Estimated by maximum likelihood.
    Free,
    /// Held at a stated value (a judgement), not estimated.
    Fixed,
    /// Constrained equal to the named parameter (estimated with it).
    Tied(&'static str),
    /// A function of the estimated parameters (its standard error by the delta
    /// method).
    Derived,
}

/// One reported parameter: its value, its standard error and how it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Parameter name, e.g. `sigma` or `baseline[Alibaba]`.
    pub name: String,
    /// Estimate (or the fixed value).
    pub value: f64,
    /// Standard error from the observed information; `None` for a fixed parameter,
    /// and when the information matrix is not positive definite (a flat or
    /// boundary likelihood: the data do not identify the parameters).
    pub std_error: Option<f64>,
    /// How the value was obtained.
    pub held: Held,
}

impl Estimate {
    /// The Wald interval `value -/+ z se` at two-sided `level` (e.g. 0.95), if the
    /// standard error is known.
    pub fn interval(&self, level: f64) -> Option<(f64, f64)> {
        let z = normal_quantile(0.5 + 0.5 * level)?;
        let se = self.std_error?;
        Some((self.value - z * se, self.value + z * se))
    }
}

/// Quantile of the standard normal law, for `p` in `(0, 1)`.
pub(crate) fn normal_quantile(p: f64) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    Some(Normal::standard().inverse_cdf(p))
}

/// The result of a maximum-likelihood fit: reported parameters, their covariance
/// (observed information, mapped to the reported parameters by the delta method),
/// the maximised log-likelihood and the number of observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    estimates: Vec<Estimate>,
    covariance: Option<DMatrix<f64>>,
    log_likelihood: f64,
    observations: usize,
    free: usize,
}

impl Fit {
    /// Assembles a fit. `covariance` is over all `estimates`, in their order.
    pub(crate) fn new(
        estimates: Vec<Estimate>,
        covariance: Option<DMatrix<f64>>,
        log_likelihood: f64,
        observations: usize,
        free: usize,
    ) -> Fit {
        Fit {
            estimates,
            covariance,
            log_likelihood,
            observations,
            free,
        }
    }

    /// All reported parameters: free, fixed, tied and derived.
    pub fn estimates(&self) -> &[Estimate] {
        &self.estimates
    }

    /// The parameter named `name`.
    pub fn estimate(&self, name: &str) -> Option<&Estimate> {
        self.estimates.iter().find(|e| e.name == name)
    }

    /// Value of parameter `name` (panics if there is none: names are fixed per
    /// estimator and documented).
    pub fn value(&self, name: &str) -> f64 {
        self.estimate(name)
            .unwrap_or_else(|| panic!("no parameter `{name}` in this fit"))
            .value
    }

    /// Standard error of parameter `name`, if known.
    pub fn std_error(&self, name: &str) -> Option<f64> {
        self.estimate(name).and_then(|e| e.std_error)
    }

    /// Estimated covariance of parameters `a` and `b`, if known.
    pub fn covariance(&self, a: &str, b: &str) -> Option<f64> {
        let i = self.estimates.iter().position(|e| e.name == a)?;
        let j = self.estimates.iter().position(|e| e.name == b)?;
        self.covariance.as_ref().map(|c| c[(i, j)])
    }

    /// The covariance matrix over all estimates, in their order.
    pub(crate) fn covariance_matrix(&self) -> Option<&DMatrix<f64>> {
        self.covariance.as_ref()
    }

    /// Standard error of `value(a) - value(b)`, from the covariance.
    pub fn std_error_of_difference(&self, a: &str, b: &str) -> Option<f64> {
        let v = self.covariance(a, a)? + self.covariance(b, b)? - 2.0 * self.covariance(a, b)?;
        (v >= 0.0).then(|| v.sqrt())
    }

    /// Whether the observed information was positive definite, so that every
    /// estimated parameter has a standard error.
    pub fn identified(&self) -> bool {
        self.covariance.is_some()
    }

    /// The maximised log-likelihood.
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Number of observations (increments, events or values) the likelihood sums
    /// over.
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// Number of estimated (free) parameters.
    pub fn free_parameters(&self) -> usize {
        self.free
    }

    /// Akaike's information criterion `2 k - 2 ln L`.
    pub fn aic(&self) -> f64 {
        2.0 * self.free as f64 - 2.0 * self.log_likelihood
    }

    /// Names of the parameters held fixed.
    pub fn fixed(&self) -> Vec<&str> {
        self.estimates
            .iter()
            .filter(|e| e.held == Held::Fixed)
            .map(|e| e.name.as_str())
            .collect()
    }
}

/// A log-likelihood over unconstrained coordinates `u` (logs of positive
/// parameters, say), and the map from `u` to the reported parameters.
pub(crate) trait Likelihood {
    /// Log-likelihood at `u`; `-inf` outside the admissible region, never NaN.
    fn log_likelihood(&self, u: &[f64]) -> f64;
    /// All reported parameters at `u`, in report order.
    fn report(&self, u: &[f64]) -> Vec<f64>;
}

/// Rounds of Nelder-Mead from one start: each restarts from the best point with
/// a fresh simplex, which rescues the simplex from a collapse far from the
/// optimum.
const ROUNDS: usize = 6;
/// Iterations per round.
const ITERATIONS: u64 = 4_000;
/// A round that improves the log-likelihood by less than this ends the search.
const IMPROVEMENT: f64 = 1e-10;
/// Standard deviation of the simplex's values at which a round stops.
const SIMPLEX_TOLERANCE: f64 = 1e-12;

/// The argmin cost: the negative log-likelihood, `+inf` where it is not finite.
struct Cost<'a, L>(&'a L);

impl<L: Likelihood> CostFunction for Cost<'_, L> {
    type Param = DVector<f64>;
    type Output = f64;

    fn cost(&self, u: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        let ll = self.0.log_likelihood(u.as_slice());
        Ok(if ll.is_finite() { -ll } else { f64::INFINITY })
    }
}

/// Maximises `model` from each of `starts` (whose log-likelihoods must be finite)
/// with argmin's Nelder-Mead, keeps the best, and computes the observed
/// information by central differences (finitediff) in `u`. Returns the maximiser
/// and the covariance of the reported parameters, `J I^{-1} J^T` with `J` the
/// Jacobian of [`Likelihood::report`] (`None` if the information is not positive
/// definite).
pub(crate) fn maximise<L: Likelihood>(
    model: &L,
    starts: &[Vec<f64>],
    step: f64,
) -> Result<(Vec<f64>, f64, Option<DMatrix<f64>>)> {
    let (u, ll) = best_of(model, starts, step)?;
    let covariance = information_inverse(model, &u).map(|inv| {
        let j = jacobian(model, &u);
        &j * inv * j.transpose()
    });
    Ok((u, ll, covariance))
}

/// The best maximiser found from `starts` and its log-likelihood, without the
/// information (for profile likelihoods).
pub(crate) fn best_of<L: Likelihood>(
    model: &L,
    starts: &[Vec<f64>],
    step: f64,
) -> Result<(Vec<f64>, f64)> {
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in starts {
        if !model.log_likelihood(start).is_finite() {
            continue;
        }
        let (u, ll) = search(model, start, step)?;
        if best.as_ref().is_none_or(|(_, b)| ll > *b) {
            best = Some((u, ll));
        }
    }
    best.ok_or_else(|| Error::Engine("the likelihood is not finite at any starting point".into()))
}

/// Rounds of Nelder-Mead from `start`.
fn search<L: Likelihood>(model: &L, start: &[f64], step: f64) -> Result<(Vec<f64>, f64)> {
    let mut u = start.to_vec();
    let mut ll = model.log_likelihood(&u);
    for round in 0..ROUNDS {
        let size = if round == 0 { step } else { step / 4.0 };
        let simplex = simplex(model, &u, size);
        let solver = NelderMead::new(simplex)
            .with_sd_tolerance(SIMPLEX_TOLERANCE)
            .map_err(optimiser_error)?;
        let result = Executor::new(Cost(model), solver)
            .configure(|state| {
                state
                    .param(DVector::from_column_slice(&u))
                    .max_iters(ITERATIONS)
            })
            .run()
            .map_err(optimiser_error)?;
        let state = result.state();
        let (Some(best), cost) = (state.get_best_param(), state.get_best_cost()) else {
            break;
        };
        let improved = -cost;
        if !improved.is_finite() || improved < ll {
            break;
        }
        let gain = improved - ll;
        u = best.as_slice().to_vec();
        ll = improved;
        if gain < IMPROVEMENT {
            break;
        }
    }
    Ok((u, ll))
}

/// A simplex around `u`: `u` and `u + size e_i`, with the step reversed or halved
/// where the likelihood is not finite (near the edge of the admissible region).
fn simplex<L: Likelihood>(model: &L, u: &[f64], size: f64) -> Vec<DVector<f64>> {
    let mut vertices = vec![DVector::from_column_slice(u)];
    for i in 0..u.len() {
        let mut v = u.to_vec();
        let mut h = size;
        for _ in 0..40 {
            v[i] = u[i] + h;
            if model.log_likelihood(&v).is_finite() {
                break;
            }
            v[i] = u[i] - h;
            if model.log_likelihood(&v).is_finite() {
                break;
            }
            h /= 2.0;
        }
        vertices.push(DVector::from_vec(v));
    }
    vertices
}

fn optimiser_error(e: argmin::core::Error) -> Error {
    Error::Engine(format!("the optimiser failed: {e}"))
}

/// `(-H)^{-1}` for the Hessian `H` of the log-likelihood at `u` by central
/// differences of central-difference gradients, if `-H` is positive definite.
fn information_inverse<L: Likelihood>(model: &L, u: &[f64]) -> Option<DMatrix<f64>> {
    let f = |x: &Vec<f64>| Ok(model.log_likelihood(x));
    let gradient = finitediff::vec::central_diff(&f);
    let hessian = finitediff::vec::central_hessian(&gradient)(&u.to_vec()).ok()?;
    let n = u.len();
    let information = DMatrix::from_fn(n, n, |i, j| -0.5 * (hessian[i][j] + hessian[j][i]));
    if information.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let cholesky = information.cholesky()?;
    Some(cholesky.inverse())
}

/// Jacobian of [`Likelihood::report`] at `u`, by central differences.
fn jacobian<L: Likelihood>(model: &L, u: &[f64]) -> DMatrix<f64> {
    let f = |x: &Vec<f64>| Ok(model.report(x));
    let rows =
        finitediff::vec::central_jacobian(&f)(&u.to_vec()).expect("the report map returns values");
    // finitediff returns one row per reported parameter: rows[r][c] = d report_r / d u_c.
    DMatrix::from_fn(rows.len(), u.len(), |r, c| rows[r][c])
}

/// Standard errors from the diagonal of a covariance, one per reported parameter
/// (`None` where the variance is negative through rounding or the parameter is
/// fixed).
pub(crate) fn std_errors(covariance: Option<&DMatrix<f64>>, held: &[Held]) -> Vec<Option<f64>> {
    held.iter()
        .enumerate()
        .map(|(i, h)| {
            let c = covariance?;
            let v = c[(i, i)];
            (*h != Held::Fixed && v >= 0.0).then(|| v.sqrt())
        })
        .collect()
}

/// Builds the estimates of a fit from names, values, how each was held and the
/// covariance.
pub(crate) fn estimates(
    names: Vec<String>,
    values: &[f64],
    held: &[Held],
    covariance: Option<&DMatrix<f64>>,
) -> Vec<Estimate> {
    let errors = std_errors(covariance, held);
    names
        .into_iter()
        .zip(values)
        .zip(held)
        .zip(errors)
        .map(|(((name, &value), &held), std_error)| Estimate {
            name,
            value,
            std_error,
            held,
        })
        .collect()
}
