//! Machine-readable results: the `summary.json` of a study and the
//! `comparison.json` of a paired comparison, as serde types.
//!
//! The field names are stable: a change that removes or renames a field, or
//! changes its meaning, bumps [`SCHEMA_VERSION`]; new fields may be added without
//! a bump. The schema is documented field by field in `docs/cli.md`. Periods are the
//! points of the quarterly grid: period 0 is the last observed quarter (the
//! scenario's `start`) and period `k` is `start + k`; vectors indexed by period have
//! `quarters + 1` entries.
//!
//! ```
//! use outpace::analysis::{Study, StudyOptions};
//! use outpace::cloud::Scenario;
//! use outpace::report::json::Summary;
//!
//! let options = StudyOptions { paths: 2_000, ..StudyOptions::default() };
//! let study = Study::run(&Scenario::alibaba(), &options)?;
//! let summary = Summary::from_study(&study);
//! let text = serde_json::to_string_pretty(&summary).unwrap();
//! let back: Summary = serde_json::from_str(&text).unwrap();
//! assert_eq!(back, summary);
//! assert_eq!(back.breakevens[0].key, "flow_crossover");
//! assert_eq!(back.periods.len(), back.run.quarters + 1);
//! # Ok::<(), outpace::Error>(())
//! ```

use crate::analysis::{
    BreakEven, Comparison, Definition, FAN_LEVELS, ProbabilityDifference, Study,
};
use crate::cloud::{Quarter, Scenario, series};
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Version of the JSON schema of [`Summary`] and [`ComparisonSummary`].
pub const SCHEMA_VERSION: u32 = 1;

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
    /// The scenario as run, with any `extends` resolved: reading it back with
    /// [`Scenario::from_json_str`] reproduces the study.
    pub scenario: Scenario,
    /// The calendar of the grid: entry `k` describes period `k`.
    pub periods: Vec<Period>,
    /// Break-even results, one per definition, in the order evaluated.
    pub breakevens: Vec<BreakEvenSummary>,
    /// Every series the model emits: per-period means of all, quantiles of the
    /// fan-chart series.
    pub series: Vec<SeriesStats>,
    /// Distribution of the net present value of free cash flow over the horizon.
    pub npv: NpvSummary,
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
    /// Simulated quarters (periods `1..=quarters`).
    pub quarters: usize,
    /// Length of a period in years (`0.25`).
    pub dt_years: f64,
}

/// One period of the grid and its calendar quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Period index `k` (0 is the last observed quarter).
    pub period: usize,
    /// The calendar quarter, serialised as `"2026Q2"`.
    pub quarter: Quarter,
    /// ISO date of the quarter's last day, e.g. `"2026-06-30"`.
    pub date: String,
}

impl Period {
    /// Period `k` of `scenario`.
    pub fn of(scenario: &Scenario, k: usize) -> Period {
        let quarter = scenario.quarter(k);
        Period {
            period: k,
            quarter,
            date: quarter.end_date(),
        }
    }
}

/// The distribution of the break-even time under one definition (see
/// [`BreakEven`] for the estimators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEvenSummary {
    /// Stable identifier, e.g. `flow_crossover_4q` ([`Definition::key`]).
    pub key: String,
    /// Short human label.
    pub title: String,
    /// One sentence stating the definition.
    pub description: String,
    /// The definition in its serde form, e.g. `{"flow_crossover": {"sustain": 4}}`.
    pub definition: Definition,
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
    /// interval (`k = 0..=quarters`).
    pub cdf: Vec<Interval>,
}

impl BreakEvenSummary {
    /// The summary of `breakeven`, with the calendar of `scenario`.
    pub fn new(breakeven: &BreakEven, scenario: &Scenario) -> Self {
        let definition = breakeven.definition();
        let period = |k: Option<usize>| k.map(|k| Period::of(scenario, k));
        BreakEvenSummary {
            key: definition.key(),
            title: definition.title(),
            description: definition.description(),
            definition,
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

    /// `P(T = k)` for `k = 0..=quarters`: the share of paths that break even in
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
    /// Series name (see [`crate::cloud::series`]).
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

/// The distribution of the NPV of free cash flow over the horizon (no terminal
/// value), RMB bn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpvSummary {
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
    /// Share of paths with a positive NPV (`None` if the values were not kept).
    pub probability_positive: Option<f64>,
}

impl Summary {
    /// The summary of `study`.
    pub fn from_study(study: &Study) -> Summary {
        let scenario = study.scenario();
        let outcome = study.outcome();
        Summary {
            schema_version: SCHEMA_VERSION,
            outpace_version: OUTPACE_VERSION.to_owned(),
            run: RunSettings {
                seed: outcome.seed(),
                paths: outcome.paths(),
                confidence: study.confidence(),
                quarters: outcome.grid().steps(),
                dt_years: outcome.grid().dt(),
            },
            scenario: scenario.clone(),
            periods: (0..=outcome.grid().steps())
                .map(|k| Period::of(scenario, k))
                .collect(),
            breakevens: study
                .breakevens()
                .iter()
                .map(|b| BreakEvenSummary::new(b, scenario))
                .collect(),
            series: outcome
                .all_series()
                .iter()
                .map(|s| SeriesStats {
                    name: s.name().to_owned(),
                    unit: unit(s.name()).to_owned(),
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
            npv: npv_summary(study),
        }
    }

    /// The break-even summary of the definition `key`.
    pub fn breakeven(&self, key: &str) -> Option<&BreakEvenSummary> {
        self.breakevens.iter().find(|b| b.key == key)
    }

    /// The statistics of the series `name`.
    pub fn series(&self, name: &str) -> Option<&SeriesStats> {
        self.series.iter().find(|s| s.name == name)
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.scenario.name
    }
}

fn npv_summary(study: &Study) -> NpvSummary {
    let npv = study.npv();
    let stats = npv.stats();
    NpvSummary {
        unit: unit(series::NPV).to_owned(),
        mean: stats.mean,
        std_dev: stats.std_dev.is_finite().then_some(stats.std_dev),
        min: stats.min,
        max: stats.max,
        quantiles: FAN_LEVELS
            .iter()
            .filter_map(|&level| {
                npv.quantile(level)
                    .map(|value| QuantileValue { level, value })
            })
            .collect(),
        probability_positive: npv
            .values()
            .map(|v| v.iter().filter(|&&x| x > 0.0).count() as f64 / v.len() as f64),
    }
}

/// The unit of a series or scalar of the cloud model (empty if unknown).
pub fn unit(name: &str) -> &'static str {
    match name {
        series::REVENUE
        | series::AI_REVENUE
        | series::TRADITIONAL_REVENUE
        | series::OPEX
        | series::DEPRECIATION
        | series::EBITA
        | series::OPERATING_CASH_FLOW
        | series::CAPEX
        | series::FREE_CASH_FLOW
        | series::SPENDING => "RMB bn per quarter",
        series::CUMULATIVE_FCF | series::DISCOUNTED_CUMULATIVE_FCF | series::NPV => "RMB bn",
        series::PRICE => "index (1 at the start)",
        series::DEMAND | series::CAPACITY => "units (RMB bn per quarter at the starting price)",
        series::UTILISATION => "share",
        series::REVENUE_GROWTH | series::SPENDING_GROWTH => "trailing-year growth rate",
        series::MARKET_REGIME | series::CHIP_REGIME => "regime index",
        _ => "",
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
    /// definition.
    pub differences: Vec<PairedDifference>,
}

/// The paired difference of one alternative against the baseline under one
/// definition (see [`Comparison`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Name of the alternative scenario.
    pub alternative: String,
    /// Key of the break-even definition.
    pub definition: String,
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
    /// `alternative - baseline` in quarters, with its paired bootstrap interval.
    pub difference_quarters: Interval,
    /// Bootstrap resamples drawn.
    pub resamples: usize,
    /// Resamples in which both scenarios have a path that breaks even.
    pub valid_resamples: usize,
}

impl PairedDifference {
    /// The difference recorded in `comparison` for the alternative `name`, with the
    /// calendar of `scenario`.
    pub fn new(name: &str, comparison: &Comparison, scenario: &Scenario) -> Self {
        PairedDifference {
            alternative: name.to_owned(),
            definition: comparison.definition().to_owned(),
            paths: comparison.paths(),
            probability: *comparison.probability(),
            variance_reduction: comparison.probability().variance_reduction(),
            median: comparison.median().map(|m| MedianShift {
                baseline: Period::of(scenario, m.baseline),
                alternative: Period::of(scenario, m.alternative),
                difference_quarters: m.difference,
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
        let scenario = baseline.scenario();
        ComparisonSummary {
            schema_version: SCHEMA_VERSION,
            outpace_version: OUTPACE_VERSION.to_owned(),
            baseline: scenario.name.clone(),
            scenarios: std::iter::once(baseline)
                .chain(alternatives.iter().map(|(s, _)| *s))
                .map(Summary::from_study)
                .collect(),
            differences: alternatives
                .iter()
                .flat_map(|(study, comparisons)| {
                    comparisons
                        .iter()
                        .map(|c| PairedDifference::new(&study.scenario().name, c, scenario))
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::StudyOptions;

    fn study(name: &str, paths: usize) -> Study {
        let options = StudyOptions {
            paths,
            seed: 17,
            ..StudyOptions::default()
        };
        Study::run(&Scenario::preset(name).unwrap(), &options).unwrap()
    }

    #[test]
    fn summary_mirrors_the_study() {
        let s = study("alibaba", 600);
        let summary = Summary::from_study(&s);
        assert_eq!(summary.run.paths, 600);
        assert_eq!(summary.run.seed, 17);
        assert_eq!(summary.periods.len(), 41);
        assert_eq!(summary.periods[1].quarter.to_string(), "2026 Q2");
        assert_eq!(summary.periods[1].date, "2026-06-30");
        assert_eq!(summary.breakevens.len(), s.breakevens().len());
        for (b, lib) in summary.breakevens.iter().zip(s.breakevens()) {
            assert_eq!(b.cdf, lib.cdf());
            assert_eq!(b.within_horizon, lib.within_horizon());
            assert_eq!(b.p50.as_ref().map(|p| p.period), lib.p50());
            let total: f64 = b.density().iter().sum();
            assert!((total - lib.within_horizon().estimate).abs() < 1e-12);
        }
        let revenue = summary.series(series::REVENUE).unwrap();
        assert_eq!(revenue.unit, "RMB bn per quarter");
        assert_eq!(revenue.quantiles.len(), FAN_LEVELS.len());
        assert_eq!(revenue.band(0.5), s.fan(series::REVENUE).unwrap().median());
        assert!(summary.series(series::CAPEX).unwrap().quantiles.is_empty());
        assert_eq!(summary.series.len(), series::ALL.len());
        assert_eq!(summary.npv.quantiles.len(), FAN_LEVELS.len());
        let json = serde_json::to_string(&summary).unwrap();
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), summary);
    }

    #[test]
    fn comparison_summary_lists_every_pair() {
        let (base, alt) = (study("alibaba", 300), study("price_war", 300));
        let comparisons = base.compare(&alt).unwrap();
        let summary = ComparisonSummary::new(&base, &[(&alt, &comparisons)]);
        assert_eq!(summary.baseline, "alibaba");
        assert_eq!(summary.scenarios.len(), 2);
        assert_eq!(summary.differences.len(), comparisons.len());
        assert!(
            summary
                .differences
                .iter()
                .all(|d| d.alternative == "price_war")
        );
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(
            serde_json::from_value::<ComparisonSummary>(json).unwrap(),
            summary
        );
    }

    #[test]
    fn units_cover_every_series() {
        for name in series::ALL {
            assert!(!unit(name).is_empty(), "{name}");
        }
        assert_eq!(unit("nonsense"), "");
    }
}
