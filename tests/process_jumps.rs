//! Jump processes against their closed forms: the Poisson count, compound Poisson
//! sums, the jump-size laws and the Merton jump-diffusion.

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::{CompoundPoisson, Gbm, JumpSize, Merton};
use rand::distr::Distribution;

const PATHS: usize = 200_000;

#[test]
fn poisson_count_has_mean_and_variance_lambda_t_and_no_event_probability() {
    // N_T ~ Poisson(lambda T) exactly, whether T is one step or twenty.
    let (rate, t) = (1.5, 2.0);
    let cp = CompoundPoisson::new(rate, JumpSize::constant(1.0).unwrap()).unwrap();
    for (steps, seed) in [(1usize, 101u64), (20, 102)] {
        let dt = t / steps as f64;
        let states = final_states(&cp, dt, steps, PATHS, seed);
        let counts: Vec<f64> = states.iter().map(|s| s.count as f64).collect();
        let (mean, se) = mean_se(&counts);
        assert_within("E[N_T]", mean, se, cp.expected_count(t));
        let (var, var_se) = variance_se(&counts);
        assert_within("Var[N_T]", var, var_se, rate * t);
        let zeros = states.iter().filter(|s| s.count == 0).count() as u64;
        assert_proportion("P(N_T = 0)", zeros, PATHS as u64, (-rate * t).exp());
        // With unit jumps the total is the count.
        assert!(states.iter().all(|s| s.total == s.count as f64));
        if steps > 1 {
            // At most one event per step (a Bernoulli thinning) would give
            // E[N_T] = steps (1 - e^{-lambda dt}).
            let bernoulli = steps as f64 * -(-rate * dt).exp_m1();
            assert_rejects("E[N_T]", mean, se, bernoulli);
        }
    }
}

#[test]
fn compound_poisson_mean_and_variance_match_closed_forms() {
    // E[X_T] = lambda T E[J], Var[X_T] = lambda T E[J^2], for several jump laws.
    let (rate, t, steps) = (2.0, 3.0, 12usize);
    let laws = [
        (JumpSize::normal(0.5, 1.0).unwrap(), 201u64),
        (JumpSize::exponential(0.8).unwrap(), 202),
        (JumpSize::gamma(0.5, 2.0).unwrap(), 203),
        (JumpSize::log_normal(-0.2, 0.4).unwrap(), 204),
    ];
    for (law, seed) in laws {
        let cp = CompoundPoisson::new(rate, law).unwrap();
        let xs = final_values(&cp, t / steps as f64, steps, PATHS, seed);
        let (mean, se) = mean_se(&xs);
        assert_within("E[X_T]", mean, se, cp.mean(t));
        let (var, var_se) = variance_se(&xs);
        assert_within("Var[X_T]", var, var_se, cp.variance(t));
        // Using Var[J] in place of E[J^2] forgets the randomness of the count.
        assert_rejects("Var[X_T]", var, var_se, rate * t * law.variance());
    }
}

#[test]
fn step_increments_are_one_step_compound_poisson() {
    // The per-step (last_count, last_sum) of a single step of dt is
    // (Poisson(lambda dt), compound Poisson sum over dt).
    let (rate, dt) = (4.0, 0.5);
    let cp = CompoundPoisson::new(rate, JumpSize::uniform(-1.0, 3.0).unwrap()).unwrap();
    let states = final_states(&cp, dt, 3, PATHS, 301);
    let counts: Vec<f64> = states.iter().map(|s| f64::from(s.last_count)).collect();
    let sums: Vec<f64> = states.iter().map(|s| s.last_sum).collect();
    let (mean, se) = mean_se(&counts);
    assert_within("E[last_count]", mean, se, cp.expected_count(dt));
    let (mean, se) = mean_se(&sums);
    assert_within("E[last_sum]", mean, se, cp.mean(dt));
    // The whole horizon would be three times larger.
    assert_rejects("E[last_sum]", mean, se, cp.mean(3.0 * dt));
    let (var, var_se) = variance_se(&sums);
    assert_within("Var[last_sum]", var, var_se, cp.variance(dt));
}

#[test]
fn jump_size_laws_sample_their_mean_and_variance() {
    let laws = [
        JumpSize::normal(-0.3, 0.7).unwrap(),
        JumpSize::log_normal(0.1, 0.5).unwrap(),
        JumpSize::exponential(2.0).unwrap(),
        JumpSize::uniform(-1.0, 4.0).unwrap(),
        JumpSize::gamma(0.4, 1.5).unwrap(),
        JumpSize::gamma(1.0, 0.5).unwrap(),
        JumpSize::gamma(3.5, 0.2).unwrap(),
    ];
    for (i, law) in laws.iter().enumerate() {
        let mut rng = PathStreams::new(401, i as u64).rng(Component::new(0));
        let xs: Vec<f64> = (0..PATHS).map(|_| law.sample(&mut rng)).collect();
        let (mean, se) = mean_se(&xs);
        assert_within(&format!("{law:?} mean"), mean, se, law.mean());
        let (var, var_se) = variance_se(&xs);
        assert_within(&format!("{law:?} variance"), var, var_se, law.variance());
        let squares: Vec<f64> = xs.iter().map(|x| x * x).collect();
        let (m2, m2_se) = mean_se(&squares);
        assert_within(&format!("{law:?} E[J^2]"), m2, m2_se, law.second_moment());
    }
    // Power: a lognormal mean without the sigma^2 / 2 term, a gamma with the scale
    // read as a rate.
    let mut rng = PathStreams::new(402, 0).rng(Component::new(0));
    let log_normal = JumpSize::log_normal(0.1, 0.5).unwrap();
    let xs: Vec<f64> = (0..PATHS).map(|_| log_normal.sample(&mut rng)).collect();
    let (mean, se) = mean_se(&xs);
    assert_rejects("log-normal mean", mean, se, 0.1f64.exp());
    let gamma = JumpSize::gamma(3.5, 0.2).unwrap();
    let xs: Vec<f64> = (0..PATHS).map(|_| gamma.sample(&mut rng)).collect();
    let (var, var_se) = variance_se(&xs);
    assert_rejects("gamma variance", var, var_se, 3.5 / (0.2 * 0.2));
    let constant = JumpSize::constant(-0.25).unwrap();
    assert!((0..1000).all(|_| constant.sample(&mut rng) == -0.25));
}

fn merton() -> Merton {
    Merton::new(0.08, 0.2, 1.0, -0.1, 0.2, 1.0).unwrap()
}

#[test]
fn merton_terminal_mean_and_variance_match_closed_forms() {
    let m = merton();
    let t = 2.0;
    for (steps, seed) in [(1usize, 501u64), (24, 502)] {
        let xs = final_values(&m, t / steps as f64, steps, PATHS, seed);
        let (mean, se) = mean_se(&xs);
        assert_within("E[S_T]", mean, se, m.mean(t));
        // Without the compensator -lambda kappa, E[S_T] = x0 e^{(mu + lambda kappa) t}.
        let uncompensated = ((m.mu() + m.jump_rate() * m.kappa()) * t).exp();
        assert_rejects("E[S_T]", mean, se, uncompensated);
        let (var, var_se) = variance_se(&xs);
        assert_within("Var[S_T]", var, var_se, m.variance(t));
        // The GBM variance ignores the jumps' contribution.
        let gbm = Gbm::new(m.mu(), m.sigma(), m.x0()).unwrap();
        assert_rejects("Var[S_T]", var, var_se, gbm.variance(t));
    }
}

#[test]
fn merton_log_moments_match_closed_forms() {
    // log S_T = log x0 + drift T + sigma W_T + sum of N_T normal log-jumps.
    let m = merton();
    let t = 2.0;
    for (steps, seed) in [(1usize, 601u64), (12, 602)] {
        let logs: Vec<f64> = final_values(&m, t / steps as f64, steps, PATHS, seed)
            .iter()
            .map(|s| s.ln())
            .collect();
        let (mean, se) = mean_se(&logs);
        assert_within("E[log S_T]", mean, se, m.log_mean(t));
        let (var, var_se) = variance_se(&logs);
        assert_within("Var[log S_T]", var, var_se, m.log_variance(t));
        // Summing n jumps as N(m, n s^2) or N(n m, s^2) would drop lambda m^2 or
        // (n - 1) s^2; the first, lambda t s^2 in place of lambda t (m^2 + s^2):
        let no_mean_square = (m.sigma().powi(2) + m.jump_rate() * m.jump_std().powi(2)) * t;
        assert_rejects("Var[log S_T]", var, var_se, no_mean_square);
    }
}

#[test]
fn merton_without_jumps_is_gbm_draw_for_draw() {
    let gbm = Gbm::new(0.06, 0.3, 5.0).unwrap();
    let m = Merton::new(0.06, 0.3, 0.0, -0.5, 0.4, 5.0).unwrap();
    let (t, steps) = (3.0, 36usize);
    let ms = final_values(&m, t / steps as f64, steps, 10_000, 701);
    let gs = final_values(&gbm, t / steps as f64, steps, 10_000, 701);
    assert_eq!(ms, gs);
    assert_eq!(m.mean(t), gbm.mean(t));
    assert!((m.variance(t) - gbm.variance(t)).abs() <= 1e-14 * gbm.variance(t));
    // And its moments hold statistically, as GBM's.
    let xs = final_values(&m, t, 1, PATHS, 702);
    let (mean, se) = mean_se(&xs);
    assert_within("E[S_T]", mean, se, gbm.mean(t));
}
