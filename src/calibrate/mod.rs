//! Calibration: maximum-likelihood estimators with standard errors, the data
//! files they read, and goodness-of-fit diagnostics.
//!
//! Time is in years and rates are per year throughout, as in the simulation.
//! Each estimator returns a [`Fit`]: every reported parameter as an [`Estimate`]
//! (value, standard error from the observed or Fisher information, and whether it
//! was estimated, held fixed, tied to another or derived), the covariance, the
//! maximised log-likelihood and the number of observations.
//!
//! - [`fit_gbm`], [`fit_ou`]: a diffusion from a series of levels
//!   ([`Observations`], e.g. a column of a [`QuarterlySeries`]), with
//!   [`Residuals`] diagnostics;
//! - [`fit_hawkes`], [`fit_rival_hawkes`]: self-exciting point processes from
//!   event times ([`RivalEvents`], e.g. the cuts of an [`EventLog`]), fitting what
//!   a [`RivalSpec`] says is identified, with the [`TimeRescaling`] test;
//! - [`fit_gamma`], [`fit_lognormal`]: a size law from reported sizes;
//! - [`match_rate`]: how often a firm answered its rivals' cuts;
//! - [`pit`], [`crps`], [`central_interval`], [`forecast_gbm`]: backtests.
//!
//! Closed forms are used where they exist (GBM, log-normal); elsewhere the
//! log-likelihood is maximised with argmin's Nelder-Mead over unconstrained
//! coordinates (logs of positive parameters) and the observed information is the
//! Hessian by central differences (finitediff). `docs/calibration.md` states
//! every likelihood, the CSV formats, the same-date rule for events and the
//! measured identifiability of the rival Hawkes parameters.
//!
//! ```
//! use outpace::calibrate::{QuarterlySeries, fit_gbm};
//!
//! let csv = "quarter,revenue\n2024Q1,25.6\n2024Q2,26.5\n2024Q3,29.6\n2024Q4,31.7\n2025Q1,30.1\n";
//! let series = QuarterlySeries::parse("revenue.csv", csv, &["revenue"])?;
//! let growth = fit_gbm(&series.column("revenue")?)?;
//! let log_drift = growth.fit().estimate("log_drift").unwrap();
//! println!("log growth {:.3} +/- {:.3} a year", log_drift.value, log_drift.std_error.unwrap());
//! # Ok::<(), outpace::Error>(())
//! ```

mod backtest;
mod diagnostics;
mod diffusion;
mod events;
mod fit;
mod hawkes;
mod matching;
mod profile;
mod series;
mod sizes;
mod table;

pub use backtest::{Backtest, FORECAST, ScoredQuarter, central_interval, crps, forecast_gbm, pit};
pub use diagnostics::{Residuals, TimeRescaling, ks_p_value, ks_statistic};
pub use diffusion::{GbmFit, MIN_GBM_LEVELS, MIN_OU_LEVELS, OuFit, fit_gbm, fit_ou};
pub use events::{
    DAYS_PER_YEAR, Date, Direction, EventLog, EventRecord, Precision, RivalEvents, SameDate,
};
pub use fit::{Estimate, Fit, Held};
pub use hawkes::{
    BaselineForm, ExcitationForm, HawkesFit, MIN_EVENTS, PROFILE_RANGE, ProfileInterval,
    RivalHawkesFit, RivalSpec, SELF_CROSS_EVENTS, fit_hawkes, fit_rival_hawkes,
    log_likelihood as rival_log_likelihood, profile_decay,
};
pub use matching::{MatchRate, match_rate};
pub use profile::{
    CeilingProfile, GridBound, MAX_RATE, MIN_SCURVE_QUARTERS, ProfilePoint, SCURVE_PARAMETERS,
    SCurveFit, ceiling_grid, fit_scurve, profile_ceiling,
};
pub use series::{Observations, QUARTER_COLUMN, Quarter, QuarterlySeries};
pub use sizes::{MIN_SIZES, SizeFit, SizeLaw, fit_gamma, fit_lognormal};
