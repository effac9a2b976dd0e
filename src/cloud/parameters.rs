//! Every numeric parameter of a cloud scenario in one table: its stream id, field
//! path, group and domain. Validation checks each against its domain, and the
//! model declares the uncertain ones as its inputs from it.

use super::Scenario;
use crate::engine::Component;
use crate::error::{Result, readable};
use crate::inputs::{Domain, Input, Param};

/// The stream of the per-path parameter draws; sub-component = parameter id.
pub(crate) const PARAMETERS: Component = Component::new(7);

/// One numeric parameter of a scenario.
pub(crate) struct Entry {
    /// Stream sub-component of its draws (`docs/model.md`, 3.1). Never renumber.
    pub id: u32,
    /// Field path, e.g. `demand.ceiling`.
    pub path: &'static str,
    /// The group it belongs to in sensitivity analyses.
    pub group: &'static str,
    /// The field.
    pub get: fn(&Scenario) -> &Param,
    /// The values the model requires: the whole support of a law must lie in it.
    pub domain: Domain,
    /// The plausible range `[lo, hi]`: bounded laws must lie in it, unbounded
    /// laws (normal, log-normal) must have their `1e-9` and `1 - 1e-9` quantiles
    /// in it. It refuses absurd values (a revenue of 1e308, a unit cost of 1e-320)
    /// before they overflow a simulation.
    pub range: (f64, f64),
}

/// Tail probability at which an unbounded law's reach is checked against the
/// plausible range.
const RANGE_TAIL: f64 = 1e-9;

impl Entry {
    /// The parameter's problem in `scenario`, if any: outside the domain, or
    /// outside the plausible range.
    fn problem(&self, scenario: &Scenario) -> Option<crate::Error> {
        let law = (self.get)(scenario);
        if let Err(e) = law.validate(self.path, self.domain) {
            return Some(e);
        }
        let (lo, hi) = self.range;
        let unbounded =
            matches!(law, Param::Normal { .. } | Param::LogNormal { .. }) && law.variance() > 0.0;
        let (low, high) = if unbounded {
            (law.quantile(RANGE_TAIL), law.quantile(1.0 - RANGE_TAIL))
        } else {
            (law.lower_bound(), law.upper_bound())
        };
        if low >= lo && high <= hi {
            return None;
        }
        let value = if low < lo { low } else { high };
        let what = if law.is_fixed() {
            String::new()
        } else {
            " (the law reaches it)".to_owned()
        };
        Some(crate::Error::invalid(
            self.path,
            value,
            format!(
                "must lie in the plausible range [{}, {}]{what}; ranges are listed in docs/model.md, 3.1",
                readable(lo),
                readable(hi)
            ),
        ))
    }
}

macro_rules! entries {
    ($($id:expr, $path:literal, $group:literal, |$s:ident| $field:expr, $domain:expr, $range:expr;)+) => {
        /// Every numeric parameter, by increasing id.
        pub(crate) const TABLE: &[Entry] = &[
            $(Entry {
                id: $id,
                path: $path,
                group: $group,
                get: |$s: &Scenario| &$field,
                domain: $domain,
                range: $range,
            },)+
        ];
    };
}

entries! {
    id::AI_REVENUE, "initial.ai_revenue", "initial", |s| s.initial.ai_revenue, Domain::positive(), (1e-6, 1e5);
    id::TRADITIONAL_REVENUE, "initial.traditional_revenue", "initial", |s| s.initial.traditional_revenue, Domain::non_negative(), (0.0, 1e5);
    id::UTILISATION, "initial.utilisation", "initial", |s| s.initial.utilisation, Domain::open_closed(0.0, 1.0), (1e-3, 1.0);
    id::BOOK_VALUE, "initial.book_value", "initial", |s| s.initial.book_value, Domain::non_negative(), (0.0, 1e6);
    id::INITIAL_CAPEX, "initial.capex", "initial", |s| s.initial.capex, Domain::non_negative(), (0.0, 1e5);
    id::GROWTH_RATE, "demand.growth_rate", "demand", |s| s.demand.growth_rate, Domain::non_negative(), (0.0, 10.0);
    id::CEILING, "demand.ceiling", "demand", |s| s.demand.ceiling, Domain::positive(), (1e-6, 1e6);
    id::DEMAND_VOLATILITY, "demand.volatility", "demand", |s| s.demand.volatility, Domain::non_negative(), (0.0, 2.0);
    id::PRICE_ELASTICITY, "demand.price_elasticity", "demand", |s| s.demand.price_elasticity, Domain::closed(0.0, 5.0), (0.0, 5.0);
    id::TRADITIONAL_GROWTH, "traditional.growth", "traditional", |s| s.traditional.growth, Domain::closed(-1.0, 2.0), (-1.0, 2.0);
    id::TRADITIONAL_VOLATILITY, "traditional.volatility", "traditional", |s| s.traditional.volatility, Domain::non_negative(), (0.0, 2.0);
    id::DEFLATION, "price.deflation", "price", |s| s.price.deflation, Domain::closed(-1.0, 2.0), (-1.0, 2.0);
    id::PRICE_VOLATILITY, "price.volatility", "price", |s| s.price.volatility, Domain::non_negative(), (0.0, 2.0);
    id::PRICE_FLOOR, "price.floor", "price", |s| s.price.floor, Domain::open_closed(0.0, 1.0), (1e-6, 1.0);
    id::REGIME_DRIFT, "price.regime_drift[0]", "price", |s| s.price.regime_drift[0], Domain::closed(-2.0, 2.0), (-2.0, 2.0);
    id::REGIME_DRIFT + 1, "price.regime_drift[1]", "price", |s| s.price.regime_drift[1], Domain::closed(-2.0, 2.0), (-2.0, 2.0);
    id::REGIME_DRIFT + 2, "price.regime_drift[2]", "price", |s| s.price.regime_drift[2], Domain::closed(-2.0, 2.0), (-2.0, 2.0);
    id::WAR_BASELINE, "price_war.baseline[0]", "price_war", |s| s.price_war.baseline[0], Domain::non_negative(), (0.0, 100.0);
    id::WAR_BASELINE + 1, "price_war.baseline[1]", "price_war", |s| s.price_war.baseline[1], Domain::non_negative(), (0.0, 100.0);
    id::WAR_BASELINE + 2, "price_war.baseline[2]", "price_war", |s| s.price_war.baseline[2], Domain::non_negative(), (0.0, 100.0);
    id::EXCITATION, "price_war.excitation", "price_war", |s| s.price_war.excitation, Domain::non_negative(), (0.0, 1e3);
    id::DECAY, "price_war.decay", "price_war", |s| s.price_war.decay, Domain::positive(), (1e-3, 1e4);
    id::COST_MULTIPLIER, "chips.cost_multiplier[0]", "chips", |s| s.chips.cost_multiplier[0], Domain::positive(), (1e-2, 100.0);
    id::COST_MULTIPLIER + 1, "chips.cost_multiplier[1]", "chips", |s| s.chips.cost_multiplier[1], Domain::positive(), (1e-2, 100.0);
    id::COST_MULTIPLIER + 2, "chips.cost_multiplier[2]", "chips", |s| s.chips.cost_multiplier[2], Domain::positive(), (1e-2, 100.0);
    id::UNIT_COST, "capacity.unit_cost", "capacity", |s| s.capacity.unit_cost, Domain::positive(), (1e-3, 1e3);
    id::COST_DECLINE, "capacity.cost_decline", "capacity", |s| s.capacity.cost_decline, Domain::closed(-1.0, 2.0), (-1.0, 2.0);
    id::COST_VOLATILITY, "capacity.cost_volatility", "capacity", |s| s.capacity.cost_volatility, Domain::non_negative(), (0.0, 2.0);
    id::USEFUL_LIFE, "capacity.useful_life_years", "capacity", |s| s.capacity.useful_life_years, Domain::closed(0.5, 50.0), (0.5, 50.0);
    id::HEADROOM, "capex.headroom", "capex", |s| s.capex.headroom, Domain::closed(0.0, 5.0), (0.0, 5.0);
    id::RESPONSE, "capex.response", "capex", |s| s.capex.response, Domain::unit(), (0.0, 1.0);
    id::BUDGET_CAP_RATIO, "capex.budget_cap_ratio", "capex", |s| s.capex.budget_cap_ratio, Domain::non_negative(), (0.0, 100.0);
    id::LUMPINESS, "capex.lumpiness", "capex", |s| s.capex.lumpiness, Domain::closed(0.0, 10.0), (0.0, 10.0);
    id::POWER_PER_UNIT, "opex.power_per_unit", "opex", |s| s.opex.power_per_unit, Domain::non_negative(), (0.0, 100.0);
    id::OTHER_COST_RATIO, "opex.other_cost_ratio", "opex", |s| s.opex.other_cost_ratio, Domain::unit(), (0.0, 1.0);
    id::CHIP_RND, "opex.chip_rnd", "opex", |s| s.opex.chip_rnd, Domain::non_negative(), (0.0, 1e4);
    id::TAX_RATE, "opex.tax_rate", "opex", |s| s.opex.tax_rate, Domain::unit(), (0.0, 1.0);
    id::DISCOUNT_RATE, "finance.discount_rate", "finance", |s| s.finance.discount_rate, Domain::closed(0.0, 1.0), (0.0, 1.0);
    id::RIVAL_BASELINE, "price_war.rivals.baseline", "price_war", |s| *rival(s, |r| &r.baseline, &ZERO), Domain::non_negative(), (0.0, 100.0);
    id::RIVAL_EXCITATION, "price_war.rivals.excitation", "price_war", |s| *rival(s, |r| &r.excitation, &ZERO), Domain::non_negative(), (0.0, 1e3);
    id::RIVAL_DECAY, "price_war.rivals.decay", "price_war", |s| *rival(s, |r| &r.decay, &ONE), Domain::positive(), (1e-3, 1e4);
    id::MATCH_PROBABILITY, "price_war.rivals.match_probability", "price_war", |s| *rival(s, |r| &r.match_probability, &ZERO), Domain::unit(), (0.0, 1.0);
    id::SWITCHING, "price_war.rivals.switching", "price_war", |s| *rival(s, |r| &r.switching, &ZERO), Domain::non_negative(), (0.0, 100.0);
}

/// The value an absent `[price_war.rivals]` section gives its parameters: fixed,
/// so neither drawn nor declared as inputs.
static ZERO: Param = Param::Fixed(0.0);
/// As [`ZERO`], for a parameter whose domain excludes 0.
static ONE: Param = Param::Fixed(1.0);

/// A parameter of the rival price war, or `absent` without one.
fn rival<'a>(
    s: &'a Scenario,
    field: fn(&super::Rivals) -> &Param,
    absent: &'static Param,
) -> &'a Param {
    s.price_war.rivals.as_ref().map_or(absent, field)
}

/// One past the largest parameter id.
pub(crate) const ID_LIMIT: usize = id::SWITCHING as usize + 1;

/// Stream sub-components of the per-path parameter draws, one per parameter
/// (`docs/model.md`, 3.1). Never renumber: the id, not the order of use, decides a
/// parameter's draws.
pub(crate) mod id {
    /// `initial.ai_revenue`.
    pub const AI_REVENUE: u32 = 0;
    /// `initial.traditional_revenue`.
    pub const TRADITIONAL_REVENUE: u32 = 1;
    /// `initial.utilisation`.
    pub const UTILISATION: u32 = 2;
    /// `initial.book_value`.
    pub const BOOK_VALUE: u32 = 3;
    /// `initial.capex`.
    pub const INITIAL_CAPEX: u32 = 4;
    /// `demand.growth_rate`.
    pub const GROWTH_RATE: u32 = 10;
    /// `demand.ceiling`.
    pub const CEILING: u32 = 11;
    /// `demand.volatility`.
    pub const DEMAND_VOLATILITY: u32 = 12;
    /// `demand.price_elasticity`.
    pub const PRICE_ELASTICITY: u32 = 13;
    /// `traditional.growth`.
    pub const TRADITIONAL_GROWTH: u32 = 20;
    /// `traditional.volatility`.
    pub const TRADITIONAL_VOLATILITY: u32 = 21;
    /// `price.deflation`.
    pub const DEFLATION: u32 = 30;
    /// `price.volatility`.
    pub const PRICE_VOLATILITY: u32 = 31;
    /// `price.floor`.
    pub const PRICE_FLOOR: u32 = 32;
    /// `price.regime_drift[m]`: 33 + m.
    pub const REGIME_DRIFT: u32 = 33;
    /// `price_war.baseline[m]`: 40 + m.
    pub const WAR_BASELINE: u32 = 40;
    /// `price_war.excitation`.
    pub const EXCITATION: u32 = 43;
    /// `price_war.decay`.
    pub const DECAY: u32 = 44;
    /// `chips.cost_multiplier[e]`: 50 + e.
    pub const COST_MULTIPLIER: u32 = 50;
    /// `capacity.unit_cost`.
    pub const UNIT_COST: u32 = 60;
    /// `capacity.cost_decline`.
    pub const COST_DECLINE: u32 = 61;
    /// `capacity.cost_volatility`.
    pub const COST_VOLATILITY: u32 = 62;
    /// `capacity.useful_life_years`.
    pub const USEFUL_LIFE: u32 = 63;
    /// `capex.headroom`.
    pub const HEADROOM: u32 = 70;
    /// `capex.response`.
    pub const RESPONSE: u32 = 71;
    /// `capex.budget_cap_ratio`.
    pub const BUDGET_CAP_RATIO: u32 = 72;
    /// `capex.lumpiness`.
    pub const LUMPINESS: u32 = 73;
    /// `opex.power_per_unit`.
    pub const POWER_PER_UNIT: u32 = 80;
    /// `opex.other_cost_ratio`.
    pub const OTHER_COST_RATIO: u32 = 81;
    /// `opex.chip_rnd`.
    pub const CHIP_RND: u32 = 82;
    /// `opex.tax_rate`.
    pub const TAX_RATE: u32 = 83;
    /// `finance.discount_rate`.
    pub const DISCOUNT_RATE: u32 = 90;
    /// `price_war.rivals.baseline`.
    pub const RIVAL_BASELINE: u32 = 100;
    /// `price_war.rivals.excitation`.
    pub const RIVAL_EXCITATION: u32 = 101;
    /// `price_war.rivals.decay`.
    pub const RIVAL_DECAY: u32 = 102;
    /// `price_war.rivals.match_probability`.
    pub const MATCH_PROBABILITY: u32 = 103;
    /// `price_war.rivals.switching`.
    pub const SWITCHING: u32 = 104;
}

/// One numeric parameter of a scenario as [`Scenario::parameters`] lists it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameter {
    /// Field path, e.g. `demand.ceiling` (usable with `--set`).
    pub path: &'static str,
    /// The group it belongs to in sensitivity analyses (`demand`, `capex`, ...).
    pub group: &'static str,
    /// Its value or law in the scenario.
    pub law: Param,
    /// Its plausible range, enforced at validation.
    pub range: (f64, f64),
}

impl Scenario {
    /// Every numeric parameter of the scenario, fixed or uncertain, in the order of
    /// the model's inputs (`docs/model.md`, 3.1). The uncertain ones are the
    /// model's inputs; making a fixed one uncertain (`--set path=pert(...)`) adds
    /// it to them.
    ///
    /// ```
    /// let scenario = outpace::cloud::Scenario::alibaba();
    /// let all = scenario.parameters();
    /// assert!(all.iter().any(|p| p.path == "demand.ceiling" && !p.law.is_fixed()));
    /// assert!(all.len() > 30);
    /// ```
    pub fn parameters(&self) -> Vec<Parameter> {
        TABLE
            .iter()
            .map(|e| Parameter {
                path: e.path,
                group: e.group,
                law: *(e.get)(self),
                range: e.range,
            })
            .collect()
    }
}

/// Every parameter's problem against its domain, in table order.
pub(crate) fn problems(scenario: &Scenario) -> Vec<crate::Error> {
    TABLE.iter().filter_map(|e| e.problem(scenario)).collect()
}

/// The scenario's uncertain parameters (every one that is not a fixed number) as
/// the model's inputs, in table order, and the slot of each id among them
/// (`u16::MAX` for a fixed parameter).
pub(crate) fn inputs(scenario: &Scenario) -> Result<(Vec<Input>, [u16; ID_LIMIT])> {
    let mut slots = [u16::MAX; ID_LIMIT];
    let mut inputs = Vec::new();
    for e in TABLE {
        let law = (e.get)(scenario);
        if law.is_fixed() {
            continue;
        }
        slots[e.id as usize] = inputs.len() as u16;
        inputs.push(Input::new(
            e.path,
            e.group,
            *law,
            e.domain,
            PARAMETERS.sub(e.id),
        )?);
    }
    Ok((inputs, slots))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_increasing_and_paths_unique() {
        for pair in TABLE.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} then {}",
                pair[0].path,
                pair[1].path
            );
        }
        for (i, e) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|o| o.path != e.path), "{}", e.path);
            assert!(e.path.starts_with(e.group), "{}", e.path);
        }
        assert_eq!(TABLE.len(), 43);
    }

    #[test]
    fn the_preset_s_uncertain_parameters_are_its_inputs() {
        let (inputs, slots) = inputs(&Scenario::alibaba()).unwrap();
        let names: Vec<&str> = inputs.iter().map(Input::name).collect();
        assert_eq!(
            names,
            [
                "initial.capex",
                "demand.growth_rate",
                "demand.ceiling",
                "demand.price_elasticity",
                "traditional.growth",
                "traditional.volatility",
                "price.deflation",
                "chips.cost_multiplier[2]",
                "capacity.unit_cost",
                "capacity.cost_decline",
                "capacity.useful_life_years",
                "opex.power_per_unit",
                "price_war.rivals.baseline",
                "price_war.rivals.excitation",
                "price_war.rivals.match_probability",
            ]
        );
        assert_eq!(slots[id::CEILING as usize], 2);
        assert_eq!(slots[id::TAX_RATE as usize], u16::MAX);
    }
}
