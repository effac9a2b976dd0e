//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct ExpOu;

/// Placeholder.
#[derive(Debug)]
pub struct ExpOuStep;
