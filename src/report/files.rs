//! The files of a report, assembled in memory and written atomically.
//!
//! A report is rendered completely before anything is written, so an error while
//! rendering writes nothing. Each file is then written to a temporary file in the
//! destination directory, flushed to disk and renamed over its final name: a reader
//! (or a crash, or Ctrl-C) sees either the old file or the new one, never half of
//! one, and an existing file is replaced only once its successor is complete.
//!
//! ```
//! use outpace::analysis::{Described, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Ou;
//! use outpace::report::{files, json::Summary, text};
//!
//! let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
//! let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
//!     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
//! let study = Study::run(&model, &StudyOptions { paths: 1_000, ..StudyOptions::default() })?;
//! let report = files::study_files(&Summary::from_study(&study), Some(&text::study(&study)))?;
//! let dir = std::env::temp_dir().join(format!("outpace-doc-{}", std::process::id()));
//! files::write_files(&dir, &report).unwrap();
//! assert!(dir.join(files::SUMMARY_JSON).is_file());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), outpace::Error>(())
//! ```

use super::csv;
use super::json::{ComparisonSummary, Summary};
use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The summary of a study ([`Summary`]).
pub const SUMMARY_JSON: &str = "summary.json";
/// The text report of a study.
pub const REPORT_TXT: &str = "report.txt";
/// Per-period statistics of the series ([`csv::fan_chart`]).
pub const FAN_CHART_CSV: &str = "fan_chart.csv";
/// Break-even curves ([`csv::breakeven`]).
pub const BREAKEVEN_CSV: &str = "breakeven.csv";
/// The summary of a comparison ([`ComparisonSummary`]).
pub const COMPARISON_JSON: &str = "comparison.json";
/// The text table of a comparison.
pub const COMPARISON_TXT: &str = "comparison.txt";
/// Paired differences of a comparison ([`csv::comparison`]).
pub const COMPARISON_CSV: &str = "comparison.csv";
/// The model's headline pair, revenue against spending (feature `svg`).
pub const FAN_CHART_SVG: &str = "fan_chart.svg";
/// Break-even curves of every rule (feature `svg`).
pub const BREAKEVEN_SVG: &str = "breakeven.svg";
/// The histogram of the model's value, such as the NPV (feature `svg`).
pub const VALUE_HISTOGRAM_SVG: &str = "value_histogram.svg";
/// The self-contained HTML report of a study or a comparison, with every table
/// and chart (feature `svg`; see [`super::html`]).
pub const REPORT_HTML: &str = "report.html";

/// The histogram of the break-even dates of the rule `key` (feature `svg`):
/// `breakeven_histogram_<key>.svg`.
pub fn histogram_svg(key: &str) -> String {
    format!("breakeven_histogram_{key}.svg")
}

/// The chart of the scenarios of a comparison under the rule `key` (feature
/// `svg`): `compare_<key>.svg`.
pub fn comparison_svg(key: &str) -> String {
    format!("compare_{key}.svg")
}

/// One file of a report: its name within the output directory and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, without directory.
    pub name: String,
    /// The full contents.
    pub contents: String,
}

impl OutputFile {
    fn new(name: impl Into<String>, contents: String) -> Self {
        OutputFile {
            name: name.into(),
            contents,
        }
    }
}

/// The files of a study's report: [`SUMMARY_JSON`], [`FAN_CHART_CSV`],
/// [`BREAKEVEN_CSV`], [`REPORT_TXT`] when `text` is given, and with the `svg`
/// feature [`FAN_CHART_SVG`] (when the model has a headline pair),
/// [`BREAKEVEN_SVG`], one [`histogram_svg`] per rule, [`VALUE_HISTOGRAM_SVG`]
/// (when the model has a value whose per-path values were kept) and
/// [`REPORT_HTML`].
///
/// # Errors
/// If a chart cannot be drawn (e.g. the summary lacks the revenue quantiles).
pub fn study_files(summary: &Summary, text: Option<&str>) -> Result<Vec<OutputFile>> {
    let mut files = vec![
        OutputFile::new(SUMMARY_JSON, to_json(summary)?),
        OutputFile::new(FAN_CHART_CSV, csv::fan_chart([summary])),
        OutputFile::new(BREAKEVEN_CSV, csv::breakeven([summary])),
    ];
    if let Some(text) = text {
        files.push(OutputFile::new(REPORT_TXT, text.to_owned()));
    }
    #[cfg(feature = "svg")]
    {
        use super::svg;
        if summary.model.headline.is_some() {
            files.push(OutputFile::new(FAN_CHART_SVG, svg::fan_chart(summary)?));
        }
        files.push(OutputFile::new(
            BREAKEVEN_SVG,
            svg::breakeven_curves(summary)?,
        ));
        for b in &summary.breakevens {
            files.push(OutputFile::new(
                histogram_svg(&b.key),
                svg::breakeven_histogram(summary, &b.key)?,
            ));
        }
        if summary.value().is_some_and(|v| v.histogram.is_some()) {
            files.push(OutputFile::new(
                VALUE_HISTOGRAM_SVG,
                svg::value_histogram(summary)?,
            ));
        }
        files.push(OutputFile::new(REPORT_HTML, super::html::study(summary)?));
    }
    Ok(files)
}

/// The files of a comparison's report: [`COMPARISON_JSON`], [`COMPARISON_CSV`],
/// [`FAN_CHART_CSV`] and [`BREAKEVEN_CSV`] of every scenario, [`COMPARISON_TXT`]
/// when `text` is given, and with the `svg` feature one [`comparison_svg`] per
/// rule of `shown` that every scenario evaluated and [`REPORT_HTML`].
///
/// # Errors
/// If a chart cannot be drawn.
pub fn comparison_files(
    summary: &ComparisonSummary,
    text: Option<&str>,
    shown: &[String],
) -> Result<Vec<OutputFile>> {
    let mut files = vec![
        OutputFile::new(COMPARISON_JSON, to_json(summary)?),
        OutputFile::new(COMPARISON_CSV, csv::comparison(summary)),
        OutputFile::new(FAN_CHART_CSV, csv::fan_chart(&summary.scenarios)),
        OutputFile::new(BREAKEVEN_CSV, csv::breakeven(&summary.scenarios)),
    ];
    if let Some(text) = text {
        files.push(OutputFile::new(COMPARISON_TXT, text.to_owned()));
    }
    #[cfg(not(feature = "svg"))]
    let _ = shown;
    #[cfg(feature = "svg")]
    for key in shown {
        if summary.scenarios.iter().all(|s| s.breakeven(key).is_some()) {
            files.push(OutputFile::new(
                comparison_svg(key),
                super::svg::comparison_curves(summary, key)?,
            ));
        }
    }
    #[cfg(feature = "svg")]
    files.push(OutputFile::new(
        REPORT_HTML,
        super::html::comparison(summary, shown)?,
    ));
    Ok(files)
}

/// Pretty-printed JSON with a final newline.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::Engine(format!("cannot serialise the summary: {e}")))
}

/// Writes every file into `dir` (created if missing), each atomically (see
/// [`write_atomic`]).
///
/// # Errors
/// The first I/O error, naming the file; files written before it stay written.
pub fn write_files(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    fs::create_dir_all(dir).map_err(|e| context(e, "cannot create the directory", dir))?;
    files
        .iter()
        .try_for_each(|f| write_atomic(&dir.join(&f.name), f.contents.as_bytes()))
}

/// Writes `contents` to `path` atomically: to a new temporary file in the same
/// directory (`.<name>.<pid>-<n>.tmp`), flushed to disk, then renamed over `path`.
/// On error the temporary file is removed and `path` is left as it was.
///
/// # Errors
/// An I/O error naming the file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let (temp, mut file) = create_temp(path)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&temp, path)
        });
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        context(e, "cannot write", path)
    })
}

/// A new temporary file next to `path`.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))
        .map_err(|e| context(e, "cannot write", path))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut attempt = 0u32;
    loop {
        let temp = dir.join(format!(
            ".{}.{}-{attempt}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(context(e, "cannot create a temporary file for", path)),
        }
    }
}

fn context(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} `{}`: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("outpace-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_files_and_leaves_no_temporary() {
        let dir = scratch("replace");
        let files = [
            OutputFile::new("a.txt", "first".into()),
            OutputFile::new("b.txt", "second".into()),
        ];
        write_files(&dir.join("nested"), &files).unwrap();
        let nested = dir.join("nested");
        assert_eq!(fs::read_to_string(nested.join("a.txt")).unwrap(), "first");
        write_atomic(&nested.join("a.txt"), b"replaced").unwrap();
        assert_eq!(
            fs::read_to_string(nested.join("a.txt")).unwrap(),
            "replaced"
        );
        assert_eq!(entries(&nested), ["a.txt", "b.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = scratch("fail");
        fs::create_dir_all(dir.join("target.txt")).unwrap();
        // Renaming a file over a directory fails: the directory stays, no temporary
        // file is left behind.
        let err = write_atomic(&dir.join("target.txt"), b"new").unwrap_err();
        assert!(err.to_string().contains("target.txt"), "{err}");
        assert!(dir.join("target.txt").is_dir());
        assert_eq!(entries(&dir), ["target.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
