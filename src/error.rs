//! The crate's error type and the validation rules every constructor uses.
//!
//! Every public constructor validates its input and returns [`Error`] rather than
//! panicking or letting a NaN through. An [`Error::InvalidParameter`] names the
//! parameter (a field path such as `price_war.cut_size.mean` where one exists), the
//! offending value and the rule it broke, so a user can fix the input without
//! reading the source.

use std::fmt::Display;

/// Result type used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when building or running a simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter broke a validation rule.
    #[error("invalid parameter `{name}` = {value}: {rule}")]
    InvalidParameter {
        /// Parameter name or field path, e.g. `sigma` or `capex.plan[2]`.
        name: String,
        /// The offending value, formatted.
        value: String,
        /// The rule it broke, e.g. `must be finite and >= 0`.
        rule: String,
    },
    /// Paths mode would need more memory than the configured cap allows.
    #[error(
        "paths mode needs {requested} bytes ({paths} paths x {points} points x {series} series x 8 bytes), \
         above the memory cap of {cap} bytes: lower `paths` or `steps`, use summary mode, or raise `memory_cap`"
    )]
    MemoryCap {
        /// Bytes the matrices would need.
        requested: u128,
        /// The configured cap in bytes.
        cap: u64,
        /// Number of paths requested.
        paths: usize,
        /// Points per path (`steps + 1`).
        points: usize,
        /// Number of series recorded.
        series: usize,
    },
    /// A series name that the model does not emit.
    #[error("unknown series `{name}`: the model emits {available}")]
    UnknownSeries {
        /// The name asked for.
        name: String,
        /// The names the model emits, comma separated.
        available: String,
    },
    /// The model emitted a value that is not a finite number (or one so large, above
    /// 1e150 in magnitude, that its square overflows the statistics).
    #[error(
        "the model emitted {value} for series `{series}` at step {step} of path {path}: \
         observations must be finite numbers of magnitude below 1e150"
    )]
    NonFinite {
        /// Series name.
        series: String,
        /// Path index.
        path: usize,
        /// Step index (0 is the initial point).
        step: usize,
        /// The value, formatted (`NaN`, `inf`, `-inf`).
        value: String,
    },
    /// A scenario or configuration file could not be read or parsed.
    #[error("{0}")]
    Parse(String),
    /// The run was cancelled through its [`RunControl`](crate::engine::RunControl).
    #[error("the run was cancelled")]
    Cancelled,
    /// The engine could not run (e.g. its thread pool could not start).
    #[error("{0}")]
    Engine(String),
}

impl Error {
    /// Builds an [`Error::InvalidParameter`].
    pub fn invalid(name: impl Into<String>, value: impl Display, rule: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }

    /// Prefixes the parameter name of an [`Error::InvalidParameter`] with `prefix.`,
    /// so that errors from nested structures carry their full field path.
    /// Other variants are returned unchanged.
    #[must_use]
    pub fn within(self, prefix: &str) -> Self {
        match self {
            Error::InvalidParameter { name, value, rule } => Error::InvalidParameter {
                name: join_path(prefix, &name),
                value,
                rule,
            },
            other => other,
        }
    }
}

fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else if name.is_empty() || name.starts_with('[') {
        format!("{prefix}{name}")
    } else {
        format!("{prefix}.{name}")
    }
}

/// Validation rules shared by all constructors.
///
/// Each function returns the value unchanged when it satisfies the rule, so checks
/// compose inline: `let sigma = check::non_negative("sigma", sigma)?;`.
pub mod check {
    use super::{Error, Result};

    /// The value must be finite (not NaN or infinite).
    pub fn finite(name: &str, value: f64) -> Result<f64> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, "must be a finite number"))
        }
    }

    /// The value must be finite and `>= 0`.
    pub fn non_negative(name: &str, value: f64) -> Result<f64> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, "must be finite and >= 0"))
        }
    }

    /// The value must be finite and `> 0`.
    pub fn positive(name: &str, value: f64) -> Result<f64> {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, "must be finite and > 0"))
        }
    }

    /// The value must be a probability in `[0, 1]`.
    pub fn probability(name: &str, value: f64) -> Result<f64> {
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(Error::invalid(
                name,
                value,
                "must be a probability in [0, 1]",
            ))
        }
    }

    /// The value must lie in the closed interval `[lo, hi]`.
    pub fn within(name: &str, value: f64, lo: f64, hi: f64) -> Result<f64> {
        if value >= lo && value <= hi {
            Ok(value)
        } else {
            Err(Error::invalid(
                name,
                value,
                format!("must lie in [{lo}, {hi}]"),
            ))
        }
    }

    /// The count must be `> 0`.
    pub fn positive_count(name: &str, value: usize) -> Result<usize> {
        if value > 0 {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, "must be > 0"))
        }
    }

    /// `lo` must not exceed `hi`; both must be finite. Returns `(lo, hi)`.
    pub fn ordered(lo_name: &str, lo: f64, hi_name: &str, hi: f64) -> Result<(f64, f64)> {
        finite(lo_name, lo)?;
        finite(hi_name, hi)?;
        if lo <= hi {
            Ok((lo, hi))
        } else {
            Err(Error::invalid(
                lo_name,
                lo,
                format!("must be <= `{hi_name}` ({hi})"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_field_value_and_rule() {
        let err = check::non_negative("sigma", -0.2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid parameter `sigma` = -0.2: must be finite and >= 0"
        );
        let nested = err.within("price").within("scenario");
        assert!(nested.to_string().contains("`scenario.price.sigma`"));
    }

    #[test]
    fn index_paths_join_without_dot() {
        let err = Error::invalid("[2]", 1.5, "r").within("capex.plan");
        assert!(err.to_string().contains("`capex.plan[2]`"));
    }

    #[test]
    fn rules_reject_nan_and_out_of_range() {
        assert!(check::finite("x", f64::NAN).is_err());
        assert!(check::finite("x", f64::INFINITY).is_err());
        assert!(check::positive("x", 0.0).is_err());
        assert!(check::probability("p", 1.0 + 1e-12).is_err());
        assert!(check::probability("p", f64::NAN).is_err());
        assert!(check::within("x", 2.0, 0.0, 1.0).is_err());
        assert!(check::positive_count("paths", 0).is_err());
        assert!(check::ordered("lo", 2.0, "hi", 1.0).is_err());
        assert_eq!(check::probability("p", 0.5), Ok(0.5));
    }
}
