//! A precision target instead of a path count: paths are added in deterministic
//! batches until the confidence interval on the probability of breaking even
//! within the horizon is narrow enough.

use super::study::{simulation, study_rules, within_rules};
use super::{Rule, Study, StudyModel, StudyOptions};
use crate::engine::{BLOCK_PATHS, MAX_PATHS, Outcome, Selection};
use crate::error::{Error, Result, check};
use crate::stats::wilson;
use serde::{Deserialize, Serialize};

/// Paths of the first batch by default: 16 blocks of the engine's
/// [`BLOCK_PATHS`](crate::engine::BLOCK_PATHS).
pub const DEFAULT_FIRST_BATCH: usize = 4_096;

/// The most paths a precision run simulates by default, `4096 * 2^9`.
pub const DEFAULT_MAX_PATHS: usize = 2_097_152;

/// The growth of the schedule by default: each count about 1.25 times the last,
/// so that the run stops at most about 25% past the count the target needs.
pub const DEFAULT_GROWTH: f64 = 1.25;

/// The largest growth factor of a schedule.
pub const MAX_GROWTH: f64 = 16.0;

/// A target on the half-width of the confidence interval of the probability of
/// breaking even within the horizon, `P(T <= steps)`, of one rule or of every
/// rule of a study.
///
/// **Schedule.** The run simulates paths `0..n_0`, then `n_0..n_1`, ..., with
/// `n_0 = min(up(first_batch), max_paths)` and
/// `n_{k+1} = min(up(ceil(g n_k)), max_paths)`, where `g` is the
/// [`growth`](PrecisionTarget::growth) (default [`DEFAULT_GROWTH`]) and `up(n)`
/// rounds up to a multiple of [`BLOCK_PATHS`] (the engine's unit of summation, so
/// that the batches are shards of one run). Each batch continues the path
/// indices, and each path is simulated once: the batches' outcomes merge
/// ([`Outcome::merge`]) into that of a fixed-size run of `n_k` paths of the same
/// seed, bit for bit, whatever the threads.
///
/// **Stopping rule.** After batch `k`, with `m` of the `n_k` paths breaking even
/// under a rule, the rule's interval is Wilson's at the study's confidence `c`
/// ([`wilson`]) and its half-width is `h = (upper - lower) / 2`, which, with
/// `p = m / n`, `z` the two-sided normal quantile of `c` and before clipping to
/// `[0, 1]`, is `z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)`, at most
/// `z / (2 sqrt(n))`. The run stops at the first `n_k` where `h <= target` for
/// the target rule (or for every rule), or at `max_paths`.
///
/// **Coverage.** The number of paths is chosen from the data, so the final
/// interval is not exactly a fixed-`n` interval: the rule stops earlier when `p`
/// lies far from 1/2 (where `h` is smaller), and the intervals of such runs are
/// the narrower ones. The coverage can therefore fall slightly below `c`; the
/// effect is largest when the true `p` puts the required count near a step of the
/// schedule (about half the runs then stop one step earlier). `tests/precision.rs`
/// measures it over 1,000 seeds in that worst case. The stop is a function of the
/// data of a fixed schedule only, never of a peek between steps.
///
/// ```
/// use outpace::analysis::{Described, PrecisionTarget, Rule, StudyOptions};
/// use outpace::calendar::Calendar;
/// use outpace::engine::ProcessModel;
/// use outpace::process::Ou;
///
/// let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
/// let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 8)
///     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
/// // Half-width at most 2 percentage points, at the study's 95% confidence.
/// let target = PrecisionTarget::new(0.02)?.first_batch(256)?.growth(2.0)?;
/// let run = target.run(&model, &StudyOptions::default())?;
/// let interval = run.study.breakeven("positive").unwrap().within_horizon();
/// assert!(run.report.met && (interval.upper - interval.lower) / 2.0 <= 0.02);
/// assert_eq!(run.study.outcome().paths(), run.report.paths);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionTarget {
    half_width: f64,
    rule: Option<String>,
    first_batch: usize,
    max_paths: usize,
    growth: f64,
}

impl PrecisionTarget {
    /// A target half-width, as a probability (`0.0025` for 0.25 percentage
    /// points): finite, `> 0` and `< 0.5` (a half-width of 0.5 needs no path). On
    /// every rule, from [`DEFAULT_FIRST_BATCH`] up to [`DEFAULT_MAX_PATHS`] paths.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `precision`.
    pub fn new(half_width: f64) -> Result<Self> {
        if !(half_width > 0.0 && half_width < 0.5) {
            return Err(Error::invalid(
                "precision",
                half_width,
                "must be a half-width strictly between 0 and 0.5 (e.g. 0.0025 for 0.25 percentage points)",
            ));
        }
        Ok(PrecisionTarget {
            half_width,
            rule: None,
            first_batch: DEFAULT_FIRST_BATCH,
            max_paths: DEFAULT_MAX_PATHS,
            growth: DEFAULT_GROWTH,
        })
    }

    /// Targets the rule `key` only (checked against the study's rules when the
    /// run starts).
    #[must_use]
    pub fn on(mut self, key: impl Into<String>) -> Self {
        self.rule = Some(key.into());
        self
    }

    /// Paths of the first batch (`1..=`[`MAX_PATHS`]; default
    /// [`DEFAULT_FIRST_BATCH`]), rounded up to a multiple of [`BLOCK_PATHS`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `first_batch`.
    pub fn first_batch(mut self, paths: usize) -> Result<Self> {
        self.first_batch = check::count_in("first_batch", paths, MAX_PATHS as u64)?;
        Ok(self)
    }

    /// The most paths to simulate (`1..=`[`MAX_PATHS`]; default
    /// [`DEFAULT_MAX_PATHS`]); a first batch above it is cut to it.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `max_paths`.
    pub fn max_paths(mut self, paths: usize) -> Result<Self> {
        self.max_paths = check::count_in("max_paths", paths, MAX_PATHS as u64)?;
        Ok(self)
    }

    /// The factor `g` by which each count of the schedule exceeds the last
    /// (before rounding up to a block): `1 < g <=` [`MAX_GROWTH`]; default
    /// [`DEFAULT_GROWTH`]. A smaller factor stops closer to the count the target
    /// needs, at the price of more looks at the data (see *Coverage* above).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `growth`.
    pub fn growth(mut self, factor: f64) -> Result<Self> {
        if !(factor > 1.0 && factor <= MAX_GROWTH) {
            return Err(Error::invalid(
                "growth",
                factor,
                format!("must be > 1 and <= {MAX_GROWTH}"),
            ));
        }
        self.growth = factor;
        Ok(self)
    }

    /// The target half-width.
    pub fn half_width(&self) -> f64 {
        self.half_width
    }

    /// The targeted rule, `None` for every rule.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// The path counts of the schedule: `n_0 = min(up(first_batch), max_paths)`,
    /// `n_{k+1} = min(up(ceil(g n_k)), max_paths)`, ending at `max_paths`.
    pub fn schedule(&self) -> Vec<usize> {
        let up = |n: usize| n.div_ceil(BLOCK_PATHS).saturating_mul(BLOCK_PATHS);
        let mut counts = vec![up(self.first_batch).min(self.max_paths)];
        while let Some(&last) = counts.last()
            && last < self.max_paths
        {
            // `last <= MAX_PATHS = 2^53` and `g <= 16`: the product is exact enough
            // and fits a usize.
            let grown = (last as f64 * self.growth).ceil() as usize;
            counts.push(up(grown).min(self.max_paths));
        }
        counts
    }

    /// Finds the number of paths: simulates the batches of the schedule, each
    /// once, with passage times only (no statistics or quantile sketches), until
    /// the target is met or `max_paths` is reached. `options.paths` is ignored;
    /// its seed, confidence, rules, threads and control are used.
    ///
    /// # Errors
    /// As [`Study::run`], or a target rule that is not among the study's rules
    /// (naming `on`).
    pub fn search<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<Precision> {
        // `options.paths` is ignored: the schedule decides.
        let sized = StudyOptions {
            paths: 1,
            ..options.clone()
        };
        let rules = study_rules(model, &sized)?;
        let targeted = self.targeted(&rules)?;
        let base = simulation(model, options, &targeted)?
            .paths(self.max_paths)
            .statistics_for(Selection::None)
            .quantiles(false)
            .keep_scalars(false);
        let mut reached = vec![0u64; targeted.len()];
        let mut steps = Vec::new();
        self.each_batch(
            options,
            &mut steps,
            |range| {
                let outcome = base
                    .clone()
                    .path_range(range)
                    .run()
                    .map_err(|e| within_rules(e, &targeted))?;
                for (count, passage) in reached.iter_mut().zip(outcome.all_passages()) {
                    *count += passage.passed();
                }
                Ok(reached.clone())
            },
            &targeted,
        )?;
        Ok(self.report(options, steps))
    }

    /// The study to the target: the batches of the schedule simulated with
    /// everything the study needs (statistics, sketches, every rule), each once,
    /// until the target is met or `max_paths` is reached, then merged and
    /// analysed. The study is [`Study::run`] at the number of paths found, bit for
    /// bit. `options.paths` is ignored.
    ///
    /// # Errors
    /// As [`search`](Self::search).
    pub fn run<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<PreciseStudy> {
        let sized = StudyOptions {
            paths: self.max_paths,
            ..options.clone()
        };
        let rules = study_rules(model, &sized)?;
        let targeted = self.targeted(&rules)?;
        let positions: Vec<usize> = targeted
            .iter()
            .map(|t| rules.iter().position(|r| r.key() == t.key()))
            .collect::<Option<_>>()
            .expect("the targeted rules are rules of the study");
        let mut batches = Vec::new();
        let mut reached = vec![0u64; targeted.len()];
        let mut steps = Vec::new();
        self.each_batch(
            options,
            &mut steps,
            |range| {
                let outcome = Study::simulate_paths(model, &sized, range)?;
                for (count, &r) in reached.iter_mut().zip(&positions) {
                    *count += outcome.all_passages()[r].passed();
                }
                batches.push(outcome);
                Ok(reached.clone())
            },
            &targeted,
        )?;
        let report = self.report(options, steps);
        let outcome = Outcome::merge(&batches)?.into_run_of_its_paths();
        let study = Study::from_outcome(
            model,
            &StudyOptions {
                paths: report.paths,
                ..options.clone()
            },
            outcome,
        )?;
        Ok(PreciseStudy { study, report })
    }

    /// Runs `batch` on the ranges of the schedule in turn, each returning the
    /// paths so far that broke even under each of `rules`, and records a step
    /// after each, until the target is met.
    fn each_batch(
        &self,
        options: &StudyOptions,
        steps: &mut Vec<PrecisionStep>,
        mut batch: impl FnMut(std::ops::Range<usize>) -> Result<Vec<u64>>,
        rules: &[Rule],
    ) -> Result<()> {
        let mut done = 0;
        for n in self.schedule() {
            let reached = batch(done..n)?;
            done = n;
            let step = self.step(rules, &reached, n, options.confidence)?;
            let met = step.half_width <= self.half_width;
            steps.push(step);
            if met {
                break;
            }
        }
        Ok(())
    }

    /// The report of a search whose last step is the last of `steps`.
    fn report(&self, options: &StudyOptions, steps: Vec<PrecisionStep>) -> Precision {
        let last = steps.last().expect("the schedule has at least one count");
        Precision {
            target: self.half_width,
            rule: self.rule.clone(),
            confidence: options.confidence,
            paths: last.paths,
            met: last.half_width <= self.half_width,
            steps,
        }
    }

    /// The rules the target is on: the one named, or all.
    fn targeted(&self, rules: &[Rule]) -> Result<Vec<Rule>> {
        let Some(key) = &self.rule else {
            if rules.is_empty() {
                return Err(Error::invalid(
                    "rules",
                    "[]",
                    "a precision target needs at least one rule",
                ));
            }
            return Ok(rules.to_vec());
        };
        match rules.iter().find(|r| r.key() == key) {
            Some(rule) => Ok(vec![rule.clone()]),
            None => Err(Error::invalid(
                "on",
                key,
                format!(
                    "is not a rule of the study (its rules: {})",
                    rules.iter().map(Rule::key).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// The widest interval after `paths` paths, of which `reached[i]` broke even
    /// under `rules[i]`.
    fn step(
        &self,
        rules: &[Rule],
        reached: &[u64],
        paths: usize,
        confidence: f64,
    ) -> Result<PrecisionStep> {
        let mut widest = PrecisionStep {
            paths,
            rule: String::new(),
            probability: f64::NAN,
            half_width: f64::NEG_INFINITY,
        };
        for (rule, &m) in rules.iter().zip(reached) {
            let interval = wilson(m, paths as u64, confidence)?;
            let half_width = (interval.upper - interval.lower) / 2.0;
            if half_width > widest.half_width {
                widest = PrecisionStep {
                    paths,
                    rule: rule.key().to_owned(),
                    probability: interval.estimate,
                    half_width,
                };
            }
        }
        Ok(widest)
    }
}

/// What a precision search did: the paths it settled on and whether the target
/// was met there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Precision {
    /// The target half-width.
    pub target: f64,
    /// The targeted rule (`None`: every rule).
    pub rule: Option<String>,
    /// The confidence level of the intervals.
    pub confidence: f64,
    /// Paths used.
    pub paths: usize,
    /// Whether the half-width at [`paths`](Self::paths) is at most the target
    /// (`false`: the path cap was reached first).
    pub met: bool,
    /// Every step of the schedule that ran, in order.
    pub steps: Vec<PrecisionStep>,
}

/// One step of a precision search: the widest interval among the targeted rules
/// after [`paths`](Self::paths) paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionStep {
    /// Paths simulated so far.
    pub paths: usize,
    /// The rule with the widest interval.
    pub rule: String,
    /// Its probability of breaking even within the horizon.
    pub probability: f64,
    /// Its interval's half-width.
    pub half_width: f64,
}

/// A study run to a precision target, with the report of the search.
#[derive(Debug, Clone)]
pub struct PreciseStudy {
    /// The study at the number of paths found.
    pub study: Study,
    /// How the number was found.
    pub report: Precision,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_grows_by_blocks_up_to_the_cap() {
        let t = PrecisionTarget::new(0.01).unwrap().growth(2.0).unwrap();
        let t = t.first_batch(1_000).unwrap().max_paths(5_000).unwrap();
        assert_eq!(t.schedule(), vec![1_024, 2_048, 4_096, 5_000]);
        let t = t.max_paths(500).unwrap();
        assert_eq!(t.schedule(), vec![500]);
        let t = t.max_paths(4_096).unwrap();
        assert_eq!(t.schedule(), vec![1_024, 2_048, 4_096]);
        // 1.25 times 1,024 is 1,280, a block boundary; 1.25 times 1,280 is 1,600,
        // rounded up to 1,792.
        let t = t.growth(1.25).unwrap();
        assert_eq!(t.schedule()[..3], [1_024, 1_280, 1_792]);
        let default = PrecisionTarget::new(0.01).unwrap().schedule();
        assert_eq!(default.len(), 29);
        assert_eq!(default.last(), Some(&DEFAULT_MAX_PATHS));
        assert!(default.iter().all(|n| n % BLOCK_PATHS == 0));
    }

    #[test]
    fn bad_targets_are_refused_by_name() {
        for bad in [0.0, -0.01, 0.5, 1.0, f64::NAN, f64::INFINITY] {
            let err = PrecisionTarget::new(bad).unwrap_err().to_string();
            assert!(err.contains("`precision`"), "{bad}: {err}");
        }
        let t = PrecisionTarget::new(0.01).unwrap();
        let err = t.clone().max_paths(0).unwrap_err().to_string();
        assert!(err.contains("`max_paths`"), "{err}");
        let err = t
            .clone()
            .first_batch(MAX_PATHS + 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`first_batch`"), "{err}");
        for bad in [1.0, 0.5, MAX_GROWTH * 1.01, f64::NAN] {
            let err = t.clone().growth(bad).unwrap_err().to_string();
            assert!(err.contains("`growth`"), "{bad}: {err}");
        }
    }
}
