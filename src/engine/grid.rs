//! The time grid a simulation runs on.

use crate::error::{Error, Result, check};
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
#[serde(try_from = "GridData")]
pub struct Grid {
    steps: usize,
    dt: f64,
}

impl Grid {
    /// The most steps a grid may have, `2^32 - 2`: every point index then fits a
    /// `u32` below the engine's marker of a censored passage, and
    /// [`points`](Self::points) cannot overflow.
    pub const MAX_STEPS: usize = u32::MAX as usize - 1;

    /// A grid of `steps` steps (`1..=`[`MAX_STEPS`](Self::MAX_STEPS)) of length `dt`
    /// (finite, `> 0`), with a finite horizon `steps dt`.
    ///
    /// ```
    /// use outpace::engine::Grid;
    /// assert!(Grid::new(usize::MAX, 1.0).is_err());
    /// assert!(Grid::new(10, 1e308).is_err()); // the horizon overflows
    /// ```
    pub fn new(steps: usize, dt: f64) -> Result<Self> {
        let steps = check::count_in("steps", steps, Self::MAX_STEPS as u64)?;
        let dt = check::positive("dt", dt)?;
        let horizon = steps as f64 * dt;
        if !horizon.is_finite() {
            return Err(Error::invalid(
                "dt",
                dt,
                format!("too large: the horizon {steps} x dt overflows"),
            ));
        }
        Ok(Grid { steps, dt })
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

/// The serialised form of [`Grid`], validated through [`Grid::new`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GridData {
    steps: usize,
    dt: f64,
}

impl TryFrom<GridData> for Grid {
    type Error = Error;

    fn try_from(data: GridData) -> Result<Self> {
        Grid::new(data.steps, data.dt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_never_wrap() {
        // `points()` used to be `steps + 1`, 0 for `usize::MAX` steps.
        for steps in [usize::MAX, Grid::MAX_STEPS + 1] {
            let err = Grid::new(steps, 0.25).unwrap_err().to_string();
            assert!(
                err.contains("`steps`") && err.contains("4294967294"),
                "{err}"
            );
        }
        let widest = Grid::new(Grid::MAX_STEPS, 1e-9).unwrap();
        assert_eq!(widest.points(), u32::MAX as usize);
        assert!(Grid::new(0, 1.0).is_err());
        for dt in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e308] {
            assert!(Grid::new(10, dt).unwrap_err().to_string().contains("`dt`"));
        }
        assert_eq!(Grid::new(1, 1e308).unwrap().horizon(), 1e308);
    }

    #[test]
    fn deserialisation_validates() {
        let grid: Grid = serde_json::from_str(r#"{"steps":4,"dt":0.5}"#).unwrap();
        assert_eq!(grid, Grid::new(4, 0.5).unwrap());
        assert!(serde_json::from_str::<Grid>(r#"{"steps":0,"dt":0.5}"#).is_err());
        assert!(serde_json::from_str::<Grid>(r#"{"steps":4,"dt":-1}"#).is_err());
    }
}
