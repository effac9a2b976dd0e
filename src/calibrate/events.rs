//! Dated events by firm from CSV files, and their conversion to event times.

use super::series::rule_of;
use super::table::{Table, file_error};
use crate::error::{Error, Result, check};
use crate::process::{MAX_FIRMS, RivalEvent};
use std::fmt;
use std::path::Path;

/// Days in a year of the calibration time axis: event times are in years of
/// 365.25 days, so that a quarter is a quarter of a year on average.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// A calendar date, written `YYYY-MM-DD`.
///
/// ```
/// use outpace::calibrate::Date;
/// let d: Date = "2024-02-29".parse()?;
/// let e: Date = "2024-03-01".parse()?;
/// assert_eq!(e.days_since(d), 1);
/// assert!("2023-02-29".parse::<Date>().is_err()); // not a leap year
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date `year-month-day` (year 1 to 9999, a valid month and day).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date> {
        if !(1..=9999).contains(&year) {
            return Err(Error::invalid("year", year, "must be 1 to 9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::invalid("month", month, "must be 1 to 12"));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(Error::invalid(
                "day",
                day,
                format!("must be 1 to {last} in {year}-{month:02}"),
            ));
        }
        Ok(Date { year, month, day })
    }

    /// Year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// Day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days from `other` to `self` (negative if `self` is earlier).
    pub fn days_since(&self, other: Date) -> i64 {
        self.day_number() - other.day_number()
    }

    /// Number of days in the date's month.
    pub fn days_in_month(&self) -> u8 {
        days_in_month(self.year, self.month)
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar; H. Hinnant's
    /// `days_from_civil`).
    fn day_number(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = Error;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date> {
        let bad = |why: String| Error::invalid("date", format!("`{s}`"), why);
        let parts: Vec<&str> = s.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if parts.len() != 3 || !digits(parts[0], 4) || !digits(parts[1], 2) || !digits(parts[2], 2)
        {
            return Err(bad("must be written YYYY-MM-DD, e.g. 2024-05-21".into()));
        }
        let (y, m, d) = (
            parts[0].parse().unwrap_or(0),
            parts[1].parse().unwrap_or(0),
            parts[2].parse().unwrap_or(0),
        );
        Date::new(y, m, d).map_err(|e| bad(rule_of(&e)))
    }
}

/// How precisely an event's date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// The day is known.
    Day,
    /// Only the month is known; a date on the first of the month stands for the
    /// whole month (a later day is an approximate day, used as such).
    Month,
}

/// Whether a price move is a cut or a raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A price cut: an event of the price war.
    Cut,
    /// A price increase: not a cut.
    Raise,
}

/// One row of an event file.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Line of the file it was read from.
    pub line: usize,
    /// Date of the event.
    pub date: Date,
    /// How precisely the date is known.
    pub precision: Precision,
    /// The firm that moved.
    pub firm: String,
    /// Cut or raise.
    pub direction: Direction,
    /// Size of the move (a fraction of the old price), if reported.
    pub size: Option<f64>,
}

impl EventRecord {
    /// The span of days the event stands for, `(first day, length in days)` with
    /// days counted from `origin`: its day, or its whole month when only the month
    /// is known and the date is the first of the month.
    fn span(&self, origin: Date) -> (f64, f64) {
        let first = self.date.days_since(origin) as f64;
        if self.precision == Precision::Month && self.date.day == 1 {
            (first, f64::from(self.date.days_in_month()))
        } else {
            (first, 1.0)
        }
    }
}

/// How events on the same date excite each other, since dates are days and
/// rivals often move the same day.
///
/// An event at time `t` excites only events strictly after `t` (the intensity is
/// left-continuous). Events standing for the same span (the same day, or the same
/// month for month-only dates) are placed in it by one of two rules; see
/// `docs/calibration.md` ("Same-date rule") for how the choice moves the
/// estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameDate {
    /// All events of a span at its middle, at one time: they do not excite each
    /// other; a same-day match is explained by the baseline and earlier cuts. The
    /// order within a day is not known, so no excitation is invented.
    #[default]
    Simultaneous,
    /// The `k` events of a span at `first + length (i + 1) / (k + 1)`,
    /// `i = 0..k` in file order: each excites the later ones of the same day, as
    /// if the file order were the order of the moves, at intervals of a fraction of
    /// a day.
    Spread,
}

/// The dated events of a CSV file (see `docs/calibration.md`, "CSV formats"):
/// columns `date` (`YYYY-MM-DD`, non-decreasing) and `firm` are required;
/// `precision` (`day` or `month`, default `day`), `direction` (`cut` or `raise`,
/// default `cut`) and the size, either `size` or `size_low`/`size_high`, are
/// optional; other columns are ignored.
///
/// With `size_low` and `size_high`, a row's size is their midpoint when both are
/// given and the one given otherwise.
///
/// ```
/// use outpace::calibrate::{Date, EventLog, SameDate};
/// let csv = "date,firm,size\n2024-05-21,Alibaba,0.8\n2024-05-21,Baidu,1.0\n2024-06-01,Tencent,\n";
/// let log = EventLog::parse("moves.csv", csv)?;
/// let start: Date = "2024-01-01".parse()?;
/// let end: Date = "2025-01-01".parse()?;
/// let events = log.rival_events(start, end, SameDate::Simultaneous)?;
/// assert_eq!(events.firms(), ["Alibaba", "Baidu", "Tencent"]);
/// assert_eq!(events.events()[0].time, events.events()[1].time);
/// assert_eq!(log.cut_sizes(), vec![0.8, 1.0]);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    file: String,
    records: Vec<EventRecord>,
}

impl EventLog {
    /// Reads the event file at `path`.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the file, line and column: a missing `date` or
    /// `firm` column, a malformed or decreasing date, an unknown precision or
    /// direction, an empty firm, a size that is not a finite number `> 0`.
    pub fn read(path: impl AsRef<Path>) -> Result<EventLog> {
        Self::from_table(&Table::read(path.as_ref())?)
    }

    /// [`EventLog::read`] from the text of a file, named `file` in errors.
    pub fn parse(file: &str, text: &str) -> Result<EventLog> {
        Self::from_table(&Table::parse(file, text)?)
    }

    fn from_table(table: &Table) -> Result<EventLog> {
        let date = table.column("date")?;
        let firm = table.column("firm")?;
        let precision = table.find("precision");
        let direction = table.find("direction");
        let size = SizeColumns::find(table)?;
        let mut records: Vec<EventRecord> = Vec::with_capacity(table.rows().len());
        for row in table.rows() {
            let d: Date = row.cells[date]
                .parse()
                .map_err(|e: Error| table.error_at(row, date, rule_of(&e)))?;
            if let Some(previous) = records.last()
                && d < previous.date
            {
                return Err(table.error_at(
                    row,
                    date,
                    format!(
                        "{d} comes after {} (line {}): dates must not decrease",
                        previous.date, previous.line
                    ),
                ));
            }
            let name = &row.cells[firm];
            if name.is_empty() {
                return Err(table.error_at(row, firm, "is empty: every event needs a firm"));
            }
            let precision = match precision.map(|c| (c, row.cells[c].as_str())) {
                None | Some((_, "day" | "")) => Precision::Day,
                Some((_, "month")) => Precision::Month,
                Some((c, other)) => {
                    return Err(table.error_at(
                        row,
                        c,
                        format!("`{other}` must be `day` or `month`"),
                    ));
                }
            };
            let direction = match direction.map(|c| (c, row.cells[c].as_str())) {
                None | Some((_, "cut" | "")) => Direction::Cut,
                Some((_, "raise")) => Direction::Raise,
                Some((c, other)) => {
                    return Err(table.error_at(
                        row,
                        c,
                        format!("`{other}` must be `cut` or `raise`"),
                    ));
                }
            };
            records.push(EventRecord {
                line: row.line,
                date: d,
                precision,
                firm: name.clone(),
                direction,
                size: size.read(table, row)?,
            });
        }
        Ok(EventLog {
            file: table.file().to_owned(),
            records,
        })
    }

    /// The file the events were read from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// All rows, in file order.
    pub fn records(&self) -> &[EventRecord] {
        &self.records
    }

    /// The cuts (raises left out), in file order.
    pub fn cuts(&self) -> impl Iterator<Item = &EventRecord> {
        self.records
            .iter()
            .filter(|r| r.direction == Direction::Cut)
    }

    /// The reported sizes of the cuts, in file order (cuts without a size left out).
    pub fn cut_sizes(&self) -> Vec<f64> {
        self.cuts().filter_map(|r| r.size).collect()
    }

    /// The cuts dated in `[start, end)` as event times in years (of
    /// [`DAYS_PER_YEAR`] days) since `start`, on the window `[0, horizon]` with
    /// `horizon = (end - start) / 365.25`, placed within their day or month by
    /// `rule`. Firms are numbered in order of their first cut in the window. A
    /// month-only cut whose place falls after the window's end is placed at the
    /// end.
    ///
    /// # Errors
    /// [`Error::Parse`] if `end` is not after `start`, if no cut falls in the
    /// window, or if more than [`MAX_FIRMS`] firms cut in it.
    pub fn rival_events(&self, start: Date, end: Date, rule: SameDate) -> Result<RivalEvents> {
        if end <= start {
            return Err(file_error(
                &self.file,
                format!("the window end {end} must be after its start {start}"),
            ));
        }
        let horizon_days = end.days_since(start) as f64;
        let cuts: Vec<&EventRecord> = self
            .cuts()
            .filter(|r| r.date >= start && r.date < end)
            .collect();
        let mut firms: Vec<String> = Vec::new();
        let mut timed: Vec<(f64, usize)> = Vec::with_capacity(cuts.len());
        let mut k = 0;
        while k < cuts.len() {
            let span = cuts[k].span(start);
            let group = cuts[k..]
                .iter()
                .take_while(|r| r.span(start) == span)
                .count();
            for (i, record) in cuts[k..k + group].iter().enumerate() {
                let position = match rule {
                    SameDate::Simultaneous => 0.5,
                    SameDate::Spread => (i + 1) as f64 / (group + 1) as f64,
                };
                let day = (span.0 + span.1 * position).min(horizon_days);
                let firm = match firms.iter().position(|f| *f == record.firm) {
                    Some(f) => f,
                    None => {
                        firms.push(record.firm.clone());
                        firms.len() - 1
                    }
                };
                timed.push((day / DAYS_PER_YEAR, firm));
            }
            k += group;
        }
        if timed.is_empty() {
            return Err(file_error(
                &self.file,
                format!("has no cut dated from {start} to before {end}"),
            ));
        }
        if firms.len() > MAX_FIRMS {
            return Err(file_error(
                &self.file,
                format!(
                    "{} firms cut from {start} to before {end}, more than the {MAX_FIRMS} a \
                     rival Hawkes process can have",
                    firms.len()
                ),
            ));
        }
        // A month-long span can end past a later day-precision event: keep time order.
        timed.sort_by(|a, b| a.0.total_cmp(&b.0));
        let events = timed
            .into_iter()
            .map(|(time, firm)| RivalEvent { time, firm })
            .collect();
        RivalEvents::new(firms, events, horizon_days / DAYS_PER_YEAR).map(|e| {
            e.described(format!(
                "cuts of `{}` from {start} to before {end}",
                self.file
            ))
        })
    }
}

/// Which columns hold the size of a move.
enum SizeColumns {
    None,
    Single(usize),
    Range(Option<usize>, Option<usize>),
}

impl SizeColumns {
    fn find(table: &Table) -> Result<SizeColumns> {
        Ok(
            match (
                table.find("size"),
                table.find("size_low"),
                table.find("size_high"),
            ) {
                (Some(s), None, None) => SizeColumns::Single(s),
                (None, None, None) => SizeColumns::None,
                (None, low, high) => SizeColumns::Range(low, high),
                (Some(_), _, _) => {
                    return Err(file_error(
                        table.file(),
                        "has both `size` and `size_low`/`size_high` columns: keep one of the two forms",
                    ));
                }
            },
        )
    }

    fn read(&self, table: &Table, row: &super::table::Row) -> Result<Option<f64>> {
        let positive = |c: usize| -> Result<Option<f64>> {
            match table.number(row, c)? {
                Some(x) if x <= 0.0 => Err(table.error_at(row, c, format!("{x} must be > 0"))),
                other => Ok(other),
            }
        };
        Ok(match *self {
            SizeColumns::None => None,
            SizeColumns::Single(c) => positive(c)?,
            SizeColumns::Range(low, high) => {
                let low = low.map(positive).transpose()?.flatten();
                let high = high.map(positive).transpose()?.flatten();
                match (low, high) {
                    (Some(l), Some(h)) => Some(0.5 * (l + h)),
                    (l, h) => l.or(h),
                }
            }
        })
    }
}

/// Firm-labelled event times on a window `[0, horizon]`: the data of a rival
/// Hawkes fit.
///
/// ```
/// use outpace::calibrate::RivalEvents;
/// use outpace::process::RivalEvent;
/// let e = |time, firm| RivalEvent { time, firm };
/// let events = RivalEvents::new(vec!["A".into(), "B".into()], vec![e(0.1, 0), e(0.4, 1)], 1.0)?;
/// assert_eq!(events.counts(), vec![1, 1]);
/// assert!(RivalEvents::new(vec!["A".into()], vec![e(0.4, 0), e(0.1, 0)], 1.0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RivalEvents {
    description: String,
    firms: Vec<String>,
    events: Vec<RivalEvent>,
    horizon: f64,
}

impl RivalEvents {
    /// Events (times non-decreasing, in `[0, horizon]`, firms `< firms.len()`) of
    /// `firms` (1 to [`MAX_FIRMS`] distinct names) on `[0, horizon]` (`horizon`
    /// finite and `> 0`).
    pub fn new(firms: Vec<String>, events: Vec<RivalEvent>, horizon: f64) -> Result<RivalEvents> {
        let horizon = check::positive("horizon", horizon)?;
        if firms.is_empty() || firms.len() > MAX_FIRMS {
            return Err(Error::invalid(
                "firms",
                format!("{} names", firms.len()),
                format!("must have 1 to {MAX_FIRMS} names"),
            ));
        }
        for (i, f) in firms.iter().enumerate() {
            if firms[..i].contains(f) {
                return Err(Error::invalid(format!("firms[{i}]"), f, "appears twice"));
            }
        }
        let mut previous = 0.0;
        for (k, e) in events.iter().enumerate() {
            let name = format!("events[{k}].time");
            if !(e.time >= previous && e.time <= horizon) {
                return Err(Error::invalid(
                    name,
                    e.time,
                    format!(
                        "must lie in [{previous}, {horizon}]: times must not decrease and stay in the window"
                    ),
                ));
            }
            if e.firm >= firms.len() {
                return Err(Error::invalid(
                    format!("events[{k}].firm"),
                    e.firm,
                    format!("must be < the number of firms ({})", firms.len()),
                ));
            }
            previous = e.time;
        }
        Ok(RivalEvents {
            description: "events".into(),
            firms,
            events,
            horizon,
        })
    }

    fn described(mut self, description: String) -> RivalEvents {
        self.description = description;
        self
    }

    /// What the events are, for messages and reports.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The firms' names.
    pub fn firms(&self) -> &[String] {
        &self.firms
    }

    /// The events, in time order.
    pub fn events(&self) -> &[RivalEvent] {
        &self.events
    }

    /// Length of the window.
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Number of events of each firm.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.firms.len()];
        for e in &self.events {
            counts[e.firm] += 1;
        }
        counts
    }

    /// The same events with every firm merged into one: the pooled (ground)
    /// process.
    pub fn pooled(&self) -> RivalEvents {
        RivalEvents {
            description: format!("{} (pooled)", self.description),
            firms: vec!["all".into()],
            events: self
                .events
                .iter()
                .map(|e| RivalEvent {
                    time: e.time,
                    firm: 0,
                })
                .collect(),
            horizon: self.horizon,
        }
    }
}
