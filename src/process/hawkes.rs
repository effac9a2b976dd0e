//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Hawkes;

/// Placeholder.
#[derive(Debug)]
pub struct HawkesState;

/// Placeholder.
#[derive(Debug)]
pub struct HawkesStep;
