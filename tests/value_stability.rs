//! Value stability, as rand_distr pins it: the first draws of every process
//! transition, sampler and parameter law, and the key outputs of a 1,000-path run of
//! the cloud model, as `f64` bit patterns.
//!
//! These numbers are a contract: the same seed must give the same bits on every
//! platform and in every later version. A change that moves one of them changes
//! what users' seeds produce; it must be deliberate, listed in `CHANGELOG.md`
//! under "Pinned outputs", and the pins updated here (a failure prints the new
//! values in the form of the constants, ready to paste).

use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{Barrier, Component, FirstPassage, PathStreams, Simulation};
use outpace::inputs::Param;
use outpace::process::{
    Beta, CompoundPoisson, CorrelatedNormals, ExpOu, Gamma, Gbm, Hawkes, JumpSize, Logistic,
    MarkovRegime, Merton, Ou, Poisson, Process, RivalHawkes, Schedule, StandardExponential,
    StandardNormal, TimeVaryingGbm, Transition,
};
use rand::RngExt;
use rand::distr::Distribution;

/// Seed of every pinned stream.
const SEED: u64 = 20_250_101;
/// Step length of every pinned transition.
const DT: f64 = 0.25;
/// Values pinned per process or law.
const DRAWS: usize = 4;

/// Fails with the actual bits, formatted as the constant to paste, unless `actual`
/// has the bits `pinned`.
#[track_caller]
fn pin(name: &str, actual: &[f64], pinned: &[u64]) {
    let bits: Vec<u64> = actual.iter().map(|x| x.to_bits()).collect();
    let pasted = bits
        .iter()
        .map(|b| format!("0x{b:016x}"))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        bits, pinned,
        "{name} moved: {actual:?}\n    now pinned as &[{pasted}]"
    );
}

/// The stream of component `id` of path 0.
fn rng(id: u64) -> outpace::engine::PathRng {
    PathStreams::new(SEED, 0).rng(Component::new(id))
}

/// The values of `process` after each of its first [`DRAWS`] steps.
fn steps<P: Process>(process: &P) -> Vec<f64> {
    let step = process.transition(DT).unwrap();
    let mut rng = rng(1);
    let mut state = process.initial_state();
    (0..DRAWS)
        .map(|_| {
            step.step(&mut state, &mut rng);
            process.value(&state)
        })
        .collect()
}

/// The first [`DRAWS`] draws of `law`.
fn draws<D: Distribution<f64>>(law: &D) -> Vec<f64> {
    let mut rng = rng(2);
    (0..DRAWS).map(|_| rng.sample(law)).collect()
}

#[test]
fn diffusions() {
    pin(
        "Gbm",
        &steps(&Gbm::new(0.1, 0.3, 100.0).unwrap()),
        &[
            0x4058747df6ecf414,
            0x4059a0835176b00a,
            0x405db573b3e4eb9d,
            0x4060f788fed56d17,
        ],
    );
    let mu = Schedule::new(vec![(0.0, 0.4), (0.5, 0.1)]).unwrap();
    let sigma = Schedule::new(vec![(0.0, 0.2), (0.75, 0.35)]).unwrap();
    pin(
        "TimeVaryingGbm",
        &steps(&TimeVaryingGbm::new(mu, sigma, 10.0).unwrap()),
        &[
            0x4025798225595226,
            0x4028241a6d774e5c,
            0x402aee5480e5d9da,
            0x402f40493e668785,
        ],
    );
    pin(
        "Ou",
        &steps(&Ou::new(1.5, 0.2, 0.4, -1.0).unwrap()),
        &[
            0xbfe545cf3e4349a1,
            0xbfd6df3f4cff5123,
            0xbfa0fb7e09234680,
            0x3fc6274fb18ec0f0,
        ],
    );
    pin(
        "ExpOu",
        &steps(&ExpOu::new(0.8, 0.0, 0.5, 2.0).unwrap()),
        &[
            0x3ffabbe96fd84e98,
            0x3ff99ba790fdf262,
            0x3ffccd8b7bd23b1d,
            0x3fff027f1f27a56b,
        ],
    );
    pin(
        "Merton",
        &steps(&Merton::new(0.05, 0.2, 3.0, -0.1, 0.15, 50.0).unwrap()),
        &[
            0x4041c88408753339,
            0x40396110f05925e5,
            0x4034dde103c8c1b0,
            0x40347f58faa61893,
        ],
    );
    pin(
        "Logistic",
        &steps(&Logistic::new(1.2, 1000.0, 0.3, 10.0).unwrap()),
        &[
            0x4029aab7338f82a4,
            0x4031a04b58887460,
            0x403abc900e4c0142,
            0x4043ea9b395d1dc3,
        ],
    );
}

#[test]
fn point_processes_and_regimes() {
    let laws = [
        (
            "constant",
            JumpSize::constant(0.5).unwrap(),
            [
                0x3fe0000000000000,
                0x4000000000000000,
                0x4000000000000000,
                0x4012000000000000,
            ],
        ),
        (
            "normal",
            JumpSize::normal(0.1, 0.3).unwrap(),
            [
                0x3fd78ed66ec59f7e,
                0x3fead729038db977,
                0x3ff6903b2a31eea0,
                0x3ff6903b2a31eea0,
            ],
        ),
        (
            "log_normal",
            JumpSize::log_normal(-0.2, 0.5).unwrap(),
            [
                0x3ff47aadfce1879d,
                0x40123f67d6b84975,
                0x402125a31f06dec8,
                0x402125a31f06dec8,
            ],
        ),
        (
            "exponential",
            JumpSize::exponential(2.0).unwrap(),
            [
                0x3ffc0a9f617b1906,
                0x4024f6ef5a4d4b28,
                0x402fc0530e8a63db,
                0x402fc0530e8a63db,
            ],
        ),
        (
            "uniform",
            JumpSize::uniform(-1.0, 3.0).unwrap(),
            [
                0x4004ded767584f97,
                0x40121c0f7dae2058,
                0x4023388a554015de,
                0x4023388a554015de,
            ],
        ),
        (
            "gamma",
            JumpSize::gamma(0.7, 1.5).unwrap(),
            [
                0x400a211767a65cba,
                0x4018983729f275ba,
                0x40248c214fc0c49b,
                0x402aa6b6ad45f96d,
            ],
        ),
    ];
    for (name, jumps, pinned) in laws {
        let process = CompoundPoisson::new(6.0, jumps).unwrap();
        pin(
            &format!("CompoundPoisson {name}"),
            &steps(&process),
            &pinned,
        );
    }
    let hawkes = Hawkes::new(2.0, 1.5, 3.0)
        .unwrap()
        .with_initial_excess(4.0)
        .unwrap();
    pin(
        "Hawkes",
        &steps(&hawkes),
        &[
            0x4008000000000000,
            0x4018000000000000,
            0x4020000000000000,
            0x4020000000000000,
        ],
    );
    let regimes = MarkovRegime::new(
        vec![
            vec![-2.0, 1.5, 0.5],
            vec![1.0, -3.0, 2.0],
            vec![0.5, 4.0, -4.5],
        ],
        0,
    )
    .unwrap();
    pin(
        "MarkovRegime",
        &steps(&regimes),
        &[
            0x0000000000000000,
            0x3ff0000000000000,
            0x4000000000000000,
            0x4000000000000000,
        ],
    );
    let drivers = CorrelatedNormals::new(vec![
        vec![1.0, 0.6, -0.3],
        vec![0.6, 1.0, 0.2],
        vec![-0.3, 0.2, 1.0],
    ])
    .unwrap();
    let mut rng = rng(3);
    let mut z = [0.0; 3];
    let correlated: Vec<f64> = (0..2)
        .flat_map(|_| {
            drivers.sample_into(&mut rng, &mut z);
            z
        })
        .collect();
    pin(
        "CorrelatedNormals",
        &correlated,
        &[
            0x3fe01297596f6e53,
            0x3fdbc6d0ca87c210,
            0x40008d00e9f16748,
            0xbfed2b6d857d98ff,
            0x3fdd363b479d5424,
            0x3ff2f3d4eb241eee,
        ],
    );
}

#[test]
fn samplers() {
    pin(
        "StandardNormal",
        &draws(&StandardNormal),
        &[
            0x3ff2634a2b1c1b93,
            0x3fcf1c87e681595c,
            0x3fd604add76a4446,
            0xbff51184487f0af7,
        ],
    );
    pin(
        "StandardExponential",
        &draws(&StandardExponential),
        &[
            0x3ff3be8592757ec1,
            0x3feb4315978fbb70,
            0x3fc442b48b520446,
            0x3faf48d7867be054,
        ],
    );
    for (shape, pinned) in [
        (
            0.4,
            [
                0x4001c91c5956ffbc,
                0x3fd11e8e79b53886,
                0x3ff20af077acb62b,
                0x3f90563876e90b20,
            ],
        ),
        (
            1.0,
            [
                0x4003be8592757ec1,
                0x3ffb4315978fbb70,
                0x3fd442b48b520446,
                0x3fbf48d7867be054,
            ],
        ),
        (
            3.5,
            [
                0x4026bc0123b5b806,
                0x401e8db01287c1a4,
                0x40122fbcddd32676,
                0x40200b25ce332e91,
            ],
        ),
    ] {
        let gamma = Gamma::new(shape, 2.0).unwrap();
        pin(&format!("Gamma shape {shape}"), &draws(&gamma), &pinned);
    }
    for (lambda, pinned) in [
        (
            3.0,
            [
                0x4010000000000000,
                0x4010000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ],
        ),
        (
            55.0,
            [
                0x404f800000000000,
                0x404c000000000000,
                0x404c800000000000,
                0x4046800000000000,
            ],
        ),
    ] {
        let poisson = Poisson::new(lambda).unwrap();
        pin(&format!("Poisson {lambda}"), &draws(&poisson), &pinned);
    }
    for (alpha, beta, pinned) in [
        (
            2.0,
            5.0,
            [
                0x3fab744b44d8eb88,
                0x3fd824933b89d967,
                0x3fe0f5d36fa8562d,
                0x3fd1fa77c0a37f2e,
            ],
        ),
        (
            0.5,
            0.8,
            [
                0x3fc20749a9238132,
                0x3f108e1d4b16480c,
                0x3f962245aca6930b,
                0x3fd9c7c729dc8af0,
            ],
        ),
    ] {
        let law = Beta::new(alpha, beta).unwrap();
        pin(&format!("Beta {alpha} {beta}"), &draws(&law), &pinned);
    }
}

#[test]
fn parameter_laws() {
    let laws = [
        (
            "fixed",
            Param::Fixed(1.5),
            [
                0x3ff8000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ],
        ),
        (
            "normal",
            Param::Normal {
                mean: 0.3,
                std_dev: 0.1,
            },
            [
                0x3fd2a50eec3cf31a,
                0x3fd4778a870ca25b,
                0x3fd2d573674f1d13,
                0x3fdf16a6ebb94497,
            ],
        ),
        (
            "log_normal",
            Param::LogNormal {
                median: 180.0,
                sigma: 0.35,
            },
            [
                0x4065d3ba5195509e,
                0x40681d3e0f3dd209,
                0x40660dcabeaa3036,
                0x40758d97ea6e3417,
            ],
        ),
        (
            "uniform",
            Param::Uniform {
                min: -1.0,
                max: 2.0,
            },
            [
                0x3fd899d268611ec8,
                0x3fe4d7864bf0383e,
                0x3fd71877203868a0,
                0x3ffa4037cceb4084,
            ],
        ),
        (
            "triangular",
            Param::Triangular {
                min: 0.0,
                mode: 0.2,
                max: 1.0,
            },
            [
                0x3fd5fdeea925332a,
                0x3fd99e5e1ddfbf5c,
                0x3fd5afef7cf80920,
                0x3fe61831938de044,
            ],
        ),
        (
            "pert",
            Param::Pert {
                min: 10.0,
                mode: 12.0,
                max: 20.0,
            },
            [
                0x402994507cf241f0,
                0x40297ede93894e29,
                0x402b1187eb22c1e0,
                0x402e4fc8c4b4e8ca,
            ],
        ),
        (
            "beta",
            Param::Beta {
                alpha: 2.0,
                beta: 40.0,
                min: 0.0,
                max: 0.5,
            },
            [
                0x3f966032a42563bb,
                0x3f95fc4aaeb1d195,
                0x3f9ddb1dc4a6a422,
                0x3fa9a0ac407ca20f,
            ],
        ),
    ];
    for (name, law, pinned) in laws {
        let mut rng = rng(4);
        let values: Vec<f64> = (0..DRAWS).map(|_| law.sample(&mut rng)).collect();
        pin(&format!("Param {name}"), &values, &pinned);
    }
}

#[test]
fn a_cloud_run() {
    let model = CloudModel::new(Scenario::alibaba()).unwrap();
    let steps = 40;
    let run = Simulation::new(model)
        .paths(1_000)
        .steps(steps)
        .dt(DT)
        .seed(SEED)
        .first_passage(
            "revenue_above_spending",
            FirstPassage::above("revenue", Barrier::Series("spending".into())).hold(4),
        )
        .first_passage(
            "payback",
            FirstPassage::above("cumulative_fcf", Barrier::Level(0.0)).starting_at(1),
        )
        .run()
        .unwrap();
    let series = |name: &str| run.series(name).unwrap();
    let (revenue, fcf) = (series("revenue"), series("free_cash_flow"));
    let passage = |name: &str| run.passage(name).unwrap();
    let breakeven = passage("revenue_above_spending");
    let payback = passage("payback");
    let npv = run.scalar("npv").unwrap();
    let outputs = [
        revenue.mean(20),
        revenue.mean(steps),
        revenue.stats()[steps].std_dev,
        revenue.quantile(steps, 0.1).unwrap(),
        revenue.quantile(steps, 0.5).unwrap(),
        fcf.mean(steps),
        fcf.quantile(steps, 0.9).unwrap(),
        series("capex").mean(steps),
        breakeven.passed() as f64,
        breakeven.quantile(0.5).map_or(f64::NAN, |k| k as f64),
        payback.passed() as f64,
        npv.stats().mean,
        npv.quantile(0.5).unwrap(),
    ];
    pin(
        "cloud run",
        &outputs,
        &[
            0x406615637e6c6ff8,
            0x407c86647d7fc88e,
            0x4080458d16a7db2a,
            0x405a1fd8cdc7a7ce,
            0x40705fc17734c36b,
            0x405e13f34eb16f04,
            0x40745fcdbe096c5e,
            0x40429ed78f70dd2b,
            0x408c700000000000,
            0x4035000000000000,
            0x4080000000000000,
            0x40156fe7753a3f00,
            0xc0641fcd1e360fe6,
        ],
    );
}

/// The excess after each step and the offset and firm of each event of the
/// first steps of a three-firm rival war with an initial excess, which pin the
/// clock race of both Hawkes processes bit for bit (their values alone are
/// counts).
#[test]
fn hawkes_excess_and_event_times() {
    let hawkes = Hawkes::new(2.0, 1.5, 3.0)
        .unwrap()
        .with_initial_excess(4.0)
        .unwrap();
    let step = hawkes.transition(DT).unwrap();
    let (mut stream, mut state) = (rng(1), hawkes.initial_state());
    let excess: Vec<f64> = (0..DRAWS)
        .map(|_| {
            step.step(&mut state, &mut stream);
            state.excess()
        })
        .collect();
    pin(
        "Hawkes excess",
        &excess,
        &[
            0x40151e188195f148,
            0x4016abb6ba25f166,
            0x4012f22d3d154ff2,
            0x4001e61f5cb78b0d,
        ],
    );

    let war = RivalHawkes::new(&[0.8, 0.5, 1.2], 0.9, 0.4, 2.5)
        .unwrap()
        .with_initial_excess(&[1.0, 0.0, 2.0])
        .unwrap();
    let step = war.transition(DT).unwrap();
    let (mut stream, mut state) = (rng(2), war.initial_state());
    let mut events = Vec::new();
    for k in 0..DRAWS {
        step.step_with_events(&mut state, &mut stream, |offset, firm| {
            events.push(k as f64 + offset);
            events.push(firm as f64);
        });
        events.push(state.total_excess());
    }
    pin(
        "RivalHawkes events and excess",
        &events,
        &[
            0x3ff9b14adcee5ddc,
            0x3ff173d11e4ff24a,
            0x0000000000000000,
            0x3ff27726f2140c1a,
            0x4000000000000000,
            0x400ab5f0bb12462f,
            0x400005e0e3c6f259,
            0x4000000000000000,
            0x400036aae3165fb5,
            0x4000000000000000,
            0x4000751a055f2c22,
            0x3ff0000000000000,
            0x40017149b36560d0,
            0x4000000000000000,
            0x4001eba650a5558a,
            0x3ff0000000000000,
            0x401f40293f980c72,
            0x4008429bff5c23f8,
            0x4000000000000000,
            0x40096ebeb99f2156,
            0x0000000000000000,
            0x401a5ed70b1f5a0d,
        ],
    );
}
