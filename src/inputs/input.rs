//! An uncertain input of a model: a named parameter with its law, group, domain
//! and random stream.

use super::{Domain, Param};
use crate::engine::Component;
use crate::error::{Error, Result};

/// One uncertain input of a model: the parameter `name` (a field path such as
/// `demand.ceiling`), the `group` it belongs to (`demand`), its marginal `law`, the
/// `domain` its values must lie in, and the `stream` its plain Monte Carlo draw
/// comes from.
///
/// A model declares its inputs ([`Model::inputs`](crate::engine::Model::inputs));
/// the engine draws each path's input vector from a design
/// ([`InputDesign`](crate::engine::InputDesign)) and hands it to the model
/// ([`PathStreams::input`](crate::engine::PathStreams::input)), so the draws are
/// visible (recorded per path) and controllable (fixed, swept, correlated,
/// stratified). Under the default design each input is `law.sample` of a
/// generator of its own `stream` on the path.
///
/// ```
/// use outpace::engine::Component;
/// use outpace::inputs::{Domain, Input, Param};
/// let ceiling = Input::new(
///     "demand.ceiling",
///     "demand",
///     Param::LogNormal { median: 150.0, sigma: 0.35 },
///     Domain::positive(),
///     Component::new(7).sub(11),
/// )?;
/// assert_eq!(ceiling.group(), "demand");
/// assert!(ceiling.check_value(-1.0).is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    name: String,
    group: String,
    law: Param,
    domain: Domain,
    stream: Component,
}

impl Input {
    /// An input, after checking its law against its domain
    /// ([`Param::validate`]).
    ///
    /// # Errors
    /// An empty name or group, or a law that breaks the domain (naming `name`).
    pub fn new(
        name: &str,
        group: &str,
        law: Param,
        domain: Domain,
        stream: Component,
    ) -> Result<Self> {
        if name.trim().is_empty() || group.trim().is_empty() {
            return Err(Error::invalid(
                "input",
                format!("name \"{name}\", group \"{group}\""),
                "an input needs a name and a group",
            ));
        }
        law.validate(name, domain)?;
        Ok(Input {
            name: name.to_owned(),
            group: group.to_owned(),
            law,
            domain,
            stream,
        })
    }

    /// The input's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group it belongs to.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Its marginal law.
    pub fn law(&self) -> &Param {
        &self.law
    }

    /// The domain its values must lie in.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// The stream of its plain Monte Carlo draw.
    pub fn stream(&self) -> Component {
        self.stream
    }

    /// `value` if it lies in the input's domain, else an error naming the input.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the input, the value and the domain.
    pub fn check_value(&self, value: f64) -> Result<f64> {
        if self.domain.contains(value) {
            Ok(value)
        } else {
            Err(Error::invalid(
                &self.name,
                value,
                format!("must lie in {}", self.domain),
            ))
        }
    }
}
