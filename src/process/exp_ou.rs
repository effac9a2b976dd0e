//! Exponential Ornstein-Uhlenbeck process (a mean-reverting positive level).

use super::{GaussianDriven, Ou, OuStep, Process, Transition, standard_normal};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Exponential OU process `P_t = exp(Y_t)`, where `Y` is the [`Ou`] process
/// `dY = theta (mu - Y) dt + sigma dW` with `Y_0 = ln(p0)`.
///
/// A positive level whose logarithm reverts to `mu`: suited to prices or margins
/// that fluctuate around a long-run level rather than growing. The state is the
/// **log level** `Y`; [`Process::value`] returns `P = exp(Y)`.
///
/// **Exact transition**: the exact [`Ou`] step on `Y` (see [`OuStep`]),
/// `Y_{t+dt} = mu + (Y_t - mu) e^{-theta dt} + s Z`.
///
/// **Closed forms** (checked in the tests): `Y_t ~ N(m, v)` with
/// `m = mu + (ln p0 - mu) e^{-theta t}` and `v = sigma^2 (1 - e^{-2 theta t}) / (2 theta)`
/// (`sigma^2 t` at `theta = 0`), so `P_t` is lognormal:
/// `E[P_t] = e^{m + v / 2}`, `Var[P_t] = (e^v - 1) e^{2 m + v}`. For `theta > 0` the
/// stationary law is lognormal with `m = mu`, `v = sigma^2 / (2 theta)`. At
/// `theta = 0`, `P` is a driftless-in-log GBM (GBM with drift `sigma^2 / 2`).
///
/// ```
/// use outpace::process::{ExpOu, Process};
/// let p = ExpOu::new(1.0, 0.0, 0.2, 1.0)?;
/// assert!((p.stationary_mean() - 0.01f64.exp()).abs() < 1e-15);
/// assert_eq!(p.value(&p.initial_state()), 1.0);
/// assert!(ExpOu::new(1.0, 0.0, 0.2, 0.0).is_err()); // the level must be positive
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ExpOuParams", into = "ExpOuParams")]
pub struct ExpOu {
    log: Ou,
    p0: f64,
}

/// The serialised form of [`ExpOu`], validated through [`ExpOu::new`] on the way in.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpOuParams {
    theta: f64,
    mu: f64,
    sigma: f64,
    p0: f64,
}

impl TryFrom<ExpOuParams> for ExpOu {
    type Error = Error;

    fn try_from(p: ExpOuParams) -> Result<Self> {
        ExpOu::new(p.theta, p.mu, p.sigma, p.p0)
    }
}

impl From<ExpOu> for ExpOuParams {
    fn from(p: ExpOu) -> Self {
        ExpOuParams {
            theta: p.theta(),
            mu: p.mu(),
            sigma: p.sigma(),
            p0: p.p0,
        }
    }
}

/// Mean and variance of `e^Y` for `Y ~ N(m, v)`: `e^{m + v/2}` and
/// `(e^v - 1) e^{2m + v}`.
fn lognormal_moments(m: f64, v: f64) -> (f64, f64) {
    ((m + 0.5 * v).exp(), v.exp_m1() * (2.0 * m + v).exp())
}

impl ExpOu {
    /// Exponential OU with reversion speed `theta` (finite, `>= 0`), long-run log
    /// level `mu` (finite), log-volatility `sigma` (finite, `>= 0`) and start level
    /// `p0` (finite, `> 0`).
    pub fn new(theta: f64, mu: f64, sigma: f64, p0: f64) -> Result<Self> {
        let p0 = check::positive("p0", p0)?;
        Ok(ExpOu {
            log: Ou::new(theta, mu, sigma, libm::log(p0))?,
            p0,
        })
    }

    /// Mean-reversion speed of the log level.
    pub fn theta(&self) -> f64 {
        self.log.theta()
    }

    /// Long-run log level.
    pub fn mu(&self) -> f64 {
        self.log.mu()
    }

    /// Volatility of the log level.
    pub fn sigma(&self) -> f64 {
        self.log.sigma()
    }

    /// Starting level `P_0`.
    pub fn p0(&self) -> f64 {
        self.p0
    }

    /// The OU process `Y = ln P` of the log level.
    pub fn log_process(&self) -> &Ou {
        &self.log
    }

    /// `E[ln P_t] = mu + (ln p0 - mu) e^{-theta t}`.
    pub fn log_mean(&self, t: f64) -> f64 {
        self.log.mean(t)
    }

    /// `Var[ln P_t] = sigma^2 (1 - e^{-2 theta t}) / (2 theta)` (`sigma^2 t` at
    /// `theta = 0`).
    pub fn log_variance(&self, t: f64) -> f64 {
        self.log.variance(t)
    }

    /// `E[P_t] = e^{m + v / 2}` with `m`, `v` the log mean and variance.
    pub fn mean(&self, t: f64) -> f64 {
        lognormal_moments(self.log_mean(t), self.log_variance(t)).0
    }

    /// `Var[P_t] = (e^v - 1) e^{2 m + v}` with `m`, `v` the log mean and variance.
    pub fn variance(&self, t: f64) -> f64 {
        lognormal_moments(self.log_mean(t), self.log_variance(t)).1
    }

    /// Mean of the stationary lognormal law, `e^{mu + sigma^2 / (4 theta)}`.
    ///
    /// Returns [`f64::INFINITY`] when `theta = 0` (no stationary law: `E[P_t]`
    /// grows without bound).
    pub fn stationary_mean(&self) -> f64 {
        lognormal_moments(self.log.stationary_mean(), self.log.stationary_variance()).0
    }

    /// Variance of the stationary lognormal law, `(e^v - 1) e^{2 mu + v}` with
    /// `v = sigma^2 / (2 theta)`.
    ///
    /// Returns [`f64::INFINITY`] when `theta = 0` (no stationary law).
    pub fn stationary_variance(&self) -> f64 {
        lognormal_moments(self.log.stationary_mean(), self.log.stationary_variance()).1
    }
}

/// Exact exponential-OU step for a fixed `dt`: the exact [`OuStep`] on the log level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpOuStep {
    log: OuStep,
}

impl ExpOuStep {
    /// The exact OU step applied to the log level.
    pub fn log_step(&self) -> &OuStep {
        &self.log
    }
}

impl Process for ExpOu {
    type State = f64;
    type Transition = ExpOuStep;

    /// The log level `ln p0`.
    fn initial_state(&self) -> f64 {
        self.log.initial_state()
    }

    fn transition(&self, dt: f64) -> Result<ExpOuStep> {
        Ok(ExpOuStep {
            log: self.log.transition(dt)?,
        })
    }

    const LOG_STATE: bool = true;

    /// The level `P = exp(Y)` of a log-level state `Y`.
    fn value(&self, state: &f64) -> f64 {
        math::exp(*state)
    }

    fn log_value(&self, state: &f64) -> f64 {
        *state
    }
}

impl Transition for ExpOuStep {
    type State = f64;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut f64, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for ExpOuStep {
    #[inline(always)]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut f64, z: f64, rng: &mut R) {
        self.log.step_with(state, z, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    fn message(r: Result<impl std::fmt::Debug>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        for p0 in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = message(ExpOu::new(1.0, 0.0, 0.1, p0));
            assert!(err.contains("`p0`") && err.contains("> 0"), "{err}");
        }
        for theta in [f64::NAN, -0.1] {
            assert!(message(ExpOu::new(theta, 0.0, 0.1, 1.0)).contains("`theta`"));
        }
        assert!(message(ExpOu::new(1.0, f64::NAN, 0.1, 1.0)).contains("`mu`"));
        assert!(message(ExpOu::new(1.0, 0.0, -0.1, 1.0)).contains("`sigma`"));
        let p = ExpOu::new(1.0, 0.0, 0.1, 1.0).unwrap();
        assert!(message(p.transition(0.0)).contains("`dt`"));
        assert!(p.transition(f64::NAN).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        // p0 is stored as given, so it survives the round trip bit for bit.
        let p = ExpOu::new(0.5, 1.0, 0.3, 0.1).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""p0":0.1"#), "{json}");
        assert_eq!(serde_json::from_str::<ExpOu>(&json).unwrap(), p);
        let bad = r#"{"theta":1,"mu":0,"sigma":1,"p0":-2}"#;
        let bad = serde_json::from_str::<ExpOu>(bad).unwrap_err();
        assert!(bad.to_string().contains("`p0`"), "{bad}");
        let unknown = r#"{"theta":1,"mu":0,"sigma":1,"p0":1,"x0":0}"#;
        let unknown = serde_json::from_str::<ExpOu>(unknown).unwrap_err();
        assert!(unknown.to_string().contains("unknown field"), "{unknown}");
    }

    #[test]
    fn state_is_the_log_level_stepped_by_the_ou_step() {
        let p = ExpOu::new(1.2, 0.3, 0.25, 2.0).unwrap();
        assert_eq!(p.initial_state(), 2.0f64.ln());
        assert_eq!(p.value(&p.initial_state()), 2.0f64.ln().exp());
        let step = p.transition(0.5).unwrap();
        assert_eq!(*step.log_step(), p.log_process().transition(0.5).unwrap());
        let mut rng = PathStreams::new(9, 0).rng(Component::new(0));
        let (mut y, mut x) = (p.initial_state(), p.initial_state());
        step.step_with(&mut y, -0.7, &mut rng);
        step.log_step().step_with(&mut x, -0.7, &mut rng);
        assert_eq!(y, x);
    }

    #[test]
    fn moments_are_lognormal_in_the_log_moments() {
        let p = ExpOu::new(0.8, -0.2, 0.5, 3.0).unwrap();
        let (m, v) = (p.log_mean(1.5), p.log_variance(1.5));
        assert!((p.mean(1.5) - (m + v / 2.0).exp()).abs() < 1e-15);
        let var = (v.exp() - 1.0) * (2.0 * m + v).exp();
        assert!((p.variance(1.5) - var).abs() < 1e-14 * var);
        let vs: f64 = 0.25 / 1.6;
        assert!((p.stationary_mean() - (-0.2 + vs / 2.0).exp()).abs() < 1e-15);
    }

    #[test]
    fn zero_theta_has_no_stationary_law() {
        let p = ExpOu::new(0.0, 0.0, 0.3, 1.0).unwrap();
        assert_eq!(p.stationary_mean(), f64::INFINITY);
        assert_eq!(p.stationary_variance(), f64::INFINITY);
        assert!((p.mean(2.0) - (0.09f64).exp()).abs() < 1e-15);
    }
}
