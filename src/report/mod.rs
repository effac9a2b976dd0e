//! Reports: what a study's results look like to a reader and to other tools.
//!
//! * [`text`] renders studies and comparisons for a terminal;
//! * [`json`] holds the serde types of `summary.json` and `comparison.json`;
//! * [`csv`] writes tidy tables of the fan charts, break-even curves and paired
//!   differences;
//! * `svg` draws charts (feature `svg`, on by default);
//! * [`decomposition`] writes the volume/ARPU decomposition of revenue growth;
//! * [`files`] assembles the files of a report and writes them atomically.

pub mod csv;
pub mod decomposition;
pub mod files;
pub mod json;
#[cfg(feature = "svg")]
pub mod svg;
pub mod text;
