//! Break-even definitions and the distribution of the time to break even.

use crate::cloud::series;
use crate::engine::{Barrier, FirstPassage, Outcome, PassageTimes};
use crate::error::{Error, Result, check};
use crate::stats::{Interval, wilson};
use serde::{Deserialize, Serialize};

/// What "break-even" means: a first-passage rule on the series of the cloud model
/// ([`crate::cloud::series`]).
///
/// Periods are the points of the quarterly grid: point 0 is the last observed
/// quarter and points `k = 1..=steps` are the simulated quarters. Every definition
/// counts **simulated quarters only** (`k >= 1`, see
/// [`FirstPassage::starting_at`]): an observed quarter that already meets the
/// condition, or a cumulative sum that starts at zero, is not a break-even. The
/// break-even time `T` of a path is the smallest qualifying `k`; a path with none
/// within the horizon is censored (it does not break even within the horizon; its
/// time is unknown, never the horizon).
///
/// `sustain = s >= 1` asks the condition to hold at `k, k + 1, ..., k + s - 1`, all
/// within the horizon (`k + s - 1 <= steps`), so a run of good quarters cut by the
/// horizon does not count.
///
/// Serialised in snake case, e.g. `{"flow_crossover": {"sustain": 4}}` or
/// `"cumulative_payback"`; a missing `sustain` means 1, and deserialisation
/// rejects `sustain = 0` and unknown fields.
///
/// ```
/// use outpace::analysis::{BreakEven, Definition};
/// use outpace::cloud::series::FREE_CASH_FLOW;
/// use outpace::engine::{ProcessModel, Simulation};
/// use outpace::process::Ou;
///
/// // A free cash flow that starts at -1 and reverts towards +1.
/// let fcf = ProcessModel::new(FREE_CASH_FLOW, Ou::new(0.5, 1.0, 0.8, -1.0)?);
/// let definition = Definition::FlowCrossover { sustain: 4 };
/// let outcome = Simulation::new(fcf)
///     .paths(2_000)
///     .steps(40)
///     .dt(0.25)
///     .seed(3)
///     .first_passage(definition.key(), definition.rule())
///     .run()?;
/// assert_eq!(definition.key(), "flow_crossover_4q");
/// let breakeven = BreakEven::from_outcome(definition, &outcome, 0.95)?;
/// assert!(breakeven.within_horizon().estimate > 0.5);
/// assert!(breakeven.p10() <= breakeven.p50() && breakeven.p50() <= breakeven.p90());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "DefinitionParams")]
pub enum Definition {
    /// Free cash flow turns non-negative: the first `k >= 1` with
    /// `free_cash_flow_j >= 0` for every `j = k, ..., k + sustain - 1`.
    FlowCrossover {
        /// Consecutive quarters the condition must hold (`>= 1`).
        sustain: usize,
    },
    /// Revenue covers cash spending (operating costs plus capex): the first `k >= 1`
    /// with `revenue_j >= spending_j` for every `j = k, ..., k + sustain - 1`.
    RevenueOverSpending {
        /// Consecutive quarters the condition must hold (`>= 1`).
        sustain: usize,
    },
    /// Payback: the first `k >= 1` with `cumulative_fcf_k >= 0`, where
    /// `cumulative_fcf_k = sum_{j=1..=k} free_cash_flow_j`.
    CumulativePayback,
    /// Discounted payback: the first `k >= 1` with
    /// `discounted_cumulative_fcf_k >= 0`, where
    /// `discounted_cumulative_fcf_k = sum_{j=1..=k} v_j free_cash_flow_j`, `v_j` being
    /// the model's discount factor from quarter `j` to the start (`(1 + r)^(-j / 4)`
    /// for an annual rate `r`).
    DiscountedPayback,
    /// Growth crossover: the first `k >= 1` with
    /// `revenue_growth_j >= spending_growth_j` for every
    /// `j = k, ..., k + sustain - 1` (both trailing-year growth rates).
    GrowthCrossover {
        /// Consecutive quarters the condition must hold (`>= 1`).
        sustain: usize,
    },
}

/// The serialised form of [`Definition`], validated on the way in.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum DefinitionParams {
    FlowCrossover {
        #[serde(default = "one")]
        sustain: usize,
    },
    RevenueOverSpending {
        #[serde(default = "one")]
        sustain: usize,
    },
    CumulativePayback,
    DiscountedPayback,
    GrowthCrossover {
        #[serde(default = "one")]
        sustain: usize,
    },
}

fn one() -> usize {
    1
}

impl TryFrom<DefinitionParams> for Definition {
    type Error = Error;

    fn try_from(p: DefinitionParams) -> Result<Self> {
        match p {
            DefinitionParams::FlowCrossover { sustain } => Definition::FlowCrossover { sustain },
            DefinitionParams::RevenueOverSpending { sustain } => {
                Definition::RevenueOverSpending { sustain }
            }
            DefinitionParams::CumulativePayback => Definition::CumulativePayback,
            DefinitionParams::DiscountedPayback => Definition::DiscountedPayback,
            DefinitionParams::GrowthCrossover { sustain } => {
                Definition::GrowthCrossover { sustain }
            }
        }
        .validate()
    }
}

/// Base keys of the definitions, for error messages.
const BASE_KEYS: [&str; 5] = [
    "flow_crossover",
    "revenue_over_spending",
    "cumulative_payback",
    "discounted_payback",
    "growth_crossover",
];

impl Definition {
    /// The definitions reported by default: flow crossover (1 quarter), flow
    /// crossover sustained 4 quarters, revenue over spending (1 quarter), cumulative
    /// payback, discounted payback, growth crossover sustained 4 quarters.
    pub fn standard() -> Vec<Definition> {
        vec![
            Definition::FlowCrossover { sustain: 1 },
            Definition::FlowCrossover { sustain: 4 },
            Definition::RevenueOverSpending { sustain: 1 },
            Definition::CumulativePayback,
            Definition::DiscountedPayback,
            Definition::GrowthCrossover { sustain: 4 },
        ]
    }

    /// Returns the definition if `sustain >= 1`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `sustain` when it is 0.
    pub fn validate(self) -> Result<Self> {
        check::positive_count("sustain", self.sustain())?;
        Ok(self)
    }

    /// The consecutive quarters the condition must hold (1 for the paybacks).
    pub fn sustain(&self) -> usize {
        match *self {
            Definition::FlowCrossover { sustain }
            | Definition::RevenueOverSpending { sustain }
            | Definition::GrowthCrossover { sustain } => sustain,
            Definition::CumulativePayback | Definition::DiscountedPayback => 1,
        }
    }

    fn base_key(&self) -> &'static str {
        match self {
            Definition::FlowCrossover { .. } => "flow_crossover",
            Definition::RevenueOverSpending { .. } => "revenue_over_spending",
            Definition::CumulativePayback => "cumulative_payback",
            Definition::DiscountedPayback => "discounted_payback",
            Definition::GrowthCrossover { .. } => "growth_crossover",
        }
    }

    /// A stable snake-case identifier: the base name (`flow_crossover`,
    /// `revenue_over_spending`, `cumulative_payback`, `discounted_payback`,
    /// `growth_crossover`), followed by `_<s>q` when `sustain = s > 1`, e.g.
    /// `flow_crossover_4q`. Used as the first-passage rule's name in a run.
    pub fn key(&self) -> String {
        match self.sustain() {
            1 => self.base_key().to_owned(),
            s => format!("{}_{s}q", self.base_key()),
        }
    }

    /// Parses a [`key`](Definition::key) back (a `_1q` suffix is accepted too).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `definition` for an unknown key, a
    /// suffix on a payback, or a zero sustain.
    ///
    /// ```
    /// use outpace::analysis::Definition;
    /// for d in Definition::standard() {
    ///     assert_eq!(Definition::from_key(&d.key())?, d);
    /// }
    /// assert!(Definition::from_key("cumulative_payback_4q").is_err());
    /// # Ok::<(), outpace::Error>(())
    /// ```
    pub fn from_key(key: &str) -> Result<Self> {
        let unknown = || {
            Error::invalid(
                "definition",
                key,
                format!(
                    "must be one of {}, the sustained ones optionally followed by `_<n>q` (n >= 1)",
                    BASE_KEYS.join(", ")
                ),
            )
        };
        let (base, sustain) = split_sustain(key).ok_or_else(unknown)?;
        let definition = match (base, sustain) {
            ("cumulative_payback", None) => Definition::CumulativePayback,
            ("discounted_payback", None) => Definition::DiscountedPayback,
            ("flow_crossover", s) => Definition::FlowCrossover {
                sustain: s.unwrap_or(1),
            },
            ("revenue_over_spending", s) => Definition::RevenueOverSpending {
                sustain: s.unwrap_or(1),
            },
            ("growth_crossover", s) => Definition::GrowthCrossover {
                sustain: s.unwrap_or(1),
            },
            _ => return Err(unknown()),
        };
        definition.validate().map_err(|_| unknown())
    }

    /// A short human label, e.g. "Free cash flow break-even (4q running)".
    pub fn title(&self) -> String {
        let base = match self {
            Definition::FlowCrossover { .. } => "Free cash flow break-even",
            Definition::RevenueOverSpending { .. } => "Revenue covers spending",
            Definition::CumulativePayback => "Cumulative payback",
            Definition::DiscountedPayback => "Discounted payback",
            Definition::GrowthCrossover { .. } => "Growth crossover",
        };
        match self.sustain() {
            1 => base.to_owned(),
            s => format!("{base} ({s}q running)"),
        }
    }

    /// One sentence stating the definition.
    pub fn description(&self) -> String {
        let condition = match self {
            Definition::FlowCrossover { .. } => "free cash flow is at least zero",
            Definition::RevenueOverSpending { .. } => {
                "revenue is at least cash spending (operating costs plus capex)"
            }
            Definition::CumulativePayback => {
                "free cash flow summed from the first simulated quarter is at least zero"
            }
            Definition::DiscountedPayback => {
                "free cash flow discounted to the start and summed from the first \
                 simulated quarter is at least zero"
            }
            Definition::GrowthCrossover { .. } => {
                "trailing-year revenue growth is at least trailing-year spending growth"
            }
        };
        match self.sustain() {
            1 => format!("The first simulated quarter in which {condition}."),
            s => format!(
                "The first simulated quarter from which {condition} for {s} consecutive quarters."
            ),
        }
    }

    /// The first-passage rule, to request from a run under [`key`](Definition::key):
    /// `simulation.first_passage(d.key(), d.rule())`. Starts at point 1 and holds
    /// for `sustain` points.
    pub fn rule(&self) -> FirstPassage {
        let (name, barrier) = match self {
            Definition::FlowCrossover { .. } => (series::FREE_CASH_FLOW, Barrier::Level(0.0)),
            Definition::RevenueOverSpending { .. } => (
                series::REVENUE,
                Barrier::Series(series::SPENDING.to_owned()),
            ),
            Definition::CumulativePayback => (series::CUMULATIVE_FCF, Barrier::Level(0.0)),
            Definition::DiscountedPayback => {
                (series::DISCOUNTED_CUMULATIVE_FCF, Barrier::Level(0.0))
            }
            Definition::GrowthCrossover { .. } => (
                series::REVENUE_GROWTH,
                Barrier::Series(series::SPENDING_GROWTH.to_owned()),
            ),
        };
        FirstPassage::above(name, barrier)
            .starting_at(1)
            .hold(self.sustain())
    }

    /// The passage times a run recorded under [`key`](Definition::key).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `definition` when the run did not request
    /// this rule.
    pub fn passage<'a>(&self, outcome: &'a Outcome) -> Result<&'a PassageTimes> {
        let key = self.key();
        outcome.passage(&key).ok_or_else(|| {
            let requested: Vec<&str> = outcome.all_passages().iter().map(|p| p.name()).collect();
            Error::invalid(
                "definition",
                &key,
                format!(
                    "was not requested from the run (request it with `first_passage(d.key(), d.rule())`; \
                     the run has [{}])",
                    requested.join(", ")
                ),
            )
        })
    }
}

/// Splits `base_<n>q` into `(base, Some(n))`, or returns `(key, None)`; `None` for a
/// malformed suffix.
fn split_sustain(key: &str) -> Option<(&str, Option<usize>)> {
    let Some(stripped) = key.strip_suffix('q') else {
        return Some((key, None));
    };
    let Some((base, digits)) = stripped.rsplit_once('_') else {
        return Some((key, None));
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some((key, None));
    }
    digits.parse().ok().map(|n| (base, Some(n)))
}

/// The distribution of the break-even time under one [`Definition`], with
/// confidence intervals.
///
/// With `n` paths of which `m` break even within the horizon, and `T_i` the
/// break-even period of path `i`:
/// * `cdf[k]` is `P(T <= k)` for `k = 0..=steps`, estimated by
///   `#{i : T_i <= k} / n` with its Wilson interval (censored paths count as not
///   yet broken even; `cdf[0] = 0` since every definition starts at period 1);
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
    definition: Definition,
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
    /// The break-even distribution from the passage times of `definition`'s rule,
    /// with Wilson intervals at `confidence` (e.g. `0.95`).
    ///
    /// # Errors
    /// An invalid `definition` (`sustain = 0`), `confidence` not strictly between 0
    /// and 1, or passage times with no path.
    pub fn from_passage(
        definition: Definition,
        passage: &PassageTimes,
        confidence: f64,
    ) -> Result<Self> {
        let definition = definition.validate()?;
        let paths = check::positive_count("paths", passage.paths())?;
        let cdf = passage.cdf(confidence)?;
        let reached = passage.passed();
        let within_horizon = wilson(reached, paths as u64, confidence)?;
        Ok(BreakEven {
            definition,
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
    /// run recorded under `definition.key()`.
    ///
    /// # Errors
    /// As [`from_passage`](BreakEven::from_passage), or when the run did not
    /// request the rule ([`Definition::passage`]).
    pub fn from_outcome(
        definition: Definition,
        outcome: &Outcome,
        confidence: f64,
    ) -> Result<Self> {
        Self::from_passage(definition, definition.passage(outcome)?, confidence)
    }

    /// The definition.
    pub fn definition(&self) -> Definition {
        self.definition
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
    use crate::engine::Hold;

    const CENSORED: u32 = u32::MAX;

    fn passage(steps: usize, times: Vec<u32>) -> PassageTimes {
        PassageTimes::new("x".into(), steps, times)
    }

    #[test]
    fn keys_titles_and_rules() {
        let keys: Vec<String> = Definition::standard().iter().map(|d| d.key()).collect();
        assert_eq!(
            keys,
            [
                "flow_crossover",
                "flow_crossover_4q",
                "revenue_over_spending",
                "cumulative_payback",
                "discounted_payback",
                "growth_crossover_4q"
            ]
        );
        let d = Definition::GrowthCrossover { sustain: 4 };
        assert_eq!(d.title(), "Growth crossover (4q running)");
        assert!(d.description().contains("4 consecutive quarters"));
        let rule = d.rule();
        assert_eq!(rule.start(), 1);
        assert_eq!(rule.holding(), Hold::Steps(4));
        assert_eq!(
            Definition::CumulativePayback.rule().holding(),
            Hold::Steps(1)
        );
        assert_eq!(
            Definition::RevenueOverSpending { sustain: 1 }.rule(),
            FirstPassage::above("revenue", Barrier::Series("spending".into())).starting_at(1)
        );
    }

    #[test]
    fn zero_sustain_is_rejected() {
        for d in [
            Definition::FlowCrossover { sustain: 0 },
            Definition::RevenueOverSpending { sustain: 0 },
            Definition::GrowthCrossover { sustain: 0 },
        ] {
            let err = d.validate().unwrap_err().to_string();
            assert!(err.contains("`sustain` = 0"), "{err}");
            assert!(BreakEven::from_passage(d, &passage(2, vec![1]), 0.95).is_err());
        }
        assert!(Definition::DiscountedPayback.validate().is_ok());
    }

    #[test]
    fn keys_parse_back() {
        for d in Definition::standard() {
            assert_eq!(Definition::from_key(&d.key()).unwrap(), d);
        }
        assert_eq!(
            Definition::from_key("revenue_over_spending_12q").unwrap(),
            Definition::RevenueOverSpending { sustain: 12 }
        );
        assert_eq!(
            Definition::from_key("flow_crossover_1q").unwrap(),
            Definition::FlowCrossover { sustain: 1 }
        );
        for bad in [
            "flow_crossover_0q",
            "payback",
            "discounted_payback_2q",
            "flow_crossover_q",
            "flow_crossover_99999999999999999999999q",
            "",
        ] {
            let err = Definition::from_key(bad).unwrap_err().to_string();
            assert!(err.contains("`definition`"), "{bad}: {err}");
        }
    }

    #[test]
    fn serde_round_trip_and_validation() {
        for d in Definition::standard() {
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(serde_json::from_str::<Definition>(&json).unwrap(), d);
        }
        assert_eq!(
            serde_json::to_string(&Definition::FlowCrossover { sustain: 4 }).unwrap(),
            r#"{"flow_crossover":{"sustain":4}}"#
        );
        assert_eq!(
            serde_json::from_str::<Definition>(r#"{"growth_crossover":{}}"#).unwrap(),
            Definition::GrowthCrossover { sustain: 1 }
        );
        let zero = serde_json::from_str::<Definition>(r#"{"flow_crossover":{"sustain":0}}"#);
        assert!(zero.unwrap_err().to_string().contains("sustain"));
        let unknown =
            serde_json::from_str::<Definition>(r#"{"flow_crossover":{"sustain":1,"x":2}}"#);
        assert!(unknown.is_err());
        assert!(serde_json::from_str::<Definition>(r#""npv_payback""#).is_err());
        #[derive(Deserialize)]
        struct Wrapper {
            definition: Definition,
        }
        let toml_def = |text: &str| toml::from_str::<Wrapper>(text).map(|w| w.definition);
        assert_eq!(
            toml_def(r#"definition = "discounted_payback""#).unwrap(),
            Definition::DiscountedPayback
        );
        assert_eq!(
            toml_def("definition = { revenue_over_spending = { sustain = 2 } }").unwrap(),
            Definition::RevenueOverSpending { sustain: 2 }
        );
        assert!(toml_def("definition = { flow_crossover = { sustain = 0 } }").is_err());
    }

    #[test]
    fn no_path_reaches() {
        let p = passage(3, vec![CENSORED; 5]);
        let b = BreakEven::from_passage(Definition::CumulativePayback, &p, 0.9).unwrap();
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
        let b = BreakEven::from_passage(Definition::DiscountedPayback, &p, 0.95).unwrap();
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
        let d = Definition::CumulativePayback;
        for c in [0.0, 1.0, f64::NAN, 1.5] {
            let err = BreakEven::from_passage(d, &p, c).unwrap_err().to_string();
            assert!(err.contains("`confidence`"), "{err}");
        }
        let empty = passage(2, vec![]);
        let err = BreakEven::from_passage(d, &empty, 0.95).unwrap_err();
        assert!(err.to_string().contains("`paths`"));
    }

    #[test]
    fn break_even_serde_round_trip() {
        let p = passage(3, vec![1, 3, CENSORED, 2]);
        let b =
            BreakEven::from_passage(Definition::FlowCrossover { sustain: 2 }, &p, 0.95).unwrap();
        // Through a JSON value: serde_json's text parser (without its
        // `float_roundtrip` feature) may change the last bit of a float.
        let json = serde_json::to_value(&b).unwrap();
        assert_eq!(serde_json::from_value::<BreakEven>(json).unwrap(), b);
    }
}
