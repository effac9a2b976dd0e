//! First-passage detection: the first step at which one series reaches another

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

/// A first-passage rule in terms of series names.
///
/// series or a level, optionally held for several consecutive steps.
///
/// A [`FirstPassage`] is a rule stated with series names; the engine resolves it
/// against the model and runs one [`PassageTracker`] per path, which costs a
/// comparison per step and keeps one `u32` per path. The tracker is usable on its
/// own for any sequence of conditions.
///
/// # Definition
/// Let `C_k` be the condition at point `k = 0..=steps` (for example
/// `revenue_k >= spending_k`). With `hold = h >= 1`, the passage time is the
/// smallest `k` such that `C_k, C_{k+1}, ..., C_{k+h-1}` all hold, with
/// `k + h - 1 <= steps`. With [`Hold::ToHorizon`] it is the smallest `k` such that
/// `C_j` holds for every `j` from `k` to `steps` ("from which on" it holds). With
/// [`starting_at`](FirstPassage::starting_at)`(s)`, only `k >= s` count (points
/// before `s` are ignored, as if the condition failed there). If no such `k` exists
/// within the horizon the path is **censored**: reported as not crossed, never as
/// the horizon.
///
/// ```
/// use outpace::engine::{Barrier, FirstPassage};
/// // Revenue at or above spending for four quarters running.
/// let rule = FirstPassage::above("revenue", Barrier::Series("spending".into())).hold(4);
/// // A price falling to a floor.
/// let floor = FirstPassage::below("price", Barrier::Level(0.5));
/// # let _ = (rule, floor);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstPassage {
    series: String,
    direction: Direction,
    barrier: Barrier,
    hold: Hold,
    start: usize,
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
        FirstPassage {
            series: series.into(),
            direction,
            barrier,
            hold: Hold::Steps(1),
            start: 0,
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

    /// The holding requirement.
    pub fn holding(&self) -> Hold {
        self.hold
    }

    /// The first point that counts.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Resolves names to series indices of a model that emits `names`.
    pub(crate) fn resolve(&self, names: &[&str]) -> Result<ResolvedPassage> {
        if let Hold::Steps(0) = self.hold {
            return Err(Error::invalid("hold", 0, "must be >= 1 step"));
        }
        if let Barrier::Level(level) = self.barrier {
            crate::error::check::finite("barrier", level)?;
        }
        let series = index_of(names, &self.series)?;
        let barrier = match &self.barrier {
            Barrier::Level(level) => ResolvedBarrier::Level(*level),
            Barrier::Series(name) => ResolvedBarrier::Series(index_of(names, name)?),
        };
        Ok(ResolvedPassage {
            series,
            above: self.direction == Direction::Above,
            barrier,
            hold: self.hold,
            start: self.start,
        })
    }
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

/// A rule bound to series indices.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResolvedPassage {
    pub(crate) series: usize,
    pub(crate) above: bool,
    pub(crate) barrier: ResolvedBarrier,
    pub(crate) hold: Hold,
    pub(crate) start: usize,
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
        assert_eq!(ok.series, 0);
        assert!(!ok.above);
        assert!(matches!(ok.barrier, ResolvedBarrier::Series(1)));
    }
}
