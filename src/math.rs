//! The exponential, with the same bits on every platform and a vectorised bulk form.
//!
//! `f64::exp` calls the platform's libm, whose last bits are not specified: glibc
//! picks an FMA or a non-FMA code path at run time, and other platforms ship other
//! libraries. [`exp`] uses only IEEE-754 additions, multiplications and bit
//! operations, which Rust evaluates exactly as written (it never contracts them into
//! fused multiply-adds), so it returns the same bits on every platform. Its core has
//! no branch and no table, so [`exp_in_place`] exponentiates a slice several values
//! per instruction; the engine uses it for series that models keep on the log scale
//! (see [`Model::exponentiated`](crate::engine::Model::exponentiated)).
//!
//! # Algorithm
//! For `x` in `[-708, 709]`:
//! 1. `n = round(x log2(e))` (to nearest, ties to even), computed as
//!    `t = x * LOG2_E + 1.5 * 2^52` and `n = t - 1.5 * 2^52`;
//! 2. `r = (x - n * LN2_HI) - n * LN2_LO`, with `ln 2 = LN2_HI + LN2_LO` split so
//!    that `n * LN2_HI` is exact (Cody and Waite); `|r| <= 0.3466`;
//! 3. `p = 1 + (r + r^2 s)`, where `s = sum_{k=2}^{11} c_k r^(k-2)` is the
//!    minimax polynomial of degree 9 for `(e^r - 1 - r) / r^2` on `|r| <= 0.34658`
//!    (weight `e^-r`, Remez exchange in 60-digit arithmetic,
//!    `scripts/exp_minimax.py`; [`COEFFICIENTS`] holds the `f64` nearest to each
//!    `c_k`), whose error adds less than `1.3e-17` relative to `p`. It is
//!    evaluated by Estrin's scheme in exactly this order:
//!    `s = ((c2 + c3 r) + (c4 + c5 r) r^2) + (((c6 + c7 r) + (c8 + c9 r) r^2)
//!    + (c10 + c11 r) r^4) r^4`, with `r^2 = r r` and `r^4 = r^2 r^2`;
//! 4. the result is `p 2^n`, formed by adding `n` to the exponent field of `p`.
//!
//! Outside that range, `2^n` is applied as two factors `2^floor(n/2) 2^(n -
//! floor(n/2))` so that results near overflow and in the subnormal range are right;
//! above `ln(f64::MAX)` the result is `+inf`, below `-745.2` it is `0`, and NaN
//! stays NaN. The result is within one unit in the last place of glibc's `exp`
//! (itself correctly rounded in all but rare cases), tested on 2 million arguments
//! over the whole range.

use std::f64::consts::LOG2_E;

/// `1.5 * 2^52`: adding it rounds a value below `2^51` in magnitude to an integer,
/// which then sits in the low bits of the sum.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// The high part of `ln 2`: 32 significant bits, so `n * LN2_HI` is exact for
/// `|n| < 2^21`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// `ln 2 - LN2_HI`, rounded.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// `c_2, ..., c_11` of the polynomial, as bit patterns so that they are exact:
/// the minimax coefficients (see the module documentation), close to but not equal
/// to `1 / k!` (a Taylor polynomial needs degree 13 for the same accuracy).
pub const COEFFICIENTS: [f64; 10] = [
    f64::from_bits(0x3fe0_0000_0000_0001),
    f64::from_bits(0x3fc5_5555_5555_5538),
    f64::from_bits(0x3fa5_5555_5555_3e3e),
    f64::from_bits(0x3f81_1111_1111_db77),
    f64::from_bits(0x3f56_c16c_1784_42c1),
    f64::from_bits(0x3f2a_01a0_1452_3d12),
    f64::from_bits(0x3efa_019b_9fd1_8236),
    f64::from_bits(0x3ec7_1df2_028a_0ff8),
    f64::from_bits(0x3e92_8908_a852_235c),
    f64::from_bits(0x3e5a_d3bc_7095_80a5),
];
/// The arguments for which the exponent of the result can be set directly.
const CORE_MIN: f64 = -708.0;
const CORE_MAX: f64 = 709.0;
/// Above this the result overflows; below [`UNDERFLOW`] it rounds to zero.
const OVERFLOW: f64 = 709.782_712_893_384;
const UNDERFLOW: f64 = -745.2;

/// `e^x`, with the same bits on every platform.
///
/// ```
/// use outpace::math::exp;
/// assert_eq!(exp(0.0), 1.0);
/// assert!((exp(1.0) - std::f64::consts::E).abs() <= f64::EPSILON * 3.0);
/// assert_eq!(exp(-1000.0), 0.0);
/// assert_eq!(exp(1000.0), f64::INFINITY);
/// assert!(exp(f64::NAN).is_nan());
/// ```
#[inline]
pub fn exp(x: f64) -> f64 {
    if in_core(x) {
        exp_core(x)
    } else {
        exp_outside(x)
    }
}

/// Replaces every value of `xs` by its [`exp`], vectorised: the same bits as
/// calling [`exp`] on each value, at a fraction of the cost.
///
/// ```
/// use outpace::math::{exp, exp_in_place};
/// let mut xs = [0.0, 1.0, -2.5, 700.0, -720.0, f64::NEG_INFINITY];
/// let expected = xs.map(exp);
/// exp_in_place(&mut xs);
/// assert_eq!(xs, expected);
/// ```
pub fn exp_in_place(xs: &mut [f64]) {
    crate::simd::exp_in_place(xs);
}

/// [`exp_in_place`] without target features; [`crate::simd`] compiles it for AVX2
/// too when the CPU has it. The slice is scanned first so that the common case,
/// every value in the core range, runs as one branch-free loop.
#[inline(always)]
pub(crate) fn exp_in_place_portable(xs: &mut [f64]) {
    let all_core = xs.iter().fold(true, |all, &x| all & in_core(x));
    if all_core {
        xs.iter_mut().for_each(|x| *x = exp_core(*x));
    } else {
        xs.iter_mut().for_each(|x| *x = exp(*x));
    }
}

/// Whether `x` is in `[CORE_MIN, CORE_MAX]` (false for NaN).
#[inline(always)]
fn in_core(x: f64) -> bool {
    (CORE_MIN..=CORE_MAX).contains(&x)
}

/// Steps 1 to 3 of the algorithm: `(p, t)` with `e^x = p 2^n`, `n` in the low bits
/// of `t`'s representation.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64) {
    let t = x * LOG2_E + SHIFTER;
    let n = t - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // The tail `r^2 s` by Estrin's scheme (a tree of depth 4 instead of Horner's
    // chain of 9 multiply-adds: a vectorised loop is bound by the latency of its
    // chains, measured), then `1 + (r + tail)`: the large terms are added last,
    // each rounded once.
    let c = COEFFICIENTS;
    let r2 = r * r;
    let r4 = r2 * r2;
    let pair = |k: usize| c[k] + c[k + 1] * r;
    let low = pair(0) + pair(2) * r2;
    let middle = pair(4) + pair(6) * r2;
    let tail = low + (middle + pair(8) * r4) * r4;
    let p = 1.0 + (r + tail * r2);
    (p, t)
}

/// `e^x` for `x` in the core range: `n` is added to the exponent field of `p`
/// (`p` is in `[0.7, 1.5)` and `n` in `[-1021, 1023]`, so the result is normal).
#[inline(always)]
fn exp_core(x: f64) -> f64 {
    let (p, t) = reduce(x);
    f64::from_bits(p.to_bits().wrapping_add(t.to_bits() << 52))
}

/// `e^x` outside the core range.
#[cold]
fn exp_outside(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    if x < UNDERFLOW {
        return 0.0;
    }
    let (p, t) = reduce(x);
    let n = (t - SHIFTER) as i64;
    let half = n >> 1;
    p * power_of_two(half) * power_of_two(n - half)
}

/// `2^k` for `k` in the normal range `[-1022, 1023]`.
fn power_of_two(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite values of one sign.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn ln2_split_is_exact_enough() {
        assert_eq!(LN2_HI + LN2_LO, std::f64::consts::LN_2);
        // 32 significant bits in the high part: n * LN2_HI exact for |n| < 2^21.
        assert_eq!(LN2_HI.to_bits() & ((1 << 21) - 1), 0);
        let n = 1_075.0;
        assert_eq!((n * LN2_HI) / n, LN2_HI);
    }

    #[test]
    fn multiples_of_ln2() {
        // Near k ln 2 the reduced argument is almost zero and the result is set by
        // the exponent field alone: over the whole range, subnormals included, it
        // stays within one ulp of the platform.
        for k in -1_074i64..=1_023 {
            let x = k as f64 * std::f64::consts::LN_2;
            assert!(
                ulps(exp(x), x.exp()) <= 1,
                "k = {k}: {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
    }

    #[test]
    fn within_one_ulp_of_the_platform_over_the_whole_range() {
        // The platform's exp is correctly rounded to within about 0.5 ulp; the bound
        // of 1 ulp between the two is what the algorithm achieves, measured.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut worst = 0;
        for i in 0..2_000_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let x = match i % 3 {
                0 => (u - 0.5) * 4.0,
                1 => (u - 0.5) * 80.0,
                _ => -746.0 + u * 1_456.0,
            };
            let (ours, platform) = (exp(x), x.exp());
            if platform == 0.0 || platform.is_infinite() {
                assert_eq!(ours, platform, "x = {x}");
                continue;
            }
            worst = worst.max(ulps(ours, platform));
            assert!(ulps(ours, platform) <= 1, "x = {x}: {ours} vs {platform}");
        }
        assert!(
            worst >= 1,
            "a sample this large meets at least one rounding tie"
        );
    }

    #[test]
    fn edges_of_the_range() {
        for x in [
            -745.2, -745.1, -744.0, -720.0, -708.5, -708.0, 709.0, 709.5, 709.78, OVERFLOW,
        ] {
            assert!(
                ulps(exp(x), x.exp()) <= 1,
                "x = {x}: {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(exp(709.79), f64::INFINITY);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(-746.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(-745.0) > 0.0, "the smallest subnormal is reached");
    }

    #[test]
    fn bulk_equals_scalar_bit_for_bit() {
        let xs: Vec<f64> = (0..1_000)
            .map(|i| ((i as f64) * 0.618_033_988_75).fract() * 30.0 - 15.0)
            .collect();
        let mut all_core = xs.clone();
        exp_in_place(&mut all_core);
        let mut portable = xs.clone();
        exp_in_place_portable(&mut portable);
        let mut with_edges = xs.clone();
        with_edges[17] = 800.0;
        with_edges[500] = f64::NAN;
        with_edges[999] = -730.0;
        let expected_edges: Vec<f64> = with_edges.iter().map(|&x| exp(x)).collect();
        exp_in_place(&mut with_edges);
        for (i, &x) in xs.iter().enumerate() {
            assert_eq!(all_core[i].to_bits(), exp(x).to_bits(), "x = {x}");
            assert_eq!(portable[i].to_bits(), exp(x).to_bits(), "x = {x}");
            assert_eq!(
                with_edges[i].to_bits(),
                expected_edges[i].to_bits(),
                "i = {i}"
            );
        }
    }

    #[test]
    fn pinned_bits_on_every_platform() {
        // Reference bits of this algorithm: the same on every platform by
        // construction, so they must never change.
        for (x, bits) in [
            (1.0, 0x4005_bf0a_8b14_576au64),
            (-0.3, 0x3fe7_b4c8_69c3_7c05),
            (12.345, 0x410c_0d80_ffb7_40c4),
        ] {
            assert_eq!(exp(x).to_bits(), bits, "x = {x}: {:#x}", exp(x).to_bits());
        }
    }
}
