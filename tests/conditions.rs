//! Passage rules stated as conditions, against brute force on the recorded paths.
//!
//! A model of two random walks `a` and `b` is run in paths mode with rules stated
//! as [`Condition`]s; every passage time is recomputed from the recorded matrices
//! by a direct transcription of the definitions (`docs/model.md`, part 2) and must
//! agree exactly, path by path. A condition that is a plain comparison must also
//! give the same times as the equivalent barrier rule.

use outpace::engine::{
    Barrier, Component, Condition, FirstPassage, Grid, Model, Names, PathRng, PathStreams,
    Simulation,
};
use outpace::process::standard_normal;

/// Two Gaussian random walks with drift, started at `-1` and `0`.
struct Walks;

impl Model for Walks {
    type Plan = ();
    type State = ([f64; 2], PathRng);

    fn series(&self) -> Names<'_> {
        Names::new(&["a", "b"])
    }

    fn plan(&self, _grid: &Grid) -> outpace::Result<()> {
        Ok(())
    }

    fn init(&self, _plan: &(), streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        let state = [-1.0, 0.0];
        obs.copy_from_slice(&state);
        (state, streams.rng(Component::new(1)))
    }

    fn step(&self, _plan: &(), state: &mut Self::State, _k: usize, obs: &mut [f64]) {
        let (x, rng) = state;
        x[0] += 0.08 + 0.3 * standard_normal(rng);
        x[1] += 0.05 + 0.3 * standard_normal(rng);
        obs.copy_from_slice(x);
    }
}

const STEPS: usize = 24;
const PATHS: usize = 3_000;

/// Runs `rules` in paths mode; returns each rule's times and the recorded paths
/// (`a[path][k]`, `b[path][k]`).
/// Passage times of one rule, path by path.
type Times = Vec<Option<usize>>;
/// One recorded path: `(a_k, b_k)` at every point.
type Path = Vec<[f64; 2]>;

fn run(rules: &[(&str, FirstPassage)]) -> (Vec<Times>, Vec<Path>) {
    let mut simulation = Simulation::new(Walks)
        .paths(PATHS)
        .steps(STEPS)
        .dt(0.25)
        .seed(9)
        .record_paths(true);
    for (name, rule) in rules {
        simulation = simulation.first_passage(*name, rule.clone());
    }
    let outcome = simulation.run().unwrap();
    let times = rules
        .iter()
        .map(|(name, _)| outcome.passage(name).unwrap().times().collect())
        .collect();
    let recorded = outcome.recorded().unwrap();
    let (a, b) = (recorded.get("a").unwrap(), recorded.get("b").unwrap());
    let paths = (0..PATHS)
        .map(|p| (0..=STEPS).map(|k| [a[[p, k]], b[[p, k]]]).collect())
        .collect();
    (times, paths)
}

fn when(text: &str) -> FirstPassage {
    FirstPassage::when(Condition::parse(text).unwrap())
}

/// Trailing sum of `x` over `n` points ending at `k`, within the domain from `s`.
fn trailing(x: &[f64], s: usize, k: usize, n: usize) -> Option<f64> {
    (k + 1 >= s + n).then(|| x[k + 1 - n..=k].iter().sum())
}

/// `growth(x, n)` at `k` by its definition.
fn growth(x: &[f64], s: usize, k: usize, n: usize) -> Option<f64> {
    let earlier = trailing(x, s, k.checked_sub(n)?, n)?;
    let later = trailing(x, s, k, n)?;
    (earlier > 0.0).then(|| later / earlier - 1.0)
}

/// The passage time of a sequence of defined-or-not conditions over the domain
/// `s..=STEPS`, by the definition: the smallest `k` with the condition true at
/// `k..k+h-1`, and for a crossing, defined and false at `k - 1 >= s`.
fn brute(
    condition: impl Fn(usize) -> Option<bool>,
    s: usize,
    hold: usize,
    crossing: bool,
) -> Option<usize> {
    (s..=STEPS).find(|&k| {
        let run = k + hold - 1 <= STEPS && (k..k + hold).all(|j| condition(j) == Some(true));
        let crossed = !crossing || (k > s && condition(k - 1) == Some(false));
        run && crossed
    })
}

#[test]
fn plain_comparisons_agree_with_barrier_rules() {
    let rules = [
        (
            "barrier_level",
            FirstPassage::above("a", Barrier::Level(0.5)).hold(3),
        ),
        ("when_level", when("a >= 0.5").hold(3)),
        (
            "barrier_series",
            FirstPassage::below("b", Barrier::Series("a".into())).starting_at(2),
        ),
        ("when_series", when("b <= a").starting_at(2)),
    ];
    let (times, _) = run(&rules);
    assert_eq!(times[0], times[1]);
    assert_eq!(times[2], times[3]);
    // The rules are not trivial: many paths pass, many do not.
    for t in &times {
        let passed = t.iter().flatten().count();
        assert!(passed > PATHS / 10 && passed < PATHS * 9 / 10, "{passed}");
    }
}

#[test]
fn general_conditions_agree_with_brute_force() {
    let rules = [
        ("strict", when("a > b").starting_at(1)),
        (
            "sum",
            when("sum(a, 3) >= 0.5 and b < 1").starting_at(1).hold(2),
        ),
        (
            "growth",
            when("growth(a + 2, 2) >= growth(b + 2, 2) + 0.4").starting_at(1),
        ),
        ("cumsum", when("cumsum(a - b) >= 1").starting_at(1)),
        (
            "lag",
            when("change(a, 4) > 0.8 or lag(b, 1) < -0.5").starting_at(3),
        ),
        ("crossing", when("a >= b").starting_at(1).crossing()),
        (
            "crossing_held",
            when("growth(a + 2, 2) >= growth(b + 2, 2)")
                .starting_at(1)
                .crossing()
                .hold(2),
        ),
        (
            "to_horizon",
            when("a - b >= -0.2").starting_at(1).held_to_horizon(),
        ),
    ];
    let (times, paths) = run(&rules);
    for (p, path) in paths.iter().enumerate() {
        let a: Vec<f64> = path.iter().map(|x| x[0]).collect();
        let b: Vec<f64> = path.iter().map(|x| x[1]).collect();
        let shifted = |x: &[f64]| x.iter().map(|v| v + 2.0).collect::<Vec<_>>();
        let (a2, b2) = (shifted(&a), shifted(&b));
        let cmp_growth = |s: usize| {
            let (a2, b2) = (a2.clone(), b2.clone());
            move |k: usize, margin: f64| {
                Some(growth(&a2, s, k, 2)? >= growth(&b2, s, k, 2)? + margin)
            }
        };
        let diff: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        let expected = [
            brute(|k| Some(a[k] > b[k]), 1, 1, false),
            brute(
                |k| Some(trailing(&a, 1, k, 3)? >= 0.5 && b[k] < 1.0),
                1,
                2,
                false,
            ),
            brute(|k| cmp_growth(1)(k, 0.4), 1, 1, false),
            brute(
                |k| Some(diff[1..=k].iter().sum::<f64>() >= 1.0),
                1,
                1,
                false,
            ),
            brute(
                |k| {
                    let change = (k >= 3 + 4).then(|| a[k] - a[k - 4]);
                    let lag = (k > 3).then(|| b[k - 1]);
                    Some(change? > 0.8 || lag? < -0.5)
                },
                3,
                1,
                false,
            ),
            brute(|k| Some(a[k] >= b[k]), 1, 1, true),
            brute(|k| cmp_growth(1)(k, 0.0), 1, 2, true),
            (1..=STEPS).find(|&k| (k..=STEPS).all(|j| a[j] - b[j] >= -0.2)),
        ];
        for (i, (rule, _)) in rules.iter().enumerate() {
            assert_eq!(times[i][p], expected[i], "rule {rule}, path {p}");
        }
    }
    // Power: each rule passes on some paths and not on others, and a crossing
    // comes no earlier than the plain passage of the same condition.
    for (t, (rule, _)) in times.iter().zip(&rules) {
        let passed = t.iter().flatten().count();
        assert!(passed > 30 && passed < PATHS - 30, "{rule}: {passed}");
    }
    let plain = run(&[("plain", when("a >= b").starting_at(1))]).0.remove(0);
    assert!(
        plain
            .iter()
            .zip(&times[5])
            .all(|(p, c)| c.is_none() || p.is_some_and(|p| p <= c.unwrap()))
    );
    assert_ne!(plain, times[5]);
}
