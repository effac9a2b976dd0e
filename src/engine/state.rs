//! The mergeable state of an outcome, to write a shard's results to a file and
//! read them back for [`Outcome::merge`].

use super::outcome::{
    InputValues, Outcome, PassageTimes, RecordedPaths, ScalarSummary, SeriesSummary, StepStats,
};
use super::{BLOCK_PATHS, Grid};
use crate::error::{Error, Result};
use crate::stats::{ExactSum, Moments, QuantileSketch};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// The `format` field of every [`OutcomeState`].
pub const OUTCOME_STATE_FORMAT: &str = "outpace-outcome-state";

/// The version of the [`OutcomeState`] layout. It changes whenever a field is
/// added, removed or changes meaning, or whenever the bits of a merge would
/// change (e.g. [`BLOCK_PATHS`], the unit of summation); a state of another
/// version is refused, never reinterpreted.
pub const OUTCOME_STATE_VERSION: u32 = 1;

/// Everything [`Outcome::merge`] needs of an outcome, in a serialisable form:
/// the exact accumulators, not the statistics derived from them.
///
/// With serde (e.g. `serde_json`) it is the body of a shard's state file; the
/// layout is documented field by field in `docs/scale-out.md`. Its size does not
/// grow with the number of paths, except for the per-path outputs (passage
/// times, kept scalars, recorded paths and inputs). Every `f64` is finite and
/// round-trips exactly through `serde_json` (feature `float_roundtrip`), and the
/// exact sums are written in canonical form, so equal states serialise to equal
/// bytes. [`Outcome::from_state`] checks a state read back before it is merged.
///
/// ```
/// use outpace::engine::{Outcome, OutcomeState, ProcessModel, Simulation};
/// use outpace::process::Gbm;
///
/// let outcome = Simulation::new(ProcessModel::new("x", Gbm::new(0.0, 0.2, 1.0)?))
///     .paths(300)
///     .path_range(256..300)
///     .run()?;
/// let json = serde_json::to_string(&outcome.to_state()).unwrap();
/// let back = Outcome::from_state(serde_json::from_str::<OutcomeState>(&json).unwrap())?;
/// assert_eq!(back.path_range(), 256..300);
/// assert_eq!(back.series("x").unwrap().stats(), outcome.series("x").unwrap().stats());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeState {
    format: String,
    version: u32,
    block_paths: usize,
    grid: Grid,
    seed: u64,
    run_paths: usize,
    path_range: [usize; 2],
    series: Vec<SeriesState>,
    passages: Vec<PassageTimes>,
    scalars: Vec<ScalarState>,
    recorded: Option<MatricesState>,
    inputs: Option<InputsState>,
}

/// One series: its moments and (optionally) sketches, per point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesState {
    name: String,
    moments: Vec<MomentsState>,
    sketches: Option<Vec<QuantileSketch>>,
}

/// One scalar outcome: its moments, sketch and (optionally) per-path values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScalarState {
    name: String,
    moments: MomentsState,
    sketch: QuantileSketch,
    values: Option<Vec<f64>>,
}

/// [`Moments`] with their sums in canonical form; the extremes are absent for
/// no values (where they are infinite, which JSON cannot write).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MomentsState {
    shift: f64,
    count: u64,
    sum: ExactSum,
    sum_sq: ExactSum,
    min: Option<f64>,
    max: Option<f64>,
}

/// Recorded paths: per series, `paths x points` values, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatricesState {
    names: Vec<String>,
    matrices: Vec<Vec<f64>>,
}

/// Recorded inputs: `paths x inputs` values, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputsState {
    names: Vec<String>,
    groups: Vec<String>,
    values: Vec<f64>,
}

impl From<&Moments> for MomentsState {
    fn from(m: &Moments) -> Self {
        let (sum, sum_sq) = m.sums();
        let extreme = |x: f64| (m.count() > 0).then_some(x);
        MomentsState {
            shift: m.shift(),
            count: m.count(),
            sum: sum.canonical(),
            sum_sq: sum_sq.canonical(),
            min: extreme(m.min()),
            max: extreme(m.max()),
        }
    }
}

impl MomentsState {
    /// The moments, checked: `count` values of this part, finite shift and
    /// extremes present exactly when there are values, canonical sums.
    fn into_moments(self, field: &str, count: u64) -> Result<Moments> {
        if self.count != count {
            return Err(Error::invalid(
                format!("{field}.count"),
                self.count,
                format!("must be the number of paths of the part ({count})"),
            ));
        }
        if !self.shift.is_finite() {
            return Err(Error::invalid(
                format!("{field}.shift"),
                self.shift,
                "must be finite",
            ));
        }
        let extremes = match (self.min, self.max) {
            (Some(lo), Some(hi)) if count > 0 && lo <= hi && lo.is_finite() && hi.is_finite() => {
                (lo, hi)
            }
            (None, None) if count == 0 => (f64::INFINITY, f64::NEG_INFINITY),
            _ => {
                return Err(Error::invalid(
                    format!("{field}.min"),
                    format!("{:?}..{:?}", self.min, self.max),
                    "must be finite with min <= max when there are values, absent when none",
                ));
            }
        };
        if !self.sum.is_canonical() || !self.sum_sq.is_canonical() {
            return Err(Error::invalid(
                format!("{field}.sum"),
                "limbs",
                "must be an exact sum in canonical form (as written by `to_state`)",
            ));
        }
        Ok(Moments::from_parts(
            self.shift,
            count,
            (self.sum, self.sum_sq),
            extremes,
        ))
    }
}

impl Outcome {
    /// The mergeable state of this outcome (see [`OutcomeState`]).
    pub fn to_state(&self) -> OutcomeState {
        let series = self
            .series
            .iter()
            .zip(&self.series_moments)
            .map(|(s, moments)| SeriesState {
                name: s.name.clone(),
                moments: moments.iter().map(MomentsState::from).collect(),
                sketches: s.sketches.clone(),
            })
            .collect();
        let scalars = self
            .scalars
            .iter()
            .zip(&self.scalar_moments)
            .map(|(s, moments)| ScalarState {
                name: s.name.clone(),
                moments: moments.into(),
                sketch: s.sketch.clone(),
                values: s.values.clone(),
            })
            .collect();
        OutcomeState {
            format: OUTCOME_STATE_FORMAT.to_owned(),
            version: OUTCOME_STATE_VERSION,
            block_paths: BLOCK_PATHS,
            grid: self.grid,
            seed: self.seed,
            run_paths: self.run_paths,
            path_range: [self.range.start, self.range.end],
            series,
            passages: self.passages.clone(),
            scalars,
            recorded: self.recorded.as_ref().map(|r| MatricesState {
                names: r.names.clone(),
                matrices: r.matrices.iter().map(row_major).collect(),
            }),
            inputs: self.inputs.as_ref().map(|i| InputsState {
                names: i.names.clone(),
                groups: i.groups.clone(),
                values: row_major(&i.values),
            }),
        }
    }

    /// The outcome of a state read back, checked: its format and version, its
    /// range within the run, and every accumulator sized and counted for the
    /// range's paths.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first field that is wrong (e.g.
    /// `version`, `series[2].moments[7].count`).
    pub fn from_state(state: OutcomeState) -> Result<Outcome> {
        check_header(&state)?;
        let [start, end] = state.path_range;
        let paths = end - start;
        let points = state.grid.points();
        let count = paths as u64;
        let mut series = Vec::with_capacity(state.series.len());
        let mut series_moments = Vec::with_capacity(state.series.len());
        for (j, s) in state.series.into_iter().enumerate() {
            let field = format!("series[{j}]");
            check_len(&format!("{field}.moments"), s.moments.len(), points)?;
            if let Some(sketches) = &s.sketches {
                check_len(&format!("{field}.sketches"), sketches.len(), points)?;
                check_sketches(&field, sketches, count)?;
            }
            let moments = s
                .moments
                .into_iter()
                .enumerate()
                .map(|(k, m)| m.into_moments(&format!("{field}.moments[{k}]"), count))
                .collect::<Result<Vec<_>>>()?;
            let stats = moments.iter().map(StepStats::from).collect();
            series.push(SeriesSummary::new(s.name, stats, s.sketches));
            series_moments.push(moments);
        }
        for (r, p) in state.passages.iter().enumerate() {
            check_len(&format!("passages[{r}].times"), p.paths(), paths)?;
            check_len(
                &format!("passages[{r}].steps"),
                p.steps(),
                state.grid.steps(),
            )?;
        }
        let mut scalars = Vec::with_capacity(state.scalars.len());
        let mut scalar_moments = Vec::with_capacity(state.scalars.len());
        for (i, s) in state.scalars.into_iter().enumerate() {
            let field = format!("scalars[{i}]");
            check_sketches(&field, std::slice::from_ref(&s.sketch), count)?;
            if let Some(values) = &s.values {
                check_len(&format!("{field}.values"), values.len(), paths)?;
                check_finite(&format!("{field}.values"), values)?;
            }
            let moments = s.moments.into_moments(&format!("{field}.moments"), count)?;
            let stats = StepStats::from(&moments);
            scalars.push(ScalarSummary::new(s.name, stats, s.sketch, s.values));
            scalar_moments.push(moments);
        }
        let recorded = match state.recorded {
            None => None,
            Some(r) => Some(recorded_paths(r, paths, points)?),
        };
        let inputs = match state.inputs {
            None => None,
            Some(i) => Some(input_values(i, paths)?),
        };
        Ok(Outcome {
            grid: state.grid,
            seed: state.seed,
            paths,
            range: start..end,
            run_paths: state.run_paths,
            series,
            series_moments,
            passages: state.passages,
            scalars,
            scalar_moments,
            recorded,
            inputs,
        })
    }
}

/// Format, version, summation block and range.
fn check_header(state: &OutcomeState) -> Result<()> {
    if state.format != OUTCOME_STATE_FORMAT {
        return Err(Error::invalid(
            "format",
            &state.format,
            format!("must be `{OUTCOME_STATE_FORMAT}`"),
        ));
    }
    if state.version != OUTCOME_STATE_VERSION {
        return Err(Error::invalid(
            "version",
            state.version,
            format!(
                "this build reads version {OUTCOME_STATE_VERSION} only: rerun the shard with \
                 the same build as the others"
            ),
        ));
    }
    check_len("block_paths", state.block_paths, BLOCK_PATHS)?;
    let [start, end] = state.path_range;
    if start > end || end > state.run_paths {
        return Err(Error::invalid(
            "path_range",
            format!("{start}..{end}"),
            format!("must be a range within the run's 0..{}", state.run_paths),
        ));
    }
    Ok(())
}

fn check_len(field: &str, found: usize, expected: usize) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::invalid(field, found, format!("must be {expected}")))
    }
}

fn check_sketches(field: &str, sketches: &[QuantileSketch], count: u64) -> Result<()> {
    match sketches.iter().position(|s| s.count() != count) {
        None => Ok(()),
        Some(k) => Err(Error::invalid(
            format!("{field}.sketches[{k}]"),
            sketches[k].count(),
            format!("must count the part's {count} paths"),
        )),
    }
}

fn check_finite(field: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::invalid(
            format!("{field}[{i}]"),
            values[i],
            "must be finite",
        )),
    }
}

fn row_major(matrix: &Array2<f64>) -> Vec<f64> {
    matrix.iter().copied().collect()
}

fn matrix(field: &str, values: Vec<f64>, rows: usize, columns: usize) -> Result<Array2<f64>> {
    check_len(field, values.len(), rows * columns)?;
    check_finite(field, &values)?;
    Ok(Array2::from_shape_vec((rows, columns), values).expect("length checked"))
}

fn recorded_paths(state: MatricesState, paths: usize, points: usize) -> Result<RecordedPaths> {
    check_len("recorded.matrices", state.matrices.len(), state.names.len())?;
    let matrices = state
        .matrices
        .into_iter()
        .enumerate()
        .map(|(m, values)| matrix(&format!("recorded.matrices[{m}]"), values, paths, points))
        .collect::<Result<_>>()?;
    Ok(RecordedPaths::new(state.names, matrices))
}

fn input_values(state: InputsState, paths: usize) -> Result<InputValues> {
    check_len("inputs.groups", state.groups.len(), state.names.len())?;
    let values = matrix("inputs.values", state.values, paths, state.names.len())?;
    Ok(InputValues {
        names: state.names,
        groups: state.groups,
        values,
    })
}
