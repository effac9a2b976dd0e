//! Variance reduction of Latin hypercube and scrambled Sobol input designs against
//! plain Monte Carlo on the cloud model's outputs (the Alibaba preset's uncertain
//! inputs, their number printed): the probability of breaking even within the horizon under two rules,
//! and the mean NPV.
//!
//! Each replicate is a run of `n` paths with its own seed, so both the design's
//! points and the within-path randomness (shocks, price-war events, regimes)
//! change between replicates: the variance across replicates is the whole error
//! of the estimate, and a design can only reduce the part the inputs explain.
//! Printed: each design's mean over replicates and `Var(MC) / Var(design)`.
//!
//! Run with `cargo run --release --example design_variance_cloud`.

use outpace::analysis::StudyModel;
use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::{InputDesign, Simulation};
use outpace::inputs::design::DesignKind;

const REPLICATES: u64 = 32;
const PATHS: usize = 2048;
const SEED: u64 = 1000;

fn variance(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (
        mean,
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

fn main() -> outpace::Result<()> {
    let model = CloudModel::new(Scenario::alibaba())?;
    let rules: Vec<_> = ["flow_crossover", "cumulative_payback"]
        .iter()
        .map(|key| model.rule(key))
        .collect::<outpace::Result<_>>()?;
    let npv = model.value().expect("the cloud model has an NPV").scalar;
    let kinds = [
        DesignKind::MonteCarlo,
        DesignKind::LatinHypercube,
        DesignKind::Sobol,
    ];
    // estimates[kind][output] over replicates
    let mut estimates = vec![vec![Vec::new(); rules.len() + 1]; kinds.len()];
    for (d, kind) in kinds.iter().enumerate() {
        for r in 0..REPLICATES {
            let mut simulation = Simulation::new(&model)
                .paths(PATHS)
                .steps(model.horizon())
                .dt(0.25)
                .seed(SEED + r)
                .quantiles(false)
                .design(InputDesign::Design {
                    kind: *kind,
                    replicate: 0,
                });
            for rule in &rules {
                simulation = simulation.first_passage(rule.key(), rule.passage());
            }
            let outcome = simulation.run()?;
            for (o, rule) in rules.iter().enumerate() {
                estimates[d][o].push(
                    outcome
                        .passage(rule.key())
                        .expect("run with the rule")
                        .probability(),
                );
            }
            estimates[d][rules.len()].push(outcome.scalar(&npv).expect("the NPV").stats().mean);
        }
    }
    println!(
        "{} uncertain inputs, {REPLICATES} replicates of {PATHS} paths, seeds {SEED}..; Var(MC) / Var(design)",
        outpace::engine::Model::inputs(&model).len()
    );
    println!(
        "{:<34} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "output", "mean MC", "mean LHS", "mean Sobol", "LHS", "Sobol"
    );
    let names: Vec<String> = rules
        .iter()
        .map(|r| format!("P({} within horizon)", r.key()))
        .chain(std::iter::once("mean NPV".to_owned()))
        .collect();
    for (o, name) in names.iter().enumerate() {
        let stats: Vec<(f64, f64)> = (0..kinds.len())
            .map(|d| variance(&estimates[d][o]))
            .collect();
        println!(
            "{:<34} {:>12.4} {:>12.4} {:>12.4} {:>8.2} {:>8.2}",
            name,
            stats[0].0,
            stats[1].0,
            stats[2].0,
            stats[0].1 / stats[1].1,
            stats[0].1 / stats[2].1
        );
    }
    Ok(())
}
