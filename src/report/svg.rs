//! SVG charts of summaries, drawn with plotters' SVG backend (feature `svg`).
//!
//! Every chart has a title, labelled axes with units, and a side panel to the
//! right of the plot with the legend and notes on how to read it, so that no
//! legend covers data. Time runs along the x axis in calendar years: each period
//! is plotted at the end of its period ([`Period::time`]: 2026 Q2 at 2026.5), and
//! the ticks mark the start of each year. Text is emitted as SVG `<text>` elements
//! in the `sans-serif` family, so the viewer's fonts render it and no font is
//! needed to write a chart. Colours are the Okabe-Ito palette, which stays
//! distinct under the common forms of colour blindness.
//!
//! * [`fan_chart`]: the model's headline pair (revenue against spending);
//! * [`breakeven_curves`]: the probability of having broken even by each period,
//!   one curve per rule;
//! * [`breakeven_histogram`]: when paths break even under one rule, with the
//!   paths that never do within the horizon;
//! * [`value_histogram`]: the distribution of the model's value (the NPV);
//! * [`comparison_curves`]: one rule across the scenarios of a comparison, with
//!   the paired differences.
//!
//! ```
//! use outpace::analysis::{Described, Headline, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Gbm;
//! use outpace::report::{json::Summary, svg};
//!
//! // Revenue growing 40% a year, charted against itself as "spending".
//! let revenue = ProcessModel::new("revenue", Gbm::new(0.4, 0.3, 10.0)?);
//! let model = Described::new("startup", revenue, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
//!     .rule(Rule::new("doubled", "Revenue doubled", "revenue >= 20")?)
//!     .unit("revenue", "USD m per quarter")
//!     .headline(Headline { income: "revenue".into(), spending: "revenue".into(), spending_note: String::new() });
//! let study = Study::run(&model, &StudyOptions { paths: 1_000, ..StudyOptions::default() })?;
//! let chart = svg::fan_chart(&Summary::from_study(&study))?;
//! assert!(chart.starts_with("<svg") && chart.contains("USD m per quarter"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::format::{capitalised, interval_points, number, percent, sentence};
use super::json::{
    BreakEvenSummary, ComparisonSummary, PairedDifference, Period, ScalarStats, SeriesStats,
    Summary,
};
use super::text::group_thousands;
use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::stats::Interval;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1040, 600);

/// Width of the side panel that holds the legend and the notes, in pixels.
const SIDE_WIDTH: u32 = 300;

/// Width of the panel of the "never within the horizon" bar of a histogram.
const NEVER_WIDTH: u32 = 150;

/// Two break-even curves closer than this everywhere (in percentage points) are
/// said to coincide: on a plot about 480 pixels tall for 100 points, 2.5 points
/// are 12 pixels, within which two 2-pixel lines with their confidence bands
/// cannot be told apart.
pub const COINCIDE_POINTS: f64 = 2.5;

/// The colours of successive lines: the Okabe-Ito palette, black last.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(110, 110, 110),
    RGBColor(0, 0, 0),
];

/// Money in: blue; money out: vermilion, drawn as outlines so that where the two
/// fans overlap the blue stays blue and the vermilion edges stay visible.
const INCOME: RGBColor = PALETTE[0];
const SPENDING: RGBColor = PALETTE[1];
/// Paths that do not break even, and the shading of flat stretches.
const NEUTRAL: RGBColor = RGBColor(120, 120, 120);
/// Values below and above zero in the value histogram.
const LOSS: RGBColor = PALETTE[1];
const GAIN: RGBColor = PALETTE[2];

/// The font family of every chart (also the sensitivity charts').
pub(super) const FONT: &str = "sans-serif";
/// Font sizes as plotters takes them (its SVG backend writes 0.8 of the size
/// given): title, axis titles, tick labels, legend, notes, headings.
const TITLE_FONT: u32 = 24;
const AXIS_FONT: u32 = 18;
const TICK_FONT: u32 = 16;
const KEY_FONT: u32 = 16;
const NOTE_FONT: u32 = 15;
const HEADING_FONT: u32 = 17;
/// A sans-serif character is at most about this wide on average, relative to
/// the size given to plotters (for wrapping text).
const CHAR_EM: f64 = 0.44;

use super::format::FAN_BANDS;

pub(super) type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
/// What plotters' drawing calls return.
pub(super) type DrawResult<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The model's headline pair (revenue against spending): for each, the P10-P90
/// and P25-P75 bands and the median by period, and a marker where the medians
/// cross. Revenue's bands are filled, spending's are drawn as edges (P25 and P75
/// solid, P10 and P90 dashed), so that both read where they overlap; the side
/// panel says what spending covers ([`Headline::spending_note`](crate::analysis::Headline)).
///
/// # Errors
/// If the model has no headline pair, the summary lacks their quantiles, or
/// drawing fails.
pub fn fan_chart(summary: &Summary) -> Result<String> {
    let headline = summary.model.headline.as_ref().ok_or_else(|| {
        Error::invalid(
            "headline",
            summary.name(),
            "the model declares no headline pair of series to chart",
        )
    })?;
    let fan_of = |name: &str| {
        summary
            .series(name)
            .filter(|s| FAN_BANDS.iter().all(|&q| s.band(q).is_some()))
            .ok_or_else(|| {
                Error::invalid(
                    "series",
                    name,
                    "has no P10, P25, P50, P75 and P90 in the summary",
                )
            })
    };
    let (revenue, spending) = (fan_of(&headline.income)?, fan_of(&headline.spending)?);
    let q = |s: &'_ SeriesStats, level: f64| s.band(level).unwrap_or_default().to_vec();
    let values = || {
        [revenue, spending]
            .into_iter()
            .flat_map(move |s| q(s, 0.1).into_iter().chain(q(s, 0.9)))
    };
    let low = values().fold(0.0, f64::min);
    let high = values().fold(low + 1.0, f64::max);
    let y = low - 0.03 * (high - low)..high + 0.05 * (high - low);
    let crossings = median_crossings(&summary.periods, &q(revenue, 0.5), &q(spending, 0.5));
    let (income, outgo) = (
        capitalised(&headline.income),
        capitalised(&headline.spending),
    );
    let calendar = summary.model.calendar;
    draw("fan chart", |root| {
        let title = format!(
            "{}: {} against {}{}",
            summary.name(),
            income.to_lowercase(),
            outgo.to_lowercase(),
            provenance(summary)
        );
        let (plot, side) = frame(root, &title)?;
        let mut chart = time_chart(&plot, time_range([summary], 0.0), y.clone())?;
        let unit = &revenue.unit;
        mesh(
            &mut chart,
            &calendar,
            (
                true,
                &format!("{income} and {}, {unit}", outgo.to_lowercase()),
            ),
            &|v| number(*v, high - low),
        )?;
        let periods = &summary.periods;
        band(
            &mut chart,
            periods,
            &q(revenue, 0.1),
            &q(revenue, 0.9),
            INCOME.mix(0.16).filled(),
        )?;
        band(
            &mut chart,
            periods,
            &q(revenue, 0.25),
            &q(revenue, 0.75),
            INCOME.mix(0.34).filled(),
        )?;
        for level in [0.1, 0.9] {
            dashed(&mut chart, periods, &q(spending, level), SPENDING, 1)?;
        }
        for level in [0.25, 0.75] {
            line(&mut chart, periods, &q(spending, level), SPENDING, 2)?;
        }
        line(&mut chart, periods, &q(revenue, 0.5), INCOME, 3)?;
        line(&mut chart, periods, &q(spending, 0.5), SPENDING, 3)?;
        let x_range = time_range([summary], 0.0);
        for crossing in &crossings {
            let label = format!("Medians cross: {}", calendar.label(crossing.period));
            marker(
                &mut chart,
                (crossing.time, crossing.value),
                &label,
                &x_range,
            )?;
        }
        let keys = vec![
            Key::fill(INCOME, 0.16, format!("{income} P10-P90")),
            Key::fill(INCOME, 0.34, format!("{income} P25-P75")),
            Key::line(INCOME, 3, format!("{income} median")),
            Key::dashed(SPENDING, 1, format!("{outgo} P10-P90 (dashed)")),
            Key::line(SPENDING, 2, format!("{outgo} P25-P75 (solid)")),
            Key::line(SPENDING, 3, format!("{outgo} median")),
            Key::marker("Medians cross".to_owned()),
        ];
        let mut notes = Vec::new();
        if !headline.spending_note.is_empty() {
            notes.push(sentence(&headline.spending_note));
        }
        notes.push(format!(
            "Bands hold the middle 80% (P10-P90) and the middle 50% (P25-P75) of the paths at each {}; lines are medians.",
            calendar.unit()
        ));
        notes.push(crossing_note(&crossings, &calendar, &income, &outgo));
        side_panel(&side, &keys, &notes)
    })
}

/// Where the median of the income series crosses the median of spending.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Crossing {
    /// The first period on the new side.
    period: usize,
    /// Where the two lines meet, by linear interpolation.
    time: f64,
    value: f64,
    /// Whether income overtakes spending (rather than falling below).
    upward: bool,
}

/// Every crossing of `income` and `spending` (`income >= spending` changing
/// between consecutive periods).
fn median_crossings(periods: &[Period], income: &[f64], spending: &[f64]) -> Vec<Crossing> {
    let gap: Vec<f64> = income.iter().zip(spending).map(|(a, b)| a - b).collect();
    (1..gap.len().min(periods.len()))
        .filter(|&k| (gap[k - 1] >= 0.0) != (gap[k] >= 0.0))
        .map(|k| {
            let share = gap[k - 1] / (gap[k - 1] - gap[k]);
            let (t0, t1) = (periods[k - 1].time, periods[k].time);
            Crossing {
                period: periods[k].period,
                time: t0 + share * (t1 - t0),
                value: income[k - 1] + share * (income[k] - income[k - 1]),
                upward: gap[k] >= 0.0,
            }
        })
        .collect()
}

fn crossing_note(crossings: &[Crossing], calendar: &Calendar, income: &str, outgo: &str) -> String {
    let (income, outgo) = (income.to_lowercase(), outgo.to_lowercase());
    match crossings {
        [] => format!("The medians of {income} and {outgo} do not cross within the horizon."),
        [c] if c.upward => format!(
            "The median of {income} overtakes the median of {outgo} in {} (marked). This compares typical paths period by period; it is not the median break-even date of any rule.",
            calendar.label(c.period)
        ),
        _ => {
            let list: Vec<String> = crossings
                .iter()
                .map(|c| {
                    let way = if c.upward { "up" } else { "down" };
                    format!("{} ({income} {way})", calendar.label(c.period))
                })
                .collect();
            format!(
                "The medians cross in {} (marked). This compares typical paths period by period; it is not the median break-even date of any rule.",
                list.join(", ")
            )
        }
    }
}

/// The probability of having broken even by each period (%), one curve per rule,
/// with its confidence band. Curves that coincide (within [`COINCIDE_POINTS`] at
/// every period) are named in a note and all but the first drawn dashed; the
/// flat end of rules that must hold for `s > 1` periods (none can start in the
/// last `s - 1` periods) is shaded and explained.
///
/// # Errors
/// If drawing fails.
pub fn breakeven_curves(summary: &Summary) -> Result<String> {
    let rules = &summary.breakevens;
    let clusters = coinciding(rules);
    let dashed_rules: Vec<bool> = (0..rules.len())
        .map(|i| clusters.iter().any(|c| c.members[1..].contains(&i)))
        .collect();
    let calendar = summary.model.calendar;
    let flat = flat_ends(rules, summary.run.steps);
    draw("break-even curves", |root| {
        let title = format!(
            "{}: probability of having broken even{}",
            summary.name(),
            provenance(summary)
        );
        let (plot, side) = frame(root, &title)?;
        let mut chart = time_chart(&plot, time_range([summary], 0.0), -1.0..101.0)?;
        mesh(
            &mut chart,
            &calendar,
            (true, "Broken even by then (% of paths)"),
            &|y| format!("{y:.0}%"),
        )?;
        let mut keys = Vec::new();
        for &(sustain, first) in &flat {
            let (start, end) = (summary.periods[first].time, end_time(summary));
            shade(&mut chart, start..end, -1.0..101.0)?;
            keys.push(Key::fill(
                NEUTRAL,
                0.14,
                format!(
                    "Last {} {}s: no {sustain}-{} run can start",
                    sustain - 1,
                    calendar.unit(),
                    calendar.unit()
                ),
            ));
        }
        for (i, b) in rules.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            cdf_band(&mut chart, &summary.periods, &b.cdf, colour)?;
        }
        for (i, b) in rules.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let estimate: Vec<f64> = b.cdf.iter().map(|c| 100.0 * c.estimate).collect();
            if dashed_rules[i] {
                dashed(&mut chart, &summary.periods, &estimate, colour, 2)?;
                keys.push(Key::dashed(colour, 2, b.title.clone()));
            } else {
                line(&mut chart, &summary.periods, &estimate, colour, 2)?;
                keys.push(Key::line(colour, 2, b.title.clone()));
            }
        }
        keys.push(Key::fill(
            NEUTRAL,
            0.25,
            format!(
                "Shading along a line: its {:.0}% confidence band",
                100.0 * summary.run.confidence
            ),
        ));
        let mut notes = vec![format!(
            "Each line is the share of paths that have broken even by the end of each {} under that rule; it can only rise.",
            calendar.unit()
        )];
        notes.extend(clusters.iter().map(|c| coincide_note(c, rules, &calendar)));
        notes.extend(
            flat.iter()
                .map(|&(sustain, first)| flat_note(sustain, &summary.periods[first], &calendar)),
        );
        side_panel(&side, &keys, &notes)
    })
}

/// Curves within [`COINCIDE_POINTS`] of each other at every period.
#[derive(Debug, Clone, PartialEq)]
struct Cluster {
    /// Indices of the rules, increasing.
    members: Vec<usize>,
    /// The largest distance between two of them at any period, in points.
    distance: f64,
}

/// The largest distance between two curves at any period, in points.
fn distance(a: &BreakEvenSummary, b: &BreakEvenSummary) -> f64 {
    if a.cdf.len() != b.cdf.len() {
        return f64::INFINITY;
    }
    a.cdf
        .iter()
        .zip(&b.cdf)
        .map(|(x, y)| 100.0 * (x.estimate - y.estimate).abs())
        .fold(0.0, f64::max)
}

/// Groups of two or more curves that coincide: each rule joins the first group
/// all of whose members it coincides with.
fn coinciding(rules: &[BreakEvenSummary]) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let joined = clusters.iter_mut().find(|c| {
            c.members
                .iter()
                .all(|&j| distance(&rules[j], rule) <= COINCIDE_POINTS)
        });
        match joined {
            Some(cluster) => {
                let far = cluster
                    .members
                    .iter()
                    .map(|&j| distance(&rules[j], rule))
                    .fold(cluster.distance, f64::max);
                cluster.members.push(i);
                cluster.distance = far;
            }
            None => clusters.push(Cluster {
                members: vec![i],
                distance: 0.0,
            }),
        }
    }
    clusters.retain(|c| c.members.len() > 1);
    clusters
}

fn coincide_note(cluster: &Cluster, rules: &[BreakEvenSummary], calendar: &Calendar) -> String {
    let names: Vec<String> = cluster
        .members
        .iter()
        .map(|&i| format!("\u{201c}{}\u{201d}", rules[i].title))
        .collect();
    let (last, rest) = names.split_last().unwrap_or((&names[0], &[]));
    format!(
        "{} and {last} coincide: they differ by at most {:.1} pp in every {}, so their lines overlap (drawn dashed after the first).",
        rest.join(", "),
        cluster.distance,
        calendar.unit()
    )
}

/// For each distinct `s > 1` among the rules' sustains, `(s, k)` with `k` the
/// first period of the flat end (`steps - s + 1`): a run of `s` periods cannot
/// start after it.
fn flat_ends(rules: &[BreakEvenSummary], steps: usize) -> Vec<(usize, usize)> {
    let mut sustains: Vec<usize> = rules
        .iter()
        .filter_map(|b| b.sustain)
        .filter(|&s| s > 1 && s <= steps)
        .collect();
    sustains.sort_unstable();
    sustains.dedup();
    sustains.into_iter().map(|s| (s, steps + 1 - s)).collect()
}

fn flat_note(sustain: usize, first: &Period, calendar: &Calendar) -> String {
    let unit = calendar.unit();
    format!(
        "Rules that must hold for {sustain} {unit}s running cannot start in the last {} {unit}s of the horizon: their curves are flat after {} by definition (shaded).",
        sustain - 1,
        calendar.label(first.period)
    )
}

/// A histogram of the break-even dates under the rule `key`: the share of all
/// paths that break even in each period (%), and in a panel of its own with its
/// own 0-100% scale the share that does not within the horizon, so that the bars
/// add to 100%; dashed lines mark P10, P50 and P90 among the paths that break
/// even.
///
/// The never bar has its own scale because it is often far taller than any
/// period's bar (most paths never break even, or each period holds a few percent
/// of them): on one scale the period bars would be a flat line.
///
/// # Errors
/// If the summary has no rule `key`, or drawing fails.
pub fn breakeven_histogram(summary: &Summary, key: &str) -> Result<String> {
    let b = summary
        .breakeven(key)
        .ok_or_else(|| Error::invalid("rule", key, "is not among the summary's rules"))?;
    let calendar = summary.model.calendar;
    let unit = calendar.unit();
    let density: Vec<f64> = b.density().iter().map(|p| 100.0 * p).collect();
    let top = density.iter().fold(0.5, |a: f64, &b| a.max(b)) * 1.18;
    let never = 100.0 * b.censored;
    let marks: Vec<(&str, &Period)> = [("P10", &b.p10), ("P50", &b.p50), ("P90", &b.p90)]
        .into_iter()
        .filter_map(|(name, p)| p.as_ref().map(|p| (name, p)))
        .collect();
    draw("break-even histogram", |root| {
        let title = format!(
            "{}: when {} happens{}",
            summary.name(),
            b.title.to_lowercase(),
            provenance(summary)
        );
        let (plot, side) = frame(root, &title)?;
        let (width, _) = plot.dim_in_pixel();
        let (main, rest) = plot.split_horizontally(width - NEVER_WIDTH);
        let mut chart = time_chart(&main, time_range([summary], 0.15), 0.0..top)?;
        mesh(
            &mut chart,
            &calendar,
            (
                true,
                &format!("Paths breaking even in the {unit} (% of all)"),
            ),
            &|y| format!("{y:.1}%"),
        )?;
        let half = bar_half_width(&calendar);
        chart.draw_series(summary.periods.iter().zip(&density).map(|(p, &d)| {
            Rectangle::new(
                [(p.time - half, 0.0), (p.time + half, d)],
                INCOME.mix(0.8).filled(),
            )
        }))?;
        let at: Vec<(&str, f64)> = marks.iter().map(|(n, p)| (*n, p.time)).collect();
        vertical_marks(&mut chart, &at, top)?;
        never_panel(&rest, never)?;
        let mut keys = vec![
            Key::fill(INCOME, 0.8, format!("Breaking even in the {unit}")),
            Key::fill(
                NEUTRAL,
                0.8,
                "Not within the horizon (own scale)".to_owned(),
            ),
        ];
        if !marks.is_empty() {
            keys.push(Key::dashed(
                BLACK,
                1,
                "P10, P50, P90 of the date".to_owned(),
            ));
        }
        let mut notes = vec![
            format!(
                "Each bar is the share of all paths that first break even in that {unit}. With the never bar they add to 100%: {} within the horizon + {} never.",
                percent(b.within_horizon.estimate),
                percent(b.censored)
            ),
            "The never bar has its own 0-100% scale: on the left scale it would flatten the other bars.".to_owned(),
        ];
        if !marks.is_empty() {
            let labels: Vec<String> = marks
                .iter()
                .map(|(name, p)| format!("{name} {}", calendar.label(p.period)))
                .collect();
            notes.push(format!(
                "Among the paths that break even: {}.",
                labels.join(", ")
            ));
        }
        if let Some(&(sustain, first)) =
            flat_ends(std::slice::from_ref(b), summary.run.steps).first()
        {
            notes.push(format!(
                "No bar after {}: a rule that must hold for {sustain} {unit}s running cannot start in the last {} {unit}s.",
                calendar.label(summary.periods[first].period),
                sustain - 1
            ));
        }
        side_panel(&side, &keys, &notes)
    })
}

/// The panel of the "never within the horizon" bar, on a 0-100% scale.
fn never_panel(area: &Area, never: f64) -> DrawResult {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_left(4)
        .x_label_area_size(48)
        .y_label_area_size(46)
        .build_cartesian_2d(0.0..1.0, 0.0..100.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .x_desc("never")
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .label_style(text_style(TICK_FONT))
        .axis_desc_style(text_style(AXIS_FONT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.1))
        .draw()?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.22, 0.0), (0.78, never)],
        NEUTRAL.mix(0.8).filled(),
    )))?;
    let label_y = if never > 88.0 {
        never - 2.0
    } else {
        never + 2.0
    };
    let anchor = if never > 88.0 {
        VPos::Top
    } else {
        VPos::Bottom
    };
    let colour = if never > 88.0 { WHITE } else { BLACK };
    chart.draw_series(std::iter::once(Text::new(
        format!("{never:.1}%"),
        (0.5, label_y),
        text_style(KEY_FONT)
            .color(&colour)
            .pos(Pos::new(HPos::Center, anchor)),
    )))?;
    Ok(())
}

/// A histogram of the model's value (such as the NPV) over the paths: the share
/// of paths in each bin of [`ScalarStats::histogram`] (%), bins below zero and
/// above it in two colours, with lines at zero, at the median and at P10 and P90.
///
/// # Errors
/// If the model declares no value, the summary lacks its statistics or their
/// histogram (the values were not kept), or drawing fails.
pub fn value_histogram(summary: &Summary) -> Result<String> {
    let valuation = summary.model.value.as_ref().ok_or_else(|| {
        Error::invalid(
            "value",
            summary.name(),
            "the model declares no value to chart",
        )
    })?;
    let stats = summary.value().ok_or_else(|| {
        Error::invalid(
            "value",
            &valuation.scalar,
            "has no statistics in the summary",
        )
    })?;
    let histogram = stats.histogram.as_ref().ok_or_else(|| {
        Error::invalid(
            "value",
            &valuation.scalar,
            "has no histogram in the summary (the per-path values were not kept)",
        )
    })?;
    let total = histogram.total().max(1) as f64;
    let shares: Vec<f64> = histogram
        .counts
        .iter()
        .map(|&c| 100.0 * c as f64 / total)
        .collect();
    let top = shares.iter().fold(0.5, |a: f64, &b| a.max(b)) * 1.18;
    let (first, last) = (
        histogram.edges.first().copied().unwrap_or(0.0),
        histogram.edges.last().copied().unwrap_or(1.0),
    );
    let pad = 0.02 * (last - first);
    let width = histogram.edges.get(1).map_or(1.0, |e| e - first);
    let scale = first.abs().max(last.abs());
    let quantile = |level: f64| {
        stats
            .quantiles
            .iter()
            .find(|q| (q.level - level).abs() < 1e-9)
            .map(|q| q.value)
    };
    let unit = &stats.unit;
    let label = &valuation.label;
    draw("value histogram", |root| {
        let title = format!(
            "{}: distribution of the {label}{}",
            summary.name(),
            provenance(summary)
        );
        let (plot, side) = frame(root, &title)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(18)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(first - pad..last + pad, 0.0..top)?;
        chart
            .configure_mesh()
            .x_desc(format!("{label}, {unit}"))
            .y_desc(format!(
                "Paths (% per bin of {} {unit})",
                number(width, width)
            ))
            .x_labels(12)
            .y_labels(10)
            .x_label_formatter(&|x| number(*x, scale))
            .y_label_formatter(&|y| format!("{y:.1}%"))
            .label_style(text_style(TICK_FONT))
            .axis_desc_style(text_style(AXIS_FONT))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.1))
            .draw()?;
        chart.draw_series(histogram.counts.iter().enumerate().map(|(i, _)| {
            let (lo, hi) = (histogram.edges[i], histogram.edges[i + 1]);
            let colour = if 0.5 * (lo + hi) < 0.0 { LOSS } else { GAIN };
            Rectangle::new([(lo, 0.0), (hi, shares[i])], colour.mix(0.75).filled())
        }))?;
        if (first..=last).contains(&0.0) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, top)],
                BLACK.stroke_width(1),
            )))?;
        }
        let mut keys = vec![
            Key::fill(LOSS, 0.75, format!("Paths with {label} below 0")),
            Key::fill(GAIN, 0.75, format!("Paths with {label} above 0")),
        ];
        let marks = [("P10", 0.1), ("P50", 0.5), ("P90", 0.9)];
        let mut shown = Vec::new();
        let mut at = Vec::new();
        for (name, level) in marks {
            if let Some(x) = quantile(level) {
                at.push((name, x));
                shown.push(format!("{name} {}", number(x, scale)));
            }
        }
        vertical_marks(&mut chart, &at, top)?;
        if !shown.is_empty() {
            keys.push(Key::dashed(
                BLACK,
                1,
                format!("P10, P50, P90 of the {label}"),
            ));
        }
        keys.push(Key::line(BLACK, 1, "Zero".to_owned()));
        let mut notes = vec![sentence(&valuation.description)];
        notes.push(value_note(stats, label, scale));
        if !shown.is_empty() {
            notes.push(format!("{} ({unit}).", shown.join(", ")));
        }
        notes.push(format!(
            "Each bar is the share of the {} paths whose {label} falls in the bin; the bars add to 100%.",
            group_thousands(histogram.total() as usize)
        ));
        side_panel(&side, &keys, &notes)
    })
}

fn value_note(stats: &ScalarStats, label: &str, scale: f64) -> String {
    let positive = stats.probability_positive.map_or_else(String::new, |p| {
        format!("P({label} > 0) = {}. ", percent(p))
    });
    format!(
        "{positive}Mean {}, from {} to {}.",
        number(stats.mean, scale),
        number(stats.min, scale),
        number(stats.max, scale)
    )
}

/// The break-even curves of the scenarios of a comparison under the rule `key`:
/// above, the probability of having broken even by each period (%) of every
/// scenario with its confidence band, on a y range fitted to the curves; below,
/// the paired difference of each alternative against the baseline (percentage
/// points) with its paired interval, period by period
/// ([`PairedDifference::cdf_difference`]), or at the horizon only when the
/// summary lacks the per-period difference.
///
/// # Errors
/// If there is no scenario, one lacks the rule `key`, or drawing fails.
pub fn comparison_curves(comparison: &ComparisonSummary, key: &str) -> Result<String> {
    let summaries = &comparison.scenarios;
    let first = summaries
        .first()
        .ok_or_else(|| Error::invalid("scenarios", "[]", "must not be empty"))?;
    let curves = summaries
        .iter()
        .map(|s| {
            s.breakeven(key).ok_or_else(|| {
                Error::invalid(
                    "rule",
                    key,
                    format!("is not among the rules of `{}`", s.name()),
                )
            })
        })
        .collect::<Result<Vec<&BreakEvenSummary>>>()?;
    // The differences of this rule, with the index of their alternative.
    let differences: Vec<(usize, &PairedDifference)> = comparison
        .differences
        .iter()
        .filter(|d| d.rule == key)
        .filter_map(|d| {
            let index = summaries.iter().position(|s| s.name() == d.alternative)?;
            Some((index, d))
        })
        .collect();
    let bounds = |xs: &mut dyn Iterator<Item = f64>| {
        xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
    };
    let (lo, hi) = bounds(
        &mut curves
            .iter()
            .flat_map(|b| b.cdf.iter().flat_map(|c| [c.lower, c.upper])),
    );
    let top_range = fitted(100.0 * lo, 100.0 * hi, Some(0.0..100.0));
    let (dlo, dhi) = bounds(&mut differences.iter().flat_map(|(_, d)| {
        drawn_differences(d)
            .iter()
            .flat_map(|i| [i.lower, i.upper])
            .collect::<Vec<f64>>()
    }));
    let bottom_range = fitted((100.0 * dlo).min(0.0), (100.0 * dhi).max(0.0), None);
    let calendar = first.model.calendar;
    let x_range = time_range(summaries.iter(), 0.0);
    let confidence = 100.0 * first.run.confidence;
    let colour = |i: usize| PALETTE[i % PALETTE.len()];
    draw("comparison chart", |root| {
        let title = format!(
            "{}: {} against its alternatives{}",
            curves[0].title,
            first.name(),
            provenance(first)
        );
        let (plot, side) = frame(root, &title)?;
        let (_, height) = plot.dim_in_pixel();
        let (upper, lower) = plot.split_vertically(height * 56 / 100);
        let mut chart = time_chart(&upper, x_range.clone(), top_range.clone())?;
        mesh(
            &mut chart,
            &calendar,
            (false, "Broken even (% of paths)"),
            &|y| format!("{y:.0}%"),
        )?;
        let mut keys = Vec::new();
        for (i, (summary, b)) in summaries.iter().zip(&curves).enumerate() {
            cdf_band(&mut chart, &summary.periods, &b.cdf, colour(i))?;
        }
        for (i, (summary, b)) in summaries.iter().zip(&curves).enumerate() {
            let estimate: Vec<f64> = b.cdf.iter().map(|c| 100.0 * c.estimate).collect();
            line(&mut chart, &summary.periods, &estimate, colour(i), 2)?;
            let label = if i == 0 {
                format!("{} (baseline)", summary.name())
            } else {
                summary.name().to_owned()
            };
            keys.push(Key::line(colour(i), 2, label));
        }
        keys.push(Key::fill(
            NEUTRAL,
            0.25,
            format!("Shading: {confidence:.0}% confidence band"),
        ));
        let mut chart = time_chart(&lower, x_range.clone(), bottom_range.clone())?;
        mesh(
            &mut chart,
            &calendar,
            (true, "Alternative - baseline (pp)"),
            &|y| format!("{y:+.0}"),
        )?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x_range.start, 0.0), (x_range.end, 0.0)],
            BLACK.stroke_width(1),
        )))?;
        let mut notes = vec![
            format!(
                "Top: the share of paths that have broken even by the end of each {}, per scenario. Bottom: the paired difference, alternative minus baseline, in percentage points with its {confidence:.0}% interval.",
                calendar.unit()
            ),
            "Every scenario draws the same random numbers on path i, so differences are measured path by path and are much more precise than the gap between two bands suggests.".to_owned(),
        ];
        let mut horizon_only = false;
        for &(i, d) in &differences {
            let name = &summaries[i].name();
            if d.cdf_difference.is_empty() {
                horizon_only = true;
                let time = end_time(&summaries[i]).min(end_time(first));
                error_bar(&mut chart, time, &d.probability.difference, colour(i))?;
                keys.push(Key::marker_coloured(
                    colour(i),
                    format!("{name} - {} at the horizon", first.name()),
                ));
            } else {
                let periods = &first.periods[..d.cdf_difference.len().min(first.periods.len())];
                let pick = |f: fn(&Interval) -> f64| {
                    d.cdf_difference
                        .iter()
                        .map(|i| 100.0 * f(i))
                        .collect::<Vec<f64>>()
                };
                let style = colour(i).mix(0.2).filled();
                band(
                    &mut chart,
                    periods,
                    &pick(|i| i.lower),
                    &pick(|i| i.upper),
                    style,
                )?;
                line(&mut chart, periods, &pick(|i| i.estimate), colour(i), 2)?;
                keys.push(Key::line(
                    colour(i),
                    2,
                    format!("{name} - {} (lower panel)", first.name()),
                ));
            }
            let mut note = format!(
                "{name} at the horizon: {}",
                interval_points(&d.probability.difference)
            );
            if let Some(m) = &d.median {
                let e = &m.difference_periods;
                note.push_str(&format!(
                    "; median date {:+.0} {}s [{:+.0}, {:+.0}]",
                    e.estimate,
                    calendar.unit(),
                    e.lower,
                    e.upper
                ));
            }
            note.push('.');
            notes.push(note);
        }
        if horizon_only {
            notes.push("Only the within-horizon difference is available in this summary: it is drawn as a point with its interval at the horizon.".to_owned());
        }
        side_panel(&side, &keys, &notes)
    })
}

/// The intervals the lower panel draws: the per-period difference, or the
/// within-horizon difference alone when there is none.
fn drawn_differences(d: &PairedDifference) -> &[Interval] {
    if d.cdf_difference.is_empty() {
        std::slice::from_ref(&d.probability.difference)
    } else {
        &d.cdf_difference
    }
}

/// A y range around `[lo, hi]` with 8% headroom each side (at least 1 unit),
/// widened to whole multiples of 5 and kept within `limit`.
fn fitted(lo: f64, hi: f64, limit: Option<Range<f64>>) -> Range<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let pad = (0.08 * (hi - lo)).max(1.0);
    let step = 5.0;
    let (mut a, mut b) = (
        ((lo - pad) / step).floor() * step,
        ((hi + pad) / step).ceil() * step,
    );
    if let Some(limit) = limit {
        a = a.max(limit.start);
        b = b.min(limit.end);
    }
    if b <= a {
        b = a + 1.0;
    }
    a..b
}

/// Draws a chart of the default size into an SVG string with `body`.
fn draw(what: &str, body: impl FnOnce(&Area) -> DrawResult) -> Result<String> {
    draw_sized(what, SIZE, body)
}

/// Draws a chart of `size` pixels into an SVG string with `body`, on a white
/// ground, mapping plotters' errors to one naming `what` was drawn.
pub(super) fn draw_sized(
    what: &str,
    size: (u32, u32),
    body: impl FnOnce(&Area) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.into())
            .and_then(|()| body(&root))
            .and_then(|()| root.present().map_err(|e| e.into()))
            .map_err(|e| Error::Engine(format!("cannot draw the {what}: {e}")))?;
    }
    Ok(svg)
}

/// The title across the top, then the plot area and the side panel.
fn frame<'b>(root: &Area<'b>, title: &str) -> DrawResult<(Area<'b>, Area<'b>)> {
    let below = root.titled(title, text_style(TITLE_FONT))?;
    let (width, _) = below.dim_in_pixel();
    Ok(below.split_horizontally(width - SIDE_WIDTH))
}

/// Black text of `size` pixels.
fn text_style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// Where the last period of `summary` sits on the time axis.
fn end_time(summary: &Summary) -> f64 {
    summary.periods.last().map_or(0.0, |p| p.time)
}

/// Half the width of a histogram bar: 40% of a period.
fn bar_half_width(calendar: &Calendar) -> f64 {
    0.4 / f64::from(calendar.periods_per_year())
}

/// ` (100,000 paths, seed 2026)`.
fn provenance(summary: &Summary) -> String {
    format!(
        " ({} paths, seed {})",
        group_thousands(summary.run.paths),
        summary.run.seed
    )
}

/// The time axis spanning every summary's periods, widened by `pad` years on
/// each side.
fn time_range<'s>(summaries: impl IntoIterator<Item = &'s Summary>, pad: f64) -> Range<f64> {
    let (first, last) = summaries
        .into_iter()
        .flat_map(|s| s.periods.iter().map(|p| p.time))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
            (a.min(t), b.max(t))
        });
    if first.is_finite() {
        first - pad..last.max(first + 0.25) + pad
    } else {
        0.0..1.0
    }
}

/// A chart with time in calendar years along x and `y` up.
fn time_chart<'a, 'b>(
    area: &'a Area<'b>,
    x: Range<f64>,
    y: Range<f64>,
) -> DrawResult<Chart<'a, 'b>> {
    let chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(18)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)?;
    Ok(chart)
}

/// Grid, tick labels and axis titles (the x axis's title only if `x_title`).
fn mesh(
    chart: &mut Chart,
    calendar: &Calendar,
    (x_title, y_title): (bool, &str),
    y_format: &dyn Fn(&f64) -> String,
) -> DrawResult {
    let x_name = match calendar {
        Calendar::Periods { .. } => "Years from the start".to_owned(),
        calendar => format!("Calendar year (each point is a {}'s end)", calendar.unit()),
    };
    let mut mesh = chart.configure_mesh();
    if x_title {
        mesh.x_desc(x_name);
    }
    mesh.x_labels(12)
        .y_labels(8)
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        })
        .y_label_formatter(y_format)
        .label_style(text_style(TICK_FONT))
        .axis_desc_style(text_style(AXIS_FONT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.1));
    mesh.y_desc(y_title);
    mesh.draw()?;
    Ok(())
}

/// The band between `lower` and `upper` as a filled polygon.
fn band(
    chart: &mut Chart,
    periods: &[Period],
    lower: &[f64],
    upper: &[f64],
    style: ShapeStyle,
) -> DrawResult {
    let points: Vec<(f64, f64)> = periods
        .iter()
        .zip(upper)
        .map(|(p, &v)| (p.time, v))
        .chain(periods.iter().zip(lower).rev().map(|(p, &v)| (p.time, v)))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(points, style)))?;
    Ok(())
}

/// A line through `values` at every period.
fn line(
    chart: &mut Chart,
    periods: &[Period],
    values: &[f64],
    colour: RGBColor,
    width: u32,
) -> DrawResult {
    chart.draw_series(LineSeries::new(
        periods.iter().zip(values).map(|(p, &v)| (p.time, v)),
        colour.stroke_width(width),
    ))?;
    Ok(())
}

/// A dashed line through `values` at every period.
fn dashed(
    chart: &mut Chart,
    periods: &[Period],
    values: &[f64],
    colour: RGBColor,
    width: u32,
) -> DrawResult {
    let points: Vec<(f64, f64)> = periods
        .iter()
        .zip(values)
        .map(|(p, &v)| (p.time, v))
        .collect();
    chart.draw_series(std::iter::once(DashedPathElement::new(
        points,
        7,
        4,
        colour.stroke_width(width),
    )))?;
    Ok(())
}

/// A CDF's confidence band, in percent.
fn cdf_band(
    chart: &mut Chart,
    periods: &[Period],
    cdf: &[Interval],
    colour: RGBColor,
) -> DrawResult {
    let pct = |f: fn(&Interval) -> f64| cdf.iter().map(|i| 100.0 * f(i)).collect::<Vec<f64>>();
    band(
        chart,
        periods,
        &pct(|i| i.lower),
        &pct(|i| i.upper),
        colour.mix(0.2).filled(),
    )
}

/// Dashed vertical lines at the marks' `x`, named at the top of the plot (above
/// the bars, which stay below 1 / 1.18 of `top`); marks at the same `x` share a
/// line and a label (`P10, P50`).
fn vertical_marks(chart: &mut Chart, marks: &[(&str, f64)], top: f64) -> DrawResult {
    let mut groups: Vec<(Vec<&str>, f64)> = Vec::new();
    for &(name, x) in marks {
        match groups.last_mut() {
            Some((names, at)) if (*at - x).abs() < 1e-9 => names.push(name),
            _ => groups.push((vec![name], x)),
        }
    }
    for (names, x) in groups {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, 0.0), (x, top * 0.93)],
            5,
            4,
            BLACK.mix(0.7).stroke_width(1),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            names.join(", "),
            (x, top * 0.985),
            text_style(KEY_FONT).pos(Pos::new(HPos::Center, VPos::Top)),
        )))?;
    }
    Ok(())
}

/// A grey shading over the times `x` (the whole height `y`).
fn shade(chart: &mut Chart, x: Range<f64>, y: Range<f64>) -> DrawResult {
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x.start, y.start), (x.end, y.end)],
        NEUTRAL.mix(0.14).filled(),
    )))?;
    Ok(())
}

/// A point estimate with its interval, as a dot and a vertical bar, in points.
fn error_bar(chart: &mut Chart, time: f64, interval: &Interval, colour: RGBColor) -> DrawResult {
    let pp = |x: f64| 100.0 * x;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(time, pp(interval.lower)), (time, pp(interval.upper))],
        colour.stroke_width(2),
    )))?;
    chart.draw_series(std::iter::once(Circle::new(
        (time, pp(interval.estimate)),
        5,
        colour.filled(),
    )))?;
    Ok(())
}

/// A black dot at `at` with `label` beside it on a white ground, the label kept
/// inside the plot: to the left of dots in the right third.
fn marker(chart: &mut Chart, at: (f64, f64), label: &str, x: &Range<f64>) -> DrawResult {
    let right = at.0 > x.start + 0.66 * (x.end - x.start);
    let width = (label.chars().count() as f64 * CHAR_EM * f64::from(KEY_FONT)).ceil() as i32 + 8;
    let (x0, anchor) = if right {
        (-10 - width, HPos::Left)
    } else {
        (10, HPos::Left)
    };
    let element = EmptyElement::at(at)
        + Circle::new((0, 0), 7, WHITE.filled())
        + Circle::new((0, 0), 5, BLACK.filled())
        + Rectangle::new([(x0, -30), (x0 + width, -12)], WHITE.mix(0.85).filled())
        + Text::new(
            label.to_owned(),
            (x0 + 4, -28),
            text_style(KEY_FONT).pos(Pos::new(anchor, VPos::Top)),
        );
    chart.draw_series(std::iter::once(element))?;
    Ok(())
}

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Line {
        colour: RGBColor,
        width: u32,
        dashed: bool,
    },
    Fill {
        colour: RGBColor,
        opacity: f64,
    },
    Marker {
        colour: RGBColor,
    },
}

/// A legend entry.
#[derive(Debug, Clone)]
struct Key {
    swatch: Swatch,
    label: String,
}

impl Key {
    fn line(colour: RGBColor, width: u32, label: String) -> Key {
        let swatch = Swatch::Line {
            colour,
            width,
            dashed: false,
        };
        Key { swatch, label }
    }

    fn dashed(colour: RGBColor, width: u32, label: String) -> Key {
        let swatch = Swatch::Line {
            colour,
            width,
            dashed: true,
        };
        Key { swatch, label }
    }

    fn fill(colour: RGBColor, opacity: f64, label: String) -> Key {
        let swatch = Swatch::Fill { colour, opacity };
        Key { swatch, label }
    }

    fn marker(label: String) -> Key {
        Key::marker_coloured(BLACK, label)
    }

    fn marker_coloured(colour: RGBColor, label: String) -> Key {
        let swatch = Swatch::Marker { colour };
        Key { swatch, label }
    }
}

/// `text` in lines of at most `width` pixels at `size`, broken between words.
fn wrap(text: &str, width: u32, size: u32) -> Vec<String> {
    let max = ((f64::from(width) / (CHAR_EM * f64::from(size))).floor() as usize).max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A label's font size and lines: the key size if it fits on one line, else
/// down to 13, else wrapped at the key size.
fn fit_label(label: &str, width: u32) -> (u32, Vec<String>) {
    (13..=KEY_FONT)
        .rev()
        .map(|size| (size, wrap(label, width, size)))
        .find(|(_, lines)| lines.len() == 1)
        .unwrap_or_else(|| (KEY_FONT, wrap(label, width, KEY_FONT)))
}

/// The legend and the notes, top to bottom in the side panel.
fn side_panel(side: &Area, keys: &[Key], notes: &[String]) -> DrawResult {
    let (width, _) = side.dim_in_pixel();
    let bold = |size: u32| {
        (FONT, size)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK)
    };
    let mut y = 14;
    side.draw(&Text::new("Legend", (8, y), bold(HEADING_FONT)))?;
    y += 24;
    for key in keys {
        let (size, lines) = fit_label(&key.label, width - 56);
        let middle = y + size as i32 / 2 + 1;
        swatch(side, key.swatch, middle)?;
        for text in lines {
            side.draw(&Text::new(text, (46, y), text_style(size)))?;
            y += size as i32 + 2;
        }
        y += 7;
    }
    if !notes.is_empty() {
        y += 10;
        side.draw(&Text::new("How to read it", (8, y), bold(HEADING_FONT)))?;
        y += 22;
        for note in notes {
            for text in wrap(note, width - 20, NOTE_FONT) {
                side.draw(&Text::new(text, (8, y), text_style(NOTE_FONT)))?;
                y += NOTE_FONT as i32 + 2;
            }
            y += 7;
        }
    }
    Ok(())
}

/// A legend swatch centred vertically on `y`.
fn swatch(side: &Area, swatch: Swatch, y: i32) -> DrawResult {
    let (x0, x1) = (10, 38);
    match swatch {
        Swatch::Line {
            colour,
            width,
            dashed: false,
        } => side.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            colour.stroke_width(width),
        ))?,
        Swatch::Line {
            colour,
            width,
            dashed: true,
        } => side.draw(&DashedPathElement::new(
            vec![(x0, y), (x1, y)],
            6,
            3,
            colour.stroke_width(width),
        ))?,
        Swatch::Fill { colour, opacity } => {
            side.draw(&Rectangle::new(
                [(x0, y - 7), (x1, y + 7)],
                colour.mix(opacity).filled(),
            ))?;
        }
        Swatch::Marker { colour } => {
            side.draw(&Circle::new(((x0 + x1) / 2, y), 5, colour.filled()))?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_model::{self, STEPS};

    /// The side panel starts here: every data mark lies left of it.
    const SIDE_X: f64 = (SIZE.0 - SIDE_WIDTH) as f64;

    /// The texts of a chart with their x, in document order.
    fn texts(svg: &str) -> Vec<(f64, String)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| {
                let x = n.attribute("x")?.parse().ok()?;
                Some((x, n.text()?.trim().to_owned()))
            })
            .collect()
    }

    /// Every text of a chart joined by spaces (wrapped notes read whole).
    fn prose(svg: &str) -> String {
        let words: Vec<String> = texts(svg).into_iter().map(|(_, t)| t).collect();
        words.join(" ")
    }

    /// The x extent of every drawn shape but the background.
    fn extents(svg: &str) -> Vec<(String, f64, f64)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let number =
            |n: &roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
        doc.descendants()
            .filter_map(|n| {
                let name = n.tag_name().name().to_owned();
                let (lo, hi) = match name.as_str() {
                    "polygon" | "polyline" => {
                        let xs: Vec<f64> = n
                            .attribute("points")?
                            .split_whitespace()
                            .filter_map(|p| p.split(',').next()?.parse().ok())
                            .collect();
                        (
                            xs.iter().copied().fold(f64::INFINITY, f64::min),
                            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        )
                    }
                    "rect" => {
                        let (x, w) = (number(&n, "x")?, number(&n, "width")?);
                        if w >= f64::from(SIZE.0) {
                            return None;
                        }
                        (x, x + w)
                    }
                    "circle" => {
                        let (x, r) = (number(&n, "cx")?, number(&n, "r")?);
                        (x - r, x + r)
                    }
                    "line" => {
                        let (a, b) = (number(&n, "x1")?, number(&n, "x2")?);
                        (a.min(b), a.max(b))
                    }
                    _ => return None,
                };
                Some((name, lo, hi))
            })
            .collect()
    }

    /// No shape straddles the edge of the side panel, every `legend` label is
    /// in the side panel, and the plot holds some data.
    fn assert_legend_outside(svg: &str, legend: &[&str]) {
        let shapes = extents(svg);
        for (name, lo, hi) in &shapes {
            assert!(*hi <= SIDE_X || *lo >= SIDE_X, "{name} spans {lo}..{hi}");
        }
        assert!(shapes.iter().filter(|(_, _, hi)| *hi <= SIDE_X).count() > 10);
        let texts = texts(svg);
        for label in legend {
            let found: Vec<f64> = texts
                .iter()
                .filter(|(_, t)| t == label)
                .map(|(x, _)| *x)
                .collect();
            assert!(!found.is_empty(), "no legend entry `{label}`");
            assert!(found.iter().all(|&x| x >= SIDE_X), "`{label}` at {found:?}");
        }
    }

    #[test]
    fn fan_chart_marks_the_median_crossing_and_says_what_spending_is() {
        let s = test_model::summary();
        let chart = fan_chart(&s).unwrap();
        // The first period with median revenue at or above median spending, read
        // from the summary, is 11, as the closed form of the medians says (they
        // cross at k = 10.5).
        let (revenue, spending) = (
            s.series("revenue").unwrap().band(0.5).unwrap(),
            s.series("spending").unwrap().band(0.5).unwrap(),
        );
        let first = (0..=STEPS).find(|&k| revenue[k] >= spending[k]).unwrap();
        assert_eq!(first, 11);
        let label = format!("Medians cross: {}", test_model::calendar().label(11));
        assert_eq!(label, "Medians cross: 2028 Q4");
        let all = texts(&chart);
        let marks: Vec<&String> = all
            .iter()
            .map(|(_, t)| t)
            .filter(|t| t.starts_with("Medians cross:"))
            .collect();
        assert_eq!(marks, [&label]);
        let text = prose(&chart);
        for needle in [
            "Spending is opex plus capex.",
            "overtakes the median of spending in 2028 Q4",
            "USD m per quarter",
            "Calendar year",
            "2,000 paths",
        ] {
            assert!(text.contains(needle), "fan chart lacks `{needle}`: {text}");
        }
        assert_legend_outside(
            &chart,
            &[
                "Revenue P10-P90",
                "Revenue P25-P75",
                "Revenue median",
                "Spending P10-P90 (dashed)",
                "Spending P25-P75 (solid)",
                "Spending median",
                "Medians cross",
            ],
        );
        // Only revenue's bands are filled: spending's are outlines, so no two
        // translucent fills blend where the fans overlap.
        let doc = roxmltree::Document::parse(&chart).unwrap();
        let fills: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .filter_map(|n| n.attribute("fill"))
            .collect();
        assert_eq!(fills, ["#0072B2", "#0072B2"]);
    }

    #[test]
    fn median_crossings_interpolate_both_ways() {
        let calendar = test_model::calendar();
        let periods: Vec<Period> = (0..4).map(|k| Period::of(&calendar, k)).collect();
        let crossings = median_crossings(&periods, &[1.0, 3.0, 3.0, 1.0], &[2.0, 2.0, 2.0, 2.0]);
        assert_eq!(crossings.len(), 2);
        let (up, down) = (crossings[0], crossings[1]);
        assert!(up.upward && !down.upward);
        assert_eq!((up.period, down.period), (1, 3));
        // Halfway between periods 0 and 1 (0.25 years apart), at the value 2.
        assert!((up.time - (periods[0].time + 0.125)).abs() < 1e-12);
        assert!((up.value - 2.0).abs() < 1e-12);
        assert!(median_crossings(&periods, &[1.0; 4], &[2.0; 4]).is_empty());
        let note = crossing_note(&crossings, &calendar, "Revenue", "Spending");
        assert!(
            note.contains("2026 Q2 (revenue up), 2026 Q4 (revenue down)"),
            "{note}"
        );
    }

    #[test]
    fn coinciding_curves_are_named_and_flat_ends_explained() {
        let s = test_model::summary();
        let chart = breakeven_curves(&s).unwrap();
        let text = prose(&chart);
        assert!(
            text.contains("\u{201c}Revenue covers spending\u{201d} and \u{201c}Margin positive\u{201d} coincide: they differ by at most 0.0 pp"),
            "{text}"
        );
        assert_eq!(text.matches("coincide").count(), 1, "{text}");
        // A run of 4 quarters cannot start in the last 3 of 24: the curve is flat
        // from period 21 (2031 Q2) on, as the note says.
        let held = s.breakeven("ahead_4q").unwrap();
        assert!(
            held.cdf[STEPS - 3..]
                .iter()
                .all(|c| c.estimate == held.cdf[STEPS - 3].estimate)
        );
        assert!(held.cdf[STEPS - 4].estimate < held.cdf[STEPS - 3].estimate);
        assert!(
            text.contains("cannot start in the last 3 quarters"),
            "{text}"
        );
        assert!(text.contains("flat after 2031 Q2"), "{text}");
        assert!(text.contains("% of paths"));
        let titles: Vec<&str> = s.breakevens.iter().map(|b| b.title.as_str()).collect();
        assert_legend_outside(&chart, &titles);
        // The second of the coinciding curves is dashed: drawn as many segments.
        assert!(extents(&chart).len() > 100);
    }

    fn curve(title: &str, values: &[f64]) -> BreakEvenSummary {
        let mut b = test_model::summary().breakevens[0].clone();
        b.title = title.to_owned();
        b.cdf = values
            .iter()
            .map(|&estimate| Interval {
                estimate,
                lower: estimate,
                upper: estimate,
            })
            .collect();
        b
    }

    #[test]
    fn coincidence_is_within_the_stated_distance_everywhere() {
        let near = COINCIDE_POINTS / 100.0 - 1e-4;
        let far = COINCIDE_POINTS / 100.0 + 1e-4;
        let rules = [
            curve("a", &[0.0, 0.5, 0.9]),
            curve("b", &[0.0, 0.5 + near, 0.9]),
            curve("c", &[0.0, 0.5, 0.9 - near]),
            curve("d", &[0.0, 0.5 + far, 0.9]),
        ];
        let clusters = coinciding(&rules);
        // Each pair of a, b and c differs by at most `near` at every period; d is
        // `far` from a and b.
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].members, [0, 1, 2]);
        assert!((clusters[0].distance - 100.0 * near).abs() < 1e-9);
        let lone = [curve("a", &[0.0, 0.5]), curve("d", &[0.0, 0.5 + far])];
        assert!(coinciding(&lone).is_empty());
    }

    #[test]
    fn histograms_add_to_100_with_a_never_bar_on_its_own_scale() {
        let s = test_model::summary();
        for b in &s.breakevens {
            let chart = breakeven_histogram(&s, &b.key).unwrap();
            let total: f64 = b.density().iter().sum::<f64>() + b.censored;
            assert!((total - 1.0).abs() < 1e-12, "{}: {total}", b.key);
            let text = prose(&chart);
            let never = format!("{:.1}%", 100.0 * b.censored);
            assert!(
                texts(&chart)
                    .iter()
                    .any(|(x, t)| *t == never && *x < SIDE_X),
                "{never}: {text}"
            );
            assert!(text.contains(&b.title.to_lowercase()), "{text}");
            assert!(text.contains("they add to 100%"));
            assert_legend_outside(
                &chart,
                &[
                    "Breaking even in the quarter",
                    "Not within the horizon (own scale)",
                ],
            );
            // The main panel's scale tops out near the largest bar, so small
            // shares show: no tick above 1.18 times the largest bar (or 0.59%).
            let largest = b.density().iter().fold(0.005, |a: f64, &p| a.max(p));
            let ticks: Vec<f64> = texts(&chart)
                .iter()
                .filter(|(x, _)| *x < SIDE_X - f64::from(NEVER_WIDTH))
                .filter_map(|(_, t)| t.strip_suffix('%')?.parse::<f64>().ok())
                .collect();
            assert!(!ticks.is_empty());
            assert!(
                ticks.iter().all(|&t| t <= 118.0 * largest + 1e-9),
                "{}: {ticks:?}",
                b.key
            );
        }
        let never = s.breakeven("never").unwrap();
        assert_eq!(never.censored, 1.0);
        let ahead = s.breakeven("ahead_4q").unwrap();
        assert!(
            ahead.censored > 0.02 && ahead.censored < 0.2,
            "{}",
            ahead.censored
        );
        let text = prose(&breakeven_histogram(&s, "ahead_4q").unwrap());
        assert!(text.contains("No bar after 2031 Q2"), "{text}");
    }

    #[test]
    fn value_histogram_counts_every_path() {
        let s = test_model::summary();
        let stats = s.value().unwrap();
        let histogram = stats.histogram.as_ref().unwrap();
        assert_eq!(histogram.total(), test_model::PATHS as u64);
        let chart = value_histogram(&s).unwrap();
        let text = prose(&chart);
        let positive = format!(
            "P(Surplus > 0) = {}",
            percent(stats.probability_positive.unwrap())
        );
        for needle in [
            positive.as_str(),
            "Surplus, USD m",
            "Revenue minus spending summed",
            "P50",
        ] {
            assert!(text.contains(needle), "lacks `{needle}`: {text}");
        }
        assert_legend_outside(
            &chart,
            &["Paths with Surplus below 0", "Paths with Surplus above 0"],
        );
    }

    #[test]
    fn comparison_charts_show_bands_and_paired_differences() {
        let mut c = test_model::comparison();
        let chart = comparison_curves(&c, "covers").unwrap();
        let text = prose(&chart);
        for needle in [
            "Alternative - baseline (pp)",
            "costly at the horizon:",
            "median date +",
        ] {
            assert!(text.contains(needle), "lacks `{needle}`: {text}");
        }
        assert_legend_outside(
            &chart,
            &[
                "toy (baseline)",
                "costly",
                "costly - toy (lower panel)",
                "Shading: 95% confidence band",
            ],
        );
        // Every scenario's curve has its band: one polygon per scenario above and
        // one for the difference below.
        let doc = roxmltree::Document::parse(&chart).unwrap();
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("polygon"))
                .count(),
            3
        );
        // A summary without the per-period difference shows the within-horizon one.
        for d in &mut c.differences {
            d.cdf_difference.clear();
        }
        let text = prose(&comparison_curves(&c, "covers").unwrap());
        assert!(
            text.contains("Only the within-horizon difference"),
            "{text}"
        );
    }

    #[test]
    fn y_ranges_fit_the_data() {
        assert_eq!(fitted(0.0, 0.0, Some(0.0..100.0)), 0.0..5.0);
        assert_eq!(fitted(20.0, 60.0, Some(0.0..100.0)), 15.0..65.0);
        assert_eq!(fitted(1.0, 99.5, Some(0.0..100.0)), 0.0..100.0);
        assert_eq!(fitted(-12.0, 0.0, None), -15.0..5.0);
        let c = test_model::comparison();
        // Both scenarios stay at 0 under `never`: the axis spans 0-5%, not 0-100%.
        let labels: Vec<String> = texts(&comparison_curves(&c, "never").unwrap())
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert!(labels.iter().any(|t| t == "5%"), "{labels:?}");
        assert!(!labels.iter().any(|t| t == "100%"), "{labels:?}");
    }

    #[test]
    fn text_wraps_between_words() {
        // 60 px at 16 fit 8 characters.
        assert_eq!(wrap("aaa bbb ccc", 60, 16), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("aaaa bbbb cc", 60, 16), ["aaaa", "bbbb cc"]);
        assert_eq!(wrap("aaa bbb ccc", 1000, 16), ["aaa bbb ccc"]);
        let (size, lines) = fit_label("Free cash flow break-even (4q running)", SIDE_WIDTH - 56);
        assert_eq!(lines.len(), 1);
        assert!(size < KEY_FONT);
    }

    #[test]
    fn missing_inputs_are_errors() {
        let mut s = test_model::summary();
        let err = breakeven_histogram(&s, "npv_payback").unwrap_err();
        assert!(err.to_string().contains("`rule` = npv_payback"), "{err}");
        let mut c = test_model::comparison();
        let err = comparison_curves(&c, "covers_8q").unwrap_err();
        assert!(err.to_string().contains("covers_8q"), "{err}");
        c.scenarios.clear();
        assert!(comparison_curves(&c, "covers").is_err());
        s.scalars[0].histogram = None;
        let err = value_histogram(&s).unwrap_err();
        assert!(err.to_string().contains("no histogram"), "{err}");
        s.model.value = None;
        assert!(
            value_histogram(&s)
                .unwrap_err()
                .to_string()
                .contains("`value`")
        );
        s.series.retain(|x| x.name != "revenue");
        let err = fan_chart(&s).unwrap_err();
        assert!(err.to_string().contains("`series` = revenue"), "{err}");
        s.model.headline = None;
        assert!(
            fan_chart(&s)
                .unwrap_err()
                .to_string()
                .contains("`headline`")
        );
    }
}
