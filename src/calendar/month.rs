//! Calendar months, the labels of monthly grids.

use crate::error::{Error, Result};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar month such as 2026-05 (May 2026).
///
/// Months are ordered chronologically and step by [`checked_offset`](Month::checked_offset).
/// Years are limited to 1900 to 2200, like [`Quarter`](super::Quarter)'s.
/// Displayed, parsed and serialised as `2026-05`.
///
/// ```
/// use outpace::calendar::Month;
/// let start: Month = "2026-11".parse()?;
/// assert_eq!(start.checked_offset(2), Some(Month::new(2027, 1)?));
/// assert_eq!(start.end_date(), "2026-11-30");
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    // Field order makes the derived ordering chronological.
    year: i32,
    month: u8,
}

/// The first and last years a calendar covers.
pub(crate) const YEARS: (i32, i32) = (1900, 2200);

impl Month {
    /// Month `month` (1 to 12) of `year` (1900 to 2200).
    pub fn new(year: i32, month: u8) -> Result<Month> {
        if !(1..=12).contains(&month) {
            return Err(Error::invalid("month", month, "must be 1 to 12"));
        }
        if !(YEARS.0..=YEARS.1).contains(&year) {
            return Err(Error::invalid(
                "year",
                year,
                format!("must lie in [{}, {}]", YEARS.0, YEARS.1),
            ));
        }
        Ok(Month { year, month })
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month of the year, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    fn index(self) -> i64 {
        12 * i64::from(self.year) + i64::from(self.month) - 1
    }

    /// The month `months` later (earlier if negative), or `None` outside the
    /// years 1900 to 2200.
    pub fn checked_offset(self, months: i64) -> Option<Month> {
        let index = self.index().checked_add(months)?;
        let year = index.div_euclid(12);
        (i64::from(YEARS.0)..=i64::from(YEARS.1))
            .contains(&year)
            .then(|| Month {
                year: year as i32,
                month: index.rem_euclid(12) as u8 + 1,
            })
    }

    /// ISO date of the month's last day, e.g. `2026-02-28`.
    pub fn end_date(&self) -> String {
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        let day = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        format!("{:04}-{:02}-{day}", self.year, self.month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = Error;

    /// Parses `2026-05` (surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Month> {
        let invalid = |reason: &str| {
            Error::Parse(format!(
                "invalid month `{s}`: {reason}; expected a year and a month such as `2026-05`"
            ))
        };
        let (year, month) = s
            .trim()
            .split_once('-')
            .ok_or_else(|| invalid("no `-` between year and month"))?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year) || !digits(month) {
            return Err(invalid("the year and month must be numbers"));
        }
        let year = year.parse().map_err(|_| invalid("the year is too large"))?;
        let month = month
            .parse()
            .map_err(|_| invalid("the month is too large"))?;
        Month::new(year, month).map_err(|e| invalid(&e.to_string()))
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(MonthVisitor)
    }
}

struct MonthVisitor;

impl Visitor<'_> for MonthVisitor {
    type Value = Month;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a month such as \"2026-05\"")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Month, E> {
        s.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_and_end_dates() {
        let m = Month::new(2026, 12).unwrap();
        assert_eq!(m.checked_offset(1), Some(Month::new(2027, 1).unwrap()));
        assert_eq!(m.checked_offset(-12), Some(Month::new(2025, 12).unwrap()));
        assert_eq!(Month::new(2200, 12).unwrap().checked_offset(1), None);
        assert_eq!(m.checked_offset(i64::MAX), None);
        assert_eq!("2024-02".parse::<Month>().unwrap().end_date(), "2024-02-29");
        assert_eq!("2100-02".parse::<Month>().unwrap().end_date(), "2100-02-28");
        assert_eq!("2000-02".parse::<Month>().unwrap().end_date(), "2000-02-29");
        assert_eq!(m.to_string(), "2026-12");
        for bad in ["2026", "2026-13", "2026-0", "x-01", "1800-01", "2026-+1"] {
            let err = bad.parse::<Month>().unwrap_err().to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"2026-12\"");
        assert_eq!(serde_json::from_str::<Month>(&json).unwrap(), m);
    }
}
