//! The standard normal sampler: draw for draw equal to rand_distr's off the tail, and N(0, 1).

mod common;

use common::*;
use outpace::engine::{Component, PathStreams};
use outpace::process::StandardNormal;
use rand::RngExt;
use statrs::distribution::{ContinuousCDF, Normal};

/// `r`, the right edge of the ziggurat's base layer.
const BASE_LAYER_EDGE: f64 = 3.654_152_885_361_009;

#[test]
fn draws_equal_rand_distr_draw_for_draw_off_the_tail() {
    // Ten million draws exercise the wedge and tail branches tens of thousands of
    // times. rand_distr's tail calls the platform's `ln`, ours `libm::log`: they
    // round differently for a few percent of arguments, so a tail draw may differ in
    // its last bits. Every other draw (the fast path and the wedge, whose values
    // involve no logarithm) is bit for bit rand_distr's, and both samplers consume
    // the same words.
    let mut ours = PathStreams::new(5, 0).rng(Component::new(0));
    let mut theirs = ours.clone();
    let (mut tails, mut differ) = (0, 0);
    for n in 0..10_000_000u64 {
        let a: f64 = ours.sample(StandardNormal);
        let b: f64 = theirs.sample(rand_distr::StandardNormal);
        let tail = a.abs() > BASE_LAYER_EDGE;
        if a.to_bits() != b.to_bits() {
            assert!(tail, "draw {n}: {a} vs {b} off the tail");
            assert!(
                (a - b).abs() <= 8.0 * f64::EPSILON * b.abs(),
                "draw {n}: {a} vs {b}"
            );
            differ += 1;
        }
        tails += u32::from(tail);
    }
    assert!(
        tails > 1_000,
        "the tail branch was hardly exercised ({tails})"
    );
    assert!(differ < tails, "{differ} of {tails} tail draws differ");
    assert_eq!(ours, theirs, "the two samplers consumed different words");
}

#[test]
fn law_is_standard_normal() {
    let mut rng = PathStreams::new(6, 0).rng(Component::new(0));
    let n = 1_000_000;
    let xs: Vec<f64> = (0..n).map(|_| rng.sample(StandardNormal)).collect();
    let (mean, se) = mean_se(&xs);
    assert_within("mean", mean, se, 0.0);
    let (var, var_se) = variance_se(&xs);
    assert_within("variance", var, var_se, 1.0);
    // Kolmogorov-Smirnov: sqrt(n) D_n exceeds 1.95 with probability 0.1%.
    let mut sorted = xs;
    sorted.sort_by(f64::total_cmp);
    let phi = Normal::standard();
    let d = sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = phi.cdf(x);
            (f - i as f64 / n as f64)
                .abs()
                .max(((i + 1) as f64 / n as f64 - f).abs())
        })
        .fold(0.0, f64::max);
    assert!(
        (n as f64).sqrt() * d < 1.95,
        "KS statistic {}",
        (n as f64).sqrt() * d
    );
    // Tail probability beyond the base layer, 2 * (1 - Phi(3.654)) = 2.58e-4.
    let beyond = sorted.iter().filter(|x| x.abs() > BASE_LAYER_EDGE).count() as u64;
    assert_proportion(
        "P(|Z| > r)",
        beyond,
        n as u64,
        2.0 * phi.cdf(-BASE_LAYER_EDGE),
    );
}
