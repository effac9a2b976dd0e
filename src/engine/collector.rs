//! The per-thread side of a run: simulating blocks of paths and folding their
//! observations into mergeable accumulators.
//!
//! Each path is simulated into a small buffer (`points x series`, reused), and only
//! then folded in: the per-step loop does nothing but advance the model, and the
//! folding loops run over contiguous memory, where the compiler vectorises them.
//!
//! # Why results do not depend on threads or chunking
//! Paths are grouped into fixed blocks of [`BLOCK_PATHS`] consecutive path indices.
//! Within a block, each point's observations are summed in plain `f64` in path
//! order, so a block's partial sums depend only on the block. They are then added
//! into [`ExactSum`](crate::stats::ExactSum)s, and sketch counts, minima and maxima
//! are exact too; so every way of distributing blocks over threads and of merging
//! the collectors gives the same bits.

use super::first_passage::{PassageKind, ResolvedBarrier, ResolvedPassage};
use super::model::Model;
use super::outcome::CENSORED;
use super::sampling::Sampler;
use super::{Grid, Hold, PassageTracker, PathStreams, RunControl};
use crate::math;
use crate::simd::cell_sums::{BlockRows, COLUMN_LANES, CellSums, all_finite};
use crate::stats::{Moments, QuantileSketch};
use std::mem::take;

/// Paths per block: the unit of work and of floating-point summation. Part of the
/// reproducibility contract: changing it changes the last bits of the moments.
pub const BLOCK_PATHS: usize = 256;

/// Everything a block needs that is the same for all blocks of a run.
pub(crate) struct RunContext<'a, M: Model> {
    pub model: &'a M,
    pub plan: &'a M::Plan,
    pub grid: Grid,
    pub seed: u64,
    pub paths: usize,
    pub series: usize,
    /// Per series: whether it gets per-point statistics.
    pub summarised: Vec<bool>,
    /// Indices of the sketched series; a series' position here is its slot in the
    /// sketches of a point.
    pub sketched: Vec<usize>,
    pub passages: Vec<ResolvedPassage>,
    /// Indices of the series whose paths are recorded (paths mode).
    pub recorded: Vec<usize>,
    /// Indices of the series the model writes as logarithms.
    pub exponentiated: Vec<usize>,
    pub scalars: usize,
    pub keep_scalars: bool,
    /// Path 0's observations (`points x series`) and scalars: the shifts of the
    /// moments.
    pub shift: Vec<f64>,
    pub scalar_shift: Vec<f64>,
    /// Checked before each path, so that a cancelled run stops within a path.
    pub control: Option<&'a RunControl>,
    /// Number of the model's uncertain inputs.
    pub inputs: usize,
    /// Where each path's inputs come from.
    pub sampler: Sampler,
}

/// One path's input vector and the scratch its sampler needs, reused from path to
/// path by a worker.
pub(crate) struct PathInputs {
    values: Vec<f64>,
    scratch: Vec<f64>,
}

impl PathInputs {
    pub fn new<M: Model>(ctx: &RunContext<'_, M>) -> Self {
        PathInputs {
            values: vec![0.0; ctx.inputs],
            scratch: vec![0.0; ctx.sampler.scratch_len()],
        }
    }
}

impl<M: Model> RunContext<'_, M> {
    /// Whether every series is sketched: paths are then simulated straight into
    /// the rows the sketches read.
    pub fn all_sketched(&self) -> bool {
        self.sketched.len() == self.series
    }

    /// Whether every series is both summarised and sketched: the block's rows then
    /// hold every observation, and their sums are taken in one pass with the
    /// sketches after the block (see [`Collector::fold_columns`]).
    pub fn folds_by_column(&self) -> bool {
        self.all_sketched() && self.summarised.iter().all(|&on| on)
    }

    /// The path indices of block `block`.
    pub fn block_range(&self, block: usize) -> std::ops::Range<usize> {
        let start = block * BLOCK_PATHS;
        start..(start + BLOCK_PATHS).min(self.paths)
    }

    /// Simulates path `path`: observations into `obs` (`points x series`, point-major)
    /// and scalar outcomes into `scalars`. Both start as NaN, so a model that fails
    /// to write a value is caught as a non-finite observation.
    #[inline]
    pub fn simulate(
        &self,
        path: usize,
        obs: &mut [f64],
        scalars: &mut [f64],
        inputs: &mut PathInputs,
    ) {
        let s = self.series;
        obs.fill(f64::NAN);
        scalars.fill(f64::NAN);
        let key = self
            .sampler
            .fill(path as u64, &mut inputs.values, &mut inputs.scratch);
        let streams = PathStreams::with_inputs(self.seed, key, &inputs.values);
        let (first, rest) = obs.split_at_mut(s);
        let mut state = Some(self.model.init(self.plan, &streams, first));
        run_steps(self.model, self.plan, &mut state, rest, s);
        if let Some(state) = &state {
            self.model.finish(self.plan, state, scalars);
        }
        for &j in &self.exponentiated {
            if s == 1 {
                math::exp_in_place(obs);
            } else {
                obs[j..]
                    .iter_mut()
                    .step_by(s)
                    .for_each(|x| *x = math::exp(*x));
            }
        }
    }

    /// Replays one path and locates its first non-finite value (see
    /// [`locate_non_finite`](Self::locate_non_finite)).
    pub fn first_non_finite(&self, path: usize) -> Option<((usize, usize), f64)> {
        let mut obs = vec![0.0; self.grid.points() * self.series];
        let mut scalars = vec![0.0; self.scalars];
        self.simulate(path, &mut obs, &mut scalars, &mut PathInputs::new(self));
        self.locate_non_finite(&obs, &scalars)
    }

    /// The first non-finite value of a simulated path: `((point, series), value)` for
    /// an observation, `((points, i), value)` for scalar outcome `i`.
    pub fn locate_non_finite(&self, obs: &[f64], scalars: &[f64]) -> Option<((usize, usize), f64)> {
        if let Some(i) = obs.iter().position(|&x| !admissible(x)) {
            return Some(((i / self.series, i % self.series), obs[i]));
        }
        let i = scalars.iter().position(|&x| !admissible(x))?;
        Some(((self.grid.points(), i), scalars[i]))
    }
}

/// Steps the path state in `slot` through the points after the first, writing
/// each point's `s` observations into `rest`. Its shape is for the compiler (the
/// instruction counts are in `docs/performance.md`, "Loop invariants in registers"):
/// - not inlined, so that `model` and `plan` arrive as parameters, which nothing
///   in the loop can write, not even the rare call to the normal sampler's
///   rejection steps: their fields are loaded once per path, not once per step;
/// - the state is moved into a local, which stays in registers: passed by
///   reference, or returned by value, it was stored to memory on every step;
/// - one series, the common case, gets a loop whose chunk length is known.
#[inline(never)]
fn run_steps<M: Model>(
    model: &M,
    plan: &M::Plan,
    slot: &mut Option<M::State>,
    rest: &mut [f64],
    s: usize,
) {
    let Some(mut state) = slot.take() else {
        return;
    };
    if s == 1 {
        for (i, current) in rest.iter_mut().enumerate() {
            model.step(plan, &mut state, i + 1, std::slice::from_mut(current));
        }
    } else {
        for (i, current) in rest.chunks_exact_mut(s).enumerate() {
            model.step(plan, &mut state, i + 1, current);
        }
    }
    *slot = Some(state);
}

/// Where one block writes its per-path outputs.
pub(crate) struct BlockOutput<'a> {
    /// One slice per passage rule, one `u32` per path of the block.
    pub times: Vec<&'a mut [u32]>,
    /// One slice per recorded series, `block paths x points`, row-major.
    pub paths: Vec<&'a mut [f64]>,
    /// One slice per scalar outcome, one value per path (when they are kept).
    pub scalars: Vec<&'a mut [f64]>,
    /// One slice per input, one value per path (when inputs are recorded).
    pub inputs: Vec<&'a mut [f64]>,
}

/// Accumulators of one worker.
pub(crate) struct Collector {
    cells: CellSums,
    /// Per cell (`points x series`).
    pub moments: Vec<Moments>,
    /// `points x sketched series`.
    pub sketches: Vec<QuantileSketch>,
    /// The block's values of the sketched series, one row of `points x sketched`
    /// per path (empty when nothing is sketched): each sketch then takes the
    /// block's values of its cell at once, while it sits in cache.
    sketch_rows: Vec<f64>,
    /// Length of a row of `sketch_rows` (see [`padded_row`]).
    row: usize,
    /// One path's observations (`points x series`), unless every series is
    /// sketched: paths are then simulated straight into `sketch_rows`.
    obs: Vec<f64>,
    scalar_cells: CellSums,
    pub scalar_moments: Vec<Moments>,
    pub scalar_sketches: Vec<QuantileSketch>,
    scalars: Vec<f64>,
    /// The current path's inputs.
    path_inputs: PathInputs,
    /// Where conditions of passage rules are evaluated, sized for the largest.
    scratch: Vec<f64>,
    /// Smallest path index that produced a non-finite value.
    pub first_bad_path: Option<usize>,
    /// Whether some block was skipped because the run was cancelled.
    pub cancelled: bool,
}

impl Collector {
    pub fn new<M: Model>(ctx: &RunContext<'_, M>) -> Self {
        let cells = ctx.grid.points() * ctx.series;
        let sketched_cells = ctx.grid.points() * ctx.sketched.len();
        let row = if sketched_cells > 0 {
            padded_row(sketched_cells)
        } else {
            0
        };
        Collector {
            cells: CellSums::new(cells),
            moments: ctx.shift.iter().map(|&c| Moments::new(c)).collect(),
            sketches: vec![QuantileSketch::new(); sketched_cells],
            sketch_rows: vec![0.0; BLOCK_PATHS * row],
            row,
            obs: vec![0.0; if ctx.all_sketched() { 0 } else { cells }],
            scalar_cells: CellSums::new(ctx.scalars),
            scalar_moments: ctx.scalar_shift.iter().map(|&c| Moments::new(c)).collect(),
            scalar_sketches: vec![QuantileSketch::new(); ctx.scalars],
            scalars: vec![0.0; ctx.scalars],
            path_inputs: PathInputs::new(ctx),
            scratch: vec![
                0.0;
                ctx.passages
                    .iter()
                    .map(|p| p.scratch_len(ctx.grid.points()))
                    .max()
                    .unwrap_or(0)
            ],
            first_bad_path: None,
            cancelled: false,
        }
    }

    /// Simulates the paths of `block`, writing per-path outputs into `out`.
    pub fn run_block<M: Model>(
        &mut self,
        ctx: &RunContext<'_, M>,
        block: usize,
        mut out: BlockOutput<'_>,
    ) {
        let range = ctx.block_range(block);
        let count = range.len() as u64;
        let cells = ctx.grid.points() * ctx.series;
        // Taken out of `self` for the block so that they can be lent while the
        // accumulators are updated; put back below, so nothing is reallocated.
        let (mut rows, mut obs) = (take(&mut self.sketch_rows), take(&mut self.obs));
        let mut finite = true;
        for (local, path) in range.clone().enumerate() {
            if ctx.control.is_some_and(RunControl::is_cancelled) {
                // The block is abandoned: the run returns `Error::Cancelled`.
                self.cancelled = true;
                (self.sketch_rows, self.obs) = (rows, obs);
                return;
            }
            let row = &mut rows[local * self.row..];
            finite &= if ctx.all_sketched() {
                self.simulate_and_fold(ctx, path, local, &mut row[..cells], &mut out)
            } else {
                let finite = self.simulate_and_fold(ctx, path, local, &mut obs, &mut out);
                copy_sketched(ctx, &obs, row);
                finite
            };
        }
        let block_rows = BlockRows {
            rows: &rows,
            row: self.row,
            count: count as usize,
        };
        if ctx.folds_by_column() {
            self.fold_columns(block_rows, &ctx.shift);
        } else {
            self.sketch_block(block_rows);
        }
        let clean = finite && self.cells.is_finite() && self.scalar_cells.is_finite();
        if !clean
            && let Some(bad) = range
                .into_iter()
                .find(|&p| ctx.first_non_finite(p).is_some())
        {
            self.first_bad_path = Some(self.first_bad_path.map_or(bad, |p| p.min(bad)));
        }
        (self.sketch_rows, self.obs) = (rows, obs);
        self.cells.flush(count, &mut self.moments);
        self.scalar_cells.flush(count, &mut self.scalar_moments);
    }

    /// Simulates path `path` (number `local` of its block) into `obs` and folds it
    /// in (see [`fold_path`](Self::fold_path)).
    fn simulate_and_fold<M: Model>(
        &mut self,
        ctx: &RunContext<'_, M>,
        path: usize,
        local: usize,
        obs: &mut [f64],
        out: &mut BlockOutput<'_>,
    ) -> bool {
        ctx.simulate(path, obs, &mut self.scalars, &mut self.path_inputs);
        self.fold_path(ctx, local, obs, out)
    }

    /// Folds the block's rows into the sums and the sketches of every cell, a group
    /// of [`COLUMN_LANES`] cells at a time (see [`CellSums::add_columns`]).
    fn fold_columns(&mut self, block: BlockRows<'_>, shift: &[f64]) {
        let (groups, rest) = self.sketches.as_chunks_mut::<COLUMN_LANES>();
        for (group, sketches) in groups.iter_mut().enumerate() {
            let first = group * COLUMN_LANES;
            self.cells.add_column_group(sketches, first, block, shift);
        }
        let first = groups.len() * COLUMN_LANES;
        for (i, sketch) in rest.iter_mut().enumerate() {
            let sketch = std::array::from_mut(sketch);
            self.cells.add_columns(sketch, first + i, block, shift);
        }
    }

    /// Adds the block's values of every sketched cell to its sketch.
    fn sketch_block(&mut self, block: BlockRows<'_>) {
        let BlockRows { rows, row, count } = block;
        for (cell, sketch) in self.sketches.iter_mut().enumerate() {
            // The cell's value in each of the block's `count` rows.
            sketch.extend_strided(&rows[cell..=cell + (count - 1) * row], row);
        }
    }

    /// Folds the path in `obs` (and the scalars buffer) into the accumulators and
    /// per-path outputs; returns `false` if a value not covered by the block's sums
    /// was non-finite.
    fn fold_path<M: Model>(
        &mut self,
        ctx: &RunContext<'_, M>,
        local: usize,
        obs: &[f64],
        out: &mut BlockOutput<'_>,
    ) -> bool {
        let finite = self.fold_statistics(ctx, obs);
        let (s, points) = (ctx.series, ctx.grid.points());
        for (rule, times) in ctx.passages.iter().zip(out.times.iter_mut()) {
            times[local] =
                passage_time(rule, obs, s, &mut self.scratch).map_or(CENSORED, |t| t as u32);
        }
        for (&j, row) in ctx.recorded.iter().zip(out.paths.iter_mut()) {
            let row = &mut row[local * points..(local + 1) * points];
            for (k, x) in row.iter_mut().enumerate() {
                *x = obs[k * s + j];
            }
        }
        self.scalar_cells.add_all(&self.scalars, &ctx.scalar_shift);
        for (sketch, &x) in self.scalar_sketches.iter_mut().zip(&self.scalars) {
            sketch.add(x);
        }
        for (kept, &x) in out.scalars.iter_mut().zip(&self.scalars) {
            kept[local] = x;
        }
        for (kept, &x) in out.inputs.iter_mut().zip(&self.path_inputs.values) {
            kept[local] = x;
        }
        finite
    }

    /// Per-point moments of the summarised series; returns `false` if an
    /// observation that no sum covers was non-finite.
    fn fold_statistics<M: Model>(&mut self, ctx: &RunContext<'_, M>, obs: &[f64]) -> bool {
        if ctx.folds_by_column() {
            // Summed with the sketches once the block is complete.
            return true;
        }
        if ctx.summarised.iter().all(|&on| on) {
            self.cells.add_all(obs, &ctx.shift);
            return true;
        }
        for (j, _) in ctx.summarised.iter().enumerate().filter(|(_, on)| **on) {
            self.cells.add_strided(obs, &ctx.shift, j, ctx.series);
        }
        all_finite(obs)
    }

    /// Adds everything `other` collected.
    pub fn merge(&mut self, other: &Collector) {
        merge_all(&mut self.moments, &other.moments, Moments::merge);
        merge_all(&mut self.sketches, &other.sketches, QuantileSketch::merge);
        merge_all(
            &mut self.scalar_moments,
            &other.scalar_moments,
            Moments::merge,
        );
        merge_all(
            &mut self.scalar_sketches,
            &other.scalar_sketches,
            QuantileSketch::merge,
        );
        self.first_bad_path = match (self.first_bad_path, other.first_bad_path) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.cancelled |= other.cancelled;
    }
}

fn merge_all<T>(into: &mut [T], from: &[T], merge: fn(&mut T, &T)) {
    for (a, b) in into.iter_mut().zip(from) {
        merge(a, b);
    }
}

/// Copies a path's values of the sketched series into its row of
/// `Collector::sketch_rows`, `(point, slot)`-major.
fn copy_sketched<M: Model>(ctx: &RunContext<'_, M>, obs: &[f64], row: &mut [f64]) {
    let sketched = ctx.sketched.len();
    if sketched == 0 {
        return;
    }
    for (point, values) in obs
        .chunks_exact(ctx.series)
        .zip(row.chunks_exact_mut(sketched))
    {
        for (value, &j) in values.iter_mut().zip(&ctx.sketched) {
            *value = point[j];
        }
    }
}

/// Row length, in values, for `cells` observations per path: rounded up to whole
/// cache lines of 8 values, and to an odd number of them, so that reading one cell
/// of every row walks through all the sets of the L1 cache instead of a few (rows a
/// power of two apart would map to the same sets and evict each other).
fn padded_row(cells: usize) -> usize {
    let lines = cells.div_ceil(8);
    8 * (lines | 1)
}

/// Largest magnitude an observation may take: squares of larger values overflow the
/// variance sums.
pub(crate) const MAX_MAGNITUDE: f64 = 1e150;

/// Whether an observation can be summarised: finite, magnitude below
/// [`MAX_MAGNITUDE`].
fn admissible(x: f64) -> bool {
    x.abs() < MAX_MAGNITUDE
}

/// The passage time of one path under `rule`, from its observations
/// (`points x s`); `scratch` holds at least `rule.scratch_len(points)` values.
fn passage_time(
    rule: &ResolvedPassage,
    obs: &[f64],
    s: usize,
    scratch: &mut [f64],
) -> Option<usize> {
    let (series, above, barrier) = match &rule.kind {
        PassageKind::Barrier {
            series,
            above,
            barrier,
        } => (*series, *above, *barrier),
        PassageKind::Program(program) => {
            let points = obs.len() / s;
            let len = points.saturating_sub(rule.start);
            program.evaluate(obs, s, rule.start, scratch);
            let conditions = (0..len).map(|j| program.holds(scratch, len, j));
            let first = if rule.crossing {
                first_crossing(conditions, rule.hold)
            } else {
                first_run(conditions.map(|c| c == Some(true)), rule.hold)
            };
            return first.map(|k| k + rule.start);
        }
    };
    if let (1, ResolvedBarrier::Level(b), Hold::Steps(1)) = (s, barrier, rule.hold) {
        let path = &obs[rule.start.min(obs.len())..];
        let first = if above {
            first_at_or_above(path, b)
        } else {
            first_at_or_below(path, b)
        };
        return first.map(|k| k + rule.start);
    }
    let points = (rule.start..obs.len() / s).map(|k| (k, obs[k * s + series]));
    let first = match (barrier, above) {
        (ResolvedBarrier::Level(b), true) => first_run(points.map(|(_, x)| x >= b), rule.hold),
        (ResolvedBarrier::Level(b), false) => first_run(points.map(|(_, x)| x <= b), rule.hold),
        (ResolvedBarrier::Series(j), true) => {
            first_run(points.map(|(k, x)| x >= obs[k * s + j]), rule.hold)
        }
        (ResolvedBarrier::Series(j), false) => {
            first_run(points.map(|(k, x)| x <= obs[k * s + j]), rule.hold)
        }
    };
    first.map(|k| k + rule.start)
}

/// The first passage that follows a point at which the condition is defined and
/// false (see [`FirstPassage::crossing`](super::FirstPassage::crossing)): a run of
/// true conditions counts only if the point before it is a defined false.
fn first_crossing(conditions: impl Iterator<Item = Option<bool>>, hold: Hold) -> Option<usize> {
    let mut previous = None;
    // The current qualifying run: its first point and length.
    let mut run: Option<(usize, usize)> = None;
    for (k, condition) in conditions.enumerate() {
        run = match (condition, run) {
            (Some(true), Some((first, length))) => Some((first, length + 1)),
            (Some(true), None) if previous == Some(false) => Some((k, 1)),
            _ => None,
        };
        if let (Hold::Steps(h), Some((first, length))) = (hold, run)
            && length >= h
        {
            return Some(first);
        }
        previous = condition;
    }
    match hold {
        Hold::ToHorizon => run.map(|(first, _)| first),
        Hold::Steps(_) => None,
    }
}

/// The first index whose value is at least `b`.
fn first_at_or_above(xs: &[f64], b: f64) -> Option<usize> {
    first_where(
        xs,
        f64::NEG_INFINITY,
        |x, top| if x > top { x } else { top },
        |x| x >= b,
    )
}

/// The first index whose value is at most `b`.
fn first_at_or_below(xs: &[f64], b: f64) -> Option<usize> {
    first_where(
        xs,
        f64::INFINITY,
        |x, low| if x < low { x } else { low },
        |x| x <= b,
    )
}

/// The first index where `hit` holds, for a `hit` that holds for some value of a
/// group exactly when it holds for the group's extreme under `toward` (the larger of
/// two values for an upper barrier), starting from `start`.
///
/// Each group of eight values is reduced to that extreme on four running lanes,
/// which vectorises (`maxpd` on pairs of values under SSE2), and searched value by
/// value only when the extreme hits: a plain `position`, or OR-ing eight
/// comparisons, compiles to scalar compares (counts in `docs/performance.md`,
/// "The passage scan and the finiteness check"). `toward(x, acc)` must keep `acc` when `x` is NaN, as
/// `if x > acc { x } else { acc }` does, so that a NaN (which hits no barrier)
/// never hides a later hit.
#[inline(always)]
fn first_where(
    xs: &[f64],
    start: f64,
    toward: impl Fn(f64, f64) -> f64,
    hit: impl Fn(f64) -> bool,
) -> Option<usize> {
    const GROUP: usize = 8;
    const LANES: usize = 4;
    let mut groups = xs.chunks_exact(GROUP);
    for (i, group) in groups.by_ref().enumerate() {
        let group: &[f64; GROUP] = group.try_into().expect("groups of GROUP values");
        let mut lanes = [start; LANES];
        for (j, &x) in group.iter().enumerate() {
            lanes[j % LANES] = toward(x, lanes[j % LANES]);
        }
        let extreme = toward(toward(lanes[2], lanes[0]), toward(lanes[3], lanes[1]));
        if !hit(extreme) {
            continue;
        }
        // `extreme` is `start` for a group of NaNs, which an infinite barrier hits.
        if let Some(j) = group.iter().position(|&x| hit(x)) {
            return Some(i * GROUP + j);
        }
    }
    let rest = groups.remainder();
    let base = xs.len() - rest.len();
    rest.iter().position(|&x| hit(x)).map(|j| base + j)
}

/// The passage time of a sequence of per-point conditions (see [`PassageTracker`]).
#[inline(always)]
fn first_run(mut conditions: impl Iterator<Item = bool>, hold: Hold) -> Option<usize> {
    if hold == Hold::Steps(1) {
        return conditions.position(|c| c);
    }
    let mut tracker = PassageTracker::new(hold);
    for (k, c) in conditions.enumerate() {
        tracker.observe(k, c);
        if tracker.is_settled() {
            break;
        }
    }
    tracker.passage()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values around the barriers used below, NaN and infinities, at every offset
    /// within and across the groups of eight and in the remainder.
    fn special_paths() -> Vec<Vec<f64>> {
        let values = [
            f64::NAN,
            f64::NEG_INFINITY,
            -1.0,
            -0.0,
            0.0,
            0.5,
            1.0,
            2.0,
            f64::INFINITY,
        ];
        let mut paths = vec![vec![], vec![f64::NAN; 19]];
        for len in [1, 7, 8, 9, 16, 17, 27] {
            for (v, &special) in values.iter().enumerate() {
                for at in 0..len {
                    let mut path: Vec<f64> = (0..len).map(|k| 0.1 * (k % 3) as f64).collect();
                    path[at] = special;
                    path[(at + 5 * v) % len] = f64::NAN;
                    paths.push(path);
                }
            }
        }
        paths
    }

    #[test]
    fn passage_scan_finds_the_first_hit_like_position() {
        let barriers = [f64::NEG_INFINITY, -1.0, 0.0, 0.5, 1.0, f64::INFINITY];
        for path in special_paths() {
            for b in barriers {
                assert_eq!(
                    first_at_or_above(&path, b),
                    path.iter().position(|&x| x >= b),
                    "{path:?} above {b}"
                );
                assert_eq!(
                    first_at_or_below(&path, b),
                    path.iter().position(|&x| x <= b),
                    "{path:?} below {b}"
                );
            }
        }
    }

    #[test]
    fn finiteness_check_agrees_with_is_finite() {
        for path in special_paths() {
            for values in [&path[..], &path[..path.len() / 2]] {
                let finite: Vec<f64> = values
                    .iter()
                    .map(|&x| if x.is_nan() { 1.0 } else { x })
                    .collect();
                for xs in [values, &finite[..]] {
                    assert_eq!(all_finite(xs), xs.iter().all(|x| x.is_finite()), "{xs:?}");
                }
            }
        }
        assert!(all_finite(&[f64::MAX, -f64::MAX, f64::MIN_POSITIVE, -0.0]));
    }
}
