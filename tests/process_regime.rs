//! Markov regimes against the matrix exponential and the stationary law.

mod common;

use common::*;
use outpace::process::{MarkovRegime, Process, RegimeState};

/// Stable (0), price war (1), supply-constrained (2): long calm spells, short wars.
fn market(initial: usize) -> MarkovRegime {
    MarkovRegime::new(
        vec![
            vec![-0.5, 0.3, 0.2],
            vec![1.0, -2.0, 1.0],
            vec![0.4, 0.8, -1.2],
        ],
        initial,
    )
    .unwrap()
}

fn mat_mul(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = b.len();
    a.iter()
        .map(|row| {
            (0..n)
                .map(|j| (0..n).map(|k| row[k] * b[k][j]).sum())
                .collect()
        })
        .collect()
}

/// How many of `states` are in each of `n` regimes.
fn occupation(states: &[RegimeState], n: usize) -> Vec<u64> {
    let mut counts = vec![0u64; n];
    for s in states {
        counts[s.regime()] += 1;
    }
    counts
}

/// Binomial standard error of a proportion with true value `p`.
fn proportion_se(p: f64, n: usize) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn transition_matrix_matches_two_state_closed_form() {
    // P_01(t) = a / (a + b) (1 - e^{-(a + b) t}), P_10(t) = b / (a + b) (1 - e^{-(a + b) t}).
    let (a, b) = (0.7, 1.9);
    let chain = MarkovRegime::new(vec![vec![-a, a], vec![b, -b]], 0).unwrap();
    for t in [1e-4, 0.01, 0.3, 1.0, 5.0, 40.0, 1e6] {
        let p = chain.transition_matrix(t).unwrap();
        let mixed = -(-(a + b) * t).exp_m1();
        let (p01, p10) = (a / (a + b) * mixed, b / (a + b) * mixed);
        assert!((p[0][1] - p01).abs() < 1e-15, "t = {t}: {p:?}");
        assert!((p[1][0] - p10).abs() < 1e-15, "t = {t}: {p:?}");
        for row in &p {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        }
    }
}

#[test]
fn transition_matrices_are_stochastic_and_form_a_semigroup() {
    // exp(Q (s + t)) = exp(Q s) exp(Q t): what makes the law independent of dt.
    let chain = market(0);
    let (s, t) = (0.3, 1.1);
    let product = mat_mul(
        &chain.transition_matrix(s).unwrap(),
        &chain.transition_matrix(t).unwrap(),
    );
    let direct = chain.transition_matrix(s + t).unwrap();
    for (row, expected) in direct.iter().zip(&product) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        for (p, e) in row.iter().zip(expected) {
            assert!(
                *p >= 0.0 && (p - e).abs() < 1e-14,
                "{direct:?} vs {product:?}"
            );
        }
    }
}

#[test]
fn law_at_an_intermediate_time_is_the_matrix_exponential_row_for_any_dt() {
    // Start in a price war; X_1 ~ row 1 of exp(Q), whether reached in 1, 4 or 50 steps.
    let chain = market(1);
    let (t, paths) = (1.0, 200_000);
    let exact = chain.distribution(t).unwrap();
    // Euler: two steps of I + Q dt with dt = 0.5 (a valid stochastic matrix here).
    let dt = 0.5;
    let euler_step: Vec<Vec<f64>> = chain
        .generator()
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, q)| f64::from(u8::from(i == j)) + q * dt)
                .collect()
        })
        .collect();
    let euler = &mat_mul(&euler_step, &euler_step)[1];
    for (steps, seed) in [(1usize, 31u64), (4, 32), (50, 33)] {
        let states = final_states(&chain, t / steps as f64, steps, paths, seed);
        let counts = occupation(&states, 3);
        for (j, &hits) in counts.iter().enumerate() {
            assert_proportion(
                &format!("P(X_1 = {j}), {steps} steps"),
                hits,
                paths as u64,
                exact[j],
            );
        }
        // The Euler law differs most in some regime; the check must tell them apart.
        let j = (0..3)
            .max_by(|&x, &y| {
                (euler[x] - exact[x])
                    .abs()
                    .total_cmp(&(euler[y] - exact[y]).abs())
            })
            .unwrap();
        let estimate = counts[j] as f64 / paths as f64;
        assert_rejects(
            &format!("P(X_1 = {j}) under Euler"),
            estimate,
            proportion_se(exact[j], paths),
            euler[j],
        );
        if steps == 1 {
            // One step: the fraction that switched is 1 - P_11(t).
            let switched = states.iter().filter(|s| s.switched()).count() as u64;
            assert_proportion("switched", switched, paths as u64, 1.0 - exact[1]);
        }
    }
}

#[test]
fn long_run_occupation_matches_stationary_distribution() {
    // Independent paths observed once at a late time T: the regimes at T are iid
    // draws from the law at T, which equals pi to rounding, so each count is
    // Binomial(paths, pi_j) and there is no autocorrelation to correct for.
    let chain = market(1);
    let (t, steps, paths) = (30.0, 60, 100_000);
    let pi = chain.stationary_distribution();
    let at_t = chain.distribution(t).unwrap();
    assert!(pi.iter().zip(&at_t).all(|(p, q)| (p - q).abs() < 1e-12));
    // Regime rates balance: pi Q = 0.
    for j in 0..3 {
        let flow: f64 = (0..3).map(|i| pi[i] * chain.generator()[i][j]).sum();
        assert!(flow.abs() < 1e-14);
    }
    let states = final_states(&chain, t / steps as f64, steps, paths, 41);
    let counts = occupation(&states, 3);
    // A plausible mistake: the stationary law of the jump chain, which ignores how
    // long each regime lasts: pi_j q_j / sum_k pi_k q_k.
    let exits: Vec<f64> = (0..3).map(|j| pi[j] * -chain.generator()[j][j]).collect();
    let total: f64 = exits.iter().sum();
    for j in 0..3 {
        assert_proportion(&format!("pi_{j}"), counts[j], paths as u64, pi[j]);
        assert_rejects(
            &format!("pi_{j} of the jump chain"),
            counts[j] as f64 / paths as f64,
            proportion_se(pi[j], paths),
            exits[j] / total,
        );
    }
}

#[test]
fn value_is_the_regime_index() {
    let chain = market(2);
    let values = final_values(&chain, 0.25, 8, 1_000, 51);
    assert!(values.iter().all(|v| [0.0, 1.0, 2.0].contains(v)));
    assert_eq!(chain.value(&chain.initial_state()), 2.0);
}
