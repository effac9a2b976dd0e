//! Scenario text in, never a panic or a hang out: parse (TOML, and JSON when the
//! text starts with `{`), validate every problem, and run a tiny simulation of
//! what validates. Run with `cargo fuzz run scenario fuzz/corpus/scenario`
//! (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpace::cloud::{CloudModel, Format, Scenario, Source};
use outpace::engine::Simulation;

/// Paths and quarters of the tiny run.
const PATHS: usize = 16;
const STEPS: usize = 8;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let format = if text.trim_start().starts_with('{') { Format::Json } else { Format::Toml };
    let source = Source::Text { label: "fuzz".into(), text: text.to_owned(), format };
    let Ok(scenario) = Scenario::load(&source, &[]) else { return };
    let Ok(model) = CloudModel::new(scenario) else { return };
    let steps = STEPS.min(model.scenario().quarters());
    if let Ok(outcome) = Simulation::new(&model).paths(PATHS).steps(steps).dt(0.25).seed(1).run() {
        for series in outcome.all_series() {
            assert!(series.stats().iter().all(|s| s.mean.is_finite()), "{}", series.name());
        }
    }
});
