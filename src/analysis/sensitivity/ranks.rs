//! The cheap first look: rank correlations between the inputs and the outputs of
//! an ordinary run.

use super::{Plan, Rows, RunPlan, censored, inputs_of, passage, rules_of, simulate_rows};
use crate::analysis::{StudyModel, StudyOptions};
use crate::engine::InputSettings;
use crate::error::{Error, Result};
use crate::stats::{RankRegression, spearman, srrc};
use ndarray::Array2;

/// Spearman correlations and standardised rank regression coefficients (SRRC)
/// between each input and each output of one ordinary run (inputs drawn from
/// their laws): the censored break-even period `min(T, K)` of every rule and the
/// model's value. Costs one run; it sees monotone effects only, and a low `R^2`
/// says the rest is interaction or within-path noise (see
/// [`srrc`](crate::stats::srrc)).
#[derive(Debug, Clone, PartialEq)]
pub struct RankScreen {
    /// The inputs, in the order of the rows.
    pub inputs: Vec<String>,
    /// The outputs, in the order of the columns: `"{rule}"` for the censored
    /// break-even period of a rule, then `"value"`.
    pub outputs: Vec<String>,
    /// `p x T` Spearman correlations (`None` for a constant output).
    pub spearman: Array2<Option<f64>>,
    /// The rank regression.
    pub regression: RankRegression,
    /// Paths.
    pub paths: usize,
}

impl RankScreen {
    /// Runs `model` once with its inputs recorded and correlates.
    ///
    /// # Errors
    /// A model without inputs, fewer than 3 paths, an input constant over the run,
    /// any engine error.
    pub fn run<M: StudyModel>(model: &M, options: &StudyOptions) -> Result<RankScreen> {
        let plan = RankScreen::plan(model, options)?;
        let rows = simulate_rows(model, options, &plan, 0..options.paths)?;
        RankScreen::from_rows(model, options, &rows)
    }

    /// The one run of the screen, `base`, its inputs recorded.
    pub(super) fn plan<M: StudyModel>(model: &M, options: &StudyOptions) -> Result<Plan> {
        inputs_of(model)?;
        let rules = rules_of(model, options)?;
        let run = RunPlan::new("base", InputSettings::default()).recording_inputs();
        Ok(Plan::new(rules, options.paths, vec![run]))
    }

    /// The screen from the `rows` of its run (merged shards, see
    /// [`Rows::merge`]): the result of [`run`](Self::run), bit for bit.
    ///
    /// # Errors
    /// As [`run`](Self::run), and rows that are not those of this screen.
    pub fn from_rows<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        rows: &Rows,
    ) -> Result<RankScreen> {
        let inputs = inputs_of(model)?;
        let plan = RankScreen::plan(model, options)?;
        plan.check(rows)?;
        let rules = plan.rules();
        let run = &rows.runs()[0];
        let x = run
            .inputs(inputs.len())
            .ok_or_else(|| Error::invalid("inputs", model.name(), "were not recorded"))?;
        let steps = model.horizon();
        let mut columns = rules
            .iter()
            .map(|rule| Ok(censored(passage(run, rule)?.times(), steps)))
            .collect::<Result<Vec<_>>>()?;
        let mut outputs: Vec<String> = rules.iter().map(|r| r.key().to_owned()).collect();
        if let Some(value) = run.value() {
            columns.push(value.to_vec());
            outputs.push("value".to_owned());
        }
        let matrix = Array2::from_shape_fn((options.paths, columns.len()), |(i, t)| columns[t][i]);
        Ok(RankScreen {
            inputs: inputs.iter().map(|i| i.name().to_owned()).collect(),
            outputs,
            spearman: spearman(x, matrix.view())?,
            regression: srrc(x, matrix.view())?,
            paths: options.paths,
        })
    }
}
