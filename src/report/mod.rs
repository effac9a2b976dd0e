//! Reports: what a study's results look like to a reader and to other tools.
//!
//! * [`text`] renders studies and comparisons for a terminal;
//! * [`json`] holds the serde types of `summary.json` and `comparison.json`;
//! * [`csv`] writes tidy tables of the fan charts, break-even curves and paired
//!   differences;
//! * `svg` draws charts (feature `svg`, on by default);
//! * `html` writes one self-contained page with the tables and the charts
//!   (feature `svg`);
//! * [`sensitivity`] (and `sensitivity_svg`, feature `svg`) report tornado, sweep,
//!   Sobol and rank analyses;
//! * [`paths`] writes the per-path export (inputs, break-even periods, NPV);
//! * [`decomposition`] writes the volume/ARPU decomposition of revenue growth;
//! * [`backtest`] reports a backtest of a fitted series (table, CSV, chart);
//! * [`files`] assembles the files of a report and writes them atomically.

pub mod backtest;
pub mod csv;
pub mod decomposition;
pub mod files;
mod format;
#[cfg(feature = "svg")]
pub mod html;
pub mod json;
pub mod paths;
pub mod sensitivity;
#[cfg(feature = "svg")]
pub mod sensitivity_svg;
#[cfg(feature = "svg")]
pub mod svg;
#[cfg(test)]
mod test_model;
pub mod text;
