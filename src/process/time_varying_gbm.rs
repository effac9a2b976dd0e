//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct TimeVaryingGbm;

/// Placeholder.
#[derive(Debug)]
pub struct TimeVaryingGbmState;

/// Placeholder.
#[derive(Debug)]
pub struct TimeVaryingGbmStep;
