//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Merton;

/// Placeholder.
#[derive(Debug)]
pub struct MertonStep;
