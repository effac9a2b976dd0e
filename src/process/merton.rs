//! Merton jump-diffusion.

use super::compound_poisson::EventCount;
use super::{GaussianDriven, LogReturn, Process, Transition, check_dt, standard_normal};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Largest `jump_mean + jump_std^2` for which `E[e^{2Y}] = e^{2 (m + s^2)}` is finite.
const MAX_LOG_JUMP_SECOND_MOMENT: f64 = 354.0;

/// Merton jump-diffusion: GBM with lognormal jumps at the events of a Poisson
/// process, compensated so that the drift `mu` is the total growth rate.
///
/// `dS / S_- = (mu - lambda kappa) dt + sigma dW + (e^Y - 1) dN`, `S_0 = x0 > 0`, with
/// `N` a Poisson process of rate `lambda = jump_rate`, log-jumps
/// `Y ~ N(m, s^2)` (`m = jump_mean`, `s = jump_std`) and
/// `kappa = E[e^Y - 1] = e^{m + s^2 / 2} - 1`.
///
/// **Exact transition** over a step `dt`, with `Z ~ N(0, 1)` (the Gaussian driver of
/// [`GaussianDriven`]), `n ~ Poisson(lambda dt)` and, the sum of `n` normal log-jumps
/// being `N(n m, n s^2)`, a single normal draw `Z'` when `n > 0`:
/// `log S_{t+dt} = log S_t + (mu - sigma^2 / 2 - lambda kappa) dt + sigma sqrt(dt) Z
/// + n m + sqrt(n) s Z'`.
///
/// **Closed forms** (checked in the tests), with `q = E[(e^Y - 1)^2]
/// = e^{2m + 2s^2} - 2 e^{m + s^2 / 2} + 1 = (1 + kappa)^2 (e^{s^2} - 1) + kappa^2`:
/// `E[S_t] = x0 e^{mu t}`,
/// `Var[S_t] = x0^2 e^{2 mu t} (e^{(sigma^2 + lambda q) t} - 1)`,
/// `E[log S_t] = log x0 + (mu - sigma^2 / 2 - lambda kappa + lambda m) t`,
/// `Var[log S_t] = (sigma^2 + lambda (m^2 + s^2)) t`.
/// With `jump_rate = 0` it is exactly [`Gbm`](super::Gbm), draw for draw.
///
/// ```
/// use outpace::process::Merton;
/// let m = Merton::new(0.05, 0.2, 0.5, -0.1, 0.15, 100.0)?;
/// assert!((m.mean(2.0) - 100.0 * 0.1f64.exp()).abs() < 1e-12);
/// assert!((m.log_variance(1.0) - (0.04 + 0.5 * (0.01 + 0.0225))).abs() < 1e-15);
/// assert!(Merton::new(0.05, 0.2, -0.5, -0.1, 0.15, 100.0).is_err()); // negative rate
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MertonParams")]
pub struct Merton {
    mu: f64,
    sigma: f64,
    jump_rate: f64,
    jump_mean: f64,
    jump_std: f64,
    x0: f64,
    #[serde(skip_serializing)]
    log_x0: f64,
}

/// The serialised form of [`Merton`], validated through [`Merton::new`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MertonParams {
    mu: f64,
    sigma: f64,
    jump_rate: f64,
    jump_mean: f64,
    jump_std: f64,
    x0: f64,
}

impl TryFrom<MertonParams> for Merton {
    type Error = Error;

    fn try_from(p: MertonParams) -> Result<Self> {
        Merton::new(p.mu, p.sigma, p.jump_rate, p.jump_mean, p.jump_std, p.x0)
    }
}

impl Merton {
    /// Merton jump-diffusion with total drift `mu` (finite), diffusion volatility
    /// `sigma` (finite, `>= 0`), jump rate `jump_rate` (finite, `>= 0`), log-jump mean
    /// `jump_mean` (finite) and standard deviation `jump_std` (finite, `>= 0`), and
    /// start `x0` (finite, `> 0`).
    ///
    /// Also rejects `jump_mean + jump_std^2 > 354` (the second moment of the jump
    /// factor `e^Y` would overflow) and parameters whose log-drift
    /// `mu - sigma^2 / 2 - jump_rate kappa` is not finite.
    pub fn new(
        mu: f64,
        sigma: f64,
        jump_rate: f64,
        jump_mean: f64,
        jump_std: f64,
        x0: f64,
    ) -> Result<Self> {
        let merton = Merton {
            mu: check::finite("mu", mu)?,
            sigma: check::non_negative("sigma", sigma)?,
            jump_rate: check::non_negative("jump_rate", jump_rate)?,
            jump_mean: check::finite("jump_mean", jump_mean)?,
            jump_std: check::non_negative("jump_std", jump_std)?,
            x0: check::positive("x0", x0)?,
            log_x0: libm::log(x0),
        };
        // Finite or +inf (if `jump_std^2` overflows), never NaN.
        let log_m2 = jump_mean + jump_std * jump_std;
        if log_m2 > MAX_LOG_JUMP_SECOND_MOMENT {
            return Err(Error::invalid(
                "jump_mean + jump_std^2",
                log_m2,
                format!("must be <= {MAX_LOG_JUMP_SECOND_MOMENT} so that E[e^{{2Y}}] is finite"),
            ));
        }
        check::finite("mu - sigma^2/2 - jump_rate * kappa", merton.log_drift())?;
        Ok(merton)
    }

    /// Total drift rate: `E[S_t] = x0 e^{mu t}`.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// Diffusion volatility.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Jump rate `lambda`.
    pub fn jump_rate(&self) -> f64 {
        self.jump_rate
    }

    /// Mean `m` of a log-jump `Y`.
    pub fn jump_mean(&self) -> f64 {
        self.jump_mean
    }

    /// Standard deviation `s` of a log-jump `Y`.
    pub fn jump_std(&self) -> f64 {
        self.jump_std
    }

    /// Starting level.
    pub fn x0(&self) -> f64 {
        self.x0
    }

    /// Mean relative jump `kappa = E[e^Y - 1] = e^{m + s^2 / 2} - 1`.
    pub fn kappa(&self) -> f64 {
        libm::expm1(self.jump_mean + 0.5 * self.jump_std * self.jump_std)
    }

    /// Log-drift of the continuous part, `mu - sigma^2 / 2 - lambda kappa`.
    fn log_drift(&self) -> f64 {
        let compensator = if self.jump_rate == 0.0 {
            0.0
        } else {
            self.jump_rate * self.kappa()
        };
        self.mu - 0.5 * self.sigma * self.sigma - compensator
    }

    /// `E[S_t] = x0 e^{mu t}`.
    pub fn mean(&self, t: f64) -> f64 {
        self.x0 * (self.mu * t).exp()
    }

    /// `Var[S_t] = x0^2 e^{2 mu t} (e^{(sigma^2 + lambda q) t} - 1)` with
    /// `q = E[(e^Y - 1)^2]`.
    pub fn variance(&self, t: f64) -> f64 {
        let kappa = self.kappa();
        let q = (1.0 + kappa).powi(2) * (self.jump_std * self.jump_std).exp_m1() + kappa * kappa;
        let jumps = if self.jump_rate == 0.0 {
            0.0
        } else {
            self.jump_rate * q
        };
        self.x0
            * self.x0
            * (2.0 * self.mu * t).exp()
            * ((self.sigma * self.sigma + jumps) * t).exp_m1()
    }

    /// `E[log S_t] = log x0 + (mu - sigma^2 / 2 - lambda kappa + lambda m) t`.
    pub fn log_mean(&self, t: f64) -> f64 {
        self.x0.ln() + (self.log_drift() + self.jump_rate * self.jump_mean) * t
    }

    /// `Var[log S_t] = (sigma^2 + lambda (m^2 + s^2)) t`.
    pub fn log_variance(&self, t: f64) -> f64 {
        let m2 = self.jump_mean * self.jump_mean + self.jump_std * self.jump_std;
        (self.sigma * self.sigma + self.jump_rate * m2) * t
    }
}

/// Exact Merton step for a fixed `dt`:
/// `S <- S exp(drift + vol Z + n m + sqrt(n) s Z')`, `n ~ Poisson(lambda dt)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MertonStep {
    drift: f64,
    vol: f64,
    events: EventCount,
    jump_mean: f64,
    jump_std: f64,
}

impl MertonStep {
    /// Log-drift per step, `(mu - sigma^2 / 2 - lambda kappa) dt`.
    pub fn drift(&self) -> f64 {
        self.drift
    }

    /// Diffusion log-volatility per step, `sigma sqrt(dt)`.
    pub fn vol(&self) -> f64 {
        self.vol
    }

    /// Expected number of jumps per step, `lambda dt`.
    pub fn expected_jumps(&self) -> f64 {
        self.events.mean()
    }
}

impl Process for Merton {
    type State = LogReturn;
    type Transition = MertonStep;

    fn initial_state(&self) -> LogReturn {
        LogReturn::default()
    }

    fn transition(&self, dt: f64) -> Result<MertonStep> {
        let dt = check_dt(dt)?;
        Ok(MertonStep {
            drift: self.log_drift() * dt,
            vol: self.sigma * dt.sqrt(),
            events: EventCount::new("jump_rate", self.jump_rate, dt)?,
            jump_mean: self.jump_mean,
            jump_std: self.jump_std,
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

impl Transition for MertonStep {
    type State = LogReturn;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut LogReturn, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for MertonStep {
    /// `z` drives the diffusion; the jump count and, if there are jumps, their summed
    /// size (one normal) are drawn from `rng`. No jump, no draw: with `jump_rate = 0`
    /// the step consumes exactly the random numbers of a [`GbmStep`](super::GbmStep).
    #[inline]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut LogReturn, z: f64, rng: &mut R) {
        let n = self.events.sample(rng);
        let jumps = if n == 0 {
            0.0
        } else {
            let n = f64::from(n);
            n * self.jump_mean + n.sqrt() * self.jump_std * standard_normal(rng)
        };
        state.log_return += self.drift + self.vol * z + jumps;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    #[track_caller]
    fn assert_names(args: [f64; 6], name: &str) {
        let [mu, sigma, rate, m, s, x0] = args;
        let err = Merton::new(mu, sigma, rate, m, s, x0)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("`{name}`")), "{err}");
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        let ok = [0.05, 0.2, 1.0, -0.1, 0.1, 1.0];
        assert!(Merton::new(ok[0], ok[1], ok[2], ok[3], ok[4], ok[5]).is_ok());
        let names = ["mu", "sigma", "jump_rate", "jump_mean", "jump_std", "x0"];
        let bad: [&[f64]; 6] = [
            &[f64::NAN, f64::INFINITY],
            &[-0.1, f64::NAN],
            &[-1.0, f64::INFINITY],
            &[f64::NAN, f64::NEG_INFINITY],
            &[-0.1, f64::INFINITY],
            &[0.0, -1.0, f64::INFINITY],
        ];
        for (i, (name, values)) in names.iter().zip(bad).enumerate() {
            for &v in values {
                let mut args = ok;
                args[i] = v;
                assert_names(args, name);
            }
        }
        // e^{2Y} would overflow.
        assert_names([0.0, 0.2, 1.0, 300.0, 8.0, 1.0], "jump_mean + jump_std^2");
        assert!(Merton::new(0.0, 0.2, 1.0, 300.0, 7.0, 1.0).is_ok());
        // The compensator lambda kappa overflows.
        assert_names(
            [0.0, 0.2, f64::MAX, 1.0, 0.0, 1.0],
            "mu - sigma^2/2 - jump_rate * kappa",
        );
        // sigma^2 overflows.
        assert_names(
            [0.0, 1e200, 0.0, 0.0, 0.0, 1.0],
            "mu - sigma^2/2 - jump_rate * kappa",
        );
    }

    #[test]
    fn transition_validates_dt_and_events_per_step() {
        let m = Merton::new(0.0, 0.1, 2.0, 0.0, 0.1, 1.0).unwrap();
        assert!(m.transition(0.0).unwrap_err().to_string().contains("`dt`"));
        assert!(m.transition(-1.0).is_err());
        let err = m.transition(3e9).unwrap_err().to_string();
        assert!(err.contains("`jump_rate * dt`"), "{err}");
        let step = m.transition(0.5).unwrap();
        assert_eq!(step.expected_jumps(), 1.0);
        assert!((step.vol() - 0.1 * 0.5f64.sqrt()).abs() < 1e-16);
        let kappa = (0.005f64).exp_m1();
        assert!((step.drift() - (-0.005 - 2.0 * kappa) * 0.5).abs() < 1e-16);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let m = Merton::new(0.05, 0.2, 0.5, -0.1, 0.15, 100.0).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Merton>(&json).unwrap(), m);
        let toml = toml::to_string(&m).unwrap();
        assert_eq!(toml::from_str::<Merton>(&toml).unwrap(), m);
        let bad = r#"{"mu":0,"sigma":0.2,"jump_rate":1,"jump_mean":0,"jump_std":-1,"x0":1}"#;
        let err = serde_json::from_str::<Merton>(bad).unwrap_err();
        assert!(err.to_string().contains("`jump_std`"), "{err}");
        let unknown =
            r#"{"mu":0,"sigma":0.2,"jump_rate":1,"jump_mean":0,"jump_std":1,"x0":1,"k":1}"#;
        let err = serde_json::from_str::<Merton>(unknown).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn closed_forms_are_consistent() {
        // q = E[(e^Y - 1)^2] equals its defining expression.
        let m = Merton::new(0.03, 0.25, 1.5, -0.2, 0.3, 2.0).unwrap();
        let (jm, js) = (-0.2f64, 0.3f64);
        let q = (2.0 * jm + 2.0 * js * js).exp() - 2.0 * (jm + 0.5 * js * js).exp() + 1.0;
        let t = 1.7;
        let second = 4.0
            * ((2.0 * (0.03 - 1.5 * m.kappa()) + 0.0625) * t
                + 1.5 * t * ((2.0 * jm + 2.0 * js * js).exp() - 1.0))
                .exp();
        let expected_var = 4.0 * (0.06 * t).exp() * ((0.0625 + 1.5 * q) * t).exp_m1();
        assert!((m.variance(t) - expected_var).abs() < 1e-12 * expected_var);
        let mean = m.mean(t);
        assert!((m.variance(t) - (second - mean * mean)).abs() < 1e-10 * m.variance(t));
        // Without jumps, the moments are GBM's.
        let gbm = super::super::Gbm::new(0.03, 0.25, 2.0).unwrap();
        let m0 = Merton::new(0.03, 0.25, 0.0, -0.2, 0.3, 2.0).unwrap();
        assert_eq!(m0.mean(t), gbm.mean(t));
        assert!((m0.variance(t) - gbm.variance(t)).abs() < 1e-14 * gbm.variance(t));
    }

    #[test]
    fn zero_volatility_and_degenerate_jumps_are_deterministic() {
        // Jumps of size e^0 = 1 change nothing: S_t = x0 e^{mu t} exactly.
        let m = Merton::new(0.07, 0.0, 3.0, 0.0, 0.0, 2.0).unwrap();
        let step = m.transition(0.25).unwrap();
        let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
        let mut s = m.initial_state();
        for _ in 0..8 {
            step.step(&mut s, &mut rng);
        }
        assert!((m.value(&s) - 2.0 * (0.07f64 * 2.0).exp()).abs() < 1e-14);
    }
}
