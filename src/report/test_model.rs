//! A small model for the report tests: revenue against spending with a known
//! crossing of the medians, a value per path, and rules that coincide, hold for
//! four quarters, or never happen.

use crate::analysis::{Described, Headline, Rule, Study, StudyOptions, Valuation};
use crate::calendar::Calendar;
use crate::engine::{Component, Grid, Model, Names, PathRng, PathStreams};
use crate::error::Result;
use crate::report::json::{ComparisonSummary, Summary};
use rand::RngExt;
use rand_distr::StandardNormal;

/// Quarters simulated.
pub const STEPS: usize = 24;
/// Paths of every test study.
pub const PATHS: usize = 2_000;

/// Revenue `R_k = 10 e^{0.2 Z + (g - s^2/2) k + s W_k}` against spending
/// `S_k = 20 e^{(h - s^2/2) k + s V_k}` (a per-path level `Z`, random walks `W`,
/// `V` of standard normal steps, `s = 0.02`), and the value `sum_k (R_k - S_k)`.
///
/// The medians are `10 e^{(g - s^2/2) k}` and `20 e^{(h - s^2/2) k}`: with
/// `g - h = ln 2 / 10.5` they cross between periods 10 and 11, 3.3% apart on
/// either side.
#[derive(Debug, Clone, Copy)]
pub struct Toy {
    /// Revenue growth per quarter, `g`.
    pub revenue_growth: f64,
    /// Spending growth per quarter, `h`.
    pub spending_growth: f64,
}

/// Per-quarter volatility `s`.
const STEP_SIGMA: f64 = 0.02;
/// Standard deviation of the per-path level of revenue.
const LEVEL_SIGMA: f64 = 0.2;
const LEVEL: Component = Component::new(1);
const STEPS_STREAM: Component = Component::new(2);

impl Toy {
    /// Medians that cross between periods 10 and 11.
    pub fn crossing() -> Toy {
        Toy {
            revenue_growth: 0.08,
            spending_growth: 0.08 - std::f64::consts::LN_2 / 10.5,
        }
    }
}

/// A path's state.
pub struct ToyPath {
    log_revenue: f64,
    log_spending: f64,
    value: f64,
    rng: PathRng,
}

impl Model for Toy {
    type Plan = ();
    type State = ToyPath;

    fn series(&self) -> Names<'_> {
        Names::new(&["revenue", "spending"])
    }

    fn plan(&self, _grid: &Grid) -> Result<()> {
        Ok(())
    }

    fn init(&self, _plan: &(), streams: &PathStreams, obs: &mut [f64]) -> ToyPath {
        let z: f64 = streams.rng(LEVEL).sample(StandardNormal);
        let mut path = ToyPath {
            log_revenue: 10f64.ln() + LEVEL_SIGMA * z,
            log_spending: 20f64.ln(),
            value: 0.0,
            rng: streams.rng(STEPS_STREAM),
        };
        observe(&mut path, obs);
        path
    }

    fn step(&self, _plan: &(), path: &mut ToyPath, _k: usize, obs: &mut [f64]) {
        let drift = |g: f64| g - 0.5 * STEP_SIGMA * STEP_SIGMA;
        let (w, v): (f64, f64) = (
            path.rng.sample(StandardNormal),
            path.rng.sample(StandardNormal),
        );
        path.log_revenue += drift(self.revenue_growth) + STEP_SIGMA * w;
        path.log_spending += drift(self.spending_growth) + STEP_SIGMA * v;
        observe(path, obs);
        path.value += obs[0] - obs[1];
    }

    fn scalars(&self) -> Names<'_> {
        Names::new(&["value"])
    }

    fn finish(&self, _plan: &(), path: &ToyPath, scalars: &mut [f64]) {
        scalars[0] = path.value;
    }
}

fn observe(path: &mut ToyPath, obs: &mut [f64]) {
    obs[0] = path.log_revenue.exp();
    obs[1] = path.log_spending.exp();
}

/// The quarterly calendar of the tests.
pub fn calendar() -> Calendar {
    Calendar::Quarterly {
        start: "2026Q1".parse().unwrap(),
    }
}

/// The toy model named `name`, with its rules and presentation.
pub fn described(name: &str, toy: Toy) -> Described<Toy> {
    let rule = |key: &str, title: &str, when: &str| Rule::new(key, title, when).unwrap();
    Described::new(name, toy, calendar(), STEPS)
        .description("A toy business whose revenue overtakes its spending.")
        .rule(rule(
            "covers",
            "Revenue covers spending",
            "revenue >= spending",
        ))
        .rule(rule("margin", "Margin positive", "revenue - spending >= 0"))
        .rule(
            rule(
                "ahead_4q",
                "Revenue 50% ahead (4q running)",
                "revenue >= 1.5 * spending",
            )
            .sustained(4)
            .unwrap(),
        )
        .rule(rule(
            "never",
            "Revenue a hundredfold",
            "revenue >= 100 * spending",
        ))
        .unit("revenue", "USD m per quarter")
        .unit("spending", "USD m per quarter")
        .unit("value", "USD m")
        .headline(Headline {
            income: "revenue".into(),
            spending: "spending".into(),
            spending_note: "spending is opex plus capex".into(),
        })
        .value(Valuation {
            scalar: "value".into(),
            label: "Surplus".into(),
            description: "revenue minus spending summed over the horizon".into(),
        })
}

/// A study of the toy model.
pub fn study(name: &str, toy: Toy) -> Study {
    let options = StudyOptions {
        paths: PATHS,
        seed: 3,
        ..StudyOptions::default()
    };
    Study::run(&described(name, toy), &options).unwrap()
}

/// The summary of the crossing toy, with inputs to render as assumptions.
pub fn summary() -> Summary {
    let mut summary = Summary::from_study(&study("toy", Toy::crossing()));
    summary.scenario = inputs();
    summary
}

/// Inputs of every shape the assumptions table renders: nested tables, a
/// number, laws of the library and another tagged table, arrays of numbers and
/// laws, a matrix and an array of tables.
pub fn inputs() -> serde_json::Value {
    serde_json::json!({
        "name": "toy",
        "growth": {
            "revenue": {"dist": "triangular", "min": 0.06, "mode": 0.08, "max": 0.1},
            "spending": 0.014,
            "shock": {"dist": "pert", "min": -0.2, "mode": 0.0, "max": 0.1},
        },
        "levels": {"ceiling": {"dist": "log_normal", "median": 150.0, "sigma": 0.35}},
        "cuts": {"size": {"kind": "gamma", "scale": 0.01, "shape": 2.0}},
        "multipliers": [1.0, 1.3, {"dist": "uniform", "min": 1.5, "max": 3.0}],
        "correlation": [[1.0, 0.4], [0.4, 1.0]],
        "plan": [{"start": 0.0, "value": 33.0}, {"start": 2.0, "value": 24.0}],
        "regimes": {"labels": ["war", "peace"], "initial": 1},
    })
}

/// The comparison of the crossing toy with one whose spending grows faster.
pub fn comparison() -> ComparisonSummary {
    let base = study("toy", Toy::crossing());
    let slower = Toy {
        spending_growth: Toy::crossing().spending_growth + 0.01,
        ..Toy::crossing()
    };
    let alt = study("costly", slower);
    let comparisons = base.compare(&alt).unwrap();
    let mut summary = ComparisonSummary::new(&base, &[(&alt, &comparisons)]);
    for s in &mut summary.scenarios {
        s.scenario = inputs();
    }
    summary.scenarios[1].scenario["growth"]["spending"] = serde_json::json!(0.024);
    summary
}
