//! Schedules and the time-varying GBM against exact integrals and closed forms.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{Gbm, LogReturn, Process, Schedule, TimeVaryingGbm, Transition};

/// Drift with breakpoints at 0.3 and 1.1, volatility at 0.6 and 1.3: with
/// `dt = 0.25` every breakpoint falls strictly inside a step.
fn piecewise() -> TimeVaryingGbm {
    let mu = Schedule::new(vec![(0.0, 0.05), (0.3, 0.2), (1.1, -0.1)]).unwrap();
    let sigma = Schedule::new(vec![(0.0, 0.2), (0.6, 0.5), (1.3, 0.1)]).unwrap();
    TimeVaryingGbm::new(mu, sigma, 1.0).unwrap()
}

#[test]
fn integral_equals_a_midpoint_sum_on_a_grid_through_the_breakpoints() {
    // A midpoint rule is exact for a step function once the grid contains every
    // breakpoint, which makes it an independent check of `integral` via `value_at`.
    let s = Schedule::new(vec![(0.0, 1.5), (0.3, -2.0), (0.35, 0.0), (1.7, 4.0)]).unwrap();
    for (a, b) in [
        (0.0, 3.0),
        (0.1, 0.32),
        (0.33, 2.0),
        (-0.5, 0.5),
        (1.7, 1.9),
    ] {
        let mut cuts = vec![a, b];
        cuts.extend(s.pieces().iter().map(|p| p.0).filter(|&t| a < t && t < b));
        cuts.sort_by(f64::total_cmp);
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for w in cuts.windows(2) {
            let v = s.value_at(0.5 * (w[0] + w[1]));
            sum += v * (w[1] - w[0]);
            sum_sq += v * v * (w[1] - w[0]);
        }
        assert!((s.integral(a, b) - sum).abs() < 1e-14, "[{a}, {b}]");
        assert!(
            (s.integral_of_square(a, b) - sum_sq).abs() < 1e-13,
            "[{a}, {b}]"
        );
    }
}

#[test]
fn terminal_moments_are_exact_with_breakpoints_inside_steps() {
    let gbm = piecewise();
    let t = 2.0; // beyond the last breakpoint
    let log_var = gbm.sigma().integral_of_square(0.0, t);
    let log_mean = gbm.mu().integral(0.0, t) - 0.5 * log_var;
    for (dt, seed) in [(0.25, 51u64), (1.0, 52), (2.0, 53)] {
        let steps = (t / dt).round() as usize;
        let xs = final_values(&gbm, dt, steps, 200_000, seed);
        let (mean, se) = mean_se(&xs);
        assert_within("E[S_T]", mean, se, gbm.mean(t));
        let (var, var_se) = variance_se(&xs);
        assert_within("Var[S_T]", var, var_se, gbm.variance(t));
        let logs: Vec<f64> = xs.iter().map(|s| s.ln()).collect();
        let (lm, lm_se) = mean_se(&logs);
        assert_within("E[ln S_T]", lm, lm_se, log_mean);
        let (lv, lv_se) = variance_se(&logs);
        assert_within("Var[ln S_T]", lv, lv_se, log_var);

        // Left-point parameters mu(t_k) dt, sigma(t_k)^2 dt instead of integrals.
        let left = |s: &Schedule, sq: bool| -> f64 {
            (0..steps)
                .map(|k| s.value_at(k as f64 * dt).powi(if sq { 2 } else { 1 }) * dt)
                .sum()
        };
        assert_rejects("E[S_T]", mean, se, left(gbm.mu(), false).exp());
        assert_rejects("Var[ln S_T]", lv, lv_se, left(gbm.sigma(), true));
    }
}

#[test]
fn constant_schedules_reproduce_gbm_draw_for_draw() {
    let gbm = Gbm::new(0.07, 0.3, 1.5).unwrap();
    let constant = |v| Schedule::constant(v).unwrap();
    let tv = TimeVaryingGbm::new(constant(0.07), constant(0.3), 1.5).unwrap();
    for (dt, path) in [(1.0 / 12.0, 0u64), (0.5, 1), (3.0, 2)] {
        let (gbm_step, tv_step) = (gbm.transition(dt).unwrap(), tv.transition(dt).unwrap());
        let streams = PathStreams::new(61, path);
        let (mut rng_a, mut rng_b) = (
            streams.rng(Component::new(0)),
            streams.rng(Component::new(0)),
        );
        let (mut s, mut state) = (gbm.initial_state(), tv.initial_state());
        for k in 1..=60 {
            gbm_step.step(&mut s, &mut rng_a);
            tv_step.step(&mut state, &mut rng_b);
            assert_eq!(tv.value(&state), gbm.value(&s), "dt {dt}, step {k}");
            assert_eq!(state.log_return(), s.log_return, "dt {dt}, step {k}");
            assert_eq!(state.step(), k);
        }
    }
}

#[test]
fn piecewise_path_switches_to_the_tail_exactly() {
    // Past the last breakpoint the steps are plain GBM steps with the tail values:
    // started from the same log-return and fed the same normals, both agree bit for
    // bit.
    let gbm = piecewise();
    let dt = 0.25;
    let tail = Gbm::new(-0.1, 0.1, 1.0).unwrap().transition(dt).unwrap();
    let step = gbm.transition(dt).unwrap();
    let streams = PathStreams::new(71, 0);
    let mut rng = streams.rng(Component::new(0));
    let mut state = gbm.initial_state();
    for _ in 0..6 {
        step.step(&mut state, &mut rng); // t = 1.5 >= 1.3
    }
    let (mut rng_a, mut rng_b) = (rng.clone(), rng);
    let mut s = LogReturn {
        log_return: state.log_return(),
    };
    for _ in 0..20 {
        step.step(&mut state, &mut rng_a);
        tail.step(&mut s, &mut rng_b);
        assert_eq!(state.log_return(), s.log_return);
    }
}
