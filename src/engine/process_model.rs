//! A single process as a one-series [`Model`].

use super::{Component, Grid, Model, PathRng, PathStreams};
use crate::error::Result;
use crate::process::{Process, Transition};

/// Wraps any [`Process`] as a model emitting its value as one named series, drawing
/// from the stream of `Component::new(0)` (or the one set with
/// [`component`](ProcessModel::component)).
///
/// ```
/// use outpace::engine::{ProcessModel, Simulation};
/// use outpace::process::Gbm;
/// let model = ProcessModel::new("price", Gbm::new(0.0, 0.2, 1.0)?);
/// let result = Simulation::new(model).paths(1_000).steps(10).dt(0.1).run()?;
/// assert_eq!(result.series("price").unwrap().points(), 11);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProcessModel<P> {
    name: [&'static str; 1],
    process: P,
    component: Component,
}

impl<P: Process> ProcessModel<P> {
    /// `process` observed as series `name`.
    pub fn new(name: &'static str, process: P) -> Self {
        ProcessModel {
            name: [name],
            process,
            component: Component::new(0),
        }
    }

    /// Draws from `component`'s stream instead of component 0.
    #[must_use]
    pub fn component(mut self, component: Component) -> Self {
        self.component = component;
        self
    }

    /// The wrapped process.
    pub fn process(&self) -> &P {
        &self.process
    }
}

/// The state of one path of a [`ProcessModel`].
#[derive(Debug, Clone)]
pub struct ProcessPath<S> {
    state: S,
    rng: PathRng,
}

impl<P> Model for ProcessModel<P>
where
    P: Process + Sync,
{
    type Plan = P::Transition;
    type State = ProcessPath<P::State>;

    fn series(&self) -> &[&'static str] {
        &self.name
    }

    fn plan(&self, grid: &Grid) -> Result<P::Transition> {
        self.process.transition(grid.dt())
    }

    fn init(&self, _plan: &P::Transition, streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        let state = self.process.initial_state();
        obs[0] = self.process.value(&state);
        ProcessPath {
            state,
            rng: streams.rng(self.component),
        }
    }

    #[inline]
    fn step(&self, plan: &P::Transition, path: &mut Self::State, _k: usize, obs: &mut [f64]) {
        plan.step(&mut path.state, &mut path.rng);
        obs[0] = self.process.value(&path.state);
    }
}
