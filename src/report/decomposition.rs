//! The volume/ARPU decomposition of revenue growth
//! ([`Decomposition`]) as a text table and as `decomposition.csv`, for any model
//! that names its revenue and volume series.
//!
//! ```
//! use outpace::analysis::{Study, StudyOptions};
//! use outpace::cloud::{CloudModel, Scenario};
//! use outpace::report::{decomposition, json::Summary};
//! let model = CloudModel::new(Scenario::alibaba())?;
//! let study = Study::run(&model, &StudyOptions { paths: 200, ..StudyOptions::default() })?;
//! assert!(decomposition::text(&study).contains("ARPU"));
//! let csv = decomposition::csv(&Summary::from_study(&study))?.unwrap();
//! assert!(csv.starts_with("scenario,year,first,last"));
//! # Ok::<(), outpace::Error>(())
//! ```

use super::csv::quoted;
use super::format::xml_escape;
use super::json::Summary;
use crate::analysis::{Decomposition, Study};
use crate::error::{Error, Result};
use std::fmt::Write;

/// Header of `decomposition.csv`.
pub const CSV_HEADER: &str = "scenario,year,first,last,revenue,volume,arpu,revenue_log_growth,volume_part,arpu_part,revenue_growth_rate";

/// The text table of a study's decomposition (of the series means), or an empty
/// string when its model names no revenue and volume series. A table that cannot
/// be computed (a non-positive mean) says why in one line.
pub fn text(study: &Study) -> String {
    let mut out = String::new();
    let Some(result) = Decomposition::from_study(study) else {
        return out;
    };
    let (revenue, volume) = study
        .info()
        .decomposition
        .clone()
        .expect("a decomposition has its series");
    let _ = writeln!(
        out,
        "Revenue growth by year: volume against ARPU ({revenue} = {volume} x ARPU, means; \
         log growth, the parts add up)"
    );
    let d = match result {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(out, "  not available: {e}\n");
            return out;
        }
    };
    let _ = writeln!(
        out,
        "  {:<18} {:>10} {:>10} {:>8} {:>9} {:>12} {:>12}",
        "year",
        revenue_head(&revenue),
        "volume",
        "ARPU",
        "growth",
        "volume part",
        "ARPU part"
    );
    for y in d.years() {
        let _ = writeln!(
            out,
            "  {:<18} {:>10.1} {:>10.1} {:>8.3} {:>+8.1}% {:>+12.3} {:>+12.3}",
            format!(
                "{}-{}",
                study.label(Some(y.first)),
                study.label(Some(y.last))
            ),
            y.revenue,
            y.volume,
            y.arpu,
            100.0 * y.growth_rate(),
            y.volume_part,
            y.arpu_part,
        );
    }
    let _ = writeln!(out);
    out
}

fn revenue_head(name: &str) -> &str {
    if name.len() <= 10 { name } else { "revenue" }
}

/// `decomposition.csv` of a summary (one row per year, from the series means it
/// holds), or `None` when its model names no revenue and volume series.
///
/// # Errors
/// A named series missing from the summary, or a non-positive mean.
pub fn csv(summary: &Summary) -> Result<Option<String>> {
    let Some(d) = of_means(summary)? else {
        return Ok(None);
    };
    let label = |k: usize| {
        summary
            .periods
            .get(k)
            .map_or_else(|| k.to_string(), |p| p.label.clone())
    };
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for y in d.years() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            quoted(&summary.model.name),
            y.year,
            label(y.first),
            label(y.last),
            y.revenue,
            y.volume,
            y.arpu,
            y.growth,
            y.volume_part,
            y.arpu_part,
            y.growth_rate()
        );
    }
    Ok(Some(out))
}

/// Width and height of the chart, in pixels.
const CHART_SIZE: (f64, f64) = (720.0, 400.0);
/// Margins of the plot area: left, right, top, bottom.
const MARGIN: (f64, f64, f64, f64) = (70.0, 20.0, 40.0, 60.0);

/// `decomposition.svg` of a summary: per year, a bar of the volume part and one
/// of the ARPU part of the log revenue growth side by side, and a dot at their
/// sum (the revenue growth); `None` when the model names no decomposition.
///
/// # Errors
/// As [`csv()`](csv()).
pub fn svg(summary: &Summary) -> Result<Option<String>> {
    let (Some(d), Some((revenue, _))) = (of_means(summary)?, &summary.model.decomposition) else {
        return Ok(None);
    };
    let years = d.years();
    let (w, h) = CHART_SIZE;
    let (left, right, top, bottom) = MARGIN;
    let values = years
        .iter()
        .flat_map(|y| [y.volume_part, y.arpu_part, y.growth]);
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let y_of = |v: f64| top + (hi - v) / span * (h - top - bottom);
    let slot = (w - left - right) / years.len().max(1) as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"20\" font-size=\"13\">{}: log growth of mean {} by year, volume part and ARPU part</text>",
        xml_escape(&summary.model.name),
        xml_escape(revenue)
    );
    let zero = y_of(0.0);
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\" stroke=\"#444\"/>",
        w - right
    );
    for tick in [lo, 0.0, hi] {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{tick:+.2}</text>",
            left - 6.0,
            y_of(tick) + 4.0
        );
    }
    let label = |k: usize| {
        summary
            .periods
            .get(k)
            .map_or_else(|| k.to_string(), |p| p.label.clone())
    };
    for (i, y) in years.iter().enumerate() {
        let x = left + i as f64 * slot;
        let bar = slot * 0.35;
        for (j, (v, colour)) in [(y.volume_part, "#3b7dd8"), (y.arpu_part, "#d8733b")]
            .into_iter()
            .enumerate()
        {
            let (y0, y1) = (y_of(v.max(0.0)), y_of(v.min(0.0)));
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{y0:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>",
                x + slot * 0.12 + j as f64 * bar,
                (y1 - y0).max(0.5)
            );
        }
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#222\"/>",
            x + slot * 0.47,
            y_of(y.growth)
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.47,
            h - bottom + 16.0,
            xml_escape(&label(y.last))
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"{:.1}\"><tspan fill=\"#3b7dd8\">■ volume part</tspan>  <tspan fill=\"#d8733b\">■ ARPU part</tspan>  ● revenue growth (their sum); years end at the label</text>",
        h - 18.0
    );
    out.push_str("</svg>\n");
    Ok(Some(out))
}

/// The decomposition of a summary's series means, or `None` when its model
/// names no revenue and volume series.
fn of_means(summary: &Summary) -> Result<Option<Decomposition>> {
    let Some((revenue, volume)) = &summary.model.decomposition else {
        return Ok(None);
    };
    let means = |name: &str| {
        summary
            .series
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.mean.clone())
            .ok_or_else(|| Error::UnknownSeries {
                name: name.to_owned(),
                available: summary
                    .series
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    };
    let per_year = summary.model.calendar.periods_per_year() as usize;
    Decomposition::new(&means(revenue)?, &means(volume)?, per_year).map(Some)
}
