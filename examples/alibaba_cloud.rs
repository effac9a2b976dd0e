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

use outpace::analysis::{Definition, Study, StudyOptions};
use outpace::cloud::{PRESETS, Scenario};
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
    let study = Study::run(&scenario, &options)?;
    print!("{}", text::study(&study));

    // Alternatives evaluate only the definitions the comparison table shows.
    let compared = text::COMPARED
        .iter()
        .map(|key| Definition::from_key(key))
        .collect::<outpace::Result<Vec<_>>>()?;
    let alternative_options = StudyOptions {
        paths: COMPARISON_PATHS,
        definitions: compared,
        ..options
    };
    let alternatives = PRESETS
        .iter()
        .filter(|p| p.name != scenario.name)
        .map(|p| {
            let alternative = Study::run(&Scenario::preset(p.name)?, &alternative_options)?;
            let comparisons = study.compare(&alternative)?;
            Ok((alternative, comparisons))
        })
        .collect::<outpace::Result<Vec<_>>>()?;
    let pairs: Vec<_> = alternatives.iter().map(|(s, c)| (s, c.clone())).collect();
    print!("{}", text::comparisons(&study, &pairs));
    eprintln!("\nfinished in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
