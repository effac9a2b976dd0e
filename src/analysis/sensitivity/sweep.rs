//! One-way sweeps (spider curves): one input set to each of several values.

use super::{
    Plan, Rows, RunPlan, ValueDifference, inputs_of, median_difference, passage, rules_of,
    simulate_rows,
};
use crate::analysis::{BOOTSTRAP_SEED, Comparison, StudyModel, StudyOptions};
use crate::engine::InputSettings;
use crate::error::{Error, Result};
use crate::stats::{Interval, wilson};
use serde::{Deserialize, Serialize};

/// One value of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The input's value.
    pub value: f64,
    /// Per rule: the probability of breaking even within the horizon, with its
    /// Wilson interval.
    pub within: Vec<Interval>,
    /// Per rule: this point against the sweep's first point (baseline = first).
    pub against_first: Vec<Comparison>,
    /// Median of the model's value, and its paired difference from the first
    /// point.
    pub value_difference: Option<ValueDifference>,
}

/// A one-way sweep on common random numbers: for each value `x_j` of one input,
/// a run of `n` paths on the study's seed with the input fixed at `x_j` and every
/// other input drawn as usual. Each point carries its own probability of breaking
/// even within the horizon (Wilson interval) and the paired differences from the
/// first point (see [`Comparison`] and [`median_difference`]), whose intervals are
/// much narrower than the points' own: read the curve's slope from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The input swept.
    pub input: String,
    /// The rules' keys, in the order of each point's vectors.
    pub rules: Vec<String>,
    /// The rules' titles.
    pub titles: Vec<String>,
    /// The points, in the order of the values given.
    pub points: Vec<SweepPoint>,
    /// The calendar code of every period `0..=K`, to label period indices.
    pub labels: Vec<String>,
    /// Paths per run.
    pub paths: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

/// Bootstrap resamples of a sweep's paired median intervals.
pub const SWEEP_RESAMPLES: usize = 200;

impl Sweep {
    /// Sweeps `input` of `model` over `values`.
    ///
    /// # Errors
    /// An input the model does not declare, fewer than two values, a value outside
    /// the input's domain (naming it), or any error of the options or the engine.
    pub fn run<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        input: &str,
        values_to_try: &[f64],
    ) -> Result<Sweep> {
        let plan = Sweep::plan(model, options, input, values_to_try)?;
        let rows = simulate_rows(model, options, &plan, 0..options.paths)?;
        Sweep::from_rows(model, options, input, values_to_try, &rows)
    }

    /// The runs of the sweep: `<input>=<value>` for each value, in order.
    pub(super) fn plan<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        input: &str,
        values_to_try: &[f64],
    ) -> Result<Plan> {
        let inputs = inputs_of(model)?;
        let rules = rules_of(model, options)?;
        let declared = inputs.iter().find(|i| i.name() == input).ok_or_else(|| {
            let known: Vec<&str> = inputs.iter().map(|i| i.name()).collect();
            Error::invalid(
                "sweep",
                input,
                format!(
                    "is not an uncertain input of the model ({})",
                    known.join(", ")
                ),
            )
        })?;
        if values_to_try.len() < 2 {
            return Err(Error::invalid(
                "sweep",
                format!("{} values", values_to_try.len()),
                "needs at least two values",
            ));
        }
        for &x in values_to_try {
            declared.check_value(x)?;
        }
        let runs = values_to_try
            .iter()
            .map(|&x| {
                let settings = InputSettings {
                    fixed: vec![(input.to_owned(), x)],
                    ..InputSettings::default()
                };
                RunPlan::new(format!("{input}={x}"), settings)
            })
            .collect();
        Ok(Plan::new(rules, options.paths, runs))
    }

    /// The sweep from the `rows` of every run of the sweep ([`Method::runs`](super::Method::runs))
    /// (merged shards, see [`Rows::merge`]): the result of [`run`](Self::run),
    /// bit for bit.
    ///
    /// # Errors
    /// As [`run`](Self::run), and rows that are not those of this sweep.
    pub fn from_rows<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        input: &str,
        values_to_try: &[f64],
        rows: &Rows,
    ) -> Result<Sweep> {
        let plan = Sweep::plan(model, options, input, values_to_try)?;
        plan.check(rows)?;
        let rules = plan.rules();
        let runs = rows.runs();
        let first = &runs[0];
        let points = values_to_try
            .iter()
            .zip(runs)
            .map(|(&value, run)| {
                let within = rules
                    .iter()
                    .map(|rule| {
                        let passage = passage(run, rule)?;
                        wilson(passage.passed(), passage.paths() as u64, options.confidence)
                    })
                    .collect::<Result<_>>()?;
                let against_first = rules
                    .iter()
                    .map(|rule| {
                        Comparison::new(
                            rule.key(),
                            passage(first, rule)?,
                            passage(run, rule)?,
                            options.confidence,
                        )
                    })
                    .collect::<Result<_>>()?;
                let value_difference = match (first.value(), run.value()) {
                    (Some(a), Some(b)) => Some(median_difference(
                        a,
                        b,
                        options.confidence,
                        SWEEP_RESAMPLES,
                        BOOTSTRAP_SEED,
                    )?),
                    _ => None,
                };
                Ok(SweepPoint {
                    value,
                    within,
                    against_first,
                    value_difference,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Sweep {
            input: input.to_owned(),
            rules: rules.iter().map(|r| r.key().to_owned()).collect(),
            titles: rules.iter().map(|r| r.title().to_owned()).collect(),
            points,
            labels: super::labels(model),
            paths: options.paths,
            confidence: options.confidence,
        })
    }
}
