//! Which inputs drive the answer: tornado bars, one-way sweeps, Sobol indices over
//! the horizon, and rank correlations, for any [`StudyModel`] that declares its
//! uncertain inputs ([`Model::inputs`](crate::engine::Model::inputs)).
//!
//! Every method runs the model with the engine's input designs
//! ([`InputSettings`]) on the study's seed, so that runs share their random
//! numbers path by path (common random numbers): a difference between two runs is
//! the effect of the inputs that differ, not noise. `docs/sensitivity.md` states
//! each estimator and how to read it.
//!
//! The outputs analysed, per rule of the study and path:
//! - the indicator `1{T <= k}` that the path has broken even by period `k`, for
//!   every `k` of the horizon (its mean is the break-even curve);
//! - the censored break-even period `min(T, K)` (`K` the horizon, a path that never
//!   breaks even counts as `K`), and whether `T <= K`;
//! - the model's [`value`](StudyModel::value) (an NPV), when it has one.

mod method;
mod paired;
mod ranks;
mod rows;
mod sobol;
mod sweep;
mod tornado;

pub use method::{Estimates, Method};
pub use paired::{MEDIAN_STREAM, ValueDifference, median_difference};
pub use ranks::RankScreen;
pub use rows::{ROWS_VERSION, Rows, RunRows};
pub use sobol::{Output, SALTELLI_RUN, SobolAnalysis, SobolSettings};
pub use sweep::{SWEEP_RESAMPLES, Sweep, SweepPoint};
pub use tornado::{Tornado, TornadoBar, TornadoOptions};

use super::{Rule, StudyModel, StudyOptions, passage_of, rule::check_distinct};
use crate::engine::{InputSettings, Outcome, PassageTimes, Selection};
use crate::error::{Error, Result, check};
use crate::inputs::Input;
use std::ops::Range;

/// What a tornado bar or a Sobol index is about: one input each, or the inputs of
/// a group together ([`Input::group`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// Each input on its own (the default).
    #[default]
    Inputs,
    /// The inputs of each group together, in the order groups first appear.
    Groups,
}

impl Grouping {
    /// The factors of `inputs`: `(name, indices of its inputs)`.
    pub fn factors(self, inputs: &[Input]) -> Vec<(String, Vec<usize>)> {
        match self {
            Grouping::Inputs => inputs
                .iter()
                .enumerate()
                .map(|(i, input)| (input.name().to_owned(), vec![i]))
                .collect(),
            Grouping::Groups => {
                let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
                for (i, input) in inputs.iter().enumerate() {
                    match groups.iter_mut().find(|(g, _)| g == input.group()) {
                        Some((_, members)) => members.push(i),
                        None => groups.push((input.group().to_owned(), vec![i])),
                    }
                }
                groups
            }
        }
    }
}

/// The rules of a sensitivity run: the options' or the model's, checked.
fn rules_of<M: StudyModel>(model: &M, options: &StudyOptions) -> Result<Vec<Rule>> {
    let rules = options.rules.clone().unwrap_or_else(|| model.rules());
    check_distinct(&rules)?;
    if rules.is_empty() {
        return Err(Error::invalid(
            "rules",
            "none",
            "a sensitivity analysis needs a rule",
        ));
    }
    Ok(rules)
}

/// The model's inputs, which must not be empty.
fn inputs_of<M: StudyModel>(model: &M) -> Result<&[Input]> {
    let inputs = model.inputs();
    if inputs.is_empty() {
        return Err(Error::invalid(
            "inputs",
            model.name(),
            "the model declares no uncertain input: there is nothing to vary",
        ));
    }
    Ok(inputs)
}

/// One run of a method: its label and input settings.
#[derive(Debug, Clone)]
pub(super) struct RunPlan {
    label: String,
    settings: InputSettings,
    record_inputs: bool,
}

impl RunPlan {
    pub(super) fn new(label: impl Into<String>, settings: InputSettings) -> RunPlan {
        RunPlan {
            label: label.into(),
            settings,
            record_inputs: false,
        }
    }

    /// The run keeps its rows' input vectors (the estimator reads them).
    pub(super) fn recording_inputs(mut self) -> RunPlan {
        self.record_inputs = true;
        self
    }
}

/// The runs of a method, each of `rows` paths, under `rules`.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    rules: Vec<Rule>,
    rows: usize,
    runs: Vec<RunPlan>,
}

impl Plan {
    pub(super) fn new(rules: Vec<Rule>, rows: usize, runs: Vec<RunPlan>) -> Plan {
        Plan { rules, rows, runs }
    }

    pub(super) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// Checks that `rows` are every row of every run of this plan, under its
    /// rules.
    pub(super) fn check(&self, rows: &Rows) -> Result<()> {
        if rows.rows() != self.rows || !rows.is_complete() {
            let range = rows.range();
            return Err(Error::invalid(
                "rows",
                format!("{}..{} of {}", range.start, range.end, rows.rows()),
                format!(
                    "must be every row of the analysis (0..{}): merge every shard first",
                    self.rows
                ),
            ));
        }
        let labels: Vec<&str> = rows.runs().iter().map(RunRows::label).collect();
        let expected: Vec<&str> = self.runs.iter().map(|r| r.label.as_str()).collect();
        if labels != expected {
            return Err(Error::invalid(
                "rows.runs",
                labels.join(", "),
                format!("must be the runs of the analysis ({})", expected.join(", ")),
            ));
        }
        for (r, run) in rows.runs().iter().enumerate() {
            let keys: Vec<&str> = run.passages().iter().map(PassageTimes::name).collect();
            let wanted: Vec<&str> = self.rules.iter().map(Rule::key).collect();
            if keys != wanted {
                return Err(Error::invalid(
                    format!("rows.runs[{r}].passages"),
                    keys.join(", "),
                    format!("must be the rules of the analysis ({})", wanted.join(", ")),
                ));
            }
        }
        Ok(())
    }
}

/// Simulates the rows `range` of every run of `plan` (all of them, `0..rows`,
/// for a single process; a [`Shard`](crate::engine::Shard)'s range otherwise).
/// Inputs are kept when the run needs them or `options.keep_paths` asks for
/// them.
fn simulate_rows<M: StudyModel>(
    model: &M,
    options: &StudyOptions,
    plan: &Plan,
    range: Range<usize>,
) -> Result<Rows> {
    let runs = plan
        .runs
        .iter()
        .map(|run| {
            let record = run.record_inputs || options.keep_paths;
            let outcome = simulate(
                model,
                options,
                &plan.rules,
                plan.rows,
                run.settings.clone(),
                record,
                range.clone(),
            )?;
            let passages = plan
                .rules
                .iter()
                .map(|rule| passage_of(rule, &outcome).cloned())
                .collect::<Result<_>>()?;
            let value = values(model, &outcome)?.map(<[f64]>::to_vec);
            let inputs = outcome
                .inputs()
                .map(|recorded| recorded.values().iter().copied().collect());
            Ok(RunRows::new(run.label.clone(), passages, value, inputs))
        })
        .collect::<Result<_>>()?;
    let names = model.inputs().iter().map(|i| i.name().to_owned()).collect();
    Rows::new(plan.rows, range, names, runs)
}

/// One run of `paths` paths with `settings`, of the paths `range`: the rules'
/// passage times and the model's scalars per path, no series statistics beyond
/// means.
fn simulate<M: StudyModel>(
    model: &M,
    options: &StudyOptions,
    rules: &[Rule],
    paths: usize,
    settings: InputSettings,
    record_inputs: bool,
    range: Range<usize>,
) -> Result<Outcome> {
    crate::stats::two_sided_z(options.confidence)?;
    check::positive_count("paths", paths)?;
    super::study::simulation(model, options, rules)?
        .paths(paths)
        .quantiles(false)
        .statistics_for(Selection::None)
        .keep_scalars(true)
        .input_settings(settings)
        .record_inputs(record_inputs)
        .path_range(range)
        .run()
}

/// The passage times of `rule` in `run`.
fn passage<'a>(run: &'a RunRows, rule: &Rule) -> Result<&'a PassageTimes> {
    run.passage(rule.key()).ok_or_else(|| {
        Error::invalid(
            "rows.passages",
            rule.key(),
            "is a rule of the analysis the rows do not hold",
        )
    })
}

/// The per-path values of the model's value scalar, if it has one.
fn values<'a, M: StudyModel>(model: &M, outcome: &'a Outcome) -> Result<Option<&'a [f64]>> {
    let Some(valuation) = model.value() else {
        return Ok(None);
    };
    let scalar = outcome.scalar(&valuation.scalar).ok_or_else(|| {
        Error::invalid("value", &valuation.scalar, "is not a scalar of the model")
    })?;
    Ok(scalar.values())
}

/// `min(T, K)` of every path, as a number.
fn censored(times: impl Iterator<Item = Option<usize>>, steps: usize) -> Vec<f64> {
    times.map(|t| t.unwrap_or(steps) as f64).collect()
}

/// The calendar code of every grid point `0..=K` (`2026Q1`, ...).
fn labels<M: StudyModel>(model: &M) -> Vec<String> {
    let calendar = model.calendar();
    (0..=model.horizon()).map(|k| calendar.code(k)).collect()
}
