//! A business of your own through the same study and reports as the cloud model:
//! a subscription software (SaaS) company, month by month.
//!
//! * **Customers** are acquired along a stochastic S-curve (cumulative sign-ups
//!   `A_t`, a logistic process) and churn at a monthly rate `c`: active customers
//!   `N_k = N_{k-1} (1 - c) + max(A_k - A_{k-1}, 0)`.
//! * **ARPU** (revenue per active customer per month) is an exponential OU process
//!   pulled down by discounting pressure from USD 100 towards a long-run level
//!   drawn per path.
//! * **Spending**: sales and marketing (a cost `CAC` per new customer), hosting
//!   (per active customer, falling as the platform scales) and a fixed engineering
//!   payroll.
//! * Acquisition and ARPU shocks are correlated (a hot market brings customers but
//!   also price competition), through `CorrelatedNormals`.
//!
//! Break-even rules of its own: revenue covering spending for three months running,
//! cumulative cash payback, and the "rule of 40" (trailing-year growth plus
//! trailing-year margin at least 40%). The study, the text report and every file
//! come from the library's generic `Study` and report writers.
//!
//! ```sh
//! cargo run --release --example custom_model -- OUT_DIR
//! ```
//!
//! writes `summary.json`, `breakeven.csv`, `fan_chart.csv`, `report.txt` and the SVG
//! charts into `OUT_DIR` and prints the text report.

use outpace::analysis::{Headline, Rule, Study, StudyModel, StudyOptions, Valuation};
use outpace::calendar::Calendar;
use outpace::engine::{Component, Grid, Model, Names, PathRng, PathStreams};
use outpace::inputs::{Domain, Param};
use outpace::process::{
    CorrelatedNormals, ExpOu, ExpOuStep, GaussianDriven, Logistic, LogisticStep, Process,
    standard_normal,
};
use outpace::report::{files, json::Summary, text};
use std::path::Path;
use std::process::ExitCode;

/// The series the model emits, in order.
const SERIES: [&str; 9] = [
    "revenue",
    "spending",
    "customers",
    "new_customers",
    "arpu",
    "sales_marketing",
    "hosting",
    "cash_flow",
    "cumulative_cash_flow",
];
/// Index of each series in [`SERIES`].
mod at {
    pub const REVENUE: usize = 0;
    pub const SPENDING: usize = 1;
    pub const CUSTOMERS: usize = 2;
    pub const NEW: usize = 3;
    pub const ARPU: usize = 4;
    pub const SALES: usize = 5;
    pub const HOSTING: usize = 6;
    pub const CASH_FLOW: usize = 7;
    pub const CUMULATIVE: usize = 8;
}
/// The per-path value: NPV of the cash flow.
const NPV: &str = "npv";

/// Random streams, by stable id.
const ACQUISITION_SHOCK: Component = Component::new(1);
const ARPU_SHOCK: Component = Component::new(2);
/// Per-path draws of the uncertain parameters; sub-component = parameter id.
const PARAMETERS: Component = Component::new(3);

/// Ids of the uncertain parameters in [`PARAMETERS`].
mod id {
    pub const MARKET: u32 = 0;
    pub const CHURN: u32 = 1;
    pub const CAC: u32 = 2;
    pub const LONG_RUN_ARPU: u32 = 3;
}

/// The inputs of the SaaS model: customers in thousands, prices per customer in
/// USD thousands, so that flows are USD m per month.
#[derive(Debug, Clone)]
struct Saas {
    /// Customers acquired to date at the start (thousands).
    acquired: f64,
    /// Active customers at the start (thousands).
    customers: f64,
    /// Market size: the ceiling of cumulative sign-ups (thousands).
    market: Param,
    /// Logistic growth rate of sign-ups (per year) and its volatility.
    adoption_rate: f64,
    adoption_volatility: f64,
    /// Monthly churn rate.
    churn: Param,
    /// Sales and marketing cost per new customer (USD thousands).
    cac: Param,
    /// ARPU at the start (USD thousands per month), its long-run level under
    /// discounting, the speed of the pull (per year) and its volatility.
    arpu: f64,
    long_run_arpu: Param,
    arpu_reversion: f64,
    arpu_volatility: f64,
    /// Hosting cost per active customer per month at the start (USD thousands),
    /// falling with the square root of scale.
    hosting_per_customer: f64,
    /// Fixed engineering payroll (USD m per month).
    payroll: f64,
    /// Correlation of the acquisition and ARPU shocks.
    shocks: CorrelatedNormals,
    /// Yearly discount rate of the NPV.
    discount_rate: f64,
    /// Months simulated.
    months: usize,
}

impl Saas {
    fn example() -> outpace::Result<Saas> {
        let saas = Saas {
            acquired: 2.0,
            customers: 1.5,
            market: Param::LogNormal {
                median: 60.0,
                sigma: 0.4,
            },
            adoption_rate: 0.9,
            adoption_volatility: 0.25,
            churn: Param::Triangular {
                min: 0.01,
                mode: 0.02,
                max: 0.04,
            },
            cac: Param::Triangular {
                min: 0.8,
                mode: 1.2,
                max: 2.0,
            },
            arpu: 0.1,
            long_run_arpu: Param::Uniform {
                min: 0.06,
                max: 0.09,
            },
            arpu_reversion: 0.5,
            arpu_volatility: 0.15,
            hosting_per_customer: 0.02,
            payroll: 0.25,
            shocks: CorrelatedNormals::new(vec![vec![1.0, -0.4], vec![-0.4, 1.0]])?,
            discount_rate: 0.12,
            months: 60,
        };
        saas.validate()?;
        Ok(saas)
    }

    /// Every uncertain parameter against its domain, named by field.
    fn validate(&self) -> outpace::Result<()> {
        self.market.validate("market", Domain::positive())?;
        self.churn.validate("churn", Domain::closed(0.0, 1.0))?;
        self.cac.validate("cac", Domain::non_negative())?;
        self.long_run_arpu
            .validate("long_run_arpu", Domain::positive())
    }
}

/// Grid constants: the step and its discount factor.
struct Plan {
    discount: f64,
    dt: f64,
}

/// One path.
struct SaasPath {
    signups: LogisticStep,
    arpu_step: ExpOuStep,
    arpu_process: ExpOu,
    acquired: f64,
    log_arpu: f64,
    customers: f64,
    churn: f64,
    cac: f64,
    cumulative: f64,
    discounted: f64,
    weight: f64,
    acquisition_rng: PathRng,
    arpu_rng: PathRng,
}

impl Saas {
    fn draw(&self, streams: &PathStreams, id: u32, p: &Param) -> f64 {
        p.sample(&mut streams.rng(PARAMETERS.sub(id)))
    }

    /// The observations of the month.
    fn observe(&self, path: &SaasPath, new: f64, obs: &mut [f64]) -> f64 {
        let arpu = path.arpu_process.value(&path.log_arpu);
        let revenue = path.customers * arpu;
        let sales = path.cac * new;
        let scale = (path.customers / self.customers).max(1.0).sqrt();
        let hosting = path.customers * self.hosting_per_customer / scale;
        let spending = sales + hosting + self.payroll;
        let cash_flow = revenue - spending;
        obs[at::REVENUE] = revenue;
        obs[at::SPENDING] = spending;
        obs[at::CUSTOMERS] = path.customers;
        obs[at::NEW] = new;
        obs[at::ARPU] = arpu;
        obs[at::SALES] = sales;
        obs[at::HOSTING] = hosting;
        obs[at::CASH_FLOW] = cash_flow;
        obs[at::CUMULATIVE] = path.cumulative + cash_flow;
        cash_flow
    }
}

impl Model for Saas {
    type Plan = Plan;
    type State = SaasPath;

    fn series(&self) -> Names<'_> {
        Names::new(&SERIES)
    }

    fn scalars(&self) -> Names<'_> {
        Names::new(&[NPV])
    }

    fn plan(&self, grid: &Grid) -> outpace::Result<Plan> {
        Ok(Plan {
            discount: (1.0 + self.discount_rate).powf(-grid.dt()),
            dt: grid.dt(),
        })
    }

    fn init(&self, plan: &Plan, streams: &PathStreams, obs: &mut [f64]) -> SaasPath {
        let market = self
            .draw(streams, id::MARKET, &self.market)
            .max(self.acquired * 1.01);
        let signups = Logistic::new(
            self.adoption_rate,
            market,
            self.adoption_volatility,
            self.acquired,
        )
        .and_then(|l| l.transition(plan.dt))
        .expect("validated parameters build the S-curve");
        let long_run = self.draw(streams, id::LONG_RUN_ARPU, &self.long_run_arpu);
        let arpu_process = ExpOu::new(
            self.arpu_reversion,
            long_run.ln(),
            self.arpu_volatility,
            self.arpu,
        )
        .expect("validated parameters build the ARPU process");
        let arpu_step = arpu_process
            .transition(plan.dt)
            .expect("a monthly step is valid");
        let path = SaasPath {
            signups,
            arpu_step,
            log_arpu: arpu_process.initial_state(),
            arpu_process,
            acquired: self.acquired,
            customers: self.customers,
            churn: self.draw(streams, id::CHURN, &self.churn),
            cac: self.draw(streams, id::CAC, &self.cac),
            cumulative: 0.0,
            discounted: 0.0,
            weight: 1.0,
            acquisition_rng: streams.rng(ACQUISITION_SHOCK),
            arpu_rng: streams.rng(ARPU_SHOCK),
        };
        self.observe(&path, 0.0, obs);
        // Cash is counted from the first simulated month.
        obs[at::CUMULATIVE] = 0.0;
        path
    }

    fn step(&self, plan: &Plan, path: &mut SaasPath, _k: usize, obs: &mut [f64]) {
        let mut z = [
            standard_normal(&mut path.acquisition_rng),
            standard_normal(&mut path.arpu_rng),
        ];
        self.shocks.correlate(&mut z);
        let before = path.acquired;
        path.signups
            .step_with(&mut path.acquired, z[0], &mut path.acquisition_rng);
        path.arpu_step
            .step_with(&mut path.log_arpu, z[1], &mut path.arpu_rng);
        let new = (path.acquired - before).max(0.0);
        path.customers = path.customers * (1.0 - path.churn) + new;
        let cash_flow = self.observe(path, new, obs);
        path.cumulative += cash_flow;
        path.weight *= plan.discount;
        path.discounted += cash_flow * path.weight;
    }

    fn finish(&self, _plan: &Plan, path: &SaasPath, scalars: &mut [f64]) {
        scalars[0] = path.discounted;
    }
}

impl StudyModel for Saas {
    fn name(&self) -> &str {
        "saas"
    }

    fn title(&self) -> &str {
        "A subscription software company"
    }

    fn description(&self) -> &str {
        "Customers on an S-curve with churn, ARPU under discounting pressure, sales and marketing plus hosting and payroll"
    }

    fn calendar(&self) -> Calendar {
        Calendar::Monthly {
            start: "2026-01".parse().expect("a valid month"),
        }
    }

    fn horizon(&self) -> usize {
        self.months
    }

    fn rules(&self) -> Vec<Rule> {
        let rule = |key, title, when| Rule::new(key, title, when).expect("valid rules");
        vec![
            rule(
                "cash_breakeven_3m",
                "Cash break-even (3m running)",
                "revenue >= spending",
            )
            .sustained(3)
            .expect("sustain >= 1")
            .described("The first month from which revenue covers spending for three months."),
            rule(
                "cumulative_payback",
                "Cumulative payback",
                "cumsum(cash_flow) >= 0",
            )
            .described(
                "The first month in which the cash flow summed from the start is at least zero.",
            ),
            rule(
                "rule_of_40",
                "Rule of 40",
                "growth(revenue, 12) + sum(cash_flow, 12) / sum(revenue, 12) >= 0.4",
            )
            .described(
                "The first month in which trailing-year revenue growth plus the trailing-year \
                 cash margin is at least 40%.",
            ),
        ]
    }

    fn unit(&self, name: &str) -> &str {
        match name {
            "customers" | "new_customers" => "thousand customers",
            "arpu" => "USD thousand per customer per month",
            "cumulative_cash_flow" | NPV => "USD m",
            _ => "USD m per month",
        }
    }

    fn fan_series(&self) -> Names<'_> {
        Names::new(&["revenue", "spending", "customers", "arpu", "cash_flow"])
    }

    fn headline(&self) -> Option<Headline> {
        Some(Headline {
            income: "revenue".into(),
            spending: "spending".into(),
            spending_note: "spending is sales and marketing, hosting and payroll".into(),
        })
    }

    fn value(&self) -> Option<Valuation> {
        Some(Valuation {
            scalar: NPV.into(),
            label: "NPV".into(),
            description: format!(
                "NPV of cash flow over {} months at {:.0}% a year (no terminal value)",
                self.months,
                100.0 * self.discount_rate
            ),
        })
    }
}

/// Paths of the study.
const PATHS: usize = 20_000;

/// Runs the study, writes its files into `dir` and returns the text report.
pub fn write_report(dir: &Path, paths: usize) -> outpace::Result<String> {
    let model = Saas::example()?;
    let study = Study::run(
        &model,
        &StudyOptions {
            paths,
            seed: 2026,
            ..StudyOptions::default()
        },
    )?;
    let report = text::study(&study);
    let written = files::study_files(&Summary::from_study(&study), Some(&report))?;
    files::write_files(dir, &written)
        .map_err(|e| outpace::Error::Engine(format!("cannot write the report: {e}")))?;
    Ok(report)
}

#[allow(dead_code, reason = "tests include this file for write_report alone")]
fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: cargo run --release --example custom_model -- OUT_DIR");
        return ExitCode::from(2);
    };
    match write_report(Path::new(&dir), PATHS) {
        Ok(report) => {
            print!("{report}");
            eprintln!("wrote the report files to {}", Path::new(&dir).display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
