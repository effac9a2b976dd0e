//! Terminal-friendly text reports: break-even tables, CDFs by year, a text fan
//! chart of revenue against spending, and scenario comparisons.

use crate::analysis::{Comparison, FanChart, Study};
use crate::cloud::{Scenario, series};
use crate::stats::Interval;
use std::fmt::Write;

/// Width of the bar area of the text fan chart, in characters.
const BAR_WIDTH: usize = 50;

/// The definitions shown in scenario comparisons.
pub const COMPARED: [&str; 3] = [
    "flow_crossover",
    "cumulative_payback",
    "growth_crossover_4q",
];

/// The full report of one study: header, break-even table, CDF by year, fan chart
/// of revenue against spending, and the NPV distribution.
pub fn study(study: &Study) -> String {
    let mut out = String::new();
    header(&mut out, study);
    breakeven_table(&mut out, study);
    cdf_by_year(&mut out, study);
    revenue_vs_spending(&mut out, study);
    npv(&mut out, study);
    out
}

/// The calendar label of point `k`, or `never` for a censored time.
pub fn quarter_label(scenario: &Scenario, k: Option<usize>) -> String {
    k.map_or_else(|| "never".to_owned(), |k| scenario.quarter(k).to_string())
}

fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

fn interval_pct(i: &Interval) -> String {
    format!(
        "{} [{:.1}, {:.1}]",
        percent(i.estimate),
        100.0 * i.lower,
        100.0 * i.upper
    )
}

fn header(out: &mut String, study: &Study) {
    let s = study.scenario();
    let o = study.outcome();
    let _ = writeln!(out, "outpace: {} ({})", s.name, s.description);
    let _ = writeln!(
        out,
        "{} paths, seed {}, {} quarters from {} to {}, {:.0}% intervals\n",
        group_thousands(o.paths()),
        o.seed(),
        s.quarters(),
        s.quarter(1),
        s.quarter(s.quarters()),
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
    let s = study.scenario();
    let _ = writeln!(
        out,
        "Break-even (quarter reached; P10/P50/P90 among paths that reach it)"
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
            b.definition().title(),
            interval_pct(&b.within_horizon()),
            quarter_label(s, b.p10()),
            quarter_label(s, b.p50()),
            quarter_label(s, b.p90()),
            percent(b.censored()),
        );
    }
    let _ = writeln!(out);
}

/// The points that end each calendar year (Q4), plus the horizon.
fn year_ends(scenario: &Scenario) -> Vec<usize> {
    let last = scenario.quarters();
    let mut points: Vec<usize> = (1..=last)
        .filter(|&k| scenario.quarter(k).quarter() == 4)
        .collect();
    if points.last() != Some(&last) {
        points.push(last);
    }
    points
}

fn cdf_by_year(out: &mut String, study: &Study) {
    let s = study.scenario();
    let points = year_ends(s);
    let _ = writeln!(
        out,
        "Probability of having broken even by the end of each year (%)"
    );
    let _ = write!(out, "  {:<38}", "definition");
    for &k in &points {
        let q = s.quarter(k);
        let label = if q.quarter() == 4 {
            q.year().to_string()
        } else {
            format!("{}Q{}", q.year() % 100, q.quarter())
        };
        let _ = write!(out, " {label:>5}");
    }
    let _ = writeln!(out);
    for b in study.breakevens() {
        let _ = write!(out, "  {:<38}", b.definition().title());
        for &k in &points {
            let p = b.probability_by(k).map_or(0.0, |i| i.estimate);
            let _ = write!(out, " {:>5.1}", 100.0 * p);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

/// One line of a text fan chart: the P5-P95 band as `-`, P25-P75 as `=`, the median
/// as `|`, on a scale of `0..max`.
fn bar(fan: &FanChart, k: usize, max: f64) -> String {
    let position = |level: f64| {
        let v = fan.band(level).map_or(0.0, |b| b[k]);
        ((v.max(0.0) / max) * (BAR_WIDTH - 1) as f64).round() as usize
    };
    let mut cells = vec![' '; BAR_WIDTH];
    let (p5, p25, p50, p75, p95) = (
        position(0.05),
        position(0.25),
        position(0.5),
        position(0.75),
        position(0.95),
    );
    cells[p5..=p95.min(BAR_WIDTH - 1)].fill('-');
    cells[p25..=p75.min(BAR_WIDTH - 1)].fill('=');
    cells[p50.min(BAR_WIDTH - 1)] = '|';
    cells.into_iter().collect()
}

fn revenue_vs_spending(out: &mut String, study: &Study) {
    let (Some(revenue), Some(spending)) = (study.fan(series::REVENUE), study.fan(series::SPENDING))
    else {
        return;
    };
    let s = study.scenario();
    let points = year_ends(s);
    let max = points
        .iter()
        .flat_map(|&k| {
            [
                revenue.band(0.95).map_or(0.0, |b| b[k]),
                spending.band(0.95).map_or(0.0, |b| b[k]),
            ]
        })
        .fold(1.0, f64::max);
    let _ = writeln!(
        out,
        "Revenue (R) and spending (S), RMB bn per quarter: P5-P95 ---, P25-P75 ===, median |"
    );
    let _ = writeln!(
        out,
        "  {:<9}  {:<w$}  {:>17}",
        "",
        format!("0 .. {max:.0}"),
        "median [P5, P95]",
        w = BAR_WIDTH + 2
    );
    for &k in &points {
        for (tag, fan) in [("R", revenue), ("S", spending)] {
            let label = if tag == "R" {
                s.quarter(k).to_string()
            } else {
                String::new()
            };
            let band = |q: f64| fan.band(q).map_or(f64::NAN, |b| b[k]);
            let _ = writeln!(
                out,
                "  {label:<9}{tag} [{}]  {:>5.0} [{:.0}, {:.0}]",
                bar(fan, k, max),
                band(0.5),
                band(0.05),
                band(0.95)
            );
        }
    }
    let _ = writeln!(out);
}

fn npv(out: &mut String, study: &Study) {
    let npv = study.npv();
    let q = |p: f64| npv.quantile(p).unwrap_or(f64::NAN);
    let _ = writeln!(
        out,
        "NPV of free cash flow over the horizon (no terminal value), RMB bn: median {:.0}, P10 {:.0}, P90 {:.0}, P(NPV > 0) = {}\n",
        q(0.5),
        q(0.1),
        q(0.9),
        npv.values().map_or_else(
            || "n/a".to_owned(),
            |v| percent(v.iter().filter(|&&x| x > 0.0).count() as f64 / v.len() as f64)
        )
    );
}

/// A table of paired differences of each alternative against the baseline, for the
/// definitions in [`COMPARED`].
pub fn comparisons(baseline: &Study, alternatives: &[(&Study, Vec<Comparison>)]) -> String {
    let mut out = String::new();
    let paths = alternatives
        .first()
        .and_then(|(_, c)| c.first())
        .map_or(0, Comparison::paths);
    let _ = writeln!(
        out,
        "Scenarios against {} on common random numbers ({} paired paths): alternative minus baseline",
        baseline.scenario().name,
        group_thousands(paths)
    );
    let _ = writeln!(
        out,
        "  {:<12} {:<22} {:>8} {:>8} {:>22}   {:>9} {:>9} {:>16}",
        "scenario",
        "definition",
        "P base",
        "P alt",
        "difference [CI], pp",
        "P50 base",
        "P50 alt",
        "difference [CI]"
    );
    for (study, list) in alternatives {
        for c in list.iter().filter(|c| COMPARED.contains(&c.definition())) {
            let p = c.probability();
            let d = &p.difference;
            let (base_median, alt_median, diff) = match c.median() {
                Some(m) => (
                    quarter_label(baseline.scenario(), Some(m.baseline)),
                    quarter_label(baseline.scenario(), Some(m.alternative)),
                    format!(
                        "{:+.0} q [{:+.0}, {:+.0}]",
                        m.difference.estimate, m.difference.lower, m.difference.upper
                    ),
                ),
                None => ("n/a".into(), "n/a".into(), "n/a".into()),
            };
            let _ = writeln!(
                out,
                "  {:<12} {:<22} {:>8} {:>8} {:>22}   {:>9} {:>9} {:>16}",
                study.scenario().name,
                c.definition(),
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
    }
    out
}
