//! Backtest metrics (PIT, central intervals, CRPS, the GBM forecast that carries
//! its estimation uncertainty) on synthetic cases where the truth is known, and
//! the match rate of the shipped price moves.

mod common;

use common::K_SIGMA;
use outpace::calibrate::{
    Backtest, EventLog, Observations, Quarter, QuarterlySeries, central_interval, crps, fit_gbm,
    forecast_gbm, ks_p_value, ks_statistic, match_rate, pit,
};
use outpace::engine::{Component, PathStreams};
use outpace::process::{Gbm, Process, Transition};

/// A stratified sample of U(0, 1): `CRPS(U(0,1), y) = y^2 - y + 1/3` inside
/// `[0, 1]` and `|y - 1/2| - 1/6` outside (`E|X - y| = |y - 1/2|` there and
/// `E|X - X'| / 2 = 1/6`), to the O(1/n^2) error of the sample. A CRPS that forgot the
/// spread term (E|X - y| alone) would be off by 1/6.
#[test]
fn crps_and_pit_of_a_uniform_sample_match_the_closed_forms() {
    let n = 4_000;
    let sample: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    for y in [0.0, 0.1, 0.5, 0.77, 1.0] {
        let exact = y * y - y + 1.0 / 3.0;
        assert!((crps(&sample, y) - exact).abs() < 1e-6, "{y}");
        assert!((pit(&sample, y) - y).abs() <= 0.5 / n as f64, "{y}");
    }
    for y in [-0.5, 2.0] {
        let exact = (y - 0.5f64).abs() - 1.0 / 6.0;
        assert!((crps(&sample, y) - exact).abs() < 1e-6, "{y}");
    }
    let (lo, hi) = central_interval(&sample, 0.8);
    assert!((lo - 0.1).abs() < 1e-3 && (hi - 0.9).abs() < 1e-3);
    // Ties count half.
    assert_eq!(pit(&[1.0, 2.0, 2.0, 3.0], 2.0), 0.5);
}

const DATA_SETS: usize = 300;
const HISTORY: usize = 12;
const AHEAD: usize = 4;

/// Quarterly levels simulated with drift `mu_past` for `HISTORY` quarters after
/// the first and `mu_future` for `AHEAD` quarters after those, from 2000Q1, as
/// the text of a quarterly file (the data set `d`).
fn simulated_file(d: usize, mu_past: f64, mu_future: f64) -> String {
    let sigma = 0.2;
    let mut rng = PathStreams::new(41, d as u64).rng(Component::new(0));
    let past = Gbm::new(mu_past, sigma, 30.0).unwrap();
    let step = past.transition(0.25).unwrap();
    let mut state = past.initial_state();
    let mut levels = vec![past.value(&state)];
    for _ in 0..HISTORY {
        step.step(&mut state, &mut rng);
        levels.push(past.value(&state));
    }
    let future = Gbm::new(mu_future, sigma, *levels.last().unwrap()).unwrap();
    let step = future.transition(0.25).unwrap();
    let mut state = future.initial_state();
    for _ in 0..AHEAD {
        step.step(&mut state, &mut rng);
        levels.push(future.value(&state));
    }
    let mut quarter = Quarter::new(2000, 1).unwrap();
    let mut text = "quarter,revenue\n".to_owned();
    for level in levels {
        text.push_str(&format!("{quarter},{level}\n"));
        quarter = quarter.next();
    }
    text
}

/// The backtest of data set `d` (see [`simulated_file`]), cut off after the
/// history and forecast with 2,000 paths.
fn backtest(d: usize, mu_past: f64, mu_future: f64) -> Backtest {
    let text = simulated_file(d, mu_past, mu_future);
    let series = QuarterlySeries::parse("simulated.csv", &text, &["revenue"]).unwrap();
    let first = Quarter::new(2000, 1).unwrap();
    let cutoff = Quarter::new(2003, 1).unwrap(); // HISTORY quarters after the first
    Backtest::gbm(&series, "revenue", first, cutoff, &LEVELS, 2_000, d as u64).unwrap()
}

/// The central interval levels checked.
const LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// PIT values of the realised level `AHEAD` quarters after the fitting window
/// over `DATA_SETS` data sets, and how many of those levels each interval of
/// `LEVELS` held.
fn pits(mu_past: f64, mu_future: f64) -> (Vec<f64>, [usize; 3]) {
    let mut covered = [0; 3];
    let pits = (0..DATA_SETS)
        .map(|d| {
            let run = backtest(d, mu_past, mu_future);
            assert_eq!(run.scored.len(), AHEAD);
            let last = &run.scored[AHEAD - 1];
            assert_eq!(last.horizon, 0.25 * AHEAD as f64);
            for (i, c) in covered.iter_mut().enumerate() {
                let (lo, hi) = last.bands[i];
                *c += usize::from((lo..=hi).contains(&last.realised));
            }
            last.pit
        })
        .collect();
    (pits, covered)
}

/// `Backtest::gbm` scores exactly what `forecast_gbm` draws from the fit of the
/// window: the same PIT, CRPS, median and bands at every horizon.
#[test]
fn a_backtest_scores_the_forecast_of_its_fit() {
    let run = backtest(3, 0.2, 0.2);
    let horizons: Vec<f64> = (1..=AHEAD).map(|h| 0.25 * h as f64).collect();
    let samples = forecast_gbm(&run.fit, run.fit.last_level(), &horizons, 2_000, 3).unwrap();
    assert_eq!(run.history.len(), HISTORY + 1);
    for (s, sample) in run.scored.iter().zip(&samples) {
        assert_eq!(s.pit, pit(sample, s.realised));
        assert_eq!(s.crps, crps(sample, s.realised));
        assert_eq!(s.median, central_interval(sample, 0.0).0);
        assert_eq!(s.bands[1], central_interval(sample, 0.8));
    }
    let inside = run
        .scored
        .iter()
        .filter(|s| (s.bands[1].0..=s.bands[1].1).contains(&s.realised));
    assert_eq!(run.covered(1), inside.count());
    let mean = run.scored.iter().map(|s| s.pit).sum::<f64>() / AHEAD as f64;
    assert_eq!(run.mean_pit(), mean);
}

/// Under the right model the PIT values are uniform (KS p-value not small) and
/// the 50/80/90% intervals cover at their rates within 4 binomial standard
/// errors. With the growth after the cut-off far above the growth before (the
/// model is wrong), PIT values pile up near 1 and the KS test rejects.
/// A plug-in forecast without the estimation uncertainty (se set to 0) is too
/// narrow with 12 quarters of history: checked by temporarily zeroing both
/// standard errors in `forecast_gbm`, which dropped the 80% coverage to 0.66
/// and failed this test.
#[test]
fn pit_values_are_uniform_when_the_model_is_right_and_not_when_wrong() {
    let (right, covered) = pits(0.2, 0.2);
    let mut sorted = right.clone();
    let d = ks_statistic(&mut sorted);
    assert!(ks_p_value(right.len(), d) > 1e-3, "KS D = {d}");
    for (level, inside) in LEVELS.into_iter().zip(covered) {
        let c = inside as f64 / DATA_SETS as f64;
        let se = (level * (1.0 - level) / DATA_SETS as f64).sqrt();
        assert!((c - level).abs() <= K_SIGMA * se, "{level}: {c}");
    }
    let (wrong, covered) = pits(0.0, 1.5);
    let mut sorted = wrong.clone();
    let d = ks_statistic(&mut sorted);
    assert!(ks_p_value(wrong.len(), d) < 1e-6, "KS D = {d}");
    assert!((covered[1] as f64) < 0.6 * DATA_SETS as f64);
}

#[test]
fn forecast_rejects_bad_arguments() {
    let fit = fit_gbm(&Observations::regular("r", 0.25, &[1.0, 1.1, 1.05, 1.2]).unwrap()).unwrap();
    let err = |h: &[f64], paths: usize, start: f64| {
        forecast_gbm(&fit, start, h, paths, 1)
            .unwrap_err()
            .to_string()
    };
    assert!(err(&[0.25], 0, 1.0).contains("`paths`"));
    assert!(err(&[0.5, 0.25], 10, 1.0).contains("`horizons[1]`"));
    assert!(err(&[0.0], 10, 1.0).contains("`horizons[0]`"));
    assert!(err(&[0.25], 10, -1.0).contains("`start`"));
    // Same seed, same forecast.
    let a = forecast_gbm(&fit, 1.0, &[0.25, 1.0], 100, 9).unwrap();
    assert_eq!(a, forecast_gbm(&fit, 1.0, &[0.25, 1.0], 100, 9).unwrap());
}

/// The shipped cuts, by hand: rival cuts on days Alibaba did not cut are
/// Tencent and China Mobile 2023-05-16, Tencent 2024-03-04 (Alibaba next on
/// 04-08, 35 days later), ByteDance 2024-05-15 (Alibaba 6 days later), Tencent
/// 2024-05-22, DeepSeek 2025-02-26 and 2025-09-29: 7, one matched within 30
/// days; JD Cloud 2024-02-29 and Baidu 2024-05-21 share Alibaba's day.
#[test]
fn match_rate_of_the_shipped_price_moves() {
    let log = EventLog::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/price_moves.csv")).unwrap();
    let (start, end) = ("2023-01-01".parse().unwrap(), "2026-05-01".parse().unwrap());
    let r = match_rate(&log, "Alibaba", 30.0, start, end).unwrap();
    assert_eq!((r.rival_cuts, r.matched, r.same_day), (7, 1, 2));
    assert!((r.estimate() - 1.0 / 7.0).abs() < 1e-15);
    assert_eq!(r.beta_law(), (2.0, 7.0));
    // A 40-day window also catches Tencent's 2024-03-04 discounts.
    let r = match_rate(&log, "Alibaba", 40.0, start, end).unwrap();
    assert_eq!(r.matched, 2);
    assert!(
        match_rate(&log, "Nobody", 30.0, start, end)
            .unwrap_err()
            .to_string()
            .contains("no cut")
    );
    assert!(match_rate(&log, "Alibaba", 0.0, start, end).is_err());
}
