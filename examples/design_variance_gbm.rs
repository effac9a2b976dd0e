//! Variance reduction of the input designs on a closed-form case with parameter
//! uncertainty *and* within-path randomness: one year of a GBM whose drift is the
//! uncertain input, simulated through the engine.
//!
//! `x = exp(mu - s^2 / 2 + s Z)`, `mu ~ U(a, b)` drawn by the design, `Z` from the
//! path's own stream. Closed forms:
//!
//! * `E[x] = (e^b - e^a) / (b - a)`;
//! * `P(x > 1) = s / (b - a) [G(z_b) - G(z_a)]`, `G(z) = z Phi(z) + phi(z)`,
//!   `z_m = (m - s^2 / 2) / s` (for `s = 0`: `P(mu > 0)`);
//! * the ceiling of any design that stratifies the input only: its variance
//!   cannot fall below the within-path part `E[Var(Y | mu)] / n`, so
//!   `Var(MC) / Var(design) <= Var(Y) / E[Var(Y | mu)] = 1 / (1 - S_mu)`, with
//!   `E[Var(x | mu)] = (e^{s^2} - 1) (e^{2b} - e^{2a}) / (2 (b - a))` and
//!   `E[Var(1{x > 1} | mu)] = P(x > 1) - E[Phi(z_mu)^2]` (by quadrature).
//!
//! With `s = 0` the ceiling is infinite and the designs show their full power;
//! as `s` grows the ratio is held under the ceiling. Printed per noise level and
//! output: the exact mean, each design's mean over replicates, the ceiling and
//! the measured ratios (the log of a ratio of two 256-replicate variances has a
//! standard deviation of about `sqrt(4 / 255) = 0.125`, so a ratio is uncertain
//! by a factor of about 1.28 at two standard errors).
//!
//! Run with `cargo run --release --example design_variance_gbm`.

use outpace::engine::{
    Component, Grid, InputDesign, Model, Names, PathRng, PathStreams, Simulation,
};
use outpace::inputs::design::DesignKind;
use outpace::inputs::{Domain, Input, Param};
use outpace::process::standard_normal;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

const REPLICATES: u64 = 256;
const PATHS: usize = 4096;
const SEED: u64 = 77;
const DRIFT_LOW: f64 = -0.2;
const DRIFT_HIGH: f64 = 0.4;
const NOISE_LEVELS: [f64; 4] = [0.0, 0.05, 0.15, 0.4];
/// The path's own shocks, apart from the design's input.
const SHOCK: Component = Component::new(1);
/// The stream a plain Monte Carlo run draws the drift from.
const DRIFT_STREAM: Component = Component::new(2);
/// Midpoints of the quadrature over the drift for `E[Phi(z)^2]`.
const QUADRATURE_POINTS: usize = 200_000;

/// One year of a GBM with an uncertain drift; scalars: the level and whether
/// it ends above 1.
struct UncertainDriftGbm {
    noise: f64,
    inputs: Vec<Input>,
}

impl UncertainDriftGbm {
    fn new(noise: f64) -> outpace::Result<Self> {
        let law = Param::Uniform {
            min: DRIFT_LOW,
            max: DRIFT_HIGH,
        };
        let drift = Input::new("drift", "growth", law, Domain::any(), DRIFT_STREAM)?;
        Ok(UncertainDriftGbm {
            noise,
            inputs: vec![drift],
        })
    }
}

impl Model for UncertainDriftGbm {
    type Plan = ();
    type State = (f64, f64, PathRng);

    fn series(&self) -> Names<'_> {
        Names::new(&["log_level"])
    }
    fn scalars(&self) -> Names<'_> {
        Names::new(&["level", "above_one"])
    }
    fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    fn plan(&self, _: &Grid) -> outpace::Result<()> {
        Ok(())
    }
    fn init(&self, _: &(), streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        obs[0] = 0.0;
        let drift = streams.input(0).expect("the drift is input 0");
        (0.0, drift, streams.rng(SHOCK))
    }
    fn step(&self, _: &(), (log_level, drift, rng): &mut Self::State, _: usize, obs: &mut [f64]) {
        let s = self.noise;
        *log_level = *drift - s * s / 2.0 + s * standard_normal(rng);
        obs[0] = *log_level;
    }
    fn finish(&self, _: &(), (log_level, _, _): &Self::State, scalars: &mut [f64]) {
        scalars[0] = log_level.exp();
        scalars[1] = f64::from(*log_level > 0.0);
    }
}

/// Exact means and ceilings `Var(Y) / E[Var(Y | mu)]` of the level and of the
/// indicator at noise `s`.
struct Exact {
    level_mean: f64,
    level_ceiling: f64,
    above_mean: f64,
    above_ceiling: f64,
}

fn exact(s: f64) -> Exact {
    let width = DRIFT_HIGH - DRIFT_LOW;
    let level_mean = (DRIFT_HIGH.exp() - DRIFT_LOW.exp()) / width;
    let mean_exp_2mu = ((2.0 * DRIFT_HIGH).exp() - (2.0 * DRIFT_LOW).exp()) / (2.0 * width);
    let within_level = (s * s).exp_m1() * mean_exp_2mu;
    let level_var = (s * s).exp() * mean_exp_2mu - level_mean * level_mean;
    let normal = Normal::standard();
    let (above_mean, mean_phi_squared) = if s == 0.0 {
        let p = DRIFT_HIGH / width;
        (p, p)
    } else {
        let z = |m: f64| (m - s * s / 2.0) / s;
        let g = |z: f64| z * normal.cdf(z) + normal.pdf(z);
        let p = s / width * (g(z(DRIFT_HIGH)) - g(z(DRIFT_LOW)));
        let h = width / QUADRATURE_POINTS as f64;
        let squares = (0..QUADRATURE_POINTS)
            .map(|i| normal.cdf(z(DRIFT_LOW + (i as f64 + 0.5) * h)).powi(2))
            .sum::<f64>()
            / QUADRATURE_POINTS as f64;
        (p, squares)
    };
    let within_above = above_mean - mean_phi_squared;
    let above_var = above_mean * (1.0 - above_mean);
    Exact {
        level_mean,
        level_ceiling: level_var / within_level,
        above_mean,
        above_ceiling: above_var / within_above,
    }
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Each design's replicate estimates of the two scalars' means.
fn replicates(model: &UncertainDriftGbm, kind: DesignKind) -> outpace::Result<[Vec<f64>; 2]> {
    let mut out = [Vec::new(), Vec::new()];
    for r in 0..REPLICATES {
        let outcome = Simulation::new(model)
            .paths(PATHS)
            .steps(1)
            .dt(1.0)
            .seed(SEED + r)
            .quantiles(false)
            .design(InputDesign::Design { kind, replicate: 0 })
            .run()?;
        for (estimates, name) in out.iter_mut().zip(["level", "above_one"]) {
            estimates.push(outcome.scalar(name).expect("a scalar").stats().mean);
        }
    }
    Ok(out)
}

fn main() -> outpace::Result<()> {
    let kinds = [
        DesignKind::MonteCarlo,
        DesignKind::LatinHypercube,
        DesignKind::Sobol,
    ];
    println!(
        "{REPLICATES} replicates of {PATHS} paths, seeds {SEED}..; mu ~ U({DRIFT_LOW}, {DRIFT_HIGH}); Var(MC) / Var(design)"
    );
    println!(
        "{:>5} {:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "s", "output", "exact", "mean MC", "mean LHS", "mean Sob", "ceiling", "LHS", "Sobol"
    );
    for s in NOISE_LEVELS {
        let model = UncertainDriftGbm::new(s)?;
        let e = exact(s);
        let per_kind = kinds
            .iter()
            .map(|kind| replicates(&model, *kind))
            .collect::<outpace::Result<Vec<_>>>()?;
        let rows = [
            ("level", e.level_mean, e.level_ceiling),
            ("P(x > 1)", e.above_mean, e.above_ceiling),
        ];
        for (o, (name, exact_mean, ceiling)) in rows.into_iter().enumerate() {
            let [mc, lhs, sobol] = [0, 1, 2].map(|k| mean_var(&per_kind[k][o]));
            println!(
                "{s:>5.2} {name:<10} {exact_mean:>9.5} {:>9.5} {:>9.5} {:>9.5} {ceiling:>9.1} {:>8.1} {:>8.1}",
                mc.0,
                lhs.0,
                sobol.0,
                mc.1 / lhs.1,
                mc.1 / sobol.1
            );
        }
    }
    Ok(())
}
