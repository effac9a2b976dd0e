//! Tidy CSV tables of summaries, one observation per row, loadable directly by
//! pandas, polars, R or a spreadsheet.
//!
//! Every table starts with a header row; fields are separated by commas and quoted
//! (RFC 4180) only when they contain a comma, a quote or a line break; numbers are
//! written in the shortest form that reads back to the same `f64`; a missing value is
//! an empty field; lines end with `\n`. Periods are labelled by the model's
//! calendar (`2026Q2` for a quarter, see [`Calendar::code`](crate::calendar::Calendar::code))
//! and dated by ISO `2026-06-30` (the period's last day; empty for a calendar
//! without dates). The columns are documented in `docs/cli.md`.
//!
//! ```
//! use outpace::analysis::{Described, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Ou;
//! use outpace::report::{csv, json::Summary};
//!
//! let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
//! let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
//!     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
//! let study = Study::run(&model, &StudyOptions { paths: 1_000, ..StudyOptions::default() })?;
//! let table = csv::breakeven([&Summary::from_study(&study)]);
//! assert!(table.starts_with("scenario,rule,period,label,date,probability,lower,upper\n"));
//! assert!(table.contains("recovery,positive,4,2027Q1,2027-03-31,"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::json::{ComparisonSummary, Period, Summary};

/// Columns of [`fan_chart`].
pub const FAN_CHART_COLUMNS: [&str; 9] = [
    "scenario",
    "series",
    "unit",
    "period",
    "label",
    "date",
    "statistic",
    "quantile",
    "value",
];

/// Columns of [`breakeven`].
pub const BREAKEVEN_COLUMNS: [&str; 8] = [
    "scenario",
    "rule",
    "period",
    "label",
    "date",
    "probability",
    "lower",
    "upper",
];

/// Columns of [`breakeven_dates`].
pub const BREAKEVEN_DATES_COLUMNS: [&str; 15] = [
    "scenario",
    "rule",
    "title",
    "paths",
    "within_horizon",
    "lower",
    "upper",
    "never",
    "p10_period",
    "p10_label",
    "p50_period",
    "p50_label",
    "p90_period",
    "p90_label",
    "mean_period",
];

/// Columns of [`comparison`].
pub const COMPARISON_COLUMNS: [&str; 20] = [
    "baseline",
    "alternative",
    "rule",
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
    "title",
    "span",
    "span_first",
    "span_last",
];

/// Per-period statistics of the series: for each scenario, series and period, one
/// row per quantile of the fan-chart series and of every series a break-even
/// rule reads ([`Study::fans`](crate::analysis::Study::fans); `statistic` = `p5`, `p10`, `p25`,
/// `p50`, `p75`, `p90`, `p95`, with its level in `quantile`) and one row for the
/// mean of every series (`statistic` = `mean`, `quantile` empty); `unit` is the
/// series' unit (e.g. `RMB bn per quarter`, empty when the model gives none).
pub fn fan_chart<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> String {
    let mut out = header(&FAN_CHART_COLUMNS);
    for summary in summaries {
        for series in &summary.series {
            for period in &summary.periods {
                let k = period.period;
                let [index, label, date] = period_fields(period);
                let fields = [
                    summary.name(),
                    series.name.as_str(),
                    series.unit.as_str(),
                    &index,
                    &label,
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

/// The break-even CDFs: for each scenario, rule and period, the probability
/// of having broken even by the end of that period with its confidence interval.
pub fn breakeven<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> String {
    let mut out = header(&BREAKEVEN_COLUMNS);
    for summary in summaries {
        for b in &summary.breakevens {
            for (period, p) in summary.periods.iter().zip(&b.cdf) {
                let [index, label, date] = period_fields(period);
                let [estimate, lower, upper] = [p.estimate, p.lower, p.upper].map(number);
                row(
                    &mut out,
                    &[
                        summary.name(),
                        &b.key,
                        &index,
                        &label,
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

/// When paths break even, one row per scenario and rule: the probability of
/// breaking even within the horizon with its interval, the share that never does
/// (`never`), and the P10, median and P90 of the break-even period among the paths
/// that break even, as period indices and labels (empty when no path does), and
/// the mean period.
pub fn breakeven_dates<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> String {
    let mut out = header(&BREAKEVEN_DATES_COLUMNS);
    for summary in summaries {
        for b in &summary.breakevens {
            let h = &b.within_horizon;
            let numbers = [h.estimate, h.lower, h.upper, b.censored].map(number);
            let dates = [&b.p10, &b.p50, &b.p90].map(|p| match p {
                Some(p) => [p.period.to_string(), p.label.clone()],
                None => Default::default(),
            });
            let paths = b.paths.to_string();
            let mean = b.mean_period.map(number).unwrap_or_default();
            let fields: Vec<&str> = [summary.name(), &b.key, &b.title, &paths]
                .into_iter()
                .chain(numbers.iter().map(String::as_str))
                .chain(dates.iter().flatten().map(String::as_str))
                .chain([mean.as_str()])
                .collect();
            row(&mut out, &fields);
        }
    }
    out
}

/// The paired differences of a comparison, one row per alternative and rule
/// (`rule` its key, `title` its title): probabilities within the span compared
/// and their difference with its interval, and the median break-even periods with
/// their difference in periods (empty when a scenario has no path that breaks
/// even). `span` is the number of periods compared, `span_first` and `span_last`
/// their first and last labels: the common span of the two horizons, shorter than
/// one of them when the horizons differ. (The columns after `median_upper` were
/// added later, so older scripts that read columns by position still work.)
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
                m.baseline.label.clone(),
                m.alternative.label.clone(),
                number(m.difference_periods.estimate),
                number(m.difference_periods.lower),
                number(m.difference_periods.upper),
            ],
            None => Default::default(),
        };
        let paths = d.paths.to_string();
        let span: [String; 3] = match &d.span {
            Some(s) => [
                s.periods.to_string(),
                s.first.label.clone(),
                s.last.label.clone(),
            ],
            None => Default::default(),
        };
        let fields: Vec<&str> = [summary.baseline.as_str(), &d.alternative, &d.rule, &paths]
            .into_iter()
            .chain(probabilities.iter().map(String::as_str))
            .chain(median.iter().map(String::as_str))
            .chain([d.title.as_str()])
            .chain(span.iter().map(String::as_str))
            .collect();
        row(&mut out, &fields);
    }
    out
}

/// `period`, `label` and `date` fields.
fn period_fields(period: &Period) -> [String; 3] {
    [
        period.period.to_string(),
        period.label.clone(),
        period.date.clone().unwrap_or_default(),
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

/// The header row of `columns`.
pub(crate) fn header(columns: &[&str]) -> String {
    let mut out = String::new();
    row(&mut out, columns);
    out
}

/// Appends one row of `fields`, each quoted as needed.
pub(crate) fn row(out: &mut String, fields: &[&str]) {
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
    out.push_str(&quoted(field));
}

/// `field` as a CSV field (RFC 4180): quoted, with its quotes doubled, when it
/// holds a comma, a quote or a line break; as it is otherwise.
pub(crate) fn quoted(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
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
    }
}
