//! Calendars: what each point of a simulation grid stands for (a quarter, a
//! month, a year, or a bare period), how it is labelled in reports, and where it
//! sits on a time axis.
//!
//! A model tells the analysis its calendar (see
//! [`StudyModel::calendar`](crate::analysis::StudyModel::calendar)); the reports
//! read labels, dates and year ends from it and know nothing else of the model.

mod month;
mod quarter;

pub use month::Month;
pub use quarter::Quarter;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What the points `k = 0..=steps` of a grid stand for: point 0 is the last
/// observed period (or the start) and point `k` the `k`-th period after it.
///
/// | calendar | point `k` | label | code | end date |
/// |---|---|---|---|---|
/// | `Quarterly { start }` | the quarter `start + k` | `2026 Q2` | `2026Q2` | `2026-06-30` |
/// | `Monthly { start }` | the month `start + k` | `2026-05` | `2026-05` | `2026-05-31` |
/// | `Yearly { start }` | the year `start + k` | `2031` | `2031` | `2031-12-31` |
/// | `Periods { per_year }` | period `k` of `1 / per_year` years | `period 3` | `3` | none |
///
/// Serialised with a `kind` tag: `{"kind": "quarterly", "start": "2026Q1"}`.
///
/// ```
/// use outpace::calendar::{Calendar, Quarter};
/// let calendar = Calendar::Quarterly { start: "2026Q1".parse()? };
/// calendar.check(40)?;
/// assert_eq!(calendar.label(1), "2026 Q2");
/// assert_eq!(calendar.code(1), "2026Q2");
/// assert_eq!(calendar.end_date(1).as_deref(), Some("2026-06-30"));
/// assert_eq!(calendar.year_ends(6), [3, 6]); // 2026 Q4, and the horizon 2027 Q3
/// assert_eq!(calendar.time(1), 2026.5);
/// let late = Calendar::Quarterly { start: Quarter::new(2199, 2)? };
/// assert!(late.check(40).is_err()); // would run past 2200 Q4
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Calendar {
    /// Point `k` is the quarter `start + k`.
    Quarterly {
        /// The quarter of point 0.
        start: Quarter,
    },
    /// Point `k` is the month `start + k`.
    Monthly {
        /// The month of point 0.
        start: Month,
    },
    /// Point `k` is the year `start + k`.
    Yearly {
        /// The year of point 0.
        start: i32,
    },
    /// Point `k` is period `k`, of `1 / per_year` years each, without dates.
    Periods {
        /// Periods per year (`>= 1`), which places the periods on a time axis
        /// and groups them into years.
        per_year: u32,
    },
}

impl Calendar {
    /// Checks that every point `0..=steps` has a date within the calendar's
    /// range (years 1900 to 2200) and that `per_year >= 1`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `calendar` (its start and the last
    /// point that would fall outside the range).
    pub fn check(&self, steps: usize) -> Result<()> {
        let steps = i64::try_from(steps).unwrap_or(i64::MAX);
        let fits = match *self {
            Calendar::Quarterly { start } => start.checked_offset(steps).is_some(),
            Calendar::Monthly { start } => start.checked_offset(steps).is_some(),
            Calendar::Yearly { start } => i64::from(start).checked_add(steps).is_some_and(|end| {
                i64::from(start) >= i64::from(month::YEARS.0) && end <= i64::from(month::YEARS.1)
            }),
            Calendar::Periods { per_year } => {
                return if per_year >= 1 {
                    Ok(())
                } else {
                    Err(Error::invalid(
                        "calendar.per_year",
                        per_year,
                        "must be at least 1",
                    ))
                };
            }
        };
        if fits {
            Ok(())
        } else {
            Err(Error::invalid(
                "calendar",
                format!("{} + {steps} {}s", self.label(0), self.unit()),
                format!(
                    "runs past the calendar's range: every period must fall within the years \
                     {} to {}",
                    month::YEARS.0,
                    month::YEARS.1
                ),
            ))
        }
    }

    /// The name of one period: `quarter`, `month`, `year` or `period`.
    pub fn unit(&self) -> &'static str {
        match self {
            Calendar::Quarterly { .. } => "quarter",
            Calendar::Monthly { .. } => "month",
            Calendar::Yearly { .. } => "year",
            Calendar::Periods { .. } => "period",
        }
    }

    /// The one-letter abbreviation of [`unit`](Calendar::unit): `q`, `m`, `y`, `p`.
    pub fn unit_letter(&self) -> &'static str {
        &self.unit()[..1]
    }

    /// The human label of point `k`, e.g. `2026 Q2` (see the table above).
    /// Points beyond the calendar's range (see [`check`](Calendar::check)) are
    /// labelled `point k`.
    pub fn label(&self, k: usize) -> String {
        match *self {
            Calendar::Quarterly { start } => offset(start, k, Quarter::checked_offset)
                .map_or_else(|| beyond(k), |q| q.to_string()),
            Calendar::Monthly { start } => {
                offset(start, k, Month::checked_offset).map_or_else(|| beyond(k), |m| m.to_string())
            }
            Calendar::Yearly { .. } => self.year(k).map_or_else(|| beyond(k), |y| y.to_string()),
            Calendar::Periods { .. } => format!("period {k}"),
        }
    }

    /// The compact label of point `k` for tables, e.g. `2026Q2`.
    pub fn code(&self, k: usize) -> String {
        match *self {
            Calendar::Quarterly { start } => offset(start, k, Quarter::checked_offset).map_or_else(
                || k.to_string(),
                |q| format!("{}Q{}", q.year(), q.quarter()),
            ),
            Calendar::Periods { .. } => k.to_string(),
            _ => self.label(k),
        }
    }

    /// The ISO date of the last day of point `k`'s period, `None` for
    /// [`Calendar::Periods`] or beyond the range.
    pub fn end_date(&self, k: usize) -> Option<String> {
        match *self {
            Calendar::Quarterly { start } => {
                offset(start, k, Quarter::checked_offset).map(|q| q.end_date())
            }
            Calendar::Monthly { start } => {
                offset(start, k, Month::checked_offset).map(|m| m.end_date())
            }
            Calendar::Yearly { .. } => self.year(k).map(|y| format!("{y:04}-12-31")),
            Calendar::Periods { .. } => None,
        }
    }

    /// The calendar year that point `k` falls in (for [`Calendar::Periods`], the
    /// number of whole years since the start, counting from 1).
    pub fn year(&self, k: usize) -> Option<i32> {
        let k64 = i64::try_from(k).ok()?;
        match *self {
            Calendar::Quarterly { start } => start.checked_offset(k64).map(Quarter::year),
            Calendar::Monthly { start } => start.checked_offset(k64).map(Month::year),
            Calendar::Yearly { start } => i32::try_from(i64::from(start) + k64).ok(),
            Calendar::Periods { per_year } => {
                i32::try_from(k.div_ceil(per_year.max(1) as usize)).ok()
            }
        }
    }

    /// Whether point `k` ends a calendar year (Q4, December, every year, or every
    /// `per_year`-th period).
    pub fn ends_year(&self, k: usize) -> bool {
        match *self {
            Calendar::Quarterly { start } => {
                offset(start, k, Quarter::checked_offset).is_some_and(|q| q.quarter() == 4)
            }
            Calendar::Monthly { start } => {
                offset(start, k, Month::checked_offset).is_some_and(|m| m.month() == 12)
            }
            Calendar::Yearly { .. } => true,
            Calendar::Periods { per_year } => k.is_multiple_of(per_year.max(1) as usize),
        }
    }

    /// The simulated points `1..=steps` that end a calendar year, followed by the
    /// horizon `steps` when it does not end one: the columns of a table by year.
    pub fn year_ends(&self, steps: usize) -> Vec<usize> {
        let mut points: Vec<usize> = (1..=steps).filter(|&k| self.ends_year(k)).collect();
        if steps >= 1 && points.last() != Some(&steps) {
            points.push(steps);
        }
        points
    }

    /// Where the end of point `k`'s period sits on a time axis in years: the
    /// calendar year as a fraction (2026 Q2 ends at 2026.5, December 2026 at
    /// 2027.0), or `k / per_year` for [`Calendar::Periods`].
    pub fn time(&self, k: usize) -> f64 {
        match *self {
            Calendar::Quarterly { start } => {
                let index = f64::from(start.year()) * 4.0 + f64::from(start.quarter());
                (index + k as f64) / 4.0
            }
            Calendar::Monthly { start } => {
                let index = f64::from(start.year()) * 12.0 + f64::from(start.month());
                (index + k as f64) / 12.0
            }
            Calendar::Yearly { start } => f64::from(start) + k as f64 + 1.0,
            Calendar::Periods { per_year } => k as f64 / f64::from(per_year.max(1)),
        }
    }

    /// Periods per year: 4, 12, 1 or `per_year`.
    pub fn periods_per_year(&self) -> u32 {
        match *self {
            Calendar::Quarterly { .. } => 4,
            Calendar::Monthly { .. } => 12,
            Calendar::Yearly { .. } => 1,
            Calendar::Periods { per_year } => per_year.max(1),
        }
    }
}

fn offset<T: Copy>(start: T, k: usize, step: fn(T, i64) -> Option<T>) -> Option<T> {
    step(start, i64::try_from(k).ok()?)
}

fn beyond(k: usize) -> String {
    format!("point {k}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_codes_dates_and_year_ends() {
        let monthly = Calendar::Monthly {
            start: "2026-10".parse().unwrap(),
        };
        assert_eq!(monthly.label(3), "2027-01");
        assert_eq!(monthly.end_date(4).as_deref(), Some("2027-02-28"));
        assert_eq!(monthly.year_ends(16), [2, 14, 16]);
        assert_eq!(monthly.time(2), 2027.0);
        let yearly = Calendar::Yearly { start: 2025 };
        assert_eq!(yearly.label(2), "2027");
        assert_eq!(yearly.year_ends(3), [1, 2, 3]);
        assert_eq!(yearly.end_date(0).as_deref(), Some("2025-12-31"));
        let periods = Calendar::Periods { per_year: 4 };
        assert_eq!(periods.label(5), "period 5");
        assert_eq!(periods.code(5), "5");
        assert_eq!(periods.end_date(5), None);
        assert_eq!(periods.year_ends(10), [4, 8, 10]);
        assert_eq!(periods.year(5), Some(2));
        assert_eq!(periods.time(6), 1.5);
        assert_eq!(periods.unit_letter(), "p");
        assert_eq!(
            Calendar::Periods { per_year: 0 }
                .check(4)
                .unwrap_err()
                .to_string(),
            "invalid parameter `calendar.per_year` = 0: must be at least 1"
        );
    }

    #[test]
    fn the_range_is_checked_and_labels_beyond_it_are_not_dates() {
        let quarterly = Calendar::Quarterly {
            start: Quarter::new(2199, 2).unwrap(),
        };
        assert!(quarterly.check(6).is_ok()); // to 2200 Q4
        assert!(quarterly.check(7).is_err());
        let err = quarterly.check(40).unwrap_err().to_string();
        assert!(err.contains("`calendar` = 2199 Q2 + 40 quarters"), "{err}");
        assert!(err.contains("1900 to 2200"), "{err}");
        assert_eq!(quarterly.label(40), "point 40");
        assert_eq!(quarterly.end_date(40), None);
        assert!(!quarterly.ends_year(40));
        assert!(Calendar::Yearly { start: 2190 }.check(11).is_err());
        assert!(Calendar::Yearly { start: 1800 }.check(1).is_err());
        assert!(Calendar::Yearly { start: i32::MAX }.check(1).is_err());
        assert!(
            Calendar::Monthly {
                start: "2200-01".parse().unwrap()
            }
            .check(12)
            .is_err()
        );
        assert!(quarterly.check(usize::MAX).is_err());
    }

    #[test]
    fn serde_is_tagged() {
        let c = Calendar::Quarterly {
            start: Quarter::new(2026, 1).unwrap(),
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"kind":"quarterly","start":"2026Q1"}"#);
        assert_eq!(serde_json::from_str::<Calendar>(&json).unwrap(), c);
        let periods: Calendar =
            serde_json::from_str(r#"{"kind":"periods","per_year":12}"#).unwrap();
        assert_eq!(periods, Calendar::Periods { per_year: 12 });
    }
}
