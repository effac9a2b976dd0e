//! Break-even rules as data: a key, a title, a description, a condition over
//! named series and a holding requirement.

use crate::engine::{Condition, FirstPassage, Hold, PassageTimes};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Longest key, in bytes.
const MAX_KEY: usize = 64;

/// What "break-even" means: the first simulated period from which a
/// [`Condition`] over the model's series holds, for a number of consecutive
/// periods or to the horizon, optionally only where it crosses from false to true.
///
/// Periods are the points of the model's grid: point 0 is the last observed
/// period (or the start) and points `k = 1..=steps` are simulated. A rule counts
/// **simulated periods only** (`k >= 1`), and the functions of its condition see
/// only those (so `cumsum(free_cash_flow)` sums from the first simulated period
/// and `growth(revenue, 4)` is defined from point 8 on). The break-even time `T`
/// of a path is the smallest qualifying `k`; a path with none within the horizon
/// is censored (it does not break even within the horizon), never counted at the
/// horizon. With `sustain = s`, the condition must hold at `k, ..., k + s - 1`,
/// all within the horizon; with [`to_horizon`](Rule::to_horizon), at every point
/// from `k` to the horizon; with [`crossing`](Rule::crossing), the point `k - 1`
/// must be one where the condition is defined and false. See
/// [`FirstPassage`] for the engine's statement of the same rule.
///
/// **In files** a rule is a table:
///
/// ```toml
/// [[rules]]
/// key = "ebita_positive_4q"
/// title = "EBITA positive (4q running)"
/// description = "The first quarter from which EBITA is positive for four quarters."
/// when = "ebita > 0"
/// sustain = 4          # or "horizon"; 1 when omitted
/// crossing = false     # optional
/// ```
///
/// Keys are snake case (`[a-z][a-z0-9_]*`, at most 64 bytes): they name the
/// rule in every file outpace writes.
///
/// ```
/// use outpace::analysis::Rule;
/// let rule = Rule::new("ebita_positive", "EBITA positive", "ebita > 0")?
///     .described("The first quarter with positive EBITA.")
///     .sustained(4)?;
/// assert_eq!(rule.sustain(), Some(4));
/// assert_eq!(rule.condition().as_str(), "ebita > 0");
/// let text = toml::to_string(&rule).unwrap();
/// assert_eq!(toml::from_str::<Rule>(&text).unwrap(), rule);
/// assert!(Rule::new("Bad Key", "t", "x >= 0").is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    key: String,
    title: String,
    description: String,
    when: Condition,
    hold: Hold,
    crossing: bool,
}

impl Rule {
    /// A rule that holds once reached (`sustain = 1`), with an empty description.
    ///
    /// # Errors
    /// An invalid `key` (see above), an empty `title`, or a `condition` that does
    /// not parse ([`Condition::parse`]).
    pub fn new(key: &str, title: &str, condition: &str) -> Result<Rule> {
        Rule::from_parts(key, title, Condition::parse(condition)?)
    }

    /// Like [`new`](Rule::new), with a parsed condition.
    ///
    /// # Errors
    /// An invalid `key` or an empty `title`.
    pub fn from_parts(key: &str, title: &str, condition: Condition) -> Result<Rule> {
        check_key(key)?;
        if title.trim().is_empty() {
            return Err(Error::invalid("title", "\"\"", "must not be empty"));
        }
        Ok(Rule {
            key: key.to_owned(),
            title: title.to_owned(),
            description: String::new(),
            when: condition,
            hold: Hold::Steps(1),
            crossing: false,
        })
    }

    /// The rule with a one-sentence description.
    #[must_use]
    pub fn described(mut self, description: &str) -> Rule {
        self.description = description.to_owned();
        self
    }

    /// The rule held for `periods` consecutive periods.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `sustain` when `periods` is 0.
    pub fn sustained(mut self, periods: usize) -> Result<Rule> {
        check::positive_count("sustain", periods)?;
        self.hold = Hold::Steps(periods);
        Ok(self)
    }

    /// The rule held from the passage to the horizon.
    #[must_use]
    pub fn to_horizon(mut self) -> Rule {
        self.hold = Hold::ToHorizon;
        self
    }

    /// The rule counted only where its condition crosses from false to true.
    #[must_use]
    pub fn crossing(mut self) -> Rule {
        self.crossing = true;
        self
    }

    /// The stable identifier, e.g. `flow_crossover_4q`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// A short human label.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// One sentence stating the rule (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The condition.
    pub fn condition(&self) -> &Condition {
        &self.when
    }

    /// The holding requirement.
    pub fn hold(&self) -> Hold {
        self.hold
    }

    /// Consecutive periods the condition must hold, `None` when it must hold to
    /// the horizon.
    pub fn sustain(&self) -> Option<usize> {
        match self.hold {
            Hold::Steps(s) => Some(s),
            Hold::ToHorizon => None,
        }
    }

    /// Whether only crossings from false to true count.
    pub fn is_crossing(&self) -> bool {
        self.crossing
    }

    /// The engine's first-passage rule, to request under [`key`](Rule::key): starts
    /// at point 1, with the holding and crossing requirements.
    pub fn passage(&self) -> FirstPassage {
        let rule = FirstPassage::when(self.when.clone()).starting_at(1);
        let rule = match self.hold {
            Hold::Steps(s) => rule.hold(s),
            Hold::ToHorizon => rule.held_to_horizon(),
        };
        if self.crossing { rule.crossing() } else { rule }
    }
}

/// How [`PassageTimes`] stores a censored path (the engine's marker, checked by
/// the tests through [`PassageTimes::time`]).
const CENSORED_TIME: u32 = u32::MAX;

impl Rule {
    /// The passage times of this rule over the first `span` periods, from the
    /// passage times `times` of a run over `times.steps() >= span` periods.
    ///
    /// With `sustain = s`, the break-even time `T` of a path is the start of the
    /// first run of `s` periods in which the condition holds, and it is known at
    /// the period `T + s - 1` at which that run completes; the condition at `k`
    /// depends on the periods up to `k` only (every function of a
    /// [`Condition`] looks back: `lag`, `growth`, `cumsum`, ...), and the crossing
    /// requirement on the period `T - 1`. So over the first `span` periods the
    /// break-even time is
    ///
    /// `T_span = T` if `T + s - 1 <= span`, censored otherwise,
    ///
    /// and this is **exact** (the same times as a run over `span` periods) for
    /// every path whose first `span` periods are the same whatever the horizon
    /// ([`StudyModel::horizon_independent`](super::StudyModel::horizon_independent)).
    /// A rule held [`to_horizon`](Rule::to_horizon) depends on every period up to
    /// the horizon, so it cannot be truncated: it is an error unless
    /// `span = times.steps()`.
    ///
    /// ```
    /// use outpace::analysis::{Described, Rule, Study, StudyOptions};
    /// use outpace::calendar::Calendar;
    /// use outpace::engine::ProcessModel;
    /// use outpace::process::Ou;
    ///
    /// let rule = Rule::new("positive_4q", "Cash flow positive (4q)", "fcf >= 0")?.sustained(4)?;
    /// let study = |quarters| {
    ///     let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
    ///     let start = Calendar::Quarterly { start: "2026Q1".parse()? };
    ///     let model = Described::new("recovery", fcf, start, quarters).rule(rule.clone());
    ///     Study::run(&model, &StudyOptions { paths: 500, ..StudyOptions::default() })
    /// };
    /// let (long, short) = (study(40)?, study(12)?);
    /// let times = |s: &Study| s.outcome().passage("positive_4q").unwrap().clone();
    /// assert_eq!(rule.truncate(&times(&long), 12)?, times(&short));
    /// # Ok::<(), outpace::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `span` when it exceeds `times.steps()`,
    /// or is shorter for a rule held to the horizon.
    pub fn truncate(&self, times: &PassageTimes, span: usize) -> Result<PassageTimes> {
        let steps = times.steps();
        if span > steps {
            return Err(Error::invalid(
                "span",
                span,
                format!("must not exceed the run's {steps} periods"),
            ));
        }
        let Some(sustain) = self.sustain() else {
            if span == steps {
                return Ok(times.clone());
            }
            return Err(Error::invalid(
                "span",
                span,
                format!(
                    "rule `{}` must hold to the horizon, so its break-even time over {steps} \
                     periods says nothing of a shorter span: compare it over equal horizons",
                    self.key
                ),
            ));
        };
        let kept = times
            .times()
            .map(|t| match t {
                Some(t) if t + sustain - 1 <= span => t as u32,
                _ => CENSORED_TIME,
            })
            .collect();
        Ok(PassageTimes::new(times.name().to_owned(), span, kept))
    }
}

fn check_key(key: &str) -> Result<()> {
    let well_formed = key.len() <= MAX_KEY
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid(
            "key",
            format!("\"{key}\""),
            format!(
                "must be snake case: a lowercase letter, then lowercase letters, digits or `_`, \
                 at most {MAX_KEY} bytes"
            ),
        ))
    }
}

/// How long a rule's condition must hold, in files: a count or `"horizon"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sustain {
    Periods(usize),
    Horizon,
}

impl Serialize for Sustain {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Sustain::Periods(n) => s.serialize_u64(*n as u64),
            Sustain::Horizon => s.serialize_str("horizon"),
        }
    }
}

impl<'de> Deserialize<'de> for Sustain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Sustain;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of periods >= 1 or \"horizon\"")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<Sustain, E> {
                usize::try_from(n)
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(Sustain::Periods)
                    .ok_or_else(|| E::custom(format!("sustain = {n}: must be >= 1")))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> std::result::Result<Sustain, E> {
                u64::try_from(n)
                    .map_err(|_| E::custom(format!("sustain = {n}: must be >= 1")))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Sustain, E> {
                if s == "horizon" {
                    Ok(Sustain::Horizon)
                } else {
                    Err(E::custom(format!(
                        "sustain = \"{s}\": must be a whole number >= 1 or \"horizon\""
                    )))
                }
            }
        }
        d.deserialize_any(Visit)
    }
}

/// The file form of a [`Rule`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    key: String,
    title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    when: Condition,
    #[serde(default = "one")]
    sustain: Sustain,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    crossing: bool,
}

fn one() -> Sustain {
    Sustain::Periods(1)
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        RuleSpec {
            key: self.key.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            when: self.when.clone(),
            sustain: match self.hold {
                Hold::Steps(n) => Sustain::Periods(n),
                Hold::ToHorizon => Sustain::Horizon,
            },
            crossing: self.crossing,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let spec = RuleSpec::deserialize(d)?;
        let rule = Rule::from_parts(&spec.key, &spec.title, spec.when)
            .map_err(serde::de::Error::custom)?
            .described(&spec.description);
        let rule = match spec.sustain {
            Sustain::Periods(n) => rule.sustained(n).map_err(serde::de::Error::custom)?,
            Sustain::Horizon => rule.to_horizon(),
        };
        Ok(if spec.crossing { rule.crossing() } else { rule })
    }
}

/// Checks that `rules` have distinct keys.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `rules` and the repeated key.
pub(crate) fn check_distinct(rules: &[Rule]) -> Result<()> {
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i].iter().any(|r| r.key == rule.key) {
            return Err(Error::invalid(
                "rules",
                format!("\"{}\"", rule.key),
                "keys must be distinct",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_titles_and_holding_are_validated() {
        for bad in ["", "Flow", "1flow", "flow-crossover", &"a".repeat(65)] {
            let err = Rule::new(bad, "t", "x >= 0").unwrap_err().to_string();
            assert!(err.contains("`key`"), "{bad}: {err}");
        }
        assert!(Rule::new("flow", " ", "x >= 0").is_err());
        assert!(Rule::new("flow", "t", "x >=").is_err());
        let err = Rule::new("flow", "t", "x >= 0")
            .unwrap()
            .sustained(0)
            .unwrap_err();
        assert!(err.to_string().contains("`sustain` = 0"));
        let r = Rule::new("flow", "t", "x >= 0")
            .unwrap()
            .to_horizon()
            .crossing();
        assert_eq!(r.sustain(), None);
        let passage = r.passage();
        assert_eq!(passage.start(), 1);
        assert_eq!(passage.holding(), Hold::ToHorizon);
        assert!(passage.is_crossing());
    }

    #[test]
    fn file_form_round_trips_and_rejects_bad_fields() {
        let text = r#"
            key = "ebita_positive"
            title = "EBITA positive"
            when = "ebita > 0"
            sustain = "horizon"
            crossing = true
        "#;
        let rule: Rule = toml::from_str(text).unwrap();
        assert_eq!(rule.hold(), Hold::ToHorizon);
        assert!(rule.is_crossing());
        assert_eq!(
            toml::from_str::<Rule>(&toml::to_string(&rule).unwrap()).unwrap(),
            rule
        );
        let minimal: Rule =
            serde_json::from_str(r#"{"key":"a","title":"A","when":"x >= 1"}"#).unwrap();
        assert_eq!(minimal.sustain(), Some(1));
        for (bad, what) in [
            (
                r#"{"key":"a","title":"A","when":"x >= 1","sustain":0}"#,
                "must be >= 1",
            ),
            (
                r#"{"key":"a","title":"A","when":"x >= 1","sustain":-2}"#,
                "must be >= 1",
            ),
            (
                r#"{"key":"a","title":"A","when":"x >= 1","sustain":"always"}"#,
                "\"horizon\"",
            ),
            (r#"{"key":"a","title":"A","when":"x >="}"#, "`condition`"),
            (r#"{"key":"A","title":"A","when":"x >= 1"}"#, "`key`"),
            (
                r#"{"key":"a","title":"A","when":"x >= 1","extra":1}"#,
                "unknown field",
            ),
        ] {
            let err = serde_json::from_str::<Rule>(bad).unwrap_err().to_string();
            assert!(err.contains(what), "{bad}: {err}");
        }
    }

    fn passage(steps: usize, times: &[Option<usize>]) -> PassageTimes {
        let encoded = times
            .iter()
            .map(|t| t.map_or(CENSORED_TIME, |t| t as u32))
            .collect();
        PassageTimes::new("r".into(), steps, encoded)
    }

    #[test]
    fn truncation_keeps_the_passages_whose_window_completes_within_the_span() {
        let once = Rule::new("r", "R", "x >= 0").unwrap();
        let held = once.clone().sustained(4).unwrap();
        let times = passage(8, &[Some(1), Some(2), Some(3), None, Some(5), Some(8)]);
        let cut = once.truncate(&times, 5).unwrap();
        assert_eq!(cut.steps(), 5);
        assert_eq!(
            cut.times().collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3), None, Some(5), None]
        );
        // Sustained 4 periods: T is known at T + 3, so only T <= 2 is within 5
        // periods. A truncation that ignored the window (`T <= span`) would keep
        // 3 and 5 and fail here.
        let cut = held.truncate(&times, 5).unwrap();
        assert_eq!(
            cut.times().collect::<Vec<_>>(),
            [Some(1), Some(2), None, None, None, None]
        );
        assert_eq!(once.truncate(&times, 8).unwrap(), times);
        let err = once.truncate(&times, 9).unwrap_err().to_string();
        assert!(err.contains("`span` = 9"), "{err}");
        let forever = once.clone().to_horizon();
        assert_eq!(forever.truncate(&times, 8).unwrap(), times);
        let err = forever.truncate(&times, 5).unwrap_err().to_string();
        assert!(err.contains("hold to the horizon"), "{err}");
    }

    /// The exact identity behind truncation: on random condition sequences, the
    /// passage time over the first `span` points is the truncated passage time
    /// over the whole sequence, for every holding length and span.
    #[test]
    fn truncation_equals_the_passage_over_the_span() {
        use crate::engine::{Component, PassageTracker, PathStreams};
        use rand::RngExt;
        let track = |hold: usize, conditions: &[bool]| {
            let mut tracker = PassageTracker::new(Hold::Steps(hold));
            // Rules start at point 1.
            for (k, &c) in conditions.iter().enumerate().skip(1) {
                tracker.observe(k, c);
            }
            tracker.passage()
        };
        let steps = 12;
        for sequence in 0..400u64 {
            let mut rng = PathStreams::new(5, sequence).rng(Component::new(1));
            let share = 0.3 + 0.5 * (sequence % 3) as f64 / 2.0;
            let conditions: Vec<bool> = (0..=steps).map(|_| rng.random::<f64>() < share).collect();
            for hold in 1..=5 {
                let rule = Rule::new("r", "R", "x >= 0")
                    .unwrap()
                    .sustained(hold)
                    .unwrap();
                let full = passage(steps, &[track(hold, &conditions)]);
                for span in 0..=steps {
                    let expected = track(hold, &conditions[..=span]);
                    let cut = rule.truncate(&full, span).unwrap();
                    assert_eq!(
                        cut.time(0),
                        expected,
                        "{conditions:?}, hold {hold}, span {span}"
                    );
                }
            }
        }
    }

    #[test]
    fn repeated_keys_are_refused() {
        let a = Rule::new("a", "A", "x >= 0").unwrap();
        assert!(check_distinct(&[a.clone(), a.clone()]).is_err());
        assert!(check_distinct(&[a]).is_ok());
    }
}
