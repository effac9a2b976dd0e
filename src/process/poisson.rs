//! The Poisson law, with the same bits on every platform.

use super::{standard_exponential, standard_normal, uniform01};
use crate::error::{Error, Result, check};
use crate::math;
use rand::Rng;
use rand::distr::Distribution;
use std::f64::consts::PI;

/// Below this mean, counts are drawn by Knuth's product of uniforms.
const KNUTH_BELOW: f64 = 12.0;

/// The largest mean [`Poisson::new`] accepts (`rand_distr`'s bound): the draws stay
/// exact integers in an `f64`.
pub const MAX_POISSON_MEAN: f64 = 1.844e19;

/// The Poisson law of mean `lambda`: `P(N = k) = e^{-lambda} lambda^k / k!`.
///
/// **Sampling** takes exactly the steps of `rand_distr` 0.6's `Poisson`, with
/// [`StandardNormal`](super::StandardNormal) normals,
/// [`StandardExponential`](super::StandardExponential) exponentials, [`math::exp`]
/// and `libm` for `ln` and `powf`, so that its draws do not depend on the
/// platform:
/// * `lambda < 12`: Knuth's method, the number of uniforms whose running product
///   stays above `e^{-lambda}`;
/// * otherwise Ahrens and Dieter (1982, *Computer generation of Poisson deviates
///   from modified normal distributions*, ACM TOMS 8(2)): a normal
///   `N(lambda, lambda)` candidate accepted by the squeeze and the exact
///   comparison of the probability function with its normal approximation, then
///   double-exponential candidates (steps N, I, S, F, E, H of the paper). Each
///   round accepts with probability above one half; no table, no allocation.
///
/// A draw is an integer-valued `f64`; it equals `rand_distr`'s except where the
/// platform's `exp`, `ln` or `powf` round differently from ours and `libm`'s and
/// so turn an acceptance test.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::Poisson;
/// use rand::RngExt;
/// let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
/// let n: f64 = rng.sample(Poisson::new(3.5)?);
/// assert_eq!(n, n.floor());
/// assert!(Poisson::new(0.0).is_err()); // the mean must be > 0
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poisson {
    lambda: f64,
    method: Method,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    /// `e^{-lambda}`.
    Knuth {
        exp_lambda: f64,
    },
    Rejection(Rejection),
}

/// The constants of Ahrens and Dieter's method.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rejection {
    lambda: f64,
    s: f64,
    d: f64,
    l: f64,
    c: f64,
    c0: f64,
    c1: f64,
    c2: f64,
    c3: f64,
    omega: f64,
}

impl Poisson {
    /// The Poisson law of mean `lambda`, finite, `> 0` and at most
    /// [`MAX_POISSON_MEAN`].
    pub fn new(lambda: f64) -> Result<Self> {
        let lambda = check::positive("lambda", lambda)?;
        let method = if lambda < KNUTH_BELOW {
            Method::Knuth {
                exp_lambda: math::exp(-lambda),
            }
        } else if lambda > MAX_POISSON_MEAN {
            return Err(Error::invalid(
                "lambda",
                lambda,
                crate::error::Rule::AtMost(MAX_POISSON_MEAN),
            ));
        } else {
            Method::Rejection(Rejection::new(lambda))
        };
        Ok(Poisson { lambda, method })
    }

    /// The mean `lambda`.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
}

impl Rejection {
    fn new(lambda: f64) -> Self {
        let b1 = (1.0 / 24.0) / lambda;
        let b2 = 0.3 * b1 * b1;
        let c3 = (1.0 / 7.0) * b1 * b2;
        let c2 = b2 - 15.0 * c3;
        let c1 = b1 - 6.0 * b2 + 45.0 * c3;
        let c0 = 1.0 - b1 + 3.0 * b2 - 15.0 * c3;
        Rejection {
            lambda,
            s: lambda.sqrt(),
            d: 6.0 * (lambda * lambda),
            l: (lambda - 1.1484).floor(),
            c: 0.1069 / lambda,
            c0,
            c1,
            c2,
            c3,
            omega: 1.0 / (2.0 * PI).sqrt() / lambda.sqrt(),
        }
    }

    /// Step F: `(px, py, fx, fy)` at `k`, the probability function
    /// `py e^{px}` and its normal approximation `fy e^{fx}`.
    fn terms(&self, k: f64) -> (f64, f64, f64, f64) {
        /// `k!` for `k < 10`.
        const FACTORIAL: [f64; 10] = [
            1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
        ];
        /// The coefficients of Table 1 of the paper.
        const A: [f64; 10] = [
            -0.5000000002,
            0.3333333343,
            -0.2499998565,
            0.1999997049,
            -0.1666848753,
            0.1428833286,
            -0.1241963125,
            0.1101687109,
            -0.1142650302,
            0.1055093006,
        ];
        let (px, py) = if k < 10.0 {
            (
                -self.lambda,
                libm::pow(self.lambda, k) / FACTORIAL[k as usize],
            )
        } else {
            let delta = (12.0 * k).recip();
            let delta = delta - 4.8 * (delta * delta * delta);
            let v = (self.lambda - k) / k;
            let px = if v.abs() <= 0.25 {
                k * (v * v) * A.iter().rev().fold(0.0, |acc, &a| acc * v + a) - delta
            } else {
                k * libm::log(1.0 + v) - (self.lambda - k) - delta
            };
            (px, 1.0 / (2.0 * PI).sqrt() / k.sqrt())
        };
        let x = (k - self.lambda + 0.5) / self.s;
        let fx = -0.5 * x * x;
        let fy = self.omega * (((self.c3 * x * x + self.c2) * x * x + self.c1) * x * x + self.c0);
        (px, py, fx, fy)
    }

    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Step N: a normal candidate.
        let g = self.lambda + self.s * standard_normal(rng);
        if g >= 0.0 {
            let k1 = g.floor();
            // Step I: immediate acceptance.
            if k1 >= self.l {
                return k1;
            }
            // Step S: squeeze acceptance.
            let u = uniform01(rng.next_u64());
            let gap = self.lambda - k1;
            if self.d * u >= gap * gap * gap {
                return k1;
            }
            let (px, py, fx, fy) = self.terms(k1);
            if fy * (1.0 - u) <= py * math::exp(px - fx) {
                return k1;
            }
        }
        loop {
            // Step E: a double-exponential candidate; step H: its acceptance.
            let e = standard_exponential(rng);
            let u = uniform01(rng.next_u64()) * 2.0 - 1.0;
            let t = 1.8 + e * u.signum();
            if t > -0.6744 {
                let k2 = (self.lambda + self.s * t).floor();
                let (px, py, fx, fy) = self.terms(k2);
                if self.c * u.abs() <= py * math::exp(px + e) - fy * math::exp(fx + e) {
                    return k2;
                }
            }
        }
    }
}

impl Distribution<f64> for Poisson {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.method {
            Method::Knuth { exp_lambda } => {
                let mut result = 1.0;
                let mut p = uniform01(rng.next_u64());
                while p > *exp_lambda {
                    p *= uniform01(rng.next_u64());
                    result += 1.0;
                }
                result - 1.0
            }
            Method::Rejection(method) => method.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};
    use rand::RngExt;

    #[test]
    fn rejects_bad_means_naming_them() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 2e19] {
            let err = Poisson::new(bad).unwrap_err().to_string();
            assert!(err.contains("`lambda`"), "{err}");
        }
        assert!(Poisson::new(MAX_POISSON_MEAN).is_ok());
    }

    #[test]
    fn takes_rand_distrs_steps() {
        // Integer draws: equal to rand_distr's unless the platform's rounding of
        // exp, ln or powf turned an acceptance test, which is rare.
        for lambda in [0.3, 5.0, 11.9, 12.0, 40.0, 1e4] {
            let ours = Poisson::new(lambda).unwrap();
            let theirs = rand_distr::Poisson::new(lambda).unwrap();
            let mut a = PathStreams::new(8, 0).rng(Component::new(0));
            let mut b = a.clone();
            let n = 20_000;
            let same = (0..n)
                .filter(|_| a.sample::<f64, _>(ours) == b.sample::<f64, _>(theirs))
                .count();
            assert!(same > n * 9 / 10, "lambda {lambda}: {same} of {n} equal");
        }
    }
}
