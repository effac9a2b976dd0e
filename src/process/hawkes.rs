//! Self-exciting (Hawkes) point process with an exponential kernel.

use super::hawkes_clocks::{ClockRace, Clocks, Events};
use super::{MAX_EXPECTED_EVENTS_PER_STEP, Process, Transition, check_dt};
use crate::error::{Error, Result, check, readable};
use crate::math;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Hawkes point process with exponential kernel: each event raises the intensity,
/// so one price cut provokes retaliation that fades at rate `beta`.
///
/// **Law.** `N_t` counts events; its intensity is
/// `lambda(t) = lambda0 + e e^{-beta t} + sum_{t_i < t} alpha e^{-beta (t - t_i)}`,
/// where `e >= 0` is the initial excitation ([`Hawkes::with_initial_excess`], default
/// 0: no history). The *excess* `X(t) = lambda(t) - lambda0` decays as
/// `dX = -beta X dt` between events and jumps by `alpha` at each event. The
/// branching ratio `n = alpha / beta` (mean number of direct offspring of an event)
/// must be `< 1`, so that the process is stationary in the long run.
///
/// **Exact transition** (Dassios & Zhao, 2013, *Exact simulation of Hawkes process
/// with exponentially decaying intensity*, Electron. Commun. Probab. 18(62)): from
/// excess `x` the next event is the first of two independent candidates,
/// - the self-excited one, with `P(S1 > s) = exp(-x (1 - e^{-beta s}) / beta)`: with
///   a clock `E1 ~ Exp(1)`, `S1 = -ln(1 - beta E1 / x) / beta` if `beta E1 < x`, else
///   `S1 = inf` (the excitation dies out before firing again);
/// - the baseline one, `S2 = E2 / lambda0` with a clock `E2 ~ Exp(1)` (`inf` if
///   `lambda0 = 0`).
///
/// At `t + min(S1, S2)` the excess decays to `x e^{-beta min(S1, S2)}` and jumps by
/// `alpha`; the clock that rang is redrawn. The clocks are exponential amounts of
/// the candidates' compensators (`x (1 - e^{-beta s}) / beta` and `lambda0 s`), so
/// by memorylessness the unused part of a clock stays `Exp(1)`: it is kept in the
/// state and carried into the next event and the next step (also across a change of
/// `lambda0` between steps, as in regime-dependent baselines). A step without an
/// event therefore draws nothing: it compares the clocks with the step's
/// compensators and subtracts. No thinning, no time discretisation: the law of the
/// events does not depend on `dt`. The cost is proportional to the number of events;
/// nothing is allocated. [`transition`](Process::transition) refuses steps that
/// expect more than [`MAX_EXPECTED_EVENTS_PER_STEP`](super::MAX_EXPECTED_EVENTS_PER_STEP)
/// events ([`Hawkes::max_expected_events`]).
///
/// **Closed forms** (checked in the tests), with `kappa = beta - alpha`,
/// `lambda_inf = lambda0 / (1 - n)` and `d = lambda0 + e - lambda_inf`:
/// - `E[lambda(t)] = lambda_inf + d e^{-kappa t}` ([`Hawkes::mean_intensity`]);
/// - `E[N_t] = lambda_inf t + d (1 - e^{-kappa t}) / kappa` ([`Hawkes::mean`]);
/// - `Var[N_t]` from the deterministic start ([`Hawkes::variance`]);
/// - over a window of length `T` in the stationary regime,
///   `Var[N(T)] = lambda_inf T + 2 C (T / kappa - (1 - e^{-kappa T}) / kappa^2)` with
///   `C = lambda_inf alpha (2 beta - alpha) / (2 kappa)` (Hawkes, 1971), whose
///   Fano factor tends to `1 / (1 - n)^2` ([`Hawkes::stationary_count_variance`],
///   [`Hawkes::long_run_fano_factor`]).
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::{Hawkes, Process, Transition};
///
/// let wars = Hawkes::new(0.5, 0.6, 1.2)?.with_initial_excess(1.0)?;
/// assert!((wars.stationary_intensity() - 1.0).abs() < 1e-15);
/// let step = wars.transition(0.25)?;
/// let mut rng = PathStreams::new(7, 0).rng(Component::new(0));
/// let mut s = wars.initial_state();
/// for _ in 0..40 {
///     step.step(&mut s, &mut rng);
/// }
/// assert_eq!(wars.value(&s), s.count() as f64);
/// assert!(Hawkes::new(0.5, 1.2, 1.2).is_err()); // branching ratio 1: explosive
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HawkesParams")]
pub struct Hawkes {
    baseline: f64,
    alpha: f64,
    beta: f64,
    initial_excess: f64,
}

/// The serialised form of [`Hawkes`], validated through [`Hawkes::new`] and
/// [`Hawkes::with_initial_excess`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HawkesParams {
    baseline: f64,
    alpha: f64,
    beta: f64,
    #[serde(default)]
    initial_excess: f64,
}

impl TryFrom<HawkesParams> for Hawkes {
    type Error = Error;

    fn try_from(p: HawkesParams) -> Result<Self> {
        Hawkes::new(p.baseline, p.alpha, p.beta)?.with_initial_excess(p.initial_excess)
    }
}

impl Hawkes {
    /// Hawkes process with baseline intensity `baseline` (`lambda0`, finite,
    /// `>= 0`), jump of the intensity per event `alpha` (finite, `>= 0`) and decay
    /// rate `beta` (finite, `> 0`), with `alpha < beta` (branching ratio `< 1`).
    /// Starts with no history (initial excess 0).
    pub fn new(baseline: f64, alpha: f64, beta: f64) -> Result<Self> {
        let baseline = check::non_negative("baseline", baseline)?;
        let alpha = check::non_negative("alpha", alpha)?;
        let beta = check::positive("beta", beta)?;
        if alpha >= beta {
            return Err(Error::invalid(
                "alpha",
                alpha,
                format!(
                    "must be < `beta` ({}): the branching ratio alpha / beta must be < 1 \
                     for a stationary process",
                    readable(beta)
                ),
            ));
        }
        Ok(Hawkes {
            baseline,
            alpha,
            beta,
            initial_excess: 0.0,
        })
    }

    /// The same law started with excitation `lambda(0) - lambda0 = excess`
    /// (finite, `>= 0`), as if a burst of recent events were still echoing.
    pub fn with_initial_excess(self, excess: f64) -> Result<Self> {
        Ok(Hawkes {
            initial_excess: check::non_negative("initial_excess", excess)?,
            ..self
        })
    }

    /// Baseline intensity `lambda0`.
    pub fn baseline(&self) -> f64 {
        self.baseline
    }

    /// Jump of the intensity at each event.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Decay rate of the excitation.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Initial excess intensity `lambda(0) - lambda0`.
    pub fn initial_excess(&self) -> f64 {
        self.initial_excess
    }

    /// Branching ratio `n = alpha / beta`, in `[0, 1)`.
    pub fn branching_ratio(&self) -> f64 {
        self.alpha / self.beta
    }

    /// Intensity `lambda(t) = lambda0 + excess` of a state.
    pub fn intensity(&self, state: &HawkesState) -> f64 {
        state.intensity(self.baseline)
    }

    /// Long-run (stationary) intensity `lambda_inf = lambda0 / (1 - alpha / beta)`.
    pub fn stationary_intensity(&self) -> f64 {
        self.baseline * self.beta / self.kappa()
    }

    /// `E[lambda(t)] = lambda_inf + (lambda0 + e - lambda_inf) e^{-kappa t}`.
    pub fn mean_intensity(&self, t: f64) -> f64 {
        self.stationary_intensity() + self.transient() * (-self.kappa() * t).exp()
    }

    /// `E[N_t] = lambda_inf t + (lambda0 + e - lambda_inf) (1 - e^{-kappa t}) / kappa`.
    pub fn mean(&self, t: f64) -> f64 {
        let k = self.kappa();
        self.stationary_intensity() * t + self.transient() * relax(k, t)
    }

    /// `Var[N_t]` from the deterministic start of [`Process::initial_state`].
    ///
    /// From the moment equations `Var' = 2 Cov(X, N) + E[lambda]`,
    /// `Cov(X, N)' = -kappa Cov(X, N) + Var[X] + alpha E[lambda]` and
    /// `Var[X]' = -2 kappa Var[X] + alpha^2 E[lambda]`, all zero at `t = 0`:
    ///
    /// `Var[N_t] = E[N_t] + 2 (a0 (t - r1) + a1 (r1 - t e^{-kappa t}) + a2 (r1 - r2)) / kappa`
    ///
    /// with `r1 = (1 - e^{-kappa t}) / kappa`,
    /// `r2 = (1 - e^{-2 kappa t}) / (2 kappa)`, `a0 = C` (see
    /// [`Hawkes::stationary_count_variance`]), `a1 = alpha beta d / kappa` and
    /// `a2 = -alpha^2 (lambda_inf / 2 + d) / kappa`, `d = lambda0 + e - lambda_inf`.
    pub fn variance(&self, t: f64) -> f64 {
        let (k, d, a) = (self.kappa(), self.transient(), self.alpha);
        let r1 = relax(k, t);
        let r2 = relax(2.0 * k, t);
        let a1 = a * self.beta * d / k;
        let a2 = -a * a * (0.5 * self.stationary_intensity() + d) / k;
        self.mean(t)
            + 2.0
                * (self.covariance_density() * (t - r1)
                    + a1 * (r1 - t * (-k * t).exp())
                    + a2 * (r1 - r2))
                / k
    }

    /// Variance of the number of events in a window of length `window` in the
    /// stationary regime (Hawkes, 1971):
    /// `lambda_inf T + 2 C (T / kappa - (1 - e^{-kappa T}) / kappa^2)`, where
    /// `C e^{-kappa |tau|}` with `C = lambda_inf alpha (2 beta - alpha) / (2 kappa)` is
    /// the covariance density of the events.
    pub fn stationary_count_variance(&self, window: f64) -> f64 {
        let k = self.kappa();
        self.stationary_intensity() * window
            + 2.0 * self.covariance_density() * (window - relax(k, window)) / k
    }

    /// The most events any step of length `dt` expects:
    /// `sup_t E[lambda(t)] dt = max(lambda0 + e, lambda_inf) dt`, since the mean
    /// intensity moves monotonically from `lambda0 + e` to `lambda_inf`. The work
    /// of a step is proportional to its events.
    pub fn max_expected_events(&self, dt: f64) -> f64 {
        (self.baseline + self.initial_excess).max(self.stationary_intensity()) * dt
    }

    /// Long-run Fano factor `lim Var[N(T)] / E[N(T)] = 1 / (1 - alpha / beta)^2`.
    pub fn long_run_fano_factor(&self) -> f64 {
        let n = self.branching_ratio();
        1.0 / ((1.0 - n) * (1.0 - n))
    }

    /// Relaxation rate of the mean intensity, `kappa = beta - alpha > 0`.
    fn kappa(&self) -> f64 {
        self.beta - self.alpha
    }

    /// Initial distance of the mean intensity from its stationary value,
    /// `lambda0 + e - lambda_inf`.
    fn transient(&self) -> f64 {
        self.baseline + self.initial_excess - self.stationary_intensity()
    }

    /// Constant `C` of the stationary covariance density `C e^{-kappa |tau|}`.
    fn covariance_density(&self) -> f64 {
        let a = self.alpha;
        self.stationary_intensity() * a * (2.0 * self.beta - a) / (2.0 * self.kappa())
    }
}

/// `(1 - e^{-k t}) / k`, accurate for small `k t`.
fn relax(k: f64, t: f64) -> f64 {
    -(-k * t).exp_m1() / k
}

/// State of a [`Hawkes`] path: excess intensity, cumulative count, the number of
/// events in the most recent step, and the residual `Exp(1)` clocks of the two
/// candidates (see [`Hawkes`]; NaN until first drawn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HawkesState {
    excess: f64,
    count: u64,
    last_events: u32,
    excited_clock: f64,
    baseline_clock: f64,
}

impl Default for HawkesState {
    /// No excess, no events, clocks not drawn yet.
    fn default() -> Self {
        HawkesState {
            excess: 0.0,
            count: 0,
            last_events: 0,
            excited_clock: f64::NAN,
            baseline_clock: f64::NAN,
        }
    }
}

impl HawkesState {
    /// Excess intensity `lambda(t) - lambda0 >= 0`, after any event at `t`.
    pub fn excess(&self) -> f64 {
        self.excess
    }

    /// Intensity `lambda(t) = baseline + excess`.
    pub fn intensity(&self, baseline: f64) -> f64 {
        baseline + self.excess
    }

    /// Cumulative number of events since time 0.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of events during the most recent step (saturating at `u32::MAX`).
    pub fn last_events(&self) -> u32 {
        self.last_events
    }
}

/// Exact Hawkes step for a fixed `dt` (Dassios & Zhao, 2013; see [`Hawkes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HawkesStep {
    race: ClockRace,
    alpha: f64,
}

impl HawkesStep {
    /// Step length.
    pub fn dt(&self) -> f64 {
        self.race.dt
    }

    /// Decay factor of the excess over a step without events, `e^{-beta dt}`.
    pub fn decay(&self) -> f64 {
        self.race.decay
    }
}

impl Process for Hawkes {
    type State = HawkesState;
    type Transition = HawkesStep;

    fn initial_state(&self) -> HawkesState {
        HawkesState {
            excess: self.initial_excess,
            ..HawkesState::default()
        }
    }

    /// # Errors
    /// If `dt` is not finite and `> 0`, or a step expects more than
    /// [`MAX_EXPECTED_EVENTS_PER_STEP`] events ([`Hawkes::max_expected_events`]):
    /// a step handles its events one by one.
    fn transition(&self, dt: f64) -> Result<HawkesStep> {
        let dt = check_dt(dt)?;
        let expected = self.max_expected_events(dt);
        // Finite or +inf (an intensity times dt can overflow), never NaN.
        if expected > MAX_EXPECTED_EVENTS_PER_STEP {
            return Err(Error::invalid(
                "expected_events_per_step",
                expected,
                format!(
                    "max(baseline + initial_excess, baseline / (1 - alpha / beta)) * dt \
                     must be <= {MAX_EXPECTED_EVENTS_PER_STEP:e}: a step handles its events one by one"
                ),
            ));
        }
        Ok(HawkesStep {
            race: ClockRace {
                beta: self.beta,
                baseline: self.baseline,
                dt,
                decay: math::exp(-self.beta * dt),
            },
            alpha: self.alpha,
        })
    }

    fn value(&self, state: &HawkesState) -> f64 {
        state.count as f64
    }
}

/// Every event adds `alpha` to the excess and is counted.
struct Jumps {
    alpha: f64,
    events: u32,
    count: u64,
}

impl Jumps {
    #[inline(always)]
    fn jump(&mut self, excess: f64) -> f64 {
        self.events = self.events.saturating_add(1);
        self.count += 1;
        excess + self.alpha
    }
}

impl<R: ?Sized> Events<R> for Jumps {
    #[inline(always)]
    fn excited(&mut self, _: &mut R, excess: f64, _: f64) -> f64 {
        self.jump(excess)
    }

    #[inline(always)]
    fn baseline(&mut self, _: &mut R, excess: f64, _: f64) -> f64 {
        self.jump(excess)
    }
}

impl Transition for HawkesStep {
    type State = HawkesState;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut HawkesState, rng: &mut R) {
        let mut clocks = Clocks {
            excess: state.excess,
            excited: state.excited_clock,
            baseline: state.baseline_clock,
        };
        let mut events = Jumps {
            alpha: self.alpha,
            events: 0,
            count: state.count,
        };
        self.race.run(&mut clocks, rng, &mut events);
        state.count = events.count;
        state.excess = clocks.excess;
        state.last_events = events.events;
        state.excited_clock = clocks.excited;
        state.baseline_clock = clocks.baseline;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    fn message(r: Result<Hawkes>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        for bad in [f64::NAN, -0.1, f64::INFINITY] {
            assert!(message(Hawkes::new(bad, 0.5, 1.0)).contains("`baseline`"));
            assert!(message(Hawkes::new(1.0, bad, 1.0)).contains("`alpha`"));
        }
        for bad in [f64::NAN, 0.0, -1.0, f64::INFINITY] {
            assert!(message(Hawkes::new(1.0, 0.5, bad)).contains("`beta`"));
        }
        let err = message(Hawkes::new(1.0, 0.5, 0.5));
        assert!(
            err.contains("`alpha`") && err.contains("branching ratio") && err.contains("`beta`"),
            "{err}"
        );
        assert!(message(Hawkes::new(1.0, 2.0, 1.0)).contains("branching ratio"));
        let ok = Hawkes::new(0.0, 0.0, 1.0).unwrap();
        for bad in [f64::NAN, -1e-9, f64::INFINITY] {
            assert!(message(ok.with_initial_excess(bad)).contains("`initial_excess`"));
        }
        let step = ok.transition(0.0).unwrap_err().to_string();
        assert!(step.contains("`dt`"), "{step}");
        assert!(ok.transition(f64::NAN).is_err());
        assert!(ok.transition(-1.0).is_err());
    }

    #[test]
    fn steps_expecting_too_many_events_are_refused() {
        // Issue 15: a baseline of 1e7 a year validated, then a run never ended
        // (2.5 million events a quarter, each handled in the step's loop).
        let err = Hawkes::new(1e7, 0.5, 1.0).unwrap().transition(0.25);
        let err = err.unwrap_err().to_string();
        assert!(
            err.contains("`expected_events_per_step` = 5000000") && err.contains("1e4"),
            "{err}"
        );
        // Near-critical excitation: lambda_inf = 1 / (1 - 0.99999) = 1e5 a year.
        let critical = Hawkes::new(1.0, 0.99999, 1.0).unwrap();
        assert!((critical.max_expected_events(1.0) - 1e5).abs() < 1e-3);
        assert!(critical.transition(1.0).is_err());
        assert!(critical.transition(0.05).is_ok());
        // A burst of initial excitation counts too, and so does a long step.
        let burst = Hawkes::new(0.0, 0.0, 1.0).unwrap();
        assert!(
            burst
                .with_initial_excess(2e4)
                .unwrap()
                .transition(1.0)
                .is_err()
        );
        assert!(
            burst
                .with_initial_excess(1e4)
                .unwrap()
                .transition(1.0)
                .is_ok()
        );
        assert!(
            Hawkes::new(1.0, 0.0, 1.0)
                .unwrap()
                .transition(1e300)
                .is_err()
        );
        // At the bound a step takes about 1e4 events: bounded work.
        let step = Hawkes::new(1e4, 0.0, 1.0).unwrap().transition(1.0).unwrap();
        let mut rng = PathStreams::new(3, 0).rng(Component::new(0));
        let mut s = HawkesState::default();
        let started = std::time::Instant::now();
        for _ in 0..10 {
            step.step(&mut s, &mut rng);
        }
        assert!(
            (s.count() as f64 - 1e5).abs() < 4.0 * 1e5f64.sqrt(),
            "{}",
            s.count()
        );
        assert!(started.elapsed().as_secs_f64() < 1.0);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let h = Hawkes::new(0.3, 0.4, 1.1)
            .unwrap()
            .with_initial_excess(2.0)
            .unwrap();
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<Hawkes>(&json).unwrap(), h);
        let default = serde_json::from_str::<Hawkes>(r#"{"baseline":1,"alpha":0.5,"beta":1}"#);
        assert_eq!(default.unwrap().initial_excess(), 0.0);
        let bad = serde_json::from_str::<Hawkes>(r#"{"baseline":1,"alpha":1,"beta":1}"#);
        assert!(bad.unwrap_err().to_string().contains("branching ratio"));
        let bad = serde_json::from_str::<Hawkes>(
            r#"{"baseline":1,"alpha":0.5,"beta":1,"initial_excess":-1}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("`initial_excess`"));
        let unknown =
            serde_json::from_str::<Hawkes>(r#"{"baseline":1,"alpha":0.5,"beta":1,"mu":2}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn counts_add_up_and_excess_stays_consistent() {
        let h = Hawkes::new(2.0, 1.5, 2.0)
            .unwrap()
            .with_initial_excess(4.0)
            .unwrap();
        let step = h.transition(0.3).unwrap();
        let mut rng = PathStreams::new(5, 0).rng(Component::new(0));
        let mut s = h.initial_state();
        let mut total = 0u64;
        for _ in 0..1000 {
            step.step(&mut s, &mut rng);
            total += u64::from(s.last_events());
            assert!(s.excess() >= 0.0 && s.excess().is_finite());
        }
        assert_eq!(total, s.count());
        assert!(s.count() > 0);
        assert_eq!(h.intensity(&s), 2.0 + s.excess());
    }

    #[test]
    fn no_baseline_and_no_excess_never_fires() {
        let h = Hawkes::new(0.0, 0.5, 1.0).unwrap();
        let step = h.transition(10.0).unwrap();
        let mut rng = PathStreams::new(6, 0).rng(Component::new(0));
        let mut s = h.initial_state();
        for _ in 0..100 {
            step.step(&mut s, &mut rng);
        }
        assert_eq!((s.count(), s.excess()), (0, 0.0));
    }

    #[test]
    fn excess_decays_deterministically_without_excitation() {
        // alpha = 0, lambda0 = 0: the initial excess fires (a Poisson number of
        // events) but only decays, e^{-beta t}, whatever happens.
        let h = Hawkes::new(0.0, 0.0, 0.7)
            .unwrap()
            .with_initial_excess(3.0)
            .unwrap();
        let step = h.transition(0.5).unwrap();
        let mut rng = PathStreams::new(8, 0).rng(Component::new(0));
        let mut s = h.initial_state();
        for _ in 0..6 {
            step.step(&mut s, &mut rng);
        }
        assert!((s.excess() - 3.0 * (-0.7f64 * 3.0).exp()).abs() < 1e-13);
    }

    /// Integrates the moment equations of (X, N) with RK4 as an independent check
    /// of the closed forms.
    fn moments_by_ode(h: &Hawkes, t: f64) -> (f64, f64, f64) {
        let (l0, a, b) = (h.baseline, h.alpha, h.beta);
        // y = [E X, E N, Var X, Cov(X, N), Var N]
        let f = |y: [f64; 5]| {
            let lam = l0 + y[0];
            [
                -b * y[0] + a * lam,
                lam,
                -2.0 * (b - a) * y[2] + a * a * lam,
                -(b - a) * y[3] + y[2] + a * lam,
                2.0 * y[3] + lam,
            ]
        };
        let n = 20_000;
        let dt = t / n as f64;
        let mut y = [h.initial_excess, 0.0, 0.0, 0.0, 0.0];
        let add = |y: [f64; 5], k: [f64; 5], s: f64| std::array::from_fn(|i| y[i] + s * k[i]);
        for _ in 0..n {
            let k1 = f(y);
            let k2 = f(add(y, k1, dt / 2.0));
            let k3 = f(add(y, k2, dt / 2.0));
            let k4 = f(add(y, k3, dt));
            y = std::array::from_fn(|i| {
                y[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
            });
        }
        (l0 + y[0], y[1], y[4])
    }

    #[test]
    fn closed_forms_solve_the_moment_equations() {
        for (l0, a, b, e) in [
            (1.0, 0.8, 1.6, 0.0),
            (0.5, 1.2, 1.5, 3.0),
            (0.0, 0.5, 1.0, 2.0),
            (2.0, 0.0, 1.0, 1.0),
        ] {
            let h = Hawkes::new(l0, a, b)
                .unwrap()
                .with_initial_excess(e)
                .unwrap();
            for t in [0.1, 1.0, 7.0] {
                let (lam, mean, var) = moments_by_ode(&h, t);
                let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * (1.0 + y.abs());
                assert!(close(h.mean_intensity(t), lam), "{h:?} t={t}");
                assert!(close(h.mean(t), mean), "{h:?} t={t}");
                assert!(
                    close(h.variance(t), var),
                    "{h:?} t={t}: {} vs {var}",
                    h.variance(t)
                );
            }
        }
    }

    #[test]
    fn stationary_limits() {
        let h = Hawkes::new(1.0, 0.8, 1.6).unwrap();
        assert!((h.stationary_intensity() - 2.0).abs() < 1e-15);
        assert!((h.long_run_fano_factor() - 4.0).abs() < 1e-15);
        // Started at the stationary mean intensity, the mean stays there.
        let at_mean = h.with_initial_excess(1.0).unwrap();
        assert!((at_mean.mean_intensity(3.0) - 2.0).abs() < 1e-15);
        assert!((at_mean.mean(3.0) - 6.0).abs() < 1e-14);
        // The window variance per unit mean tends to the Fano factor, and the
        // variance from any start grows like the stationary one.
        let big = 1e7;
        let fano = h.stationary_count_variance(big) / (2.0 * big);
        assert!((fano - 4.0).abs() < 1e-5, "{fano}");
        assert!((h.variance(big) / h.stationary_count_variance(big) - 1.0).abs() < 1e-5);
        // Without excitation, a Poisson process: variance = mean.
        let p = Hawkes::new(1.5, 0.0, 1.0).unwrap();
        assert!((p.stationary_count_variance(4.0) - 6.0).abs() < 1e-14);
        assert!((p.variance(4.0) - 6.0).abs() < 1e-14);
    }
}
