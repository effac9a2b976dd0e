//! Reading a CSV file into rows of named cells, with errors that name the file,
//! the line and the column.

use crate::error::{Error, Result};
use std::path::Path;

/// A CSV file read whole: `#` comment lines skipped, cells trimmed, every record
/// with as many cells as the header.
pub(crate) struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<Row>,
}

/// One record of a [`Table`] and the line it starts on (1-based, counting every
/// line of the file, comments included).
pub(crate) struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// An error about the whole file.
pub(crate) fn file_error(file: &str, message: impl std::fmt::Display) -> Error {
    Error::Parse(format!("`{file}`: {message}"))
}

/// An error about one cell: file, line and column.
pub(crate) fn cell_error(
    file: &str,
    line: usize,
    column: &str,
    message: impl std::fmt::Display,
) -> Error {
    Error::Parse(format!(
        "`{file}` line {line}, column `{column}`: {message}"
    ))
}

impl Table {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Table> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| file_error(&file, format!("cannot be read: {e}")))?;
        Table::parse(&file, &text)
    }

    /// Parses `text`, naming it `file` in errors.
    pub fn parse(file: &str, text: &str) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| file_error(file, csv_message(&e)))?
            .iter()
            .map(str::to_owned)
            .collect();
        if header.iter().all(String::is_empty) {
            return Err(file_error(file, "has no header line"));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| file_error(file, csv_message(&e)))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push(Row {
                line,
                cells: record.iter().map(str::to_owned).collect(),
            });
        }
        Ok(Table {
            file: file.to_owned(),
            header,
            rows,
        })
    }

    /// The file name used in errors.
    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Index of column `name`, or an error naming the file and the columns found.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.find(name).ok_or_else(|| {
            file_error(
                &self.file,
                format!(
                    "has no column `{name}` (its header has: {})",
                    self.header.join(", ")
                ),
            )
        })
    }

    /// Index of column `name` if there is one.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The cell of `row` in column `index` as a number, `None` if empty.
    pub fn number(&self, row: &Row, index: usize) -> Result<Option<f64>> {
        let cell = &row.cells[index];
        if cell.is_empty() {
            return Ok(None);
        }
        match cell.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(cell_error(
                &self.file,
                row.line,
                &self.header[index],
                format!("`{cell}` is not a finite number (an empty cell is a missing value)"),
            )),
        }
    }

    /// An error about the cell of `row` in column `index`.
    pub fn error_at(&self, row: &Row, index: usize, message: impl std::fmt::Display) -> Error {
        cell_error(&self.file, row.line, &self.header[index], message)
    }
}

/// The csv crate's message with its position as a line number.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: {len} cells where the header has {expected_len}",
            pos.as_ref().map_or(0, csv::Position::line)
        ),
        _ => e.to_string(),
    }
}
