//! The [`Model`] trait: what the engine simulates.

use super::{Grid, PathStreams};
use crate::error::Result;
use crate::inputs::Input;

/// A stochastic model the engine can simulate path by path.
///
/// A model emits a small fixed set of named observations (series) at every point of
/// the grid: revenue, spending, a price level, ... The engine calls, for each path:
///
/// 1. [`init`](Model::init) once, which builds the path's state (drawing any
///    uncertain parameters and taking its random generators from `streams`) and
///    writes the observations at `t_0 = 0`;
/// 2. [`step`](Model::step) for `k = 1..=steps`, which advances the state from
///    `t_{k-1}` to `t_k` and writes the observations at `t_k`;
/// 3. [`finish`](Model::finish) once, which writes the path's scalar outcomes, if
///    the model declares any in [`scalars`](Model::scalars).
///
/// Everything that depends only on the grid (exact transition constants, schedules
/// resolved to steps) belongs in the [`Plan`](Model::Plan), built once per run by
/// [`plan`](Model::plan), so that `init` and `step` do no such work. The engine is
/// generic over the model: calls are static, and `step` should neither allocate nor
/// lock.
///
/// ```
/// use outpace::engine::{Component, Grid, Model, Names, PathRng, PathStreams, Simulation};
/// use outpace::process::{Gbm, LogReturn, GbmStep, Process, Transition};
///
/// /// Revenue follows a GBM; spending grows at a fixed rate.
/// struct Toy {
///     revenue: Gbm,
///     spending_growth: f64,
/// }
///
/// struct ToyPlan {
///     revenue: GbmStep,
///     spending_factor: f64,
/// }
///
/// struct ToyState {
///     revenue: LogReturn,
///     spending: f64,
///     rng: PathRng,
/// }
///
/// const REVENUE: Component = Component::new(1);
///
/// impl Model for Toy {
///     type Plan = ToyPlan;
///     type State = ToyState;
///
///     fn series(&self) -> Names<'_> {
///         Names::new(&["revenue", "spending"])
///     }
///
///     fn plan(&self, grid: &Grid) -> outpace::Result<ToyPlan> {
///         Ok(ToyPlan {
///             revenue: self.revenue.transition(grid.dt())?,
///             spending_factor: (self.spending_growth * grid.dt()).exp(),
///         })
///     }
///
///     fn init(&self, _plan: &ToyPlan, streams: &PathStreams, obs: &mut [f64]) -> ToyState {
///         let revenue = self.revenue.initial_state();
///         let state = ToyState { revenue, spending: 1.5, rng: streams.rng(REVENUE) };
///         obs.copy_from_slice(&[self.revenue.value(&revenue), state.spending]);
///         state
///     }
///
///     fn step(&self, plan: &ToyPlan, s: &mut ToyState, _k: usize, obs: &mut [f64]) {
///         plan.revenue.step(&mut s.revenue, &mut s.rng);
///         s.spending *= plan.spending_factor;
///         obs.copy_from_slice(&[self.revenue.value(&s.revenue), s.spending]);
///     }
/// }
///
/// let toy = Toy { revenue: Gbm::new(0.3, 0.2, 1.0)?, spending_growth: 0.05 };
/// let result = Simulation::new(toy).paths(2_000).steps(40).dt(0.25).seed(7).run()?;
/// let revenue = result.series("revenue").unwrap();
/// assert!((revenue.mean(40) / (0.3f64 * 10.0).exp() - 1.0).abs() < 0.1);
/// # Ok::<(), outpace::Error>(())
/// ```
pub trait Model: Sync {
    /// Grid-dependent constants, computed once per run.
    type Plan: Sync;
    /// The state of one path, including its random generators.
    type State: Send;

    /// Names of the observations, in the order [`init`](Model::init) and
    /// [`step`](Model::step) write them. Must be non-empty and unique.
    fn series(&self) -> Names<'_>;

    /// Precomputes what depends on the grid.
    ///
    /// # Errors
    /// When the model cannot run on this grid (e.g. a schedule shorter than the
    /// horizon, or a step too coarse for a parameter).
    fn plan(&self, grid: &Grid) -> Result<Self::Plan>;

    /// Starts a path: builds its state and writes the observations at time 0 into
    /// `obs` (one value per series, every one of them).
    fn init(&self, plan: &Self::Plan, streams: &PathStreams, obs: &mut [f64]) -> Self::State;

    /// Advances a path from point `k - 1` to point `k` (`k` runs from 1 to `steps`)
    /// and writes the observations at point `k` into `obs`. Every entry must be
    /// written: `obs` holds NaN on entry, and a NaN left in it is reported as
    /// [`Error::NonFinite`](crate::Error::NonFinite).
    fn step(&self, plan: &Self::Plan, state: &mut Self::State, k: usize, obs: &mut [f64]);

    /// Series that [`init`](Model::init) and [`step`](Model::step) write as natural
    /// logarithms. Once a path is complete the engine replaces their values by the
    /// exponentials, with [`math::exp_in_place`](crate::math::exp_in_place) for a
    /// model of one series and [`math::exp`](crate::math::exp) otherwise (the same
    /// bits either way), so statistics, quantiles, passage rules and recorded paths
    /// all see the level. A level kept on the log scale, such as a GBM's, then costs
    /// one vectorised exponential per point instead of a call to libm inside the step
    /// loop. None by default; each name must be one of [`series`](Model::series).
    fn exponentiated(&self) -> Names<'_> {
        Names::EMPTY
    }

    /// Names of per-path scalar outcomes (a terminal value, an NPV, ...) that
    /// [`finish`](Model::finish) computes once per path. None by default.
    fn scalars(&self) -> Names<'_> {
        Names::EMPTY
    }

    /// The model's uncertain inputs, in the order [`PathStreams::input`] hands
    /// them to [`init`](Model::init). The engine draws each path's vector from
    /// the run's design (by default each input's law sampled from its own stream,
    /// see [`InputDesign`](super::InputDesign)); a model reads input `i` with
    /// `streams.input(i)`. None by default.
    fn inputs(&self) -> &[Input] {
        &[]
    }

    /// Writes the per-path scalar outcomes after the last step (one value per name
    /// in [`scalars`](Model::scalars)).
    fn finish(&self, plan: &Self::Plan, state: &Self::State, scalars: &mut [f64]) {
        let _ = (plan, state, scalars);
    }
}

/// A model behind a reference simulates exactly as the model itself, so a
/// [`Simulation`](super::Simulation) can borrow a model that is also used
/// elsewhere (a study runs the same model for several analyses).
impl<M: Model + ?Sized> Model for &M {
    type Plan = M::Plan;
    type State = M::State;

    fn series(&self) -> Names<'_> {
        (**self).series()
    }

    fn plan(&self, grid: &Grid) -> Result<Self::Plan> {
        (**self).plan(grid)
    }

    #[inline]
    fn init(&self, plan: &Self::Plan, streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        (**self).init(plan, streams, obs)
    }

    #[inline]
    fn step(&self, plan: &Self::Plan, state: &mut Self::State, k: usize, obs: &mut [f64]) {
        (**self).step(plan, state, k, obs);
    }

    fn exponentiated(&self) -> Names<'_> {
        (**self).exponentiated()
    }

    fn scalars(&self) -> Names<'_> {
        (**self).scalars()
    }

    fn inputs(&self) -> &[Input] {
        (**self).inputs()
    }

    fn finish(&self, plan: &Self::Plan, state: &Self::State, scalars: &mut [f64]) {
        (**self).finish(plan, state, scalars);
    }
}

/// The names of a model's series or scalar outcomes, in order: borrowed strings
/// (the usual case, `Names::new(&["revenue", "spending"])`) or strings a model
/// built at run time and owns (`Names::from(&self.names)` for a `Vec<String>`).
///
/// ```
/// use outpace::engine::Names;
/// let fixed = Names::new(&["revenue", "spending"]);
/// let built: Vec<String> = (1..=3).map(|i| format!("region_{i}")).collect();
/// let owned = Names::from(&built);
/// assert_eq!(fixed.get(1), Some("spending"));
/// assert_eq!(owned.iter().collect::<Vec<_>>(), ["region_1", "region_2", "region_3"]);
/// assert!(Names::EMPTY.is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Names<'a>(NameList<'a>);

#[derive(Debug, Clone, Copy)]
enum NameList<'a> {
    Borrowed(&'a [&'a str]),
    Owned(&'a [String]),
}

impl<'a> Names<'a> {
    /// No names.
    pub const EMPTY: Names<'static> = Names(NameList::Borrowed(&[]));

    /// Borrowed names.
    pub const fn new(names: &'a [&'a str]) -> Self {
        Names(NameList::Borrowed(names))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        match self.0 {
            NameList::Borrowed(names) => names.len(),
            NameList::Owned(names) => names.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th name.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self.0 {
            NameList::Borrowed(names) => names.get(i).copied(),
            NameList::Owned(names) => names.get(i).map(String::as_str),
        }
    }

    /// The names in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let this = *self;
        (0..this.len()).map(move |i| this.get(i).expect("index below len"))
    }

    /// The names in order, as a vector of borrowed strings.
    pub fn to_vec(&self) -> Vec<&'a str> {
        self.iter().collect()
    }
}

impl<'a> From<&'a [&'a str]> for Names<'a> {
    fn from(names: &'a [&'a str]) -> Self {
        Names::new(names)
    }
}

impl<'a, const N: usize> From<&'a [&'a str; N]> for Names<'a> {
    fn from(names: &'a [&'a str; N]) -> Self {
        Names::new(names)
    }
}

impl<'a> From<&'a [String]> for Names<'a> {
    fn from(names: &'a [String]) -> Self {
        Names(NameList::Owned(names))
    }
}

impl<'a> From<&'a Vec<String>> for Names<'a> {
    fn from(names: &'a Vec<String>) -> Self {
        Names(NameList::Owned(names))
    }
}
