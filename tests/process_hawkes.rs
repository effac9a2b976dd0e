//! Hawkes process (exact Dassios & Zhao simulation) against its closed forms.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{Hawkes, HawkesState, Process, Transition};

/// Runs `paths` paths with step `dt` and returns, for each entry of `checkpoints`
/// (step counts, increasing), the states of all paths after that many steps.
fn states_at(
    h: &Hawkes,
    dt: f64,
    checkpoints: &[usize],
    paths: usize,
    seed: u64,
) -> Vec<Vec<HawkesState>> {
    let step = h.transition(dt).unwrap();
    let mut out = vec![Vec::with_capacity(paths); checkpoints.len()];
    for path in 0..paths {
        let mut rng = PathStreams::new(seed, path as u64).rng(Component::new(0));
        let mut s = h.initial_state();
        let mut done = 0;
        for (slot, &target) in out.iter_mut().zip(checkpoints) {
            for _ in done..target {
                step.step(&mut s, &mut rng);
            }
            done = target;
            slot.push(s);
        }
    }
    out
}

fn counts(states: &[HawkesState]) -> Vec<f64> {
    states.iter().map(|s| s.count() as f64).collect()
}

fn intensities(h: &Hawkes, states: &[HawkesState]) -> Vec<f64> {
    states.iter().map(|s| h.intensity(s)).collect()
}

/// Checks E[N_t], Var[N_t] and E[lambda(t)] at every checkpoint `t = steps * dt`.
fn check_moments(h: &Hawkes, dt: f64, checkpoints: &[usize], paths: usize, seed: u64) {
    let all = states_at(h, dt, checkpoints, paths, seed);
    for (states, &steps) in all.iter().zip(checkpoints) {
        let t = steps as f64 * dt;
        let n = counts(states);
        let (mean, se) = mean_se(&n);
        assert_within(&format!("E[N({t})] {h:?}"), mean, se, h.mean(t));
        let (var, var_se) = variance_se(&n);
        assert_within(&format!("Var[N({t})] {h:?}"), var, var_se, h.variance(t));
        let (lam, lam_se) = mean_se(&intensities(h, states));
        assert_within(
            &format!("E[lambda({t})] {h:?}"),
            lam,
            lam_se,
            h.mean_intensity(t),
        );
    }
}

#[test]
fn moments_from_rest_match_closed_forms() {
    // n = 0.5, kappa = 0.8, lambda_inf = 2: the intensity climbs from 1 to 2.
    let h = Hawkes::new(1.0, 0.8, 1.6).unwrap();
    check_moments(&h, 0.5, &[1, 4, 10], 100_000, 101);

    let t = 5.0;
    let n = counts(&states_at(&h, 0.5, &[10], 100_000, 102)[0]);
    let (mean, se) = mean_se(&n);
    // A plain Poisson process at the baseline rate ignores the retaliation.
    assert_rejects("E[N(5)] vs Poisson(lambda0)", mean, se, h.baseline() * t);
    // Relaxing at beta instead of kappa = beta - alpha is also detected.
    let wrong_kappa = 2.0 * t - (1.0 - (-h.beta() * t).exp()) / h.beta();
    assert_rejects("E[N(5)] relaxing at beta", mean, se, wrong_kappa);
    let (var, var_se) = variance_se(&n);
    assert_rejects("Var[N(5)] vs Poisson", var, var_se, mean);
}

#[test]
fn moments_from_initial_excess_match_closed_forms() {
    // n = 0.8, kappa = 0.3, lambda_inf = 2.5, started at lambda(0) = 3.5.
    let h = Hawkes::new(0.5, 1.2, 1.5)
        .unwrap()
        .with_initial_excess(3.0)
        .unwrap();
    check_moments(&h, 0.25, &[2, 8, 24], 60_000, 201);
    // No baseline: one burst of retaliation that dies out after e / kappa events
    // on average (exercises the infinite baseline candidate).
    let burst = Hawkes::new(0.0, 0.5, 1.0)
        .unwrap()
        .with_initial_excess(2.0)
        .unwrap();
    check_moments(&burst, 1.0, &[1, 3, 8], 60_000, 202);
    // Total size of the burst: by t = 30 all but e^{-15} of the mean has fired.
    let n = counts(&states_at(&burst, 30.0, &[1], 60_000, 203)[0]);
    let (mean, se) = mean_se(&n);
    assert_within("burst size", mean, se, burst.mean(30.0));
    assert!((burst.mean(30.0) - 4.0).abs() < 1e-5);
    let (var, var_se) = variance_se(&n);
    assert_within("burst size variance", var, var_se, burst.variance(30.0));
}

#[test]
fn first_event_has_the_exact_survival_probability() {
    // Before the first event the intensity is deterministic, so
    // P(N_t = 0) = exp(-lambda0 t - e (1 - e^{-beta t}) / beta): this tests the
    // self-excited candidate S1 of the exact algorithm directly.
    let h = Hawkes::new(0.4, 0.9, 1.2)
        .unwrap()
        .with_initial_excess(2.5)
        .unwrap();
    let paths = 200_000;
    for (t, seed) in [(0.3, 301u64), (1.5, 302)] {
        let states = &states_at(&h, t, &[1], paths, seed)[0];
        let zeros = states.iter().filter(|s| s.count() == 0).count() as u64;
        let p = (-0.4 * t - 2.5 * (1.0 - (-1.2 * t).exp()) / 1.2).exp();
        assert_proportion(&format!("P(N({t}) = 0)"), zeros, paths as u64, p);
    }
}

#[test]
fn long_run_counts_give_stationary_intensity_and_window_variance() {
    // Burn in for kappa * 30 = 24 relaxation times, then count over a window.
    let h = Hawkes::new(1.0, 0.8, 1.6).unwrap();
    let (burn, window) = (30usize, 50usize);
    let all = states_at(&h, 1.0, &[burn, burn + window], 40_000, 401);
    let n: Vec<f64> = all[0]
        .iter()
        .zip(&all[1])
        .map(|(a, b)| (b.count() - a.count()) as f64)
        .collect();
    let w = window as f64;
    let rates: Vec<f64> = n.iter().map(|c| c / w).collect();
    let (rate, se) = mean_se(&rates);
    assert_within("counts per unit time", rate, se, h.stationary_intensity());
    assert_rejects("counts per unit time vs lambda0", rate, se, h.baseline());
    let (var, var_se) = variance_se(&n);
    assert_within(
        "stationary Var[N(T)]",
        var,
        var_se,
        h.stationary_count_variance(w),
    );
    // Over 50 time units the Fano factor is already 3.9 (limit 1/(1-n)^2 = 4):
    // far from the Poisson value 1.
    assert_rejects("stationary Var[N(T)] vs Poisson", var, var_se, rate * w);
    assert!(h.stationary_count_variance(w) / (h.stationary_intensity() * w) > 3.9);
    assert!((h.long_run_fano_factor() - 4.0).abs() < 1e-12);
}

#[test]
fn law_does_not_depend_on_step_size() {
    let h = Hawkes::new(0.5, 1.2, 1.5)
        .unwrap()
        .with_initial_excess(3.0)
        .unwrap();
    let t = 10.0;
    for (dt, seed) in [(1.0f64, 501u64), (0.05, 502)] {
        let steps = (t / dt).round() as usize;
        check_moments(&h, dt, &[steps], 50_000, seed);
    }
}

#[test]
fn without_excitation_it_is_poisson() {
    // alpha = 0, no initial excess: Poisson(lambda0 t), mean = variance.
    let h = Hawkes::new(1.5, 0.0, 1.0).unwrap();
    let n = counts(&states_at(&h, 0.5, &[8], 100_000, 601)[0]);
    let (mean, se) = mean_se(&n);
    assert_within("Poisson mean", mean, se, 6.0);
    let (var, var_se) = variance_se(&n);
    assert_within("Poisson variance", var, var_se, 6.0);
    // With an initial excess: inhomogeneous Poisson with intensity
    // lambda0 + e e^{-beta t}, mean = variance = lambda0 t + e (1 - e^{-beta t}) / beta.
    let h = h.with_initial_excess(2.0).unwrap();
    let expected = 6.0 + 2.0 * (1.0 - (-4.0f64).exp());
    let n = counts(&states_at(&h, 0.5, &[8], 100_000, 602)[0]);
    let (mean, se) = mean_se(&n);
    assert_within("inhomogeneous Poisson mean", mean, se, expected);
    let (var, var_se) = variance_se(&n);
    assert_within("inhomogeneous Poisson variance", var, var_se, expected);
}
