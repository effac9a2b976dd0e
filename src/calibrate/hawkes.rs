//! Maximum-likelihood fits of the univariate Hawkes process and of the rival
//! (multivariate) Hawkes process to event times.

use super::diagnostics::TimeRescaling;
use super::events::RivalEvents;
use super::fit::{self, Fit, Held, Likelihood};
use crate::error::{Error, Result};
use crate::process::{Hawkes, MAX_FIRMS, RivalEvent, RivalHawkes};

/// Fewest events a Hawkes fit accepts: with fewer, three parameters cannot be
/// told apart from a Poisson process at all.
pub const MIN_EVENTS: usize = 5;

/// Number of events from which [`RivalSpec::for_events`] separates self- from
/// cross-excitation. On simulated data (`docs/calibration.md`, section 5) the
/// difference reaches two standard errors in half of the data sets at about 100
/// events when self-excitation dominates four to one and at about 400 when it
/// dominates two to one; where cross-excitation dominates it takes 400 to 800.
/// Below this the split is a judgement.
pub const SELF_CROSS_EVENTS: usize = 300;

/// How the baselines of a rival Hawkes fit are parametrised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineForm {
    /// One baseline shared by all firms.
    Shared,
    /// One baseline per firm.
    PerFirm,
}

/// How the excitation of a rival Hawkes fit is parametrised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcitationForm {
    /// `a_self = a_cross`: every cut raises every firm's intensity alike. With a
    /// shared baseline the firm labels then carry no information: the likelihood
    /// is that of the pooled cuts (a univariate Hawkes process with baseline
    /// `n mu` and jump `n a`) minus `N ln n`.
    Shared,
    /// `a_self` and `a_cross` estimated apart.
    SelfCross,
}

/// What a rival Hawkes fit estimates: the baseline and excitation forms, and the
/// decay, estimated (`None`) or held at a stated value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RivalSpec {
    /// Shared or per-firm baselines.
    pub baseline: BaselineForm,
    /// Shared or self/cross excitation.
    pub excitation: ExcitationForm,
    /// The decay rate if held fixed (a judgement), `None` to estimate it.
    pub decay: Option<f64>,
}

impl RivalSpec {
    /// Shared baseline, shared excitation, decay estimated: three parameters, all
    /// that about twenty dated cuts can carry.
    pub const SHARED: RivalSpec = RivalSpec {
        baseline: BaselineForm::Shared,
        excitation: ExcitationForm::Shared,
        decay: None,
    };

    /// Shared baseline, self- and cross-excitation and decay estimated.
    pub const SELF_CROSS: RivalSpec = RivalSpec {
        baseline: BaselineForm::Shared,
        excitation: ExcitationForm::SelfCross,
        decay: None,
    };

    /// What `events` events identify: [`RivalSpec::SELF_CROSS`] from
    /// [`SELF_CROSS_EVENTS`] events, [`RivalSpec::SHARED`] below.
    pub fn for_events(events: usize) -> RivalSpec {
        if events >= SELF_CROSS_EVENTS {
            RivalSpec::SELF_CROSS
        } else {
            RivalSpec::SHARED
        }
    }

    /// The same with the decay held at `decay`.
    #[must_use]
    pub fn with_fixed_decay(self, decay: f64) -> RivalSpec {
        RivalSpec {
            decay: Some(decay),
            ..self
        }
    }
}

impl Default for RivalSpec {
    fn default() -> Self {
        RivalSpec::SHARED
    }
}

/// A fitted rival Hawkes process: the estimates (named `baseline` or
/// `baseline[firm]`, `self_excitation`, `cross_excitation`, `decay`, and the
/// derived `spectral_radius`), the fitted law, and its time-rescaling test.
#[derive(Debug, Clone, PartialEq)]
pub struct RivalHawkesFit {
    fit: Fit,
    spec: RivalSpec,
    firms: Vec<String>,
    law: RivalHawkes,
    rescaling: TimeRescaling,
    description: String,
    horizon: f64,
}

impl RivalHawkesFit {
    /// Estimates, standard errors, log-likelihood.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// What was estimated.
    pub fn spec(&self) -> RivalSpec {
        self.spec
    }

    /// The firms, in the order of the law's indices.
    pub fn firms(&self) -> &[String] {
        &self.firms
    }

    /// The fitted law (no history at the start).
    pub fn law(&self) -> &RivalHawkes {
        &self.law
    }

    /// The time-rescaling test of the fitted law on the data.
    pub fn rescaling(&self) -> &TimeRescaling {
        &self.rescaling
    }

    /// What the data were.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Length of the data window.
    pub fn horizon(&self) -> f64 {
        self.horizon
    }
}

/// A fitted univariate Hawkes process: estimates `baseline`, `alpha`, `beta`,
/// the derived `branching_ratio`, the fitted law and its time-rescaling test.
#[derive(Debug, Clone, PartialEq)]
pub struct HawkesFit {
    fit: Fit,
    law: Hawkes,
    rescaling: TimeRescaling,
}

impl HawkesFit {
    /// Estimates, standard errors, log-likelihood.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// The fitted law (no history at the start).
    pub fn law(&self) -> &Hawkes {
        &self.law
    }

    /// The time-rescaling test of the fitted law on the data.
    pub fn rescaling(&self) -> &TimeRescaling {
        &self.rescaling
    }
}

/// Fits a rival Hawkes process to `events` by maximum likelihood, estimating what
/// `spec` says and assuming no excitation from before the window.
///
/// The log-likelihood of firm-labelled events `(t_k, c_k)` on `[0, T]` is
///
/// `l = sum_k ln lambda_{c_k}(t_k) - sum_i int_0^T lambda_i(t) dt`
///
/// with `lambda_i(t) = mu_i + sum_{t_k < t} A_{i c_k} e^{-beta (t - t_k)}` (events
/// at the same time do not excite each other) and
/// `sum_i int_0^T lambda_i = T sum_i mu_i + (c1 / beta) sum_k (1 - e^{-beta (T - t_k)})`,
/// `c1 = a_self + (n - 1) a_cross`. It is maximised by Nelder-Mead (argmin) over
/// the logs of the free parameters, inside the stationary region
/// `c1 / beta < 1`, from several starting decays; standard errors come from the
/// observed information (the Hessian of `l` by central differences, finitediff),
/// mapped to the parameters by the delta method.
///
/// ```
/// use outpace::calibrate::{RivalEvents, RivalSpec, fit_rival_hawkes};
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::RivalHawkes;
///
/// let truth = RivalHawkes::shared(3, 2.0, 1.5, 1.5, 10.0)?;
/// let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
/// let sampled = truth.sample_events(40.0, &mut rng)?;
/// let firms = vec!["A".to_string(), "B".into(), "C".into()];
/// let events = RivalEvents::new(firms, sampled, 40.0)?;
/// let fitted = fit_rival_hawkes(&events, RivalSpec::SHARED)?;
/// let decay = fitted.fit().estimate("decay").unwrap();
/// assert!((decay.value - 10.0).abs() < 4.0 * decay.std_error.unwrap());
/// assert_eq!(fitted.fit().estimate("cross_excitation").unwrap().value, fitted.law().self_excitation());
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] with fewer than [`MIN_EVENTS`] events or a fixed
/// decay that is not finite and `> 0`; [`Error::Engine`] if the likelihood cannot
/// be maximised.
pub fn fit_rival_hawkes(events: &RivalEvents, spec: RivalSpec) -> Result<RivalHawkesFit> {
    if events.len() < MIN_EVENTS {
        return Err(Error::invalid(
            "events",
            format!("{} events in {}", events.len(), events.description()),
            format!("at least {MIN_EVENTS} are needed to fit a Hawkes process"),
        ));
    }
    if let Some(decay) = spec.decay {
        crate::error::check::positive("decay", decay)?;
    }
    let model = Model::new(events, spec);
    let (u, ll, covariance) = fit::maximise(&model, &model.starts(), START_STEP)?;
    let report = model.report(&u);
    let law = model.law(&u).expect("the maximiser is admissible");
    let estimates = fit::estimates(model.names(), &report, &model.held(), covariance.as_ref());
    let fit = Fit::new(estimates, covariance, ll, events.len(), u.len());
    Ok(RivalHawkesFit {
        rescaling: TimeRescaling::rival(&law, events)?,
        fit,
        spec,
        firms: events.firms().to_vec(),
        law,
        description: events.description().to_owned(),
        horizon: events.horizon(),
    })
}

/// Fits a univariate Hawkes process (baseline, jump `alpha`, decay `beta`) to
/// event `times` (non-decreasing, in `[0, horizon]`) observed on `[0, horizon]`,
/// by maximum likelihood as [`fit_rival_hawkes`] with one firm:
/// `l = sum_k ln lambda(t_k) - lambda0 T - (alpha / beta) sum_k (1 - e^{-beta (T - t_k)})`.
///
/// ```
/// use outpace::calibrate::fit_hawkes;
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::RivalHawkes;
///
/// let one = RivalHawkes::new(&[1.0], 2.0, 0.0, 4.0)?; // a univariate Hawkes process
/// let mut rng = PathStreams::new(3, 0).rng(Component::new(0));
/// let times: Vec<f64> = one.sample_events(100.0, &mut rng)?.iter().map(|e| e.time).collect();
/// let fitted = fit_hawkes(&times, 100.0)?;
/// let n = fitted.fit().estimate("branching_ratio").unwrap();
/// assert!((n.value - 0.5).abs() < 4.0 * n.std_error.unwrap());
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// As [`fit_rival_hawkes`], and [`Error::InvalidParameter`] for invalid times.
pub fn fit_hawkes(times: &[f64], horizon: f64) -> Result<HawkesFit> {
    let events = single_firm(times, horizon)?;
    let rival = fit_rival_hawkes(&events, RivalSpec::SHARED)?;
    let rename = |name: &str| match name {
        "self_excitation" => Some("alpha"),
        "decay" => Some("beta"),
        "spectral_radius" => Some("branching_ratio"),
        "baseline" => Some("baseline"),
        _ => None,
    };
    let keep: Vec<usize> = (0..rival.fit.estimates().len())
        .filter(|&i| rename(&rival.fit.estimates()[i].name).is_some())
        .collect();
    let estimates = keep
        .iter()
        .map(|&i| {
            let e = &rival.fit.estimates()[i];
            fit::Estimate {
                name: rename(&e.name).unwrap_or_default().to_owned(),
                ..e.clone()
            }
        })
        .collect();
    let covariance = rival
        .fit
        .covariance_matrix()
        .map(|c| c.select_rows(&keep).select_columns(&keep));
    let fit = Fit::new(
        estimates,
        covariance,
        rival.fit.log_likelihood(),
        rival.fit.observations(),
        rival.fit.free_parameters(),
    );
    let law = rival.law.ground_process();
    Ok(HawkesFit {
        fit,
        law,
        rescaling: rival.rescaling,
    })
}

/// A profile-likelihood interval of one parameter: the values whose profile
/// log-likelihood (maximised over the other parameters) lies within
/// `chi2_1(level) / 2` of the maximum. A bound is `None` when the profile stays
/// above that threshold over the whole searched range (a factor
/// [`PROFILE_RANGE`] either side of the estimate): the data do not bound the
/// parameter on that side.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileInterval {
    /// Parameter name.
    pub name: String,
    /// Maximum-likelihood estimate.
    pub estimate: f64,
    /// Lower bound, if the data give one.
    pub lower: Option<f64>,
    /// Upper bound, if the data give one.
    pub upper: Option<f64>,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

/// How far either side of the estimate (as a factor) [`profile_decay`] searches
/// for a bound.
pub const PROFILE_RANGE: f64 = 1e4;

/// Bisection steps of a profile bound: the bracket, at most `ln 1e4` wide in
/// `ln beta`, shrinks below `1e-6` of the decay.
const BISECTIONS: usize = 24;

/// The profile-likelihood interval of the decay of a rival Hawkes fit at
/// `level` (in `(0, 1)`): for each candidate decay the other parameters of `spec`
/// are re-estimated with the decay held there, and the interval is where
/// `2 (l_max - l_profile(beta)) <= chi2_1^{-1}(level)`, found by bisection on
/// `ln beta`. Unlike the Wald interval it is invariant to reparametrisation and
/// does not go below zero, which matters for a decay estimated from a few dozen
/// events, whose likelihood is far from quadratic.
///
/// # Errors
/// As [`fit_rival_hawkes`]; [`Error::InvalidParameter`] if `level` is not in
/// `(0, 1)` or `spec` holds the decay fixed.
pub fn profile_decay(events: &RivalEvents, spec: RivalSpec, level: f64) -> Result<ProfileInterval> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    if level.is_nan() || level <= 0.0 || level >= 1.0 {
        return Err(Error::invalid("level", level, "must lie in (0, 1)"));
    }
    if spec.decay.is_some() {
        return Err(Error::invalid(
            "spec.decay",
            spec.decay.unwrap_or_default(),
            "must be estimated (None) to profile it",
        ));
    }
    let full = fit_rival_hawkes(events, spec)?;
    let estimate = full.fit.value("decay");
    let chi2 = ChiSquared::new(1.0).map_err(|e| Error::Engine(e.to_string()))?;
    let threshold = full.fit.log_likelihood() - 0.5 * chi2.inverse_cdf(level);
    // Positive inside the interval.
    let inside = |log_decay: f64| -> Result<f64> {
        let fixed = Model::new(events, spec.with_fixed_decay(log_decay.exp()));
        let (_, ll) = fit::best_of(&fixed, &fixed.starts(), START_STEP)?;
        Ok(ll - threshold)
    };
    let centre = estimate.ln();
    let limit = PROFILE_RANGE.ln();
    let bound = |direction: f64| -> Result<Option<f64>> {
        // Steps of 0.25, 0.5, 1, ... in ln(beta) until the profile drops below
        // the threshold, then bisection between the last point inside and it.
        let (mut near, mut step) = (centre, 0.25f64);
        let mut far = loop {
            let far = centre + direction * step.min(limit);
            if inside(far)? < 0.0 {
                break far;
            }
            if step >= limit {
                return Ok(None);
            }
            near = far;
            step *= 2.0;
        };
        for _ in 0..BISECTIONS {
            let mid = 0.5 * (near + far);
            if inside(mid)? >= 0.0 {
                near = mid;
            } else {
                far = mid;
            }
        }
        Ok(Some((0.5 * (near + far)).exp()))
    };
    Ok(ProfileInterval {
        name: "decay".into(),
        estimate,
        lower: bound(-1.0)?,
        upper: bound(1.0)?,
        level,
    })
}

/// `times` as the events of one firm on `[0, horizon]`.
pub(crate) fn single_firm(times: &[f64], horizon: f64) -> Result<RivalEvents> {
    let events = times
        .iter()
        .map(|&time| RivalEvent { time, firm: 0 })
        .collect();
    RivalEvents::new(vec!["events".into()], events, horizon)
}

/// Step of the first simplex, in log-parameters.
const START_STEP: f64 = 0.5;

/// The likelihood of a rival Hawkes fit over `u`: the logs of the baseline(s),
/// of `a_self`, of `a_cross` (self/cross form only) and of the decay (if free).
struct Model<'a> {
    events: &'a RivalEvents,
    spec: RivalSpec,
    firms: usize,
    baselines: usize,
}

impl<'a> Model<'a> {
    fn new(events: &'a RivalEvents, spec: RivalSpec) -> Model<'a> {
        let firms = events.firms().len();
        let baselines = match spec.baseline {
            BaselineForm::Shared => 1,
            BaselineForm::PerFirm => firms,
        };
        Model {
            events,
            spec,
            firms,
            baselines,
        }
    }

    fn self_cross(&self) -> bool {
        self.spec.excitation == ExcitationForm::SelfCross
    }

    /// `(baselines, a_self, a_cross, decay)` at `u`.
    fn parameters(&self, u: &[f64]) -> ([f64; MAX_FIRMS], f64, f64, f64) {
        let mut mu = [0.0; MAX_FIRMS];
        for (i, m) in mu[..self.firms].iter_mut().enumerate() {
            *m = u[if self.baselines == 1 { 0 } else { i }].exp();
        }
        let mut k = self.baselines;
        let a_self = u[k].exp();
        k += 1;
        let a_cross = if self.self_cross() {
            k += 1;
            u[k - 1].exp()
        } else {
            a_self
        };
        let decay = self.spec.decay.unwrap_or_else(|| u[k].exp());
        (mu, a_self, a_cross, decay)
    }

    fn law(&self, u: &[f64]) -> Option<RivalHawkes> {
        let (mu, a_self, a_cross, decay) = self.parameters(u);
        RivalHawkes::new(&mu[..self.firms], a_self, a_cross, decay).ok()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = match self.spec.baseline {
            BaselineForm::Shared => vec!["baseline".into()],
            BaselineForm::PerFirm => self
                .events
                .firms()
                .iter()
                .map(|f| format!("baseline[{f}]"))
                .collect(),
        };
        names.extend(
            [
                "self_excitation",
                "cross_excitation",
                "decay",
                "spectral_radius",
            ]
            .map(String::from),
        );
        names
    }

    fn held(&self) -> Vec<Held> {
        let mut held = vec![Held::Free; self.baselines + 1];
        held.push(if self.self_cross() {
            Held::Free
        } else {
            Held::Tied("self_excitation")
        });
        held.push(if self.spec.decay.is_some() {
            Held::Fixed
        } else {
            Held::Free
        });
        held.push(Held::Derived);
        held
    }

    /// Starting points: a branching ratio of one half and decays of 2, 8 and 32
    /// times the event rate (clusters from days to months for yearly rates).
    fn starts(&self) -> Vec<Vec<f64>> {
        let n = self.events.len() as f64;
        let t = self.events.horizon();
        let rate = n / t;
        let counts = self.events.counts();
        let half = 0.5;
        let decays: Vec<f64> = match self.spec.decay {
            Some(d) => vec![d],
            None => [2.0, 8.0, 32.0].iter().map(|m| m * rate).collect(),
        };
        decays
            .iter()
            .map(|&decay| {
                let mut u: Vec<f64> = match self.spec.baseline {
                    BaselineForm::Shared => vec![(half * rate / self.firms as f64).ln()],
                    BaselineForm::PerFirm => counts
                        .iter()
                        .map(|&c| (half * (c as f64).max(0.5) / t).ln())
                        .collect(),
                };
                // Split the jump so that the total jump c1 is half the decay.
                let a = half * decay / self.firms as f64;
                u.push(a.ln());
                if self.self_cross() {
                    u.push(a.ln());
                }
                if self.spec.decay.is_none() {
                    u.push(decay.ln());
                }
                u
            })
            .collect()
    }
}

impl Likelihood for Model<'_> {
    fn log_likelihood(&self, u: &[f64]) -> f64 {
        if u.iter().any(|x| !x.is_finite()) {
            return f64::NEG_INFINITY;
        }
        match self.law(u) {
            Some(law) => log_likelihood(&law, self.events),
            None => f64::NEG_INFINITY,
        }
    }

    fn report(&self, u: &[f64]) -> Vec<f64> {
        let (mu, a_self, a_cross, decay) = self.parameters(u);
        let mut out = mu[..self.baselines].to_vec();
        let total = a_self + (self.firms - 1) as f64 * a_cross;
        out.extend([a_self, a_cross, decay, total / decay]);
        out
    }
}

/// The log-likelihood of `events` under `law` (the formula of
/// [`fit_rival_hawkes`], with the law's initial excess if any); `-inf` if some
/// event has intensity 0. For profile likelihoods and likelihood-ratio tests.
///
/// ```
/// use outpace::calibrate::{RivalEvents, rival_log_likelihood};
/// use outpace::process::{RivalEvent, RivalHawkes};
/// // A Poisson process of rate 2 on [0, 1] with one event: ln 2 - 2.
/// let law = RivalHawkes::new(&[2.0], 0.0, 0.0, 1.0)?;
/// let events = RivalEvents::new(vec!["A".into()], vec![RivalEvent { time: 0.5, firm: 0 }], 1.0)?;
/// assert!((rival_log_likelihood(&law, &events) - (2f64.ln() - 2.0)).abs() < 1e-12);
/// # Ok::<(), outpace::Error>(())
/// ```
pub fn log_likelihood(law: &RivalHawkes, events: &RivalEvents) -> f64 {
    let mut sum_log = 0.0;
    let tail = walk(law, events, |_, intensity, _| {
        sum_log += if intensity > 0.0 {
            intensity.ln()
        } else {
            f64::NEG_INFINITY
        };
    });
    let beta = law.decay();
    let t = events.horizon();
    let total_jump = law.spectral_radius() * beta;
    let initial: f64 = law.initial_excess().iter().sum();
    let compensator = law.baselines().iter().sum::<f64>() * t
        + initial * -(-beta * t).exp_m1() / beta
        + total_jump * (events.len() as f64 - tail) / beta;
    sum_log - compensator
}

/// Walks through `events` under `law`, calling `visit(event, intensity,
/// compensator)` with the intensity of the event's firm just before the event's
/// time (events at the same time do not count) and that firm's compensator
/// `Lambda_i(t) = int_0^t lambda_i` at the event's time. Returns
/// `sum_k e^{-beta (T - t_k)}` at the end `T` of the window.
pub(crate) fn walk<F: FnMut(&RivalEvent, f64, f64)>(
    law: &RivalHawkes,
    events: &RivalEvents,
    mut visit: F,
) -> f64 {
    let (n, beta) = (law.firms(), law.decay());
    let (a_self, a_cross) = (law.self_excitation(), law.cross_excitation());
    let (mu, x0) = (law.baselines(), law.initial_excess());
    // Decayed sums S_j = sum_{t_jl < t} e^{-beta (t - t_jl)} and counts, per firm.
    let mut decayed = [0.0; MAX_FIRMS];
    let mut counts = [0.0; MAX_FIRMS];
    let (mut decayed_total, mut count_total, mut last) = (0.0, 0.0, 0.0);
    let all = events.events();
    let mut k = 0;
    while k < all.len() {
        let t = all[k].time;
        let d = (-beta * (t - last)).exp();
        for s in &mut decayed[..n] {
            *s *= d;
        }
        decayed_total *= d;
        last = t;
        let initial_decay = (-beta * t).exp();
        let mut j = k;
        while j < all.len() && all[j].time == t {
            let i = all[j].firm;
            let (own, others) = (decayed[i], decayed_total - decayed[i]);
            let intensity = mu[i] + x0[i] * initial_decay + a_self * own + a_cross * others;
            let compensator = mu[i] * t
                + x0[i] * (1.0 - initial_decay) / beta
                + (a_self * (counts[i] - own) + a_cross * (count_total - counts[i] - others))
                    / beta;
            visit(&all[j], intensity, compensator);
            j += 1;
        }
        for e in &all[k..j] {
            decayed[e.firm] += 1.0;
            counts[e.firm] += 1.0;
            decayed_total += 1.0;
            count_total += 1.0;
        }
        k = j;
    }
    decayed_total * (-beta * (events.horizon() - last)).exp()
}
