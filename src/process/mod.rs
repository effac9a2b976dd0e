//! Stochastic processes: the building blocks of models.
//!
//! Each process lives in its own file as a plain, serde-serialisable struct holding
//! its law's parameters, built by a validating `new` that returns
//! [`Result`]. All of them implement [`Process`]: given a step length
//! `dt`, a process hands out its exact one-step [`Transition`], which holds every
//! constant that depends on `dt` (so nothing is recomputed per step) and advances a
//! plain state struct with random numbers from any [`Rng`].
//!
//! Where the transition law over `dt` is known in closed form it is sampled exactly:
//! no Euler discretisation error, whatever `dt`. Each file's docs state the law, the
//! transition and which closed forms the tests check it against.
//!
//! Transitions driven by one standard normal per step also implement
//! [`GaussianDriven`], so a model can feed them correlated normals from
//! [`CorrelatedNormals`] instead of independent ones.
//!
//! ```
//! use outpace::engine::{Component, PathStreams};
//! use outpace::process::{Gbm, Process, Transition};
//!
//! let gbm = Gbm::new(0.05, 0.2, 100.0)?;
//! let step = gbm.transition(1.0 / 12.0)?;
//! let mut rng = PathStreams::new(42, 0).rng(Component::new(1));
//! let mut s = gbm.initial_state();
//! for _ in 0..12 {
//!     step.step(&mut s, &mut rng);
//! }
//! assert!(gbm.value(&s) > 0.0);
//! # Ok::<(), outpace::Error>(())
//! ```

use crate::error::Result;
use rand::Rng;
use std::fmt::Debug;

mod beta;
mod compound_poisson;
mod correlated;
mod exp_ou;
mod exp_ziggurat_tables;
mod exponential;
mod gamma;
mod gbm;
mod hawkes;
mod hawkes_clocks;
mod logistic;
mod merton;
mod normal;
mod ou;
mod poisson;
mod regime;
mod rival_hawkes;
mod schedule;
mod time_varying_gbm;
mod ziggurat_tables;

pub use beta::Beta;
pub use compound_poisson::{CompoundPoisson, CompoundPoissonState, CompoundPoissonStep, JumpSize};
pub use correlated::CorrelatedNormals;
pub use exp_ou::{ExpOu, ExpOuStep};
pub use exponential::{StandardExponential, standard_exponential};
pub use gamma::Gamma;
pub use gbm::{Gbm, GbmStep, LogReturn};
pub use hawkes::{Hawkes, HawkesState, HawkesStep};
pub use logistic::{Logistic, LogisticStep};
pub use merton::{Merton, MertonStep};
pub use normal::{StandardNormal, standard_normal};
pub use ou::{Ou, OuStep};
pub use poisson::{MAX_POISSON_MEAN, Poisson};
pub use regime::{MarkovRegime, RegimeState, RegimeStep};
pub use rival_hawkes::{
    MAX_FIRMS, MAX_MEAN_EVENTS_PER_STEP, RivalEvent, RivalHawkes, RivalHawkesState, RivalHawkesStep,
};
pub use schedule::Schedule;
pub use time_varying_gbm::{TimeVaryingGbm, TimeVaryingGbmStep, TimeVaryingLogReturn};

use normal::{open01, uniform01};

/// A stochastic process law that can be advanced exactly on a grid of step `dt`.
pub trait Process {
    /// The state of one path, a plain `Copy` struct (or a bare `f64`).
    type State: Copy + Debug + Send + Sync;
    /// The exact one-step transition for a fixed `dt`.
    type Transition: Transition<State = Self::State>;

    /// The state at time 0.
    fn initial_state(&self) -> Self::State;

    /// The transition over steps of length `dt`, with every `dt`-dependent constant
    /// precomputed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if `dt` is not
    /// finite and `> 0`.
    fn transition(&self, dt: f64) -> Result<Self::Transition>;

    /// The observable value of a state: the level of a diffusion, the cumulative
    /// count or sum of a point process, the index of a regime.
    fn value(&self, state: &Self::State) -> f64;

    /// The natural logarithm of [`value`](Process::value). Processes that keep their
    /// state on the log scale override it to skip the `exp`/`ln` round trip, which
    /// makes barrier checks on the log scale cheaper than on the level.
    fn log_value(&self, state: &Self::State) -> f64 {
        libm::log(self.value(state))
    }

    /// Whether the state is kept on the log scale: [`log_value`](Process::log_value)
    /// is then exact and cheap, and [`value`](Process::value) is
    /// [`math::exp`](crate::math::exp) of it. A
    /// [`ProcessModel`](crate::engine::ProcessModel) observing the level of such a
    /// process writes the log and lets the engine exponentiate the whole path at once
    /// (see [`Model::exponentiated`](crate::engine::Model::exponentiated)).
    const LOG_STATE: bool = false;
}

/// One exact step of a process, for a fixed `dt`.
pub trait Transition: Clone + Debug + Send + Sync {
    /// The state it advances.
    type State;

    /// Advances `state` by one step of the transition's `dt`.
    fn step<R: Rng + ?Sized>(&self, state: &mut Self::State, rng: &mut R);
}

/// A transition whose Gaussian noise over one step is a single standard normal `z`,
/// supplied by the caller so that it can be correlated with other processes' noise.
///
/// For every such transition, [`Transition::step`] is `step_with(state, z, rng)` with
/// `z` drawn from `rng`; any non-Gaussian randomness (jumps) still comes from `rng`.
pub trait GaussianDriven: Transition {
    /// Advances `state` by one step with Gaussian innovation `z ~ N(0, 1)`.
    fn step_with<R: Rng + ?Sized>(&self, state: &mut Self::State, z: f64, rng: &mut R);
}

/// The most events a transition may expect in one step. The work of a step of a
/// point process grows with its events (a Hawkes step handles them one by one, a
/// compound Poisson step draws one jump each), so a transition expecting more is
/// refused: a step then costs at most about `1e4` event draws on average, whatever
/// the parameters, and a path of `n` steps about `1e4 n`.
pub const MAX_EXPECTED_EVENTS_PER_STEP: f64 = 1e4;

/// The largest matrix a process accepts: at most 64 regimes of a
/// [`MarkovRegime`], 64 drivers of [`CorrelatedNormals`]. Their construction and
/// transition take `O(n^3)` work and a step `O(n)` or `O(n^2)`.
pub const MAX_MATRIX_DIM: usize = 64;

/// Validates a step length: finite and `> 0`.
pub(crate) fn check_dt(dt: f64) -> Result<f64> {
    crate::error::check::positive("dt", dt)
}
