//! Workload W and its variants, shared by `benches/engine.rs` and
//! `tests/bench_workloads.rs` (which checks their results against closed forms).
//!
//! W: geometric Brownian motion (mu 0.1, sigma 0.3, S0 1, dt 1/12), 120 monthly
//! steps; per path the first step with S >= 2 and the terminal value, reduced to the
//! mean terminal value, the share of paths that crossed and the mean crossing step.
#![allow(dead_code)]

use outpace::engine::{
    Barrier, Component, FirstPassage, PathRng, PathStreams, ProcessModel, Selection, Simulation,
};
use outpace::process::Gbm;
use rand::{RngExt, TryRng};
use rayon::prelude::*;
use std::convert::Infallible;

pub const STEPS: usize = 120;
pub const DT: f64 = 1.0 / 12.0;
pub const SEED: u64 = 42;

/// Mean terminal value, share crossed, mean crossing step (for `outpace_fan`: mean
/// terminal value, share crossed, median terminal value).
pub type Reduced = (f64, f64, f64);

/// Paths per rayon task in the floor and the hand-written loop.
const CHUNK: usize = 1_024;

/// Evaluates `path` on every path index in parallel and adds the results with
/// `add`: rayon tasks of [`CHUNK`] consecutive paths, each a plain serial loop. A
/// per-path rayon closure instead made the same sampler loop 38% slower here
/// (0.70 s against 0.51 s for the floor at 1 thread, measured once in a scratch
/// binary; see `docs/performance.md`): LLVM compiles the inlined
/// ziggurat differently inside rayon's per-item machinery.
fn sum_paths<T: Copy + Send + Sync>(
    paths: usize,
    zero: T,
    path: impl Fn(usize) -> T + Sync,
    add: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    (0..paths.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| {
            (chunk * CHUNK..((chunk + 1) * CHUNK).min(paths))
                .map(&path)
                .fold(zero, &add)
        })
        .reduce(|| zero, &add)
}

/// The floor: 120 rand_distr standard normals per path from the keyed streams, summed.
pub fn floor(paths: usize) -> f64 {
    floor_of(paths, STEPS)
}

/// The floor of `paths` paths of `steps` normals each.
pub fn floor_of(paths: usize, steps: usize) -> f64 {
    sum_paths(
        paths,
        0.0,
        |path| floor_path::<FLOOR>(path, steps),
        |a, b| a + b,
    )
}

/// The floor without rayon: the paths split into `threads` equal ranges, one
/// scoped thread each (a reference for the speed-up the machine allows).
pub fn floor_static(paths: usize, threads: usize) -> f64 {
    let share = paths.div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = (0..threads)
            .map(|i| {
                let range = (i * share).min(paths)..((i + 1) * share).min(paths);
                scope.spawn(move || {
                    range
                        .map(|path| floor_path::<FLOOR_STATIC>(path, STEPS))
                        .sum::<f64>()
                })
            })
            .collect();
        parts.into_iter().map(|p| p.join().unwrap()).sum()
    })
}

/// One path of the floor, `steps` normals, drawn through generator type
/// `Stream<WORKLOAD>`.
#[inline(always)]
fn floor_path<const WORKLOAD: u8>(path: usize, steps: usize) -> f64 {
    let mut rng = Stream::<WORKLOAD>::of(path);
    (0..steps)
        .map(|_| rng.sample::<f64, _>(rand_distr::StandardNormal))
        .sum()
}

/// Tags of [`Stream`], one per workload that draws with rand_distr's sampler.
const FLOOR: u8 = 0;
const HAND: u8 = 1;
const FLOOR_STATIC: u8 = 2;

/// Path `path`'s generator (the engine's keyed stream), as a type of its own per
/// workload. rand_distr's `StandardNormal::sample` is `#[inline]`, not
/// `#[inline(always)]`, so LLVM weighs inlining it against all its call sites: in
/// one build the floor and the hand loop, sharing one instantiation, called it as
/// a function with the generator's state in memory (6.4-7.8 ns a draw instead
/// of 4.4 ns), after a change to unrelated code. With one instantiation per workload
/// each is inlined into its own loop; `docs/performance.md` shows how to check
/// that no call remains.
struct Stream<const WORKLOAD: u8>(PathRng);

impl<const WORKLOAD: u8> Stream<WORKLOAD> {
    #[inline(always)]
    fn of(path: usize) -> Self {
        Stream(PathStreams::new(SEED, path as u64).rng(Component::new(0)))
    }
}

impl<const WORKLOAD: u8> TryRng for Stream<WORKLOAD> {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.0.try_next_u32()
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0.try_next_u64()
    }

    #[inline(always)]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.try_fill_bytes(dst)
    }
}

/// W as a hand-written rayon loop: exact log step, one generator per path.
pub fn hand(paths: usize) -> Reduced {
    let (drift, vol) = ((0.1 - 0.5 * 0.3 * 0.3) * DT, 0.3 * DT.sqrt());
    let barrier = 2f64.ln();
    let path = |path: usize| {
        let mut rng = Stream::<HAND>::of(path);
        let mut log_s = 0.0;
        let mut hit = 0usize;
        for k in 1..=STEPS {
            log_s += drift + vol * rng.sample::<f64, _>(rand_distr::StandardNormal);
            if hit == 0 && log_s >= barrier {
                hit = k;
            }
        }
        (log_s.exp(), u64::from(hit > 0), hit as u64)
    };
    let add = |a: (f64, u64, u64), b: (f64, u64, u64)| (a.0 + b.0, a.1 + b.1, a.2 + b.2);
    let (terminal, crossed, steps) = sum_paths(paths, (0.0, 0, 0), path, add);
    (
        terminal / paths as f64,
        crossed as f64 / paths as f64,
        steps as f64 / crossed as f64,
    )
}

/// W's model: GBM on the log scale with its terminal level as a scalar outcome.
pub fn w_model() -> ProcessModel<Gbm> {
    ProcessModel::new("log_s", gbm())
        .log_scale()
        .terminal_value("s")
}

/// W through outpace's public API, summary mode.
pub fn outpace_w(paths: usize) -> Reduced {
    reduce_w(w_model(), paths, "log_s", 2f64.ln(), "s")
}

/// W on the level S instead of its log: the same work plus the exponential of each
/// path's log-levels (the passage rule compares S with 2), to separate the cost of
/// the level from that of the fan chart.
pub fn outpace_level(paths: usize) -> Reduced {
    let model = ProcessModel::new("s", gbm()).terminal_value("s_T");
    reduce_w(model, paths, "s", 2.0, "s_T")
}

/// W's process.
fn gbm() -> Gbm {
    Gbm::new(0.1, 0.3, 1.0).unwrap()
}

/// W's grid and seed, for `paths` paths of `model`.
fn simulation(model: ProcessModel<Gbm>, paths: usize) -> Simulation<ProcessModel<Gbm>> {
    Simulation::new(model)
        .paths(paths)
        .steps(STEPS)
        .dt(DT)
        .seed(SEED)
}

/// Runs `model` in summary mode without per-step statistics, with the passage of
/// series `observed` above `barrier`, and reduces it with the terminal scalar
/// `terminal`.
fn reduce_w(
    model: ProcessModel<Gbm>,
    paths: usize,
    observed: &str,
    barrier: f64,
    terminal: &str,
) -> Reduced {
    let run = simulation(model, paths)
        .statistics_for(Selection::None)
        .quantiles(false)
        .keep_scalars(false)
        .first_passage(
            "doubled",
            FirstPassage::above(observed, Barrier::Level(barrier)),
        )
        .run()
        .unwrap();
    let passage = run.passage("doubled").unwrap();
    (
        run.scalar(terminal).unwrap().stats().mean,
        passage.probability(),
        passage.mean().unwrap(),
    )
}

/// GBM level with per-step statistics and quantile sketches (a fan chart) and the
/// passage rule.
pub fn outpace_fan(paths: usize) -> Reduced {
    let run = simulation(ProcessModel::new("s", gbm()), paths)
        .first_passage("doubled", FirstPassage::above("s", Barrier::Level(2.0)))
        .run()
        .unwrap();
    let passage = run.passage("doubled").unwrap();
    let s = run.series("s").unwrap();
    (
        s.mean(STEPS),
        passage.probability(),
        s.quantile(STEPS, 0.5).unwrap(),
    )
}

/// The fan chart of S without the passage rule: summary mode with nothing kept
/// per path, whose memory must not grow with the number of paths.
pub fn outpace_summary(paths: usize) -> Reduced {
    let run = simulation(ProcessModel::new("s", gbm()), paths)
        .run()
        .unwrap();
    let s = run.series("s").unwrap();
    (s.mean(STEPS), s.mean(1), s.quantile(STEPS, 0.5).unwrap())
}
