//! # outpace
//!
//! Monte Carlo scenario simulation for capital-hungry technology businesses: will
//! revenue outpace spending, with what probability, and when?
//!
//! The crate is layered so that data flows one way:
//!
//! * [`process`]: stochastic building blocks (GBM, OU, jump-diffusions, Hawkes
//!   price wars, Markov regimes, S-curve adoption, correlated drivers), each with an
//!   exact transition law;
//! * [`engine`]: the [`Model`](engine::Model) trait, keyed random streams, the
//!   parallel [`Simulation`](engine::Simulation) runner, its accumulators and
//!   first-passage detection;
//! * [`inputs`]: parameters fixed or drawn from a law, and their domains;
//! * [`calendar`]: what each point of a grid stands for (quarters, months, years);
//! * [`cloud`]: the AI-cloud business model, its scenarios, presets and standard
//!   break-even rules (the only module that knows the cloud);
//! * [`calibrate`]: maximum-likelihood estimators with standard errors, the CSV
//!   data they read, and goodness-of-fit diagnostics;
//! * [`analysis`]: what a studied model provides ([`StudyModel`](analysis::StudyModel)),
//!   break-even rules, their time distributions, fan charts, paired scenario
//!   comparisons and the [`Study`](analysis::Study) that gathers them, for any model;
//! * [`report`]: text, JSON, CSV and SVG reports of studies and comparisons;
//! * [`math`]: an exponential with the same bits on every platform, and its
//!   vectorised bulk form;
//! * [`stats`]: exact sums, mergeable moments, quantile sketches and confidence
//!   intervals.
//!
//! ```
//! use outpace::engine::{ProcessModel, Simulation};
//! use outpace::process::Gbm;
//!
//! let demand = ProcessModel::new("demand", Gbm::new(0.3, 0.25, 100.0)?);
//! let result = Simulation::new(demand).paths(5_000).steps(40).dt(0.25).seed(1).run()?;
//! let demand = result.series("demand").unwrap();
//! println!("median demand in 10 years: {:.0}", demand.quantile(40, 0.5).unwrap());
//! # Ok::<(), outpace::Error>(())
//! ```

#![warn(missing_docs)]
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
pub mod calendar;
pub mod calibrate;
pub mod cloud;
pub mod engine;
pub mod error;
pub mod inputs;
pub mod math;
pub mod process;
pub mod report;
#[allow(unsafe_code)]
mod simd;
pub mod stats;

pub use error::{Error, Result};
/// The ndarray version of the public signatures (recorded paths, sensitivity
/// matrices), so that users need not match versions.
pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
