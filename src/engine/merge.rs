//! The exact merge of the outcomes of shards of one run.

use super::outcome::{
    InputValues, Outcome, PassageTimes, RecordedPaths, ScalarSummary, SeriesSummary, StepStats,
};
use crate::error::{Error, Result};
use crate::stats::{Moments, QuantileSketch};
use ndarray::{Array2, Axis};

impl Outcome {
    /// The outcome of the paths of all `parts`, shards of one run
    /// ([`Simulation::path_range`](super::Simulation::path_range)), exactly as one
    /// run of those paths would give it: **the same bits whatever the grouping and
    /// the order of the parts** (merging `[a, b, c]`, `[c, a, b]` or `[merge([a,
    /// b]), c]` gives one result).
    ///
    /// Why it is exact: moments are exact sums
    /// ([`ExactSum`](crate::stats::ExactSum)) of per-block partial sums, and shards
    /// never split a block; sketch counts are integers; minima and maxima are
    /// order-free (with `-0.0 < +0.0`); per-path outputs (passage times, kept
    /// scalars, recorded paths and inputs) are laid out in path order, the parts
    /// being sorted by their ranges first.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `parts[i]` and what differs, if the parts
    /// are not shards of one run: no part; another seed, grid (`steps`, `dt`),
    /// number of run paths, series, sketches, passage rules, scalars, recorded
    /// series or inputs; different moment shifts (path 0's values: another model or
    /// other inputs); or ranges that overlap or leave a gap between them.
    ///
    /// ```
    /// use outpace::engine::{Outcome, ProcessModel, Simulation};
    /// use outpace::process::Gbm;
    ///
    /// let run = Simulation::new(ProcessModel::new("x", Gbm::new(0.0, 0.2, 1.0)?)).paths(600);
    /// let (a, b) = (run.clone().path_range(0..256).run()?, run.clone().path_range(256..600).run()?);
    /// let merged = Outcome::merge(&[b.clone(), a.clone()])?;
    /// assert!(merged.is_complete());
    /// assert_eq!(merged.series("x").unwrap().stats(), run.run()?.series("x").unwrap().stats());
    /// assert!(Outcome::merge(&[a.clone(), a]).is_err()); // overlap
    /// # Ok::<(), outpace::Error>(())
    /// ```
    pub fn merge(parts: &[Outcome]) -> Result<Outcome> {
        let Some(first) = parts.first() else {
            return Err(Error::invalid(
                "parts",
                "[]",
                "merging needs at least one outcome",
            ));
        };
        for (i, part) in parts.iter().enumerate().skip(1) {
            check_same_run(first, part).map_err(|e| e.within(&format!("parts[{i}]")))?;
        }
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by_key(|&i| (parts[i].range.start, parts[i].range.end));
        check_contiguous(parts, &order)?;
        let sorted: Vec<&Outcome> = order.iter().map(|&i| &parts[i]).collect();
        Ok(merge_sorted(&sorted))
    }
}

/// A difference between two parts, as an error on `field`.
fn differs(field: &str, found: impl std::fmt::Display, expected: impl std::fmt::Display) -> Error {
    Error::invalid(
        field,
        found.to_string(),
        format!("must equal that of the first part ({expected}): not a shard of the same run"),
    )
}

/// Checks that `part` is a shard of the same run as `first`.
fn check_same_run(first: &Outcome, part: &Outcome) -> Result<()> {
    if part.seed != first.seed {
        return Err(differs("seed", part.seed, first.seed));
    }
    if part.grid.steps() != first.grid.steps() {
        return Err(differs("steps", part.grid.steps(), first.grid.steps()));
    }
    if part.grid.dt().to_bits() != first.grid.dt().to_bits() {
        return Err(differs("dt", part.grid.dt(), first.grid.dt()));
    }
    if part.run_paths != first.run_paths {
        return Err(differs("run_paths", part.run_paths, first.run_paths));
    }
    let names = |o: &Outcome| -> String {
        let series = o.series.iter().map(|s| {
            let sketched = if s.sketches.is_some() {
                "+quantiles"
            } else {
                ""
            };
            format!("{}{sketched}", s.name)
        });
        series.collect::<Vec<_>>().join(", ")
    };
    if names(part) != names(first) {
        return Err(differs("series", names(part), names(first)));
    }
    let rules = |o: &Outcome| -> Vec<(String, usize)> {
        o.passages
            .iter()
            .map(|p| (p.name.clone(), p.steps))
            .collect()
    };
    if rules(part) != rules(first) {
        return Err(differs(
            "passages",
            format!("{:?}", rules(part)),
            format!("{:?}", rules(first)),
        ));
    }
    let scalars = |o: &Outcome| -> Vec<(String, bool)> {
        o.scalars
            .iter()
            .map(|s| (s.name.clone(), s.values.is_some()))
            .collect()
    };
    if scalars(part) != scalars(first) {
        return Err(differs(
            "scalars",
            format!("{:?}", scalars(part)),
            format!("{:?}", scalars(first)),
        ));
    }
    let recorded = |o: &Outcome| o.recorded.as_ref().map(|r| r.names.clone());
    if recorded(part) != recorded(first) {
        return Err(differs(
            "recorded",
            format!("{:?}", recorded(part)),
            format!("{:?}", recorded(first)),
        ));
    }
    let inputs = |o: &Outcome| {
        o.inputs
            .as_ref()
            .map(|i| (i.names.clone(), i.groups.clone()))
    };
    if inputs(part) != inputs(first) {
        return Err(differs(
            "inputs",
            format!("{:?}", inputs(part)),
            format!("{:?}", inputs(first)),
        ));
    }
    check_shifts(first, part)
}

/// The moments of both parts are taken around the same shifts: path 0's values,
/// which differ for another model or other inputs.
fn check_shifts(first: &Outcome, part: &Outcome) -> Result<()> {
    let shifts = |o: &Outcome| -> Vec<u64> {
        let series = o.series_moments.iter().flatten();
        series
            .chain(&o.scalar_moments)
            .map(|m| m.shift().to_bits())
            .collect()
    };
    if shifts(part) != shifts(first) {
        return Err(Error::invalid(
            "moments.shift",
            "path 0's values",
            "must equal those of the first part: the parts simulate different models or inputs",
        ));
    }
    Ok(())
}

/// Checks that the ranges of `parts`, taken in `order` (sorted by start), follow
/// each other without gap or overlap.
fn check_contiguous(parts: &[Outcome], order: &[usize]) -> Result<()> {
    let shown = |i: usize| {
        let r = &parts[i].range;
        format!("{}..{}", r.start, r.end)
    };
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (end, start) = (parts[a].range.end, parts[b].range.start);
        if start < end {
            return Err(Error::invalid(
                format!("parts[{b}].path_range"),
                shown(b),
                format!(
                    "overlaps parts[{a}] (paths {}): a path is counted once",
                    shown(a)
                ),
            ));
        }
        if start > end {
            return Err(Error::invalid(
                format!("parts[{b}].path_range"),
                shown(b),
                format!(
                    "leaves paths {end}..{start} uncovered after parts[{a}] (paths {})",
                    shown(a)
                ),
            ));
        }
    }
    Ok(())
}

/// Merges checked parts, sorted by range.
fn merge_sorted(parts: &[&Outcome]) -> Outcome {
    let first = parts[0];
    let range = first.range.start..parts[parts.len() - 1].range.end;
    let series_moments: Vec<Vec<Moments>> = (0..first.series.len())
        .map(|s| {
            let points = first.series_moments[s].len();
            (0..points)
                .map(|k| merged_moments(parts.iter().map(|p| &p.series_moments[s][k])))
                .collect()
        })
        .collect();
    let series = first
        .series
        .iter()
        .zip(&series_moments)
        .enumerate()
        .map(|(s, (summary, moments))| {
            let sketches = summary.sketches.as_ref().map(|own| {
                (0..own.len())
                    .map(|k| {
                        merged_sketch(parts.iter().map(|p| {
                            &p.series[s]
                                .sketches
                                .as_ref()
                                .expect("checked: same sketches")[k]
                        }))
                    })
                    .collect()
            });
            let stats = moments.iter().map(StepStats::from).collect();
            SeriesSummary::new(summary.name.clone(), stats, sketches)
        })
        .collect();
    let passages = first
        .passages
        .iter()
        .enumerate()
        .map(|(r, rule)| {
            let times = parts.iter().flat_map(|p| &p.passages[r].times).copied();
            PassageTimes::new(rule.name.clone(), rule.steps, times.collect())
        })
        .collect();
    let scalar_moments: Vec<Moments> = (0..first.scalars.len())
        .map(|i| merged_moments(parts.iter().map(|p| &p.scalar_moments[i])))
        .collect();
    let scalars = first
        .scalars
        .iter()
        .zip(&scalar_moments)
        .enumerate()
        .map(|(i, (scalar, moments))| {
            let sketch = merged_sketch(parts.iter().map(|p| &p.scalars[i].sketch));
            let values = scalar.values.as_ref().map(|_| {
                let each = parts.iter().map(|p| p.scalars[i].values.as_deref());
                each.flat_map(|v| v.expect("checked: same kept scalars"))
                    .copied()
                    .collect()
            });
            ScalarSummary::new(
                scalar.name.clone(),
                StepStats::from(moments),
                sketch,
                values,
            )
        })
        .collect();
    let recorded = first.recorded.as_ref().map(|own| {
        let matrices = (0..own.matrices.len())
            .map(|m| {
                stack(
                    parts
                        .iter()
                        .map(|p| &p.recorded.as_ref().expect("checked").matrices[m]),
                )
            })
            .collect();
        RecordedPaths::new(own.names.clone(), matrices)
    });
    let inputs = first.inputs.as_ref().map(|own| InputValues {
        names: own.names.clone(),
        groups: own.groups.clone(),
        values: stack(
            parts
                .iter()
                .map(|p| &p.inputs.as_ref().expect("checked").values),
        ),
    });
    Outcome {
        grid: first.grid,
        seed: first.seed,
        paths: range.len(),
        range,
        run_paths: first.run_paths,
        series,
        series_moments,
        passages,
        scalars,
        scalar_moments,
        recorded,
        inputs,
    }
}

/// The merge of moments with one shift.
fn merged_moments<'a>(mut all: impl Iterator<Item = &'a Moments>) -> Moments {
    let mut merged = all.next().expect("at least one part").clone();
    all.for_each(|m| merged.merge(m));
    merged
}

/// The merge of sketches.
fn merged_sketch<'a>(all: impl Iterator<Item = &'a QuantileSketch>) -> QuantileSketch {
    let mut merged = QuantileSketch::new();
    all.for_each(|s| merged.merge(s));
    merged
}

/// The rows of the matrices one after the other.
fn stack<'a>(matrices: impl Iterator<Item = &'a Array2<f64>>) -> Array2<f64> {
    let views: Vec<_> = matrices.map(|m| m.view()).collect();
    ndarray::concatenate(Axis(0), &views).expect("checked: the same number of columns")
}
