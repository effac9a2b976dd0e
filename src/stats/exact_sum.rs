//! Exact, order-independent summation of `f64` values.

use serde::{Deserialize, Serialize};

/// Bits per limb digit.
const DIGIT_BITS: u32 = 32;
const DIGIT_MASK: i64 = (1 << DIGIT_BITS) - 1;
/// Bit position 0 has weight 2^-1074, the smallest subnormal.
const MIN_EXPONENT: i32 = -1074;
/// Limbs cover positions 0 .. 70 * 32 = 2240 bits: the 2098 bits of the f64 range
/// plus headroom for 2^64 maximal addends, plus the sign.
const LIMBS: usize = 70;
/// Unnormalised additions a limb can absorb before its i64 could overflow: every
/// addition adds less than 2^32 in magnitude to each limb.
const MAX_PENDING: u32 = 1 << 30;

/// An exact sum of `f64` values.
///
/// Floating-point addition is not associative, so a parallel sum whose tree shape
/// depends on the number of threads gives results that differ in the last bits from
/// run to run. [`ExactSum`] keeps the sum exactly, as a fixed-point number wide enough
/// for the whole `f64` range (a "superaccumulator"), so any grouping and any order of
/// additions and merges gives the same bits. The engine uses it to combine the partial
/// sums of fixed blocks of paths, which is what makes its results independent of the
/// thread count and the chunking of paths.
///
/// A plain `f64` sum is exact per block; this type is used once per block and step,
/// not per path, so its cost (a few nanoseconds per addition) is amortised.
///
/// ```
/// use outpace::stats::ExactSum;
/// let mut a = ExactSum::new();
/// a.add(1e20);
/// a.add(1.0);
/// a.add(-1e20);
/// assert_eq!(a.value(), 1.0); // a naive f64 sum gives 0.0
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExactSum {
    /// Little-endian limbs, each a 32-bit digit with headroom; the value is
    /// `sum(limbs[i] * 2^(32 i - 1074))`.
    #[serde(with = "limbs_serde")]
    limbs: Box<[i64; LIMBS]>,
    /// Additions since the last normalisation.
    pending: u32,
    /// Sum of the non-finite addends (`0.0` if none): `inf`, `-inf` or `NaN`.
    special: u64,
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExactSum")
            .field("value", &self.value())
            .finish()
    }
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// An empty sum (value `0.0`).
    pub fn new() -> Self {
        ExactSum {
            limbs: Box::new([0; LIMBS]),
            pending: 0,
            special: 0.0f64.to_bits(),
        }
    }

    /// Adds `x` exactly. Non-finite values make the result non-finite, as with `+`.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.special = (f64::from_bits(self.special) + x).to_bits();
            return;
        }
        if x == 0.0 {
            return;
        }
        if self.pending >= MAX_PENDING {
            self.normalise();
        }
        self.pending += 1;
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as u32;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, position) = if biased == 0 {
            (fraction, 0)
        } else {
            (fraction | (1u64 << 52), biased - 1)
        };
        let index = (position / DIGIT_BITS) as usize;
        let wide = u128::from(mantissa) << (position % DIGIT_BITS);
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        for (k, limb) in self.limbs[index..index + 3].iter_mut().enumerate() {
            *limb += sign * ((wide >> (DIGIT_BITS as usize * k)) as i64 & DIGIT_MASK);
        }
    }

    /// Adds every value of `other` exactly, as if its addends had been added here.
    pub fn merge(&mut self, other: &ExactSum) {
        // Both counts are below 2^30, so their sum cannot overflow a u32.
        if self.pending + other.pending >= MAX_PENDING {
            let mut other = other.clone();
            other.normalise();
            self.normalise();
            self.add_limbs(&other);
        } else {
            self.add_limbs(other);
        }
        self.special = (f64::from_bits(self.special) + f64::from_bits(other.special)).to_bits();
    }

    fn add_limbs(&mut self, other: &ExactSum) {
        for (a, b) in self.limbs.iter_mut().zip(other.limbs.iter()) {
            *a += *b;
        }
        self.pending += other.pending;
    }

    /// The sum, correctly rounded to the nearest `f64` (ties to even), except in the
    /// subnormal range, where it may be off by one unit in the last place. A sum
    /// beyond the `f64` range is `±inf`.
    pub fn value(&self) -> f64 {
        let special = f64::from_bits(self.special);
        if special != 0.0 {
            return special;
        }
        let mut limbs = self.limbs.clone();
        carry(&mut limbs);
        let negative = limbs[LIMBS - 1] < 0;
        if negative {
            for limb in limbs.iter_mut() {
                *limb = -*limb;
            }
            carry(&mut limbs);
        }
        let magnitude = magnitude_to_f64(&limbs);
        if negative { -magnitude } else { magnitude }
    }

    /// The same sum in its canonical form: limbs carried (every limb but the top
    /// one in `[0, 2^32)`), so that equal sums have equal limbs whatever the order
    /// of their additions and merges; used to write sums out.
    pub(crate) fn canonical(&self) -> ExactSum {
        let mut sum = self.clone();
        sum.normalise();
        sum
    }

    /// Whether the limbs are in canonical form (see [`canonical`](Self::canonical))
    /// with a top limb that leaves the headroom of normalised limbs and no
    /// non-finite addend: what a sum read back from a file must be before it is
    /// merged.
    pub(crate) fn is_canonical(&self) -> bool {
        let (top, rest) = self.limbs.split_last().expect("LIMBS > 0");
        self.pending == 1
            && self.special == 0.0f64.to_bits()
            && rest.iter().all(|&l| (0..=DIGIT_MASK).contains(&l))
            && top.abs() <= DIGIT_MASK
    }

    /// Brings every limb but the top one into `[0, 2^32)`; the value is unchanged.
    fn normalise(&mut self) {
        carry(&mut self.limbs);
        self.pending = 1;
    }
}

/// Carry propagation: limbs `0..LIMBS-1` end in `[0, 2^32)`, the top one keeps the sign.
fn carry(limbs: &mut [i64; LIMBS]) {
    for i in 0..LIMBS - 1 {
        let c = limbs[i] >> DIGIT_BITS;
        limbs[i] -= c << DIGIT_BITS;
        limbs[i + 1] += c;
    }
}

/// Converts normalised, non-negative limbs to the nearest `f64`.
fn magnitude_to_f64(limbs: &[i64; LIMBS]) -> f64 {
    let Some(top) = limbs.iter().rposition(|&l| l != 0) else {
        return 0.0;
    };
    let low = top.saturating_sub(2);
    let mut mantissa = 0u128;
    for i in (low..=top).rev() {
        mantissa = (mantissa << DIGIT_BITS) | limbs[i] as u128;
    }
    // The window holds at least 65 significant bits when top >= 2, so a sticky bit
    // in its lowest place decides ties correctly without disturbing other cases.
    if limbs[..low].iter().any(|&l| l != 0) {
        mantissa |= 1;
    }
    let exponent = (low as i32) * DIGIT_BITS as i32 + MIN_EXPONENT;
    let half = exponent / 2;
    (mantissa as f64) * pow2(half) * pow2(exponent - half)
}

/// `2^k` for `k` in the normal exponent range.
fn pow2(k: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&k));
    f64::from_bits(((k + 1023) as u64) << 52)
}

mod limbs_serde {
    use super::LIMBS;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(limbs: &[i64; LIMBS], s: S) -> Result<S::Ok, S::Error> {
        limbs.as_slice().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[i64; LIMBS]>, D::Error> {
        let v = Vec::<i64>::deserialize(d)?;
        let len = v.len();
        v.into_boxed_slice()
            .try_into()
            .map_err(|_| serde::de::Error::invalid_length(len, &"70 limbs"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_is_exact() {
        let mut s = ExactSum::new();
        for x in [1e300, 3.0, -1e300, 1e-300, -1e-300, 0.5] {
            s.add(x);
        }
        assert_eq!(s.value(), 3.5);
    }

    #[test]
    fn signs_and_zero() {
        let mut s = ExactSum::new();
        assert_eq!(s.value(), 0.0);
        s.add(-2.25);
        assert_eq!(s.value(), -2.25);
        s.add(-0.0);
        assert_eq!(s.value(), -2.25);
    }

    #[test]
    fn subnormals_and_extremes() {
        let tiny = f64::from_bits(1);
        let mut s = ExactSum::new();
        s.add(tiny);
        s.add(tiny);
        assert_eq!(s.value(), 2.0 * tiny);
        let mut big = ExactSum::new();
        big.add(f64::MAX);
        big.add(f64::MAX);
        assert_eq!(big.value(), f64::INFINITY);
        big.add(-f64::MAX);
        assert_eq!(big.value(), f64::MAX);
    }

    #[test]
    fn ties_round_to_even_with_sticky_bits() {
        // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: rounds to even (2^53).
        let mut s = ExactSum::new();
        s.add(9007199254740992.0);
        s.add(1.0);
        assert_eq!(s.value(), 9007199254740992.0);
        // A tiny extra amount breaks the tie upwards.
        s.add(1e-200);
        assert_eq!(s.value(), 9007199254740994.0);
    }

    #[test]
    fn non_finite_addends_propagate() {
        let mut s = ExactSum::new();
        s.add(1.0);
        s.add(f64::INFINITY);
        assert_eq!(s.value(), f64::INFINITY);
        s.add(f64::NEG_INFINITY);
        assert!(s.value().is_nan());
    }

    #[test]
    fn serde_round_trip() {
        let mut s = ExactSum::new();
        s.add(123.456);
        s.add(-1e-9);
        let json = serde_json::to_string(&s).unwrap();
        let back: ExactSum = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
