//! Inverse cumulative distribution functions (quantiles) and distribution functions
//! of the laws of [`Param`](super::Param): closed forms where they exist, and a
//! safeguarded Halley iteration on the regularized incomplete beta function for the
//! beta and PERT laws.
//!
//! Every quantile here takes `u` in the open interval `(0, 1)` and never returns NaN
//! there; the callers clamp the result into the law's support.

use statrs::function::beta::{checked_beta_reg, ln_beta};
use statrs::function::erf::erfc_inv;
use std::f64::consts::SQRT_2;

/// The standard normal quantile `Phi^-1(u)`, computed from whichever tail `u` lies
/// in so that both tails keep their relative accuracy: `-sqrt(2) erfc^-1(2u)` for
/// `u <= 1/2` and `sqrt(2) erfc^-1(2(1 - u))` above (`1 - u` is exact there).
pub(crate) fn standard_normal_quantile(u: f64) -> f64 {
    if u <= 0.5 {
        -SQRT_2 * erfc_inv(2.0 * u)
    } else {
        SQRT_2 * erfc_inv(2.0 * (1.0 - u))
    }
}

/// The standard normal distribution function `Phi(z) = erfc(-z / sqrt(2)) / 2`, with
/// libm's `erfc` (a port of FreeBSD's, accurate to about an ulp and the same on every
/// platform): statrs 0.19's `erfc` is off by up to about `1e-10` relative.
pub(crate) fn standard_normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / SQRT_2)
}

/// Quantile of the triangular law on `[min, max]` with mode `mode`:
/// `min + sqrt(u (max - min)(mode - min))` for `u <= F(mode) = (mode - min) / (max - min)`,
/// `max - sqrt((1 - u)(max - min)(max - mode))` above.
pub(crate) fn triangular_quantile(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let range = max - min;
    if u * range <= mode - min {
        min + (u * range * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * range * (max - mode)).sqrt()
    }
}

/// Distribution function of the triangular law: `(x - min)^2 / ((max - min)(mode - min))`
/// up to the mode, `1 - (max - x)^2 / ((max - min)(max - mode))` above it.
pub(crate) fn triangular_cdf(min: f64, mode: f64, max: f64, x: f64) -> f64 {
    let range = max - min;
    if x <= min {
        0.0
    } else if x >= max {
        1.0
    } else if x <= mode {
        (x - min) * (x - min) / (range * (mode - min))
    } else {
        1.0 - (max - x) * (max - x) / (range * (max - mode))
    }
}

/// Most iterations of the beta quantile's root finder. Halley's steps converge in a
/// handful; bisection on the bit patterns, the fallback, needs at most 64 to pin a
/// value in `[0, 1]` to one unit in the last place.
const MAX_ITERATIONS: usize = 200;

/// The beta law `Beta(a, b)` on `[0, 1]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnitBeta {
    a: f64,
    b: f64,
}

impl UnitBeta {
    /// The law with shapes `a, b > 0` (not checked: [`Param::validate`](super::Param::validate) does).
    pub(crate) fn new(a: f64, b: f64) -> Self {
        UnitBeta { a, b }
    }

    /// `P(B <= x)`, the regularized incomplete beta function `I_x(a, b)`; see
    /// [`regularized_beta`].
    pub(crate) fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else if x >= 1.0 {
            1.0
        } else {
            regularized_beta(self.a, self.b, x)
        }
    }

    /// The `u`-quantile: the root of `I_x(a, b) = u`.
    ///
    /// For `u <= 1/2` it solves `I_x(a, b) = u`; above, it solves the mirrored
    /// `I_w(b, a) = 1 - u` and returns `1 - w`, so that each tail is found where its
    /// probabilities keep their relative accuracy.
    pub(crate) fn quantile(&self, u: f64) -> f64 {
        if u.is_nan() {
            return f64::NAN;
        }
        if u <= 0.0 {
            return 0.0;
        }
        if u >= 1.0 {
            return 1.0;
        }
        if u <= 0.5 {
            lower_root(self.a, self.b, u)
        } else {
            1.0 - lower_root(self.b, self.a, 1.0 - u)
        }
    }
}

/// `I_x(a, b)` for `x` in `(0, 1)` by statrs' continued fraction.
///
/// Above the point `(a + 1) / (a + b + 2)` the continued fraction is evaluated for
/// the mirrored law and the result is `1 - I_{1-x}(b, a)`, as statrs does itself;
/// doing it here, with `1 - x` exact for `x > 1/2`, sidesteps statrs' rounding of
/// arguments within `1e-15` of 1 to 1, which would put a whole upper tail at
/// probability 1. Below that point the direct evaluation keeps the relative accuracy
/// of small probabilities. NaN for shapes statrs rejects.
fn regularized_beta(a: f64, b: f64, x: f64) -> f64 {
    let value = if x > 0.5 && x >= (a + 1.0) / (a + b + 2.0) {
        checked_beta_reg(b, a, 1.0 - x).map(|upper| 1.0 - upper)
    } else {
        checked_beta_reg(a, b, x)
    };
    value.unwrap_or(f64::NAN)
}

/// The root `x` of `I_x(a, b) = target` for `target` in `(0, 1/2]`.
///
/// Halley's iteration on `f(x) = I_x(a, b) - target`, whose derivatives are the
/// density `g(x) = x^(a-1) (1-x)^(b-1) / B(a, b)` and `g'(x) / g(x) = (a-1)/x - (b-1)/(1-x)`,
/// inside a bracket `[lo, hi]` that every evaluation of `f` shrinks. A step that
/// leaves the bracket (or is not finite) is replaced by the midpoint of the bracket's
/// bit patterns, which halves the number of floats in between, so that values many
/// orders of magnitude below 1 are reached in a few dozen steps. The start is the
/// small-`x` asymptote `I_x ~ x^a / (a B(a, b))`, exact in the lower tail.
fn lower_root(a: f64, b: f64, target: f64) -> f64 {
    let log_beta = ln_beta(a, b);
    let density = |x: f64| ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - log_beta).exp();
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let start = ((target.ln() + a.ln() + log_beta) / a).exp();
    let mut x = if start > 0.0 && start < 1.0 {
        start
    } else {
        0.5
    };
    for _ in 0..MAX_ITERATIONS {
        let excess = regularized_beta(a, b, x) - target;
        if excess.is_nan() {
            return f64::NAN;
        }
        if excess == 0.0 {
            return x;
        }
        if excess < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let step = halley_step(x, excess, density(x), a, b);
        if (step - x).abs() <= 2.0 * f64::EPSILON * x {
            // Converged: the step is below the resolution of x.
            return if step >= lo && step <= hi { step } else { x };
        }
        let next = if step > lo && step < hi {
            step
        } else {
            bit_midpoint(lo, hi)
        };
        if next <= lo || next >= hi {
            // The bracket holds no float strictly between its ends.
            return x;
        }
        x = next;
    }
    x
}

/// One Halley step `x - d / (1 - d g'/(2g))` with `d = f / g`, falling back on the
/// Newton step `x - d` when the correction would flip its sign. NaN when the density
/// underflows or overflows (the caller then bisects).
fn halley_step(x: f64, excess: f64, density: f64, a: f64, b: f64) -> f64 {
    if !(density > 0.0 && density.is_finite()) {
        return f64::NAN;
    }
    let newton = excess / density;
    let curvature = (a - 1.0) / x - (b - 1.0) / (1.0 - x);
    let denominator = 1.0 - 0.5 * newton * curvature;
    if denominator > 0.5 && denominator.is_finite() {
        x - newton / denominator
    } else {
        x - newton
    }
}

/// The float halfway between `lo` and `hi` (`0 <= lo < hi`) in the ordering of their
/// bit patterns: the geometric midpoint, roughly, for ends of different magnitudes.
fn bit_midpoint(lo: f64, hi: f64) -> f64 {
    let (l, h) = (lo.to_bits(), hi.to_bits());
    f64::from_bits(l + (h - l) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_midpoint_halves_the_floats_between() {
        assert_eq!(bit_midpoint(1.0, 4.0), 2.0);
        let m = bit_midpoint(0.0, 1.0);
        assert!(m > 1e-160 && m < 1e-150, "{m}");
    }

    #[test]
    fn normal_quantile_is_odd_and_finite_at_the_extremes() {
        // Dyadic u, so that 1 - u is exact and both branches see the same tail.
        for u in [0.25, 0.125, 2f64.powi(-20), 2f64.powi(-40)] {
            assert_eq!(
                standard_normal_quantile(u),
                -standard_normal_quantile(1.0 - u)
            );
        }
        assert!(standard_normal_quantile(f64::MIN_POSITIVE).is_finite());
        assert!(standard_normal_quantile(1.0 - f64::EPSILON / 2.0).is_finite());
        assert_eq!(standard_normal_quantile(0.5), 0.0);
    }
}
