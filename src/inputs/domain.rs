//! The set of values a parameter may take.

use std::fmt;

/// The set of values a parameter may take: an interval of the real line whose ends
/// may be open, closed or infinite. Only finite numbers are ever contained.
///
/// ```
/// use outpace::inputs::Domain;
/// assert!(Domain::positive().contains(0.5));
/// assert!(!Domain::positive().contains(0.0));
/// assert!(Domain::unit().contains(1.0));
/// assert_eq!(Domain::positive().to_string(), "(0, inf)");
/// assert_eq!(Domain::unit().to_string(), "[0, 1]");
/// ```
///
/// A domain built from NaN or with `lo > hi` contains nothing, so every parameter
/// checked against it is rejected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    lo: f64,
    hi: f64,
    lo_closed: bool,
    hi_closed: bool,
}

impl Domain {
    /// All finite reals, `(-inf, inf)`.
    pub const fn any() -> Self {
        Domain {
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
            lo_closed: false,
            hi_closed: false,
        }
    }

    /// Strictly positive numbers, `(0, inf)`.
    pub const fn positive() -> Self {
        Domain::greater_than(0.0)
    }

    /// Non-negative numbers, `[0, inf)`.
    pub const fn non_negative() -> Self {
        Domain::at_least(0.0)
    }

    /// Probabilities and shares, `[0, 1]`.
    pub const fn unit() -> Self {
        Domain::closed(0.0, 1.0)
    }

    /// The closed interval `[lo, hi]`.
    pub const fn closed(lo: f64, hi: f64) -> Self {
        Domain {
            lo,
            hi,
            lo_closed: true,
            hi_closed: true,
        }
    }

    /// Numbers `>= lo`, `[lo, inf)`.
    pub const fn at_least(lo: f64) -> Self {
        Domain {
            lo,
            hi: f64::INFINITY,
            lo_closed: true,
            hi_closed: false,
        }
    }

    /// Numbers `> lo`, `(lo, inf)`.
    pub const fn greater_than(lo: f64) -> Self {
        Domain {
            lo,
            hi: f64::INFINITY,
            lo_closed: false,
            hi_closed: false,
        }
    }

    /// The half-open interval `(lo, hi]`.
    pub const fn open_closed(lo: f64, hi: f64) -> Self {
        Domain {
            lo,
            hi,
            lo_closed: false,
            hi_closed: true,
        }
    }

    /// Whether `x` is a finite number inside the domain.
    pub fn contains(&self, x: f64) -> bool {
        let above = x > self.lo || (self.lo_closed && x == self.lo);
        let below = x < self.hi || (self.hi_closed && x == self.hi);
        x.is_finite() && above && below
    }

    /// Whether every number of `inner` lies in `self` (an empty or NaN `inner` is
    /// never included).
    pub(crate) fn includes(&self, inner: &Domain) -> bool {
        let lower = self.lo < inner.lo
            || (self.lo == inner.lo && (self.closed_below() || !inner.closed_below()));
        let upper = self.hi > inner.hi
            || (self.hi == inner.hi && (self.closed_above() || !inner.closed_above()));
        inner.lo <= inner.hi && lower && upper
    }

    /// An infinite end is always open.
    fn closed_below(&self) -> bool {
        self.lo_closed && self.lo.is_finite()
    }

    fn closed_above(&self) -> bool {
        self.hi_closed && self.hi.is_finite()
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.closed_below() { '[' } else { '(' };
        let close = if self.closed_above() { ']' } else { ')' };
        let bound = |x: f64| crate::error::readable(x).to_string();
        write!(f, "{open}{}, {}{close}", bound(self.lo), bound(self.hi))
    }
}
