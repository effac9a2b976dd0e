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
    paired_cdf_difference, passage_of,
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
    /// A histogram of the values (`None` if the values were not kept).
    #[serde(default)]
    pub histogram: Option<Histogram>,
}

/// A histogram of values on equal-width bins with round edges.
///
/// Bin `i` is `[edges[i], edges[i + 1])`, the last bin also holds its upper edge;
/// `counts[i]` is the number of values in bin `i`, so `edges.len() ==
/// counts.len() + 1` and the counts add up to the number of values. With `m`
/// bins wanted, `m = clamp(ceil(2 n^(1/3)), 5, 50)` (Rice's rule, capped), the bin
/// width is the smallest of `{1, 2, 2.5, 5} x 10^j` at least `(max - min) / m`, and
/// the edges are multiples of it from the one at or below `min` to the first at or
/// above `max`: round numbers, and at most `m + 1` bins.
///
/// ```
/// use outpace::report::json::Histogram;
/// let h = Histogram::of(&[0.3, 1.2, 1.9, 4.0, 9.99]).unwrap();
/// assert_eq!(h.counts.iter().sum::<u64>(), 5);
/// assert_eq!(h.edges.len(), h.counts.len() + 1);
/// assert!(h.edges[0] <= 0.3 && *h.edges.last().unwrap() >= 9.99);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges, increasing.
    pub edges: Vec<f64>,
    /// Values in each bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Fewest and most bins of [`Histogram::of`].
    pub const BINS: (usize, usize) = (5, 50);

    /// The histogram of the finite `values`; `None` when there is none.
    pub fn of(values: &[f64]) -> Option<Histogram> {
        let finite = || values.iter().copied().filter(|x| x.is_finite());
        let (min, max) = finite().fold(None, |range: Option<(f64, f64)>, x| {
            Some(range.map_or((x, x), |(lo, hi)| (lo.min(x), hi.max(x))))
        })?;
        let n = finite().count();
        let target = ((2.0 * (n as f64).cbrt()).ceil() as usize).clamp(Self::BINS.0, Self::BINS.1);
        let width = round_width((max - min) / target as f64, max.abs().max(min.abs()));
        let start = (min / width).floor() * width;
        // `1e-9`: a `max` that rounding puts a hair above an edge stays in the bin below.
        let bins = (((max - start) / width - 1e-9).ceil() as usize).max(1);
        let mut counts = vec![0u64; bins];
        for x in finite() {
            let bin = ((x - start) / width).floor().max(0.0) as usize;
            counts[bin.min(bins - 1)] += 1;
        }
        let edges = (0..=counts.len())
            .map(|i| start + i as f64 * width)
            .collect();
        Some(Histogram { edges, counts })
    }

    /// The number of values.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// The smallest of `{1, 2, 2.5, 5} x 10^j` at least `raw`; for a zero range, a
/// width of a tenth of the values' magnitude (1 for zero).
fn round_width(raw: f64, magnitude: f64) -> f64 {
    let raw = if raw > 0.0 {
        raw
    } else if magnitude > 0.0 {
        magnitude / 10.0
    } else {
        1.0
    };
    let decade = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * decade)
        .find(|&w| w >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * decade)
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
            histogram: scalar.values().and_then(Histogram::of),
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
    /// Title of the break-even rule (its key in files written before titles were
    /// recorded).
    #[serde(default)]
    pub title: String,
    /// Number of paired paths.
    pub paths: usize,
    /// The periods compared: the common span of the two horizons (absent in files
    /// written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Difference in the probability of breaking even within the horizon.
    pub probability: ProbabilityDifference,
    /// `(unpaired / paired standard error)^2`: how many times more paths
    /// independent runs would need (`None` when the paired error is 0).
    pub variance_reduction: Option<f64>,
    /// Difference in the median break-even period, `None` when either scenario has
    /// no path that breaks even.
    pub median: Option<MedianShift>,
    /// `cdf_difference[k]`: the difference in the probability of having broken even
    /// by period `k`, alternative minus baseline, with its paired interval
    /// ([`paired_cdf_difference`]), over the periods both scenarios simulate; empty
    /// when not computed.
    #[serde(default)]
    pub cdf_difference: Vec<Interval>,
}

/// The periods a paired comparison covers: `1..=periods` of the baseline's
/// calendar, the shorter of the two horizons. Probabilities are of breaking even
/// within these periods and medians are among the paths that do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Number of simulated periods compared.
    pub periods: usize,
    /// The first simulated period (period 1).
    pub first: Period,
    /// The last period compared (period `periods`).
    pub last: Period,
    /// Whether the span is shorter than one of the two horizons: the scenario
    /// with the longer horizon is compared over its first `periods` periods only.
    pub truncated: bool,
}

impl Span {
    /// The span of `periods` periods of `calendar`, `truncated` when shorter than
    /// one of the horizons.
    pub fn new(calendar: &Calendar, periods: usize, truncated: bool) -> Span {
        Span {
            periods,
            first: Period::of(calendar, 1),
            last: Period::of(calendar, periods),
            truncated,
        }
    }

    /// `compared over the common span of 24 quarters (2026Q2..2031Q4)`.
    pub fn describe(&self, calendar: &Calendar) -> String {
        format!(
            "compared over the common span of {} {}s ({}..{})",
            self.periods,
            calendar.unit(),
            self.first.label,
            self.last.label
        )
    }
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
    /// periods of `calendar`; `title` is the rule's key and `span` untruncated
    /// (see [`ComparisonSummary::new`], which knows both studies).
    pub fn new(name: &str, comparison: &Comparison, calendar: &Calendar) -> Self {
        PairedDifference {
            alternative: name.to_owned(),
            rule: comparison.rule().to_owned(),
            title: comparison.rule().to_owned(),
            paths: comparison.paths(),
            span: Some(Span::new(calendar, comparison.steps(), false)),
            probability: *comparison.probability(),
            variance_reduction: comparison.probability().variance_reduction(),
            median: comparison.median().map(|m| MedianShift {
                baseline: Period::of(calendar, m.baseline),
                alternative: Period::of(calendar, m.alternative),
                difference_periods: m.difference,
                resamples: m.resamples,
                valid_resamples: m.valid_resamples,
            }),
            cdf_difference: Vec::new(),
        }
    }
}

/// The per-period paired difference of `comparison`'s rule between `baseline` and
/// `alternative`; empty when a study lacks the rule's passage times (which a
/// comparison made by [`Study::compare`] never does).
fn cdf_difference(baseline: &Study, alternative: &Study, comparison: &Comparison) -> Vec<Interval> {
    let curve = || {
        let rule = baseline.breakeven(comparison.rule())?.rule();
        let base = passage_of(rule, baseline.outcome()).ok()?;
        let alt = passage_of(rule, alternative.outcome()).ok()?;
        let span = comparison.steps();
        let (base, alt) = (
            rule.truncate(&base.head(alt.paths()), span).ok()?,
            rule.truncate(alt, span).ok()?,
        );
        paired_cdf_difference(&base, &alt, comparison.confidence()).ok()
    };
    curve().unwrap_or_default()
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
                    comparisons.iter().map(|c| {
                        let truncated = c.steps() < baseline.steps().max(study.steps());
                        PairedDifference {
                            cdf_difference: cdf_difference(baseline, study, c),
                            title: baseline.breakeven(c.rule()).map_or_else(
                                || c.rule().to_owned(),
                                |b| b.rule().title().to_owned(),
                            ),
                            span: Some(Span::new(calendar, c.steps(), truncated)),
                            ..PairedDifference::new(study.name(), c, calendar)
                        }
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};
    use rand::RngExt;
    use rand_distr::StandardNormal;

    /// `n` draws of `scale * N(0, 1) + shift` from a keyed stream.
    fn draws(n: usize, scale: f64, shift: f64) -> Vec<f64> {
        let mut rng = PathStreams::new(11, 0).rng(Component::new(1));
        (0..n)
            .map(|_| shift + scale * rng.sample::<f64, _>(StandardNormal))
            .collect()
    }

    /// The bin of `x` by a linear search of the edges (the last bin closed).
    fn brute_force_bin(edges: &[f64], x: f64) -> usize {
        let last = edges.len() - 2;
        (0..=last)
            .find(|&i| edges[i] <= x && (x < edges[i + 1] || (i == last && x <= edges[i + 1])))
            .unwrap_or_else(|| panic!("{x} outside {edges:?}"))
    }

    #[test]
    fn histogram_bins_every_value_once_on_round_edges() {
        for (n, scale, shift) in [(1_000, 100.0, -50.0), (100_000, 0.3, 2.0), (7, 1.0, 0.0)] {
            let values = draws(n, scale, shift);
            let h = Histogram::of(&values).unwrap();
            assert_eq!(h.edges.len(), h.counts.len() + 1);
            assert_eq!(h.total(), n as u64);
            let mut counts = vec![0u64; h.counts.len()];
            for &x in &values {
                counts[brute_force_bin(&h.edges, x)] += 1;
            }
            assert_eq!(counts, h.counts, "n = {n}");
            // Round, equal widths: {1, 2, 2.5, 5} x 10^j, edges its multiples.
            let width = h.edges[1] - h.edges[0];
            let mantissa = width / 10f64.powf(width.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0]
                    .iter()
                    .any(|m| (m - mantissa).abs() < 1e-9),
                "{width}"
            );
            for e in &h.edges {
                assert!(
                    ((e / width) - (e / width).round()).abs() < 1e-6,
                    "{e} / {width}"
                );
            }
            // At most m + 1 bins, and the next rounder width down would need more
            // than m: the width is the smallest that fits.
            let m = ((2.0 * (n as f64).cbrt()).ceil() as usize)
                .clamp(Histogram::BINS.0, Histogram::BINS.1);
            assert!(
                h.counts.len() <= m + 1,
                "{} bins for m = {m}",
                h.counts.len()
            );
            let (min, max) = values
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            assert!(h.edges[0] <= min && max <= *h.edges.last().unwrap());
            let smaller = [0.5, 0.5, 0.8, 0.5][[1.0, 2.0, 2.5, 5.0]
                .iter()
                .position(|m| (m - mantissa).abs() < 1e-9)
                .unwrap()]
                * width;
            assert!(
                (max - min) / smaller > m as f64,
                "width {width} is not the smallest"
            );
        }
    }

    #[test]
    fn histogram_edge_cases() {
        assert_eq!(Histogram::of(&[]), None);
        assert_eq!(Histogram::of(&[f64::NAN, f64::INFINITY]), None);
        let same = Histogram::of(&[3.0, 3.0, 3.0]).unwrap();
        assert_eq!(same.counts, [3]);
        assert!(same.edges[0] <= 3.0 && 3.0 <= same.edges[1]);
        let zeros = Histogram::of(&[0.0; 4]).unwrap();
        assert_eq!(
            (zeros.counts.as_slice(), zeros.edges.as_slice()),
            ([4u64].as_slice(), [0.0, 1.0].as_slice())
        );
        // The largest value on an edge stays in the last bin, which is closed.
        let h = Histogram::of(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(h.total(), 6);
        assert_eq!(*h.edges.last().unwrap(), 5.0);
        // Non-finite values are left out.
        assert_eq!(Histogram::of(&[1.0, f64::NAN, 2.0]).unwrap().total(), 2);
    }

    #[test]
    fn comparisons_carry_the_per_period_paired_difference() {
        let c = crate::report::test_model::comparison();
        assert!(!c.differences.is_empty());
        for d in &c.differences {
            let base = c.scenarios[0].breakeven(&d.rule).unwrap();
            let alt = c.scenarios[1].breakeven(&d.rule).unwrap();
            assert_eq!(d.cdf_difference.len(), c.scenarios[0].run.steps + 1);
            for (k, i) in d.cdf_difference.iter().enumerate() {
                let expected = alt.cdf[k].estimate - base.cdf[k].estimate;
                assert!((i.estimate - expected).abs() < 1e-12, "{} at {k}", d.rule);
                assert!(i.lower <= i.estimate && i.estimate <= i.upper);
            }
            let last = d.cdf_difference.last().unwrap();
            let horizon = d.probability.difference;
            assert!((last.estimate - horizon.estimate).abs() < 1e-12);
            assert!((last.lower - horizon.lower).abs() < 1e-12);
            assert!((last.upper - horizon.upper).abs() < 1e-12);
        }
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<ComparisonSummary>(&json).unwrap(), c);
        // A file written before the field existed still reads, without it.
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        old["differences"][0]
            .as_object_mut()
            .unwrap()
            .remove("cdf_difference");
        old["scenarios"][0]["scalars"][0]
            .as_object_mut()
            .unwrap()
            .remove("histogram");
        let read: ComparisonSummary = serde_json::from_value(old).unwrap();
        assert!(read.differences[0].cdf_difference.is_empty());
        assert!(read.scenarios[0].scalars[0].histogram.is_none());
    }
}
