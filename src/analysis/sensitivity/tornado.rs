//! Tornado bars: each input (or group) set to a low and a high quantile of its
//! law, everything else as drawn.

use super::{
    Grouping, Plan, Rows, RunPlan, ValueDifference, inputs_of, median_difference, passage,
    rules_of, simulate_rows,
};
use crate::analysis::{BOOTSTRAP_SEED, Comparison, Rule, StudyModel, StudyOptions};
use crate::engine::InputSettings;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Settings of a [`Tornado`].
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoOptions {
    /// One bar per input or per group (default: per input).
    pub by: Grouping,
    /// The low quantile each input of a bar is set to (default 0.1).
    pub low: f64,
    /// The high quantile (default 0.9).
    pub high: f64,
    /// The rule the bars are sorted by (default: the first rule of the study).
    pub sort_by: Option<String>,
    /// Bootstrap resamples of the paired median intervals (default 200).
    pub resamples: usize,
}

impl Default for TornadoOptions {
    fn default() -> Self {
        TornadoOptions {
            by: Grouping::Inputs,
            low: 0.1,
            high: 0.9,
            sort_by: None,
            resamples: 200,
        }
    }
}

/// One bar: a factor at its low and at its high setting, on the same paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    /// The input's or group's name.
    pub name: String,
    /// The inputs it sets.
    pub inputs: Vec<String>,
    /// Their values at the low setting (the low quantile of each law).
    pub low_values: Vec<f64>,
    /// Their values at the high setting.
    pub high_values: Vec<f64>,
    /// Per rule of the tornado: high against low (baseline = low). The
    /// probability swing is `probability().difference`, the median break-even
    /// period's `median()`.
    pub rules: Vec<Comparison>,
    /// The model's value (NPV): median at high minus median at low.
    pub value: Option<ValueDifference>,
}

impl TornadoBar {
    /// The swing in the probability of breaking even within the horizon under
    /// rule `r` (an index into [`Tornado::rules`]).
    pub fn swing(&self, r: usize) -> f64 {
        self.rules[r].probability().difference.estimate
    }
}

/// A tornado analysis (one-at-a-time, on common random numbers).
///
/// For each factor `F` (an input, or the inputs of a group) and quantiles
/// `q_lo < q_hi`, two runs of `n` paths on the study's seed: in the first every
/// input of `F` is fixed at its law's `q_lo`-quantile, in the second at its
/// `q_hi`-quantile; every other input is drawn as usual, from its own stream, so
/// path `i` draws the same values of the other inputs and the same within-path
/// randomness in both runs. The bar is the paired difference high minus low of:
/// the probability of breaking even within the horizon (interval `mean(d) ± z
/// s_d / sqrt(n)`), the median break-even period among paths that break even
/// (paired bootstrap), and the median value (paired bootstrap,
/// [`median_difference`]). Bars are sorted by the absolute probability swing under
/// the sorting rule, largest first. Cost: `2 F n` paths plus the base run.
///
/// Setting all inputs of a group to their low quantiles at once assumes they act
/// in the same direction; when they do not, the group's bar understates it (see
/// `docs/sensitivity.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tornado {
    /// The rules' keys, in the order of each bar's comparisons.
    pub rules: Vec<String>,
    /// The rules' titles.
    pub titles: Vec<String>,
    /// The rule the bars are sorted by (an index into `rules`).
    pub sorted_by: usize,
    /// The probability of breaking even within the horizon with every input drawn.
    pub base: Vec<f64>,
    /// The median value with every input drawn.
    pub base_value: Option<f64>,
    /// The bars, largest swing first.
    pub bars: Vec<TornadoBar>,
    /// The low and high quantiles.
    pub quantiles: (f64, f64),
    /// The calendar code of every period `0..=K`, to label period indices.
    pub labels: Vec<String>,
    /// Paths per run.
    pub paths: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

impl Tornado {
    /// Runs the tornado analysis of `model` (see the type's documentation).
    ///
    /// # Errors
    /// A model without inputs, quantiles not with `0 < low < high < 1`, an unknown
    /// sorting rule, and any error of the study's options or the engine.
    pub fn run<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        tornado: &TornadoOptions,
    ) -> Result<Tornado> {
        let plan = Tornado::plan(model, options, tornado)?;
        let rows = simulate_rows(model, options, &plan, 0..options.paths)?;
        Tornado::from_rows(model, options, tornado, &rows)
    }

    /// The runs of the analysis: `base` (every input drawn), then `low:<factor>`
    /// and `high:<factor>` for each factor, in the order of
    /// [`Grouping::factors`].
    pub(super) fn plan<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        tornado: &TornadoOptions,
    ) -> Result<Plan> {
        let inputs = inputs_of(model)?;
        let rules = rules_of(model, options)?;
        check_quantiles(tornado.low, tornado.high)?;
        sort_index(&rules, tornado.sort_by.as_deref())?;
        let mut runs = vec![RunPlan::new("base", InputSettings::default())];
        for (name, members) in tornado.by.factors(inputs) {
            for (side, q) in [("low", tornado.low), ("high", tornado.high)] {
                let fixed = members
                    .iter()
                    .map(|&i| (inputs[i].name().to_owned(), inputs[i].law().quantile(q)))
                    .collect();
                let settings = InputSettings {
                    fixed,
                    ..InputSettings::default()
                };
                runs.push(RunPlan::new(format!("{side}:{name}"), settings));
            }
        }
        Ok(Plan::new(rules, options.paths, runs))
    }

    /// The tornado of `model` from the `rows` of every run of the analysis
    /// ([`Method::runs`](super::Method::runs); merged shards, see
    /// [`Rows::merge`]): the result of [`run`](Self::run), bit for bit.
    ///
    /// # Errors
    /// As [`run`](Self::run), and rows that are not those of this analysis
    /// (incomplete, or of other runs or rules).
    pub fn from_rows<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        tornado: &TornadoOptions,
        rows: &Rows,
    ) -> Result<Tornado> {
        let inputs = inputs_of(model)?;
        let plan = Tornado::plan(model, options, tornado)?;
        plan.check(rows)?;
        let rules = plan.rules();
        let sort = sort_index(rules, tornado.sort_by.as_deref())?;
        let runs = rows.runs();
        let base = &runs[0];
        let mut bars = Vec::new();
        for (f, (name, members)) in tornado.by.factors(inputs).into_iter().enumerate() {
            let at = |q: f64| -> Vec<f64> {
                members
                    .iter()
                    .map(|&i| inputs[i].law().quantile(q))
                    .collect()
            };
            let (low_values, high_values) = (at(tornado.low), at(tornado.high));
            let (low, high) = (&runs[1 + 2 * f], &runs[2 + 2 * f]);
            let comparisons = rules
                .iter()
                .map(|rule| {
                    Comparison::new(
                        rule.key(),
                        passage(low, rule)?,
                        passage(high, rule)?,
                        options.confidence,
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            let value = match (low.value(), high.value()) {
                (Some(a), Some(b)) => Some(median_difference(
                    a,
                    b,
                    options.confidence,
                    tornado.resamples,
                    BOOTSTRAP_SEED,
                )?),
                _ => None,
            };
            bars.push(TornadoBar {
                name,
                inputs: members
                    .iter()
                    .map(|&i| inputs[i].name().to_owned())
                    .collect(),
                low_values,
                high_values,
                rules: comparisons,
                value,
            });
        }
        bars.sort_by(|a, b| b.swing(sort).abs().total_cmp(&a.swing(sort).abs()));
        Ok(Tornado {
            base: rules
                .iter()
                .map(|rule| Ok(passage(base, rule)?.probability()))
                .collect::<Result<_>>()?,
            base_value: base
                .value()
                .map(|v| super::paired::lower_median(&mut v.to_vec())),
            rules: rules.iter().map(|r| r.key().to_owned()).collect(),
            titles: rules.iter().map(|r| r.title().to_owned()).collect(),
            bars,
            sorted_by: sort,
            quantiles: (tornado.low, tornado.high),
            labels: super::labels(model),
            paths: options.paths,
            confidence: options.confidence,
        })
    }
}

fn check_quantiles(low: f64, high: f64) -> Result<()> {
    if low > 0.0 && low < high && high < 1.0 {
        return Ok(());
    }
    Err(Error::invalid(
        "quantiles",
        format!("low {low}, high {high}"),
        "must satisfy 0 < low < high < 1",
    ))
}

/// The index of the sorting rule among `rules` (the first by default).
pub(super) fn sort_index(rules: &[Rule], key: Option<&str>) -> Result<usize> {
    let Some(key) = key else { return Ok(0) };
    rules.iter().position(|r| r.key() == key).ok_or_else(|| {
        let known: Vec<&str> = rules.iter().map(Rule::key).collect();
        Error::invalid(
            "rule",
            key,
            format!("is not a rule of the study ({})", known.join(", ")),
        )
    })
}
