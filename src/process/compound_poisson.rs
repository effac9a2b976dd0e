//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct CompoundPoisson;

/// Placeholder.
#[derive(Debug)]
pub struct CompoundPoissonState;

/// Placeholder.
#[derive(Debug)]
pub struct CompoundPoissonStep;

/// Placeholder.
#[derive(Debug)]
pub struct JumpSize;
