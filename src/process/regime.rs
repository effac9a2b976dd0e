//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct MarkovRegime;

/// Placeholder.
#[derive(Debug)]
pub struct RegimeState;

/// Placeholder.
#[derive(Debug)]
pub struct RegimeStep;
