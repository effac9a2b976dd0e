//! The paired difference of two break-even curves, period by period
//! (`analysis::paired_cdf_difference`): exact against a path-by-path computation,
//! equal to the within-horizon difference at the horizon, and covering the
//! closed-form difference at its confidence level over repeated seeds.

mod common;

use common::K_SIGMA;
use outpace::analysis::{Comparison, Rule, paired_cdf_difference, passage_of};
use outpace::engine::{Component, Grid, Model, Names, Outcome, PathStreams, Simulation};
use rand::RngExt;
use rand_distr::StandardNormal;
use statrs::distribution::{ContinuousCDF, Normal};

/// `fcf_k = -1 + drift k + sigma Z` with one standard normal `Z` per path: the
/// first period with `fcf >= 0` is at most `k >= 1` exactly when `fcf_k >= 0`, so
/// `P(T <= k) = Phi((drift k - 1) / sigma)`. Two drifts on the same seed share `Z`
/// path by path.
struct Level {
    drift: f64,
    sigma: f64,
}

const LEVEL: Component = Component::new(7);

impl Model for Level {
    type Plan = ();
    type State = f64;

    fn series(&self) -> Names<'_> {
        Names::new(&["fcf"])
    }

    fn plan(&self, _grid: &Grid) -> outpace::Result<()> {
        Ok(())
    }

    fn init(&self, _plan: &(), streams: &PathStreams, obs: &mut [f64]) -> f64 {
        let z: f64 = streams.rng(LEVEL).sample(StandardNormal);
        obs[0] = -1.0 + self.sigma * z;
        z
    }

    fn step(&self, _plan: &(), z: &mut f64, k: usize, obs: &mut [f64]) {
        obs[0] = -1.0 + self.drift * k as f64 + self.sigma * *z;
    }
}

const STEPS: usize = 20;
const SIGMA: f64 = 0.5;
const DRIFTS: (f64, f64) = (0.06, 0.1);

fn rule() -> Rule {
    Rule::new("positive", "Cash flow positive", "fcf >= 0").unwrap()
}

fn run(drift: f64, paths: usize, seed: u64) -> Outcome {
    let rule = rule();
    Simulation::new(Level {
        drift,
        sigma: SIGMA,
    })
    .paths(paths)
    .steps(STEPS)
    .dt(0.25)
    .seed(seed)
    .first_passage(rule.key(), rule.passage())
    .run()
    .unwrap()
}

fn truth(k: usize) -> f64 {
    let phi = |x: f64| Normal::standard().cdf(x);
    if k == 0 {
        return 0.0;
    }
    let cdf = |drift: f64| phi((drift * k as f64 - 1.0) / SIGMA);
    cdf(DRIFTS.1) - cdf(DRIFTS.0)
}

#[test]
fn matches_the_path_by_path_difference_and_the_horizon_comparison() {
    let (a, b) = (run(DRIFTS.0, 3_000, 5), run(DRIFTS.1, 3_000, 5));
    let rule = rule();
    let (ta, tb) = (
        passage_of(&rule, &a).unwrap(),
        passage_of(&rule, &b).unwrap(),
    );
    let curve = paired_cdf_difference(ta, tb, 0.95).unwrap();
    assert_eq!(curve.len(), STEPS + 1);
    let z = outpace::stats::two_sided_z(0.95).unwrap();
    for (k, interval) in curve.iter().enumerate() {
        // d_i(k) = 1{T_B,i <= k} - 1{T_A,i <= k}, computed path by path.
        let by = |t: Option<usize>| f64::from(u8::from(t.is_some_and(|t| t <= k)));
        let d: Vec<f64> = ta
            .times()
            .zip(tb.times())
            .map(|(x, y)| by(y) - by(x))
            .collect();
        let (mean, se) = common::mean_se(&d);
        assert!((interval.estimate - mean).abs() < 1e-12, "k = {k}");
        let half = 0.5 * (interval.upper - interval.lower);
        assert!(
            (half - z * se).abs() < 1e-12,
            "k = {k}: {half} vs {}",
            z * se
        );
    }
    // At the horizon it is the comparison's within-horizon difference.
    let horizon = Comparison::from_outcomes(&rule, &a, &b, 0.95).unwrap();
    let d = horizon.probability().difference;
    let last = curve[STEPS];
    for (x, y) in [
        (last.estimate, d.estimate),
        (last.lower, d.lower),
        (last.upper, d.upper),
    ] {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
    // The shared level makes B break even no later than A on every path, so the
    // difference is positive from the first period the drifts part.
    assert!(curve[10].lower > 0.0);
    assert_eq!(curve[0].estimate, 0.0);
}

#[test]
fn intervals_cover_the_closed_form_at_their_level() {
    // 600 seeds of 1,000 paths: the share of intervals covering the truth at
    // period k is 0.95 within K_SIGMA binomial standard errors. An interval that
    // ignored the pairing (the unpaired standard error, 1.4 times larger here)
    // would cover about 99.5% of the time and fail; one a factor 1.4 too narrow
    // would cover about 84%.
    let (seeds, paths) = (600u64, 1_000);
    let periods = [5, 10, 15, 20];
    let mut covered = [0u32; 4];
    let rule = rule();
    for seed in 0..seeds {
        let (a, b) = (run(DRIFTS.0, paths, seed), run(DRIFTS.1, paths, seed));
        let curve = paired_cdf_difference(
            passage_of(&rule, &a).unwrap(),
            passage_of(&rule, &b).unwrap(),
            0.95,
        )
        .unwrap();
        for (count, &k) in covered.iter_mut().zip(&periods) {
            *count += u32::from(curve[k].contains(truth(k)));
        }
    }
    let se = (0.95 * 0.05 / seeds as f64).sqrt();
    for (&count, &k) in covered.iter().zip(&periods) {
        let share = f64::from(count) / seeds as f64;
        assert!(
            (share - 0.95).abs() <= K_SIGMA * se,
            "period {k}: coverage {share} (truth {})",
            truth(k)
        );
    }
}

#[test]
fn refuses_unpaired_runs() {
    let rule = rule();
    let (a, b) = (run(DRIFTS.0, 100, 1), run(DRIFTS.1, 50, 1));
    let err = paired_cdf_difference(
        passage_of(&rule, &a).unwrap(),
        passage_of(&rule, &b).unwrap(),
        0.95,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("`alternative.paths` = 50"),
        "{err}"
    );
    let err = paired_cdf_difference(
        passage_of(&rule, &a).unwrap(),
        passage_of(&rule, &a).unwrap(),
        1.5,
    )
    .unwrap_err();
    assert!(err.to_string().contains("confidence"), "{err}");
}
