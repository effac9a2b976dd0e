//! Piecewise-constant functions of time, for time-varying parameters.

use crate::error::{Error, Result, check, readable};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A piecewise-constant function of time `f(t)`, given as `(start, value)` pieces:
/// `f(t) = value_i` for `start_i <= t < start_{i+1}`, and the last value holds for
/// ever after the last start (the *tail*). The first piece starts at `0`; its value
/// also extends to `t < 0`, so `f` is defined, right-continuous, on the whole line.
///
/// Integrals are exact: [`integral`](Schedule::integral) and
/// [`integral_of_square`](Schedule::integral_of_square) sum `value * overlap` over the
/// pieces, whatever the bounds and however the breakpoints fall.
///
/// **Serialised form**: a bare number for a constant schedule, otherwise a list of
/// `{ start, value }` tables, e.g. in TOML
/// `mu = [{ start = 0, value = 0.30 }, { start = 2, value = 0.10 }]` or `mu = 0.05`.
/// Deserialisation validates exactly like [`Schedule::new`].
///
/// ```
/// use outpace::process::Schedule;
/// let growth = Schedule::new(vec![(0.0, 0.3), (2.0, 0.1)])?;
/// assert_eq!(growth.value_at(1.9), 0.3);
/// assert_eq!(growth.value_at(2.0), 0.1);
/// assert!((growth.integral(1.0, 3.0) - (0.3 + 0.1)).abs() < 1e-15);
/// assert!(Schedule::new(vec![(0.0, 0.3), (0.0, 0.1)]).is_err()); // starts must increase
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pieces: Vec<(f64, f64)>,
}

impl Schedule {
    /// The schedule with `(start, value)` pieces: at least one piece, the first
    /// starting at `0`, starts finite and strictly increasing, values finite.
    /// Errors name the offending entry, e.g. `pieces[2].start`.
    pub fn new(pieces: Vec<(f64, f64)>) -> Result<Self> {
        Self::named("pieces", pieces)
    }

    /// The constant schedule `f(t) = value` (finite).
    pub fn constant(value: f64) -> Result<Self> {
        Ok(Schedule {
            pieces: vec![(0.0, check::finite("value", value)?)],
        })
    }

    /// Like [`new`](Schedule::new), naming errors `{name}[i].start` / `{name}[i].value`
    /// so that a schedule read from a field `name` reports its own field path.
    pub(crate) fn named(name: &str, mut pieces: Vec<(f64, f64)>) -> Result<Self> {
        let Some(first) = pieces.first_mut() else {
            return Err(Error::invalid(
                name,
                "[]",
                "must hold at least one (start, value) piece",
            ));
        };
        if first.0 != 0.0 {
            return Err(Error::invalid(
                format!("{name}[0].start"),
                first.0,
                "must be 0: a schedule starts at time 0",
            ));
        }
        first.0 = 0.0; // normalise -0
        for (i, &(start, value)) in pieces.iter().enumerate() {
            if i > 0 && !(start.is_finite() && start > pieces[i - 1].0) {
                return Err(Error::invalid(
                    format!("{name}[{i}].start"),
                    start,
                    format!(
                        "must be finite and > `{name}[{}].start` ({})",
                        i - 1,
                        readable(pieces[i - 1].0)
                    ),
                ));
            }
            check::finite(&format!("{name}[{i}].value"), value)?;
        }
        Ok(Schedule { pieces })
    }

    /// The `(start, value)` pieces, starts strictly increasing from `0`.
    pub fn pieces(&self) -> &[(f64, f64)] {
        &self.pieces
    }

    /// Start of the last piece: after it the schedule is constant.
    pub fn last_start(&self) -> f64 {
        self.last().0
    }

    /// Value of the last piece, which holds for every `t >= last_start()`.
    pub fn last_value(&self) -> f64 {
        self.last().1
    }

    fn last(&self) -> (f64, f64) {
        *self
            .pieces
            .last()
            .expect("a schedule has at least one piece")
    }

    /// Checks every value with `rule` (e.g. [`check::non_negative`]), naming a failure
    /// `{name}[i].value`.
    pub fn check_values(&self, name: &str, rule: impl Fn(&str, f64) -> Result<f64>) -> Result<()> {
        for (i, &(_, value)) in self.pieces.iter().enumerate() {
            rule(&format!("{name}[{i}].value"), value)?;
        }
        Ok(())
    }

    /// Index of the piece holding `t` (the first piece for `t < 0`).
    fn index(&self, t: f64) -> usize {
        self.pieces
            .partition_point(|&(start, _)| start <= t)
            .saturating_sub(1)
    }

    /// `f(t)`: the value of the last piece starting at or before `t` (the first
    /// value for `t < 0`, NaN for NaN `t`).
    pub fn value_at(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        self.pieces[self.index(t)].1
    }

    /// The exact integral `int_a^b f(s) ds` (negated when `b < a`).
    pub fn integral(&self, a: f64, b: f64) -> f64 {
        self.integrate(a, b, |v| v)
    }

    /// The exact integral `int_a^b f(s)^2 ds` (negated when `b < a`).
    pub fn integral_of_square(&self, a: f64, b: f64) -> f64 {
        self.integrate(a, b, |v| v * v)
    }

    /// `int_a^b g(f(s)) ds`, summed piece by piece over the overlaps with `[a, b]`.
    fn integrate(&self, a: f64, b: f64, g: impl Fn(f64) -> f64 + Copy) -> f64 {
        if a.is_nan() || b.is_nan() {
            return f64::NAN;
        }
        if a == b {
            return 0.0;
        }
        if b < a {
            return -self.integrate(b, a, g);
        }
        let mut total = 0.0;
        let mut lo = a;
        for i in self.index(a)..self.pieces.len() {
            let hi = self.pieces.get(i + 1).map_or(b, |&(start, _)| start.min(b));
            let height = g(self.pieces[i].1);
            if height != 0.0 {
                total += height * (hi - lo);
            }
            if hi >= b {
                break;
            }
            lo = hi;
        }
        total
    }
}

/// One piece of the serialised list form.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Piece {
    start: f64,
    value: f64,
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let [(_, value)] = self.pieces[..] {
            return serializer.serialize_f64(value);
        }
        let mut seq = serializer.serialize_seq(Some(self.pieces.len()))?;
        for &(start, value) in &self.pieces {
            seq.serialize_element(&Piece { start, value })?;
        }
        seq.end()
    }
}

/// The unvalidated serialised form: a bare number or a list of `{ start, value }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawSchedule(Vec<(f64, f64)>);

impl RawSchedule {
    /// Validates into a [`Schedule`] whose errors are named after the field `name`.
    pub(crate) fn build(self, name: &str) -> Result<Schedule> {
        Schedule::named(name, self.0)
    }
}

impl<'de> Deserialize<'de> for RawSchedule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawSchedule;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a list of { start, value } pieces")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawSchedule, E> {
        Ok(RawSchedule(vec![(0.0, v)]))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSchedule, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSchedule, E> {
        self.visit_f64(v as f64)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSchedule, A::Error> {
        let mut pieces = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Piece { start, value }) = seq.next_element()? {
            pieces.push((start, value));
        }
        Ok(RawSchedule(pieces))
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawSchedule::deserialize(deserializer)?
            .build("pieces")
            .map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(pieces: Vec<(f64, f64)>) -> String {
        Schedule::new(pieces).unwrap_err().to_string()
    }

    #[test]
    fn rejects_each_bad_piece_naming_it() {
        assert!(err(vec![]).contains("`pieces`"));
        let e = err(vec![(0.5, 1.0)]);
        assert!(e.contains("`pieces[0].start`") && e.contains("0.5"), "{e}");
        assert!(err(vec![(f64::NAN, 1.0)]).contains("`pieces[0].start`"));
        let e = err(vec![(0.0, 1.0), (1.0, 2.0), (1.0, 3.0)]);
        assert!(e.contains("`pieces[2].start`") && e.contains("`pieces[1].start`"));
        assert!(err(vec![(0.0, 1.0), (-1.0, 2.0)]).contains("`pieces[1].start`"));
        assert!(err(vec![(0.0, 1.0), (f64::INFINITY, 2.0)]).contains("`pieces[1].start`"));
        assert!(err(vec![(0.0, 1.0), (f64::NAN, 2.0)]).contains("`pieces[1].start`"));
        let e = err(vec![(0.0, 1.0), (2.0, f64::NAN)]);
        assert!(e.contains("`pieces[1].value`") && e.contains("NaN"), "{e}");
        assert!(err(vec![(0.0, f64::INFINITY)]).contains("`pieces[0].value`"));
        let e = Schedule::constant(f64::NEG_INFINITY)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`value`"), "{e}");
    }

    #[test]
    fn check_values_names_the_failing_piece() {
        let s = Schedule::new(vec![(0.0, 0.2), (1.0, -0.1)]).unwrap();
        let e = s.check_values("sigma", check::non_negative).unwrap_err();
        assert!(e.to_string().contains("`sigma[1].value`"), "{e}");
        assert!(s.check_values("mu", check::finite).is_ok());
    }

    #[test]
    fn negative_zero_start_is_accepted_and_normalised() {
        let s = Schedule::new(vec![(-0.0, 1.0)]).unwrap();
        assert!(s.pieces()[0].0.is_sign_positive());
        assert_eq!(s, Schedule::constant(1.0).unwrap());
    }

    #[test]
    fn value_at_is_right_continuous_at_breakpoints() {
        let s = Schedule::new(vec![(0.0, 1.0), (0.3, 2.0), (1.0, -0.5)]).unwrap();
        assert_eq!(s.value_at(-1.0), 1.0);
        assert_eq!(s.value_at(0.0), 1.0);
        assert_eq!(s.value_at(0.3f64.next_down()), 1.0);
        assert_eq!(s.value_at(0.3), 2.0);
        assert_eq!(s.value_at(1.0f64.next_down()), 2.0);
        assert_eq!(s.value_at(1.0), -0.5);
        assert_eq!(s.value_at(1e300), -0.5);
        assert!(s.value_at(f64::NAN).is_nan());
        assert_eq!((s.last_start(), s.last_value()), (1.0, -0.5));
    }

    #[test]
    fn integral_identities() {
        let s = Schedule::new(vec![(0.0, 1.0), (0.3, 2.0), (1.0, -0.5)]).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-14;
        // Hand-computed: 0.3 * 1 + 0.7 * 2 + 1 * (-0.5).
        assert!(close(s.integral(0.0, 2.0), 0.3 + 1.4 - 0.5));
        assert!(close(s.integral_of_square(0.0, 2.0), 0.3 + 2.8 + 0.25));
        // Inside one piece, across one breakpoint, before 0, reversed, empty.
        assert!(close(s.integral(0.4, 0.9), 2.0 * 0.5));
        assert!(close(s.integral(0.25, 0.5), 0.05 + 0.4));
        assert!(close(s.integral(-1.0, 0.0), 1.0));
        assert!(close(s.integral(2.0, 0.0), -s.integral(0.0, 2.0)));
        assert_eq!(s.integral(0.7, 0.7), 0.0);
        // Additivity over any split point.
        for c in [0.1, 0.3, 0.65, 1.0, 1.7] {
            assert!(close(
                s.integral(0.0, c) + s.integral(c, 2.0),
                s.integral(0.0, 2.0)
            ));
            let sq = s.integral_of_square(0.0, c) + s.integral_of_square(c, 2.0);
            assert!(close(sq, s.integral_of_square(0.0, 2.0)));
        }
        // A constant schedule integrates to value * length.
        let c = Schedule::constant(3.0).unwrap();
        assert!(close(c.integral(0.5, 2.0), 4.5));
        assert!(close(c.integral_of_square(0.5, 2.0), 13.5));
        // A zero tail integrates to a finite total up to infinity; NaN propagates.
        let z = Schedule::new(vec![(0.0, 1.0), (1.0, 0.0)]).unwrap();
        assert_eq!(z.integral(0.0, f64::INFINITY), 1.0);
        assert!(z.integral(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let s = Schedule::new(vec![(0.0, 0.3), (2.0, 0.1)]).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"[{"start":0.0,"value":0.3},{"start":2.0,"value":0.1}]"#
        );
        assert_eq!(serde_json::from_str::<Schedule>(&json).unwrap(), s);
        let c = Schedule::constant(0.05).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "0.05");
        assert_eq!(serde_json::from_str::<Schedule>("0.05").unwrap(), c);
        assert_eq!(
            serde_json::from_str::<Schedule>("2").unwrap(),
            Schedule::constant(2.0).unwrap()
        );
        let bad = serde_json::from_str::<Schedule>(r#"[{"start":1,"value":0.3}]"#);
        assert!(bad.unwrap_err().to_string().contains("`pieces[0].start`"));
        let unknown = serde_json::from_str::<Schedule>(r#"[{"start":0,"value":1,"x":2}]"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
        assert!(serde_json::from_str::<Schedule>(r#""fast""#).is_err());
        assert!(serde_json::from_str::<Schedule>("[]").is_err());
    }
}
