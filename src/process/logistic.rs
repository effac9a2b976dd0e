//! Stochastic logistic (S-curve) adoption growth.

use super::{GaussianDriven, Process, Transition, check_dt, standard_normal};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Stochastic S-curve adoption: logistic growth at rate `r` towards a capacity `K`
/// with multiplicative noise of volatility `sigma`, `X_0 = x0 > 0`.
///
/// The deterministic part is the logistic ODE `dx/dt = r x (1 - x / K)`, whose exact
/// flow is `phi_t(x) = K / (1 + (K / x - 1) e^{-r t})`.
///
/// **Definition** (the step *is* the law): over a step `dt`, with `Z ~ N(0, 1)`,
/// `X_{t+dt} = phi_dt(X_t) exp(sigma sqrt(dt) Z - sigma^2 dt / 2)`.
/// This is the Lie-Trotter splitting of the SDE
/// `dX = r X (1 - X / K) dt + sigma X dW` (exact logistic flow, then the exact
/// driftless geometric noise). That SDE has no closed-form transition, so this
/// process is *not* its exact law: it matches it to weak order 1 in `dt`, and its law
/// depends on `dt` when `sigma > 0`. What holds exactly, for every `dt`:
/// * for `sigma = 0` the path is the ODE solution on the grid,
///   [`deterministic`](Logistic::deterministic);
/// * `E[X_{t+dt} | X_t] = phi_dt(X_t)` and
///   `Var[ln X_{t+dt} | X_t] = sigma^2 dt` (checked in the tests);
/// * `X_t > 0`; a start above `K` decays towards `K`.
///
/// The unconditional mean is not `phi_t(x0)` when `sigma > 0` (the flow is not
/// linear), and has no closed form.
///
/// The rate must be `>= 0`: with `r < 0` and `x0 > K` the flow explodes in finite
/// time, and a declining curve is not an adoption curve.
///
/// ```
/// use outpace::process::{Logistic, Process};
/// let adoption = Logistic::new(1.2, 1_000.0, 0.1, 10.0)?;
/// assert!((adoption.deterministic(0.0) - 10.0).abs() < 1e-12);
/// assert!(adoption.deterministic(20.0) > 999.0);
/// assert!(Logistic::new(1.2, 0.0, 0.1, 10.0).is_err()); // capacity must be > 0
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LogisticParams")]
pub struct Logistic {
    rate: f64,
    capacity: f64,
    sigma: f64,
    x0: f64,
}

/// The serialised form of [`Logistic`], validated through [`Logistic::new`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogisticParams {
    rate: f64,
    capacity: f64,
    sigma: f64,
    x0: f64,
}

impl TryFrom<LogisticParams> for Logistic {
    type Error = Error;

    fn try_from(p: LogisticParams) -> Result<Self> {
        Logistic::new(p.rate, p.capacity, p.sigma, p.x0)
    }
}

/// `phi(x) = K / (1 + (K / x - 1) decay)` with `decay = e^{-r t}`.
#[inline(always)]
fn logistic_flow(x: f64, capacity: f64, decay: f64) -> f64 {
    capacity / (1.0 + (capacity / x - 1.0) * decay)
}

impl Logistic {
    /// Logistic growth with rate `rate` (finite, `>= 0`), capacity `capacity`
    /// (finite, `> 0`), volatility `sigma` (finite, `>= 0`) and start `x0`
    /// (finite, `> 0`; it may exceed the capacity).
    pub fn new(rate: f64, capacity: f64, sigma: f64, x0: f64) -> Result<Self> {
        Ok(Logistic {
            rate: check::non_negative("rate", rate)?,
            capacity: check::positive("capacity", capacity)?,
            sigma: check::non_negative("sigma", sigma)?,
            x0: check::positive("x0", x0)?,
        })
    }

    /// Growth rate `r`.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Capacity `K`, the saturation level.
    pub fn capacity(&self) -> f64 {
        self.capacity
    }

    /// Volatility of the multiplicative noise.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Starting level.
    pub fn x0(&self) -> f64 {
        self.x0
    }

    /// The logistic flow `phi_t(x) = K / (1 + (K / x - 1) e^{-r t})`: the ODE
    /// solution at time `t` from `x`, and `E[X_{s+t} | X_s = x]` for one step `t`.
    pub fn flow(&self, x: f64, t: f64) -> f64 {
        logistic_flow(x, self.capacity, math::exp(-self.rate * t))
    }

    /// The noise-free curve `K / (1 + (K / x0 - 1) e^{-r t})`.
    pub fn deterministic(&self, t: f64) -> f64 {
        self.flow(self.x0, t)
    }
}

/// One step of [`Logistic`] for a fixed `dt`:
/// `X <- phi_dt(X) exp(vol Z - vol^2 / 2)`, `vol = sigma sqrt(dt)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogisticStep {
    capacity: f64,
    decay: f64,
    vol: f64,
    log_drift: f64,
}

impl LogisticStep {
    /// `e^{-r dt}`, the per-step decay of `K / X - 1` in the flow.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// Log-volatility per step, `sigma sqrt(dt)`.
    pub fn vol(&self) -> f64 {
        self.vol
    }

    /// `E[X_{t+dt} | X_t = x] = phi_dt(x)`.
    pub fn conditional_mean(&self, x: f64) -> f64 {
        logistic_flow(x, self.capacity, self.decay)
    }
}

impl Process for Logistic {
    type State = f64;
    type Transition = LogisticStep;

    fn initial_state(&self) -> f64 {
        self.x0
    }

    fn transition(&self, dt: f64) -> Result<LogisticStep> {
        let dt = check_dt(dt)?;
        let vol = self.sigma * dt.sqrt();
        Ok(LogisticStep {
            capacity: self.capacity,
            decay: math::exp(-self.rate * dt),
            vol,
            log_drift: -0.5 * vol * vol,
        })
    }

    fn value(&self, state: &f64) -> f64 {
        *state
    }
}

impl Transition for LogisticStep {
    type State = f64;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut f64, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for LogisticStep {
    #[inline(always)]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut f64, z: f64, _rng: &mut R) {
        *state = self.conditional_mean(*state) * math::exp(self.log_drift + self.vol * z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(rate: f64, capacity: f64, sigma: f64, x0: f64) -> String {
        Logistic::new(rate, capacity, sigma, x0)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        assert!(err(-0.1, 1.0, 0.1, 0.5).contains("`rate`"));
        let e = err(f64::NAN, 1.0, 0.1, 0.5);
        assert!(e.contains("`rate`") && e.contains("NaN"), "{e}");
        assert!(err(1.0, 0.0, 0.1, 0.5).contains("`capacity`"));
        assert!(err(1.0, f64::INFINITY, 0.1, 0.5).contains("`capacity`"));
        assert!(err(1.0, 1.0, -0.1, 0.5).contains("`sigma`"));
        assert!(err(1.0, 1.0, f64::INFINITY, 0.5).contains("`sigma`"));
        assert!(err(1.0, 1.0, 0.1, 0.0).contains("`x0`"));
        assert!(err(1.0, 1.0, 0.1, f64::NAN).contains("`x0`"));
        let logistic = Logistic::new(1.0, 1.0, 0.1, 0.5).unwrap();
        let e = logistic.transition(-1.0).unwrap_err().to_string();
        assert!(e.contains("`dt`"), "{e}");
        assert!(logistic.transition(f64::NAN).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let logistic = Logistic::new(0.8, 500.0, 0.2, 5.0).unwrap();
        let json = serde_json::to_string(&logistic).unwrap();
        assert_eq!(serde_json::from_str::<Logistic>(&json).unwrap(), logistic);
        let bad = r#"{"rate":0.8,"capacity":-1,"sigma":0.2,"x0":5}"#;
        let bad = serde_json::from_str::<Logistic>(bad).unwrap_err();
        assert!(bad.to_string().contains("`capacity`"), "{bad}");
        let unknown = r#"{"rate":0.8,"capacity":1,"sigma":0.2,"x0":5,"k":1}"#;
        let unknown = serde_json::from_str::<Logistic>(unknown).unwrap_err();
        assert!(unknown.to_string().contains("unknown field"));
    }

    #[test]
    fn flow_fixes_the_capacity_and_zero_rate_is_constant() {
        let logistic = Logistic::new(2.0, 10.0, 0.0, 10.0).unwrap();
        assert_eq!(logistic.deterministic(3.0), 10.0);
        let flat = Logistic::new(0.0, 10.0, 0.0, 3.0).unwrap();
        assert!((flat.deterministic(100.0) - 3.0).abs() < 1e-14);
        // From above the capacity the curve decays monotonically towards it.
        let above = Logistic::new(1.0, 10.0, 0.0, 40.0).unwrap();
        let (a, b) = (above.deterministic(0.5), above.deterministic(1.0));
        assert!(40.0 > a && a > b && b > 10.0);
    }

    #[test]
    fn extreme_states_stay_finite_and_non_negative() {
        let step = Logistic::new(1.0, 1.0, 0.0, 1.0)
            .unwrap()
            .transition(0.1)
            .unwrap();
        for x in [0.0, f64::MIN_POSITIVE, 1e-300, 1e300] {
            let phi = step.conditional_mean(x);
            assert!(phi.is_finite() && phi >= 0.0, "phi({x}) = {phi}");
        }
    }
}
