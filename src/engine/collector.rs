//! The per-thread side of a run: simulating blocks of paths and folding their
//! observations into mergeable accumulators.
//!
//! # Why results do not depend on threads or chunking
//! Paths are grouped into fixed blocks of [`BLOCK_PATHS`] consecutive path indices.
//! Within a block, each point's observations are summed in plain `f64` in path
//! order, so a block's partial sums depend only on the block. They are then added
//! into [`ExactSum`](crate::stats::ExactSum)s, and sketch counts, minima and maxima
//! are exact too; so every way of distributing blocks over threads and of merging
//! the collectors gives the same bits.

use super::first_passage::ResolvedPassage;
use super::model::Model;
use super::outcome::CENSORED;
use super::{Grid, PassageTracker, PathStreams};
use crate::stats::{BlockSums, Moments, QuantileSketch};

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
    /// Per series: its slot among the sketched series, if it is sketched.
    pub sketch_slot: Vec<Option<usize>>,
    pub sketched: usize,
    pub passages: Vec<ResolvedPassage>,
    /// Per series: whether its paths are recorded (paths mode).
    pub recorded: Vec<bool>,
    /// Path 0's observations, `points x series`: the shift of every moment.
    pub shift: Vec<f64>,
}

impl<M: Model> RunContext<'_, M> {
    /// The path indices of block `block`.
    pub fn block_range(&self, block: usize) -> std::ops::Range<usize> {
        let start = block * BLOCK_PATHS;
        start..(start + BLOCK_PATHS).min(self.paths)
    }

    /// Simulates one path into `obs_all` (`points x series`), for diagnostics and for
    /// the shift. Returns the first non-finite observation as `(point, series)`.
    pub fn replay(&self, path: usize, obs_all: &mut [f64]) -> Option<(usize, usize)> {
        let s = self.series;
        let streams = PathStreams::new(self.seed, path as u64);
        let mut state = self.model.init(self.plan, &streams, &mut obs_all[..s]);
        for k in 1..=self.grid.steps() {
            let (done, rest) = obs_all.split_at_mut(k * s);
            rest[..s].copy_from_slice(&done[(k - 1) * s..]);
            self.model.step(self.plan, &mut state, k, &mut rest[..s]);
        }
        obs_all
            .iter()
            .position(|x| !x.is_finite())
            .map(|i| (i / s, i % s))
    }
}

/// Where one block writes its per-path outputs.
pub(crate) struct BlockOutput<'a> {
    /// One slice per passage rule, one `u32` per path of the block.
    pub times: Vec<&'a mut [u32]>,
    /// One slice per recorded series, `block paths x points`, row-major.
    pub paths: Vec<&'a mut [f64]>,
}

/// Accumulators of one worker: moments and sketches for every point and series.
pub(crate) struct Collector {
    /// `points x series`.
    pub moments: Vec<Moments>,
    /// `points x sketched series`.
    pub sketches: Vec<QuantileSketch>,
    block: Vec<BlockSums>,
    obs: Vec<f64>,
    trackers: Vec<PassageTracker>,
    /// Smallest path index that produced a non-finite observation.
    pub first_bad_path: Option<usize>,
    /// Whether some block was skipped because the run was cancelled.
    pub cancelled: bool,
}

impl Collector {
    pub fn new<M: Model>(ctx: &RunContext<'_, M>) -> Self {
        let points = ctx.grid.points();
        Collector {
            moments: ctx.shift.iter().map(|&c| Moments::new(c)).collect(),
            sketches: vec![QuantileSketch::new(); points * ctx.sketched],
            block: vec![BlockSums::default(); points * ctx.series],
            obs: vec![0.0; ctx.series],
            trackers: ctx
                .passages
                .iter()
                .map(|p| PassageTracker::new(p.hold))
                .collect(),
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
        for (local, path) in range.enumerate() {
            if !self.run_path(ctx, path, local, &mut out) {
                self.first_bad_path = Some(self.first_bad_path.map_or(path, |p| p.min(path)));
            }
        }
        for (m, b) in self.moments.iter_mut().zip(self.block.iter_mut()) {
            m.add_block(count, b);
            *b = BlockSums::default();
        }
    }

    /// Simulates one path; returns `false` if it produced a non-finite observation.
    fn run_path<M: Model>(
        &mut self,
        ctx: &RunContext<'_, M>,
        path: usize,
        local: usize,
        out: &mut BlockOutput<'_>,
    ) -> bool {
        let streams = PathStreams::new(ctx.seed, path as u64);
        for (tracker, rule) in self.trackers.iter_mut().zip(&ctx.passages) {
            *tracker = PassageTracker::new(rule.hold);
        }
        let mut state = ctx.model.init(ctx.plan, &streams, &mut self.obs);
        let mut finite = self.observe(ctx, 0, local, out);
        for k in 1..=ctx.grid.steps() {
            ctx.model.step(ctx.plan, &mut state, k, &mut self.obs);
            finite &= self.observe(ctx, k, local, out);
        }
        for (tracker, times) in self.trackers.iter().zip(out.times.iter_mut()) {
            times[local] = tracker.passage().map_or(CENSORED, |t| t as u32);
        }
        finite
    }

    /// Folds the observations of point `k` in; returns whether all were finite.
    #[inline(always)]
    fn observe<M: Model>(
        &mut self,
        ctx: &RunContext<'_, M>,
        k: usize,
        local: usize,
        out: &mut BlockOutput<'_>,
    ) -> bool {
        let s = ctx.series;
        let row = k * s;
        let mut finite = true;
        for j in 0..s {
            let x = self.obs[j];
            finite &= x.is_finite();
            self.block[row + j].add(x, ctx.shift[row + j]);
            if let Some(slot) = ctx.sketch_slot[j] {
                self.sketches[k * ctx.sketched + slot].add(x);
            }
        }
        for (tracker, rule) in self.trackers.iter_mut().zip(&ctx.passages) {
            tracker.observe(k, rule.holds(&self.obs));
        }
        if !out.paths.is_empty() {
            let points = ctx.grid.points();
            let recorded = ctx
                .recorded
                .iter()
                .enumerate()
                .filter(|(_, r)| **r)
                .map(|(j, _)| j);
            for (slice, j) in out.paths.iter_mut().zip(recorded) {
                slice[local * points + k] = self.obs[j];
            }
        }
        finite
    }

    /// Adds everything `other` collected.
    pub fn merge(&mut self, other: &Collector) {
        for (a, b) in self.moments.iter_mut().zip(&other.moments) {
            a.merge(b);
        }
        for (a, b) in self.sketches.iter_mut().zip(&other.sketches) {
            a.merge(b);
        }
        self.first_bad_path = match (self.first_bad_path, other.first_bad_path) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.cancelled |= other.cancelled;
    }
}
