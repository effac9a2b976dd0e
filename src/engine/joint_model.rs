//! Several named processes driven by correlated Gaussian shocks, each observed as
//! a series: the joint form of [`ProcessModel`](super::ProcessModel).

use super::{Component, Grid, Model, Names, PathRng, PathStreams};
use crate::error::{Error, Result};
use crate::process::{
    CorrelatedNormals, ExpOu, GaussianDriven, Gbm, Logistic, Merton, Ou, Process, TimeVaryingGbm,
    standard_normal,
};
use rand::Rng;

/// Most processes a [`JointModel`] takes: the correlation factor and a path's
/// shocks live in fixed-size arrays, so a step allocates nothing.
pub const MAX_JOINT: usize = 16;

/// Defines [`Driven`], its transitions and states: one variant per process whose
/// transition is [`GaussianDriven`].
macro_rules! driven {
    ($($variant:ident($process:ty)),+ $(,)?) => {
        /// A process a [`JointModel`] can drive with a correlated normal: any of
        /// the crate's processes whose one-step noise is a single standard normal.
        /// Built with `From`: `Driven::from(Gbm::new(0.3, 0.2, 1.0)?)`.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Driven {
            $(
                #[doc = concat!("A [`", stringify!($variant), "`].")]
                $variant($process),
            )+
        }

        $(
            impl From<$process> for Driven {
                fn from(process: $process) -> Self {
                    Driven::$variant(process)
                }
            }
        )+

        /// The exact transition of a [`Driven`] process.
        #[derive(Debug, Clone)]
        pub enum DrivenStep {
            $(
                #[doc = concat!("A [`", stringify!($variant), "`]'s transition.")]
                $variant(<$process as Process>::Transition),
            )+
        }

        /// The state of a [`Driven`] process on one path.
        #[derive(Debug, Clone, Copy)]
        pub enum DrivenState {
            $(
                #[doc = concat!("A [`", stringify!($variant), "`]'s state.")]
                $variant(<$process as Process>::State),
            )+
        }

        impl Driven {
            /// Whether the process keeps its state on the log scale
            /// ([`Process::LOG_STATE`]): it is then observed as a log, which the
            /// engine exponentiates.
            pub fn log_state(&self) -> bool {
                match self {
                    $(Driven::$variant(_) => <$process as Process>::LOG_STATE,)+
                }
            }

            fn initial_state(&self) -> DrivenState {
                match self {
                    $(Driven::$variant(p) => DrivenState::$variant(p.initial_state()),)+
                }
            }

            fn transition(&self, dt: f64) -> Result<DrivenStep> {
                Ok(match self {
                    $(Driven::$variant(p) => DrivenStep::$variant(p.transition(dt)?),)+
                })
            }

            /// The observation: the log for a log-state process, else the value.
            #[inline]
            fn observe(&self, state: &DrivenState) -> f64 {
                match (self, state) {
                    $(
                        (Driven::$variant(p), DrivenState::$variant(s)) => {
                            if <$process as Process>::LOG_STATE {
                                p.log_value(s)
                            } else {
                                p.value(s)
                            }
                        }
                    )+
                    _ => unreachable!("a state is built by its own process"),
                }
            }
        }

        impl DrivenStep {
            #[inline]
            fn step_with<R: Rng + ?Sized>(&self, state: &mut DrivenState, z: f64, rng: &mut R) {
                match (self, state) {
                    $((DrivenStep::$variant(t), DrivenState::$variant(s)) => t.step_with(s, z, rng),)+
                    _ => unreachable!("a state is built by its own process"),
                }
            }
        }
    };
}

driven!(
    Gbm(Gbm),
    TimeVaryingGbm(TimeVaryingGbm),
    Ou(Ou),
    ExpOu(ExpOu),
    Logistic(Logistic),
    Merton(Merton),
);

/// Several named processes whose Gaussian shocks are correlated, each observed as
/// a series: the model of two correlated GBMs, or of revenue, costs and prices
/// that move together, without writing a [`Model`] by hand.
///
/// # Law
/// With processes `X_1, ..., X_n` (each a [`Driven`] process) and a correlation
/// matrix `C = L L^T` (see [`CorrelatedNormals`]), every step draws independent
/// `z_i ~ N(0, 1)`, forms `e = L z`, and advances process `i` by its exact
/// transition with innovation `e_i` ([`GaussianDriven::step_with`]). The
/// marginal law of each process is its own; the increments' Gaussian drivers have
/// correlation `C`. Process `i` observes its value (a process kept on the log
/// scale writes its log, which the engine exponentiates, see
/// [`Model::exponentiated`]).
///
/// # Streams
/// `z_i` comes from component `base.sub(2 i)` and any other randomness of process
/// `i` (Merton's jumps) from `base.sub(2 i + 1)`, `base` being
/// [`Component::new(0)`](Component::new) unless set with
/// [`component`](JointModel::component). Since `L` is lower triangular, appending
/// a process leaves the paths of the others unchanged.
///
/// ```
/// use outpace::engine::{JointModel, Simulation};
/// use outpace::process::{Gbm, Ou};
///
/// let model = JointModel::new()
///     .process("revenue", Gbm::new(0.30, 0.25, 100.0)?)
///     .process("costs", Gbm::new(0.20, 0.15, 120.0)?)
///     .process("margin_shock", Ou::new(2.0, 0.0, 0.1, 0.0)?)
///     .correlation(vec![
///         vec![1.0, 0.6, 0.2],
///         vec![0.6, 1.0, 0.0],
///         vec![0.2, 0.0, 1.0],
///     ])?;
/// let run = Simulation::new(model).paths(4_000).steps(20).dt(0.25).seed(1).run()?;
/// let revenue = run.series("revenue").unwrap();
/// let expected = 100.0 * (0.30f64 * 5.0).exp();
/// assert!((revenue.mean(20) - expected).abs() < 4.0 * revenue.stats()[20].std_error);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JointModel {
    names: Vec<String>,
    processes: Vec<Driven>,
    correlation: Option<CorrelatedNormals>,
    exponentiated: Vec<String>,
    base: Component,
}

impl Default for JointModel {
    fn default() -> Self {
        JointModel::new()
    }
}

impl JointModel {
    /// A model without processes yet, with independent shocks until
    /// [`correlation`](JointModel::correlation) is given.
    pub fn new() -> Self {
        JointModel {
            names: Vec::new(),
            processes: Vec::new(),
            correlation: None,
            exponentiated: Vec::new(),
            base: Component::new(0),
        }
    }

    /// Adds `process`, observed as series `name` (the simulation checks that
    /// names are distinct and that there are at most [`MAX_JOINT`] processes).
    #[must_use]
    pub fn process(mut self, name: impl Into<String>, process: impl Into<Driven>) -> Self {
        let (name, process) = (name.into(), process.into());
        if process.log_state() {
            self.exponentiated.push(name.clone());
        }
        self.names.push(name);
        self.processes.push(process);
        self
    }

    /// Correlates the processes' Gaussian shocks with `matrix`, in the order the
    /// processes were added.
    ///
    /// # Errors
    /// An invalid matrix (see [`CorrelatedNormals::new`]), or one whose size is not
    /// the number of processes (naming `correlation`).
    pub fn correlation(mut self, matrix: Vec<Vec<f64>>) -> Result<Self> {
        let correlated = CorrelatedNormals::new(matrix)?;
        if correlated.dim() != self.processes.len() {
            return Err(Error::invalid(
                "correlation",
                format!("a {0} x {0} matrix", correlated.dim()),
                format!(
                    "must be {0} x {0}, one row per process ({1})",
                    self.processes.len(),
                    self.names.join(", ")
                ),
            ));
        }
        self.correlation = Some(correlated);
        Ok(self)
    }

    /// Draws from sub-components of `base` instead of component 0.
    #[must_use]
    pub fn component(mut self, base: Component) -> Self {
        self.base = base;
        self
    }

    /// The processes, in order.
    pub fn processes(&self) -> &[Driven] {
        &self.processes
    }
}

/// What a [`JointModel`] precomputes for a grid.
#[derive(Debug, Clone)]
pub struct JointPlan {
    steps: Vec<DrivenStep>,
    correlation: Option<CorrelatedNormals>,
}

/// The state of one path of a [`JointModel`].
#[derive(Debug, Clone)]
pub struct JointPath {
    states: [Option<DrivenState>; MAX_JOINT],
    shocks: [PathRng; MAX_JOINT],
    others: [PathRng; MAX_JOINT],
}

impl Model for JointModel {
    type Plan = JointPlan;
    type State = JointPath;

    fn series(&self) -> Names<'_> {
        Names::from(&self.names)
    }

    fn exponentiated(&self) -> Names<'_> {
        Names::from(&self.exponentiated)
    }

    fn plan(&self, grid: &Grid) -> Result<JointPlan> {
        if self.processes.len() > MAX_JOINT {
            return Err(Error::invalid(
                "processes",
                self.processes.len(),
                format!("a joint model takes at most {MAX_JOINT} processes"),
            ));
        }
        if let Some(c) = &self.correlation
            && c.dim() != self.processes.len()
        {
            return Err(Error::invalid(
                "correlation",
                format!("a {0} x {0} matrix", c.dim()),
                format!(
                    "must be {0} x {0}, one row per process",
                    self.processes.len()
                ),
            ));
        }
        let steps = self
            .processes
            .iter()
            .zip(&self.names)
            .map(|(p, name)| p.transition(grid.dt()).map_err(|e| e.within(name)))
            .collect::<Result<_>>()?;
        Ok(JointPlan {
            steps,
            correlation: self.correlation.clone(),
        })
    }

    fn init(&self, _plan: &JointPlan, streams: &PathStreams, obs: &mut [f64]) -> JointPath {
        let n = self.processes.len();
        // Slots beyond the processes are never drawn from: they copy the first
        // generator instead of deriving keys of their own.
        let spare = streams.rng(self.base.sub(0));
        let rng = |i: usize, offset: usize| {
            if i < n {
                streams.rng(self.base.sub((2 * i + offset) as u32))
            } else {
                spare.clone()
            }
        };
        let mut path = JointPath {
            states: [None; MAX_JOINT],
            shocks: std::array::from_fn(|i| rng(i, 0)),
            others: std::array::from_fn(|i| rng(i, 1)),
        };
        for (i, process) in self.processes.iter().enumerate().take(n) {
            let state = process.initial_state();
            obs[i] = process.observe(&state);
            path.states[i] = Some(state);
        }
        path
    }

    #[inline]
    fn step(&self, plan: &JointPlan, path: &mut JointPath, _k: usize, obs: &mut [f64]) {
        let n = self.processes.len();
        let mut z = [0.0; MAX_JOINT];
        for (z, rng) in z[..n].iter_mut().zip(&mut path.shocks) {
            *z = standard_normal(rng);
        }
        if let Some(c) = &plan.correlation {
            c.correlate(&mut z[..n]);
        }
        for i in 0..n {
            if let Some(state) = &mut path.states[i] {
                plan.steps[i].step_with(state, z[i], &mut path.others[i]);
                obs[i] = self.processes[i].observe(state);
            }
        }
    }
}
