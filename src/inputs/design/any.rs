//! A design chosen at run time, without dynamic dispatch.

use super::{Design, LatinHypercube, MonteCarlo, ScrambledSobol};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// Which sampling design to use (in a file: `"monte_carlo"`, `"latin_hypercube"`,
/// `"sobol"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// [`MonteCarlo`]: independent uniforms (the default).
    #[default]
    MonteCarlo,
    /// [`LatinHypercube`]: one point per stratum of each dimension.
    LatinHypercube,
    /// [`ScrambledSobol`]: randomized quasi-Monte Carlo.
    Sobol,
}

/// One of the designs, picked by [`DesignKind`]; dispatches by `match`.
///
/// ```
/// use outpace::inputs::design::{AnyDesign, Design, DesignKind};
/// let kind: DesignKind = serde_json::from_str("\"latin_hypercube\"")?;
/// let design = AnyDesign::new(kind, 1, 0, 64, 3)?;
/// assert_eq!((design.points(), design.dims()), (64, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyDesign {
    /// Plain Monte Carlo.
    MonteCarlo(MonteCarlo),
    /// Latin hypercube.
    LatinHypercube(LatinHypercube),
    /// Scrambled Sobol.
    Sobol(ScrambledSobol),
}

impl AnyDesign {
    /// The design of `kind` with the given seed, replicate and sizes (see each
    /// design's `new` for the limits).
    pub fn new(
        kind: DesignKind,
        seed: u64,
        replicate: u32,
        points: u64,
        dims: usize,
    ) -> Result<Self> {
        Ok(match kind {
            DesignKind::MonteCarlo => {
                AnyDesign::MonteCarlo(MonteCarlo::new(seed, replicate, points, dims)?)
            }
            DesignKind::LatinHypercube => {
                AnyDesign::LatinHypercube(LatinHypercube::new(seed, replicate, points, dims)?)
            }
            DesignKind::Sobol => {
                AnyDesign::Sobol(ScrambledSobol::new(seed, replicate, points, dims)?)
            }
        })
    }

    /// The kind of design.
    pub fn kind(&self) -> DesignKind {
        match self {
            AnyDesign::MonteCarlo(_) => DesignKind::MonteCarlo,
            AnyDesign::LatinHypercube(_) => DesignKind::LatinHypercube,
            AnyDesign::Sobol(_) => DesignKind::Sobol,
        }
    }
}

impl Design for AnyDesign {
    fn points(&self) -> u64 {
        match self {
            AnyDesign::MonteCarlo(d) => d.points(),
            AnyDesign::LatinHypercube(d) => d.points(),
            AnyDesign::Sobol(d) => d.points(),
        }
    }

    fn dims(&self) -> usize {
        match self {
            AnyDesign::MonteCarlo(d) => d.dims(),
            AnyDesign::LatinHypercube(d) => d.dims(),
            AnyDesign::Sobol(d) => d.dims(),
        }
    }

    fn point(&self, i: u64, row: &mut [f64]) {
        match self {
            AnyDesign::MonteCarlo(d) => d.point(i, row),
            AnyDesign::LatinHypercube(d) => d.point(i, row),
            AnyDesign::Sobol(d) => d.point(i, row),
        }
    }
}
