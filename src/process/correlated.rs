//! Correlated standard normal drivers.

use super::{MAX_MATRIX_DIM, standard_normal};
use crate::error::{Error, Result, check, readable};
use nalgebra::{Cholesky, DMatrix, QR, SymmetricEigen};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Largest allowed `|c_ij - c_ji|` and `|c_ii - 1|` (rounding in computed matrices).
const ENTRY_TOLERANCE: f64 = 1e-12;

/// Eigenvalues down to `-EIGEN_TOLERANCE * dim` are rounding noise of a singular
/// matrix and count as zero; below that the matrix is not positive semi-definite.
const EIGEN_TOLERANCE: f64 = 1e-12;

/// Most iterations of the eigen-decomposition: far more than a correlation matrix
/// of at most [`MAX_MATRIX_DIM`] rows needs, so that no input can make it loop.
const MAX_EIGEN_ITERATIONS: usize = 100_000;

/// Entries of a semi-definite factor below this are rounding noise and set to zero.
const FACTOR_DUST: f64 = 1e-12;

/// Standard normal vectors with a given correlation matrix `C`, for shocks that move
/// together (demand and price, several regions' growth rates, ...).
///
/// **Law**: `X = L Z` with `Z` a vector of iid `N(0, 1)` and `L` lower triangular with
/// `L L^T = C`, so `X ~ N(0, C)`: each `X_i` is a standard normal and
/// `Corr(X_i, X_j) = C_ij`. This is a sampler, not a [`Process`](super::Process): it
/// has no state, and feeds the `z` of [`GaussianDriven`](super::GaussianDriven)
/// transitions.
///
/// **Factor**: when `C` is positive definite, `L` is its Cholesky factor. When `C` is
/// singular but positive semi-definite (a perfect correlation of `±1`, or a component
/// that is an exact combination of others), Cholesky does not exist; then
/// `L = R^T` where `R` is the triangular factor of the QR decomposition of
/// `(V sqrt(Lambda))^T`, `C = V Lambda V^T` being the symmetric eigen-decomposition
/// (eigenvalues within rounding of zero set to zero). Then `L L^T = C` still, `L` is
/// lower triangular with rows of unit norm, and a correlation of `1` gives
/// bit-identical draws.
///
/// **Closed forms** (checked in the tests): `E[X_i] = 0`, `Var[X_i] = 1`,
/// `Corr(X_i, X_j) = C_ij`.
///
/// ```
/// use outpace::engine::{Component, PathStreams};
/// use outpace::process::CorrelatedNormals;
/// let drivers = CorrelatedNormals::new(vec![vec![1.0, 0.7], vec![0.7, 1.0]])?;
/// let mut rng = PathStreams::new(7, 0).rng(Component::new(3));
/// let mut z = [0.0; 2];
/// drivers.sample_into(&mut rng, &mut z); // z[0], z[1] standard normals, correlation 0.7
/// assert!(CorrelatedNormals::new(vec![vec![1.0, 1.5], vec![1.5, 1.0]]).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CorrelatedNormalsParams")]
pub struct CorrelatedNormals {
    correlation: Vec<Vec<f64>>,
    /// Lower triangle of `L`, packed row by row: row `i` starts at `i (i + 1) / 2`.
    #[serde(skip_serializing)]
    factor: Vec<f64>,
}

/// The serialised form of [`CorrelatedNormals`], validated through
/// [`CorrelatedNormals::new`] on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrelatedNormalsParams {
    correlation: Vec<Vec<f64>>,
}

impl TryFrom<CorrelatedNormalsParams> for CorrelatedNormals {
    type Error = Error;

    fn try_from(p: CorrelatedNormalsParams) -> Result<Self> {
        CorrelatedNormals::new(p.correlation)
    }
}

impl CorrelatedNormals {
    /// Drivers with correlation matrix `correlation`, given as rows.
    ///
    /// The matrix must be non-empty and square, of at most
    /// [`MAX_MATRIX_DIM`](super::MAX_MATRIX_DIM) rows, with finite entries in `[-1, 1]`, a
    /// unit diagonal and symmetric (both within `1e-12`; the stored matrix is made
    /// exactly symmetric with an exact unit diagonal), and positive semi-definite
    /// (smallest eigenvalue `>= -1e-12 * dim`; the error states the smallest
    /// eigenvalue). Errors name the entry, e.g. `correlation[2][0]`.
    pub fn new(correlation: Vec<Vec<f64>>) -> Result<Self> {
        let mut c = square_matrix("correlation", &correlation)?;
        normalise_correlation(&mut c)?;
        let factor = pack_lower(&lower_factor(&c)?);
        Ok(CorrelatedNormals {
            correlation: matrix_rows(&c),
            factor,
        })
    }

    /// `n` independent standard normals (`1..=`[`MAX_MATRIX_DIM`](super::MAX_MATRIX_DIM)).
    pub fn identity(n: usize) -> Result<Self> {
        let n = check::positive_count("n", n)?;
        Self::new(matrix_rows(&DMatrix::identity(n, n)))
    }

    /// Number of drivers, the dimension of the matrix.
    pub fn dim(&self) -> usize {
        self.correlation.len()
    }

    /// The correlation matrix, as rows.
    pub fn correlation(&self) -> &[Vec<f64>] {
        &self.correlation
    }

    /// The lower-triangular factor `L` (`L L^T = C`) as rows, zeros above the diagonal.
    pub fn factor(&self) -> Vec<Vec<f64>> {
        let n = self.dim();
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if j <= i { self.l(i, j) } else { 0.0 })
                    .collect()
            })
            .collect()
    }

    #[inline(always)]
    fn l(&self, i: usize, j: usize) -> f64 {
        self.factor[i * (i + 1) / 2 + j]
    }

    /// Fills `out` with one draw of the correlated normals: `out = L z`, `z` iid
    /// `N(0, 1)` drawn from `rng` in order `z_0, z_1, ...`. Does not allocate.
    ///
    /// # Panics
    /// If `out.len() != self.dim()`.
    #[inline]
    pub fn sample_into<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        for z in out.iter_mut() {
            *z = standard_normal(rng);
        }
        self.correlate(out);
    }

    /// Turns independent standard normals `z` into correlated ones in place:
    /// `z <- L z`. Because `L` is lower triangular, driver `i` depends on `z_0..=z_i`
    /// only: a model that draws each `z_i` from its own stream can append drivers
    /// without changing the existing ones. Does not allocate.
    ///
    /// # Panics
    /// If `z.len() != self.dim()`.
    #[inline]
    pub fn correlate(&self, z: &mut [f64]) {
        let n = self.dim();
        assert_eq!(
            z.len(),
            n,
            "CorrelatedNormals: expected {n} normals, got {}",
            z.len()
        );
        // In place, bottom row first: row i reads z_0..=z_i, none overwritten yet.
        for i in (0..n).rev() {
            let row = &self.factor[i * (i + 1) / 2..][..=i];
            z[i] = row.iter().zip(&z[..=i]).map(|(l, z)| l * z).sum();
        }
    }
}

/// Validates a non-empty square matrix of at most [`MAX_MATRIX_DIM`] rows of finite
/// numbers given as rows, naming entries `name[i][j]`, and converts it.
pub(super) fn square_matrix(name: &str, rows: &[Vec<f64>]) -> Result<DMatrix<f64>> {
    let n = rows.len();
    if n > MAX_MATRIX_DIM {
        return Err(Error::invalid(
            name,
            format!("a matrix of {n} rows"),
            format!("must have at most {MAX_MATRIX_DIM} rows"),
        ));
    }
    if n == 0 {
        return Err(Error::invalid(
            name,
            "[]",
            "must be a non-empty square matrix",
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if row.len() != n {
            return Err(Error::invalid(
                format!("{name}[{i}]"),
                format!("a row of {} entries", row.len()),
                format!("must have {n} entries: the matrix must be square"),
            ));
        }
        for (j, &x) in row.iter().enumerate() {
            check::finite(&format!("{name}[{i}][{j}]"), x)?;
        }
    }
    Ok(DMatrix::from_fn(n, n, |i, j| rows[i][j]))
}

/// The rows of a matrix.
pub(super) fn matrix_rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    m.row_iter()
        .map(|row| row.iter().copied().collect())
        .collect()
}

/// Checks range, unit diagonal and symmetry; makes the diagonal exactly 1 and the
/// matrix exactly symmetric.
fn normalise_correlation(c: &mut DMatrix<f64>) -> Result<()> {
    let n = c.nrows();
    for i in 0..n {
        for j in 0..n {
            check::within(&format!("correlation[{i}][{j}]"), c[(i, j)], -1.0, 1.0)?;
        }
    }
    for i in 0..n {
        if (c[(i, i)] - 1.0).abs() > ENTRY_TOLERANCE {
            return Err(Error::invalid(
                format!("correlation[{i}][{i}]"),
                c[(i, i)],
                format!("diagonal entries must be 1 (within {ENTRY_TOLERANCE:e})"),
            ));
        }
        c[(i, i)] = 1.0;
        for j in 0..i {
            let (lower, upper) = (c[(i, j)], c[(j, i)]);
            if (lower - upper).abs() > ENTRY_TOLERANCE {
                return Err(Error::invalid(
                    format!("correlation[{i}][{j}]"),
                    lower,
                    format!(
                        "must equal `correlation[{j}][{i}]` = {upper}: the matrix must be symmetric (within {ENTRY_TOLERANCE:e})"
                    ),
                ));
            }
            let mean = 0.5 * (lower + upper);
            c[(i, j)] = mean;
            c[(j, i)] = mean;
        }
    }
    Ok(())
}

/// A lower-triangular `L` with `L L^T = c`: Cholesky if `c` is positive definite,
/// the semi-definite factor if it is singular, an error if it is not PSD.
fn lower_factor(c: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    let n = c.nrows();
    let eigen = SymmetricEigen::try_new(c.clone(), f64::EPSILON, MAX_EIGEN_ITERATIONS).ok_or_else(
        || {
            Error::invalid(
                "correlation",
                "the matrix",
                "eigen-decomposition did not converge",
            )
        },
    )?;
    let smallest = eigen.eigenvalues.min();
    let tolerance = EIGEN_TOLERANCE * n as f64;
    if smallest < -tolerance {
        return Err(Error::invalid(
            "correlation",
            format!("a matrix with smallest eigenvalue {}", readable(smallest)),
            format!("must be positive semi-definite (eigenvalues >= -{tolerance:e})"),
        ));
    }
    let cholesky = if smallest > tolerance {
        Cholesky::new(c.clone()).map(Cholesky::unpack)
    } else {
        None
    };
    Ok(cholesky.unwrap_or_else(|| semidefinite_factor(eigen, tolerance)))
}

/// `L = R^T` from the QR decomposition of `(V sqrt(Lambda))^T`, eigenvalues up to
/// `tolerance` treated as zero, rounding dust removed and rows scaled to unit norm.
fn semidefinite_factor(eigen: SymmetricEigen<f64, nalgebra::Dyn>, tolerance: f64) -> DMatrix<f64> {
    let SymmetricEigen {
        eigenvectors: mut a,
        eigenvalues,
    } = eigen;
    for (k, &lambda) in eigenvalues.iter().enumerate() {
        let root = if lambda > tolerance {
            lambda.sqrt()
        } else {
            0.0
        };
        a.column_mut(k).scale_mut(root);
    }
    let mut l = QR::new(a.transpose()).unpack_r().transpose();
    for mut row in l.row_iter_mut() {
        row.apply(|x| {
            if x.abs() <= FACTOR_DUST {
                *x = 0.0;
            }
        });
        let norm = row.norm();
        if norm > 0.0 {
            row.unscale_mut(norm);
        }
    }
    l
}

/// The lower triangle of `l`, packed row by row.
fn pack_lower(l: &DMatrix<f64>) -> Vec<f64> {
    let n = l.nrows();
    (0..n)
        .flat_map(|i| (0..=i).map(move |j| l[(i, j)]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Component, PathStreams};

    fn err(c: Vec<Vec<f64>>) -> String {
        CorrelatedNormals::new(c).unwrap_err().to_string()
    }

    /// `max |(L L^T - C)_ij|`.
    fn reconstruction_error(d: &CorrelatedNormals) -> f64 {
        let l = d.factor();
        let n = d.dim();
        let mut worst: f64 = 0.0;
        for i in 0..n {
            for j in 0..n {
                let llt: f64 = (0..n).map(|k| l[i][k] * l[j][k]).sum();
                worst = worst.max((llt - d.correlation()[i][j]).abs());
            }
        }
        worst
    }

    #[test]
    fn the_dimension_is_bounded() {
        let e = CorrelatedNormals::identity(65).unwrap_err().to_string();
        assert!(
            e.contains("`correlation`") && e.contains("at most 64 rows"),
            "{e}"
        );
        assert_eq!(CorrelatedNormals::identity(64).unwrap().dim(), 64);
    }

    #[test]
    fn rejects_empty_and_non_square() {
        let e = err(vec![]);
        assert!(
            e.contains("`correlation`") && e.contains("non-empty"),
            "{e}"
        );
        let e = err(vec![vec![1.0, 0.0], vec![0.0]]);
        assert!(
            e.contains("`correlation[1]`") && e.contains("square"),
            "{e}"
        );
        let e = err(vec![vec![1.0, 0.0]]);
        assert!(e.contains("`correlation[0]`"), "{e}");
    }

    #[test]
    fn rejects_non_finite_entries() {
        let e = err(vec![vec![1.0, f64::NAN], vec![f64::NAN, 1.0]]);
        assert!(
            e.contains("`correlation[0][1]`") && e.contains("NaN"),
            "{e}"
        );
        let e = err(vec![vec![f64::INFINITY]]);
        assert!(e.contains("`correlation[0][0]`"), "{e}");
    }

    #[test]
    fn rejects_out_of_range_entries() {
        let e = err(vec![vec![1.0, 1.2], vec![1.2, 1.0]]);
        assert!(
            e.contains("`correlation[0][1]`") && e.contains("[-1, 1]"),
            "{e}"
        );
        let e = err(vec![vec![1.0, -0.5], vec![-1.01, 1.0]]);
        assert!(e.contains("`correlation[1][0]`"), "{e}");
    }

    #[test]
    fn rejects_non_unit_diagonal() {
        let e = err(vec![vec![1.0, 0.0], vec![0.0, 0.9]]);
        assert!(
            e.contains("`correlation[1][1]`") && e.contains("diagonal"),
            "{e}"
        );
        // Rounding-level deviations are accepted and cleaned.
        let d = CorrelatedNormals::new(vec![vec![1.0 - 1e-15, 0.3], vec![0.3, 1.0]]).unwrap();
        assert_eq!(d.correlation()[0][0], 1.0);
    }

    #[test]
    fn rejects_non_symmetric() {
        let e = err(vec![
            vec![1.0, 0.2, 0.0],
            vec![0.2, 1.0, 0.5],
            vec![0.0, 0.4, 1.0],
        ]);
        assert!(
            e.contains("`correlation[2][1]`") && e.contains("symmetric"),
            "{e}"
        );
        let d = CorrelatedNormals::new(vec![vec![1.0, 0.5 + 1e-13], vec![0.5, 1.0]]).unwrap();
        assert_eq!(d.correlation()[0][1], d.correlation()[1][0]);
    }

    #[test]
    fn rejects_not_positive_semi_definite_stating_smallest_eigenvalue() {
        // Pairwise valid but jointly impossible: eigenvalues 1.9, 1.9, -0.8.
        let e = err(vec![
            vec![1.0, -0.9, -0.9],
            vec![-0.9, 1.0, -0.9],
            vec![-0.9, -0.9, 1.0],
        ]);
        assert!(
            e.contains("`correlation`")
                && e.contains("semi-definite")
                && e.contains("smallest eigenvalue -0.8"),
            "{e}"
        );
    }

    #[test]
    fn identity_and_its_validation() {
        let d = CorrelatedNormals::identity(3).unwrap();
        assert_eq!(d.dim(), 3);
        assert_eq!(d.factor(), d.correlation().to_vec());
        let e = CorrelatedNormals::identity(0).unwrap_err().to_string();
        assert!(e.contains("`n`"), "{e}");
    }

    #[test]
    fn factors_reproduce_the_matrix() {
        let definite = CorrelatedNormals::new(vec![
            vec![1.0, 0.6, -0.3],
            vec![0.6, 1.0, 0.2],
            vec![-0.3, 0.2, 1.0],
        ])
        .unwrap();
        assert!(reconstruction_error(&definite) < 1e-14);
        let singular = CorrelatedNormals::new(vec![
            vec![1.0, 1.0, 0.5],
            vec![1.0, 1.0, 0.5],
            vec![0.5, 0.5, 1.0],
        ])
        .unwrap();
        assert!(reconstruction_error(&singular) < 1e-12);
        let anti = CorrelatedNormals::new(vec![vec![1.0, -1.0], vec![-1.0, 1.0]]).unwrap();
        assert!(reconstruction_error(&anti) < 1e-14);
        for d in [&definite, &singular, &anti] {
            let l = d.factor();
            assert!((0..d.dim()).all(|i| (i + 1..d.dim()).all(|j| l[i][j] == 0.0)));
        }
    }

    #[test]
    fn perfect_correlation_gives_identical_draws() {
        let d = CorrelatedNormals::new(vec![vec![1.0, 1.0], vec![1.0, 1.0]]).unwrap();
        let anti = CorrelatedNormals::new(vec![vec![1.0, -1.0], vec![-1.0, 1.0]]).unwrap();
        let mut rng = PathStreams::new(5, 0).rng(Component::new(0));
        let mut x = [0.0; 2];
        for _ in 0..100 {
            d.sample_into(&mut rng, &mut x);
            assert_eq!(x[0], x[1]);
            anti.sample_into(&mut rng, &mut x);
            assert_eq!(x[0], -x[1]);
        }
    }

    #[test]
    #[should_panic(expected = "expected 2 normals")]
    fn sample_into_panics_on_wrong_length() {
        let d = CorrelatedNormals::identity(2).unwrap();
        let mut rng = PathStreams::new(5, 0).rng(Component::new(0));
        d.sample_into(&mut rng, &mut [0.0; 3]);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let d = CorrelatedNormals::new(vec![vec![1.0, 0.25], vec![0.25, 1.0]]).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"correlation":[[1.0,0.25],[0.25,1.0]]}"#);
        assert_eq!(serde_json::from_str::<CorrelatedNormals>(&json).unwrap(), d);
        let bad = serde_json::from_str::<CorrelatedNormals>(r#"{"correlation":[[1,2],[2,1]]}"#)
            .unwrap_err();
        assert!(bad.to_string().contains("`correlation[0][1]`"), "{bad}");
        let unknown =
            serde_json::from_str::<CorrelatedNormals>(r#"{"correlation":[[1]],"factor":[1]}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    }
}
