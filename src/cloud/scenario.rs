//! Scenarios: every input of the cloud model, as a serde type read from TOML or
//! JSON and validated with field paths.
//!
//! Flows are RMB bn per quarter, rates are per year, and "units" of compute are
//! RMB bn of quarterly revenue at the starting price (so the price index starts at
//! 1). The equations these parameters enter are in `docs/model.md`.

use super::{Definition, Quarter, parameters, series};
use crate::analysis::Rule;
use crate::error::readable;
use crate::error::{Error, Result};
use crate::inputs::{Domain, Param};
use crate::process::{CorrelatedNormals, JumpSize, MarkovRegime, Schedule};
use serde::{Deserialize, Serialize};

/// Number of regimes of the market and of export controls.
pub const REGIMES: usize = 3;
/// Quarters of history the scenario gives before the start (for trailing-year
/// growth, which needs eight quarters, the start being the eighth).
pub const HISTORY_QUARTERS: usize = 7;
/// Longest delivery lead time, in quarters.
pub const MAX_LEAD_QUARTERS: usize = 8;
/// Number of correlated Gaussian drivers: demand, traditional revenue, price, unit cost.
pub const DRIVERS: usize = 4;

/// A complete scenario of the cloud business.
///
/// ```
/// use outpace::cloud::Scenario;
/// let base = Scenario::alibaba();
/// assert_eq!(base.start.to_string(), "2026 Q1");
/// base.validate()?;
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, e.g. `alibaba`.
    pub name: String,
    /// One-paragraph description.
    #[serde(default)]
    pub description: String,
    /// The last observed quarter: point 0 of the simulation. Quarter `k` of the
    /// simulation is `start + k`.
    pub start: Quarter,
    /// Simulated horizon in years (four quarters each).
    pub horizon_years: u32,
    /// Values at the start.
    pub initial: Initial,
    /// Observed quarters before the start.
    pub history: History,
    /// AI compute demand.
    pub demand: Demand,
    /// Traditional cloud revenue.
    pub traditional: Traditional,
    /// Price of a unit of AI compute.
    pub price: Price,
    /// Price-war events.
    pub price_war: PriceWar,
    /// Market regimes: 0 price war, 1 stable, 2 supply-constrained.
    pub market: MarkovRegime,
    /// Export controls on chips.
    pub chips: Chips,
    /// Compute capacity and its cost.
    pub capacity: Capacity,
    /// Capital expenditure policy.
    pub capex: Capex,
    /// Operating costs and tax.
    pub opex: Opex,
    /// Discounting.
    pub finance: Finance,
    /// Correlation of the Gaussian shocks, in the order demand, traditional revenue,
    /// price, unit cost (`[shocks] correlation = [[...]]`, 4 x 4).
    pub shocks: CorrelatedNormals,
    /// Break-even rules of the scenario's own, evaluated after the standard
    /// [`Definition`](super::Definition)s (`[[rules]]` tables, see
    /// [`Rule`]); their keys must differ from the standard keys and from each
    /// other, and their conditions may read any series of
    /// [`series::ALL`](super::series::ALL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// Values at the start (point 0, the quarter `start`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initial {
    /// AI revenue in the start quarter (RMB bn).
    pub ai_revenue: Param,
    /// Traditional cloud revenue in the start quarter (RMB bn).
    pub traditional_revenue: Param,
    /// Utilisation of AI capacity at the start, in `(0, 1]`.
    pub utilisation: Param,
    /// Net book value of the compute asset base (RMB bn).
    pub book_value: Param,
    /// Capex in the start quarter (RMB bn).
    pub capex: Param,
}

/// Observed quarters before the start, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Revenue of the seven quarters before the start (RMB bn).
    pub revenue: Vec<f64>,
    /// Spending (cash operating costs plus capex) of the same quarters (RMB bn).
    pub spending: Vec<f64>,
    /// Capex of the same quarters (RMB bn); orders still in the delivery pipeline at
    /// the start arrive as capacity in the first quarters.
    pub capex: Vec<f64>,
}

/// AI compute demand: stochastic S-curve adoption, responding to price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Logistic growth rate of adoption (per year).
    pub growth_rate: Param,
    /// Adoption ceiling (units per quarter at the starting price).
    pub ceiling: Param,
    /// Volatility of adoption shocks (per sqrt(year)).
    pub volatility: Param,
    /// Price elasticity of demand: demand is adoption times `price^(-elasticity)`.
    pub price_elasticity: Param,
}

/// Traditional cloud revenue: geometric growth with shocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traditional {
    /// Expected growth rate (per year).
    pub growth: Param,
    /// Volatility (per sqrt(year)).
    pub volatility: Param,
}

/// Price of a unit of AI compute (an index starting at 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Deflation drift from cheaper technology (per year, subtracted from the log
    /// drift).
    pub deflation: Param,
    /// Volatility of the price index (per sqrt(year)).
    pub volatility: Param,
    /// Floor of the price index.
    pub floor: Param,
    /// Extra drift by market regime (per year): price war, stable, supply-constrained.
    pub regime_drift: [Param; REGIMES],
}

/// Price-war events: a Hawkes process whose baseline depends on the market regime;
/// every event cuts the log price by a random amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceWar {
    /// Baseline event rate by market regime (events per year).
    pub baseline: [Param; REGIMES],
    /// Jump of the intensity after each event (per year): retaliation.
    pub excitation: Param,
    /// Decay rate of the excitation (per year); `excitation / decay < 1`.
    pub decay: Param,
    /// Log-price cut per event (a non-negative law, drawn per event).
    pub cut_size: JumpSize,
}

/// Export controls on chips: a Markov regime (0 open, 1 restricted, 2 banned) that
/// multiplies the cost of capacity and delays its delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chips {
    /// The regime process (generator per year, initial regime).
    pub regime: MarkovRegime,
    /// Multiplier of the unit cost of capacity by regime.
    pub cost_multiplier: [Param; REGIMES],
    /// Delivery lead time of ordered capacity by regime (quarters, 1 to 8).
    pub lead_quarters: [usize; REGIMES],
}

/// Compute capacity and its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Capex needed for one unit of capacity at the start, in the open regime
    /// (RMB bn per unit).
    pub unit_cost: Param,
    /// Yearly decline of the unit cost (compute gets cheaper), a log drift.
    pub cost_decline: Param,
    /// Volatility of the unit cost (per sqrt(year)).
    pub cost_volatility: Param,
    /// Useful life of capacity and of the asset base (years).
    pub useful_life_years: Param,
}

/// Capex policy: a committed plan plus a demand-following rule under a budget cap,
/// with lumpiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capex {
    /// Committed capex per quarter (RMB bn), a schedule in years from the start.
    pub plan: Schedule,
    /// Capacity target above forecast demand, as a share (0.2 builds to 120%).
    pub headroom: Param,
    /// Share of the capacity gap funded each quarter, in `[0, 1]`.
    pub response: Param,
    /// Cap on total capex per quarter as a multiple of the quarter's revenue; the
    /// committed plan is always honoured.
    pub budget_cap_ratio: Param,
    /// Coefficient of variation of the mean-one gamma factor that makes the
    /// rule-driven capex lumpy (0 for smooth spending).
    pub lumpiness: Param,
}

/// Operating costs and tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opex {
    /// Power and cooling per unit of installed capacity (RMB bn per quarter).
    pub power_per_unit: Param,
    /// Other operating costs as a share of revenue.
    pub other_cost_ratio: Param,
    /// In-house chip R&D (RMB bn per quarter).
    pub chip_rnd: Param,
    /// Tax rate on positive EBITA.
    pub tax_rate: Param,
}

/// Discounting of free cash flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    /// Yearly discount rate.
    pub discount_rate: Param,
}

impl Scenario {
    /// The top-level fields of a scenario, in the order of the type.
    pub const FIELDS: [&'static str; 18] = [
        "name",
        "description",
        "start",
        "horizon_years",
        "initial",
        "history",
        "demand",
        "traditional",
        "price",
        "price_war",
        "market",
        "chips",
        "capacity",
        "capex",
        "opex",
        "finance",
        "shocks",
        "rules",
    ];

    /// Number of simulated quarters.
    pub fn quarters(&self) -> usize {
        self.horizon_years as usize * 4
    }

    /// The calendar quarter of point `k` (`start + k`).
    pub fn quarter(&self, k: usize) -> Quarter {
        self.start.offset(k as i64)
    }

    /// Checks every field; the error names the field path, the value and the rule.
    ///
    /// # Errors
    /// The first of [`problems`](Scenario::problems).
    pub fn validate(&self) -> Result<()> {
        self.problems().into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem of the scenario, in the order of its fields: each numeric
    /// parameter outside its documented range (`docs/model.md`, 3.1; the whole
    /// support of a distribution must lie inside it), the history, the regimes,
    /// the price war's stationarity and rate bound, the lead times, the capex
    /// plan, the shock correlation, the calendar and the scenario's own rules.
    /// Empty for a valid scenario.
    pub fn problems(&self) -> Vec<Error> {
        let mut problems = Vec::new();
        let mut check = |result: Result<()>| {
            if let Err(e) = result {
                problems.push(e);
            }
        };
        if self.name.trim().is_empty() {
            check(Err(Error::invalid("name", "\"\"", "must not be empty")));
        }
        if !(1..=MAX_HORIZON_YEARS).contains(&self.horizon_years) {
            check(Err(Error::invalid(
                "horizon_years",
                self.horizon_years,
                format!("must be between 1 and {MAX_HORIZON_YEARS}"),
            )));
        } else {
            let calendar = crate::calendar::Calendar::Quarterly { start: self.start };
            check(calendar.check(self.quarters()).map_err(|_| {
                Error::invalid(
                    "horizon_years",
                    self.horizon_years,
                    format!(
                        "from start = {} the horizon would run past 2200 Q4, the last quarter \
                         outpace can label: shorten the horizon or start earlier",
                        self.start
                    ),
                )
            }));
        }
        let mut parameter_problems = parameters::problems(self);
        check(self.history.validate().map_err(|e| e.within("history")));
        check(self.check_history_matches_start());
        check(check_regime_count("market.generator", &self.market));
        check(self.price_war.validate().map_err(|e| e.within("price_war")));
        check(self.chips.validate().map_err(|e| e.within("chips")));
        check(self.capex.validate().map_err(|e| e.within("capex")));
        if self.shocks.dim() != DRIVERS {
            check(Err(Error::invalid(
                "shocks.correlation",
                format!("a {0} x {0} matrix", self.shocks.dim()),
                format!("must be {DRIVERS} x {DRIVERS} (demand, traditional, price, unit cost)"),
            )));
        }
        for problem in self.rule_problems() {
            check(Err(problem));
        }
        parameter_problems.append(&mut problems);
        parameter_problems
    }

    /// The start quarter must continue the history: its revenue within a factor
    /// [`HISTORY_JUMP`] of the last history quarter's, so that a scenario that
    /// changes the size of the company also gives its own history.
    fn check_history_matches_start(&self) -> Result<()> {
        let start = self.initial.ai_revenue.mean() + self.initial.traditional_revenue.mean();
        let Some(&last) = self.history.revenue.last() else {
            return Ok(());
        };
        let ratio = start / last;
        if last > 0.0 && (1.0 / HISTORY_JUMP..=HISTORY_JUMP).contains(&ratio) {
            return Ok(());
        }
        Err(Error::invalid(
            "history.revenue",
            format!("{} in the last quarter before the start", readable(last)),
            format!(
                "must be within a factor {HISTORY_JUMP} of the start quarter's revenue \
                 (initial.ai_revenue + initial.traditional_revenue = {}, means): give \
                 the history of the company you model (history.revenue, history.spending, \
                 history.capex), not the one inherited",
                readable(start)
            ),
        ))
    }

    /// The scenario's own rules: distinct keys, none a standard key, conditions
    /// over the model's series.
    fn rule_problems(&self) -> Vec<Error> {
        let mut problems = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |field: &str| format!("rules[{i}].{field}");
            let key = rule.key();
            let standard = Definition::from_key(key).is_ok();
            if standard || self.rules[..i].iter().any(|r| r.key() == key) {
                problems.push(Error::invalid(
                    at("key"),
                    format!("\"{key}\""),
                    if standard {
                        "is the key of a standard definition: choose another"
                    } else {
                        "repeats the key of an earlier rule"
                    },
                ));
            }
            if let Some(unknown) = rule
                .condition()
                .series()
                .into_iter()
                .find(|name| !series::ALL.contains(name))
            {
                problems.push(Error::invalid(
                    at("when"),
                    format!("\"{}\"", rule.condition()),
                    format!(
                        "reads `{unknown}`, which is not a series of the cloud model: use one of {}",
                        series::ALL.join(", ")
                    ),
                ));
            }
        }
        problems
    }
}

/// Longest horizon of a scenario, in years.
pub const MAX_HORIZON_YEARS: u32 = 100;

/// How far the start quarter's revenue may be from the last history quarter's:
/// a factor of 1.5 either way.
pub const HISTORY_JUMP: f64 = 1.5;

/// Largest stationary rate of price-war events, per year, on any path: work per
/// quarter is proportional to the events, so an absurd rate is refused rather than
/// left to run for hours.
pub const MAX_WAR_EVENTS_PER_YEAR: f64 = 1_000.0;

/// Largest value of any flow or stock given in RMB bn (history, capex plan).
pub const MAX_AMOUNT: f64 = 1e5;

fn check_regime_count(path: &str, regime: &MarkovRegime) -> Result<()> {
    if regime.n_regimes() == REGIMES {
        Ok(())
    } else {
        Err(Error::invalid(
            path,
            format!("a {0} x {0} matrix", regime.n_regimes()),
            format!("must be {REGIMES} x {REGIMES}"),
        ))
    }
}

impl History {
    fn validate(&self) -> Result<()> {
        for (name, values) in [
            ("revenue", &self.revenue),
            ("spending", &self.spending),
            ("capex", &self.capex),
        ] {
            if values.len() != HISTORY_QUARTERS {
                return Err(Error::invalid(
                    name,
                    format!("{} values", values.len()),
                    format!("must give exactly {HISTORY_QUARTERS} quarters, oldest first"),
                ));
            }
            let domain = if name == "capex" {
                Domain::closed(0.0, MAX_AMOUNT)
            } else {
                Domain::open_closed(0.0, MAX_AMOUNT)
            };
            for (i, &v) in values.iter().enumerate() {
                Param::Fixed(v).validate(&format!("{name}[{i}]"), domain)?;
            }
        }
        Ok(())
    }
}

impl PriceWar {
    /// Stationarity on every path (`excitation / decay < 1` at the largest
    /// excitation and smallest decay the laws can draw), a bounded event rate, and a
    /// non-negative cut law. The parameters' own ranges are checked with the others.
    fn validate(&self) -> Result<()> {
        let (alpha, beta) = (self.excitation.upper_bound(), self.decay.lower_bound());
        if alpha >= beta {
            return Err(Error::invalid(
                "excitation",
                alpha,
                format!(
                    "must stay below `decay` (at least {}) on every path: the branching ratio \
                     excitation / decay must be < 1",
                    readable(beta)
                ),
            ));
        }
        let baseline = self
            .baseline
            .iter()
            .map(Param::upper_bound)
            .fold(0.0, f64::max);
        let stationary = baseline / (1.0 - alpha / beta);
        if stationary.is_nan() || stationary > MAX_WAR_EVENTS_PER_YEAR {
            return Err(Error::invalid(
                "baseline",
                baseline,
                format!(
                    "with excitation {} and decay {}, up to {stationary:.4e} price-war \
                     events a year: must be at most {MAX_WAR_EVENTS_PER_YEAR} in the stationary \
                     state (baseline / (1 - excitation / decay), at the laws' extremes)",
                    readable(alpha),
                    readable(beta)
                ),
            ));
        }
        check_cut_size(&self.cut_size).map_err(|e| e.within("cut_size"))
    }
}

/// A price cut must not raise the price: its law must be non-negative.
fn check_cut_size(cut: &JumpSize) -> Result<()> {
    let non_negative = match *cut {
        JumpSize::Constant { value } => value >= 0.0,
        JumpSize::Uniform { low, .. } => low >= 0.0,
        JumpSize::Normal { .. } => false,
        _ => true,
    };
    if non_negative {
        Ok(())
    } else {
        Err(Error::invalid(
            "kind",
            format!("{cut:?}"),
            "a price cut must be non-negative: use constant >= 0, uniform with low >= 0, \
             exponential, gamma or log_normal",
        ))
    }
}

impl Chips {
    fn validate(&self) -> Result<()> {
        check_regime_count("regime.generator", &self.regime)?;
        for (i, &lead) in self.lead_quarters.iter().enumerate() {
            if !(1..=MAX_LEAD_QUARTERS).contains(&lead) {
                return Err(Error::invalid(
                    format!("lead_quarters[{i}]"),
                    lead,
                    format!("must be between 1 and {MAX_LEAD_QUARTERS} quarters"),
                ));
            }
        }
        Ok(())
    }
}

impl Capex {
    fn validate(&self) -> Result<()> {
        self.plan.check_values("plan", |name, value| {
            crate::error::check::within(name, value, 0.0, MAX_AMOUNT)
        })
    }
}
