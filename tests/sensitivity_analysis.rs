//! Sensitivity analyses of models whose answers are known in closed form:
//! tornado and sweep on a GBM whose drift is the uncertain input (first passage:
//! the inverse Gaussian law, and the one-period case exactly), Sobol indices and
//! rank correlations of a linear model with within-path noise.

mod common;

use outpace::analysis::sensitivity::{
    Grouping, Output, RankScreen, SobolAnalysis, SobolSettings, Sweep, Tornado, TornadoOptions,
    median_difference,
};
use outpace::analysis::{Described, Rule, StudyOptions, Valuation};
use outpace::calendar::Calendar;
use outpace::engine::{
    Component, Grid, InputDesign, Model, Names, PathRng, PathStreams, Simulation,
};
use outpace::inputs::design::DesignKind;
use outpace::inputs::{Domain, Input, Param};
use outpace::process::standard_normal;
use statrs::distribution::{ContinuousCDF, Normal};

const SHOCKS: Component = Component::new(1);
const DRIFT_STREAM: Component = Component::new(100);
const SIGMA: f64 = 0.3;
const BARRIER: f64 = 1.3;
const DRIFT: Param = Param::Uniform {
    min: -0.1,
    max: 0.5,
};

/// `x_t = exp((mu - sigma^2/2) t + sigma W_t)`, `mu` the uncertain input, with
/// the log return `ln x_K` as its value.
struct DriftGbm {
    inputs: Vec<Input>,
}

impl DriftGbm {
    fn new() -> DriftGbm {
        let input = Input::new("drift", "demand", DRIFT, Domain::any(), DRIFT_STREAM).unwrap();
        DriftGbm {
            inputs: vec![input],
        }
    }
}

impl Model for DriftGbm {
    type Plan = f64;
    type State = (f64, f64, PathRng);

    fn series(&self) -> Names<'_> {
        Names::new(&["x"])
    }
    fn exponentiated(&self) -> Names<'_> {
        Names::new(&["x"])
    }
    fn scalars(&self) -> Names<'_> {
        Names::new(&["log_return"])
    }
    fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    fn plan(&self, grid: &Grid) -> outpace::Result<f64> {
        Ok(grid.dt())
    }
    fn init(&self, _: &f64, streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        obs[0] = 0.0;
        (0.0, streams.input(0).unwrap(), streams.rng(SHOCKS))
    }
    fn step(&self, dt: &f64, (log_x, mu, rng): &mut Self::State, _: usize, obs: &mut [f64]) {
        *log_x += (*mu - SIGMA * SIGMA / 2.0) * dt + SIGMA * dt.sqrt() * standard_normal(rng);
        obs[0] = *log_x;
    }
    fn finish(&self, _: &f64, (log_x, _, _): &Self::State, scalars: &mut [f64]) {
        scalars[0] = *log_x;
    }
}

fn gbm_study(per_year: u32, steps: usize) -> Described<DriftGbm> {
    Described::new(
        "gbm",
        DriftGbm::new(),
        Calendar::Periods { per_year },
        steps,
    )
    .rule(Rule::new("hit", "Reaches the barrier", &format!("x >= {BARRIER}")).unwrap())
    .value(Valuation {
        scalar: "log_return".into(),
        label: "log return".into(),
        description: "ln x at the horizon".into(),
    })
}

/// Over `replicates` independent runs of `paths` paths of `years` yearly steps
/// (seed `seed + r`, the design's replicate 0), the means of the log return.
fn replicate_means(kind: DesignKind, years: usize, paths: usize, replicates: u64) -> Vec<f64> {
    let model = DriftGbm::new();
    (0..replicates)
        .map(|r| {
            let outcome = Simulation::new(&model)
                .paths(paths)
                .steps(years)
                .dt(1.0)
                .seed(500 + r)
                .quantiles(false)
                .design(InputDesign::Design { kind, replicate: 0 })
                .run()
                .unwrap();
            outcome.scalar("log_return").unwrap().stats().mean
        })
        .collect()
}

fn phi(z: f64) -> f64 {
    Normal::standard().cdf(z)
}

/// `P(max_{t <= T} ln x_t >= ln b)` for a Brownian motion with drift `nu` and
/// volatility `sigma`: the inverse Gaussian law of the first passage time.
fn passage_by(mu: f64, t: f64, barrier: f64) -> f64 {
    let (nu, a, s) = (mu - SIGMA * SIGMA / 2.0, barrier.ln(), SIGMA * t.sqrt());
    phi((nu * t - a) / s) + (2.0 * nu * a / (SIGMA * SIGMA)).exp() * phi((-a - nu * t) / s)
}

/// `P(ln x_T >= ln b)`, exact for a one-period horizon.
fn above_at(mu: f64, t: f64) -> f64 {
    let nu = mu - SIGMA * SIGMA / 2.0;
    1.0 - phi((BARRIER.ln() - nu * t) / (SIGMA * t.sqrt()))
}

fn options(paths: usize, seed: u64) -> StudyOptions {
    StudyOptions {
        paths,
        seed,
        ..StudyOptions::default()
    }
}

#[test]
fn tornado_of_one_period_gbm_is_the_closed_form_exactly() {
    let tornado = Tornado::run(
        &gbm_study(1, 1),
        &options(20_000, 3),
        &TornadoOptions::default(),
    )
    .unwrap();
    let bar = &tornado.bars[0];
    let (lo, hi) = (DRIFT.quantile(0.1), DRIFT.quantile(0.9));
    assert_eq!((bar.low_values[0], bar.high_values[0]), (lo, hi));
    let p = bar.rules[0].probability();
    let n = 20_000.0;
    for (estimate, mu) in [(p.baseline, lo), (p.alternative, hi)] {
        let truth = above_at(mu, 1.0);
        let se = (truth * (1.0 - truth) / n).sqrt();
        common::assert_within("P(x_1 >= b)", estimate, se, truth);
        // Power: the drift taken as the log drift (no -sigma^2/2) is rejected.
        common::assert_rejects(
            "P with mu as log drift",
            estimate,
            se,
            above_at(mu + SIGMA * SIGMA / 2.0, 1.0),
        );
    }
    let swing = above_at(hi, 1.0) - above_at(lo, 1.0);
    common::assert_within("swing", p.difference.estimate, p.paired_std_error, swing);
    assert!(p.difference.contains(p.difference.estimate));
    // Common random numbers: the paths that pass at the low drift also pass at the high.
    assert!(p.paired_std_error < p.unpaired_std_error, "{p:?}");
    // The median log return is nu T exactly at a fixed drift: the swing is hi - lo.
    let value = bar.value.unwrap();
    let se = SIGMA * (std::f64::consts::PI / 2.0 / n).sqrt();
    common::assert_within(
        "median log return at P90",
        value.alternative,
        se,
        hi - SIGMA * SIGMA / 2.0,
    );
    assert!(value.difference.contains(hi - lo), "{value:?}");
    assert!(
        !value.difference.contains(0.9 * (hi - lo)),
        "the paired interval is tight: {value:?}"
    );
}

#[test]
fn tornado_of_gbm_first_passage_follows_the_inverse_gaussian_law() {
    // 100 steps a year over two years; the discrete barrier is the continuous one
    // shifted by exp(0.5826 sigma sqrt(dt)) (Broadie, Glasserman and Kou 1997).
    let (per_year, steps, paths) = (100u32, 200, 8_000);
    let dt = 1.0 / f64::from(per_year);
    let shifted = BARRIER * (0.5826 * SIGMA * dt.sqrt()).exp();
    let tornado = Tornado::run(
        &gbm_study(per_year, steps),
        &options(paths, 5),
        &TornadoOptions::default(),
    )
    .unwrap();
    let bar = &tornado.bars[0];
    let p = bar.rules[0].probability();
    for (estimate, mu) in [
        (p.baseline, bar.low_values[0]),
        (p.alternative, bar.high_values[0]),
    ] {
        let truth = passage_by(mu, 2.0, shifted);
        let se = (truth * (1.0 - truth) / paths as f64).sqrt();
        common::assert_within("P(T <= 2)", estimate, se, truth);
        // Power: without the reflection term (the terminal law alone) it fails.
        common::assert_rejects("terminal law", estimate, se, above_at(mu, 2.0));
    }
    let truth =
        passage_by(bar.high_values[0], 2.0, shifted) - passage_by(bar.low_values[0], 2.0, shifted);
    common::assert_within("swing", p.difference.estimate, p.paired_std_error, truth);
    // Median first-passage period among paths that pass, at the high drift: the
    // period where the conditional law crosses 1/2.
    let mu = bar.high_values[0];
    let total = passage_by(mu, 2.0, shifted);
    let median = (1..=steps)
        .find(|&k| passage_by(mu, k as f64 * dt, shifted) >= total / 2.0)
        .unwrap();
    let estimate = bar.rules[0].median().unwrap().alternative;
    assert!(
        estimate.abs_diff(median) <= 3,
        "median period {estimate}, closed form {median}"
    );
}

#[test]
fn sweep_points_are_the_closed_form_and_paired_against_the_first() {
    let values = [0.0, 0.2, 0.4];
    let sweep = Sweep::run(&gbm_study(1, 1), &options(20_000, 9), "drift", &values).unwrap();
    assert_eq!(sweep.points.len(), 3);
    for point in &sweep.points {
        let truth = above_at(point.value, 1.0);
        let within = point.within[0];
        assert!(
            within.contains(truth)
                || (within.estimate - truth).abs()
                    < 4.0 * (truth * (1.0 - truth) / 20_000.0).sqrt(),
            "{point:?}"
        );
        let d = point.against_first[0].probability();
        let expected = truth - above_at(values[0], 1.0);
        if point.value == values[0] {
            assert_eq!(d.difference.estimate, 0.0);
        } else {
            common::assert_within(
                "sweep difference",
                d.difference.estimate,
                d.paired_std_error,
                expected,
            );
        }
    }
    assert!(Sweep::run(&gbm_study(1, 1), &options(100, 9), "nope", &values).is_err());
    assert!(Sweep::run(&gbm_study(1, 1), &options(100, 9), "drift", &[0.1]).is_err());
}

/// The designs stratify the inputs, not the within-path shocks. The log return
/// `Y = (mu - sigma^2 / 2) T + sigma W_T` is linear in the drift, so a stratified
/// drift leaves (up to `O(n^-3)`) only the within-path part of the variance of a
/// mean: `n Var = sigma^2 T`, while plain Monte Carlo keeps
/// `n Var = T^2 Var(mu) + sigma^2 T`, 2.33 times as much at `T = 4`. Power: a design
/// that did not stratify the drift (checked by running Monte Carlo against the
/// within part) is rejected, and so would be one that also damped the shocks.
#[test]
fn designs_remove_the_inputs_share_of_the_variance_and_no_more() {
    const YEARS: usize = 4;
    const PATHS: usize = 1024;
    const REPLICATES: u64 = 200;
    let Param::Uniform { min, max } = DRIFT else {
        unreachable!("the drift is uniform")
    };
    let t = YEARS as f64;
    let within = SIGMA * SIGMA * t;
    let total = t * t * (max - min).powi(2) / 12.0 + within;
    let n = PATHS as f64;
    for (kind, expected, wrong) in [
        (DesignKind::MonteCarlo, total, within),
        (DesignKind::LatinHypercube, within, total),
        (DesignKind::Sobol, within, total),
    ] {
        let means = replicate_means(kind, YEARS, PATHS, REPLICATES);
        let (variance, se) = common::variance_se(&means);
        let what = format!("{kind:?}: n Var(mean of the log return)");
        common::assert_within(&what, n * variance, n * se, expected);
        common::assert_rejects(&what, n * variance, n * se, wrong);
    }
}

#[test]
fn median_difference_intervals_cover_at_the_stated_rate() {
    // b = a + delta + e with a, e independent normals: median(b) - median(a) = delta.
    let (n, seeds, delta) = (300, 200u64, 0.5);
    let mut covered = 0u64;
    for seed in 0..seeds {
        let streams = PathStreams::new(seed, 0);
        let mut rng = streams.rng(Component::new(9));
        let a: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let b: Vec<f64> = a
            .iter()
            .map(|x| x + delta + 0.5 * standard_normal(&mut rng))
            .collect();
        let d = median_difference(&a, &b, 0.9, 200, seed).unwrap();
        covered += u64::from(d.difference.contains(delta));
    }
    // The percentile bootstrap of a median is roughly nominal at n = 300.
    common::assert_proportion("coverage of 90% intervals", covered, seeds, 0.9);
}

const A1: f64 = 2.0;
const A2: f64 = 1.0;
const NOISE: f64 = 1.5;

/// `y = a1 x1 + a2 x2 + s Z`, `x1, x2` standard normal inputs in groups `g1`,
/// `g2`, `Z` the within-path noise.
struct Linear {
    inputs: Vec<Input>,
}

impl Model for Linear {
    type Plan = ();
    type State = f64;
    fn series(&self) -> Names<'_> {
        Names::new(&["level"])
    }
    fn scalars(&self) -> Names<'_> {
        Names::new(&["y"])
    }
    fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    fn plan(&self, _: &Grid) -> outpace::Result<()> {
        Ok(())
    }
    fn init(&self, _: &(), streams: &PathStreams, obs: &mut [f64]) -> f64 {
        let z = standard_normal(&mut streams.rng(SHOCKS));
        let y = A1 * streams.input(0).unwrap() + A2 * streams.input(1).unwrap() + NOISE * z;
        obs[0] = y;
        y
    }
    fn step(&self, _: &(), y: &mut f64, _: usize, obs: &mut [f64]) {
        obs[0] = *y;
    }
    fn finish(&self, _: &(), y: &f64, scalars: &mut [f64]) {
        scalars[0] = *y;
    }
}

fn linear() -> Described<Linear> {
    let normal = Param::Normal {
        mean: 0.0,
        std_dev: 1.0,
    };
    let inputs = vec![
        Input::new("x1", "g1", normal, Domain::any(), Component::new(101)).unwrap(),
        Input::new("x2", "g2", normal, Domain::any(), Component::new(102)).unwrap(),
    ];
    Described::new(
        "linear",
        Linear { inputs },
        Calendar::Periods { per_year: 1 },
        2,
    )
    .rule(Rule::new("positive", "Positive", "level >= 0").unwrap())
    .value(Valuation {
        scalar: "y".into(),
        label: "y".into(),
        description: "y".into(),
    })
}

#[test]
fn sobol_indices_of_a_linear_model_with_noise_are_the_variance_shares() {
    let v = A1 * A1 + A2 * A2 + NOISE * NOISE;
    let settings = SobolSettings {
        base: 4096,
        ..SobolSettings::default()
    };
    let analysis = SobolAnalysis::run(&linear(), &options(1, 11), &settings).unwrap();
    assert_eq!(analysis.factors, ["x1", "x2", outpace::engine::NOISE_GROUP]);
    assert_eq!(analysis.paths, 4096 * 5);
    let column = analysis.column(&Output::Value).unwrap();
    let shares = [A1 * A1 / v, A2 * A2 / v, NOISE * NOISE / v];
    for (g, share) in shares.iter().enumerate() {
        for (what, index) in [
            ("first", analysis.indices.first[[g, column]]),
            ("total", analysis.indices.total[[g, column]]),
        ] {
            let index = index.unwrap();
            let se = (index.upper - index.lower) / (2.0 * 1.96);
            common::assert_within(
                &format!("{what} index of {}", analysis.factors[g]),
                index.estimate,
                se,
                *share,
            );
            assert!(se < 0.03, "{what} {g}: {index:?}");
        }
    }
    // Power: without the noise factor, x1's share would be a1^2 / (a1^2 + a2^2).
    let x1 = analysis.indices.first[[0, column]].unwrap();
    let se = (x1.upper - x1.lower) / (2.0 * 1.96);
    common::assert_rejects(
        "share without noise",
        x1.estimate,
        se,
        A1 * A1 / (A1 * A1 + A2 * A2),
    );
    // Grouped by group name, the factors are the groups.
    let grouped = SobolAnalysis::run(
        &linear(),
        &options(1, 11),
        &SobolSettings {
            base: 256,
            by: Grouping::Groups,
            ..settings
        },
    )
    .unwrap();
    assert_eq!(grouped.factors, ["g1", "g2", outpace::engine::NOISE_GROUP]);
    assert!(
        grouped
            .column(&Output::Reached {
                rule: "positive".into(),
                period: 2
            })
            .is_some()
    );
}

#[test]
fn rank_correlations_of_a_gaussian_linear_model_are_the_closed_form() {
    let n = 20_000;
    let screen = RankScreen::run(&linear(), &options(n, 13)).unwrap();
    let column = screen.outputs.iter().position(|o| o == "value").unwrap();
    let v = A1 * A1 + A2 * A2 + NOISE * NOISE;
    for (j, a) in [A1, A2].into_iter().enumerate() {
        // Spearman's rho of a bivariate normal with correlation r: (6/pi) asin(r/2).
        let r = a / v.sqrt();
        let truth = 6.0 / std::f64::consts::PI * (r / 2.0).asin();
        let rho = screen.spearman[[j, column]].unwrap();
        let se = (1.06 / (n as f64 - 3.0)).sqrt() * (1.0 - truth * truth);
        common::assert_within("Spearman", rho, se, truth);
        // Power: the within-path noise left out of the variance.
        let without_noise = a / (A1 * A1 + A2 * A2).sqrt();
        let wrong = 6.0 / std::f64::consts::PI * (without_noise / 2.0).asin();
        common::assert_rejects("correlation without the noise", rho, se, wrong);
    }
    assert!(screen.regression.r_squared[column].unwrap() < 0.8);
}

#[test]
fn bad_settings_are_errors() {
    let study = gbm_study(1, 1);
    let bad = TornadoOptions {
        low: 0.9,
        high: 0.1,
        ..TornadoOptions::default()
    };
    assert!(
        Tornado::run(&study, &options(10, 1), &bad)
            .unwrap_err()
            .to_string()
            .contains("quantiles")
    );
    let unknown = TornadoOptions {
        sort_by: Some("nope".into()),
        ..TornadoOptions::default()
    };
    assert!(
        Tornado::run(&study, &options(10, 1), &unknown)
            .unwrap_err()
            .to_string()
            .contains("nope")
    );
    let none = Described::new(
        "none",
        outpace::engine::ProcessModel::new("x", outpace::process::Gbm::new(0.0, 0.1, 1.0).unwrap()),
        Calendar::Periods { per_year: 1 },
        2,
    )
    .rule(Rule::new("r", "r", "x >= 2").unwrap());
    assert!(
        Tornado::run(&none, &options(10, 1), &TornadoOptions::default())
            .unwrap_err()
            .to_string()
            .contains("no uncertain input")
    );
}

#[test]
fn a_path_that_overflows_is_bad_input_naming_its_inputs() {
    // A drift of 1000 a year overflows exp within a period: the study reports the
    // path's inputs instead of an internal failure.
    let input = Input::new(
        "drift",
        "demand",
        Param::Uniform { min: 1e3, max: 2e3 },
        Domain::any(),
        DRIFT_STREAM,
    )
    .unwrap();
    let model = Described::new(
        "gbm",
        DriftGbm {
            inputs: vec![input],
        },
        Calendar::Periods { per_year: 1 },
        2,
    )
    .rule(Rule::new("hit", "Reaches the barrier", "x >= 2").unwrap());
    let error = outpace::analysis::Study::run(&model, &options(8, 1)).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, outpace::Error::InvalidParameter { .. }),
        "{message}"
    );
    assert!(
        message.contains("series `x`") && message.contains("drift = 1"),
        "{message}"
    );
}

/// Every method of the linear model and of the GBM, simulated as 1, 2 and 3
/// shards whose rows are merged (in reverse order), gives the single run's
/// estimates bit for bit (`PartialEq` on every `f64` of the result). Power:
/// with the parts left unsorted in `Rows::merge` (rows concatenated in the
/// order given) this test fails.
#[test]
fn sharded_rows_merge_into_the_single_run_exactly() {
    use outpace::analysis::sensitivity::{Method, Rows};
    use outpace::engine::Shard;
    let sobol = Method::Sobol(SobolSettings {
        base: 200,
        ..SobolSettings::default()
    });
    let tornado = Method::Tornado(TornadoOptions::default());
    let sweep = Method::Sweep {
        input: "x1".into(),
        values: vec![-1.0, 0.0, 1.5],
    };
    let (model, study) = (linear(), options(700, 3));
    for method in [sobol, tornado, sweep, Method::Ranks] {
        let whole = method.run(&model, &study).unwrap();
        let rows = method.rows(&model, &study).unwrap();
        for count in 1..=3 {
            let mut parts: Vec<Rows> = (0..count)
                .map(|i| {
                    let range = Shard::new(i, count).unwrap().range(rows);
                    method.simulate(&model, &study, range).unwrap()
                })
                .collect();
            parts.reverse();
            let merged = Rows::merge(&parts).unwrap();
            assert!(merged.is_complete());
            let estimates = method.estimate(&model, &study, &merged).unwrap();
            assert!(estimates == whole, "{method:?} in {count} shards");
        }
    }
    // The per-method entry points are the same estimates.
    let direct = Tornado::run(&model, &study, &TornadoOptions::default()).unwrap();
    let via = Method::Tornado(TornadoOptions::default())
        .run(&model, &study)
        .unwrap();
    assert!(via == outpace::analysis::sensitivity::Estimates::Tornado(direct));
}

/// Rows that are not every row of one analysis are refused by name: a gap, an
/// overlap, rows of another method or setting, an incomplete set, and rows
/// altered on disk (a length that does not match the range).
#[test]
fn foreign_or_incomplete_rows_are_refused() {
    use outpace::analysis::sensitivity::{Method, Rows};
    let (model, study) = (linear(), options(800, 3));
    let ranks = Method::Ranks;
    let a = ranks.simulate(&model, &study, 0..256).unwrap();
    let b = ranks.simulate(&model, &study, 256..512).unwrap();
    let c = ranks.simulate(&model, &study, 512..800).unwrap();
    let message = |e: outpace::Error| e.to_string();
    let gap = message(Rows::merge(&[a.clone(), c.clone()]).unwrap_err());
    assert!(
        gap.contains("parts[1].range") && gap.contains("gap"),
        "{gap}"
    );
    let overlap = message(Rows::merge(&[a.clone(), a.clone(), b.clone()]).unwrap_err());
    assert!(overlap.contains("overlaps"), "{overlap}");
    let partial = Rows::merge(&[a.clone(), b.clone()]).unwrap();
    let incomplete = message(ranks.estimate(&model, &study, &partial).unwrap_err());
    assert!(
        incomplete.contains("rows") && incomplete.contains("0..512 of 800"),
        "{incomplete}"
    );
    // Another method: its runs differ, and so do its rows' contents.
    let tornado = Method::Tornado(TornadoOptions::default());
    let other = tornado.simulate(&model, &study, 256..512).unwrap();
    let foreign = message(Rows::merge(&[a.clone(), other]).unwrap_err());
    assert!(foreign.contains("parts[1].runs"), "{foreign}");
    let whole = Rows::merge(&[a.clone(), b.clone(), c.clone()]).unwrap();
    let wrong = message(tornado.estimate(&model, &study, &whole).unwrap_err());
    assert!(wrong.contains("rows.runs"), "{wrong}");
    // Another number of paths is another analysis.
    let longer = ranks.simulate(&model, &options(900, 3), 512..900).unwrap();
    let other_rows = message(Rows::merge(&[a.clone(), b.clone(), longer]).unwrap_err());
    assert!(other_rows.contains("parts[2].rows"), "{other_rows}");
    // Serialised rows read back to the same rows; altered ones are refused.
    let json = serde_json::to_string(&whole).unwrap();
    let back: Rows = serde_json::from_str(&json).unwrap();
    assert_eq!(back, whole);
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["range"][1] = serde_json::json!(700);
    let altered = serde_json::from_value::<Rows>(value)
        .unwrap_err()
        .to_string();
    assert!(altered.contains("runs[0].passages"), "{altered}");
}

/// The Sobol chart draws one panel per factor, titled by the factor, each with
/// its first-order and total curves and bands.
#[test]
fn sobol_chart_has_a_panel_per_factor() {
    let settings = SobolSettings {
        base: 512,
        ..SobolSettings::default()
    };
    let analysis = SobolAnalysis::run(&gbm_study(4, 8), &options(1, 3), &settings).unwrap();
    let svg = outpace::report::sensitivity_svg::sobol(&analysis).unwrap();
    for factor in &analysis.factors {
        let title = format!("\n{factor}\n</text>");
        assert_eq!(svg.matches(&title).count(), 1, "{factor}: {svg}");
    }
    // Per panel: two bands, a solid and a dashed line.
    let polygons = svg.matches("<polygon").count();
    assert_eq!(polygons, 2 * analysis.factors.len(), "{svg}");
}
