//! Placeholder, replaced by the implementation.

/// Placeholder.
#[derive(Debug)]
pub struct Quarter;
