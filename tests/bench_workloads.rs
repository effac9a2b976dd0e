//! The benchmark workloads compute what they claim: their reduced statistics
//! against closed forms, and W through outpace against the hand-written loop.

mod common;

#[path = "../benches/support/workloads.rs"]
mod workloads;

use common::*;
use statrs::distribution::{ContinuousCDF, Normal};
use workloads::{DT, STEPS};

const PATHS: usize = 200_000;

/// `E[S_T]`, `sd(S_T)` of the workload's GBM (mu 0.1, sigma 0.3) at `T = 10`.
fn terminal_moments() -> (f64, f64) {
    let t = STEPS as f64 * DT;
    let mean = (0.1 * t).exp();
    (mean, mean * (0.09 * t).exp_m1().sqrt())
}

#[test]
fn outpace_computes_exactly_what_the_hand_written_loop_computes() {
    let (hand, ours) = (workloads::hand(PATHS), workloads::outpace_w(PATHS));
    // Same streams, same arithmetic: the crossings agree exactly, the mean terminal
    // value up to the order of summation.
    assert_eq!(hand.1, ours.1, "share crossed");
    assert_eq!(hand.2, ours.2, "mean crossing step");
    assert!(
        (hand.0 - ours.0).abs() < 1e-12 * hand.0,
        "{} vs {}",
        hand.0,
        ours.0
    );
}

#[test]
fn w_statistics_match_closed_forms() {
    let (mean, crossed, _) = workloads::outpace_w(PATHS);
    let (expected, sd) = terminal_moments();
    assert_within("E[S_T]", mean, sd / (PATHS as f64).sqrt(), expected);
    // Crossing ln 2 by a Brownian motion with drift nu = mu - sigma^2 / 2 and
    // volatility sigma within T, monitored monthly: the continuous first-passage
    // law with the barrier shifted by 0.5826 sigma sqrt(dt) (Broadie, Glasserman and
    // Kou).
    let (nu, sigma, t) = (0.1 - 0.045, 0.3, STEPS as f64 * DT);
    let d = 2f64.ln() + 0.5826 * sigma * DT.sqrt();
    let phi = |x: f64| Normal::standard().cdf(x);
    let s = sigma * t.sqrt();
    let p = phi((nu * t - d) / s) + (2.0 * nu * d / (sigma * sigma)).exp() * phi(-(nu * t + d) / s);
    let hits = (crossed * PATHS as f64).round() as u64;
    assert_proportion("P(S crosses 2 within 10 years)", hits, PATHS as u64, p);
}

#[test]
fn level_workload_matches_the_log_workload() {
    let (level, log) = (workloads::outpace_level(PATHS), workloads::outpace_w(PATHS));
    let (expected, sd) = terminal_moments();
    assert_within("E[S_T]", level.0, sd / (PATHS as f64).sqrt(), expected);
    // S >= 2 and ln S >= ln 2 are the same event, up to rounding at the barrier.
    assert!((level.1 - log.1).abs() <= 1e-4, "{} vs {}", level.1, log.1);
}

#[test]
fn fan_workload_statistics_match_closed_forms() {
    let (mean, _, median) = workloads::outpace_fan(PATHS);
    let (expected, sd) = terminal_moments();
    assert_within("E[S_T]", mean, sd / (PATHS as f64).sqrt(), expected);
    // The median of the lognormal S_T is e^{(mu - sigma^2/2) T}; the sample median's
    // standard error is 1 / (2 f(m) sqrt(n)), f the density at the median; the
    // sketch adds at most its relative accuracy.
    let t = STEPS as f64 * DT;
    let m = ((0.1 - 0.045) * t).exp();
    let density = 1.0 / (m * 0.3 * t.sqrt() * (2.0 * std::f64::consts::PI).sqrt());
    let se = 1.0 / (2.0 * density * (PATHS as f64).sqrt());
    let tolerance = K_SIGMA * se + outpace::stats::RELATIVE_ACCURACY * m;
    assert!(
        (median - m).abs() <= tolerance,
        "median {median} vs {m} (tolerance {tolerance})"
    );
}

#[test]
fn floor_sums_standard_normals() {
    // The sum of 120 N(0, 1) per path, summed over paths: N(0, 120 n).
    let total = workloads::floor(PATHS);
    assert_within("sum of normals", total, (120.0 * PATHS as f64).sqrt(), 0.0);
}
