//! The engine against the random-number floor.
//!
//! Workload: geometric Brownian motion (mu 0.1, sigma 0.3, S0 1), 100,000 paths x
//! 120 monthly steps, summary mode (per-step mean, sd, min, max; quantile sketches
//! off and on). The floor draws the same 120 standard normals per path from the same
//! keyed Xoshiro256++ streams and sums them. Throughput is reported in path-steps per
//! second; the engine's overhead is the ratio of its time to the floor's, at the same
//! thread count.
//!
//! Run with `cargo bench --bench engine`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use outpace::engine::{Component, PathStreams, ProcessModel, Simulation};
use outpace::process::Gbm;
use rand::RngExt;
use rayon::prelude::*;
use std::hint::black_box;

const PATHS: usize = 100_000;
const STEPS: usize = 120;

/// Sum of 120 standard normals per path, summed over paths in parallel.
fn floor(paths: usize) -> f64 {
    (0..paths)
        .into_par_iter()
        .map(|path| {
            let mut rng = PathStreams::new(42, path as u64).rng(Component::new(0));
            (0..STEPS)
                .map(|_| rng.sample::<f64, _>(rand_distr::StandardNormal))
                .sum::<f64>()
        })
        .sum()
}

fn engine(paths: usize, quantiles: bool) -> f64 {
    let model = ProcessModel::new("s", Gbm::new(0.1, 0.3, 1.0).unwrap());
    let run = Simulation::new(model)
        .paths(paths)
        .steps(STEPS)
        .dt(1.0 / 12.0)
        .seed(42)
        .quantiles(quantiles)
        .run()
        .unwrap();
    run.series("s").unwrap().mean(STEPS)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("gbm_100k_x_120");
    group.sample_size(10);
    group.throughput(Throughput::Elements((PATHS * STEPS) as u64));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(BenchmarkId::new("floor", threads), |b| {
            b.iter(|| pool.install(|| black_box(floor(PATHS))))
        });
        group.bench_function(BenchmarkId::new("engine", threads), |b| {
            b.iter(|| pool.install(|| black_box(engine(PATHS, false))))
        });
        group.bench_function(BenchmarkId::new("engine_quantiles", threads), |b| {
            b.iter(|| pool.install(|| black_box(engine(PATHS, true))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
