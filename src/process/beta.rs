//! The beta law, with the same bits on every platform.

use super::open01;
use crate::error::{Result, check};
use crate::math;
use rand::Rng;
use rand::distr::Distribution;

/// The beta law on `[0, 1]` with density proportional to
/// `x^{alpha - 1} (1 - x)^{beta - 1}`: mean `alpha / (alpha + beta)`.
///
/// **Sampling** takes exactly the steps of `rand_distr` 0.6's `Beta`: Cheng's
/// algorithms (1978, *Generating beta variates with nonintegral shape parameters*,
/// Comm. ACM 21(4)), BB when both shapes exceed 1 and BC otherwise, each round two
/// uniforms in `(0, 1)` and a rejection test, with [`math::exp`] and `libm::log` for
/// the exponentials and logarithms, so that its draws do not depend on the
/// platform. They equal `rand_distr`'s up to the last bits of the platform's
/// `exp` and `ln`.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::Beta;
/// use rand::RngExt;
/// let b = Beta::new(2.0, 6.0)?;
/// assert_eq!(b.mean(), 0.25);
/// let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
/// let x = rng.sample(b);
/// assert!((0.0..=1.0).contains(&x));
/// assert!(Beta::new(2.0, 0.0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beta {
    alpha: f64,
    beta: f64,
    /// The shapes in the order Cheng's algorithm takes them.
    a: f64,
    b: f64,
    switched: bool,
    method: Method,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    /// Both shapes above 1.
    Bb { alpha: f64, beta: f64, gamma: f64 },
    /// A shape at most 1.
    Bc {
        alpha: f64,
        beta: f64,
        kappa1: f64,
        kappa2: f64,
    },
}

/// `ln 4` and `ln 5`, as the comparisons use them.
fn ln4() -> f64 {
    libm::log(4.0)
}

fn ln5() -> f64 {
    libm::log(5.0)
}

impl Beta {
    /// The beta law of shapes `alpha` and `beta`, both finite and `> 0`.
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        let alpha_in = check::positive("alpha", alpha)?;
        let beta_in = check::positive("beta", beta)?;
        let (a, b, switched) = if alpha_in < beta_in {
            (alpha_in, beta_in, false)
        } else {
            (beta_in, alpha_in, true)
        };
        let (a, b, switched, method) = if a > 1.0 {
            let alpha = a + b;
            let beta = ((alpha - 2.0) / (2.0 * a * b - alpha)).sqrt();
            let gamma = a + 1.0 / beta;
            (a, b, switched, Method::Bb { alpha, beta, gamma })
        } else {
            let (a, b, switched) = (b, a, !switched);
            let alpha = a + b;
            let beta = 1.0 / b;
            let delta = 1.0 + a - b;
            let kappa1 = delta * (1. / 18. / 4. + 3. / 18. / 4. * b) / (a * beta - 14. / 18.);
            let kappa2 = 0.25 + (0.5 + 0.25 / delta) * b;
            let method = Method::Bc {
                alpha,
                beta,
                kappa1,
                kappa2,
            };
            (a, b, switched, method)
        };
        Ok(Beta {
            alpha: alpha_in,
            beta: beta_in,
            a,
            b,
            switched,
            method,
        })
    }

    /// The first shape `alpha`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The second shape `beta`.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// `E[X] = alpha / (alpha + beta)`.
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// `v = beta ln(u / (1 - u))` and `w = a e^v`.
    #[inline]
    fn vw(&self, beta: f64, u1: f64) -> (f64, f64) {
        let v = beta * libm::log(u1 / (1.0 - u1));
        (v, self.a * math::exp(v))
    }
}

impl Distribution<f64> for Beta {
    // `!(a < b)` on purpose: a NaN (from extreme shapes) ends the rejection loop
    // instead of looping for ever, exactly as in rand_distr.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let w = match self.method {
            Method::Bb { alpha, beta, gamma } => loop {
                let u1 = open01(rng.next_u64());
                let u2 = open01(rng.next_u64());
                let (v, w) = self.vw(beta, u1);
                let z = u1 * u1 * u2;
                let r = gamma * v - ln4();
                let s = self.a + r - w;
                if s + 1.0 + ln5() >= 5.0 * z {
                    break w;
                }
                let t = libm::log(z);
                if s >= t {
                    break w;
                }
                if !(r + alpha * libm::log(alpha / (self.b + w)) < t) {
                    break w;
                }
            },
            Method::Bc {
                alpha,
                beta,
                kappa1,
                kappa2,
            } => loop {
                let u1 = open01(rng.next_u64());
                let u2 = open01(rng.next_u64());
                let z;
                if u1 < 0.5 {
                    let y = u1 * u2;
                    z = u1 * y;
                    if 0.25 * u2 + z - y >= kappa1 {
                        continue;
                    }
                } else {
                    z = u1 * u1 * u2;
                    if z <= 0.25 {
                        break self.vw(beta, u1).1;
                    }
                    if z >= kappa2 {
                        continue;
                    }
                }
                let (v, w) = self.vw(beta, u1);
                if !(alpha * (libm::log(alpha / (self.b + w)) + v) - ln4() < libm::log(z)) {
                    break w;
                }
            },
        };
        if !self.switched {
            if w == f64::INFINITY {
                return 1.0;
            }
            w / (self.b + w)
        } else {
            self.b / (self.b + w)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};
    use rand::RngExt;

    #[test]
    fn rejects_bad_shapes_naming_them() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                Beta::new(bad, 1.0)
                    .unwrap_err()
                    .to_string()
                    .contains("`alpha`")
            );
            assert!(
                Beta::new(1.0, bad)
                    .unwrap_err()
                    .to_string()
                    .contains("`beta`")
            );
        }
    }

    #[test]
    fn takes_rand_distrs_steps() {
        // Both algorithms, both orders of the shapes: draws within rounding of
        // rand_distr's while the two consume the same words.
        for (alpha, beta) in [(2.0, 6.0), (6.0, 2.0), (0.5, 3.0), (3.0, 0.5), (0.4, 0.7)] {
            let ours = Beta::new(alpha, beta).unwrap();
            let theirs = rand_distr::Beta::new(alpha, beta).unwrap();
            let mut a = PathStreams::new(9, 0).rng(Component::new(0));
            let mut b = a.clone();
            let (mut close, n) = (0, 20_000);
            for _ in 0..n {
                let (x, y): (f64, f64) = (a.sample(ours), b.sample(theirs));
                assert!((0.0..=1.0).contains(&x), "{x}");
                if (x - y).abs() <= 1e-12 * y.abs().max(1e-300) {
                    close += 1;
                }
            }
            assert!(
                close > n * 9 / 10,
                "({alpha}, {beta}): {close} of {n} close"
            );
        }
    }
}
