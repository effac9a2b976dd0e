//! Shared helpers for the statistical validation tests.
//!
//! Every check compares a Monte Carlo estimate with a closed form and allows
//! [`K_SIGMA`] standard errors, the standard error being computed from the same
//! sample. Seeds are fixed, so each test is deterministic; sample sizes are chosen so
//! that the plausible wrong formulas (an Euler step, a missing Ito correction, a
//! wrong rate) lie many standard errors away and would fail. Set `OUTPACE_SHOW_Z=1`
//! to print the z-score of every check.
#![allow(dead_code)]

use outpace::engine::{Component, PathStreams};
use outpace::process::{Process, Transition};

/// Tolerance of every statistical check, in standard errors. Under a correct
/// implementation a single check fails with probability about 6e-5.
pub const K_SIGMA: f64 = 4.0;

/// Sample mean and its standard error.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Unbiased sample variance and its standard error `sqrt((m4 - s^4) / n)`, with the
/// fourth central moment `m4` estimated from the sample.
pub fn variance_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    (var, ((m4 - var * var) / n).sqrt())
}

/// Sample covariance of two equally long samples and its standard error.
pub fn covariance_se(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let (mx, _) = mean_se(xs);
    let (my, _) = mean_se(ys);
    let products: Vec<f64> = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (x - mx) * (y - my))
        .collect();
    let (cov, se) = mean_se(&products);
    (cov * n / (n - 1.0), se)
}

/// Asserts `|estimate - expected| <= K_SIGMA * se`, reporting the z-score.
#[track_caller]
pub fn assert_within(what: &str, estimate: f64, se: f64, expected: f64) {
    assert!(
        se.is_finite() && se >= 0.0,
        "{what}: bad standard error {se}"
    );
    let z = (estimate - expected) / se;
    if std::env::var_os("OUTPACE_SHOW_Z").is_some() {
        eprintln!("{what}: z = {z:.2}");
    }
    assert!(
        z.abs() <= K_SIGMA,
        "{what}: estimate {estimate} vs closed form {expected}, se {se}, z = {z:.2}"
    );
}

/// Asserts that a wrong value would be rejected by the same check: the estimate lies
/// more than `K_SIGMA` standard errors from it. Shows that the check has power.
#[track_caller]
pub fn assert_rejects(what: &str, estimate: f64, se: f64, wrong: f64) {
    let z = (estimate - wrong) / se;
    assert!(
        z.abs() > K_SIGMA,
        "{what}: the check cannot tell the estimate {estimate} from the wrong value {wrong} (z = {z:.2})"
    );
}

/// Asserts that a sample proportion `hits / n` matches `p` within `K_SIGMA` binomial
/// standard errors `sqrt(p (1 - p) / n)`.
#[track_caller]
pub fn assert_proportion(what: &str, hits: u64, n: u64, p: f64) {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert_within(what, hits as f64 / n as f64, se, p);
}

/// Runs `paths` independent paths of `process` for `steps` steps of `dt`, each on
/// the stream `(seed, path, component 0)`, and returns the final states.
pub fn final_states<P: Process>(
    process: &P,
    dt: f64,
    steps: usize,
    paths: usize,
    seed: u64,
) -> Vec<P::State> {
    let transition = process.transition(dt).expect("valid dt");
    (0..paths)
        .map(|path| {
            let mut rng = PathStreams::new(seed, path as u64).rng(Component::new(0));
            let mut state = process.initial_state();
            for _ in 0..steps {
                transition.step(&mut state, &mut rng);
            }
            state
        })
        .collect()
}

/// Like [`final_states`], mapped through [`Process::value`].
pub fn final_values<P: Process>(
    process: &P,
    dt: f64,
    steps: usize,
    paths: usize,
    seed: u64,
) -> Vec<f64> {
    final_states(process, dt, steps, paths, seed)
        .iter()
        .map(|s| process.value(s))
        .collect()
}
