//! A single process as a one-series [`Model`].

use super::{Component, Grid, Model, Names, PathRng, PathStreams};
use crate::error::Result;
use crate::process::{Process, Transition};

/// Wraps any [`Process`] as a model emitting its value as one named series, drawing
/// from the stream of `Component::new(0)` (or the one set with
/// [`component`](ProcessModel::component)).
///
/// The level of a process kept on the log scale ([`Process::LOG_STATE`]: GBM,
/// time-varying GBM, Merton, exponential OU) is written as its log and exponentiated by the engine
/// once per path, in one vectorised pass.
///
/// Two options shape what is observed:
/// * [`log_scale`](ProcessModel::log_scale) emits [`Process::log_value`] instead of
///   the value: for processes kept on the log scale (GBM) a barrier on the log costs
///   no `exp` per step;
/// * [`terminal_value`](ProcessModel::terminal_value) adds the value at the horizon
///   as a per-path scalar outcome.
///
/// ```
/// use outpace::engine::{Barrier, FirstPassage, ProcessModel, Simulation};
/// use outpace::process::Gbm;
///
/// let price = ProcessModel::new("price", Gbm::new(0.0, 0.2, 1.0)?);
/// let result = Simulation::new(price).paths(1_000).steps(10).dt(0.1).run()?;
/// assert_eq!(result.series("price").unwrap().points(), 11);
///
/// // The same process observed on the log scale, with its terminal level.
/// let log_price = ProcessModel::new("log_price", Gbm::new(0.0, 0.2, 1.0)?)
///     .log_scale()
///     .terminal_value("price_at_horizon");
/// let doubled = FirstPassage::above("log_price", Barrier::Level(2f64.ln()));
/// let result = Simulation::new(log_price)
///     .paths(1_000)
///     .steps(10)
///     .dt(0.1)
///     .first_passage("doubled", doubled)
///     .run()?;
/// assert!(result.scalar("price_at_horizon").unwrap().stats().mean > 0.0);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProcessModel<P> {
    name: [String; 1],
    process: P,
    component: Component,
    log_scale: bool,
    terminal: Option<[String; 1]>,
}

impl<P: Process> ProcessModel<P> {
    /// `process` observed as series `name`.
    pub fn new(name: impl Into<String>, process: P) -> Self {
        ProcessModel {
            name: [name.into()],
            process,
            component: Component::new(0),
            log_scale: false,
            terminal: None,
        }
    }

    /// Draws from `component`'s stream instead of component 0.
    #[must_use]
    pub fn component(mut self, component: Component) -> Self {
        self.component = component;
        self
    }

    /// Emits the natural log of the value.
    #[must_use]
    pub fn log_scale(mut self) -> Self {
        self.log_scale = true;
        self
    }

    /// Adds the value at the horizon as the per-path scalar outcome `name`.
    #[must_use]
    pub fn terminal_value(mut self, name: impl Into<String>) -> Self {
        self.terminal = Some([name.into()]);
        self
    }

    /// The wrapped process.
    pub fn process(&self) -> &P {
        &self.process
    }

    /// Whether the log is observed: asked for, or kept by the process (whose level
    /// the engine then restores, see [`Model::exponentiated`]).
    fn observes_log(&self) -> bool {
        self.log_scale || P::LOG_STATE
    }

    #[inline(always)]
    fn observe(&self, state: &P::State) -> f64 {
        if self.observes_log() {
            self.process.log_value(state)
        } else {
            self.process.value(state)
        }
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

    fn series(&self) -> Names<'_> {
        Names::from(&self.name[..])
    }

    fn exponentiated(&self) -> Names<'_> {
        if P::LOG_STATE && !self.log_scale {
            Names::from(&self.name[..])
        } else {
            Names::EMPTY
        }
    }

    fn scalars(&self) -> Names<'_> {
        self.terminal
            .as_ref()
            .map_or(Names::EMPTY, |t| Names::from(&t[..]))
    }

    fn plan(&self, grid: &Grid) -> Result<P::Transition> {
        self.process.transition(grid.dt())
    }

    fn init(&self, _plan: &P::Transition, streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        let state = self.process.initial_state();
        obs[0] = self.observe(&state);
        ProcessPath {
            state,
            rng: streams.rng(self.component),
        }
    }

    #[inline]
    fn step(&self, plan: &P::Transition, path: &mut Self::State, _k: usize, obs: &mut [f64]) {
        plan.step(&mut path.state, &mut path.rng);
        obs[0] = self.observe(&path.state);
    }

    fn finish(&self, _plan: &P::Transition, path: &Self::State, scalars: &mut [f64]) {
        if let Some(out) = scalars.first_mut() {
            *out = self.process.value(&path.state);
        }
    }
}
