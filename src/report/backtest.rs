//! Reports of a [`Backtest`]: a text table, a tidy CSV and (feature `svg`) a
//! chart of the fitted history, the forecast bands and the realised quarters.
//!
//! ```
//! use outpace::calibrate::{Backtest, Quarter, QuarterlySeries};
//! use outpace::report::backtest;
//! let text = "quarter,revenue\n2020Q1,100\n2020Q2,104\n2020Q3,103\n2020Q4,109\n2021Q1,113\n";
//! let series = QuarterlySeries::parse("example.csv", text, &["revenue"])?;
//! let first = Quarter::new(2020, 1)?;
//! let run = Backtest::gbm(&series, "revenue", first, Quarter::new(2020, 4)?, &[0.8], 1_000, 7)?;
//! let table = backtest::csv(&run);
//! assert!(table.starts_with("column,quarter,horizon_years,realised,median,level,lower,upper,inside,pit,crps\n"));
//! assert!(table.contains("revenue,2021Q1,0.25,113,"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::csv::{header, row};
use super::files::OutputFile;
use crate::calibrate::Backtest;
use std::fmt::Write;

/// The backtest table (`--out DIR` of `outpace backtest`).
pub const BACKTEST_CSV: &str = "backtest.csv";
/// The backtest chart (feature `svg`).
pub const BACKTEST_SVG: &str = "backtest.svg";
/// The text report.
pub const BACKTEST_TXT: &str = "backtest.txt";

/// Columns of [`csv()`]: one row per forecast quarter and interval level.
pub const BACKTEST_COLUMNS: [&str; 11] = [
    "column",
    "quarter",
    "horizon_years",
    "realised",
    "median",
    "level",
    "lower",
    "upper",
    "inside",
    "pit",
    "crps",
];

/// The tidy table: per forecast quarter and level, the central interval, whether
/// it holds the realised value, and the quarter's PIT and CRPS.
pub fn csv(backtest: &Backtest) -> String {
    let mut out = header(&BACKTEST_COLUMNS);
    for s in &backtest.scored {
        for (&level, &(lower, upper)) in backtest.levels.iter().zip(&s.bands) {
            let inside = (lower..=upper).contains(&s.realised);
            let fields = [
                backtest.column.clone(),
                s.quarter.to_string(),
                s.horizon.to_string(),
                s.realised.to_string(),
                s.median.to_string(),
                level.to_string(),
                lower.to_string(),
                upper.to_string(),
                inside.to_string(),
                s.pit.to_string(),
                s.crps.to_string(),
            ];
            row(&mut out, &fields.each_ref().map(String::as_str));
        }
    }
    out
}

/// The text report: the fit, a row per forecast quarter (realised value, P50,
/// the intervals, PIT, CRPS), then the coverage of each interval, the mean CRPS
/// and the mean PIT.
pub fn text(backtest: &Backtest) -> String {
    let g = backtest.fit.fit();
    let se = |name: &str| {
        g.std_error(name)
            .map_or("-".to_owned(), |s| format!("{s:.3}"))
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Backtest of {}: GBM fitted on {}..{} ({}): mu {:.3} (se {}), sigma {:.3} (se {}); {} \
         paths, seed {}, parameters drawn per path from their estimation uncertainty\n",
        backtest.column,
        backtest
            .history
            .first()
            .map_or(String::new(), |(q, _)| q.to_string()),
        backtest.cutoff,
        backtest.fit.data(),
        g.value("mu"),
        se("mu"),
        g.value("sigma"),
        se("sigma"),
        backtest.paths,
        backtest.seed
    );
    let _ = write!(out, "  {:<8} {:>9} {:>8}", "quarter", "realised", "P50");
    for &level in &backtest.levels {
        let (lo, hi) = percentiles(level);
        let _ = write!(out, " {:>17}", format!("P{lo}-P{hi}"));
    }
    let _ = writeln!(out, " {:>6} {:>7}", "PIT", "CRPS");
    for s in &backtest.scored {
        let _ = write!(
            out,
            "  {:<8} {:>9.2} {:>8.2}",
            s.quarter.to_string(),
            s.realised,
            s.median
        );
        for &(lo, hi) in &s.bands {
            let _ = write!(out, " {:>17}", format!("{lo:.1} - {hi:.1}"));
        }
        let _ = writeln!(out, " {:>6.3} {:>7.3}", s.pit, s.crps);
    }
    let coverage: Vec<String> = backtest
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{:.0}%: {}/{}",
                100.0 * l,
                backtest.covered(i),
                backtest.scored.len()
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n  coverage of the central intervals {}; mean CRPS {:.3}; mean PIT {:.3}",
        coverage.join(", "),
        backtest.mean_crps(),
        backtest.mean_pit()
    );
    out
}

/// The files of a backtest's report: [`BACKTEST_TXT`] ([`text`]),
/// [`BACKTEST_CSV`] ([`csv()`]) and with the `svg` feature [`BACKTEST_SVG`]
/// (`svg`).
///
/// # Errors
/// If the chart cannot be drawn.
pub fn files(backtest: &Backtest) -> crate::error::Result<Vec<OutputFile>> {
    #[cfg_attr(not(feature = "svg"), allow(unused_mut))]
    let mut files = vec![
        OutputFile::new(BACKTEST_TXT, text(backtest)),
        OutputFile::new(BACKTEST_CSV, csv(backtest)),
    ];
    #[cfg(feature = "svg")]
    files.push(OutputFile::new(BACKTEST_SVG, svg(backtest)?));
    Ok(files)
}

/// The percentiles bounding the central interval of `level`: 0.8 -> (10, 90).
fn percentiles(level: f64) -> (String, String) {
    let lo = 50.0 * (1.0 - level);
    let show = |p: f64| {
        let text = format!("{p:.1}");
        text.trim_end_matches(".0").to_owned()
    };
    (show(lo), show(100.0 - lo))
}

/// The chart: the fitted history as a line with dots, each interval of the
/// forecast as a band from the last fitted point (the widest palest), the
/// forecast median dashed, and the realised quarters as black dots with their
/// PIT written beside them.
///
/// # Errors
/// If the chart cannot be drawn.
#[cfg(feature = "svg")]
pub fn svg(backtest: &Backtest) -> crate::error::Result<String> {
    chart::draw(backtest)
}

#[cfg(feature = "svg")]
mod chart {
    use super::{Backtest, percentiles};
    use crate::error::Result;
    use crate::report::svg::{DrawResult, FONT, draw_sized};
    use plotters::prelude::*;

    /// The history and the forecast median.
    const HISTORY: RGBColor = RGBColor(0, 114, 178);
    /// The forecast bands.
    const FORECAST: RGBColor = RGBColor(213, 94, 0);
    /// Pixels of the chart.
    const SIZE: (u32, u32) = (1000, 560);

    /// See [`super::svg`].
    pub(super) fn draw(backtest: &Backtest) -> Result<String> {
        // x is the quarter's index (`Quarter::index`), so ticks fall on quarters.
        let time = |q: crate::calibrate::Quarter| q.index() as f64;
        let history: Vec<(f64, f64)> = backtest
            .history
            .iter()
            .map(|&(q, v)| (time(q), v))
            .collect();
        let (x, y) = ranges(backtest, &history, time);
        draw_sized("backtest chart", SIZE, |root| {
            let mut chart = ChartBuilder::on(root)
                .caption(
                    format!(
                        "Backtest of {}: fitted up to {}, forecast after ({} paths, seed {})",
                        backtest.column, backtest.cutoff, backtest.paths, backtest.seed
                    ),
                    (FONT, 24),
                )
                .margin(16)
                .x_label_area_size(50)
                .y_label_area_size(76)
                .build_cartesian_2d(x, y)?;
            let quarters = backtest.history.len() + backtest.scored.len();
            chart
                .configure_mesh()
                .x_desc("Quarter")
                .y_desc(backtest.column.clone())
                .x_labels(quarters + 2)
                .x_label_formatter(&quarter_label)
                .label_style((FONT, 16))
                .axis_desc_style((FONT, 18))
                .light_line_style(TRANSPARENT)
                .bold_line_style(BLACK.mix(0.1))
                .draw()?;
            bands(&mut chart, backtest, time)?;
            chart
                .draw_series(LineSeries::new(history.clone(), HISTORY.stroke_width(2)))?
                .label("fitted history")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], HISTORY.stroke_width(2))
                });
            chart.draw_series(history.iter().map(|&p| Circle::new(p, 3, HISTORY.filled())))?;
            realised(&mut chart, backtest, time)?;
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.3))
                .label_font((FONT, 15))
                .draw()?;
            Ok(())
        })
    }

    /// The quarter of index `x` (`Quarter::index`), or nothing between quarters.
    fn quarter_label(x: &f64) -> String {
        let index = x.round();
        if (x - index).abs() > 1e-6 {
            return String::new();
        }
        let index = index as i64;
        format!("{}Q{}", index.div_euclid(4), index.rem_euclid(4) + 1)
    }

    type Chart<'a, 'b> = ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >;

    /// The axes: every history point, band and realised value, padded.
    fn ranges(
        backtest: &Backtest,
        history: &[(f64, f64)],
        time: impl Fn(crate::calibrate::Quarter) -> f64,
    ) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
        let forecast = backtest.scored.iter().flat_map(|s| {
            let t = time(s.quarter);
            s.bands
                .iter()
                .flat_map(move |&(lo, hi)| [(t, lo), (t, hi)])
                .chain([(t, s.realised)])
        });
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64, 0.0_f64);
        for (t, v) in history.iter().copied().chain(forecast) {
            (x0, x1, y1) = (x0.min(t), x1.max(t), y1.max(v));
            y0 = y0.min(v);
        }
        let pad = 0.5;
        (x0 - pad..x1 + pad, y0..(y1 * 1.08).max(y0 + 1e-9))
    }

    /// One band per level, widest first and palest, from the last fitted point,
    /// and the forecast median dashed.
    fn bands(
        chart: &mut Chart,
        backtest: &Backtest,
        time: impl Fn(crate::calibrate::Quarter) -> f64,
    ) -> DrawResult {
        let start = backtest.history.last().map(|&(q, v)| (time(q), v));
        let n = backtest.levels.len();
        for (i, &level) in backtest.levels.iter().enumerate().rev() {
            let upper = backtest
                .scored
                .iter()
                .map(|s| (time(s.quarter), s.bands[i].1));
            let lower = backtest
                .scored
                .iter()
                .rev()
                .map(|s| (time(s.quarter), s.bands[i].0));
            let points: Vec<(f64, f64)> = start.into_iter().chain(upper).chain(lower).collect();
            let alpha = 0.15 + 0.15 * (n - 1 - i) as f64;
            let (lo, hi) = percentiles(level);
            chart
                .draw_series(std::iter::once(Polygon::new(
                    points,
                    FORECAST.mix(alpha).filled(),
                )))?
                .label(format!("forecast P{lo}-P{hi}"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 20, y + 6)], FORECAST.mix(alpha).filled())
                });
        }
        let median: Vec<(f64, f64)> = start
            .into_iter()
            .chain(backtest.scored.iter().map(|s| (time(s.quarter), s.median)))
            .collect();
        chart
            .draw_series(DashedLineSeries::new(
                median,
                6,
                4,
                FORECAST.stroke_width(2),
            ))?
            .label("forecast median")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], FORECAST.stroke_width(2)));
        Ok(())
    }

    /// The realised quarters as black dots, each with its PIT.
    fn realised(
        chart: &mut Chart,
        backtest: &Backtest,
        time: impl Fn(crate::calibrate::Quarter) -> f64,
    ) -> DrawResult {
        chart
            .draw_series(
                backtest
                    .scored
                    .iter()
                    .map(|s| Circle::new((time(s.quarter), s.realised), 5, BLACK.filled())),
            )?
            .label("realised (PIT beside)")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, BLACK.filled()));
        chart.draw_series(backtest.scored.iter().map(|s| {
            EmptyElement::at((time(s.quarter), s.realised))
                + Text::new(
                    format!("PIT {:.2}", s.pit),
                    (9, -6),
                    (FONT, 14).into_font().color(&BLACK),
                )
        }))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::{Quarter, QuarterlySeries};

    fn example() -> Backtest {
        let text = "quarter,revenue\n2020Q1,100\n2020Q2,104\n2020Q3,103\n2020Q4,109\n\
                    2021Q1,113\n2021Q3,125\n";
        let series = QuarterlySeries::parse("example.csv", text, &["revenue"]).unwrap();
        let first = Quarter::new(2020, 1).unwrap();
        let cutoff = Quarter::new(2020, 4).unwrap();
        Backtest::gbm(
            &series,
            "revenue",
            first,
            cutoff,
            &[0.5, 0.8, 0.9],
            2_000,
            7,
        )
        .unwrap()
    }

    #[test]
    fn the_csv_has_a_row_per_quarter_and_level_that_agrees_with_the_backtest() {
        let run = example();
        let table = csv(&run);
        let rows: Vec<Vec<&str>> = table
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 2 * 3);
        // The missing 2021Q2 is skipped; 2021Q3 is three quarters ahead.
        assert_eq!(rows[3][1], "2021Q3");
        assert_eq!(rows[3][2], "0.75");
        for (k, r) in rows.iter().enumerate() {
            let (s, level) = (&run.scored[k / 3], k % 3);
            assert_eq!(r[6].parse::<f64>().unwrap(), s.bands[level].0);
            let inside = r[8] == "true";
            assert_eq!(
                inside,
                (s.bands[level].0..=s.bands[level].1).contains(&s.realised)
            );
        }
        let covered: usize = (0..3).map(|l| run.covered(l)).sum();
        assert_eq!(covered, rows.iter().filter(|r| r[8] == "true").count());
    }

    #[test]
    fn the_text_names_every_interval_and_the_coverage() {
        let report = text(&example());
        assert!(report.contains("P25-P75"), "{report}");
        assert!(
            report.contains("P10-P90") && report.contains("P5-P95"),
            "{report}"
        );
        assert!(report.contains("2021Q3"), "{report}");
        assert!(
            report.contains("coverage of the central intervals 50%: "),
            "{report}"
        );
        assert_eq!(percentiles(0.95), ("2.5".into(), "97.5".into()));
    }

    #[cfg(feature = "svg")]
    #[test]
    fn the_chart_draws_a_band_per_level_and_a_dot_per_realised_quarter() {
        let chart = svg(&example()).unwrap();
        assert!(chart.starts_with("<svg"));
        assert_eq!(chart.matches("<polygon").count(), 3, "a band per level");
        assert!(chart.contains("forecast P5-P95"));
        assert!(chart.contains("realised (PIT beside)"));
        assert!(
            chart.contains(">\n2021Q3\n<"),
            "a tick per quarter, by name"
        );
    }
}
