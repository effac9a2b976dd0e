//! Plain `f64` partial sums of a block of paths, cell by cell: the first stage of
//! the engine's summation (see `engine::collector` for why results do not depend
//! on threads or chunking).

use crate::stats::{BlockSums, Moments, QuantileSketch, extend_lanes};

/// Plain `f64` partial sums of a block, one entry per cell, stored as arrays so that
/// adding a path is a vectorisable loop.
pub(crate) struct CellSums {
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl CellSums {
    pub fn new(cells: usize) -> Self {
        let empty = BlockSums::default();
        CellSums {
            sum: vec![empty.sum; cells],
            sum_sq: vec![empty.sum_sq; cells],
            min: vec![empty.min; cells],
            max: vec![empty.max; cells],
        }
    }

    /// Adds one path's values of every cell. A NaN or infinite value (or one whose
    /// square overflows) makes its cell's sums non-finite, which
    /// [`is_finite`](Self::is_finite) detects once per block: no per-value test.
    /// Four cells per instruction with AVX2 when the CPU has it: both forms do the
    /// same IEEE operations on each cell, hence the same bits (tested).
    #[inline]
    pub fn add_all(&mut self, xs: &[f64], shift: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { self.add_all_avx2(xs, shift) };
            return;
        }
        self.add_from(0, xs, shift);
    }

    /// [`add_all`](Self::add_all) with AVX2 intrinsics. Left to the compiler, the
    /// minimum became a masked store (the loop stores `min[i]` only when
    /// `x < min[i]`), which was slower (`docs/performance.md`, "Fewer instructions
    /// per value in the accumulators").
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_all_avx2(&mut self, xs: &[f64], shift: &[f64]) {
        let n = xs.len();
        assert!(self.lengths().chain([shift.len()]).all(|len| len >= n));
        let whole = n - n % 4;
        for i in (0..whole).step_by(4) {
            // SAFETY: every slice has at least `n` values (asserted above) and
            // `i + 4 <= whole <= n`; AVX2 is enabled.
            unsafe {
                let mut lanes = avx2::Lanes::load(self, i);
                lanes.add(avx2::load(xs, i), avx2::load(shift, i));
                lanes.store(self, i);
            }
        }
        self.add_from(whole, xs, shift);
    }

    /// The lengths of the four arrays.
    fn lengths(&self) -> impl Iterator<Item = usize> {
        [&self.sum, &self.sum_sq, &self.min, &self.max]
            .into_iter()
            .map(|v| v.len())
    }

    /// Adds the values of cells `first..` (the portable form of
    /// [`add_all`](Self::add_all)).
    #[inline(always)]
    fn add_from(&mut self, first: usize, xs: &[f64], shift: &[f64]) {
        let n = xs.len();
        let (sum, sum_sq) = (&mut self.sum[..n], &mut self.sum_sq[..n]);
        let (min, max, shift) = (&mut self.min[..n], &mut self.max[..n], &shift[..n]);
        for i in first..n {
            add_value(
                (&mut sum[i], &mut sum_sq[i]),
                (&mut min[i], &mut max[i]),
                xs[i],
                shift[i],
            );
        }
    }

    /// Whether every partial sum is finite.
    pub fn is_finite(&self) -> bool {
        all_finite(&self.sum) && all_finite(&self.sum_sq)
    }

    /// Adds the cells `first, first + stride, ...` only.
    pub fn add_strided(&mut self, xs: &[f64], shift: &[f64], first: usize, stride: usize) {
        for i in (first..xs.len()).step_by(stride) {
            add_value(
                (&mut self.sum[i], &mut self.sum_sq[i]),
                (&mut self.min[i], &mut self.max[i]),
                xs[i],
                shift[i],
            );
        }
    }

    /// [`add_columns`](Self::add_columns) for the [`COLUMN_LANES`] cells from
    /// `first`, with AVX2 when the CPU has it: the same operations on each lane,
    /// hence the same bits (tested).
    pub fn add_column_group(
        &mut self,
        sketches: &mut [QuantileSketch; COLUMN_LANES],
        first: usize,
        block: BlockRows<'_>,
        shift: &[f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { self.add_columns_avx2(sketches, first, block, shift) };
            return;
        }
        self.add_columns(sketches, first, block, shift);
    }

    /// [`add_columns`](Self::add_columns) of four cells with AVX2 intrinsics: one
    /// register per running sum, and the four bucket slots computed and
    /// range-checked at once (the compiler's version of the generic form kept
    /// the sums in halves and the count pointers on the stack, about twice the
    /// instructions a value: `docs/performance.md`, "One pass for the sums and the
    /// sketches").
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_columns_avx2(
        &mut self,
        sketches: &mut [QuantileSketch; COLUMN_LANES],
        first: usize,
        block: BlockRows<'_>,
        shift: &[f64],
    ) {
        let BlockRows { rows, row, count } = block;
        if count == 0 {
            return;
        }
        let end = first + COLUMN_LANES;
        assert!(end <= row && (count - 1) * row + end <= rows.len());
        assert!(self.lengths().chain([shift.len()]).all(|len| len >= end));
        // The four arrays and `shift` have at least `first + 4` values and every
        // row read ends within `rows` (asserted above); AVX2 is enabled.
        // SAFETY: `first + 4 <= len` of the arrays and of `shift`; AVX2.
        let (mut lanes, shift) =
            unsafe { (avx2::Lanes::load(self, first), avx2::load(shift, first)) };
        let mut counted = 0;
        let mut path = 0;
        while path < count {
            // SAFETY: AVX2 is enabled (the function's target feature).
            let mut buckets = unsafe { avx2::Buckets::of(sketches) };
            let mut missed = None;
            while path < count {
                // SAFETY: `path < count`, so the row ends at most at
                // `(count - 1) * row + first + 4 <= rows.len()` (asserted).
                let x = unsafe { avx2::load(rows, path * row + first) };
                // SAFETY: AVX2 is enabled.
                unsafe { lanes.add(x, shift) };
                path += 1;
                // SAFETY: AVX2 is enabled.
                if !unsafe { buckets.count(x) } {
                    missed = Some(x);
                    break;
                }
                counted += 1;
            }
            if let Some(x) = missed {
                // SAFETY: `__m256d` is four `f64` lanes, the same size and any
                // bit pattern valid for both.
                let values: [f64; COLUMN_LANES] = unsafe { std::mem::transmute(x) };
                for (sketch, x) in sketches.iter_mut().zip(values) {
                    sketch.add(x);
                }
            }
        }
        for sketch in sketches {
            sketch.add_counted_positive(counted);
        }
        // SAFETY: `first + 4 <= len` of the four arrays (asserted); AVX2.
        unsafe { lanes.store(self, first) };
    }

    /// Adds the block's values of cells `first..first + L` (`L` lanes), read down
    /// the rows, to their sums and to `sketches` (one per cell). The sums stay in
    /// registers for the whole block instead of being loaded and stored once per
    /// path, and each value is read once for both. Each cell still receives its
    /// values in path order, so the sums have the same bits as
    /// [`add_all`](Self::add_all) on each row in turn.
    #[inline(always)]
    pub fn add_columns<const L: usize>(
        &mut self,
        sketches: &mut [QuantileSketch; L],
        first: usize,
        block: BlockRows<'_>,
        shift: &[f64],
    ) {
        let lanes = |v: &[f64]| -> [f64; L] { std::array::from_fn(|l| v[first + l]) };
        let shift = lanes(shift);
        let (mut sum, mut sum_sq) = (lanes(&self.sum), lanes(&self.sum_sq));
        let (mut min, mut max) = (lanes(&self.min), lanes(&self.max));
        let (columns, mut path) = (&block.rows[first..], 0);
        extend_lanes(sketches, || {
            if path == block.count {
                return None;
            }
            let x: [f64; L] = columns[path * block.row..][..L].try_into().unwrap();
            path += 1;
            for l in 0..L {
                add_value(
                    (&mut sum[l], &mut sum_sq[l]),
                    (&mut min[l], &mut max[l]),
                    x[l],
                    shift[l],
                );
            }
            Some(x)
        });
        for (cells, lanes) in [
            (&mut self.sum, sum),
            (&mut self.sum_sq, sum_sq),
            (&mut self.min, min),
            (&mut self.max, max),
        ] {
            cells[first..first + L].copy_from_slice(&lanes);
        }
    }

    /// Folds the block into `moments` (cell by cell) and resets it.
    pub fn flush(&mut self, count: u64, moments: &mut [Moments]) {
        for (i, m) in moments.iter_mut().enumerate() {
            let block = BlockSums {
                sum: self.sum[i],
                sum_sq: self.sum_sq[i],
                min: self.min[i],
                max: self.max[i],
            };
            if block.min <= block.max {
                m.add_block(count, &block);
            }
        }
        let empty = BlockSums::default();
        self.sum.fill(empty.sum);
        self.sum_sq.fill(empty.sum_sq);
        self.min.fill(empty.min);
        self.max.fill(empty.max);
    }
}

/// One observation `x` of a cell into its running `(sum, sum_sq)` of `x - shift`
/// and `(min, max)`. The extremes are written as the comparisons they are, which
/// compile to `minpd`/`maxpd` (`minpd(x, m)` is exactly `if x < m { x } else { m }`):
/// a NaN leaves them unchanged and a tie keeps the running value.
#[inline(always)]
fn add_value(
    (sum, sum_sq): (&mut f64, &mut f64),
    (min, max): (&mut f64, &mut f64),
    x: f64,
    shift: f64,
) {
    let d = x - shift;
    *sum += d;
    *sum_sq += d * d;
    *min = if x < *min { x } else { *min };
    *max = if x > *max { x } else { *max };
}

/// The AVX2 building blocks of [`CellSums`]. `vminpd(x, m)` is exactly
/// `if x < m { x } else { m }` and `vmaxpd(x, m)` is `if x > m { x } else { m }`,
/// so every lane does what [`add_value`] does.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{COLUMN_LANES, CellSums};
    use crate::stats::{KEY_SHIFT, QuantileSketch};
    use std::arch::x86_64::{
        __m256d, __m256i, _mm256_add_pd, _mm256_and_si256, _mm256_castpd_si256,
        _mm256_castsi256_pd, _mm256_cmpgt_epi64, _mm256_loadu_pd, _mm256_max_pd, _mm256_min_pd,
        _mm256_movemask_pd, _mm256_mul_pd, _mm256_set1_epi64x, _mm256_setr_epi64x,
        _mm256_srli_epi64, _mm256_storeu_pd, _mm256_storeu_si256, _mm256_sub_epi64, _mm256_sub_pd,
    };

    /// Four values of `xs` from `at`.
    ///
    /// # Safety
    /// `at + 4 <= xs.len()` and the CPU supports AVX2.
    #[inline(always)]
    pub unsafe fn load(xs: &[f64], at: usize) -> __m256d {
        // SAFETY: the caller guarantees `at + 4 <= xs.len()` and AVX2.
        unsafe { _mm256_loadu_pd(xs.as_ptr().add(at)) }
    }

    /// The running sums of four cells.
    pub struct Lanes {
        sum: __m256d,
        sum_sq: __m256d,
        min: __m256d,
        max: __m256d,
    }

    impl Lanes {
        /// The sums of cells `at..at + 4`.
        ///
        /// # Safety
        /// The arrays of `cells` have at least `at + 4` values; AVX2.
        #[inline(always)]
        pub unsafe fn load(cells: &CellSums, at: usize) -> Self {
            // SAFETY: the caller guarantees `at + 4` values in each array and AVX2.
            unsafe {
                Lanes {
                    sum: load(&cells.sum, at),
                    sum_sq: load(&cells.sum_sq, at),
                    min: load(&cells.min, at),
                    max: load(&cells.max, at),
                }
            }
        }

        /// Writes the sums back to cells `at..at + 4`.
        ///
        /// # Safety
        /// As for [`load`](Self::load).
        #[inline(always)]
        pub unsafe fn store(&self, cells: &mut CellSums, at: usize) {
            // SAFETY: the caller guarantees `at + 4` values in each array and AVX2.
            unsafe {
                _mm256_storeu_pd(cells.sum.as_mut_ptr().add(at), self.sum);
                _mm256_storeu_pd(cells.sum_sq.as_mut_ptr().add(at), self.sum_sq);
                _mm256_storeu_pd(cells.min.as_mut_ptr().add(at), self.min);
                _mm256_storeu_pd(cells.max.as_mut_ptr().add(at), self.max);
            }
        }

        /// Adds one value per cell.
        ///
        /// # Safety
        /// AVX2.
        #[inline(always)]
        pub unsafe fn add(&mut self, x: __m256d, shift: __m256d) {
            // SAFETY: register arithmetic only; the caller guarantees AVX2.
            unsafe {
                let d = _mm256_sub_pd(x, shift);
                self.sum = _mm256_add_pd(self.sum, d);
                self.sum_sq = _mm256_add_pd(self.sum_sq, _mm256_mul_pd(d, d));
                self.min = _mm256_min_pd(x, self.min);
                self.max = _mm256_max_pd(x, self.max);
            }
        }
    }

    /// The allocated buckets of positive values of four sketches (see
    /// [`QuantileSketch::positive_window`]).
    pub struct Buckets<'a> {
        first: __m256i,
        len: __m256i,
        counts: [&'a mut [u64]; COLUMN_LANES],
    }

    impl<'a> Buckets<'a> {
        /// The windows of `sketches`.
        ///
        /// # Safety
        /// AVX2.
        #[inline(always)]
        pub unsafe fn of(sketches: &'a mut [QuantileSketch; COLUMN_LANES]) -> Self {
            let windows = sketches.each_mut().map(|s| s.positive_window());
            let first = windows.each_ref().map(|w| i64::from(w.0));
            // Below 2^31: a window never exceeds the key range.
            let len = windows.each_ref().map(|w| w.1.len() as i64);
            // SAFETY: register construction only; the caller guarantees AVX2.
            let (first, len) = unsafe {
                (
                    _mm256_setr_epi64x(first[0], first[1], first[2], first[3]),
                    _mm256_setr_epi64x(len[0], len[1], len[2], len[3]),
                )
            };
            Buckets {
                first,
                len,
                counts: windows.map(|w| w.1),
            }
        }

        /// Counts the four values of `x` if every one has an allocated bucket;
        /// returns whether it did (if not, none is counted). The slot is computed
        /// as in [`QuantileSketch::positive_window`]: the key minus the first key
        /// in 32-bit wrapping arithmetic, which is non-negative as a 64-bit lane,
        /// so a signed comparison with the length is the range check.
        ///
        /// # Safety
        /// AVX2.
        #[inline(always)]
        pub unsafe fn count(&mut self, x: __m256d) -> bool {
            // SAFETY: AVX2 is guaranteed by the caller; the unchecked index is in
            // range because every slot passed the comparison with its length.
            unsafe {
                let keys = _mm256_srli_epi64::<{ KEY_SHIFT as i32 }>(_mm256_castpd_si256(x));
                let low = _mm256_set1_epi64x(0xffff_ffff);
                let slots = _mm256_and_si256(_mm256_sub_epi64(keys, self.first), low);
                let inside = _mm256_castsi256_pd(_mm256_cmpgt_epi64(self.len, slots));
                if _mm256_movemask_pd(inside) != 0b1111 {
                    return false;
                }
                let mut at = [0u64; COLUMN_LANES];
                _mm256_storeu_si256(at.as_mut_ptr().cast(), slots);
                for (counts, at) in self.counts.iter_mut().zip(at) {
                    // In range: checked by the comparison above.
                    *counts.get_unchecked_mut(at as usize) += 1;
                }
                true
            }
        }
    }
}

/// The simulated rows of a block: `count` rows of `row` values each, one per path.
#[derive(Clone, Copy)]
pub(crate) struct BlockRows<'a> {
    pub rows: &'a [f64],
    pub row: usize,
    pub count: usize,
}

/// Cells per group of the column pass: four `f64` lanes fill an AVX2 register.
pub(crate) const COLUMN_LANES: usize = 4;

/// Whether every value is finite. `x * 0` is a zero for finite `x` and NaN for an
/// infinity or NaN, and a NaN survives any sum; four running sums instead of one
/// let the loop vectorise (integer tests of the exponent bits did not under SSE2,
/// which has no 64-bit integer comparison; counts in `docs/performance.md`).
pub(crate) fn all_finite(xs: &[f64]) -> bool {
    const LANES: usize = 4;
    let mut lanes = [0.0; LANES];
    let mut chunks = xs.chunks_exact(LANES);
    for chunk in chunks.by_ref() {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += x * 0.0;
        }
    }
    let rest: f64 = chunks.remainder().iter().map(|&x| x * 0.0).sum();
    lanes.iter().sum::<f64>() + rest == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NaN, infinities and signed zeros.
    const SPECIAL: [f64; 5] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0];

    fn assert_same_bits(a: &CellSums, b: &CellSums) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let pairs = [
            (&a.sum, &b.sum),
            (&a.sum_sq, &b.sum_sq),
            (&a.min, &b.min),
            (&a.max, &b.max),
        ];
        for (x, y) in pairs {
            assert_eq!(bits(x), bits(y));
        }
    }

    /// Nine cells (two groups of four and one more) of 40 paths, in rows of 11:
    /// mostly positive values, and NaN, infinities, signed zeros, negative,
    /// subnormal and ever larger values, which the sketches have no bucket for
    /// when they arrive.
    fn column_block() -> (Vec<f64>, usize, usize) {
        let (cells, row, paths) = (9, 11, 40);
        let special: Vec<f64> = SPECIAL
            .into_iter()
            .chain([-3.5, f64::from_bits(3)])
            .collect();
        let mut rows = vec![0.0; paths * row];
        for p in 0..paths {
            for c in 0..cells {
                let k = p * 7 + c * 3;
                rows[p * row + c] = match k % 17 {
                    5 => special[(k / 17) % special.len()],
                    9 => 2f64.powi(p as i32),
                    _ => 1.0 + (k % 13) as f64 * 0.37,
                };
            }
        }
        (rows, row, cells)
    }

    #[test]
    fn column_pass_equals_adding_row_by_row() {
        let (rows, row, cells) = column_block();
        let count = rows.len() / row;
        let shift: Vec<f64> = (0..cells).map(|c| 0.5 * c as f64).collect();
        let block = BlockRows {
            rows: &rows,
            row,
            count,
        };
        // Row by row, value by value, twice: the second block starts from
        // sketches that have buckets.
        let mut expected = (CellSums::new(cells), vec![QuantileSketch::new(); cells]);
        for _ in 0..2 {
            for values in rows.chunks_exact(row) {
                expected.0.add_from(0, &values[..cells], &shift);
                for (sketch, &x) in expected.1.iter_mut().zip(values) {
                    sketch.add(x);
                }
            }
        }
        // By columns: the dispatched groups (AVX2 here when the CPU has it) and
        // the generic form of the groups.
        for dispatched in [true, false] {
            let mut cells_sums = CellSums::new(cells);
            let mut sketches = vec![QuantileSketch::new(); cells];
            for _ in 0..2 {
                let (groups, rest) = sketches.as_chunks_mut::<COLUMN_LANES>();
                for (g, group) in groups.iter_mut().enumerate() {
                    let first = g * COLUMN_LANES;
                    if dispatched {
                        cells_sums.add_column_group(group, first, block, &shift);
                    } else {
                        cells_sums.add_columns(group, first, block, &shift);
                    }
                }
                let last = std::array::from_mut(&mut rest[0]);
                cells_sums.add_columns(last, cells - 1, block, &shift);
            }
            let (sums, sketched) = (&expected.0, &expected.1);
            assert_same_bits(&cells_sums, sums);
            assert_eq!(&sketches, sketched, "{dispatched}");
            let counts: Vec<u64> = sketches.iter().map(QuantileSketch::count).collect();
            assert_eq!(
                counts,
                sketched
                    .iter()
                    .map(QuantileSketch::count)
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn cell_update_is_the_same_with_and_without_avx2() {
        // NaN, infinities, signed zeros and ties with the running extremes, in
        // every lane position and in the scalar remainder.
        let special: Vec<f64> = SPECIAL.into_iter().chain([1.5, -2.5]).collect();
        let xs: Vec<f64> = (0..23).map(|i| special[i % special.len()]).collect();
        let shift: Vec<f64> = (0..23).map(|i| 0.25 * i as f64 - 1.0).collect();
        let start = || {
            let mut cells = CellSums::new(23);
            cells.sum.fill(0.5);
            for i in 0..23 {
                cells.min[i] = [f64::INFINITY, 0.0, -0.0, 1.5][i % 4];
                cells.max[i] = [f64::NEG_INFINITY, -0.0, 0.0, -2.5][i % 4];
            }
            cells
        };
        let (mut vectorised, mut portable) = (start(), start());
        for _ in 0..3 {
            vectorised.add_all(&xs, &shift);
            portable.add_from(0, &xs, &shift);
        }
        assert_same_bits(&vectorised, &portable);
    }
}
