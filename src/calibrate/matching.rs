//! How often a firm answered its rivals' price cuts: the share of rival cuts
//! followed by a cut of the firm's own within a window.

use super::{Date, EventLog, Precision};
use crate::error::{Error, Result};

/// The outcome of [`match_rate`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchRate {
    /// Rival cuts counted (those on a day the firm did not cut itself).
    pub rival_cuts: usize,
    /// Of those, the ones followed by a cut of the firm within the window.
    pub matched: usize,
    /// Rival cuts left out because the firm cut on the same day (who answered
    /// whom is not known).
    pub same_day: usize,
}

impl MatchRate {
    /// The estimate `matched / rival_cuts` (the maximum-likelihood estimate of a
    /// Bernoulli probability).
    pub fn estimate(&self) -> f64 {
        self.matched as f64 / self.rival_cuts as f64
    }

    /// Its standard error `sqrt(p (1 - p) / n)` (from the Fisher information; 0
    /// when `p` is 0 or 1: quote [`beta_law`](MatchRate::beta_law) instead).
    pub fn std_error(&self) -> f64 {
        let p = self.estimate();
        (p * (1.0 - p) / self.rival_cuts as f64).sqrt()
    }

    /// The posterior of the probability from a uniform prior,
    /// `Beta(1 + matched, 1 + rival_cuts - matched)`, as `(alpha, beta)`: a law
    /// on `[0, 1]` that carries the uncertainty even when `p` is 0 or 1.
    pub fn beta_law(&self) -> (f64, f64) {
        (
            1.0 + self.matched as f64,
            1.0 + (self.rival_cuts - self.matched) as f64,
        )
    }
}

/// The day of a record: a month-only date on the first of its month at
/// mid-month (as in [`EventLog::rival_events`]).
fn day_of(date: Date, precision: Precision, origin: Date) -> f64 {
    let day = date.days_since(origin) as f64;
    match precision {
        Precision::Month if date.day() == 1 => day + f64::from(date.days_in_month()) / 2.0,
        _ => day,
    }
}

/// Of the cuts by firms other than `firm` dated in `[start, end)`, the share
/// that `firm` followed with a cut of its own strictly later and at most
/// `window_days` later. A rival cut on a day the firm also cut is left out (the
/// order within a day is not known).
///
/// ```
/// use outpace::calibrate::{EventLog, match_rate};
/// let csv = "date,firm\n2024-01-01,B\n2024-01-05,A\n2024-02-01,C\n2024-06-01,B\n2024-06-01,A\n";
/// let log = EventLog::parse("moves.csv", csv)?;
/// let r = match_rate(&log, "A", 7.0, "2024-01-01".parse()?, "2025-01-01".parse()?)?;
/// assert_eq!((r.rival_cuts, r.matched, r.same_day), (2, 1, 1));
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] if `window_days` is not finite and `> 0`, the firm
/// has no cut, or no rival cut is left to count.
pub fn match_rate(
    log: &EventLog,
    firm: &str,
    window_days: f64,
    start: Date,
    end: Date,
) -> Result<MatchRate> {
    crate::error::check::positive("window_days", window_days)?;
    let within = |d: Date| d.days_since(start) >= 0 && d.days_since(end) < 0;
    let cuts: Vec<_> = log.cuts().filter(|r| within(r.date)).collect();
    let own: Vec<f64> = cuts
        .iter()
        .filter(|r| r.firm == firm)
        .map(|r| day_of(r.date, r.precision, start))
        .collect();
    if own.is_empty() {
        return Err(Error::invalid(
            "firm",
            firm,
            format!("has no cut in `{}` between {start} and {end}", log.file()),
        ));
    }
    let mut rate = MatchRate {
        rival_cuts: 0,
        matched: 0,
        same_day: 0,
    };
    for r in cuts.iter().filter(|r| r.firm != firm) {
        let day = day_of(r.date, r.precision, start);
        if own.contains(&day) {
            rate.same_day += 1;
            continue;
        }
        rate.rival_cuts += 1;
        if own.iter().any(|&d| d > day && d - day <= window_days) {
            rate.matched += 1;
        }
    }
    if rate.rival_cuts == 0 {
        return Err(Error::invalid(
            "firm",
            firm,
            format!(
                "has no rival cut to match in `{}` between {start} and {end}",
                log.file()
            ),
        ));
    }
    Ok(rate)
}
