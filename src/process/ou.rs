//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Ou;

/// Placeholder.
#[derive(Debug)]
pub struct OuStep;
