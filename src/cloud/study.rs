//! The cloud model as a [`StudyModel`]: its calendar, units, standard break-even
//! rules and presentation.

use super::{CloudModel, Definition, series};
use crate::analysis::{Headline, Rule, StudyModel, Valuation};
use crate::calendar::Calendar;
use crate::engine::Names;
use crate::error::Result;

/// The definitions a comparison of cloud scenarios shows by default.
pub const COMPARED: [&str; 3] = [
    "flow_crossover",
    "cumulative_payback",
    "growth_crossover_4q",
];

impl StudyModel for CloudModel {
    fn name(&self) -> &str {
        &self.scenario().name
    }

    fn description(&self) -> &str {
        &self.scenario().description
    }

    fn calendar(&self) -> Calendar {
        Calendar::Quarterly {
            start: self.scenario().start,
        }
    }

    fn horizon(&self) -> usize {
        self.scenario().quarters()
    }

    /// The six standard definitions ([`Definition::standard`]) followed by the
    /// scenario's own rules.
    fn rules(&self) -> Vec<Rule> {
        Definition::standard()
            .iter()
            .map(Definition::rule)
            .chain(self.scenario().rules.iter().cloned())
            .collect()
    }

    /// A standard definition by key, including sustained variants such as
    /// `revenue_over_spending_12q` ([`Definition::from_key`]), or one of the
    /// scenario's own rules.
    fn rule(&self, key: &str) -> Result<Rule> {
        if let Some(rule) = self.scenario().rules.iter().find(|r| r.key() == key) {
            return Ok(rule.clone());
        }
        Definition::from_key(key).map(|d| d.rule())
    }

    fn unit(&self, name: &str) -> &str {
        unit(name)
    }

    fn fan_series(&self) -> Names<'_> {
        Names::new(&series::FAN_CHART)
    }

    fn headline(&self) -> Option<Headline> {
        Some(Headline {
            income: series::REVENUE.to_owned(),
            spending: series::SPENDING.to_owned(),
            spending_note: "spending is cash operating costs plus capex".to_owned(),
        })
    }

    fn value(&self) -> Option<Valuation> {
        Some(Valuation {
            scalar: series::NPV.to_owned(),
            label: "NPV".to_owned(),
            description: "NPV of free cash flow over the horizon (no terminal value)".to_owned(),
        })
    }

    /// AI revenue over served AI volume: ARPU is the price actually charged per
    /// unit (`docs/model.md`, 3.7).
    fn decomposition(&self) -> Option<(&str, &str)> {
        Some((series::AI_REVENUE, series::AI_VOLUME))
    }

    /// Every path draws from keyed streams quarter by quarter, per-path
    /// parameters and transitions depend on the quarter's length only, and the
    /// committed capex of quarter `k` is the plan's average over that quarter
    /// (a schedule in calendar time, not spread over the horizon): the first `S`
    /// quarters of a path are the same whatever the horizon (`docs/model.md`,
    /// common span). Only the terminal value reads the horizon, and no rule reads
    /// it.
    fn horizon_independent(&self) -> bool {
        true
    }

    fn compared(&self) -> Vec<String> {
        COMPARED.iter().map(|k| (*k).to_owned()).collect()
    }

    fn scenario(&self) -> serde_json::Value {
        serde_json::to_value(self.scenario()).unwrap_or(serde_json::Value::Null)
    }
}

/// The unit of a series or scalar of the cloud model (empty if unknown).
pub fn unit(name: &str) -> &'static str {
    match name {
        series::REVENUE
        | series::AI_REVENUE
        | series::TRADITIONAL_REVENUE
        | series::OPEX
        | series::DEPRECIATION
        | series::EBITA
        | series::OPERATING_CASH_FLOW
        | series::CAPEX
        | series::FREE_CASH_FLOW
        | series::SPENDING => "RMB bn per quarter",
        series::CUMULATIVE_FCF | series::DISCOUNTED_CUMULATIVE_FCF | series::NPV => "RMB bn",
        series::PRICE => "index (1 at the start)",
        series::DEMAND | series::CAPACITY => "units (RMB bn per quarter at the starting price)",
        series::UTILISATION => "share",
        series::REVENUE_GROWTH | series::SPENDING_GROWTH => "trailing-year growth rate",
        series::MARKET_REGIME | series::CHIP_REGIME => "regime index",
        series::AI_VOLUME => "units (RMB bn per quarter at the starting price)",
        series::ARPU => "RMB bn per unit (index, 1 at the start)",
        series::MATCHED_CUTS | series::UNMATCHED_CUTS => "cuts since the start",
        series::SHARE_LOSS => "log of the share of volume kept",
        series::NPV_WITH_TERMINAL => "RMB bn",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Scenario;

    #[test]
    fn units_cover_every_series() {
        for name in series::ALL {
            assert!(!unit(name).is_empty(), "{name}");
        }
        assert_eq!(unit("nonsense"), "");
    }

    #[test]
    fn rules_are_the_standard_set_then_the_scenario_s() {
        let mut scenario = Scenario::alibaba();
        scenario
            .rules
            .push(Rule::new("ebita_positive", "EBITA positive", "ebita > 0").unwrap());
        let model = CloudModel::new(scenario).unwrap();
        let keys: Vec<String> = model.rules().iter().map(|r| r.key().to_owned()).collect();
        let standard: Vec<String> = Definition::standard().iter().map(Definition::key).collect();
        assert_eq!(keys[..6], standard[..]);
        assert_eq!(keys[6], "ebita_positive");
        assert_eq!(
            model.rule("ebita_positive").unwrap().title(),
            "EBITA positive"
        );
        assert_eq!(model.rule("flow_crossover_8q").unwrap().sustain(), Some(8));
        assert!(model.rule("nope").is_err());
    }
}
