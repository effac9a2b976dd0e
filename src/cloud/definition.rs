//! The cloud model's standard break-even definitions, as [`Rule`]s.

use super::series;

/// Quarters in the windows of the growth crossover.
const YEAR: usize = 4;
use crate::analysis::Rule;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// The cloud model's standard break-even definitions: each is a [`Rule`] on the
/// series of the cloud model ([`crate::cloud::series`]), with a stable key.
///
/// Periods are the points of the quarterly grid: point 0 is the last observed
/// quarter and points `k = 1..=steps` are the simulated quarters. Every definition
/// counts **simulated quarters only** (`k >= 1`, see [`Rule`]): an observed quarter that already meets the
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
/// use outpace::cloud::Definition;
/// let definition = Definition::FlowCrossover { sustain: 4 };
/// assert_eq!(definition.key(), "flow_crossover_4q");
/// let rule = definition.rule();
/// assert_eq!(rule.key(), "flow_crossover_4q");
/// assert_eq!(rule.condition().as_str(), "free_cash_flow >= 0");
/// assert_eq!(rule.sustain(), Some(4));
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
    /// Growth crossover: revenue growth overtakes spending growth from below. With
    /// `g_X(k) = (X_{k-3} + ... + X_k) / (X_{k-7} + ... + X_{k-4}) - 1` the growth
    /// of the last four simulated quarters over the four before (defined from
    /// `k = 8`, on windows the simulation fills, not on the observed history), the
    /// first `k` with `g_revenue(j) >= g_spending(j)` for every
    /// `j = k, ..., k + sustain - 1` and `g_revenue(k - 1) < g_spending(k - 1)`:
    /// a crossing, not a condition that already holds when the windows fill.
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
    /// use outpace::cloud::Definition;
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
                "trailing-year revenue growth, having been below trailing-year spending \
                 growth in the quarter before, is at least spending growth (growth over \
                 simulated quarters only)"
            }
        };
        match self.sustain() {
            1 => format!("The first simulated quarter in which {condition}."),
            s => format!(
                "The first simulated quarter from which {condition} for {s} consecutive quarters."
            ),
        }
    }

    /// The condition, over the cloud model's series.
    fn condition(&self) -> String {
        let (series, barrier) = match self {
            Definition::FlowCrossover { .. } => (series::FREE_CASH_FLOW, "0"),
            Definition::RevenueOverSpending { .. } => (series::REVENUE, series::SPENDING),
            Definition::CumulativePayback => (series::CUMULATIVE_FCF, "0"),
            Definition::DiscountedPayback => (series::DISCOUNTED_CUMULATIVE_FCF, "0"),
            Definition::GrowthCrossover { .. } => {
                return format!(
                    "growth({}, {YEAR}) >= growth({}, {YEAR})",
                    series::REVENUE,
                    series::SPENDING
                );
            }
        };
        format!("{series} >= {barrier}")
    }

    /// The definition as a [`Rule`]: key, title, description, the condition and
    /// `sustain` (and the crossing requirement of the growth crossover).
    pub fn rule(&self) -> Rule {
        let rule = Rule::new(&self.key(), &self.title(), &self.condition())
            .and_then(|r| r.sustained(self.sustain()))
            .map(|r| r.described(&self.description()))
            .expect("the standard definitions are valid rules");
        match self {
            Definition::GrowthCrossover { .. } => rule.crossing(),
            _ => rule,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Hold;

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
        let rule = d.rule().passage();
        assert_eq!(rule.start(), 1);
        assert_eq!(rule.holding(), Hold::Steps(4));
        assert_eq!(
            Definition::CumulativePayback.rule().passage().holding(),
            Hold::Steps(1)
        );
        assert_eq!(
            Definition::RevenueOverSpending { sustain: 1 }
                .rule()
                .condition()
                .as_str(),
            "revenue >= spending"
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
}
