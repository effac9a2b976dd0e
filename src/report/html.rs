//! One self-contained HTML report of a study or a comparison (feature `svg`):
//! `report.html`.
//!
//! The page needs nothing but itself: the style sheet is inline, the charts are
//! inline SVG ([`super::svg`]), and there is no script, web font, image file or
//! link to another site, so it opens offline, from an e-mail attachment or a
//! file share alike. It is written as XHTML-compatible HTML5 (every element
//! closed, every attribute quoted, only the XML entities), so that an XML parser
//! reads it too. It is meant to be read by a person who has not seen the
//! documentation: each table and chart comes with a short note on what it shows
//! and how to read it.
//!
//! A study's report holds the model and run settings, headline figures, the
//! break-even table (probability within the horizon with its interval, P10, P50
//! and P90 among the paths that break even, and the share that never does), the
//! probabilities by year, the charts (fan chart, break-even curves, a histogram
//! per rule, the value histogram), the value (NPV) distribution and every
//! assumption with its law. A comparison's report holds the paired differences,
//! the comparison charts, each scenario's results and the assumptions that
//! differ from the baseline.
//!
//! ```
//! use outpace::analysis::{Described, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Ou;
//! use outpace::report::{html, json::Summary};
//!
//! let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
//! let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
//!     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
//! let study = Study::run(&model, &StudyOptions { paths: 1_000, ..StudyOptions::default() })?;
//! let page = html::study(&Summary::from_study(&study))?;
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("Cash flow positive") && page.contains("<svg"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::format::xml_escape as escape;
use super::format::{
    capitalised, interval_percent, interval_points, number, percent, sentence, significant,
};
use super::json::{
    BreakEvenSummary, ComparisonSummary, PairedDifference, Period, ScalarStats, Summary,
};
use super::svg;
use super::text::group_thousands;
use crate::calendar::Calendar;
use crate::error::Result;
use crate::inputs::Param;
use serde_json::Value;
use std::fmt::Write;

/// The style sheet of every report. It holds no `<` or `&`, so the page stays
/// well-formed XML.
const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --soft: #f4f6f9;
  --accent: #0072b2; --warm: #d55e00; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { background: linear-gradient(135deg, #0b3c5d, #0072b2); color: #fff; }
header.top .inner { max-width: 1120px; margin: 0 auto; padding: 28px 28px 22px; }
header.top h1 { margin: 0 0 6px; font-size: 30px; line-height: 1.2; }
header.top p { margin: 4px 0; max-width: 880px; color: #e3eef7; }
header.top .run { font-size: 14px; color: #cfe0ee; }
nav.toc { margin: 18px 0 8px; font-size: 14px; }
nav.toc a { display: inline-block; margin: 0 6px 6px 0; padding: 3px 10px; border: 1px solid var(--line);
  border-radius: 14px; color: var(--accent); text-decoration: none; }
nav.toc a:hover { background: var(--soft); }
h2 { margin: 40px 0 8px; padding-bottom: 6px; border-bottom: 2px solid var(--line); font-size: 23px; }
h3 { margin: 26px 0 6px; font-size: 18px; }
p.explain, div.explain { margin: 8px 0 14px; padding: 10px 14px; background: var(--soft);
  border-left: 4px solid var(--accent); color: #2d3545; font-size: 15px; }
div.explain p { margin: 4px 0; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 14px; margin: 18px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff;
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.04); }
.card .what { font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.card .figure { font-size: 28px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .detail { font-size: 14px; color: var(--muted); }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 14px; }
table.wide { width: 100%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.path { white-space: nowrap; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 3px; }
.law { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; color: #7a3300; }
.badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; font-size: 11px;
  background: #fde9dc; color: #8a3b00; vertical-align: 1px; }
.table-scroll { overflow-x: auto; }
table.matrix td, table.matrix tbody tr:nth-child(even) td { padding: 1px 8px; border: none; background: none;
  text-align: right; font-size: 13px; }
table.matrix { border-left: 2px solid #9aa3b2; border-right: 2px solid #9aa3b2; margin: 2px 0; }
table.inputs { table-layout: fixed; }
table.inputs td:first-child, table.inputs th:first-child { width: 36%; }
table.mini { margin: 0; font-size: 13px; }
table.mini th, table.mini td, table.mini tbody tr:nth-child(even) td { padding: 1px 8px; background: none; }
figure { margin: 14px 0 22px; border: 1px solid var(--line); border-radius: 8px; padding: 10px; background: #fff; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { margin-top: 6px; font-size: 14px; color: #2d3545; }
details { margin: 10px 0; }
details summary { cursor: pointer; font-weight: 600; color: var(--accent); }
dl.rules dt { font-weight: 600; margin-top: 8px; }
dl.rules dd { margin: 2px 0 6px 18px; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 13px; color: var(--muted); }
.positive { color: #00734f; }
.negative { color: #b34700; }
@media print { header.top { background: none; color: var(--ink); } header.top p, header.top .run { color: var(--ink); }
  nav.toc { display: none; } figure, table { break-inside: avoid; } }
"#;

/// The report of one study.
///
/// # Errors
/// If a chart cannot be drawn.
pub fn study(summary: &Summary) -> Result<String> {
    let mut page = Page::new(&page_title(summary));
    header(&mut page, summary);
    page.nav(&study_sections(summary));
    cards(&mut page, summary);
    run_settings(&mut page, std::slice::from_ref(summary));
    breakeven_section(&mut page, summary)?;
    by_year_section(&mut page, summary);
    headline_section(&mut page, summary)?;
    timing_section(&mut page, summary)?;
    value_section(&mut page, summary)?;
    assumptions_section(&mut page, summary);
    page.footer(&[
        "summary.json (every number of this page, machine-readable)",
        "breakeven.csv",
        "fan_chart.csv",
        "report.txt",
        "the SVG charts",
    ]);
    Ok(page.finish())
}

/// The report of a comparison, with the comparison charts of the rules whose keys
/// are in `shown` (every rule when none of them is evaluated by every scenario).
///
/// # Errors
/// If a chart cannot be drawn.
pub fn comparison(summary: &ComparisonSummary, shown: &[String]) -> Result<String> {
    let names: Vec<&str> = summary.scenarios.iter().map(Summary::name).collect();
    let title = match names.split_first() {
        Some((base, rest)) => format!("{base} against {}", rest.join(", ")),
        None => "comparison".to_owned(),
    };
    let mut page = Page::new(&format!("outpace comparison: {title}"));
    comparison_header(&mut page, summary, &title);
    let rules = shown_rules(summary, shown);
    let first = summary.scenarios.first();
    let mut sections = vec![
        ("settings", "Run settings"),
        ("differences", "Paired differences"),
        ("charts", "Charts"),
        ("scenarios", "Each scenario"),
    ];
    if first.is_some_and(|s| s.value().is_some()) {
        sections.push(("value", "Value"));
    }
    if summary.scenarios.iter().any(|s| s.model.headline.is_some()) {
        sections.push(("fans", "Fan charts"));
    }
    sections.push(("assumptions", "Assumptions"));
    page.nav(&sections);
    run_settings(&mut page, &summary.scenarios);
    differences_section(&mut page, summary, &rules);
    comparison_charts(&mut page, summary, &rules)?;
    scenarios_section(&mut page, summary);
    values_section(&mut page, summary);
    fans_section(&mut page, summary)?;
    differing_assumptions(&mut page, summary);
    page.footer(&[
        "comparison.json (every number of this page, machine-readable)",
        "comparison.csv",
        "breakeven.csv",
        "fan_chart.csv",
        "comparison.txt",
        "the SVG charts",
    ]);
    Ok(page.finish())
}

/// An HTML page being written.
struct Page {
    out: String,
}

impl Page {
    fn new(title: &str) -> Page {
        let mut out = String::with_capacity(1 << 20);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n");
        out.push_str("<meta charset=\"utf-8\"/>\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        let _ = writeln!(
            out,
            "<meta name=\"generator\" content=\"outpace {}\"/>",
            super::json::OUTPACE_VERSION
        );
        let _ = writeln!(out, "<title>{}</title>", escape(title));
        let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
        Page { out }
    }

    fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    fn h2(&mut self, id: &str, title: &str) {
        let _ = writeln!(self.out, "<h2 id=\"{id}\">{}</h2>", escape(title));
    }

    fn h3(&mut self, title: &str) {
        let _ = writeln!(self.out, "<h3>{}</h3>", escape(title));
    }

    /// A note on how to read what follows (already HTML).
    fn explain(&mut self, html: &str) {
        let _ = writeln!(self.out, "<div class=\"explain\">{html}</div>");
    }

    fn nav(&mut self, sections: &[(&str, &str)]) {
        self.out.push_str("<main>\n<nav class=\"toc\">");
        for (id, title) in sections {
            let _ = write!(self.out, "<a href=\"#{id}\">{}</a>", escape(title));
        }
        self.out.push_str("</nav>\n");
    }

    /// A chart with its caption (HTML).
    fn figure(&mut self, svg: &str, label: &str, caption: &str) {
        let svg = svg.trim().replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(label)),
            1,
        );
        let _ = writeln!(
            self.out,
            "<figure>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>"
        );
    }

    fn footer(&mut self, files: &[&str]) {
        let _ = writeln!(
            self.out,
            "<footer>Written by outpace {}. The same numbers are in the files beside this page: {}.</footer>",
            super::json::OUTPACE_VERSION,
            escape(&files.join(", "))
        );
    }

    fn finish(mut self) -> String {
        self.out.push_str("</main>\n</body>\n</html>\n");
        self.out
    }
}

/// A table: header cells (`num` marks right-aligned numeric columns) and rows of
/// cells already in HTML.
fn table(columns: &[(&str, bool)], rows: &[Vec<String>], class: &str) -> String {
    let mut out = format!("<div class=\"table-scroll\"><table class=\"{class}\">\n<thead><tr>");
    for (title, numeric) in columns {
        let class = if *numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (cell, (_, numeric)) in row.iter().zip(columns) {
            let class = if *numeric { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

fn page_title(summary: &Summary) -> String {
    format!("outpace report: {}", summary.model.title)
}

/// The question the study answers, from its headline pair.
fn question(summary: &Summary) -> String {
    match &summary.model.headline {
        Some(h) => format!(
            "Will {} outpace {}, and when?",
            h.income.replace('_', " "),
            h.spending.replace('_', " ")
        ),
        None => "When does it break even?".to_owned(),
    }
}

/// `40 quarters, 2026 Q2 to 2036 Q1`.
fn horizon(summary: &Summary) -> String {
    let calendar = &summary.model.calendar;
    let steps = summary.run.steps;
    format!(
        "{steps} {}s, {} to {}",
        calendar.unit(),
        calendar.label(1.min(steps)),
        calendar.label(steps)
    )
}

fn header(page: &mut Page, summary: &Summary) {
    let model = &summary.model;
    let title = if model.title == model.name {
        model.name.clone()
    } else {
        format!("{} ({})", model.title, model.name)
    };
    let _ = writeln!(
        page.out,
        "<header class=\"top\"><div class=\"inner\">\n<h1>{}: {}</h1>",
        escape(&title),
        escape(&question(summary))
    );
    if !model.description.is_empty() {
        let _ = writeln!(page.out, "<p>{}</p>", escape(&model.description));
    }
    let _ = writeln!(
        page.out,
        "<p class=\"run\">Monte Carlo simulation of {} paths over {}; seed {}; {:.0}% confidence intervals.</p>\n</div></header>",
        group_thousands(summary.run.paths),
        escape(&horizon(summary)),
        summary.run.seed,
        100.0 * summary.run.confidence
    );
}

fn study_sections(summary: &Summary) -> Vec<(&'static str, &'static str)> {
    let mut sections = vec![
        ("settings", "Run settings"),
        ("breakeven", "Break-even"),
        ("by-year", "By year"),
    ];
    if summary.model.headline.is_some() {
        sections.push(("headline", "Fan chart"));
    }
    sections.push(("timing", "When"));
    if summary.value().is_some() {
        sections.push(("value", "Value"));
    }
    sections.push(("assumptions", "Assumptions"));
    sections
}

/// The rules of the headline cards: the model's compared rules, else the first
/// three.
fn card_rules(summary: &Summary) -> Vec<&BreakEvenSummary> {
    let compared: Vec<&BreakEvenSummary> = summary
        .model
        .compared
        .iter()
        .filter_map(|k| summary.breakeven(k))
        .collect();
    if compared.is_empty() {
        summary.breakevens.iter().take(3).collect()
    } else {
        compared
    }
}

fn label(calendar: &Calendar, period: Option<&Period>) -> String {
    period.map_or_else(|| "never".to_owned(), |p| calendar.label(p.period))
}

fn cards(page: &mut Page, summary: &Summary) {
    let calendar = &summary.model.calendar;
    page.push("<div class=\"cards\">\n");
    for b in card_rules(summary) {
        let median = match &b.p50 {
            Some(p) => format!(
                "median date {} among paths that do",
                calendar.label(p.period)
            ),
            None => "no path does within the horizon".to_owned(),
        };
        let _ = writeln!(
            page.out,
            "<div class=\"card\"><div class=\"what\">{}</div><div class=\"figure\">{}</div><div class=\"detail\">of paths within the horizon; {}</div></div>",
            escape(&b.title),
            percent(b.within_horizon.estimate),
            escape(&median)
        );
    }
    if let (Some(valuation), Some(value)) = (&summary.model.value, summary.value()) {
        let scale = value_scale(value);
        let median = quantile(value, 0.5).map_or_else(|| "n/a".to_owned(), |m| number(m, scale));
        let positive = value.probability_positive.map_or_else(String::new, |p| {
            format!("; positive on {} of paths", percent(p))
        });
        let _ = writeln!(
            page.out,
            "<div class=\"card\"><div class=\"what\">{} (median)</div><div class=\"figure\">{}</div><div class=\"detail\">{}{}</div></div>",
            escape(&valuation.label),
            escape(&median),
            escape(&value.unit),
            escape(&positive)
        );
    }
    page.push("</div>\n");
}

fn run_settings(page: &mut Page, summaries: &[Summary]) {
    let Some(first) = summaries.first() else {
        return;
    };
    page.h2("settings", "Run settings");
    page.explain(
        "<p>Each path is one possible future, simulated period by period from the assumptions below. \
         Every number on this page is reproduced exactly by the same inputs, seed and number of paths, \
         whatever the computer or the number of threads. Intervals are confidence intervals for the \
         Monte Carlo estimate: more paths make them narrower.</p>",
    );
    let run = &first.run;
    let calendar = &first.model.calendar;
    let mut rows = vec![
        vec![
            "Scenarios".to_owned(),
            escape(
                &summaries
                    .iter()
                    .map(Summary::name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
        vec!["Paths".to_owned(), group_thousands(run.paths)],
        vec!["Seed".to_owned(), run.seed.to_string()],
        vec![
            "Confidence level of intervals".to_owned(),
            format!("{:.0}%", 100.0 * run.confidence),
        ],
    ];
    if summaries.iter().all(|s| horizon(s) == horizon(first)) {
        rows.push(vec!["Horizon".to_owned(), escape(&horizon(first))]);
    } else {
        for s in summaries {
            let name = format!("Horizon of {}", s.name());
            rows.push(vec![escape(&name), escape(&horizon(s))]);
        }
    }
    rows.extend([
        vec![
            "Period 0 (the start, last observed)".to_owned(),
            escape(&calendar.label(0)),
        ],
        vec![
            "Length of a period".to_owned(),
            format!("{} years", run.dt_years),
        ],
        vec![
            "Written by".to_owned(),
            format!(
                "outpace {}, summary schema {}",
                escape(&first.outpace_version),
                first.schema_version
            ),
        ],
    ]);
    page.push(&table(&[("Setting", false), ("Value", false)], &rows, ""));
}

/// `must hold for 4 consecutive quarters`, or empty for a single period.
fn holding(b: &BreakEvenSummary, calendar: &Calendar) -> String {
    let mut parts = Vec::new();
    match b.sustain {
        Some(1) => {}
        Some(s) => parts.push(format!(
            "must hold for {s} consecutive {}s (the date is the first of them)",
            calendar.unit()
        )),
        None => parts.push("must hold from then to the horizon".to_owned()),
    }
    if b.crossing {
        parts.push("only a change from false to true counts".to_owned());
    }
    parts.join("; ")
}

fn breakeven_table(summary: &Summary) -> String {
    let calendar = &summary.model.calendar;
    let confidence = 100.0 * summary.run.confidence;
    let rows: Vec<Vec<String>> = summary
        .breakevens
        .iter()
        .map(|b| {
            vec![
                escape(&b.title),
                format!("<code>{}</code>", escape(&b.when)),
                escape(&interval_percent(&b.within_horizon)),
                escape(&label(calendar, b.p10.as_ref())),
                escape(&label(calendar, b.p50.as_ref())),
                escape(&label(calendar, b.p90.as_ref())),
                escape(&percent(b.censored)),
            ]
        })
        .collect();
    let within = format!("Within horizon [{confidence:.0}% CI]");
    table(
        &[
            ("Rule", false),
            ("Condition", false),
            (&within, true),
            ("P10", true),
            ("P50", true),
            ("P90", true),
            ("Never", true),
        ],
        &rows,
        "wide",
    )
}

fn breakeven_section(page: &mut Page, summary: &Summary) -> Result<()> {
    let calendar = &summary.model.calendar;
    let unit = calendar.unit();
    page.h2("breakeven", "Break-even: whether and when");
    page.explain(&format!(
        "<p>Each rule defines break-even as the first simulated {unit} in which its condition holds. \
         <b>Within horizon</b> is the share of paths that break even by {}, with its confidence interval. \
         <b>P10, P50, P90</b> are dates <em>among the paths that break even</em>: 10%, 50% and 90% of those \
         paths have broken even by then; they say nothing about the paths that do not. \
         <b>Never</b> is the share of paths that do not break even within the horizon: their date is \
         unknown (later, or not at all), not the horizon. Within horizon and never add up to 100%.</p>",
        escape(&calendar.label(summary.run.steps))
    ));
    page.push(&breakeven_table(summary));
    page.h3("The rules");
    page.push("<dl class=\"rules\">\n");
    for b in &summary.breakevens {
        let hold = holding(b, calendar);
        let hold = if hold.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"muted\">({})</span>", escape(&hold))
        };
        let _ = writeln!(
            page.out,
            "<dt>{} <span class=\"muted small\">key <code>{}</code></span></dt><dd>{} Condition: <code>{}</code>{hold}</dd>",
            escape(&b.title),
            escape(&b.key),
            escape(&sentence(&b.description)),
            escape(&b.when)
        );
    }
    page.push("</dl>\n");
    page.figure(
        &svg::breakeven_curves(summary)?,
        "Break-even curves",
        &format!(
            "The probability of having broken even by the end of each {unit}, one line per rule, \
             with its confidence band. A line that ends below 100% leaves the rest as <em>never within \
             the horizon</em>. Notes on the right name curves that coincide and explain flat ends."
        ),
    );
    Ok(())
}

/// The label of a by-year column: the year when `k` ends one, otherwise the
/// period's label.
fn year_label(calendar: &Calendar, k: usize) -> String {
    match calendar.year(k) {
        Some(year) if calendar.ends_year(k) => year.to_string(),
        _ => calendar.label(k),
    }
}

fn by_year_section(page: &mut Page, summary: &Summary) {
    let calendar = &summary.model.calendar;
    let points = calendar.year_ends(summary.run.steps);
    page.h2("by-year", "Probability of having broken even, by year");
    page.explain(&format!(
        "<p>The share of paths (%) that have broken even by the end of each year, under each rule: \
         the break-even curves read at year ends. The last column is the horizon ({}).</p>",
        escape(&calendar.label(summary.run.steps))
    ));
    let titles: Vec<String> = points.iter().map(|&k| year_label(calendar, k)).collect();
    let mut columns: Vec<(&str, bool)> = vec![("Rule", false)];
    columns.extend(titles.iter().map(|t| (t.as_str(), true)));
    let rows: Vec<Vec<String>> = summary
        .breakevens
        .iter()
        .map(|b| {
            std::iter::once(escape(&b.title))
                .chain(points.iter().map(|&k| {
                    let p = b.cdf.get(k).map_or(0.0, |c| c.estimate);
                    format!("{:.1}", 100.0 * p)
                }))
                .collect()
        })
        .collect();
    page.push(&table(&columns, &rows, "wide"));
}

fn headline_section(page: &mut Page, summary: &Summary) -> Result<()> {
    let Some(headline) = &summary.model.headline else {
        return Ok(());
    };
    let calendar = &summary.model.calendar;
    let (income, outgo) = (
        capitalised(&headline.income),
        headline.spending.replace('_', " "),
    );
    page.h2("headline", &format!("{income} against {outgo}"));
    let note = if headline.spending_note.is_empty() {
        String::new()
    } else {
        format!(" {}", escape(&sentence(&headline.spending_note)))
    };
    page.explain(&format!(
        "<p>The spread of {} and {} over the paths, {} by {}.{note} \
         The blue bands hold the middle 80% and 50% of paths for {}; the vermilion lines are the same \
         bands for {outgo} (dashed: P10 and P90, solid: P25 and P75); thick lines are medians. \
         The dot marks where the medians cross: where a typical path's {} overtakes its {outgo}. \
         That is not the median break-even date of any rule, which is in the table above.</p>",
        escape(&headline.income.replace('_', " ")),
        escape(&outgo),
        escape(summary.series(&headline.income).map_or("", |s| &s.unit)),
        calendar.unit(),
        escape(&headline.income.replace('_', " ")),
        escape(&headline.income.replace('_', " "))
    ));
    page.figure(
        &svg::fan_chart(summary)?,
        "Fan chart",
        &format!(
            "{} and {} by {}: P10-P90 and P25-P75 bands and medians.",
            escape(&income),
            escape(&outgo),
            calendar.unit()
        ),
    );
    headline_table(page, summary, &[&headline.income, &headline.spending]);
    Ok(())
}

/// Median [P10, P90] of the headline series at every year end.
fn headline_table(page: &mut Page, summary: &Summary, names: &[&String]) {
    let calendar = &summary.model.calendar;
    let points = calendar.year_ends(summary.run.steps);
    let series: Vec<_> = names.iter().filter_map(|n| summary.series(n)).collect();
    let Some(first) = series.first() else {
        return;
    };
    page.h3(&format!(
        "Median [P10, P90] at each year end, {}",
        first.unit
    ));
    let mut columns: Vec<(String, bool)> = vec![("Year end".to_owned(), false)];
    columns.extend(series.iter().map(|s| (capitalised(&s.name), true)));
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|&k| {
            std::iter::once(escape(&year_label(calendar, k)))
                .chain(series.iter().map(|s| {
                    let at = |level: f64| s.band(level).and_then(|b| b.get(k)).copied();
                    let scale = column_scale(s, &points);
                    match (at(0.5), at(0.1), at(0.9)) {
                        (Some(m), Some(lo), Some(hi)) => format!(
                            "{} [{}, {}]",
                            number(m, scale),
                            number(lo, scale),
                            number(hi, scale)
                        ),
                        _ => "n/a".to_owned(),
                    }
                }))
                .collect()
        })
        .collect();
    let columns: Vec<(&str, bool)> = columns.iter().map(|(t, n)| (t.as_str(), *n)).collect();
    page.push(&table(&columns, &rows, ""));
}

/// The magnitude that sets the decimals of a series' column: its largest P10 or
/// P90 at `points`, so that a column has one number of decimals.
fn column_scale(series: &super::json::SeriesStats, points: &[usize]) -> f64 {
    [0.1, 0.9]
        .iter()
        .filter_map(|&level| series.band(level))
        .flat_map(|band| points.iter().filter_map(|&k| band.get(k)))
        .fold(0.0, |a: f64, b| a.max(b.abs()))
}

fn timing_section(page: &mut Page, summary: &Summary) -> Result<()> {
    let unit = summary.model.calendar.unit();
    page.h2("timing", "When paths break even, rule by rule");
    page.explain(&format!(
        "<p>For each rule, the share of <em>all</em> paths that first break even in each {unit} (bars), \
         and in a panel of its own the share that does not within the horizon (grey): together they add \
         to 100%. The grey bar has its own 0-100% scale, because it is often much taller than any {unit}'s \
         bar. Dashed lines mark P10, P50 and P90 of the date among the paths that break even.</p>"
    ));
    let shown = card_rules(summary);
    for b in &summary.breakevens {
        let open = if shown.iter().any(|s| s.key == b.key) {
            " open=\"open\""
        } else {
            ""
        };
        let _ = writeln!(
            page.out,
            "<details{open}><summary>{}: {} within the horizon, median {}</summary>",
            escape(&b.title),
            percent(b.within_horizon.estimate),
            escape(&label(&summary.model.calendar, b.p50.as_ref()))
        );
        page.figure(
            &svg::breakeven_histogram(summary, &b.key)?,
            &format!("When {} happens", b.title),
            &format!(
                "{}: share of paths breaking even in each {unit}, and never within the horizon.",
                escape(&b.title)
            ),
        );
        page.push("</details>\n");
    }
    Ok(())
}

fn quantile(stats: &ScalarStats, level: f64) -> Option<f64> {
    stats
        .quantiles
        .iter()
        .find(|q| (q.level - level).abs() < 1e-9)
        .map(|q| q.value)
}

/// The magnitude that sets the decimals of a scalar's numbers.
fn value_scale(stats: &ScalarStats) -> f64 {
    let q = |level| quantile(stats, level).unwrap_or(stats.mean).abs();
    q(0.1).max(q(0.9))
}

fn value_section(page: &mut Page, summary: &Summary) -> Result<()> {
    let (Some(valuation), Some(stats)) = (&summary.model.value, summary.value()) else {
        return Ok(());
    };
    page.h2(
        "value",
        &format!("{}: the value of a path", valuation.label),
    );
    page.explain(&format!(
        "<p>{} Each path gets one value; the table gives its distribution over the paths \
         (Pn: n% of paths are below it) and the histogram its shape, losses in vermilion and gains in \
         green.</p>",
        escape(&sentence(&valuation.description))
    ));
    page.push(&value_table(std::slice::from_ref(summary)));
    if stats.histogram.is_some() {
        page.figure(
            &svg::value_histogram(summary)?,
            &format!("Distribution of the {}", valuation.label),
            &format!(
                "Share of paths by {} ({}); the bars add to 100%.",
                escape(&valuation.label),
                escape(&stats.unit)
            ),
        );
    }
    Ok(())
}

/// One row per scenario: mean, standard deviation, quantiles, share positive.
fn value_table(summaries: &[Summary]) -> String {
    let levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];
    let titles: Vec<String> = levels
        .iter()
        .map(|l| format!("P{:.0}", 100.0 * l))
        .collect();
    let mut columns: Vec<(&str, bool)> = vec![("Scenario", false), ("Unit", false)];
    columns.extend([("Mean", true), ("Std dev", true)]);
    columns.extend(titles.iter().map(|t| (t.as_str(), true)));
    let positive = summaries
        .first()
        .and_then(|s| s.model.value.as_ref())
        .map_or_else(|| "Positive".to_owned(), |v| format!("P({} > 0)", v.label));
    columns.push((&positive, true));
    let rows: Vec<Vec<String>> = summaries
        .iter()
        .filter_map(|s| {
            let stats = s.value()?;
            let scale = value_scale(stats);
            let signed = |x: f64| {
                let class = if x < 0.0 { "negative" } else { "positive" };
                format!("<span class=\"{class}\">{}</span>", number(x, scale))
            };
            let mut row = vec![
                escape(s.name()),
                escape(&stats.unit),
                signed(stats.mean),
                stats
                    .std_dev
                    .map_or_else(|| "n/a".to_owned(), |d| number(d, scale)),
            ];
            row.extend(
                levels
                    .iter()
                    .map(|&l| quantile(stats, l).map_or_else(|| "n/a".to_owned(), signed)),
            );
            row.push(
                stats
                    .probability_positive
                    .map_or_else(|| "n/a".to_owned(), percent),
            );
            Some(row)
        })
        .collect();
    table(&columns, &rows, "wide")
}

fn assumptions_section(page: &mut Page, summary: &Summary) {
    page.h2("assumptions", "Assumptions");
    if summary.scenario.is_null() {
        page.explain("<p>The model records no inputs.</p>");
        return;
    }
    let rows = leaves(&summary.scenario);
    let uncertain = rows.iter().filter(|(_, v)| holds_law(v)).count();
    page.explain(&format!(
        "<p>Every input of the model as run ({} entries, {uncertain} of them uncertain). An input written \
         as a law, such as <span class=\"law\">triangular(0.6, 0.9, 1.2)</span> (min, mode, max), is \
         uncertain: the model draws its value from that law (typically once per path), so the results \
         above include that uncertainty. A plain number is fixed. Paths name the field as in the \
         scenario file.</p>",
        rows.len()
    ));
    assumptions_tables(page, &rows);
}

/// Assumptions under one section (`None` for the top-level fields): its rows.
type Group<'r, 'v> = (Option<String>, Vec<&'r (String, &'v Value)>);

/// The leaves of `value`, grouped by their first path segment, one table each.
fn assumptions_tables(page: &mut Page, rows: &[(String, &Value)]) {
    let section = |path: &str| {
        path.split(['.', '['])
            .next()
            .filter(|_| path.contains(['.', '[']))
            .map(str::to_owned)
    };
    let mut groups: Vec<Group> = Vec::new();
    for row in rows {
        let key = section(&row.0);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(row),
            None => groups.push((key, vec![row])),
        }
    }
    // Top-level scalars (name, description, start...) first.
    groups.sort_by_key(|(k, _)| k.is_some());
    for (key, members) in groups {
        page.h3(&key
            .as_deref()
            .map_or_else(|| "General".to_owned(), capitalised));
        let rows: Vec<Vec<String>> = members
            .iter()
            .map(|(path, value)| {
                let badge = if holds_law(value) {
                    "<span class=\"badge\">uncertain</span>"
                } else {
                    ""
                };
                vec![
                    format!("<code>{}</code>", escape(path)),
                    format!("{}{badge}", render(value)),
                ]
            })
            .collect();
        page.push(&table(
            &[("Input", false), ("Value or law", false)],
            &rows,
            "wide inputs",
        ));
    }
}

/// Every leaf of `value` with its path (`demand.growth_rate`, `chips.lead[0]`): a
/// leaf is a scalar, a law, or an array shown as one value (of scalars and laws,
/// a matrix, or a table of flat objects).
fn leaves(value: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    collect_leaves(value, String::new(), &mut out);
    out
}

fn collect_leaves<'v>(value: &'v Value, path: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) if !is_law(value) => {
            for (key, v) in map {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect_leaves(v, child, out);
            }
        }
        Value::Array(items) if !is_inline_array(value) => {
            for (i, v) in items.iter().enumerate() {
                collect_leaves(v, format!("{path}[{i}]"), out);
            }
        }
        _ => out.push((path, value)),
    }
}

/// A table tagged by `dist` or `kind` whose other fields are numbers: a law.
fn is_law(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let tagged = ["dist", "kind"]
        .iter()
        .any(|tag| map.get(*tag).is_some_and(Value::is_string));
    tagged
        && map
            .iter()
            .all(|(k, v)| k == "dist" || k == "kind" || v.is_number())
}

/// Whether `value` is a law or holds one.
fn holds_law(value: &Value) -> bool {
    is_law(value)
        || match value {
            Value::Array(items) => items.iter().any(holds_law),
            Value::Object(map) => map.values().any(holds_law),
            _ => false,
        }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_)) || is_law(value)
}

/// An object of scalars (no nested tables): a row of a mini table.
fn is_flat_object(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.values().all(|v| !matches!(v, Value::Array(_) | Value::Object(_))))
}

/// Arrays shown as one value: of scalars and laws, a matrix of numbers, or of
/// flat objects.
fn is_inline_array(value: &Value) -> bool {
    let Value::Array(items) = value else {
        return false;
    };
    items.iter().all(is_scalar)
        || items
            .iter()
            .all(|row| matches!(row, Value::Array(r) if r.iter().all(Value::is_number)))
        || (!items.is_empty() && items.iter().all(is_flat_object))
}

/// A value as HTML: numbers in their shortest form, laws as
/// `triangular(0.6, 0.9, 1.2)`, arrays inline or as small tables.
fn render(value: &Value) -> String {
    match value {
        Value::Null => "<span class=\"muted\">none</span>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| format!("{x}")),
        Value::String(s) => escape(s),
        Value::Object(_) if is_law(value) => render_law(value),
        Value::Array(items) if items.iter().all(is_scalar) => {
            let parts: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Array(items) if items.iter().all(Value::is_array) => {
            let mut out = String::from("<table class=\"matrix\">");
            for row in items {
                out.push_str("<tr>");
                for cell in row.as_array().into_iter().flatten() {
                    let _ = write!(out, "<td>{}</td>", render(cell));
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
            out
        }
        Value::Array(items) => render_records(items),
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", escape(k), render(v)))
                .collect();
            parts.join(", ")
        }
    }
}

/// An array of flat objects as a small table, one column per field.
fn render_records(items: &[Value]) -> String {
    let mut keys: Vec<&String> = Vec::new();
    for item in items {
        for key in item.as_object().into_iter().flat_map(|m| m.keys()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut out = String::from("<table class=\"mini\"><tr>");
    for key in &keys {
        let _ = write!(out, "<th>{}</th>", escape(key));
    }
    out.push_str("</tr>");
    for item in items {
        out.push_str("<tr>");
        for key in &keys {
            let cell = item.get(key.as_str()).map_or_else(String::new, render);
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// A law as `triangular(0.6, 0.9, 1.2)` with its parameters' names and mean
/// beside it; a table the library's [`Param`] does not read (another tag) as
/// `gamma(scale = 0.01, shape = 2)`.
fn render_law(value: &Value) -> String {
    if let Ok(param) = serde_json::from_value::<Param>(value.clone())
        && let Some((positional, names)) = positional(&param)
    {
        return format!(
            "<span class=\"law\">{}</span> <span class=\"muted small\">({names}; mean {})</span>",
            escape(&positional),
            significant(param.mean(), 4)
        );
    }
    let Value::Object(map) = value else {
        return render(value);
    };
    let tag = map
        .get("dist")
        .or_else(|| map.get("kind"))
        .and_then(Value::as_str)
        .unwrap_or("law");
    let parts: Vec<String> = map
        .iter()
        .filter(|(k, _)| *k != "dist" && *k != "kind")
        .map(|(k, v)| format!("{k} = {}", render(v)))
        .collect();
    format!(
        "<span class=\"law\">{}({})</span>",
        escape(tag),
        escape(&parts.join(", "))
    )
}

/// `("triangular(0.6, 0.9, 1.2)", "min, mode, max")`; `None` for a fixed value.
fn positional(param: &Param) -> Option<(String, &'static str)> {
    let (name, values, names): (&str, Vec<f64>, &str) = match *param {
        Param::Fixed(_) => return None,
        Param::Normal { mean, std_dev } => ("normal", vec![mean, std_dev], "mean, std dev"),
        Param::LogNormal { median, sigma } => (
            "log_normal",
            vec![median, sigma],
            "median, sigma of the log",
        ),
        Param::Uniform { min, max } => ("uniform", vec![min, max], "min, max"),
        Param::Triangular { min, mode, max } => {
            ("triangular", vec![min, mode, max], "min, mode, max")
        }
        Param::Pert { min, mode, max } => ("pert", vec![min, mode, max], "min, mode, max"),
        Param::Beta {
            alpha,
            beta,
            min,
            max,
        } => ("beta", vec![alpha, beta, min, max], "alpha, beta, min, max"),
    };
    let values: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    Some((format!("{name}({})", values.join(", ")), names))
}

fn comparison_header(page: &mut Page, summary: &ComparisonSummary, title: &str) {
    let _ = writeln!(
        page.out,
        "<header class=\"top\"><div class=\"inner\">\n<h1>Comparison: {}</h1>",
        escape(title)
    );
    for s in &summary.scenarios {
        let role = if s.name() == summary.baseline {
            " (baseline)"
        } else {
            ""
        };
        let description = if s.model.description.is_empty() {
            String::new()
        } else {
            format!(": {}", s.model.description)
        };
        let _ = writeln!(
            page.out,
            "<p><b>{}{role}</b>{}</p>",
            escape(s.name()),
            escape(&description)
        );
    }
    if let Some(first) = summary.scenarios.first() {
        let _ = writeln!(
            page.out,
            "<p class=\"run\">Every scenario simulated on the same {} paths (seed {}): path i draws the same random numbers in each, so differences are measured path by path.</p>",
            group_thousands(first.run.paths),
            first.run.seed
        );
        span_notes(page, summary, &first.model.calendar);
    }
    page.push("</div></header>\n");
}

/// One line per alternative compared over a span shorter than a horizon.
fn span_notes(page: &mut Page, summary: &ComparisonSummary, calendar: &Calendar) {
    let mut noted: Vec<&str> = Vec::new();
    for d in &summary.differences {
        let Some(span) = d.span.as_ref().filter(|s| s.truncated) else {
            continue;
        };
        if noted.contains(&d.alternative.as_str()) {
            continue;
        }
        noted.push(&d.alternative);
        let _ = writeln!(
            page.out,
            "<p class=\"run\"><b>{}</b> is {}, the shorter of its horizon and the baseline's: \
             its probabilities are of breaking even within that span, its medians among the paths \
             that do.</p>",
            escape(&d.alternative),
            escape(&span.describe(calendar))
        );
    }
}

/// The keys of `shown` that every scenario evaluated, else every rule of the
/// baseline that every scenario evaluated.
fn shown_rules(summary: &ComparisonSummary, shown: &[String]) -> Vec<String> {
    let everywhere = |key: &str| summary.scenarios.iter().all(|s| s.breakeven(key).is_some());
    let chosen: Vec<String> = shown.iter().filter(|k| everywhere(k)).cloned().collect();
    if !chosen.is_empty() {
        return chosen;
    }
    summary
        .scenarios
        .first()
        .map(|s| {
            s.breakevens
                .iter()
                .map(|b| b.key.clone())
                .filter(|k| everywhere(k))
                .collect()
        })
        .unwrap_or_default()
}

fn rule_title<'s>(summary: &'s ComparisonSummary, key: &'s str) -> &'s str {
    summary
        .scenarios
        .first()
        .and_then(|s| s.breakeven(key))
        .map_or(key, |b| b.title.as_str())
}

fn differences_section(page: &mut Page, summary: &ComparisonSummary, rules: &[String]) {
    let Some(first) = summary.scenarios.first() else {
        return;
    };
    let calendar = &first.model.calendar;
    let unit = calendar.unit();
    let confidence = 100.0 * first.run.confidence;
    page.h2("differences", "Paired differences against the baseline");
    page.explain(&format!(
        "<p>For each alternative and rule: the probability of breaking even within the horizon in the \
         baseline and in the alternative, and their difference in percentage points (pp) with its \
         {confidence:.0}% interval. Because both scenarios ran on the same random numbers, the interval \
         is of the paired difference and is much narrower than two separate runs would give; \
         <b>variance reduction</b> says how many times more paths two independent runs would need for the \
         same precision. The median dates are among the paths that break even; their shift is in {unit}s \
         with a paired bootstrap interval.</p>"
    ));
    let rows: Vec<Vec<String>> = summary
        .differences
        .iter()
        .filter(|d| rules.contains(&d.rule))
        .map(|d| difference_row(summary, d, calendar))
        .collect();
    let shift = format!("Median shift, {unit}s [CI]");
    page.push(&table(
        &[
            ("Alternative", false),
            ("Rule", false),
            ("P base", true),
            ("P alt", true),
            ("Difference [CI]", true),
            ("Variance reduction", true),
            ("Median base", true),
            ("Median alt", true),
            (&shift, true),
        ],
        &rows,
        "wide",
    ));
}

fn difference_row(
    summary: &ComparisonSummary,
    d: &PairedDifference,
    calendar: &Calendar,
) -> Vec<String> {
    let p = &d.probability;
    let (base, alt, shift) = match &d.median {
        Some(m) => (
            calendar.label(m.baseline.period),
            calendar.label(m.alternative.period),
            format!(
                "{:+.0} [{:+.0}, {:+.0}]",
                m.difference_periods.estimate,
                m.difference_periods.lower,
                m.difference_periods.upper
            ),
        ),
        None => ("n/a".to_owned(), "n/a".to_owned(), "n/a".to_owned()),
    };
    vec![
        escape(&d.alternative),
        escape(rule_title(summary, &d.rule)),
        percent(p.baseline),
        percent(p.alternative),
        escape(&interval_points(&p.difference)),
        d.variance_reduction
            .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}x")),
        escape(&base),
        escape(&alt),
        escape(&shift),
    ]
}

fn comparison_charts(page: &mut Page, summary: &ComparisonSummary, rules: &[String]) -> Result<()> {
    let unit = summary
        .scenarios
        .first()
        .map_or("period", |s| s.model.calendar.unit());
    page.h2("charts", "The scenarios' break-even curves");
    page.explain(&format!(
        "<p>For each rule, the top panel shows the probability of having broken even by the end of each \
         {unit} in every scenario, with confidence bands; the bottom panel the paired difference, \
         alternative minus baseline, in percentage points with its interval. A band in the bottom panel \
         that excludes zero is a difference the simulation has detected.</p>"
    ));
    for key in rules {
        page.figure(
            &svg::comparison_curves(summary, key)?,
            &format!("{} by scenario", rule_title(summary, key)),
            &format!(
                "{}: every scenario (top) and the paired differences against the baseline (bottom).",
                escape(rule_title(summary, key))
            ),
        );
    }
    Ok(())
}

fn scenarios_section(page: &mut Page, summary: &ComparisonSummary) {
    page.h2("scenarios", "Each scenario's break-even");
    page.explain(
        "<p>Each scenario on its own: the probability of breaking even within the horizon and, in \
         brackets, the median date among the paths that break even.</p>",
    );
    let Some(first) = summary.scenarios.first() else {
        return;
    };
    let names: Vec<&str> = summary.scenarios.iter().map(Summary::name).collect();
    let mut columns: Vec<(&str, bool)> = vec![("Rule", false)];
    columns.extend(names.iter().map(|n| (*n, true)));
    let rows: Vec<Vec<String>> = first
        .breakevens
        .iter()
        .map(|b| {
            std::iter::once(escape(&b.title))
                .chain(summary.scenarios.iter().map(|s| {
                    s.breakeven(&b.key).map_or_else(
                        || "n/a".to_owned(),
                        |x| {
                            escape(&format!(
                                "{} ({})",
                                percent(x.within_horizon.estimate),
                                label(&s.model.calendar, x.p50.as_ref())
                            ))
                        },
                    )
                }))
                .collect()
        })
        .collect();
    page.push(&table(&columns, &rows, "wide"));
}

fn values_section(page: &mut Page, summary: &ComparisonSummary) {
    let Some(valuation) = summary
        .scenarios
        .first()
        .and_then(|s| s.model.value.clone())
    else {
        return;
    };
    page.h2("value", &format!("{} by scenario", valuation.label));
    page.explain(&format!(
        "<p>{} Its distribution over the paths in each scenario (Pn: n% of paths are below it).</p>",
        escape(&sentence(&valuation.description))
    ));
    page.push(&value_table(&summary.scenarios));
}

fn fans_section(page: &mut Page, summary: &ComparisonSummary) -> Result<()> {
    let with_headline: Vec<&Summary> = summary
        .scenarios
        .iter()
        .filter(|s| s.model.headline.is_some())
        .collect();
    if with_headline.is_empty() {
        return Ok(());
    }
    page.h2("fans", "Fan charts by scenario");
    page.explain(
        "<p>The headline pair of each scenario: the middle 80% and 50% of paths and the medians, period \
         by period, and where the medians cross.</p>",
    );
    for (i, s) in with_headline.iter().enumerate() {
        let open = if i == 0 { " open=\"open\"" } else { "" };
        let _ = writeln!(
            page.out,
            "<details{open}><summary>{}</summary>",
            escape(s.name())
        );
        page.figure(
            &svg::fan_chart(s)?,
            &format!("Fan chart of {}", s.name()),
            &format!("{}: the headline pair by period.", escape(s.name())),
        );
        page.push("</details>\n");
    }
    Ok(())
}

fn differing_assumptions(page: &mut Page, summary: &ComparisonSummary) {
    page.h2("assumptions", "Assumptions");
    let Some(first) = summary.scenarios.first() else {
        return;
    };
    let tables: Vec<Vec<(String, &Value)>> = summary
        .scenarios
        .iter()
        .map(|s| leaves(&s.scenario))
        .collect();
    let mut paths: Vec<&String> = Vec::new();
    for rows in &tables {
        for (path, _) in rows {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    let lookup = |i: usize, path: &str| tables[i].iter().find(|(p, _)| p == path).map(|(_, v)| *v);
    let differing: Vec<&String> = paths
        .into_iter()
        .filter(|path| (1..tables.len()).any(|i| lookup(i, path) != lookup(0, path)))
        .filter(|path| path.as_str() != "name" && path.as_str() != "description")
        .collect();
    page.explain(&format!(
        "<p>The inputs on which the scenarios differ ({} entries); every other input is the baseline's, \
         listed in full below. Laws such as <span class=\"law\">triangular(min, mode, max)</span> are \
         uncertain inputs, drawn by the model from that law.</p>",
        differing.len()
    ));
    let names: Vec<&str> = summary.scenarios.iter().map(Summary::name).collect();
    let mut columns: Vec<(&str, bool)> = vec![("Input", false)];
    columns.extend(names.iter().map(|n| (*n, false)));
    let rows: Vec<Vec<String>> = differing
        .iter()
        .map(|path| {
            std::iter::once(format!("<code>{}</code>", escape(path)))
                .chain((0..tables.len()).map(|i| {
                    lookup(i, path)
                        .map_or_else(|| "<span class=\"muted\">absent</span>".to_owned(), render)
                }))
                .collect()
        })
        .collect();
    page.push(&table(&columns, &rows, "wide"));
    let _ = writeln!(
        page.out,
        "<details><summary>Every input of the baseline, {}</summary>",
        escape(first.name())
    );
    if first.scenario.is_null() {
        page.push("<p>The model records no inputs.</p>");
    } else {
        assumptions_tables(page, &leaves(&first.scenario));
    }
    page.push("</details>\n");
}

#[cfg(test)]
mod tests {}
