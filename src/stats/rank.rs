//! A cheap first look at which inputs move which outputs: Spearman rank correlations
//! and standardised rank regression coefficients (SRRC) from one ordinary run.

use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// Mid-ranks `1..=n` of `values`: the `k`-th smallest gets rank `k`, and tied values
/// share the mean of their ranks (so an indicator's ranks are two values).
///
/// ```
/// let r = outpace::stats::ranks(&[3.0, 1.0, 3.0, 2.0])?;
/// assert_eq!(r, vec![3.5, 1.0, 3.5, 2.0]);
/// # Ok::<(), outpace::Error>(())
/// ```
///
/// An error names the first NaN.
pub fn ranks(values: &[f64]) -> Result<Vec<f64>> {
    if let Some(k) = values.iter().position(|x| x.is_nan()) {
        return Err(Error::invalid(
            format!("values[{k}]"),
            f64::NAN,
            "must be a number to be ranked",
        ));
    }
    Ok(mid_ranks(values.iter().copied()))
}

/// Mid-ranks of NaN-free values.
fn mid_ranks(values: impl ExactSizeIterator<Item = f64>) -> Vec<f64> {
    let mut order: Vec<(f64, usize)> = values.enumerate().map(|(k, x)| (x, k)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ranks = vec![0.0; order.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        // -0.0 and 0.0 tie, as equal numbers.
        while end < order.len() && order[end].0 == order[start].0 {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &(_, k) in &order[start..end] {
            ranks[k] = rank;
        }
        start = end;
    }
    ranks
}

/// Standardised mid-ranks of a column, `(r - mean) / sd` (population sd), or `None`
/// when all values tie.
fn standardised_ranks(column: ArrayView1<'_, f64>) -> Option<Vec<f64>> {
    let mut r = mid_ranks(column.iter().copied());
    let n = r.len() as f64;
    let mean = (n + 1.0) / 2.0;
    let variance = r.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    if variance <= 0.0 {
        return None;
    }
    let sd = variance.sqrt();
    for x in &mut r {
        *x = (*x - mean) / sd;
    }
    Some(r)
}

/// Checks an `N x p` input matrix and an `N x T` output matrix: `N >= 3` rows in
/// both, finite values, and no input column whose values all tie.
fn check_matrices(inputs: ArrayView2<'_, f64>, outputs: ArrayView2<'_, f64>) -> Result<()> {
    let n = inputs.nrows();
    if n < 3 {
        return Err(Error::invalid(
            "inputs",
            format!("{n} rows"),
            "needs at least 3 rows",
        ));
    }
    if outputs.nrows() != n {
        return Err(Error::invalid(
            "outputs",
            format!("{} rows", outputs.nrows()),
            format!("must have one row per row of the inputs ({n})"),
        ));
    }
    for (name, m) in [("inputs", inputs), ("outputs", outputs)] {
        if let Some(((r, c), x)) = m.indexed_iter().find(|(_, x)| !x.is_finite()) {
            return Err(Error::invalid(
                format!("{name}[{r}, {c}]"),
                x,
                "must be finite",
            ));
        }
    }
    Ok(())
}

/// Standardised ranks of every input column (an error for a constant one).
fn input_scores(inputs: ArrayView2<'_, f64>) -> Result<Vec<Vec<f64>>> {
    inputs
        .axis_iter(Axis(1))
        .enumerate()
        .map(|(j, column)| {
            standardised_ranks(column).ok_or_else(|| {
                Error::invalid(
                    format!("inputs[.., {j}]"),
                    "a constant column",
                    "an input must vary to be ranked",
                )
            })
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Spearman rank correlations between every input column `j` (of an `N x p` matrix)
/// and every output column `t` (of an `N x T` matrix): the `p x T` matrix of Pearson
/// correlations of their mid-ranks,
/// `rho_jt = sum_k a_kj b_kt / N` with `a`, `b` the ranks standardised to mean 0 and
/// population variance 1. An entry is `None` when output column `t` is constant
/// (e.g. an indicator no path has reached yet): its correlation is undefined.
///
/// Under independence `rho` has mean 0 and variance `1 / (N - 1)`; for a confidence
/// interval, `atanh(rho)` is close to normal with variance `1.06 / (N - 3)` (Fieller,
/// Hartley and Pearson 1957).
///
/// ```
/// use ndarray::array;
/// let x = array![[1.0, 5.0], [2.0, 3.0], [3.0, 4.0], [4.0, 1.0]];
/// let y = array![[10.0], [20.0], [30.0], [40.0]];
/// let rho = outpace::stats::spearman(x.view(), y.view())?;
/// assert!((rho[[0, 0]].unwrap() - 1.0).abs() < 1e-12);
/// assert!((rho[[1, 0]].unwrap() + 0.8).abs() < 1e-12);
/// # Ok::<(), outpace::Error>(())
/// ```
pub fn spearman(
    inputs: ArrayView2<'_, f64>,
    outputs: ArrayView2<'_, f64>,
) -> Result<Array2<Option<f64>>> {
    check_matrices(inputs, outputs)?;
    let x = input_scores(inputs)?;
    let n = inputs.nrows() as f64;
    let mut rho = Array2::from_elem((inputs.ncols(), outputs.ncols()), None);
    for (t, column) in outputs.axis_iter(Axis(1)).enumerate() {
        if let Some(y) = standardised_ranks(column) {
            for (j, xj) in x.iter().enumerate() {
                rho[[j, t]] = Some(dot(xj, &y) / n);
            }
        }
    }
    Ok(rho)
}

/// Standardised rank regression of each output on all inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRegression {
    /// `p x T`: the SRRC of input `j` on output `t` (`None` for a constant output).
    pub coefficients: Array2<Option<f64>>,
    /// `T`: the share of the variance of the output's ranks the linear fit on the
    /// input ranks explains (`None` for a constant output). A low `R^2` says the
    /// coefficients describe little of the output: its dependence on the inputs is
    /// not monotone, or it is mostly noise.
    pub r_squared: Array1<Option<f64>>,
}

/// Standardised rank regression coefficients (SRRC): the least-squares fit of each
/// output column's standardised ranks on the standardised ranks of all `p` input
/// columns,
///
/// ```text
/// beta_t = C^-1 rho_t,    R^2_t = beta_t . rho_t
/// ```
///
/// with `C` the `p x p` Spearman matrix of the inputs among themselves and `rho_t`
/// their Spearman correlations with output `t`. For independent inputs `C` is close to
/// the identity and the SRRC close to the Spearman correlations; where inputs are
/// correlated the SRRC shares an effect out between them instead of counting it for
/// each. Solved by Cholesky on `C` (nalgebra); an error when `C` is singular
/// (an input's ranks a linear function of others').
///
/// ```
/// use ndarray::Array2;
/// // y = x0^3 - x1: monotone in each input.
/// let x = Array2::from_shape_fn((50, 2), |(k, j)| ((k * (j + 3) * 37) % 50) as f64);
/// let y = Array2::from_shape_fn((50, 1), |(k, _)| x[[k, 0]].powi(3) - x[[k, 1]]);
/// let fit = outpace::stats::srrc(x.view(), y.view())?;
/// assert!(fit.coefficients[[0, 0]].unwrap() > 0.0 && fit.coefficients[[1, 0]].unwrap() < 0.0);
/// # Ok::<(), outpace::Error>(())
/// ```
pub fn srrc(inputs: ArrayView2<'_, f64>, outputs: ArrayView2<'_, f64>) -> Result<RankRegression> {
    check_matrices(inputs, outputs)?;
    let x = input_scores(inputs)?;
    let (n, p) = (inputs.nrows() as f64, inputs.ncols());
    let gram = DMatrix::from_fn(p, p, |a, b| dot(&x[a], &x[b]) / n);
    let factor = gram.cholesky().ok_or_else(|| {
        Error::invalid(
            "inputs",
            format!("{p} columns"),
            "the input ranks are linearly dependent (one input's ranks are a combination \
             of others'): drop or merge such inputs for a rank regression",
        )
    })?;
    let mut coefficients = Array2::from_elem((p, outputs.ncols()), None);
    let mut r_squared = Array1::from_elem(outputs.ncols(), None);
    for (t, column) in outputs.axis_iter(Axis(1)).enumerate() {
        let Some(y) = standardised_ranks(column) else {
            continue;
        };
        let rho = DVector::from_fn(p, |j, _| dot(&x[j], &y) / n);
        let beta = factor.solve(&rho);
        for j in 0..p {
            coefficients[[j, t]] = Some(beta[j]);
        }
        r_squared[t] = Some(beta.dot(&rho));
    }
    Ok(RankRegression {
        coefficients,
        r_squared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ties_share_their_mean_rank() {
        assert_eq!(
            ranks(&[0.0, 1.0, 0.0, 1.0, -0.0]).unwrap(),
            vec![2.0, 4.5, 2.0, 4.5, 2.0]
        );
        assert!(ranks(&[1.0, f64::NAN]).is_err());
    }

    #[test]
    fn constant_outputs_have_no_correlation_and_constant_inputs_are_errors() {
        let x = array![[1.0], [2.0], [3.0]];
        let flat = array![[5.0], [5.0], [5.0]];
        assert_eq!(spearman(x.view(), flat.view()).unwrap()[[0, 0]], None);
        let err = spearman(flat.view(), x.view()).unwrap_err();
        assert!(err.to_string().contains("inputs[.., 0]"));
        let short = array![[1.0], [2.0]];
        assert!(spearman(short.view(), short.view()).is_err());
        let nan = array![[1.0], [f64::NAN], [3.0]];
        assert!(
            spearman(x.view(), nan.view())
                .unwrap_err()
                .to_string()
                .contains("outputs[1, 0]")
        );
    }

    #[test]
    fn duplicated_inputs_make_the_regression_singular() {
        let x = array![[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]];
        let y = array![[1.0], [3.0], [2.0], [4.0]];
        assert!(srrc(x.view(), y.view()).is_err());
    }
}
