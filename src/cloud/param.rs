//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Param;

/// Placeholder.
#[derive(Debug)]
pub struct Domain;
