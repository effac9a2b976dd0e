//! Terminal-friendly text reports: break-even tables, CDFs by year, a text fan
//! chart of the headline series (revenue against spending), and scenario
//! comparisons, for any model a [`Study`] ran.

use super::format::{
    FAN_BANDS, OUTER_BAND, capitalised, decimals, interval_percent as interval_pct, percent,
};
use super::json::Span;
use crate::analysis::{Comparison, FanChart, Headline, Study};
use std::fmt::Write;

/// Width of the bar area of the text fan chart, in characters.
const BAR_WIDTH: usize = 50;

/// The full report of one study: header, break-even table, CDF by year, fan chart
/// of the headline series, and the distribution of the model's value.
pub fn study(study: &Study) -> String {
    let mut out = String::new();
    header(&mut out, study);
    breakeven_table(&mut out, study);
    cdf_by_year(&mut out, study);
    headline_fans(&mut out, study);
    out.push_str(&super::decomposition::text(study));
    value(&mut out, study);
    out
}

fn header(out: &mut String, study: &Study) {
    let info = study.info();
    let o = study.outcome();
    let steps = study.steps();
    match info.description.as_str() {
        "" => writeln!(out, "outpace: {}", info.name),
        description => writeln!(out, "outpace: {} ({description})", info.name),
    }
    .unwrap_or(());
    let _ = writeln!(
        out,
        "{} paths, seed {}, {steps} {}s from {} to {}, {:.0}% intervals\n",
        group_thousands(o.paths()),
        o.seed(),
        info.calendar.unit(),
        study.label(Some(1)),
        study.label(Some(steps)),
        100.0 * study.confidence()
    );
}

/// `1234567` as `1,234,567`.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn breakeven_table(out: &mut String, study: &Study) {
    let _ = writeln!(
        out,
        "Break-even ({} reached; P10/P50/P90 among paths that reach it)",
        study.info().calendar.unit()
    );
    let _ = writeln!(
        out,
        "  {:<38} {:>24}  {:>8} {:>8} {:>8}  {:>6}",
        "definition", "within horizon [CI]", "P10", "P50", "P90", "never"
    );
    for b in study.breakevens() {
        let _ = writeln!(
            out,
            "  {:<38} {:>24}  {:>8} {:>8} {:>8}  {:>6}",
            b.rule().title(),
            interval_pct(&b.within_horizon()),
            study.label(b.p10()),
            study.label(b.p50()),
            study.label(b.p90()),
            percent(b.censored()),
        );
    }
    let _ = writeln!(out);
}

/// The column label of point `k` in a table by year: the year where `k` ends one,
/// otherwise the period's full label (`2036 Q1`).
fn year_column(study: &Study, k: usize) -> String {
    let calendar = &study.info().calendar;
    match calendar.year(k) {
        Some(year) if calendar.ends_year(k) => year.to_string(),
        _ => study.label(Some(k)),
    }
}

fn cdf_by_year(out: &mut String, study: &Study) {
    let points = study.info().calendar.year_ends(study.steps());
    let _ = writeln!(
        out,
        "Probability of having broken even by the end of each year (%)"
    );
    let columns: Vec<String> = points.iter().map(|&k| year_column(study, k)).collect();
    let _ = write!(out, "  {:<38}", "definition");
    for column in &columns {
        let _ = write!(out, " {column:>5}");
    }
    let _ = writeln!(out);
    for b in study.breakevens() {
        let _ = write!(out, "  {:<38}", b.rule().title());
        for (&k, column) in points.iter().zip(&columns) {
            let p = b.probability_by(k).map_or(0.0, |i| i.estimate);
            let _ = write!(out, " {:>w$.1}", 100.0 * p, w = column.len().max(5));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

/// One line of a text fan chart: the P10-P90 band as `-`, P25-P75 as `=`, the
/// median as `|`, on a scale of `0..max` (the bands of the SVG chart,
/// [`FAN_BANDS`]).
fn bar(fan: &FanChart, k: usize, max: f64) -> String {
    let position = |level: f64| {
        let v = fan.band(level).map_or(0.0, |b| b[k]);
        ((v.max(0.0) / max) * (BAR_WIDTH - 1) as f64).round() as usize
    };
    let mut cells = vec![' '; BAR_WIDTH];
    let [low, p25, p50, p75, high] = FAN_BANDS.map(position);
    cells[low..=high.min(BAR_WIDTH - 1)].fill('-');
    cells[p25..=p75.min(BAR_WIDTH - 1)].fill('=');
    cells[p50.min(BAR_WIDTH - 1)] = '|';
    cells.into_iter().collect()
}

/// One-letter tags of the two headline series: their initials, or `A` and `B`
/// when those coincide.
fn tags(headline: &Headline) -> [String; 2] {
    let initial = |s: &str| s.chars().next().map(|c| c.to_ascii_uppercase().to_string());
    match (initial(&headline.income), initial(&headline.spending)) {
        (Some(a), Some(b)) if a != b => [a, b],
        _ => ["A".into(), "B".into()],
    }
}

fn headline_fans(out: &mut String, study: &Study) {
    let Some(headline) = &study.info().headline else {
        return;
    };
    let (Some(revenue), Some(spending)) =
        (study.fan(&headline.income), study.fan(&headline.spending))
    else {
        return;
    };
    let points = study.info().calendar.year_ends(study.steps());
    let max = points
        .iter()
        .flat_map(|&k| {
            [
                revenue.band(OUTER_BAND.1).map_or(0.0, |b| b[k]),
                spending.band(OUTER_BAND.1).map_or(0.0, |b| b[k]),
            ]
        })
        .fold(1.0, f64::max);
    let [income_tag, spending_tag] = tags(headline);
    let _ = writeln!(
        out,
        "{} ({income_tag}) and {} ({spending_tag}), {}: P10-P90 ---, P25-P75 ===, median |",
        capitalised(&headline.income),
        headline.spending.replace('_', " "),
        study.info().unit(&headline.income)
    );
    let _ = writeln!(
        out,
        "  {:<9}  {:<w$}  {:>17}",
        "",
        format!("0 .. {max:.d$}", d = decimals(max)),
        "median [P10, P90]",
        w = BAR_WIDTH + 2
    );
    for &k in &points {
        for (first, tag, fan) in [
            (true, &income_tag, revenue),
            (false, &spending_tag, spending),
        ] {
            let label = if first {
                study.label(Some(k))
            } else {
                String::new()
            };
            let band = |q: f64| fan.band(q).map_or(f64::NAN, |b| b[k]);
            let d = decimals(max);
            let _ = writeln!(
                out,
                "  {label:<9}{tag} [{}]  {:>5.d$} [{:.d$}, {:.d$}]",
                bar(fan, k, max),
                band(0.5),
                band(OUTER_BAND.0),
                band(OUTER_BAND.1)
            );
        }
    }
    let _ = writeln!(out);
}

fn value(out: &mut String, study: &Study) {
    let (Some(valuation), Some(npv)) = (&study.info().value, study.value()) else {
        return;
    };
    let q = |p: f64| npv.quantile(p).unwrap_or(f64::NAN);
    let d = decimals(q(0.1).abs().max(q(0.9).abs()));
    let _ = writeln!(
        out,
        "{}, {}: median {:.d$}, P10 {:.d$}, P90 {:.d$}, P({} > 0) = {}\n",
        valuation.description,
        study.info().unit(&valuation.scalar),
        q(0.5),
        q(0.1),
        q(0.9),
        valuation.label,
        npv.values().map_or_else(
            || "n/a".to_owned(),
            |v| percent(v.iter().filter(|&&x| x > 0.0).count() as f64 / v.len() as f64)
        )
    );
}

/// A table of paired differences of each alternative against the baseline, for the
/// rules whose keys are in `shown` (in the order compared), each named by its
/// title. An alternative whose horizon differs from the baseline's gets a line
/// saying the span it is compared over (the common span of the two horizons).
pub fn comparisons(
    baseline: &Study,
    alternatives: &[(&Study, Vec<Comparison>)],
    shown: &[String],
) -> String {
    let mut out = String::new();
    let paths = alternatives
        .first()
        .and_then(|(_, c)| c.first())
        .map_or(0, Comparison::paths);
    let _ = writeln!(
        out,
        "Scenarios against {} on common random numbers ({} paired paths): alternative minus baseline",
        baseline.name(),
        group_thousands(paths)
    );
    span_notes(&mut out, baseline, alternatives);
    let title = |c: &Comparison| {
        baseline
            .breakeven(c.rule())
            .map_or_else(|| c.rule().to_owned(), |b| b.rule().title().to_owned())
    };
    let rows: Vec<(&Study, &Comparison)> = alternatives
        .iter()
        .flat_map(|(study, list)| {
            list.iter()
                .filter(|c| shown.iter().any(|k| k == c.rule()))
                .map(move |c| (*study, c))
        })
        .collect();
    let width = rows
        .iter()
        .map(|(_, c)| title(c).chars().count())
        .chain([RULE_COLUMN])
        .max()
        .unwrap_or(RULE_COLUMN);
    let _ = writeln!(
        out,
        "  {:<12} {:<width$} {:>8} {:>8} {:>22}   {:>9} {:>9} {:>16}",
        "scenario",
        "definition",
        "P base",
        "P alt",
        "difference [CI], pp",
        "P50 base",
        "P50 alt",
        "difference [CI]"
    );
    let unit = baseline.info().calendar.unit_letter();
    for (study, c) in rows {
        let p = c.probability();
        let d = &p.difference;
        let (base_median, alt_median, diff) = match c.median() {
            Some(m) => (
                baseline.label(Some(m.baseline)),
                baseline.label(Some(m.alternative)),
                format!(
                    "{:+.0} {unit} [{:+.0}, {:+.0}]",
                    m.difference.estimate, m.difference.lower, m.difference.upper
                ),
            ),
            None => ("n/a".into(), "n/a".into(), "n/a".into()),
        };
        let _ = writeln!(
            out,
            "  {:<12} {:<width$} {:>8} {:>8} {:>22}   {:>9} {:>9} {:>16}",
            study.name(),
            title(c),
            percent(p.baseline),
            percent(p.alternative),
            format!(
                "{:+.1} [{:+.1}, {:+.1}]",
                100.0 * d.estimate,
                100.0 * d.lower,
                100.0 * d.upper
            ),
            base_median,
            alt_median,
            diff
        );
    }
    out
}

/// Narrowest width of the rule column of a comparison table.
const RULE_COLUMN: usize = 22;

/// One line per alternative whose horizon differs from the baseline's: the span
/// compared and the two horizons.
fn span_notes(out: &mut String, baseline: &Study, alternatives: &[(&Study, Vec<Comparison>)]) {
    let calendar = &baseline.info().calendar;
    for (study, list) in alternatives {
        let Some(span) = list.first().map(Comparison::steps) else {
            continue;
        };
        if study.steps() == baseline.steps() {
            continue;
        }
        let span = Span::new(calendar, span, true);
        let _ = writeln!(
            out,
            "  {} {}: its horizon is {} {unit}s, the baseline's {}; probabilities are of breaking \
             even within the span, medians among the paths that do",
            study.name(),
            span.describe(calendar),
            study.steps(),
            baseline.steps(),
            unit = calendar.unit()
        );
    }
}
