//! A Gaussian copula with a given matrix of rank (Spearman) correlations between
//! named inputs, and a design wrapped with it.

use super::Design;
use crate::error::{Error, Result};
use crate::inputs::quantile::{standard_normal_cdf, standard_normal_quantile};
use ndarray::ArrayView2;
use std::f64::consts::PI;

/// Largest gap allowed between `rho[a, b]` and `rho[b, a]`.
const SYMMETRY_TOLERANCE: f64 = 1e-12;
/// Cholesky pivots within this of zero count as zero (a semi-definite matrix, e.g.
/// two inputs with rank correlation 1); more negative ones make the matrix indefinite.
const PIVOT_TOLERANCE: f64 = 1e-10;
/// The largest float below 1: correlated uniforms are kept in `(0, 1)`.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// A Gaussian copula: makes independent uniforms into uniforms whose rank
/// (Spearman) correlations are a given matrix `rho_S`.
///
/// For uniforms `u_1..u_k`: `z = L Phi^-1(u)`, `u'_r = Phi(z_r)`, with `L` the
/// lower-triangular Cholesky factor of the Pearson matrix `R_ab = 2 sin(pi rho_S,ab / 6)`.
/// Each `u'_r` is uniform (each `z_r` is standard normal since `R` has a unit
/// diagonal), and the map is the one under which a bivariate normal pair with
/// correlation `R_ab` has Spearman correlation `(6 / pi) asin(R_ab / 2) = rho_S,ab`:
/// so the rank correlations of the inputs are `rho_S`, whatever their marginal laws
/// (quantiles are increasing, ranks are kept). Column 0 is left as it was
/// (`L_00 = 1`), so it keeps the stratification of its design; the others do not (see
/// `docs/sensitivity.md`).
///
/// **Validation** (errors name the entry as `rank_correlation[a, b]` by input
/// names): at least one name, no name twice, a `k x k` matrix, finite entries in
/// `[-1, 1]`, unit diagonal, symmetric (to `1e-12`), and `R` positive
/// semi-definite: a Cholesky pivot below `-1e-10` is an error naming the first input
/// whose correlations with the earlier ones are inconsistent. Pivots within `1e-10`
/// of 0 (perfectly dependent inputs) are allowed.
///
/// ```
/// use ndarray::array;
/// use outpace::inputs::design::GaussianCopula;
/// let names = vec!["demand.ceiling".to_string(), "capex.unit_cost".to_string()];
/// let copula = GaussianCopula::new(names.clone(), array![[1.0, 0.6], [0.6, 1.0]].view())?;
/// let mut u = [0.9, 0.5];
/// copula.correlate(&mut u);
/// assert_eq!(u[0], 0.9);
/// assert!(u[1] > 0.5);
///
/// let bad = GaussianCopula::new(names, array![[1.0, 0.6], [0.5, 1.0]].view()).unwrap_err();
/// assert!(bad.to_string().contains("rank_correlation[capex.unit_cost, demand.ceiling]"));
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianCopula {
    names: Vec<String>,
    /// The lower triangle of `L`, row by row: row `r` holds `L_r0..L_rr`.
    factor: Vec<f64>,
}

impl GaussianCopula {
    /// The copula of the rank-correlation matrix `spearman` between the inputs
    /// `names` (row and column `r` belong to `names[r]`).
    pub fn new(names: Vec<String>, spearman: ArrayView2<'_, f64>) -> Result<Self> {
        check_names(&names)?;
        let k = names.len();
        if spearman.dim() != (k, k) {
            let (rows, cols) = spearman.dim();
            return Err(Error::invalid(
                "rank_correlation",
                format!("a {rows} x {cols} matrix"),
                format!("must be {k} x {k}, one row and column per named input"),
            ));
        }
        let entry = |a: usize, b: usize| format!("rank_correlation[{}, {}]", names[a], names[b]);
        for a in 0..k {
            for b in 0..k {
                let rho = spearman[[a, b]];
                if !(rho.is_finite() && (-1.0..=1.0).contains(&rho)) {
                    return Err(Error::invalid(entry(a, b), rho, "must lie in [-1, 1]"));
                }
                if a == b && rho != 1.0 {
                    return Err(Error::invalid(
                        entry(a, b),
                        rho,
                        "must be 1 (an input's rank correlation with itself)",
                    ));
                }
                let mirror = spearman[[b, a]];
                if (rho - mirror).abs() > SYMMETRY_TOLERANCE {
                    return Err(Error::invalid(
                        entry(a, b),
                        rho,
                        format!(
                            "must equal {} ({mirror}): the matrix is symmetric",
                            entry(b, a)
                        ),
                    ));
                }
            }
        }
        let pearson = |a: usize, b: usize| spearman_to_pearson(spearman[[a, b]]);
        let factor = cholesky(k, pearson).map_err(|(row, pivot)| {
            let earlier: Vec<&str> = names[..row].iter().map(String::as_str).collect();
            Error::invalid(
                format!("rank_correlation[{}, ..]", names[row]),
                format!("Cholesky pivot {pivot:.3e}"),
                format!(
                    "the rank correlations of `{}` with {} are inconsistent: after the map \
                     2 sin(pi rho / 6) to Pearson correlations the matrix is not positive \
                     semi-definite; weaken some of these correlations",
                    names[row],
                    earlier.join(", ")
                ),
            )
        })?;
        Ok(GaussianCopula { names, factor })
    }

    /// The input names, in the order of the matrix.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The number of correlated inputs `k`.
    pub fn dims(&self) -> usize {
        self.names.len()
    }

    /// The Pearson correlation `(L L^T)_ab` of the normal scores of inputs `a` and `b`
    /// (`2 sin(pi rho_S / 6)` up to rounding).
    ///
    /// # Panics
    /// If `a` or `b` is `>= dims()`.
    pub fn pearson(&self, a: usize, b: usize) -> f64 {
        let (row_a, row_b) = (self.row(a), self.row(b));
        row_a.iter().zip(row_b).map(|(x, y)| x * y).sum()
    }

    fn row(&self, r: usize) -> &[f64] {
        let start = r * (r + 1) / 2;
        &self.factor[start..=start + r]
    }

    /// Correlates `uniforms` (length `dims()`, each in `(0, 1)`) in place.
    ///
    /// # Panics
    /// If `uniforms.len() != dims()`.
    pub fn correlate(&self, uniforms: &mut [f64]) {
        assert_eq!(uniforms.len(), self.dims(), "number of correlated inputs");
        self.transform(uniforms, |r| r);
    }

    /// Correlates the entries `row[columns[r]]`, `r = 0..dims()`, in place, leaving
    /// the others alone. No allocation.
    ///
    /// # Panics
    /// If `columns.len() != dims()` or a column is out of `row`'s range.
    pub fn correlate_columns(&self, row: &mut [f64], columns: &[usize]) {
        assert_eq!(columns.len(), self.dims(), "number of correlated inputs");
        self.transform(row, |r| columns[r]);
    }

    /// `u -> Phi(L Phi^-1(u))` on the entries `at(r)`. Row `r` of `L z` needs
    /// `z_0..z_r` only, so the rows are overwritten from the last to the first.
    fn transform(&self, values: &mut [f64], at: impl Fn(usize) -> usize) {
        let k = self.dims();
        for r in 0..k {
            let c = at(r);
            values[c] = standard_normal_quantile(values[c]);
        }
        for r in (0..k).rev() {
            let z: f64 = self
                .row(r)
                .iter()
                .enumerate()
                .map(|(c, l)| l * values[at(c)])
                .sum();
            values[at(r)] = z;
        }
        for r in 0..k {
            let c = at(r);
            values[c] = standard_normal_cdf(values[c]).clamp(f64::MIN_POSITIVE, BELOW_ONE);
        }
    }
}

/// `2 sin(pi rho / 6)`, exact at `rho = -1, 0, 1` (where rounding `sin(pi / 6)` would
/// leave a correlation of 1 a little below 1).
fn spearman_to_pearson(rho: f64) -> f64 {
    if rho.abs() == 1.0 || rho == 0.0 {
        rho
    } else {
        2.0 * (PI * rho / 6.0).sin()
    }
}

/// Names must be non-empty and distinct.
fn check_names(names: &[String]) -> Result<()> {
    if names.is_empty() {
        return Err(Error::invalid(
            "rank_correlation",
            "no inputs",
            "must name at least one input",
        ));
    }
    for (a, name) in names.iter().enumerate() {
        if names[..a].contains(name) {
            return Err(Error::invalid(
                "rank_correlation",
                format!("`{name}` twice"),
                "must name each input once",
            ));
        }
    }
    Ok(())
}

/// The packed lower Cholesky factor of the `k x k` matrix `m`, allowing zero pivots
/// (a zero pivot zeroes its column below, which is exact for a semi-definite matrix);
/// `Err((row, pivot))` at the first pivot below `-PIVOT_TOLERANCE`, or when a zero
/// pivot meets a column entry that is not zero.
fn cholesky(k: usize, m: impl Fn(usize, usize) -> f64) -> Result<Vec<f64>, (usize, f64)> {
    let mut l = vec![0.0; k * (k + 1) / 2];
    let at = |r: usize, c: usize| r * (r + 1) / 2 + c;
    for r in 0..k {
        for c in 0..=r {
            let dot: f64 = (0..c).map(|q| l[at(r, q)] * l[at(c, q)]).sum();
            let residual = m(r, c) - dot;
            if c == r {
                if residual < -PIVOT_TOLERANCE {
                    return Err((r, residual));
                }
                l[at(r, r)] = if residual <= PIVOT_TOLERANCE {
                    0.0
                } else {
                    residual.sqrt()
                };
            } else {
                let pivot = l[at(c, c)];
                if pivot > PIVOT_TOLERANCE.sqrt() {
                    l[at(r, c)] = residual / pivot;
                } else if residual.abs() > PIVOT_TOLERANCE.sqrt() {
                    return Err((r, -residual.abs()));
                }
            }
        }
    }
    Ok(l)
}

/// A design whose coordinates `columns` are correlated by a [`GaussianCopula`]; the
/// other coordinates are the design's own.
///
/// ```
/// use ndarray::array;
/// use outpace::inputs::design::{Correlated, Design, GaussianCopula, LatinHypercube};
/// let copula = GaussianCopula::new(
///     vec!["a".into(), "c".into()],
///     array![[1.0, -0.5], [-0.5, 1.0]].view(),
/// )?;
/// let design = Correlated::new(LatinHypercube::new(3, 0, 100, 3)?, copula, vec![0, 2])?;
/// let mut row = [0.0; 3];
/// design.fill_row(5, &mut row)?;
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Correlated<D> {
    design: D,
    copula: GaussianCopula,
    columns: Vec<usize>,
}

impl<D: Design> Correlated<D> {
    /// `design` with its coordinates `columns[r]` given the rank correlations of the
    /// copula's input `r`. `columns` must be distinct, below `design.dims()`, and as
    /// many as the copula's inputs.
    pub fn new(design: D, copula: GaussianCopula, columns: Vec<usize>) -> Result<Self> {
        if columns.len() != copula.dims() {
            return Err(Error::invalid(
                "columns",
                format!("{} columns", columns.len()),
                format!("must be one per correlated input ({})", copula.dims()),
            ));
        }
        for (r, &c) in columns.iter().enumerate() {
            if c >= design.dims() {
                return Err(Error::invalid(
                    format!("columns[{r}]"),
                    c,
                    format!("must be < the design's dimension ({})", design.dims()),
                ));
            }
            if columns[..r].contains(&c) {
                return Err(Error::invalid(
                    format!("columns[{r}]"),
                    c,
                    "must differ from the other columns",
                ));
            }
        }
        Ok(Correlated {
            design,
            copula,
            columns,
        })
    }

    /// The underlying design.
    pub fn design(&self) -> &D {
        &self.design
    }

    /// The copula.
    pub fn copula(&self) -> &GaussianCopula {
        &self.copula
    }
}

impl<D: Design> Design for Correlated<D> {
    fn points(&self) -> u64 {
        self.design.points()
    }

    fn dims(&self) -> usize {
        self.design.dims()
    }

    fn point(&self, i: u64, row: &mut [f64]) {
        self.design.point(i, row);
        self.copula.correlate_columns(row, &self.columns);
    }
}
