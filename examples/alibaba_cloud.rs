//! The main job: will Alibaba Cloud's revenue outpace its spending, and when?
//!
//! Runs the calibrated preset (or a scenario file given as the first argument) with
//! 100,000 paths over its horizon, prints the break-even table for every
//! definition, the probability of breaking even by each year, a text fan chart of
//! revenue against spending and the NPV distribution, then compares the scenario
//! with the bundled alternatives on common random numbers.
//!
//! ```sh
//! cargo run --release --example alibaba_cloud
//! cargo run --release --example alibaba_cloud -- scenarios/price_war.toml
//! ```

use outpace::analysis::{Study, StudyModel, StudyOptions};
use outpace::cloud::{CloudModel, PRESETS, Scenario};
use outpace::report::text;
use std::process::ExitCode;
use std::time::Instant;

/// Paths of the main run.
const PATHS: usize = 100_000;
/// Paths of each alternative, paired with the main run's first paths.
const COMPARISON_PATHS: usize = 10_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> outpace::Result<()> {
    let started = Instant::now();
    let scenario = match std::env::args().nth(1) {
        Some(path) => Scenario::from_path(path)?,
        None => Scenario::alibaba(),
    };
    let options = StudyOptions {
        paths: PATHS,
        ..StudyOptions::default()
    };
    let model = CloudModel::new(scenario)?;
    let study = Study::run(&model, &options)?;
    print!("{}", text::study(&study));

    // Alternatives evaluate only the rules the comparison table shows.
    let shown = model.compared();
    let compared = shown
        .iter()
        .map(|key| model.rule(key))
        .collect::<outpace::Result<Vec<_>>>()?;
    let alternative_options = StudyOptions {
        paths: COMPARISON_PATHS,
        rules: Some(compared),
        ..options
    };
    let alternatives = PRESETS
        .iter()
        .filter(|p| p.name != study.name())
        .map(|p| {
            let alternative = CloudModel::new(Scenario::preset(p.name)?)?;
            let alternative = Study::run(&alternative, &alternative_options)?;
            let comparisons = study.compare(&alternative)?;
            Ok((alternative, comparisons))
        })
        .collect::<outpace::Result<Vec<_>>>()?;
    let pairs: Vec<_> = alternatives.iter().map(|(s, c)| (s, c.clone())).collect();
    print!("{}", text::comparisons(&study, &pairs, &shown));
    eprintln!("\nfinished in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
