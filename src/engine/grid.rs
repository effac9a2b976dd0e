//! The time grid a simulation runs on.

use crate::error::{Result, check};
use serde::{Deserialize, Serialize};

/// `steps` equal steps of length `dt`: points `t_k = k dt` for `k = 0..=steps`.
///
/// ```
/// use outpace::engine::Grid;
/// let grid = Grid::new(12, 0.25)?;
/// assert_eq!(grid.points(), 13);
/// assert_eq!(grid.time(4), 1.0);
/// assert_eq!(grid.horizon(), 3.0);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    steps: usize,
    dt: f64,
}

impl Grid {
    /// A grid of `steps > 0` steps of length `dt` (finite, `> 0`).
    pub fn new(steps: usize, dt: f64) -> Result<Self> {
        Ok(Grid {
            steps: check::positive_count("steps", steps)?,
            dt: check::positive("dt", dt)?,
        })
    }

    /// Number of steps.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Number of points, `steps + 1` (the initial point included).
    pub fn points(&self) -> usize {
        self.steps + 1
    }

    /// Step length.
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// Time of point `k`, `k dt` (computed, not accumulated, so it does not drift).
    pub fn time(&self, k: usize) -> f64 {
        k as f64 * self.dt
    }

    /// Time of the last point, `steps dt`.
    pub fn horizon(&self) -> f64 {
        self.time(self.steps)
    }
}
