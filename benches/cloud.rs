//! The Alibaba preset of the cloud model: 100,000 paths x 40 quarters, as the
//! example runs it (every break-even rule, fan-chart sketches), at 1 and 2 threads,
//! next to the random-number floor of the same path-steps. Throughput is in
//! path-steps per second. Run with `cargo bench --bench cloud`.

#[path = "support/workloads.rs"]
mod workloads;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use std::hint::black_box;

const PATHS: usize = 100_000;
const QUARTERS: usize = 40;

fn bench(c: &mut Criterion) {
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
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
            b.iter(|| pool.install(|| black_box(workloads::floor_of(PATHS, QUARTERS))))
        });
        group.bench_function(BenchmarkId::new("study", threads), |b| {
            b.iter(|| black_box(Study::run(&model, &options).unwrap().breakevens().len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
