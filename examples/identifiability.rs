//! How many dated cuts does it take to tell self-excitation from
//! cross-excitation? Simulates a rival Hawkes process of five firms with outpace,
//! fits the self/cross form to data sets of a given expected size, and reports
//! the standardised difference `z = (a_self - a_cross) / se` of the fits: the
//! share of data sets with `|z| >= 2`, the median `|z|` (a fit without a
//! standard error counting as 0), and the number of events
//! at which the median reaches 2 (from `z` growing as the square root of the
//! number of events). `docs/calibration.md` ("Identifiability") reports the
//! output.
//!
//! Run with `cargo run --release --example identifiability` (about a minute on
//! two cores); `-- quick` runs a tenth of the replications.

use outpace::calibrate::{RivalEvents, RivalSpec, fit_rival_hawkes};
use outpace::engine::{Component, PathStreams};
use outpace::process::RivalHawkes;
use rayon::prelude::*;

/// Firms: Alibaba and the four rivals the issue names.
const FIRMS: usize = 5;
/// Baseline cut rate per firm (per year).
const BASELINE: f64 = 1.0;
/// Spectral radius (branching ratio of the pooled cuts).
const RHO: f64 = 0.6;
/// Decay per year: an excitation fades over about a month.
const DECAY: f64 = 12.0;
/// Expected numbers of events per data set.
const SIZES: [f64; 6] = [20.0, 100.0, 200.0, 400.0, 800.0, 1600.0];
/// Data sets per size.
const REPLICATIONS: u64 = 200;
/// Seed of the experiment.
const SEED: u64 = 2026;

fn main() -> outpace::Result<()> {
    let quick = std::env::args().any(|a| a == "quick");
    let replications = if quick {
        REPLICATIONS / 10
    } else {
        REPLICATIONS
    };
    // a_self / a_cross = 4, 2, 1/2, 1/4 with the same total jump
    // c1 = a_self + (FIRMS - 1) a_cross = RHO * DECAY.
    let total = RHO * DECAY;
    let split = |ratio: f64| {
        let a_cross = total / (ratio + (FIRMS - 1) as f64);
        (ratio * a_cross, a_cross)
    };
    let scenarios = [
        ("self-excitation dominates, a_self = 4 a_cross", split(4.0)),
        ("self-excitation dominates, a_self = 2 a_cross", split(2.0)),
        ("cross-excitation dominates, a_cross = 2 a_self", split(0.5)),
        (
            "cross-excitation dominates, a_cross = 4 a_self",
            split(0.25),
        ),
    ];
    println!(
        "{FIRMS} firms, baseline {BASELINE} per firm per year, spectral radius {RHO}, decay \
         {DECAY} per year; {replications} data sets per size; the self/cross form fitted"
    );
    for (label, (a_self, a_cross)) in scenarios {
        let law = RivalHawkes::shared(FIRMS, BASELINE, a_self, a_cross, DECAY)?;
        let rate = law.stationary_total_intensity();
        println!();
        println!(
            "{label}: a_self {a_self:.3}, a_cross {a_cross:.3}, difference {:.3}",
            a_self - a_cross
        );
        println!("  events (mean) | identified | |z| >= 2 | median |z| | median se of difference");
        let mut last = None;
        for (s, &size) in SIZES.iter().enumerate() {
            let horizon = size / rate;
            let results: Vec<Option<(f64, f64, usize)>> = (0..replications)
                .into_par_iter()
                .map(|r| one(&law, horizon, (s as u64) << 32 | r))
                .collect();
            // A fit without a standard error (the observed information not
            // positive definite, typically an estimate at a_self or a_cross = 0)
            // separates nothing: it counts as |z| = 0.
            let fitted: Vec<(f64, f64, usize)> = results.iter().flatten().copied().collect();
            let mut z: Vec<f64> = results
                .iter()
                .map(|f| f.map_or(0.0, |f| f.0.abs()))
                .collect();
            let mut se: Vec<f64> = fitted.iter().map(|f| f.1).collect();
            let events =
                fitted.iter().map(|f| f.2).sum::<usize>() as f64 / fitted.len().max(1) as f64;
            let separated = z.iter().filter(|&&z| z >= 2.0).count();
            let (mz, mse) = (median(&mut z), median(&mut se));
            println!(
                "  {events:>13.0} | {:>4}/{replications:<5} | {:>8.2} | {mz:>10.2} | {mse:>10.3}",
                fitted.len(),
                separated as f64 / replications as f64,
            );
            last = Some((events, mz));
        }
        if let Some((events, mz)) = last {
            println!(
                "  events for a median |z| of 2, scaling the largest size by (2 / z)^2: {:.0}",
                events * (2.0 / mz).powi(2)
            );
        }
    }
    Ok(())
}

/// One data set on `[0, horizon]` and its fit: `(z, se of the difference, events)`,
/// `None` if the observed information is not positive definite.
fn one(law: &RivalHawkes, horizon: f64, index: u64) -> Option<(f64, f64, usize)> {
    let mut rng = PathStreams::new(SEED, index).rng(Component::new(0));
    let sampled = law.sample_events(horizon, &mut rng).ok()?;
    let firms = (0..law.firms()).map(|i| format!("firm{i}")).collect();
    let events = RivalEvents::new(firms, sampled, horizon).ok()?;
    let fitted = fit_rival_hawkes(&events, RivalSpec::SELF_CROSS).ok()?;
    let fit = fitted.fit();
    let se = fit.std_error_of_difference("self_excitation", "cross_excitation")?;
    let diff = fit.value("self_excitation") - fit.value("cross_excitation");
    Some((diff / se, se, events.len()))
}

fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    }
}
