//! Workload W against the random-number floor and a hand-written loop.
//!
//! W: geometric Brownian motion (mu 0.1, sigma 0.3, S0 1, dt 1/12), 1,000,000 paths x
//! 120 monthly steps; per path the first step with S >= 2 and the terminal value,
//! reduced to the mean terminal value, the share of paths that crossed and the mean
//! crossing step. Every function below does that work (the floor excepted) and is
//! timed at 1 and 2 threads; throughput is in path-steps (elements) per second, so
//! ratios to the floor read straight off criterion's `thrpt` lines:
//!
//! * `floor`: 120 standard normals per path from the same keyed Xoshiro256++ streams
//!   with rand_distr's `StandardNormal`, summed;
//! * `hand`: a hand-written rayon loop for W (exact log step, per-path generator);
//! * `outpace`: W through the public API: `ProcessModel<Gbm>` on the log scale with
//!   its terminal value as a scalar outcome, a first-passage rule, summary mode;
//! * `outpace_level`: W observing the level S instead of its log (the engine
//!   exponentiates each path);
//! * `outpace_fan`: the level S with per-step mean, sd, min, max and quantile
//!   sketches (a fan chart of S) plus the passage rule.
//!
//! `tests/bench_workloads.rs` checks the reduced statistics of each workload against
//! the closed forms. Run with `cargo bench --bench engine`. On a machine whose speed
//! drifts, `cargo run --release --example throughput` times the same functions
//! interleaved, which keeps their ratios steadier.

#[path = "support/workloads.rs"]
mod workloads;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use workloads::{STEPS, floor, hand, outpace_fan, outpace_level, outpace_w};

const PATHS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("w_1m_x_120");
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
        group.bench_function(BenchmarkId::new("hand", threads), |b| {
            b.iter(|| pool.install(|| black_box(hand(PATHS))))
        });
        group.bench_function(BenchmarkId::new("outpace", threads), |b| {
            b.iter(|| pool.install(|| black_box(outpace_w(PATHS))))
        });
        group.bench_function(BenchmarkId::new("outpace_level", threads), |b| {
            b.iter(|| pool.install(|| black_box(outpace_level(PATHS))))
        });
        group.bench_function(BenchmarkId::new("outpace_fan", threads), |b| {
            b.iter(|| pool.install(|| black_box(outpace_fan(PATHS))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
