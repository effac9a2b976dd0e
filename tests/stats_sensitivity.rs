//! Sobol indices (Saltelli 2010 first order, Jansen total) through Saltelli's scheme
//! and the designs: the Ishigami function and a linear Gaussian model against their
//! closed forms, groups, the intervals' coverage over repeated seeds, invariance to
//! a large output mean (where uncentred estimators fail), and thread independence.

mod common;

use common::*;
use ndarray::{Array3, ArrayView3, Axis};
use outpace::inputs::Param;
use outpace::inputs::design::{AnyDesign, Design, DesignKind};
use outpace::stats::sensitivity::{
    Groups, IntervalMethod, SaltelliPlan, SobolIndices, SobolOptions, sobol_indices,
};
use std::f64::consts::PI;

/// Confidence of the intervals checked one at a time: two-sided `K_SIGMA` = 4 sigma.
const FOUR_SIGMA: f64 = 0.999_936_657_516_334_3;

/// Runs Saltelli's scheme: base point `i` of a `2p`-dimensional design of `kind`,
/// inputs `laws[j].quantile(u_j)`, outputs `f(x)` (one or more columns).
fn run(
    kind: DesignKind,
    seed: u64,
    n: u64,
    groups: Groups,
    laws: &[Param],
    columns: usize,
    f: impl Fn(&[f64], &mut [f64]),
) -> Array3<f64> {
    let plan = SaltelliPlan::new(n, groups).unwrap();
    let design = AnyDesign::new(kind, seed, 0, n, plan.design_dims()).unwrap();
    let p = laws.len();
    let mut outputs = Array3::zeros((plan.blocks(), n as usize, columns));
    let (mut base, mut u) = (vec![0.0; 2 * p], vec![0.0; p]);
    let mut out = vec![0.0; columns];
    for i in 0..n {
        design.fill_row(i, &mut base).unwrap();
        for (b, block) in plan.block_list().enumerate() {
            plan.fill(block, &base, &mut u).unwrap();
            for (x, law) in u.iter_mut().zip(laws) {
                *x = law.quantile(*x);
            }
            f(&u, &mut out);
            for (t, &y) in out.iter().enumerate() {
                outputs[[b, i as usize, t]] = y;
            }
        }
    }
    outputs
}

// ---------------------------------------------------------------------------------
// Ishigami: f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).

const A: f64 = 7.0;
const B: f64 = 0.1;

fn ishigami(x: &[f64], out: &mut [f64]) {
    out[0] = x[0].sin() + A * x[1].sin().powi(2) + B * x[2].powi(4) * x[0].sin();
}

/// The closed forms: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = 8 b^2 pi^8 / 225,
/// V = V1 + V2 + V13; S = (V1, V2, 0) / V, ST = (V1 + V13, V2, V13) / V.
fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
    let v1 = 0.5 * (1.0 + B * PI.powi(4) / 5.0).powi(2);
    let v2 = A * A / 8.0;
    let v13 = 8.0 * B * B * PI.powi(8) / 225.0;
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

fn ishigami_laws() -> Vec<Param> {
    vec![Param::Uniform { min: -PI, max: PI }; 3]
}

fn ishigami_run(kind: DesignKind, seed: u64, n: u64) -> Array3<f64> {
    let groups = Groups::singletons(&["x1", "x2", "x3"]).unwrap();
    run(kind, seed, n, groups, &ishigami_laws(), 1, ishigami)
}

#[test]
fn ishigami_closed_forms_are_the_published_values() {
    let (s, st) = ishigami_indices();
    let round = |x: f64| (x * 1e4).round() / 1e4;
    assert_eq!(s.map(round), [0.3139, 0.4424, 0.0]);
    assert_eq!(st.map(round), [0.5576, 0.4424, 0.2437]);
}

/// Every index of every design at N = 2^13 lies in its 4-sigma interval, for both
/// interval methods.
#[test]
fn ishigami_indices_lie_in_their_intervals() {
    let (s, st) = ishigami_indices();
    for kind in [
        DesignKind::MonteCarlo,
        DesignKind::LatinHypercube,
        DesignKind::Sobol,
    ] {
        let outputs = ishigami_run(kind, 1, 1 << 13);
        for intervals in [
            IntervalMethod::Asymptotic,
            IntervalMethod::Bootstrap {
                resamples: 400,
                seed: 5,
            },
        ] {
            let options = SobolOptions {
                confidence: FOUR_SIGMA,
                intervals,
            };
            let indices = sobol_indices(outputs.view(), &options).unwrap();
            for i in 0..3 {
                let (first, total) = (
                    indices.first[[i, 0]].unwrap(),
                    indices.total[[i, 0]].unwrap(),
                );
                let what = format!("{kind:?} {intervals:?} x{}", i + 1);
                assert!(first.contains(s[i]), "{what}: S {first:?} vs {}", s[i]);
                assert!(total.contains(st[i]), "{what}: ST {total:?} vs {}", st[i]);
                // Power: where the indices differ (x1 and x3 interact), each interval
                // excludes the other index, a first-order estimator mistaken for a
                // total one or the reverse.
                if i != 1 {
                    assert!(
                        !first.contains(st[i]) && !total.contains(s[i]),
                        "{what}: {first:?} {total:?}"
                    );
                }
            }
        }
    }
}

/// Over 200 independent seeds (plain Monte Carlo, N = 1024), each 95% interval covers
/// its true index a binomial number of times, mean 190 and standard deviation
/// sqrt(200 x 0.95 x 0.05) = 3.08: the count must lie within `K_SIGMA` of it, i.e. in
/// [178, 200]. Intervals half as wide (z = 0.98, coverage 67%) would be rejected;
/// `dominant_input_intervals_cover_at_the_stated_rate` checks the form of the
/// standard error. (At N = 512 the total indices' intervals, bootstrap ones most,
/// cover somewhat less than 95%: the delta method and the percentile bootstrap are
/// asymptotic.)
#[test]
fn ishigami_intervals_cover_at_the_stated_rate() {
    const SEEDS: u64 = 200;
    let (s, st) = ishigami_indices();
    let methods = [
        ("asymptotic", IntervalMethod::Asymptotic),
        (
            "bootstrap",
            IntervalMethod::Bootstrap {
                resamples: 200,
                seed: 9,
            },
        ),
    ];
    let mut covered = [[[0u64; 3]; 2]; 2];
    for seed in 0..SEEDS {
        let outputs = ishigami_run(DesignKind::MonteCarlo, 1000 + seed, 1024);
        for (m, (_, intervals)) in methods.iter().enumerate() {
            let options = SobolOptions {
                confidence: 0.95,
                intervals: *intervals,
            };
            let indices = sobol_indices(outputs.view(), &options).unwrap();
            for i in 0..3 {
                covered[m][0][i] += u64::from(indices.first[[i, 0]].unwrap().contains(s[i]));
                covered[m][1][i] += u64::from(indices.total[[i, 0]].unwrap().contains(st[i]));
            }
        }
    }
    for (m, (name, _)) in methods.iter().enumerate() {
        for (k, kind) in ["S", "ST"].iter().enumerate() {
            for (i, &hits) in covered[m][k].iter().enumerate() {
                let what = format!("{name} {kind}{} coverage {hits}/{SEEDS}", i + 1);
                assert_proportion(&what, hits, SEEDS, 0.95);
                let se = (0.95f64 * 0.05 / SEEDS as f64).sqrt();
                assert_rejects(&what, hits as f64 / SEEDS as f64, se, 0.67);
            }
        }
    }
}

/// Coverage where one input dominates, Y = X0 + 0.3 X1 with standard uniforms, so
/// S0 = ST0 = 1 / 1.09, at the levels 95% and 50% (200 seeds each, the binomial
/// tolerance as above: [178, 200] and [72, 128]). Here the influence function's
/// `- R v_k` term (the error of the variance estimate) matters: without it the
/// standard errors are several times too large, which the 95% level cannot show
/// (197 of 200) but the 50% level does (checked by breaking the code).
#[test]
fn dominant_input_intervals_cover_at_the_stated_rate() {
    const SEEDS: u64 = 200;
    let share = 1.0 / 1.09;
    let laws = vec![Param::Uniform { min: 0.0, max: 1.0 }; 2];
    let levels = [0.95, 0.5];
    let mut covered = [[0u64; 2]; 2];
    for seed in 0..SEEDS {
        let groups = Groups::singletons(&["x0", "x1"]).unwrap();
        let outputs = run(
            DesignKind::MonteCarlo,
            5000 + seed,
            256,
            groups,
            &laws,
            1,
            |x, out| {
                out[0] = x[0] + 0.3 * x[1];
            },
        );
        for (l, &confidence) in levels.iter().enumerate() {
            let options = SobolOptions {
                confidence,
                ..SobolOptions::default()
            };
            let indices = sobol_indices(outputs.view(), &options).unwrap();
            covered[l][0] += u64::from(indices.first[[0, 0]].unwrap().contains(share));
            covered[l][1] += u64::from(indices.total[[0, 0]].unwrap().contains(share));
        }
    }
    for (l, &level) in levels.iter().enumerate() {
        for (k, kind) in ["S0", "ST0"].iter().enumerate() {
            let hits = covered[l][k];
            assert_proportion(
                &format!("{kind} {level} coverage {hits}/{SEEDS}"),
                hits,
                SEEDS,
                level,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// Linear model with Gaussian inputs: Y = sum_i c_i X_i, X_i ~ N(mu_i, s_i^2)
// independent, so S_i = ST_i = c_i^2 s_i^2 / sum_j c_j^2 s_j^2, and a group's index is
// the sum of its members'.

const COEFFICIENTS: [f64; 4] = [1.0, -2.0, 0.5, 3.0];
const SPREADS: [f64; 4] = [1.0, 0.5, 2.0, 0.2];
/// A mean large against the output's spread (sd about 1.8).
const LARGE_MEAN: f64 = 1000.0;

fn linear(x: &[f64], out: &mut [f64]) {
    out[0] = x.iter().zip(COEFFICIENTS).map(|(x, c)| c * x).sum();
}

fn linear_laws() -> Vec<Param> {
    SPREADS
        .iter()
        .map(|&s| Param::Normal {
            mean: LARGE_MEAN,
            std_dev: s,
        })
        .collect()
}

fn linear_shares() -> Vec<f64> {
    let parts: Vec<f64> = COEFFICIENTS
        .iter()
        .zip(SPREADS)
        .map(|(c, s)| (c * s).powi(2))
        .collect();
    let total: f64 = parts.iter().sum();
    parts.iter().map(|p| p / total).collect()
}

fn check_indices(what: &str, indices: &SobolIndices, want: &[f64]) {
    for (g, &w) in want.iter().enumerate() {
        for (kind, got) in [
            ("S", indices.first[[g, 0]].unwrap()),
            ("ST", indices.total[[g, 0]].unwrap()),
        ] {
            assert!(got.contains(w), "{what} {kind}[{g}]: {got:?} vs {w}");
        }
    }
}

#[test]
fn linear_gaussian_model_per_input_and_per_group() {
    let names = ["x0", "x1", "x2", "x3"];
    let shares = linear_shares();
    let options = SobolOptions {
        confidence: FOUR_SIGMA,
        ..SobolOptions::default()
    };
    for kind in [
        DesignKind::MonteCarlo,
        DesignKind::LatinHypercube,
        DesignKind::Sobol,
    ] {
        let singles = run(
            kind,
            3,
            4096,
            Groups::singletons(&names).unwrap(),
            &linear_laws(),
            1,
            linear,
        );
        check_indices(
            &format!("{kind:?}"),
            &sobol_indices(singles.view(), &options).unwrap(),
            &shares,
        );
        let groups = Groups::new(
            4,
            vec![
                ("first two".into(), vec![0, 1]),
                ("last".into(), vec![3]),
                ("x2 and x0".into(), vec![2, 0]),
            ],
        )
        .unwrap();
        let grouped = run(kind, 4, 4096, groups, &linear_laws(), 1, linear);
        let want = [shares[0] + shares[1], shares[3], shares[2] + shares[0]];
        check_indices(
            &format!("{kind:?} groups"),
            &sobol_indices(grouped.view(), &options).unwrap(),
            &want,
        );
    }
}

/// The estimates do not depend on the output's mean: centring makes the first-order
/// estimator shift-invariant (to rounding). Without centring, Saltelli's 2010
/// estimator `mean(f_B (f_AB - f_A)) / V` and Sobol's 1993 (Homma-Saltelli)
/// `(mean(f_A f_AB') - f0^2) / V`, with `AB'` = B with column i from A, have an
/// error of order `|mean| / sd / sqrt(N)`: on this output (mean 4850, sd 1.8) they
/// miss the true index by many of our standard errors.
#[test]
fn a_large_output_mean_does_not_move_the_estimates() {
    let n = 4096u64;
    let names = ["x0", "x1", "x2", "x3"];
    let outputs = run(
        DesignKind::MonteCarlo,
        8,
        n,
        Groups::singletons(&names).unwrap(),
        &linear_laws(),
        1,
        linear,
    );
    let centred_outputs = outputs.mapv(|y| y - LARGE_MEAN * COEFFICIENTS.iter().sum::<f64>());
    let options = SobolOptions::default();
    let ours = sobol_indices(outputs.view(), &options).unwrap();
    let reference = sobol_indices(centred_outputs.view(), &options).unwrap();
    for (g, &share) in linear_shares().iter().enumerate() {
        let (got, base) = (
            ours.first[[g, 0]].unwrap(),
            reference.first[[g, 0]].unwrap(),
        );
        assert!(
            (got.estimate - base.estimate).abs() < 1e-6,
            "S[{g}] moved: {got:?} vs {base:?}"
        );
        let se = (got.upper - got.lower) / (2.0 * 1.959_963_984_540_054);
        assert_within(&format!("S[{g}]"), got.estimate, se, share);
        assert_rejects(
            &format!("uncentred Saltelli 2010 S[{g}]"),
            uncentred_saltelli(outputs.view(), g),
            se,
            share,
        );
        assert_rejects(
            &format!("Sobol 1993 S[{g}]"),
            sobol_1993(outputs.view(), g),
            se,
            share,
        );
    }
}

/// `mean(f_B (f_AB_g - f_A)) / V` on the raw outputs.
fn uncentred_saltelli(outputs: ArrayView3<'_, f64>, g: usize) -> f64 {
    let (a, b, c) = (
        outputs.index_axis(Axis(0), 0),
        outputs.index_axis(Axis(0), 1),
        outputs.index_axis(Axis(0), 2 + g),
    );
    let n = a.nrows() as f64;
    let numerator = a
        .iter()
        .zip(&b)
        .zip(&c)
        .map(|((a, b), c)| b * (c - a))
        .sum::<f64>()
        / n;
    numerator / raw_variance(outputs)
}

/// Sobol 1993: `(mean(f_B f_AB_g) - f0^2) / V` with `f0` the mean of `f_A`: `AB_g` and
/// `B` share only column g (AB_g is A with column g from B), the form of Homma and
/// Saltelli without centring.
fn sobol_1993(outputs: ArrayView3<'_, f64>, g: usize) -> f64 {
    let (a, b, c) = (
        outputs.index_axis(Axis(0), 0),
        outputs.index_axis(Axis(0), 1),
        outputs.index_axis(Axis(0), 2 + g),
    );
    let n = a.nrows() as f64;
    let f0 = a.sum() / n;
    let product = b.iter().zip(&c).map(|(b, c)| b * c).sum::<f64>() / n;
    (product - f0 * f0) / raw_variance(outputs)
}

fn raw_variance(outputs: ArrayView3<'_, f64>) -> f64 {
    let ab: Vec<f64> = outputs
        .index_axis(Axis(0), 0)
        .iter()
        .chain(outputs.index_axis(Axis(0), 1).iter())
        .copied()
        .collect();
    variance_se(&ab).0
}

// ---------------------------------------------------------------------------------
// Many outputs, degenerate columns, errors, threads.

/// Indicator outputs at several thresholds (the shape of "broken even by quarter t"):
/// a constant column has no indices, the others are estimated column by column like
/// a single output.
#[test]
fn many_outputs_at_once_and_constant_columns() {
    let thresholds = [f64::INFINITY, 0.0, 2.0];
    let groups = Groups::singletons(&["x1", "x2", "x3"]).unwrap();
    let outputs = run(
        DesignKind::Sobol,
        2,
        1024,
        groups.clone(),
        &ishigami_laws(),
        4,
        |x, out| {
            let mut y = [0.0];
            ishigami(x, &mut y);
            for (o, t) in out.iter_mut().zip(thresholds) {
                *o = f64::from(y[0] > t);
            }
            out[3] = y[0];
        },
    );
    let all = sobol_indices(outputs.view(), &SobolOptions::default()).unwrap();
    assert_eq!(all.variance[0], 0.0);
    assert!(all.first.column(0).iter().all(Option::is_none));
    assert!(all.total.column(0).iter().all(Option::is_none));
    for t in 1..4 {
        let single = sobol_indices(
            outputs.slice(ndarray::s![.., .., t..t + 1]),
            &SobolOptions::default(),
        )
        .unwrap();
        assert_eq!(all.first.column(t), single.first.column(0));
        assert_eq!(all.total.column(t), single.total.column(0));
    }
}

#[test]
fn bad_outputs_and_options_are_errors() {
    let good = Array3::from_shape_fn((3, 10, 2), |(b, k, t)| (b + k * t) as f64);
    let mut bad = good.clone();
    bad[[2, 7, 1]] = f64::NAN;
    let err = sobol_indices(bad.view(), &SobolOptions::default()).unwrap_err();
    assert!(err.to_string().contains("outputs[2, 7, 1]"), "{err}");
    assert!(
        sobol_indices(
            good.slice(ndarray::s![..2, .., ..]),
            &SobolOptions::default()
        )
        .is_err()
    );
    assert!(
        sobol_indices(
            good.slice(ndarray::s![.., ..1, ..]),
            &SobolOptions::default()
        )
        .is_err()
    );
    let options = SobolOptions {
        confidence: 1.0,
        ..SobolOptions::default()
    };
    assert!(sobol_indices(good.view(), &options).is_err());
    let options = SobolOptions {
        intervals: IntervalMethod::Bootstrap {
            resamples: 1,
            seed: 0,
        },
        ..SobolOptions::default()
    };
    assert!(sobol_indices(good.view(), &options).is_err());
    assert!(Groups::new(3, vec![("a".into(), vec![3])]).is_err());
    assert!(Groups::new(3, vec![("a".into(), vec![])]).is_err());
    assert!(Groups::new(3, vec![("a".into(), vec![1, 1])]).is_err());
    assert!(Groups::new(3, vec![("a".into(), vec![1]), ("a".into(), vec![2])]).is_err());
    assert!(SaltelliPlan::new(1, Groups::singletons(&["a"]).unwrap()).is_err());
}

#[test]
fn the_plan_lays_out_and_mixes_rows() {
    let groups = Groups::new(3, vec![("g0".into(), vec![0, 2]), ("g1".into(), vec![1])]).unwrap();
    let plan = SaltelliPlan::new(5, groups).unwrap();
    assert_eq!((plan.blocks(), plan.rows(), plan.design_dims()), (4, 20, 6));
    use outpace::stats::sensitivity::Block;
    assert_eq!(plan.locate(0).unwrap(), (Block::A, 0));
    assert_eq!(plan.locate(7).unwrap(), (Block::B, 2));
    assert_eq!(plan.locate(19).unwrap(), (Block::Mixed(1), 4));
    assert!(plan.locate(20).is_err());
    let base = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
    let mut x = [0.0; 3];
    let expected = [
        [1.0, 2.0, 3.0],
        [10.0, 20.0, 30.0],
        [10.0, 2.0, 30.0],
        [1.0, 20.0, 3.0],
    ];
    for (block, want) in plan.block_list().zip(expected) {
        plan.fill(block, &base, &mut x).unwrap();
        assert_eq!(x, want, "{block:?}");
    }
    assert!(plan.fill(Block::Mixed(2), &base, &mut x).is_err());
    assert!(plan.fill(Block::A, &base[..5], &mut x).is_err());
    let matrix = ndarray::Array2::from_shape_fn((20, 2), |(r, t)| (r * 2 + t) as f64);
    let view = plan.outputs(matrix.view()).unwrap();
    assert_eq!(view[[3, 4, 1]], matrix[[19, 1]]);
    assert!(plan.outputs(matrix.slice(ndarray::s![..19, ..])).is_err());
}

#[test]
fn results_do_not_depend_on_the_threads() {
    let outputs = ishigami_run(DesignKind::LatinHypercube, 6, 2048);
    let options = SobolOptions {
        intervals: IntervalMethod::Bootstrap {
            resamples: 64,
            seed: 2,
        },
        ..SobolOptions::default()
    };
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| sobol_indices(outputs.view(), &options).unwrap())
    };
    let bits = |r: &SobolIndices| -> Vec<u64> {
        r.first
            .iter()
            .chain(r.total.iter())
            .flat_map(|i| {
                let i = i.unwrap();
                [i.estimate.to_bits(), i.lower.to_bits(), i.upper.to_bits()]
            })
            .collect()
    };
    assert_eq!(bits(&on(1)), bits(&on(4)));
}
