//! Model inputs that may be uncertain: numeric parameters fixed or drawn from a
//! law ([`Param`]), the domains they must lie in ([`Domain`]), a model's declared
//! uncertain inputs ([`Input`]), and the sampling
//! designs whose uniforms [`Param::quantile`] turns into inputs ([`design`]).
//!
//! Nothing here knows a particular model: the cloud model's scenarios use these
//! types, and so can any model of a user's own.

pub mod design;
mod domain;
mod input;
mod param;
mod quantile;

pub use domain::Domain;
pub use input::Input;
pub use param::Param;
