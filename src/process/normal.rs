//! The standard normal sampler used by every process.

use super::ziggurat_tables::{F, R, X};
use rand::distr::{Distribution, Open01};
use rand::{Rng, RngExt};

/// Standard normal `N(0, 1)` draws, identical draw for draw to
/// `rand_distr::StandardNormal` (the 256-layer ziggurat of Marsaglia and Tsang with
/// rand_distr 0.6's tables and steps), with the accepted fast path (about 99% of
/// draws) forced inline and the rare rejection steps kept out of line.
///
/// Why it exists: rand_distr's sampler is a single function too large for LLVM to
/// inline inside the engine's per-step loops, and the call costs more than the draw.
/// `benches/sampling.rs` measures the difference; `tests/normal.rs` checks that both
/// produce the same values and that the law is `N(0, 1)`.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::StandardNormal;
/// use rand::RngExt;
/// let mut a = PathStreams::new(1, 0).rng(Component::new(0));
/// let mut b = a.clone();
/// let ours: f64 = a.sample(StandardNormal);
/// let theirs: f64 = b.sample(rand_distr::StandardNormal);
/// assert_eq!(ours, theirs);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StandardNormal;

impl Distribution<f64> for StandardNormal {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        standard_normal(rng)
    }
}

/// One standard normal draw; see [`StandardNormal`].
#[inline(always)]
pub fn standard_normal<Gen: Rng + ?Sized>(rng: &mut Gen) -> f64 {
    let bits = rng.next_u64();
    let (i, u, x) = layer_point(bits);
    if x.abs() < X[i + 1] {
        return x;
    }
    rejection(rng, i, u, x)
}

/// Layer index, uniform `u` in `[-1, 1)` and candidate `x = u x_i` from 64 random
/// bits: the low 8 bits pick the layer, the top 52 bits make `u`.
#[inline(always)]
fn layer_point(bits: u64) -> (usize, f64, f64) {
    let i = (bits & 0xff) as usize;
    // 52 random bits with the exponent of [2, 4), minus 3.
    let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
    (i, u, u * X[i])
}

/// The rest of the ziggurat after the candidate of layer `i` fell outside the
/// layer's inner rectangle: the tail for the base layer, the wedge test otherwise,
/// then fresh candidates until one is accepted.
#[cold]
#[inline(never)]
fn rejection<Gen: Rng + ?Sized>(rng: &mut Gen, mut i: usize, mut u: f64, mut x: f64) -> f64 {
    loop {
        if i == 0 {
            return tail(rng, u);
        }
        if F[i + 1] + (F[i] - F[i + 1]) * rng.random::<f64>() < (-x * x / 2.0).exp() {
            return x;
        }
        (i, u, x) = layer_point(rng.next_u64());
        if x.abs() < X[i + 1] {
            return x;
        }
    }
}

/// A draw from the tail beyond `r` (Marsaglia's method), on the side of `u`.
fn tail<Gen: Rng + ?Sized>(rng: &mut Gen, u: f64) -> f64 {
    let (mut x, mut y) = (1.0f64, 0.0f64);
    while -2.0 * y < x * x {
        let x_: f64 = rng.sample(Open01);
        let y_: f64 = rng.sample(Open01);
        x = x_.ln() / R;
        y = y_.ln();
    }
    if u < 0.0 { x - R } else { R - x }
}
