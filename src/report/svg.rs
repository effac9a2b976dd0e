//! SVG charts of summaries, drawn with plotters' SVG backend (feature `svg`).
//!
//! Time runs along the x axis in calendar years: each period is plotted at the end
//! of its period ([`Period::time`]: 2026 Q2 at 2026.5), and the ticks mark the start
//! of each year.
//! Text is emitted as SVG `<text>` elements in the `sans-serif` family, so the
//! viewer's fonts render it and no font is needed to write a chart. Every chart has
//! a title, labelled axes with units and a legend.
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

use super::json::{BreakEvenSummary, Period, SeriesStats, Summary};
use super::text::group_thousands;
use crate::error::{Error, Result};
use crate::stats::Interval;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (960, 560);

/// The colours of successive lines (the "tableau 10" palette).
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

const FONT: &str = "sans-serif";

/// The quantile levels a fan chart draws.
const FAN_BANDS: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type DrawResult<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The model's headline pair (revenue against spending): for each, the P10-P90
/// and P25-P75 bands and the median by period.
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
    let top = [revenue, spending]
        .iter()
        .flat_map(|s| s.band(0.9).unwrap_or_default())
        .fold(1.0, |a: f64, &b| a.max(b));
    draw("fan chart", |root| {
        let (income, outgo) = (name_of(&headline.income), name_of(&headline.spending));
        let title = format!(
            "{}: {} against {}{}",
            summary.name(),
            income.to_lowercase(),
            outgo.to_lowercase(),
            provenance(summary)
        );
        let mut chart = time_chart(root, summary, &title, 0.0, 0.0..top * 1.05)?;
        mesh(
            &mut chart,
            summary,
            &format!("{income} and {}, {}", outgo.to_lowercase(), revenue.unit),
            &|y| format!("{y:.0}"),
        )?;
        let fans = [
            (income.as_str(), revenue, PALETTE[0]),
            (outgo.as_str(), spending, PALETTE[1]),
        ];
        // Bands first, medians on top so that no band hides a median.
        for (label, stats, colour) in fans {
            fan_bands(&mut chart, &summary.periods, label, stats, colour)?;
        }
        for (label, stats, colour) in fans {
            let median = stats.band(0.5).unwrap_or_default();
            let label = format!("{label} median");
            line(&mut chart, &summary.periods, median, colour, &label)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// The probability of having broken even by each period (%), one line per
/// definition, with its confidence band.
///
/// # Errors
/// If drawing fails.
pub fn breakeven_curves(summary: &Summary) -> Result<String> {
    draw("break-even curves", |root| {
        let title = format!(
            "{}: probability of having broken even{}",
            summary.name(),
            provenance(summary)
        );
        let mut chart = time_chart(root, summary, &title, 0.0, 0.0..100.0)?;
        mesh(&mut chart, summary, "Probability (% of paths)", &|y| {
            format!("{y:.0}%")
        })?;
        for (i, b) in summary.breakevens.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            cdf_curve(&mut chart, &summary.periods, &b.cdf, &b.title, colour)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// A histogram of the break-even dates under the rule `key`: the share of paths
/// that break even in each period (%), with the share that does not break even
/// within the horizon in the legend.
///
/// # Errors
/// If the summary has no rule `key`, or drawing fails.
pub fn breakeven_histogram(summary: &Summary, key: &str) -> Result<String> {
    let b = summary
        .breakeven(key)
        .ok_or_else(|| Error::invalid("rule", key, "is not among the summary's rules"))?;
    let unit = summary.model.calendar.unit();
    let density: Vec<f64> = b.density().iter().map(|p| 100.0 * p).collect();
    let top = density.iter().fold(1.0, |a: f64, &b| a.max(b));
    draw("break-even histogram", |root| {
        let title = format!(
            "{}: when {} happens{}",
            summary.name(),
            b.title.to_lowercase(),
            provenance(summary)
        );
        let mut chart = time_chart(root, summary, &title, 0.15, 0.0..top * 1.1)?;
        mesh(
            &mut chart,
            summary,
            &format!("Paths breaking even (% per {unit})"),
            &|y| format!("{y:.1}%"),
        )?;
        let colour = PALETTE[0];
        chart
            .draw_series(summary.periods.iter().zip(&density).map(|(p, &d)| {
                let (x, w) = (p.time, bar_half_width(summary));
                Rectangle::new([(x - w, 0.0), (x + w, d)], colour.mix(0.8).filled())
            }))?
            .label(format!("Share of paths breaking even in the {unit}"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], colour.filled()));
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
            .label(format!(
                "Not within the horizon: {:.1}% of paths",
                100.0 * b.censored
            ))
            .legend(|(x, y)| EmptyElement::at((x, y)));
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// The break-even curves of several scenarios under the rule `key`, on one
/// chart: the probability of having broken even by each period (%) with its
/// confidence band, one line per scenario.
///
/// # Errors
/// If there is no summary, one lacks the rule `key`, or drawing fails.
pub fn comparison_curves(summaries: &[Summary], key: &str) -> Result<String> {
    let first = summaries
        .first()
        .ok_or_else(|| Error::invalid("summaries", "[]", "must not be empty"))?;
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
    draw("comparison chart", |root| {
        let title = format!("{}: paired scenarios{}", curves[0].title, provenance(first));
        let mut chart = time_chart(root, first, &title, 0.0, 0.0..100.0)?;
        mesh(
            &mut chart,
            first,
            "Probability of having broken even (% of paths)",
            &|y| format!("{y:.0}%"),
        )?;
        for (i, (summary, b)) in summaries.iter().zip(&curves).enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let label = if i == 0 {
                format!("{} (baseline)", summary.name())
            } else {
                summary.name().to_owned()
            };
            cdf_curve(&mut chart, &summary.periods, &b.cdf, &label, colour)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Draws into an SVG string with `body`, mapping plotters' errors.
fn draw(
    what: &str,
    body: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.into())
            .and_then(|()| body(&root))
            .and_then(|()| root.present().map_err(|e| e.into()))
            .map_err(|e| Error::Engine(format!("cannot draw the {what}: {e}")))?;
    }
    Ok(svg)
}

/// The position of a period on the time axis.
fn year(period: &Period) -> f64 {
    period.time
}

/// Half the width of a histogram bar: 40% of a period.
fn bar_half_width(summary: &Summary) -> f64 {
    0.4 / f64::from(summary.model.calendar.periods_per_year())
}

/// `free_cash_flow` as `Free cash flow`.
fn name_of(series: &str) -> String {
    let text = series.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// ` (100,000 paths, seed 2026)`.
fn provenance(summary: &Summary) -> String {
    format!(
        " ({} paths, seed {})",
        group_thousands(summary.run.paths),
        summary.run.seed
    )
}

/// A chart with time in calendar years along x, widened by `pad` years on each
/// side, and `y` up.
fn time_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    summary: &Summary,
    title: &str,
    pad: f64,
    y: std::ops::Range<f64>,
) -> DrawResult<Chart<'a, 'b>> {
    let (first, last) = match (summary.periods.first(), summary.periods.last()) {
        (Some(a), Some(b)) => (year(a), year(b)),
        _ => (0.0, 1.0),
    };
    let chart = ChartBuilder::on(root)
        .caption(title, (FONT, 21))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(76)
        .build_cartesian_2d(first - pad..last.max(first + 0.25) + pad, y)?;
    Ok(chart)
}

/// Grid, tick labels and axis titles.
fn mesh(
    chart: &mut Chart,
    summary: &Summary,
    y_title: &str,
    y_format: &dyn Fn(&f64) -> String,
) -> DrawResult {
    let x_title = match summary.model.calendar {
        crate::calendar::Calendar::Periods { .. } => "Years from the start".to_owned(),
        calendar => format!("Calendar year (each point is a {}'s end)", calendar.unit()),
    };
    chart
        .configure_mesh()
        .x_desc(x_title)
        .y_desc(y_title)
        .x_labels(12)
        .y_labels(10)
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        })
        .y_label_formatter(y_format)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(BLACK.mix(0.05))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    Ok(())
}

/// The band between `lower` and `upper` as a filled polygon, in the legend if
/// labelled.
fn band(
    chart: &mut Chart,
    periods: &[Period],
    lower: &[f64],
    upper: &[f64],
    style: ShapeStyle,
    label: Option<&str>,
) -> DrawResult {
    let points: Vec<(f64, f64)> = periods
        .iter()
        .zip(upper)
        .map(|(p, &v)| (year(p), v))
        .chain(periods.iter().zip(lower).rev().map(|(p, &v)| (year(p), v)))
        .collect();
    let drawn = chart.draw_series(std::iter::once(Polygon::new(points, style)))?;
    if let Some(label) = label {
        drawn
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], style));
    }
    Ok(())
}

/// A line through `values` at every period.
fn line(
    chart: &mut Chart,
    periods: &[Period],
    values: &[f64],
    colour: RGBColor,
    label: &str,
) -> DrawResult {
    let style = colour.stroke_width(2);
    chart
        .draw_series(LineSeries::new(
            periods.iter().zip(values).map(|(p, &v)| (year(p), v)),
            style,
        ))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
    Ok(())
}

/// The bands of one series' fan: P10-P90 and P25-P75.
fn fan_bands(
    chart: &mut Chart,
    periods: &[Period],
    label: &str,
    stats: &SeriesStats,
    colour: RGBColor,
) -> DrawResult {
    let q = |level: f64| stats.band(level).unwrap_or_default();
    band(
        chart,
        periods,
        q(0.1),
        q(0.9),
        colour.mix(0.15).filled(),
        Some(&format!("{label} P10-P90")),
    )?;
    band(
        chart,
        periods,
        q(0.25),
        q(0.75),
        colour.mix(0.35).filled(),
        Some(&format!("{label} P25-P75")),
    )
}

/// A CDF in percent with its confidence band (the band has no legend entry).
fn cdf_curve(
    chart: &mut Chart,
    periods: &[Period],
    cdf: &[Interval],
    label: &str,
    colour: RGBColor,
) -> DrawResult {
    let pct = |f: fn(&Interval) -> f64| cdf.iter().map(|i| 100.0 * f(i)).collect::<Vec<f64>>();
    let (lower, upper) = (pct(|i| i.lower), pct(|i| i.upper));
    band(
        chart,
        periods,
        &lower,
        &upper,
        colour.mix(0.2).filled(),
        None,
    )?;
    line(chart, periods, &pct(|i| i.estimate), colour, label)
}

fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, position: SeriesLabelPosition) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Described, Headline, Rule, Study, StudyOptions};
    use crate::calendar::Calendar;
    use crate::engine::ProcessModel;
    use crate::process::Gbm;

    /// Revenue and spending of a toy model: two series under the names the
    /// charts read.
    fn summary() -> Summary {
        let options = StudyOptions {
            paths: 500,
            seed: 3,
            ..StudyOptions::default()
        };
        let revenue = ProcessModel::new("revenue", Gbm::new(0.3, 0.2, 10.0).unwrap());
        let model = Described::new(
            "toy",
            revenue,
            Calendar::Quarterly {
                start: "2026Q1".parse().unwrap(),
            },
            40,
        )
        .rule(Rule::new("flow_crossover", "Revenue doubled", "revenue >= 20").unwrap())
        .unit("revenue", "USD m per quarter")
        .headline(Headline {
            income: "revenue".into(),
            spending: "revenue".into(),
            spending_note: String::new(),
        });
        Summary::from_study(&Study::run(&model, &options).unwrap())
    }

    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
            .collect()
    }

    #[test]
    fn charts_are_labelled() {
        let s = summary();
        let fan = texts(&fan_chart(&s).unwrap());
        assert!(fan.iter().any(|t| t == "Revenue median"));
        assert!(fan.iter().any(|t| t == "2030"));
        let curves = texts(&comparison_curves(&[s.clone(), s.clone()], "flow_crossover").unwrap());
        assert!(curves.iter().any(|t| t == "toy (baseline)"));
        assert_eq!(curves.iter().filter(|t| *t == "toy").count(), 1);
    }

    #[test]
    fn missing_inputs_are_errors() {
        let mut s = summary();
        let err = breakeven_histogram(&s, "npv_payback").unwrap_err();
        assert!(err.to_string().contains("`rule` = npv_payback"), "{err}");
        assert!(comparison_curves(&[], "flow_crossover").is_err());
        let err = comparison_curves(std::slice::from_ref(&s), "flow_crossover_8q").unwrap_err();
        assert!(err.to_string().contains("flow_crossover_8q"), "{err}");
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
