//! The profile likelihood of the S-curve ceiling from the shipped quarterly cloud
//! revenue (`data/alibaba_quarterly.csv`, 2023Q2 onward: the segment basis changed
//! before): the maximum-likelihood S-curve, the profile table and whether the data
//! bound the ceiling. `docs/calibration.md` section 11 reports and discusses the
//! output.
//!
//! Run with `cargo run --release --example profile_ceiling`.

use outpace::Result;
use outpace::calibrate::{
    CeilingProfile, GridBound, Quarter, QuarterlySeries, SCURVE_PARAMETERS, ceiling_grid,
    profile_ceiling,
};

/// First quarter on the current segment basis (the June 2023 quarter).
const FIRST_QUARTER: &str = "2023Q2";
/// The grid of ceilings, RMB bn a quarter: from a tenth of the last quarter's
/// revenue to a hundred times the preset's median ceiling (150).
const GRID_LOW: f64 = 4.0;
const GRID_HIGH: f64 = 15_000.0;
const GRID_POINTS: usize = 25;
/// Confidence level of the likelihood-ratio interval.
const LEVEL: f64 = 0.95;

fn main() -> Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/alibaba_quarterly.csv");
    let series = QuarterlySeries::read(path, &["cloud_revenue"])?;
    let first: Quarter = FIRST_QUARTER.parse()?;
    let revenue = series.between(Some(first), None).column("cloud_revenue")?;
    let grid = ceiling_grid(GRID_LOW, GRID_HIGH, GRID_POINTS)?;
    let profile = profile_ceiling(&revenue, &grid, LEVEL)?;
    print_fit(&profile);
    print_table(&profile);
    print_verdict(&profile);
    Ok(())
}

fn print_fit(profile: &CeilingProfile) {
    let fit = profile.fit();
    println!("S-curve of log cloud revenue, {}", fit.data());
    for name in SCURVE_PARAMETERS {
        let e = fit
            .fit()
            .estimate(name)
            .expect("every S-curve parameter is reported");
        let se = e
            .std_error
            .map_or("not identified".to_owned(), |se| format!("{se:.4}"));
        println!("  {name:<12} {:>12.4}  se {se}", e.value);
    }
    println!("  log-likelihood {:.4}", fit.fit().log_likelihood());
}

fn print_table(profile: &CeilingProfile) {
    println!(
        "\nProfile of the ceiling K (RMB bn a quarter); cut-off l_max - l_p <= {:.4} ({}%)",
        profile.cutoff(),
        100.0 * profile.level()
    );
    println!(
        "  {:>10}  {:>12}  {:>10}  inside",
        "K", "l_p(K)", "l_max - l_p"
    );
    for p in profile.points() {
        println!(
            "  {:>10.2}  {:>12.4}  {:>10.4}  {}",
            p.ceiling,
            p.log_likelihood,
            p.drop,
            if p.inside { "yes" } else { "no" }
        );
    }
}

fn print_verdict(profile: &CeilingProfile) {
    let side = |bound: GridBound, unbounded: &str| match bound {
        GridBound::At(k) => format!("{k:.1}"),
        GridBound::Unbounded => unbounded.to_owned(),
    };
    println!(
        "\n{}% likelihood-ratio interval of K: [{}, {}]",
        100.0 * profile.level(),
        side(profile.lower(), "unbounded below on the grid"),
        side(profile.upper(), "unbounded above on the grid")
    );
    println!(
        "Verdict: the data {} the ceiling; profile monotone away from the estimate: {}",
        if profile.bounded() {
            "identify"
        } else {
            "do not identify"
        },
        profile.monotone()
    );
}
