//! Cost of one exact step of each process, single-threaded, against the cost of one
//! standard normal draw (rand_distr's and outpace's); and the cost of exponentiating
//! a path of 121 points with the platform's `exp`, with `math::exp` and with the
//! engine's bulk `math::exp_in_place`; and outpace's portable exponential, gamma,
//! Poisson and beta samplers against rand_distr's, which call the platform's
//! `exp`, `ln` and `powf`. Throughput is in steps (values) per second.
//! Run with `cargo bench --bench processes`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use outpace::engine::{Component, PathRng, PathStreams};
use outpace::math;
use outpace::process::{
    CompoundPoisson, CorrelatedNormals, ExpOu, Gbm, Hawkes, JumpSize, Logistic, MarkovRegime,
    Merton, Ou, Process, RivalHawkes, Schedule, StandardNormal, TimeVaryingGbm, Transition,
};
use rand::RngExt;
use std::hint::black_box;

const STEPS: u64 = 1_000_000;
const DT: f64 = 0.25;

fn rng() -> PathRng {
    PathStreams::new(7, 0).rng(Component::new(0))
}

/// Advances one path `STEPS` times and returns its final value.
fn run<P: Process>(process: &P) -> f64 {
    let step = process.transition(DT).unwrap();
    let mut rng = rng();
    let mut state = process.initial_state();
    for _ in 0..STEPS {
        step.step(&mut state, &mut rng);
    }
    process.value(&state)
}

fn bench_process<P: Process>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    p: P,
) {
    c.bench_function(name, |b| b.iter(|| black_box(run(&p))));
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("step_1m");
    group.sample_size(20);
    group.throughput(Throughput::Elements(STEPS));
    group.bench_function("normal_rand_distr", |b| {
        b.iter(|| {
            let mut rng = rng();
            black_box(
                (0..STEPS)
                    .map(|_| rng.sample::<f64, _>(rand_distr::StandardNormal))
                    .sum::<f64>(),
            )
        })
    });
    group.bench_function("normal_outpace", |b| {
        b.iter(|| {
            let mut rng = rng();
            black_box(
                (0..STEPS)
                    .map(|_| rng.sample::<f64, _>(StandardNormal))
                    .sum::<f64>(),
            )
        })
    });
    bench_process(&mut group, "gbm", Gbm::new(0.1, 0.3, 1.0).unwrap());
    let schedule = |pieces: Vec<(f64, f64)>| Schedule::new(pieces).unwrap();
    let tv = TimeVaryingGbm::new(
        schedule(vec![(0.0, 0.1), (2.0, 0.05)]),
        schedule(vec![(0.0, 0.3)]),
        1.0,
    );
    bench_process(&mut group, "time_varying_gbm", tv.unwrap());
    bench_process(&mut group, "ou", Ou::new(2.0, 0.0, 0.3, 0.0).unwrap());
    bench_process(
        &mut group,
        "exp_ou",
        ExpOu::new(2.0, 0.0, 0.3, 1.0).unwrap(),
    );
    bench_process(
        &mut group,
        "merton",
        Merton::new(0.1, 0.2, 2.0, -0.05, 0.1, 1.0).unwrap(),
    );
    let jumps = JumpSize::gamma(2.0, 0.01).unwrap();
    bench_process(
        &mut group,
        "compound_poisson",
        CompoundPoisson::new(4.0, jumps).unwrap(),
    );
    bench_process(&mut group, "hawkes", Hawkes::new(3.0, 1.5, 4.0).unwrap());
    bench_process(&mut group, "rival_hawkes_5", rival_war());
    let generator = vec![
        vec![-1.0, 0.8, 0.2],
        vec![0.6, -0.8, 0.2],
        vec![0.3, 0.9, -1.2],
    ];
    bench_process(
        &mut group,
        "markov_regime",
        MarkovRegime::new(generator, 2).unwrap(),
    );
    bench_process(
        &mut group,
        "logistic",
        Logistic::new(0.9, 150.0, 0.2, 9.0).unwrap(),
    );
    let correlation = vec![
        vec![1.0, 0.4, 0.3, 0.2],
        vec![0.4, 1.0, 0.1, 0.0],
        vec![0.3, 0.1, 1.0, 0.2],
        vec![0.2, 0.0, 0.2, 1.0],
    ];
    let drivers = CorrelatedNormals::new(correlation).unwrap();
    group.bench_function("correlated_normals_4", |b| {
        b.iter(|| {
            let mut rng = rng();
            let mut z = [0.0; 4];
            let mut total = 0.0;
            for _ in 0..STEPS {
                drivers.sample_into(&mut rng, &mut z);
                total += z[3];
            }
            black_box(total)
        })
    });
    group.finish();
}

/// Five firms with the pooled law of the `hawkes` bench (baseline 3, jump 1.5,
/// decay 4 per year): the cost of labelling events by firm, on top of it.
fn rival_war() -> RivalHawkes {
    RivalHawkes::new(&[0.4, 0.8, 0.6, 0.2, 1.0], 0.3, 0.3, 4.0).unwrap()
}

/// A path of 121 log-levels, as the engine exponentiates it.
fn bench_exp(c: &mut Criterion) {
    const POINTS: usize = 121;
    let logs: Vec<f64> = (0..POINTS).map(|k| (k as f64 * 0.37).sin() * 2.0).collect();
    let mut group = c.benchmark_group("exp_path_121");
    group.throughput(Throughput::Elements(POINTS as u64));
    let mut path = logs.clone();
    let mut bench_path = |name: &str, exp: fn(&mut [f64])| {
        group.bench_function(name, |b| {
            b.iter(|| {
                path.copy_from_slice(&logs);
                exp(black_box(&mut path));
                black_box(path[POINTS - 1])
            })
        });
    };
    bench_path("libm", |xs| xs.iter_mut().for_each(|x| *x = x.exp()));
    bench_path("math_exp", |xs| {
        xs.iter_mut().for_each(|x| *x = math::exp(*x))
    });
    bench_path("math_exp_in_place", math::exp_in_place);
    group.finish();
}

/// Sums `STEPS` draws of `distribution`.
fn draws<D: rand::distr::Distribution<f64>>(distribution: &D) -> f64 {
    let mut rng = rng();
    (0..STEPS).map(|_| rng.sample::<f64, _>(distribution)).sum()
}

/// The portable samplers against rand_distr's, draw for draw the same steps.
fn bench_samplers(c: &mut Criterion) {
    let mut group = c.benchmark_group("draws_1m");
    group.sample_size(20);
    group.throughput(Throughput::Elements(STEPS));
    let mut pair = |name: &str, ours: &dyn Fn() -> f64, theirs: &dyn Fn() -> f64| {
        group.bench_function(format!("{name}_outpace"), |b| b.iter(|| black_box(ours())));
        group.bench_function(format!("{name}_rand_distr"), |b| {
            b.iter(|| black_box(theirs()))
        });
    };
    pair(
        "exponential",
        &|| draws(&outpace::process::StandardExponential),
        &|| draws(&rand_distr::Exp1),
    );
    for shape in [0.5, 2.0] {
        let ours = outpace::process::Gamma::new(shape, 1.0).unwrap();
        let theirs = rand_distr::Gamma::new(shape, 1.0).unwrap();
        pair(&format!("gamma_{shape}"), &|| draws(&ours), &|| {
            draws(&theirs)
        });
    }
    for lambda in [4.0, 40.0] {
        let ours = outpace::process::Poisson::new(lambda).unwrap();
        let theirs = rand_distr::Poisson::new(lambda).unwrap();
        pair(&format!("poisson_{lambda}"), &|| draws(&ours), &|| {
            draws(&theirs)
        });
    }
    let ours = outpace::process::Beta::new(2.0, 6.0).unwrap();
    let theirs = rand_distr::Beta::new(2.0, 6.0).unwrap();
    pair("beta_2_6", &|| draws(&ours), &|| draws(&theirs));
    group.finish();
}

criterion_group!(benches, bench, bench_exp, bench_samplers);
criterion_main!(benches);
