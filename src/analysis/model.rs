//! What a study needs from a model beyond simulating it: its calendar, horizon,
//! units, standard break-even rules, and how to present it.

use super::Rule;
use crate::calendar::Calendar;
use crate::engine::{Model, Names};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A model a [`Study`](super::Study) can analyse: an [`engine::Model`](Model)
/// that also says what its grid means and how to read its results.
///
/// A user's model implements [`Model`] (how a path evolves) and this trait (what
/// the analysis and the reports need), then goes through the same study, paired
/// comparisons, reports and charts as the cloud model. Only
/// [`name`](StudyModel::name), [`calendar`](StudyModel::calendar),
/// [`horizon`](StudyModel::horizon) and [`rules`](StudyModel::rules) are
/// required.
///
/// ```
/// use outpace::analysis::{Rule, Study, StudyModel, StudyOptions};
/// use outpace::calendar::Calendar;
/// use outpace::engine::{Names, ProcessModel};
/// use outpace::process::Ou;
///
/// /// A free cash flow that starts at -1 and reverts towards +1, by quarter.
/// struct Recovery(ProcessModel<Ou>);
///
/// impl outpace::engine::Model for Recovery {
///     type Plan = <ProcessModel<Ou> as outpace::engine::Model>::Plan;
///     type State = <ProcessModel<Ou> as outpace::engine::Model>::State;
///     fn series(&self) -> Names<'_> { self.0.series() }
///     fn plan(&self, grid: &outpace::engine::Grid) -> outpace::Result<Self::Plan> {
///         self.0.plan(grid)
///     }
///     fn init(&self, plan: &Self::Plan, s: &outpace::engine::PathStreams, obs: &mut [f64]) -> Self::State {
///         self.0.init(plan, s, obs)
///     }
///     fn step(&self, plan: &Self::Plan, st: &mut Self::State, k: usize, obs: &mut [f64]) {
///         self.0.step(plan, st, k, obs)
///     }
/// }
///
/// impl StudyModel for Recovery {
///     fn name(&self) -> &str { "recovery" }
///     fn calendar(&self) -> Calendar { Calendar::Quarterly { start: "2026Q1".parse().unwrap() } }
///     fn horizon(&self) -> usize { 20 }
///     fn rules(&self) -> Vec<Rule> {
///         vec![Rule::new("positive", "Cash flow positive", "fcf >= 0").unwrap()]
///     }
/// }
///
/// let model = Recovery(ProcessModel::new("fcf", Ou::new(0.5, 1.0, 0.8, -1.0)?));
/// let study = Study::run(&model, &StudyOptions { paths: 2_000, ..StudyOptions::default() })?;
/// assert!(study.breakevens()[0].within_horizon().estimate > 0.5);
/// # Ok::<(), outpace::Error>(())
/// ```
pub trait StudyModel: Model {
    /// A short name for the model or scenario, e.g. `alibaba`: it labels the
    /// model's rows in tables and its lines in charts.
    fn name(&self) -> &str;

    /// What point `k` of the grid stands for.
    fn calendar(&self) -> Calendar;

    /// The number of simulated periods (steps) of a study.
    fn horizon(&self) -> usize;

    /// The standard break-even rules, evaluated unless a study asks for others.
    /// Keys must be distinct.
    fn rules(&self) -> Vec<Rule>;

    /// A human title (default: the name).
    fn title(&self) -> &str {
        self.name()
    }

    /// One paragraph on what the model or scenario represents (default: empty).
    fn description(&self) -> &str {
        ""
    }

    /// The unit of a series or scalar outcome, e.g. `RMB bn per quarter` (empty
    /// when unknown, the default).
    fn unit(&self, name: &str) -> &str {
        let _ = name;
        ""
    }

    /// The rule with key `key`: by default one of [`rules`](StudyModel::rules). A
    /// model may accept more keys (variants of its standard rules, say).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `rule` and listing the known keys.
    fn rule(&self, key: &str) -> Result<Rule> {
        let rules = self.rules();
        rules
            .iter()
            .find(|r| r.key() == key)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = rules.iter().map(Rule::key).collect();
                Error::invalid(
                    "rule",
                    key,
                    format!(
                        "is not a rule of `{}`; known: {}",
                        self.name(),
                        known.join(", ")
                    ),
                )
            })
    }

    /// The rule a person names: a key [`rule`](StudyModel::rule) accepts (so
    /// the model's variants too), or the title of one of
    /// [`rules`](StudyModel::rules), e.g. `cumulative payback`; both trimmed and
    /// case-insensitive, keys first.
    ///
    /// ```
    /// use outpace::analysis::StudyModel;
    /// use outpace::cloud::{CloudModel, Scenario};
    ///
    /// let model = CloudModel::new(Scenario::alibaba())?;
    /// assert_eq!(model.rule_named("Cumulative PAYBACK ")?.key(), "cumulative_payback");
    /// assert_eq!(model.rule_named("flow_crossover_8q")?.sustain(), Some(8));
    /// let err = model.rule_named("payback").unwrap_err().to_string();
    /// assert!(err.contains("\"Cumulative payback\" (cumulative_payback)"));
    /// # Ok::<(), outpace::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `rule` and listing the titles and keys
    /// of [`rules`](StudyModel::rules).
    fn rule_named(&self, name: &str) -> Result<Rule> {
        let name = name.trim();
        let lower = name.to_lowercase();
        if let Ok(rule) = self.rule(name).or_else(|_| self.rule(&lower)) {
            return Ok(rule);
        }
        let rules = self.rules();
        if let Some(rule) = rules.iter().find(|r| r.title().to_lowercase() == lower) {
            return Ok(rule.clone());
        }
        let known: Vec<String> = rules
            .iter()
            .map(|r| format!("\"{}\" ({})", r.title(), r.key()))
            .collect();
        Err(Error::invalid(
            "rule",
            format!("\"{name}\""),
            format!(
                "is neither the title nor the key of a rule of `{}`; known: {}",
                self.name(),
                known.join(", ")
            ),
        ))
    }

    /// The series drawn as fan charts (default: every series). A study collects
    /// quantiles for these and for every series its break-even rules read (so
    /// that `fan_chart.csv` has the quantiles of what decides break-even), and for
    /// no other.
    fn fan_series(&self) -> Names<'_> {
        self.series()
    }

    /// The two series the headline chart sets against each other, money in and
    /// money out (default: none).
    fn headline(&self) -> Option<Headline> {
        None
    }

    /// The scalar outcome reported as the value of a path, such as an NPV
    /// (default: none).
    fn value(&self) -> Option<Valuation> {
        None
    }

    /// The keys of the rules a comparison of scenarios shows by default (default:
    /// every rule).
    fn compared(&self) -> Vec<String> {
        self.rules().iter().map(|r| r.key().to_owned()).collect()
    }

    /// The revenue and volume series whose ratio is the model's ARPU, for the
    /// volume/ARPU decomposition of revenue growth
    /// ([`Decomposition`](super::Decomposition); default: none).
    fn decomposition(&self) -> Option<(&str, &str)> {
        None
    }

    /// Whether path `i`'s first `S` periods are the same whatever the horizon
    /// (`S <=` horizon): the model draws its random numbers period by period from
    /// keyed streams and builds nothing from the horizon (no plan spread over it,
    /// no draw of a length that depends on it). Then the break-even times of a
    /// shorter horizon are those of a longer one truncated
    /// ([`Rule::truncate`]), and [`Study::compare`](super::Study::compare)
    /// compares studies of different horizons over their common span. Default
    /// `false`: such studies are refused.
    fn horizon_independent(&self) -> bool {
        false
    }

    /// The inputs of the model as run, for the record in `summary.json` (for the
    /// cloud model, the scenario; default: null).
    fn scenario(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
}

/// The two series of a headline chart: money in against money out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// The series of money in, e.g. `revenue`.
    pub income: String,
    /// The series of money out, e.g. `spending`.
    pub spending: String,
    /// What the spending series covers, for chart notes (e.g. "opex plus capex").
    #[serde(default)]
    pub spending_note: String,
}

/// The scalar outcome that values a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Valuation {
    /// The scalar's name among the model's scalars, e.g. `npv`.
    pub scalar: String,
    /// A short label, e.g. `NPV`.
    pub label: String,
    /// What it measures, e.g. "NPV of free cash flow over the horizon (no
    /// terminal value)".
    pub description: String,
}

/// Everything a study keeps of its model, so that reports need nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// [`StudyModel::name`].
    pub name: String,
    /// [`StudyModel::title`].
    pub title: String,
    /// [`StudyModel::description`].
    pub description: String,
    /// [`StudyModel::calendar`].
    pub calendar: Calendar,
    /// The unit of every series and scalar outcome, in the model's order (series
    /// first): `(name, unit)`.
    pub units: Vec<(String, String)>,
    /// [`StudyModel::headline`].
    pub headline: Option<Headline>,
    /// [`StudyModel::value`].
    pub value: Option<Valuation>,
    /// [`StudyModel::compared`].
    pub compared: Vec<String>,
    /// [`StudyModel::scenario`].
    pub scenario: serde_json::Value,
    /// [`StudyModel::decomposition`]: the revenue and volume series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<(String, String)>,
    /// [`StudyModel::horizon_independent`].
    #[serde(default)]
    pub horizon_independent: bool,
}

impl ModelInfo {
    /// The information of `model`.
    pub fn of<M: StudyModel + ?Sized>(model: &M) -> ModelInfo {
        let units = model
            .series()
            .iter()
            .chain(model.scalars().iter())
            .map(|name| (name.to_owned(), model.unit(name).to_owned()))
            .collect();
        ModelInfo {
            name: model.name().to_owned(),
            title: model.title().to_owned(),
            description: model.description().to_owned(),
            calendar: model.calendar(),
            units,
            headline: model.headline(),
            value: model.value(),
            compared: model.compared(),
            scenario: model.scenario(),
            decomposition: model
                .decomposition()
                .map(|(r, v)| (r.to_owned(), v.to_owned())),
            horizon_independent: model.horizon_independent(),
        }
    }

    /// The unit of a series or scalar (empty when unknown).
    pub fn unit(&self, name: &str) -> &str {
        self.units
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, u)| u.as_str())
    }
}
