//! Ornstein-Uhlenbeck (mean-reverting Gaussian) process.

use super::{GaussianDriven, Process, Transition, check_dt, standard_normal};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Ornstein-Uhlenbeck process `dX = theta (mu - X) dt + sigma dW`, `X_0 = x0`.
///
/// `theta >= 0` is the mean-reversion speed (half-life `ln 2 / theta`), `mu` the
/// long-run level and `sigma >= 0` the volatility. `theta = 0` is a driftless
/// Brownian motion `X_t = x0 + sigma W_t`, handled exactly (not as a limit of
/// rounding-prone formulas).
///
/// **Exact transition** over a step `dt` with `Z ~ N(0, 1)`:
/// `X_{t+dt} = mu + (X_t - mu) a + s Z`, where `a = e^{-theta dt}` and
/// `s = sigma sqrt((1 - e^{-2 theta dt}) / (2 theta))` (`s = sigma sqrt(dt)` at
/// `theta = 0`; computed with `exp_m1` so that small `theta dt` loses no accuracy).
///
/// **Closed forms** (checked in the tests): `E[X_t] = mu + (x0 - mu) e^{-theta t}`,
/// `Var[X_t] = sigma^2 (1 - e^{-2 theta t}) / (2 theta)` (`sigma^2 t` at
/// `theta = 0`); for `theta > 0` the stationary law is
/// `N(mu, sigma^2 / (2 theta))`.
///
/// ```
/// use outpace::process::{Ou, Process};
/// let ou = Ou::new(2.0, 1.0, 0.4, 3.0)?;
/// assert!((ou.mean(1.0) - (1.0 + 2.0 * (-2.0f64).exp())).abs() < 1e-15);
/// assert!((ou.stationary_variance() - 0.04).abs() < 1e-15);
/// assert!(Ou::new(-1.0, 1.0, 0.4, 3.0).is_err()); // negative reversion speed
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OuParams")]
pub struct Ou {
    theta: f64,
    mu: f64,
    sigma: f64,
    x0: f64,
}

/// The serialised form of [`Ou`], validated through [`Ou::new`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OuParams {
    theta: f64,
    mu: f64,
    sigma: f64,
    x0: f64,
}

impl TryFrom<OuParams> for Ou {
    type Error = Error;

    fn try_from(p: OuParams) -> Result<Self> {
        Ou::new(p.theta, p.mu, p.sigma, p.x0)
    }
}

/// `e^{-theta t}`, exactly 1 at `theta = 0` (whatever `t`).
fn decay(theta: f64, t: f64) -> f64 {
    if theta == 0.0 {
        1.0
    } else {
        math::exp(-theta * t)
    }
}

/// `(1 - e^{-2 theta t}) / (2 theta)`, the variance of `int_0^t e^{-theta u} dW_u`:
/// exactly `t` at `theta = 0`, accurate for small `theta t` (via `exp_m1`), and
/// `1 / (2 theta)` when `theta t` overflows.
fn variance_factor(theta: f64, t: f64) -> f64 {
    if theta == 0.0 {
        return t;
    }
    let x = 2.0 * theta * t;
    if x.is_finite() {
        t * (-libm::expm1(-x) / x)
    } else {
        0.5 / theta
    }
}

impl Ou {
    /// OU with reversion speed `theta` (finite, `>= 0`), long-run level `mu`
    /// (finite), volatility `sigma` (finite, `>= 0`) and start `x0` (finite).
    pub fn new(theta: f64, mu: f64, sigma: f64, x0: f64) -> Result<Self> {
        Ok(Ou {
            theta: check::non_negative("theta", theta)?,
            mu: check::finite("mu", mu)?,
            sigma: check::non_negative("sigma", sigma)?,
            x0: check::finite("x0", x0)?,
        })
    }

    /// Mean-reversion speed.
    pub fn theta(&self) -> f64 {
        self.theta
    }

    /// Long-run level.
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

    /// `E[X_t] = mu + (x0 - mu) e^{-theta t}`.
    pub fn mean(&self, t: f64) -> f64 {
        self.mu + (self.x0 - self.mu) * decay(self.theta, t)
    }

    /// `Var[X_t] = sigma^2 (1 - e^{-2 theta t}) / (2 theta)`, `sigma^2 t` at
    /// `theta = 0`.
    pub fn variance(&self, t: f64) -> f64 {
        self.sigma * self.sigma * variance_factor(self.theta, t)
    }

    /// Mean of the stationary law, `mu`.
    ///
    /// The stationary law exists only for `theta > 0`; at `theta = 0` the process
    /// is a driftless Brownian motion that stays centred on `x0` and this value is
    /// merely the (unused) parameter `mu`.
    pub fn stationary_mean(&self) -> f64 {
        self.mu
    }

    /// Variance of the stationary law, `sigma^2 / (2 theta)`.
    ///
    /// Returns [`f64::INFINITY`] when `theta = 0`: without mean reversion the
    /// variance `sigma^2 t` grows without bound and there is no stationary law.
    pub fn stationary_variance(&self) -> f64 {
        if self.theta == 0.0 {
            f64::INFINITY
        } else {
            self.sigma * self.sigma / (2.0 * self.theta)
        }
    }
}

/// Exact OU step for a fixed `dt`: `X <- mu + (X - mu) a + s Z`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OuStep {
    mu: f64,
    decay: f64,
    noise_sd: f64,
}

impl OuStep {
    /// Per-step decay factor `a = e^{-theta dt}` (exactly 1 at `theta = 0`).
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// Per-step noise standard deviation
    /// `s = sigma sqrt((1 - e^{-2 theta dt}) / (2 theta))` (`sigma sqrt(dt)` at
    /// `theta = 0`).
    pub fn noise_sd(&self) -> f64 {
        self.noise_sd
    }
}

impl Process for Ou {
    type State = f64;
    type Transition = OuStep;

    fn initial_state(&self) -> f64 {
        self.x0
    }

    fn transition(&self, dt: f64) -> Result<OuStep> {
        let dt = check_dt(dt)?;
        Ok(OuStep {
            mu: self.mu,
            decay: decay(self.theta, dt),
            noise_sd: self.sigma * variance_factor(self.theta, dt).sqrt(),
        })
    }

    fn value(&self, state: &f64) -> f64 {
        *state
    }
}

impl Transition for OuStep {
    type State = f64;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut f64, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for OuStep {
    #[inline(always)]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut f64, z: f64, _rng: &mut R) {
        *state = self.mu + (*state - self.mu) * self.decay + self.noise_sd * z;
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
        for theta in [f64::NAN, f64::INFINITY, -0.1] {
            let err = message(Ou::new(theta, 0.0, 0.1, 0.0));
            assert!(err.contains("`theta`") && err.contains(">= 0"), "{err}");
        }
        for mu in [f64::NAN, f64::NEG_INFINITY] {
            let err = message(Ou::new(1.0, mu, 0.1, 0.0));
            assert!(err.contains("`mu`") && err.contains("finite"), "{err}");
        }
        for sigma in [f64::NAN, f64::INFINITY, -0.1] {
            let err = message(Ou::new(1.0, 0.0, sigma, 0.0));
            assert!(err.contains("`sigma`") && err.contains(">= 0"), "{err}");
        }
        for x0 in [f64::NAN, f64::INFINITY] {
            let err = message(Ou::new(1.0, 0.0, 0.1, x0));
            assert!(err.contains("`x0`") && err.contains("finite"), "{err}");
        }
        let ou = Ou::new(1.0, 0.0, 0.1, -3.0).unwrap();
        for dt in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(message(ou.transition(dt)).contains("`dt`"));
        }
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let ou = Ou::new(0.7, -1.5, 0.3, 2.25).unwrap();
        let json = serde_json::to_string(&ou).unwrap();
        assert_eq!(serde_json::from_str::<Ou>(&json).unwrap(), ou);
        let bad = serde_json::from_str::<Ou>(r#"{"theta":-1,"mu":0,"sigma":1,"x0":1}"#);
        assert!(bad.unwrap_err().to_string().contains("`theta`"));
        let unknown = r#"{"theta":1,"mu":0,"sigma":1,"x0":1,"kappa":2}"#;
        let unknown = serde_json::from_str::<Ou>(unknown).unwrap_err();
        assert!(unknown.to_string().contains("unknown field"), "{unknown}");
    }

    #[test]
    fn step_constants_match_their_formulas() {
        let ou = Ou::new(1.3, 0.5, 0.4, 0.0).unwrap();
        let step = ou.transition(0.25).unwrap();
        let a = (-1.3f64 * 0.25).exp();
        let s = 0.4 * ((1.0 - (-2.6f64 * 0.25).exp()) / 2.6).sqrt();
        assert!((step.decay() - a).abs() < 1e-15);
        assert!((step.noise_sd() - s).abs() < 1e-15);
        assert!((step.noise_sd().powi(2) - ou.variance(0.25)).abs() < 1e-15);
        let mut x = 2.0;
        let mut rng = PathStreams::new(5, 0).rng(Component::new(0));
        step.step_with(&mut x, 1.5, &mut rng);
        assert!((x - (0.5 + 1.5 * a + 1.5 * s)).abs() < 1e-15);
    }

    #[test]
    fn zero_theta_is_exactly_brownian_motion() {
        let ou = Ou::new(0.0, 7.0, 0.5, 1.0).unwrap();
        let step = ou.transition(0.3).unwrap();
        assert_eq!(step.decay(), 1.0);
        assert_eq!(step.noise_sd(), 0.5 * 0.3f64.sqrt());
        assert_eq!(ou.mean(2.0), 1.0);
        assert_eq!(ou.variance(2.0), 0.25 * 2.0);
        assert_eq!(ou.stationary_variance(), f64::INFINITY);
    }

    #[test]
    fn small_theta_approaches_brownian_motion_smoothly() {
        // The naive (1 - e^{-2 theta dt}) / (2 theta) keeps only about 3 digits here.
        let ou = Ou::new(1e-13, 0.0, 1.0, 0.0).unwrap();
        let s = ou.transition(0.5).unwrap().noise_sd();
        assert!((s / 0.5f64.sqrt() - 1.0).abs() < 1e-12, "{s}");
        assert!((ou.variance(0.5) / 0.5 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn huge_theta_t_gives_the_stationary_variance() {
        let ou = Ou::new(1e300, 0.0, 1.0, 4.0).unwrap();
        assert_eq!(ou.variance(1e10), ou.stationary_variance());
        assert_eq!(ou.mean(1e10), 0.0);
    }

    #[test]
    fn zero_volatility_decays_deterministically() {
        let ou = Ou::new(0.8, 1.0, 0.0, 3.0).unwrap();
        let step = ou.transition(0.25).unwrap();
        let mut rng = PathStreams::new(2, 0).rng(Component::new(0));
        let mut x = ou.initial_state();
        for _ in 0..8 {
            step.step(&mut x, &mut rng);
        }
        assert!((x - ou.mean(2.0)).abs() < 1e-14);
    }
}
