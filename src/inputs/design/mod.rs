//! Sampling designs: where in the unit cube `(0, 1)^d` each path's uncertain inputs
//! come from.
//!
//! A design gives, for a point index `i` of `n` and a dimension `j` of `d`, a
//! uniform coordinate `u_ij` in the open interval `(0, 1)`; an input with law `Param`
//! then takes the value [`Param::quantile(u_ij)`](crate::inputs::Param::quantile).
//! Every design here is a pure function of `(seed, replicate, i, j)`: nothing is
//! stored per point (memory is `O(d)`, whatever `n`), any point can be computed alone,
//! and rows computed on any number of threads, in any order, are bit-identical.
//!
//! | design | what it guarantees | type |
//! |---|---|---|
//! | plain Monte Carlo | independent uniforms | [`MonteCarlo`] |
//! | Latin hypercube | each of the `n` strata `[k/n, (k+1)/n)` of each dimension holds exactly one point | [`LatinHypercube`] |
//! | scrambled Sobol (randomized QMC) | at `n = 2^m`, every elementary interval of the Sobol net holds its share of points; Owen's nested uniform scrambling makes each point uniform | [`ScrambledSobol`] |
//!
//! [`GaussianCopula`] turns the independent uniforms of any of them into uniforms with
//! a given matrix of rank (Spearman) correlations, and [`Correlated`] wraps a design
//! with it. [`AnyDesign`] picks a design at run time ([`DesignKind`]), without
//! dynamic dispatch.
//!
//! The formulas, and what each design's guarantees become under the copula, are in
//! `docs/sensitivity.md`.
//!
//! ```
//! use outpace::inputs::Param;
//! use outpace::inputs::design::{Design, LatinHypercube};
//!
//! let growth = Param::Triangular { min: 0.6, mode: 0.9, max: 1.2 };
//! let ceiling = Param::LogNormal { median: 150.0, sigma: 0.35 };
//! let design = LatinHypercube::new(7, 0, 1000, 2)?;
//! let mut row = [0.0; 2];
//! design.fill_row(3, &mut row)?;
//! let (g, c) = (growth.quantile(row[0]), ceiling.quantile(row[1]));
//! assert!((0.6..=1.2).contains(&g) && c > 0.0);
//! # Ok::<(), outpace::Error>(())
//! ```
//!
//! **Streams.** The designs draw their randomness from the keyed streams of
//! [`PathStreams`](crate::engine::PathStreams), under the components listed below
//! (ids `0x4445_5301..=0x4445_5304`, "DES" and a number), which a model must not use
//! for its own sources.

mod any;
mod copula;
mod latin_hypercube;
mod monte_carlo;
mod permutation;
mod sobol;

pub use any::{AnyDesign, DesignKind};
pub use copula::{Correlated, GaussianCopula};
pub use latin_hypercube::{LATIN_HYPERCUBE_MAX_POINTS, LatinHypercube};
pub use monte_carlo::MonteCarlo;
pub use sobol::{SOBOL_MAX_DIMS, SOBOL_MAX_POINTS, ScrambledSobol};

use crate::engine::Component;
use crate::error::{Error, Result};

/// Stream of [`MonteCarlo`]'s uniforms (one stream per point, sub-component per replicate).
pub const MONTE_CARLO_STREAM: Component = Component::new(0x4445_5301);
/// Stream of [`LatinHypercube`]'s offsets within strata (one per point, sub-component per replicate).
pub const LATIN_HYPERCUBE_OFFSETS: Component = Component::new(0x4445_5302);
/// Stream of [`LatinHypercube`]'s permutation keys (keyed by replicate).
pub const LATIN_HYPERCUBE_KEYS: Component = Component::new(0x4445_5303);
/// Stream of [`ScrambledSobol`]'s scrambling keys (keyed by replicate).
pub const SOBOL_SCRAMBLE_KEYS: Component = Component::new(0x4445_5304);

/// A sampling design: `points()` points in the open unit cube `(0, 1)^dims()`.
///
/// Implementations are pure functions of the point index: the same index gives the
/// same bits on every call, on any thread.
pub trait Design: Send + Sync {
    /// The number of points `n` the design was built for (for a Latin hypercube the
    /// number of strata; for scrambled Sobol points the net is balanced when it is a
    /// power of two).
    fn points(&self) -> u64;

    /// The number of coordinates of each point.
    fn dims(&self) -> usize;

    /// Writes the coordinates of point `i`, each in `(0, 1)`, into `row`.
    ///
    /// The hot-loop form: `i < points()` and `row.len() == dims()` are the caller's
    /// to ensure, and a design may panic otherwise (as slice indexing does). Use
    /// [`fill_row`](Design::fill_row) for a checked call.
    fn point(&self, i: u64, row: &mut [f64]);

    /// Checked [`point`](Design::point): an error naming the index or the row length
    /// when either is out of range, never a panic.
    fn fill_row(&self, i: u64, row: &mut [f64]) -> Result<()> {
        check_row(self.points(), self.dims(), i, row.len())?;
        self.point(i, row);
        Ok(())
    }
}

/// `i < points` and `len == dims`, as errors naming `point` or `row`.
fn check_row(points: u64, dims: usize, i: u64, len: usize) -> Result<()> {
    if i >= points {
        return Err(Error::invalid(
            "point",
            i,
            format!("must be < the design's number of points ({points})"),
        ));
    }
    if len != dims {
        return Err(Error::invalid(
            "row",
            format!("a slice of length {len}"),
            format!("must have the design's dimension ({dims})"),
        ));
    }
    Ok(())
}

/// Checks the sizes every design shares: `points >= 1` and `1 <= dims <= max_dims`.
fn check_sizes(points: u64, dims: usize, max_points: u64, max_dims: usize) -> Result<()> {
    if points == 0 || points > max_points {
        return Err(Error::invalid(
            "points",
            points,
            format!("must lie in [1, {max_points}]"),
        ));
    }
    if dims == 0 || dims > max_dims {
        return Err(Error::invalid(
            "dims",
            dims,
            format!("must lie in [1, {max_dims}]"),
        ));
    }
    Ok(())
}

/// The float `(m + 1/2) 2^-52` for `m` the top 52 bits of `bits`: a uniform on the
/// grid of `2^52` cell midpoints of `[0, 1)`, so always in the open interval `(0, 1)`
/// (both `m + 1/2` and the product are exact).
#[inline]
fn open_unit(bits: u64) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 52) as f64;
    ((bits >> 12) as f64 + 0.5) * SCALE
}

/// MurmurHash3's 64-bit finaliser `fmix64`: a bijective mixer whose every output bit
/// depends on every input bit. The designs hash keyed values with it (Feistel rounds,
/// Owen's scrambling tree); their keys come from keyed streams.
#[inline]
const fn hash64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_unit_never_reaches_the_ends() {
        assert_eq!(open_unit(0), 0.5 / (1u64 << 52) as f64);
        assert!(open_unit(u64::MAX) < 1.0);
        assert_eq!(open_unit(u64::MAX), 1.0 - 0.5 / (1u64 << 52) as f64);
        assert_eq!(open_unit(1 << 63), 0.5 + 0.5 / (1u64 << 52) as f64);
    }

    #[test]
    fn hash64_is_murmur3_fmix64() {
        // fmix64(1) from the reference C implementation.
        assert_eq!(hash64(0), 0);
        assert_eq!(hash64(1), 0xb456_bcfc_34c2_cb2c);
    }
}
