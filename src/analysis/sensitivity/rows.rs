//! The per-path outputs of a sensitivity method's runs for a range of rows, and
//! their exact merge: what a shard of an analysis computes, and everything its
//! estimators read.

use crate::engine::PassageTimes;
use crate::error::{Error, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The version of the [`Rows`] layout: it changes whenever a field is added,
/// removed or changes meaning; rows of another version are refused, never
/// reinterpreted.
pub const ROWS_VERSION: u32 = 1;

/// The outputs of one run of a method, for the rows of its [`Rows`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRows {
    label: String,
    passages: Vec<PassageTimes>,
    value: Option<Vec<f64>>,
    inputs: Option<Vec<f64>>,
}

impl RunRows {
    pub(super) fn new(
        label: String,
        passages: Vec<PassageTimes>,
        value: Option<Vec<f64>>,
        inputs: Option<Vec<f64>>,
    ) -> RunRows {
        RunRows {
            label,
            passages,
            value,
            inputs,
        }
    }

    /// What the run is: `base`, `low:<factor>`, `high:<factor>`,
    /// `<input>=<value>` or `saltelli` (see `docs/sensitivity.md`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The passage times of every rule, in the analysis' order, named by the
    /// rules' keys.
    pub fn passages(&self) -> &[PassageTimes] {
        &self.passages
    }

    /// The passage times of the rule `key`.
    pub fn passage(&self, key: &str) -> Option<&PassageTimes> {
        self.passages.iter().find(|p| p.name() == key)
    }

    /// The model's value (NPV) of every row, if the model has one.
    pub fn value(&self) -> Option<&[f64]> {
        self.value.as_deref()
    }

    /// The input vector of every row, `rows x inputs` (one column per
    /// [`Rows::input_names`]), if the run recorded them.
    pub fn inputs(&self, columns: usize) -> Option<ArrayView2<'_, f64>> {
        let values = self.inputs.as_deref()?;
        ArrayView2::from_shape((values.len() / columns.max(1), columns), values).ok()
    }
}

/// The per-row outputs of every run of a sensitivity method ([`Method`](super::Method))
/// for the rows `range` of its `rows`: one [`RunRows`] per run, in the
/// method's order. A run's row `i` is its path `i`: it draws the same random
/// numbers (and inputs, whatever the design) wherever it is simulated.
///
/// What is kept per row is what the estimators read and nothing of the size of
/// the horizon: the passage period of every rule (a `u32`), the model's value
/// (an `f64`), and the input vector only when the method needs it (rank
/// correlations) or a per-path export was asked for
/// ([`StudyOptions::keep_paths`](crate::analysis::StudyOptions::keep_paths)).
///
/// Rows of shards that cover `0..rows` [`merge`](Rows::merge) into the rows of
/// the whole analysis, bit for bit; its estimators
/// ([`Method::estimate`](super::Method::estimate)) then give the single run's
/// result exactly, whatever the number of shards. With serde the rows are the
/// body of a sensitivity state file (`docs/scale-out.md`); reading them back
/// checks every length and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RowsData")]
pub struct Rows {
    version: u32,
    rows: usize,
    range: [usize; 2],
    input_names: Vec<String>,
    runs: Vec<RunRows>,
}

/// The serialised form of [`Rows`], checked on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsData {
    version: u32,
    rows: usize,
    range: [usize; 2],
    input_names: Vec<String>,
    runs: Vec<RunRows>,
}

impl TryFrom<RowsData> for Rows {
    type Error = Error;

    fn try_from(data: RowsData) -> Result<Rows> {
        let rows = Rows {
            version: data.version,
            rows: data.rows,
            range: data.range,
            input_names: data.input_names,
            runs: data.runs,
        };
        rows.check()?;
        Ok(rows)
    }
}

impl Rows {
    pub(super) fn new(
        rows: usize,
        range: Range<usize>,
        input_names: Vec<String>,
        runs: Vec<RunRows>,
    ) -> Result<Rows> {
        let rows = Rows {
            version: ROWS_VERSION,
            rows,
            range: [range.start, range.end],
            input_names,
            runs,
        };
        rows.check()?;
        Ok(rows)
    }

    /// Every length agrees with the range, every value is finite.
    fn check(&self) -> Result<()> {
        if self.version != ROWS_VERSION {
            return Err(Error::invalid(
                "version",
                self.version,
                format!("this build reads rows of version {ROWS_VERSION}"),
            ));
        }
        let [start, end] = self.range;
        if start > end || end > self.rows {
            return Err(Error::invalid(
                "range",
                format!("{start}..{end}"),
                format!("must be a range of the rows 0..{}", self.rows),
            ));
        }
        if self.runs.is_empty() {
            return Err(Error::invalid(
                "runs",
                "[]",
                "a method has at least one run",
            ));
        }
        let n = end - start;
        let columns = self.input_names.len();
        for (r, run) in self.runs.iter().enumerate() {
            let at = |field: &str| format!("runs[{r}].{field}");
            if run.passages.is_empty() {
                return Err(Error::invalid(at("passages"), "[]", "one per rule"));
            }
            if let Some(p) = run.passages.iter().find(|p| p.paths() != n) {
                return Err(Error::invalid(
                    at("passages"),
                    format!("{} times for `{}`", p.paths(), p.name()),
                    format!("must hold one time per row of the range ({n})"),
                ));
            }
            if let Some(value) = &run.value {
                if value.len() != n {
                    return Err(Error::invalid(
                        at("value"),
                        format!("{} values", value.len()),
                        format!("must hold one value per row of the range ({n})"),
                    ));
                }
                if let Some(x) = value.iter().find(|x| !x.is_finite()) {
                    return Err(Error::invalid(at("value"), x, "every value must be finite"));
                }
            }
            if let Some(inputs) = &run.inputs
                && inputs.len() != n * columns
            {
                return Err(Error::invalid(
                    at("inputs"),
                    format!("{} values", inputs.len()),
                    format!("must hold {columns} inputs per row of the range ({n})"),
                ));
            }
        }
        Ok(())
    }

    /// The rows of every run of the analysis (the design's paths).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The rows held, a range of `0..rows()`.
    pub fn range(&self) -> Range<usize> {
        self.range[0]..self.range[1]
    }

    /// Whether every row of the analysis is held.
    pub fn is_complete(&self) -> bool {
        self.range() == (0..self.rows)
    }

    /// The names of the model's inputs, the columns of [`RunRows::inputs`].
    pub fn input_names(&self) -> &[String] {
        &self.input_names
    }

    /// The runs, in the method's order.
    pub fn runs(&self) -> &[RunRows] {
        &self.runs
    }

    /// The rows of every part, shards of one analysis, laid out in row order:
    /// the same bits whatever the order of the parts.
    ///
    /// ```
    /// use outpace::analysis::StudyOptions;
    /// use outpace::analysis::sensitivity::{Method, Rows};
    /// use outpace::cloud::{CloudModel, Scenario};
    ///
    /// let model = CloudModel::new(Scenario::alibaba())?;
    /// let options = StudyOptions { paths: 800, ..StudyOptions::default() };
    /// let method = Method::Ranks;
    /// let (a, b) = (method.simulate(&model, &options, 0..512)?, method.simulate(&model, &options, 512..800)?);
    /// let merged = Rows::merge(&[b.clone(), a.clone()])?;
    /// assert_eq!(merged, method.simulate(&model, &options, 0..800)?);
    /// assert!(Rows::merge(&[a.clone(), a]).is_err()); // overlap
    /// # Ok::<(), outpace::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `parts[i]` when the parts are not
    /// shards of one analysis: no part, another number of rows, inputs or runs,
    /// runs of other labels, rules or values, or ranges that overlap or leave a
    /// gap.
    pub fn merge(parts: &[Rows]) -> Result<Rows> {
        let Some(first) = parts.first() else {
            return Err(Error::invalid(
                "parts",
                "[]",
                "merging needs at least one part",
            ));
        };
        for (i, part) in parts.iter().enumerate().skip(1) {
            same_analysis(first, part).map_err(|e| e.within(&format!("parts[{i}]")))?;
        }
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by_key(|&i| parts[i].range);
        let mut at = parts[order[0]].range[0];
        for &i in &order {
            let [start, end] = parts[i].range;
            if start != at {
                let problem = if start < at {
                    "overlaps"
                } else {
                    "leaves a gap after"
                };
                return Err(Error::invalid(
                    format!("parts[{i}].range"),
                    format!("{start}..{end}"),
                    format!("{problem} the rows before it (which end at {at})"),
                ));
            }
            at = end;
        }
        let sorted: Vec<&Rows> = order.iter().map(|&i| &parts[i]).collect();
        let runs = (0..first.runs.len())
            .map(|r| concatenate(&sorted, r))
            .collect();
        Ok(Rows {
            version: ROWS_VERSION,
            rows: first.rows,
            range: [sorted[0].range[0], at],
            input_names: first.input_names.clone(),
            runs,
        })
    }
}

/// Run `r` of every part (sorted by range), end to end.
fn concatenate(sorted: &[&Rows], r: usize) -> RunRows {
    let head = &sorted[0].runs[r];
    let passages = head
        .passages
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let times = sorted
                .iter()
                .flat_map(|part| part.runs[r].passages[k].times.iter().copied())
                .collect();
            PassageTimes::new(p.name().to_owned(), p.steps(), times)
        })
        .collect();
    let join = |field: fn(&RunRows) -> Option<&Vec<f64>>| -> Option<Vec<f64>> {
        field(head)?;
        Some(
            sorted
                .iter()
                .flat_map(|part| field(&part.runs[r]).into_iter().flatten().copied())
                .collect(),
        )
    };
    RunRows {
        label: head.label.clone(),
        passages,
        value: join(|run| run.value.as_ref()),
        inputs: join(|run| run.inputs.as_ref()),
    }
}

/// Checks that `part` holds rows of the same analysis as `first`.
fn same_analysis(first: &Rows, part: &Rows) -> Result<()> {
    let differs = |field: &str, found: String, expected: String| {
        Error::invalid(
            field,
            found,
            format!(
                "must equal that of the first part ({expected}): not rows of the same analysis"
            ),
        )
    };
    if part.rows != first.rows {
        return Err(differs(
            "rows",
            part.rows.to_string(),
            first.rows.to_string(),
        ));
    }
    if part.input_names != first.input_names {
        let names = |r: &Rows| r.input_names.join(", ");
        return Err(differs("input_names", names(part), names(first)));
    }
    if part.runs.len() != first.runs.len() {
        let count = |r: &Rows| r.runs.len().to_string();
        return Err(differs("runs", count(part), count(first)));
    }
    for (r, (a, b)) in first.runs.iter().zip(&part.runs).enumerate() {
        let at = |field: &str| format!("runs[{r}].{field}");
        if a.label != b.label {
            return Err(differs(&at("label"), b.label.clone(), a.label.clone()));
        }
        let rules = |run: &RunRows| -> Vec<(String, usize)> {
            run.passages
                .iter()
                .map(|p| (p.name().to_owned(), p.steps()))
                .collect()
        };
        if rules(a) != rules(b) {
            return Err(differs(
                &at("passages"),
                format!("{:?}", rules(b)),
                format!("{:?}", rules(a)),
            ));
        }
        let kept = |run: &RunRows| (run.value.is_some(), run.inputs.is_some());
        if kept(a) != kept(b) {
            return Err(differs(
                &at("kept"),
                format!("value, inputs {:?}", kept(b)),
                format!("{:?}", kept(a)),
            ));
        }
    }
    Ok(())
}
