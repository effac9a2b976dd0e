//! The files of a report, assembled in memory and written as one directory, all or
//! nothing.
//!
//! A report is rendered completely before anything is written, so an error while
//! rendering writes nothing. [`write_report_dir`] then writes every file into a
//! hidden temporary sibling of the output directory and renames it into place: a
//! reader (or a crash, or Ctrl-C) sees the old report or the new one, never a mix,
//! and any failure leaves the destination as it was, with no temporary file. A
//! non-empty directory that outpace did not write (it has no [`MARKER`] file) is
//! refused, never overwritten.
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
/// The volume/ARPU decomposition of revenue growth by year
/// ([`decomposition::csv`](super::decomposition::csv)), for models that name one.
pub const DECOMPOSITION_CSV: &str = "decomposition.csv";
/// The chart of the decomposition by year
/// ([`decomposition::svg`](super::decomposition::svg)).
pub const DECOMPOSITION_SVG: &str = "decomposition.svg";
/// The text report of a study.
pub const REPORT_TXT: &str = "report.txt";
/// Per-period statistics of the series ([`csv::fan_chart`]).
pub const FAN_CHART_CSV: &str = "fan_chart.csv";
/// Break-even curves ([`csv::breakeven`]).
pub const BREAKEVEN_CSV: &str = "breakeven.csv";
/// Break-even probabilities and P10/P50/P90 dates, one row per rule
/// ([`csv::breakeven_dates`]).
pub const BREAKEVEN_DATES_CSV: &str = "breakeven_dates.csv";
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
/// and chart (feature `svg`; see `report::html`).
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

/// The fan chart of scenario `name` in a comparison (feature `svg`):
/// `fan_chart_<name>.svg`, the name's characters other than ASCII letters, digits,
/// `-` and `_` replaced by `_`.
pub fn scenario_fan_chart_svg(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    format!("fan_chart_{safe}.svg")
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
    pub(crate) fn new(name: impl Into<String>, contents: String) -> Self {
        OutputFile {
            name: name.into(),
            contents,
        }
    }
}

/// The files of a study's report: [`SUMMARY_JSON`], [`FAN_CHART_CSV`],
/// [`BREAKEVEN_CSV`], [`BREAKEVEN_DATES_CSV`], [`REPORT_TXT`] when `text` is given, and with the `svg`
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
        OutputFile::new(BREAKEVEN_DATES_CSV, csv::breakeven_dates([summary])),
    ];
    if let Some(csv) = super::decomposition::csv(summary)? {
        files.push(OutputFile::new(DECOMPOSITION_CSV, csv));
    }
    if let Some(svg) = super::decomposition::svg(summary)? {
        files.push(OutputFile::new(DECOMPOSITION_SVG, svg));
    }
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
/// [`FAN_CHART_CSV`], [`BREAKEVEN_CSV`] and [`BREAKEVEN_DATES_CSV`] of every scenario, [`COMPARISON_TXT`]
/// when `text` is given, and with the `svg` feature one [`comparison_svg`] per
/// rule of `shown` that every scenario evaluated, one
/// [`scenario_fan_chart_svg`] per scenario with a headline pair (a repeated name
/// gets its position, `-2`, appended) and [`REPORT_HTML`].
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
        OutputFile::new(
            BREAKEVEN_DATES_CSV,
            csv::breakeven_dates(&summary.scenarios),
        ),
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
    for (i, scenario) in summary.scenarios.iter().enumerate() {
        if scenario.model.headline.is_some() {
            let mut name = scenario_fan_chart_svg(scenario.name());
            if files.iter().any(|f| f.name == name) {
                name = scenario_fan_chart_svg(&format!("{}-{}", scenario.name(), i + 1));
            }
            files.push(OutputFile::new(name, super::svg::fan_chart(scenario)?));
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

/// The marker file in every directory outpace writes: it names the files of the
/// report, so that a later report may replace the directory as a whole.
pub const MARKER: &str = ".outpace";

/// The first line of [`MARKER`]; the file names follow, one a line.
const MARKER_HEADER: &str =
    "# Written by outpace; replaced as a whole by the next report written here.";

/// Why a report directory was not written. Whatever the reason, the destination
/// is as it was before the call and no temporary file or directory is left.
#[derive(Debug)]
pub enum WriteError {
    /// The destination is a non-empty directory that outpace did not write (or
    /// holds files that are not part of outpace's report), or is not a directory.
    Refused(String),
    /// The cancellation check returned true before the report was in place.
    Cancelled,
    /// A file or directory could not be written, named in the message.
    Io(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(why) => f.write_str(why),
            WriteError::Cancelled => f.write_str("interrupted before the report was in place"),
            WriteError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Io(e) => e,
            WriteError::Refused(why) => io::Error::new(io::ErrorKind::AlreadyExists, why),
            WriteError::Cancelled => io::Error::new(io::ErrorKind::Interrupted, e.to_string()),
        }
    }
}

/// Writes the report `files` as the directory `dir`, all or nothing.
///
/// The rule for the destination: `dir` may be missing, an empty directory, or a
/// directory that outpace wrote before (it holds [`MARKER`], and every other entry
/// is a file the marker lists). Any other destination is refused
/// ([`WriteError::Refused`]) before anything is written, so files outpace did not
/// write are never removed. An earlier report is replaced as a whole: no old file
/// stays next to new ones.
///
/// The files and the marker are written into a hidden temporary sibling of `dir`
/// (`.<name>.outpace-new-<pid>-<n>`), flushed to disk, and the sibling is renamed
/// to `dir` (an earlier report is first renamed aside, then removed). On any error,
/// or when `cancelled()` returns true (it is asked after each file and once more
/// after the rename), everything is undone: the temporary sibling is removed, an
/// earlier report is put back, and directories created for `dir`'s parent are
/// removed again.
///
/// # Errors
/// [`WriteError`]: refused, cancelled, or the I/O error naming the path.
pub fn write_report_dir(
    dir: &Path,
    files: &[OutputFile],
    cancelled: &dyn Fn() -> bool,
) -> std::result::Result<(), WriteError> {
    let target = destination(dir)?;
    check_destination(&target)?;
    if let Some(f) = files
        .iter()
        .find(|f| !is_plain_name(&f.name) || f.name == MARKER)
    {
        return Err(WriteError::Refused(format!(
            "`{}` is not a plain file name for a report",
            f.name
        )));
    }
    let parent = target.parent().unwrap_or(Path::new("/"));
    let created = create_ancestors(parent)?;
    let result = write_and_swap(&target, files, cancelled);
    if result.is_err() {
        remove_created(&created);
    }
    result
}

/// Writes every file into `dir` as one report, all or nothing: the same as
/// [`write_report_dir`] without cancellation.
///
/// # Errors
/// The I/O error naming the path; a refused destination has the kind
/// [`io::ErrorKind::AlreadyExists`].
pub fn write_files(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    write_report_dir(dir, files, &|| false).map_err(io::Error::from)
}

/// Checks that a report may be written to `dir` (see [`write_report_dir`] for the
/// rule) without writing anything: a command can refuse a destination before it
/// spends time on a simulation.
///
/// # Errors
/// [`WriteError::Refused`] naming the reason, or an I/O error reading `dir`.
pub fn check_report_dir(dir: &Path) -> std::result::Result<(), WriteError> {
    check_destination(&destination(dir)?)
}

/// `dir` as an absolute path with a final component that can be renamed.
fn destination(dir: &Path) -> std::result::Result<PathBuf, WriteError> {
    let absolute = if dir.exists() {
        fs::canonicalize(dir)
    } else {
        std::path::absolute(dir)
    }
    .map_err(|e| context(e, "cannot resolve the output directory", dir))?;
    match absolute.file_name() {
        Some(_) if !absolute.ends_with("..") => Ok(absolute),
        _ => Err(WriteError::Refused(format!(
            "`{}` cannot be an output directory: give a directory by name",
            dir.display()
        ))),
    }
}

/// The destination rule of [`write_report_dir`].
fn check_destination(dir: &Path) -> std::result::Result<(), WriteError> {
    let metadata = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        other => other.map_err(|e| context(e, "cannot read", dir))?,
    };
    if !metadata.is_dir() {
        return Err(WriteError::Refused(format!(
            "`{}` exists and is not a directory",
            dir.display()
        )));
    }
    let entries = entry_names(dir)?;
    if entries.is_empty() {
        return Ok(());
    }
    let listed = match fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect::<Vec<_>>(),
        Err(_) => {
            return Err(WriteError::Refused(format!(
                "`{}` is not empty (it holds `{}`{}) and was not written by outpace (it has \
                 no `{MARKER}` file): give a new or empty directory",
                dir.display(),
                entries[0],
                match entries.len() {
                    1 => String::new(),
                    n => format!(" and {} other entries", n - 1),
                }
            )));
        }
    };
    let foreign: Vec<&String> = entries
        .iter()
        .filter(|name| *name != MARKER && !listed.contains(name))
        .collect();
    if let Some(first) = foreign.first() {
        return Err(WriteError::Refused(format!(
            "`{}` holds `{first}`{}, which outpace did not write: it would be removed with \
             the old report; move it away or give another directory",
            dir.display(),
            match foreign.len() {
                1 => String::new(),
                n => format!(" and {} other entries", n - 1),
            }
        )));
    }
    if let Some(name) = entries
        .iter()
        .find(|n| *n != MARKER && !dir.join(n).is_file())
    {
        return Err(WriteError::Refused(format!(
            "`{}` has `{name}` where outpace wrote a file: move it away or give another \
             directory",
            dir.display()
        )));
    }
    Ok(())
}

/// The names of the entries of `dir`.
fn entry_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| context(e, "cannot read", dir))? {
        let entry = entry.map_err(|e| context(e, "cannot read", dir))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// A name without directory separators that is not `.` or `..`.
fn is_plain_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(
        (components.next(), components.next()),
        (Some(std::path::Component::Normal(_)), None)
    )
}

/// Creates the missing ancestors of `dir` and `dir` itself, returning those it
/// created, deepest first.
fn create_ancestors(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| !a.exists())
        .map(Path::to_path_buf)
        .collect();
    let mut created = Vec::new();
    while let Some(next) = missing.pop() {
        match fs::create_dir(&next) {
            Ok(()) => created.insert(0, next),
            Err(e) => {
                remove_created(&created);
                return Err(context(e, "cannot create the directory", &next));
            }
        }
    }
    Ok(created)
}

/// Removes directories [`create_ancestors`] created, deepest first, if empty.
fn remove_created(created: &[PathBuf]) {
    for dir in created {
        let _ = fs::remove_dir(dir);
    }
}

/// Writes the report into a temporary sibling of `target` and swaps it in.
fn write_and_swap(
    target: &Path,
    files: &[OutputFile],
    cancelled: &dyn Fn() -> bool,
) -> std::result::Result<(), WriteError> {
    let staging = unique_sibling(target, "new", |p| fs::create_dir(p))?;
    let staged = stage(&staging, files, cancelled);
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let swapped = swap_in(target, &staging, cancelled);
    if swapped.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    swapped
}

/// Writes every file and the marker into `staging`, flushed to disk.
fn stage(
    staging: &Path,
    files: &[OutputFile],
    cancelled: &dyn Fn() -> bool,
) -> std::result::Result<(), WriteError> {
    for file in files {
        if cancelled() {
            return Err(WriteError::Cancelled);
        }
        write_new(&staging.join(&file.name), file.contents.as_bytes())?;
    }
    let mut marker = String::from(MARKER_HEADER);
    for file in files {
        marker.push('\n');
        marker.push_str(&file.name);
    }
    marker.push('\n');
    write_new(&staging.join(MARKER), marker.as_bytes())?;
    if let Ok(dir) = File::open(staging) {
        let _ = dir.sync_all();
    }
    if cancelled() {
        return Err(WriteError::Cancelled);
    }
    Ok(())
}

/// Writes a new file and flushes it to disk.
fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(contents).and_then(|()| f.sync_all()))
        .map_err(|e| context(e, "cannot write", path))
}

/// Renames `staging` to `target`, an earlier report first moved aside and removed
/// once the new one is in place; a last cancellation check undoes the swap.
fn swap_in(
    target: &Path,
    staging: &Path,
    cancelled: &dyn Fn() -> bool,
) -> std::result::Result<(), WriteError> {
    let previous = if target.exists() {
        Some(unique_sibling(target, "old", |p| {
            if p.exists() {
                Err(io::ErrorKind::AlreadyExists.into())
            } else {
                fs::rename(target, p)
            }
        })?)
    } else {
        None
    };
    let restore = |previous: &Option<PathBuf>| {
        if let Some(old) = previous {
            let _ = fs::rename(old, target);
        }
    };
    if let Err(e) = fs::rename(staging, target) {
        restore(&previous);
        return Err(context(e, "cannot rename the report into", target).into());
    }
    if cancelled() {
        let _ = fs::rename(target, staging);
        restore(&previous);
        return Err(WriteError::Cancelled);
    }
    if let Some(old) = previous {
        let _ = fs::remove_dir_all(old);
    }
    Ok(())
}

/// Applies `make` to the first free hidden sibling `.<name>.outpace-<what>-<pid>-<n>`
/// of `target`, returning its path.
fn unique_sibling(
    target: &Path,
    what: &str,
    make: impl Fn(&Path) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let parent = target.parent().unwrap_or(Path::new("/"));
    for attempt in 0..100u32 {
        let path = parent.join(format!(
            ".{name}.outpace-{what}-{}-{attempt}",
            std::process::id()
        ));
        match make(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(context(e, "cannot create", &path)),
        }
    }
    Err(context(
        io::Error::new(io::ErrorKind::AlreadyExists, "100 names taken"),
        "cannot create a temporary sibling of",
        target,
    ))
}

/// Writes `contents` to `path` atomically: to a new temporary file in the same
/// directory (`.<name>.<pid>-<n>.tmp`), flushed to disk, then renamed over `path`.
/// On error the temporary file is removed and `path` is left as it was.
///
/// # Errors
/// An I/O error naming the file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_streamed(path, |file| file.write_all(contents))
}

/// Like [`write_atomic`], with the contents written to the temporary file by
/// `fill`, so that a large file need not be held in memory.
///
/// # Errors
/// An I/O error naming the file, or `fill`'s error.
pub fn write_streamed(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let (temp, mut file) = create_temp(path)?;
    let written = fill(&mut file)
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

    fn report(names: &[&str]) -> Vec<OutputFile> {
        names
            .iter()
            .map(|n| OutputFile::new(*n, format!("contents of {n}")))
            .collect()
    }

    /// The entries of `dir`'s parent whose names mention `dir`'s: the directory
    /// itself and any temporary sibling.
    fn siblings(dir: &Path) -> Vec<String> {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        entries(dir.parent().unwrap())
            .into_iter()
            .filter(|e| e.contains(&name))
            .collect()
    }

    #[test]
    fn writes_a_new_directory_with_its_marker_and_nothing_else() {
        let dir = scratch("new").join("a").join("report");
        write_files(&dir, &report(&["x.csv", "y.txt"])).unwrap();
        assert_eq!(entries(&dir), [MARKER, "x.csv", "y.txt"]);
        assert_eq!(
            fs::read_to_string(dir.join("x.csv")).unwrap(),
            "contents of x.csv"
        );
        let marker = fs::read_to_string(dir.join(MARKER)).unwrap();
        assert_eq!(
            marker.lines().skip(1).collect::<Vec<_>>(),
            ["x.csv", "y.txt"]
        );
        assert_eq!(siblings(&dir), ["report"]);
        fs::remove_dir_all(dir.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[test]
    fn a_reused_report_directory_is_replaced_as_a_whole() {
        let dir = scratch("reuse");
        write_files(&dir, &report(&["old.csv", "both.txt"])).unwrap();
        write_files(&dir, &report(&["both.txt", "new.svg"])).unwrap();
        assert_eq!(entries(&dir), [MARKER, "both.txt", "new.svg"]);
        assert_eq!(siblings(&dir).len(), 1, "{:?}", siblings(&dir));
        // An empty directory is accepted too.
        fs::remove_dir_all(&dir).unwrap();
        fs::create_dir(&dir).unwrap();
        write_files(&dir, &report(&["a"])).unwrap();
        assert_eq!(entries(&dir), [MARKER, "a"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn foreign_contents_are_refused_and_left_alone() {
        let dir = scratch("foreign");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("notes.md"), "mine").unwrap();
        let err = write_report_dir(&dir, &report(&["a"]), &|| false).unwrap_err();
        assert!(
            matches!(&err, WriteError::Refused(why) if why.contains("not written by outpace")),
            "{err}"
        );
        assert!(check_report_dir(&dir).is_err());
        assert_eq!(entries(&dir), ["notes.md"]);
        // An outpace directory to which a file was added is refused too: the file
        // would be lost with the old report.
        fs::remove_file(dir.join("notes.md")).unwrap();
        write_files(&dir, &report(&["a"])).unwrap();
        fs::write(dir.join("notes.md"), "mine").unwrap();
        let err = write_report_dir(&dir, &report(&["a"]), &|| false).unwrap_err();
        assert!(err.to_string().contains("notes.md"), "{err}");
        // A report file replaced by a directory is refused.
        fs::remove_file(dir.join("notes.md")).unwrap();
        fs::remove_file(dir.join("a")).unwrap();
        fs::create_dir(dir.join("a")).unwrap();
        let err = write_report_dir(&dir, &report(&["a"]), &|| false).unwrap_err();
        assert!(matches!(err, WriteError::Refused(_)), "{err}");
        assert_eq!(entries(&dir), [MARKER, "a"]);
        assert!(dir.join("a").is_dir());
        // A plain file is not a directory.
        let file = dir.join("a").join("file");
        fs::write(&file, "").unwrap();
        assert!(matches!(
            check_report_dir(&file),
            Err(WriteError::Refused(_))
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_report_and_no_temporary() {
        let root = scratch("failed");
        fs::create_dir_all(&root).unwrap();
        let dir = root.join("report");
        write_files(&dir, &report(&["kept.csv"])).unwrap();
        // A file name longer than the file system allows fails half way through.
        let long = "n".repeat(300);
        let err = write_report_dir(&dir, &report(&["first.csv", &long]), &|| false).unwrap_err();
        assert!(matches!(err, WriteError::Io(_)), "{err}");
        assert_eq!(entries(&dir), [MARKER, "kept.csv"]);
        assert_eq!(entries(&root), ["report"]);
        // Directories created for the parent are removed again.
        let nested = root.join("x").join("y").join("report");
        assert!(write_files(&nested, &report(&[&long])).is_err());
        assert_eq!(entries(&root), ["report"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn cancellation_at_any_check_leaves_nothing_new() {
        let root = scratch("cancel");
        fs::create_dir_all(&root).unwrap();
        let dir = root.join("report");
        let files = report(&["a", "b", "c"]);
        // One check before each file, one after the marker, one after the rename.
        let checks = files.len() + 2;
        for previous in [false, true] {
            if previous {
                write_files(&dir, &report(&["old"])).unwrap();
            }
            for at in 0..checks {
                let asked = std::cell::Cell::new(0);
                let cancelled = || {
                    asked.set(asked.get() + 1);
                    asked.get() > at
                };
                let err = write_report_dir(&dir, &files, &cancelled).unwrap_err();
                assert!(matches!(err, WriteError::Cancelled), "{err}");
                assert_eq!(asked.get(), at + 1);
                match previous {
                    false => assert!(entries(&root).is_empty(), "{:?}", entries(&root)),
                    true => {
                        assert_eq!(entries(&root), ["report"]);
                        assert_eq!(entries(&dir), [MARKER, "old"]);
                    }
                }
            }
            // Never cancelled: the last check passes and the report is in place.
            let asked = std::cell::Cell::new(0);
            let never = || {
                asked.set(asked.get() + 1);
                false
            };
            write_report_dir(&dir, &files, &never).unwrap();
            assert_eq!(asked.get(), checks, "every check was asked");
            assert_eq!(entries(&dir), [MARKER, "a", "b", "c"]);
            fs::remove_dir_all(&dir).unwrap();
        }
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn names_must_be_plain() {
        let dir = scratch("names");
        for bad in ["../escape", "a/b", ".", MARKER] {
            let err = write_report_dir(&dir, &report(&[bad]), &|| false).unwrap_err();
            assert!(matches!(err, WriteError::Refused(_)), "{bad}: {err}");
        }
        assert!(!dir.exists());
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
        assert_eq!(entries(&nested), [MARKER, "a.txt", "b.txt"]);
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
