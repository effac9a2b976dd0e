//! Calendar quarters, the labels of the simulation periods.

use crate::error::{Error, Result};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter such as 2026 Q1 (January to March 2026).
///
/// Quarters are ordered chronologically and step by [`offset`](Quarter::offset).
/// Years are limited to [`Quarter::MIN`]`..=`[`Quarter::MAX`] (1900 to 2200).
/// Displayed as `2026 Q1`; parsed from `2026Q1`, `2026 Q1` or `2026-Q1` (either
/// case of `q`); serialised as the compact `2026Q1`.
///
/// ```
/// use outpace::calendar::Quarter;
/// let start: Quarter = "2026Q1".parse()?;
/// assert_eq!(start.offset(4), Quarter::new(2027, 1)?);
/// assert_eq!(start.offset(3).to_string(), "2026 Q4");
/// assert_eq!(start.end_date(), "2026-03-31");
/// assert_eq!(start.offset(5).quarters_since(start), 5);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    // Field order makes the derived ordering chronological.
    year: i32,
    quarter: u8,
}

impl Quarter {
    /// The earliest representable quarter, 1900 Q1.
    pub const MIN: Quarter = Quarter {
        year: 1900,
        quarter: 1,
    };

    /// The latest representable quarter, 2200 Q4.
    pub const MAX: Quarter = Quarter {
        year: 2200,
        quarter: 4,
    };

    /// Quarter `quarter` (1 to 4) of `year` (1900 to 2200).
    pub fn new(year: i32, quarter: u8) -> Result<Quarter> {
        if !(1..=4).contains(&quarter) {
            return Err(Error::invalid("quarter", quarter, "must be 1, 2, 3 or 4"));
        }
        if !(Quarter::MIN.year..=Quarter::MAX.year).contains(&year) {
            return Err(Error::invalid(
                "year",
                year,
                format!("must lie in [{}, {}]", Quarter::MIN.year, Quarter::MAX.year),
            ));
        }
        Ok(Quarter { year, quarter })
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Quarter of the year, 1 to 4.
    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// Quarters since year 0 Q1: a linear index.
    fn index(self) -> i64 {
        4 * i64::from(self.year) + i64::from(self.quarter) - 1
    }

    fn from_index(index: i64) -> Quarter {
        Quarter {
            // Callers keep `index` within MIN..=MAX, so the year fits in i32.
            year: index.div_euclid(4) as i32,
            quarter: index.rem_euclid(4) as u8 + 1,
        }
    }

    /// The quarter `quarters` later (earlier if negative), or `None` outside
    /// [`Quarter::MIN`]`..=`[`Quarter::MAX`].
    pub fn checked_offset(self, quarters: i64) -> Option<Quarter> {
        let index = self.index().checked_add(quarters)?;
        (Quarter::MIN.index()..=Quarter::MAX.index())
            .contains(&index)
            .then(|| Quarter::from_index(index))
    }

    /// The quarter `quarters` later (earlier if negative): from 2026 Q1, offset 1
    /// is 2026 Q2, offset 4 is 2027 Q1 and offset -1 is 2025 Q4. Saturates at
    /// [`Quarter::MIN`] and [`Quarter::MAX`].
    pub fn offset(self, quarters: i64) -> Quarter {
        let index = self
            .index()
            .saturating_add(quarters)
            .clamp(Quarter::MIN.index(), Quarter::MAX.index());
        Quarter::from_index(index)
    }

    /// Number of quarters from `earlier` to `self` (negative if `earlier` is later).
    pub fn quarters_since(self, earlier: Quarter) -> i64 {
        self.index() - earlier.index()
    }

    /// ISO date of the quarter's last day, e.g. `2026-03-31`.
    pub fn end_date(&self) -> String {
        let month_day = match self.quarter {
            1 => "03-31",
            2 => "06-30",
            3 => "09-30",
            _ => "12-31",
        };
        format!("{:04}-{month_day}", self.year)
    }

    /// Label for reports and charts, e.g. `2026 Q1` (the [`Display`](fmt::Display) form).
    pub fn label(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.quarter)
    }
}

impl FromStr for Quarter {
    type Err = Error;

    /// Parses `2026Q1`, `2026 Q1`, `2026-Q1` or the same with a lowercase `q`
    /// (surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Quarter> {
        parse(s.trim()).map_err(|reason| {
            Error::Parse(format!(
                "invalid quarter `{s}`: {reason}; expected a year and a quarter such as \
                 `2026Q1`, `2026 Q1` or `2026-Q1`"
            ))
        })
    }
}

/// The parsing behind [`Quarter::from_str`], failing with the reason.
fn parse(s: &str) -> std::result::Result<Quarter, String> {
    let (year, quarter) = s
        .split_once(['Q', 'q'])
        .ok_or_else(|| "no `Q` before the quarter number".to_owned())?;
    let year = year
        .strip_suffix([' ', '-'])
        .unwrap_or(year)
        .parse::<i32>()
        .ok()
        .filter(|_| year.starts_with(|c: char| c.is_ascii_digit()))
        .ok_or_else(|| format!("the year `{year}` is not a number"))?;
    let quarter = match quarter {
        "1" => 1,
        "2" => 2,
        "3" => 3,
        "4" => 4,
        other => return Err(format!("the quarter `{other}` is not 1, 2, 3 or 4")),
    };
    Quarter::new(year, quarter).map_err(|e| e.to_string())
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{}Q{}", self.year, self.quarter))
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(QuarterVisitor)
    }
}

struct QuarterVisitor;

impl Visitor<'_> for QuarterVisitor {
    type Value = Quarter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quarter such as \"2026Q1\"")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Quarter, E> {
        s.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, quarter: u8) -> Quarter {
        Quarter::new(year, quarter).unwrap()
    }

    #[test]
    fn new_validates_quarter_and_year() {
        assert_eq!(q(2026, 3).year(), 2026);
        assert_eq!(q(2026, 3).quarter(), 3);
        for bad in [0, 5] {
            let err = Quarter::new(2026, bad).unwrap_err().to_string();
            assert!(
                err.contains("`quarter`") && err.contains("1, 2, 3 or 4"),
                "{err}"
            );
        }
        for bad in [1899, 2201, i32::MIN] {
            let err = Quarter::new(bad, 1).unwrap_err().to_string();
            assert!(
                err.contains("`year`") && err.contains("[1900, 2200]"),
                "{err}"
            );
        }
        assert_eq!(Quarter::new(1900, 1), Ok(Quarter::MIN));
        assert_eq!(Quarter::new(2200, 4), Ok(Quarter::MAX));
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(q(2025, 4) < q(2026, 1));
        assert!(q(2026, 1) < q(2026, 2));
        assert!(q(2027, 1) > q(2026, 4));
        let mut v = vec![q(2027, 1), q(2026, 2), q(2025, 4)];
        v.sort();
        assert_eq!(v, [q(2025, 4), q(2026, 2), q(2027, 1)]);
    }

    #[test]
    fn offsets_roll_over_years_both_ways() {
        let start = q(2026, 1);
        assert_eq!(start.offset(0), start);
        assert_eq!(start.offset(1), q(2026, 2));
        assert_eq!(start.offset(3), q(2026, 4));
        assert_eq!(start.offset(4), q(2027, 1));
        assert_eq!(start.offset(41), q(2036, 2));
        assert_eq!(start.offset(-1), q(2025, 4));
        assert_eq!(start.offset(-4), q(2025, 1));
        assert_eq!(start.offset(-5), q(2024, 4));
        for n in -20..=20 {
            assert_eq!(start.offset(n).quarters_since(start), n);
            assert_eq!(start.quarters_since(start.offset(n)), -n);
            assert_eq!(start.offset(n).offset(-n), start);
        }
    }

    #[test]
    fn offsets_saturate_and_checked_offsets_stop_at_the_range() {
        let start = q(2026, 1);
        assert_eq!(start.offset(i64::MAX), Quarter::MAX);
        assert_eq!(start.offset(i64::MIN), Quarter::MIN);
        assert_eq!(Quarter::MAX.offset(1), Quarter::MAX);
        assert_eq!(start.checked_offset(5), Some(q(2027, 2)));
        assert_eq!(Quarter::MAX.checked_offset(1), None);
        assert_eq!(Quarter::MIN.checked_offset(-1), None);
        assert_eq!(start.checked_offset(i64::MAX), None);
        assert_eq!(Quarter::MAX.quarters_since(Quarter::MIN), 301 * 4 - 1);
    }

    #[test]
    fn parses_the_accepted_forms() {
        for s in [
            "2026Q1",
            "2026 Q1",
            "2026-Q1",
            "2026q1",
            "2026-q1",
            " 2026 q1 ",
        ] {
            assert_eq!(s.parse::<Quarter>(), Ok(q(2026, 1)), "{s}");
        }
        assert_eq!("1999Q4".parse::<Quarter>(), Ok(q(1999, 4)));
    }

    #[test]
    fn parse_errors_name_the_input_and_the_form() {
        for (s, reason) in [
            ("2026", "no `Q`"),
            ("", "no `Q`"),
            ("Q1", "the year ``"),
            ("abcdQ1", "the year `abcd`"),
            ("+2026Q1", "the year `+2026`"),
            ("2026  Q1", "the year `2026  `"),
            ("2026Q5", "the quarter `5`"),
            ("2026Q0", "the quarter `0`"),
            ("2026Q12", "the quarter `12`"),
            ("2026Q", "the quarter ``"),
            ("1800Q1", "must lie in [1900, 2200]"),
        ] {
            let err = s.parse::<Quarter>().unwrap_err();
            assert!(matches!(err, Error::Parse(_)), "{s}: {err:?}");
            let msg = err.to_string();
            assert!(msg.contains(&format!("`{s}`")), "{msg}");
            assert!(msg.contains(reason), "{msg}");
            assert!(msg.contains("`2026Q1`, `2026 Q1` or `2026-Q1`"), "{msg}");
        }
    }

    #[test]
    fn display_label_and_end_dates() {
        assert_eq!(q(2026, 1).to_string(), "2026 Q1");
        assert_eq!(q(2026, 4).label(), "2026 Q4");
        let ends: Vec<String> = (1..=4).map(|k| q(2026, k).end_date()).collect();
        assert_eq!(
            ends,
            ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
        );
        assert_eq!(q(1900, 1).end_date(), "1900-03-31");
    }

    #[test]
    fn serde_uses_the_compact_form_and_validates() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Plan {
            start: Quarter,
        }
        let plan = Plan { start: q(2026, 2) };
        let toml_text = toml::to_string(&plan).unwrap();
        assert_eq!(toml_text.trim(), r#"start = "2026Q2""#);
        assert_eq!(toml::from_str::<Plan>(&toml_text).unwrap(), plan);
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(json, r#"{"start":"2026Q2"}"#);
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
        assert_eq!(
            serde_json::from_str::<Plan>(r#"{"start":"2026 q2"}"#).unwrap(),
            plan
        );
        let err = serde_json::from_str::<Plan>(r#"{"start":"2026Q7"}"#).unwrap_err();
        assert!(
            err.to_string().contains("invalid quarter `2026Q7`"),
            "{err}"
        );
        assert!(serde_json::from_str::<Plan>(r#"{"start":20261}"#).is_err());
    }
}
