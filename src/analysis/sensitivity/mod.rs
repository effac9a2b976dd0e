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

mod paired;
mod ranks;
mod sobol;
mod sweep;
mod tornado;

pub use paired::{MEDIAN_STREAM, ValueDifference, median_difference};
pub use ranks::RankScreen;
pub use sobol::{Output, SobolAnalysis, SobolSettings};
pub use sweep::{SWEEP_RESAMPLES, Sweep, SweepPoint};
pub use tornado::{Tornado, TornadoBar, TornadoOptions};

use super::{Rule, StudyModel, StudyOptions, rule::check_distinct};
use crate::engine::{InputSettings, Outcome, Selection, Simulation};
use crate::error::{Error, Result, check};
use crate::inputs::Input;

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

/// One run of `paths` paths with `settings`: the rules' passage times and the
/// model's scalars per path, no series statistics beyond means.
fn simulate<M: StudyModel>(
    model: &M,
    options: &StudyOptions,
    rules: &[Rule],
    paths: usize,
    settings: InputSettings,
    record_inputs: bool,
) -> Result<Outcome> {
    crate::stats::two_sided_z(options.confidence)?;
    check::positive_count("paths", paths)?;
    let calendar = model.calendar();
    let steps = model.horizon();
    calendar.check(steps)?;
    let mut simulation = Simulation::new(model)
        .paths(paths)
        .steps(steps)
        .dt(1.0 / f64::from(calendar.periods_per_year()))
        .seed(options.seed)
        .quantiles(false)
        .statistics_for(Selection::None)
        .keep_scalars(true)
        .input_settings(settings)
        .record_inputs(record_inputs);
    for rule in rules {
        simulation = simulation.first_passage(rule.key(), rule.passage());
    }
    if let Some(threads) = options.threads {
        simulation = simulation.threads(threads);
    }
    if let Some(control) = &options.control {
        simulation = simulation.control(control);
    }
    simulation.run()
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
