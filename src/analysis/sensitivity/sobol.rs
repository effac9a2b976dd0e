//! Sobol indices of the break-even outputs, over the horizon, from Saltelli's
//! scheme run through the engine.

use super::{Grouping, censored, inputs_of, rules_of, simulate, tornado::sort_index, values};
use crate::analysis::{StudyModel, StudyOptions, passage_of};
use crate::engine::{InputDesign, InputSettings, NOISE_GROUP};
use crate::error::{Error, Result};
use crate::inputs::design::DesignKind;
use crate::stats::sensitivity::{
    Groups, IntervalMethod, SaltelliPlan, SobolIndices, SobolOptions, sobol_indices,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

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
        let inputs = inputs_of(model)?;
        let rules = rules_of(model, options)?;
        let curve = sort_index(&rules, settings.curve.as_deref())?;
        let factors = settings.by.factors(inputs);
        let mut groups = Groups::new(inputs.len(), factors.clone())?;
        if settings.noise {
            groups = groups.with_external(NOISE_GROUP)?;
        }
        let plan = SaltelliPlan::new(settings.base, groups)?;
        let paths = usize::try_from(plan.rows())
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
        let outcome = simulate(model, options, &rules, paths, settings_in, false)?;
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
        let value = values(model, &outcome)?;
        if value.is_some() {
            outputs.push(Output::Value);
        }
        let mut matrix = Array2::<f64>::zeros((paths, outputs.len()));
        let times = passage_of(&rules[curve], &outcome)?;
        for (path, t) in times.times().enumerate() {
            for k in 1..=steps {
                matrix[[path, k - 1]] = f64::from(u8::from(t.is_some_and(|t| t <= k)));
            }
        }
        for (r, rule) in rules.iter().enumerate() {
            let column = censored(passage_of(rule, &outcome)?.times(), steps);
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
            plan.outputs(matrix.view())?,
            &SobolOptions {
                confidence: options.confidence,
                intervals: settings.intervals,
            },
        )?;
        Ok(SobolAnalysis {
            factors: plan.groups().names().to_vec(),
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
