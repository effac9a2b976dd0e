//! Geometric Brownian motion against its closed forms.

mod common;

use common::*;
use outpace::process::Gbm;

#[test]
fn terminal_mean_and_variance_match_closed_forms() {
    // Five years in one exact step and in sixty monthly steps: the law of S_T must
    // not depend on the step size.
    let gbm = Gbm::new(0.1, 0.3, 1.0).unwrap();
    let t = 5.0;
    for (steps, seed) in [(1usize, 11u64), (60, 12)] {
        let xs = final_values(&gbm, t / steps as f64, steps, 200_000, seed);
        let (mean, se) = mean_se(&xs);
        assert_within("E[S_T]", mean, se, gbm.mean(t));
        // Without the Ito correction the mean would be x0 e^{(mu + sigma^2 / 2) t}.
        assert_rejects("E[S_T]", mean, se, ((0.1f64 + 0.045) * t).exp());
        let (var, var_se) = variance_se(&xs);
        assert_within("Var[S_T]", var, var_se, gbm.variance(t));
    }
}

#[test]
fn log_increments_are_gaussian_with_exact_moments() {
    // log(S_{t+dt} / S_t) ~ N((mu - sigma^2/2) dt, sigma^2 dt) exactly, for any dt.
    let gbm = Gbm::new(-0.05, 0.6, 2.0).unwrap();
    let dt = 0.5;
    let logs: Vec<f64> = final_values(&gbm, dt, 1, 200_000, 3)
        .iter()
        .map(|s| (s / gbm.x0()).ln())
        .collect();
    let (mean, se) = mean_se(&logs);
    assert_within("log drift", mean, se, (-0.05 - 0.18) * dt);
    let (var, var_se) = variance_se(&logs);
    assert_within("log variance", var, var_se, 0.36 * dt);
}
