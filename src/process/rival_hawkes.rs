//! Multivariate Hawkes process of price cuts by rival firms.

use super::hawkes_clocks::{ClockRace, Clocks, Events};
use super::{Hawkes, Process, Transition, check_dt};
use crate::error::{Error, Result, check, readable};
use crate::math;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// Largest number of firms a [`RivalHawkes`] can have: the state is a fixed-size
/// `Copy` array so that a path advances without allocating.
pub const MAX_FIRMS: usize = 8;

/// Largest expected number of events in one step that
/// [`RivalHawkes::transition`] accepts. The work of a step is proportional to its
/// number of events; beyond this bound a parameter set (or a step length) is
/// rejected rather than left to run for minutes per path.
pub const MAX_MEAN_EVENTS_PER_STEP: f64 = 10_000.0;

/// Price cuts by `n` rival firms: a multivariate Hawkes process in which a cut by
/// firm `j` raises firm `i`'s cut intensity by `a_self` if `i = j` and by `a_cross`
/// otherwise, and every excitation fades at one common rate `beta`.
///
/// **Law.** `N_i(t)` counts firm `i`'s cuts. Its intensity is
///
/// `lambda_i(t) = mu_i + x_i(0) e^{-beta t} + sum_j sum_{t_jk < t} A_ij e^{-beta (t - t_jk)}`,
///
/// with `A = (a_self - a_cross) I + a_cross J` (`J` the all-ones matrix): a
/// baseline `mu_i >= 0` per firm, an initial excess `x_i(0) >= 0`
/// ([`RivalHawkes::with_initial_excess`], default 0) and four numbers in all when
/// the baselines are shared. The excesses `x_i = lambda_i - mu_i` decay as
/// `dx_i = -beta x_i dt` between events and jump by `A_ij` at a cut by `j`.
///
/// **Stationarity.** The branching matrix `K = A / beta` (entry `ij`: the mean
/// number of cuts by `i` directly provoked by one cut by `j`) has the eigenvalues
/// of `A / beta`: `A = c1 P + c0 Q` with `P = J / n` the projection on the all-ones
/// vector, `Q = I - P`, `c1 = a_self + (n - 1) a_cross` (once) and
/// `c0 = a_self - a_cross` (`n - 1` times). For non-negative `a_self`, `a_cross`,
/// `|c0| <= c1`, so the spectral radius is `rho = (a_self + (n - 1) a_cross) / beta`
/// whatever their order, and the process is stationary iff `rho < 1`, checked at
/// construction. `rho` is also the branching ratio of the pooled cuts: every cut
/// raises the total intensity by `c1`, whoever made it.
///
/// **Exact transition.** The total excess `X = sum_i x_i` decays at rate `beta`
/// and jumps by `c1` at every event, so the pooled events form a univariate Hawkes
/// process ([`RivalHawkes::ground_process`]); they are simulated exactly as in
/// [`Hawkes`] (Dassios & Zhao, 2013): the next event is the first of an excited
/// candidate of intensity `X(t)` and a baseline candidate of intensity
/// `M = sum_i mu_i`, with residual `Exp(1)` clocks kept in the state. Because all
/// excesses decay at the same rate, the shares `x_i / X` stay constant between
/// events: an excited event belongs to firm `i` with probability `x_i / X`, a
/// baseline event with probability `mu_i / M`, each drawn with one uniform
/// (skipped when there is one firm, so that one firm reproduces [`Hawkes`] draw for
/// draw). The state keeps `X` and the shares, so a step without events costs the
/// same as [`Hawkes`]'s, whatever the number of firms. The law of the events does
/// not depend on `dt`; a transition whose expected events per step exceed
/// [`MAX_MEAN_EVENTS_PER_STEP`] is refused.
///
/// **Closed forms** (checked in the tests), with `kappa1 = beta - c1` and
/// `kappa0 = beta - c0` (both `> 0` under stationarity), `mean(v)` the average of
/// a vector's entries and `r(k, t) = (1 - e^{-k t}) / k`:
/// - stationary intensities `lambda_bar = (I - K)^{-1} mu`, that is
///   `lambda_bar_i = beta (mean(mu) / kappa1 + (mu_i - mean(mu)) / kappa0)`
///   ([`RivalHawkes::stationary_intensity`]);
/// - from `m = E[lambda(t)]`, `m' = -beta (m - mu) + A m`, so with
///   `d = lambda(0) - lambda_bar`:
///   `E[lambda_i(t)] = lambda_bar_i + e^{-kappa1 t} mean(d) + e^{-kappa0 t} (d_i - mean(d))`
///   ([`RivalHawkes::mean_intensity`]) and
///   `E[N_i(t)] = lambda_bar_i t + r(kappa1, t) mean(d) + r(kappa0, t) (d_i - mean(d))`
///   ([`RivalHawkes::mean_count`]);
/// - the pooled count `N(t) = sum_i N_i(t)` is a [`Hawkes`] process with baseline
///   `M`, jump `c1`, decay `beta` and initial excess `sum_i x_i(0)`, so its mean,
///   variance and stationary window variance are [`Hawkes`]'s.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::{Process, RivalHawkes, Transition};
///
/// // Four firms, a cut a year each at baseline; a rival's cut provokes 0.2 cuts
/// // by each other firm, one's own 0.1, over about a month (beta = 12 per year).
/// let war = RivalHawkes::shared(4, 1.0, 1.2, 2.4, 12.0)?;
/// assert!((war.spectral_radius() - 0.7).abs() < 1e-15);
/// // Shared baselines: lambda_bar_i = mu / (1 - rho).
/// assert!((war.stationary_intensity(0) - 1.0 / 0.3).abs() < 1e-12);
/// let step = war.transition(0.25)?;
/// let mut rng = PathStreams::new(7, 0).rng(Component::new(0));
/// let mut s = war.initial_state();
/// for _ in 0..40 {
///     step.step(&mut s, &mut rng);
/// }
/// assert_eq!(war.value(&s), (0..4).map(|i| s.count(i)).sum::<u64>() as f64);
/// assert!(RivalHawkes::shared(4, 1.0, 3.0, 3.0, 12.0).is_err()); // rho = 1
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RivalHawkesParams", into = "RivalHawkesParams")]
pub struct RivalHawkes {
    firms: usize,
    baseline: [f64; MAX_FIRMS],
    self_excitation: f64,
    cross_excitation: f64,
    decay: f64,
    initial_excess: [f64; MAX_FIRMS],
}

/// The serialised form of [`RivalHawkes`], validated through [`RivalHawkes::new`]
/// and [`RivalHawkes::with_initial_excess`] on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RivalHawkesParams {
    baseline: Vec<f64>,
    self_excitation: f64,
    cross_excitation: f64,
    decay: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    initial_excess: Vec<f64>,
}

impl TryFrom<RivalHawkesParams> for RivalHawkes {
    type Error = Error;

    fn try_from(p: RivalHawkesParams) -> Result<Self> {
        let law = RivalHawkes::new(&p.baseline, p.self_excitation, p.cross_excitation, p.decay)?;
        if p.initial_excess.is_empty() {
            Ok(law)
        } else {
            law.with_initial_excess(&p.initial_excess)
        }
    }
}

impl From<RivalHawkes> for RivalHawkesParams {
    fn from(h: RivalHawkes) -> Self {
        let excess = &h.initial_excess[..h.firms];
        RivalHawkesParams {
            baseline: h.baseline[..h.firms].to_vec(),
            self_excitation: h.self_excitation,
            cross_excitation: h.cross_excitation,
            decay: h.decay,
            initial_excess: if excess.iter().all(|&x| x == 0.0) {
                Vec::new()
            } else {
                excess.to_vec()
            },
        }
    }
}

/// One event of a [`RivalHawkes`] path: its time and the firm that moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RivalEvent {
    /// Time of the event.
    pub time: f64,
    /// Index of the firm, `0..firms`.
    pub firm: usize,
}

impl RivalHawkes {
    /// Rival Hawkes process with one baseline intensity per firm (`baseline`, 1 to
    /// [`MAX_FIRMS`] entries, each finite and `>= 0`), self-excitation
    /// `self_excitation` and cross-excitation `cross_excitation` (finite, `>= 0`)
    /// and decay `decay` (finite, `> 0`), with spectral radius
    /// `(self_excitation + (firms - 1) cross_excitation) / decay < 1`. Starts with no
    /// history.
    pub fn new(
        baseline: &[f64],
        self_excitation: f64,
        cross_excitation: f64,
        decay: f64,
    ) -> Result<Self> {
        let firms = baseline.len();
        if firms == 0 || firms > MAX_FIRMS {
            return Err(Error::invalid(
                "baseline",
                format!("{firms} entries"),
                format!("must have 1 to {MAX_FIRMS} entries, one per firm"),
            ));
        }
        let mut base = [0.0; MAX_FIRMS];
        for (i, (slot, &b)) in base.iter_mut().zip(baseline).enumerate() {
            *slot = check::non_negative(&format!("baseline[{i}]"), b)?;
        }
        let self_excitation = check::non_negative("self_excitation", self_excitation)?;
        let cross_excitation = check::non_negative("cross_excitation", cross_excitation)?;
        let decay = check::positive("decay", decay)?;
        let total_jump = self_excitation + (firms - 1) as f64 * cross_excitation;
        if total_jump >= decay {
            return Err(Error::invalid(
                "self_excitation + (firms - 1) cross_excitation",
                total_jump,
                format!(
                    "must be < `decay` ({}): the spectral radius of the branching matrix, \
                     {}, must be < 1 for a stationary process ({firms} firms)",
                    readable(decay),
                    readable(total_jump / decay)
                ),
            ));
        }
        Ok(RivalHawkes {
            firms,
            baseline: base,
            self_excitation,
            cross_excitation,
            decay,
            initial_excess: [0.0; MAX_FIRMS],
        })
    }

    /// [`RivalHawkes::new`] with the same baseline `baseline` for each of `firms`
    /// firms.
    pub fn shared(
        firms: usize,
        baseline: f64,
        self_excitation: f64,
        cross_excitation: f64,
        decay: f64,
    ) -> Result<Self> {
        if firms == 0 || firms > MAX_FIRMS {
            return Err(Error::invalid(
                "firms",
                firms,
                format!("must be 1 to {MAX_FIRMS}"),
            ));
        }
        let base = [baseline; MAX_FIRMS];
        Self::new(&base[..firms], self_excitation, cross_excitation, decay)
    }

    /// The same law started with excess intensities `lambda_i(0) - mu_i = excess[i]`
    /// (one per firm, finite, `>= 0`), as if recent cuts were still echoing.
    pub fn with_initial_excess(self, excess: &[f64]) -> Result<Self> {
        if excess.len() != self.firms {
            return Err(Error::invalid(
                "initial_excess",
                format!("{} entries", excess.len()),
                format!("must have one entry per firm ({})", self.firms),
            ));
        }
        let mut initial_excess = [0.0; MAX_FIRMS];
        for (i, (slot, &x)) in initial_excess.iter_mut().zip(excess).enumerate() {
            *slot = check::non_negative(&format!("initial_excess[{i}]"), x)?;
        }
        Ok(RivalHawkes {
            initial_excess,
            ..self
        })
    }

    /// Number of firms.
    pub fn firms(&self) -> usize {
        self.firms
    }

    /// Baseline intensity `mu_i` of firm `firm` (panics if `firm >= firms()`).
    pub fn baseline(&self, firm: usize) -> f64 {
        self.baselines()[firm]
    }

    /// The baselines `mu_0 .. mu_{n-1}`.
    pub fn baselines(&self) -> &[f64] {
        &self.baseline[..self.firms]
    }

    /// Jump of a firm's intensity at its own cut, `a_self`.
    pub fn self_excitation(&self) -> f64 {
        self.self_excitation
    }

    /// Jump of a firm's intensity at a rival's cut, `a_cross`.
    pub fn cross_excitation(&self) -> f64 {
        self.cross_excitation
    }

    /// Common decay rate `beta` of the excitation.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// Initial excess intensities `x_i(0)`.
    pub fn initial_excess(&self) -> &[f64] {
        &self.initial_excess[..self.firms]
    }

    /// Entry `A_ij` of the excitation matrix: the jump of firm `i`'s intensity at a
    /// cut by firm `j`.
    pub fn excitation(&self, i: usize, j: usize) -> f64 {
        if i == j {
            self.self_excitation
        } else {
            self.cross_excitation
        }
    }

    /// Spectral radius of the branching matrix `A / beta`,
    /// `(a_self + (n - 1) a_cross) / beta`, in `[0, 1)`.
    pub fn spectral_radius(&self) -> f64 {
        self.total_jump() / self.decay
    }

    /// The pooled cuts of all firms: a [`Hawkes`] process with baseline
    /// `sum_i mu_i`, jump `a_self + (n - 1) a_cross` and decay `beta`, started at
    /// the total initial excess.
    pub fn ground_process(&self) -> Hawkes {
        let law = Hawkes::new(self.total_baseline(), self.total_jump(), self.decay)
            .expect("validated: the total jump is below the decay");
        law.with_initial_excess(self.initial_excess().iter().sum())
            .expect("validated: initial excesses are finite and >= 0")
    }

    /// Stationary intensity `lambda_bar_i` of firm `firm`, entry `i` of
    /// `(I - A / beta)^{-1} mu`.
    pub fn stationary_intensity(&self, firm: usize) -> f64 {
        let (k1, k0) = self.relaxation_rates();
        let mean = self.mean_baseline();
        self.decay * (mean / k1 + (self.baseline(firm) - mean) / k0)
    }

    /// Stationary intensity of the pooled cuts, `sum_i lambda_bar_i`.
    pub fn stationary_total_intensity(&self) -> f64 {
        self.total_baseline() * self.decay / self.relaxation_rates().0
    }

    /// `E[lambda_i(t)]` from the initial state (see the closed forms above).
    pub fn mean_intensity(&self, firm: usize, t: f64) -> f64 {
        let (k1, k0) = self.relaxation_rates();
        let (common, own) = self.transient(firm);
        self.stationary_intensity(firm) + common * (-k1 * t).exp() + own * (-k0 * t).exp()
    }

    /// `E[N_i(t)]`, the expected number of cuts by firm `firm` on `[0, t]`.
    pub fn mean_count(&self, firm: usize, t: f64) -> f64 {
        let (k1, k0) = self.relaxation_rates();
        let (common, own) = self.transient(firm);
        self.stationary_intensity(firm) * t + common * relax(k1, t) + own * relax(k0, t)
    }

    /// Simulates the events on `[0, horizon]` exactly from the initial state, with
    /// the same transition as a simulation (steps of at most one time unit, or
    /// shorter if [`MAX_MEAN_EVENTS_PER_STEP`] requires it), and returns them in
    /// time order. For calibration tests and backtests, not hot loops: it allocates.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `horizon` is not finite and `> 0`.
    pub fn sample_events<R: Rng + ?Sized>(
        &self,
        horizon: f64,
        rng: &mut R,
    ) -> Result<Vec<RivalEvent>> {
        let horizon = check::positive("horizon", horizon)?;
        let rate = self.largest_mean_rate();
        let per_step = (0.5 * MAX_MEAN_EVENTS_PER_STEP / rate).min(1.0);
        let steps = (horizon / per_step).ceil().max(1.0);
        let dt = horizon / steps;
        let step = self.transition(dt)?;
        let mut state = self.initial_state();
        let mut events = Vec::new();
        for k in 0..steps as u64 {
            let start = k as f64 * dt;
            step.step_with_events(&mut state, rng, |offset, firm| {
                events.push(RivalEvent {
                    time: start + offset,
                    firm,
                });
            });
        }
        Ok(events)
    }

    /// Intensity `lambda_i = mu_i + x_i` of firm `firm` in a state.
    pub fn intensity(&self, state: &RivalHawkesState, firm: usize) -> f64 {
        self.baseline(firm) + state.excess(firm)
    }

    /// `c1 = a_self + (n - 1) a_cross`, the jump of the total intensity per event.
    fn total_jump(&self) -> f64 {
        self.self_excitation + (self.firms - 1) as f64 * self.cross_excitation
    }

    fn total_baseline(&self) -> f64 {
        self.baselines().iter().sum()
    }

    fn mean_baseline(&self) -> f64 {
        self.total_baseline() / self.firms as f64
    }

    /// `(kappa1, kappa0) = (beta - c1, beta - c0)`: the relaxation rates of the
    /// all-ones direction and of its complement.
    fn relaxation_rates(&self) -> (f64, f64) {
        let c0 = self.self_excitation - self.cross_excitation;
        (self.decay - self.total_jump(), self.decay - c0)
    }

    /// `(mean(d), d_i - mean(d))` for `d = lambda(0) - lambda_bar`.
    fn transient(&self, firm: usize) -> (f64, f64) {
        let d = |i: usize| self.baseline(i) + self.initial_excess[i] - self.stationary_intensity(i);
        let mean = (0..self.firms).map(d).sum::<f64>() / self.firms as f64;
        (mean, d(firm) - mean)
    }

    /// An upper bound of the expected rate of pooled events at any time: the
    /// expected total intensity moves monotonically from its start to its
    /// stationary value (it relaxes at the single rate `kappa1`).
    fn largest_mean_rate(&self) -> f64 {
        let start = self.total_baseline() + self.initial_excess().iter().sum::<f64>();
        start.max(self.stationary_total_intensity())
    }
}

/// `(1 - e^{-k t}) / k`, accurate for small `k t`.
fn relax(k: f64, t: f64) -> f64 {
    -(-k * t).exp_m1() / k
}

/// State of a [`RivalHawkes`] path: the total excess intensity and each firm's
/// share of it, cumulative counts and the counts of the most recent step per firm,
/// and the residual `Exp(1)` clocks of the two candidates (NaN until first drawn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RivalHawkesState {
    excess: f64,
    share: [f64; MAX_FIRMS],
    counts: [u64; MAX_FIRMS],
    last_events: [u32; MAX_FIRMS],
    excited_clock: f64,
    baseline_clock: f64,
}

impl Default for RivalHawkesState {
    /// No excess, no events, clocks not drawn yet.
    fn default() -> Self {
        RivalHawkesState {
            excess: 0.0,
            share: [0.0; MAX_FIRMS],
            counts: [0; MAX_FIRMS],
            last_events: [0; MAX_FIRMS],
            excited_clock: f64::NAN,
            baseline_clock: f64::NAN,
        }
    }
}

impl RivalHawkesState {
    /// Excess intensity `x_i = lambda_i - mu_i >= 0` of firm `firm` (0 beyond the
    /// number of firms).
    pub fn excess(&self, firm: usize) -> f64 {
        self.excess * self.share[firm]
    }

    /// Total excess intensity `X = sum_i x_i`.
    pub fn total_excess(&self) -> f64 {
        self.excess
    }

    /// Cumulative number of cuts by firm `firm` since time 0.
    pub fn count(&self, firm: usize) -> u64 {
        self.counts[firm]
    }

    /// Number of cuts by firm `firm` during the most recent step (saturating at
    /// `u32::MAX`).
    pub fn last_events(&self, firm: usize) -> u32 {
        self.last_events[firm]
    }

    /// Number of cuts by all firms during the most recent step.
    pub fn total_last_events(&self) -> u64 {
        self.last_events.iter().map(|&n| u64::from(n)).sum()
    }

    /// Cumulative number of cuts by all firms.
    pub fn total_count(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Exact rival Hawkes step for a fixed `dt` (see [`RivalHawkes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RivalHawkesStep {
    firms: usize,
    /// The race of the ground process: total baseline `M`, decay, step.
    race: ClockRace,
    /// Baseline shares `mu_i / M` (0 if `M = 0`).
    baseline_share: [f64; MAX_FIRMS],
    self_excitation: f64,
    cross_excitation: f64,
    total_jump: f64,
}

impl RivalHawkesStep {
    /// Step length.
    pub fn dt(&self) -> f64 {
        self.race.dt
    }

    /// Decay factor of the excess over a step without events, `e^{-beta dt}`.
    pub fn decay(&self) -> f64 {
        self.race.decay
    }

    /// Advances `state` by one step like [`Transition::step`] and calls
    /// `on_event(offset, firm)` for each event, in time order, with its time
    /// `offset` in `[0, dt]` from the start of the step. [`Transition::step`] is
    /// this with an empty `on_event`.
    #[inline]
    pub fn step_with_events<R, F>(&self, state: &mut RivalHawkesState, rng: &mut R, mut on_event: F)
    where
        R: Rng + ?Sized,
        F: FnMut(f64, usize),
    {
        let mut clocks = Clocks {
            excess: state.excess,
            excited: state.excited_clock,
            baseline: state.baseline_clock,
        };
        state.last_events = [0; MAX_FIRMS];
        self.race.run(
            &mut clocks,
            rng,
            &mut Cuts {
                step: self,
                state,
                on_event: &mut on_event,
            },
        );
        state.excess = clocks.excess;
        state.excited_clock = clocks.excited;
        state.baseline_clock = clocks.baseline;
    }

    /// Draws the firm of an event from probabilities `weight(i)` summing to 1 (to
    /// rounding): one uniform, none with a single firm. Rounding that leaves the
    /// uniform above the last cumulative weight picks the last firm of positive
    /// weight.
    #[inline]
    fn pick<R: Rng + ?Sized>(&self, rng: &mut R, weight: impl Fn(usize) -> f64) -> usize {
        if self.firms == 1 {
            return 0;
        }
        let u: f64 = rng.random();
        let (mut cumulative, mut last) = (0.0, 0);
        for i in 0..self.firms {
            let w = weight(i);
            if w > 0.0 {
                cumulative += w;
                last = i;
                if u < cumulative {
                    return i;
                }
            }
        }
        last
    }

    /// Adds a cut by `firm` to the excess `excess` (just before the event) and
    /// returns the new total excess, updating the shares: `x_i <- x_i + A_i,firm`.
    #[inline]
    fn excite(&self, state: &mut RivalHawkesState, excess: f64, firm: usize) -> f64 {
        let total = excess + self.total_jump;
        if self.firms == 1 {
            state.share[0] = if total > 0.0 { 1.0 } else { 0.0 };
            return total;
        }
        let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
        for (i, share) in state.share[..self.firms].iter_mut().enumerate() {
            let jump = if i == firm {
                self.self_excitation
            } else {
                self.cross_excitation
            };
            *share = (excess * *share + jump) * scale;
        }
        total
    }
}

/// Each event is a cut by a firm drawn from the shares of the excess (an
/// excited event: the excess just before it is shared between the firms as
/// before) or of the baseline, then reported to `on_event`.
struct Cuts<'a, F> {
    step: &'a RivalHawkesStep,
    state: &'a mut RivalHawkesState,
    on_event: &'a mut F,
}

impl<F: FnMut(f64, usize)> Cuts<'_, F> {
    #[inline(always)]
    fn cut(&mut self, firm: usize, excess: f64, offset: f64) -> f64 {
        let excess = self.step.excite(self.state, excess, firm);
        self.state.last_events[firm] = self.state.last_events[firm].saturating_add(1);
        self.state.counts[firm] += 1;
        (self.on_event)(offset, firm);
        excess
    }
}

impl<R: Rng + ?Sized, F: FnMut(f64, usize)> Events<R> for Cuts<'_, F> {
    #[inline(always)]
    fn excited(&mut self, rng: &mut R, excess: f64, offset: f64) -> f64 {
        let share = &self.state.share;
        let firm = self.step.pick(rng, |i| share[i]);
        self.cut(firm, excess, offset)
    }

    #[inline(always)]
    fn baseline(&mut self, rng: &mut R, excess: f64, offset: f64) -> f64 {
        let step = self.step;
        let firm = step.pick(rng, |i| step.baseline_share[i]);
        self.cut(firm, excess, offset)
    }
}

impl Process for RivalHawkes {
    type State = RivalHawkesState;
    type Transition = RivalHawkesStep;

    fn initial_state(&self) -> RivalHawkesState {
        let total: f64 = self.initial_excess().iter().sum();
        let mut share = [0.0; MAX_FIRMS];
        if total > 0.0 {
            for (s, &x) in share.iter_mut().zip(self.initial_excess()) {
                *s = x / total;
            }
        }
        RivalHawkesState {
            excess: total,
            share,
            ..RivalHawkesState::default()
        }
    }

    /// The exact step over `dt`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `dt` is not finite and `> 0`, or if the
    /// expected number of events in a step, at most
    /// `max(M + sum_i x_i(0), sum_i lambda_bar_i) dt`, exceeds
    /// [`MAX_MEAN_EVENTS_PER_STEP`].
    fn transition(&self, dt: f64) -> Result<RivalHawkesStep> {
        let dt = check_dt(dt)?;
        let expected = self.largest_mean_rate() * dt;
        if expected > MAX_MEAN_EVENTS_PER_STEP {
            return Err(Error::invalid(
                "dt",
                dt,
                format!(
                    "gives up to {expected:.3e} expected events per step, above the bound of \
                     {MAX_MEAN_EVENTS_PER_STEP}: shorten the step or lower the intensities"
                ),
            ));
        }
        let total = self.total_baseline();
        let mut baseline_share = [0.0; MAX_FIRMS];
        if total > 0.0 {
            for (slot, &mu) in baseline_share.iter_mut().zip(self.baselines()) {
                *slot = mu / total;
            }
        }
        Ok(RivalHawkesStep {
            firms: self.firms,
            race: ClockRace {
                beta: self.decay,
                baseline: total,
                dt,
                decay: math::exp(-self.decay * dt),
            },
            baseline_share,
            self_excitation: self.self_excitation,
            cross_excitation: self.cross_excitation,
            total_jump: self.total_jump(),
        })
    }

    /// The cumulative number of cuts by all firms.
    fn value(&self, state: &RivalHawkesState) -> f64 {
        state.total_count() as f64
    }
}

impl Transition for RivalHawkesStep {
    type State = RivalHawkesState;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut RivalHawkesState, rng: &mut R) {
        self.step_with_events(state, rng, |_, _| {});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        for bad in [f64::NAN, -0.1, f64::INFINITY] {
            assert!(
                message(RivalHawkes::new(&[1.0, bad], 0.5, 0.1, 2.0)).contains("`baseline[1]`")
            );
            assert!(message(RivalHawkes::new(&[1.0], bad, 0.1, 2.0)).contains("`self_excitation`"));
            assert!(
                message(RivalHawkes::new(&[1.0], 0.5, bad, 2.0)).contains("`cross_excitation`")
            );
        }
        for bad in [f64::NAN, 0.0, -1.0, f64::INFINITY] {
            assert!(message(RivalHawkes::new(&[1.0], 0.5, 0.1, bad)).contains("`decay`"));
        }
        assert!(message(RivalHawkes::new(&[], 0.5, 0.1, 2.0)).contains("`baseline`"));
        assert!(message(RivalHawkes::new(&[1.0; 9], 0.0, 0.0, 2.0)).contains("1 to 8"));
        assert!(message(RivalHawkes::shared(0, 1.0, 0.0, 0.0, 1.0)).contains("`firms`"));
        // rho = (0.5 + 3 * 0.5) / 2 = 1: explosive.
        let err = message(RivalHawkes::shared(4, 1.0, 0.5, 0.5, 2.0));
        assert!(
            err.contains("spectral radius") && err.contains("`decay`"),
            "{err}"
        );
        // Cross-excitation above self-excitation is fine as long as rho < 1.
        assert!(RivalHawkes::shared(4, 1.0, 0.0, 0.6, 2.0).is_ok());
        let ok = RivalHawkes::shared(2, 1.0, 0.5, 0.2, 2.0).unwrap();
        assert!(message(ok.with_initial_excess(&[1.0])).contains("one entry per firm"));
        assert!(message(ok.with_initial_excess(&[1.0, -1.0])).contains("`initial_excess[1]`"));
        assert!(message(ok.transition(0.0)).contains("`dt`"));
        assert!(ok.transition(f64::NAN).is_err());
    }

    #[test]
    fn refuses_steps_with_too_many_expected_events() {
        // lambda_bar total = 2 * 1000 / (1 - 0.7 / 1) = 6667 a year.
        let busy = RivalHawkes::shared(2, 1000.0, 0.5, 0.2, 1.0).unwrap();
        assert!(busy.transition(1.0).is_ok());
        let err = message(busy.transition(2.0));
        assert!(
            err.contains("`dt`") && err.contains("expected events per step"),
            "{err}"
        );
        // A large initial excess counts too.
        let echo = RivalHawkes::shared(2, 0.0, 0.5, 0.2, 1.0)
            .unwrap()
            .with_initial_excess(&[20_000.0, 0.0])
            .unwrap();
        assert!(echo.transition(1.0).is_err());
        assert!(echo.transition(0.1).is_ok());
        // sample_events splits a long horizon into admissible steps.
        let mut rng = crate::engine::PathStreams::new(1, 0).rng(crate::engine::Component::new(0));
        let events = busy.sample_events(3.0, &mut rng).unwrap();
        assert!(events.windows(2).all(|w| w[0].time <= w[1].time));
        assert!(events.iter().all(|e| e.time <= 3.0 && e.firm < 2));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let h = RivalHawkes::new(&[0.5, 1.0, 0.0], 0.4, 0.3, 2.0)
            .unwrap()
            .with_initial_excess(&[1.0, 0.0, 2.0])
            .unwrap();
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<RivalHawkes>(&json).unwrap(), h);
        let plain = RivalHawkes::shared(2, 1.0, 0.4, 0.3, 2.0).unwrap();
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("initial_excess"), "{json}");
        assert_eq!(serde_json::from_str::<RivalHawkes>(&json).unwrap(), plain);
        let bad = serde_json::from_str::<RivalHawkes>(
            r#"{"baseline":[1,1],"self_excitation":1,"cross_excitation":1,"decay":2}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("spectral radius"));
        let unknown = serde_json::from_str::<RivalHawkes>(
            r#"{"baseline":[1],"self_excitation":0,"cross_excitation":0,"decay":2,"mu":1}"#,
        );
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn spectral_radius_is_that_of_the_branching_matrix() {
        // Against the eigenvalues of the full matrix A / beta, whatever the order of
        // a_self and a_cross.
        for (n, a_s, a_c, beta) in [
            (1, 0.7, 0.0, 1.0),
            (2, 0.1, 0.8, 2.0),
            (3, 0.9, 0.1, 1.5),
            (5, 0.0, 0.2, 1.0),
            (8, 0.3, 0.05, 1.0),
            (4, 0.4, 0.4, 2.0),
        ] {
            let h = RivalHawkes::shared(n, 1.0, a_s, a_c, beta).unwrap();
            let k = nalgebra::DMatrix::from_fn(n, n, |i, j| h.excitation(i, j) / beta);
            let eigen = k.symmetric_eigen();
            let radius = eigen.eigenvalues.iter().fold(0.0f64, |m, e| m.max(e.abs()));
            assert!(
                (radius - h.spectral_radius()).abs() < 1e-12,
                "{n} {a_s} {a_c}"
            );
        }
    }

    #[test]
    fn closed_forms_solve_the_mean_equations() {
        // m' = -beta (m - mu) + A m integrated by RK4, and (I - K)^{-1} mu solved
        // by LU: independent of the eigen-decomposition used by the closed forms.
        let h = RivalHawkes::new(&[0.5, 2.0, 0.0, 1.0], 0.9, 0.3, 2.5)
            .unwrap()
            .with_initial_excess(&[3.0, 0.0, 1.0, 0.5])
            .unwrap();
        let n = h.firms();
        let a = nalgebra::DMatrix::from_fn(n, n, |i, j| h.excitation(i, j));
        let mu = nalgebra::DVector::from_column_slice(h.baselines());
        let eye = nalgebra::DMatrix::<f64>::identity(n, n);
        let bar = (&eye - &a / h.decay()).lu().solve(&mu).unwrap();
        for i in 0..n {
            assert!((bar[i] - h.stationary_intensity(i)).abs() < 1e-12);
        }
        let total: f64 = bar.iter().sum();
        assert!((total - h.stationary_total_intensity()).abs() < 1e-12);
        // y = [m (n entries), E N (n entries)]
        let f = |y: &nalgebra::DVector<f64>| {
            let m = y.rows(0, n).into_owned();
            let dm = -h.decay() * (&m - &mu) + &a * &m;
            let mut out = y.clone();
            out.rows_mut(0, n).copy_from(&dm);
            out.rows_mut(n, n).copy_from(&m);
            out
        };
        let mut y = nalgebra::DVector::zeros(2 * n);
        for i in 0..n {
            y[i] = h.baseline(i) + h.initial_excess()[i];
        }
        let (steps, t) = (20_000, 3.0);
        let dt = t / steps as f64;
        for _ in 0..steps {
            let k1 = f(&y);
            let k2 = f(&(&y + &k1 * (dt / 2.0)));
            let k3 = f(&(&y + &k2 * (dt / 2.0)));
            let k4 = f(&(&y + &k3 * dt));
            y += (k1 + k2 * 2.0 + k3 * 2.0 + k4) * (dt / 6.0);
        }
        for i in 0..n {
            assert!((y[i] - h.mean_intensity(i, t)).abs() < 1e-9, "firm {i}");
            assert!((y[n + i] - h.mean_count(i, t)).abs() < 1e-9, "firm {i}");
        }
        let ground = h.ground_process();
        let pooled: f64 = (0..n).map(|i| h.mean_count(i, t)).sum();
        assert!((ground.mean(t) - pooled).abs() < 1e-9);
    }
}
