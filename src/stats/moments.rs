//! Mergeable mean, variance, minimum and maximum with results independent of the
//! order in which values and partial summaries are combined.

use super::ExactSum;
use serde::{Deserialize, Serialize};

/// Running moments of a sample, stored as exact sums of `x - shift` and
/// `(x - shift)^2`.
///
/// The shift should be a typical value of the sample (the engine uses the value of
/// path 0 at the same step): it removes the cancellation that makes the textbook
/// `E[x^2] - E[x]^2` inaccurate when the mean is large against the spread, and it
/// makes the variance of a constant sample exactly zero. Because the sums are exact,
/// [`Moments::merge`] is associative and commutative to the last bit.
///
/// ```
/// use outpace::stats::Moments;
/// let mut m = Moments::new(10.0);
/// for x in [9.0, 10.0, 11.0, 14.0] {
///     m.add(x);
/// }
/// assert_eq!(m.mean(), Some(11.0));
/// assert_eq!(m.variance(), Some(14.0 / 3.0));
/// assert_eq!(Moments::new(0.0).mean(), None); // no values, no mean
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    shift: f64,
    count: u64,
    sum: ExactSum,
    sum_sq: ExactSum,
    min: f64,
    max: f64,
}

/// Plain `f64` partial sums of one block of values, shifted like the [`Moments`]
/// they are folded into. Blocks are summed in a fixed order, then folded exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockSums {
    /// Sum of `x - shift`.
    pub sum: f64,
    /// Sum of `(x - shift)^2`.
    pub sum_sq: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Default for BlockSums {
    fn default() -> Self {
        BlockSums {
            sum: 0.0,
            sum_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl BlockSums {
    /// Adds `x`, whose shifted value is `x - shift`.
    #[inline(always)]
    pub fn add(&mut self, x: f64, shift: f64) {
        let d = x - shift;
        self.sum += d;
        self.sum_sq += d * d;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }
}

impl Moments {
    /// The shift the sums are taken around.
    pub fn shift(&self) -> f64 {
        self.shift
    }

    /// Empty moments around `shift` (use `0.0` if no typical value is known).
    pub fn new(shift: f64) -> Self {
        Moments {
            shift,
            count: 0,
            sum: ExactSum::new(),
            sum_sq: ExactSum::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds one value exactly.
    pub fn add(&mut self, x: f64) {
        let mut block = BlockSums::default();
        block.add(x, self.shift);
        self.add_block(1, &block);
    }

    /// Folds in the partial sums of a block of `count` values (computed with the same
    /// shift).
    pub fn add_block(&mut self, count: u64, block: &BlockSums) {
        if count == 0 {
            return;
        }
        self.count += count;
        self.sum.add(block.sum);
        self.sum_sq.add(block.sum_sq);
        self.min = self.min.min(block.min);
        self.max = self.max.max(block.max);
    }

    /// Combines with moments of other values that used the same shift.
    ///
    /// # Panics
    /// If the shifts differ, which would be a bug in the caller.
    pub fn merge(&mut self, other: &Moments) {
        assert!(
            self.shift.to_bits() == other.shift.to_bits() || other.count == 0,
            "merging moments with different shifts"
        );
        self.count += other.count;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sample mean, `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.shift + self.sum.value() / self.count as f64)
    }

    /// Unbiased sample variance, with divisor `n - 1`; `None` for fewer than two
    /// values (a spread needs two).
    pub fn variance(&self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let n = self.count as f64;
        let s = self.sum.value();
        Some(((self.sum_sq.value() - s * s / n) / (n - 1.0)).max(0.0))
    }

    /// Sample standard deviation, `None` for fewer than two values.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Standard error of the mean, `std_dev / sqrt(n)`; `None` for fewer than two
    /// values.
    pub fn std_error(&self) -> Option<f64> {
        Some(self.std_dev()? / (self.count as f64).sqrt())
    }

    /// Smallest value (`+inf` when empty).
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Largest value (`-inf` when empty).
    pub fn max(&self) -> f64 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_sample_has_zero_variance() {
        let mut m = Moments::new(1e9 + 0.1);
        for _ in 0..1000 {
            m.add(1e9 + 0.1);
        }
        assert_eq!(m.variance(), Some(0.0));
        assert_eq!(m.mean(), Some(1e9 + 0.1));
    }

    #[test]
    fn merge_matches_single_pass() {
        let xs: Vec<f64> = (0..1000).map(|i| (i as f64).sin() * 3.0 + 100.0).collect();
        let mut whole = Moments::new(100.0);
        xs.iter().for_each(|&x| whole.add(x));
        let mut a = Moments::new(100.0);
        let mut b = Moments::new(100.0);
        xs[..400].iter().for_each(|&x| a.add(x));
        xs[400..].iter().for_each(|&x| b.add(x));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b;
        ba.merge(&a);
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
        let naive_mean = xs.iter().sum::<f64>() / 1000.0;
        assert!((whole.mean().unwrap() - naive_mean).abs() < 1e-12);
        let naive_var = xs.iter().map(|x| (x - naive_mean).powi(2)).sum::<f64>() / 999.0;
        assert!((whole.variance().unwrap() - naive_var).abs() < 1e-12 * naive_var);
        assert_eq!(
            whole.min(),
            xs.iter().cloned().fold(f64::INFINITY, f64::min)
        );
    }

    #[test]
    fn empty_and_single() {
        let mut m = Moments::new(0.0);
        assert_eq!((m.mean(), m.variance(), m.std_error()), (None, None, None));
        m.add(2.0);
        assert_eq!(m.mean(), Some(2.0));
        assert_eq!(
            (m.variance(), m.std_dev(), m.std_error()),
            (None, None, None)
        );
        m.add(4.0);
        assert_eq!(m.variance(), Some(2.0));
        assert_eq!(m.std_error(), Some(1.0));
    }
}
