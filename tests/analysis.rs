//! Break-even analysis against hand computations, brute force and closed forms.
//!
//! The models are synthetic, emitting series under the cloud model's names:
//! * a scripted model whose series are fixed tables, so every break-even period is
//!   known by hand;
//! * a staircase whose path `i` breaks even at a fixed period `c_i`;
//! * a level-shift model `fcf_k = -1 + d k + sigma Z` (one `Z ~ N(0, 1)` per path),
//!   optionally plus a random walk `tau W_k`. Without the walk, `fcf` increases in
//!   `k`, so the break-even period `T = min{k >= 1 : fcf_k >= 0}` has the closed form
//!   `P(T <= k) = Phi((d k - 1) / sigma)` for `k >= 1`;
//! * a uniform model whose path `i` breaks even at `T_i = 1 + floor(20 U_i) + shift`.

mod common;

use common::*;
use outpace::analysis::{BreakEven, Comparison, FanChart, passage_of};
use outpace::cloud::Definition;
use outpace::cloud::series::{
    CUMULATIVE_FCF, DISCOUNTED_CUMULATIVE_FCF, FREE_CASH_FLOW, REVENUE, REVENUE_GROWTH, SPENDING,
    SPENDING_GROWTH,
};
use outpace::engine::{
    Component, Grid, Model, Names, Outcome, PassageTimes, PathRng, PathStreams, Selection,
    Simulation,
};
use outpace::stats::two_sided_z;
use outpace::{Error, Result};
use rand::RngExt;
use rand_distr::StandardNormal;
use statrs::distribution::{ContinuousCDF, Normal};

/// A model built from two closures: `draw` makes a path's state from its streams,
/// `emit` writes the observations at point `k` (advancing the state if needed).
struct Synthetic<D, E> {
    names: &'static [&'static str],
    draw: D,
    emit: E,
}

impl<S, D, E> Model for Synthetic<D, E>
where
    S: Send,
    D: Fn(&PathStreams) -> S + Sync,
    E: Fn(&mut S, usize, &mut [f64]) + Sync,
{
    type Plan = ();
    type State = S;

    fn series(&self) -> Names<'_> {
        Names::new(self.names)
    }

    fn plan(&self, _grid: &Grid) -> Result<()> {
        Ok(())
    }

    fn init(&self, _plan: &(), streams: &PathStreams, obs: &mut [f64]) -> S {
        let mut state = (self.draw)(streams);
        (self.emit)(&mut state, 0, obs);
        state
    }

    fn step(&self, _plan: &(), state: &mut S, k: usize, obs: &mut [f64]) {
        (self.emit)(state, k, obs);
    }
}

const FCF_ONLY: &[&str] = &[FREE_CASH_FLOW];

/// Runs `model` with every definition requested under its key.
fn run<M: Model>(
    model: M,
    paths: usize,
    steps: usize,
    seed: u64,
    definitions: &[Definition],
) -> Outcome {
    definitions
        .iter()
        .fold(Simulation::new(model), |sim, d| {
            sim.first_passage(d.key(), d.rule().passage())
        })
        .paths(paths)
        .steps(steps)
        .dt(0.25)
        .seed(seed)
        .run()
        .unwrap()
}

fn phi(x: f64) -> f64 {
    Normal::standard().cdf(x)
}

// ---------------------------------------------------------------------------------
// Scripted tables: every definition's period by hand.

const SCRIPTED: &[&str] = &[
    REVENUE,
    SPENDING,
    FREE_CASH_FLOW,
    CUMULATIVE_FCF,
    DISCOUNTED_CUMULATIVE_FCF,
    REVENUE_GROWTH,
    SPENDING_GROWTH,
];

/// Twelve simulated quarters. Point 0 meets the revenue and growth conditions and
/// has a zero cumulative FCF, so a rule that did not start at 1 would answer 0.
fn scripted() -> Vec<Vec<f64>> {
    let revenue = vec![
        10.0, 8.0, 9.0, 9.0, 10.0, 11.0, 12.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
    ];
    let spending = vec![
        9.0, 9.0, 9.5, 9.0, 10.5, 10.0, 10.0, 12.5, 12.0, 12.0, 12.0, 12.0, 12.0,
    ];
    let fcf = vec![
        -5.0, -3.0, 1.0, -1.0, 2.0, 3.0, -0.5, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0,
    ];
    // Summed from the first simulated quarter; discounted at 25% a quarter.
    let mut cumulative = vec![0.0];
    let mut discounted = vec![0.0];
    for j in 1..fcf.len() {
        cumulative.push(cumulative[j - 1] + fcf[j]);
        discounted.push(discounted[j - 1] + fcf[j] / 1.25f64.powi(j as i32));
    }
    let revenue_growth = vec![
        0.5, 0.1, 0.3, 0.2, 0.2, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
    ];
    let spending_growth = vec![
        0.1, 0.2, 0.2, 0.3, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2,
    ];
    vec![
        revenue,
        spending,
        fcf,
        cumulative,
        discounted,
        revenue_growth,
        spending_growth,
    ]
}

#[test]
fn each_definition_gives_the_hand_computed_period() {
    let table = scripted();
    let model = Synthetic {
        names: SCRIPTED,
        draw: |_: &PathStreams| (),
        emit: |_: &mut (), k: usize, obs: &mut [f64]| {
            for (o, column) in obs.iter_mut().zip(&table) {
                *o = column[k];
            }
        },
    };
    let expected = [
        // fcf >= 0: first at 2 (1 >= 0); four running from 7 (4, 5, 6, 7).
        (Definition::FlowCrossover { sustain: 1 }, Some(2)),
        (Definition::FlowCrossover { sustain: 4 }, Some(7)),
        // 7..=12 is the last run: six quarters fit, seven are cut by the horizon.
        (Definition::FlowCrossover { sustain: 6 }, Some(7)),
        (Definition::FlowCrossover { sustain: 7 }, None),
        // revenue >= spending: 9 >= 9 at 3; four running from 8.
        (Definition::RevenueOverSpending { sustain: 1 }, Some(3)),
        (Definition::RevenueOverSpending { sustain: 4 }, Some(8)),
        // cumulative fcf: -3, -2, -3, -1, 2 -> 5.
        (Definition::CumulativePayback, Some(5)),
        // discounted: -2.4, -1.76, -2.272, -1.4528, -0.46976, -0.600832, 0.2380288 -> 7.
        (Definition::DiscountedPayback, Some(7)),
        // Growth over simulated quarters is defined from 8 (windows 1-4 and 5-8),
        // and revenue growth is above spending growth from there on: no crossing
        // from below, no passage. (The definition before 0.2, on trailing growth
        // that reached into the history, answered 2 and 6: an artefact.)
        (Definition::GrowthCrossover { sustain: 1 }, None),
        (Definition::GrowthCrossover { sustain: 4 }, None),
    ];
    let definitions: Vec<Definition> = expected.iter().map(|(d, _)| *d).collect();
    let outcome = run(model, 3, 12, 1, &definitions);
    for (definition, period) in expected {
        let passage = passage_of(&definition.rule(), &outcome).unwrap();
        assert!(
            passage.times().all(|t| t == period),
            "{}: expected {period:?}",
            definition.key()
        );
        let b = BreakEven::from_outcome(&definition.rule(), &outcome, 0.95).unwrap();
        assert_eq!(b.p50(), period, "{}", definition.key());
        assert_eq!(b.mean(), period.map(|k| k as f64));
        let reached = if period.is_some() { 1.0 } else { 0.0 };
        assert_eq!(b.within_horizon().estimate, reached);
        assert_eq!(b.censored(), 1.0 - reached);
        for (k, c) in b.cdf().iter().enumerate() {
            let by_k = period.is_some_and(|p| p <= k);
            assert_eq!(c.estimate, if by_k { 1.0 } else { 0.0 });
        }
    }
}

/// Trailing-year growth over simulated quarters by hand: the last four of
/// `x[1..=k]` over the four before.
fn year_growth(x: &[f64], k: usize) -> Option<f64> {
    (k >= 8).then(|| x[k - 3..=k].iter().sum::<f64>() / x[k - 7..=k - 4].iter().sum::<f64>() - 1.0)
}

#[test]
fn growth_crossover_is_a_crossing_from_below() {
    // Spending grows 10% a quarter; revenue 5% a quarter until quarter 10, then
    // 15%: revenue growth starts below spending growth and overtakes it once.
    let steps = 24;
    let revenue: Vec<f64> = (0..=steps)
        .map(|k: usize| 1.05f64.powi(k.min(10) as i32) * 1.15f64.powi(k.saturating_sub(10) as i32))
        .collect();
    let spending: Vec<f64> = (0..=steps).map(|k| 1.10f64.powi(k as i32)).collect();
    let above = |k: usize| Some(year_growth(&revenue, k)? >= year_growth(&spending, k)?);
    let crossings: Vec<usize> = (2..=steps)
        .filter(|&k| above(k - 1) == Some(false) && above(k) == Some(true))
        .collect();
    assert_eq!(
        crossings.len(),
        1,
        "constructed to cross once: {crossings:?}"
    );
    let crossing = crossings[0];
    assert!(crossing > 8, "{crossing}");
    let table = [revenue.clone(), spending.clone()];
    let model = Synthetic {
        names: &[REVENUE, SPENDING],
        draw: |_: &PathStreams| (),
        emit: |_: &mut (), k: usize, obs: &mut [f64]| {
            obs[0] = table[0][k];
            obs[1] = table[1][k];
        },
    };
    let definitions = [
        Definition::GrowthCrossover { sustain: 1 },
        Definition::GrowthCrossover { sustain: 4 },
    ];
    let outcome = run(model, 2, steps, 1, &definitions);
    for d in definitions {
        let times: Vec<_> = passage_of(&d.rule(), &outcome).unwrap().times().collect();
        // Above from the crossing on, so holding four quarters changes nothing.
        assert_eq!(times, [Some(crossing); 2], "{}", d.key());
    }
    // Revenue growth above spending growth from the start: never a crossing.
    let ahead = [spending, revenue];
    let model = Synthetic {
        names: &[REVENUE, SPENDING],
        draw: |_: &PathStreams| (),
        emit: |_: &mut (), k: usize, obs: &mut [f64]| {
            obs[0] = ahead[0][k] * 1.2f64.powi(k as i32);
            obs[1] = ahead[1][k];
        },
    };
    let outcome = run(model, 2, steps, 1, &definitions[..1]);
    let times: Vec<_> = passage_of(&definitions[0].rule(), &outcome)
        .unwrap()
        .times()
        .collect();
    assert_eq!(times, [None; 2]);
}

// ---------------------------------------------------------------------------------
// Staircase: CDF, Wilson intervals and quantiles by hand.

#[test]
fn cdf_and_wilson_intervals_match_hand_computation() {
    // Path i breaks even at crossing[i]; 100 is beyond the six-quarter horizon.
    let crossing = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 6.0, 100.0, 100.0];
    let model = Synthetic {
        names: FCF_ONLY,
        draw: |s: &PathStreams| crossing[s.path() as usize],
        emit: |c: &mut f64, k: usize, obs: &mut [f64]| obs[0] = k as f64 - *c,
    };
    let definition = Definition::FlowCrossover { sustain: 1 };
    let outcome = run(model, 10, 6, 2, &[definition]);
    let b = BreakEven::from_outcome(&definition.rule(), &outcome, 0.95).unwrap();
    let counts = [0u64, 1, 3, 4, 7, 7, 8];
    let z = 1.959_963_984_540_054;
    for (k, (&c, ci)) in counts.iter().zip(b.cdf()).enumerate() {
        let (n, p) = (10.0, c as f64 / 10.0);
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z / denom * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        assert_eq!(ci.estimate, p, "k = {k}");
        assert!(
            (ci.lower - (centre - half).max(0.0)).abs() < 1e-12,
            "k = {k}"
        );
        assert!(
            (ci.upper - (centre + half).min(1.0)).abs() < 1e-12,
            "k = {k}"
        );
    }
    // The textbook Wilson interval of 3 / 10 at 95%.
    assert!((b.cdf()[2].lower - 0.1078).abs() < 1e-4);
    assert!((b.cdf()[2].upper - 0.6032).abs() < 1e-4);
    assert_eq!(b.within_horizon(), b.cdf()[6]);
    assert_eq!((b.reached(), b.paths(), b.steps()), (8, 10, 6));
    assert!((b.censored() - 0.2).abs() < 1e-15);
    // Sorted reached times 1, 2, 2, 3, 4, 4, 4, 6: ranks floor(q * 7) = 0, 3, 6.
    assert_eq!((b.p10(), b.p50(), b.p90()), (Some(1), Some(3), Some(4)));
    assert_eq!(b.mean(), Some(26.0 / 8.0));
}

// ---------------------------------------------------------------------------------
// Level shift, optionally with a random walk.

const LEVEL: Component = Component::new(1);
const WALK: Component = Component::new(2);

struct Level {
    z: f64,
    walk: f64,
    rng: PathRng,
}

/// `fcf_k = -1 + drift k + sigma Z + tau W_k`.
fn level_model(drift: f64, sigma: f64, tau: f64) -> impl Model {
    Synthetic {
        names: FCF_ONLY,
        draw: |s: &PathStreams| Level {
            z: s.rng(LEVEL).sample(StandardNormal),
            walk: 0.0,
            rng: s.rng(WALK),
        },
        emit: move |l: &mut Level, k: usize, obs: &mut [f64]| {
            if k > 0 {
                l.walk += l.rng.sample::<f64, _>(StandardNormal);
            }
            obs[0] = -1.0 + drift * k as f64 + sigma * l.z + tau * l.walk;
        },
    }
}

/// `P(T <= k) = Phi((drift k - 1) / sigma)` for `k >= 1` without the walk.
fn level_cdf(drift: f64, sigma: f64, k: usize) -> f64 {
    phi((drift * k as f64 - 1.0) / sigma)
}

/// Lower median of `T` given `T <= horizon`: the smallest `k` with
/// `P(T <= k) / P(T <= horizon) >= 1/2`.
fn level_conditional_median(drift: f64, sigma: f64, horizon: usize) -> usize {
    let total = level_cdf(drift, sigma, horizon);
    (1..=horizon)
        .find(|&k| level_cdf(drift, sigma, k) / total >= 0.5)
        .unwrap()
}

#[test]
fn cdf_matches_the_closed_form_of_a_level_shift() {
    let (drift, sigma, steps, paths) = (0.08, 1.0, 24, 20_000);
    let definition = Definition::FlowCrossover { sustain: 1 };
    let outcome = run(
        level_model(drift, sigma, 0.0),
        paths,
        steps,
        3,
        &[definition],
    );
    let b = BreakEven::from_outcome(&definition.rule(), &outcome, 0.95).unwrap();
    assert_eq!(b.cdf()[0].estimate, 0.0);
    for k in [1, 5, 10, 15, 24] {
        let hits = (b.cdf()[k].estimate * paths as f64).round() as u64;
        let p = level_cdf(drift, sigma, k);
        assert_proportion(&format!("P(T <= {k})"), hits, paths as u64, p);
        if k == 10 {
            // Off by one period (counting quarters from 0) is rejected.
            let se = (p * (1.0 - p) / paths as f64).sqrt();
            let wrong = level_cdf(drift, sigma, k + 1);
            assert_rejects("P(T <= 10), shifted", b.cdf()[k].estimate, se, wrong);
        }
    }
    assert_eq!(b.within_horizon(), b.cdf()[steps]);
}

/// First `k >= 1` at which `row[k..k + sustain]` is all `>= 0`, within the row.
fn brute_force_time(row: &[f64], sustain: usize) -> Option<usize> {
    (1..row.len())
        .find(|&k| k + sustain <= row.len() && row[k..k + sustain].iter().all(|&x| x >= 0.0))
}

/// The `q`-quantile of the reached times: sorted, index `floor(q (m - 1))`.
fn brute_force_quantile(times: &[Option<usize>], q: f64) -> Option<usize> {
    let mut reached: Vec<usize> = times.iter().flatten().copied().collect();
    reached.sort_unstable();
    let m = reached.len();
    (m > 0).then(|| reached[(q * (m - 1) as f64).floor() as usize])
}

#[test]
fn times_cdf_and_quantiles_match_brute_force_on_a_noisy_model() {
    let (steps, paths) = (24, 3_000);
    let definitions = [
        Definition::FlowCrossover { sustain: 1 },
        Definition::FlowCrossover { sustain: 4 },
    ];
    let outcome = definitions
        .iter()
        .fold(Simulation::new(level_model(0.08, 0.5, 0.3)), |sim, d| {
            sim.first_passage(d.key(), d.rule().passage())
        })
        .paths(paths)
        .steps(steps)
        .dt(0.25)
        .seed(4)
        .record_paths_for(Selection::only(&[FREE_CASH_FLOW]))
        .run()
        .unwrap();
    let fcf = outcome.recorded().unwrap().get(FREE_CASH_FLOW).unwrap();
    for definition in definitions {
        let times: Vec<Option<usize>> = fcf
            .rows()
            .into_iter()
            .map(|row| brute_force_time(row.as_slice().unwrap(), definition.sustain()))
            .collect();
        let passage = passage_of(&definition.rule(), &outcome).unwrap();
        assert!(
            passage.times().eq(times.iter().copied()),
            "{}",
            definition.key()
        );
        let reached = times.iter().flatten().count();
        assert!(
            reached > paths / 2 && reached < paths,
            "a mix of reached and censored"
        );
        let b = BreakEven::from_passage(&definition.rule(), passage, 0.9).unwrap();
        for (k, ci) in b.cdf().iter().enumerate() {
            let count = times.iter().filter(|t| t.is_some_and(|t| t <= k)).count();
            assert_eq!(ci.estimate, count as f64 / paths as f64);
            assert_eq!(
                *ci,
                outpace::stats::wilson(count as u64, paths as u64, 0.9).unwrap()
            );
        }
        assert_eq!(b.p10(), brute_force_quantile(&times, 0.1));
        assert_eq!(b.p50(), brute_force_quantile(&times, 0.5));
        assert_eq!(b.p90(), brute_force_quantile(&times, 0.9));
        let mean = times.iter().flatten().sum::<usize>() as f64 / reached as f64;
        assert!((b.mean().unwrap() - mean).abs() < 1e-12);
    }
}

// ---------------------------------------------------------------------------------
// Paired comparisons on common random numbers.

#[test]
fn paired_probability_difference_covers_truth_and_beats_unpaired() {
    // B is A with a slightly higher drift, same seed: path i of both shares Z_i.
    let (sigma, steps, paths) = (1.0, 24, 20_000);
    let (drift_a, drift_b) = (0.08, 0.0805);
    let definition = Definition::FlowCrossover { sustain: 1 };
    let a = run(
        level_model(drift_a, sigma, 0.0),
        paths,
        steps,
        5,
        &[definition],
    );
    let b = run(
        level_model(drift_b, sigma, 0.0),
        paths,
        steps,
        5,
        &[definition],
    );
    let cmp = Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap();
    let p = cmp.probability();
    let truth = level_cdf(drift_b, sigma, steps) - level_cdf(drift_a, sigma, steps);
    assert_within(
        "P_B - P_A",
        p.difference.estimate,
        p.paired_std_error,
        truth,
    );
    // The interval at the confidence of K_SIGMA standard errors covers the truth.
    let k_sigma_confidence = 1.0 - 2.0 * phi(-K_SIGMA);
    let wide = Comparison::from_outcomes(&definition.rule(), &a, &b, k_sigma_confidence).unwrap();
    assert!(wide.probability().difference.contains(truth));
    let z = two_sided_z(0.95).unwrap();
    let half = 0.5 * (p.difference.upper - p.difference.lower);
    assert!((half - z * p.paired_std_error).abs() < 1e-15);
    // The paired error is a small fraction of the unpaired one: the difference is
    // detected with common random numbers and lost in the noise without them.
    assert!(
        p.paired_std_error < 0.25 * p.unpaired_std_error,
        "paired {} vs unpaired {}",
        p.paired_std_error,
        p.unpaired_std_error
    );
    assert!(p.variance_reduction().unwrap() > 16.0);
    assert_rejects(
        "P_B - P_A vs 0, paired",
        p.difference.estimate,
        p.paired_std_error,
        0.0,
    );
    assert!(p.difference.estimate.abs() < K_SIGMA * p.unpaired_std_error);
    // The paired error is the sample standard deviation of d_i = b_i - a_i over sqrt(n).
    let pa = passage_of(&definition.rule(), &a).unwrap();
    let pb = passage_of(&definition.rule(), &b).unwrap();
    let d: Vec<f64> = pa
        .times()
        .zip(pb.times())
        .map(|(x, y)| f64::from(u8::from(y.is_some())) - f64::from(u8::from(x.is_some())))
        .collect();
    let (mean, se) = mean_se(&d);
    assert!((mean - p.difference.estimate).abs() < 1e-12);
    assert!((se - p.paired_std_error).abs() < 1e-12);
}

#[test]
fn bootstrap_median_difference_covers_truth_and_is_reproducible() {
    // Conditional medians by the closed form: 13 for drift 0.08, 9 for 0.12, with
    // P(T <= k | T <= 24) at least 0.05 away from 1/2 on both sides.
    let (sigma, steps, paths) = (0.3, 24, 20_000);
    let (drift_a, drift_b) = (0.08, 0.12);
    let (median_a, median_b) = (
        level_conditional_median(drift_a, sigma, steps),
        level_conditional_median(drift_b, sigma, steps),
    );
    assert_eq!((median_a, median_b), (13, 9));
    let definition = Definition::FlowCrossover { sustain: 1 };
    let a = run(
        level_model(drift_a, sigma, 0.5),
        paths,
        steps,
        6,
        &[definition],
    );
    let b = run(
        level_model(drift_b, sigma, 0.5),
        paths,
        steps,
        6,
        &[definition],
    );
    let cmp = Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap();
    let m = cmp.median().unwrap();
    assert_eq!(m.resamples, 1_000);
    assert_eq!(m.valid_resamples, 1_000);
    assert!(m.difference.lower <= m.difference.estimate);
    assert!(m.difference.estimate <= m.difference.upper);
    // With the random walk the closed form no longer holds: check reproducibility here,
    // coverage without the walk below.
    let again = Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap();
    assert_eq!(again, cmp);
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap());
    assert_eq!(one_thread, cmp);

    let a = run(
        level_model(drift_a, sigma, 0.0),
        paths,
        steps,
        7,
        &[definition],
    );
    let b = run(
        level_model(drift_b, sigma, 0.0),
        paths,
        steps,
        7,
        &[definition],
    );
    let cmp = Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap();
    let m = cmp.median().unwrap();
    let truth = median_b as f64 - median_a as f64;
    assert!(
        m.difference.contains(truth),
        "{:?} should cover {truth}",
        m.difference
    );
    assert_eq!((m.baseline, m.alternative), (median_a, median_b));
}

/// Path `i` breaks even at `1 + floor(20 U_i) + shift`.
fn uniform_model(shift: usize) -> impl Model {
    Synthetic {
        names: FCF_ONLY,
        draw: move |s: &PathStreams| {
            let u: f64 = s.rng(LEVEL).random();
            1.0 + (20.0 * u).floor() + shift as f64
        },
        emit: |t: &mut f64, k: usize, obs: &mut [f64]| obs[0] = k as f64 - *t,
    }
}

#[test]
fn bootstrap_covers_a_deterministic_shift() {
    // Every path of B breaks even exactly three quarters after the same path of A,
    // and all do within the horizon: every resample's difference is exactly 3.
    let definition = Definition::FlowCrossover { sustain: 1 };
    let a = run(uniform_model(0), 5_000, 30, 8, &[definition]);
    let b = run(uniform_model(3), 5_000, 30, 8, &[definition]);
    let cmp = Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap();
    let m = cmp.median().unwrap();
    assert_eq!(m.difference.estimate, 3.0);
    assert_eq!((m.difference.lower, m.difference.upper), (3.0, 3.0));
    let p = cmp.probability();
    assert_eq!((p.baseline, p.alternative), (1.0, 1.0));
    assert_eq!(p.paired_std_error, 0.0);
    assert_eq!(cmp.rule(), "flow_crossover");
    assert_eq!(
        cmp,
        Comparison::from_outcomes(&definition.rule(), &a, &b, 0.95).unwrap()
    );
}

fn assert_names(err: Error, name: &str) {
    let message = err.to_string();
    assert!(message.contains(name), "{message} should name {name}");
}

#[test]
fn mismatched_runs_are_errors() {
    let definition = Definition::FlowCrossover { sustain: 1 };
    let base = run(uniform_model(0), 100, 30, 9, &[definition]);
    let passage =
        |o: &Outcome| -> PassageTimes { passage_of(&definition.rule(), o).unwrap().clone() };
    let fewer_paths = run(uniform_model(0), 99, 30, 9, &[definition]);
    let err = Comparison::new("k", &passage(&base), &passage(&fewer_paths), 0.95).unwrap_err();
    assert_names(err, "`alternative.paths` = 99");
    let longer = run(uniform_model(0), 100, 31, 9, &[definition]);
    let err = Comparison::from_outcomes(&definition.rule(), &base, &longer, 0.95).unwrap_err();
    assert_names(err, "`alternative.steps` = 31");
    let other_seed = run(uniform_model(0), 100, 30, 10, &[definition]);
    let err = Comparison::from_outcomes(&definition.rule(), &base, &other_seed, 0.95).unwrap_err();
    assert_names(err, "`alternative.seed` = 10");
    let monthly = Simulation::new(uniform_model(0))
        .first_passage(definition.key(), definition.rule().passage())
        .paths(100)
        .steps(30)
        .dt(1.0 / 12.0)
        .seed(9)
        .run()
        .unwrap();
    let err = Comparison::from_outcomes(&definition.rule(), &base, &monthly, 0.95).unwrap_err();
    assert_names(err, "`alternative.dt`");
    let sustained = Definition::FlowCrossover { sustain: 4 };
    let err = Comparison::from_outcomes(&sustained.rule(), &base, &base, 0.95).unwrap_err();
    assert_names(err, "`rule` = flow_crossover_4q");
    let err = BreakEven::from_outcome(&sustained.rule(), &base, 0.95).unwrap_err();
    assert_names(err, "the run has [flow_crossover]");
}

// ---------------------------------------------------------------------------------
// Fan charts from a run.

#[test]
fn fan_chart_follows_the_run_summary() {
    let definition = Definition::FlowCrossover { sustain: 1 };
    let outcome = run(level_model(0.08, 1.0, 0.3), 2_000, 12, 12, &[definition]);
    let fan = FanChart::from_outcome(&outcome, FREE_CASH_FLOW).unwrap();
    let summary = outcome.series(FREE_CASH_FLOW).unwrap();
    assert_eq!(fan.median().unwrap(), summary.quantile_band(0.5).unwrap());
    assert_eq!(fan.mean(), summary.means());
    for k in 0..fan.points() {
        let column: Vec<f64> = fan.bands().map(|(_, band)| band[k]).collect();
        assert!(
            column.windows(2).all(|w| w[0] <= w[1]),
            "bands cross at {k}"
        );
    }
    let err = FanChart::from_outcome(&outcome, REVENUE).unwrap_err();
    assert!(matches!(err, Error::UnknownSeries { .. }));
    let no_quantiles = Simulation::new(level_model(0.08, 1.0, 0.0))
        .quantiles(false)
        .paths(10)
        .steps(4)
        .run()
        .unwrap();
    let err = FanChart::from_outcome(&no_quantiles, FREE_CASH_FLOW).unwrap_err();
    assert_names(err, "no quantiles");
}
