//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Logistic;

/// Placeholder.
#[derive(Debug)]
pub struct LogisticStep;
