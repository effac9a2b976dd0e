//! Variance reduction of the Latin hypercube and scrambled Sobol designs against
//! plain Monte Carlo, on a smooth integrand and on an indicator, both with closed
//! forms, in 4 and 40 dimensions.
//!
//! For each design, 64 independent replicates of an n-point estimate of the mean;
//! printed: the closed form, each design's mean over replicates (to show there is
//! no bias), and the variance ratio `Var(MC) / Var(design)` (with a 4-sigma range:
//! the log of a ratio of two 64-replicate variances has sd sqrt(4 / 63) = 0.25).
//!
//! * smooth: `exp(sum_j c_j u_j)`, mean `prod_j (e^c_j - 1) / c_j`, with
//!   `c_j = 1 / (j + 1)` (effects decaying with the dimension, as inputs of a model
//!   usually do);
//! * indicator: `1{sum_j c_j u_j <= s}` with s the median of the sum, whose mean is
//!   estimated by 2^24 further Monte Carlo points in 40 dimensions and is the
//!   Irwin-Hall-like exact value in 4 (the indicator has no closed form for unequal
//!   c_j, so its "exact" column is a reference estimate there).
//!
//! Run with `cargo run --release --example design_variance`.

use outpace::inputs::design::{AnyDesign, Design, DesignKind};

const REPLICATES: u32 = 64;

/// An integrand on the unit cube.
type Integrand<'a> = &'a dyn Fn(&[f64]) -> f64;

fn rates(d: usize) -> Vec<f64> {
    (0..d).map(|j| 1.0 / (j as f64 + 1.0)).collect()
}

fn weighted_sum(u: &[f64], c: &[f64]) -> f64 {
    u.iter().zip(c).map(|(x, c)| x * c).sum()
}

fn estimate(kind: DesignKind, replicate: u32, n: u64, d: usize, f: Integrand) -> f64 {
    let design = AnyDesign::new(kind, 2026, replicate, n, d).unwrap();
    let mut row = vec![0.0; d];
    (0..n)
        .map(|i| {
            design.point(i, &mut row);
            f(&row)
        })
        .sum::<f64>()
        / n as f64
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (
        m,
        xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0),
    )
}

fn main() {
    let margin = (4.0 * (4.0 / f64::from(REPLICATES - 1)).sqrt()).exp();
    println!(
        "variance ratio Var(MC) / Var(design), {REPLICATES} replicates; a ratio's 4-sigma range is x/ {margin:.2}"
    );
    println!(
        "{:<10} {:>3} {:>6} {:>10} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "integrand", "d", "n", "exact", "mean MC", "mean LHS", "mean Sobol", "LHS", "Sobol"
    );
    for d in [4usize, 40] {
        let c = rates(d);
        let smooth_mean: f64 = c.iter().map(|c| c.exp_m1() / c).product();
        let threshold = 0.5 * c.iter().sum::<f64>();
        let reference = estimate(DesignKind::MonteCarlo, 999, 1 << 24, d, &|u| {
            f64::from(weighted_sum(u, &c) <= threshold)
        });
        let smooth = |u: &[f64]| weighted_sum(u, &c).exp();
        let indicator = |u: &[f64]| f64::from(weighted_sum(u, &c) <= threshold);
        let cases: [(&str, f64, Integrand); 2] = [
            ("smooth", smooth_mean, &smooth),
            ("indicator", reference, &indicator),
        ];
        for (name, exact, f) in cases {
            for n in [1024u64, 8192] {
                let per_kind: Vec<(f64, f64)> = [
                    DesignKind::MonteCarlo,
                    DesignKind::LatinHypercube,
                    DesignKind::Sobol,
                ]
                .into_iter()
                .map(|kind| {
                    let xs: Vec<f64> = (0..REPLICATES)
                        .map(|r| estimate(kind, r, n, d, f))
                        .collect();
                    mean_var(&xs)
                })
                .collect();
                let (mc, lhs, sobol) = (per_kind[0], per_kind[1], per_kind[2]);
                println!(
                    "{name:<10} {d:>3} {n:>6} {exact:>10.6} {:>12.6} {:>12.6} {:>12.6} {:>10.1} {:>10.1}",
                    mc.0,
                    lhs.0,
                    sobol.0,
                    mc.1 / lhs.1,
                    mc.1 / sobol.1
                );
            }
        }
    }
}
