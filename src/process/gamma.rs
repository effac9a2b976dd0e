//! The gamma law, with the same bits on every platform.

use super::{open01, standard_exponential, standard_normal};
use crate::error::{Result, check};
use rand::Rng;
use rand::distr::Distribution;

/// The gamma law with density proportional to `x^{shape - 1} e^{-x / scale}` on
/// `x > 0`: mean `shape scale`, variance `shape scale^2`.
///
/// **Sampling** takes exactly the steps of `rand_distr` 0.6's `Gamma` (Marsaglia and
/// Tsang, 2000, *A simple method for generating gamma variables*), with
/// [`StandardNormal`](super::StandardNormal) normals, [`StandardExponential`](super::StandardExponential)
/// exponentials and `libm` for `ln` and `powf`, so that its draws do not depend on
/// the platform:
/// * `shape = 1`: `scale' E` with `E ~ Exp(1)` and `scale' = 1 / (1 / scale)`;
/// * `shape > 1`: with `d = shape - 1/3`, `c = 1 / sqrt(9 d)`: draw `x ~ N(0, 1)`,
///   `v = (1 + c x)^3` (again if `1 + c x <= 0`) and `u ~ U(0, 1)`; accept `v` if
///   `u < 1 - 0.0331 x^4` or `ln u < x^2 / 2 + d (1 - v + ln v)`; return `v d scale`;
/// * `shape < 1`: `u ~ U(0, 1)` first, then the `shape + 1` draw `v` unscaled:
///   `v u^{1 / shape} d scale` (with the `d` of `shape + 1`).
///
/// Each round of the rejection accepts with probability above 0.95. The draws equal
/// `rand_distr`'s except where the platform's `ln`, `powf` or `exp` round
/// differently from `libm`'s and ours.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::Gamma;
/// use rand::RngExt;
/// let g = Gamma::new(2.0, 0.5)?;
/// assert_eq!((g.mean(), g.variance()), (1.0, 0.5));
/// let mut rng = PathStreams::new(1, 0).rng(Component::new(0));
/// assert!(rng.sample(g) > 0.0);
/// assert!(Gamma::new(0.0, 1.0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gamma {
    shape: f64,
    scale: f64,
    method: Method,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    /// `shape = 1`: an exponential of mean `scale'`.
    One { scale: f64 },
    /// `shape < 1`: a draw of shape `shape + 1` times `u^{1 / shape}`.
    Small { inv_shape: f64, large: Large },
    /// `shape > 1`: Marsaglia and Tsang.
    Large(Large),
}

/// The constants of Marsaglia and Tsang's method for a shape above 1.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Large {
    scale: f64,
    c: f64,
    d: f64,
}

impl Large {
    fn new(shape: f64, scale: f64) -> Self {
        let d = shape - 1.0 / 3.0;
        Large {
            scale,
            c: 1.0 / (9.0 * d).sqrt(),
            d,
        }
    }

    /// One draw of `v`, the gamma variable over `d` before scaling.
    #[inline]
    fn sample_unscaled<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let x = standard_normal(rng);
            let v_cbrt = 1.0 + self.c * x;
            if v_cbrt <= 0.0 {
                continue;
            }
            let v = v_cbrt * v_cbrt * v_cbrt;
            let u = open01(rng.next_u64());
            let x_sqr = x * x;
            if u < 1.0 - 0.0331 * x_sqr * x_sqr
                || libm::log(u) < 0.5 * x_sqr + self.d * (1.0 - v + libm::log(v))
            {
                return v;
            }
        }
    }
}

impl Gamma {
    /// The gamma law of shape `shape` and scale `scale`, both finite and `> 0`.
    pub fn new(shape: f64, scale: f64) -> Result<Self> {
        let shape = check::positive("shape", shape)?;
        let scale = check::positive("scale", scale)?;
        let method = if shape == 1.0 {
            Method::One {
                scale: 1.0 / (1.0 / scale),
            }
        } else if shape < 1.0 {
            Method::Small {
                inv_shape: 1.0 / shape,
                large: Large::new(shape + 1.0, scale),
            }
        } else {
            Method::Large(Large::new(shape, scale))
        };
        Ok(Gamma {
            shape,
            scale,
            method,
        })
    }

    /// The shape.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// The scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// `E[X] = shape scale`.
    pub fn mean(&self) -> f64 {
        self.shape * self.scale
    }

    /// `Var[X] = shape scale^2`.
    pub fn variance(&self) -> f64 {
        self.shape * self.scale * self.scale
    }
}

impl Distribution<f64> for Gamma {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self.method {
            Method::One { scale } => standard_exponential(rng) * scale,
            Method::Small { inv_shape, large } => {
                let u = open01(rng.next_u64());
                let a = large.sample_unscaled(rng);
                let b = libm::pow(u, inv_shape);
                (a * b * large.d) * large.scale
            }
            Method::Large(large) => large.sample_unscaled(rng) * (large.d * large.scale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};
    use rand::RngExt;

    #[test]
    fn rejects_bad_parameters_naming_them() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                Gamma::new(bad, 1.0)
                    .unwrap_err()
                    .to_string()
                    .contains("`shape`")
            );
            assert!(
                Gamma::new(1.0, bad)
                    .unwrap_err()
                    .to_string()
                    .contains("`scale`")
            );
        }
    }

    #[test]
    fn takes_rand_distrs_steps() {
        // Close to rand_distr's draws (equal but for the platform's rounding of ln,
        // powf and exp), every shape branch.
        for (shape, scale) in [(0.3, 2.0), (1.0, 0.7), (2.5, 1.0), (400.0, 0.01)] {
            let ours = Gamma::new(shape, scale).unwrap();
            let theirs = rand_distr::Gamma::new(shape, scale).unwrap();
            let mut a = PathStreams::new(7, 0).rng(Component::new(0));
            let mut b = a.clone();
            let (mut same, n) = (0, 20_000);
            for _ in 0..n {
                let (x, y): (f64, f64) = (a.sample(ours), b.sample(theirs));
                if x == y {
                    same += 1;
                } else if a == b {
                    assert!((x - y).abs() <= 1e-13 * y.abs(), "{shape}: {x} vs {y}");
                }
            }
            assert!(
                same > n / 2,
                "shape {shape}: only {same} of {n} draws equal"
            );
        }
    }
}
