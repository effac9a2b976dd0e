//! Stochastic logistic growth against its exact flow and one-step identities.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{Logistic, Process, Transition};

#[test]
fn noise_free_path_is_the_closed_form_curve_at_every_step() {
    // sigma = 0: the step is the exact logistic flow, so the grid path must equal
    // K / (1 + (K / x0 - 1) e^{-r t}) at every step, for fine and coarse dt alike,
    // from below the capacity (S-curve) and from above it (decay towards K).
    let mut rng = PathStreams::new(21, 0).rng(Component::new(0));
    for x0 in [0.5, 40.0, 260.0] {
        let logistic = Logistic::new(1.3, 100.0, 0.0, x0).unwrap();
        for dt in [0.01, 0.1, 0.5, 3.0] {
            let step = logistic.transition(dt).unwrap();
            let mut x = logistic.initial_state();
            for k in 1..=(12.0 / dt).round() as usize {
                step.step(&mut x, &mut rng);
                let exact = logistic.deterministic(k as f64 * dt);
                let rel = (x / exact - 1.0).abs();
                assert!(rel < 1e-12, "x0 {x0}, dt {dt}, step {k}: {x} vs {exact}");
            }
        }
    }
}

/// Checks one step from `x0` over `dt`: E[X' | x0] = phi_dt(x0) and
/// ln(X' / phi_dt(x0)) ~ N(-sigma^2 dt / 2, sigma^2 dt); an Euler mean is rejected.
fn check_one_step(logistic: &Logistic, dt: f64, seed: u64) {
    let (r, k, x) = (logistic.rate(), logistic.capacity(), logistic.x0());
    let phi = logistic.flow(x, dt);
    assert_eq!(logistic.transition(dt).unwrap().conditional_mean(x), phi);
    let xs = final_values(logistic, dt, 1, 200_000, seed);
    let (mean, se) = mean_se(&xs);
    assert_within("E[X_dt | x0]", mean, se, phi);
    // The Euler step of the ODE, x + r x (1 - x / K) dt, is far off for a coarse dt.
    assert_rejects("E[X_dt | x0]", mean, se, x + r * x * (1.0 - x / k) * dt);

    let s2dt = logistic.sigma().powi(2) * dt;
    let logs: Vec<f64> = xs.iter().map(|v| (v / phi).ln()).collect();
    let (log_mean, log_se) = mean_se(&logs);
    assert_within("E[ln(X_dt / phi)]", log_mean, log_se, -0.5 * s2dt);
    let (log_var, log_var_se) = variance_se(&logs);
    assert_within("Var[ln X_dt | x0]", log_var, log_var_se, s2dt);
}

#[test]
fn one_step_mean_is_the_flow_and_log_variance_is_sigma2_dt() {
    // Early in the S-curve, over a coarse step.
    check_one_step(&Logistic::new(1.2, 100.0, 0.4, 5.0).unwrap(), 1.0, 31);
    // Above the capacity, where Euler even undershoots K.
    check_one_step(&Logistic::new(1.2, 100.0, 0.25, 180.0).unwrap(), 0.5, 32);
}

#[test]
fn noisy_paths_stay_positive_and_finite() {
    let logistic = Logistic::new(2.0, 1.0, 1.5, 1e-6).unwrap();
    for x in final_values(&logistic, 0.25, 80, 20_000, 41) {
        assert!(x.is_finite() && x > 0.0, "{x}");
    }
}
