//! Ornstein-Uhlenbeck and exponential OU against their closed forms.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{ExpOu, Gbm, Ou, Process, Transition};

/// Runs `paths` paths of `process` on steps of `dt` and returns, per path, the
/// values at steps `k1` and `k2 > k1`.
fn values_at_two_steps<P: Process>(
    process: &P,
    dt: f64,
    (k1, k2): (usize, usize),
    paths: usize,
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let step = process.transition(dt).unwrap();
    (0..paths)
        .map(|path| {
            let mut rng = PathStreams::new(seed, path as u64).rng(Component::new(0));
            let mut state = process.initial_state();
            let mut first = f64::NAN;
            for k in 1..=k2 {
                step.step(&mut state, &mut rng);
                if k == k1 {
                    first = process.value(&state);
                }
            }
            (first, process.value(&state))
        })
        .unzip()
}

/// `mu + (x - mu) e^{-theta dt}` and `sigma^2 (1 - e^{-2 theta dt}) / (2 theta)`,
/// written out independently of the library.
fn exact_conditional_moments(theta: f64, mu: f64, sigma: f64, x: f64, dt: f64) -> (f64, f64) {
    let mean = mu + (x - mu) * (-theta * dt).exp();
    let var = sigma * sigma * (1.0 - (-2.0 * theta * dt).exp()) / (2.0 * theta);
    (mean, var)
}

#[test]
fn ou_reaches_its_stationary_law_after_many_half_lives() {
    // Start 10 above the level and run 20 time constants (e^{-20} ~ 2e-9).
    let (theta, sigma, dt) = (2.0, 0.6, 0.1);
    let ou = Ou::new(theta, 1.0, sigma, 11.0).unwrap();
    let xs = final_values(&ou, dt, 100, 100_000, 101);
    let (mean, se) = mean_se(&xs);
    assert_within("stationary mean", mean, se, ou.stationary_mean());
    let (var, var_se) = variance_se(&xs);
    assert_within("stationary variance", var, var_se, ou.stationary_variance());
    assert_within(
        "stationary variance",
        var,
        var_se,
        sigma * sigma / (2.0 * theta),
    );
    // An Euler scheme on the same grid has stationary variance
    // sigma^2 / (theta (2 - theta dt)).
    let euler = sigma * sigma / (theta * (2.0 - theta * dt));
    assert_rejects("stationary variance", var, var_se, euler);
}

#[test]
fn ou_one_large_step_has_the_exact_conditional_law() {
    // One step of dt = 2 from x = 4: Euler would predict mean x + theta (mu - x) dt
    // = -5 (overshooting far past mu) and variance sigma^2 dt.
    let (theta, mu, sigma, x, dt) = (1.5, 1.0, 0.8, 4.0, 2.0);
    let ou = Ou::new(theta, mu, sigma, x).unwrap();
    let xs = final_values(&ou, dt, 1, 200_000, 102);
    let (exact_mean, exact_var) = exact_conditional_moments(theta, mu, sigma, x, dt);
    assert!((ou.mean(dt) - exact_mean).abs() < 1e-15);
    assert!((ou.variance(dt) - exact_var).abs() < 1e-15);
    let (mean, se) = mean_se(&xs);
    assert_within("conditional mean", mean, se, exact_mean);
    assert_rejects("conditional mean", mean, se, x + theta * (mu - x) * dt);
    let (var, var_se) = variance_se(&xs);
    assert_within("conditional variance", var, var_se, exact_var);
    assert_rejects("conditional variance", var, var_se, sigma * sigma * dt);
}

#[test]
fn ou_mean_and_variance_at_an_intermediate_time() {
    // t = 0.8 reached in one step and in sixteen: the law must not depend on dt.
    let ou = Ou::new(0.9, -0.5, 0.7, 2.0).unwrap();
    let t = 0.8;
    let (exact_mean, exact_var) = exact_conditional_moments(0.9, -0.5, 0.7, 2.0, t);
    assert!((ou.mean(t) - exact_mean).abs() < 1e-15);
    assert!((ou.variance(t) - exact_var).abs() < 1e-15);
    for (steps, seed) in [(1usize, 103u64), (16, 104)] {
        let xs = final_values(&ou, t / steps as f64, steps, 200_000, seed);
        let (mean, se) = mean_se(&xs);
        assert_within("E[X_t]", mean, se, ou.mean(t));
        // Without reversion the mean would stay at x0.
        assert_rejects("E[X_t]", mean, se, ou.x0());
        let (var, var_se) = variance_se(&xs);
        assert_within("Var[X_t]", var, var_se, ou.variance(t));
        assert_rejects("Var[X_t]", var, var_se, 0.49 * t);
    }
}

#[test]
fn ou_autocovariance_decays_at_rate_theta() {
    // Cov(X_s, X_t) = e^{-theta (t - s)} Var(X_s) for s < t.
    let ou = Ou::new(0.9, 0.0, 0.5, 1.0).unwrap();
    let (dt, s, t) = (0.25, 0.5, 1.5);
    let (xs, xt) = values_at_two_steps(&ou, dt, (2, 6), 200_000, 105);
    let (cov, se) = covariance_se(&xs, &xt);
    let expected = (-0.9f64 * (t - s)).exp() * ou.variance(s);
    assert_within("Cov(X_s, X_t)", cov, se, expected);
    // Independent increments (Brownian motion) would give Var(X_s).
    assert_rejects("Cov(X_s, X_t)", cov, se, ou.variance(s));
}

#[test]
fn ou_with_zero_theta_is_brownian_motion() {
    // mu plays no role without reversion: E = x0, Var = sigma^2 t.
    let ou = Ou::new(0.0, 5.0, 0.5, 1.0).unwrap();
    let t = 2.0;
    assert_eq!(ou.mean(t), 1.0);
    assert_eq!(ou.variance(t), 0.25 * t);
    let xs = final_values(&ou, t / 8.0, 8, 200_000, 106);
    let (mean, se) = mean_se(&xs);
    assert_within("E[W]", mean, se, 1.0);
    let (var, var_se) = variance_se(&xs);
    assert_within("Var[W]", var, var_se, 0.25 * t);
    // A variance frozen at one step's worth would be caught.
    assert_rejects("Var[W]", var, var_se, 0.25 * t / 8.0);
}

#[test]
fn exp_ou_reaches_its_stationary_lognormal_law() {
    // Log level starts at 3 against a long-run 0.5; 20 time constants later the law
    // is lognormal with m = mu, v = sigma^2 / (2 theta) = 0.09.
    let (theta, mu, sigma) = (2.0, 0.5, 0.6);
    let p = ExpOu::new(theta, mu, sigma, 3.0f64.exp()).unwrap();
    let ys = final_states(&p, 0.1, 100, 100_000, 201);
    let v = sigma * sigma / (2.0 * theta);
    let (log_mean, se) = mean_se(&ys);
    assert_within("stationary log mean", log_mean, se, mu);
    let (log_var, var_se) = variance_se(&ys);
    assert_within("stationary log variance", log_var, var_se, v);

    let ps: Vec<f64> = ys.iter().map(|y| p.value(y)).collect();
    let (mean, se) = mean_se(&ps);
    assert_within("stationary mean", mean, se, p.stationary_mean());
    assert_within("stationary mean", mean, se, (mu + v / 2.0).exp());
    // Forgetting the lognormal correction: E[P] = e^mu.
    assert_rejects("stationary mean", mean, se, mu.exp());
    let (var, var_se) = variance_se(&ps);
    let expected = (v.exp() - 1.0) * (2.0 * mu + v).exp();
    assert_within("stationary variance", var, var_se, p.stationary_variance());
    assert_within("stationary variance", var, var_se, expected);
}

#[test]
fn exp_ou_one_large_step_has_the_exact_conditional_law() {
    let (theta, mu, sigma, y, dt) = (1.5, 0.0, 0.8, 2.0f64, 2.0);
    let p = ExpOu::new(theta, mu, sigma, y.exp()).unwrap();
    let ys = final_states(&p, dt, 1, 200_000, 202);
    let (exact_mean, exact_var) = exact_conditional_moments(theta, mu, sigma, y, dt);
    let (log_mean, se) = mean_se(&ys);
    assert_within("conditional log mean", log_mean, se, exact_mean);
    assert_rejects(
        "conditional log mean",
        log_mean,
        se,
        y + theta * (mu - y) * dt,
    );
    let (log_var, var_se) = variance_se(&ys);
    assert_within("conditional log variance", log_var, var_se, exact_var);
    assert_rejects(
        "conditional log variance",
        log_var,
        var_se,
        sigma * sigma * dt,
    );

    let ps: Vec<f64> = ys.iter().map(|y| p.value(y)).collect();
    let (mean, se) = mean_se(&ps);
    assert_within("conditional mean", mean, se, p.mean(dt));
    let (var, var_se) = variance_se(&ps);
    assert_within("conditional variance", var, var_se, p.variance(dt));
}

#[test]
fn exp_ou_lognormal_mean_and_variance_at_an_intermediate_time() {
    let p = ExpOu::new(0.6, 1.0, 0.5, 1.0).unwrap();
    let t = 1.25;
    let (m, v) = exact_conditional_moments(0.6, 1.0, 0.5, 0.0, t);
    assert!((p.log_mean(t) - m).abs() < 1e-15);
    assert!((p.log_variance(t) - v).abs() < 1e-15);
    let ps = final_values(&p, t / 10.0, 10, 200_000, 203);
    let (mean, se) = mean_se(&ps);
    assert_within("E[P_t]", mean, se, (m + v / 2.0).exp());
    assert_within("E[P_t]", mean, se, p.mean(t));
    // The median e^m is not the mean.
    assert_rejects("E[P_t]", mean, se, m.exp());
    let (var, var_se) = variance_se(&ps);
    assert_within(
        "Var[P_t]",
        var,
        var_se,
        (v.exp() - 1.0) * (2.0 * m + v).exp(),
    );
    assert_within("Var[P_t]", var, var_se, p.variance(t));
    // A log-scale variance mistaken for the level's variance would be caught.
    assert_rejects("Var[P_t]", var, var_se, v * (2.0 * m).exp());
}

#[test]
fn exp_ou_with_zero_theta_is_gbm_path_by_path() {
    // Without reversion P = p0 e^{sigma W}: a GBM with drift sigma^2 / 2, on the
    // same streams the very same paths.
    let sigma = 0.4;
    let p = ExpOu::new(0.0, 3.0, sigma, 2.0).unwrap();
    let gbm = Gbm::new(0.5 * sigma * sigma, sigma, 2.0).unwrap();
    let (dt, steps) = (0.25, 8);
    let t = dt * steps as f64;
    let ps = final_values(&p, dt, steps, 50_000, 204);
    let gs = final_values(&gbm, dt, steps, 50_000, 204);
    for (a, b) in ps.iter().zip(&gs) {
        assert!((a / b - 1.0).abs() < 1e-13, "{a} vs {b}");
    }
    assert!((p.mean(t) / gbm.mean(t) - 1.0).abs() < 1e-14);
    assert!((p.variance(t) / gbm.variance(t) - 1.0).abs() < 1e-14);
    let (log_var, var_se) = variance_se(&final_states(&p, dt, steps, 50_000, 205));
    assert_within("Var[ln P_t]", log_var, var_se, sigma * sigma * t);
    let (mean, se) = mean_se(&ps);
    assert_within("E[P_t]", mean, se, gbm.mean(t));
}
