//! Checks of the files a study's report writes, for any model: every table row
//! and chart agrees with the summary. Included by the end-to-end tests of the
//! command line (`cli/tests/cli.rs`) and of the custom-model example
//! (`tests/custom_model.rs`), so that both pass the same checks.
#![allow(dead_code)]

use outpace::report::csv::{BREAKEVEN_COLUMNS, BREAKEVEN_DATES_COLUMNS, FAN_CHART_COLUMNS};
use outpace::report::files;
use outpace::report::json::Summary;
use std::fs;
use std::path::Path;

/// The rows of a CSV without quoted fields, after checking its header.
pub fn csv_rows(path: &Path, columns: &[&str]) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        columns.join(","),
        "{}",
        path.display()
    );
    // Fields are quoted when they hold a comma (a unit such as "index, 2026Q1 = 1").
    let body: String = lines.map(|l| format!("{l}\n")).collect();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert!(
        rows.iter().all(|r| r.len() == columns.len()),
        "{}",
        path.display()
    );
    rows
}

/// Every text of an SVG, after checking it parses as XML with an `svg` root.
pub fn svg_texts(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let doc =
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn number(field: &str) -> f64 {
    field
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {field}"))
}

/// The summary written in `dir`.
pub fn read_summary(dir: &Path) -> Summary {
    let text = fs::read_to_string(dir.join(files::SUMMARY_JSON)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Checks every file of a study's report in `dir` against `summary`.
pub fn check_study_files(dir: &Path, summary: &Summary) {
    assert_eq!(&read_summary(dir), summary);
    check_breakeven_csv(&dir.join(files::BREAKEVEN_CSV), summary);
    check_breakeven_dates_csv(&dir.join(files::BREAKEVEN_DATES_CSV), summary);
    check_fan_chart_csv(&dir.join(files::FAN_CHART_CSV), summary);
    check_charts(dir, summary);
    check_no_leftovers(dir);
}

/// No temporary or hidden file is left in `dir` (but outpace's marker).
pub fn check_no_leftovers(dir: &Path) {
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != files::MARKER && (n.starts_with('.') || n.ends_with(".tmp")))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Every row of `breakeven.csv` is the CDF of its rule at its period.
pub fn check_breakeven_csv(path: &Path, summary: &Summary) {
    let rows = csv_rows(path, &BREAKEVEN_COLUMNS);
    assert_eq!(rows.len(), summary.breakevens.len() * summary.periods.len());
    for (row, (b, (period, p))) in rows.iter().zip(
        summary
            .breakevens
            .iter()
            .flat_map(|b| summary.periods.iter().zip(&b.cdf).map(move |x| (b, x))),
    ) {
        assert_eq!(row[0], summary.name());
        assert_eq!(row[1], b.key);
        assert_eq!(number(&row[2]) as usize, period.period);
        assert_eq!(row[3], period.label);
        assert_eq!(row[4], period.date.clone().unwrap_or_default());
        let (prob, lower, upper) = (number(&row[5]), number(&row[6]), number(&row[7]));
        assert_eq!((prob, lower, upper), (p.estimate, p.lower, p.upper));
        assert!((0.0..=1.0).contains(&prob) && lower <= prob && prob <= upper);
    }
}

/// Every row of `fan_chart.csv` is a quantile or the mean of its series at its
/// period, and every statistic of the summary has its row.
pub fn check_fan_chart_csv(path: &Path, summary: &Summary) {
    let rows = csv_rows(path, &FAN_CHART_COLUMNS);
    let per_period: usize = summary.series.iter().map(|s| s.quantiles.len() + 1).sum();
    assert_eq!(rows.len(), per_period * summary.periods.len());
    for row in &rows {
        assert_eq!(row[0], summary.name());
        let series = summary.series(&row[1]).unwrap();
        assert_eq!(row[2], series.unit, "the unit column is the series' unit");
        let k = number(&row[3]) as usize;
        assert_eq!(row[4], summary.periods[k].label);
        let value = number(&row[8]);
        if row[6] == "mean" {
            assert_eq!(row[7], "", "means have no quantile level");
            assert_eq!(value, series.mean[k]);
        } else {
            let level = number(&row[7]);
            assert_eq!(row[6], format!("p{}", (100.0 * level).round()));
            assert_eq!(value, series.band(level).unwrap()[k]);
        }
    }
}

/// One row per rule in `breakeven_dates.csv`, with the summary's probability and
/// P10/P50/P90 break-even periods.
pub fn check_breakeven_dates_csv(path: &Path, summary: &Summary) {
    let rows = csv_rows(path, &BREAKEVEN_DATES_COLUMNS);
    assert_eq!(rows.len(), summary.breakevens.len());
    for (row, b) in rows.iter().zip(&summary.breakevens) {
        assert_eq!(
            [&row[0], &row[1], &row[2]],
            [summary.name(), &b.key, &b.title]
        );
        assert_eq!(number(&row[3]) as usize, b.paths);
        assert_eq!(number(&row[4]), b.within_horizon.estimate);
        assert_eq!(number(&row[7]), b.censored);
        for (i, p) in [&b.p10, &b.p50, &b.p90].into_iter().enumerate() {
            let (period, label) = (&row[8 + 2 * i], &row[9 + 2 * i]);
            match p {
                Some(p) => {
                    assert_eq!(number(period) as usize, p.period);
                    assert_eq!(label, &p.label);
                }
                None => assert!(period.is_empty() && label.is_empty()),
            }
        }
    }
}

/// `free_cash_flow` as `Free cash flow`.
fn capitalised(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The charts are labelled: the fan chart with its series, bands, unit and
/// provenance; the curves and histograms with every rule.
pub fn check_charts(dir: &Path, summary: &Summary) {
    let paths = format!("{} paths", group_thousands(summary.run.paths));
    if let Some(headline) = &summary.model.headline {
        let fan = svg_texts(&dir.join(files::FAN_CHART_SVG));
        let unit = &summary.series(&headline.income).unwrap().unit;
        for series in [&headline.income, &headline.spending] {
            let name = capitalised(series);
            for band in ["P10-P90", "P25-P75", "median"] {
                let label = format!("{name} {band}");
                assert!(fan.contains(&label), "fan chart lacks `{label}`:\n{fan}");
            }
        }
        for label in [unit.as_str(), "Calendar year", &paths] {
            assert!(fan.contains(label), "fan chart lacks `{label}`:\n{fan}");
        }
    }
    let curves = svg_texts(&dir.join(files::BREAKEVEN_SVG));
    assert!(curves.contains("% of paths"));
    for b in &summary.breakevens {
        assert!(curves.contains(&b.title), "curves lack `{}`", b.title);
        let histogram = svg_texts(&dir.join(files::histogram_svg(&b.key)));
        assert!(histogram.contains("Not within the horizon"), "{histogram}");
        assert!(histogram.contains(&b.title.to_lowercase()), "{histogram}");
    }
}

/// `1234567` as `1,234,567`.
fn group_thousands(n: usize) -> String {
    outpace::report::text::group_thousands(n)
}
