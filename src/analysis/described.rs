//! Any engine model made studiable by stating what a study needs alongside it.

use super::{Headline, Rule, StudyModel, Valuation};
use crate::calendar::Calendar;
use crate::engine::{Grid, Model, Names, PathStreams};
use crate::error::Result;

/// A [`Model`] with the calendar, horizon, rules and units a [`Study`](super::Study)
/// needs, given by builder methods: the quickest way to study a model without
/// implementing [`StudyModel`] by hand. It simulates exactly as the model.
///
/// ```
/// use outpace::analysis::{Described, Rule, Study, StudyOptions};
/// use outpace::calendar::Calendar;
/// use outpace::engine::ProcessModel;
/// use outpace::process::Ou;
///
/// // A free cash flow that starts at -1 and reverts towards +1.
/// let fcf = ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?);
/// let model = Described::new("recovery", fcf, Calendar::Quarterly { start: "2026Q1".parse()? }, 20)
///     .rule(Rule::new("positive", "Cash flow positive", "fcf >= 0")?)
///     .unit("fcf", "USD m per quarter");
/// let study = Study::run(&model, &StudyOptions { paths: 2_000, ..StudyOptions::default() })?;
/// assert!(study.breakevens()[0].within_horizon().estimate > 0.5);
/// assert_eq!(study.info().unit("fcf"), "USD m per quarter");
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Described<M> {
    model: M,
    name: String,
    description: String,
    calendar: Calendar,
    horizon: usize,
    rules: Vec<Rule>,
    units: Vec<(String, String)>,
    fan_series: Option<Vec<String>>,
    headline: Option<Headline>,
    value: Option<Valuation>,
    horizon_independent: bool,
}

impl<M: Model> Described<M> {
    /// `model` named `name`, on `calendar`, studied over `horizon` periods, with no
    /// rule yet.
    pub fn new(name: &str, model: M, calendar: Calendar, horizon: usize) -> Self {
        Described {
            model,
            name: name.to_owned(),
            description: String::new(),
            calendar,
            horizon,
            rules: Vec::new(),
            units: Vec::new(),
            fan_series: None,
            headline: None,
            value: None,
            horizon_independent: false,
        }
    }

    /// Adds a break-even rule.
    #[must_use]
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Sets the unit of a series or scalar outcome.
    #[must_use]
    pub fn unit(mut self, name: &str, unit: &str) -> Self {
        self.units.retain(|(n, _)| n != name);
        self.units.push((name.to_owned(), unit.to_owned()));
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: &str) -> Self {
        description.clone_into(&mut self.description);
        self
    }

    /// Draws fan charts of these series only (default: every series).
    #[must_use]
    pub fn fan_series(mut self, names: &[&str]) -> Self {
        self.fan_series = Some(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Sets the headline pair of series.
    #[must_use]
    pub fn headline(mut self, headline: Headline) -> Self {
        self.headline = Some(headline);
        self
    }

    /// Sets the scalar that values a path.
    #[must_use]
    pub fn value(mut self, value: Valuation) -> Self {
        self.value = Some(value);
        self
    }

    /// Declares that the model's paths do not depend on the horizon
    /// ([`StudyModel::horizon_independent`]: it draws period by period from keyed
    /// streams and builds nothing from the horizon), so that studies of different
    /// horizons compare over their common span. Default `false`. A
    /// [`ProcessModel`](crate::engine::ProcessModel) is horizon independent; a
    /// model whose plan depends on the grid's length is not, and declaring it
    /// would make such comparisons wrong.
    #[must_use]
    pub fn horizon_independent(mut self, independent: bool) -> Self {
        self.horizon_independent = independent;
        self
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }
}

impl<M: Model> Model for Described<M> {
    type Plan = M::Plan;
    type State = M::State;

    fn series(&self) -> Names<'_> {
        self.model.series()
    }

    fn plan(&self, grid: &Grid) -> Result<Self::Plan> {
        self.model.plan(grid)
    }

    #[inline]
    fn init(&self, plan: &Self::Plan, streams: &PathStreams, obs: &mut [f64]) -> Self::State {
        self.model.init(plan, streams, obs)
    }

    #[inline]
    fn step(&self, plan: &Self::Plan, state: &mut Self::State, k: usize, obs: &mut [f64]) {
        self.model.step(plan, state, k, obs);
    }

    fn exponentiated(&self) -> Names<'_> {
        self.model.exponentiated()
    }

    fn scalars(&self) -> Names<'_> {
        self.model.scalars()
    }

    fn inputs(&self) -> &[crate::inputs::Input] {
        self.model.inputs()
    }

    fn finish(&self, plan: &Self::Plan, state: &Self::State, scalars: &mut [f64]) {
        self.model.finish(plan, state, scalars);
    }
}

impl<M: Model> StudyModel for Described<M> {
    fn name(&self) -> &str {
        &self.name
    }

    fn calendar(&self) -> Calendar {
        self.calendar
    }

    fn horizon(&self) -> usize {
        self.horizon
    }

    fn rules(&self) -> Vec<Rule> {
        self.rules.clone()
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn unit(&self, name: &str) -> &str {
        self.units
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, u)| u.as_str())
    }

    fn fan_series(&self) -> Names<'_> {
        self.fan_series
            .as_ref()
            .map_or_else(|| self.model.series(), Names::from)
    }

    fn headline(&self) -> Option<Headline> {
        self.headline.clone()
    }

    fn value(&self) -> Option<Valuation> {
        self.value.clone()
    }

    fn horizon_independent(&self) -> bool {
        self.horizon_independent
    }
}
