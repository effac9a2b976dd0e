//! First-order (Saltelli 2010) and total (Jansen 1999) Sobol indices with
//! asymptotic (delta-method) or bootstrap confidence intervals.

use crate::engine::{Component, PathStreams};
use crate::error::{Error, Result};
use crate::stats::{Interval, two_sided_z};
use ndarray::{Array1, Array2, ArrayView2, ArrayView3, Axis, Zip};
use rand::Rng;
use rayon::prelude::*;

/// Stream of the bootstrap's resampled row indices: resample `r` reads
/// `PathStreams::new(seed, r).rng(SOBOL_BOOTSTRAP_STREAM)`.
pub const SOBOL_BOOTSTRAP_STREAM: Component = Component::new(0x5345_4e01);

/// How [`sobol_indices`] builds its confidence intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalMethod {
    /// `estimate ± z SE`, the standard error from the delta method (the default:
    /// one pass over the data, and accurate once `N` is a few hundred).
    Asymptotic,
    /// Percentile intervals of `resamples` bootstrap resamples of the `N` base rows,
    /// each drawn from a keyed stream (resample `r` from `(seed, r)`), so the result
    /// does not depend on the threads. Costs `resamples` times the estimate.
    Bootstrap {
        /// Number of resamples (`>= 2`; a few hundred for 95% intervals).
        resamples: usize,
        /// Seed of the resampling streams.
        seed: u64,
    },
}

/// Options of [`sobol_indices`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Two-sided confidence level of the intervals, in `(0, 1)` (default 0.95).
    pub confidence: f64,
    /// How the intervals are built (default [`IntervalMethod::Asymptotic`]).
    pub intervals: IntervalMethod,
}

impl Default for SobolOptions {
    fn default() -> Self {
        SobolOptions {
            confidence: 0.95,
            intervals: IntervalMethod::Asymptotic,
        }
    }
}

/// Sobol indices of `G` groups on `T` outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// `T`: the mean of each output over the `2N` rows of `A` and `B`.
    pub mean: Array1<f64>,
    /// `T`: the variance `V` of each output over the rows of `A` and `B` (divisor `2N`).
    pub variance: Array1<f64>,
    /// `G x T`: first-order indices `S_g` with intervals; `None` where `V = 0`.
    pub first: Array2<Option<Interval>>,
    /// `G x T`: total indices `ST_g` with intervals; `None` where `V = 0`.
    pub total: Array2<Option<Interval>>,
}

/// Sobol indices from the outputs of Saltelli's scheme.
///
/// `outputs` is `(G + 2) x N x T`: block 0 holds `f(A)`, block 1 `f(B)`, block
/// `2 + g` `f(AB_g)`, for `N` base rows and `T` outputs (for instance an indicator at
/// every quarter of a horizon). With every output centred by the mean `m` of its
/// `2N` values in `A` and `B` (`a_k = f(A)_k - m`, `b_k = f(B)_k - m`,
/// `c_k = f(AB_g)_k - m`) and `V = (1/2N) sum_k (a_k^2 + b_k^2)`:
///
/// ```text
/// S_g  = (1/N) sum_k b_k (c_k - a_k) / V          (Saltelli et al. 2010)
/// ST_g = (1/2N) sum_k (a_k - c_k)^2 / V           (Jansen 1999)
/// ```
///
/// Centring leaves `ST_g` unchanged and makes `S_g` invariant to a shift of the
/// output; without it the error of `S_g` grows with `|mean| / sd` (see
/// `docs/sensitivity.md`).
///
/// **Intervals** ([`SobolOptions`]). Asymptotic: each index is a ratio of means
/// over the i.i.d. base rows, `R = mean(x) / mean(v)` with `v_k = (a_k^2 + b_k^2) / 2`,
/// so its delta-method standard error is `sqrt(sum_k psi_k^2 / (N (N - 1)))` with
/// `psi_k = (x_k - R v_k) / V`, where `x_k = b_k (c_k - a_k)` for `S_g` and
/// `x_k = (a_k - c_k)^2 / 2` for `ST_g`; the interval is `R ± z SE`. Bootstrap:
/// percentile intervals over resamples of the base rows (each resample centred by its
/// own mean). Both assume independent base rows (plain Monte Carlo); for Latin
/// hypercube and scrambled Sobol rows they are conservative, and independent
/// replicates of the design measure the actual error.
///
/// Results are bit-identical whatever the threads: each group (and each bootstrap
/// resample) is summed in row order by one task.
///
/// Errors: fewer than 3 blocks or 2 rows, no output column, a non-finite value
/// (named `outputs[block, row, column]`), a confidence outside `(0, 1)`, fewer than 2
/// resamples.
pub fn sobol_indices(outputs: ArrayView3<'_, f64>, options: &SobolOptions) -> Result<SobolIndices> {
    check(outputs, options)?;
    let z = two_sided_z(options.confidence)?;
    let (blocks, n, columns) = outputs.dim();
    let groups = blocks - 2;
    let a = outputs.index_axis(Axis(0), 0);
    let b = outputs.index_axis(Axis(0), 1);
    let mean = Zip::from(a.axis_iter(Axis(1)))
        .and(b.axis_iter(Axis(1)))
        .map_collect(|x, y| (x.sum() + y.sum()) / (2 * n) as f64);
    let variance = Zip::from(a.axis_iter(Axis(1)))
        .and(b.axis_iter(Axis(1)))
        .and(&mean)
        .map_collect(|x, y, &m| {
            (x.iter().chain(y).map(|v| (v - m) * (v - m)).sum::<f64>()) / (2 * n) as f64
        });
    let centred = Centred {
        a,
        b,
        mean: &mean,
        variance: &variance,
    };
    let estimates: Vec<GroupEstimate> = (0..groups)
        .into_par_iter()
        .map(|g| centred.group(outputs.index_axis(Axis(0), 2 + g)))
        .collect();
    let defined = |t: usize| variance[t] > 0.0;
    let mut first = Array2::from_elem((groups, columns), None);
    let mut total = Array2::from_elem((groups, columns), None);
    match options.intervals {
        IntervalMethod::Asymptotic => {
            for (g, e) in estimates.iter().enumerate() {
                for t in (0..columns).filter(|&t| defined(t)) {
                    first[[g, t]] = Some(normal_interval(e.first[t], e.first_se[t], z));
                    total[[g, t]] = Some(normal_interval(e.total[t], e.total_se[t], z));
                }
            }
        }
        IntervalMethod::Bootstrap { resamples, seed } => {
            let draws = bootstrap(outputs, &mean, resamples, seed);
            let level = options.confidence;
            for (g, e) in estimates.iter().enumerate() {
                for t in (0..columns).filter(|&t| defined(t)) {
                    let at = |kind: usize| (kind * groups + g) * columns + t;
                    first[[g, t]] = percentile_interval(e.first[t], &draws, at(0), level);
                    total[[g, t]] = percentile_interval(e.total[t], &draws, at(1), level);
                }
            }
        }
    }
    Ok(SobolIndices {
        mean,
        variance,
        first,
        total,
    })
}

fn check(outputs: ArrayView3<'_, f64>, options: &SobolOptions) -> Result<()> {
    let (blocks, n, columns) = outputs.dim();
    if blocks < 3 {
        return Err(Error::invalid(
            "outputs",
            format!("{blocks} blocks"),
            "needs the blocks A, B and at least one AB_g",
        ));
    }
    if n < 2 {
        return Err(Error::invalid(
            "outputs",
            format!("{n} base rows"),
            "needs at least 2",
        ));
    }
    if columns == 0 {
        return Err(Error::invalid(
            "outputs",
            "no column",
            "needs at least one output",
        ));
    }
    if let Some(((b, k, t), x)) = outputs.indexed_iter().find(|(_, x)| !x.is_finite()) {
        return Err(Error::invalid(
            format!("outputs[{b}, {k}, {t}]"),
            x,
            "must be finite",
        ));
    }
    two_sided_z(options.confidence)?;
    if let IntervalMethod::Bootstrap { resamples, .. } = options.intervals
        && resamples < 2
    {
        return Err(Error::invalid("resamples", resamples, "must be >= 2"));
    }
    Ok(())
}

fn normal_interval(estimate: f64, se: f64, z: f64) -> Interval {
    Interval {
        estimate,
        lower: estimate - z * se,
        upper: estimate + z * se,
    }
}

/// The blocks `A` and `B` with each output's mean and variance.
struct Centred<'a, 'b> {
    a: ArrayView2<'a, f64>,
    b: ArrayView2<'a, f64>,
    mean: &'b Array1<f64>,
    variance: &'b Array1<f64>,
}

/// One group's indices and their delta-method standard errors, per output.
struct GroupEstimate {
    first: Vec<f64>,
    first_se: Vec<f64>,
    total: Vec<f64>,
    total_se: Vec<f64>,
}

impl Centred<'_, '_> {
    /// Calls `f(t, a, b, c, v)` with the centred values of every row and column, in
    /// row order, `v = (a^2 + b^2) / 2`.
    fn for_each(&self, ab: ArrayView2<'_, f64>, mut f: impl FnMut(usize, f64, f64, f64, f64)) {
        for ((ra, rb), rc) in self.a.rows().into_iter().zip(self.b.rows()).zip(ab.rows()) {
            for (t, (((&x, &y), &w), &m)) in ra.iter().zip(&rb).zip(&rc).zip(self.mean).enumerate()
            {
                let (a, b, c) = (x - m, y - m, w - m);
                f(t, a, b, c, 0.5 * (a * a + b * b));
            }
        }
    }

    /// Two passes over the rows: the indices, then the sums of the squared
    /// influence terms `psi`.
    fn group(&self, ab: ArrayView2<'_, f64>) -> GroupEstimate {
        let (n, columns) = (self.a.nrows() as f64, self.mean.len());
        let mut first = vec![0.0; columns];
        let mut total = vec![0.0; columns];
        self.for_each(ab, |t, a, b, c, _| {
            first[t] += b * (c - a);
            total[t] += 0.5 * (a - c) * (a - c);
        });
        for t in 0..columns {
            let v = self.variance[t];
            first[t] /= n * v;
            total[t] /= n * v;
        }
        let mut first_ss = vec![0.0; columns];
        let mut total_ss = vec![0.0; columns];
        self.for_each(ab, |t, a, b, c, v| {
            let psi_first = b * (c - a) - first[t] * v;
            let psi_total = 0.5 * (a - c) * (a - c) - total[t] * v;
            first_ss[t] += psi_first * psi_first;
            total_ss[t] += psi_total * psi_total;
        });
        let se = |ss: f64, t: usize| (ss / (n * (n - 1.0))).sqrt() / self.variance[t];
        GroupEstimate {
            first_se: (0..columns).map(|t| se(first_ss[t], t)).collect(),
            total_se: (0..columns).map(|t| se(total_ss[t], t)).collect(),
            first,
            total,
        }
    }
}

/// The estimates of every resample: for resample `r`, entry
/// `(kind * G + g) * T + t` of `draws[r]` (`kind` 0 for `S`, 1 for `ST`), NaN where
/// the resample's variance is 0.
fn bootstrap(
    outputs: ArrayView3<'_, f64>,
    mean: &Array1<f64>,
    resamples: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    let data = outputs.as_standard_layout();
    let data = Rows {
        values: data.as_slice().expect("standard layout"),
        rows: outputs.dim().1,
        columns: outputs.dim().2,
        mean: mean.as_slice().expect("a fresh array"),
    };
    (0..resamples)
        .into_par_iter()
        .map(|r| {
            data.resample(
                &resample_counts(seed, r as u64, data.rows),
                outputs.dim().0 - 2,
            )
        })
        .collect()
}

/// How many times each of the `n` base rows is drawn in resample `r`: `n` draws
/// with replacement, row `floor(w n / 2^64)` for each word `w` of the resample's
/// stream (a bias below `n / 2^64`).
fn resample_counts(seed: u64, r: u64, n: usize) -> Vec<u32> {
    let mut rng = PathStreams::new(seed, r).rng(SOBOL_BOOTSTRAP_STREAM);
    let mut counts = vec![0u32; n];
    for _ in 0..n {
        counts[((u128::from(rng.next_u64()) * n as u128) >> 64) as usize] += 1;
    }
    counts
}

/// The `(G + 2) x N x T` outputs as one row-major slice, and each column's mean.
struct Rows<'a> {
    values: &'a [f64],
    rows: usize,
    columns: usize,
    mean: &'a [f64],
}

impl Rows<'_> {
    fn row(&self, block: usize, k: usize) -> &[f64] {
        let start = (block * self.rows + k) * self.columns;
        &self.values[start..start + self.columns]
    }

    /// The indices of one resample, given each base row's count, each output
    /// centred by the resample's own mean `m_r` (on values already centred by the
    /// full sample's, so no cancellation): with weighted sums over the base rows,
    /// `S = (sum b (c - a) - m_r sum (c - a)) / (N V_r)`, `ST = sum (a - c)^2 / (2 N V_r)`,
    /// `V_r = sum (a^2 + b^2) / 2N - m_r^2`.
    fn resample(&self, counts: &[u32], groups: usize) -> Vec<f64> {
        let columns = self.columns;
        let drawn: Vec<(usize, f64)> = counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(k, &c)| (k, f64::from(c)))
            .collect();
        let (mut sum, mut squares) = (vec![0.0; columns], vec![0.0; columns]);
        for &(k, w) in &drawn {
            let (ra, rb) = (self.row(0, k), self.row(1, k));
            for t in 0..columns {
                let (x, y) = (ra[t] - self.mean[t], rb[t] - self.mean[t]);
                sum[t] += w * (x + y);
                squares[t] += w * (x * x + y * y);
            }
        }
        let n = self.rows as f64;
        let shift: Vec<f64> = sum.iter().map(|s| s / (2.0 * n)).collect();
        let var: Vec<f64> = (0..columns)
            .map(|t| squares[t] / (2.0 * n) - shift[t] * shift[t])
            .collect();
        // Per group and column: sum b (c - a), sum (c - a), sum (a - c)^2. Rows in the
        // outer loop, so that each row of the outputs is read once per resample.
        let mut cross = vec![0.0; groups * columns];
        let mut change = vec![0.0; groups * columns];
        let mut jump = vec![0.0; groups * columns];
        let (mut a, mut b) = (vec![0.0; columns], vec![0.0; columns]);
        for &(k, w) in &drawn {
            for (((x, y), (&ra, &rb)), &m) in a
                .iter_mut()
                .zip(b.iter_mut())
                .zip(self.row(0, k).iter().zip(self.row(1, k)))
                .zip(self.mean)
            {
                *x = ra - m;
                *y = rb - m;
            }
            for g in 0..groups {
                let span = g * columns..(g + 1) * columns;
                let lanes = cross[span.clone()]
                    .iter_mut()
                    .zip(&mut change[span.clone()])
                    .zip(&mut jump[span]);
                let values = self
                    .row(2 + g, k)
                    .iter()
                    .zip(self.mean)
                    .zip(a.iter().zip(&b));
                for (((cross, change), jump), ((&rc, &m), (&x, &y))) in lanes.zip(values) {
                    let d = (rc - m) - x;
                    *cross += w * y * d;
                    *change += w * d;
                    *jump += w * d * d;
                }
            }
        }
        let mut draws = vec![f64::NAN; 2 * groups * columns];
        for g in 0..groups {
            for t in (0..columns).filter(|&t| var[t] > 0.0) {
                let at = g * columns + t;
                draws[at] = (cross[at] - shift[t] * change[at]) / (n * var[t]);
                draws[(groups + g) * columns + t] = jump[at] / (2.0 * n * var[t]);
            }
        }
        draws
    }
}

/// The percentile interval `[q_{(1-c)/2}, q_{(1+c)/2}]` of the finite resampled
/// values at `index` (quantiles interpolated between order statistics), around the
/// full-sample `estimate`; `None` with fewer than 2 finite values.
fn percentile_interval(
    estimate: f64,
    draws: &[Vec<f64>],
    index: usize,
    confidence: f64,
) -> Option<Interval> {
    let mut values: Vec<f64> = draws
        .iter()
        .map(|d| d[index])
        .filter(|x| x.is_finite())
        .collect();
    if values.len() < 2 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let quantile = |p: f64| {
        let h = p * (values.len() - 1) as f64;
        let (lo, frac) = (h.floor() as usize, h.fract());
        let hi = (lo + 1).min(values.len() - 1);
        values[lo] + frac * (values[hi] - values[lo])
    };
    Some(Interval {
        estimate,
        lower: quantile((1.0 - confidence) / 2.0),
        upper: quantile((1.0 + confidence) / 2.0),
    })
}
