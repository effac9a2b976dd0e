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
    let d = Decomposition::new(&means(revenue)?, &means(volume)?, per_year)?;
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
            csv_field(&summary.model.name),
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

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
