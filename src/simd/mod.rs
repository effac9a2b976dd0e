//! The crate's only `unsafe` code: AVX2 kernels, each chosen at run time when the
//! CPU has AVX2 and otherwise replaced by a portable form doing the same IEEE
//! operations in the same order, hence the same bits (tested in each file and by
//! the engine's value-stability tests).
//!
//! The crate root denies `unsafe_code`; this module alone allows it, and every
//! `unsafe` block carries a `SAFETY:` comment (`clippy::undocumented_unsafe_blocks`).
//! Two kinds of obligation are discharged here: the CPU supports the target
//! feature (checked with `is_x86_feature_detected!` before each call), and every
//! unaligned 256-bit load or store stays inside its slice (asserted on lengths
//! before the loops).

pub(crate) mod cell_sums;

/// [`math::exp_in_place`](crate::math::exp_in_place): the AVX2 build of the
/// portable loop when the CPU has AVX2 (four lanes instead of two; no FMA is
/// enabled, so the same bits).
pub(crate) fn exp_in_place(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above; the function has no
        // other precondition.
        unsafe { exp_in_place_avx2(xs) };
        return;
    }
    crate::math::exp_in_place_portable(xs);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn exp_in_place_avx2(xs: &mut [f64]) {
    crate::math::exp_in_place_portable(xs);
}
