//! The Alibaba preset of the cloud model: 100,000 paths x 40 quarters, as the
//! example runs it (every break-even rule, fan-chart sketches), at 1 and 2 threads,
//! next to the random-number floor of the same path-steps. Throughput is in
//! path-steps per second. Run with `cargo bench --bench cloud`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::Scenario;
use outpace::engine::{Component, PathStreams};
use rand::RngExt;
use rayon::prelude::*;
use std::hint::black_box;

const PATHS: usize = 100_000;
const QUARTERS: usize = 40;

fn floor() -> f64 {
    (0..PATHS)
        .into_par_iter()
        .map(|path| {
            let mut rng = PathStreams::new(2026, path as u64).rng(Component::new(0));
            (0..QUARTERS)
                .map(|_| rng.sample::<f64, _>(rand_distr::StandardNormal))
                .sum::<f64>()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let scenario = Scenario::alibaba();
    let mut group = c.benchmark_group("cloud_100k_x_40");
    group.sample_size(10);
    group.throughput(Throughput::Elements((PATHS * QUARTERS) as u64));
    for threads in [1usize, 2] {
        let options = StudyOptions {
            paths: PATHS,
            threads: Some(threads),
            ..StudyOptions::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(BenchmarkId::new("floor", threads), |b| {
            b.iter(|| pool.install(|| black_box(floor())))
        });
        group.bench_function(BenchmarkId::new("study", threads), |b| {
            b.iter(|| black_box(Study::run(&scenario, &options).unwrap().breakevens().len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
