//! The cloud business as a [`Model`] of the engine. Equations, order of operations
//! and parameter draws are specified in `docs/model.md`; this file follows it
//! section by section.

use super::parameters::{self, ID_LIMIT, PARAMETERS, id};
use super::scenario::{
    CapexRule, DRIVERS, HISTORY_QUARTERS, MAX_LEAD_QUARTERS, REGIMES, Scenario, Terminal,
};
use super::series;
use crate::engine::{Grid, Model, Names, PathRng, PathStreams};
use crate::error::{Error, Result};
use crate::inputs::{Input, Param};
use crate::math;
use crate::process::{
    CorrelatedNormals, GaussianDriven, Gbm, GbmStep, Hawkes, HawkesState, HawkesStep, JumpSize,
    LogReturn, Logistic, LogisticStep, Process, RegimeState, RegimeStep, RivalHawkes,
    RivalHawkesState, RivalHawkesStep, Transition, standard_normal,
};
use rand::RngExt;
use rand_distr::Gamma;

/// Sources of randomness, by stable id (see [`Component`]).
mod component {
    use crate::engine::Component;
    /// Gaussian drivers; sub-component `i` for driver `i` (demand, traditional,
    /// price, unit cost), correlated afterwards.
    pub const DRIVER: Component = Component::new(1);
    /// Price-war event times.
    pub const PRICE_WAR: Component = Component::new(2);
    /// Price-war cut sizes.
    pub const CUT_SIZE: Component = Component::new(3);
    /// Market regime switches.
    pub const MARKET: Component = Component::new(4);
    /// Export-control regime switches.
    pub const CHIPS: Component = Component::new(5);
    /// Capex lumpiness factors.
    pub const LUMPS: Component = Component::new(6);
    // 7: per-path parameter draws, sub-component = parameter id
    // (`super::super::parameters::PARAMETERS`).
    /// Rival price-war event times (`[price_war.rivals]`).
    pub const RIVAL_WAR: Component = Component::new(8);
    /// The modelled firm's decisions to match rivals' cuts.
    pub const MATCHING: Component = Component::new(9);
}

/// Slots of the delivery pipeline: one more than the longest lead time, so that an
/// order never lands in the slot being emptied.
const PIPELINE: usize = MAX_LEAD_QUARTERS + 1;
/// Quarters in a year.
const YEAR: usize = 4;
/// Coefficients of variation of the capex lumps below this are smooth (`Lambda =
/// 1`): a mean-one gamma factor of that spread differs from 1 by less than this in
/// standard deviation, and its shape `1 / cv^2` would overflow for tiny `cv`.
pub const MIN_LUMPINESS: f64 = 1e-6;
/// The step of the cloud model, in years.
pub const QUARTER: f64 = 0.25;

/// The cloud model of a validated [`Scenario`].
///
/// ```
/// use outpace::cloud::{CloudModel, Scenario};
/// use outpace::engine::Simulation;
/// let model = CloudModel::new(Scenario::alibaba())?;
/// let run = Simulation::new(model).paths(500).steps(8).dt(0.25).seed(1).run()?;
/// assert!(run.series("revenue").unwrap().mean(8) > 41.6);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CloudModel {
    scenario: Scenario,
    /// The uncertain parameters, as the model's inputs.
    inputs: Vec<Input>,
    /// The input slot of each parameter id (`u16::MAX` for a fixed parameter).
    slots: [u16; ID_LIMIT],
}

impl CloudModel {
    /// The model of `scenario`, after validating it. Its inputs
    /// ([`Model::inputs`]) are the scenario's uncertain parameters, named by field
    /// path and grouped by section.
    pub fn new(scenario: Scenario) -> Result<Self> {
        scenario.validate()?;
        let (inputs, slots) = parameters::inputs(&scenario)?;
        Ok(CloudModel {
            scenario,
            inputs,
            slots,
        })
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
}

/// What depends only on the grid: regime transitions, correlation, the capex plan.
#[derive(Debug, Clone)]
pub struct CloudPlan {
    dt: f64,
    market: RegimeStep,
    chips: RegimeStep,
    shocks: CorrelatedNormals,
    /// Committed capex of quarter `k` (index `k`, 0 unused): the plan's average over
    /// `[t_{k-1}, t_k]`.
    planned_capex: Vec<f64>,
}

/// Parameters drawn once per path.
#[derive(Debug, Clone, Copy)]
struct Drawn {
    ai_revenue: f64,
    traditional_revenue: f64,
    utilisation: f64,
    book_value: f64,
    capex: f64,
    elasticity: f64,
    log_floor: f64,
    cost_multiplier: [f64; REGIMES],
    unit_cost: f64,
    survival: f64,
    /// `survival^lead` for the lead time of each export regime.
    lead_survival: [f64; REGIMES],
    depreciation_rate: f64,
    headroom: f64,
    response: f64,
    budget_cap_ratio: f64,
    power_per_unit: f64,
    other_cost_ratio: f64,
    chip_rnd: f64,
    tax_rate: f64,
    quarter_discount: f64,
    discount_rate: f64,
    match_probability: f64,
    switching: f64,
}

/// Exact transitions of one path (they depend on drawn parameters).
#[derive(Debug, Clone)]
struct Steps {
    adoption: LogisticStep,
    /// The S-curve over each export regime's lead time: the capex rule's forecast.
    forecast: [LogisticStep; REGIMES],
    traditional: GbmStep,
    price: [GbmStep; REGIMES],
    unit_cost: GbmStep,
    war: [HawkesStep; REGIMES],
    /// The rival price war by market regime, when the scenario has one.
    rivals: Option<[RivalHawkesStep; REGIMES]>,
    lumps: Option<Gamma<f64>>,
}

/// The random generators of one path.
#[derive(Debug, Clone)]
struct Rngs {
    drivers: [PathRng; DRIVERS],
    war: PathRng,
    cuts: PathRng,
    market: PathRng,
    chips: PathRng,
    lumps: PathRng,
    rival_war: PathRng,
    matching: PathRng,
}

/// The state of one simulated path.
#[derive(Debug, Clone)]
pub struct CloudPath {
    drawn: Drawn,
    steps: Steps,
    rng: Rngs,
    adoption: f64,
    price: LogReturn,
    traditional: LogReturn,
    unit_cost: LogReturn,
    /// `e^p`, `e^{-epsilon p}` and `e^q` of the current quarter, computed once.
    price_level: f64,
    demand_factor: f64,
    cost_index: f64,
    war: HawkesState,
    rivals: RivalHawkesState,
    /// Log of the volume kept against unmatched rival cuts (`s`, `<= 0`).
    share_loss: f64,
    matched: u64,
    unmatched: u64,
    /// Free cash flow of the last four quarters, oldest first (terminal value).
    fcf_year: [f64; YEAR],
    market: RegimeState,
    chips: RegimeState,
    capacity: f64,
    pipeline: [f64; PIPELINE],
    book: f64,
    cumulative_fcf: f64,
    discount: f64,
    discounted_fcf: f64,
    /// Revenue and spending of the last eight quarters, oldest first.
    revenue_history: [f64; 2 * YEAR],
    spending_history: [f64; 2 * YEAR],
}

/// The flows of one quarter, in the order of [`series::ALL`].
struct Flows {
    served: f64,
    revenue: f64,
    ai_revenue: f64,
    traditional_revenue: f64,
    price: f64,
    demand: f64,
    capacity: f64,
    utilisation: f64,
    opex: f64,
    depreciation: f64,
    ebita: f64,
    operating_cash_flow: f64,
    capex: f64,
}

impl CloudModel {
    /// The value of parameter `id` on this path: its input value, drawn by the
    /// engine's design; outside a simulation, a draw of its own stream (fixed
    /// values use no randomness).
    fn draw(&self, streams: &PathStreams, id: u32, p: &Param) -> f64 {
        match p {
            Param::Fixed(x) => *x,
            p => streams
                .input(usize::from(self.slots[id as usize]))
                .unwrap_or_else(|| p.sample(&mut streams.rng(PARAMETERS.sub(id)))),
        }
    }

    fn draw_parameters(&self, streams: &PathStreams, dt: f64) -> Drawn {
        let s = &self.scenario;
        let d = |id, p| self.draw(streams, id, p);
        let life = d(id::USEFUL_LIFE, &s.capacity.useful_life_years);
        let discount_rate = d(id::DISCOUNT_RATE, &s.finance.discount_rate);
        Drawn {
            ai_revenue: d(id::AI_REVENUE, &s.initial.ai_revenue),
            traditional_revenue: d(id::TRADITIONAL_REVENUE, &s.initial.traditional_revenue),
            utilisation: d(id::UTILISATION, &s.initial.utilisation),
            book_value: d(id::BOOK_VALUE, &s.initial.book_value),
            capex: d(id::INITIAL_CAPEX, &s.initial.capex),
            elasticity: d(id::PRICE_ELASTICITY, &s.demand.price_elasticity),
            log_floor: d(id::PRICE_FLOOR, &s.price.floor).ln(),
            cost_multiplier: [0, 1, 2].map(|i| {
                d(
                    id::COST_MULTIPLIER + i,
                    &s.chips.cost_multiplier[i as usize],
                )
            }),
            unit_cost: d(id::UNIT_COST, &s.capacity.unit_cost),
            survival: 1.0 - dt / life,
            lead_survival: s
                .chips
                .lead_quarters
                .map(|lead| (1.0 - dt / life).powi(lead as i32)),
            depreciation_rate: dt / life,
            headroom: d(id::HEADROOM, &s.capex.headroom),
            response: d(id::RESPONSE, &s.capex.response),
            budget_cap_ratio: d(id::BUDGET_CAP_RATIO, &s.capex.budget_cap_ratio),
            power_per_unit: d(id::POWER_PER_UNIT, &s.opex.power_per_unit),
            other_cost_ratio: d(id::OTHER_COST_RATIO, &s.opex.other_cost_ratio),
            chip_rnd: d(id::CHIP_RND, &s.opex.chip_rnd),
            tax_rate: d(id::TAX_RATE, &s.opex.tax_rate),
            quarter_discount: (1.0 + discount_rate).powf(-dt),
            discount_rate,
            match_probability: d(id::MATCH_PROBABILITY, self.rival(|r| &r.match_probability)),
            switching: d(id::SWITCHING, self.rival(|r| &r.switching)),
        }
    }

    /// A parameter of the rival price war (a fixed placeholder without one).
    fn rival(&self, field: fn(&super::Rivals) -> &Param) -> &Param {
        static ABSENT: Param = Param::Fixed(0.0);
        self.scenario
            .price_war
            .rivals
            .as_ref()
            .map_or(&ABSENT, field)
    }

    /// The rival price war's transitions by market regime, if the scenario has one.
    fn rival_steps(
        &self,
        streams: &PathStreams,
        dt: f64,
    ) -> Result<Option<[RivalHawkesStep; REGIMES]>> {
        let Some(r) = &self.scenario.price_war.rivals else {
            return Ok(None);
        };
        let d = |id, p| self.draw(streams, id, p);
        let (baseline, cross, decay) = (
            d(id::RIVAL_BASELINE, &r.baseline),
            d(id::RIVAL_EXCITATION, &r.excitation),
            d(id::RIVAL_DECAY, &r.decay),
        );
        let n = r.firms.len();
        let step = |m: usize| {
            RivalHawkes::shared(
                n,
                baseline * r.regime_factor[m],
                r.self_ratio * cross,
                cross,
                decay,
            )?
            .transition(dt)
        };
        Ok(Some([step(0)?, step(1)?, step(2)?]))
    }

    /// Builds the path's exact transitions from its drawn parameters. The scenario
    /// was validated, so every constructor receives values inside its domain.
    fn build_steps(&self, streams: &PathStreams, drawn: &Drawn, dt: f64) -> Result<Steps> {
        let s = &self.scenario;
        let d = |id, p| self.draw(streams, id, p);
        let adoption = Logistic::new(
            d(id::GROWTH_RATE, &s.demand.growth_rate),
            d(id::CEILING, &s.demand.ceiling),
            d(id::DEMAND_VOLATILITY, &s.demand.volatility),
            drawn.ai_revenue,
        )?;
        let traditional = Gbm::new(
            d(id::TRADITIONAL_GROWTH, &s.traditional.growth),
            d(id::TRADITIONAL_VOLATILITY, &s.traditional.volatility),
            1.0,
        )?;
        let (deflation, price_vol) = (
            d(id::DEFLATION, &s.price.deflation),
            d(id::PRICE_VOLATILITY, &s.price.volatility),
        );
        let price = |i: u32| {
            Gbm::new(
                d(id::REGIME_DRIFT + i, &s.price.regime_drift[i as usize]) - deflation,
                price_vol,
                1.0,
            )
        };
        let unit_cost = Gbm::new(
            -d(id::COST_DECLINE, &s.capacity.cost_decline),
            d(id::COST_VOLATILITY, &s.capacity.cost_volatility),
            1.0,
        )?;
        let (alpha, beta) = (
            d(id::EXCITATION, &s.price_war.excitation),
            d(id::DECAY, &s.price_war.decay),
        );
        let war = |i: u32| {
            Hawkes::new(
                d(id::WAR_BASELINE + i, &s.price_war.baseline[i as usize]),
                alpha,
                beta,
            )?
            .transition(dt)
        };
        let cv = d(id::LUMPINESS, &s.capex.lumpiness);
        let lumps = if cv >= MIN_LUMPINESS {
            let shape = 1.0 / (cv * cv);
            Some(
                Gamma::new(shape, 1.0 / shape)
                    .map_err(|e| Error::invalid("capex.lumpiness", cv, e.to_string()))?,
            )
        } else {
            None
        };
        let leads = s.chips.lead_quarters;
        Ok(Steps {
            adoption: adoption.transition(dt)?,
            forecast: [
                adoption.transition(leads[0] as f64 * dt)?,
                adoption.transition(leads[1] as f64 * dt)?,
                adoption.transition(leads[2] as f64 * dt)?,
            ],
            traditional: traditional.transition(dt)?,
            price: [
                price(0)?.transition(dt)?,
                price(1)?.transition(dt)?,
                price(2)?.transition(dt)?,
            ],
            unit_cost: unit_cost.transition(dt)?,
            war: [war(0)?, war(1)?, war(2)?],
            rivals: self.rival_steps(streams, dt)?,
            lumps,
        })
    }
}

impl Model for CloudModel {
    type Plan = CloudPlan;
    type State = CloudPath;

    fn series(&self) -> Names<'_> {
        Names::new(&series::ALL)
    }

    fn scalars(&self) -> Names<'_> {
        match self.scenario.finance.terminal {
            None => Names::new(&[series::NPV]),
            Some(_) => Names::new(&[series::NPV, series::NPV_WITH_TERMINAL]),
        }
    }

    fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// # Errors
    /// A grid other than the scenario's: a step other than a quarter
    /// ([`QUARTER`] years) or more steps than the scenario's horizon.
    fn plan(&self, grid: &Grid) -> Result<CloudPlan> {
        let s = &self.scenario;
        let dt = grid.dt();
        if dt != QUARTER {
            return Err(Error::invalid(
                "dt",
                dt,
                format!("must be {QUARTER} years: the cloud model runs on quarters"),
            ));
        }
        if grid.steps() > s.quarters() {
            return Err(Error::invalid(
                "steps",
                grid.steps(),
                format!(
                    "must not exceed the scenario's horizon of {} quarters (horizon_years = {})",
                    s.quarters(),
                    s.horizon_years
                ),
            ));
        }
        let planned_capex = (0..=grid.steps())
            .map(|k| match k {
                0 => 0.0,
                k => s.capex.plan.integral(grid.time(k - 1), grid.time(k)) / dt,
            })
            .collect();
        // Check once that every path's transitions can be built (parameters are drawn
        // inside validated domains, so this holds for every path).
        let probe = PathStreams::new(0, 0);
        self.build_steps(&probe, &self.draw_parameters(&probe, dt), dt)?;
        Ok(CloudPlan {
            dt,
            market: s.market.transition(dt)?,
            chips: s.chips.regime.transition(dt)?,
            shocks: s.shocks.clone(),
            planned_capex,
        })
    }

    fn init(&self, plan: &CloudPlan, streams: &PathStreams, obs: &mut [f64]) -> CloudPath {
        let drawn = self.draw_parameters(streams, plan.dt);
        let steps = self
            .build_steps(streams, &drawn, plan.dt)
            .expect("parameters drawn inside validated domains build valid processes");
        let mut path = CloudPath {
            rng: Rngs {
                drivers: [0, 1, 2, 3].map(|i| streams.rng(component::DRIVER.sub(i))),
                war: streams.rng(component::PRICE_WAR),
                cuts: streams.rng(component::CUT_SIZE),
                market: streams.rng(component::MARKET),
                chips: streams.rng(component::CHIPS),
                lumps: streams.rng(component::LUMPS),
                rival_war: streams.rng(component::RIVAL_WAR),
                matching: streams.rng(component::MATCHING),
            },
            adoption: drawn.ai_revenue,
            price: LogReturn::default(),
            traditional: LogReturn::default(),
            unit_cost: LogReturn::default(),
            price_level: 1.0,
            demand_factor: 1.0,
            cost_index: 1.0,
            war: HawkesState::default(),
            rivals: RivalHawkesState::default(),
            share_loss: 0.0,
            matched: 0,
            unmatched: 0,
            fcf_year: [0.0; YEAR],
            market: self.scenario.market.initial_state(),
            chips: self.scenario.chips.regime.initial_state(),
            capacity: drawn.ai_revenue / drawn.utilisation,
            pipeline: [0.0; PIPELINE],
            book: drawn.book_value,
            cumulative_fcf: 0.0,
            discount: 1.0,
            discounted_fcf: 0.0,
            revenue_history: [0.0; 2 * YEAR],
            spending_history: [0.0; 2 * YEAR],
            drawn,
            steps,
        };
        self.fill_pipeline_from_history(&mut path);
        let flows = path.flows(drawn.ai_revenue, drawn.capex);
        // `record` appends point 0 after the seven history quarters.
        let h = &self.scenario.history;
        path.revenue_history[1..].copy_from_slice(&h.revenue);
        path.spending_history[1..].copy_from_slice(&h.spending);
        path.record(&flows, flows.operating_cash_flow - flows.capex, obs);
        path
    }

    fn step(&self, plan: &CloudPlan, path: &mut CloudPath, k: usize, obs: &mut [f64]) {
        let demand = path.advance_markets(plan, &self.scenario.price_war.cut_size);
        path.receive_capacity(k);
        let flows = path.flows(demand, 0.0);
        let capex = path.decide_capex(
            plan.planned_capex[k],
            &flows,
            k,
            self.scenario.chips.lead_quarters,
            self.scenario.capex.rule,
        );
        let flows = Flows { capex, ..flows };
        path.book += capex - flows.depreciation;
        let fcf = flows.operating_cash_flow - capex;
        path.cumulative_fcf += fcf;
        path.discount *= path.drawn.quarter_discount;
        path.discounted_fcf += fcf * path.discount;
        path.fcf_year.copy_within(1.., 0);
        path.fcf_year[YEAR - 1] = fcf;
        plan.market.step(&mut path.market, &mut path.rng.market);
        plan.chips.step(&mut path.chips, &mut path.rng.chips);
        path.record(&flows, fcf, obs);
    }

    fn finish(&self, _plan: &CloudPlan, path: &CloudPath, scalars: &mut [f64]) {
        scalars[0] = path.discounted_fcf;
        if let Some(terminal) = self.scenario.finance.terminal {
            scalars[1] = path.discounted_fcf + path.discount * path.terminal_value(terminal);
        }
    }
}

impl CloudModel {
    /// Capex ordered in the quarters before the start that is still in the pipeline
    /// arrives as capacity in the first quarters (lead time of the initial export
    /// regime, unit cost at the start).
    fn fill_pipeline_from_history(&self, path: &mut CloudPath) {
        let lead = self.scenario.chips.lead_quarters[path.chips.regime()] as i64;
        let unit_cost = path.unit_cost();
        let past = self
            .scenario
            .history
            .capex
            .iter()
            .copied()
            .chain([path.drawn.capex]);
        for (age, capex) in (0..=HISTORY_QUARTERS as i64).rev().zip(past) {
            let arrival = lead - age;
            if arrival >= 1 {
                path.pipeline[arrival as usize % PIPELINE] += capex / unit_cost;
            }
        }
    }
}

impl CloudPath {
    /// Effective unit cost of capacity under the current export regime.
    fn unit_cost(&self) -> f64 {
        self.drawn.unit_cost * self.cost_index * self.drawn.cost_multiplier[self.chips.regime()]
    }

    /// Correlated shocks, price (drift, price-war cuts, floor), adoption and
    /// traditional revenue, unit cost; returns AI demand.
    fn advance_markets(&mut self, plan: &CloudPlan, cut_size: &JumpSize) -> f64 {
        let mut z = [0.0; DRIVERS];
        for (z, rng) in z.iter_mut().zip(self.rng.drivers.iter_mut()) {
            *z = standard_normal(rng);
        }
        plan.shocks.correlate(&mut z);
        let m = self.market.regime();
        let Self { steps, rng, .. } = self;
        steps.price[m].step_with(&mut self.price, z[2], &mut rng.cuts);
        match &steps.rivals {
            None => {
                steps.war[m].step(&mut self.war, &mut rng.war);
                for _ in 0..self.war.last_events() {
                    self.price.log_return -= rng.cuts.sample(cut_size);
                }
            }
            Some(rivals) => {
                let effect = rival_cuts(
                    &rivals[m],
                    &mut self.rivals,
                    rng,
                    cut_size,
                    self.drawn.match_probability,
                );
                self.price.log_return -= effect.price_cut;
                self.share_loss -= self.drawn.switching * effect.unmatched_cut;
                self.matched += effect.matched;
                self.unmatched += effect.unmatched;
            }
        }
        self.price.log_return = self.price.log_return.max(self.drawn.log_floor);
        steps
            .adoption
            .step_with(&mut self.adoption, z[0], &mut rng.cuts);
        steps
            .traditional
            .step_with(&mut self.traditional, z[1], &mut rng.cuts);
        steps
            .unit_cost
            .step_with(&mut self.unit_cost, z[3], &mut rng.cuts);
        self.price_level = math::exp(self.price.log_return);
        self.demand_factor =
            math::exp(self.share_loss - self.drawn.elasticity * self.price.log_return);
        self.cost_index = math::exp(self.unit_cost.log_return);
        self.adoption * self.demand_factor
    }

    /// Capacity ordered `lead` quarters ago arrives; installed capacity retires at
    /// rate `dt / life`.
    fn receive_capacity(&mut self, k: usize) {
        let slot = k % PIPELINE;
        self.capacity = self.capacity * self.drawn.survival + self.pipeline[slot];
        self.pipeline[slot] = 0.0;
    }

    /// Revenue, costs and profit of the quarter for AI demand `demand`, with `capex`.
    fn flows(&self, demand: f64, capex: f64) -> Flows {
        let d = &self.drawn;
        let price = self.price_level;
        let served = demand.min(self.capacity);
        let ai_revenue = price * served;
        let traditional_revenue = d.traditional_revenue * math::exp(self.traditional.log_return);
        let revenue = ai_revenue + traditional_revenue;
        // Power per unit falls with the technology curve of the unit cost (not with
        // the export-control multiplier): newer chips do more per watt.
        let power = d.power_per_unit * self.cost_index * self.capacity;
        let opex = power + d.other_cost_ratio * revenue + d.chip_rnd;
        let depreciation = self.book * d.depreciation_rate;
        let ebita = revenue - opex - depreciation;
        Flows {
            served,
            revenue,
            ai_revenue,
            traditional_revenue,
            price,
            demand,
            capacity: self.capacity,
            utilisation: served / self.capacity,
            opex,
            depreciation,
            ebita,
            operating_cash_flow: ebita + depreciation - d.tax_rate * ebita.max(0.0),
            capex,
        }
    }

    /// Committed plan plus the demand-following rule under the budget cap; orders
    /// the capacity it buys for delivery after the current lead time.
    fn decide_capex(
        &mut self,
        planned: f64,
        flows: &Flows,
        k: usize,
        leads: [usize; REGIMES],
        rule: CapexRule,
    ) -> f64 {
        let d = self.drawn;
        let e = self.chips.regime();
        let lead = leads[e];
        let unit_cost = self.unit_cost();
        let forecast = self.steps.forecast[e].conditional_mean(self.adoption) * self.demand_factor;
        let on_order: f64 = self.pipeline.iter().sum();
        let future_capacity = self.capacity * d.lead_survival[e] + on_order;
        let gap = (forecast * (1.0 + d.headroom) - future_capacity).max(0.0);
        let builds = match rule {
            CapexRule::Plan => false,
            CapexRule::Demand => true,
            CapexRule::UnitEconomics => self.unit_value(lead, d.headroom) >= unit_cost,
        };
        let wanted = if builds {
            (d.response * gap * unit_cost - planned).max(0.0)
        } else {
            0.0
        };
        let lump = self.steps.lumps.map_or(1.0, |g| self.rng.lumps.sample(g));
        let room = (d.budget_cap_ratio * flows.revenue - planned).max(0.0);
        let capex = planned + (wanted * lump).min(room);
        self.pipeline[(k + lead) % PIPELINE] += capex / unit_cost;
        capex
    }

    /// The discounted cash margin of a unit ordered now over its life (pre-tax,
    /// price and costs held at today's): it earns `m = P u (1 - o) - w e^q` a
    /// quarter from delivery after `lead` quarters, at the utilisation
    /// `u = 1 / (1 + h)` the headroom targets, and retires at rate `dt / L`, so
    /// `V = m v^(lead + 1) / (1 - s v)` with `v` the quarterly discount factor and
    /// `s = 1 - dt / L` (`docs/model.md`, 3.6).
    fn unit_value(&self, lead: usize, headroom: f64) -> f64 {
        let d = &self.drawn;
        let margin = self.price_level * (1.0 - d.other_cost_ratio) / (1.0 + headroom)
            - d.power_per_unit * self.cost_index;
        let v = d.quarter_discount;
        margin * v.powi(lead as i32 + 1) / (1.0 - d.survival * v)
    }

    /// Terminal value at the horizon from the last four quarters' free cash flow.
    fn terminal_value(&self, terminal: Terminal) -> f64 {
        let last_year: f64 = self.fcf_year.iter().sum();
        match terminal {
            Terminal::Gordon { growth } => {
                last_year * (1.0 + growth) / (self.drawn.discount_rate - growth)
            }
            Terminal::ExitMultiple { multiple } => multiple * last_year,
        }
    }

    /// Pushes the quarter into the trailing-year history and writes the observations.
    fn record(&mut self, f: &Flows, fcf: f64, obs: &mut [f64]) {
        let spending = f.opex + f.capex;
        push(&mut self.revenue_history, f.revenue);
        push(&mut self.spending_history, spending);
        let values = [
            f.revenue,
            f.ai_revenue,
            f.traditional_revenue,
            f.price,
            f.demand,
            f.capacity,
            f.utilisation,
            f.opex,
            f.depreciation,
            f.ebita,
            f.operating_cash_flow,
            f.capex,
            fcf,
            spending,
            self.cumulative_fcf,
            self.discounted_fcf,
            trailing_growth(&self.revenue_history),
            trailing_growth(&self.spending_history),
            self.market.regime() as f64,
            self.chips.regime() as f64,
            f.served,
            // ARPU is the price charged (docs/model.md 3.7); with nothing served
            // (a rival war's volume loss can take demand to 0) it is that price.
            if f.served > 0.0 {
                f.ai_revenue / f.served
            } else {
                f.price
            },
            self.matched as f64,
            self.unmatched as f64,
            self.share_loss,
        ];
        obs.copy_from_slice(&values);
    }
}

/// Shifts a window of quarters left and appends `x`.
fn push(window: &mut [f64; 2 * YEAR], x: f64) {
    window.copy_within(1.., 0);
    window[2 * YEAR - 1] = x;
}

/// Last four quarters over the four before, minus 1 (0 if the earlier year is 0).
fn trailing_growth(window: &[f64; 2 * YEAR]) -> f64 {
    let earlier: f64 = window[..YEAR].iter().sum();
    let later: f64 = window[YEAR..].iter().sum();
    if earlier > 0.0 {
        later / earlier - 1.0
    } else {
        0.0
    }
}

/// What one quarter of the rival price war does to the modelled firm (firm 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RivalEffect {
    /// Total log-price cut: its own cuts and the rivals' cuts it matched.
    pub price_cut: f64,
    /// Total size of the rivals' cuts it did not match.
    pub unmatched_cut: f64,
    /// Rivals' cuts matched this quarter.
    pub matched: u64,
    /// Rivals' cuts not matched this quarter.
    pub unmatched: u64,
}

/// One quarter of the rival price war: the events of the step, then, in this
/// order, a cut size for each of the firm's own cuts, and for each rival cut a
/// match decision (one uniform of the matching stream, matched if below `q`)
/// and a cut size (`docs/model.md`, 3.4 step 2).
fn rival_cuts(
    step: &RivalHawkesStep,
    state: &mut RivalHawkesState,
    rng: &mut Rngs,
    cut_size: &JumpSize,
    q: f64,
) -> RivalEffect {
    step.step(state, &mut rng.rival_war);
    let mut effect = RivalEffect::default();
    for _ in 0..state.last_events(0) {
        effect.price_cut += rng.cuts.sample(cut_size);
    }
    let rival_cuts = state.total_last_events() - u64::from(state.last_events(0));
    for _ in 0..rival_cuts {
        let matches = rng.matching.random::<f64>() < q;
        let size = rng.cuts.sample(cut_size);
        if matches {
            effect.price_cut += size;
            effect.matched += 1;
        } else {
            effect.unmatched_cut += size;
            effect.unmatched += 1;
        }
    }
    effect
}
