//! The Kolmogorov-Smirnov p-value against known values and by Monte Carlo, and
//! the time-rescaling transform against direct compensators.

mod common;

use common::*;
use outpace::calibrate::{RivalEvents, TimeRescaling, ks_p_value, ks_statistic};
use outpace::engine::{Component, PathStreams};
use outpace::process::{Hawkes, RivalEvent, RivalHawkes};
use rand::RngExt;

#[test]
fn p_values_match_known_values() {
    // n = 1: P(D_1 >= d) = 2 (1 - d) for d >= 1/2, and 1 below.
    for d in [0.5, 0.6, 0.75, 0.99] {
        assert!((ks_p_value(1, d) - 2.0 * (1.0 - d)).abs() < 1e-12, "{d}");
    }
    assert_eq!(ks_p_value(1, 0.3), 1.0);
    assert_eq!(ks_p_value(7, 1.0), 0.0);
    assert_eq!(ks_p_value(7, 0.01), 1.0); // below 1 / (2n): certain
    // Critical values of Miller's (1956) table, to its five digits.
    for (n, d, alpha) in [
        (5, 0.56328, 0.05),
        (10, 0.36866, 0.10),
        (10, 0.40925, 0.05),
        (10, 0.48893, 0.01),
        (20, 0.29408, 0.05),
        (20, 0.35241, 0.01),
    ] {
        let p = ks_p_value(n, d);
        assert!(
            (p - alpha).abs() < 2e-4 * (1.0 + alpha / 0.01),
            "n {n}, d {d}: {p}"
        );
    }
    // scipy.stats.kstwo.sf (an independent implementation of the same law).
    for (n, d, p) in REFERENCE {
        let got = ks_p_value(n, d);
        assert!(
            (got - p).abs() < 1e-9 + 1e-8 * p,
            "n {n}, d {d}: {got} vs {p}"
        );
    }
}

/// `(n, d, P(D_n >= d))` from scipy 1.17 `kstwo.sf(d, n)`.
const REFERENCE: [(usize, f64, f64); 7] = [
    (3, 0.2, 0.998_222_222_222_222_2),
    (3, 0.9, 0.002),
    (8, 0.3, 0.390_114_340_209_961_05),
    (8, 0.5, 0.022_590_637_207_031_25),
    (50, 0.1, 0.662_311_270_465_818_6),
    (50, 0.2, 0.031_438_777_769_532_41),
    (100, 0.05, 0.953_215_971_063_572_5),
];

#[test]
fn p_values_are_uniform_under_the_null() {
    // 40,000 samples of 8 uniforms: P(p <= alpha) = alpha (the statistic is
    // continuous). The uncorrected asymptotic law 2 sum (-1)^{j-1} e^{-2 j^2 n d^2}
    // would reject too rarely at n = 8; the check tells it apart.
    let (runs, n) = (40_000u64, 8usize);
    let mut rng = PathStreams::new(91, 0).rng(Component::new(0));
    let mut hits = [0u64; 3];
    let mut asymptotic_hits = 0u64;
    let levels = [0.05, 0.25, 0.5];
    for _ in 0..runs {
        let mut u: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let d = ks_statistic(&mut u);
        let p = ks_p_value(n, d);
        for (h, &a) in hits.iter_mut().zip(&levels) {
            *h += u64::from(p <= a);
        }
        let x = (n as f64).sqrt() * d;
        let asymptotic: f64 = (1..50)
            .map(|j| {
                let j = j as f64;
                2.0 * (-1f64).powf(j - 1.0) * (-2.0 * j * j * x * x).exp()
            })
            .sum();
        asymptotic_hits += u64::from(asymptotic <= 0.05);
    }
    for (h, a) in hits.iter().zip(levels) {
        assert_proportion(&format!("P(p <= {a})"), *h, runs, a);
    }
    let se = (0.05f64 * 0.95 / runs as f64).sqrt();
    assert_rejects(
        "uncorrected asymptotic p <= 0.05",
        asymptotic_hits as f64 / runs as f64,
        se,
        0.05,
    );
}

#[test]
fn exact_and_asymptotic_p_values_meet_at_the_switch() {
    // Beyond m = 2 floor(n d) + 1 = 301 the p-value is asymptotic (with Stephens'
    // correction): on both sides of the switch they agree within 1e-3.
    let n = 20_000usize;
    let d = 150.0 / n as f64;
    let below = ks_p_value(n, d - 1e-9);
    let above = ks_p_value(n, d + 1e-9);
    assert!((below - above).abs() < 1e-3, "{below} vs {above}");
    assert!(below > 0.1 && below < 0.4, "{below}");
}

#[test]
fn statistic_is_the_largest_gap() {
    let mut u = vec![0.9, 0.1, 0.5];
    // F_n jumps to 1/3, 2/3, 1 at 0.1, 0.5, 0.9: the largest gap is 1/3 - 0.1,
    // just after 0.1 (and 0.9 - 2/3 just before 0.9).
    let d = ks_statistic(&mut u);
    assert!((d - (1.0 / 3.0 - 0.1)).abs() < 1e-12, "{d}");
    assert_eq!(u, vec![0.1, 0.5, 0.9]);
}

#[test]
fn rescaled_increments_are_compensator_differences() {
    // Poisson: the increments are rate times the gaps, firm by firm.
    let law = RivalHawkes::new(&[2.0, 0.5], 0.0, 0.0, 1.0).unwrap();
    let e = |time, firm| RivalEvent { time, firm };
    let events = RivalEvents::new(
        vec!["a".into(), "b".into()],
        vec![e(0.1, 0), e(0.3, 1), e(0.4, 0), e(1.0, 1)],
        2.0,
    )
    .unwrap();
    let test = TimeRescaling::rival(&law, &events).unwrap();
    let expected = [0.2, 0.15, 0.6, 0.35];
    for (got, want) in test.increments().iter().zip(expected) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    // Univariate Hawkes: Lambda(t) = lambda0 t + (alpha / beta) sum_{t_j < t} (1 - e^{-beta (t - t_j)}).
    let h = Hawkes::new(1.0, 2.0, 4.0).unwrap();
    let times = [0.2, 0.5, 0.55, 1.5];
    let test = TimeRescaling::hawkes(&h, &times).unwrap();
    let compensator = |t: f64| {
        t + times
            .iter()
            .filter(|&&s| s < t)
            .map(|&s| 0.5 * (1.0 - (-4.0 * (t - s)).exp()))
            .sum::<f64>()
    };
    let mut previous = 0.0;
    for (got, &t) in test.increments().iter().zip(&times) {
        let want = compensator(t) - previous;
        previous = compensator(t);
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    assert!(TimeRescaling::from_increments(vec![]).is_err());
    assert!(TimeRescaling::from_increments(vec![1.0, -0.1]).is_err());
}
