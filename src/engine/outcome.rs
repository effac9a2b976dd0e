//! What a simulation returns: per-step summaries of every series, per-path passage
//! times, and (in paths mode) the full path matrices.

use super::Grid;
use crate::error::Result;
use crate::stats::{Interval, Moments, QuantileSketch, wilson};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// The quantile levels reported by default: P1, P5, P10, P25, P50, P75, P90, P95, P99.
pub const STANDARD_QUANTILES: [f64; 9] = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99];

/// Everything a run produced.
///
/// A run of a shard ([`Simulation::path_range`](super::Simulation::path_range))
/// produces the outcome of its paths only; [`Outcome::merge`] combines the
/// outcomes of shards into that of the run of all their paths, bit for bit.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub(crate) grid: Grid,
    pub(crate) seed: u64,
    /// Number of paths summarised here: `range.len()`.
    pub(crate) paths: usize,
    /// The path indices summarised here.
    pub(crate) range: std::ops::Range<usize>,
    /// Number of paths of the run this outcome is (a shard of).
    pub(crate) run_paths: usize,
    pub(crate) series: Vec<SeriesSummary>,
    /// The exact moments behind each series' statistics, per point, in the order
    /// of `series`: what merging adds up.
    pub(crate) series_moments: Vec<Vec<Moments>>,
    pub(crate) passages: Vec<PassageTimes>,
    pub(crate) scalars: Vec<ScalarSummary>,
    /// The exact moments behind each scalar's statistics, in the order of `scalars`.
    pub(crate) scalar_moments: Vec<Moments>,
    pub(crate) recorded: Option<RecordedPaths>,
    pub(crate) inputs: Option<InputValues>,
}

impl Outcome {
    /// The grid the run used.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The run seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Number of paths simulated (those of the shard, for a shard).
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// The indices of the paths simulated: `0..paths` for a whole run, the shard's
    /// range for a shard.
    pub fn path_range(&self) -> std::ops::Range<usize> {
        self.range.clone()
    }

    /// Number of paths of the whole run this outcome is a shard of (equal to
    /// [`paths`](Self::paths) for a whole run).
    pub fn run_paths(&self) -> usize {
        self.run_paths
    }

    /// Whether this outcome covers every path of its run (`path_range() ==
    /// 0..run_paths()`): a whole run, or the merge of all its shards.
    pub fn is_complete(&self) -> bool {
        self.range == (0..self.run_paths)
    }

    /// The merged shards covering paths `0..n` of a larger run as the outcome of
    /// a run of `n` paths. Its bits are those of that run when the run's inputs are
    /// drawn path by path (a design's points depend on the run's size) and `n` is
    /// the end of a block or of the larger run (as for any shard): the caller
    /// ensures both.
    pub(crate) fn into_run_of_its_paths(mut self) -> Outcome {
        debug_assert_eq!(self.range.start, 0, "a prefix of the run");
        self.run_paths = self.range.end;
        self
    }

    /// Summaries of the series with per-point statistics, in the model's order.
    pub fn all_series(&self) -> &[SeriesSummary] {
        &self.series
    }

    /// The summary of one series by name.
    pub fn series(&self, name: &str) -> Option<&SeriesSummary> {
        self.series.iter().find(|s| s.name == name)
    }

    /// Passage times of every requested first-passage rule, in request order.
    pub fn all_passages(&self) -> &[PassageTimes] {
        &self.passages
    }

    /// Passage times of one rule by the name it was requested under.
    pub fn passage(&self, name: &str) -> Option<&PassageTimes> {
        self.passages.iter().find(|p| p.name == name)
    }

    /// Summaries of every per-path scalar outcome, in the model's order.
    pub fn all_scalars(&self) -> &[ScalarSummary] {
        &self.scalars
    }

    /// The summary of one scalar outcome by name.
    pub fn scalar(&self, name: &str) -> Option<&ScalarSummary> {
        self.scalars.iter().find(|s| s.name == name)
    }

    /// The recorded paths, when the run was in paths mode.
    pub fn recorded(&self) -> Option<&RecordedPaths> {
        self.recorded.as_ref()
    }

    /// Every path's input vector, when the run recorded them
    /// ([`Simulation::record_inputs`](super::Simulation::record_inputs)).
    pub fn inputs(&self) -> Option<&InputValues> {
        self.inputs.as_ref()
    }
}

/// Summary statistics of one series at one point, over all paths.
///
/// A spread needs two values: from a run of one path, `std_dev` and `std_error`
/// are NaN (not 0: the spread is unknown, not nil), as [`spread`](StepStats::spread)
/// says with `None`. A run has at least one path, so `mean`, `min` and `max` are
/// always values of the series.
///
/// ```
/// use outpace::engine::StepStats;
/// use outpace::stats::Moments;
/// let mut one = Moments::new(0.0);
/// one.add(3.0);
/// let stats = StepStats::from(&one);
/// assert_eq!((stats.mean, stats.spread()), (3.0, None));
/// assert!(stats.std_dev.is_nan());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// Number of paths.
    pub count: u64,
    /// Sample mean (NaN for no values).
    pub mean: f64,
    /// Sample standard deviation (divisor `n - 1`); NaN for fewer than two values.
    pub std_dev: f64,
    /// Standard error of the mean; NaN for fewer than two values.
    pub std_error: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl StepStats {
    /// `(std_dev, std_error)`, or `None` for fewer than two values.
    pub fn spread(&self) -> Option<(f64, f64)> {
        (self.count >= 2).then_some((self.std_dev, self.std_error))
    }
}

impl From<&Moments> for StepStats {
    fn from(m: &Moments) -> Self {
        StepStats {
            count: m.count(),
            mean: m.mean().unwrap_or(f64::NAN),
            std_dev: m.std_dev().unwrap_or(f64::NAN),
            std_error: m.std_error().unwrap_or(f64::NAN),
            min: m.min(),
            max: m.max(),
        }
    }
}

/// Per-point statistics of one series, with quantile sketches when requested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesSummary {
    pub(crate) name: String,
    pub(crate) stats: Vec<StepStats>,
    pub(crate) sketches: Option<Vec<QuantileSketch>>,
}

impl SeriesSummary {
    pub(crate) fn new(
        name: String,
        stats: Vec<StepStats>,
        sketches: Option<Vec<QuantileSketch>>,
    ) -> Self {
        SeriesSummary {
            name,
            stats,
            sketches,
        }
    }

    /// The series name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of points (`steps + 1`).
    pub fn points(&self) -> usize {
        self.stats.len()
    }

    /// Statistics at every point.
    pub fn stats(&self) -> &[StepStats] {
        &self.stats
    }

    /// Mean at point `k`.
    ///
    /// # Panics
    /// If `k > steps`.
    pub fn mean(&self, k: usize) -> f64 {
        self.stats[k].mean
    }

    /// Means at every point.
    pub fn means(&self) -> Vec<f64> {
        self.stats.iter().map(|s| s.mean).collect()
    }

    /// Whether quantiles were collected for this series.
    pub fn has_quantiles(&self) -> bool {
        self.sketches.is_some()
    }

    /// The sketch at point `k`, if quantiles were collected.
    pub fn sketch(&self, k: usize) -> Option<&QuantileSketch> {
        self.sketches.as_ref().and_then(|s| s.get(k))
    }

    /// Estimate of the `q`-quantile at point `k` (relative accuracy
    /// [`RELATIVE_ACCURACY`](crate::stats::RELATIVE_ACCURACY)), or `None` if quantiles
    /// were not collected or `q` is outside `[0, 1]`.
    ///
    /// The sketch's estimate is clamped into the exact `[min, max]` of the point,
    /// which keeps the accuracy bound and makes quantiles of a constant exact.
    pub fn quantile(&self, k: usize, q: f64) -> Option<f64> {
        let estimate = self.sketch(k)?.quantile(q)?;
        let stats = &self.stats[k];
        Some(estimate.clamp(stats.min, stats.max))
    }

    /// The `q`-quantile at every point: one band of a fan chart.
    pub fn quantile_band(&self, q: f64) -> Option<Vec<f64>> {
        (0..self.points()).map(|k| self.quantile(k, q)).collect()
    }
}

/// The distribution of one per-path scalar outcome (see
/// [`Model::scalars`](super::Model::scalars)), with the values themselves when they
/// were kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalarSummary {
    pub(crate) name: String,
    pub(crate) stats: StepStats,
    pub(crate) sketch: QuantileSketch,
    pub(crate) values: Option<Vec<f64>>,
}

impl ScalarSummary {
    pub(crate) fn new(
        name: String,
        stats: StepStats,
        sketch: QuantileSketch,
        values: Option<Vec<f64>>,
    ) -> Self {
        ScalarSummary {
            name,
            stats,
            sketch,
            values,
        }
    }

    /// The outcome's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Mean, standard deviation, standard error, min and max over paths.
    pub fn stats(&self) -> &StepStats {
        &self.stats
    }

    /// Estimate of the `q`-quantile over paths, clamped into `[min, max]`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let estimate = self.sketch.quantile(q)?;
        Some(estimate.clamp(self.stats.min, self.stats.max))
    }

    /// Every path's value in path order, if they were kept.
    pub fn values(&self) -> Option<&[f64]> {
        self.values.as_deref()
    }
}

/// Marker stored for a path that never passed.
pub(crate) const CENSORED: u32 = u32::MAX;

/// Passage times of one rule, one per path, with their distribution.
///
/// Times are point indices `k` (time `k dt`); a censored path (no passage within the
/// horizon) is `None`, never the horizon.
///
/// A run's passage times cover at least one path. Only [`head`](Self::head)`(0)`
/// (or a deserialised empty list) holds none: then [`probability`](Self::probability)
/// is NaN (0 of 0 paths is no share), [`cdf`](Self::cdf) an error, and
/// [`quantile`](Self::quantile) and [`mean`](Self::mean) `None`. Deserialisation
/// checks that every time is a point of the horizon or censored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PassageTimesData")]
pub struct PassageTimes {
    pub(crate) name: String,
    pub(crate) steps: usize,
    pub(crate) times: Vec<u32>,
}

/// The serialised form of [`PassageTimes`], checked on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageTimesData {
    name: String,
    steps: usize,
    times: Vec<u32>,
}

impl TryFrom<PassageTimesData> for PassageTimes {
    type Error = crate::Error;

    fn try_from(data: PassageTimesData) -> Result<Self> {
        if data.steps >= CENSORED as usize {
            return Err(crate::Error::invalid(
                "steps",
                data.steps,
                format!("must be < {CENSORED}"),
            ));
        }
        if let Some(i) = data
            .times
            .iter()
            .position(|&t| t != CENSORED && t as usize > data.steps)
        {
            return Err(crate::Error::invalid(
                format!("times[{i}]"),
                data.times[i],
                format!(
                    "must be a point in 0..={} or {CENSORED} (censored)",
                    data.steps
                ),
            ));
        }
        Ok(PassageTimes::new(data.name, data.steps, data.times))
    }
}

impl PassageTimes {
    pub(crate) fn new(name: String, steps: usize, times: Vec<u32>) -> Self {
        PassageTimes { name, steps, times }
    }

    /// The name the rule was requested under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of steps in the horizon.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Number of paths.
    pub fn paths(&self) -> usize {
        self.times.len()
    }

    /// Passage time of path `path`, `None` if censored.
    ///
    /// # Panics
    /// If `path >= self.paths()`.
    pub fn time(&self, path: usize) -> Option<usize> {
        decode(self.times[path])
    }

    /// Passage times of all paths in path order.
    pub fn times(&self) -> impl ExactSizeIterator<Item = Option<usize>> + '_ {
        self.times.iter().map(|&t| decode(t))
    }

    /// The passage times of the first `paths` paths (all of them if fewer). Path `i`
    /// draws the same random numbers whatever the size of the run, so the head of a
    /// large run pairs with a smaller run of the same seed. `head(0)` holds no path
    /// (see the type's documentation for what its statistics are).
    pub fn head(&self, paths: usize) -> PassageTimes {
        let paths = paths.min(self.times.len());
        PassageTimes::new(self.name.clone(), self.steps, self.times[..paths].to_vec())
    }

    /// Number of paths that passed at each point `k = 0..=steps`.
    pub fn histogram(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.steps + 1];
        for t in self.times().flatten() {
            counts[t] += 1;
        }
        counts
    }

    /// Number of paths that passed within the horizon.
    pub fn passed(&self) -> u64 {
        self.times.iter().filter(|&&t| t != CENSORED).count() as u64
    }

    /// Share of paths that passed within the horizon; NaN when there are no paths
    /// (only from [`head`](Self::head)`(0)`).
    pub fn probability(&self) -> f64 {
        self.passed() as f64 / self.paths() as f64
    }

    /// Share of paths that passed at or before point `k`, with a Wilson interval at
    /// `confidence` (e.g. `0.95`), for every `k = 0..=steps`: the passage-time CDF.
    ///
    /// # Errors
    /// If `confidence` is not strictly between 0 and 1.
    pub fn cdf(&self, confidence: f64) -> Result<Vec<Interval>> {
        let n = self.paths() as u64;
        let mut cumulative = 0;
        self.histogram()
            .into_iter()
            .map(|c| {
                cumulative += c;
                wilson(cumulative, n, confidence)
            })
            .collect()
    }

    /// The `q`-quantile of the passage time among paths that passed (lower order
    /// statistic `t_(floor(q (m - 1)))` of the `m` passed paths, exact), or `None` if
    /// none passed or `q` is outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<usize> {
        let m = self.passed();
        if m == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (m - 1) as f64).floor() as u64;
        let mut seen = 0;
        self.histogram().into_iter().position(|c| {
            seen += c;
            seen > rank
        })
    }

    /// Mean passage time among paths that passed, in points, or `None` if none did.
    pub fn mean(&self) -> Option<f64> {
        let m = self.passed();
        (m > 0).then(|| self.times().flatten().map(|t| t as f64).sum::<f64>() / m as f64)
    }
}

fn decode(t: u32) -> Option<usize> {
    (t != CENSORED).then_some(t as usize)
}

/// Full paths of the recorded series: one `paths x (steps + 1)` matrix each.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedPaths {
    pub(crate) names: Vec<String>,
    pub(crate) matrices: Vec<Array2<f64>>,
}

impl RecordedPaths {
    pub(crate) fn new(names: Vec<String>, matrices: Vec<Array2<f64>>) -> Self {
        RecordedPaths { names, matrices }
    }

    /// Names of the recorded series.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The matrix of one series (rows are paths, columns are points).
    pub fn get(&self, name: &str) -> Option<ArrayView2<'_, f64>> {
        let i = self.names.iter().position(|n| n == name)?;
        Some(self.matrices[i].view())
    }

    /// Takes the matrices out, in the order of [`names`](Self::names).
    pub fn into_matrices(self) -> Vec<Array2<f64>> {
        self.matrices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_statistics_from_known_times() {
        let times = vec![2, CENSORED, 0, 2, 5, CENSORED, 3, 2];
        let p = PassageTimes::new("x".into(), 5, times);
        assert_eq!(p.passed(), 6);
        assert_eq!(p.histogram(), vec![1, 0, 3, 1, 0, 1]);
        assert_eq!(p.probability(), 0.75);
        assert_eq!(p.quantile(0.0), Some(0));
        assert_eq!(p.quantile(0.5), Some(2)); // sorted 0,2,2,2,3,5: index floor(2.5)=2
        assert_eq!(p.quantile(1.0), Some(5));
        assert_eq!(p.mean(), Some(14.0 / 6.0));
        let cdf = p.cdf(0.95).unwrap();
        assert_eq!(cdf.len(), 6);
        assert_eq!(cdf[2].estimate, 0.5);
        assert_eq!(cdf[5].estimate, 0.75);
        assert!(cdf[2].lower < 0.5 && cdf[2].upper > 0.5);
        assert_eq!(p.time(1), None);
        assert_eq!(p.time(4), Some(5));
    }

    #[test]
    fn an_empty_head_has_documented_statistics() {
        let p = PassageTimes::new("x".into(), 3, vec![1, CENSORED, 2]);
        let empty = p.head(0);
        assert_eq!(empty.paths(), 0);
        assert!(empty.probability().is_nan());
        assert!(empty.cdf(0.95).is_err());
        assert_eq!((empty.quantile(0.5), empty.mean()), (None, None));
        assert_eq!(empty.histogram(), vec![0; 4]);
        assert_eq!(p.head(1).probability(), 1.0);
        assert_eq!(p.head(99), p);
    }

    #[test]
    fn deserialisation_checks_every_time() {
        let p = PassageTimes::new("x".into(), 3, vec![3, CENSORED, 0]);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<PassageTimes>(&json).unwrap(), p);
        // A time past the horizon used to be accepted, and `histogram` then
        // indexed out of bounds.
        let bad = r#"{"name":"x","steps":3,"times":[4]}"#;
        let err = serde_json::from_str::<PassageTimes>(bad).unwrap_err();
        assert!(err.to_string().contains("`times[0]`"), "{err}");
        let bad = format!(r#"{{"name":"x","steps":{},"times":[]}}"#, u32::MAX);
        assert!(serde_json::from_str::<PassageTimes>(&bad).is_err());
    }

    #[test]
    fn no_passage_has_no_quantile_or_mean() {
        let p = PassageTimes::new("x".into(), 3, vec![CENSORED; 4]);
        assert_eq!(p.quantile(0.5), None);
        assert_eq!(p.mean(), None);
        assert_eq!(p.probability(), 0.0);
    }
}

/// The input vectors of every path of a run: a `paths x inputs` matrix with the
/// inputs' names and groups.
#[derive(Debug, Clone, PartialEq)]
pub struct InputValues {
    pub(crate) names: Vec<String>,
    pub(crate) groups: Vec<String>,
    pub(crate) values: Array2<f64>,
}

impl InputValues {
    pub(crate) fn new(inputs: &[crate::inputs::Input], values: Array2<f64>) -> Self {
        InputValues {
            names: inputs.iter().map(|i| i.name().to_owned()).collect(),
            groups: inputs.iter().map(|i| i.group().to_owned()).collect(),
            values,
        }
    }

    /// The inputs' names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The inputs' groups, in column order.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// The values: row `i` is path `i`'s input vector.
    pub fn values(&self) -> ArrayView2<'_, f64> {
        self.values.view()
    }

    /// The column of the input `name`.
    pub fn column(&self, name: &str) -> Option<ndarray::ArrayView1<'_, f64>> {
        let j = self.names.iter().position(|n| n == name)?;
        Some(self.values.column(j))
    }
}
