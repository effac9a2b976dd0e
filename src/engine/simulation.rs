//! The builder that runs a [`Model`] over many paths in parallel.

use super::collector::{BLOCK_PATHS, BlockOutput, Collector, PathInputs, RunContext};
use super::first_passage::index_of;
use super::outcome::InputValues;
use super::outcome::{
    CENSORED, Outcome, PassageTimes, RecordedPaths, ScalarSummary, SeriesSummary, StepStats,
};
use super::sampling::{InputDesign, InputSettings, RankCorrelation, Sampler};
use super::{FirstPassage, Grid, Model};
use crate::error::{Error, Result, check};
use ndarray::Array2;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Default cap on the memory paths mode and per-path outputs may take: 1 GiB.
pub const DEFAULT_MEMORY_CAP: u64 = 1 << 30;

/// The most paths a run may have, `2^53`: every count is then exact as an `f64`
/// (the means divide by it), and a run that large would take years.
pub const MAX_PATHS: usize = 1 << 53;

/// The most threads [`Simulation::threads`] accepts. Threads beyond the cores
/// only add start-up time and per-thread accumulators, never precision.
pub const MAX_THREADS: usize = 1024;

/// Bytes the summary accumulators take per point and series in one worker, used to
/// refuse horizons that cannot fit before allocating: two exact sums (70 limbs of 8
/// bytes each), the moments around them, block scratch, and a sketch of typical size.
const SUMMARY_BYTES_PER_CELL: u64 = 2 * 70 * 8 + 96 + 40 + 2048;

/// Which series an option applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    /// Every series of the model.
    #[default]
    All,
    /// No series.
    None,
    /// The named series.
    Only(Vec<String>),
}

impl Selection {
    /// The named series.
    pub fn only<S: AsRef<str>>(names: &[S]) -> Self {
        Selection::Only(names.iter().map(|n| n.as_ref().to_owned()).collect())
    }

    /// Per series of `names`: whether it is selected.
    fn resolve(&self, names: &[&str]) -> Result<Vec<bool>> {
        match self {
            Selection::All => Ok(vec![true; names.len()]),
            Selection::None => Ok(vec![false; names.len()]),
            Selection::Only(wanted) => {
                let mut mask = vec![false; names.len()];
                for name in wanted {
                    mask[index_of(names, name)?] = true;
                }
                Ok(mask)
            }
        }
    }
}

/// Progress and cancellation shared with a running simulation.
///
/// Another thread can read [`done`](RunControl::done) to draw a progress bar and call
/// [`cancel`](RunControl::cancel) to stop the run early; the run then returns
/// [`Error::Cancelled`] once the paths in flight (one per thread) finish.
#[derive(Debug, Default)]
pub struct RunControl {
    done: AtomicU64,
    cancel: AtomicBool,
}

impl RunControl {
    /// A fresh control, to share with [`Simulation::control`].
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Paths finished so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Asks the run to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](RunControl::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A Monte Carlo run of a [`Model`]: configure with the builder methods, then
/// [`run`](Simulation::run).
///
/// Results are **bit-identical for the same seed whatever the number of threads and
/// the chunk size**: each path draws from streams keyed by `(seed, path, component)`
/// (see [`PathStreams`](super::PathStreams)), and accumulators are combined exactly
/// (see [`BLOCK_PATHS`]).
///
/// **Summary mode** (the default) keeps, per point and series, exact moments, min,
/// max and a quantile sketch, plus one `u32` per path for each first-passage rule and
/// one `f64` per path for each scalar outcome of the model (unless
/// [`keep_scalars`](Simulation::keep_scalars) is off): memory does not grow with the
/// number of paths beyond those. **Paths mode**
/// ([`record_paths`](Simulation::record_paths)) also keeps every path.
///
/// **Memory** is checked before anything large is allocated: the accumulators of
/// every worker thread, the per-path outputs (recorded paths, passage times, kept
/// scalars) and their per-block bookkeeping must fit the
/// [`memory_cap`](Simulation::memory_cap), or the run is refused with
/// [`Error::InvalidParameter`] (a horizon too long for the accumulators) or
/// [`Error::MemoryCap`] (too many paths for the per-path outputs). A run without
/// per-path outputs allocates nothing that grows with the number of paths, up to
/// [`MAX_PATHS`].
///
/// **Cancellation** ([`RunControl::cancel`]) is checked before each path: after
/// it, each thread finishes the path it is simulating (at most `steps` steps of
/// the model; the processes of [`process`](crate::process) bound the work of a
/// step, see [`MAX_EXPECTED_EVENTS_PER_STEP`](crate::process::MAX_EXPECTED_EVENTS_PER_STEP))
/// and nothing else starts.
///
/// ```
/// use outpace::engine::{Barrier, FirstPassage, ProcessModel, Simulation};
/// use outpace::process::Gbm;
///
/// let model = ProcessModel::new("price", Gbm::new(0.1, 0.3, 1.0)?);
/// let result = Simulation::new(model)
///     .paths(10_000)
///     .steps(120)
///     .dt(1.0 / 12.0)
///     .seed(42)
///     .first_passage("doubled", FirstPassage::above("price", Barrier::Level(2.0)))
///     .run()?;
/// let price = result.series("price").unwrap();
/// let expected = 1.0f64.exp(); // E[S_10] = e^{0.1 * 10}
/// assert!((price.mean(120) - expected).abs() < 4.0 * price.stats()[120].std_error);
/// assert!(result.passage("doubled").unwrap().probability() > 0.3);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Simulation<M> {
    model: M,
    paths: usize,
    steps: usize,
    dt: f64,
    seed: u64,
    chunk_paths: usize,
    threads: Option<usize>,
    statistics: Selection,
    quantiles: Selection,
    record: Selection,
    keep_scalars: bool,
    input_settings: InputSettings,
    record_inputs: bool,
    memory_cap: u64,
    passages: Vec<(String, FirstPassage)>,
    control: Option<Arc<RunControl>>,
    range: Option<Range<usize>>,
}

impl<M: Model> Simulation<M> {
    /// A simulation of `model` with defaults: 10,000 paths, 1 step of length 1,
    /// seed 0, quantiles for every series, summary mode, the global rayon pool.
    pub fn new(model: M) -> Self {
        Simulation {
            model,
            paths: 10_000,
            steps: 1,
            dt: 1.0,
            seed: 0,
            chunk_paths: BLOCK_PATHS,
            threads: None,
            statistics: Selection::All,
            quantiles: Selection::All,
            record: Selection::None,
            keep_scalars: true,
            input_settings: InputSettings::default(),
            record_inputs: false,
            memory_cap: DEFAULT_MEMORY_CAP,
            passages: Vec::new(),
            control: None,
            range: None,
        }
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// Number of paths (`1..=`[`MAX_PATHS`]).
    #[must_use]
    pub fn paths(mut self, paths: usize) -> Self {
        self.paths = paths;
        self
    }

    /// Number of steps (`> 0`).
    #[must_use]
    pub fn steps(mut self, steps: usize) -> Self {
        self.steps = steps;
        self
    }

    /// Step length in years (finite, `> 0`).
    #[must_use]
    pub fn dt(mut self, dt: f64) -> Self {
        self.dt = dt;
        self
    }

    /// Run seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Paths per unit of parallel work (`> 0`; rounded up to whole blocks of
    /// [`BLOCK_PATHS`]; default one block). Affects scheduling only, never
    /// results. Each worker keeps one set of accumulators whatever the chunk, so
    /// small chunks cost little and balance the threads best.
    #[must_use]
    pub fn chunk_size(mut self, paths: usize) -> Self {
        self.chunk_paths = paths;
        self
    }

    /// Runs on a dedicated pool of `threads` threads (`1..=`[`MAX_THREADS`])
    /// instead of rayon's global pool. Affects speed only, never results.
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Per-point statistics (mean, sd, min, max) for the selected series only
    /// (default: all). Series with quantiles always get statistics too; first-passage
    /// rules and paths mode work on every series regardless.
    #[must_use]
    pub fn statistics_for(mut self, selection: Selection) -> Self {
        self.statistics = selection;
        self
    }

    /// Keeps every path's scalar outcomes (`true`, the default: 8 bytes per path and
    /// scalar), or only their summaries.
    #[must_use]
    pub fn keep_scalars(mut self, on: bool) -> Self {
        self.keep_scalars = on;
        self
    }

    /// Collects quantile sketches for every series (`true`, the default) or none.
    #[must_use]
    pub fn quantiles(mut self, on: bool) -> Self {
        self.quantiles = if on { Selection::All } else { Selection::None };
        self
    }

    /// Collects quantile sketches for the selected series only.
    #[must_use]
    pub fn quantiles_for(mut self, selection: Selection) -> Self {
        self.quantiles = selection;
        self
    }

    /// Paths mode: keeps every path of every series (`true`) or none (`false`, the
    /// default).
    #[must_use]
    pub fn record_paths(mut self, on: bool) -> Self {
        self.record = if on { Selection::All } else { Selection::None };
        self
    }

    /// Paths mode for the selected series only.
    #[must_use]
    pub fn record_paths_for(mut self, selection: Selection) -> Self {
        self.record = selection;
        self
    }

    /// Cap in bytes on what a run allocates: the accumulators of every worker
    /// thread, recorded paths and per-path outputs (default
    /// [`DEFAULT_MEMORY_CAP`], 1 GiB).
    #[must_use]
    pub fn memory_cap(mut self, bytes: u64) -> Self {
        self.memory_cap = bytes;
        self
    }

    /// Records the passage time of every path under `rule`, retrievable as
    /// [`Outcome::passage`]`(name)`.
    #[must_use]
    pub fn first_passage(mut self, name: impl Into<String>, rule: FirstPassage) -> Self {
        self.passages.push((name.into(), rule));
        self
    }

    /// Draws each path's uncertain inputs ([`Model::inputs`]) from `design`
    /// (default [`InputDesign::Draws`]).
    #[must_use]
    pub fn design(mut self, design: InputDesign) -> Self {
        self.input_settings.design = design;
        self
    }

    /// Correlates the named inputs with a rank (Spearman) correlation matrix,
    /// through a Gaussian copula (validated when the simulation runs: symmetric,
    /// unit diagonal, positive semi-definite, every name an input of the model).
    #[must_use]
    pub fn rank_correlation(mut self, correlation: RankCorrelation) -> Self {
        self.input_settings.correlation = Some(correlation);
        self
    }

    /// Fixes the input `name` at `value` on every path (checked against the
    /// input's domain when the simulation runs); the other inputs are drawn as
    /// without it, path by path.
    #[must_use]
    pub fn fix_input(mut self, name: impl Into<String>, value: f64) -> Self {
        self.input_settings.fixed.push((name.into(), value));
        self
    }

    /// Replaces every input setting at once.
    #[must_use]
    pub fn input_settings(mut self, settings: InputSettings) -> Self {
        self.input_settings = settings;
        self
    }

    /// Keeps every path's input vector (8 bytes per path and input, within the
    /// memory cap), retrievable as [`Outcome::inputs`].
    #[must_use]
    pub fn record_inputs(mut self, on: bool) -> Self {
        self.record_inputs = on;
        self
    }

    /// Simulates only the paths `range` of the run of [`paths`](Self::paths)
    /// paths: a **shard** of the run (default: every path). Path `i` of a shard
    /// draws exactly the random numbers (and inputs, whatever the
    /// [`design`](Self::design)) that path `i` draws in the whole run, and the
    /// outcomes of shards that cover `0..paths` merge
    /// ([`Outcome::merge`]) into the outcome of the whole run, bit for bit.
    ///
    /// A shard starts and ends on a boundary of the blocks of [`BLOCK_PATHS`]
    /// paths (or ends at `paths`): the block is the unit of floating-point
    /// summation, so a shard never splits one. [`Shard::range`](super::Shard::range)
    /// cuts a run into such ranges. Every shard also simulates path 0, whose values
    /// are the shifts of the moments.
    ///
    /// ```
    /// use outpace::engine::{Outcome, ProcessModel, Shard, Simulation};
    /// use outpace::process::Gbm;
    ///
    /// let run = Simulation::new(ProcessModel::new("price", Gbm::new(0.1, 0.3, 1.0)?))
    ///     .paths(1_000)
    ///     .steps(12)
    ///     .dt(1.0 / 12.0);
    /// let shards = (0..3)
    ///     .map(|i| run.clone().path_range(Shard::new(i, 3)?.range(1_000)).run())
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let merged = Outcome::merge(&shards)?;
    /// let whole = run.run()?;
    /// assert_eq!(merged.series("price").unwrap().stats(), whole.series("price").unwrap().stats());
    /// # Ok::<(), outpace::Error>(())
    /// ```
    #[must_use]
    pub fn path_range(mut self, range: Range<usize>) -> Self {
        self.range = Some(range);
        self
    }

    /// The paths this simulation runs: its [`path_range`](Self::path_range), or
    /// every path.
    fn shard(&self) -> Range<usize> {
        self.range.clone().unwrap_or(0..self.paths)
    }

    /// Shares progress and cancellation with another thread.
    #[must_use]
    pub fn control(mut self, control: &Arc<RunControl>) -> Self {
        self.control = Some(Arc::clone(control));
        self
    }

    /// The input values path `path` of this run draws (one per
    /// [`Model::inputs`], in order), without simulating it: what a report needs to
    /// say which inputs a failed path had.
    ///
    /// # Errors
    /// As [`run`](Self::run) for the input settings, or a path beyond the run.
    pub fn path_inputs(&self, path: usize) -> Result<Vec<f64>> {
        if path >= self.paths {
            return Err(Error::invalid(
                "path",
                path,
                format!("must be below the run's {} paths", self.paths),
            ));
        }
        let sampler = Sampler::new(
            &self.input_settings,
            self.model.inputs(),
            self.seed,
            self.paths as u64,
        )?;
        let mut values = vec![0.0; self.model.inputs().len()];
        let mut scratch = vec![0.0; sampler.scratch_len()];
        sampler.fill(path as u64, &mut values, &mut scratch);
        Ok(values)
    }

    /// Runs the simulation.
    ///
    /// # Errors
    /// Invalid settings ([`Error::InvalidParameter`]), unknown series names
    /// ([`Error::UnknownSeries`]), a request above the memory cap
    /// ([`Error::MemoryCap`]), a model that emits a non-finite value
    /// ([`Error::NonFinite`], naming the path, point and series), or a cancelled run
    /// ([`Error::Cancelled`]).
    pub fn run(&self) -> Result<Outcome> {
        let grid = Grid::new(self.steps, self.dt)?;
        let settings = self.validate(&grid)?;
        let plan = self.model.plan(&grid)?;
        let series = settings.names.len();
        let scalars = self.model.scalars().len();
        let mut ctx = RunContext {
            model: &self.model,
            plan: &plan,
            grid,
            seed: self.seed,
            paths: self.paths,
            series,
            summarised: settings.summarised,
            sketched: (0..series).filter(|&j| settings.sketched[j]).collect(),
            passages: settings.passages,
            recorded: (0..series).filter(|&j| settings.recorded[j]).collect(),
            exponentiated: settings.exponentiated,
            scalars,
            keep_scalars: self.keep_scalars,
            shift: vec![0.0; grid.points() * series],
            scalar_shift: vec![0.0; scalars],
            control: self.control.as_deref(),
            inputs: self.model.inputs().len(),
            sampler: settings.sampler,
        };
        // The first path's values are the shifts of every moment (see `Moments`).
        let (mut shift, mut scalar_shift) = (ctx.shift.clone(), ctx.scalar_shift.clone());
        ctx.simulate(0, &mut shift, &mut scalar_shift, &mut PathInputs::new(&ctx));
        if let Some((at, value)) = ctx.locate_non_finite(&shift, &scalar_shift) {
            return Err(self.non_finite(0, at, value));
        }
        ctx.shift = shift;
        ctx.scalar_shift = scalar_shift;
        match self.threads {
            None => self.execute(&ctx, &settings.names),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::external(format!("cannot start {n} threads"), e))?
                .install(|| self.execute(&ctx, &settings.names)),
        }
    }

    /// Checks every setting and resolves names; allocates nothing large.
    fn validate(&self, grid: &Grid) -> Result<Settings<'_>> {
        check::count_in("paths", self.paths, MAX_PATHS as u64)?;
        self.check_range()?;
        check::positive_count("chunk_size", self.chunk_paths)?;
        if let Some(n) = self.threads {
            check::count_in("threads", n, MAX_THREADS as u64)?;
        }
        if self.memory_cap == 0 {
            return Err(Error::invalid("memory_cap", 0, "must be > 0 bytes"));
        }
        let names = self.model.series().to_vec();
        if names.is_empty() {
            return Err(Error::invalid(
                "series",
                "[]",
                "a model must emit at least one series",
            ));
        }
        check_unique("series", &names)?;
        check_unique("scalars", &self.model.scalars().to_vec())?;
        let exponentiated = self.resolve_exponentiated(&names)?;
        let passages = self
            .passages
            .iter()
            .map(|(name, rule)| {
                rule.resolve(&names)
                    .map_err(|e| e.within(&format!("first_passage[{name}]")))
            })
            .collect::<Result<Vec<_>>>()?;
        let sketched = self.quantiles.resolve(&names)?;
        let summarised = self.statistics.resolve(&names)?;
        let recorded = self.record.resolve(&names)?;
        let sampler = Sampler::new(
            &self.input_settings,
            self.model.inputs(),
            self.seed,
            self.paths as u64,
        )?;
        let settings = Settings {
            names,
            sampler,
            summarised: summarised
                .iter()
                .zip(&sketched)
                .map(|(a, b)| *a || *b)
                .collect(),
            sketched,
            recorded,
            passages,
            exponentiated,
        };
        self.check_memory(grid, &settings)?;
        Ok(settings)
    }

    /// A [`path_range`](Self::path_range) within the run, on block boundaries.
    fn check_range(&self) -> Result<()> {
        let Some(range) = &self.range else {
            return Ok(());
        };
        let shown = format!("{}..{}", range.start, range.end);
        if range.start > range.end || range.end > self.paths {
            return Err(Error::invalid(
                "path_range",
                shown,
                format!("must be a range within the run's 0..{}", self.paths),
            ));
        }
        let on_boundary = |i: usize| i.is_multiple_of(BLOCK_PATHS) || i == self.paths;
        if !on_boundary(range.start) || !on_boundary(range.end) {
            return Err(Error::invalid(
                "path_range",
                shown,
                format!(
                    "must start and end on a multiple of {BLOCK_PATHS} paths (a block) or at \
                     the run's end ({})",
                    self.paths
                ),
            ));
        }
        Ok(())
    }

    /// The indices of the series the model writes as logarithms.
    fn resolve_exponentiated(&self, names: &[&str]) -> Result<Vec<usize>> {
        let exponentiated = self.model.exponentiated().to_vec();
        check_unique("exponentiated", &exponentiated)?;
        exponentiated
            .iter()
            .map(|name| {
                names.iter().position(|n| n == name).ok_or_else(|| {
                    Error::invalid("exponentiated", name, "must name a series of the model")
                })
            })
            .collect()
    }

    fn check_memory(&self, grid: &Grid, settings: &Settings<'_>) -> Result<()> {
        let cells = grid.points() as u128 * settings.names.len() as u128;
        let per_worker = cells * SUMMARY_BYTES_PER_CELL as u128;
        if per_worker > self.memory_cap as u128 {
            return Err(Error::invalid(
                "steps",
                grid.steps(),
                format!(
                    "the horizon needs about {per_worker} bytes of accumulators per thread \
                     ({} points x {} series), above the memory cap of {} bytes",
                    grid.points(),
                    settings.names.len(),
                    self.memory_cap
                ),
            ));
        }
        let workers = self
            .workers()
            .min(self.shard().len().div_ceil(BLOCK_PATHS).max(1));
        let summary = per_worker * workers as u128;
        if summary > self.memory_cap as u128 {
            return Err(Error::invalid(
                "threads",
                workers,
                format!(
                    "the accumulators of {workers} threads need about {summary} bytes \
                     ({per_worker} each), above the memory cap of {} bytes: use fewer threads",
                    self.memory_cap
                ),
            ));
        }
        let recorded = settings.recorded.iter().filter(|&&r| r).count();
        let shard = self.shard().len();
        let matrices = shard as u128 * grid.points() as u128 * recorded as u128 * 8;
        let kept = if self.keep_scalars {
            self.model.scalars().len() as u128 * 8
        } else {
            0
        };
        let inputs = if self.record_inputs {
            self.model.inputs().len() as u128 * 8
        } else {
            0
        };
        let per_path = shard as u128 * (settings.passages.len() as u128 * 4 + kept + inputs);
        if matrices + per_path > self.memory_cap as u128 {
            return Err(Error::MemoryCap {
                requested: matrices + per_path,
                cap: self.memory_cap,
                paths: shard,
                points: grid.points(),
                series: recorded,
            });
        }
        Ok(())
    }

    /// The number of worker threads the run will use.
    fn workers(&self) -> usize {
        self.threads.unwrap_or_else(rayon::current_num_threads)
    }

    /// The parallel part: blocks run into one collector per worker thread, merged
    /// exactly.
    fn execute(&self, ctx: &RunContext<'_, M>, names: &[&str]) -> Result<Outcome> {
        let points = ctx.grid.points();
        let shard = self.shard();
        // The shard's first and last blocks: it starts on a block boundary.
        let blocks = shard.start / BLOCK_PATHS..shard.end.div_ceil(BLOCK_PATHS);
        let paths = shard.len();
        let chunk_blocks = self.chunk_paths.div_ceil(BLOCK_PATHS);
        let kept_scalars = if ctx.keep_scalars { ctx.scalars } else { 0 };
        let mut buffers = Buffers {
            matrices: (0..ctx.recorded.len())
                .map(|_| vec![0.0; paths * points])
                .collect(),
            times: ctx.passages.iter().map(|_| vec![CENSORED; paths]).collect(),
            scalars: (0..kept_scalars).map(|_| vec![0.0; paths]).collect(),
            inputs: (0..if self.record_inputs { ctx.inputs } else { 0 })
                .map(|_| vec![0.0; paths])
                .collect(),
        };
        // One collector per worker thread, kept for every block the thread runs:
        // a collector per rayon piece (as `fold` makes) meant setting up and
        // merging ten or more sets of sketches per run at 2 threads.
        let workers: Vec<Mutex<Option<Collector>>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(None))
            .collect();
        let run = |block: usize, out: BlockOutput<'_>| -> std::result::Result<(), Stop> {
            let slot = &workers[rayon::current_thread_index().unwrap_or(0) % workers.len()];
            let taken = lock_slot(slot).take();
            let mut collector = taken.unwrap_or_else(|| Collector::new(ctx));
            let outcome = self.run_block(ctx, &mut collector, block, out);
            let mut kept = lock_slot(slot);
            match kept.as_mut() {
                Some(other) => other.merge(&collector),
                None => *kept = Some(collector),
            }
            outcome
        };
        // The blocks and the slices of the per-path outputs they write are split
        // in halves as rayon's scheduler asks (never below a chunk), so nothing is
        // allocated per block: memory does not grow with the number of blocks.
        let all = Span {
            blocks,
            out: buffers.output(),
        };
        let _ = rayon::iter::split(all, |span| span.halve(chunk_blocks, ctx)).try_for_each(
            |span| -> std::result::Result<(), Stop> {
                let Span { blocks, mut out } = span;
                for block in blocks {
                    let (first, rest) = split_output(out, ctx.block_range(block).len(), points);
                    run(block, first)?;
                    out = rest;
                }
                Ok(())
            },
        );
        let collector = workers
            .into_iter()
            .filter_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
            .reduce(|mut a, b| {
                a.merge(&b);
                a
            })
            // Only an empty shard runs no block.
            .unwrap_or_else(|| Collector::new(ctx));
        if collector.cancelled {
            return Err(Error::Cancelled);
        }
        if let Some(path) = collector.first_bad_path {
            let (at, value) = ctx.first_non_finite(path).unwrap_or(((0, 0), f64::NAN));
            return Err(self.non_finite(path, at, value));
        }
        Ok(self.assemble(ctx, names, collector, buffers))
    }

    /// Runs one block into `collector`, unless the run was cancelled: then
    /// [`Stop`], which ends the parallel loop without visiting the other blocks.
    fn run_block(
        &self,
        ctx: &RunContext<'_, M>,
        collector: &mut Collector,
        block: usize,
        out: BlockOutput<'_>,
    ) -> std::result::Result<(), Stop> {
        let control = self.control.as_deref();
        if control.is_some_and(RunControl::is_cancelled) {
            collector.cancelled = true;
            return Err(Stop);
        }
        collector.run_block(ctx, block, out);
        if collector.cancelled {
            return Err(Stop);
        }
        if let Some(c) = control {
            c.done
                .fetch_add(ctx.block_range(block).len() as u64, Ordering::Relaxed);
        }
        Ok(())
    }

    /// The error for a non-finite value of `path` at `(point, index)`; a point past
    /// the horizon designates scalar outcome `index`.
    fn non_finite(&self, path: usize, (k, j): (usize, usize), value: f64) -> Error {
        let (series, step) = if k > self.steps {
            (self.model.scalars().get(j), self.steps)
        } else {
            (self.model.series().get(j), k)
        };
        Error::NonFinite {
            series: series.unwrap_or_default().to_owned(),
            path,
            step,
            value: crate::error::Value::Number(value),
        }
    }

    fn assemble(
        &self,
        ctx: &RunContext<'_, M>,
        names: &[&str],
        collector: Collector,
        buffers: Buffers,
    ) -> Outcome {
        let points = ctx.grid.points();
        let shard = self.shard();
        let series_moments: Vec<Vec<_>> = (0..ctx.series)
            .filter(|&j| ctx.summarised[j])
            .map(|j| {
                (0..points)
                    .map(|k| collector.moments[k * ctx.series + j].clone())
                    .collect()
            })
            .collect();
        let mut moments = series_moments.iter();
        let series = names
            .iter()
            .enumerate()
            .filter(|(j, _)| ctx.summarised[*j])
            .map(|(j, name)| {
                let stats = moments
                    .next()
                    .expect("one list of moments per summarised series")
                    .iter()
                    .map(StepStats::from)
                    .collect();
                let sketched = ctx.sketched.len();
                let sketches = ctx.sketched.iter().position(|&s| s == j).map(|slot| {
                    (0..points)
                        .map(|k| collector.sketches[k * sketched + slot].clone())
                        .collect()
                });
                SeriesSummary::new((*name).to_owned(), stats, sketches)
            })
            .collect();
        let passages = self
            .passages
            .iter()
            .zip(buffers.times)
            .map(|((name, _), t)| PassageTimes::new(name.clone(), ctx.grid.steps(), t))
            .collect();
        let mut kept = buffers.scalars.into_iter();
        let scalars = self
            .model
            .scalars()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let stats = StepStats::from(&collector.scalar_moments[i]);
                let sketch = collector.scalar_sketches[i].clone();
                ScalarSummary::new(name.to_owned(), stats, sketch, kept.next())
            })
            .collect();
        let recorded = (!buffers.matrices.is_empty()).then(|| {
            let recorded_names = ctx.recorded.iter().map(|&j| names[j].to_owned()).collect();
            let arrays = buffers
                .matrices
                .into_iter()
                .map(|m| {
                    Array2::from_shape_vec((shard.len(), points), m)
                        .expect("buffer sized paths x points")
                })
                .collect();
            RecordedPaths::new(recorded_names, arrays)
        });
        let inputs = (!buffers.inputs.is_empty()).then(|| {
            let declared = self.model.inputs();
            let mut values = Array2::zeros((shard.len(), declared.len()));
            for (j, column) in buffers.inputs.iter().enumerate() {
                values
                    .column_mut(j)
                    .assign(&ndarray::ArrayView1::from(&column[..]));
            }
            InputValues::new(declared, values)
        });
        Outcome {
            grid: ctx.grid,
            seed: self.seed,
            paths: shard.len(),
            range: shard,
            run_paths: self.paths,
            series,
            series_moments,
            passages,
            scalars,
            scalar_moments: collector.scalar_moments,
            recorded,
            inputs,
        }
    }
}

/// Settings resolved against the model's series names and inputs.
struct Settings<'a> {
    names: Vec<&'a str>,
    sampler: Sampler,
    summarised: Vec<bool>,
    sketched: Vec<bool>,
    recorded: Vec<bool>,
    passages: Vec<super::first_passage::ResolvedPassage>,
    exponentiated: Vec<usize>,
}

fn check_unique(what: &str, names: &[&str]) -> Result<()> {
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(Error::invalid(what, name, "names must be unique"));
        }
    }
    Ok(())
}

/// Ends the parallel loop over blocks once the run is cancelled.
struct Stop;

/// A run of consecutive blocks and the slices of the per-path outputs they write.
struct Span<'a> {
    blocks: std::ops::Range<usize>,
    out: BlockOutput<'a>,
}

impl<'a> Span<'a> {
    /// The two halves of the span, or the span itself if it has at most `chunk`
    /// blocks.
    fn halve<M: Model>(self, chunk: usize, ctx: &RunContext<'_, M>) -> (Self, Option<Self>) {
        if self.blocks.len() <= chunk.max(1) {
            return (self, None);
        }
        let mid = self.blocks.start + self.blocks.len() / 2;
        let paths = ctx.block_range(mid).start - ctx.block_range(self.blocks.start).start;
        let (left, right) = split_output(self.out, paths, ctx.grid.points());
        (
            Span {
                blocks: self.blocks.start..mid,
                out: left,
            },
            Some(Span {
                blocks: mid..self.blocks.end,
                out: right,
            }),
        )
    }
}

/// Splits the outputs of a run of paths after its first `paths` paths.
fn split_output(
    out: BlockOutput<'_>,
    paths: usize,
    points: usize,
) -> (BlockOutput<'_>, BlockOutput<'_>) {
    fn halves<T>(slices: Vec<&mut [T]>, at: usize) -> (Vec<&mut [T]>, Vec<&mut [T]>) {
        slices.into_iter().map(|s| s.split_at_mut(at)).unzip()
    }
    let (paths_a, paths_b) = halves(out.paths, paths * points);
    let (times_a, times_b) = halves(out.times, paths);
    let (scalars_a, scalars_b) = halves(out.scalars, paths);
    let (inputs_a, inputs_b) = halves(out.inputs, paths);
    (
        BlockOutput {
            times: times_a,
            paths: paths_a,
            scalars: scalars_a,
            inputs: inputs_a,
        },
        BlockOutput {
            times: times_b,
            paths: paths_b,
            scalars: scalars_b,
            inputs: inputs_b,
        },
    )
}

/// The per-path outputs of a run: recorded paths, passage times, kept scalars,
/// recorded inputs (one column per input).
struct Buffers {
    matrices: Vec<Vec<f64>>,
    times: Vec<Vec<u32>>,
    scalars: Vec<Vec<f64>>,
    inputs: Vec<Vec<f64>>,
}

impl Buffers {
    /// Every buffer, whole, as the outputs of all the paths.
    fn output(&mut self) -> BlockOutput<'_> {
        BlockOutput {
            times: self.times.iter_mut().map(|t| &mut t[..]).collect(),
            paths: self.matrices.iter_mut().map(|m| &mut m[..]).collect(),
            scalars: self.scalars.iter_mut().map(|s| &mut s[..]).collect(),
            inputs: self.inputs.iter_mut().map(|s| &mut s[..]).collect(),
        }
    }
}

/// A worker's collector slot. A slot is locked only to take or return its
/// collector, never while a block runs, so even a poisoned lock (a panic while
/// merging, which rayon re-raises anyway) holds consistent data.
fn lock_slot(slot: &Mutex<Option<Collector>>) -> MutexGuard<'_, Option<Collector>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}
