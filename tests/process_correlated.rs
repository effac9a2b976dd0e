//! Correlated normal drivers against their correlation matrix.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{CorrelatedNormals, GaussianDriven, Gbm, Process};

/// `n` draws, returned as one sample per component.
fn draws(drivers: &CorrelatedNormals, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let dim = drivers.dim();
    let mut rng = PathStreams::new(seed, 0).rng(Component::new(0));
    let mut columns = vec![Vec::with_capacity(n); dim];
    let mut x = vec![0.0; dim];
    for _ in 0..n {
        drivers.sample_into(&mut rng, &mut x);
        for (column, &xi) in columns.iter_mut().zip(&x) {
            column.push(xi);
        }
    }
    columns
}

/// Sample correlation and its normal-theory standard error `(1 - rho^2) / sqrt(n)`.
fn correlation_se(xs: &[f64], ys: &[f64], rho: f64) -> (f64, f64) {
    let (cov, _) = covariance_se(xs, ys);
    let (vx, _) = variance_se(xs);
    let (vy, _) = variance_se(ys);
    let n = xs.len() as f64;
    (cov / (vx * vy).sqrt(), (1.0 - rho * rho) / n.sqrt())
}

fn matrix() -> Vec<Vec<f64>> {
    vec![
        vec![1.0, 0.6, -0.3],
        vec![0.6, 1.0, 0.2],
        vec![-0.3, 0.2, 1.0],
    ]
}

#[test]
fn sample_correlations_match_the_matrix() {
    let c = matrix();
    let drivers = CorrelatedNormals::new(c.clone()).unwrap();
    let x = draws(&drivers, 200_000, 61);
    // A plausible mistake: using the factor the wrong way round, X = L^T Z, whose
    // covariance is L^T L (not a correlation matrix: normalise it).
    let l = drivers.factor();
    let ltl = |i: usize, j: usize| (0..3).map(|k| l[k][i] * l[k][j]).sum::<f64>();
    for i in 0..3 {
        for j in i + 1..3 {
            let (r, se) = correlation_se(&x[i], &x[j], c[i][j]);
            assert_within(&format!("corr({i}, {j})"), r, se, c[i][j]);
            // Independent draws would give 0.
            assert_rejects(&format!("corr({i}, {j}) independent"), r, se, 0.0);
            let wrong = ltl(i, j) / (ltl(i, i) * ltl(j, j)).sqrt();
            if (wrong - c[i][j]).abs() > 0.05 {
                assert_rejects(&format!("corr({i}, {j}) from L^T"), r, se, wrong);
            }
        }
    }
}

#[test]
fn marginals_are_standard_normal() {
    let singular = vec![
        vec![1.0, 1.0, 0.5],
        vec![1.0, 1.0, 0.5],
        vec![0.5, 0.5, 1.0],
    ];
    for (c, seed) in [(matrix(), 71u64), (singular, 72)] {
        let x = draws(&CorrelatedNormals::new(c).unwrap(), 100_000, seed);
        for (i, xi) in x.iter().enumerate() {
            let (mean, se) = mean_se(xi);
            assert_within(&format!("E[X_{i}]"), mean, se, 0.0);
            let (var, var_se) = variance_se(xi);
            assert_within(&format!("Var[X_{i}]"), var, var_se, 1.0);
        }
    }
}

#[test]
fn perfectly_correlated_drivers_are_identical() {
    // Singular matrix: X_0 = X_1 exactly, both correlated 0.5 with X_2.
    let drivers = CorrelatedNormals::new(vec![
        vec![1.0, 1.0, 0.5],
        vec![1.0, 1.0, 0.5],
        vec![0.5, 0.5, 1.0],
    ])
    .unwrap();
    let x = draws(&drivers, 100_000, 81);
    assert!(x[0].iter().zip(&x[1]).all(|(a, b)| a == b));
    let (r, se) = correlation_se(&x[0], &x[2], 0.5);
    assert_within("corr(0, 2)", r, se, 0.5);
    assert_rejects("corr(0, 2) independent", r, se, 0.0);
}

#[test]
fn correlated_drivers_move_gaussian_driven_processes_together() {
    // Demand and price GBMs fed correlated z: their log-returns have correlation rho.
    let rho = -0.45;
    let drivers = CorrelatedNormals::new(vec![vec![1.0, rho], vec![rho, 1.0]]).unwrap();
    let demand = Gbm::new(0.2, 0.3, 100.0).unwrap();
    let price = Gbm::new(-0.1, 0.15, 1.0).unwrap();
    let (demand_step, price_step) = (
        demand.transition(0.25).unwrap(),
        price.transition(0.25).unwrap(),
    );
    let mut rng = PathStreams::new(91, 0).rng(Component::new(0));
    let mut z = [0.0; 2];
    let (mut dl, mut pl) = (Vec::new(), Vec::new());
    for _ in 0..100_000 {
        let (mut d, mut p) = (demand.initial_state(), price.initial_state());
        drivers.sample_into(&mut rng, &mut z);
        demand_step.step_with(&mut d, z[0], &mut rng);
        price_step.step_with(&mut p, z[1], &mut rng);
        dl.push(d.log_return);
        pl.push(p.log_return);
    }
    let (r, se) = correlation_se(&dl, &pl, rho);
    assert_within("corr(log-returns)", r, se, rho);
    assert_rejects("corr(log-returns) independent", r, se, 0.0);
}
