//! First-passage detection: the first step at which one series reaches another

use super::condition::{Compare, Condition, Program};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Which side of the barrier counts as reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The series is at or above the barrier (`x >= b`).
    Above,
    /// The series is at or below the barrier (`x <= b`).
    Below,
}

/// What a series is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Barrier {
    /// A fixed level.
    Level(f64),
    /// Another series of the same model, at the same step.
    Series(String),
}

/// How long the condition must hold once reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// For this many consecutive points (`1` = reached once is enough).
    Steps(usize),
    /// At every point from the passage to the horizon.
    ToHorizon,
}

/// A first-passage rule in terms of series names: the first point at which a
/// condition holds, optionally for several consecutive points.
///
/// The condition is either a comparison of one series with a level or another
/// series ([`above`](FirstPassage::above), [`below`](FirstPassage::below)), which
/// the engine tests in a vectorised scan, or any [`Condition`]
/// ([`when`](FirstPassage::when)), which it evaluates from the path's
/// observations. The engine resolves the rule against the model and keeps one
/// `u32` per path. [`PassageTracker`] applies the holding rule to any sequence of
/// conditions on its own.
///
/// # Definition
/// Let `C_k` be the condition at point `k = 0..=steps` (for example
/// `revenue_k >= spending_k`); a [`Condition`] may also be *undefined* at a point
/// (a window reaching before the first point), which counts as not holding. With
/// `hold = h >= 1`, the passage time is the smallest `k` such that
/// `C_k, C_{k+1}, ..., C_{k+h-1}` all hold, with `k + h - 1 <= steps`. With
/// [`Hold::ToHorizon`] it is the smallest `k` such that `C_j` holds for every `j`
/// from `k` to `steps` ("from which on" it holds). With
/// [`starting_at`](FirstPassage::starting_at)`(s)`, only `k >= s` count, and a
/// [`Condition`]'s functions see only the points `s..=steps`. With
/// [`crossing`](FirstPassage::crossing), `k` must also follow a point at which the
/// condition is defined and false (`C_{k-1}` false, `k - 1 >= s`): the condition
/// becomes true by crossing, not by holding from the start. If no such `k` exists
/// within the horizon the path is **censored**: reported as not crossed, never as
/// the horizon.
///
/// ```
/// use outpace::engine::{Barrier, Condition, FirstPassage};
/// // Revenue at or above spending for four quarters running.
/// let rule = FirstPassage::above("revenue", Barrier::Series("spending".into())).hold(4);
/// // A price falling to a floor.
/// let floor = FirstPassage::below("price", Barrier::Level(0.5));
/// // Revenue growth overtaking spending growth from below.
/// let growth: Condition = "growth(revenue, 4) >= growth(spending, 4)".parse()?;
/// let overtakes = FirstPassage::when(growth).starting_at(1).crossing();
/// # let _ = (rule, floor, overtakes);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstPassage {
    test: Test,
    hold: Hold,
    start: usize,
    #[serde(default)]
    crossing: bool,
}

/// What a rule tests at each point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Test {
    /// `series >= barrier` (above) or `series <= barrier` (below).
    Barrier {
        series: String,
        direction: Direction,
        barrier: Barrier,
    },
    /// Any condition.
    Condition(Condition),
}

impl FirstPassage {
    /// The first point at which `series >= barrier`.
    pub fn above(series: impl Into<String>, barrier: Barrier) -> Self {
        Self::new(series, Direction::Above, barrier)
    }

    /// The first point at which `series <= barrier`.
    pub fn below(series: impl Into<String>, barrier: Barrier) -> Self {
        Self::new(series, Direction::Below, barrier)
    }

    /// A rule with an explicit direction, held for one point.
    pub fn new(series: impl Into<String>, direction: Direction, barrier: Barrier) -> Self {
        Self::with_test(Test::Barrier {
            series: series.into(),
            direction,
            barrier,
        })
    }

    /// The first point at which `condition` holds. A condition that is a single
    /// `>=` or `<=` comparison of a series with a number or a series gives the
    /// same passage times as [`above`](FirstPassage::above) or
    /// [`below`](FirstPassage::below).
    pub fn when(condition: Condition) -> Self {
        Self::with_test(Test::Condition(condition))
    }

    fn with_test(test: Test) -> Self {
        FirstPassage {
            test,
            hold: Hold::Steps(1),
            start: 0,
            crossing: false,
        }
    }

    /// Requires the condition to hold for `steps` consecutive points (validated when
    /// the simulation runs: `steps >= 1`).
    #[must_use]
    pub fn hold(mut self, steps: usize) -> Self {
        self.hold = Hold::Steps(steps);
        self
    }

    /// Requires the condition to hold from the passage to the horizon.
    #[must_use]
    pub fn held_to_horizon(mut self) -> Self {
        self.hold = Hold::ToHorizon;
        self
    }

    /// Ignores points before `point`: the passage time is at least `point` (for
    /// example 1, to skip a starting value that meets the condition trivially, like a
    /// cumulative sum that starts at zero).
    #[must_use]
    pub fn starting_at(mut self, point: usize) -> Self {
        self.start = point;
        self
    }

    /// Counts a passage only where the condition crosses from false to true: the
    /// point before the passage must be one at which the condition is defined and
    /// false.
    #[must_use]
    pub fn crossing(mut self) -> Self {
        self.crossing = true;
        self
    }

    /// The holding requirement.
    pub fn holding(&self) -> Hold {
        self.hold
    }

    /// The first point that counts.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Whether only crossings from false to true count.
    pub fn is_crossing(&self) -> bool {
        self.crossing
    }

    /// The names of the series the rule reads, sorted, each once.
    pub fn series(&self) -> Vec<&str> {
        match &self.test {
            Test::Barrier {
                series, barrier, ..
            } => {
                let mut names = vec![series.as_str()];
                if let Barrier::Series(other) = barrier {
                    names.push(other);
                }
                names.sort_unstable();
                names.dedup();
                names
            }
            Test::Condition(condition) => condition.series(),
        }
    }

    /// Resolves names to series indices of a model that emits `names`.
    pub(crate) fn resolve(&self, names: &[&str]) -> Result<ResolvedPassage> {
        if let Hold::Steps(0) = self.hold {
            return Err(Error::invalid("hold", 0, "must be >= 1 step"));
        }
        let kind = match (&self.test, self.crossing) {
            (Test::Barrier { .. }, false) => self.resolve_barrier(names)?,
            (Test::Condition(condition), false) => match condition.as_barrier() {
                Some((series, Compare::AtLeast, rhs)) => resolve_barrier(names, series, true, rhs)?,
                Some((series, Compare::AtMost, rhs)) => resolve_barrier(names, series, false, rhs)?,
                _ => PassageKind::Program(condition.compile(names)?),
            },
            (test, true) => PassageKind::Program(test_condition(test)?.compile(names)?),
        };
        Ok(ResolvedPassage {
            kind,
            hold: self.hold,
            start: self.start,
            crossing: self.crossing,
        })
    }

    fn resolve_barrier(&self, names: &[&str]) -> Result<PassageKind> {
        let Test::Barrier {
            series,
            direction,
            barrier,
        } = &self.test
        else {
            unreachable!("called on barrier tests only")
        };
        let rhs = match barrier {
            Barrier::Level(level) => Ok(*level),
            Barrier::Series(name) => Err(name.as_str()),
        };
        resolve_barrier(names, series, *direction == Direction::Above, rhs)
    }
}

/// A barrier test as a condition, for the evaluated path.
fn test_condition(test: &Test) -> Result<Condition> {
    match test {
        Test::Condition(condition) => Ok(condition.clone()),
        Test::Barrier {
            series,
            direction,
            barrier,
        } => {
            let op = match direction {
                Direction::Above => ">=",
                Direction::Below => "<=",
            };
            let rhs = match barrier {
                Barrier::Level(level) => {
                    crate::error::check::finite("barrier", *level)?;
                    format!("{level:e}")
                }
                Barrier::Series(name) => name.clone(),
            };
            Condition::parse(&format!("{series} {op} {rhs}"))
        }
    }
}

fn resolve_barrier(
    names: &[&str],
    series: &str,
    above: bool,
    rhs: std::result::Result<f64, &str>,
) -> Result<PassageKind> {
    let barrier = match rhs {
        Ok(level) => ResolvedBarrier::Level(crate::error::check::finite("barrier", level)?),
        Err(name) => ResolvedBarrier::Series(index_of(names, name)?),
    };
    Ok(PassageKind::Barrier {
        series: index_of(names, series)?,
        above,
        barrier,
    })
}

/// Index of `name` in `names`, or [`Error::UnknownSeries`].
pub(crate) fn index_of(names: &[&str], name: &str) -> Result<usize> {
    names
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| Error::UnknownSeries {
            name: name.to_owned(),
            available: names.join(", "),
        })
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum ResolvedBarrier {
    Level(f64),
    Series(usize),
}

/// How a resolved rule tests a point.
#[derive(Debug, Clone)]
pub(crate) enum PassageKind {
    /// `x >= b` (`above`) or `x <= b` on one series.
    Barrier {
        series: usize,
        above: bool,
        barrier: ResolvedBarrier,
    },
    /// A compiled condition.
    Program(Program),
}

/// A rule bound to series indices.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedPassage {
    pub(crate) kind: PassageKind,
    pub(crate) hold: Hold,
    pub(crate) start: usize,
    pub(crate) crossing: bool,
}

impl ResolvedPassage {
    /// Scratch values the rule needs to evaluate a path of `points` points.
    pub(crate) fn scratch_len(&self, points: usize) -> usize {
        match &self.kind {
            PassageKind::Barrier { .. } => 0,
            PassageKind::Program(program) => program.scratch_len(points),
        }
    }
}

/// Tracks one path's passage time from a sequence of per-point conditions.
///
/// ```
/// use outpace::engine::{Hold, PassageTracker};
/// let conditions = [false, true, false, true, true, true, false];
/// let mut tracker = PassageTracker::new(Hold::Steps(2));
/// for (k, &c) in conditions.iter().enumerate() {
///     tracker.observe(k, c);
/// }
/// assert_eq!(tracker.passage(), Some(3));
/// let mut forever = PassageTracker::new(Hold::ToHorizon);
/// for (k, &c) in conditions.iter().enumerate() {
///     forever.observe(k, c);
/// }
/// assert_eq!(forever.passage(), None); // fails at the last point
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassageTracker {
    hold: Hold,
    run_start: usize,
    run_len: usize,
    found: Option<usize>,
}

impl PassageTracker {
    /// A tracker for the given holding requirement, before any observation.
    pub fn new(hold: Hold) -> Self {
        PassageTracker {
            hold,
            run_start: 0,
            run_len: 0,
            found: None,
        }
    }

    /// Records whether the condition holds at point `k`; points must be observed in
    /// increasing order without gaps.
    #[inline(always)]
    pub fn observe(&mut self, k: usize, holds: bool) {
        if self.found.is_some() {
            return;
        }
        if !holds {
            self.run_len = 0;
            return;
        }
        if self.run_len == 0 {
            self.run_start = k;
        }
        self.run_len += 1;
        if let Hold::Steps(h) = self.hold
            && self.run_len >= h
        {
            self.found = Some(self.run_start);
        }
    }

    /// Whether the passage time is known whatever the remaining points hold.
    #[inline(always)]
    pub fn is_settled(&self) -> bool {
        self.found.is_some()
    }

    /// The passage time once every point up to the horizon has been observed, or
    /// `None` if the path is censored.
    pub fn passage(&self) -> Option<usize> {
        match self.hold {
            Hold::Steps(_) => self.found,
            Hold::ToHorizon => (self.run_len > 0).then_some(self.run_start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(hold: Hold, conditions: &[bool]) -> Option<usize> {
        let mut t = PassageTracker::new(hold);
        conditions
            .iter()
            .enumerate()
            .for_each(|(k, &c)| t.observe(k, c));
        t.passage()
    }

    #[test]
    fn hold_one_is_first_true() {
        assert_eq!(run(Hold::Steps(1), &[false, false, true, false]), Some(2));
        assert_eq!(run(Hold::Steps(1), &[true]), Some(0));
        assert_eq!(run(Hold::Steps(1), &[false, false]), None);
    }

    #[test]
    fn a_run_cut_by_the_horizon_is_censored() {
        assert_eq!(run(Hold::Steps(3), &[false, true, true]), None);
        assert_eq!(
            run(Hold::Steps(3), &[true, true, false, true, true, true]),
            Some(3)
        );
    }

    #[test]
    fn to_horizon_takes_the_start_of_the_final_run() {
        assert_eq!(run(Hold::ToHorizon, &[true, false, true, true]), Some(2));
        assert_eq!(run(Hold::ToHorizon, &[true, true, true]), Some(0));
        assert_eq!(run(Hold::ToHorizon, &[true, true, false]), None);
    }

    #[test]
    fn resolution_reports_unknown_names_and_bad_rules() {
        let names = ["revenue", "spending"];
        let err = FirstPassage::above("profit", Barrier::Level(0.0))
            .resolve(&names)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown series `profit`: the model emits revenue, spending"
        );
        let zero_hold = FirstPassage::above("revenue", Barrier::Level(0.0)).hold(0);
        assert!(
            zero_hold
                .resolve(&names)
                .unwrap_err()
                .to_string()
                .contains("`hold`")
        );
        let nan = FirstPassage::above("revenue", Barrier::Level(f64::NAN));
        assert!(
            nan.resolve(&names)
                .unwrap_err()
                .to_string()
                .contains("`barrier`")
        );
        let ok = FirstPassage::below("revenue", Barrier::Series("spending".into()))
            .resolve(&names)
            .unwrap();
        assert!(matches!(
            ok.kind,
            PassageKind::Barrier {
                series: 0,
                above: false,
                barrier: ResolvedBarrier::Series(1)
            }
        ));
        let when = |text: &str| FirstPassage::when(text.parse().unwrap()).resolve(&names);
        assert!(matches!(
            when("revenue >= 0").unwrap().kind,
            PassageKind::Barrier {
                series: 0,
                above: true,
                barrier: ResolvedBarrier::Level(_)
            }
        ));
        assert!(matches!(
            when("revenue > 0").unwrap().kind,
            PassageKind::Program(_)
        ));
        assert!(when("profit >= 0").is_err());
    }
}
