//! Continuous-time Markov regimes.

use super::correlated::{matrix_rows, square_matrix};
use super::{Process, Transition, check_dt};
use crate::error::{Error, Result, check, readable};
use nalgebra::{DMatrix, DVector, SVD};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// Largest allowed `|row sum|` of the generator, relative to the row's scale
/// `sum_j |q_ij|`.
const ROW_SUM_TOLERANCE: f64 = 1e-9;

/// Most iterations of the SVD behind the stationary law: far more than a generator
/// of at most [`MAX_MATRIX_DIM`](super::MAX_MATRIX_DIM) regimes needs.
const MAX_SVD_ITERATIONS: usize = 100_000;

/// A continuous-time Markov chain on regimes `0..N` (price war / stable /
/// supply-constrained, export controls open / restricted / banned, ...), with
/// generator `Q` and starting regime `initial`.
///
/// **Law**: `q_ij >= 0` (`i != j`) is the rate of switching from regime `i` to `j`,
/// `q_ii = -sum_{j != i} q_ij`; the chain stays in `i` for an `Exp(-q_ii)` time, then
/// jumps to `j` with probability `q_ij / (-q_ii)`. A row of zeros is an absorbing
/// regime.
///
/// **Exact transition** over a step `dt`: `P(X_{t+dt} = j | X_t = i) = exp(Q dt)_ij`
/// (the matrix exponential, computed once per `dt` by scaling and squaring, accurate
/// to rounding even for stiff chains), sampled with one uniform per step. Any
/// number of switches within a step is accounted for, whatever `dt`.
///
/// **Closed forms** (checked in the tests): the law of `X_t` is row `initial` of
/// `exp(Q t)` ([`distribution`](MarkovRegime::distribution)); for two regimes with
/// rates `a = q_01`, `b = q_10`, `P_01(t) = a / (a + b) (1 - e^{-(a + b) t})`; as
/// `t -> inf` an irreducible chain's law tends to the stationary `pi`, `pi Q = 0`
/// ([`stationary_distribution`](MarkovRegime::stationary_distribution)).
///
/// The [`value`](Process::value) of a state is the regime index as `f64`.
///
/// ```
/// use outpace::process::MarkovRegime;
/// // Stable (0) <-> price war (1): wars start at rate 0.5 a year and last 1/2 a year.
/// let regimes = MarkovRegime::new(vec![vec![-0.5, 0.5], vec![2.0, -2.0]], 0)?;
/// let pi = regimes.stationary_distribution();
/// assert!((pi[1] - 0.2).abs() < 1e-12); // at war a fifth of the time in the long run
/// assert!(MarkovRegime::new(vec![vec![-0.5, 0.5], vec![2.0, -1.0]], 0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MarkovRegimeParams")]
pub struct MarkovRegime {
    generator: Vec<Vec<f64>>,
    initial: usize,
}

/// The serialised form of [`MarkovRegime`], validated through [`MarkovRegime::new`]
/// on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkovRegimeParams {
    generator: Vec<Vec<f64>>,
    initial: usize,
}

impl TryFrom<MarkovRegimeParams> for MarkovRegime {
    type Error = Error;

    fn try_from(p: MarkovRegimeParams) -> Result<Self> {
        MarkovRegime::new(p.generator, p.initial)
    }
}

impl MarkovRegime {
    /// A chain with generator `generator` (rows), starting in regime `initial`.
    ///
    /// The generator must be a non-empty square matrix of finite numbers, of at
    /// most [`MAX_MATRIX_DIM`](super::MAX_MATRIX_DIM) regimes, with
    /// off-diagonal rates `>= 0` and rows summing to 0 within `1e-9` times the row's
    /// scale `sum_j |q_ij|` (the stored diagonal is then set to exactly minus the sum
    /// of the row's off-diagonal rates); `initial` must be `< N`. Errors name the
    /// entry (`generator[1][2]`) or row (`generator[1]`).
    pub fn new(generator: Vec<Vec<f64>>, initial: usize) -> Result<Self> {
        let mut q = square_matrix("generator", &generator)?;
        let n = q.nrows();
        for i in 0..n {
            check_generator_row(&mut q, i)?;
        }
        if initial >= n {
            return Err(Error::invalid(
                "initial",
                initial,
                format!("must be a regime index < {n}, the number of regimes"),
            ));
        }
        Ok(MarkovRegime {
            generator: matrix_rows(&q),
            initial,
        })
    }

    /// The generator `Q`, as rows.
    pub fn generator(&self) -> &[Vec<f64>] {
        &self.generator
    }

    /// The starting regime.
    pub fn initial(&self) -> usize {
        self.initial
    }

    /// Number of regimes `N`.
    pub fn n_regimes(&self) -> usize {
        self.generator.len()
    }

    /// The exact transition matrix `exp(Q dt)` over a step `dt > 0`, as rows:
    /// entry `[i][j]` is `P(X_{t+dt} = j | X_t = i)`.
    ///
    /// # Errors
    /// If `dt` is not finite and `> 0`.
    pub fn transition_matrix(&self, dt: f64) -> Result<Vec<Vec<f64>>> {
        Ok(matrix_rows(&self.exp_generator(check_dt(dt)?)))
    }

    /// The law of `X_t` for `t >= 0`: row `initial` of `exp(Q t)`.
    ///
    /// # Errors
    /// If `t` is not finite and `>= 0`.
    pub fn distribution(&self, t: f64) -> Result<Vec<f64>> {
        let p = self.exp_generator(check::non_negative("t", t)?);
        Ok(p.row(self.initial).iter().copied().collect())
    }

    /// A stationary distribution `pi`: `pi Q = 0`, `sum pi = 1`, `pi >= 0`.
    ///
    /// Computed as the minimum-norm least-squares solution of the stacked system
    /// `[Q^T; 1^T] pi = [0; 1]` (SVD, singular values below rounding treated as zero).
    /// For an irreducible chain (every regime reachable from every other) `pi` is
    /// unique and is the long-run law of `X_t`, whatever the start. For a reducible
    /// chain transient regimes get 0; with several closed classes (e.g. two absorbing
    /// regimes) `pi` is not unique and this returns a stationary mixture of the
    /// classes' distributions, which is in general *not* the long-run law from
    /// `initial`: use [`distribution`](MarkovRegime::distribution) at a large `t`
    /// for that. Never panics, and its work is bounded: should the SVD not
    /// converge within its iteration bound (not seen for a valid generator), the
    /// law at a time far beyond every switching time scale is returned instead.
    pub fn stationary_distribution(&self) -> Vec<f64> {
        let n = self.n_regimes();
        let scale = self
            .generator
            .iter()
            .flatten()
            .fold(0.0, |m: f64, q| m.max(q.abs()));
        let scale = if scale > 0.0 { scale } else { 1.0 };
        let a = DMatrix::from_fn(n + 1, n, |r, c| {
            if r < n {
                self.generator[c][r] / scale
            } else {
                1.0
            }
        });
        let mut b = DVector::zeros(n + 1);
        b[n] = 1.0;
        let Some(svd) = SVD::try_new(a.clone(), true, true, f64::EPSILON, MAX_SVD_ITERATIONS)
        else {
            return self.long_run_from_initial();
        };
        let cutoff = svd.singular_values.max() * (4 * (n + 1)) as f64 * f64::EPSILON;
        // `solve` only fails without singular vectors, which were requested.
        let solve = |rhs: &DVector<f64>| {
            svd.solve(rhs, cutoff)
                .unwrap_or_else(|_| DVector::from_element(n, 1.0))
        };
        let mut pi = solve(&b);
        pi += solve(&(&b - &a * &pi)); // one step of iterative refinement
        to_distribution(pi.iter().copied())
    }

    /// The law from `initial` at `t = 2^40` times the longest mean holding time
    /// (in units of the fastest rate): the stationary law of an irreducible chain
    /// to rounding.
    fn long_run_from_initial(&self) -> Vec<f64> {
        let rate = (0..self.n_regimes()).fold(0.0, |m: f64, i| m.max(-self.generator[i][i]));
        let t = if rate > 0.0 {
            2f64.powi(40) / rate
        } else {
            0.0
        };
        let p = self.exp_generator(t);
        p.row(self.initial).iter().copied().collect()
    }

    /// `exp(Q t)` as an exact stochastic matrix, by uniformisation, scaling and
    /// squaring, in plain arithmetic in a fixed order (the same bits on every
    /// platform: nalgebra multiplies matrices above 5 x 5 with kernels that use
    /// fused multiply-adds where the CPU has them):
    /// 1. `t` is halved `k` times, `s = t / 2^k`, until the largest exit rate `r`
    ///    of `Q s` is `<= 1/2` (at most about 2,100 halvings for finite input);
    /// 2. `B = Q s + r I` has no negative entry and rows summing to `r`, and
    ///    `exp(Q s) = e^{-r} exp(B)`; `exp(B)` is the Taylor series to degree
    ///    [`TAYLOR_DEGREE`] by Horner's scheme, a sum of non-negative terms (no
    ///    cancellation, so small probabilities keep their relative accuracy) whose
    ///    remainder is below `(1/2)^19 / 19! < 2e-23` of a row's sum; its rows
    ///    scaled to sum 1 are `exp(Q s)` (the factor `e^{-r}` cancels);
    /// 3. the result is squared `k` times, each product cleaned (negatives
    ///    clipped, rows renormalised to sum 1).
    fn exp_generator(&self, t: f64) -> DMatrix<f64> {
        let n = self.n_regimes();
        let rate = (0..n).fold(0.0, |m: f64, i| m.max(-self.generator[i][i]));
        let (mut scaled, mut halvings) = (t, 0);
        while rate * scaled > 0.5 {
            scaled *= 0.5;
            halvings += 1;
        }
        let r = rate * scaled;
        let b: Vec<f64> = (0..n * n)
            .map(|c| {
                let (i, j) = (c / n, c % n);
                let q = self.generator[i][j] * scaled;
                if i == j { (q + r).max(0.0) } else { q }
            })
            .collect();
        let identity = |c: usize| if c / n == c % n { 1.0 } else { 0.0 };
        let mut e: Vec<f64> = (0..n * n).map(identity).collect();
        for k in (1..=TAYLOR_DEGREE).rev() {
            let be = product(&b, &e, n);
            e = (0..n * n).map(|c| identity(c) + be[c] / k as f64).collect();
        }
        let mut p = stochastic_rows(e, n);
        for _ in 0..halvings {
            p = stochastic_rows(product(&p, &p, n), n);
        }
        DMatrix::from_row_slice(n, n, &p)
    }
}

/// Degree of the Taylor series of `exp(B)` in [`MarkovRegime::exp_generator`].
const TAYLOR_DEGREE: usize = 18;

/// The product of two row-major `n x n` matrices, each entry summed over `k` in
/// increasing order (no fused multiply-add: Rust never contracts).
fn product(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        let row = &mut c[i * n..(i + 1) * n];
        for k in 0..n {
            let aik = a[i * n + k];
            for (x, &bkj) in row.iter_mut().zip(&b[k * n..(k + 1) * n]) {
                *x += aik * bkj;
            }
        }
    }
    c
}

/// Clips negatives (rounding) to 0 and scales each row of a row-major `n x n`
/// matrix to sum 1.
fn stochastic_rows(mut p: Vec<f64>, n: usize) -> Vec<f64> {
    for row in p.chunks_exact_mut(n) {
        row.iter_mut().for_each(|x| *x = x.max(0.0));
        let sum: f64 = row.iter().sum();
        row.iter_mut().for_each(|x| *x /= sum);
    }
    p
}

/// Checks row `i` of the generator and sets its diagonal to minus the sum of its
/// off-diagonal rates.
fn check_generator_row(q: &mut DMatrix<f64>, i: usize) -> Result<()> {
    let n = q.nrows();
    let mut exit_rate = 0.0;
    for j in (0..n).filter(|&j| j != i) {
        let rate = q[(i, j)];
        if rate < 0.0 {
            return Err(Error::invalid(
                format!("generator[{i}][{j}]"),
                rate,
                "off-diagonal transition rates must be >= 0",
            ));
        }
        exit_rate += rate;
    }
    if !exit_rate.is_finite() {
        return Err(Error::invalid(
            format!("generator[{i}]"),
            format!("a row with total exit rate {}", readable(exit_rate)),
            "the sum of the row's off-diagonal rates must be finite",
        ));
    }
    let sum = exit_rate + q[(i, i)];
    let scale = exit_rate + q[(i, i)].abs();
    if sum.abs() > ROW_SUM_TOLERANCE * scale {
        return Err(Error::invalid(
            format!("generator[{i}]"),
            format!("a row summing to {}", readable(sum)),
            format!(
                "each row must sum to 0 (diagonal = minus the sum of the row's rates), within {ROW_SUM_TOLERANCE:e} of the row's scale"
            ),
        ));
    }
    q[(i, i)] = -exit_rate;
    Ok(())
}

/// Clips negatives (rounding) to 0 and scales to sum 1.
fn to_distribution(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut p: Vec<f64> = xs.map(|x| x.max(0.0)).collect();
    let sum: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= sum);
    p
}

/// The state of a [`MarkovRegime`] path: the current regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegimeState {
    regime: u32,
    switched: bool,
}

impl RegimeState {
    /// The current regime index, in `0..N`.
    pub fn regime(&self) -> usize {
        self.regime as usize
    }

    /// Whether the last step ended in a different regime than it started in (a step
    /// that leaves and comes back within `dt` does not count). `false` at time 0.
    pub fn switched(&self) -> bool {
        self.switched
    }
}

/// Exact regime step for a fixed `dt`: the next regime is drawn from row
/// `exp(Q dt)[current]` by inverting its cumulative probabilities with one uniform.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeStep {
    n: usize,
    /// Cumulative row probabilities of `exp(Q dt)`, row-major, each row ending at
    /// exactly 1 from its last positive entry on.
    cumulative: Vec<f64>,
}

impl RegimeStep {
    /// Number of regimes.
    pub fn n_regimes(&self) -> usize {
        self.n
    }

    fn new(p: &DMatrix<f64>) -> Self {
        let n = p.nrows();
        let mut cumulative = Vec::with_capacity(n * n);
        for row in p.row_iter() {
            let last = row.iter().rposition(|&x| x > 0.0).unwrap_or(n - 1);
            let mut acc = 0.0;
            for (j, &x) in row.iter().enumerate() {
                acc += x;
                cumulative.push(if j >= last { 1.0 } else { acc.min(1.0) });
            }
        }
        RegimeStep { n, cumulative }
    }
}

impl Process for MarkovRegime {
    type State = RegimeState;
    type Transition = RegimeStep;

    fn initial_state(&self) -> RegimeState {
        RegimeState {
            regime: self.initial as u32,
            switched: false,
        }
    }

    fn transition(&self, dt: f64) -> Result<RegimeStep> {
        Ok(RegimeStep::new(&self.exp_generator(check_dt(dt)?)))
    }

    fn value(&self, state: &RegimeState) -> f64 {
        f64::from(state.regime)
    }
}

impl Transition for RegimeStep {
    type State = RegimeState;

    /// # Panics
    /// If the state's regime is not `< N` (a state from another chain).
    #[inline]
    fn step<R: Rng + ?Sized>(&self, state: &mut RegimeState, rng: &mut R) {
        let from = state.regime as usize;
        let row = &self.cumulative[from * self.n..(from + 1) * self.n];
        let u: f64 = rng.random();
        let to = row.iter().position(|&c| u < c).unwrap_or(self.n - 1);
        state.switched = to != from;
        state.regime = to as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    fn err(generator: Vec<Vec<f64>>, initial: usize) -> String {
        MarkovRegime::new(generator, initial)
            .unwrap_err()
            .to_string()
    }

    fn three() -> MarkovRegime {
        MarkovRegime::new(
            vec![
                vec![-1.0, 0.6, 0.4],
                vec![0.5, -1.5, 1.0],
                vec![0.3, 0.9, -1.2],
            ],
            0,
        )
        .unwrap()
    }

    #[test]
    fn rejects_empty_non_square_and_non_finite() {
        let e = err(vec![], 0);
        assert!(e.contains("`generator`") && e.contains("non-empty"), "{e}");
        let e = err(vec![vec![-1.0, 1.0], vec![1.0, -1.0, 0.0]], 0);
        assert!(e.contains("`generator[1]`") && e.contains("square"), "{e}");
        let e = err(vec![vec![-1.0, 1.0], vec![f64::NAN, -1.0]], 0);
        assert!(e.contains("`generator[1][0]`") && e.contains("NaN"), "{e}");
        let e = err(vec![vec![f64::NEG_INFINITY, 1.0], vec![1.0, -1.0]], 0);
        assert!(e.contains("`generator[0][0]`"), "{e}");
    }

    #[test]
    fn the_number_of_regimes_is_bounded() {
        // Construction and transition cost O(n^3): 65 regimes are refused before.
        let chain = |n: usize| {
            let row = |i: usize| {
                (0..n)
                    .map(|j| if i == j { -((n - 1) as f64) } else { 1.0 })
                    .collect()
            };
            MarkovRegime::new((0..n).map(row).collect(), 0)
        };
        let e = chain(super::super::MAX_MATRIX_DIM + 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`generator`") && e.contains("at most 64 rows"),
            "{e}"
        );
        let widest = chain(super::super::MAX_MATRIX_DIM).unwrap();
        let pi = widest.stationary_distribution();
        assert!(pi.iter().all(|&p| (p - 1.0 / 64.0).abs() < 1e-12));
        assert!(widest.transition(1e300).is_ok());
    }

    #[test]
    fn rejects_negative_off_diagonal_rates() {
        let e = err(
            vec![
                vec![0.0, 0.0, 0.0],
                vec![0.5, 0.0, -0.5],
                vec![0.0, 0.0, 0.0],
            ],
            0,
        );
        assert!(
            e.contains("`generator[1][2]`") && e.contains("-0.5") && e.contains(">= 0"),
            "{e}"
        );
    }

    #[test]
    fn rejects_rows_not_summing_to_zero() {
        let e = err(vec![vec![-1.0, 1.0], vec![2.0, -1.0]], 0);
        assert!(
            e.contains("`generator[1]`") && e.contains("summing to 1") && e.contains("sum to 0"),
            "{e}"
        );
        // Rounding-level errors are accepted and the diagonal made exact.
        let q = MarkovRegime::new(
            vec![vec![-0.3 - 1e-12, 0.1, 0.2], vec![0.0; 3], vec![0.0; 3]],
            0,
        )
        .unwrap();
        assert_eq!(q.generator()[0][0], -(0.1 + 0.2));
    }

    #[test]
    fn rejects_initial_out_of_range_and_bad_times() {
        let e = err(vec![vec![-1.0, 1.0], vec![1.0, -1.0]], 2);
        assert!(e.contains("`initial`") && e.contains("< 2"), "{e}");
        let q = three();
        for dt in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(q.transition(dt).unwrap_err().to_string().contains("`dt`"));
            assert!(q.transition_matrix(dt).is_err());
        }
        assert!(
            q.distribution(-1.0)
                .unwrap_err()
                .to_string()
                .contains("`t`")
        );
        assert_eq!(q.distribution(0.0).unwrap(), vec![1.0, 0.0, 0.0]);
    }

    #[test]
    fn rejects_overflowing_exit_rates() {
        let big = f64::MAX;
        let e = err(vec![vec![0.0, big, big], vec![0.0; 3], vec![0.0; 3]], 0);
        assert!(e.contains("`generator[0]`") && e.contains("finite"), "{e}");
    }

    #[test]
    fn stiff_chains_and_long_times_stay_exact() {
        // exp(Q t) tends to rows of pi = (b, a) / (a + b) = (0.75, 0.25).
        let q = MarkovRegime::new(vec![vec![-1e13, 1e13], vec![3e13, -3e13]], 0).unwrap();
        let huge = MarkovRegime::new(vec![vec![-1e300, 1e300], vec![3e300, -3e300]], 0).unwrap();
        let slow = MarkovRegime::new(vec![vec![-1.0, 1.0], vec![3.0, -3.0]], 0).unwrap();
        for p in [
            q.transition_matrix(1.0).unwrap(),
            huge.transition_matrix(1e300).unwrap(),
            slow.transition_matrix(1e12).unwrap(),
        ] {
            for row in &p {
                assert!(
                    (row[0] - 0.75).abs() < 1e-15 && (row[1] - 0.25).abs() < 1e-15,
                    "{p:?}"
                );
            }
        }
    }

    #[test]
    fn stationary_distribution_solves_pi_q_zero() {
        let q = three();
        let pi = q.stationary_distribution();
        assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        for j in 0..3 {
            let flow: f64 = (0..3).map(|i| pi[i] * q.generator()[i][j]).sum();
            assert!(flow.abs() < 1e-14, "(pi Q)_{j} = {flow}");
        }
        let single = MarkovRegime::new(vec![vec![0.0]], 0).unwrap();
        assert_eq!(single.stationary_distribution(), vec![1.0]);
    }

    #[test]
    fn reducible_chains_do_not_panic() {
        // Two absorbing regimes and a transient one between them.
        let q = MarkovRegime::new(
            vec![
                vec![0.0, 0.0, 0.0],
                vec![1.0, -2.0, 1.0],
                vec![0.0, 0.0, 0.0],
            ],
            1,
        )
        .unwrap();
        let pi = q.stationary_distribution();
        assert!((pi[0] - 0.5).abs() < 1e-12 && pi[1].abs() < 1e-12, "{pi:?}");
        let all_absorbing = MarkovRegime::new(vec![vec![0.0; 2]; 2], 0).unwrap();
        let pi = all_absorbing.stationary_distribution();
        assert!((pi[0] - 0.5).abs() < 1e-14 && (pi[1] - 0.5).abs() < 1e-14);
        let p = all_absorbing.transition_matrix(3.0).unwrap();
        assert_eq!(p, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    }

    #[test]
    fn absorbing_regime_is_never_left_and_zero_rates_never_taken() {
        // 0 -> 1 only, 1 absorbing, 2 unreachable from 0.
        let q = MarkovRegime::new(
            vec![
                vec![-2.0, 2.0, 0.0],
                vec![0.0, 0.0, 0.0],
                vec![1.0, 1.0, -2.0],
            ],
            0,
        )
        .unwrap();
        let step = q.transition(0.5).unwrap();
        assert_eq!(step.n_regimes(), 3);
        let mut rng = PathStreams::new(9, 0).rng(Component::new(0));
        for _ in 0..1_000 {
            let mut s = q.initial_state();
            assert!(!s.switched());
            step.step(&mut s, &mut rng);
            assert!(s.regime() < 2);
            assert_eq!(s.switched(), s.regime() == 1);
            let before = s.regime();
            step.step(&mut s, &mut rng);
            if before == 1 {
                assert!(s.regime() == 1 && !s.switched());
            }
            assert_eq!(q.value(&s), s.regime() as f64);
        }
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let q = MarkovRegime::new(vec![vec![-0.5, 0.5], vec![2.0, -2.0]], 1).unwrap();
        let json = serde_json::to_string(&q).unwrap();
        assert_eq!(json, r#"{"generator":[[-0.5,0.5],[2.0,-2.0]],"initial":1}"#);
        assert_eq!(serde_json::from_str::<MarkovRegime>(&json).unwrap(), q);
        let toml: MarkovRegime =
            toml::from_str("generator = [[-0.5, 0.5], [2.0, -2.0]]\ninitial = 1").unwrap();
        assert_eq!(toml, q);
        let bad =
            serde_json::from_str::<MarkovRegime>(r#"{"generator":[[-1,1],[1,-1]],"initial":5}"#)
                .unwrap_err();
        assert!(bad.to_string().contains("`initial`"), "{bad}");
        let unknown =
            serde_json::from_str::<MarkovRegime>(r#"{"generator":[[0]],"initial":0,"rates":[]}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    }
}
