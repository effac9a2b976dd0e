//! A sensitivity method as data: what it simulates (rows of runs, shardable)
//! and how it estimates from them.

use super::{
    Plan, RankScreen, Rows, SobolAnalysis, SobolSettings, Sweep, Tornado, TornadoOptions,
    simulate_rows,
};
use crate::analysis::{StudyModel, StudyOptions};
use crate::error::Result;
use std::ops::Range;

/// A sensitivity analysis and its settings, split into the simulation of rows
/// and the estimation from them, so that an analysis can be spread over
/// processes or machines and merged exactly.
///
/// A method consists of runs of the model, all of [`rows`](Self::rows) paths
/// on the study's seed (a tornado: the base run, then a low and a high run per
/// factor; a sweep: one run per value; Sobol: the one run of Saltelli's design;
/// ranks: one ordinary run). [`simulate`](Self::simulate) computes the
/// per-row outputs ([`Rows`]) of every run for a range of rows (a
/// [`Shard`](crate::engine::Shard)'s); [`Rows::merge`] lays the shards' rows
/// end to end; [`estimate`](Self::estimate) runs the estimators. Path `i` of a
/// run draws the same random numbers wherever it is simulated, and the
/// estimators see the same rows in the same order, so the result is that of
/// [`run`](Self::run), bit for bit, whatever the number of shards.
///
/// ```
/// use outpace::analysis::StudyOptions;
/// use outpace::analysis::sensitivity::{Method, Rows};
/// use outpace::cloud::{CloudModel, Scenario};
/// use outpace::engine::Shard;
///
/// let model = CloudModel::new(Scenario::alibaba())?;
/// let options = StudyOptions { paths: 600, ..StudyOptions::default() };
/// let method = Method::Ranks;
/// let rows = method.rows(&model, &options)?;
/// let shards = (0..2)
///     .map(|i| method.simulate(&model, &options, Shard::new(i, 2)?.range(rows)))
///     .collect::<Result<Vec<_>, _>>()?;
/// let merged = method.estimate(&model, &options, &Rows::merge(&shards)?)?;
/// assert_eq!(merged, method.run(&model, &options)?);
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// A [`Tornado`].
    Tornado(TornadoOptions),
    /// A one-way [`Sweep`] of `input` over `values`.
    Sweep {
        /// The input swept.
        input: String,
        /// Its values, in order.
        values: Vec<f64>,
    },
    /// Sobol indices ([`SobolAnalysis`]).
    Sobol(SobolSettings),
    /// Rank correlations ([`RankScreen`]).
    Ranks,
}

/// The result of a [`Method`].
#[derive(Debug, Clone, PartialEq)]
pub enum Estimates {
    /// A tornado.
    Tornado(Tornado),
    /// A one-way sweep.
    Sweep(Sweep),
    /// Sobol indices.
    Sobol(SobolAnalysis),
    /// Rank correlations.
    Ranks(RankScreen),
}

impl Method {
    fn plan<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<Plan> {
        match self {
            Method::Tornado(tornado) => Tornado::plan(model, options, tornado),
            Method::Sweep { input, values } => Sweep::plan(model, options, input, values),
            Method::Sobol(settings) => Ok(SobolAnalysis::plan(model, options, settings)?.0),
            Method::Ranks => RankScreen::plan(model, options),
        }
    }

    /// The rows (paths) of each run of the method: `options.paths`, or `N (G +
    /// 2)` for Sobol.
    ///
    /// # Errors
    /// As the method's `run`: a model without inputs, invalid settings.
    pub fn rows<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<usize> {
        Ok(self.plan(model, options)?.rows())
    }

    /// The labels of the method's runs, in order: `base`, `low:<factor>`,
    /// `high:<factor>` (tornado), `<input>=<value>` (sweep), `saltelli` (Sobol),
    /// `base` (ranks).
    ///
    /// # Errors
    /// As [`rows`](Self::rows).
    pub fn runs<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<Vec<String>> {
        Ok(self
            .plan(model, options)?
            .runs
            .iter()
            .map(|r| r.label.clone())
            .collect())
    }

    /// Simulates the rows `range` of every run of the method: a range of
    /// `0..rows` on the engine's block boundaries, as
    /// [`Shard::range`](crate::engine::Shard::range) cuts them.
    ///
    /// # Errors
    /// As [`rows`](Self::rows), a range that is not a shard of the run
    /// (`path_range`), any engine error.
    pub fn simulate<M: StudyModel>(
        &self,
        model: &M,
        options: &StudyOptions,
        range: Range<usize>,
    ) -> Result<Rows> {
        let plan = self.plan(model, options)?;
        simulate_rows(model, options, &plan, range)
    }

    /// The estimates from the `rows` of every run (merged with [`Rows::merge`]).
    ///
    /// # Errors
    /// As [`rows`](Self::rows), and rows that are not every row of this method's
    /// runs (naming `rows`).
    pub fn estimate<M: StudyModel>(
        &self,
        model: &M,
        options: &StudyOptions,
        rows: &Rows,
    ) -> Result<Estimates> {
        Ok(match self {
            Method::Tornado(tornado) => {
                Estimates::Tornado(Tornado::from_rows(model, options, tornado, rows)?)
            }
            Method::Sweep { input, values } => {
                Estimates::Sweep(Sweep::from_rows(model, options, input, values, rows)?)
            }
            Method::Sobol(settings) => {
                Estimates::Sobol(SobolAnalysis::from_rows(model, options, settings, rows)?)
            }
            Method::Ranks => Estimates::Ranks(RankScreen::from_rows(model, options, rows)?),
        })
    }

    /// Simulates every row and estimates: the method's own `run`.
    ///
    /// # Errors
    /// As [`simulate`](Self::simulate) and [`estimate`](Self::estimate).
    pub fn run<M: StudyModel>(&self, model: &M, options: &StudyOptions) -> Result<Estimates> {
        let rows = self.rows(model, options)?;
        self.estimate(model, options, &self.simulate(model, options, 0..rows)?)
    }

    /// The names of the blocks of a Sobol design's rows (`A`, `B`, `AB_<factor>`;
    /// row `b N + r` is base point `r` of block `b`, `N` the base points), `None`
    /// for the other methods, whose rows are plain paths.
    ///
    /// # Errors
    /// As [`rows`](Self::rows).
    pub fn blocks<M: StudyModel>(
        &self,
        model: &M,
        options: &StudyOptions,
    ) -> Result<Option<Vec<String>>> {
        match self {
            Method::Sobol(settings) => Ok(Some(SobolAnalysis::blocks(model, options, settings)?)),
            _ => Ok(None),
        }
    }
}
