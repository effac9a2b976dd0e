//! The joint model of correlated processes against closed forms: the correlation
//! of the drivers, each marginal law, reproducibility across threads, and stable
//! streams when a process is appended.

mod common;

use common::*;
use ndarray::Array2;
use outpace::engine::{JointModel, MAX_JOINT, Outcome, Simulation};
use outpace::process::{Gbm, Merton, Ou};

const DT: f64 = 0.25;
const STEPS: usize = 12;
const RHO: f64 = 0.6;

fn two_gbms() -> JointModel {
    JointModel::new()
        .process("a", Gbm::new(0.2, 0.3, 1.0).unwrap())
        .process("b", Gbm::new(0.1, 0.2, 2.0).unwrap())
        .correlation(vec![vec![1.0, RHO], vec![RHO, 1.0]])
        .unwrap()
}

fn run(model: JointModel, paths: usize, threads: usize) -> Outcome {
    Simulation::new(model)
        .paths(paths)
        .steps(STEPS)
        .dt(DT)
        .seed(31)
        .threads(threads)
        .record_paths(true)
        .run()
        .unwrap()
}

fn matrix(outcome: &Outcome, name: &str) -> Array2<f64> {
    outcome.recorded().unwrap().get(name).unwrap().to_owned()
}

/// Log-increments of every path and step, pooled: iid across paths and steps.
fn log_increments(m: &Array2<f64>) -> Vec<f64> {
    m.rows()
        .into_iter()
        .flat_map(|row| {
            row.windows(2)
                .into_iter()
                .map(|w| (w[1] / w[0]).ln())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn drivers_have_the_stated_correlation() {
    let outcome = run(two_gbms(), 20_000, 2);
    let (a, b) = (
        log_increments(&matrix(&outcome, "a")),
        log_increments(&matrix(&outcome, "b")),
    );
    let (cov, _) = covariance_se(&a, &b);
    let (va, _) = variance_se(&a);
    let (vb, _) = variance_se(&b);
    let r = cov / (va * vb).sqrt();
    // Normal-theory standard error of a sample correlation.
    let se = (1.0 - RHO * RHO) / (a.len() as f64).sqrt();
    assert_within("corr of log-increments", r, se, RHO);
    assert_rejects("independent drivers", r, se, 0.0);
    assert_rejects("correlation applied twice", r, se, RHO * RHO);
}

#[test]
fn marginals_follow_their_own_laws() {
    let model = two_gbms()
        .process("m", Merton::new(0.1, 0.2, 1.5, -0.05, 0.1, 1.0).unwrap())
        .process("x", Ou::new(1.5, 2.0, 0.4, 0.0).unwrap());
    let paths = 40_000;
    let outcome = run(
        model
            .correlation(vec![
                vec![1.0, RHO, 0.3, -0.2],
                vec![RHO, 1.0, 0.0, 0.1],
                vec![0.3, 0.0, 1.0, 0.0],
                vec![-0.2, 0.1, 0.0, 1.0],
            ])
            .unwrap(),
        paths,
        2,
    );
    let t = STEPS as f64 * DT;
    let terminal = |name: &str| -> Vec<f64> { matrix(&outcome, name).column(STEPS).to_vec() };
    for (name, x0, mu, sigma) in [("a", 1.0, 0.2, 0.3), ("b", 2.0, 0.1, 0.2)] {
        let values = terminal(name);
        let (mean, se) = mean_se(&values);
        assert_within(&format!("E[{name}_t]"), mean, se, x0 * (mu * t).exp());
        // Forgetting the Ito correction's effect on the mean is rejected.
        assert_rejects(
            &format!("E[{name}_t] at the median"),
            mean,
            se,
            x0 * ((mu - 0.5 * sigma * sigma) * t).exp(),
        );
        let (var, vse) = variance_se(&values);
        let exact = x0 * x0 * (2.0 * mu * t).exp() * ((sigma * sigma * t).exp() - 1.0);
        assert_within(&format!("Var[{name}_t]"), var, vse, exact);
    }
    let (mean, se) = mean_se(&terminal("m"));
    assert_within("E[Merton_t]", mean, se, (0.1f64 * t).exp());
    let ou = terminal("x");
    let (theta, mu, sigma) = (1.5f64, 2.0, 0.4);
    let (mean, se) = mean_se(&ou);
    assert_within("E[OU_t]", mean, se, mu * (1.0 - (-theta * t).exp()));
    let (var, vse) = variance_se(&ou);
    let exact = sigma * sigma * (1.0 - (-2.0 * theta * t).exp()) / (2.0 * theta);
    assert_within("Var[OU_t]", var, vse, exact);
}

#[test]
fn results_do_not_depend_on_threads() {
    let one = run(two_gbms(), 3_000, 1);
    let three = run(two_gbms(), 3_000, 3);
    for name in ["a", "b"] {
        assert_eq!(matrix(&one, name), matrix(&three, name));
        let (s1, s3) = (one.series(name).unwrap(), three.series(name).unwrap());
        for (x, y) in s1.stats().iter().zip(s3.stats()) {
            assert_eq!(x.mean.to_bits(), y.mean.to_bits());
            assert_eq!(x.std_dev.to_bits(), y.std_dev.to_bits());
        }
    }
}

#[test]
fn appending_a_process_keeps_the_others_paths() {
    let base = run(two_gbms(), 500, 2);
    let appended = two_gbms().process("c", Ou::new(1.0, 0.0, 0.3, 0.0).unwrap());
    let extended = run(
        appended
            .correlation(vec![
                vec![1.0, RHO, 0.5],
                vec![RHO, 1.0, -0.3],
                vec![0.5, -0.3, 1.0],
            ])
            .unwrap(),
        500,
        2,
    );
    for name in ["a", "b"] {
        assert_eq!(matrix(&base, name), matrix(&extended, name), "{name}");
    }
}

#[test]
fn bad_settings_are_named_errors() {
    let err = JointModel::new()
        .process("a", Gbm::new(0.1, 0.2, 1.0).unwrap())
        .correlation(vec![vec![1.0, 0.5], vec![0.5, 1.0]])
        .unwrap_err();
    assert!(err.to_string().contains("`correlation`"), "{err}");
    let err = JointModel::new()
        .process("a", Gbm::new(0.1, 0.2, 1.0).unwrap())
        .correlation(vec![vec![1.0, 1.5], vec![1.5, 1.0]])
        .unwrap_err();
    assert!(err.to_string().contains("correlation"), "{err}");
    let many = (0..=MAX_JOINT).fold(JointModel::new(), |m, i| {
        m.process(format!("x{i}"), Ou::new(1.0, 0.0, 0.1, 0.0).unwrap())
    });
    let err = Simulation::new(many).run().unwrap_err();
    assert!(err.to_string().contains("`processes`"), "{err}");
    let twice = JointModel::new()
        .process("a", Gbm::new(0.1, 0.2, 1.0).unwrap())
        .process("a", Gbm::new(0.1, 0.2, 1.0).unwrap());
    let err = Simulation::new(twice).run().unwrap_err();
    assert!(err.to_string().contains("unique"), "{err}");
}
