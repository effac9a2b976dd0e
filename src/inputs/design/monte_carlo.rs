//! Plain Monte Carlo: independent uniforms from keyed streams.

use super::{Design, MONTE_CARLO_STREAM, check_sizes, open_unit};
use crate::engine::{PathRng, PathStreams};
use crate::error::Result;
use rand::Rng;

/// Plain Monte Carlo: every coordinate an independent uniform on `(0, 1)`.
///
/// Point `i` of replicate `r` reads the stream
/// `PathStreams::new(seed, i).rng(MONTE_CARLO_STREAM.sub(r))`: coordinate `j` is
/// `open_unit(w_j)`, with `w_j` the stream's `j`-th 64-bit word (from 0) and
/// `open_unit(w) = (floor(w / 2^12) + 1/2) 2^-52`. The first coordinates of a point do
/// not depend on how many the design has, and distinct `(seed, replicate, i)` give
/// independent points.
///
/// ```
/// use outpace::inputs::design::{Design, MonteCarlo};
/// let mc = MonteCarlo::new(42, 0, 1000, 3)?;
/// let mut row = [0.0; 3];
/// mc.fill_row(999, &mut row)?;
/// assert!(row.iter().all(|&u| 0.0 < u && u < 1.0));
/// assert_eq!(row[2], mc.uniform(999, 2));
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonteCarlo {
    seed: u64,
    replicate: u32,
    points: u64,
    dims: usize,
}

impl MonteCarlo {
    /// `points >= 1` points of `dims >= 1` coordinates (below `2^32` each) under run
    /// seed `seed`; replicates `0, 1, ...` are independent designs.
    pub fn new(seed: u64, replicate: u32, points: u64, dims: usize) -> Result<Self> {
        check_sizes(points, dims, u64::MAX, u32::MAX as usize)?;
        Ok(MonteCarlo {
            seed,
            replicate,
            points,
            dims,
        })
    }

    /// Coordinate `j` of point `i` (any `i` and `j`; costs `O(j)`, so fill whole rows
    /// with [`Design::point`] instead).
    pub fn uniform(&self, i: u64, j: usize) -> f64 {
        let mut rng = self.stream(i);
        for _ in 0..j {
            rng.next_u64();
        }
        open_unit(rng.next_u64())
    }

    fn stream(&self, i: u64) -> PathRng {
        PathStreams::new(self.seed, i).rng(MONTE_CARLO_STREAM.sub(self.replicate))
    }
}

impl Design for MonteCarlo {
    fn points(&self) -> u64 {
        self.points
    }

    fn dims(&self) -> usize {
        self.dims
    }

    fn point(&self, i: u64, row: &mut [f64]) {
        let mut rng = self.stream(i);
        for u in row.iter_mut() {
            *u = open_unit(rng.next_u64());
        }
    }
}
