//! A mergeable quantile sketch with guaranteed relative accuracy.

use serde::{Deserialize, Serialize};

/// Mantissa bits that index sub-buckets within an octave (64 per octave).
pub const SUB_BUCKET_BITS: u32 = 6;

/// Guaranteed bound on `|estimate - exact| / |exact|` for every quantile.
pub const RELATIVE_ACCURACY: f64 = 1.0 / ((1u64 << SUB_BUCKET_BITS) as f64 * 2.0 + 1.0);

/// The bucket key of a magnitude is its bit pattern shifted right by this much.
pub(crate) const KEY_SHIFT: u32 = 52 - SUB_BUCKET_BITS;
/// Extra buckets allocated on either side when a store grows, so that a spreading
/// distribution reallocates a handful of times per run, not per value.
const GROWTH_SLACK: u32 = 1 << SUB_BUCKET_BITS;
/// The largest key: that of `+inf`.
const MAX_KEY: u32 = (f64::INFINITY.to_bits() >> KEY_SHIFT) as u32;

/// A quantile sketch.
///
/// [`QuantileSketch`] is a log-linear histogram in the spirit of DDSketch (Masson,
/// Rim and Lee, 2019) and HdrHistogram: the bucket of a value is read straight off its
/// IEEE-754 bits (exponent and the top [`SUB_BUCKET_BITS`] bits of the mantissa), so
/// inserting costs a shift, a subtraction and an increment, with no logarithm. Each
/// bucket `[lo, hi)` has `hi / lo <= 1 + 2^-6`, and a quantile is reported as
/// `2 lo hi / (lo + hi)`, whose relative distance to any value in the bucket is at most
/// [`RELATIVE_ACCURACY`] `= 2^-6 / (2 + 2^-6) ≈ 0.78%`.
///
/// Counts are integers, so merging is exact, associative and commutative: a sketch
/// built from any partition of the data, merged in any order, is identical to the one
/// built from all of it. Negative values live in a mirrored store and zeros in a
/// counter of their own.
///
/// # Quantile definition
/// For `n` values sorted as `x_(0) <= ... <= x_(n-1)`, the `q`-quantile is the order
/// statistic `x_(i)` with `i = floor(q (n - 1))` (the "lower" definition). The sketch
/// returns `y` with `|y - x_(i)| <= RELATIVE_ACCURACY * |x_(i)|`.
///
/// ```
/// use outpace::stats::{QuantileSketch, RELATIVE_ACCURACY};
/// let mut sketch = QuantileSketch::new();
/// for i in 1..=1000 {
///     sketch.add(i as f64);
/// }
/// let median = sketch.quantile(0.5).unwrap();
/// assert!((median - 500.0).abs() <= RELATIVE_ACCURACY * 500.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SketchData")]
pub struct QuantileSketch {
    positive: Store,
    negative: Store,
    zeros: u64,
}

/// The serialised form of [`QuantileSketch`]: its count must fit a `u64`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SketchData {
    positive: Store,
    negative: Store,
    zeros: u64,
}

impl TryFrom<SketchData> for QuantileSketch {
    type Error = String;

    fn try_from(data: SketchData) -> Result<Self, String> {
        let total = data.positive.total.checked_add(data.negative.total);
        if total.and_then(|t| t.checked_add(data.zeros)).is_none() {
            return Err("sketch counts overflow".to_owned());
        }
        Ok(QuantileSketch {
            positive: data.positive,
            negative: data.negative,
            zeros: data.zeros,
        })
    }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one value. NaN is ignored (the engine rejects non-finite values before
    /// they reach a sketch); `±inf` land in the outermost buckets.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let magnitude_key = key(x.abs());
        if x > 0.0 {
            self.positive.add(magnitude_key);
        } else if x < 0.0 {
            self.negative.add(magnitude_key);
        } else if x == 0.0 {
            self.zeros += 1;
        }
    }

    /// Adds every value recorded in `other`.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.positive.total + self.negative.total + self.zeros
    }

    /// Estimate of the `q`-quantile, or `None` if the sketch is empty or `q` is not in
    /// `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (n - 1) as f64).floor() as u64;
        let below_zero = self.negative.total;
        if rank < below_zero {
            // Negative values in increasing order are magnitudes in decreasing order.
            let key = self.negative.key_at_rank_from_top(rank);
            return Some(-representative(key));
        }
        let rank = rank - below_zero;
        if rank < self.zeros {
            return Some(0.0);
        }
        let key = self.positive.key_at_rank(rank - self.zeros);
        Some(representative(key))
    }

    /// Estimates of several quantiles at once.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<Option<f64>> {
        qs.iter().map(|&q| self.quantile(q)).collect()
    }

    /// Estimated fraction of recorded values `<= x` (the empirical CDF), exact up to
    /// the bucket that holds `x`, which is counted in full.
    pub fn cdf(&self, x: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 || x.is_nan() {
            return None;
        }
        let k = key(x.abs());
        let at_or_below = if x < 0.0 {
            self.negative.count_at_or_above(k)
        } else {
            self.negative.total
                + self.zeros
                + if x > 0.0 {
                    self.positive.count_at_or_below(k)
                } else {
                    0
                }
        };
        Some(at_or_below as f64 / n as f64)
    }
}

/// Records every value: the same sketch as [`add`](QuantileSketch::add) on each
/// value in turn, with a shorter path for a positive value whose bucket is already
/// allocated (the common case of levels, revenues and costs): a shift, a
/// subtraction, one bounds check and an increment.
///
/// ```
/// use outpace::stats::QuantileSketch;
/// let values = [3.0, 1.0, 4.0, 1.0, 5.0, -9.0, 0.0];
/// let mut at_once = QuantileSketch::new();
/// at_once.extend(values);
/// let mut one_by_one = QuantileSketch::new();
/// values.iter().for_each(|&x| one_by_one.add(x));
/// assert_eq!(at_once, one_by_one);
/// ```
impl Extend<f64> for QuantileSketch {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, values: I) {
        let mut values = values.into_iter();
        extend_lanes(std::array::from_mut(self), || values.next().map(|x| [x]));
    }
}

impl QuantileSketch {
    /// Records `values[0], values[stride], values[2 stride], ...`: the same sketch
    /// as [`extend`](Extend::extend) with those values (the engine reads one cell
    /// of many paths' rows this way). Each step's bounds check is also the test
    /// that ends the loop.
    pub(crate) fn extend_strided(&mut self, values: &[f64], stride: usize) {
        let mut at = 0;
        extend_lanes(std::array::from_mut(self), || {
            let x = *values.get(at)?;
            at += stride;
            Some([x])
        });
    }
}

/// Records `L` interleaved columns: each array `next` returns, until it returns
/// `None`, goes lane `l` to `sketches[l]`. The same sketches as
/// [`QuantileSketch::add`] on each value, but the common case, every lane
/// positive with its bucket already allocated, costs a shift, a subtraction, a
/// comparison and an increment per lane with no branch between lanes. `next` is
/// called once per array, so the caller can fold the values into other
/// accumulators as they pass.
#[inline(always)]
pub(crate) fn extend_lanes<const L: usize>(
    sketches: &mut [QuantileSketch; L],
    mut next: impl FnMut() -> Option<[f64; L]>,
) {
    let mut counted = 0;
    loop {
        let mut windows = sketches.each_mut().map(|s| s.positive_window());
        let missed = loop {
            let Some(x) = next() else {
                break None;
            };
            let slots: [usize; L] =
                std::array::from_fn(|l| key(x[l]).wrapping_sub(windows[l].0) as usize);
            let inside = (0..L).fold(true, |all, l| all & (slots[l] < windows[l].1.len()));
            if !inside {
                break Some(x);
            }
            for (window, slot) in windows.iter_mut().zip(slots) {
                window.1[slot] += 1;
            }
            counted += 1;
        };
        let Some(x) = missed else {
            break;
        };
        for (sketch, x) in sketches.iter_mut().zip(x) {
            sketch.add(x);
        }
    }
    for sketch in sketches {
        sketch.add_counted_positive(counted);
    }
}

impl QuantileSketch {
    /// The first key and the counts of the allocated buckets of positive values,
    /// for callers that count values themselves: a value `x` belongs to slot
    /// `((x.to_bits() >> KEY_SHIFT) as u32).wrapping_sub(first)` if that is below
    /// the length. No other value (zero, negative, NaN) ever does. Values counted
    /// this way must be reported with
    /// [`add_counted_positive`](Self::add_counted_positive).
    #[inline(always)]
    pub(crate) fn positive_window(&mut self) -> (u32, &mut [u64]) {
        self.positive.window()
    }

    /// Accounts for `n` values counted directly in the
    /// [`positive_window`](Self::positive_window).
    #[inline(always)]
    pub(crate) fn add_counted_positive(&mut self, n: u64) {
        self.positive.total += n;
    }
}

/// Bucket key of a non-negative magnitude: monotone in the value.
#[inline]
fn key(magnitude: f64) -> u32 {
    (magnitude.to_bits() >> KEY_SHIFT) as u32
}

/// The value reported for bucket `key`: minimises the worst relative error in it.
fn representative(key: u32) -> f64 {
    let lo = f64::from_bits(u64::from(key) << KEY_SHIFT);
    let hi = f64::from_bits(u64::from(key + 1) << KEY_SHIFT);
    if !hi.is_finite() {
        return lo;
    }
    if lo == 0.0 {
        return hi / 2.0;
    }
    2.0 * lo * (hi / (lo + hi))
}

/// Dense counts over the key range `[offset, offset + counts.len())`.
///
/// Equality and the serialised form depend only on the counts, not on how much
/// slack the range grew with, so sketches of the same data compare equal however
/// they were built.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "StoreData", try_from = "StoreData")]
struct Store {
    offset: u32,
    counts: Vec<u64>,
    total: u64,
}

/// The canonical form of a [`Store`]: its occupied range only.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreData {
    offset: u32,
    counts: Vec<u64>,
}

impl From<Store> for StoreData {
    fn from(store: Store) -> Self {
        let (offset, counts) = store.occupied();
        StoreData {
            offset,
            counts: counts.to_vec(),
        }
    }
}

impl TryFrom<StoreData> for Store {
    type Error = String;

    fn try_from(data: StoreData) -> Result<Self, String> {
        if u64::from(data.offset) + data.counts.len() as u64 > u64::from(MAX_KEY) + 1 {
            return Err(format!(
                "sketch store of {} buckets from key {} exceeds the key range",
                data.counts.len(),
                data.offset
            ));
        }
        let total = data
            .counts
            .iter()
            .try_fold(0u64, |acc, &c| acc.checked_add(c));
        let total = total.ok_or("sketch store counts overflow")?;
        Ok(Store {
            offset: data.offset,
            counts: data.counts,
            total,
        })
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.occupied() == other.occupied()
    }
}

impl Eq for Store {}

impl Store {
    #[inline]
    fn add(&mut self, key: u32) {
        let index = key.wrapping_sub(self.offset) as usize;
        if index < self.counts.len() {
            self.counts[index] += 1;
        } else {
            self.add_outside(key);
        }
        self.total += 1;
    }

    /// The first key and the counts of the allocated range, for counting values
    /// directly. Empty when the range starts at key 0, so that zero (key 0, which
    /// has a counter of its own) is never counted here; negative values (sign bit)
    /// and NaN have keys above [`MAX_KEY`], the end of every range.
    #[inline(always)]
    fn window(&mut self) -> (u32, &mut [u64]) {
        if self.offset == 0 {
            return (0, &mut []);
        }
        (self.offset, &mut self.counts)
    }

    #[cold]
    #[inline(never)]
    fn add_outside(&mut self, key: u32) {
        self.cover(key, key);
        self.counts[(key - self.offset) as usize] += 1;
    }

    /// Grows the range to include `[lo, hi]`, with slack.
    fn cover(&mut self, lo: u32, hi: u32) {
        if self.counts.is_empty() {
            self.offset = lo.saturating_sub(GROWTH_SLACK);
            let end = hi.saturating_add(GROWTH_SLACK).min(MAX_KEY);
            self.counts = vec![0; (end - self.offset + 1) as usize];
            return;
        }
        let end = self.offset + self.counts.len() as u32 - 1;
        // Grow by at least half the current range on the side that overflows, so
        // that a store spreading over many octaves reallocates a logarithmic number
        // of times.
        let slack = GROWTH_SLACK.max(self.counts.len() as u32 / 2);
        let new_offset = if lo < self.offset {
            lo.saturating_sub(slack)
        } else {
            self.offset
        };
        let new_end = if hi > end {
            hi.saturating_add(slack).min(MAX_KEY)
        } else {
            end
        };
        if new_offset == self.offset && new_end == end {
            return;
        }
        let mut counts = vec![0; (new_end - new_offset + 1) as usize];
        let start = (self.offset - new_offset) as usize;
        counts[start..start + self.counts.len()].copy_from_slice(&self.counts);
        self.offset = new_offset;
        self.counts = counts;
    }

    fn merge(&mut self, other: &Store) {
        let Some((lo, hi)) = other.occupied_range() else {
            return;
        };
        self.cover(lo, hi);
        for key in lo..=hi {
            self.counts[(key - self.offset) as usize] +=
                other.counts[(key - other.offset) as usize];
        }
        self.total += other.total;
    }

    fn occupied_range(&self) -> Option<(u32, u32)> {
        let first = self.counts.iter().position(|&c| c > 0)?;
        let last = self.counts.iter().rposition(|&c| c > 0)?;
        Some((self.offset + first as u32, self.offset + last as u32))
    }

    /// The first occupied key and the counts from there to the last occupied key.
    fn occupied(&self) -> (u32, &[u64]) {
        match self.occupied_range() {
            Some((lo, hi)) => {
                let start = (lo - self.offset) as usize;
                (lo, &self.counts[start..=start + (hi - lo) as usize])
            }
            None => (0, &[]),
        }
    }

    /// Key of the value with 0-based rank `rank` in increasing order.
    fn key_at_rank(&self, rank: u64) -> u32 {
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return self.offset + i as u32;
            }
        }
        self.offset + self.counts.len() as u32 - 1
    }

    /// Key of the value with 0-based rank `rank` in decreasing order.
    fn key_at_rank_from_top(&self, rank: u64) -> u32 {
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate().rev() {
            seen += c;
            if seen > rank {
                return self.offset + i as u32;
            }
        }
        self.offset
    }

    fn count_at_or_below(&self, key: u32) -> u64 {
        if key < self.offset {
            return 0;
        }
        let end = ((key - self.offset) as usize + 1).min(self.counts.len());
        self.counts[..end].iter().sum()
    }

    fn count_at_or_above(&self, key: u32) -> u64 {
        let start = key.saturating_sub(self.offset) as usize;
        self.counts.get(start..).map_or(0, |c| c.iter().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    #[test]
    fn accuracy_bound_matches_bucket_width() {
        // A bucket spans [lo, lo (1 + 2^-6)]; the representative's worst relative
        // error is (hi - lo) / (hi + lo).
        let lo = 1.0;
        let hi = 1.0 + 1.0 / 64.0;
        assert!(((hi - lo) / (hi + lo) - RELATIVE_ACCURACY).abs() < 1e-15);
        const { assert!(RELATIVE_ACCURACY < 0.01) };
    }

    #[test]
    fn every_quantile_within_relative_accuracy_on_mixed_signs() {
        // Values spanning many octaves, both signs and zeros.
        let mut values: Vec<f64> = (0..5000)
            .map(|i| {
                let u = (i as f64 * 0.618_033_988_75).fract();
                let magnitude = 10f64.powf(-3.0 + 8.0 * u);
                if i % 3 == 0 {
                    -magnitude
                } else if i % 97 == 0 {
                    0.0
                } else {
                    magnitude
                }
            })
            .collect();
        let mut sketch = QuantileSketch::new();
        values.iter().for_each(|&x| sketch.add(x));
        values.sort_by(f64::total_cmp);
        for i in 0..=200 {
            let q = i as f64 / 200.0;
            let exact = exact_quantile(&values, q);
            let est = sketch.quantile(q).unwrap();
            assert!(
                (est - exact).abs() <= RELATIVE_ACCURACY * exact.abs(),
                "q={q} exact={exact} est={est}"
            );
        }
    }

    #[test]
    fn slices_give_the_same_sketch_as_single_values() {
        let positive: Vec<f64> = (0..4_000)
            .map(|i| 10f64.powf(-5.0 + 10.0 * ((i as f64) * 0.618_033_988_75).fract()))
            .collect();
        let mut special = positive.clone();
        for (i, x) in [
            -2.5,
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::from_bits(1),
            f64::MIN_POSITIVE,
        ]
        .into_iter()
        .enumerate()
        {
            special[i * 300 + 7] = x;
        }
        for data in [&positive, &special] {
            for chunk in [1, 7, 256, 4_000] {
                let mut slices = QuantileSketch::new();
                data.chunks(chunk)
                    .for_each(|c| slices.extend(c.iter().copied()));
                let mut single = QuantileSketch::new();
                data.iter().for_each(|&x| single.add(x));
                assert_eq!(slices, single, "chunk {chunk}");
                assert_eq!(slices.count(), single.count());
            }
            for stride in [1, 3, 136] {
                let mut strided = QuantileSketch::new();
                data.chunks(5 * stride)
                    .for_each(|c| strided.extend_strided(c, stride));
                let mut single = QuantileSketch::new();
                data.iter().step_by(stride).for_each(|&x| single.add(x));
                assert_eq!(strided, single, "stride {stride}");
            }
        }
    }

    #[test]
    fn merge_is_exact_and_order_free() {
        let data: Vec<f64> = (0..3000)
            .map(|i| ((i * 7919) % 1013) as f64 - 300.0)
            .collect();
        let mut whole = QuantileSketch::new();
        data.iter().for_each(|&x| whole.add(x));
        let mut parts: Vec<QuantileSketch> = data
            .chunks(337)
            .map(|c| {
                let mut s = QuantileSketch::new();
                c.iter().for_each(|&x| s.add(x));
                s
            })
            .collect();
        let mut forward = QuantileSketch::new();
        parts.iter().for_each(|p| forward.merge(p));
        parts.reverse();
        let mut backward = QuantileSketch::new();
        parts.iter().for_each(|p| backward.merge(p));
        for q in [0.0, 0.01, 0.25, 0.5, 0.9, 1.0] {
            assert_eq!(forward.quantile(q), whole.quantile(q));
            assert_eq!(backward.quantile(q), whole.quantile(q));
        }
        assert_eq!(forward.count(), 3000);
    }

    #[test]
    fn serde_round_trip_is_canonical() {
        let mut a = QuantileSketch::new();
        let mut b = QuantileSketch::new();
        for x in [1.0, -3.0, 0.0, 250.0, 7.5] {
            a.add(x);
        }
        // Same data inserted in another order grows the stores differently.
        for x in [250.0, 7.5, 0.0, -3.0, 1.0] {
            b.add(x);
        }
        assert_eq!(a, b);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, serde_json::to_string(&b).unwrap());
        let back: QuantileSketch = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.quantile(0.5), a.quantile(0.5));
    }

    #[test]
    fn deserialisation_rejects_counts_and_keys_out_of_range() {
        let store =
            |offset: u64, counts: &str| format!(r#"{{"offset":{offset},"counts":{counts}}}"#);
        let sketch = |p: &str, n: &str, zeros: u64| {
            format!(r#"{{"positive":{p},"negative":{n},"zeros":{zeros}}}"#)
        };
        let empty = store(0, "[]");
        let ok = sketch(&store(u64::from(MAX_KEY), "[1]"), &empty, 2);
        assert_eq!(
            serde_json::from_str::<QuantileSketch>(&ok).unwrap().count(),
            3
        );
        // Keys past that of +inf (whose successor overflowed a u32 in
        // `representative`), and counts whose total overflows a u64.
        let past = sketch(&store(u64::from(MAX_KEY), "[1, 1]"), &empty, 0);
        assert!(serde_json::from_str::<QuantileSketch>(&past).is_err());
        let big = format!("[{}]", u64::MAX);
        let overflow = sketch(&store(10, &big), &store(10, &big), 0);
        assert!(serde_json::from_str::<QuantileSketch>(&overflow).is_err());
        let overflow = sketch(&store(10, &big), &empty, 1);
        assert!(serde_json::from_str::<QuantileSketch>(&overflow).is_err());
    }

    #[test]
    fn empty_and_out_of_range() {
        let mut s = QuantileSketch::new();
        assert_eq!(s.quantile(0.5), None);
        s.add(1.0);
        assert_eq!(s.quantile(1.5), None);
        assert_eq!(s.quantile(f64::NAN), None);
        s.add(f64::NAN);
        assert_eq!(s.count(), 1);
    }

    #[test]
    fn cdf_counts_values_at_or_below() {
        let mut s = QuantileSketch::new();
        for x in [-2.0, -1.0, 0.0, 1.0, 2.0, 4.0] {
            s.add(x);
        }
        assert_eq!(s.cdf(-1.5), Some(1.0 / 6.0));
        assert_eq!(s.cdf(0.0), Some(3.0 / 6.0));
        assert_eq!(s.cdf(3.0), Some(5.0 / 6.0));
        assert_eq!(s.cdf(100.0), Some(1.0));
    }
}
