//! A study: one scenario simulated with the break-even rules and fan charts it
//! needs, then analysed.

use super::{BreakEven, Comparison, Definition, FanChart};
use crate::cloud::{CloudModel, Scenario, series};
use crate::engine::{Outcome, RunControl, ScalarSummary, Selection, Simulation};
use crate::error::{Error, Result, check};
use std::sync::Arc;

/// Settings of a [`Study`].
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// Number of paths (default 100,000).
    pub paths: usize,
    /// Run seed (default 2026). Studies with the same seed share their random
    /// numbers path by path.
    pub seed: u64,
    /// Confidence level of every interval (default 0.95).
    pub confidence: f64,
    /// Break-even definitions to evaluate (default [`Definition::standard`]).
    pub definitions: Vec<Definition>,
    /// Threads (default: rayon's global pool).
    pub threads: Option<usize>,
    /// Progress and cancellation, shared with another thread.
    pub control: Option<Arc<RunControl>>,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            paths: 100_000,
            seed: 2026,
            confidence: 0.95,
            definitions: Definition::standard(),
            threads: None,
            control: None,
        }
    }
}

/// One scenario simulated quarter by quarter over its horizon and analysed: the
/// break-even distribution of every definition, fan charts of
/// [`series::FAN_CHART`], and the NPV distribution.
///
/// ```
/// use outpace::analysis::{Study, StudyOptions};
/// use outpace::cloud::Scenario;
/// let options = StudyOptions { paths: 2_000, ..StudyOptions::default() };
/// let study = Study::run(&Scenario::alibaba(), &options)?;
/// let flow = &study.breakevens()[0];
/// println!("P(FCF >= 0 within 10 years) = {:.2}", flow.within_horizon().estimate);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Study {
    scenario: Scenario,
    confidence: f64,
    outcome: Outcome,
    breakevens: Vec<BreakEven>,
    fans: Vec<FanChart>,
}

impl Study {
    /// Simulates and analyses `scenario`.
    ///
    /// # Errors
    /// An invalid scenario or option (naming the field), or any engine error.
    pub fn run(scenario: &Scenario, options: &StudyOptions) -> Result<Study> {
        crate::stats::two_sided_z(options.confidence)?;
        check::positive_count("paths", options.paths)?;
        let definitions: Vec<Definition> = options
            .definitions
            .iter()
            .map(|d| d.validate())
            .collect::<Result<_>>()?;
        let mut simulation = Simulation::new(CloudModel::new(scenario.clone())?)
            .paths(options.paths)
            .steps(scenario.quarters())
            .dt(0.25)
            .seed(options.seed)
            .quantiles_for(Selection::only(&series::FAN_CHART));
        for definition in &definitions {
            simulation = simulation.first_passage(definition.key(), definition.rule());
        }
        if let Some(threads) = options.threads {
            simulation = simulation.threads(threads);
        }
        if let Some(control) = &options.control {
            simulation = simulation.control(control);
        }
        let outcome = simulation.run()?;
        let breakevens = definitions
            .iter()
            .map(|&d| BreakEven::from_outcome(d, &outcome, options.confidence))
            .collect::<Result<_>>()?;
        let fans = series::FAN_CHART
            .iter()
            .map(|name| FanChart::from_outcome(&outcome, name))
            .collect::<Result<_>>()?;
        Ok(Study {
            scenario: scenario.clone(),
            confidence: options.confidence,
            outcome,
            breakevens,
            fans,
        })
    }

    /// The scenario studied.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The engine's results (every series' summary, passage times, NPV).
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Confidence level of the intervals.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Break-even results, one per definition, in the order requested.
    pub fn breakevens(&self) -> &[BreakEven] {
        &self.breakevens
    }

    /// Fan charts of [`series::FAN_CHART`].
    pub fn fans(&self) -> &[FanChart] {
        &self.fans
    }

    /// The fan chart of one series.
    pub fn fan(&self, series: &str) -> Option<&FanChart> {
        self.fans.iter().find(|f| f.series() == series)
    }

    /// Distribution of the NPV of free cash flow over the horizon.
    pub fn npv(&self) -> &ScalarSummary {
        self.outcome
            .scalar(series::NPV)
            .expect("the cloud model emits the npv scalar")
    }

    /// Paired comparisons of this study (the baseline) with `alternative`, one per
    /// definition both studies evaluated. When the alternative ran fewer paths, the
    /// comparison uses this study's first paths: path `i` draws the same random
    /// numbers in both runs whatever their sizes.
    ///
    /// # Errors
    /// If the studies differ in seed (`alternative.seed`) or horizon
    /// (`alternative.horizon_years`), or the alternative ran more paths.
    pub fn compare(&self, alternative: &Study) -> Result<Vec<Comparison>> {
        let (base, alt) = (&self.outcome, &alternative.outcome);
        if base.seed() != alt.seed() {
            return Err(Error::invalid(
                "alternative.seed",
                alt.seed(),
                format!(
                    "must equal the baseline's seed ({}) to pair paths",
                    base.seed()
                ),
            ));
        }
        if base.grid() != alt.grid() {
            return Err(Error::invalid(
                "alternative.horizon_years",
                alternative.scenario.horizon_years,
                format!(
                    "must equal the baseline's ({})",
                    self.scenario.horizon_years
                ),
            ));
        }
        if alt.paths() > base.paths() {
            return Err(Error::invalid(
                "alternative.paths",
                alt.paths(),
                format!("must not exceed the baseline's paths ({})", base.paths()),
            ));
        }
        self.breakevens
            .iter()
            .filter_map(|b| {
                let definition = b.definition();
                let alt_times = definition.passage(alt).ok()?;
                let base_times = definition.passage(base).ok()?;
                Some(Comparison::new(
                    definition.key(),
                    &base_times.head(alt_times.paths()),
                    alt_times,
                    self.confidence,
                ))
            })
            .collect()
    }
}
