//! The standard normal sampler used by every process.

use super::ziggurat_tables::{F, R, X};
use crate::math;
use rand::Rng;
use rand::distr::Distribution;

/// Standard normal `N(0, 1)` draws with the same bits on every platform: the steps
/// of `rand_distr::StandardNormal` (the 256-layer ziggurat of Marsaglia and Tsang
/// with rand_distr 0.6's tables), with the accepted fast path (about 99% of draws)
/// forced inline and the rare rejection steps kept out of line. Where rand_distr
/// calls the platform's `exp` and `ln` (the wedge and tail steps), this sampler
/// calls [`math::exp`](crate::math::exp) and `libm::log`, so its draws equal
/// rand_distr's except after such a step that the platform rounds differently.
///
/// Why it exists: rand_distr's sampler is a single function too large for LLVM to
/// inline inside the engine's per-step loops, and the call costs more than the draw.
/// `benches/processes.rs` measures the difference; `tests/normal.rs` checks that both
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
/// assert_eq!(ours, theirs); // a draw of the fast path: no exp or ln
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
    let (i, u, x) = layer_point(rng.next_u64());
    if x.abs() < X[i + 1] {
        return x;
    }
    let mut rejection = Rejection::after(i, u, x);
    loop {
        if let Some(x) = rejection.step(rng.next_u64()) {
            return x;
        }
    }
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

/// The rest of the ziggurat after a candidate fell outside its layer's inner
/// rectangle, as a machine fed one 64-bit word at a time.
///
/// Why a machine: the rejection steps are rare and kept out of line, and a function
/// out of line that took the generator would take its address, which forces the
/// generator's state into memory in every loop that draws normals (a load and a
/// store of each of its four words per draw, on the critical path of the next
/// draw). Fed words by the inlined caller, the generator stays in registers.
///
/// The words are used exactly as rand_distr 0.6 uses its draws: the wedge test
/// takes one as `rand`'s `StandardUniform` `f64`, each new candidate one, and each
/// round of the tail two as `rand`'s `Open01` `f64`s.
#[derive(Debug, Clone, Copy)]
enum Rejection {
    /// Test candidate `x` of layer `i` against the density in the layer's wedge.
    Wedge { i: usize, x: f64 },
    /// Make a new candidate.
    Candidate,
    /// Sample the tail beyond `r`, on the side of `u`; `first` is the first word of
    /// a round once it has been fed.
    Tail { u: f64, first: Option<u64> },
}

impl Rejection {
    /// The step after candidate `x` of layer `i` (from uniform `u`) was rejected by
    /// the inner rectangle: the tail for the base layer, the wedge otherwise.
    #[inline(always)]
    fn after(i: usize, u: f64, x: f64) -> Rejection {
        if i == 0 {
            Rejection::Tail { u, first: None }
        } else {
            Rejection::Wedge { i, x }
        }
    }

    /// Feeds one word; returns the draw once one is accepted.
    #[cold]
    #[inline(never)]
    fn step(&mut self, word: u64) -> Option<f64> {
        match *self {
            Rejection::Wedge { i, x } => {
                if F[i + 1] + (F[i] - F[i + 1]) * uniform01(word) < math::exp(-x * x / 2.0) {
                    return Some(x);
                }
                *self = Rejection::Candidate;
            }
            Rejection::Candidate => {
                let (i, u, x) = layer_point(word);
                if x.abs() < X[i + 1] {
                    return Some(x);
                }
                *self = Rejection::after(i, u, x);
            }
            Rejection::Tail { u, first: None } => {
                *self = Rejection::Tail {
                    u,
                    first: Some(word),
                };
            }
            Rejection::Tail {
                u,
                first: Some(first),
            } => {
                // Marsaglia's method: accept when -2 ln(y) >= x^2.
                let x = libm::log(open01(first)) / R;
                let y = libm::log(open01(word));
                if -2.0 * y >= x * x {
                    return Some(if u < 0.0 { x - R } else { R - x });
                }
                *self = Rejection::Tail { u, first: None };
            }
        }
        None
    }
}

/// `rand`'s `StandardUniform` `f64` from one word: its top 53 bits over `2^53`.
pub(super) fn uniform01(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `rand`'s `Open01` `f64` from one word: its top 52 bits as the fraction of a
/// number in `[1, 2)`, minus `1 - eps / 2`.
pub(super) fn open01(word: u64) -> f64 {
    f64::from_bits((word >> 12) | (1023 << 52)) - (1.0 - f64::EPSILON / 2.0)
}
