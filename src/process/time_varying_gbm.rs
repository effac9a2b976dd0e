//! Geometric Brownian motion with piecewise-constant drift and volatility.

use super::schedule::RawSchedule;
use super::{GaussianDriven, Process, Schedule, Transition, check_dt, standard_normal};
use crate::error::{Error, Result, check, readable};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Most steps a [`TimeVaryingGbmStep`] precomputes (16 bytes each, 16 MiB in all):
/// a `dt` so small that the last breakpoint lies further out is rejected.
const MAX_TABLE_STEPS: usize = 1 << 20;

/// Geometric Brownian motion with time-varying parameters,
/// `dS = mu(t) S dt + sigma(t) S dW`, `S_0 = x0 > 0`, where `mu` and `sigma` are
/// piecewise-constant [`Schedule`]s (e.g. fast early growth that slows later).
///
/// **Exact transition** over `[t, t + dt]`, with `Z ~ N(0, 1)`, wherever the
/// breakpoints fall (also inside a step):
/// `ln S_{t+dt} = ln S_t + int_t^{t+dt} (mu(s) - sigma(s)^2 / 2) ds
///  + sqrt(int_t^{t+dt} sigma(s)^2 ds) Z`.
///
/// **Closed forms** (checked in the tests): `E[S_t] = x0 exp(int_0^t mu)`,
/// `Var[S_t] = E[S_t]^2 (exp(int_0^t sigma^2) - 1)`.
///
/// With constant schedules it is [`Gbm`](super::Gbm), draw for draw.
///
/// ```
/// use outpace::process::{Process, Schedule, TimeVaryingGbm};
/// let mu = Schedule::new(vec![(0.0, 0.4), (3.0, 0.1)])?;
/// let demand = TimeVaryingGbm::new(mu, Schedule::constant(0.3)?, 100.0)?;
/// assert!((demand.mean(4.0) - 100.0 * (1.2f64 + 0.1).exp()).abs() < 1e-9);
/// let negative_vol = Schedule::new(vec![(0.0, 0.3), (1.0, -0.1)])?;
/// assert!(TimeVaryingGbm::new(Schedule::constant(0.0)?, negative_vol, 1.0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TimeVaryingGbmParams")]
pub struct TimeVaryingGbm {
    mu: Schedule,
    sigma: Schedule,
    x0: f64,
    #[serde(skip_serializing)]
    log_x0: f64,
}

/// The serialised form of [`TimeVaryingGbm`], validated through
/// [`TimeVaryingGbm::new`] with errors named after the fields (`mu[1].start`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeVaryingGbmParams {
    mu: RawSchedule,
    sigma: RawSchedule,
    x0: f64,
}

impl TryFrom<TimeVaryingGbmParams> for TimeVaryingGbm {
    type Error = Error;

    fn try_from(p: TimeVaryingGbmParams) -> Result<Self> {
        TimeVaryingGbm::new(p.mu.build("mu")?, p.sigma.build("sigma")?, p.x0)
    }
}

impl TimeVaryingGbm {
    /// GBM with drift schedule `mu`, volatility schedule `sigma` (every value
    /// `>= 0`) and start `x0` (finite, `> 0`).
    pub fn new(mu: Schedule, sigma: Schedule, x0: f64) -> Result<Self> {
        sigma.check_values("sigma", check::non_negative)?;
        Ok(TimeVaryingGbm {
            mu,
            sigma,
            x0: check::positive("x0", x0)?,
            log_x0: libm::log(x0),
        })
    }

    /// Drift schedule.
    pub fn mu(&self) -> &Schedule {
        &self.mu
    }

    /// Volatility schedule.
    pub fn sigma(&self) -> &Schedule {
        &self.sigma
    }

    /// Starting level.
    pub fn x0(&self) -> f64 {
        self.x0
    }

    /// `E[S_t] = x0 exp(int_0^t mu)`.
    pub fn mean(&self, t: f64) -> f64 {
        self.x0 * self.mu.integral(0.0, t).exp()
    }

    /// `Var[S_t] = E[S_t]^2 (exp(int_0^t sigma^2) - 1)`.
    pub fn variance(&self, t: f64) -> f64 {
        self.mean(t).powi(2) * self.sigma.integral_of_square(0.0, t).exp_m1()
    }

    /// Log-drift and log-volatility of the exact step over `[a, b]`.
    fn log_moments(&self, a: f64, b: f64) -> (f64, f64) {
        let var = self.sigma.integral_of_square(a, b);
        (self.mu.integral(a, b) - 0.5 * var, var.sqrt())
    }

    /// Number of steps of `dt` to tabulate: the first step index `n` with
    /// `n dt >= ` the last breakpoint of either schedule.
    fn table_len(&self, dt: f64) -> Result<usize> {
        let last = self.mu.last_start().max(self.sigma.last_start());
        let steps = (last / dt).ceil();
        if steps >= MAX_TABLE_STEPS as f64 {
            return Err(Error::invalid(
                "dt",
                dt,
                format!(
                    "is too small for the schedules: their last breakpoint at t = {} \
                     would need {steps} precomputed steps, above the limit of {MAX_TABLE_STEPS}",
                    readable(last)
                ),
            ));
        }
        let mut n = steps as usize;
        while (n as f64) * dt < last {
            n += 1;
        }
        Ok(n)
    }
}

/// The state of one [`TimeVaryingGbm`] path: its log-return `ln(S_t / x0)` (as for
/// [`Gbm`](super::Gbm)) and how many steps it took (which locates it on the
/// schedules' time axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeVaryingLogReturn {
    log_return: f64,
    step: usize,
}

impl TimeVaryingLogReturn {
    /// The log-return `ln(S_t / x0)`.
    pub fn log_return(&self) -> f64 {
        self.log_return
    }

    /// Number of steps taken, so `t = step * dt`.
    pub fn step(&self) -> usize {
        self.step
    }
}

/// Exact [`TimeVaryingGbm`] steps for a fixed `dt`: the `(log-drift, log-vol)` of each
/// step up to the schedules' last breakpoint, then the constant tail pair.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeVaryingGbmStep {
    table: Vec<(f64, f64)>,
    tail: (f64, f64),
}

impl TimeVaryingGbmStep {
    /// Log-drift `int (mu - sigma^2 / 2)` of step number `step` (from 0).
    pub fn drift(&self, step: usize) -> f64 {
        self.moments(step).0
    }

    /// Log-volatility `sqrt(int sigma^2)` of step number `step` (from 0).
    pub fn vol(&self, step: usize) -> f64 {
        self.moments(step).1
    }

    #[inline(always)]
    fn moments(&self, step: usize) -> (f64, f64) {
        self.table.get(step).copied().unwrap_or(self.tail)
    }
}

impl Process for TimeVaryingGbm {
    type State = TimeVaryingLogReturn;
    type Transition = TimeVaryingGbmStep;

    fn initial_state(&self) -> TimeVaryingLogReturn {
        TimeVaryingLogReturn {
            log_return: 0.0,
            step: 0,
        }
    }

    fn transition(&self, dt: f64) -> Result<TimeVaryingGbmStep> {
        let dt = check_dt(dt)?;
        let table = (0..self.table_len(dt)?)
            .map(|k| self.log_moments(k as f64 * dt, (k + 1) as f64 * dt))
            .collect();
        // Same expressions as `Gbm`, so constant schedules reproduce it bit for bit.
        let (mu, sigma) = (self.mu.last_value(), self.sigma.last_value());
        Ok(TimeVaryingGbmStep {
            table,
            tail: ((mu - 0.5 * sigma * sigma) * dt, sigma * dt.sqrt()),
        })
    }

    const LOG_STATE: bool = true;

    #[inline]
    fn value(&self, state: &TimeVaryingLogReturn) -> f64 {
        math::exp(self.log_value(state))
    }

    #[inline]
    fn log_value(&self, state: &TimeVaryingLogReturn) -> f64 {
        self.log_x0 + state.log_return
    }
}

impl Transition for TimeVaryingGbmStep {
    type State = TimeVaryingLogReturn;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut TimeVaryingLogReturn, rng: &mut R) {
        self.step_with(state, standard_normal(rng), rng);
    }
}

impl GaussianDriven for TimeVaryingGbmStep {
    #[inline(always)]
    fn step_with<R: Rng + ?Sized>(&self, state: &mut TimeVaryingLogReturn, z: f64, _rng: &mut R) {
        let (drift, vol) = self.moments(state.step);
        state.log_return += drift + vol * z;
        state.step = state.step.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(pieces: &[(f64, f64)]) -> Schedule {
        Schedule::new(pieces.to_vec()).unwrap()
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        let mu = schedule(&[(0.0, 0.1)]);
        let sigma = schedule(&[(0.0, 0.2), (1.0, -0.2)]);
        let e = TimeVaryingGbm::new(mu.clone(), sigma, 1.0).unwrap_err();
        assert!(e.to_string().contains("`sigma[1].value`"), "{e}");
        let sigma = schedule(&[(0.0, 0.2)]);
        for x0 in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = TimeVaryingGbm::new(mu.clone(), sigma.clone(), x0).unwrap_err();
            assert!(e.to_string().contains("`x0`"), "{e}");
        }
        let gbm = TimeVaryingGbm::new(mu, sigma, 1.0).unwrap();
        assert!(
            gbm.transition(0.0)
                .unwrap_err()
                .to_string()
                .contains("`dt`")
        );
    }

    #[test]
    fn rejects_a_dt_needing_a_huge_table() {
        let mu = schedule(&[(0.0, 0.1), (1e5, 0.0)]);
        let gbm = TimeVaryingGbm::new(mu, Schedule::constant(0.1).unwrap(), 1.0).unwrap();
        let e = gbm.transition(1e-3).unwrap_err().to_string();
        assert!(e.contains("`dt`") && e.contains("too small"), "{e}");
        assert!(gbm.transition(1.0).is_ok());
    }

    #[test]
    fn table_covers_up_to_the_last_breakpoint() {
        let mu = schedule(&[(0.0, 0.1), (0.3, 0.2)]);
        let sigma = schedule(&[(0.0, 0.1), (0.6, 0.3)]);
        let gbm = TimeVaryingGbm::new(mu, sigma, 1.0).unwrap();
        let step = gbm.transition(0.25).unwrap();
        assert_eq!(step.table.len(), 3); // [0.5, 0.75] still holds the breakpoint 0.6
        // Step 1 is [0.25, 0.5]: mu 0.1 for 0.05 then 0.2 for 0.2; sigma 0.1.
        let drift = 0.005 + 0.04 - 0.5 * 0.01 * 0.25;
        assert!((step.drift(1) - drift).abs() < 1e-15);
        assert!((step.vol(1) - 0.05).abs() < 1e-15);
        // Past the table, the constant tail.
        assert_eq!(step.drift(3), (0.2 - 0.5 * 0.09) * 0.25);
        assert_eq!(step.vol(1_000), 0.3 * 0.5);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mu = schedule(&[(0.0, 0.3), (2.0, 0.1)]);
        let gbm = TimeVaryingGbm::new(mu, Schedule::constant(0.25).unwrap(), 100.0).unwrap();
        let text = toml::to_string(&gbm).unwrap();
        assert_eq!(toml::from_str::<TimeVaryingGbm>(&text).unwrap(), gbm);
        let json = serde_json::to_string(&gbm).unwrap();
        assert_eq!(serde_json::from_str::<TimeVaryingGbm>(&json).unwrap(), gbm);
        let readable = "mu = [{ start = 0, value = 0.3 }, { start = 2, value = 0.1 }]\n\
                        sigma = 0.25\nx0 = 100\n";
        assert_eq!(toml::from_str::<TimeVaryingGbm>(readable).unwrap(), gbm);
        let bad_start = "mu = [{ start = 0, value = 0.3 }, { start = 0, value = 0.1 }]\n\
                         sigma = 0.25\nx0 = 100\n";
        let e = toml::from_str::<TimeVaryingGbm>(bad_start).unwrap_err();
        assert!(e.to_string().contains("`mu[1].start`"), "{e}");
        let bad_sigma = "mu = 0.1\nsigma = [{ start = 0, value = -0.25 }]\nx0 = 100\n";
        let e = toml::from_str::<TimeVaryingGbm>(bad_sigma).unwrap_err();
        assert!(e.to_string().contains("`sigma[0].value`"), "{e}");
        let unknown = "mu = 0.1\nsigma = 0.2\nx0 = 1\ndrift = 3\n";
        let e = toml::from_str::<TimeVaryingGbm>(unknown).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
