//! Machine-readable results: the `summary.json` of a study and the
//! `comparison.json` of a paired comparison, as serde types.
//!
//! The field names are stable: a change that removes or renames a field, or
//! changes its meaning, bumps [`SCHEMA_VERSION`]; new fields may be added without
//! a bump. The schema is documented field by field in `docs/cli.md`. Periods are the
//! points of the model's grid: period 0 is the last observed period (or the start)
//! and period `k` the `k`-th after it, labelled by the model's
//! [`Calendar`]; vectors indexed by period have `steps + 1` entries.
//!
//! ```
//! use outpace::analysis::{Described, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Ou;
//! use outpace::report::json::Summary;
//!
//! let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
//! let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
//!     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
//! let study = Study::run(&model, &StudyOptions { paths: 1_000, ..StudyOptions::default() })?;
//! let summary = Summary::from_study(&study);
//! let text = serde_json::to_string_pretty(&summary).unwrap();
//! let back: Summary = serde_json::from_str(&text).unwrap();
//! assert_eq!(back, summary);
//! assert_eq!(back.breakevens[0].key, "positive");
//! assert_eq!(back.periods.len(), back.run.steps + 1);
//! assert_eq!(back.periods[1].label, "2026Q2");
//! # Ok::<(), outpace::Error>(())
//! ```

use crate::analysis::{
    BreakEven, Comparison, FAN_LEVELS, Headline, ProbabilityDifference, Study, Valuation,
};
use crate::calendar::Calendar;
use crate::engine::ScalarSummary;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Version of the JSON schema of [`Summary`] and [`ComparisonSummary`].
///
/// Version 2 made the schema model-generic (see `docs/cli.md` for the list of
/// changes); version 1 was the cloud model's.
pub const SCHEMA_VERSION: u32 = 2;

/// The version of outpace that wrote a summary.
pub const OUTPACE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything a study found, as written to `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Version of outpace that ran the study.
    pub outpace_version: String,
    /// Run settings: seed, paths, confidence, grid.
    pub run: RunSettings,
    /// The model: name, title, description, calendar, presentation.
    pub model: ModelSummary,
    /// The model's inputs as run ([`StudyModel::scenario`](crate::analysis::StudyModel::scenario):
    /// for the cloud model, the scenario with any `extends` resolved, which read
    /// back reproduces the study); `null` for a model that does not record them.
    pub scenario: serde_json::Value,
    /// The calendar of the grid: entry `k` describes period `k`.
    pub periods: Vec<Period>,
    /// Break-even results, one per rule, in the order evaluated.
    pub breakevens: Vec<BreakEvenSummary>,
    /// Every series the model emits: per-period means of all, quantiles of the
    /// fan-chart series.
    pub series: Vec<SeriesStats>,
    /// The distribution of every per-path scalar outcome (such as an NPV).
    pub scalars: Vec<ScalarStats>,
}

/// Settings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Run seed: the same seed, paths and scenario reproduce the results exactly.
    pub seed: u64,
    /// Number of simulated paths.
    pub paths: usize,
    /// Confidence level of every interval, e.g. `0.95`.
    pub confidence: f64,
    /// Simulated periods (periods `1..=steps`).
    pub steps: usize,
    /// Length of a period in years (`0.25` for quarters).
    pub dt_years: f64,
}

/// What a summary records of its model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// Short name, e.g. `alibaba`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// One paragraph on what the model or scenario represents.
    pub description: String,
    /// What each period stands for.
    pub calendar: Calendar,
    /// The two series the headline chart sets against each other, if any.
    pub headline: Option<Headline>,
    /// The scalar outcome that values a path, if any.
    pub value: Option<Valuation>,
    /// Keys of the rules a comparison shows by default.
    pub compared: Vec<String>,
    /// The revenue and volume series of the volume/ARPU decomposition, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<(String, String)>,
}

/// One period of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// Period index `k` (0 is the last observed period, or the start).
    pub period: usize,
    /// The compact calendar label, e.g. `"2026Q2"`
    /// ([`Calendar::code`]).
    pub label: String,
    /// ISO date of the period's last day, e.g. `"2026-06-30"`; `null` for a
    /// calendar without dates.
    pub date: Option<String>,
    /// Where the period's end sits on a time axis, in years (`2026.5` for the end
    /// of 2026 Q2; [`Calendar::time`]).
    pub time: f64,
}

impl Period {
    /// Period `k` of `calendar`.
    pub fn of(calendar: &Calendar, k: usize) -> Period {
        Period {
            period: k,
            label: calendar.code(k),
            date: calendar.end_date(k),
            time: calendar.time(k),
        }
    }
}

/// The distribution of the break-even time under one rule (see [`BreakEven`] for
/// the estimators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEvenSummary {
    /// Stable identifier, e.g. `flow_crossover_4q`.
    pub key: String,
    /// Short human label.
    pub title: String,
    /// One sentence stating the rule.
    pub description: String,
    /// The rule's condition, e.g. `free_cash_flow >= 0`.
    pub when: String,
    /// Consecutive periods the condition must hold; `null` when it must hold to
    /// the horizon.
    pub sustain: Option<usize>,
    /// Whether only crossings from false to true count.
    pub crossing: bool,
    /// Number of paths.
    pub paths: usize,
    /// Paths that break even within the horizon.
    pub reached: u64,
    /// Probability of breaking even within the horizon, with its Wilson interval.
    pub within_horizon: Interval,
    /// Share of paths that do not break even within the horizon.
    pub censored: f64,
    /// 10th percentile of the break-even period among the paths that break even.
    pub p10: Option<Period>,
    /// Median break-even period among the paths that break even.
    pub p50: Option<Period>,
    /// 90th percentile of the break-even period among the paths that break even.
    pub p90: Option<Period>,
    /// Mean break-even period among the paths that break even.
    pub mean_period: Option<f64>,
    /// `cdf[k]`: probability of having broken even by period `k`, with its Wilson
    /// interval (`k = 0..=steps`).
    pub cdf: Vec<Interval>,
}

impl BreakEvenSummary {
    /// The summary of `breakeven`, with the periods of `calendar`.
    pub fn new(breakeven: &BreakEven, calendar: &Calendar) -> Self {
        let rule = breakeven.rule();
        let period = |k: Option<usize>| k.map(|k| Period::of(calendar, k));
        BreakEvenSummary {
            key: rule.key().to_owned(),
            title: rule.title().to_owned(),
            description: rule.description().to_owned(),
            when: rule.condition().to_string(),
            sustain: rule.sustain(),
            crossing: rule.is_crossing(),
            paths: breakeven.paths(),
            reached: breakeven.reached(),
            within_horizon: breakeven.within_horizon(),
            censored: breakeven.censored(),
            p10: period(breakeven.p10()),
            p50: period(breakeven.p50()),
            p90: period(breakeven.p90()),
            mean_period: breakeven.mean(),
            cdf: breakeven.cdf().to_vec(),
        }
    }

    /// `P(T = k)` for `k = 0..=steps`: the share of paths that break even in
    /// period `k` (differences of the CDF).
    pub fn density(&self) -> Vec<f64> {
        let mut previous = 0.0;
        self.cdf
            .iter()
            .map(|c| {
                let p = (c.estimate - previous).max(0.0);
                previous = c.estimate;
                p
            })
            .collect()
    }
}

/// Per-period statistics of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesStats {
    /// Series name.
    pub name: String,
    /// Unit of the values, e.g. `RMB bn per quarter`.
    pub unit: String,
    /// Mean over paths at every period.
    pub mean: Vec<f64>,
    /// Quantile bands at every period, in increasing level; empty for series
    /// without quantiles (only the fan-chart series have them).
    pub quantiles: Vec<QuantileBand>,
}

impl SeriesStats {
    /// The band of quantile `level` (within `1e-9`), if recorded.
    pub fn band(&self, level: f64) -> Option<&[f64]> {
        self.quantiles
            .iter()
            .find(|b| (b.level - level).abs() <= 1e-9)
            .map(|b| b.values.as_slice())
    }
}

/// One quantile of a series at every period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileBand {
    /// Quantile level in `[0, 1]`, e.g. `0.1` for P10.
    pub level: f64,
    /// The quantile at every period.
    pub values: Vec<f64>,
}

/// A quantile of a scalar outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileValue {
    /// Quantile level in `[0, 1]`.
    pub level: f64,
    /// The quantile.
    pub value: f64,
}

/// The distribution of one per-path scalar outcome over the paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalarStats {
    /// The outcome's name, e.g. `npv`.
    pub name: String,
    /// Unit of the values.
    pub unit: String,
    /// Mean over paths.
    pub mean: f64,
    /// Standard deviation over paths (`None` with a single path).
    pub std_dev: Option<f64>,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Quantiles at the fan levels (P5 ... P95).
    pub quantiles: Vec<QuantileValue>,
    /// Share of paths with a positive value (`None` if the values were not kept).
    pub probability_positive: Option<f64>,
}

impl ScalarStats {
    /// The statistics of `scalar`, in `unit`.
    pub fn new(scalar: &ScalarSummary, unit: &str) -> ScalarStats {
        let stats = scalar.stats();
        ScalarStats {
            name: scalar.name().to_owned(),
            unit: unit.to_owned(),
            mean: stats.mean,
            std_dev: stats.std_dev.is_finite().then_some(stats.std_dev),
            min: stats.min,
            max: stats.max,
            quantiles: FAN_LEVELS
                .iter()
                .filter_map(|&level| {
                    scalar
                        .quantile(level)
                        .map(|value| QuantileValue { level, value })
                })
                .collect(),
            probability_positive: scalar
                .values()
                .map(|v| v.iter().filter(|&&x| x > 0.0).count() as f64 / v.len() as f64),
        }
    }
}

impl Summary {
    /// The summary of `study`.
    pub fn from_study(study: &Study) -> Summary {
        let info = study.info();
        let calendar = &info.calendar;
        let outcome = study.outcome();
        Summary {
            schema_version: SCHEMA_VERSION,
            outpace_version: OUTPACE_VERSION.to_owned(),
            run: RunSettings {
                seed: outcome.seed(),
                paths: outcome.paths(),
                confidence: study.confidence(),
                steps: outcome.grid().steps(),
                dt_years: outcome.grid().dt(),
            },
            model: ModelSummary {
                name: info.name.clone(),
                title: info.title.clone(),
                description: info.description.clone(),
                calendar: *calendar,
                headline: info.headline.clone(),
                value: info.value.clone(),
                compared: info.compared.clone(),
                decomposition: info.decomposition.clone(),
            },
            scenario: info.scenario.clone(),
            periods: (0..=outcome.grid().steps())
                .map(|k| Period::of(calendar, k))
                .collect(),
            breakevens: study
                .breakevens()
                .iter()
                .map(|b| BreakEvenSummary::new(b, calendar))
                .collect(),
            series: outcome
                .all_series()
                .iter()
                .map(|s| SeriesStats {
                    name: s.name().to_owned(),
                    unit: info.unit(s.name()).to_owned(),
                    mean: s.means(),
                    quantiles: study
                        .fan(s.name())
                        .map(|fan| {
                            fan.bands()
                                .map(|(level, values)| QuantileBand {
                                    level,
                                    values: values.to_vec(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            scalars: outcome
                .all_scalars()
                .iter()
                .map(|s| ScalarStats::new(s, info.unit(s.name())))
                .collect(),
        }
    }

    /// The break-even summary of the rule `key`.
    pub fn breakeven(&self, key: &str) -> Option<&BreakEvenSummary> {
        self.breakevens.iter().find(|b| b.key == key)
    }

    /// The statistics of the series `name`.
    pub fn series(&self, name: &str) -> Option<&SeriesStats> {
        self.series.iter().find(|s| s.name == name)
    }

    /// The statistics of the scalar outcome `name`.
    pub fn scalar(&self, name: &str) -> Option<&ScalarStats> {
        self.scalars.iter().find(|s| s.name == name)
    }

    /// The statistics of the model's value, if it declares one.
    pub fn value(&self) -> Option<&ScalarStats> {
        self.scalar(&self.model.value.as_ref()?.scalar)
    }

    /// The model's (scenario's) name.
    pub fn name(&self) -> &str {
        &self.model.name
    }
}

/// A paired comparison of several scenarios on common random numbers, as written
/// to `comparison.json`: the summary of every scenario and the paired differences
/// of each alternative against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSummary {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Version of outpace that ran the comparison.
    pub outpace_version: String,
    /// Name of the baseline scenario (the first of `scenarios`).
    pub baseline: String,
    /// The summary of every scenario, baseline first; all share seed and paths.
    pub scenarios: Vec<Summary>,
    /// Paired differences, alternative minus baseline, for every alternative and
    /// rule.
    pub differences: Vec<PairedDifference>,
}

/// The paired difference of one alternative against the baseline under one rule
/// (see [`Comparison`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Name of the alternative scenario.
    pub alternative: String,
    /// Key of the break-even rule.
    pub rule: String,
    /// Number of paired paths.
    pub paths: usize,
    /// Difference in the probability of breaking even within the horizon.
    pub probability: ProbabilityDifference,
    /// `(unpaired / paired standard error)^2`: how many times more paths
    /// independent runs would need (`None` when the paired error is 0).
    pub variance_reduction: Option<f64>,
    /// Difference in the median break-even period, `None` when either scenario has
    /// no path that breaks even.
    pub median: Option<MedianShift>,
}

/// The medians of the break-even period and their paired difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedianShift {
    /// The baseline's median break-even period.
    pub baseline: Period,
    /// The alternative's median break-even period.
    pub alternative: Period,
    /// `alternative - baseline` in periods, with its paired bootstrap interval.
    pub difference_periods: Interval,
    /// Bootstrap resamples drawn.
    pub resamples: usize,
    /// Resamples in which both scenarios have a path that breaks even.
    pub valid_resamples: usize,
}

impl PairedDifference {
    /// The difference recorded in `comparison` for the alternative `name`, with the
    /// periods of `calendar`.
    pub fn new(name: &str, comparison: &Comparison, calendar: &Calendar) -> Self {
        PairedDifference {
            alternative: name.to_owned(),
            rule: comparison.rule().to_owned(),
            paths: comparison.paths(),
            probability: *comparison.probability(),
            variance_reduction: comparison.probability().variance_reduction(),
            median: comparison.median().map(|m| MedianShift {
                baseline: Period::of(calendar, m.baseline),
                alternative: Period::of(calendar, m.alternative),
                difference_periods: m.difference,
                resamples: m.resamples,
                valid_resamples: m.valid_resamples,
            }),
        }
    }
}

impl ComparisonSummary {
    /// The summary of `baseline` compared with each alternative (the comparisons
    /// being `baseline.compare(alternative)`).
    pub fn new(baseline: &Study, alternatives: &[(&Study, &[Comparison])]) -> Self {
        let calendar = &baseline.info().calendar;
        ComparisonSummary {
            schema_version: SCHEMA_VERSION,
            outpace_version: OUTPACE_VERSION.to_owned(),
            baseline: baseline.name().to_owned(),
            scenarios: std::iter::once(baseline)
                .chain(alternatives.iter().map(|(s, _)| *s))
                .map(Summary::from_study)
                .collect(),
            differences: alternatives
                .iter()
                .flat_map(|(study, comparisons)| {
                    comparisons
                        .iter()
                        .map(|c| PairedDifference::new(study.name(), c, calendar))
                })
                .collect(),
        }
    }
}
