//! The paired difference of two break-even curves, period by period.

use crate::engine::PassageTimes;
use crate::error::{Error, Result};
use crate::stats::{Interval, mean_interval};

/// The paired difference of the break-even curves of an alternative `B` and a
/// baseline `A` run on common random numbers: entry `k` is
/// `P_B(T <= k) - P_A(T <= k)` with its paired normal interval, for
/// `k = 0..=min(steps_A, steps_B)` (the common span of the two horizons).
///
/// With `a_i(k) = 1{T_A,i <= k}`, `b_i(k) = 1{T_B,i <= k}` the indicators that
/// path `i` has broken even by period `k` (a censored path never has) and
/// `d_i(k) = b_i(k) - a_i(k)`: the estimate is `mean(d(k)) = (N_B(k) - N_A(k)) / n`,
/// the paired standard error `s_d(k) / sqrt(n)` with
/// `s_d(k)^2 = (sum_i d_i(k)^2 - n mean(d(k))^2) / (n - 1)`, where
/// `sum_i d_i(k)^2 = N_A(k) + N_B(k) - 2 N_AB(k)` counts the discordant paths and
/// `N_AB(k) = #{i : max(T_A,i, T_B,i) <= k}` those that have broken even in both;
/// the interval is `mean(d(k)) ± z s_d(k) / sqrt(n)` clipped to `[-1, 1]`. At the
/// horizon it is the within-horizon difference of
/// [`Comparison::probability`](super::Comparison::probability). The counts are
/// cumulated from per-period histograms, so the cost is `O(n + steps)`.
///
/// ```
/// use outpace::analysis::{Described, Rule, Study, StudyOptions, paired_cdf_difference, passage_of};
/// use outpace::calendar::Calendar;
/// use outpace::engine::ProcessModel;
/// use outpace::process::Ou;
///
/// let rule = Rule::new("positive", "Cash flow positive", "fcf >= 0")?;
/// let study = |mean: f64| -> outpace::Result<Study> {
///     let fcf = ProcessModel::new("fcf", Ou::new(0.5, mean, 0.8, -1.0)?);
///     let model = Described::new("m", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
///         .rule(rule.clone());
///     Study::run(&model, &StudyOptions { paths: 2_000, seed: 5, ..StudyOptions::default() })
/// };
/// let (a, b) = (study(0.0)?, study(0.5)?);
/// let times = |s: &Study| passage_of(&rule, s.outcome()).cloned();
/// let curve = paired_cdf_difference(&times(&a)?, &times(&b)?, 0.95)?;
/// assert_eq!(curve.len(), 21);
/// assert!(curve[20].lower > 0.0, "a higher mean breaks even more often");
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when the runs differ in paths (`alternative.paths`),
/// have fewer than 2 paths (`paths`), or `confidence` is not strictly between 0
/// and 1.
pub fn paired_cdf_difference(
    baseline: &PassageTimes,
    alternative: &PassageTimes,
    confidence: f64,
) -> Result<Vec<Interval>> {
    let n = baseline.paths();
    if alternative.paths() != n {
        return Err(Error::invalid(
            "alternative.paths",
            alternative.paths(),
            format!("must equal the baseline's paths ({n}) for a paired comparison"),
        ));
    }
    if n < 2 {
        return Err(Error::invalid(
            "paths",
            n,
            "a paired comparison needs at least 2 paths",
        ));
    }
    let span = baseline.steps().min(alternative.steps());
    // Passages per period: of A, of B, and of both (at the later of the two times).
    let mut first = vec![0u64; span + 1];
    let mut second = vec![0u64; span + 1];
    let mut both = vec![0u64; span + 1];
    let within = |t: Option<usize>| t.filter(|&t| t <= span);
    for (a, b) in baseline.times().zip(alternative.times()) {
        let (a, b) = (within(a), within(b));
        if let Some(a) = a {
            first[a] += 1;
        }
        if let Some(b) = b {
            second[b] += 1;
        }
        if let (Some(a), Some(b)) = (a, b) {
            both[a.max(b)] += 1;
        }
    }
    let size = n as f64;
    let (mut n_a, mut n_b, mut n_ab) = (0u64, 0u64, 0u64);
    (0..=span)
        .map(|k| {
            n_a += first[k];
            n_b += second[k];
            n_ab += both[k];
            let mean = (n_b as f64 - n_a as f64) / size;
            let discordant = (n_a + n_b - 2 * n_ab) as f64;
            let variance = ((discordant - size * mean * mean) / (size - 1.0)).max(0.0);
            let interval = mean_interval(mean, (variance / size).sqrt(), confidence)?;
            Ok(Interval {
                estimate: mean,
                lower: interval.lower.max(-1.0),
                upper: interval.upper.min(1.0),
            })
        })
        .collect()
}
