//! Accumulators: exact sums against an independent correctly rounded summation
//! (the `xsum` crate), order independence of merges, and sketch accuracy on data
//! spanning many magnitudes.

use outpace::engine::{Component, PathStreams};
use outpace::stats::{ExactSum, QuantileSketch, RELATIVE_ACCURACY};
use rand::{Rng, RngExt};
use xsum::{Xsum, XsumLarge};

/// Values of wildly different magnitudes and signs, the hard case for summation.
fn nasty_values(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = PathStreams::new(seed, 0).rng(Component::new(0));
    (0..n)
        .map(|_| {
            let exponent = rng.random_range(-60..60);
            let mantissa: f64 = rng.random_range(-1.0..1.0);
            mantissa * 2f64.powi(exponent)
        })
        .collect()
}

#[test]
fn exact_sum_is_correctly_rounded() {
    for seed in 0..20 {
        let xs = nasty_values(seed, 10_000);
        let mut exact = ExactSum::new();
        xs.iter().for_each(|&x| exact.add(x));
        let mut reference = XsumLarge::new();
        reference.add_list(&xs);
        assert_eq!(
            exact.value().to_bits(),
            reference.sum().to_bits(),
            "seed {seed}"
        );
    }
}

#[test]
fn exact_sum_merges_in_any_grouping_give_the_same_bits() {
    let xs = nasty_values(99, 20_000);
    let mut whole = ExactSum::new();
    xs.iter().for_each(|&x| whole.add(x));
    let mut rng = PathStreams::new(5, 0).rng(Component::new(1));
    for _ in 0..10 {
        // Random partition into pieces, merged in a random order.
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < xs.len() {
            let len = (rng.next_u64() % 3_000 + 1) as usize;
            let mut piece = ExactSum::new();
            xs[start..(start + len).min(xs.len())]
                .iter()
                .for_each(|&x| piece.add(x));
            pieces.push(piece);
            start += len;
        }
        while pieces.len() > 1 {
            let i = (rng.next_u64() % pieces.len() as u64) as usize;
            let piece = pieces.swap_remove(i);
            let j = (rng.next_u64() % pieces.len() as u64) as usize;
            pieces[j].merge(&piece);
        }
        assert_eq!(pieces[0].value().to_bits(), whole.value().to_bits());
    }
}

#[test]
fn sketch_quantiles_hold_the_relative_accuracy_bound() {
    let mut rng = PathStreams::new(3, 0).rng(Component::new(0));
    let mut xs: Vec<f64> = (0..200_000)
        .map(|_| {
            let z: f64 = rng.sample(rand_distr::StandardNormal);
            (3.0 * z).exp() * if rng.random_bool(0.3) { -1.0 } else { 1.0 }
        })
        .collect();
    let mut sketch = QuantileSketch::new();
    xs.iter().for_each(|&x| sketch.add(x));
    xs.sort_by(f64::total_cmp);
    for i in 0..=1000 {
        let q = i as f64 / 1000.0;
        let exact = xs[(q * (xs.len() - 1) as f64).floor() as usize];
        let estimate = sketch.quantile(q).unwrap();
        assert!(
            (estimate - exact).abs() <= RELATIVE_ACCURACY * exact.abs() * (1.0 + 1e-12),
            "q {q}: {estimate} vs {exact}"
        );
    }
}
