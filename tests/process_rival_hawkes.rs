//! Rival (multivariate) Hawkes process against its closed forms: per-firm mean
//! intensities and counts, the pooled count's law (a univariate Hawkes process),
//! the first event's time and firm, stationary intensities, step-size invariance,
//! thread invariance and pinned values.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams, ProcessModel, Simulation};
use outpace::process::{Hawkes, Process, RivalHawkes, RivalHawkesState, Transition};

/// The states of all paths after each of `checkpoints` steps (increasing).
fn states_at(
    h: &RivalHawkes,
    dt: f64,
    checkpoints: &[usize],
    paths: usize,
    seed: u64,
) -> Vec<Vec<RivalHawkesState>> {
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

fn firm_counts(states: &[RivalHawkesState], firm: usize) -> Vec<f64> {
    states.iter().map(|s| s.count(firm) as f64).collect()
}

fn total_counts(states: &[RivalHawkesState]) -> Vec<f64> {
    states.iter().map(|s| s.total_count() as f64).collect()
}

/// Checks E[N_i(t)] and E[lambda_i(t)] for every firm, and the mean and variance of
/// the pooled count against the ground process, at every checkpoint.
fn check_moments(h: &RivalHawkes, dt: f64, checkpoints: &[usize], paths: usize, seed: u64) {
    let all = states_at(h, dt, checkpoints, paths, seed);
    let ground = h.ground_process();
    for (states, &steps) in all.iter().zip(checkpoints) {
        let t = steps as f64 * dt;
        for i in 0..h.firms() {
            let (mean, se) = mean_se(&firm_counts(states, i));
            assert_within(&format!("E[N_{i}({t})]"), mean, se, h.mean_count(i, t));
            let lam: Vec<f64> = states.iter().map(|s| h.intensity(s, i)).collect();
            let (lam, lam_se) = mean_se(&lam);
            assert_within(
                &format!("E[lambda_{i}({t})]"),
                lam,
                lam_se,
                h.mean_intensity(i, t),
            );
        }
        let pooled = total_counts(states);
        let (mean, se) = mean_se(&pooled);
        assert_within(&format!("E[N({t})]"), mean, se, ground.mean(t));
        let (var, var_se) = variance_se(&pooled);
        assert_within(&format!("Var[N({t})]"), var, var_se, ground.variance(t));
    }
}

#[test]
fn firm_moments_match_closed_forms() {
    // Unequal baselines and an initial excess: both relaxation rates, kappa1 = 1.0
    // and kappa0 = 2.5, show in the firms' means.
    let h = RivalHawkes::new(&[0.5, 2.0, 0.0], 0.6, 0.5, 2.6)
        .unwrap()
        .with_initial_excess(&[3.0, 0.0, 1.0])
        .unwrap();
    check_moments(&h, 0.25, &[2, 6, 16], 60_000, 11);

    // Power: wrong laws a correct simulation must be told from.
    let t = 1.5;
    let states = &states_at(&h, 0.25, &[6], 60_000, 12)[0];
    for i in 0..3 {
        let (mean, se) = mean_se(&firm_counts(states, i));
        // Each firm a univariate Hawkes of its own cuts (no cross-excitation).
        let alone = Hawkes::new(h.baseline(i), 0.6, 2.6)
            .unwrap()
            .with_initial_excess(h.initial_excess()[i])
            .unwrap()
            .mean(t);
        assert_rejects(&format!("E[N_{i}] without rivals"), mean, se, alone);
    }
    // Relaxing at kappa1 only (dropping the deviation from the mean firm): firm 0
    // starts above the mean and firm 1 below, so both are told apart.
    for i in [0, 1] {
        let (mean, se) = mean_se(&firm_counts(states, i));
        let k1 = h.decay() - h.self_excitation() - 2.0 * h.cross_excitation();
        let d = h.baseline(i) + h.initial_excess()[i] - h.stationary_intensity(i);
        let one_rate = h.stationary_intensity(i) * t + d * (1.0 - (-k1 * t).exp()) / k1;
        assert_rejects(&format!("E[N_{i}] relaxing at kappa1"), mean, se, one_rate);
    }
}

#[test]
fn pure_cross_excitation_moves_the_rivals() {
    // Only firm 0 cuts on its own; with a_self = 0 every further cut is a rival's
    // answer, so firms 1 and 2 cut as often as their excitation says, and firm 0's
    // own cuts raise only the others.
    let h = RivalHawkes::new(&[1.0, 0.0, 0.0], 0.0, 0.9, 2.5).unwrap();
    check_moments(&h, 0.5, &[1, 4, 12], 60_000, 21);
    let states = &states_at(&h, 0.5, &[4], 60_000, 22)[0];
    let (mean, se) = mean_se(&firm_counts(states, 1));
    assert!(mean > 0.5, "rivals answer: {mean}");
    // Labels drawn from the baseline shares instead of the excess shares would
    // give firms 1 and 2 no cuts at all.
    assert_rejects("E[N_1] with baseline labels", mean, se, 0.0);
}

#[test]
fn first_event_has_the_exact_law() {
    // Before the first event the intensities are deterministic:
    // lambda_i(s) = mu_i + x_i(0) e^{-beta s}, the survival is
    // S(t) = exp(-M t - X(0) (1 - e^{-beta t}) / beta), and the first event is firm
    // i's before t with probability int_0^t lambda_i(s) S(s) ds.
    let (mu, x0, beta) = ([0.3, 0.0, 0.6], [0.0, 2.0, 0.5], 1.5);
    let h = RivalHawkes::new(&mu, 0.4, 0.2, beta)
        .unwrap()
        .with_initial_excess(&x0)
        .unwrap();
    let (m, x): (f64, f64) = (mu.iter().sum(), x0.iter().sum());
    let survival = |s: f64| (-m * s - x * (1.0 - (-beta * s).exp()) / beta).exp();
    let t = 1.0;
    let paths = 200_000u64;
    let mut firsts = [0u64; 3];
    let mut none = 0u64;
    for path in 0..paths {
        let mut rng = PathStreams::new(31, path).rng(Component::new(0));
        let mut s = h.initial_state();
        let step = h.transition(t).unwrap();
        let mut first = None;
        step.step_with_events(&mut s, &mut rng, |_, firm| {
            first.get_or_insert(firm);
        });
        match first {
            Some(f) => firsts[f] += 1,
            None => none += 1,
        }
    }
    assert_proportion("P(no event by t)", none, paths, survival(t));
    for i in 0..3 {
        // Simpson's rule, 2000 intervals.
        let n = 2000;
        let g = |s: f64| (mu[i] + x0[i] * (-beta * s).exp()) * survival(s);
        let hstep = t / n as f64;
        let p = (0..=n)
            .map(|k| {
                let w = if k == 0 || k == n {
                    1.0
                } else if k % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                w * g(k as f64 * hstep)
            })
            .sum::<f64>()
            * hstep
            / 3.0;
        assert_proportion(&format!("P(first event by firm {i})"), firsts[i], paths, p);
    }
}

#[test]
fn long_run_counts_give_stationary_intensities() {
    let h = RivalHawkes::new(&[0.2, 1.0, 0.5, 0.0], 0.8, 0.3, 3.0).unwrap();
    let (burn, window) = (20usize, 30usize);
    let all = states_at(&h, 1.0, &[burn, burn + window], 20_000, 41);
    let w = window as f64;
    let rho = h.spectral_radius();
    for i in 0..4 {
        let rates: Vec<f64> = all[0]
            .iter()
            .zip(&all[1])
            .map(|(a, b)| (b.count(i) - a.count(i)) as f64 / w)
            .collect();
        let (rate, se) = mean_se(&rates);
        assert_within(
            &format!("lambda_bar_{i}"),
            rate,
            se,
            h.stationary_intensity(i),
        );
        // The shared-baseline formula mu_i / (1 - rho) misplaces every firm whose
        // baseline differs from the mean.
        if i != 2 {
            assert_rejects(
                &format!("lambda_bar_{i} vs mu_i / (1 - rho)"),
                rate,
                se,
                h.baseline(i) / (1.0 - rho),
            );
        }
    }
    let pooled: Vec<f64> = all[0]
        .iter()
        .zip(&all[1])
        .map(|(a, b)| (b.total_count() - a.total_count()) as f64)
        .collect();
    let (var, var_se) = variance_se(&pooled);
    let ground = h.ground_process();
    assert_within(
        "stationary Var[N(T)]",
        var,
        var_se,
        ground.stationary_count_variance(w),
    );
}

#[test]
fn law_does_not_depend_on_step_size() {
    let h = RivalHawkes::new(&[0.5, 2.0, 0.0], 0.6, 0.5, 2.6)
        .unwrap()
        .with_initial_excess(&[3.0, 0.0, 1.0])
        .unwrap();
    for (dt, seed) in [(2.0f64, 51u64), (0.02, 52)] {
        let steps = (4.0 / dt).round() as usize;
        check_moments(&h, dt, &[steps], 40_000, seed);
    }
}

#[test]
fn one_firm_is_the_univariate_hawkes_draw_for_draw() {
    let uni = Hawkes::new(0.7, 1.1, 1.6)
        .unwrap()
        .with_initial_excess(2.0)
        .unwrap();
    let multi = RivalHawkes::new(&[0.7], 1.1, 0.0, 1.6)
        .unwrap()
        .with_initial_excess(&[2.0])
        .unwrap();
    let (su, sm) = (uni.transition(0.3).unwrap(), multi.transition(0.3).unwrap());
    for path in 0..200u64 {
        let mut ru = PathStreams::new(61, path).rng(Component::new(0));
        let mut rm = ru.clone();
        let (mut xu, mut xm) = (uni.initial_state(), multi.initial_state());
        for _ in 0..100 {
            su.step(&mut xu, &mut ru);
            sm.step(&mut xm, &mut rm);
            assert_eq!(xu.last_events(), xm.last_events(0));
            assert_eq!(xu.excess().to_bits(), xm.total_excess().to_bits());
        }
        assert_eq!(xu.count(), xm.count(0));
    }
}

#[test]
fn bit_identical_for_any_thread_count() {
    let h = RivalHawkes::new(&[0.5, 1.0, 0.25, 2.0, 0.0], 0.5, 0.3, 4.0).unwrap();
    let run = |threads: usize, chunk: usize| {
        Simulation::new(ProcessModel::new("cuts", h))
            .paths(4_000)
            .steps(12)
            .dt(0.25)
            .seed(71)
            .threads(threads)
            .chunk_size(chunk)
            .record_paths(true)
            .run()
            .unwrap()
    };
    let reference = run(1, 1);
    for (threads, chunk) in [(2, 1), (2, 333), (3, 4_000)] {
        let other = run(threads, chunk);
        assert_eq!(other.all_series(), reference.all_series());
        assert_eq!(other.recorded(), reference.recorded());
    }
}

#[test]
fn first_events_are_pinned() {
    // Value stability: the first events of one stream. A change in the order or
    // number of draws, or in the arithmetic, shows up here.
    let h = RivalHawkes::new(&[1.0, 0.5, 2.0], 1.0, 2.0, 8.0).unwrap();
    let mut rng = PathStreams::new(2026, 0).rng(Component::new(0));
    let events = h.sample_events(1.0, &mut rng).unwrap();
    let head: Vec<(u64, usize)> = events
        .iter()
        .take(5)
        .map(|e| (e.time.to_bits(), e.firm))
        .collect();
    let shown: Vec<String> = head
        .iter()
        .map(|(t, f)| format!("({t:#018x}, {f})"))
        .collect();
    assert_eq!(
        head,
        PINNED_FIRST_EVENTS,
        "first events: [{}], {} events",
        shown.join(", "),
        events.len()
    );
    assert_eq!(events.len(), PINNED_EVENT_COUNT);
}

/// Times (bits) and firms of the first events of `first_events_are_pinned`.
const PINNED_FIRST_EVENTS: [(u64, usize); 5] = [
    (0x3fbd_d21e_4a97_10c0, 2),
    (0x3fc0_2504_fa08_6a2c, 1),
    (0x3fd1_357e_3c07_4608, 0),
    (0x3fd4_7612_4a78_910c, 2),
    (0x3fe4_7a2e_ebcd_8f2d, 2),
];
/// Number of events of that path on `[0, 1]`.
const PINNED_EVENT_COUNT: usize = 5;
