//! Cost of the sensitivity building blocks, at the size of a Sobol analysis of the
//! cloud model with every numeric parameter uncertain: p = 40 inputs, base sample
//! N = 2^13, T = 41 outputs (an indicator per quarter of a ten-year horizon and one
//! more), so N (p + 2) = 344,064 rows.
//!
//! * `design_row/*`: one 80-dimensional design row (Saltelli's 2p) of plain Monte
//!   Carlo, Latin hypercube and scrambled Sobol points, and a Sobol row through a
//!   Gaussian copula on 10 of its coordinates; throughput in rows per second;
//! * `quantile/*`: one `Param::quantile` per law (a grid of u);
//! * `indices/*`: `sobol_indices` on a (p + 2) x N x T output array with asymptotic
//!   intervals and with 100 bootstrap resamples, at 1 and 2 threads.
//!
//! * `cloud/*`: whole analyses of the cloud model with every numeric parameter
//!   uncertain (37 inputs, `benches/support/all_uncertain.rs`): Saltelli's scheme at
//!   N = 2^13 with estimators and intervals (`SobolAnalysis::run`), and a tornado of
//!   the preset's 9 inputs at 4,000 paths per run.
//!
//! Run with `cargo bench --bench sensitivity`; figures in docs/performance.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::{Array2, Array3};
use outpace::inputs::Param;
use outpace::inputs::design::{
    Correlated, Design, GaussianCopula, LatinHypercube, MonteCarlo, ScrambledSobol,
};
use outpace::stats::sensitivity::{IntervalMethod, SobolOptions, sobol_indices};
use std::hint::black_box;

#[path = "support/all_uncertain.rs"]
mod all_uncertain;

const INPUTS: usize = 40;
const BASE: u64 = 1 << 13;
const OUTPUTS: usize = 41;
const ROWS: u64 = 4096;

fn rows<D: Design>(design: &D) -> f64 {
    let mut row = vec![0.0; design.dims()];
    let mut total = 0.0;
    for i in 0..ROWS {
        design.point(i, &mut row);
        total += row[0];
    }
    total
}

fn copula(k: usize) -> GaussianCopula {
    let names = (0..k).map(|j| format!("x{j}")).collect();
    let m = Array2::from_shape_fn((k, k), |(a, b)| if a == b { 1.0 } else { 0.3 });
    GaussianCopula::new(names, m.view()).unwrap()
}

fn bench_designs(c: &mut Criterion) {
    let mut group = c.benchmark_group("design_row");
    group.throughput(Throughput::Elements(ROWS));
    let dims = 2 * INPUTS;
    let mc = MonteCarlo::new(1, 0, ROWS, dims).unwrap();
    let lhs = LatinHypercube::new(1, 0, ROWS, dims).unwrap();
    let sobol = ScrambledSobol::new(1, 0, ROWS, dims).unwrap();
    let correlated = Correlated::new(sobol.clone(), copula(10), (0..10).collect()).unwrap();
    group.bench_function("monte_carlo_80", |b| b.iter(|| black_box(rows(&mc))));
    group.bench_function("latin_hypercube_80", |b| b.iter(|| black_box(rows(&lhs))));
    group.bench_function("sobol_80", |b| b.iter(|| black_box(rows(&sobol))));
    group.bench_function("sobol_80_copula_10", |b| {
        b.iter(|| black_box(rows(&correlated)))
    });
    group.finish();
}

fn bench_quantiles(c: &mut Criterion) {
    const LEVELS: usize = 10_000;
    let mut group = c.benchmark_group("quantile");
    group.throughput(Throughput::Elements(LEVELS as u64));
    let laws = [
        (
            "normal",
            Param::Normal {
                mean: 0.0,
                std_dev: 1.0,
            },
        ),
        (
            "log_normal",
            Param::LogNormal {
                median: 150.0,
                sigma: 0.35,
            },
        ),
        (
            "triangular",
            Param::Triangular {
                min: 0.6,
                mode: 0.9,
                max: 1.2,
            },
        ),
        (
            "pert",
            Param::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
        ),
        (
            "beta_2_40",
            Param::Beta {
                alpha: 2.0,
                beta: 40.0,
                min: 0.0,
                max: 1.0,
            },
        ),
    ];
    for (name, law) in laws {
        group.bench_function(name, |b| {
            b.iter(|| {
                (0..LEVELS)
                    .map(|k| law.quantile((k as f64 + 0.5) / LEVELS as f64))
                    .sum::<f64>()
            })
        });
    }
    group.finish();
}

/// Outputs shaped like a study's: an indicator that switches on at a time driven
/// by the first inputs, per quarter, and a smooth column.
fn study_outputs() -> Array3<f64> {
    let design = MonteCarlo::new(3, 0, BASE, INPUTS).unwrap();
    let blocks = INPUTS + 2;
    let mut outputs = Array3::zeros((blocks, BASE as usize, OUTPUTS));
    let mut row = vec![0.0; INPUTS];
    for b in 0..blocks {
        for i in 0..BASE {
            design.point(i + b as u64 * BASE, &mut row);
            let time = 40.0 * (0.5 * row[0] + 0.3 * row[1] + 0.2 * row[2]);
            for t in 0..OUTPUTS - 1 {
                outputs[[b, i as usize, t]] = f64::from(time <= t as f64);
            }
            outputs[[b, i as usize, OUTPUTS - 1]] = row.iter().sum();
        }
    }
    outputs
}

fn bench_indices(c: &mut Criterion) {
    let outputs = study_outputs();
    let mut group = c.benchmark_group("indices_n8192_p40_t41");
    group.sample_size(10);
    let methods = [
        ("asymptotic", IntervalMethod::Asymptotic),
        (
            "bootstrap_100",
            IntervalMethod::Bootstrap {
                resamples: 100,
                seed: 1,
            },
        ),
    ];
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for (name, intervals) in methods {
            let options = SobolOptions {
                intervals,
                ..SobolOptions::default()
            };
            group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, _| {
                b.iter(|| {
                    pool.install(|| black_box(sobol_indices(outputs.view(), &options).unwrap()))
                })
            });
        }
    }
    group.finish();
}

fn bench_cloud(c: &mut Criterion) {
    use outpace::analysis::StudyOptions;
    use outpace::analysis::sensitivity::{SobolAnalysis, SobolSettings, Tornado, TornadoOptions};
    use outpace::cloud::{CloudModel, Scenario};
    let mut group = c.benchmark_group("cloud");
    group.sample_size(10);
    let all = CloudModel::new(all_uncertain::all_uncertain()).unwrap();
    let settings = SobolSettings {
        base: BASE,
        ..SobolSettings::default()
    };
    group.bench_function("sobol_all_uncertain_2e13", |b| {
        b.iter(|| black_box(SobolAnalysis::run(&all, &StudyOptions::default(), &settings).unwrap()))
    });
    let preset = CloudModel::new(Scenario::alibaba()).unwrap();
    let options = StudyOptions {
        paths: 4000,
        ..StudyOptions::default()
    };
    group.bench_function("tornado_preset_4000", |b| {
        b.iter(|| black_box(Tornado::run(&preset, &options, &TornadoOptions::default()).unwrap()))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_designs,
    bench_quantiles,
    bench_indices,
    bench_cloud
);
criterion_main!(benches);
