//! Tidy CSV tables of summaries, one observation per row, loadable directly by
//! pandas, polars, R or a spreadsheet.
//!
//! Every table starts with a header row; fields are separated by commas and quoted
//! (RFC 4180) only when they contain a comma, a quote or a line break; numbers are
//! written in the shortest form that reads back to the same `f64`; a missing value is
//! an empty field; lines end with `\n`. Quarters are written as `2026Q2` and dates as
//! ISO `2026-06-30` (the quarter's last day). The columns are documented in
//! `docs/cli.md`.
//!
//! ```
//! use outpace::analysis::{Study, StudyOptions};
//! use outpace::cloud::Scenario;
//! use outpace::report::{csv, json::Summary};
//!
//! let options = StudyOptions { paths: 1_000, ..StudyOptions::default() };
//! let summary = Summary::from_study(&Study::run(&Scenario::alibaba(), &options)?);
//! let table = csv::breakeven([&summary]);
//! assert!(table.starts_with("scenario,definition,period,quarter,date,probability,lower,upper\n"));
//! assert!(table.contains("alibaba,flow_crossover,4,2027Q1,2027-03-31,"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::json::{ComparisonSummary, Period, Summary};
use crate::cloud::Quarter;
use std::fmt::Write;

/// Columns of [`fan_chart`].
pub const FAN_CHART_COLUMNS: [&str; 8] = [
    "scenario",
    "series",
    "period",
    "quarter",
    "date",
    "statistic",
    "quantile",
    "value",
];

/// Columns of [`breakeven`].
pub const BREAKEVEN_COLUMNS: [&str; 8] = [
    "scenario",
    "definition",
    "period",
    "quarter",
    "date",
    "probability",
    "lower",
    "upper",
];

/// Columns of [`comparison`].
pub const COMPARISON_COLUMNS: [&str; 16] = [
    "baseline",
    "alternative",
    "definition",
    "paths",
    "p_baseline",
    "p_alternative",
    "difference",
    "lower",
    "upper",
    "paired_std_error",
    "unpaired_std_error",
    "median_baseline",
    "median_alternative",
    "median_difference",
    "median_lower",
    "median_upper",
];

/// Per-period statistics of the series: for each scenario, series and period, one
/// row per quantile of the fan-chart series (`statistic` = `p5`, `p10`, `p25`,
/// `p50`, `p75`, `p90`, `p95`, with its level in `quantile`) and one row for the
/// mean of every series (`statistic` = `mean`, `quantile` empty).
pub fn fan_chart<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> String {
    let mut out = header(&FAN_CHART_COLUMNS);
    for summary in summaries {
        for series in &summary.series {
            for period in &summary.periods {
                let k = period.period;
                let [index, quarter, date] = period_fields(period);
                let fields = [
                    summary.name(),
                    series.name.as_str(),
                    &index,
                    &quarter,
                    &date,
                ];
                for band in &series.quantiles {
                    let statistic = percentile_label(band.level);
                    let (level, value) = (number(band.level), number(band.values[k]));
                    row(
                        &mut out,
                        &[&fields[..], &[&statistic, &level, &value]].concat(),
                    );
                }
                let mean = number(series.mean[k]);
                row(&mut out, &[&fields[..], &["mean", "", &mean]].concat());
            }
        }
    }
    out
}

/// The break-even CDFs: for each scenario, definition and period, the probability
/// of having broken even by the end of that period with its confidence interval.
pub fn breakeven<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> String {
    let mut out = header(&BREAKEVEN_COLUMNS);
    for summary in summaries {
        for b in &summary.breakevens {
            for (period, p) in summary.periods.iter().zip(&b.cdf) {
                let [index, quarter, date] = period_fields(period);
                let [estimate, lower, upper] = [p.estimate, p.lower, p.upper].map(number);
                row(
                    &mut out,
                    &[
                        summary.name(),
                        &b.key,
                        &index,
                        &quarter,
                        &date,
                        &estimate,
                        &lower,
                        &upper,
                    ],
                );
            }
        }
    }
    out
}

/// The paired differences of a comparison, one row per alternative and definition:
/// probabilities within the horizon and their difference with its interval, and the
/// median break-even quarters with their difference in quarters (empty when a
/// scenario has no path that breaks even).
pub fn comparison(summary: &ComparisonSummary) -> String {
    let mut out = header(&COMPARISON_COLUMNS);
    for d in &summary.differences {
        let p = &d.probability;
        let probabilities = [
            p.baseline,
            p.alternative,
            p.difference.estimate,
            p.difference.lower,
            p.difference.upper,
            p.paired_std_error,
            p.unpaired_std_error,
        ]
        .map(number);
        let median: [String; 5] = match &d.median {
            Some(m) => [
                compact(m.baseline.quarter),
                compact(m.alternative.quarter),
                number(m.difference_quarters.estimate),
                number(m.difference_quarters.lower),
                number(m.difference_quarters.upper),
            ],
            None => Default::default(),
        };
        let paths = d.paths.to_string();
        let fields: Vec<&str> = [
            summary.baseline.as_str(),
            &d.alternative,
            &d.definition,
            &paths,
        ]
        .into_iter()
        .chain(probabilities.iter().map(String::as_str))
        .chain(median.iter().map(String::as_str))
        .collect();
        row(&mut out, &fields);
    }
    out
}

/// `period`, `quarter` and `date` fields.
fn period_fields(period: &Period) -> [String; 3] {
    [
        period.period.to_string(),
        compact(period.quarter),
        period.date.clone(),
    ]
}

/// `p5` for 0.05, `p2.5` for 0.025.
fn percentile_label(level: f64) -> String {
    let pct = level * 100.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("p{}", pct.round())
    } else {
        format!("p{}", (pct * 1e6).round() / 1e6)
    }
}

/// The shortest decimal that reads back to `x`.
fn number(x: f64) -> String {
    x.to_string()
}

/// `2026Q2`, the serde form of a quarter.
fn compact(quarter: Quarter) -> String {
    format!("{}Q{}", quarter.year(), quarter.quarter())
}

fn header(columns: &[&str]) -> String {
    let mut out = String::new();
    row(&mut out, columns);
    out
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push('\n');
}

/// Appends `field`, quoted if it contains a comma, a quote or a line break.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        row(&mut out, &["plain", "a,b", "say \"hi\"", "two\nlines", ""]);
        assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
    }

    #[test]
    fn labels_and_numbers() {
        assert_eq!(percentile_label(0.05), "p5");
        assert_eq!(percentile_label(0.1), "p10");
        assert_eq!(percentile_label(0.5), "p50");
        assert_eq!(percentile_label(0.025), "p2.5");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(2.0), "2");
        let x = 0.1 + 0.2;
        assert_eq!(number(x).parse::<f64>().unwrap(), x);
        let q = crate::cloud::Quarter::new(2027, 3).unwrap();
        assert_eq!(compact(q), "2027Q3");
    }
}
