//! First-passage detection against the inverse Gaussian law of Brownian motion with
//! drift, with the Broadie-Glasserman-Kou correction for discrete monitoring.
//!
//! `X_t = ln S_t` of a GBM is a Brownian motion with drift `nu = mu - sigma^2 / 2`
//! and volatility `sigma`, so `S` reaching `e^d` is `X` reaching `d`. Monitored
//! continuously, the passage time is inverse Gaussian with mean `d / nu` and CDF
//! `F(t) = Phi((nu t - d) / (sigma sqrt t)) + e^{2 nu d / sigma^2} Phi(-(nu t + d) / (sigma sqrt t))`.
//! Monitored every `dt`, it is approximately the continuous passage time of the
//! barrier shifted to `d + 0.5826 sigma sqrt(dt)` (Broadie, Glasserman and Kou, 1997).

mod common;

use common::*;
use outpace::engine::{Barrier, FirstPassage, ProcessModel, Simulation};
use outpace::process::Gbm;
use statrs::distribution::{ContinuousCDF, Normal};

/// `-zeta(1/2) / sqrt(2 pi)`.
const BGK_BETA: f64 = 0.582_597_157_939_010_6;

fn inverse_gaussian_cdf(t: f64, d: f64, nu: f64, sigma: f64) -> f64 {
    let phi = |x: f64| Normal::standard().cdf(x);
    let s = sigma * t.sqrt();
    phi((nu * t - d) / s) + (2.0 * nu * d / (sigma * sigma)).exp() * phi(-(nu * t + d) / s)
}

fn passage_run(
    nu: f64,
    sigma: f64,
    d: f64,
    dt: f64,
    steps: usize,
    paths: usize,
    seed: u64,
) -> Vec<Option<usize>> {
    let gbm = Gbm::new(nu + 0.5 * sigma * sigma, sigma, 1.0).unwrap();
    let rule = FirstPassage::above("s", Barrier::Level(d.exp()));
    let run = Simulation::new(ProcessModel::new("s", gbm))
        .paths(paths)
        .steps(steps)
        .dt(dt)
        .seed(seed)
        .quantiles(false)
        .first_passage("hit", rule)
        .run()
        .unwrap();
    run.passage("hit").unwrap().times().collect()
}

#[test]
fn passage_cdf_matches_inverse_gaussian_with_bgk_shift() {
    let (nu, sigma, d, dt) = (0.2, 0.3, 2f64.ln(), 1.0 / 52.0);
    let paths = 100_000;
    let times = passage_run(nu, sigma, d, dt, 520, paths, 101);
    let shifted = d + BGK_BETA * sigma * dt.sqrt();
    for years in [0.5, 1.0, 2.0, 3.5, 5.0, 10.0] {
        let k = (years / dt).round() as usize;
        let hits = times.iter().filter(|t| t.is_some_and(|t| t <= k)).count() as u64;
        let t = k as f64 * dt;
        let p = inverse_gaussian_cdf(t, shifted, nu, sigma);
        assert_proportion(&format!("P(T <= {years}y)"), hits, paths as u64, p);
        if years == 2.0 {
            // Ignoring discrete monitoring (the unshifted barrier) is rejected.
            let se = (p * (1.0 - p) / paths as f64).sqrt();
            let unshifted = inverse_gaussian_cdf(t, d, nu, sigma);
            assert_rejects(
                "P(T <= 2y), unshifted barrier",
                hits as f64 / paths as f64,
                se,
                unshifted,
            );
        }
    }
}

#[test]
fn mean_passage_time_is_barrier_over_drift() {
    // Strong drift and a ten-year horizon: censoring is below 1e-5, so the sample
    // mean estimates E[T] = d' / nu with d' the BGK-shifted barrier.
    let (nu, sigma, d, dt) = (0.5, 0.3, 2f64.ln(), 1.0 / 250.0);
    let times = passage_run(nu, sigma, d, dt, 2_500, 50_000, 102);
    assert!(times.iter().all(Option::is_some), "a path was censored");
    let years: Vec<f64> = times.iter().map(|t| t.unwrap() as f64 * dt).collect();
    let (mean, se) = mean_se(&years);
    let shifted = d + BGK_BETA * sigma * dt.sqrt();
    assert_within("E[T]", mean, se, shifted / nu);
    // The inverse Gaussian variance d sigma^2 / nu^3.
    let (var, var_se) = variance_se(&years);
    assert_within("Var[T]", var, var_se, shifted * sigma * sigma / nu.powi(3));
    assert_rejects("E[T], unshifted barrier", mean, se, d / nu);
}

#[test]
fn censored_paths_are_not_reported_at_the_horizon() {
    // Negative drift: most paths never reach the barrier within the horizon.
    let times = passage_run(-0.2, 0.2, 1.0, 0.25, 20, 5_000, 103);
    let censored = times.iter().filter(|t| t.is_none()).count();
    assert!(censored > 4_000, "{censored}");
    assert!(times.iter().flatten().all(|&t| t <= 20));
    // Among paths that did pass, the time at the horizon is not over-represented:
    // the CDF increment at the last step is a few tenths of a percent, not the mass
    // of all censored paths.
    let at_horizon = times.iter().filter(|t| **t == Some(20)).count();
    assert!(at_horizon < 100, "{at_horizon}");
}
