//! A study: one model simulated with the break-even rules and fan charts it
//! needs, then analysed.

use super::rule::check_distinct;
use super::{BreakEven, Comparison, FanChart, ModelInfo, Rule, StudyModel, passage_of};
use crate::engine::{Outcome, PassageTimes, RunControl, ScalarSummary, Selection, Simulation};
use crate::error::{Error, Result, check};
use std::ops::Range;
use std::sync::Arc;

/// Settings of a [`Study`].
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// Number of paths (default 100,000).
    pub paths: usize,
    /// Run seed (default 2026). Studies with the same seed share their random
    /// numbers path by path.
    pub seed: u64,
    /// Confidence level of every interval (default 0.95).
    pub confidence: f64,
    /// Break-even rules to evaluate (default `None`: the model's
    /// [`rules`](StudyModel::rules)).
    pub rules: Option<Vec<Rule>>,
    /// Quantile levels of the fan charts: each in `[0, 1]`, strictly increasing
    /// (default [`FAN_LEVELS`](super::FAN_LEVELS), which the text and SVG charts
    /// read).
    pub fan_levels: Vec<f64>,
    /// Threads (default: rayon's global pool).
    pub threads: Option<usize>,
    /// Progress and cancellation, shared with another thread.
    pub control: Option<Arc<RunControl>>,
    /// Keeps every path's input vector in the outcome ([`Outcome::inputs`]), for a
    /// per-path export ([`report::paths`](crate::report::paths)); default `false`,
    /// when nothing is added that grows with the number of paths. (Passage times
    /// and scalar outcomes are kept per path either way: the break-even quantiles
    /// and `P(NPV > 0)` are exact.)
    pub keep_paths: bool,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            paths: 100_000,
            seed: 2026,
            confidence: 0.95,
            rules: None,
            fan_levels: super::FAN_LEVELS.to_vec(),
            threads: None,
            control: None,
            keep_paths: false,
        }
    }
}

/// One model simulated over its horizon and analysed: the break-even
/// distribution of every rule, fan charts of the model's
/// [`fan_series`](StudyModel::fan_series) and of the series the rules read, and
/// the distribution of its value.
///
/// A study keeps what it needs of the model ([`ModelInfo`]) and the engine's
/// results, so reports read the study alone.
///
/// ```
/// use outpace::analysis::{Described, Rule, Study, StudyOptions};
/// use outpace::calendar::Calendar;
/// use outpace::engine::ProcessModel;
/// use outpace::process::Ou;
///
/// // A free cash flow that starts at -1 and reverts towards +1, by quarter.
/// let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
/// let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 40)
///     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?)
///     .rule(Rule::new("positive_4q", "Cash flow positive (4q running)", "fcf >= 0")?.sustained(4)?);
/// let study = Study::run(&model, &StudyOptions { paths: 2_000, ..StudyOptions::default() })?;
/// let once = study.breakeven("positive").unwrap();
/// let held = study.breakeven("positive_4q").unwrap();
/// assert!(held.within_horizon().estimate <= once.within_horizon().estimate);
/// println!("median: {}", study.label(once.p50()));
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Study {
    info: ModelInfo,
    confidence: f64,
    outcome: Outcome,
    breakevens: Vec<BreakEven>,
    fans: Vec<FanChart>,
    keep_paths: bool,
}

impl Study {
    /// Simulates and analyses `model`: [`simulate_paths`](Self::simulate_paths)
    /// of every path, then [`from_outcome`](Self::from_outcome).
    ///
    /// # Errors
    /// An invalid option (naming it), rules with repeated keys or naming series
    /// the model does not emit, a calendar that cannot label the horizon, or any
    /// engine error.
    pub fn run<M: StudyModel>(model: &M, options: &StudyOptions) -> Result<Study> {
        let outcome = Self::simulate_paths(model, options, 0..options.paths)?;
        Self::from_outcome(model, options, outcome)
    }

    /// Simulates the paths `range` of the study's run of `options.paths` paths
    /// (a shard, see [`Simulation::path_range`]) with the first-passage rules and
    /// sketches the study needs: merge the outcomes of shards covering every path
    /// with [`Outcome::merge`] and analyse the result with
    /// [`from_outcome`](Self::from_outcome), which gives the study of
    /// [`run`](Self::run), bit for bit.
    ///
    /// ```
    /// use outpace::analysis::{Described, Rule, Study, StudyOptions};
    /// use outpace::calendar::Calendar;
    /// use outpace::engine::{Outcome, Shard};
    /// use outpace::engine::ProcessModel;
    /// use outpace::process::Ou;
    ///
    /// let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
    /// let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
    ///     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
    /// let options = StudyOptions { paths: 1_000, ..StudyOptions::default() };
    /// let shards = (0..2)
    ///     .map(|i| Study::simulate_paths(&model, &options, Shard::new(i, 2)?.range(options.paths)))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let merged = Study::from_outcome(&model, &options, Outcome::merge(&shards)?)?;
    /// let whole = Study::run(&model, &options)?;
    /// assert_eq!(merged.breakeven("positive").unwrap().p50(), whole.breakeven("positive").unwrap().p50());
    /// # Ok::<(), outpace::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`run`](Self::run), and a `range` that is not a shard of the run
    /// (`path_range`).
    pub fn simulate_paths<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        range: Range<usize>,
    ) -> Result<Outcome> {
        let rules = study_rules(model, options)?;
        let quantiled = quantile_series(model, &rules);
        let simulation = simulation(model, options, &rules)?
            .paths(options.paths)
            .quantiles_for(Selection::only(&quantiled))
            .record_inputs(options.keep_paths)
            .path_range(range);
        simulation
            .run()
            .map_err(|e| non_finite_as_input(within_rules(e, &rules), &simulation))
    }

    /// Analyses the `outcome` of every path of the study's run (from
    /// [`simulate_paths`](Self::simulate_paths), merged): break-even
    /// distributions and fan charts.
    ///
    /// # Errors
    /// As [`run`](Self::run), and an outcome that does not cover every path of a
    /// run of `options.paths` paths (`outcome.path_range`).
    pub fn from_outcome<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        outcome: Outcome,
    ) -> Result<Study> {
        let rules = study_rules(model, options)?;
        if !outcome.is_complete() || outcome.run_paths() != options.paths {
            let range = outcome.path_range();
            return Err(Error::invalid(
                "outcome.path_range",
                format!("{}..{} of {}", range.start, range.end, outcome.run_paths()),
                format!(
                    "must cover every path of the run (0..{}): merge every shard first",
                    options.paths
                ),
            ));
        }
        let quantiled = quantile_series(model, &rules);
        let breakevens = rules
            .iter()
            .map(|rule| BreakEven::from_outcome(rule, &outcome, options.confidence))
            .collect::<Result<_>>()?;
        let fans = quantiled
            .iter()
            .map(|name| {
                let series = outcome.series(name).ok_or_else(|| Error::UnknownSeries {
                    name: name.to_string(),
                    available: outcome
                        .all_series()
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
                FanChart::with_levels(series, &options.fan_levels)
            })
            .collect::<Result<_>>()?;
        Ok(Study {
            info: ModelInfo::of(model),
            confidence: options.confidence,
            outcome,
            breakevens,
            fans,
            keep_paths: options.keep_paths,
        })
    }

    /// What the study keeps of its model: name, calendar, units, presentation.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The model's (or scenario's) name.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// The engine's results (every series' summary, passage times, scalars).
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Whether the study kept every path's inputs
    /// ([`StudyOptions::keep_paths`]), as a per-path export needs.
    pub fn keeps_paths(&self) -> bool {
        self.keep_paths
    }

    /// Confidence level of the intervals.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Number of simulated periods.
    pub fn steps(&self) -> usize {
        self.outcome.grid().steps()
    }

    /// The human label of point `k` (e.g. `2026 Q2`), or `never` for `None`.
    pub fn label(&self, k: Option<usize>) -> String {
        k.map_or_else(|| "never".to_owned(), |k| self.info.calendar.label(k))
    }

    /// Break-even results, one per rule, in the order evaluated.
    pub fn breakevens(&self) -> &[BreakEven] {
        &self.breakevens
    }

    /// The break-even result of the rule `key`.
    pub fn breakeven(&self, key: &str) -> Option<&BreakEven> {
        self.breakevens.iter().find(|b| b.rule().key() == key)
    }

    /// Fan charts (quantiles by period) of the model's
    /// [`fan_series`](StudyModel::fan_series) followed by every other series a
    /// rule of the study reads.
    pub fn fans(&self) -> &[FanChart] {
        &self.fans
    }

    /// The fan chart of one series.
    pub fn fan(&self, series: &str) -> Option<&FanChart> {
        self.fans.iter().find(|f| f.series() == series)
    }

    /// The distribution of the model's value (its [`Valuation`](super::Valuation)
    /// scalar), if it declares one.
    pub fn value(&self) -> Option<&ScalarSummary> {
        let value = self.info.value.as_ref()?;
        self.outcome.scalar(&value.scalar)
    }

    /// Paired comparisons of this study (the baseline) with `alternative`, one per
    /// rule both studies evaluated. When the alternative ran fewer paths, the
    /// comparison uses this study's first paths: path `i` draws the same random
    /// numbers in both runs whatever their sizes.
    ///
    /// Studies of different horizons are compared over their **common span**, the
    /// first [`common_span`](Self::common_span) periods: each study's passage times
    /// are truncated to the span ([`Rule::truncate`]), so the probability compared
    /// is that of breaking even within the span and the medians are among the paths
    /// that break even within it; [`Comparison::steps`] is the span. When both
    /// models are [`horizon_independent`](StudyModel::horizon_independent) this
    /// is exact: the comparison is bit for bit the one of two studies run over the
    /// span.
    ///
    /// ```
    /// use outpace::cloud::{CloudModel, Scenario};
    /// use outpace::analysis::{Study, StudyOptions};
    ///
    /// let options = StudyOptions { paths: 200, ..StudyOptions::default() };
    /// let run = |years| {
    ///     let mut scenario = Scenario::alibaba();
    ///     scenario.horizon_years = years;
    ///     Study::run(&CloudModel::new(scenario)?, &options)
    /// };
    /// let (ten, six) = (run(10)?, run(6)?);
    /// assert_eq!(ten.common_span(&six), 24);
    /// let over_six_years = ten.compare(&six)?;
    /// assert_eq!(over_six_years, run(6)?.compare(&six)?);
    /// assert_eq!(over_six_years[0].steps(), 24);
    /// # Ok::<(), outpace::Error>(())
    /// ```
    ///
    /// # Errors
    /// If the studies differ in seed (`alternative.seed`) or step
    /// (`alternative.dt`), the alternative ran more paths, or the horizons differ
    /// (`alternative.horizon`) while a model is not horizon independent or a rule
    /// compared must hold to the horizon.
    pub fn compare(&self, alternative: &Study) -> Result<Vec<Comparison>> {
        let (base, alt) = (&self.outcome, &alternative.outcome);
        if base.seed() != alt.seed() {
            return Err(Error::invalid(
                "alternative.seed",
                alt.seed(),
                format!(
                    "must equal the baseline's seed ({}) to pair paths",
                    base.seed()
                ),
            ));
        }
        if base.grid().dt() != alt.grid().dt() {
            return Err(Error::invalid(
                "alternative.dt",
                alt.grid().dt(),
                format!("must equal the baseline's ({})", base.grid().dt()),
            ));
        }
        if alt.paths() > base.paths() {
            return Err(Error::invalid(
                "alternative.paths",
                alt.paths(),
                format!("must not exceed the baseline's paths ({})", base.paths()),
            ));
        }
        let span = self.common_span(alternative);
        if base.grid().steps() != alt.grid().steps() {
            self.check_truncatable(alternative)?;
        }
        self.breakevens
            .iter()
            .filter_map(|b| {
                let alt_times = passage_of(b.rule(), alt).ok()?;
                let base_times = passage_of(b.rule(), base).ok()?;
                Some((b.rule(), base_times, alt_times))
            })
            .map(|(rule, base_times, alt_times)| {
                let within = |times: &PassageTimes| {
                    rule.truncate(times, span)
                        .map_err(|e| span_error(rule, alternative, e))
                };
                Comparison::new(
                    rule.key(),
                    &within(&base_times.head(alt_times.paths()))?,
                    &within(alt_times)?,
                    self.confidence,
                )
            })
            .collect()
    }

    /// The periods two studies have in common: the shorter of their horizons.
    pub fn common_span(&self, other: &Study) -> usize {
        self.steps().min(other.steps())
    }

    /// Refuses to compare studies of different horizons when a model's paths
    /// may depend on the horizon.
    fn check_truncatable(&self, alternative: &Study) -> Result<()> {
        let dependent = [self, alternative]
            .into_iter()
            .find(|s| !s.info.horizon_independent);
        match dependent {
            None => Ok(()),
            Some(study) => Err(Error::invalid(
                "alternative.horizon",
                format!("{} periods", alternative.steps()),
                format!(
                    "must equal the baseline's ({} periods): the model of `{}` does not declare \
                     its paths independent of the horizon (`StudyModel::horizon_independent`), \
                     so they cannot be compared over the common span",
                    self.steps(),
                    study.name()
                ),
            )),
        }
    }
}

/// Names the rule and the horizons when a rule's passage times cannot be
/// truncated to the common span.
fn span_error(rule: &Rule, alternative: &Study, error: Error) -> Error {
    match error {
        Error::InvalidParameter { .. } => Error::invalid(
            format!("rules[{}].sustain", rule.key()),
            "\"horizon\"",
            format!(
                "cannot be compared over a common span shorter than a horizon (`{}` runs {} \
                 periods): the rule must hold to the horizon; compare it over equal horizons",
                alternative.name(),
                alternative.steps()
            ),
        ),
        other => other,
    }
}

/// The series whose quantiles a study of `model` with `rules` collects: the
/// model's [`fan_series`](StudyModel::fan_series), in its order, then every other
/// series a rule reads, in the model's order (so the quantiles of what decides
/// break-even, such as a cumulative sum, are reported too).
pub(super) fn quantile_series<'m, M: StudyModel>(model: &'m M, rules: &[Rule]) -> Vec<&'m str> {
    let mut names = model.fan_series().to_vec();
    let read: Vec<&str> = rules.iter().flat_map(|r| r.condition().series()).collect();
    names.extend(
        model
            .series()
            .iter()
            .filter(|s| read.contains(s) && !names.contains(s))
            .collect::<Vec<_>>(),
    );
    names
}

/// The rules a study of `model` under `options` evaluates, after checking the
/// options shared by every run of the study (confidence, paths, distinct keys).
pub(super) fn study_rules<M: StudyModel>(model: &M, options: &StudyOptions) -> Result<Vec<Rule>> {
    crate::stats::two_sided_z(options.confidence)?;
    check::positive_count("paths", options.paths)?;
    let rules = options.rules.clone().unwrap_or_else(|| model.rules());
    check_distinct(&rules)?;
    Ok(rules)
}

/// The simulation of a study of `model`: its horizon and step, the seed, threads
/// and control of `options`, and a first-passage rule per rule of `rules`.
pub(crate) fn simulation<'m, M: StudyModel>(
    model: &'m M,
    options: &StudyOptions,
    rules: &[Rule],
) -> Result<Simulation<&'m M>> {
    let calendar = model.calendar();
    let steps = model.horizon();
    calendar.check(steps)?;
    let mut simulation = Simulation::new(model)
        .steps(steps)
        .dt(1.0 / f64::from(calendar.periods_per_year()))
        .seed(options.seed);
    for rule in rules {
        simulation = simulation.first_passage(rule.key(), rule.passage());
    }
    if let Some(threads) = options.threads {
        simulation = simulation.threads(threads);
    }
    if let Some(control) = &options.control {
        simulation = simulation.control(control);
    }
    Ok(simulation)
}

/// A non-finite value in a path of a validated model is bad input: the model's
/// parameters drive it out of range. The error names the series, the path and its
/// uncertain inputs' values.
fn non_finite_as_input<M: StudyModel>(error: Error, simulation: &Simulation<&M>) -> Error {
    let Error::NonFinite {
        series,
        path,
        step,
        value,
    } = &error
    else {
        return error;
    };
    let inputs = simulation.model().inputs();
    let drawn = match simulation.path_inputs(*path) {
        Ok(values) if !inputs.is_empty() => inputs
            .iter()
            .zip(values)
            .map(|(input, x)| format!("{} = {}", input.name(), crate::error::readable(x)))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "no uncertain input: check the fixed parameters".to_owned(),
    };
    Error::invalid(
        "scenario",
        format!("series `{series}` = {value} on path {path} at period {step}"),
        format!(
            "the parameters drive the simulation out of range (the path drew {drawn}): narrow \
             the laws or values involved"
        ),
    )
}

/// Names the rule whose condition reads an unknown series.
pub(super) fn within_rules(error: Error, rules: &[Rule]) -> Error {
    let Error::UnknownSeries { name, available } = &error else {
        return error;
    };
    match rules
        .iter()
        .find(|r| r.condition().series().contains(&name.as_str()))
    {
        Some(rule) => Error::invalid(
            format!("rules[{}].when", rule.key()),
            format!("\"{}\"", rule.condition()),
            format!(
                "reads the series `{name}`, which the model does not emit (it emits {available})"
            ),
        ),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Described;
    use crate::calendar::Calendar;
    use crate::engine::ProcessModel;
    use crate::process::Ou;

    fn study(quarters: usize, rule: &Rule) -> Study {
        declared_study(quarters, rule, false)
    }

    /// The recovery model over `quarters`, declared horizon independent or not.
    fn declared_study(quarters: usize, rule: &Rule, independent: bool) -> Study {
        let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0).unwrap());
        let calendar = Calendar::Quarterly {
            start: "2026Q1".parse().unwrap(),
        };
        let model = Described::new("recovery", fcf, calendar, quarters)
            .rule(rule.clone())
            .horizon_independent(independent);
        let options = StudyOptions {
            paths: 300,
            ..StudyOptions::default()
        };
        Study::run(&model, &options).unwrap()
    }

    #[test]
    fn different_horizons_need_a_horizon_independent_model() {
        let rule = Rule::new("positive", "Positive", "fcf >= 0").unwrap();
        let (long, short) = (study(20, &rule), study(12, &rule));
        assert!(!long.info().horizon_independent);
        let err = long.compare(&short).unwrap_err().to_string();
        assert!(
            err.contains("`alternative.horizon`") && err.contains("horizon_independent"),
            "{err}"
        );
        // Equal horizons compare over the whole horizon, as before.
        let same = long.compare(&study(20, &rule)).unwrap();
        assert_eq!(same[0].steps(), 20);
        assert_eq!(same[0].probability().difference.estimate, 0.0);
    }

    /// Declared horizon independent through `Described`, a 20-quarter and a
    /// 12-quarter study of the same paths compare over 12 quarters, and agree
    /// there exactly: the same paths, so a paired difference of exactly 0.
    #[test]
    fn a_declared_horizon_independent_model_compares_over_the_common_span() {
        let rule = Rule::new("positive", "Positive", "fcf >= 0").unwrap();
        let long = declared_study(20, &rule, true);
        let short = declared_study(12, &rule, true);
        assert!(long.info().horizon_independent);
        let compared = long.compare(&short).unwrap();
        assert_eq!(compared[0].steps(), 12);
        let difference = compared[0].probability().difference;
        assert_eq!(
            (difference.estimate, difference.lower, difference.upper),
            (0.0, 0.0, 0.0)
        );
        // Power: the 20-quarter study breaks even on more paths within its own horizon.
        let within = |s: &Study| s.breakevens()[0].within_horizon().estimate;
        assert!(within(&long) > within(&short));
    }

    #[test]
    fn a_rule_held_to_the_horizon_is_not_truncated() {
        let rule = Rule::new("positive", "Positive", "fcf >= 0")
            .unwrap()
            .to_horizon();
        let (mut long, mut short) = (study(20, &rule), study(12, &rule));
        // As if the models declared it (a process model's paths do not depend
        // on the horizon): the refusal is then the rule's.
        long.info.horizon_independent = true;
        short.info.horizon_independent = true;
        let err = long.compare(&short).unwrap_err().to_string();
        assert!(
            err.contains("`rules[positive].sustain`") && err.contains("equal horizons"),
            "{err}"
        );
    }
}
