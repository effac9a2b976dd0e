//! The cost of merging shards (issue 17), against the simulation it saves.
//!
//! The Alibaba preset's study (40 quarters, its break-even rules and fan
//! series, NPV kept per path), `PATHS` paths cut into 3 shards:
//!
//! * `simulate`: the whole run, for scale;
//! * `merge`: [`Outcome::merge`] of the 3 shards' outcomes;
//! * `write_states`: the 3 outcomes to [`OutcomeState`] and JSON;
//! * `read_states`: the 3 JSON states parsed and checked ([`Outcome::from_state`]).
//!
//! And a Sobol analysis of the preset (`SOBOL_BASE` base points, 9 inputs and
//! the noise factor: 12 blocks) in 3 shards of rows (`merge_sobol_rows_in_3`):
//!
//! * `simulate`: every row, for scale;
//! * `merge`: [`Rows::merge`] of the 3 shards' rows;
//! * `write_rows` / `read_rows`: the 3 shards' rows to JSON and back (checked);
//! * `estimate`: the indices and intervals from the merged rows.
//!
//! Run with `cargo bench --bench merge`; the figures are in `docs/performance.md`,
//! "Scale-out".

use criterion::{Criterion, criterion_group, criterion_main};
use outpace::analysis::sensitivity::{Method, Rows, SobolSettings};
use outpace::analysis::{Study, StudyOptions};
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{Outcome, OutcomeState, Shard};
use std::hint::black_box;

const PATHS: usize = 20_000;
const SHARDS: usize = 3;
const SOBOL_BASE: u64 = 2048;

fn bench(c: &mut Criterion) {
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
    let options = StudyOptions {
        paths: PATHS,
        seed: 7,
        ..StudyOptions::default()
    };
    let shards: Vec<Outcome> = (0..SHARDS)
        .map(|i| {
            let range = Shard::new(i, SHARDS).unwrap().range(PATHS);
            Study::simulate_paths(&model, &options, range).unwrap()
        })
        .collect();
    let json: Vec<String> = shards
        .iter()
        .map(|s| serde_json::to_string(&s.to_state()).unwrap())
        .collect();
    let mut group = c.benchmark_group("merge_alibaba_20k_in_3");
    group.sample_size(10);
    group.bench_function("simulate", |b| {
        b.iter(|| black_box(Study::simulate_paths(&model, &options, 0..PATHS).unwrap()))
    });
    group.bench_function("merge", |b| {
        b.iter(|| black_box(Outcome::merge(black_box(&shards)).unwrap()))
    });
    group.bench_function("write_states", |b| {
        b.iter(|| {
            let sizes = shards
                .iter()
                .map(|s| serde_json::to_string(&s.to_state()).unwrap().len());
            black_box(sizes.sum::<usize>())
        })
    });
    group.bench_function("read_states", |b| {
        b.iter(|| {
            let parts = json.iter().map(|text| {
                let state: OutcomeState = serde_json::from_str(text).unwrap();
                Outcome::from_state(state).unwrap()
            });
            black_box(parts.collect::<Vec<_>>())
        })
    });
    group.finish();
}

fn bench_sobol_rows(c: &mut Criterion) {
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
    let options = StudyOptions {
        seed: 7,
        ..StudyOptions::default()
    };
    let method = Method::Sobol(SobolSettings {
        base: SOBOL_BASE,
        ..SobolSettings::default()
    });
    let rows = method.rows(&model, &options).unwrap();
    let shards: Vec<Rows> = (0..SHARDS)
        .map(|i| {
            let range = Shard::new(i, SHARDS).unwrap().range(rows);
            method.simulate(&model, &options, range).unwrap()
        })
        .collect();
    let json: Vec<String> = shards
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
    let merged = Rows::merge(&shards).unwrap();
    let mut group = c.benchmark_group("merge_sobol_rows_in_3");
    group.sample_size(10);
    group.bench_function("simulate", |b| {
        b.iter(|| black_box(method.simulate(&model, &options, 0..rows).unwrap()))
    });
    group.bench_function("merge", |b| {
        b.iter(|| black_box(Rows::merge(black_box(&shards)).unwrap()))
    });
    group.bench_function("write_rows", |b| {
        b.iter(|| {
            let sizes = shards
                .iter()
                .map(|s| serde_json::to_string(s).unwrap().len());
            black_box(sizes.sum::<usize>())
        })
    });
    group.bench_function("read_rows", |b| {
        b.iter(|| {
            let parts = json
                .iter()
                .map(|text| serde_json::from_str::<Rows>(text).unwrap());
            black_box(parts.collect::<Vec<_>>())
        })
    });
    group.bench_function("estimate", |b| {
        b.iter(|| black_box(method.estimate(&model, &options, &merged).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench, bench_sobol_rows);
criterion_main!(benches);
