//! The rival price war inside the cloud model (`[price_war.rivals]`): matched and
//! unmatched cuts, the ARPU and volume effects against the closed forms of the
//! rival Hawkes process; the unit-economics capex rule and the terminal value.

mod common;

use common::{K_SIGMA, mean_se};
use outpace::cloud::{CloudModel, Scenario, series};
use outpace::engine::{Outcome, Selection, Simulation};
use outpace::process::RivalHawkes;

const FIRMS: usize = 5;
const BASELINE: f64 = 1.0;
const EXCITATION: f64 = 2.0;
const DECAY: f64 = 26.0;
const MATCH: f64 = 0.7;
const SWITCHING: f64 = 0.5;
const CUT: f64 = 0.02;
const QUARTERS: usize = 40;

/// The base case with a five-firm rival war of constant baseline (the regime
/// factor 1 in every regime), constant cut sizes, and a price with no drift or
/// noise of its own, so that the log price moves by the war's cuts only.
fn scenario(extra: &str) -> Scenario {
    let text = format!(
        r#"
extends = "alibaba"
name = "rivals_test"
[price]
deflation = 0.0
volatility = 0.0
floor = 1e-6
regime_drift = [0.0, 0.0, 0.0]
[price_war]
cut_size = {{ kind = "constant", value = {CUT} }}
[price_war.rivals]
firms = ["Alibaba", "Tencent", "Baidu", "Huawei", "ByteDance"]
baseline = {BASELINE}
regime_factor = [1.0, 1.0, 1.0]
excitation = {EXCITATION}
decay = {DECAY}
match_probability = {MATCH}
switching = {SWITCHING}
{extra}
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

fn run(scenario: Scenario, paths: usize, record: &[&str]) -> Outcome {
    Simulation::new(CloudModel::new(scenario).unwrap())
        .paths(paths)
        .steps(QUARTERS)
        .dt(0.25)
        .seed(14)
        .record_paths_for(Selection::only(record))
        .run()
        .unwrap()
}

fn column(outcome: &Outcome, name: &str, k: usize) -> Vec<f64> {
    let m = outcome.recorded().unwrap().get(name).unwrap();
    m.column(k).to_vec()
}

fn check(label: &str, xs: &[f64], expected: f64) {
    let (mean, se) = mean_se(xs);
    assert!(
        (mean - expected).abs() <= K_SIGMA * se,
        "{label}: {mean} +/- {se}, expected {expected}"
    );
}

/// `E[matched] = q sum_{i >= 1} E N_i(t)`, `E[unmatched] = (1 - q) sum_{i >= 1}
/// E N_i(t)`, `E[ln P_t] = -J (E N_0(t) + q sum_{i >= 1} E N_i(t))` and
/// `E[s_t] = -eta J (1 - q) sum_{i >= 1} E N_i(t)`, with the counts of the rival
/// Hawkes closed form. Power: counting the firm's own cuts among the rivals'
/// (`total_last_events` for the rival count) or drawing the match decision with
/// `1 - q` fails these checks by many standard errors (both checked by
/// temporarily breaking `rival_cuts`).
#[test]
fn matched_and_unmatched_cuts_and_the_arpu_effect_follow_the_closed_forms() {
    let outcome = run(
        scenario(""),
        4_000,
        &[
            series::MATCHED_CUTS,
            series::UNMATCHED_CUTS,
            series::PRICE,
            series::SHARE_LOSS,
        ],
    );
    let law = RivalHawkes::shared(FIRMS, BASELINE, EXCITATION, EXCITATION, DECAY).unwrap();
    for k in [8, QUARTERS] {
        let t = 0.25 * k as f64;
        let own = law.mean_count(0, t);
        let rivals: f64 = (1..FIRMS).map(|i| law.mean_count(i, t)).sum();
        check(
            "matched",
            &column(&outcome, series::MATCHED_CUTS, k),
            MATCH * rivals,
        );
        check(
            "unmatched",
            &column(&outcome, series::UNMATCHED_CUTS, k),
            (1.0 - MATCH) * rivals,
        );
        let log_price: Vec<f64> = column(&outcome, series::PRICE, k)
            .iter()
            .map(|p| p.ln())
            .collect();
        check("log ARPU", &log_price, -CUT * (own + MATCH * rivals));
        check(
            "share loss",
            &column(&outcome, series::SHARE_LOSS, k),
            -SWITCHING * CUT * (1.0 - MATCH) * rivals,
        );
    }
}

#[test]
fn matching_everything_costs_no_volume_and_nothing_costs_no_arpu_from_rivals() {
    let all = run(
        scenario("").with_match(1.0),
        300,
        &[series::UNMATCHED_CUTS, series::SHARE_LOSS],
    );
    assert!(
        column(&all, series::SHARE_LOSS, QUARTERS)
            .iter()
            .all(|&s| s == 0.0)
    );
    assert!(
        column(&all, series::UNMATCHED_CUTS, QUARTERS)
            .iter()
            .all(|&s| s == 0.0)
    );
    let none = run(scenario("").with_match(0.0), 300, &[series::MATCHED_CUTS]);
    assert!(
        column(&none, series::MATCHED_CUTS, QUARTERS)
            .iter()
            .all(|&s| s == 0.0)
    );
}

trait WithMatch {
    fn with_match(self, q: f64) -> Self;
}

impl WithMatch for Scenario {
    fn with_match(mut self, q: f64) -> Self {
        self.price_war.rivals.as_mut().unwrap().match_probability = outpace::cloud::Param::Fixed(q);
        self.validate().unwrap();
        self
    }
}

#[test]
fn rival_war_parameters_are_validated() {
    use outpace::cloud::Param;
    let base = scenario("");
    let bad = |change: &dyn Fn(&mut outpace::cloud::Rivals), field: &str| {
        let mut s = base.clone();
        change(s.price_war.rivals.as_mut().unwrap());
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains(field), "{err}");
    };
    // (1 + 4) * 6 / 26 > 1: not stationary.
    bad(
        &|r| r.excitation = Param::Fixed(6.0),
        "price_war.rivals.excitation",
    );
    bad(&|r| r.self_ratio = 30.0, "price_war.rivals.excitation");
    bad(&|r| r.firms.truncate(1), "price_war.rivals.firms");
    bad(
        &|r| r.firms[2] = "Tencent".into(),
        "price_war.rivals.firms[2]",
    );
    bad(
        &|r| r.regime_factor[1] = -1.0,
        "price_war.rivals.regime_factor[1]",
    );
    bad(
        &|r| r.match_probability = Param::Fixed(1.5),
        "price_war.rivals.match_probability",
    );
    bad(
        &|r| r.switching = Param::Fixed(-0.1),
        "price_war.rivals.switching",
    );
    bad(
        &|r| r.baseline = Param::Fixed(400.0),
        "price_war.rivals.baseline",
    );
    // The uncertain rival parameters are inputs of the model.
    let mut s = base.clone();
    s.price_war.rivals.as_mut().unwrap().match_probability = Param::Uniform { min: 0.2, max: 0.9 };
    let model = CloudModel::new(s).unwrap();
    use outpace::engine::Model;
    assert!(
        model
            .inputs()
            .iter()
            .any(|i| i.name() == "price_war.rivals.match_probability")
    );
}

fn base_with(extra: &str) -> Scenario {
    Scenario::from_toml_str(&format!("extends = \"alibaba\"\nname = \"t\"\n{extra}")).unwrap()
}

fn capex_paths(scenario: Scenario) -> Vec<Vec<f64>> {
    let outcome = run(scenario, 200, &[series::CAPEX]);
    let m = outcome.recorded().unwrap().get(series::CAPEX).unwrap();
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// With the price and the unit cost held (no drift, noise or price war: the
/// preset's war is the rival war, so its baseline is set to 0; no cost decline:
/// with the preset's 15% a year, units do pay back in the later years, as the
/// rule then sees), a unit earns `P (1 - o) / (1 + h) - w = 0.40 / 1.2 - w`,
/// 0.27 a quarter at the mode `w = 0.06`, worth `V = m v^(lead + 1) / (1 - s v)`,
/// about 3.8 at the modes against a unit cost of mode 6 and at least 5. `V`
/// reaches 5.05 only at the laws' corner (`w = 0.03`, `L = 7`, lead 2), so a unit
/// pays back only if power, life and unit cost all sit at their extremes
/// together (a probability below 1e-6 a path): on the 200 paths it never does,
/// and the unit-economics rule builds the plan only, path by path. With capacity ten times cheaper to build and power a
/// tenth, every unit pays back and the rule is the demand rule. A gate of the
/// wrong sign (building when units do not pay) fails both.
#[test]
fn unit_economics_rule_builds_only_units_that_pay_back() {
    let flat = "[price]\ndeflation = 0.0\nvolatility = 0.0\nregime_drift = [0.0, 0.0, 0.0]\n\
                [price_war]\nbaseline = [0.0, 0.0, 0.0]\n\
                [price_war.rivals]\nbaseline = 0.0\n\
                [capacity]\ncost_decline = 0.0\ncost_volatility = 0.0\n";
    // `more` continues the `[capacity]` table.
    let with = |more: &str| capex_paths(base_with(&format!("{flat}{more}")));
    let plan = with("[capex]\nrule = \"plan\"");
    let unit = with("[capex]\nrule = \"unit_economics\"");
    let demand = with("");
    assert!(
        plan == unit,
        "the unit-economics rule built beyond the plan"
    );
    assert!(
        plan != demand,
        "the demand rule should build beyond the plan"
    );
    // The plan rule spends the committed RMB 33bn a quarter for two years.
    assert!(
        plan.iter()
            .all(|p| p[1..=8].iter().all(|&c| (c - 33.0).abs() < 1e-12))
    );
    let cheap = "unit_cost = 0.6\n[opex]\npower_per_unit = 0.035\n";
    let unit = with(&format!("{cheap}[capex]\nrule = \"unit_economics\""));
    let demand = with(cheap);
    assert!(unit == demand, "paying units should follow the demand rule");
}

/// `npv_with_terminal - npv = v_K TV` per path, with `v_K = (1 + r)^(-K / 4)` and
/// `TV = F (1 + g) / (r - g)` (Gordon) or `m F` (exit multiple), `F` the free cash
/// flow of the last four quarters.
#[test]
fn terminal_values_are_the_discounted_gordon_and_multiple_values() {
    for (terminal, tv) in [
        (
            "terminal = { gordon = { growth = 0.03 } }",
            Box::new(|f: f64| f * 1.03 / (0.09 - 0.03)) as Box<dyn Fn(f64) -> f64>,
        ),
        (
            "terminal = { exit_multiple = { multiple = 8.0 } }",
            Box::new(|f: f64| 8.0 * f),
        ),
    ] {
        let model = CloudModel::new(base_with(&format!("[finance]\n{terminal}"))).unwrap();
        let outcome = Simulation::new(model)
            .paths(50)
            .steps(QUARTERS)
            .dt(0.25)
            .seed(3)
            .keep_scalars(true)
            .record_paths_for(Selection::only(&[series::FREE_CASH_FLOW]))
            .run()
            .unwrap();
        let npv = outcome.scalar(series::NPV).unwrap().values().unwrap();
        let with = outcome
            .scalar(series::NPV_WITH_TERMINAL)
            .unwrap()
            .values()
            .unwrap();
        let fcf = outcome
            .recorded()
            .unwrap()
            .get(series::FREE_CASH_FLOW)
            .unwrap();
        let v = 1.09f64.powf(-(QUARTERS as f64) / 4.0);
        for (p, row) in fcf.rows().into_iter().enumerate() {
            let last: f64 = row.iter().skip(QUARTERS - 3).sum();
            let expected = v * tv(last);
            let got = with[p] - npv[p];
            assert!(
                (got - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{terminal}: {got} vs {expected}"
            );
        }
    }
    let err = Scenario::from_toml_str(
        "extends = \"alibaba\"\nname = \"t\"\n[finance]\nterminal = { gordon = { growth = 0.09 } }",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("finance.terminal.gordon.growth"), "{err}");
}

/// Value stability: the first outputs of a rival-war run, pinned as f64 bits
/// (stream ids, draw order and the match rule of `docs/model.md`, 3.4 step 2).
#[test]
fn a_rival_war_run_is_pinned() {
    let outcome = run(
        scenario(""),
        200,
        &[series::PRICE, series::MATCHED_CUTS, series::SHARE_LOSS],
    );
    let at = |name: &str, k: usize| column(&outcome, name, k).iter().sum::<f64>();
    let values = [
        at(series::PRICE, 4),
        at(series::PRICE, QUARTERS),
        at(series::MATCHED_CUTS, QUARTERS),
        at(series::SHARE_LOSS, QUARTERS),
        outcome.series(series::REVENUE).unwrap().mean(QUARTERS),
    ];
    let pinned: [u64; 5] = [
        0x40664d5f8764735a,
        0x404e37f117dd1fde,
        0x40c19b8000000000,
        0xc0434a3d70a3d70b,
        0x407f88f5a259acda,
    ];
    for (v, p) in values.iter().zip(pinned) {
        assert_eq!(v.to_bits(), p, "{v}");
    }
}
