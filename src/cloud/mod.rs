//! The AI-cloud economics model: scenarios, parameter uncertainty, calendar
//! quarters, and the [`Model`](crate::engine::Model) that simulates a cloud business.

mod param;
mod quarter;
pub mod series;

pub use param::{Domain, Param};
pub use quarter::Quarter;
