//! Latin hypercube sampling: each of the `n` strata of each dimension holds exactly
//! one point, through a keyed permutation per dimension that stores no table.

use super::permutation::Permutation;
use super::{Design, LATIN_HYPERCUBE_KEYS, LATIN_HYPERCUBE_OFFSETS, check_sizes};
use crate::engine::{PathRng, PathStreams};
use crate::error::Result;
use rand::Rng;

/// Most points of a [`LatinHypercube`]: `2^40`, so that a point's offset within its
/// stratum keeps at least 11 random bits and the stratum's ends are never reached.
pub const LATIN_HYPERCUBE_MAX_POINTS: u64 = 1 << 40;
/// Most dimensions of a [`LatinHypercube`] (its permutation keys take `48` bytes each).
const MAX_DIMS: usize = 1 << 20;

/// Latin hypercube sampling of `n` points: coordinate `j` of point `i` is
///
/// ```text
/// u_ij = (pi_j(i) + f_ij) / n
/// ```
///
/// with `pi_j` a keyed pseudo-random permutation of `0..n` (a six-round Feistel
/// network with cycle walking, keyed by `PathStreams::new(seed, replicate)
/// .rng(LATIN_HYPERCUBE_KEYS)`, six words per dimension) and `f_ij` a uniform
/// offset in `(0, 1)`: the `j`-th word `w` of `PathStreams::new(seed, i)
/// .rng(LATIN_HYPERCUBE_OFFSETS.sub(replicate))`, as `f = (floor(w / 2^(64 - b)) + 1/2) 2^-b`
/// with `b = 51 - ceil(log2 n)` bits (so that `pi_j(i) + f` is exact and `u_ij` stays
/// strictly inside stratum `pi_j(i)`).
///
/// Each stratum `[k/n, (k+1)/n)` of each dimension holds exactly one of the points
/// `0..n`; each `u_ij` is uniform on `(0, 1)`, and the dimensions are independent.
/// Memory is `O(dims)`: no `n`-sized table.
///
/// ```
/// use outpace::inputs::design::LatinHypercube;
/// let lhs = LatinHypercube::new(7, 0, 10, 2)?;
/// let mut strata: Vec<u64> = (0..10).map(|i| (lhs.uniform(i, 1) * 10.0) as u64).collect();
/// strata.sort();
/// assert_eq!(strata, (0..10).collect::<Vec<_>>());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatinHypercube {
    seed: u64,
    replicate: u32,
    points: u64,
    offset_bits: u32,
    permutations: Vec<Permutation>,
}

impl LatinHypercube {
    /// `points` in `[1, 2^40]` points of `dims` in `[1, 2^20]` coordinates under run
    /// seed `seed`; replicates `0, 1, ...` are independent designs.
    pub fn new(seed: u64, replicate: u32, points: u64, dims: usize) -> Result<Self> {
        check_sizes(points, dims, LATIN_HYPERCUBE_MAX_POINTS, MAX_DIMS)?;
        let mut keys = PathStreams::new(seed, u64::from(replicate)).rng(LATIN_HYPERCUBE_KEYS);
        let permutations = (0..dims)
            .map(|_| Permutation::new(points, std::array::from_fn(|_| keys.next_u64())))
            .collect();
        let stratum_bits = u64::BITS - (points - 1).leading_zeros();
        Ok(LatinHypercube {
            seed,
            replicate,
            points,
            offset_bits: 51 - stratum_bits,
            permutations,
        })
    }

    /// Coordinate `j` of point `i`. Costs `O(j)` for the offset stream: fill whole
    /// rows with [`Design::point`] instead.
    ///
    /// # Panics
    /// If `i >= points` or `j >= dims`.
    pub fn uniform(&self, i: u64, j: usize) -> f64 {
        assert!(i < self.points, "point {i} of a design of {}", self.points);
        let mut offsets = self.offsets(i);
        for _ in 0..j {
            offsets.next_u64();
        }
        self.in_stratum(self.permutations[j].apply(i), offsets.next_u64())
    }

    fn offsets(&self, i: u64) -> PathRng {
        PathStreams::new(self.seed, i).rng(LATIN_HYPERCUBE_OFFSETS.sub(self.replicate))
    }

    /// `(stratum + f) / n` with `f` the offset read from the top bits of `word`.
    #[inline]
    fn in_stratum(&self, stratum: u64, word: u64) -> f64 {
        let b = self.offset_bits;
        let fraction = ((word >> (64 - b)) as f64 + 0.5) / (1u64 << b) as f64;
        (stratum as f64 + fraction) / self.points as f64
    }
}

impl Design for LatinHypercube {
    fn points(&self) -> u64 {
        self.points
    }

    fn dims(&self) -> usize {
        self.permutations.len()
    }

    fn point(&self, i: u64, row: &mut [f64]) {
        assert!(i < self.points, "point {i} of a design of {}", self.points);
        assert_eq!(row.len(), self.dims(), "row length");
        let mut offsets = self.offsets(i);
        for (u, permutation) in row.iter_mut().zip(&self.permutations) {
            *u = self.in_stratum(permutation.apply(i), offsets.next_u64());
        }
    }
}
