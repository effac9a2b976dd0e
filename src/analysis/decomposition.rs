//! Revenue growth split into volume and price (ARPU), year by year, for any model
//! that names a revenue and a volume series
//! ([`StudyModel::decomposition`](super::StudyModel::decomposition)).
//!
//! **Definitions.** For revenue `R_k` and volume `V_k > 0` at points `k = 0..=K`
//! of a grid with `n` periods a year, year `j >= 1` is the points
//! `(j - 1) n + 1 ..= j n` (simulated periods only), with totals
//! `R_j = sum R_k`, `V_j = sum V_k`, and ARPU the revenue per unit of volume,
//! `ARPU_j = R_j / V_j` (the volume-weighted mean price of the year). Year 0 is
//! point 0's run rate: `R_0 = n R_(k=0)`, `V_0 = n V_(k=0)`. The log growth of
//! revenue splits exactly:
//!
//! `ln(R_j / R_{j-1}) = ln(V_j / V_{j-1}) + ln(ARPU_j / ARPU_{j-1})`,
//!
//! because `R_j = V_j ARPU_j`. The two terms are the volume part and the ARPU
//! part; they add up to the revenue growth to rounding, whatever their signs.
//!
//! Applied to series means (`E[R_k]`, `E[V_k]`, [`Decomposition::from_study`]),
//! it decomposes the growth of expected revenue; applied to one path's values
//! ([`Decomposition::new`]) it decomposes that path's.
//!
//! ```
//! use outpace::analysis::Decomposition;
//! // Two years of quarters after point 0: volume +10% a quarter, price -2%.
//! let volume: Vec<f64> = (0..9).map(|k| 1.1f64.powi(k)).collect();
//! let price: Vec<f64> = (0..9).map(|k| 0.98f64.powi(k)).collect();
//! let revenue: Vec<f64> = volume.iter().zip(&price).map(|(v, p)| v * p).collect();
//! let d = Decomposition::new(&revenue, &volume, 4)?;
//! for year in d.years() {
//!     assert!((year.volume_part + year.arpu_part - year.growth).abs() < 1e-12);
//!     assert!(year.arpu_part < 0.0 && year.volume_part > 0.0);
//! }
//! # Ok::<(), outpace::Error>(())
//! ```

use super::Study;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// One year of a [`Decomposition`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecompositionYear {
    /// Year index `j >= 1`.
    pub year: usize,
    /// First point of the year, `(j - 1) n + 1`.
    pub first: usize,
    /// Last point of the year, `j n`.
    pub last: usize,
    /// Revenue of the year, `R_j`.
    pub revenue: f64,
    /// Volume of the year, `V_j`.
    pub volume: f64,
    /// `ARPU_j = R_j / V_j`.
    pub arpu: f64,
    /// Log growth of revenue over the year before, `ln(R_j / R_{j-1})`.
    pub growth: f64,
    /// `ln(V_j / V_{j-1})`.
    pub volume_part: f64,
    /// `ln(ARPU_j / ARPU_{j-1})`.
    pub arpu_part: f64,
}

impl DecompositionYear {
    /// The revenue growth as a rate, `R_j / R_{j-1} - 1`.
    pub fn growth_rate(&self) -> f64 {
        self.growth.exp_m1()
    }

    /// The share of the log growth due to volume, `volume_part / growth` (NaN
    /// when revenue did not change).
    pub fn volume_share(&self) -> f64 {
        if self.growth == 0.0 {
            f64::NAN
        } else {
            self.volume_part / self.growth
        }
    }
}

/// Year-by-year volume/ARPU decomposition of revenue growth (see the module
/// documentation for the definitions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Periods a year, `n`.
    pub periods_per_year: usize,
    /// Year 0: point 0's run rate `(n R_0, n V_0, R_0 / V_0)`.
    pub base: (f64, f64, f64),
    /// Years `1..=floor(K / n)`.
    pub years: Vec<DecompositionYear>,
}

impl Decomposition {
    /// The decomposition of `revenue` and `volume` (points `0..=K`, the same
    /// length) on a grid of `periods_per_year` periods a year.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `periods_per_year` is 0, the lengths differ,
    /// there is not one whole year after point 0, or a revenue or volume is not
    /// finite and `> 0` (naming the series and the point).
    pub fn new(revenue: &[f64], volume: &[f64], periods_per_year: usize) -> Result<Self> {
        let n = crate::error::check::positive_count("periods_per_year", periods_per_year)?;
        if revenue.len() != volume.len() {
            return Err(Error::invalid(
                "volume",
                format!("{} points", volume.len()),
                format!("must have as many points as revenue ({})", revenue.len()),
            ));
        }
        if revenue.len() < n + 1 {
            return Err(Error::invalid(
                "revenue",
                format!("{} points", revenue.len()),
                format!("must cover point 0 and at least one year of {n} periods"),
            ));
        }
        for (name, values) in [("revenue", revenue), ("volume", volume)] {
            if let Some((k, &x)) = values
                .iter()
                .enumerate()
                .find(|(_, x)| !(x.is_finite() && **x > 0.0))
            {
                return Err(Error::invalid(
                    format!("{name}[{k}]"),
                    x,
                    "must be finite and > 0: the decomposition takes logarithms",
                ));
            }
        }
        let scale = n as f64;
        let base = (
            scale * revenue[0],
            scale * volume[0],
            revenue[0] / volume[0],
        );
        let mut previous = base;
        let years = (1..=(revenue.len() - 1) / n)
            .map(|j| {
                let (first, last) = ((j - 1) * n + 1, j * n);
                let r: f64 = revenue[first..=last].iter().sum();
                let v: f64 = volume[first..=last].iter().sum();
                let arpu = r / v;
                let year = DecompositionYear {
                    year: j,
                    first,
                    last,
                    revenue: r,
                    volume: v,
                    arpu,
                    growth: (r / previous.0).ln(),
                    volume_part: (v / previous.1).ln(),
                    arpu_part: (arpu / previous.2).ln(),
                };
                previous = (r, v, arpu);
                year
            })
            .collect();
        Ok(Decomposition {
            periods_per_year: n,
            base,
            years,
        })
    }

    /// The decomposition of a study's series means, for the revenue and volume
    /// series its model names; `None` when the model names none.
    ///
    /// # Errors
    /// As [`new`](Decomposition::new), or a named series the run lacks.
    pub fn from_study(study: &Study) -> Option<Result<Self>> {
        let (revenue, volume) = study.info().decomposition.as_ref()?;
        let outcome = study.outcome();
        let means = |name: &str| {
            outcome
                .series(name)
                .map(|s| s.means())
                .ok_or_else(|| Error::UnknownSeries {
                    name: name.to_owned(),
                    available: outcome
                        .all_series()
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
        };
        let per_year = study.info().calendar.periods_per_year() as usize;
        Some(
            means(revenue)
                .and_then(|r| means(volume).and_then(|v| Decomposition::new(&r, &v, per_year))),
        )
    }

    /// The years `1..`, in order.
    pub fn years(&self) -> &[DecompositionYear] {
        &self.years
    }
}
