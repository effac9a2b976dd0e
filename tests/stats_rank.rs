//! Spearman rank correlations and standardised rank regression coefficients against
//! closed forms, with standard errors from independent replicates.

mod common;

use common::*;
use ndarray::Array2;
use outpace::inputs::design::{Design, MonteCarlo};
use outpace::stats::{spearman, srrc};

const REPLICATES: u32 = 40;
const N: u64 = 2000;

/// `n x d` uniforms of replicate `r`.
fn uniforms(seed: u64, r: u32, d: usize) -> Array2<f64> {
    let design = MonteCarlo::new(seed, r, N, d).unwrap();
    let mut m = Array2::zeros((N as usize, d));
    for (i, mut row) in m.rows_mut().into_iter().enumerate() {
        design.point(i as u64, row.as_slice_mut().unwrap());
    }
    m
}

/// Mean and standard error over replicates of `statistic`.
fn over_replicates(statistic: impl Fn(u32) -> f64) -> (f64, f64) {
    let xs: Vec<f64> = (0..REPLICATES).map(statistic).collect();
    mean_se(&xs)
}

/// Y = U1 + U2 with independent uniforms: F_Y is triangular and
/// corr(F_Y(Y), U1) = 12 (E[F_Y(Y) U1] - 1/4) = 12 (37/120 - 30/120) = 0.7 for each
/// input; their SRRC are both 0.7 and R^2 = 2 x 0.7^2 = 0.98. A third input is
/// unrelated (0). Wrong formula checked: the Pearson correlation of Y with U1,
/// 1/sqrt(2) = 0.707, is rejected.
#[test]
fn sum_of_uniforms() {
    let fit = |r: u32| {
        let x = uniforms(1, r, 3);
        let y = Array2::from_shape_fn((N as usize, 1), |(k, _)| x[[k, 0]] + x[[k, 1]]);
        (
            spearman(x.view(), y.view()).unwrap(),
            srrc(x.view(), y.view()).unwrap(),
        )
    };
    let (rho, se) = over_replicates(|r| fit(r).0[[0, 0]].unwrap());
    assert_within("spearman(U1 + U2, U1)", rho, se, 0.7);
    assert_rejects("spearman(U1 + U2, U1)", rho, se, 0.5f64.sqrt());
    let (rho3, se3) = over_replicates(|r| fit(r).0[[2, 0]].unwrap());
    assert_within("spearman(U1 + U2, U3)", rho3, se3, 0.0);
    for j in 0..2 {
        let (beta, se) = over_replicates(|r| fit(r).1.coefficients[[j, 0]].unwrap());
        assert_within(&format!("srrc[{j}]"), beta, se, 0.7);
    }
    let (r2, se) = over_replicates(|r| fit(r).1.r_squared[0].unwrap());
    assert_within("R^2", r2, se, 0.98);
}

/// An output that is an increasing function of one input has that input's ranks:
/// Spearman 1, SRRC 1 for it and 0 for the others, R^2 = 1, exactly.
#[test]
fn monotone_function_of_one_input() {
    let x = uniforms(2, 0, 3);
    let y = Array2::from_shape_fn((N as usize, 2), |(k, t)| {
        let v = x[[k, 1]];
        if t == 0 { v.powi(3).exp() } else { -v }
    });
    let rho = spearman(x.view(), y.view()).unwrap();
    assert!((rho[[1, 0]].unwrap() - 1.0).abs() < 1e-12);
    assert!((rho[[1, 1]].unwrap() + 1.0).abs() < 1e-12);
    let fit = srrc(x.view(), y.view()).unwrap();
    for t in 0..2 {
        let sign = if t == 0 { 1.0 } else { -1.0 };
        assert!((fit.coefficients[[1, t]].unwrap() - sign).abs() < 1e-9);
        assert!(fit.coefficients[[0, t]].unwrap().abs() < 1e-9);
        assert!((fit.r_squared[t].unwrap() - 1.0).abs() < 1e-9);
    }
}

/// An indicator output has two tied ranks: Spearman(U, 1{U > 1/2}) equals the
/// Pearson correlation of U with the indicator, (1/8) / (1/sqrt(12) x 1/2) = sqrt(3)/2.
/// Ranking without averaging ties (ordinal ranks, ties in index order) would add
/// within-group ranks independent of U and give 0.75.
#[test]
fn indicator_outputs_use_mid_ranks() {
    let stat = |r: u32| {
        let x = uniforms(3, r, 1);
        let y = x.mapv(|u| f64::from(u > 0.5));
        spearman(x.view(), y.view()).unwrap()[[0, 0]].unwrap()
    };
    let (rho, se) = over_replicates(stat);
    assert_within("spearman(U, 1{U > 1/2})", rho, se, 3f64.sqrt() / 2.0);
    assert_rejects("spearman(U, 1{U > 1/2})", rho, se, 0.75);
}

/// Under independence the Spearman correlation has variance exactly 1 / (N - 1).
#[test]
fn null_spread() {
    let xs: Vec<f64> = (0..200)
        .map(|r| {
            let x = uniforms(4, r, 2);
            let y = x.column(1).to_owned().insert_axis(ndarray::Axis(1));
            spearman(x.slice(ndarray::s![.., 0..1]), y.view()).unwrap()[[0, 0]].unwrap()
        })
        .collect();
    let (var, se) = variance_se(&xs);
    assert_within(
        "variance of the null Spearman",
        var,
        se,
        1.0 / (N - 1) as f64,
    );
}
