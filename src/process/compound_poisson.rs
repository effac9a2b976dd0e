//! Compound Poisson process and the jump-size laws it draws from.

use super::{
    Gamma, MAX_EXPECTED_EVENTS_PER_STEP, Poisson, Process, Transition, check_dt,
    standard_exponential, standard_normal,
};
use crate::error::{Error, Result, check};
use crate::math;
use rand::distr::Distribution;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// The law of one jump `J` of a [`CompoundPoisson`] process.
///
/// Build it with the validating constructors ([`JumpSize::normal`], ...): the
/// variants are `#[non_exhaustive]`, so outside this crate they can be matched (with
/// `..`) but not built directly, and deserialisation goes through the same checks.
/// Every law has finite moments: parameters whose `Var[J]` or `E[J^2]` overflows
/// `f64` are rejected.
///
/// Serialised internally tagged by `kind`, e.g. in TOML
/// `{ kind = "normal", mean = 0.1, std_dev = 0.05 }` or
/// `{ kind = "log_normal", mu = 0.0, sigma = 0.5 }`.
///
/// **Sampling** allocates nothing and has the same bits on every platform:
/// `mean + std_dev Z`, `exp(mu + sigma Z)` ([`math::exp`](crate::math::exp)) with
/// `Z ~` [`StandardNormal`](super::StandardNormal), `mean E` with
/// `E ~` [`StandardExponential`](super::StandardExponential),
/// `low + (high - low) U` with `U ~ U[0, 1)`. The gamma law builds a
/// [`Gamma`](super::Gamma) per draw: a plain `Copy` value costing one square root
/// and one or two divisions, small next to the Marsaglia-Tsang draw itself, which
/// keeps this enum a plain parameter record.
///
/// ```
/// use outpace::process::JumpSize;
/// let j = JumpSize::gamma(2.0, 0.5)?;
/// assert_eq!(j.mean(), 1.0);
/// assert_eq!(j.variance(), 0.5);
/// assert_eq!(j.second_moment(), 1.5);
/// assert!(JumpSize::exponential(0.0).is_err()); // the mean must be > 0
/// let toml = r#"kind = "normal"
/// mean = 0.1
/// std_dev = 0.05"#;
/// assert_eq!(toml::from_str::<JumpSize>(toml).unwrap(), JumpSize::normal(0.1, 0.05)?);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RawJumpSize")]
pub enum JumpSize {
    /// Every jump equals `value`.
    #[non_exhaustive]
    Constant {
        /// The jump (finite).
        value: f64,
    },
    /// `J ~ N(mean, std_dev^2)`.
    #[non_exhaustive]
    Normal {
        /// Mean (finite).
        mean: f64,
        /// Standard deviation (finite, `>= 0`).
        std_dev: f64,
    },
    /// `J = e^X` with `X ~ N(mu, sigma^2)`.
    #[non_exhaustive]
    LogNormal {
        /// Mean of `log J` (finite).
        mu: f64,
        /// Standard deviation of `log J` (finite, `>= 0`).
        sigma: f64,
    },
    /// Exponential with the given mean (rate `1 / mean`).
    #[non_exhaustive]
    Exponential {
        /// Mean (finite, `> 0`).
        mean: f64,
    },
    /// Uniform on `[low, high]`.
    #[non_exhaustive]
    Uniform {
        /// Lower end (finite).
        low: f64,
        /// Upper end (finite, `>= low`).
        high: f64,
    },
    /// Gamma with density proportional to `x^{shape - 1} e^{-x / scale}`.
    #[non_exhaustive]
    Gamma {
        /// Shape (finite, `> 0`).
        shape: f64,
        /// Scale (finite, `> 0`).
        scale: f64,
    },
}

/// The serialised form of [`JumpSize`], validated through its constructors.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum RawJumpSize {
    Constant { value: f64 },
    Normal { mean: f64, std_dev: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Exponential { mean: f64 },
    Uniform { low: f64, high: f64 },
    Gamma { shape: f64, scale: f64 },
}

impl TryFrom<RawJumpSize> for JumpSize {
    type Error = Error;

    fn try_from(raw: RawJumpSize) -> Result<Self> {
        match raw {
            RawJumpSize::Constant { value } => JumpSize::constant(value),
            RawJumpSize::Normal { mean, std_dev } => JumpSize::normal(mean, std_dev),
            RawJumpSize::LogNormal { mu, sigma } => JumpSize::log_normal(mu, sigma),
            RawJumpSize::Exponential { mean } => JumpSize::exponential(mean),
            RawJumpSize::Uniform { low, high } => JumpSize::uniform(low, high),
            RawJumpSize::Gamma { shape, scale } => JumpSize::gamma(shape, scale),
        }
    }
}

impl JumpSize {
    /// Every jump equals `value` (finite).
    pub fn constant(value: f64) -> Result<Self> {
        let value = check::finite("value", value)?;
        JumpSize::Constant { value }.with_finite_moments(("value", value), ("value", value))
    }

    /// `N(mean, std_dev^2)`, `mean` finite, `std_dev` finite and `>= 0`.
    pub fn normal(mean: f64, std_dev: f64) -> Result<Self> {
        let mean = check::finite("mean", mean)?;
        let std_dev = check::non_negative("std_dev", std_dev)?;
        JumpSize::Normal { mean, std_dev }.with_finite_moments(("std_dev", std_dev), ("mean", mean))
    }

    /// `e^X` with `X ~ N(mu, sigma^2)`, `mu` finite, `sigma` finite and `>= 0`.
    pub fn log_normal(mu: f64, sigma: f64) -> Result<Self> {
        let mu = check::finite("mu", mu)?;
        let sigma = check::non_negative("sigma", sigma)?;
        JumpSize::LogNormal { mu, sigma }.with_finite_moments(("sigma", sigma), ("mu", mu))
    }

    /// Exponential with `mean` finite and `> 0`.
    pub fn exponential(mean: f64) -> Result<Self> {
        let mean = check::positive("mean", mean)?;
        JumpSize::Exponential { mean }.with_finite_moments(("mean", mean), ("mean", mean))
    }

    /// Uniform on `[low, high]`, both finite, `low <= high`.
    pub fn uniform(low: f64, high: f64) -> Result<Self> {
        let (low, high) = check::ordered("low", low, "high", high)?;
        JumpSize::Uniform { low, high }.with_finite_moments(("high", high), ("low", low))
    }

    /// Gamma with `shape` and `scale` finite and `> 0`.
    pub fn gamma(shape: f64, scale: f64) -> Result<Self> {
        let shape = check::positive("shape", shape)?;
        let scale = check::positive("scale", scale)?;
        JumpSize::Gamma { shape, scale }.with_finite_moments(("scale", scale), ("shape", shape))
    }

    /// Rejects a law whose `Var[J]` (blamed on the `spread` parameter) or `E[J^2]`
    /// (blamed on the `level` parameter) overflows.
    fn with_finite_moments(self, spread: (&str, f64), level: (&str, f64)) -> Result<Self> {
        if !self.variance().is_finite() {
            return Err(Error::invalid(
                spread.0,
                spread.1,
                "too large: the jump variance Var[J] overflows f64",
            ));
        }
        if !self.second_moment().is_finite() {
            return Err(Error::invalid(
                level.0,
                level.1,
                "too large: the jump second moment E[J^2] overflows f64",
            ));
        }
        Ok(self)
    }

    /// `E[J]`.
    pub fn mean(&self) -> f64 {
        match *self {
            JumpSize::Constant { value } => value,
            JumpSize::Normal { mean, .. } | JumpSize::Exponential { mean } => mean,
            JumpSize::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            JumpSize::Uniform { low, high } => 0.5 * (low + high),
            JumpSize::Gamma { shape, scale } => shape * scale,
        }
    }

    /// `Var[J]`.
    pub fn variance(&self) -> f64 {
        match *self {
            JumpSize::Constant { .. } => 0.0,
            JumpSize::Normal { std_dev, .. } => std_dev * std_dev,
            JumpSize::LogNormal { mu, sigma } => {
                // e^{2 mu + s2} (e^{s2} - 1), in log form so that `sigma = 0` gives 0
                // even when e^{2 mu} overflows.
                let s2 = sigma * sigma;
                (2.0 * mu + s2 + s2.exp_m1().ln()).exp()
            }
            JumpSize::Exponential { mean } => mean * mean,
            JumpSize::Uniform { low, high } => (high - low).powi(2) / 12.0,
            JumpSize::Gamma { shape, scale } => shape * scale * scale,
        }
    }

    /// `E[J^2] = Var[J] + E[J]^2`.
    pub fn second_moment(&self) -> f64 {
        let mean = self.mean();
        self.variance() + mean * mean
    }
}

impl Distribution<f64> for JumpSize {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            JumpSize::Constant { value } => value,
            JumpSize::Normal { mean, std_dev } => mean + std_dev * standard_normal(rng),
            JumpSize::LogNormal { mu, sigma } => math::exp(mu + sigma * standard_normal(rng)),
            JumpSize::Exponential { mean } => mean * standard_exponential(rng),
            JumpSize::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            // `JumpSize::gamma` validated the shape and scale; NaN is unreachable.
            JumpSize::Gamma { shape, scale } => {
                Gamma::new(shape, scale).map_or(f64::NAN, |gamma| gamma.sample(rng))
            }
        }
    }
}

/// Compound Poisson process `X_t = sum_{i=1}^{N_t} J_i`: `N` a Poisson process of
/// rate `lambda >= 0`, the jumps `J_i` iid from `D` (by default a [`JumpSize`]),
/// independent of `N`. `X_0 = 0`.
///
/// **Exact transition** over a step `dt`: draw `n ~ Poisson(lambda dt)`, then `n`
/// jumps; add their sum to the total. A step costs `lambda dt` jump draws on
/// average, so [`transition`](Process::transition) refuses `lambda dt` above
/// [`MAX_EXPECTED_EVENTS_PER_STEP`](super::MAX_EXPECTED_EVENTS_PER_STEP). The state ([`CompoundPoissonState`]) also keeps
/// the number of events so far and the count and sum of the most recent step.
///
/// **Closed forms** (checked in the tests): `E[N_t] = Var[N_t] = lambda t`,
/// `P(N_t = 0) = e^{-lambda t}`, `E[X_t] = lambda t E[J]`,
/// `Var[X_t] = lambda t E[J^2]`.
///
/// ```
/// use outpace::process::{CompoundPoisson, JumpSize, Process, Transition};
/// use outpace::engine::{Component, PathStreams};
/// let cp = CompoundPoisson::new(2.0, JumpSize::exponential(0.5)?)?;
/// assert_eq!(cp.mean(3.0), 3.0); // 2 * 3 * 0.5
/// assert_eq!(cp.variance(3.0), 3.0); // 2 * 3 * (2 * 0.5^2)
/// let step = cp.transition(0.25)?;
/// let mut rng = PathStreams::new(7, 0).rng(Component::new(3));
/// let mut s = cp.initial_state();
/// step.step(&mut s, &mut rng);
/// assert_eq!(s.count, u64::from(s.last_count));
/// assert_eq!(cp.value(&s), s.last_sum);
/// assert!(CompoundPoisson::new(-1.0, JumpSize::constant(1.0)?).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "CompoundPoissonParams<D>",
    bound(deserialize = "D: Deserialize<'de> + Distribution<f64>")
)]
pub struct CompoundPoisson<D = JumpSize> {
    rate: f64,
    jumps: D,
}

/// The serialised form of [`CompoundPoisson`], validated through
/// [`CompoundPoisson::new`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompoundPoissonParams<D> {
    rate: f64,
    jumps: D,
}

impl<D: Distribution<f64>> TryFrom<CompoundPoissonParams<D>> for CompoundPoisson<D> {
    type Error = Error;

    fn try_from(p: CompoundPoissonParams<D>) -> Result<Self> {
        CompoundPoisson::new(p.rate, p.jumps)
    }
}

impl<D: Distribution<f64>> CompoundPoisson<D> {
    /// Compound Poisson process with event rate `rate` (finite, `>= 0`) and jump law
    /// `jumps`.
    pub fn new(rate: f64, jumps: D) -> Result<Self> {
        Ok(CompoundPoisson {
            rate: check::non_negative("rate", rate)?,
            jumps,
        })
    }

    /// Event rate `lambda`.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The jump law.
    pub fn jumps(&self) -> &D {
        &self.jumps
    }

    /// `E[N_t] = Var[N_t] = lambda t`.
    pub fn expected_count(&self, t: f64) -> f64 {
        self.rate * t
    }
}

impl CompoundPoisson<JumpSize> {
    /// `E[X_t] = lambda t E[J]`.
    pub fn mean(&self, t: f64) -> f64 {
        self.expected_count(t) * self.jumps.mean()
    }

    /// `Var[X_t] = lambda t E[J^2]`.
    pub fn variance(&self, t: f64) -> f64 {
        self.expected_count(t) * self.jumps.second_moment()
    }
}

/// State of a [`CompoundPoisson`] path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompoundPoissonState {
    /// `X_t`, the sum of all jumps so far.
    pub total: f64,
    /// `N_t`, the number of events so far.
    pub count: u64,
    /// Number of events in the most recent step.
    pub last_count: u32,
    /// Sum of the jumps of the most recent step.
    pub last_sum: f64,
}

/// Largest expected number of events per step: keeps every Poisson draw far below
/// `u32::MAX` (the sampler's draws stay below it for means below `4.2e9`).
const MAX_EVENTS_PER_STEP: f64 = 4.0e9;

/// Sampler of the number of events in one step, `Poisson(rate dt)`; shared with
/// [`Merton`](super::Merton).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct EventCount {
    /// `None` when `rate dt = 0`: no events, and no random number drawn.
    poisson: Option<Poisson>,
    mean: f64,
}

impl EventCount {
    /// Events of rate `rate` (validated, named `rate_name`) over a validated step `dt`.
    pub(super) fn new(rate_name: &str, rate: f64, dt: f64) -> Result<Self> {
        // Finite or +inf, never NaN: `rate >= 0` and `dt > 0` are finite.
        let mean = rate * dt;
        if mean > MAX_EVENTS_PER_STEP {
            return Err(Error::invalid(
                format!("{rate_name} * dt"),
                mean,
                format!("the expected events per step must be <= {MAX_EVENTS_PER_STEP:e}"),
            ));
        }
        let poisson = if mean > 0.0 {
            // Cannot fail: `0 < mean <= 4e9`. Named after the product if it did.
            let poisson = Poisson::new(mean).map_err(|e| match e {
                Error::InvalidParameter { value, rule, .. } => Error::InvalidParameter {
                    name: format!("{rate_name} * dt"),
                    value,
                    rule,
                },
                other => other,
            })?;
            Some(poisson)
        } else {
            None
        };
        Ok(EventCount { poisson, mean })
    }

    /// `rate dt`.
    pub(super) fn mean(&self) -> f64 {
        self.mean
    }

    /// One draw of the number of events.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        match &self.poisson {
            // Exact: a Poisson draw of mean <= 4e9 is an integer below u32::MAX.
            Some(poisson) => poisson.sample(rng) as u32,
            None => 0,
        }
    }
}

/// Exact compound Poisson step for a fixed `dt`: `n ~ Poisson(lambda dt)` events,
/// then `n` jump draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompoundPoissonStep<D = JumpSize> {
    events: EventCount,
    jumps: D,
}

impl<D> CompoundPoissonStep<D> {
    /// Expected number of events per step, `lambda dt`.
    pub fn expected_count(&self) -> f64 {
        self.events.mean()
    }
}

impl<D> Process for CompoundPoisson<D>
where
    D: Distribution<f64> + Clone + std::fmt::Debug + Send + Sync,
{
    type State = CompoundPoissonState;
    type Transition = CompoundPoissonStep<D>;

    fn initial_state(&self) -> CompoundPoissonState {
        CompoundPoissonState::default()
    }

    /// # Errors
    /// If `dt` is not finite and `> 0`, or the step expects more than
    /// [`MAX_EXPECTED_EVENTS_PER_STEP`] events (`rate dt`): each event is a jump
    /// drawn in the step.
    fn transition(&self, dt: f64) -> Result<CompoundPoissonStep<D>> {
        let dt = check_dt(dt)?;
        let events = EventCount::new("rate", self.rate, dt)?;
        if events.mean() > MAX_EXPECTED_EVENTS_PER_STEP {
            return Err(Error::invalid(
                "rate * dt",
                events.mean(),
                format!(
                    "the expected events per step must be <= {MAX_EXPECTED_EVENTS_PER_STEP:e}: \
                     each is a jump drawn in the step"
                ),
            ));
        }
        Ok(CompoundPoissonStep {
            events,
            jumps: self.jumps.clone(),
        })
    }

    fn value(&self, state: &CompoundPoissonState) -> f64 {
        state.total
    }
}

impl<D> Transition for CompoundPoissonStep<D>
where
    D: Distribution<f64> + Clone + std::fmt::Debug + Send + Sync,
{
    type State = CompoundPoissonState;

    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut CompoundPoissonState, rng: &mut R) {
        let n = self.events.sample(rng);
        let mut sum = 0.0;
        for _ in 0..n {
            sum += self.jumps.sample(rng);
        }
        state.total += sum;
        state.count += u64::from(n);
        state.last_count = n;
        state.last_sum = sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    #[track_caller]
    fn assert_names(result: Result<JumpSize>, name: &str) {
        let err = result.unwrap_err().to_string();
        assert!(err.contains(&format!("`{name}`")), "{err}");
    }

    #[test]
    fn jump_sizes_reject_bad_parameters_naming_them() {
        assert_names(JumpSize::constant(f64::NAN), "value");
        assert_names(JumpSize::constant(f64::MAX), "value"); // E[J^2] overflows
        assert_names(JumpSize::normal(f64::INFINITY, 1.0), "mean");
        assert_names(JumpSize::normal(0.0, -1.0), "std_dev");
        assert_names(JumpSize::normal(0.0, f64::NAN), "std_dev");
        assert_names(JumpSize::normal(0.0, 1e200), "std_dev"); // Var[J] overflows
        assert_names(JumpSize::normal(1e200, 1.0), "mean"); // E[J^2] overflows
        assert_names(JumpSize::log_normal(f64::NAN, 0.1), "mu");
        assert_names(JumpSize::log_normal(0.0, -0.1), "sigma");
        assert_names(JumpSize::log_normal(0.0, 30.0), "sigma"); // Var[J] overflows
        assert_names(JumpSize::log_normal(400.0, 0.0), "mu"); // E[J^2] overflows
        assert_names(JumpSize::exponential(0.0), "mean");
        assert_names(JumpSize::exponential(-1.0), "mean");
        assert_names(JumpSize::exponential(f64::INFINITY), "mean");
        assert_names(JumpSize::exponential(1e200), "mean"); // Var[J] overflows
        assert_names(JumpSize::uniform(f64::NAN, 1.0), "low");
        assert_names(JumpSize::uniform(0.0, f64::INFINITY), "high");
        assert_names(JumpSize::uniform(2.0, 1.0), "low"); // low > high
        assert_names(JumpSize::uniform(-f64::MAX, f64::MAX), "high"); // width overflows
        assert_names(JumpSize::gamma(0.0, 1.0), "shape");
        assert_names(JumpSize::gamma(f64::NAN, 1.0), "shape");
        assert_names(JumpSize::gamma(1.0, 0.0), "scale");
        assert_names(JumpSize::gamma(1.0, -2.0), "scale");
        assert_names(JumpSize::gamma(1.0, 1e200), "scale"); // Var[J] overflows
        assert!(JumpSize::uniform(1.0, 1.0).is_ok());
        assert!(JumpSize::normal(-3.0, 0.0).is_ok());
    }

    #[test]
    fn jump_size_moments_are_consistent() {
        let laws = [
            JumpSize::constant(-2.0).unwrap(),
            JumpSize::normal(0.5, 2.0).unwrap(),
            JumpSize::log_normal(0.1, 0.4).unwrap(),
            JumpSize::exponential(3.0).unwrap(),
            JumpSize::uniform(-1.0, 3.0).unwrap(),
            JumpSize::gamma(0.5, 2.0).unwrap(),
        ];
        let expected = [
            (-2.0, 0.0, 4.0),
            (0.5, 4.0, 4.25),
            (
                0.18f64.exp(),
                0.36f64.exp() * 0.16f64.exp_m1(),
                0.52f64.exp(),
            ),
            (3.0, 9.0, 18.0),
            (1.0, 16.0 / 12.0, 7.0 / 3.0),
            (1.0, 2.0, 3.0),
        ];
        for (law, (mean, var, m2)) in laws.iter().zip(expected) {
            assert!((law.mean() - mean).abs() < 1e-14, "{law:?}");
            assert!((law.variance() - var).abs() < 1e-14, "{law:?}");
            assert!((law.second_moment() - m2).abs() < 1e-13, "{law:?}");
        }
    }

    #[test]
    fn jump_sizes_sample_in_their_support() {
        let mut rng = PathStreams::new(5, 0).rng(Component::new(0));
        let constant = JumpSize::constant(1.5).unwrap();
        let uniform = JumpSize::uniform(-1.0, 2.0).unwrap();
        let positive = [
            JumpSize::log_normal(0.0, 1.0).unwrap(),
            JumpSize::exponential(2.0).unwrap(),
            JumpSize::gamma(0.3, 1.0).unwrap(),
            JumpSize::gamma(1.0, 1.0).unwrap(),
            JumpSize::gamma(4.0, 1.0).unwrap(),
        ];
        for _ in 0..1000 {
            assert_eq!(constant.sample(&mut rng), 1.5);
            assert!((-1.0..=2.0).contains(&uniform.sample(&mut rng)));
            for law in &positive {
                let x = law.sample(&mut rng);
                assert!(x.is_finite() && x >= 0.0, "{law:?}: {x}");
            }
        }
    }

    #[test]
    fn jump_size_serde_round_trip_and_validation() {
        let laws = [
            JumpSize::constant(1.0).unwrap(),
            JumpSize::normal(0.1, 0.2).unwrap(),
            JumpSize::log_normal(-0.1, 0.3).unwrap(),
            JumpSize::exponential(2.5).unwrap(),
            JumpSize::uniform(-1.0, 4.0).unwrap(),
            JumpSize::gamma(2.0, 0.5).unwrap(),
        ];
        for law in laws {
            let json = serde_json::to_string(&law).unwrap();
            assert_eq!(serde_json::from_str::<JumpSize>(&json).unwrap(), law);
            let toml = toml::to_string(&law).unwrap();
            assert_eq!(toml::from_str::<JumpSize>(&toml).unwrap(), law, "{toml}");
        }
        let json = serde_json::to_string(&JumpSize::log_normal(0.0, 1.0).unwrap()).unwrap();
        assert!(json.contains(r#""kind":"log_normal""#), "{json}");
        let bad = serde_json::from_str::<JumpSize>(r#"{"kind":"normal","mean":0,"std_dev":-1}"#);
        assert!(bad.unwrap_err().to_string().contains("`std_dev`"));
        let bad = toml::from_str::<JumpSize>("kind = \"uniform\"\nlow = 2.0\nhigh = 1.0");
        assert!(bad.unwrap_err().to_string().contains("`low`"));
        let unknown =
            serde_json::from_str::<JumpSize>(r#"{"kind":"exponential","mean":1,"rate":2}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
        let kind = serde_json::from_str::<JumpSize>(r#"{"kind":"pareto","mean":1}"#);
        assert!(kind.unwrap_err().to_string().contains("unknown variant"));
    }

    #[test]
    fn process_rejects_bad_parameters_naming_them() {
        let jumps = JumpSize::constant(1.0).unwrap();
        for rate in [-1.0, f64::NAN, f64::INFINITY] {
            let err = CompoundPoisson::new(rate, jumps).unwrap_err().to_string();
            assert!(err.contains("`rate`"), "{err}");
        }
        let cp = CompoundPoisson::new(2.0, jumps).unwrap();
        assert!(cp.transition(0.0).unwrap_err().to_string().contains("`dt`"));
        assert!(cp.transition(f64::NAN).is_err());
        // 1e7 expected jumps a step would take seconds a step: refused.
        let err = cp.transition(5_001.0).unwrap_err().to_string();
        assert!(err.contains("`rate * dt`") && err.contains("1e4"), "{err}");
        assert!(cp.transition(5_000.0).is_ok());
        assert!(cp.transition(3e9).is_err());
    }

    #[test]
    fn process_serde_round_trip_and_validation() {
        let cp = CompoundPoisson::new(1.5, JumpSize::gamma(2.0, 0.1).unwrap()).unwrap();
        let json = serde_json::to_string(&cp).unwrap();
        assert_eq!(serde_json::from_str::<CompoundPoisson>(&json).unwrap(), cp);
        let toml = "rate = 1.5\njumps = { kind = \"gamma\", shape = 2.0, scale = 0.1 }";
        assert_eq!(toml::from_str::<CompoundPoisson>(toml).unwrap(), cp);
        let bad = r#"{"rate":-1,"jumps":{"kind":"constant","value":1}}"#;
        let err = serde_json::from_str::<CompoundPoisson>(bad).unwrap_err();
        assert!(err.to_string().contains("`rate`"), "{err}");
        let bad = r#"{"rate":1,"jumps":{"kind":"exponential","mean":0}}"#;
        let err = serde_json::from_str::<CompoundPoisson>(bad).unwrap_err();
        assert!(err.to_string().contains("`mean`"), "{err}");
        let unknown = r#"{"rate":1,"jumps":{"kind":"constant","value":1},"x":0}"#;
        let err = serde_json::from_str::<CompoundPoisson>(unknown).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn generic_over_any_distribution() {
        let cp = CompoundPoisson::new(3.0, rand_distr::Normal::new(1.0, 0.5).unwrap()).unwrap();
        assert_eq!(cp.expected_count(2.0), 6.0);
        let step = cp.transition(1.0).unwrap();
        assert_eq!(step.expected_count(), 3.0);
        let mut rng = PathStreams::new(9, 0).rng(Component::new(0));
        let mut s = cp.initial_state();
        step.step(&mut s, &mut rng);
        assert_eq!(s.count, u64::from(s.last_count));
    }

    #[test]
    fn zero_rate_never_jumps_and_state_tracks_increments() {
        let mut rng = PathStreams::new(2, 0).rng(Component::new(0));
        let none = CompoundPoisson::new(0.0, JumpSize::constant(1.0).unwrap()).unwrap();
        let step = none.transition(10.0).unwrap();
        let mut s = none.initial_state();
        for _ in 0..100 {
            step.step(&mut s, &mut rng);
        }
        assert_eq!(s, CompoundPoissonState::default());

        let cp = CompoundPoisson::new(5.0, JumpSize::constant(2.0).unwrap()).unwrap();
        let step = cp.transition(0.5).unwrap();
        let mut s = cp.initial_state();
        let (mut count, mut sum) = (0u64, 0.0);
        for _ in 0..200 {
            step.step(&mut s, &mut rng);
            assert_eq!(s.last_sum, 2.0 * f64::from(s.last_count));
            count += u64::from(s.last_count);
            sum += s.last_sum;
        }
        assert_eq!(s.count, count);
        assert_eq!(s.total, sum);
        assert_eq!(cp.value(&s), 2.0 * count as f64);
    }
}
