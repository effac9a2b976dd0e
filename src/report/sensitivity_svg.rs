//! Charts of sensitivity analyses (feature `svg`): tornado bars, Sobol indices
//! over the horizon, sweep curves.

use crate::analysis::sensitivity::{Output, SobolAnalysis, Sweep, Tornado};
use crate::error::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::svg::{DrawResult, FONT, draw_sized as draw};

/// The tornado chart.
pub const TORNADO_SVG: &str = "tornado.svg";
/// Sobol indices of the break-even indicator over the horizon.
pub const SOBOL_SVG: &str = "sobol.svg";
/// The sweep curve.
pub const SWEEP_SVG: &str = "sweep.svg";

/// Colour-blind-safe hues (Okabe and Ito, black for their yellow, which is too
/// pale on white), cycled over factors.
const HUES: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];
/// The Sobol chart leaves out periods where fewer than this share of paths, or
/// all but this share, have broken even: the indicator's variance is too small
/// there for the indices to say anything.
const MIN_SHARE: f64 = 0.01;
/// Factors drawn in the Sobol chart: the largest total indices.
const SOBOL_LINES: usize = 8;

/// Horizontal bars of the swing in the probability of breaking even within the
/// horizon (under the rule the bars are sorted by), high minus low, in percentage points, with the paired
/// interval as a whisker; largest first.
///
/// # Errors
/// If the chart cannot be drawn.
pub fn tornado(tornado: &Tornado) -> Result<String> {
    let bars = &tornado.bars;
    let height = 140 + 34 * bars.len() as u32;
    draw("tornado chart", (1000, height), |root| {
        let reach = bars
            .iter()
            .map(|b| {
                let d = b.rules[tornado.sorted_by].probability().difference;
                d.lower.abs().max(d.upper.abs())
            })
            .fold(0.005, f64::max)
            * 100.0
            * 1.1;
        let n = bars.len().max(1) as f64;
        let title = format!(
            "{}: swing in P(within horizon), P{:.0} -> P{:.0} of each input",
            tornado.titles[tornado.sorted_by],
            100.0 * tornado.quantiles.0,
            100.0 * tornado.quantiles.1
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 20))
            .margin(16)
            .x_label_area_size(46)
            .y_label_area_size(250)
            .build_cartesian_2d(-reach..reach, 0.0..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .light_line_style(WHITE)
            .x_desc(format!(
                "percentage points (blue: higher at the high setting, orange: lower; whiskers: {:.0}% paired interval)",
                100.0 * tornado.confidence
            ))
            .draw()?;
        let style =
            TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, bar) in bars.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(-reach, n - i as f64 - 0.5));
            root.draw(&Text::new(bar.name.clone(), (x - 8, y), style.clone()))?;
        }
        for (i, bar) in bars.iter().enumerate() {
            let d = bar.rules[tornado.sorted_by].probability().difference;
            let y = n - i as f64 - 0.5;
            let colour = if d.estimate >= 0.0 { HUES[0] } else { HUES[1] };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.35), (100.0 * d.estimate, y + 0.35)],
                colour.mix(0.8).filled(),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(100.0 * d.lower, y), (100.0 * d.upper, y)],
                BLACK.stroke_width(2),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            BLACK,
        )))?;
        Ok(())
    })
}

/// First-order (solid) and total (dashed, shaded interval) Sobol indices of the
/// indicator "broken even by period k" over the horizon, for the factors with the
/// largest total index.
///
/// # Errors
/// If the analysis has no indicator outputs (an empty chart says so when no
/// period has enough variance) or the chart cannot be drawn.
pub fn sobol(sobol: &SobolAnalysis) -> Result<String> {
    let columns: Vec<(usize, usize)> = sobol
        .outputs
        .iter()
        .enumerate()
        .filter_map(|(t, o)| match o {
            Output::Reached { period, .. }
                if (MIN_SHARE..=1.0 - MIN_SHARE).contains(&sobol.indices.mean[t]) =>
            {
                Some((t, *period))
            }
            _ => None,
        })
        .collect();
    let rule = match sobol.outputs.first() {
        Some(Output::Reached { rule, .. }) => rule.clone(),
        _ => {
            return Err(Error::invalid(
                "sobol",
                "outputs",
                "has no break-even indicator to draw",
            ));
        }
    };
    let mut order: Vec<usize> = (0..sobol.factors.len()).collect();
    let peak = |g: usize| {
        columns
            .iter()
            .filter_map(|&(t, _)| sobol.indices.total[[g, t]].map(|i| i.estimate))
            .fold(0.0, f64::max)
    };
    order.sort_by(|&a, &b| peak(b).total_cmp(&peak(a)));
    order.truncate(SOBOL_LINES);
    let first = columns.first().map_or(0, |c| c.1) as f64;
    let last = columns.last().map_or(1, |c| c.1) as f64;
    let periods = first..last.max(first + 1.0);
    let rows = order.len().div_ceil(SOBOL_COLUMNS).max(1);
    let height = SOBOL_TITLE_HEIGHT + SOBOL_PANEL_HEIGHT * rows as u32;
    draw("Sobol chart", (SOBOL_WIDTH, height), |root| {
        let title = format!(
            "Sobol indices of \"broken even by period k\" ({rule}): solid first order, dashed total, with {:.0}% bands",
            100.0 * sobol.confidence
        );
        let below = root.titled(&title, (FONT, 20))?;
        let (panels, note) = below.split_vertically(below.dim_in_pixel().1 - SOBOL_NOTE_HEIGHT);
        note.draw(&Text::new(
            "Periods drawn where between 1% and 99% of paths have broken even; factors sorted by their largest total index.",
            (16, 8),
            (FONT, 14),
        ))?;
        let cells = panels.split_evenly((rows, SOBOL_COLUMNS));
        for (line, (&g, cell)) in order.iter().zip(&cells).enumerate() {
            let factor = Panel {
                name: &sobol.factors[g],
                hue: HUES[line % HUES.len()],
                first: indices_of(&sobol.indices.first, g, &columns),
                total: indices_of(&sobol.indices.total, g, &columns),
            };
            factor.draw(cell, periods.clone(), &sobol.labels)?;
        }
        Ok(())
    })
}

/// Width of the Sobol chart, its title's and note's heights, and the height of a
/// row of panels, in pixels.
const SOBOL_WIDTH: u32 = 1200;
const SOBOL_TITLE_HEIGHT: u32 = 70;
const SOBOL_NOTE_HEIGHT: u32 = 28;
const SOBOL_PANEL_HEIGHT: u32 = 230;
/// Panels per row of the Sobol chart.
const SOBOL_COLUMNS: usize = 4;

/// One factor's indices over the periods drawn: `(period, lower, estimate,
/// upper)`, clamped to `[0, 1]`.
fn indices_of(
    matrix: &ndarray::Array2<Option<crate::stats::Interval>>,
    factor: usize,
    columns: &[(usize, usize)],
) -> Vec<(f64, f64, f64, f64)> {
    columns
        .iter()
        .filter_map(|&(t, k)| {
            matrix[[factor, t]].map(|i| {
                let unit = |x: f64| x.clamp(0.0, 1.0);
                (k as f64, unit(i.lower), unit(i.estimate), unit(i.upper))
            })
        })
        .collect()
}

/// A panel of the Sobol chart: one factor's first-order and total indices.
struct Panel<'a> {
    name: &'a str,
    hue: RGBColor,
    first: Vec<(f64, f64, f64, f64)>,
    total: Vec<(f64, f64, f64, f64)>,
}

impl Panel<'_> {
    fn draw(
        &self,
        cell: &DrawingArea<SVGBackend, plotters::coord::Shift>,
        periods: std::ops::Range<f64>,
        labels: &[String],
    ) -> DrawResult {
        let mut chart = ChartBuilder::on(cell)
            .caption(self.name, (FONT, 16))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(periods, 0.0..1.0)?;
        chart
            .configure_mesh()
            .x_labels(4)
            .y_labels(6)
            .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
            .light_line_style(WHITE)
            .label_style((FONT, 12))
            .draw()?;
        for (indices, opacity) in [(&self.total, 0.12), (&self.first, 0.22)] {
            let band: Vec<(f64, f64)> = indices
                .iter()
                .map(|&(k, lo, _, _)| (k, lo))
                .chain(indices.iter().rev().map(|&(k, _, _, hi)| (k, hi)))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                self.hue.mix(opacity).filled(),
            )))?;
        }
        let estimates = |indices: &[(f64, f64, f64, f64)]| -> Vec<(f64, f64)> {
            indices.iter().map(|&(k, _, x, _)| (k, x)).collect()
        };
        chart.draw_series(LineSeries::new(
            estimates(&self.first),
            self.hue.stroke_width(2),
        ))?;
        chart.draw_series(DashedLineSeries::new(
            estimates(&self.total),
            6,
            4,
            self.hue.stroke_width(2),
        ))?;
        Ok(())
    }
}

/// The probability of breaking even within the horizon (first rule) against the
/// swept value, with the points' intervals.
///
/// # Errors
/// If the chart cannot be drawn.
pub fn sweep(sweep: &Sweep) -> Result<String> {
    let xs: Vec<f64> = sweep.points.iter().map(|p| p.value).collect();
    let (lo, hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let pad = ((hi - lo) * 0.05).max(1e-9);
    draw("sweep chart", (1000, 560), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "{}: P(within horizon) against {}",
                    sweep.titles[0], sweep.input
                ),
                (FONT, 20),
            )
            .margin(16)
            .x_label_area_size(46)
            .y_label_area_size(60)
            .build_cartesian_2d(lo - pad..hi + pad, 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc(sweep.input.clone())
            .y_desc(format!(
                "% of paths ({:.0}% intervals)",
                100.0 * sweep.confidence
            ))
            .draw()?;
        let points: Vec<(f64, f64)> = sweep
            .points
            .iter()
            .map(|p| (p.value, 100.0 * p.within[0].estimate))
            .collect();
        chart.draw_series(LineSeries::new(points.clone(), HUES[0].stroke_width(2)))?;
        chart.draw_series(
            points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 4, HUES[0].filled())),
        )?;
        for p in &sweep.points {
            let w = p.within[0];
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(p.value, 100.0 * w.lower), (p.value, 100.0 * w.upper)],
                BLACK.stroke_width(1),
            )))?;
        }
        Ok(())
    })
}
