//! Hostile scenarios: every numeric field of the Alibaba preset replaced by
//! absurd, extreme and edge values, one at a time. Each mutant must either fail
//! validation with an error naming the field, or validate and then simulate to
//! finite outputs: never a panic, a hang or a non-finite value after validation.

use outpace::cloud::{CloudModel, Scenario};
use outpace::engine::Simulation;
use toml::Value;

/// Values a hostile user (or a typo) puts in a numeric field.
const HOSTILE: [f64; 16] = [
    0.0,
    -1.0,
    1e308,
    -1e308,
    1e-320,
    -1e-320,
    1e7,
    1e10,
    0.5,
    2.0,
    27.0,
    1e-160,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.999_999_999,
];

/// The field paths of every number in `value`, with a setter.
fn numeric_paths(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Integer(_) | Value::Float(_) => out.push(path.to_owned()),
        Value::Table(t) => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                numeric_paths(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                numeric_paths(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The value at `path` (keys and `[i]` indices), mutably.
fn at<'a>(value: &'a mut Value, path: &str) -> &'a mut Value {
    let mut current = value;
    for part in path.split('.') {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        current = current.get_mut(key).expect("path from numeric_paths");
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().unwrap();
            current = current.get_mut(i).expect("index from numeric_paths");
        }
    }
    current
}

/// The first segment of a field path, and the path without indices, to compare
/// with the path an error names.
fn section(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap()
}

#[test]
fn every_mutant_is_refused_with_its_field_or_simulates_to_finite_outputs() {
    let preset: Value = toml::from_str(&Scenario::alibaba().to_toml_string().unwrap()).unwrap();
    let mut paths = Vec::new();
    numeric_paths(&preset, "", &mut paths);
    assert!(paths.len() > 80, "{}", paths.len());
    let (mut refused, mut ran) = (0, 0);
    for path in &paths {
        for &x in &HOSTILE {
            let mut mutant = preset.clone();
            *at(&mut mutant, path) = Value::Float(x);
            let text = toml::to_string(&mutant).unwrap();
            let scenario = match Scenario::from_toml_str(&text) {
                Ok(scenario) => scenario,
                Err(e) => {
                    let message = e.to_string();
                    assert!(
                        message.contains(section(path)),
                        "{path} = {x:e}: the error does not name the field: {message}"
                    );
                    assert!(
                        message.len() < 600,
                        "{path} = {x:e}: a long message: {message}"
                    );
                    assert!(
                        message.chars().filter(char::is_ascii_digit).count() <= 60,
                        "{path} = {x:e}: unreadable number: {message}"
                    );
                    refused += 1;
                    continue;
                }
            };
            let outcome = Simulation::new(CloudModel::new(scenario).unwrap())
                .paths(32)
                .steps(40)
                .dt(0.25)
                .seed(1)
                .run()
                .unwrap_or_else(|e| panic!("{path} = {x:e} validated, then the run failed: {e}"));
            for series in outcome.all_series() {
                assert!(
                    series.stats().iter().all(|s| s.mean.is_finite()),
                    "{path} = {x:e}"
                );
            }
            ran += 1;
        }
    }
    // Both outcomes occur: the test exercises the validation and the model.
    assert!(refused > 500 && ran > 200, "refused {refused}, ran {ran}");
}

#[test]
fn the_reported_defects_are_refused_or_run() {
    let base = outpace::cloud::PRESETS[0].source();
    let with = |from: &str, to: &str| {
        assert!(base.contains(from), "{from}");
        Scenario::from_toml_str(&base.replacen(from, to, 1))
    };
    // A hang: price-war baseline of 1e7 events a year.
    let err = with("baseline = [3.0, 1.0, 0.3]", "baseline = [1e7, 1.0, 0.3]").unwrap_err();
    assert!(err.to_string().contains("price_war.baseline"), "{err}");
    // Tiny lumpiness, fixed or drawn near 0: validates and runs.
    for lumpiness in [
        "lumpiness = 1e-160",
        "lumpiness = { dist = \"uniform\", min = 0.0, max = 0.01 }",
    ] {
        let scenario = with("lumpiness = 0.3", lumpiness).unwrap();
        let run = Simulation::new(CloudModel::new(scenario).unwrap())
            .paths(300)
            .steps(40)
            .dt(0.25)
            .run();
        assert!(run.is_ok(), "{lumpiness}: {run:?}");
    }
    // Absurd but in-domain values: a readable number and the field.
    for (from, to, field, shown) in [
        (
            "traditional_revenue = 32.629",
            "traditional_revenue = 1e308",
            "initial.traditional_revenue",
            "1e308",
        ),
        (
            "cost_volatility = 0.08",
            "cost_volatility = 27.0",
            "capacity.cost_volatility",
            "27",
        ),
    ] {
        let err = with(from, to).unwrap_err().to_string();
        assert!(err.contains(field) && err.contains(shown), "{err}");
        assert!(err.len() < 300, "{err}");
    }
    // The calendar: 2199 Q2 plus ten years.
    let err = with("start = \"2026Q1\"", "start = \"2199Q2\"").unwrap_err();
    assert!(err.to_string().contains("horizon_years"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut scenario = Scenario::alibaba();
    scenario.horizon_years = 0;
    scenario.demand.volatility = outpace::inputs::Param::Fixed(-1.0);
    scenario.opex.tax_rate = outpace::inputs::Param::Fixed(3.0);
    scenario.chips.lead_quarters[1] = 99;
    let problems: Vec<String> = scenario
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    for field in [
        "horizon_years",
        "demand.volatility",
        "opex.tax_rate",
        "chips.lead_quarters[1]",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(field)),
            "{field}: {problems:?}"
        );
    }
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(scenario.validate().unwrap_err().to_string(), problems[0]);
}
