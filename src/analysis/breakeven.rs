//! The distribution of the time to break even under a rule.

use super::Rule;
use crate::engine::{Outcome, PassageTimes};
use crate::error::{Error, Result, check};
use crate::stats::{Interval, wilson};
use serde::{Deserialize, Serialize};

/// The passage times a run recorded under `rule.key()`.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `rule` when the run did not request it
/// (request it with `simulation.first_passage(rule.key(), rule.passage())`).
pub fn passage_of<'a>(rule: &Rule, outcome: &'a Outcome) -> Result<&'a PassageTimes> {
    outcome.passage(rule.key()).ok_or_else(|| {
        let requested: Vec<&str> = outcome.all_passages().iter().map(|p| p.name()).collect();
        Error::invalid(
            "rule",
            rule.key(),
            format!(
                "was not requested from the run (request it with \
                 `first_passage(rule.key(), rule.passage())`; the run has [{}])",
                requested.join(", ")
            ),
        )
    })
}

/// The distribution of the break-even time under one [`Rule`], with
/// confidence intervals.
///
/// With `n` paths of which `m` break even within the horizon, and `T_i` the
/// break-even period of path `i`:
/// * `cdf[k]` is `P(T <= k)` for `k = 0..=steps`, estimated by
///   `#{i : T_i <= k} / n` with its Wilson interval (censored paths count as not
///   yet broken even; `cdf[0] = 0` since every rule starts at period 1);
/// * `within_horizon` is `P(T <= steps) = m / n` with its Wilson interval, the
///   last entry of `cdf`;
/// * `censored` is `(n - m) / n`, the share that does not break even within the
///   horizon;
/// * `p10`, `p50`, `p90` are exact quantiles of `T` among the `m` paths that break
///   even ([`PassageTimes::quantile`]: the order statistic
///   `T_(floor(q (m - 1)))`), and `mean` is their mean, all `None` when `m = 0`.
///   They describe *when* break-even happens given that it does, so read them
///   together with `within_horizon`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEven {
    rule: Rule,
    confidence: f64,
    paths: usize,
    steps: usize,
    reached: u64,
    cdf: Vec<Interval>,
    within_horizon: Interval,
    censored: f64,
    p10: Option<usize>,
    p50: Option<usize>,
    p90: Option<usize>,
    mean: Option<f64>,
}

impl BreakEven {
    /// The break-even distribution from the passage times of `rule`, with Wilson
    /// intervals at `confidence` (e.g. `0.95`).
    ///
    /// # Errors
    /// `confidence` not strictly between 0 and 1, or passage times with no path.
    pub fn from_passage(rule: &Rule, passage: &PassageTimes, confidence: f64) -> Result<Self> {
        let paths = check::positive_count("paths", passage.paths())?;
        let cdf = passage.cdf(confidence)?;
        let reached = passage.passed();
        let within_horizon = wilson(reached, paths as u64, confidence)?;
        Ok(BreakEven {
            rule: rule.clone(),
            confidence,
            paths,
            steps: passage.steps(),
            reached,
            cdf,
            within_horizon,
            censored: (paths as u64 - reached) as f64 / paths as f64,
            p10: passage.quantile(0.10),
            p50: passage.quantile(0.50),
            p90: passage.quantile(0.90),
            mean: passage.mean(),
        })
    }

    /// Like [`from_passage`](BreakEven::from_passage), with the passage times the
    /// run recorded under `rule.key()`.
    ///
    /// # Errors
    /// As [`from_passage`](BreakEven::from_passage), or when the run did not
    /// request the rule ([`passage_of`]).
    pub fn from_outcome(rule: &Rule, outcome: &Outcome, confidence: f64) -> Result<Self> {
        Self::from_passage(rule, passage_of(rule, outcome)?, confidence)
    }

    /// The rule.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The confidence level of the intervals.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Number of paths.
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// Number of simulated periods in the horizon.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Number of paths that break even within the horizon.
    pub fn reached(&self) -> u64 {
        self.reached
    }

    /// `P(T <= k)` with its Wilson interval, for `k = 0..=steps`.
    pub fn cdf(&self) -> &[Interval] {
        &self.cdf
    }

    /// `P(T <= k)` with its Wilson interval, `None` beyond the horizon.
    pub fn probability_by(&self, k: usize) -> Option<Interval> {
        self.cdf.get(k).copied()
    }

    /// Probability of breaking even within the horizon, with its Wilson interval.
    pub fn within_horizon(&self) -> Interval {
        self.within_horizon
    }

    /// Share of paths that do not break even within the horizon.
    pub fn censored(&self) -> f64 {
        self.censored
    }

    /// 10th percentile of the break-even period among paths that break even.
    pub fn p10(&self) -> Option<usize> {
        self.p10
    }

    /// Median break-even period among paths that break even.
    pub fn p50(&self) -> Option<usize> {
        self.p50
    }

    /// 90th percentile of the break-even period among paths that break even.
    pub fn p90(&self) -> Option<usize> {
        self.p90
    }

    /// Mean break-even period among paths that break even.
    pub fn mean(&self) -> Option<f64> {
        self.mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CENSORED: u32 = u32::MAX;

    fn passage(steps: usize, times: Vec<u32>) -> PassageTimes {
        PassageTimes::new("x".into(), steps, times)
    }

    fn rule() -> Rule {
        Rule::new("x", "X", "x >= 0").unwrap()
    }

    #[test]
    fn no_path_reaches() {
        let p = passage(3, vec![CENSORED; 5]);
        let b = BreakEven::from_passage(&rule(), &p, 0.9).unwrap();
        assert_eq!(b.reached(), 0);
        assert_eq!(b.censored(), 1.0);
        assert_eq!(b.within_horizon().estimate, 0.0);
        assert_eq!(b.within_horizon().lower, 0.0);
        assert!(b.within_horizon().upper > 0.0);
        assert_eq!(
            (b.p10(), b.p50(), b.p90(), b.mean()),
            (None, None, None, None)
        );
        assert!(b.cdf().iter().all(|c| c.estimate == 0.0));
    }

    #[test]
    fn all_reach_at_period_one() {
        let p = passage(4, vec![1; 6]);
        let b = BreakEven::from_passage(&rule(), &p, 0.95).unwrap();
        assert_eq!(b.reached(), 6);
        assert_eq!(b.censored(), 0.0);
        assert_eq!(b.cdf().len(), 5);
        assert_eq!(b.cdf()[0].estimate, 0.0);
        assert!(
            b.cdf()[1..]
                .iter()
                .all(|c| c.estimate == 1.0 && c.upper == 1.0)
        );
        assert_eq!(b.within_horizon(), b.cdf()[4]);
        assert_eq!((b.p10(), b.p50(), b.p90()), (Some(1), Some(1), Some(1)));
        assert_eq!(b.mean(), Some(1.0));
        assert_eq!(b.probability_by(5), None);
    }

    #[test]
    fn bad_confidence_and_empty_runs_are_errors() {
        let p = passage(2, vec![1, 2]);
        for c in [0.0, 1.0, f64::NAN, 1.5] {
            let err = BreakEven::from_passage(&rule(), &p, c)
                .unwrap_err()
                .to_string();
            assert!(err.contains("`confidence`"), "{err}");
        }
        let empty = passage(2, vec![]);
        let err = BreakEven::from_passage(&rule(), &empty, 0.95).unwrap_err();
        assert!(err.to_string().contains("`paths`"));
    }

    #[test]
    fn break_even_serde_round_trip() {
        let p = passage(3, vec![1, 3, CENSORED, 2]);
        let b = BreakEven::from_passage(&rule().sustained(2).unwrap(), &p, 0.95).unwrap();
        // Through a JSON value: serde_json's text parser (without its
        // `float_roundtrip` feature) may change the last bit of a float.
        let json = serde_json::to_value(&b).unwrap();
        assert_eq!(serde_json::from_value::<BreakEven>(json).unwrap(), b);
    }
}
