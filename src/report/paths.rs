//! The per-path export: one CSV row per simulated path, with its drawn inputs,
//! its break-even period under every rule and its scalar outcomes (NPV, ...), for
//! pandas, polars, R or a spreadsheet.
//!
//! The study must keep its paths' inputs
//! ([`StudyOptions::keep_paths`](crate::analysis::StudyOptions::keep_paths)); the
//! passage times and scalar outcomes are kept by every study. Columns, in order
//! (documented with the command line's `--export-paths` in `docs/cli.md`):
//!
//! * `path`: the path index (`0..paths`), the key of its random streams;
//! * one column per uncertain input of the model ([`Model::inputs`]), headed by
//!   the input's name, with the value drawn on the path;
//! * per rule, in the study's order, `<key>_period`, the break-even point `k`
//!   (period `k` of the calendar, `1..=steps`), and `<key>_label`, its calendar
//!   code (`2029Q4` for a quarter, see [`Calendar::code`]); both empty when the
//!   path does not break even within the horizon;
//! * one column per scalar outcome of the model ([`Model::scalars`]), e.g. `npv`.
//!
//! Numbers are written in the shortest form that reads back to the same `f64`,
//! so the rows reproduce the study's figures: the share of non-empty `<key>_period`
//! is the break-even probability of the summary, and the mean of `npv` its mean.
//!
//! ```
//! use outpace::analysis::{Described, Rule, Study, StudyOptions};
//! use outpace::calendar::Calendar;
//! use outpace::engine::ProcessModel;
//! use outpace::process::Ou;
//! use outpace::report::paths;
//!
//! let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
//! let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 8)
//!     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?);
//! let options = StudyOptions { paths: 100, keep_paths: true, ..StudyOptions::default() };
//! let study = Study::run(&model, &options)?;
//! let mut csv = Vec::new();
//! paths::write(&study, &mut csv)?;
//! let csv = String::from_utf8(csv).unwrap();
//! assert!(csv.starts_with("path,positive_period,positive_label\n"));
//! assert_eq!(csv.lines().count(), 101);
//! # Ok::<(), outpace::Error>(())
//! ```
//!
//! [`Model::inputs`]: crate::engine::Model::inputs
//! [`Model::scalars`]: crate::engine::Model::scalars
//! [`Calendar::code`]: crate::calendar::Calendar::code

use crate::analysis::sensitivity::Rows;
use crate::analysis::{Study, StudyModel};
use crate::engine::{InputValues, PassageTimes, ScalarSummary};
use crate::error::{Error, Result};
use std::io::{self, Write};
use std::path::Path;

/// The suffix of a rule's break-even point column.
pub const PERIOD_SUFFIX: &str = "_period";
/// The suffix of a rule's break-even label column.
pub const LABEL_SUFFIX: &str = "_label";

/// What the rows are read from: borrowed from the study, checked once.
struct Columns<'a> {
    inputs: Option<&'a InputValues>,
    passages: Vec<&'a PassageTimes>,
    scalars: Vec<(&'a str, &'a [f64])>,
    header: Vec<String>,
}

/// The header of the export of `study`.
///
/// # Errors
/// As [`write()`].
pub fn header(study: &Study) -> Result<Vec<String>> {
    Ok(columns(study)?.header)
}

fn columns(study: &Study) -> Result<Columns<'_>> {
    let outcome = study.outcome();
    let inputs = outcome.inputs();
    if !study.keeps_paths() {
        return Err(Error::invalid(
            "keep_paths",
            false,
            "the study did not keep its paths' inputs: run it with `keep_paths: true`",
        ));
    }
    let passages = study
        .breakevens()
        .iter()
        .map(|b| crate::analysis::passage_of(b.rule(), outcome))
        .collect::<Result<Vec<_>>>()?;
    let scalars = outcome
        .all_scalars()
        .iter()
        .map(|s| kept(s).map(|values| (s.name(), values)))
        .collect::<Result<Vec<_>>>()?;
    let mut header = vec!["path".to_owned()];
    header.extend(inputs.iter().flat_map(|i| i.names().iter().cloned()));
    for b in study.breakevens() {
        header.push(format!("{}{PERIOD_SUFFIX}", b.rule().key()));
        header.push(format!("{}{LABEL_SUFFIX}", b.rule().key()));
    }
    header.extend(scalars.iter().map(|(name, _)| (*name).to_owned()));
    if let Some((i, name)) = header
        .iter()
        .enumerate()
        .find(|(i, name)| header[..*i].contains(name))
    {
        return Err(Error::invalid(
            format!("columns[{i}]"),
            name,
            "appears twice in the per-path export (an input, rule column or scalar of the same name)",
        ));
    }
    Ok(Columns {
        inputs,
        passages,
        scalars,
        header,
    })
}

fn kept(scalar: &ScalarSummary) -> Result<&[f64]> {
    scalar.values().ok_or_else(|| {
        Error::invalid(
            format!("scalars[{}]", scalar.name()),
            "summary only",
            "the run did not keep every path's value",
        )
    })
}

/// Writes the export of `study` as CSV to `out`, row by row (nothing of the size
/// of the table is held in memory).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `keep_paths` when the study has uncertain
/// inputs but did not keep them; a column name that appears twice; an I/O error
/// of `out`.
pub fn write<W: Write>(study: &Study, out: W) -> Result<()> {
    let columns = columns(study)?;
    let calendar = &study.info().calendar;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(&columns.header).map_err(csv_error)?;
    let mut row: Vec<String> = Vec::with_capacity(columns.header.len());
    for path in 0..study.outcome().paths() {
        row.clear();
        row.push(path.to_string());
        if let Some(inputs) = columns.inputs {
            row.extend(inputs.values().row(path).iter().map(|x| x.to_string()));
        }
        for passage in &columns.passages {
            match passage.time(path) {
                Some(k) => {
                    row.push(k.to_string());
                    row.push(calendar.code(k));
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        row.extend(columns.scalars.iter().map(|(_, v)| v[path].to_string()));
        writer.write_record(&row).map_err(csv_error)?;
    }
    writer
        .flush()
        .map_err(|e| Error::external("cannot write the per-path export", e))
}

/// Writes the export of `study` to the file `path`, atomically (see
/// [`files::write_atomic`](super::files::write_atomic)): to a temporary file
/// next to it, renamed over it once complete.
///
/// # Errors
/// As [`write()`]; an I/O error names the file.
pub fn write_file(study: &Study, path: &Path) -> Result<()> {
    super::files::write_streamed(path, |file| {
        write(study, io::BufWriter::new(file)).map_err(|e| io::Error::other(e.to_string()))
    })
    .map_err(|e| Error::external(format!("cannot write `{}`", path.display()), e))
}

fn csv_error(e: csv::Error) -> Error {
    Error::external("cannot write the per-path export", e)
}

/// The leading columns of the per-row export of a sensitivity analysis.
pub const RUN_COLUMN: &str = "run";
/// The row's index in its run (its path index).
pub const ROW_COLUMN: &str = "row";
/// The Saltelli block of a Sobol design's row (`A`, `B`, `AB_<factor>`).
pub const BLOCK_COLUMN: &str = "block";
/// The base point of a Sobol design's row.
pub const BASE_POINT_COLUMN: &str = "base_point";

/// Writes the per-row export of a sensitivity analysis's `rows` (every run,
/// its inputs kept: [`StudyOptions::keep_paths`](crate::analysis::StudyOptions::keep_paths))
/// as CSV to `out`, one row per row of every run, runs in the method's order.
///
/// Columns, in order:
/// * `run`: the run's label ([`RunRows::label`]: `base`, `low:<factor>`,
///   `high:<factor>`, `<input>=<value>`, `saltelli`);
/// * `row`: the row's index in its run, its path index `0..rows`;
/// * with `blocks` (a Sobol design, [`Method::blocks`]), `block` and
///   `base_point`: row `b N + r` is base point `r` of block `blocks[b]` (`A`,
///   `B`, then `AB_<factor>`, whose inputs are `A`'s but for the factor's,
///   taken from `B`), `N = rows / blocks`;
/// * one column per uncertain input, the value the row ran with (drawn, or
///   fixed by the run);
/// * per rule, `<key>_period` and `<key>_label` as in [`write()`];
/// * the model's value (e.g. `npv`), if it has one.
///
/// ```
/// use outpace::analysis::StudyOptions;
/// use outpace::analysis::sensitivity::Method;
/// use outpace::cloud::{CloudModel, Scenario};
/// use outpace::report::paths;
///
/// let model = CloudModel::new(Scenario::alibaba())?;
/// let options = StudyOptions { paths: 300, keep_paths: true, ..StudyOptions::default() };
/// let rows = Method::Ranks.simulate(&model, &options, 0..300)?;
/// let mut csv = Vec::new();
/// paths::write_rows(&model, &rows, None, &mut csv)?;
/// let csv = String::from_utf8(csv).unwrap();
/// assert!(csv.starts_with("run,row,"));
/// assert_eq!(csv.lines().count(), 301);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// # Errors
/// A run that did not keep its inputs (naming `keep_paths`), `blocks` that do
/// not divide the rows, a column name that appears twice, an I/O error.
///
/// [`RunRows::label`]: crate::analysis::sensitivity::RunRows::label
/// [`Method::blocks`]: crate::analysis::sensitivity::Method::blocks
pub fn write_rows<M: StudyModel, W: Write>(
    model: &M,
    rows: &Rows,
    blocks: Option<&[String]>,
    out: W,
) -> Result<()> {
    let columns = rows.input_names().len();
    let inputs = rows
        .runs()
        .iter()
        .map(|run| {
            run.inputs(columns).ok_or_else(|| {
                Error::invalid(
                    "keep_paths",
                    false,
                    "the analysis did not keep its rows' inputs: run it with `keep_paths: true`",
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let base = match blocks {
        Some(names) if names.is_empty() || !rows.rows().is_multiple_of(names.len()) => {
            return Err(Error::invalid(
                "blocks",
                names.len(),
                format!("must divide the rows ({})", rows.rows()),
            ));
        }
        Some(names) => Some((names, rows.rows() / names.len())),
        None => None,
    };
    let value = model.value().map(|v| v.scalar.clone());
    let mut header = vec![RUN_COLUMN.to_owned(), ROW_COLUMN.to_owned()];
    if base.is_some() {
        header.extend([BLOCK_COLUMN.to_owned(), BASE_POINT_COLUMN.to_owned()]);
    }
    header.extend(rows.input_names().iter().cloned());
    for passage in rows.runs()[0].passages() {
        header.push(format!("{}{PERIOD_SUFFIX}", passage.name()));
        header.push(format!("{}{LABEL_SUFFIX}", passage.name()));
    }
    header.extend(value.iter().cloned());
    if let Some((i, name)) = header
        .iter()
        .enumerate()
        .find(|(i, name)| header[..*i].contains(name))
    {
        return Err(Error::invalid(
            format!("columns[{i}]"),
            name,
            "appears twice in the per-row export (an input, rule column or value of the same name)",
        ));
    }
    let calendar = model.calendar();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(&header).map_err(csv_error)?;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    let start = rows.range().start;
    for (run, x) in rows.runs().iter().zip(&inputs) {
        for i in 0..rows.range().len() {
            let row = start + i;
            record.clear();
            record.push(run.label().to_owned());
            record.push(row.to_string());
            if let Some((names, n)) = base {
                record.push(names[row / n].clone());
                record.push((row % n).to_string());
            }
            record.extend(x.row(i).iter().map(|v| v.to_string()));
            for passage in run.passages() {
                match passage.time(i) {
                    Some(k) => {
                        record.push(k.to_string());
                        record.push(calendar.code(k));
                    }
                    None => record.extend([String::new(), String::new()]),
                }
            }
            if let Some(values) = run.value() {
                record.push(values[i].to_string());
            }
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    writer
        .flush()
        .map_err(|e| Error::external("cannot write the per-row export", e))
}

/// Writes [`write_rows`] to the file `path`, atomically.
///
/// # Errors
/// As [`write_rows`]; an I/O error names the file.
pub fn write_rows_file<M: StudyModel>(
    model: &M,
    rows: &Rows,
    blocks: Option<&[String]>,
    path: &Path,
) -> Result<()> {
    super::files::write_streamed(path, |file| {
        write_rows(model, rows, blocks, io::BufWriter::new(file))
            .map_err(|e| io::Error::other(e.to_string()))
    })
    .map_err(|e| Error::external(format!("cannot write `{}`", path.display()), e))
}
