//! GBM and OU estimators on data simulated by outpace: recovery of known
//! parameters within their standard errors, coverage of the Wald intervals over
//! repeated data sets, the closed forms against the observed information and the
//! AR(1) regression, and residual diagnostics with power.

mod common;

use common::*;
use outpace::calibrate::{Estimate, Observations, fit_gbm, fit_ou};
use outpace::engine::{Component, PathStreams};
use outpace::process::{Gbm, Ou, Process, Transition};
use rayon::prelude::*;

/// Levels of `process` at `0, dt, .., steps dt`, on stream `(seed, path)`.
fn path<P: Process>(process: &P, dt: f64, steps: usize, seed: u64, index: u64) -> Vec<f64> {
    let step = process.transition(dt).unwrap();
    let mut rng = PathStreams::new(seed, index).rng(Component::new(0));
    let mut s = process.initial_state();
    let mut out = vec![process.value(&s)];
    for _ in 0..steps {
        step.step(&mut s, &mut rng);
        out.push(process.value(&s));
    }
    out
}

/// Asserts the estimate is within K_SIGMA of its standard errors of the truth.
#[track_caller]
fn assert_recovers(e: &Estimate, truth: f64) {
    assert_within(&e.name, e.value, e.std_error.expect("identified"), truth);
}

/// Number of data sets whose 95% Wald interval of `name` covers `truth`, with
/// the standard error scaled by `se_factor` (1 for the estimator's own).
fn covered(fits: &[outpace::calibrate::Fit], name: &str, truth: f64, se_factor: f64) -> u64 {
    fits.iter()
        .filter(|f| {
            let e = f.estimate(name).unwrap();
            let se = e.std_error.unwrap() * se_factor;
            (e.value - truth).abs() <= 1.959_964 * se
        })
        .count() as u64
}

/// Coverage at 95% within the binomial tolerance (K_SIGMA binomial standard
/// errors), and rejected when the standard error is halved (the per-step instead
/// of per-year information, say): the check has power. Checked by breaking the
/// code: `Var m = v / n` instead of `v / sum h` (per-step information) gives a
/// GBM coverage of 0.70 (z = -23); the OU covariance halved gives 0.83 (z = -10).
#[track_caller]
fn assert_coverage(fits: &[outpace::calibrate::Fit], name: &str, truth: f64) {
    let n = fits.len() as u64;
    assert_proportion(
        &format!("coverage of {name}"),
        covered(fits, name, truth, 1.0),
        n,
        0.95,
    );
    let halved = covered(fits, name, truth, 0.5) as f64 / n as f64;
    let se = (0.95 * 0.05 / n as f64).sqrt();
    assert_rejects(&format!("coverage of {name} with se / 2"), halved, se, 0.95);
}

#[test]
fn gbm_recovers_drift_and_volatility() {
    let truth = Gbm::new(0.3, 0.25, 25.0).unwrap();
    let levels = path(&truth, 0.25, 400, 1, 0);
    let fitted = fit_gbm(&Observations::regular("revenue", 0.25, &levels).unwrap()).unwrap();
    let fit = fitted.fit();
    assert_recovers(fit.estimate("mu").unwrap(), 0.3);
    assert_recovers(fit.estimate("sigma").unwrap(), 0.25);
    assert_recovers(fit.estimate("log_drift").unwrap(), 0.3 - 0.25 * 0.25 / 2.0);
    // Closed-form standard errors: sigma / sqrt(2 n) and
    // sqrt(sigma^2 / T + sigma^4 / (2 n)) over T = 100 years.
    let s = fit.value("sigma");
    assert!((fit.std_error("sigma").unwrap() - s / 800f64.sqrt()).abs() < 1e-12);
    let se_mu = (s * s / 100.0 + s.powi(4) / 800.0).sqrt();
    assert!((fit.std_error("mu").unwrap() - se_mu).abs() < 1e-12);
    assert_eq!(fitted.last_level(), levels[400]);
    assert_eq!(fitted.law(1.0).unwrap().mu(), fit.value("mu"));
}

#[test]
fn gbm_with_gaps_uses_the_actual_steps() {
    // Every fifth quarter missing: the estimator takes the longer steps exactly.
    let truth = Gbm::new(0.2, 0.3, 10.0).unwrap();
    let levels = path(&truth, 0.25, 2000, 2, 0);
    let (times, values): (Vec<f64>, Vec<f64>) = levels
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 5 != 3)
        .map(|(k, &v)| (k as f64 * 0.25, v))
        .unzip();
    let fitted = fit_gbm(&Observations::new("gappy", times, values.clone()).unwrap()).unwrap();
    assert_recovers(fitted.fit().estimate("mu").unwrap(), 0.2);
    assert_recovers(fitted.fit().estimate("sigma").unwrap(), 0.3);
    // Treating the series as regular would misread a half-year step as a quarter:
    // the volatility is then biased up by about sqrt(1.25).
    let regular = fit_gbm(&Observations::regular("as regular", 0.25, &values).unwrap()).unwrap();
    let e = regular.fit().estimate("sigma").unwrap();
    assert_rejects("sigma ignoring gaps", e.value, e.std_error.unwrap(), 0.3);
}

#[test]
fn gbm_standard_errors_cover_at_the_stated_rate() {
    let truth = Gbm::new(0.15, 0.3, 1.0).unwrap();
    let fits: Vec<_> = (0..400u64)
        .into_par_iter()
        .map(|i| {
            let levels = path(&truth, 0.25, 200, 3, i);
            fit_gbm(&Observations::regular("x", 0.25, &levels).unwrap())
                .unwrap()
                .fit()
                .clone()
        })
        .collect();
    assert_coverage(&fits, "mu", 0.15);
    assert_coverage(&fits, "sigma", 0.3);
}

#[test]
fn gbm_closed_form_information_is_the_observed_information() {
    // The Hessian of the log-return likelihood in (m, v) by finite differences at
    // the estimate, inverted, gives the closed-form variances v / T and 2 v^2 / n.
    let truth = Gbm::new(0.1, 0.4, 1.0).unwrap();
    let levels = path(&truth, 0.5, 80, 4, 0);
    let fit = fit_gbm(&Observations::regular("x", 0.5, &levels).unwrap()).unwrap();
    let returns: Vec<f64> = levels.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let h = 0.5;
    let ll = |p: &Vec<f64>| -> Result<f64, _> {
        let (m, v) = (p[0], p[1]);
        Ok::<f64, _>(
            returns
                .iter()
                .map(|r| {
                    -0.5 * (2.0 * std::f64::consts::PI * v * h).ln()
                        - (r - m * h).powi(2) / (2.0 * v * h)
                })
                .sum(),
        )
    };
    let (m, v) = (
        fit.fit().value("log_drift"),
        fit.fit().value("sigma").powi(2),
    );
    let grad = finitediff::vec::central_diff(&ll);
    let hess = finitediff::vec::central_hessian(&grad)(&vec![m, v]).unwrap();
    let det = hess[0][0] * hess[1][1] - hess[0][1] * hess[1][0];
    let var_m = -hess[1][1] / det;
    let var_v = -hess[0][0] / det;
    let n = returns.len() as f64;
    assert!((var_m / (v / (n * h)) - 1.0).abs() < 1e-4, "{var_m}");
    assert!((var_v / (2.0 * v * v / n) - 1.0).abs() < 1e-4, "{var_v}");
    assert!((fit.fit().log_likelihood() - ll(&vec![m, v]).unwrap()).abs() < 1e-9);
}

#[test]
fn ou_recovers_reversion_level_and_volatility() {
    let truth = Ou::new(2.0, 1.0, 0.5, 0.2).unwrap();
    let levels = path(&truth, 0.25, 600, 5, 0);
    let fitted = fit_ou(&Observations::regular("margin", 0.25, &levels).unwrap()).unwrap();
    let fit = fitted.fit();
    assert_recovers(fit.estimate("theta").unwrap(), 2.0);
    assert_recovers(fit.estimate("mu").unwrap(), 1.0);
    assert_recovers(fit.estimate("sigma").unwrap(), 0.5);
    assert_recovers(
        fit.estimate("half_life").unwrap(),
        std::f64::consts::LN_2 / 2.0,
    );
    // A random walk (theta = 0) is rejected: the reversion is detected.
    let theta = fit.estimate("theta").unwrap();
    assert_rejects(
        "theta vs a random walk",
        theta.value,
        theta.std_error.unwrap(),
        0.0,
    );
}

#[test]
fn ou_on_a_fixed_step_is_the_ar1_regression() {
    // The exact conditional likelihood is maximised by least squares on
    // X_k = b0 + b1 X_{k-1} + e: theta = -ln(b1) / h, mu = b0 / (1 - b1),
    // sigma^2 = 2 theta s^2 / (1 - b1^2). The numerical maximiser must find it.
    let truth = Ou::new(1.2, -3.0, 2.0, 0.0).unwrap();
    let h = 0.5;
    let x = path(&truth, h, 120, 6, 0);
    let fitted = fit_ou(&Observations::regular("x", h, &x).unwrap()).unwrap();
    let (p, q) = (&x[..x.len() - 1], &x[1..]);
    let m = p.len() as f64;
    let (mp, mq) = (p.iter().sum::<f64>() / m, q.iter().sum::<f64>() / m);
    let b1 = p
        .iter()
        .zip(q)
        .map(|(a, b)| (a - mp) * (b - mq))
        .sum::<f64>()
        / p.iter().map(|a| (a - mp).powi(2)).sum::<f64>();
    let b0 = mq - b1 * mp;
    let s2 = p
        .iter()
        .zip(q)
        .map(|(a, b)| (b - b0 - b1 * a).powi(2))
        .sum::<f64>()
        / m;
    let theta = -b1.ln() / h;
    let close = |name: &str, expected: f64| {
        let got = fitted.fit().value(name);
        assert!(
            (got - expected).abs() < 1e-6 * (1.0 + expected.abs()),
            "{name}: {got} vs {expected}"
        );
    };
    close("theta", theta);
    close("mu", b0 / (1.0 - b1));
    close("sigma", (2.0 * theta * s2 / (1.0 - b1 * b1)).sqrt());
}

#[test]
fn ou_standard_errors_cover_at_the_stated_rate() {
    let truth = Ou::new(1.5, 0.5, 0.4, 0.5).unwrap();
    let fits: Vec<_> = (0..300u64)
        .into_par_iter()
        .map(|i| {
            let levels = path(&truth, 0.25, 400, 7, i);
            fit_ou(&Observations::regular("x", 0.25, &levels).unwrap())
                .unwrap()
                .fit()
                .clone()
        })
        .collect();
    assert_coverage(&fits, "mu", 0.5);
    assert_coverage(&fits, "sigma", 0.4);
    assert_coverage(&fits, "theta", 1.5);
}

#[test]
fn residuals_pass_under_the_model_and_catch_a_wrong_one() {
    // GBM residuals of GBM data: mean 0, sd 1, no autocorrelation, within 4 / sqrt(n).
    let gbm = Gbm::new(0.1, 0.3, 1.0).unwrap();
    let levels = path(&gbm, 0.25, 400, 8, 0);
    let r = fit_gbm(&Observations::regular("x", 0.25, &levels).unwrap()).unwrap();
    let r = r.residuals();
    let se = r.reference_std_error();
    assert_eq!(r.values().len(), 400);
    assert_within("residual mean", r.mean(), se, 0.0);
    assert_within("residual lag-1", r.lag1_autocorrelation(), se, 0.0);
    assert!(
        (r.std_dev() - 1.0).abs() < 1e-12,
        "ML residuals have sd 1 exactly"
    );
    // A GBM fitted to a fast-reverting exponential OU: the log-returns
    // anti-correlate (b1 = e^{-theta dt} = e^{-1}, so lag-1 about -(1 - b1) / 2).
    let ou = Ou::new(4.0, 0.0, 0.3, 0.0).unwrap();
    let logs = path(&ou, 0.25, 400, 9, 0);
    let levels: Vec<f64> = logs.iter().map(|l| l.exp()).collect();
    let wrong = fit_gbm(&Observations::regular("x", 0.25, &levels).unwrap()).unwrap();
    let lag = wrong.residuals().lag1_autocorrelation();
    assert_rejects("lag-1 of GBM residuals on OU data", lag, se, 0.0);
    // The OU fit to the same log-levels passes.
    let right = fit_ou(&Observations::regular("x", 0.25, &logs).unwrap()).unwrap();
    assert_within(
        "OU residual lag-1",
        right.residuals().lag1_autocorrelation(),
        se,
        0.0,
    );
    assert_within("OU residual mean", right.residuals().mean(), se, 0.0);
}

#[test]
fn ou_refuses_a_series_without_mean_reversion() {
    let growing: Vec<f64> = (0..20).map(|k| 1.05f64.powi(k)).collect();
    let err = fit_ou(&Observations::regular("revenue", 0.25, &growing).unwrap()).unwrap_err();
    assert!(err.to_string().contains("no mean reversion"), "{err}");
    let flat = fit_ou(&Observations::regular("flat", 0.25, &[1.0; 10]).unwrap()).unwrap_err();
    assert!(flat.to_string().contains("do not vary"), "{flat}");
    let few = fit_ou(&Observations::regular("few", 0.25, &[1.0, 2.0, 1.5]).unwrap()).unwrap_err();
    assert!(few.to_string().contains("at least 6"), "{few}");
}
