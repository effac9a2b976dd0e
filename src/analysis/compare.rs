//! Paired comparison of two scenarios run on common random numbers.

use super::{Rule, passage_of};
use crate::engine::{Component, Outcome, PassageTimes, PathStreams};
use crate::error::{Error, Result, check};
use crate::stats::{Interval, mean_interval, two_sided_z};
use rand::RngExt;
use rand_distr::Binomial;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Bootstrap resamples used by [`Comparison::new`].
pub const BOOTSTRAP_RESAMPLES: usize = 1_000;

/// The fixed seed of the bootstrap draws ("bootstrp" in ASCII): resample `r` draws
/// its path indices from `PathStreams::new(BOOTSTRAP_SEED, r).rng(Component::new(BOOTSTRAP_COMPONENT))`.
pub const BOOTSTRAP_SEED: u64 = 0x626f_6f74_7374_7270;

/// The component id of the bootstrap draws ("boot" in ASCII).
pub const BOOTSTRAP_COMPONENT: u64 = 0x626f_6f74;

/// Difference in the probability of breaking even within the horizon, alternative
/// minus baseline.
///
/// With `a_i`, `b_i` the indicators that path `i` breaks even within the horizon
/// in the baseline and the alternative, and `d_i = b_i - a_i`:
/// `difference.estimate = mean(d) = p_B - p_A`, `paired_std_error = s_d / sqrt(n)`
/// with `s_d^2 = sum (d_i - mean(d))^2 / (n - 1)`, and `difference` is the normal
/// interval `mean(d) ± z s_d / sqrt(n)` clipped to `[-1, 1]`.
/// `unpaired_std_error = sqrt((s_A^2 + s_B^2) / n)` (with
/// `s^2 = p (1 - p) n / (n - 1)`) is what the standard error would be if the two
/// runs were independent; their ratio shows the variance reduction that common
/// random numbers buy (`s_d^2 = s_A^2 + s_B^2 - 2 cov(a, b)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProbabilityDifference {
    /// `p_A`, the baseline's probability.
    pub baseline: f64,
    /// `p_B`, the alternative's probability.
    pub alternative: f64,
    /// `p_B - p_A` with its paired interval.
    pub difference: Interval,
    /// Standard error of `p_B - p_A` from the paired differences.
    pub paired_std_error: f64,
    /// Standard error of `p_B - p_A` if the runs were independent.
    pub unpaired_std_error: f64,
}

impl ProbabilityDifference {
    /// `(unpaired / paired)^2`: how many times more paths two independent runs would
    /// need for the same precision. `None` when the paired standard error is 0.
    pub fn variance_reduction(&self) -> Option<f64> {
        (self.paired_std_error > 0.0)
            .then(|| (self.unpaired_std_error / self.paired_std_error).powi(2))
    }
}

/// Difference in the median break-even period among paths that break even,
/// alternative minus baseline, in periods.
///
/// The medians are the lower medians of [`PassageTimes::quantile`]`(0.5)`. The
/// interval is a paired percentile bootstrap: each resample draws `n` path indices
/// uniformly with replacement, the **same** indices for both scenarios (in law:
/// the counts of the joint `(T_A, T_B)` cells are drawn as a multinomial, which is
/// equivalent and independent of `n` in cost), and recomputes both medians among
/// the drawn paths that break even; resamples in which
/// either scenario has no such path are skipped (`valid_resamples` counts the
/// rest). With the `R` valid differences sorted, `d_(0) <= ... <= d_(R-1)`, and
/// `alpha = 1 - confidence`, the bounds are `d_(floor(alpha/2 (R - 1)))` and
/// `d_(ceil((1 - alpha/2) (R - 1)))`. The draws are fixed by [`BOOTSTRAP_SEED`]
/// (one stream per resample), so the interval is reproducible and does not depend
/// on the number of threads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MedianDifference {
    /// The baseline's median break-even period.
    pub baseline: usize,
    /// The alternative's median break-even period.
    pub alternative: usize,
    /// `alternative - baseline` with its bootstrap percentile interval.
    pub difference: Interval,
    /// Resamples drawn.
    pub resamples: usize,
    /// Resamples in which both scenarios have a path that breaks even.
    pub valid_resamples: usize,
}

/// A paired comparison of a baseline `A` and an alternative `B` under one
/// break-even rule.
///
/// Both runs must use the same seed and number of paths, so that path `i` of `A`
/// and path `i` of `B` see the same random numbers (common random numbers, see
/// [`PathStreams`]): differences are then measured path by path, and the noise
/// shared by the two scenarios cancels.
///
/// ```
/// use outpace::analysis::{Comparison, Rule};
/// use outpace::engine::{ProcessModel, Simulation};
/// use outpace::process::Ou;
///
/// let rule = Rule::new("flow_crossover", "Free cash flow break-even", "free_cash_flow >= 0")?;
/// let run = |mean_fcf: f64| {
///     let fcf = ProcessModel::new("free_cash_flow", Ou::new(0.5, mean_fcf, 0.8, -1.0)?);
///     Simulation::new(fcf)
///         .paths(2_000)
///         .steps(20)
///         .dt(0.25)
///         .seed(11)
///         .first_passage(rule.key(), rule.passage())
///         .run()
/// };
/// let (baseline, alternative) = (run(0.0)?, run(0.5)?);
/// let cmp = Comparison::from_outcomes(&rule, &baseline, &alternative, 0.95)?;
/// let p = cmp.probability();
/// assert!(p.difference.lower > 0.0);
/// assert!(p.paired_std_error < p.unpaired_std_error);
/// assert!(cmp.median().unwrap().difference.estimate <= 0.0);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    rule: String,
    paths: usize,
    steps: usize,
    confidence: f64,
    probability: ProbabilityDifference,
    median: Option<MedianDifference>,
}

impl Comparison {
    /// Compares the passage times of one rule (named by its `key`) in two
    /// runs, with intervals at `confidence` and [`BOOTSTRAP_RESAMPLES`] resamples.
    ///
    /// # Errors
    /// As [`with_resamples`](Comparison::with_resamples).
    pub fn new(
        key: impl Into<String>,
        baseline: &PassageTimes,
        alternative: &PassageTimes,
        confidence: f64,
    ) -> Result<Self> {
        Self::with_resamples(key, baseline, alternative, confidence, BOOTSTRAP_RESAMPLES)
    }

    /// Like [`new`](Comparison::new) with `resamples` bootstrap resamples. Costs
    /// `O(resamples x (paths + steps))`, spread over rayon's threads.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the runs differ in number of paths
    /// (`alternative.paths`) or steps (`alternative.steps`), have fewer than 2 paths,
    /// `resamples` is 0, or `confidence` is not strictly between 0 and 1.
    pub fn with_resamples(
        key: impl Into<String>,
        baseline: &PassageTimes,
        alternative: &PassageTimes,
        confidence: f64,
        resamples: usize,
    ) -> Result<Self> {
        check_same("paths", baseline.paths(), alternative.paths())?;
        check_same("steps", baseline.steps(), alternative.steps())?;
        if baseline.paths() < 2 {
            return Err(Error::invalid(
                "paths",
                baseline.paths(),
                "a paired comparison needs at least 2 paths",
            ));
        }
        check::positive_count("resamples", resamples)?;
        two_sided_z(confidence)?;
        Ok(Comparison {
            rule: key.into(),
            paths: baseline.paths(),
            steps: baseline.steps(),
            confidence,
            probability: probability_difference(baseline, alternative, confidence)?,
            median: median_difference(baseline, alternative, confidence, resamples),
        })
    }

    /// Compares `rule` between two runs, looking the passage times up under
    /// `rule.key()`.
    ///
    /// # Errors
    /// As [`with_resamples`](Comparison::with_resamples), or when a run lacks the
    /// rule, or the runs differ in seed (`alternative.seed`) or step length
    /// (`alternative.dt`): they would not share their random numbers, or their
    /// periods would not be the same.
    pub fn from_outcomes(
        rule: &Rule,
        baseline: &Outcome,
        alternative: &Outcome,
        confidence: f64,
    ) -> Result<Self> {
        check_same("seed", baseline.seed(), alternative.seed())?;
        check_same("dt", baseline.grid().dt(), alternative.grid().dt())?;
        Self::new(
            rule.key(),
            passage_of(rule, baseline)?,
            passage_of(rule, alternative)?,
            confidence,
        )
    }

    /// The key of the rule compared.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// Number of paths of each run.
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// Number of periods compared: the runs' passage times cover points
    /// `0..=steps` (for [`Study::compare`](super::Study::compare), the common
    /// span of the two studies' horizons).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Confidence level of the intervals.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// The difference in the probability of breaking even within the horizon.
    pub fn probability(&self) -> &ProbabilityDifference {
        &self.probability
    }

    /// The difference in the median break-even period, `None` when either run has
    /// no path that breaks even (or, vanishingly rarely, no valid resample).
    pub fn median(&self) -> Option<&MedianDifference> {
        self.median.as_ref()
    }
}

/// Error naming `alternative.<what>` when the two runs differ.
fn check_same<T: PartialEq + std::fmt::Display>(
    what: &str,
    baseline: T,
    alternative: T,
) -> Result<()> {
    if baseline == alternative {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("alternative.{what}"),
            alternative,
            format!("must equal the baseline's {what} ({baseline}) for a paired comparison"),
        ))
    }
}

fn probability_difference(
    a: &PassageTimes,
    b: &PassageTimes,
    confidence: f64,
) -> Result<ProbabilityDifference> {
    let n = a.paths() as f64;
    let discordant = a
        .times()
        .zip(b.times())
        .filter(|(x, y)| x.is_some() != y.is_some())
        .count() as f64;
    let (pa, pb) = (a.probability(), b.probability());
    let mean = pb - pa;
    // sum (d_i - mean)^2 = sum d_i^2 - n mean^2, with d_i^2 = 1 on discordant paths.
    let paired_var = ((discordant - n * mean * mean) / (n - 1.0)).max(0.0);
    let bernoulli_var = |p: f64| p * (1.0 - p) * n / (n - 1.0);
    let paired_std_error = (paired_var / n).sqrt();
    let unpaired_std_error = ((bernoulli_var(pa) + bernoulli_var(pb)) / n).sqrt();
    let interval = mean_interval(mean, paired_std_error, confidence)?;
    Ok(ProbabilityDifference {
        baseline: pa,
        alternative: pb,
        difference: Interval {
            estimate: mean,
            lower: interval.lower.max(-1.0),
            upper: interval.upper.min(1.0),
        },
        paired_std_error,
        unpaired_std_error,
    })
}

/// Per-path histogram bins: the passage period, or `steps + 1` for a censored path.
fn bins(p: &PassageTimes) -> impl Iterator<Item = usize> + '_ {
    let censored = p.steps() + 1;
    p.times().map(move |t| t.unwrap_or(censored))
}

/// The occupied cells `(bin_A, bin_B, paths)` of the joint histogram of the two
/// runs' passage bins (censored paths in bin `steps + 1`).
fn joint_cells(a: &PassageTimes, b: &PassageTimes) -> Vec<(usize, usize, u64)> {
    let width = a.steps() + 2;
    let mut counts = vec![0u64; width * width];
    for (x, y) in bins(a).zip(bins(b)) {
        counts[x * width + y] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .filter(|&(_, c)| c > 0)
        .map(|(i, c)| (i / width, i % width, c))
        .collect()
}

/// The lower median of the passed paths of a histogram whose last bin holds the
/// censored ones (the rule of [`PassageTimes::quantile`]`(0.5)`).
fn lower_median(histogram: &[u64]) -> Option<usize> {
    let (_censored, passed) = histogram.split_last()?;
    let m = passed.iter().sum::<u64>();
    if m == 0 {
        return None;
    }
    let rank = (m - 1) / 2;
    let mut seen = 0;
    passed.iter().position(|&c| {
        seen += c;
        seen > rank
    })
}

fn median_difference(
    a: &PassageTimes,
    b: &PassageTimes,
    confidence: f64,
    resamples: usize,
) -> Option<MedianDifference> {
    let (median_a, median_b) = (a.quantile(0.5)?, b.quantile(0.5)?);
    let cells = joint_cells(a, b);
    let paths = a.paths() as u64;
    let mut diffs: Vec<i64> = (0..resamples)
        .into_par_iter()
        .map_init(
            || (vec![0u64; a.steps() + 2], vec![0u64; a.steps() + 2]),
            |(ha, hb), r| resample_difference(&cells, paths, r, ha, hb),
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    if diffs.is_empty() {
        return None;
    }
    diffs.sort_unstable();
    let alpha = 1.0 - confidence;
    let last = (diffs.len() - 1) as f64;
    let lower = diffs[(alpha / 2.0 * last).floor() as usize];
    let upper = diffs[((1.0 - alpha / 2.0) * last).ceil() as usize];
    Some(MedianDifference {
        baseline: median_a,
        alternative: median_b,
        difference: Interval {
            estimate: median_b as f64 - median_a as f64,
            lower: lower as f64,
            upper: upper as f64,
        },
        resamples,
        valid_resamples: diffs.len(),
    })
}

/// One paired resample: `median_B - median_A` over the same drawn paths, `None` if
/// either has no passed path among them. `ha`, `hb` are scratch histograms.
///
/// Both medians depend on the drawn paths only through the counts of the joint
/// cells `(bin_A, bin_B)`, and drawing `n` paths with replacement gives those counts
/// a multinomial law with the cells' empirical shares; so the resample draws the
/// multinomial directly, one binomial per occupied cell (`m_c ~ Binomial(n_left,
/// n_c / paths_left)`), which costs `O(cells)` instead of `O(paths)`.
fn resample_difference(
    cells: &[(usize, usize, u64)],
    paths: u64,
    r: usize,
    ha: &mut [u64],
    hb: &mut [u64],
) -> Option<i64> {
    ha.fill(0);
    hb.fill(0);
    let mut rng =
        PathStreams::new(BOOTSTRAP_SEED, r as u64).rng(Component::new(BOOTSTRAP_COMPONENT));
    let (mut draws_left, mut paths_left) = (paths, paths);
    for &(x, y, count) in cells {
        if draws_left == 0 {
            break;
        }
        let drawn = if count == paths_left {
            draws_left
        } else {
            let share = count as f64 / paths_left as f64;
            Binomial::new(draws_left, share).map_or(0, |law| rng.sample(law))
        };
        ha[x] += drawn;
        hb[y] += drawn;
        draws_left -= drawn;
        paths_left -= count;
    }
    let (ma, mb) = (lower_median(ha)?, lower_median(hb)?);
    Some(mb as i64 - ma as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: u32 = u32::MAX;

    fn passage(steps: usize, times: Vec<u32>) -> PassageTimes {
        PassageTimes::new("x".into(), steps, times)
    }

    #[test]
    fn paired_standard_error_from_hand_computed_differences() {
        let a = passage(4, vec![1, C, 3, C, 2]);
        let b = passage(4, vec![C, 2, 3, C, 1]);
        // d = [-1, 1, 0, 0, 0]: mean 0, s^2 = 2 / 4.
        let cmp = Comparison::new("k", &a, &b, 0.95).unwrap();
        let p = cmp.probability();
        assert_eq!((p.baseline, p.alternative), (0.6, 0.6));
        assert_eq!(p.difference.estimate, 0.0);
        assert!((p.paired_std_error - (0.5f64 / 5.0).sqrt()).abs() < 1e-15);
        let s2: f64 = 0.6 * 0.4 * 5.0 / 4.0;
        assert!((p.unpaired_std_error - (2.0 * s2 / 5.0).sqrt()).abs() < 1e-15);
        let z = two_sided_z(0.95).unwrap();
        assert!((p.difference.upper - z * p.paired_std_error).abs() < 1e-15);
        assert_eq!(cmp.rule(), "k");
    }

    #[test]
    fn identical_runs_have_zero_paired_error() {
        let a = passage(4, vec![1, C, 3, 4, 2]);
        let cmp = Comparison::new("k", &a, &a, 0.95).unwrap();
        let p = cmp.probability();
        assert_eq!(p.paired_std_error, 0.0);
        assert_eq!(p.difference.lower, 0.0);
        assert!(p.unpaired_std_error > 0.0);
        assert_eq!(p.variance_reduction(), None);
        let m = cmp.median().unwrap();
        assert_eq!(m.difference.lower, 0.0);
        assert_eq!(m.difference.upper, 0.0);
    }

    #[test]
    fn no_path_reaches_gives_no_median() {
        let none = passage(3, vec![C; 4]);
        let some = passage(3, vec![1, C, 2, 3]);
        let cmp = Comparison::new("k", &none, &some, 0.95).unwrap();
        assert!(cmp.median().is_none());
        assert_eq!(cmp.probability().difference.estimate, 0.75);
        let both = Comparison::new("k", &none, &none, 0.95).unwrap();
        assert!(both.median().is_none());
        assert_eq!(both.probability().paired_std_error, 0.0);
    }

    #[test]
    fn all_reach_at_period_one() {
        let a = passage(3, vec![1; 8]);
        let cmp = Comparison::new("k", &a, &a, 0.9).unwrap();
        let p = cmp.probability();
        assert_eq!((p.paired_std_error, p.unpaired_std_error), (0.0, 0.0));
        let m = cmp.median().unwrap();
        assert_eq!((m.baseline, m.alternative), (1, 1));
        assert_eq!(m.valid_resamples, BOOTSTRAP_RESAMPLES);
    }

    #[test]
    fn mismatches_and_bad_settings_are_errors() {
        let a = passage(3, vec![1, 2, 3]);
        let cases = [
            (passage(3, vec![1, 2]), "`alternative.paths` = 2"),
            (passage(4, vec![1, 2, 3]), "`alternative.steps` = 4"),
        ];
        for (b, msg) in cases {
            let err = Comparison::new("k", &a, &b, 0.95).unwrap_err().to_string();
            assert!(err.contains(msg) && err.contains("baseline"), "{err}");
        }
        let one = passage(3, vec![1]);
        let err = Comparison::new("k", &one, &one, 0.95).unwrap_err();
        assert!(err.to_string().contains("`paths`"));
        let err = Comparison::with_resamples("k", &a, &a, 0.95, 0).unwrap_err();
        assert!(err.to_string().contains("`resamples`"));
        let err = Comparison::new("k", &a, &a, 1.0).unwrap_err();
        assert!(err.to_string().contains("`confidence`"));
    }

    #[test]
    fn lower_median_matches_passage_quantile() {
        let times = vec![2, C, 0, 2, 5, C, 3, 2, 4, 1];
        let p = passage(5, times);
        let mut hist = p.histogram();
        hist.push(p.paths() as u64 - p.passed());
        assert_eq!(lower_median(&hist), p.quantile(0.5));
        assert_eq!(lower_median(&[0, 0, 3]), None);
        assert_eq!(lower_median(&[0, 1, 1, 0]), Some(1));
    }

    #[test]
    fn bootstrap_is_reproducible_and_serde_round_trips() {
        let a = passage(6, vec![1, 2, 3, 4, 5, 6, C, 2, 3, 1]);
        let b = passage(6, vec![1, 1, 2, 3, 4, 5, 6, 1, 2, 1]);
        let first = Comparison::with_resamples("k", &a, &b, 0.9, 200).unwrap();
        let second = Comparison::with_resamples("k", &a, &b, 0.9, 200).unwrap();
        assert_eq!(first, second);
        let m = first.median().unwrap();
        assert!(m.difference.lower <= m.difference.upper);
        // Through a JSON value: serde_json's text parser (without its
        // `float_roundtrip` feature) may change the last bit of a float.
        let json = serde_json::to_value(&first).unwrap();
        assert_eq!(serde_json::from_value::<Comparison>(json).unwrap(), first);
    }
}
