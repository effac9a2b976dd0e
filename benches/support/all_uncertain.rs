//! The Alibaba preset with every fixed numeric parameter made uncertain: a
//! triangular law from 0.9 to 1.1 times its value (clipped to its plausible
//! range), for the sensitivity benches and the `sobol_cloud` example.

use outpace::cloud::{Override, Scenario, Source};

/// Relative half-width of the triangular laws.
const SPREAD: f64 = 0.1;

/// The preset with every parameter uncertain that can be (a zero, or a value
/// whose law would leave the parameter's domain, stays as it is).
pub fn all_uncertain() -> Scenario {
    let preset = Source::Preset("alibaba".into());
    let mut overrides: Vec<(String, Override)> = Scenario::alibaba()
        .parameters()
        .into_iter()
        .filter(|p| p.law.is_fixed() && p.law.mean() != 0.0)
        .map(|p| {
            let x = p.law.mean();
            let (a, b) = (x * (1.0 - SPREAD), x * (1.0 + SPREAD));
            let (lo, hi) = (a.min(b).max(p.range.0), a.max(b).min(p.range.1));
            let text = format!("{}=triangular({lo}, {x}, {hi})", p.path);
            (
                p.path.to_owned(),
                text.parse().expect("a well-formed override"),
            )
        })
        .collect();
    loop {
        let sets: Vec<Override> = overrides.iter().map(|(_, o)| o.clone()).collect();
        match Scenario::load(&preset, &sets) {
            Ok(scenario) => return scenario,
            Err(problems) => {
                let before = overrides.len();
                overrides.retain(|(path, _)| {
                    !problems
                        .iter()
                        .any(|p| p.to_string().contains(path.as_str()))
                });
                assert!(
                    overrides.len() < before,
                    "cannot place the problems: {problems:?}"
                );
            }
        }
    }
}
