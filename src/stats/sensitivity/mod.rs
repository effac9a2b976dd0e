//! Variance-based sensitivity analysis: Saltelli's sampling scheme and the Sobol
//! indices estimated from it, first-order (Saltelli 2010) and total (Jansen 1999),
//! with confidence intervals, for many outputs at once.
//!
//! A study with `p` inputs in `G` groups (a group may be a single input) runs
//! `N (G + 2)` paths: the rows of two independent `N x p` input matrices `A` and `B`
//! (the two halves of one `2p`-dimensional design point, see [`SaltelliPlan`]) and,
//! for each group `g`, the matrix `AB_g`: `A` with the columns of `g` taken from `B`.
//! With the outputs of those rows, [`sobol_indices`] estimates for each group and
//! each output column
//!
//! * the first-order (closed) index `S_g = Var(E[Y | X_g]) / Var(Y)`: the share of
//!   the variance that `X_g` explains alone;
//! * the total index `ST_g = E[Var(Y | X_~g)] / Var(Y)`: the share left unexplained
//!   when everything but `X_g` is known, interactions included.
//!
//! The estimators, their intervals and the pitfalls are in `docs/sensitivity.md`.
//!
//! ```
//! use ndarray::Array3;
//! use outpace::inputs::Param;
//! use outpace::inputs::design::{Design, ScrambledSobol};
//! use outpace::stats::sensitivity::{Block, Groups, SaltelliPlan, SobolOptions, sobol_indices};
//!
//! // Y = X0 + 2 X1 with independent uniforms: S = ST = (1/5, 4/5).
//! let plan = SaltelliPlan::new(1024, Groups::singletons(&["x0", "x1"])?)?;
//! let design = ScrambledSobol::new(1, 0, 1024, plan.design_dims())?;
//! let law = Param::Uniform { min: 0.0, max: 1.0 };
//! let mut outputs = Array3::zeros((plan.blocks(), 1024, 1));
//! let (mut base, mut x) = (vec![0.0; 4], vec![0.0; 2]);
//! for i in 0..1024 {
//!     design.fill_row(i, &mut base)?;
//!     for (b, block) in plan.block_list().enumerate() {
//!         plan.fill(block, &base, &mut x)?;
//!         let (x0, x1) = (law.quantile(x[0]), law.quantile(x[1]));
//!         outputs[[b, i as usize, 0]] = x0 + 2.0 * x1;
//!     }
//! }
//! let indices = sobol_indices(outputs.view(), &SobolOptions::default())?;
//! let s1 = indices.first[[1, 0]].unwrap();
//! assert!(s1.contains(0.8) && (s1.estimate - 0.8).abs() < 0.02);
//! # Ok::<(), outpace::Error>(())
//! ```

mod indices;
mod saltelli;

pub use indices::{
    IntervalMethod, SOBOL_BOOTSTRAP_STREAM, SobolIndices, SobolOptions, sobol_indices,
};
pub use saltelli::{Block, Groups, SaltelliPlan, mix_rows};
