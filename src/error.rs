//! The crate's error type and the validation rules every constructor uses.
//!
//! Every public constructor validates its input and returns [`Error`] rather than
//! panicking or letting a NaN through. An [`Error::InvalidParameter`] names the
//! parameter (a field path such as `price_war.cut_size.mean` where one exists), the
//! offending [`Value`] (a number where it is one) and the [`Rule`] it broke, so a
//! user can fix the input without reading the source, and a program can act on the
//! error without parsing its text.
//!
//! Numbers in messages are printed readably (see [`readable`]): `0.2` and `-1.5` as
//! they are, `1e308` rather than its 309 digits.
//!
//! ```
//! use outpace::error::{Error, Rule, Value, check};
//! let err = check::non_negative("sigma", -0.2).unwrap_err();
//! assert_eq!(err.to_string(), "invalid parameter `sigma` = -0.2: must be finite and >= 0");
//! let Error::InvalidParameter { name, value, rule } = &err else { unreachable!() };
//! assert_eq!((name.as_str(), value, rule), ("sigma", &Value::Number(-0.2), &Rule::AtLeast(0.0)));
//! assert_eq!(value.as_f64(), Some(-0.2));
//! ```

use std::fmt::{self, Display};
use std::sync::Arc;

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
        /// The offending value: a number where it is one.
        value: Value,
        /// The rule it broke, e.g. [`Rule::AtLeast`]`(0.0)`, shown as
        /// `must be finite and >= 0`.
        rule: Rule,
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
        /// The value (`NaN`, `inf`, `-inf`, or a number above 1e150 in magnitude).
        value: Value,
    },
    /// A scenario or configuration file could not be read or parsed.
    #[error("{0}")]
    Parse(String),
    /// The run was cancelled through its [`RunControl`](crate::engine::RunControl).
    #[error("the run was cancelled")]
    Cancelled,
    /// The engine could not run.
    #[error("{0}")]
    Engine(String),
    /// A library or the operating system failed (e.g. a thread pool could not
    /// start); [`source`](std::error::Error::source) is the cause, whose message
    /// the display also includes.
    #[error("{context}: {source}")]
    External {
        /// What was being done, e.g. `cannot start 4 threads`.
        context: String,
        /// The cause.
        #[source]
        source: Source,
    },
    /// An error raised by a user's [`Model`](crate::engine::Model) (from
    /// [`plan`](crate::engine::Model::plan), for instance), kept as its cause.
    #[error("the model failed: {0}")]
    Model(#[source] Source),
}

impl Error {
    /// Builds an [`Error::InvalidParameter`] from any displayed value and a
    /// [`Rule`] or a text ([`Rule::Other`]).
    ///
    /// The value is kept as a number when its text is one (see
    /// [`Value::from_display`]): `f64`s and integers stay numbers, anything else
    /// (a list, a name, a law) is kept as text.
    ///
    /// ```
    /// use outpace::error::{Error, Rule, Value};
    /// let err = Error::invalid("steps", 0usize, Rule::NonZero);
    /// assert_eq!(err.to_string(), "invalid parameter `steps` = 0: must be > 0");
    /// let err = Error::invalid("dt", 1e308, Rule::AtMost(1e3));
    /// assert_eq!(err.to_string(), "invalid parameter `dt` = 1e308: must be finite and <= 1000");
    /// let Error::InvalidParameter { value, .. } = &err else { unreachable!() };
    /// assert_eq!(value, &Value::Number(1e308));
    /// let err = Error::invalid("kind", "pareto", "must be `normal` or `gamma`");
    /// assert!(err.to_string().ends_with("= pareto: must be `normal` or `gamma`"));
    /// ```
    pub fn invalid(name: impl Into<String>, value: impl Display, rule: impl Into<Rule>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            value: Value::from_display(value),
            rule: rule.into(),
        }
    }

    /// An [`Error::External`]: `context` failed because of `source`.
    pub fn external(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::External {
            context: context.into(),
            source: Source::new(source),
        }
    }

    /// An [`Error::Model`] for a user model's own failure: any error type, or a
    /// message (`&str` or `String`).
    ///
    /// ```
    /// let err = outpace::Error::model("the tariff table has no row for 2031");
    /// assert_eq!(err.to_string(), "the model failed: the tariff table has no row for 2031");
    /// ```
    pub fn model(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Error::Model(Source(Arc::from(source.into())))
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

/// The offending value of an [`Error::InvalidParameter`].
#[derive(Debug, Clone)]
pub enum Value {
    /// A floating-point number, possibly NaN or infinite.
    Number(f64),
    /// An integer (a count, an index, a size).
    Integer(i128),
    /// Anything else, formatted (a list, a name, a law).
    Text(String),
}

impl Value {
    /// The value of a displayed thing: [`Value::Integer`] if its text is an integer,
    /// [`Value::Number`] if it is a floating-point number (`NaN`, `inf` included),
    /// [`Value::Text`] otherwise. Rust displays an `f64` with the shortest digits
    /// that read back as the same number, so a number survives the trip exactly
    /// (a whole `f64` such as `3.0` reads back as the integer `3`).
    pub fn from_display(value: impl Display) -> Value {
        let text = value.to_string();
        if let Ok(n) = text.parse::<i128>() {
            Value::Integer(n)
        } else if let Ok(x) = text.parse::<f64>() {
            Value::Number(x)
        } else {
            Value::Text(text)
        }
    }

    /// The value as a number, if it is one (integers converted).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Number(x) => Some(x),
            Value::Integer(n) => Some(n as f64),
            Value::Text(_) => None,
        }
    }
}

/// Numbers compare by value, with NaN equal to NaN (so an error equals itself).
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Integer(a), Value::Integer(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{}", readable(*x)),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}

impl From<f32> for Value {
    fn from(x: f32) -> Self {
        Value::Number(f64::from(x))
    }
}

macro_rules! integer_values {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::Integer(i128::from(n))
            }
        }
    )*};
}
integer_values!(i8, i16, i32, i64, i128, u8, u16, u32, u64);

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Integer(n as i128)
    }
}

impl From<isize> for Value {
    fn from(n: isize) -> Self {
        Value::Integer(n as i128)
    }
}

impl From<u128> for Value {
    fn from(n: u128) -> Self {
        i128::try_from(n).map_or(Value::Number(n as f64), Value::Integer)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<&&str> for Value {
    fn from(s: &&str) -> Self {
        Value::Text((*s).to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Text(b.to_string())
    }
}

/// The rule an [`Error::InvalidParameter`] broke.
///
/// Bounds are numbers, so a program can read them (e.g. to clamp an input); the
/// display is the sentence of the message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// Must be a finite number (not NaN or infinite): `must be a finite number`.
    Finite,
    /// Must be finite and `>= bound`.
    AtLeast(f64),
    /// Must be finite and `> bound`.
    GreaterThan(f64),
    /// Must be finite and `<= bound`.
    AtMost(f64),
    /// Must be finite and `< bound`.
    LessThan(f64),
    /// Must lie in the closed interval `[min, max]`.
    InRange {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Must be a probability in `[0, 1]`.
    Probability,
    /// A count or size that must be `> 0`.
    NonZero,
    /// A count or size that must be `<= max`.
    CountAtMost(u64),
    /// Any other rule, as a sentence such as `must be < `beta` (1.2)`.
    Other(String),
}

impl Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Finite => f.write_str("must be a finite number"),
            Rule::AtLeast(b) => write!(f, "must be finite and >= {}", readable(*b)),
            Rule::GreaterThan(b) => write!(f, "must be finite and > {}", readable(*b)),
            Rule::AtMost(b) => write!(f, "must be finite and <= {}", readable(*b)),
            Rule::LessThan(b) => write!(f, "must be finite and < {}", readable(*b)),
            Rule::InRange { min, max } => {
                write!(f, "must lie in [{}, {}]", readable(*min), readable(*max))
            }
            Rule::Probability => f.write_str("must be a probability in [0, 1]"),
            Rule::NonZero => f.write_str("must be > 0"),
            Rule::CountAtMost(max) => write!(f, "must be <= {max}"),
            Rule::Other(s) => f.write_str(s),
        }
    }
}

impl From<&str> for Rule {
    fn from(s: &str) -> Self {
        Rule::Other(s.to_owned())
    }
}

impl From<String> for Rule {
    fn from(s: String) -> Self {
        Rule::Other(s)
    }
}

/// The cause of an [`Error::External`] or [`Error::Model`]: any error, shared so
/// that [`Error`] stays `Clone`. Two sources are equal when they are the same
/// error or print the same message.
#[derive(Clone)]
pub struct Source(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Source {
    /// Wraps an error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Source(Arc::new(error))
    }

    /// The wrapped error, e.g. to `downcast_ref` it.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Source {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

/// Magnitudes at or above this are printed with an exponent.
const EXPONENT_ABOVE: f64 = 1e15;
/// Non-zero magnitudes below this are printed with an exponent.
const EXPONENT_BELOW: f64 = 1e-5;

/// `x` formatted for a message: the shortest digits that read back as `x`, with an
/// exponent when `|x| >= 1e15` or `0 < |x| < 1e-5` (`1e308`, `2.5e-320`), plainly
/// otherwise (`0.2`, `-1.5`, `1000`); `NaN`, `inf` and `-inf` as such.
///
/// ```
/// use outpace::error::readable;
/// assert_eq!(readable(0.2).to_string(), "0.2");
/// assert_eq!(readable(-1.5).to_string(), "-1.5");
/// assert_eq!(readable(1e308).to_string(), "1e308");
/// assert_eq!(readable(1e-320).to_string(), "1e-320");
/// assert_eq!(readable(f64::NEG_INFINITY).to_string(), "-inf");
/// ```
pub fn readable(x: f64) -> impl Display {
    Readable(x)
}

struct Readable(f64);

impl Display for Readable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let magnitude = x.abs();
        if x.is_finite() && x != 0.0 && !(EXPONENT_BELOW..EXPONENT_ABOVE).contains(&magnitude) {
            write!(f, "{x:e}")
        } else {
            write!(f, "{x}")
        }
    }
}

/// Validation rules shared by all constructors.
///
/// Each function returns the value unchanged when it satisfies the rule, so checks
/// compose inline: `let sigma = check::non_negative("sigma", sigma)?;`.
pub mod check {
    use super::{Error, Result, Rule, Value};

    /// An [`Error::InvalidParameter`] for the number `value`, kept as a number.
    fn invalid_number(name: &str, value: f64, rule: Rule) -> Error {
        Error::InvalidParameter {
            name: name.to_owned(),
            value: Value::Number(value),
            rule,
        }
    }

    /// The value must be finite (not NaN or infinite).
    pub fn finite(name: &str, value: f64) -> Result<f64> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(invalid_number(name, value, Rule::Finite))
        }
    }

    /// The value must be finite and `>= 0`.
    pub fn non_negative(name: &str, value: f64) -> Result<f64> {
        at_least(name, value, 0.0)
    }

    /// The value must be finite and `> 0`.
    pub fn positive(name: &str, value: f64) -> Result<f64> {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(invalid_number(name, value, Rule::GreaterThan(0.0)))
        }
    }

    /// The value must be finite and `>= bound`.
    pub fn at_least(name: &str, value: f64, bound: f64) -> Result<f64> {
        if value.is_finite() && value >= bound {
            Ok(value)
        } else {
            Err(invalid_number(name, value, Rule::AtLeast(bound)))
        }
    }

    /// The value must be finite and `<= bound`.
    pub fn at_most(name: &str, value: f64, bound: f64) -> Result<f64> {
        if value.is_finite() && value <= bound {
            Ok(value)
        } else {
            Err(invalid_number(name, value, Rule::AtMost(bound)))
        }
    }

    /// The value must be a probability in `[0, 1]`.
    pub fn probability(name: &str, value: f64) -> Result<f64> {
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(invalid_number(name, value, Rule::Probability))
        }
    }

    /// The value must lie in the closed interval `[lo, hi]`.
    pub fn within(name: &str, value: f64, lo: f64, hi: f64) -> Result<f64> {
        if value >= lo && value <= hi {
            Ok(value)
        } else {
            Err(invalid_number(
                name,
                value,
                Rule::InRange { min: lo, max: hi },
            ))
        }
    }

    /// The count must be `> 0`.
    pub fn positive_count(name: &str, value: usize) -> Result<usize> {
        if value > 0 {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, Rule::NonZero))
        }
    }

    /// The count must be in `1..=max`.
    pub fn count_in(name: &str, value: usize, max: u64) -> Result<usize> {
        let value = positive_count(name, value)?;
        if value as u64 <= max {
            Ok(value)
        } else {
            Err(Error::invalid(name, value, Rule::CountAtMost(max)))
        }
    }

    /// `values` must not be empty, each must pass `each` (called with its name,
    /// `name[i]`), and they must be strictly increasing. Returns `values`.
    pub fn increasing<'v>(
        name: &str,
        values: &'v [f64],
        each: impl Fn(&str, f64) -> Result<f64>,
    ) -> Result<&'v [f64]> {
        if values.is_empty() {
            return Err(Error::invalid(name, "[]", "must not be empty"));
        }
        for (i, &value) in values.iter().enumerate() {
            let field = format!("{name}[{i}]");
            each(&field, value)?;
            if i > 0 && value <= values[i - 1] {
                return Err(Error::invalid(
                    field,
                    value,
                    format!(
                        "must be > {name}[{}] ({}): {name} must be strictly increasing",
                        i - 1,
                        super::readable(values[i - 1])
                    ),
                ));
            }
        }
        Ok(values)
    }

    /// `lo` must not exceed `hi`; both must be finite. Returns `(lo, hi)`.
    pub fn ordered(lo_name: &str, lo: f64, hi_name: &str, hi: f64) -> Result<(f64, f64)> {
        finite(lo_name, lo)?;
        finite(hi_name, hi)?;
        if lo <= hi {
            Ok((lo, hi))
        } else {
            Err(invalid_number(
                lo_name,
                lo,
                Rule::Other(format!("must be <= `{hi_name}` ({})", super::readable(hi))),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_sequences_are_checked_element_by_element() {
        assert!(check::increasing("grid", &[1.0, 2.0, 5.0], check::positive).is_ok());
        let empty = check::increasing("grid", &[], check::positive).unwrap_err();
        assert!(
            empty.to_string().contains("`grid` = []: must not be empty"),
            "{empty}"
        );
        let each = check::increasing("grid", &[1.0, -2.0], check::positive).unwrap_err();
        assert!(each.to_string().contains("`grid[1]` = -2"), "{each}");
        let order = check::increasing("grid", &[1.0, 3.0, 3.0], check::positive).unwrap_err();
        assert_eq!(
            order.to_string(),
            "invalid parameter `grid[2]` = 3: must be > grid[1] (3): grid must be strictly increasing"
        );
    }

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
        assert!(check::at_least("x", f64::NAN, 0.0).is_err());
        assert!(check::at_most("x", f64::INFINITY, 1.0).is_err());
        assert!(check::count_in("n", 5, 4).is_err());
        assert_eq!(check::count_in("n", 4, 4), Ok(4));
        assert_eq!(check::probability("p", 0.5), Ok(0.5));
    }

    #[test]
    fn messages_read_as_before_for_every_rule() {
        let cases: [(Result<f64>, &str); 7] = [
            (
                check::finite("x", f64::NAN),
                "`x` = NaN: must be a finite number",
            ),
            (
                check::positive("x", -0.0),
                "`x` = -0: must be finite and > 0",
            ),
            (
                check::probability("p", 1.5),
                "`p` = 1.5: must be a probability in [0, 1]",
            ),
            (
                check::within("m", 2.0, 0.0, 1.0),
                "`m` = 2: must lie in [0, 1]",
            ),
            (
                check::ordered("lo", 2.0, "hi", 1.0).map(|p| p.0),
                "`lo` = 2: must be <= `hi` (1)",
            ),
            (
                check::at_most("t", 1e308, 1e6),
                "`t` = 1e308: must be finite and <= 1000000",
            ),
            (
                check::at_least("t", -1e-320, 0.0),
                "`t` = -1e-320: must be finite and >= 0",
            ),
        ];
        for (result, expected) in cases {
            let message = result.unwrap_err().to_string();
            assert!(message.ends_with(expected), "{message}");
        }
        let count = check::count_in("threads", 5000, 1024).unwrap_err();
        assert_eq!(
            count.to_string(),
            "invalid parameter `threads` = 5000: must be <= 1024"
        );
    }

    #[test]
    fn numbers_are_readable() {
        for (x, text) in [
            (0.2, "0.2"),
            (-1.5, "-1.5"),
            (0.0, "0"),
            (100_000.0, "100000"),
            (0.00001, "0.00001"),
            (1e15, "1e15"),
            (1e308, "1e308"),
            (f64::MAX, "1.7976931348623157e308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(readable(x).to_string(), text);
            assert_eq!(
                text.parse::<f64>().map(f64::to_bits),
                Ok(x.to_bits()),
                "{text}"
            );
        }
    }

    #[test]
    fn values_keep_their_kind() {
        assert_eq!(Value::from(2.5), Value::Number(2.5));
        assert_eq!(Value::from(7usize), Value::Integer(7));
        assert_eq!(Value::from(u128::MAX).as_f64(), Some(u128::MAX as f64));
        assert_eq!(Value::from(-3i64).to_string(), "-3");
        assert_eq!(Value::from("[]"), Value::Text("[]".into()));
        assert_eq!(Value::from(f64::NAN), Value::from(f64::NAN));
        assert_ne!(Value::from(1.0), Value::from(1u8));
        assert_eq!(Value::from_display(1e308), Value::Number(1e308));
        assert_eq!(Value::from_display(-0.25), Value::Number(-0.25));
        assert_eq!(Value::from_display(f64::NAN), Value::Number(f64::NAN));
        assert_eq!(
            Value::from_display(u64::MAX),
            Value::Integer(u64::MAX.into())
        );
        assert_eq!(Value::from_display("[1, 2]"), Value::Text("[1, 2]".into()));
        assert_eq!(Value::Text("x".into()).as_f64(), None);
        let err = Error::invalid("rate", f64::NAN, Rule::Finite);
        assert_eq!(err, err.clone());
    }

    #[test]
    fn sources_are_kept() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = Error::external("cannot read `x.toml`", io);
        assert_eq!(err.to_string(), "cannot read `x.toml`: no such file");
        let source = err.source().expect("a source");
        assert_eq!(source.to_string(), "no such file");
        let Error::External { source, .. } = &err else {
            unreachable!()
        };
        assert!(source.get().downcast_ref::<std::io::Error>().is_some());
        let model = Error::model(format!("bad row {}", 3));
        assert_eq!(model.to_string(), "the model failed: bad row 3");
        assert_eq!(
            model.source().map(|s| s.to_string()).as_deref(),
            Some("bad row 3")
        );
        assert_eq!(model, Error::model("bad row 3"));
    }
}
