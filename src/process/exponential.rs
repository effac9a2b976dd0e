//! The standard exponential sampler, with the same bits on every platform.

use super::exp_ziggurat_tables::{F, R, X};
use super::normal::{open01, uniform01};
use crate::math;
use rand::Rng;
use rand::distr::Distribution;

/// Standard exponential `Exp(1)` draws (density `e^{-x}` on `x >= 0`), with the
/// same bits on every platform.
///
/// The 256-layer ziggurat of Marsaglia and Tsang with `rand_distr` 0.6's tables,
/// taking exactly the steps of `rand_distr::Exp1` and the same random words: a
/// candidate `x = u x_i` from one 64-bit word (`i` its low 8 bits, `u` in `(0, 1)`
/// from its top 52 bits) is accepted if `x < x_{i+1}`; otherwise the base layer
/// returns `r - ln U` (tail) and the other layers accept if
/// `f_{i+1} + (f_i - f_{i+1}) U < e^{-x}` (wedge), with `U ~ U[0, 1)` from the next
/// word; a rejected candidate starts over. Where `rand_distr` calls the platform's
/// `exp` and `ln`, this sampler calls [`math::exp`] and `libm::log`, so its draws
/// do not depend on the platform: they equal `rand_distr`'s except after a tail or
/// wedge step whose logarithm or exponential the platform rounds differently.
/// `tests/value_stability.rs` pins its first draws; `tests/process_jumps.rs`
/// checks the law.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::StandardExponential;
/// use rand::RngExt;
/// let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
/// let x: f64 = rng.sample(StandardExponential);
/// assert!(x >= 0.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StandardExponential;

impl Distribution<f64> for StandardExponential {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        standard_exponential(rng)
    }
}

/// One standard exponential draw; see [`StandardExponential`].
#[inline]
pub fn standard_exponential<Gen: Rng + ?Sized>(rng: &mut Gen) -> f64 {
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        let x = open01(bits) * X[i];
        if x < X[i + 1] {
            return x;
        }
        if i == 0 {
            return R - libm::log(uniform01(rng.next_u64()));
        }
        if F[i + 1] + (F[i] - F[i + 1]) * uniform01(rng.next_u64()) < math::exp(-x) {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};
    use rand::RngExt;

    #[test]
    fn takes_rand_distrs_steps() {
        // Draw for draw equal to rand_distr's Exp1 except where the platform's
        // exp or ln rounds differently from ours, which only a tail or wedge step
        // can meet (a few percent of draws at most).
        let mut ours = PathStreams::new(5, 0).rng(Component::new(0));
        let mut theirs = ours.clone();
        let n = 100_000;
        let mut differ = 0;
        for _ in 0..n {
            let a = standard_exponential(&mut ours);
            let b: f64 = theirs.sample(rand_distr::Exp1);
            if a != b {
                differ += 1;
                assert!((a - b).abs() <= 4.0 * f64::EPSILON * b, "{a} vs {b}");
            }
        }
        assert!(differ < n / 100, "{differ}");
        // Both generators consumed the same words.
        assert_eq!(ours, theirs);
    }
}
