//! Sobol indices of the break-even outputs, over the horizon, from Saltelli's
//! scheme run through the engine.

use super::{
    Grouping, Plan, Rows, RunPlan, censored, inputs_of, passage, rules_of, simulate_rows,
    tornado::sort_index,
};
use crate::analysis::{StudyModel, StudyOptions};
use crate::engine::{InputDesign, InputSettings, NOISE_GROUP};
use crate::error::{Error, Result};
use crate::inputs::design::DesignKind;
use crate::stats::sensitivity::{
    Groups, IntervalMethod, SaltelliPlan, SobolIndices, SobolOptions, sobol_indices,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// The label of the one run of a [`SobolAnalysis`].
pub const SALTELLI_RUN: &str = "saltelli";

/// Settings of a [`SobolAnalysis`].
#[derive(Debug, Clone, PartialEq)]
pub struct SobolSettings {
    /// Base points `N` (default 1,024); the run has `N (G + 2)` paths for `G`
    /// factors, the noise group included.
    pub base: u64,
    /// The design of the base points (default scrambled Sobol).
    pub kind: DesignKind,
    /// The design's replicate (independent replicates give error bars of the
    /// estimates themselves).
    pub replicate: u32,
    /// Indices per input or per group.
    pub by: Grouping,
    /// Whether the within-path randomness is a factor of its own,
    /// [`NOISE_GROUP`] (default `true`; see `docs/sensitivity.md`).
    pub noise: bool,
    /// The rule whose break-even curve gets indices at every period (default: the
    /// first rule); the censored break-even period gets indices for every rule.
    pub curve: Option<String>,
    /// How the intervals are built (default asymptotic).
    pub intervals: IntervalMethod,
}

impl Default for SobolSettings {
    fn default() -> Self {
        SobolSettings {
            base: 1024,
            kind: DesignKind::Sobol,
            replicate: 0,
            by: Grouping::Inputs,
            noise: true,
            curve: None,
            intervals: IntervalMethod::Asymptotic,
        }
    }
}

/// What one output column of a [`SobolAnalysis`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// `1{T <= period}` under the rule.
    Reached {
        /// The rule's key.
        rule: String,
        /// The period `k` (1 to the horizon).
        period: usize,
    },
    /// `min(T, K)` under the rule.
    Censored {
        /// The rule's key.
        rule: String,
    },
    /// The model's value (NPV).
    Value,
}

/// First-order and total Sobol indices of the break-even outputs of a model.
///
/// The run takes the engine's [`InputDesign::Saltelli`] design: `N` base points
/// of a `2p`-dimensional design give the input matrices `A` and `B`, and for each
/// factor `g` the matrix `AB_g` (`A` with the columns of `g` from `B`); with
/// [`noise`](SobolSettings::noise) the within-path randomness is factor
/// [`NOISE_GROUP`]: rows of `B` and `AB_noise` take other random streams than
/// rows of `A`. The outputs ([`Output`]) of the `N (G + 2)` paths go through
/// [`sobol_indices`] (Saltelli 2010 first order, Jansen total, centred), with
/// intervals at the study's confidence.
///
/// Without the noise factor, `A` and `B` rows share their streams by base point
/// and the indices are those of the conditional mean given the inputs *and* the
/// streams; with it, the noise factor's total index is the share of variance the
/// inputs cannot explain.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolAnalysis {
    /// The factors, in the order of the indices' rows (the noise factor last).
    pub factors: Vec<String>,
    /// The output columns, in the order of the indices' columns.
    pub outputs: Vec<Output>,
    /// The indices.
    pub indices: SobolIndices,
    /// Base points `N`.
    pub base: u64,
    /// The calendar code of every period `0..=K`, to label period indices.
    pub labels: Vec<String>,
    /// Paths run, `N (G + 2)`.
    pub paths: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

impl SobolAnalysis {
    /// Runs Saltelli's scheme on `model` and estimates the indices.
    ///
    /// [`StudyOptions::paths`] is not used: the design fixes the path count.
    ///
    /// # Errors
    /// A model without inputs, fewer than 2 base points, an unknown curve rule, a
    /// path count above the engine's limit, any engine error.
    pub fn run<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        settings: &SobolSettings,
    ) -> Result<SobolAnalysis> {
        let (plan, _, _) = SobolAnalysis::plan(model, options, settings)?;
        let rows = simulate_rows(model, options, &plan, 0..plan.rows())?;
        SobolAnalysis::from_rows(model, options, settings, &rows)
    }

    /// The one run of the analysis, `saltelli`, of `N (G + 2)` rows in the
    /// block-major order of [`SaltelliPlan`] (`A`, `B`, then `AB_g` for each
    /// factor `g`; row `b N + r` is base point `r` of block `b`), with Saltelli's
    /// plan and the index of the curve's rule.
    pub(super) fn plan<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        settings: &SobolSettings,
    ) -> Result<(Plan, SaltelliPlan, usize)> {
        let inputs = inputs_of(model)?;
        let rules = rules_of(model, options)?;
        let curve = sort_index(&rules, settings.curve.as_deref())?;
        let factors = settings.by.factors(inputs);
        let mut groups = Groups::new(inputs.len(), factors.clone())?;
        if settings.noise {
            groups = groups.with_external(NOISE_GROUP)?;
        }
        let saltelli = SaltelliPlan::new(settings.base, groups)?;
        let paths = usize::try_from(saltelli.rows())
            .map_err(|_| Error::invalid("base", settings.base, "too many paths"))?;
        let design = InputDesign::Saltelli {
            base: settings.base,
            kind: settings.kind,
            replicate: settings.replicate,
            groups: factors
                .iter()
                .map(|(name, members)| {
                    (
                        name.clone(),
                        members
                            .iter()
                            .map(|&i| inputs[i].name().to_owned())
                            .collect(),
                    )
                })
                .collect(),
            noise: settings.noise,
        };
        let settings_in = InputSettings {
            design,
            ..InputSettings::default()
        };
        let runs = vec![RunPlan::new(SALTELLI_RUN, settings_in)];
        Ok((Plan::new(rules, paths, runs), saltelli, curve))
    }

    /// The name of each block of the design's rows, in order: `A`, `B`, then
    /// `AB_<factor>` for each factor (the noise factor last, when it is one):
    /// row `b N + r` of the run is base point `r` of block `b`.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn blocks<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        settings: &SobolSettings,
    ) -> Result<Vec<String>> {
        let (_, saltelli, _) = SobolAnalysis::plan(model, options, settings)?;
        let mut names = vec!["A".to_owned(), "B".to_owned()];
        names.extend(saltelli.groups().names().iter().map(|g| format!("AB_{g}")));
        Ok(names)
    }

    /// The indices from the `rows` of the design's run (merged shards, see
    /// [`Rows::merge`]): the result of [`run`](Self::run), bit for bit.
    ///
    /// # Errors
    /// As [`run`](Self::run), and rows that are not those of this analysis.
    pub fn from_rows<M: StudyModel>(
        model: &M,
        options: &StudyOptions,
        settings: &SobolSettings,
        rows: &Rows,
    ) -> Result<SobolAnalysis> {
        let (plan, saltelli, curve) = SobolAnalysis::plan(model, options, settings)?;
        plan.check(rows)?;
        let rules = plan.rules();
        let paths = plan.rows();
        let run = &rows.runs()[0];
        let steps = model.horizon();
        let mut outputs: Vec<Output> = (1..=steps)
            .map(|period| Output::Reached {
                rule: rules[curve].key().to_owned(),
                period,
            })
            .collect();
        outputs.extend(rules.iter().map(|r| Output::Censored {
            rule: r.key().to_owned(),
        }));
        let value = run.value();
        if value.is_some() {
            outputs.push(Output::Value);
        }
        let mut matrix = Array2::<f64>::zeros((paths, outputs.len()));
        let times = passage(run, &rules[curve])?;
        for (path, t) in times.times().enumerate() {
            for k in 1..=steps {
                matrix[[path, k - 1]] = f64::from(u8::from(t.is_some_and(|t| t <= k)));
            }
        }
        for (r, rule) in rules.iter().enumerate() {
            let column = censored(passage(run, rule)?.times(), steps);
            matrix
                .column_mut(steps + r)
                .assign(&ndarray::Array1::from(column));
        }
        if let Some(value) = value {
            matrix
                .column_mut(steps + rules.len())
                .assign(&ndarray::ArrayView1::from(value));
        }
        let indices = sobol_indices(
            saltelli.outputs(matrix.view())?,
            &SobolOptions {
                confidence: options.confidence,
                intervals: settings.intervals,
            },
        )?;
        Ok(SobolAnalysis {
            factors: saltelli.groups().names().to_vec(),
            outputs,
            indices,
            base: settings.base,
            labels: super::labels(model),
            paths,
            confidence: options.confidence,
        })
    }

    /// The column of `output`, if the analysis has it.
    pub fn column(&self, output: &Output) -> Option<usize> {
        self.outputs.iter().position(|o| o == output)
    }
}
