//! Quarterly series from CSV files, and observations of one quantity over time.

use super::table::{Table, cell_error, file_error};
use crate::error::{Error, Result};
use std::fmt;
use std::path::Path;

/// A calendar quarter, written `YYYYQn` (`2025Q3` is July to September 2025).
///
/// ```
/// use outpace::calibrate::Quarter;
/// let q: Quarter = "2025Q3".parse()?;
/// assert_eq!((q.year(), q.quarter()), (2025, 3));
/// assert_eq!(q.start_year(), 2025.5);
/// assert_eq!(q.to_string(), "2025Q3");
/// assert!("2025-Q3".parse::<Quarter>().is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    quarter: u8,
}

impl Quarter {
    /// Quarter `quarter` (1 to 4) of `year` (1 to 9999).
    pub fn new(year: i32, quarter: u8) -> Result<Quarter> {
        if !(1..=9999).contains(&year) {
            return Err(Error::invalid("year", year, "must be 1 to 9999"));
        }
        if !(1..=4).contains(&quarter) {
            return Err(Error::invalid("quarter", quarter, "must be 1 to 4"));
        }
        Ok(Quarter { year, quarter })
    }

    /// Calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Quarter of the year, 1 to 4.
    pub fn quarter(&self) -> u8 {
        self.quarter
    }

    /// Number of quarters since the start of year 0: consecutive quarters differ
    /// by 1.
    pub fn index(&self) -> i64 {
        i64::from(self.year) * 4 + i64::from(self.quarter) - 1
    }

    /// Start of the quarter in years, `year + (quarter - 1) / 4`: the time axis of
    /// [`QuarterlySeries::column`].
    pub fn start_year(&self) -> f64 {
        self.index() as f64 / 4.0
    }

    /// The next quarter.
    pub fn next(&self) -> Quarter {
        let i = self.index() + 1;
        Quarter {
            year: (i / 4) as i32,
            quarter: (i % 4) as u8 + 1,
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

impl std::str::FromStr for Quarter {
    type Err = Error;

    /// Parses `YYYYQn`.
    fn from_str(s: &str) -> Result<Quarter> {
        let bad = || {
            Error::invalid(
                "quarter",
                format!("`{s}`"),
                "must be written YYYYQn, e.g. 2025Q3",
            )
        };
        let (year, quarter) = s.split_once('Q').ok_or_else(bad)?;
        if year.len() != 4 || quarter.len() != 1 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = quarter.parse().map_err(|_| bad())?;
        Quarter::new(year, quarter).map_err(|_| bad())
    }
}

/// Observed values of one quantity at increasing times (in years), remembering
/// where each came from so that an estimator's error can name the file, line and
/// column.
///
/// ```
/// use outpace::calibrate::Observations;
/// let revenue = Observations::regular("revenue", 0.25, &[10.0, 10.5, 11.2])?;
/// assert_eq!(revenue.times(), &[0.0, 0.25, 0.5]);
/// assert!(Observations::new("x", vec![0.0, 0.0], vec![1.0, 2.0]).is_err()); // times must increase
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    source: Source,
    times: Vec<f64>,
    values: Vec<f64>,
}

/// Where observations come from: a column of a file (with each value's line) or a
/// named series built in code.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    File {
        file: String,
        column: String,
        lines: Vec<usize>,
    },
    Named(String),
}

impl Observations {
    /// Observations named `name` at `times` (finite, strictly increasing) with
    /// `values` (finite, as many as times).
    pub fn new(name: &str, times: Vec<f64>, values: Vec<f64>) -> Result<Observations> {
        if times.len() != values.len() {
            return Err(Error::invalid(
                "values",
                format!("{} entries", values.len()),
                format!("must have one entry per time ({})", times.len()),
            ));
        }
        for (k, w) in times.windows(2).enumerate() {
            if w[1].is_nan() || w[1] <= w[0] {
                return Err(Error::invalid(
                    format!("times[{}]", k + 1),
                    w[1],
                    format!("must be > times[{k}] ({}): times must increase", w[0]),
                ));
            }
        }
        for (k, (&t, &v)) in times.iter().zip(&values).enumerate() {
            crate::error::check::finite(&format!("times[{k}]"), t)?;
            crate::error::check::finite(&format!("values[{k}]"), v)?;
        }
        Ok(Observations {
            source: Source::Named(name.to_owned()),
            times,
            values,
        })
    }

    /// Observations at `0, dt, 2 dt, ...` (`dt` finite and `> 0`).
    pub fn regular(name: &str, dt: f64, values: &[f64]) -> Result<Observations> {
        let dt = crate::error::check::positive("dt", dt)?;
        let times = (0..values.len()).map(|k| k as f64 * dt).collect();
        Observations::new(name, times, values.to_vec())
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Observation times, in years.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Observed values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// What the observations are, for messages: `` `file` column `name` `` or
    /// `` series `name` ``.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::File { file, column, .. } => format!("`{file}` column `{column}`"),
            Source::Named(name) => format!("series `{name}`"),
        }
    }

    /// An error about observation `k`: file, line and column when the data come
    /// from a file, the series and index otherwise.
    pub(crate) fn error_at(&self, k: usize, message: impl fmt::Display) -> Error {
        match &self.source {
            Source::File {
                file,
                column,
                lines,
            } => cell_error(file, lines[k], column, message),
            Source::Named(name) => {
                Error::invalid(format!("{name}[{k}]"), self.values[k], message.to_string())
            }
        }
    }

    /// Requires at least `needed` observations for fitting `what`.
    pub(crate) fn require(&self, needed: usize, what: &str) -> Result<()> {
        if self.len() >= needed {
            return Ok(());
        }
        let found = match &self.source {
            Source::File { lines, .. } if !lines.is_empty() => format!(
                "{} observed values (lines {}-{})",
                self.len(),
                lines[0],
                lines[lines.len() - 1]
            ),
            _ => format!("{} observed values", self.len()),
        };
        let message = format!("{found}: at least {needed} are needed to fit {what}");
        Err(match &self.source {
            Source::File { file, column, .. } => {
                Error::Parse(format!("`{file}` column `{column}`: {message}"))
            }
            Source::Named(name) => {
                Error::invalid(name.as_str(), format!("{} values", self.len()), message)
            }
        })
    }
}

/// A quarterly series read from a CSV file: a `quarter` column (`YYYYQn`, strictly
/// increasing, one row per quarter; quarters may be missing) and named numeric
/// columns, in which an empty cell is a missing value. Lines starting with `#` are
/// comments; columns not asked for are ignored (so text columns such as a source
/// may stay in the file).
///
/// ```
/// use outpace::calibrate::QuarterlySeries;
/// let csv = "# RMB billions\nquarter,revenue,note\n2024Q1,10.0,a\n2024Q2,,b\n2024Q3,11.0,c\n";
/// let series = QuarterlySeries::parse("mine.csv", csv, &["revenue"])?;
/// let revenue = series.column("revenue")?;
/// assert_eq!(revenue.times(), &[2024.0, 2024.5]); // the empty 2024Q2 is missing
/// let bad = QuarterlySeries::parse("mine.csv", "quarter,revenue\n2024Q2,1\n2024Q1,2\n", &["revenue"]);
/// assert!(bad.unwrap_err().to_string().contains("`mine.csv` line 3, column `quarter`"));
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterlySeries {
    file: String,
    quarters: Vec<Quarter>,
    lines: Vec<usize>,
    names: Vec<String>,
    /// `cells[c][r]`: column `c`, row `r`.
    cells: Vec<Vec<Option<f64>>>,
}

/// Name of the quarter column of a quarterly CSV file.
pub const QUARTER_COLUMN: &str = "quarter";

impl QuarterlySeries {
    /// Reads the numeric `columns` of the quarterly CSV file at `path`.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the file, and the line and column where there is
    /// one: unreadable file, a missing `quarter` or requested column, a malformed,
    /// unsorted or duplicate quarter, a cell that is neither empty nor a finite
    /// number, a row with the wrong number of cells.
    pub fn read(path: impl AsRef<Path>, columns: &[&str]) -> Result<QuarterlySeries> {
        Self::from_table(Table::read(path.as_ref())?, columns)
    }

    /// [`QuarterlySeries::read`] from the text of a file, named `file` in errors.
    pub fn parse(file: &str, text: &str, columns: &[&str]) -> Result<QuarterlySeries> {
        Self::from_table(Table::parse(file, text)?, columns)
    }

    fn from_table(table: Table, columns: &[&str]) -> Result<QuarterlySeries> {
        let qc = table.column(QUARTER_COLUMN)?;
        let indices: Vec<usize> = columns
            .iter()
            .map(|c| table.column(c))
            .collect::<Result<_>>()?;
        let mut quarters: Vec<Quarter> = Vec::with_capacity(table.rows().len());
        let mut lines = Vec::with_capacity(table.rows().len());
        let mut cells = vec![Vec::with_capacity(table.rows().len()); columns.len()];
        for row in table.rows() {
            let q: Quarter = row.cells[qc]
                .parse()
                .map_err(|e: Error| table.error_at(row, qc, rule_of(&e)))?;
            if let Some(&previous) = quarters.last() {
                if q == previous {
                    return Err(table.error_at(row, qc, format!("{q} appears twice")));
                }
                if q < previous {
                    return Err(table.error_at(
                        row,
                        qc,
                        format!("{q} comes after {previous}: quarters must increase"),
                    ));
                }
            }
            quarters.push(q);
            lines.push(row.line);
            for (column, &index) in cells.iter_mut().zip(&indices) {
                column.push(table.number(row, index)?);
            }
        }
        if quarters.is_empty() {
            return Err(file_error(table.file(), "has a header but no rows"));
        }
        Ok(QuarterlySeries {
            file: table.file().to_owned(),
            quarters,
            lines,
            names: columns.iter().map(|&c| c.to_owned()).collect(),
            cells,
        })
    }

    /// The file the series was read from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The quarters of the rows, increasing.
    pub fn quarters(&self) -> &[Quarter] {
        &self.quarters
    }

    /// The value of `column` in `quarter`, `None` if missing (or no such row).
    pub fn value(&self, quarter: Quarter, column: &str) -> Option<f64> {
        let c = self.names.iter().position(|n| n == column)?;
        let r = self.quarters.binary_search(&quarter).ok()?;
        self.cells[c][r]
    }

    /// The rows from `first` to `last` (both included, either open-ended): the
    /// data window of a fit or the fitting part of a backtest.
    pub fn between(&self, first: Option<Quarter>, last: Option<Quarter>) -> QuarterlySeries {
        let keep: Vec<usize> = (0..self.quarters.len())
            .filter(|&r| {
                let q = self.quarters[r];
                first.is_none_or(|f| q >= f) && last.is_none_or(|l| q <= l)
            })
            .collect();
        QuarterlySeries {
            file: self.file.clone(),
            quarters: keep.iter().map(|&r| self.quarters[r]).collect(),
            lines: keep.iter().map(|&r| self.lines[r]).collect(),
            names: self.names.clone(),
            cells: self
                .cells
                .iter()
                .map(|col| keep.iter().map(|&r| col[r]).collect())
                .collect(),
        }
    }

    /// The observed (non-empty) values of `column`, at the start of their quarter
    /// in years ([`Quarter::start_year`]): a missing quarter is a longer step.
    ///
    /// # Errors
    /// [`Error::Parse`] if `column` was not read.
    pub fn column(&self, column: &str) -> Result<Observations> {
        let c = self.names.iter().position(|n| n == column).ok_or_else(|| {
            file_error(
                &self.file,
                format!(
                    "column `{column}` was not read (read: {})",
                    self.names.join(", ")
                ),
            )
        })?;
        let (mut times, mut values, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        for (r, cell) in self.cells[c].iter().enumerate() {
            if let Some(v) = *cell {
                times.push(self.quarters[r].start_year());
                values.push(v);
                lines.push(self.lines[r]);
            }
        }
        Ok(Observations {
            source: Source::File {
                file: self.file.clone(),
                column: column.to_owned(),
                lines,
            },
            times,
            values,
        })
    }
}

/// The rule part of an [`Error::InvalidParameter`], or its whole message.
pub(crate) fn rule_of(e: &Error) -> String {
    match e {
        Error::InvalidParameter { value, rule, .. } => format!("{value} {rule}"),
        other => other.to_string(),
    }
}
