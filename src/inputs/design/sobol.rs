//! Randomized quasi-Monte Carlo: Sobol points (Joe and Kuo's direction numbers) with
//! Owen's nested uniform scrambling, computed point by point.

use super::{Design, SOBOL_SCRAMBLE_KEYS, check_sizes, hash64, open_unit};
use crate::engine::PathStreams;
use crate::error::Result;
use rand::Rng;
use std::sync::OnceLock;

/// Most dimensions of a [`ScrambledSobol`] design: the 1000 of Joe and Kuo's
/// `new-joe-kuo-6.1000` direction numbers (Saltelli's scheme uses `2p` of them for
/// `p` inputs).
pub const SOBOL_MAX_DIMS: usize = 1000;
/// Most points of a [`ScrambledSobol`] design: `2^32`, the period of 32-bit
/// direction numbers.
pub const SOBOL_MAX_POINTS: u64 = 1 << 32;
/// Binary digits of the unscrambled points.
const DIGITS: usize = 32;

/// Scrambled Sobol points: randomized quasi-Monte Carlo.
///
/// **Points.** Coordinate `j` of point `i` (`i < 2^32`, natural order, point 0
/// included) is first the Sobol integer `x = xor_{k : bit k of i is 1} v_{j,k}`, with
/// `v_{j,k}` the 32-bit direction numbers of dimension `j` from Joe and Kuo's
/// `new-joe-kuo-6` table (dimension 0 is van der Corput's `v_{0,k} = 2^(31-k)`).
/// Its first `2^m` points form a `(t, m, d)`-net in base 2, `t = 0` for the first two
/// dimensions: every elementary interval `prod_j [a_j 2^-k_j, (a_j + 1) 2^-k_j)` of
/// volume `2^(t-m)` holds exactly `2^t` points.
///
/// **Scrambling.** Owen's nested uniform scrambling, in the hash-based form: digit
/// `d` (from the most significant, `d = 0..31`) of `x` is flipped when bit 63 of
/// `hash64(key_j xor node_d)` is 1, where `node_d = (2^32 + x) >> (32 - d)` names the
/// node of the binary tree reached by the first `d` digits (a leading 1 then those
/// digits) and `hash64` is MurmurHash3's `fmix64`. A flip depends only on the digits
/// above it, which is the definition of a nested scramble, so the scrambled points
/// keep every net property; each scrambled point is uniform on the cube. The digits
/// below the 32nd, where all points differ, are i.i.d. uniform under the scramble:
/// the next 20 are the top bits of `hash64(key_j xor (2^32 + x))`. The coordinate is
/// `open_unit` of the 52 digits, `(m + 1/2) 2^-52`, so it has 52 bits of resolution
/// and lies in `(0, 1)`.
///
/// **Keys.** `key_j` is the `j`-th word of `PathStreams::new(seed, replicate)
/// .rng(SOBOL_SCRAMBLE_KEYS)`. Distinct replicates are independent scrambles of the
/// same net: the spread of an estimate over replicates is an unbiased measure of its
/// error (randomized QMC error bars).
///
/// The direction numbers come from the `sobol` crate's `JoeKuoD6::standard()`
/// table, read once per process.
///
/// ```
/// use outpace::inputs::design::{Design, ScrambledSobol};
/// // At n = 2^m each of the 2^m strata of a dimension holds one point.
/// let sobol = ScrambledSobol::new(7, 0, 16, 2)?;
/// let mut strata: Vec<u64> = (0..16).map(|i| (sobol.uniform(i, 1) * 16.0) as u64).collect();
/// strata.sort();
/// assert_eq!(strata, (0..16).collect::<Vec<_>>());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrambledSobol {
    points: u64,
    keys: Vec<u64>,
}

impl ScrambledSobol {
    /// `points` in `[1, 2^32]` points (balanced nets at powers of two) of `dims` in
    /// `[1, 1000]` coordinates, scrambled under run seed `seed` and replicate
    /// `replicate`.
    pub fn new(seed: u64, replicate: u32, points: u64, dims: usize) -> Result<Self> {
        check_sizes(points, dims, SOBOL_MAX_POINTS, SOBOL_MAX_DIMS)?;
        let mut keys = PathStreams::new(seed, u64::from(replicate)).rng(SOBOL_SCRAMBLE_KEYS);
        Ok(ScrambledSobol {
            points,
            keys: (0..dims).map(|_| keys.next_u64()).collect(),
        })
    }

    /// Coordinate `j` of point `i`.
    ///
    /// # Panics
    /// If `i >= points` or `j >= dims`.
    pub fn uniform(&self, i: u64, j: usize) -> f64 {
        assert!(i < self.points, "point {i} of a design of {}", self.points);
        scrambled(
            sobol_integer(i as u32, &direction_numbers()[j]),
            self.keys[j],
        )
    }
}

impl Design for ScrambledSobol {
    fn points(&self) -> u64 {
        self.points
    }

    fn dims(&self) -> usize {
        self.keys.len()
    }

    fn point(&self, i: u64, row: &mut [f64]) {
        assert!(i < self.points, "point {i} of a design of {}", self.points);
        assert_eq!(row.len(), self.keys.len(), "row length");
        let index = i as u32;
        for ((u, &key), directions) in row.iter_mut().zip(&self.keys).zip(direction_numbers()) {
            *u = scrambled(sobol_integer(index, directions), key);
        }
    }
}

/// The unscrambled Sobol integer of point `index` in the dimension whose direction
/// numbers are `directions`: the xor of `directions[k]` over the set bits `k` of
/// `index`.
#[inline]
fn sobol_integer(index: u32, directions: &[u32; DIGITS]) -> u32 {
    let mut x = 0;
    let mut bits = index;
    while bits != 0 {
        x ^= directions[bits.trailing_zeros() as usize];
        bits &= bits - 1;
    }
    x
}

/// `x` under the nested uniform scramble keyed by `key`, extended by 20 random low
/// digits, as a float in `(0, 1)`.
#[inline]
fn scrambled(x: u32, key: u64) -> f64 {
    let leaf = (1u64 << DIGITS) | u64::from(x);
    let mut flips = 0u32;
    for depth in 0..DIGITS {
        let node = leaf >> (DIGITS - depth);
        flips |= ((hash64(key ^ node) >> 63) as u32) << (DIGITS - 1 - depth);
    }
    let low = hash64(key ^ leaf) >> DIGITS;
    open_unit((u64::from(x ^ flips) << DIGITS) | low)
}

/// The 32-bit direction numbers of the first [`SOBOL_MAX_DIMS`] dimensions, computed
/// once from Joe and Kuo's primitive polynomials and initial numbers.
fn direction_numbers() -> &'static [[u32; DIGITS]] {
    static TABLE: OnceLock<Vec<[u32; DIGITS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let params = sobol::params::JoeKuoD6::standard();
        sobol::Sobol::<u32>::init_direction_vals::<u32>(SOBOL_MAX_DIMS, DIGITS, &params)
            .into_iter()
            .map(|dimension| {
                let mut numbers = [0u32; DIGITS];
                numbers.copy_from_slice(&dimension);
                numbers
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unscrambled integers in Gray-code order, as `scipy.stats.qmc.Sobol(d,
    /// scramble=False)` (which uses the same `new-joe-kuo-6` numbers) lists them:
    /// point `k` there is point `k xor (k >> 1)` here.
    fn unscrambled(k: u32, j: usize) -> f64 {
        sobol_integer(k ^ (k >> 1), &direction_numbers()[j]) as f64 / 2f64.powi(32)
    }

    #[test]
    fn direction_numbers_match_scipy() {
        // scipy 1.17 `Sobol(d=1000, scramble=False, bits=32)._sv` (its direction
        // numbers, from the same new-joe-kuo-6 table), fingerprinted as
        // sum_{j, k} v_jk (((j+1) 0x9e37...) xor ((k+1) 0xc2b2...) | 1) mod 2^64.
        let mut total = 0u64;
        for (j, numbers) in direction_numbers().iter().enumerate() {
            for (k, &v) in numbers.iter().enumerate() {
                let w = ((j as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    ^ ((k as u64 + 1).wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
                total = total.wrapping_add(u64::from(v).wrapping_mul(w | 1));
            }
        }
        assert_eq!(total, 0xd354_cc2d_a177_b59e);
        assert_eq!(
            direction_numbers()[999][28..],
            [3491374648, 2061797684, 451981982, 1909304039]
        );
    }

    #[test]
    fn unscrambled_points_match_scipy() {
        // scipy 1.17: Sobol(d=5, scramble=False).random(8), rows k = 1..7.
        let expected = [
            [0.5, 0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25, 0.75],
            [0.25, 0.75, 0.75, 0.75, 0.25],
            [0.375, 0.375, 0.625, 0.875, 0.375],
            [0.875, 0.875, 0.125, 0.375, 0.875],
            [0.625, 0.125, 0.875, 0.625, 0.625],
            [0.125, 0.625, 0.375, 0.125, 0.125],
        ];
        for (k, row) in expected.iter().enumerate() {
            for (j, &want) in row.iter().enumerate() {
                assert_eq!(
                    unscrambled(k as u32 + 1, j),
                    want,
                    "point {} dim {j}",
                    k + 1
                );
            }
        }
    }
}
