//! Geometric Brownian motion.

use super::{GaussianDriven, Process, Transition, check_dt, standard_normal};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Geometric Brownian motion `dS = mu S dt + sigma S dW`, `S_0 = x0 > 0`.
///
/// **Exact transition** over a step `dt` with `Z ~ N(0, 1)`:
/// `S_{t+dt} = S_t exp((mu - sigma^2 / 2) dt + sigma sqrt(dt) Z)`.
///
/// **Closed forms** (checked in the tests): `E[S_t] = x0 e^{mu t}`,
/// `Var[S_t] = x0^2 e^{2 mu t} (e^{sigma^2 t} - 1)`.
///
/// The state is the log-return `u_t = ln(S_t / x0)` ([`LogReturn`]), advanced by
/// `u <- u + (mu - sigma^2 / 2) dt + sigma sqrt(dt) Z`, and the level is
/// `S_t = x0 e^{u_t}`: the start is exactly `x0`, and [`Process::log_value`] needs no
/// `exp`.
///
/// ```
/// use outpace::process::{Gbm, Process};
/// let gbm = Gbm::new(0.1, 0.3, 1.0)?;
/// assert!((gbm.mean(1.0) - 0.1f64.exp()).abs() < 1e-15);
/// assert!(Gbm::new(0.1, -0.3, 1.0).is_err()); // negative volatility
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GbmParams")]
pub struct Gbm {
    mu: f64,
    sigma: f64,
    x0: f64,
    #[serde(skip_serializing)]
    log_x0: f64,
}

/// The state of an exponential process ([`Gbm`], [`Merton`](super::Merton)): the
/// log-return since the start.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LogReturn {
    /// `ln(S_t / x0)`.
    pub log_return: f64,
}

/// The serialised form of [`Gbm`], validated through [`Gbm::new`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GbmParams {
    mu: f64,
    sigma: f64,
    x0: f64,
}

impl TryFrom<GbmParams> for Gbm {
    type Error = Error;

    fn try_from(p: GbmParams) -> Result<Self> {
        Gbm::new(p.mu, p.sigma, p.x0)
    }
}

impl Gbm {
    /// GBM with drift `mu` (finite), volatility `sigma` (finite, `>= 0`) and start
    /// `x0` (finite, `> 0`).
    pub fn new(mu: f64, sigma: f64, x0: f64) -> Result<Self> {
        let x0 = check::positive("x0", x0)?;
        Ok(Gbm {
            mu: check::finite("mu", mu)?,
            sigma: check::non_negative("sigma", sigma)?,
            x0,
            log_x0: libm::log(x0),
        })
    }

    /// Drift rate.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// Volatility.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Starting level.
    pub fn x0(&self) -> f64 {
        self.x0
    }

    /// `E[S_t]`.
    pub fn mean(&self, t: f64) -> f64 {
        self.x0 * (self.mu * t).exp()
    }

    /// `Var[S_t]`.
    pub fn variance(&self, t: f64) -> f64 {
        self.x0 * self.x0 * (2.0 * self.mu * t).exp() * (self.sigma * self.sigma * t).exp_m1()
    }
}

/// Exact GBM step for a fixed `dt`: `u <- u + drift + vol Z` on the log-return.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GbmStep {
    drift: f64,
    vol: f64,
}

impl GbmStep {
    /// Log-drift per step, `(mu - sigma^2 / 2) dt`.
    pub fn drift(&self) -> f64 {
        self.drift
    }

    /// Log-volatility per step, `sigma sqrt(dt)`.
    pub fn vol(&self) -> f64 {
        self.vol
    }
}

impl Process for Gbm {
    type State = LogReturn;
    type Transition = GbmStep;

    fn initial_state(&self) -> LogReturn {
        LogReturn::default()
    }

    fn transition(&self, dt: f64) -> Result<GbmStep> {
        let dt = check_dt(dt)?;
        Ok(GbmStep {
            drift: (self.mu - 0.5 * self.sigma * self.sigma) * dt,
            vol: self.sigma * dt.sqrt(),
        })
    }

    const LOG_STATE: bool = true;

    #[inline]
    fn value(&self, state: &LogReturn) -> f64 {
        math::exp(self.log_value(state))
    }

    #[inline]
    fn log_value(&self, state: &LogReturn) -> f64 {
        self.log_x0 + state.log_return
    }
}

impl Transition for GbmStep {
    type State = LogReturn;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut LogReturn, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for GbmStep {
    #[inline(always)]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut LogReturn, z: f64, _rng: &mut R) {
        state.log_return += self.drift + self.vol * z;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_parameters_naming_them() {
        let err = Gbm::new(f64::NAN, 0.2, 1.0).unwrap_err().to_string();
        assert!(err.contains("`mu`") && err.contains("NaN"), "{err}");
        assert!(
            Gbm::new(0.0, -0.1, 1.0)
                .unwrap_err()
                .to_string()
                .contains("`sigma`")
        );
        assert!(
            Gbm::new(0.0, 0.1, 0.0)
                .unwrap_err()
                .to_string()
                .contains("`x0`")
        );
        let gbm = Gbm::new(0.0, 0.1, 1.0).unwrap();
        assert!(
            gbm.transition(0.0)
                .unwrap_err()
                .to_string()
                .contains("`dt`")
        );
        assert!(gbm.transition(f64::INFINITY).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let gbm = Gbm::new(0.1, 0.3, 1.5).unwrap();
        let json = serde_json::to_string(&gbm).unwrap();
        assert_eq!(serde_json::from_str::<Gbm>(&json).unwrap(), gbm);
        let bad = serde_json::from_str::<Gbm>(r#"{"mu":0.1,"sigma":-1,"x0":1}"#).unwrap_err();
        assert!(bad.to_string().contains("`sigma`"), "{bad}");
        let unknown = serde_json::from_str::<Gbm>(r#"{"mu":0.1,"sigma":1,"x0":1,"s":2}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn zero_volatility_is_deterministic_exponential_growth() {
        let gbm = Gbm::new(0.07, 0.0, 2.0).unwrap();
        let step = gbm.transition(0.25).unwrap();
        let mut rng = crate::engine::PathStreams::new(1, 0).rng(crate::engine::Component::new(0));
        let mut s = gbm.initial_state();
        assert_eq!(gbm.value(&s), 2.0);
        for _ in 0..8 {
            step.step(&mut s, &mut rng);
        }
        assert!((gbm.value(&s) - 2.0 * (0.07f64 * 2.0).exp()).abs() < 1e-14);
        assert!((gbm.log_value(&s) - gbm.value(&s).ln()).abs() < 1e-15);
    }
}
