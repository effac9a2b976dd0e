//! A keyed pseudo-random permutation of `0..n` that stores no table: a balanced
//! Feistel network on the smallest even number of bits covering `n`, restricted to
//! `0..n` by cycle walking.

use super::hash64;

/// Rounds of the Feistel network. Four rounds of a pseudo-random function make a
/// pseudo-random permutation (Luby and Rackoff); six leave a margin for a round
/// function as cheap as one hash.
pub(crate) const ROUNDS: usize = 6;

/// A bijection of `0..n` chosen by `ROUNDS` keys.
///
/// `x` is split into halves `(L, R)` of `h` bits each, `2h` the smallest even number of
/// bits with `2^(2h) >= n` (at least 2); each round maps `(L, R)` to
/// `(R, L xor (hash64(R xor key_r) mod 2^h))`, a bijection of `0..2^(2h)`. Cycle
/// walking applies the network again while the result is `>= n`: the walk stays on
/// the cycle of `x`, which returns to `0..n` (at `x` itself at the latest), so the
/// restriction is a bijection of `0..n`, reached after fewer than 4 rounds of the
/// network on average since `2^(2h) < 4n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    keys: [u64; ROUNDS],
}

impl Permutation {
    /// The permutation of `0..n` (`1 <= n <= 2^62`) with round keys `keys`.
    pub(crate) fn new(n: u64, keys: [u64; ROUNDS]) -> Self {
        debug_assert!((1..=1 << 62).contains(&n));
        let bits = u64::BITS - (n - 1).leading_zeros();
        Permutation {
            n,
            half_bits: bits.div_ceil(2).max(1),
            keys,
        }
    }

    /// The image of `x` (`x < n`).
    pub(crate) fn apply(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = self.network(x);
        while y >= self.n {
            y = self.network(y);
        }
        y
    }

    fn network(&self, x: u64) -> u64 {
        let h = self.half_bits;
        let mask = (1u64 << h) - 1;
        let (mut left, mut right) = (x >> h, x & mask);
        for key in self.keys {
            let mixed = left ^ (hash64(right ^ key) & mask);
            left = right;
            right = mixed;
        }
        (left << h) | right
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(seed: u64) -> [u64; ROUNDS] {
        std::array::from_fn(|r| hash64(seed.wrapping_add(r as u64 + 1)))
    }

    #[test]
    fn is_a_bijection_for_every_small_size() {
        for n in 1..=300u64 {
            let p = Permutation::new(n, keys(n));
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = p.apply(x);
                assert!(y < n && !seen[y as usize], "n = {n}");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn different_keys_give_different_permutations() {
        let a = Permutation::new(1000, keys(1));
        let b = Permutation::new(1000, keys(2));
        let same = (0..1000).filter(|&x| a.apply(x) == b.apply(x)).count();
        // A random pair of permutations agrees at Poisson(1) points.
        assert!(same < 10, "{same}");
    }
}
